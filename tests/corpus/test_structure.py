"""Segments follow each document's own hierarchy; clauses are parsed out of the text."""

from __future__ import annotations

import pytest

from corpus.clean import normalise_char, normalises_to


def _count(c, doc_id, kind):
    s = c.segments
    return int(((s.doc_id == doc_id) & (s.kind == kind)).sum())


@pytest.mark.parametrize(
    ("doc_id", "kind", "expected"),
    [
        ("guanxian-2022-plan", "part", 9),
        ("guanxian-2022-plan", "item", 20),
        ("kaijiang-2021-plan", "part", 6),
        ("kaijiang-2021-plan", "section", 20),
        ("suixi-2021-2025-scheme", "part", 10),
        ("suixi-2021-2025-scheme", "section", 29),
        ("puyang-2022-2025-scheme", "item", 28),
        ("puyang-2022-2025-scheme", "part", 3),
        ("guanxian-2023-report", "part", 4),
        ("puyang-2022-integration-scheme", "item", 59),
    ],
    ids=lambda v: str(v),
)
def test_structure_counts_match_the_documents(seed_corpus, doc_id, kind, expected):
    assert _count(seed_corpus, doc_id, kind) == expected


def test_items_hang_under_parts_when_a_document_has_no_sections(seed_corpus):
    s = seed_corpus.segments.set_index("seg_id")
    item = s[(s.doc_id == "guanxian-2022-plan") & (s.kind == "item") & (s.number == "17")].iloc[0]
    parent = s.loc[item.parent]
    assert (parent.kind, parent.number, parent.heading) == ("part", "八", "社会矛盾纠纷依法有效化解")
    assert item.level == 2
    assert item.heading == "提高行政复议效能，充分发挥行政复议化解行政争议的主渠道作用"


def test_puyang_task_18_heading(seed_corpus):
    s = seed_corpus.segments
    row = s[(s.doc_id == "puyang-2022-2025-scheme") & (s.kind == "item") & (s.number == "18")].iloc[0]
    assert row.heading == "发挥行政复议化解行政争议主渠道作用"
    assert s.set_index("seg_id").loc[row.parent].heading == "健全社会矛盾纠纷行政预防调处化解体系"


def test_segment_offsets_point_at_the_unit_in_the_source(seed_corpus):
    for row in seed_corpus.segments.itertuples():
        source = seed_corpus.source_text(row.doc_id)[row.start : row.end]
        compact = "".join(normalise_char(ch) for ch in source if not ch.isspace() and ch != "*")
        assert row.text.replace(" ", "")[:8] in compact, row.seg_id


def test_front_and_back_matter_are_marked(seed_corpus):
    s = seed_corpus.segments
    guan = s[s.doc_id == "guanxian-2022-plan"]
    assert guan[guan.kind == "front"].text.str.contains("冠政办发〔2022〕4号").any()
    assert guan[guan.kind == "back"].text.tolist() == ["冠县人民政府办公室", "2022年4月13日印发", "（共印80份）"]
    assert not guan[guan.in_body].text.str.contains("共印").any()


@pytest.mark.parametrize("word", ["牵头单位：", "责任单位：", "牵头县领导", "协同责任单位："])
def test_responsibility_clauses_are_kept_out_of_segment_text(seed_corpus, word):
    assert not seed_corpus.body().segments.text.str.contains(word).any()
    assert not seed_corpus.body().sentences.text.str.contains(word).any()


def test_suixi_section_3_lead_leaders(seed_corpus):
    s, r = seed_corpus.segments, seed_corpus.responsibilities
    seg = s[(s.doc_id == "suixi-2021-2025-scheme") & (s.kind == "section") & (s.number == "三")].seg_id.iloc[0]
    leaders = r[(r.seg_id == seg) & (r.role == "lead_leader")]
    assert leaders.name.tolist()[:2] == ["王永涛", "葛剑"]
    assert set(leaders.kind) == {"person"}
    units = r[(r.seg_id == seg) & (r.role == "lead_unit")].name.tolist()
    assert "县委机构编制委员会办公室" in units


def test_guanxian_item_1_lead_and_responsible_units(seed_corpus):
    s, r = seed_corpus.segments, seed_corpus.responsibilities
    seg = s[(s.doc_id == "guanxian-2022-plan") & (s.kind == "item") & (s.number == "1")].seg_id.iloc[0]
    rows = r[r.seg_id == seg]
    assert rows[rows.role == "lead_unit"].name.tolist() == ["县政府办公室", "县司法局", "县教育和体育局"]
    assert "县直各部门" in rows[rows.role == "responsible_unit"].name.tolist()


def test_puyang_line_clause_lead_and_participants(seed_corpus):
    s, r = seed_corpus.segments, seed_corpus.responsibilities
    seg = s[(s.doc_id == "puyang-2022-integration-scheme") & (s.kind == "item") & (s.number == "1")].seg_id.iloc[0]
    rows = r[r.seg_id == seg]
    assert rows[rows.role == "lead_unit"].name.tolist() == ["县委宣传部", "县委组织部", "县委党校", "县委依法治县办"]
    assert rows[rows.role == "cooperating_unit"].name.tolist() == ["县直有关单位"]


def test_responsibility_names_are_found_at_their_offsets(seed_corpus):
    for row in seed_corpus.responsibilities.itertuples():
        source = seed_corpus.source_text(row.doc_id)[row.start : row.end]
        compact = "".join(ch for ch in source if not ch.isspace() and ch not in "*〕]")
        assert len(compact) == len(row.name), (row.name, source)
        assert all(normalises_to(a, b) for a, b in zip(compact, row.name)), (row.name, source)


def test_sentences_are_verbatim_at_their_offsets(seed_corpus):
    for row in seed_corpus.sentences.itertuples():
        source = seed_corpus.source_text(row.doc_id)[row.start : row.end]
        compact = "".join(ch for ch in source if not ch.isspace() and ch != "*")
        text = row.text.replace(" ", "")
        assert len(compact) == len(text) and all(normalises_to(a, b) for a, b in zip(compact, text)), row.sent_id


def test_report_sentence_with_reconsideration_counts(seed_corpus):
    sent = seed_corpus.sentences
    hit = sent[sent.text.str.contains("接收行政复议申请91件")]
    assert len(hit) == 1
    row = hit.iloc[0]
    assert row.doc_id == "guanxian-2023-report"
    assert (
        seed_corpus.source_text(row.doc_id)[row.start : row.end]
        == "2023年接收行政复议申请91件,受理73件,不予受理6件,纠错3件,化解33件。"
    )
