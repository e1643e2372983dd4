"""Topic coding and coverage (issue 3): inline behaviour and real results on the seeds."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pandas as pd
import pytest

from analysis.coverage import coder as coder_module
from analysis.coverage import coding as cov
from analysis.coverage.codebook import normalise
from analysis.coverage.coder import TopicCoder
from analysis.coverage.kwic import kwic
from analysis.report.sections import coverage as coverage_section


@pytest.fixture(scope="module")
def cb():
    return TopicCoder.from_file()


@pytest.fixture(scope="module")
def coded(seed_corpus, cb):
    return cov.code_sentences(seed_corpus, coder=cb)


@pytest.fixture(scope="module")
def seg_coded(seed_corpus, cb):
    return cov.code_segments(seed_corpus, coder=cb)


@pytest.fixture(scope="module")
def areas(seed_corpus, cb, coded):
    c = seed_corpus
    return cov.area_coverage(c, coder=cb, coded=coded).set_index(["doc_id", "area_id"])


def _alternation(phrases) -> re.Pattern:
    """The reference matcher: one regular expression per phrase list, its phrases longest first."""
    return re.compile("|".join(re.escape(normalise(p)) for p in sorted(phrases, key=len, reverse=True)))


def _regex_hits(text: str, topic) -> list[tuple[str, int, int]]:
    """A topic's hits as a regex per topic finds them: cues (leftmost-longest, not overlapping) outside
    every match of the exclusion phrases."""
    norm, written = normalise(text), {normalise(c): c for c in topic.cues}
    hits = [(written[m.group(0)], m.start(), m.end()) for m in _alternation(topic.cues).finditer(norm)]
    spans = [m.span() for m in _alternation(topic.exclude).finditer(norm)] if topic.exclude else []
    return [h for h in hits if not any(s <= h[1] and h[2] <= e for s, e in spans)]


def _segment(c, doc_id, heading_part):
    seg = c.segments[(c.segments["doc_id"] == doc_id) & c.segments["heading"].str.contains(heading_part)]
    assert len(seg) == 1, seg
    return seg.iloc[0]


# --- behaviour on inline text ------------------------------------------------------------


def test_longer_cue_wins_and_is_reported_as_written(cb):
    hits = cb.match("加强行政复议工作，复议纠错。", "disputes.reconsideration")
    assert hits == [("行政复议", 2, 6), ("复议", 9, 11)]


def test_exclusion_masks_cue_inside_it(cb):
    assert cb.match("健全党内规范性文件备案审查", "rules.normative_documents") == [("备案审查", 9, 13)]
    assert cb.match("规范性文件", "rules.normative_documents") == [("规范性文件", 0, 5)]


def test_exclusion_among_many_in_one_long_text(cb):
    """Issue 16: a corpus joined into one text holds thousands of exclusion phrases; a cue is masked
    exactly when one of them covers it (checked against scanning every exclusion)."""
    pieces = ["健全党内规范性文件备案审查", "规范性文件", "加强规范性文件管理", "党内规范性文件"] * 500
    text = "\n".join(pieces)
    found = cb.match(text, "rules.normative_documents")
    topic = next(t for t in cb.codebook.topics if t.id == "rules.normative_documents")
    spans = [m.span() for m in _alternation(topic.exclude).finditer(text)]
    assert len(spans) == 1000
    assert found == _regex_hits(text, topic)
    assert len(found) == 1500  # 备案审查 of each first piece, the cue of the second and third


def test_one_automaton_for_all_topics_finds_what_a_regex_per_topic_finds(cb, seed_corpus):
    """Issue 16: the coder reads a text once for every cue of the codebook (Aho-Corasick, all
    occurrences) and takes each topic's leftmost-longest matches from them; on the seeds and the real
    documents of other places, every topic's hits equal those of a regular expression per topic."""
    realdocs = Path(__file__).parents[1] / "data" / "realdocs"
    texts = [seed_corpus.source_text(d) for d in seed_corpus.doc_ids]
    texts += [p.read_text(encoding="utf-8") for p in sorted(realdocs.glob("*.txt"))]
    checked = 0
    for topic in cb.codebook.topics:
        for text in texts:
            expected = _regex_hits(text, topic)
            assert cb.match(text, topic.id) == expected, (topic.id, text[:30])
            checked += len(expected)
    assert checked > 5000  # the comparison saw real hits, not empty lists


def test_normalise_maps_long_texts_as_short_ones():
    """A long text is mapped as an array of code points: the same string as ``str.translate`` gives,
    with every full-width ASCII variant, characters beyond the BMP and a lone surrogate kept as they are."""
    piece = "推进“互联网＋监管”，完成率１００％！～ＡＢＣ\U00020000\ud800．"
    text = piece * 5000
    assert len(text) > 65536
    expected = "".join(normalise(ch) for ch in piece) * 5000  # character by character, short texts
    assert normalise(text) == expected
    assert normalise(piece) == "推进“互联网+监管”,完成率100%!~ABC\U00020000\ud800."


def test_coding_in_blocks_equals_coding_at_once(cb, seed_corpus, monkeypatch):
    """code_texts joins and reads CODE_BLOCK_CHARS characters of texts at a time: blocks of ~500
    characters (hundreds of them on the seeds' sentences) give the table one block gives."""
    sents = cov.body_sentences(seed_corpus)[["doc_id", "sent_id", "text"]].rename(columns={"sent_id": "seg_id"})
    whole = cb.code_texts(sents)
    monkeypatch.setattr(coder_module, "CODE_BLOCK_CHARS", 500)
    pd.testing.assert_frame_equal(cb.code_texts(sents), whole)
    assert len(whole) > 1000


def test_full_and_half_width_ascii_match_alike(cb):
    assert cb.match("推进“互联网+监管”", "digital.smart_regulation")[0][0] == "互联网＋监管"


def test_coding_many_texts_at_once_equals_coding_each_alone(cb, seed_corpus):
    """Issue 10: the one-pass coder gives exactly what coding each text alone gives."""
    sents = cov.body_sentences(seed_corpus)
    together = cb.code_texts(sents.rename(columns={"sent_id": "x", "seg_id": "seg_id"}))
    alone = [
        (seg, topic, len(hits))
        for seg, text in zip(sents["seg_id"], sents["text"])
        for _, topic, hits in cb.code_text(text)
    ]
    assert sorted(zip(together["seg_id"], together["topic_id"], together["n_hits"])) == sorted(alone)
    assert len(together) > 1000


def test_code_texts_and_primary_area(cb):
    texts = pd.DataFrame(
        {
            "doc_id": ["d", "d"],
            "seg_id": ["d:1", "d:2"],
            "text": ["依法受理行政复议案件，落实出庭应诉制度，推进政务公开。", "没有线索的句子。"],
        }
    )
    coded = cb.code_texts(texts)
    assert set(coded["topic_id"]) == {"disputes.reconsideration", "disputes.litigation", "supervision.openness"}
    assert cov.primary_areas(coded, cb).to_dict() == {"d:1": "disputes"}


def test_body_text_drops_own_heading_only():
    assert cov.body_text("深化复议应诉工作。聘任16名监督员。", "深化复议应诉工作") == "。聘任16名监督员。"
    assert cov.body_text("聘任16名监督员。", "") == "聘任16名监督员。"


def test_relative_emphasis_against_other_counties():
    prof = pd.DataFrame(
        {
            "county": ["A", "B", "C"],
            "area_id": ["x"] * 3,
            "label_zh": ["x"] * 3,
            "label_en": ["x"] * 3,
            "share_pct": [30.0, 10.0, 20.0],
        }
    )
    out = cov.relative_emphasis(prof).set_index("county")
    assert out.loc["A", "others_mean_pct"] == 15.0
    assert out.loc["A", "diff_pp"] == 15.0
    assert out.loc["A", "ratio"] == 2.0
    assert out.loc["B", "diff_pp"] == -15.0


# --- real results on the seeds ---------------------------------------------------------------


def test_guanxian_2023_reconsideration_paragraph(seed_corpus, cb, seg_coded):
    """冠县 2023 report, item "2.深化复议应诉工作…": 矛盾纠纷化解 with 行政复议 and 行政应诉."""
    seg = _segment(seed_corpus, "guanxian-2023-report", "^深化复议应诉工作$")
    assert "接收行政复议申请91件" in seg.text
    rows = seg_coded[seg_coded["seg_id"] == seg.seg_id].set_index("topic_id")
    assert {"disputes.reconsideration", "disputes.litigation"} <= set(rows.index)
    assert "行政复议" in rows.loc["disputes.reconsideration", "cues"]
    assert "出庭应诉" in rows.loc["disputes.litigation", "cues"]
    assert cov.primary_areas(seg_coded, cb)[seg.seg_id] == "disputes"


def test_kaijiang_pandemic_section(seed_corpus, cb, seg_coded):
    """开江 （二十）依法推进常态化疫情防控 is coded to 疫情防控."""
    seg = _segment(seed_corpus, "kaijiang-2021-plan", "疫情防控")
    assert seg.number == "二十"
    rows = seg_coded[seg_coded["seg_id"] == seg.seg_id].set_index("topic_id")
    assert rows.loc["emergency.pandemic", "n_hits"] == 5
    assert cov.primary_areas(seg_coded, cb)[seg.seg_id] == "emergency"


@pytest.mark.parametrize("area_id", ["justice", "society"])
def test_integration_scheme_weighs_justice_and_society_above_guanxian_plan(areas, area_id):
    puyang = areas.loc[("puyang-2022-integration-scheme", area_id), "share_pct"]
    guanxian = areas.loc[("guanxian-2022-plan", area_id), "share_pct"]
    assert puyang >= guanxian + 5.0
    assert puyang >= 1.5 * guanxian


def test_guanxian_2022_plan_has_no_justice_text(areas):
    assert areas.loc[("guanxian-2022-plan", "justice"), "share_pct"] == 0.0
    assert areas.loc[("puyang-2022-integration-scheme", "justice"), "has_heading"]


def test_coverage_table_contract(seed_corpus, cb, coded):
    c = seed_corpus
    table = cov.coverage(c, coder=cb, coded=coded)
    assert len(table) == len(c.documents) * len(cb.codebook.topics)
    for col in [
        "doc_id",
        "county",
        "area_id",
        "topic_id",
        "label_zh",
        "label_en",
        "share_pct",
        "n_segments",
        "has_heading",
        "cues",
    ]:
        assert col in table
    assert table["share_pct"].between(0, 100).all()
    assert ((table["n_segments"] == 0) == (table["cues"] == "")).all()
    row = table.set_index(["doc_id", "topic_id"]).loc[("guanxian-2023-report", "disputes.reconsideration")]
    assert row["has_heading"] and row["county"] == "冠县" and row["share_pct"] > 0
    assert row["cues"].startswith("行政复议×")


def test_every_cue_count_traces_to_kwic_rows(seed_corpus, cb, coded):
    c = seed_corpus
    table = cov.coverage(c, coder=cb, coded=coded).set_index(["doc_id", "topic_id"])
    for doc_id, topic_id in [
        ("guanxian-2023-report", "disputes.litigation"),
        ("puyang-2022-integration-scheme", "justice.reform"),
        ("kaijiang-2021-plan", "emergency.pandemic"),
    ]:
        cues = table.loc[(doc_id, topic_id), "cues"]
        total = sum(int(part.rsplit("×", 1)[1]) for part in cues.split(cov.CUE_SEPARATOR))
        rows = kwic(c, topic_id, coder=cb, doc_id=doc_id)
        assert len(rows) == total
        assert rows["seg_id"].nunique() == table.loc[(doc_id, topic_id), "n_segments"]


def test_profiles_and_gaps(seed_corpus, cb, coded):
    c = seed_corpus
    topics = cov.county_profiles(c, coder=cb, coded=coded, level="topic")
    assert set(topics["county"]) == {"冠县", "开江县", "濉溪县", "濮阳县"}
    assert topics.loc[topics["county"] == "濮阳县", "n_docs"].iloc[0] == 3
    gap = cov.gaps(topics, coder=cb).set_index(["county", "topic_id"])
    assert not gap.loc[("冠县", "supervision.inspection"), "addressed"]  # no 政府督查 in 冠县's documents
    assert gap.loc[("濉溪县", "supervision.inspection"), "addressed"]
    assert gap.xs("濮阳县")["addressed"].all()  # three documents between them address every topic
    with pytest.raises(ValueError, match="level='doc' not allowed"):
        cov.county_profiles(c, coder=cb, level="doc")


@pytest.fixture(scope="module", params=["zh", "en"])
def section(request, seed_corpus):
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*missing from font.*")
        return coverage_section.section(seed_corpus, lang=request.param), request.param


def test_section_tables_figures_findings(section, seed_corpus):
    sec, lang = section
    assert {
        "coverage",
        "coverage_validity",
        "coverage_areas",
        "coverage_profiles",
        "coverage_emphasis",
        "coverage_gaps",
        "coverage_nmf",
    } <= set(sec.tables)
    assert all(name.startswith("coverage") for name in sec.tables)
    assert set(sec.figures) == {"coverage_heatmap", "coverage_subtopics", "coverage_gaps"}
    assert "macro" in set(sec.tables["coverage_validity"]["area_id"])
    counties = set(sec.tables["coverage"]["county"])
    assert counties == (
        {"Guan County", "Kaijiang County", "Suixi County", "Puyang County"}
        if lang == "en"
        else {"冠县", "开江县", "濉溪县", "濮阳县"}
    )
    assert len(sec.findings) >= 4
    for f in sec.findings:
        assert set(f.text) == {"zh", "en"} and f.table in sec.tables
        values = pd.to_numeric(sec.tables[f.table].select_dtypes("number").stack(), errors="coerce")
        for number in f.numbers:
            assert (values - number).abs().min() < 1e-9, (f.key, number)
        for q in f.quotes:
            assert seed_corpus.source_text(q.doc_id)[q.start : q.end] == q.text
