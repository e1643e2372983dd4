"""Template vs borrowing (issue 15 item 4): shared passages found in a reference text."""

from __future__ import annotations

import pytest

from analysis.paths import REFERENCE_DIR
from analysis.similarity import reuse, template

GUAN, SUIXI = "guanxian-2023-report", "suixi-2021-2025-scheme"


@pytest.fixture(scope="module")
def labelled(seed_corpus):
    return template.label_reuse(reuse.reuse_tables(seed_corpus))


def test_shipped_reference_is_the_gangyao_outline():
    texts = template.read_references()
    assert list(texts) == ["gangyao_2021_outline.txt"] and REFERENCE_DIR.is_dir()
    outline = texts["gangyao_2021_outline.txt"]
    assert "（二十二）发挥行政复议化解行政争议主渠道作用" in outline and len(outline.splitlines()) == 45


def test_gangyao_part_headings_shared_by_guanxian_and_suixi_are_template(seed_corpus, labelled):
    p = labelled["passages"]
    pair = p[(p.doc_a == GUAN) & (p.doc_b == SUIXI) & (p.reuse_kind == "template")]
    assert "健全依法行政制度体系加快推进政府治理规范化程序化法治化" in set(pair.masked)
    assert set(pair.reference) == {"gangyao_2021_outline.txt"} and (pair.template_pct >= 50).all()
    for row in pair.itertuples():
        assert seed_corpus.source_text(row.doc_a)[row.start_a : row.end_a] == row.text


def test_seed_counts_and_borrowing_share(labelled):
    p = labelled["passages"]
    assert (p.reuse_kind == "template").sum() == 37 and (p.reuse_kind == "borrowing").sum() == 359
    assert set(p[p.reuse_kind == "borrowing"].reference) == {""}
    s = labelled["shares"]
    assert (s.borrowed_units <= s.covered_units).all()
    top = s.loc[s.borrowing_pct.idxmax()]
    assert (top.doc_a, top.doc_b) == (SUIXI, "puyang-2022-2025-scheme")
    assert top.borrowing_pct == pytest.approx(27.4, abs=0.1)


def test_researcher_reference_folder(tmp_path, labelled):
    """A provincial text the researcher adds turns the passages it holds into template."""
    p = labelled["passages"]
    borrowed = p[(p.reuse_kind == "borrowing") & (p.n_units >= 40)].iloc[0]
    (tmp_path / "province_scheme.txt").write_text("某省实施方案\n" + borrowed.text, encoding="utf-8")
    again = template.label_reuse(labelled, reference=tmp_path)
    row = again["passages"].loc[borrowed.name]
    assert row.reuse_kind == "template" and row.reference == "province_scheme.txt"


def test_missing_or_undecodable_reference_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="nowhere"):
        template.read_references(tmp_path / "nowhere")
    (tmp_path / "bad.txt").write_bytes("纲要".encode("gb18030"))
    with pytest.raises(ValueError, match=r"bad\.txt.*not UTF-8"):
        template.read_references(tmp_path)


def test_the_public_reuse_labels_template_and_borrowing(seed_corpus, labelled):
    import analysis as an

    passages = an.reuse(seed_corpus)
    # the outline names 37 passages template; wording three or four of the four counties share, 80 more
    assert passages.reuse_kind.value_counts().to_dict() == {"borrowing": 279, "template": 117}
    common = passages[passages.reference.str.startswith("shared by")]
    assert len(common) == 80 and set(common.reference) <= {"shared by 3 counties", "shared by 4 counties"}
    assert "党政主要负责人履行推进法治建设第一责任人职责" in set(common.masked)
    assert "unit_a" not in passages.columns
    shares = an.reuse(seed_corpus, shares=True)
    top = shares.loc[shares.borrowing_pct.idxmax()]
    # common wording no longer counts as borrowing: 濉溪 -> 濮阳 falls from 27.4 % (outline only) to 27.2 %
    assert (top.doc_a, round(top.borrowing_pct, 1)) == (SUIXI, 27.2)
    assert top.borrowing_pct < labelled["shares"].borrowing_pct.max()
