"""Metric extraction (issue 5) on the seven seeds, inline fixtures and genre reports."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import corpus
from analysis.metrics import extraction as metrics
from analysis.metrics import panel
from analysis.metrics.extraction import MetricExtractor
from analysis.metrics.flags import is_valid, validate
from corpus.guard import worker_pool

DATA = Path(__file__).parent / "data"
EXTRACTOR = MetricExtractor.from_file()
DEFS = EXTRACTOR.defs


@pytest.fixture(scope="module")
def extracted(seed_corpus):
    return metrics.extract(seed_corpus)


def _sentence(text, *, doc_type="report", doc_year=2023):
    rows, loose = EXTRACTOR.extract_sentence(
        text, 0, len(text), doc_id="d", county="某县", doc_type=doc_type, doc_year=doc_year
    )
    return rows, loose


def _values(rows):
    return {r["metric"]: r["value"] for r in rows}


# --- inline fixtures (sentences copied from the seeds) -------------------------------------


def test_subject_carried_through_list():
    rows, loose = _sentence("2023年接收行政复议申请91件,受理73件,不予受理6件,纠错3件,化解33件。")
    assert _values(rows) == {
        "reconsideration_received": 91,
        "reconsideration_accepted": 73,
        "reconsideration_rejected": 6,
        "reconsideration_corrected": 3,
        "reconsideration_resolved": 33,
    }
    assert loose == []
    accepted = next(r for r in rows if r["metric"] == "reconsideration_accepted")
    assert accepted["quote"] == "2023年接收行政复议申请91件,受理73件"


def test_same_verbs_without_subject_are_not_reconsideration():
    rows, loose = _sentence("受理农业违法案件线索的举报、投诉27起,监督巡查发现各类线索78起。")
    assert rows == []
    assert [r["value"] for r in loose] == [27, 78]


def test_qualitative_total_is_derived():
    rows, _ = _sentence("2023年涉及县政府等共计一审111件行政应诉案件,开庭审理105件,行政机关负责人全部出庭应诉。")
    assert _values(rows) == {"litigation_first_instance": 111, "litigation_heard": 105, "leader_appearance_rate": 100}
    leader = next(r for r in rows if r["metric"] == "leader_appearance_rate")
    assert leader["flags"] == "derived" and leader["quote"] == "行政机关负责人全部出庭应诉"


@pytest.mark.parametrize(
    "text, value",
    [
        ("全县信访总量同比下降26.51%。", 26.51),
        ("全区信访总量同比上升4.7%。", -4.7),
        ("信访件次同比减少百分之八。", 8),
    ],
)
def test_petition_sign(text, value):
    assert _values(_sentence(text)[0]) == {"petition_decline_pct": value}


def test_petition_percentage_without_direction_is_unclassified():
    rows, loose = _sentence("信访总量占比12%。")
    assert rows == [] and [r["value"] for r in loose] == [12]


def test_rates_listed_together_share_one_value():
    rows, _ = _sentence(
        "做到有件必备、有备必审、有错必纠，报备率、及时率、备案审查率达到100%。", doc_type="plan", doc_year=2022
    )
    assert {(r["metric"], r["value"], r["kind"], r["comparator"]) for r in rows} == {
        ("filing_rate", 100, "target", ">="),
        ("filing_timely_rate", 100, "target", ">="),
        ("filing_review_rate", 100, "target", ">="),
    }


def test_reach_is_equality_in_a_report_and_floor_in_a_plan():
    assert _sentence("报备率达100%。")[0][0]["comparator"] == "="
    assert _sentence("报备率达100%。", doc_type="plan")[0][0]["comparator"] == ">="


def test_year_from_sentence_and_attributive_year():
    rows, _ = _sentence("持证人员由2022年的632人增加至目前的863人。", doc_year=2023)
    assert [(r["metric"], r["value"], r["year"]) for r in rows] == [
        ("certified_enforcement_staff", 632, 2022),
        ("certified_enforcement_staff", 863, 2023),
    ]


def test_target_phrasing_in_report_is_flagged():
    rows, _ = _sentence("力争行政机关负责人出庭应诉率达到100%。")
    assert rows[0]["kind"] == "target" and "target_stated_as_actual" in rows[0]["flags"]


def test_actual_phrasing_in_plan_is_flagged():
    rows, _ = _sentence("2021年全县共计接收行政复议申请50件。", doc_type="plan", doc_year=2022)
    assert rows[0]["kind"] == "actual" and rows[0]["year"] == 2021
    assert "actual_in_plan" in rows[0]["flags"]


def test_validation_flags():
    rows, _ = _sentence("2023年接收行政复议申请50件,受理60件,不予受理8件。")
    flagged = metrics.validate(pd.DataFrame(rows, columns=metrics.METRIC_COLUMNS + metrics.PROVENANCE_COLUMNS), DEFS)
    flags = dict(zip(flagged["metric"], flagged["flags"]))
    assert "part_exceeds_total" in flags["reconsideration_accepted"]
    assert "parts_sum_exceeds_total" in flags["reconsideration_rejected"]
    assert flags["reconsideration_received"] == ""
    rows, _ = _sentence("审计查出问题388条,整改到位率952%。")
    flagged = metrics.validate(pd.DataFrame(rows, columns=metrics.METRIC_COLUMNS + metrics.PROVENANCE_COLUMNS), DEFS)
    assert flagged["flags"].tolist() == ["rate_over_100"]


def test_quote_is_verbatim_across_line_breaks():
    source = "前文。县级党政机关公职律\n\n师工作实现全覆盖。后文"
    start = source.index("县")
    rows, _ = EXTRACTOR.extract_sentence(
        source, start, source.index("后"), doc_id="d", county="x", doc_type="scheme", doc_year=2025
    )
    (row,) = rows
    assert row["metric"] == "public_lawyer_coverage_rate" and row["value"] == 100
    assert source[row["start"] : row["end"]] == row["quote"] == "县级党政机关公职律\n\n师工作实现全覆盖"


# --- the seven seeds ---------------------------------------------------------------------


def test_guanxian_2023_report_done_when(extracted):
    m, _ = extracted
    report = m[m.doc_id == "guanxian-2023-report"].set_index("metric")
    expected = {
        "reconsideration_received": 91,
        "reconsideration_accepted": 73,
        "reconsideration_rejected": 6,
        "reconsideration_corrected": 3,
        "reconsideration_resolved": 33,
        "litigation_first_instance": 111,
        "litigation_heard": 105,
        "leader_appearance_rate": 100,
        "petition_decline_pct": 26.51,
    }
    for metric_id, value in expected.items():
        assert report.loc[metric_id, "value"] == value, metric_id
        assert report.loc[metric_id, "kind"] == "actual"
        assert report.loc[metric_id, "year"] == 2023
    assert report.loc["leader_appearance_rate", "flags"] == "derived"
    assert "接收行政复议申请91件" in report.loc["reconsideration_received", "quote"]
    assert report.loc["petition_decline_pct", "quote"] == "全县信访总量同比下降26.51%"


def test_documents_read_in_worker_processes_give_the_same_rows(seed_corpus, extracted):
    m, loose = EXTRACTOR.extract(seed_corpus, jobs=2)
    pd.testing.assert_frame_equal(m, extracted[0])
    pd.testing.assert_frame_equal(loose, extracted[1])
    report = m[m.doc_id == "guanxian-2023-report"].set_index("metric")
    assert report.loc["reconsideration_received", "value"] == 91


_FORKED: dict = {}


def _extract_in_worker() -> tuple:
    return EXTRACTOR.extract(_FORKED["corpus"], jobs=None)


def test_a_report_section_worker_extracts_in_itself(seed_corpus, extracted, monkeypatch):
    """Issue 16: in a worker of corpus.guard.worker_pool (a report's section), jobs=None starts no
    pool of its own, even for a corpus large enough for one; the rows are the same."""
    monkeypatch.setattr(metrics, "PARALLEL_MIN", 1)
    monkeypatch.setattr(metrics, "_parallel", lambda *a: pytest.fail("a pool inside a section worker"))
    _FORKED["corpus"] = seed_corpus
    try:
        with worker_pool(1, fork=True) as pool:
            m, loose = pool.submit(_extract_in_worker).result()
    finally:
        _FORKED.clear()
    pd.testing.assert_frame_equal(m, extracted[0])
    pd.testing.assert_frame_equal(loose, extracted[1])


def test_targets_for_leader_appearance(extracted):
    m, _ = extracted
    leader = m[(m.metric == "leader_appearance_rate") & (m.kind == "target")]
    suixi = leader[leader.doc_id == "suixi-2021-2025-scheme"].iloc[0]
    assert suixi.value == 100 and "出庭应诉率达到100%" in suixi.quote
    puyang = leader[leader.doc_id == "puyang-2022-integration-scheme"].iloc[0]
    assert (puyang.value, puyang.comparator) == (95, ">=")
    assert puyang.quote == "各级各部门行政负责人出庭应诉率不低于95%"


def test_952_percent_is_flagged(extracted):
    m, _ = extracted
    row = m[(m.metric == "audit_rectification_rate")].iloc[0]
    assert row["value"] == 952 and "rate_over_100" in row["flags"] and row["quote"] == "整改到位率952%"


def test_every_quote_is_verbatim_at_its_offsets(seed_corpus, extracted):
    for table in extracted:
        assert len(table) > 0
        for row in table.itertuples(index=False):
            assert seed_corpus.source_text(row.doc_id)[row.start : row.end] == row.quote


def test_extracted_rows_equal_hand_made_table(extracted):
    """Zero false rows, zero misses: the hand-made table was built by reading the seeds."""
    m, _ = extracted
    expected = pd.read_csv(DATA / "expected_metrics.csv")
    key = ["doc_id", "metric", "value", "kind", "year", "comparator"]
    got = sorted(tuple(r) for r in m[key].astype({"year": int}).itertuples(index=False))
    want = sorted(tuple(r) for r in expected[key].itertuples(index=False))
    assert got == want


def test_documents_without_metrics(extracted):
    m, u = extracted
    assert "kaijiang-2021-plan" not in set(m.doc_id)
    assert "puyang-2022-assessment" not in set(m.doc_id)
    # Numbers that match no definition are kept, with provenance, not forced into a metric.
    assert {"10305户", "22320枚", "40家"} <= set(u.number_text)
    assert (u[u.number_text == "5分"].doc_id == "puyang-2022-assessment").all()


# --- the genre: annual reports of other counties ----------------------------------------


def test_genre_reports_recall_and_precision():
    c = corpus.load(DATA / "genre_reports")
    m, _ = metrics.extract(c)
    expected = pd.read_csv(DATA / "genre_reports" / "expected.csv")
    docs = {Path(f).name: d for f, d in zip(c.documents.source_file, c.documents.doc_id)}
    stated = {(docs[f], metric, float(v)) for f, metric, v in expected.itertuples(index=False)}
    subjects = ("reconsideration", "litigation", "leader", "petition")
    got = {(r.doc_id, r.metric, float(r.value)) for r in m.itertuples() if r.metric.startswith(subjects)}
    found = stated & got
    assert len(found) / len(stated) >= 0.9
    wrong = {(d, k) for d, k, _ in got} & {(d, k) for d, k, _ in stated}
    wrong = [(d, k, v) for d, k, v in got if (d, k) in wrong and (d, k, v) not in stated]
    assert wrong == []
    assert got - stated == set()  # no figure the reports do not state
    assert set(m.kind) == {"actual"}


# --- issue 12: subjects carried over, the genre's vocabulary, periods -----------------------


def test_subject_from_earlier_sentence_of_the_segment():
    rows, loose = EXTRACTOR.extract_sentence(
        "维持原行政行为5件,驳回2件。", 0, 15, doc_id="d", county=None, doc_type="report", doc_year=2023,
        context_subjects=frozenset({"reconsideration"}),
    )  # fmt: skip
    assert _values(rows) == {"reconsideration_upheld": 5, "reconsideration_dismissed": 2}
    assert {r["subject_source"] for r in rows} == {"context"}
    assert loose == []


def test_subject_from_heading_chain_and_none_in_reach():
    text = "受理73件,维持46件。"
    rows, _ = EXTRACTOR.extract_sentence(
        text, 0, len(text), doc_id="d", county=None, doc_type="report", doc_year=2023,
        heading_subjects=frozenset({"reconsideration"}),
    )  # fmt: skip
    assert _values(rows) == {"reconsideration_accepted": 73, "reconsideration_upheld": 46}
    assert {r["subject_source"] for r in rows} == {"heading"}
    rows, loose = _sentence(text)
    assert rows == [] and [r["value"] for r in loose] == [73, 46]


def test_segment_carries_subject_across_sentences(tmp_path):
    (tmp_path / "某县2023年法治政府建设年度报告.txt").write_text(
        "某县2023年法治政府建设年度报告\n一、行政复议\n全年共受理行政复议案件40件。审结38件,维持20件,撤销3件,"
        "确认违法2件,终止4件。\n二、信访工作\n全县信访总量143件次,同比下降9.2%;来信19件次,同比上升5%。\n",
        encoding="utf-8",
    )
    m, _ = metrics.extract(corpus.load(tmp_path))
    got = {r.metric: (r.value, r.subject_source) for r in m.itertuples()}
    assert got["reconsideration_upheld"] == (20, "context")
    assert got["reconsideration_revoked"][0] == 3
    assert got["reconsideration_confirmed_illegal"][0] == 2
    assert got["reconsideration_terminated"][0] == 4
    assert got["petition_decline_pct"][0] == pytest.approx(9.2)
    assert got["petition_letters"][0] == 19
    assert got["petition_letters_decline_pct"][0] == -5  # 上升: negative under the decline convention


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("行政复议案件撤销、变更6件。", {"reconsideration_revoked_or_changed": 6}),
        ("行政复议结案率达到100%。", {"reconsideration_conclusion_rate": 100}),
        ("行政复议调解和解率45%。", {"reconsideration_mediation_rate": 45}),
        (
            "行政复议责令履行2件,移送处理1件。",
            {"reconsideration_ordered_to_perform": 2, "reconsideration_transferred": 1},
        ),
        (
            "行政应诉案件胜诉9起,败诉1起,原告撤诉5起。",
            {"litigation_won": 9, "litigation_lost": 1, "litigation_withdrawn": 5},
        ),
        ("信访来访95件127人次。", {"petition_visits": 95, "petition_visit_persons": 127}),
        (
            "行政复议维持原具体行政行为5件,占受理案件总数的38%。",
            {"reconsideration_upheld": 5, "reconsideration_upheld_share": 38},
        ),
        ("行政复议申请人撤回申请9件,占案件受理总数的17.8%。", {"reconsideration_withdrawn": 9}),
        (
            "到省信访局信访量13件人次,同比下降50%。",
            {"petition_to_province": 13, "petition_to_province_decline_pct": 50},
        ),
    ],
    ids=[
        "revoked-or-changed",
        "conclusion-rate",
        "mediation-rate",
        "perform-transfer",
        "won-lost",
        "visits",
        "upheld-share",
        "share-of-unlisted-count-unclassified",
        "province",
    ],
)
def test_genre_vocabulary(text, values):
    rows, _ = _sentence(text)
    assert _values(rows) == values


@pytest.mark.parametrize(
    ("text", "period", "partial"),
    [
        ("今年1-6月,全县信访总量143件次。", "2023-01..06", True),
        ("上半年全县信访总量143件次。", "2023-01..06", True),
        ("截至9月底,全县信访总量143件次。", "..2023-09", True),
        ("全县信访总量143件次。", "", False),
    ],
    ids=["1-6月", "上半年", "截至9月底", "whole-year"],
)
def test_partial_year_period(text, period, partial):
    rows, _ = _sentence(text)
    assert rows[0]["period_months"] == period
    assert ("partial_year" in rows[0]["flags"]) is partial


def test_concluded_beyond_accepted_is_carry_over_not_invalid():
    rows, _ = _sentence("行政复议受理30件,审结35件。")
    table = validate(pd.DataFrame(rows, columns=metrics.METRIC_COLUMNS + metrics.PROVENANCE_COLUMNS), DEFS)
    flags = dict(zip(table.metric, table["flags"]))
    assert flags["reconsideration_closed"] == "carry_over_possible"
    assert is_valid(flags["reconsideration_closed"])


def test_other_object_of_the_same_verb_does_not_inherit_the_segment_subject():
    text = "受理行政许可业务8136件,办结12345热线工单300件。"
    rows, loose = EXTRACTOR.extract_sentence(
        text, 0, len(text), doc_id="d", county=None, doc_type="report", doc_year=2023,
        context_subjects=frozenset({"reconsideration"}),
    )  # fmt: skip
    assert rows == []
    assert [r["value"] for r in loose] == [8136, 300]


# --- when a figure is for (issue 12) ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("全年受理行政复议案件80件,去年同期为45件。", 2022),
        ("全年受理行政复议案件80件,上年为45件。", 2022),
        ("全年受理行政复议案件80件,前年为45件。", 2021),
        ("受理行政复议案件45件。", 2023),  # no relative word: the document's year
    ],
    ids=["去年同期为", "上年为", "前年为", "none"],
)
def test_prior_year_values_bind_to_their_year(text, year):
    rows, loose = _sentence(text)
    assert [r["year"] for r in rows + loose if r["value"] == 45] == [year]
    assert [r["year"] for r in rows + loose if r["value"] == 80] in ([2023], [])


def test_prior_year_count_with_its_own_cue():
    rows, _ = _sentence("全县受理行政复议案件80件,去年同期受理45件。")
    assert {(r["metric"], r["value"], r["year"]) for r in rows} == {
        ("reconsideration_accepted", 80, 2023),
        ("reconsideration_accepted", 45, 2022),
    }


def test_change_against_last_year_stays_this_years():
    rows, _ = _sentence("全县信访总量143件次,较去年同期上升9.16%。")
    assert {r["year"] for r in rows} == {2023}


@pytest.mark.parametrize(
    ("text", "year", "period", "flag"),
    [
        ("自2021年3月起至2023年9月底,累计受理行政复议案件120件。", 2021, "2021-03..2023-09", "multi_year"),
        ("2023年3月以来,累计受理行政复议案件40件。", 2023, "2023-03..12", "partial_year"),
        ("2023年以来,累计受理行政复议案件40件。", 2023, "", ""),
        ("截至2023年9月底,受理行政复议案件40件。", 2023, "..2023-09", "partial_year"),
    ],
    ids=["span-of-years", "since-march", "since-january", "up-to-september"],
)
def test_cumulative_figures_cover_their_span(text, year, period, flag):
    rows, _ = _sentence(text)
    (row,) = [r for r in rows if r["metric"] == "reconsideration_accepted"]
    assert (row["year"], row["period_months"], row["flags"]) == (year, period, flag)


# --- the genre's vocabulary (issue 12): each added metric with a sentence written as reports write it


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "2023年全县受理、审结行政复议案件分别为91件、73件。",
            {("reconsideration_accepted", 91), ("reconsideration_closed", 73)},
        ),
        ("行政诉讼一审收案、结案分别为20件和18件。", {("litigation_first_instance", 20), ("litigation_closed", 18)}),
        ("行政复议综合化解率达到85.3%。", {("reconsideration_resolution_rate", 85.3)}),
        (
            "全年接收行政复议申请120件,其中网上申请31件。",
            {("reconsideration_received", 120), ("reconsideration_online_applications", 31)},
        ),
        ("全县发生集体访12批次,同比下降20%。", {("petition_collective_visits", 12)}),
        (
            "以县政府为被告的行政诉讼案件15件,负责人出庭应诉率100%。",
            {("litigation_against_government", 15), ("leader_appearance_rate", 100)},
        ),
        ("行政复议案件量是上年的2.5倍。", {("reconsideration_cases_multiple_prior_year", 2.5)}),
    ],
    ids=["respectively-counts", "respectively-和", "综合化解率", "网上申请", "集体访", "政府为被告", "倍"],
)
def test_vocabulary_added_for_real_reports(text, expected):
    rows, _ = _sentence(text)
    assert {(r["metric"], r["value"]) for r in rows} == expected


def test_respectively_items_that_are_not_metrics_stay_unclassified():
    # items are fields and no metric by category names them: nothing is bound to the nearest cue
    rows, loose = _sentence("受理行政复议案件主要涉及公安、自然资源等领域,分别为12件、8件。")
    assert rows == [] and [r["value"] for r in loose] == [12, 8]


def test_metrics_by_category_stay_out_of_the_wide_panel(seed_corpus):
    text = "主要集中在自然资源、政法工作等领域,分别占全县信访总量的15.43%、14.86%。"
    rows, _ = _sentence(text)
    assert [(r["metric"], r["category"]) for r in rows] == [
        ("petition_share_by_field", "自然资源"),
        ("petition_share_by_field", "政法工作"),
    ]
    doc = seed_corpus.documents.doc_id.iloc[0]
    table = pd.DataFrame([{**r, "doc_id": doc} for r in rows])
    long = panel.long_panel(seed_corpus, table)
    assert set(long.category) == {"自然资源", "政法工作"}
    assert "petition_share_by_field" not in panel.wide_panel(seed_corpus, long).columns
