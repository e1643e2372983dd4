"""The report runs on any folder: one regression test per failure of the issue (F1–F11 crashes, W1–W4
silently wrong results; W5, ；-chained sentences, is left open), and the whole report on small,
one-sided and messy folders.

Fast tier: each ``test_F…``/``test_W…`` runs on small inline tables, a tiny corpus built with
``corpus.Corpus.from_tables`` or a one-document folder. Slow tier: ``analysis.report.pipeline.run``
on folder layouts built in temporary folders from the 21 real documents of ``tests/data/realdocs``
(attribution in ``SOURCES.tsv`` there) and the seeds, plus the command line on one of them.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from test_schema import dtype_problem  # the column dictionary's dtype check (tests/analysis/test_schema.py)

import corpus
from analysis.coverage import coding, validity
from analysis.coverage.coder import TopicCoder
from analysis.groups import county_keys, cross_county, is_anonymised
from analysis.metrics import comparison as metric_compare
from analysis.metrics.extraction import METRIC_COLUMNS
from analysis.report import export, labels
from analysis.report.plots import metrics as plots_metrics
from analysis.report.sections import coverage as coverage_section
from analysis.report.sections import metrics as metrics_section
from analysis.report.sections import similarity as similarity_section
from analysis.similarity import keyness

REALDOCS = Path(__file__).resolve().parents[1] / "data" / "realdocs"
NAN_WORD = re.compile(r"(?<![A-Za-z])(?:nan|None)(?![A-Za-z])")


@pytest.fixture(scope="module")
def coder():
    return TopicCoder.from_file()


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


# --- tiny corpora -------------------------------------------------------------------------------


def doc(doc_id: str, *sentences: list[str], **docvars) -> dict:
    """A document: each sentence a list of tokens (joined into the text, ended by 。), plus docvars."""
    return {"doc_id": doc_id, "sentences": [list(s) for s in sentences], "docvars": docvars}


def tiny(*docs: dict) -> corpus.Corpus:
    """A Corpus of one body segment per document, offsets consistent with its text."""
    documents, segments, sentences, tokens, texts = [], [], [], [], {}
    for d in docs:
        doc_id, seg_id, text = d["doc_id"], f"{d['doc_id']}-1", ""
        for i, sent in enumerate(d["sentences"]):
            start = len(text)
            for token in sent:
                tokens.append((doc_id, seg_id, f"{seg_id}-{i}", token, len(text), len(text) + len(token), False))
                text += token
            text += "。"
            sentences.append((doc_id, seg_id, f"{seg_id}-{i}", text[start:], start, len(text)))
        segments.append((doc_id, seg_id, None, 1, "paragraph", "", "", text, 0, len(text), 0, 0, len(text), 0, True))
        texts[doc_id] = text
        base = {"county": None, "doc_type": None, "title": None, "year_start": None, "year_end": None}
        documents.append(
            {"doc_id": doc_id, **base, "source_file": f"/data/{doc_id}.txt", "n_chars": len(text), "start": 0}
            | {"end": len(text), **d["docvars"]}
        )
    seg_cols = ["doc_id", "seg_id", "parent", "level", "kind", "number", "heading", "text", "start", "end"]
    seg_cols += ["heading_start", "heading_end", "n_chars", "order", "in_body"]
    return corpus.Corpus.from_tables(
        documents=pd.DataFrame(documents),
        segments=pd.DataFrame(segments, columns=seg_cols),
        sentences=pd.DataFrame(sentences, columns=["doc_id", "seg_id", "sent_id", "text", "start", "end"]),
        tokens=pd.DataFrame(tokens, columns=["doc_id", "seg_id", "sent_id", "token", "start", "end", "is_stop"]),
        texts=texts,
    )


RECONSIDERATION = ["2023年", "共", "接收", "行政复议", "申请", "91件", "，", "受理", "73件"]
COMMON = ["深入", "推进", "法治政府", "建设"]


@pytest.fixture(scope="module")
def unknown_places():
    """Two documents of unknown county with different titles, and one of 冠县."""
    return tiny(
        doc(
            "doc-a",
            RECONSIDERATION,
            COMMON,
            ["推进", "政务公开", "，", "政务公开", "平台", "政务公开", "专栏"],
            title="甲地2023年法治政府建设情况报告",
            doc_type="report",
            year_start=2023,
            year_end=2023,
        ),
        doc(
            "doc-b",
            ["完善", "行政执法", "公示", "制度", "，", "行政执法", "全过程", "记录", "行政执法", "案卷"],
            COMMON,
            title="乙地2022年法治政府建设工作计划",
            doc_type="plan",
            year_start=2022,
            year_end=2022,
        ),
        doc(
            "doc-c",
            ["加强", "普法", "宣传", "，", "普法", "责任制", "普法", "讲师团"],
            COMMON,
            county="冠县",
            doc_type="plan",
            year_start=2022,
            year_end=2022,
        ),
    )


@pytest.fixture(scope="module")
def one_plan(tmp_path_factory, seed_dir):
    """Load one seed plan alone (no manifest: metadata inferred), once per plan."""
    cache = tmp_path_factory.mktemp("one-plan-cache")
    loaded = {}

    def load(name: str) -> corpus.Corpus:
        if name not in loaded:
            folder = tmp_path_factory.mktemp(name.removesuffix(".txt"))
            shutil.copy2(seed_dir / name, folder / name)
            loaded[name] = corpus.load(folder, cache=cache)
        return loaded[name]

    return load


# --- F1–F11: crashes ------------------------------------------------------------------------------


def test_F1_gap_counts_without_any_county(coder):
    c = tiny(
        doc("a", ["推进", "行政复议", "工作"], title="甲地工作计划"),
        doc("b", ["深化", "政务公开"], title="乙地情况报告"),
    )
    topics = coding.county_profiles(c, coder=coder, level="topic")
    counts = coverage_section._gap_counts(coding.gaps(topics, coder=coder), "zh")
    n_topics = len(coder.codebook.topics_frame())
    assert counts["county"].tolist() == ["甲地工作计划", "乙地情况报告"]  # one row per document, by title
    assert counts["n_topics"].tolist() == [n_topics, n_topics] and not counts["county_known"].any()
    assert (counts["n_left_out"] < n_topics).all()  # each addresses something
    empty = coverage_section._gap_counts(coding.gaps(topics.iloc[0:0], coder=coder), "zh")
    assert empty.empty and list(empty.columns) == ["county", "n_topics", "n_left_out", "left_out", "county_known"]


def test_F2_log_odds_on_empty_counts(unknown_places):
    scored = keyness.log_odds_dirichlet(pd.DataFrame(columns=["group", "term", "count"]))
    assert scored.empty and {"group", "term", "score", "log_odds", "statistic"} <= set(scored.columns)
    one_county = unknown_places.subset(["doc-c"])  # one group: nothing to contrast it with
    table = keyness.keyness(one_county)
    assert table.empty and {"county", "term", "score", "rank", "county_known"} <= set(table.columns)


def test_F3_nmf_with_more_topics_than_segments(coder, unknown_places):
    docs = pd.Series([["法治", "政府"], ["法治", "建设"], ["政府", "建设"]], index=["s1", "s2", "s3"])
    short = validity.nmf_shortfall(docs, n_topics=12)
    assert short == {"n_topics": 12, "min_df": 2, "n_segments": 3, "n_terms": 3}
    with pytest.raises(ValueError, match=r"n_topics=12 needs at least 12 segments .* docs has 3 segments"):
        validity.fit_nmf(docs, n_topics=12)
    topics, summary = validity.nmf_alignment(docs, pd.Series(dtype=object), coder.codebook)
    assert topics.empty and "top_terms" in topics and summary.empty and list(summary.columns) == ["measure", "value"]
    sec = coverage_section.section(unknown_places, coder=coder)
    note = next(f for f in sec.findings if f.key == "coverage_nmf_not_computed")
    assert note.reason == "too_few_segments" and note.table == ""
    assert "NMF" in note.text["zh"] and "needs at least 12 body segments" in note.text["en"]
    assert sec.tables["coverage_nmf"].empty and "top_terms" in sec.tables["coverage_nmf"]


def test_F4_agreement_without_labelled_segments(coder):
    labels_ = pd.DataFrame(columns=["doc_id", "seg_id", "area_id", "label_seg_id", "label_heading", "n_chars"])
    table = validity.agreement(labels_, pd.Series(dtype=object), coder=coder)
    assert table.empty
    assert list(table.columns) == [
        "area_id",
        "label_zh",
        "label_en",
        "precision",
        "recall",
        "kappa",
        "n_segments",
        "n_predicted",
    ]


def test_F5_validity_finding_without_labels(coder, unknown_places):
    sec = coverage_section.section(unknown_places, coder=coder)  # no heading names an area
    keys = {f.key for f in sec.findings}
    assert "coverage_validity" not in keys and "coverage_validity_not_computed" in keys
    note = next(f for f in sec.findings if f.key == "coverage_validity_not_computed")
    assert "标题" in note.text["zh"] and "no labels to check it against" in note.text["en"]
    assert sec.tables["coverage_validity"].empty and "kappa" in sec.tables["coverage_validity"]


FUNNEL_COLUMNS = ["county", "stage", "stage_order", "status", "value", "share_of_received_pct", "year", "doc_id"]
TVA_COLUMNS = ["county", "metric", "target_value", "target_comparator", "target_doc_id", "target_status"]
TVA_COLUMNS += ["actual_value", "actual_doc_id", "actual_status", "gap"]


@pytest.mark.parametrize("plan", ["guanxian-2022-plan.txt", "kaijiang-2021-plan.txt"], ids=["冠县", "开江"])
def test_F6_target_vs_actual_when_no_plan_states_the_rate(one_plan, plan):
    sec = metrics_section.section(one_plan(plan))
    tva = sec.tables["metrics_targets_vs_actuals"]
    assert tva.empty and set(TVA_COLUMNS) | {"county_known"} <= set(tva.columns)
    why = {f.key: f for f in sec.findings if not f.computed}
    if plan.startswith("guanxian"):  # the plan states figures, but no 出庭应诉率
        note = why["metrics_tva_not_computed"]
        assert "出庭应诉率" in note.text["zh"] and "no plan in this corpus states a target" in note.text["en"]
    else:  # 开江's plan states no figure at all: one note says so
        assert "没有陈述任何可识别的指标数值" in why["metrics_not_computed"].text["zh"]
    assert "metrics_targets_vs_actuals" in sec.figures
    empty = metric_compare.target_vs_actual(pd.DataFrame(columns=metric_compare.COMPARISON_COLUMNS))
    assert empty.empty and list(empty.columns) == TVA_COLUMNS


def test_F7_funnel_on_no_rows():
    rows = pd.DataFrame(columns=METRIC_COLUMNS)
    funnel = metric_compare.funnel(rows, ["甲地"])
    assert set(funnel["status"]) == {"not reported"} and funnel["value"].isna().all()
    none = metric_compare.funnel(rows, [])
    assert none.empty and list(none.columns) == FUNNEL_COLUMNS


def test_F8_funnel_finding_when_a_report_states_a_figure_twice():
    text = "2023年接收行政复议申请91件，受理73件。……全年接收行政复议申请91件，受理73件。"
    c = tiny(doc("r", [text.removesuffix("。")], county="甲县", doc_type="report"))
    second = text.index("全年")

    def row(metric, value, start):
        end = start + 5
        return ("r", "甲县", 2023, metric, value, np.nan, "件", "actual", "=", text[start:end], start, end, "")

    rows = pd.DataFrame(
        [
            row("reconsideration_received", 91.0, 0),
            row("reconsideration_accepted", 73.0, text.index("受理")),
            row("reconsideration_received", 91.0, second),
            row("reconsideration_accepted", 73.0, text.index("受理", second)),
        ],
        columns=METRIC_COLUMNS,
    )
    name = metrics_section._county_names({"甲县": True})
    forward = metrics_section._funnel_finding(c, rows, name)
    backward = metrics_section._funnel_finding(c, rows.iloc[::-1], name)
    assert forward.numbers == backward.numbers == (91, 73, 2023)
    assert forward.quotes == backward.quotes and forward.quotes[0].start == text.index("受理")  # the first stated
    assert "受理73件" in forward.text["zh"]


def test_F9_funnel_bars_without_stages():
    fig = plots_metrics.funnel_bars(pd.DataFrame(columns=FUNNEL_COLUMNS), {}, lang="en")
    shown = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert any("not reported" in t for t in shown)


def test_F10_coverage_matrix_of_an_empty_comparison():
    fig = plots_metrics.coverage_matrix(pd.DataFrame(columns=metric_compare.COMPARISON_COLUMNS), lang="zh")
    assert any("未报告" in t.get_text() for ax in fig.axes for t in ax.texts)


def test_F11_flag_finding_on_a_float_flags_column(unknown_places):
    name = metrics_section._county_names({})
    empty = pd.DataFrame(columns=METRIC_COLUMNS).astype({"flags": float})
    assert metrics_section._flag_finding(unknown_places, empty, name) is None
    text = unknown_places.source_text("doc-a")
    rows = pd.DataFrame(
        [
            ("doc-a", "甲地", 2023, "x", 91.0, np.nan, "件", "actual", "=", text[6:11], 6, 11, np.nan),
            ("doc-a", "甲地", 2023, "y", 952.0, np.nan, "%", "actual", "=", text[6:11], 6, 11, "rate_over_100"),
        ],
        columns=METRIC_COLUMNS,
    ).assign(label_zh="整改到位率", label_en="rectification rate")
    finding = metrics_section._flag_finding(unknown_places, rows, metrics_section._county_names({"甲地": False}))
    assert finding.numbers == (952.0,) and "甲地（县未识别）" in finding.text["zh"]


# --- W1–W4: silently wrong ------------------------------------------------------------------------


def test_W1_cross_county_never_pairs_a_document_with_itself(unknown_places):
    twin = tiny(
        doc("a", ["推进", "法治"], title="甲地报告"),
        doc("b", ["推进", "法治"], title="甲地报告"),  # same label: the same (unknown) county
        doc("c", ["推进", "法治"], title="乙地计划"),
    )
    pairs = pd.DataFrame(
        [(x, y, 1.0 if x == y else 0.5) for x in "abc" for y in "abc"], columns=["doc_a", "doc_b", "cosine"]
    )
    cross = similarity_section._cross_county(pairs, twin)
    assert set(zip(cross.doc_a, cross.doc_b)) == {("a", "c"), ("c", "a"), ("b", "c"), ("c", "b")}
    assert cross_county(pairs, twin).equals(cross)
    sec = similarity_section.section(unknown_places)
    top = next(f for f in sec.findings if f.key == "similarity_top_pair")
    assert top.numbers[0] < 1.0  # never a document's cosine with itself
    assert "县未识别" in top.text["zh"] and "county unknown" in top.text["en"]


def test_W2_unknown_county_documents_stay_in_profiles_keyness_and_comparisons(coder, unknown_places):
    expected = {"甲地2023年法治政府建设情况报告", "乙地2022年法治政府建设工作计划", "冠县"}
    profiles = coding.county_profiles(unknown_places, coder=coder)
    assert set(profiles["county"]) == expected
    assert profiles.drop_duplicates("county").set_index("county")["county_known"].to_dict()["冠县"]
    assert set(keyness.keyness(unknown_places, min_count=2)["county"]) == expected
    sec = metrics_section.section(unknown_places)
    table = sec.tables["metric_comparison"]
    assert set(table["county"]) == expected
    cell = table[
        (table.county == "甲地2023年法治政府建设情况报告")
        & (table.metric == "reconsideration_received")
        & (table.kind == "actual")
    ].iloc[0]
    assert (cell.status, cell.value, cell.doc_id, cell.county_known) == ("reported", 91, "doc-a", False)


def test_W3_labels_never_read_none():
    documents = pd.DataFrame(
        [
            ("d1", None, None, None, None, None, None, "/x/05_jinghai_2020_report.txt"),
            ("d2", None, "report", "2022年度法治政府建设情况报告", 2022, 2022, None, "/x/06.txt"),
            ("d3", None, "report", None, 2020, 2020, "静海区", "/x/07.txt"),
            ("d4", "冠县", "plan", "冠县2022年法治政府建设工作计划", 2022, 2022, None, "/x/g.txt"),
            ("d5", float("nan"), None, float("nan"), float("nan"), None, float("nan"), "/x/05_jinghai_2020_report.txt"),
        ],
        columns=["doc_id", "county", "doc_type", "title", "year_start", "year_end", "place", "source_file"],
    )
    zh, en = labels.doc_labels(documents, lang="zh"), labels.doc_labels(documents, lang="en")
    assert zh == {
        "d1": "05_jinghai_2020_report",
        "d2": "2022年度法治政府建设情况报告 报告 2022",
        "d3": "静海区 报告 2020",
        "d4": "冠县 计划 2022",
        "d5": "05_jinghai_2020_report（2）",
    }
    assert en["d4"] == "Guan County plan 2022" and en["d5"] == "05_jinghai_2020_report (2)"
    for label in [*zh.values(), *en.values()]:
        assert not NAN_WORD.search(label) and not re.search(r"\bd\d\b", label)
    assert labels.county_label(None, "zh") == "县未识别" and labels.county_label(float("nan"), "en") == "county unknown"
    keys = county_keys(documents).set_index("doc_id")
    assert keys.loc["d3", "county_key"] == "静海区" and not keys.loc["d3", "county_known"]
    assert keys.loc["d1", "county_key"] == keys.loc["d5", "county_key"]  # same label: the same county, explicitly
    if is_anonymised("XX县"):  # the corpus defines anonymised places: XX县 is never one shared county
        xx = documents.assign(place="XX县", county=None, source_file=[f"/x/{i}_xxxian.txt" for i in range(5)])
        assert county_keys(xx)["county_key"].nunique() == len(xx)


def test_W4_keyness_lists_whole_terms_of_two_or_more_characters():
    jinghai = ["静", "海区", "推进", "法治", "建设"]
    rest = ["城市", "管理", "法治", "建设"]
    docs = (
        doc("j", jinghai, jinghai, jinghai, jinghai, ["聊城市", "城市", "管理"], title="静海区报告"),
        doc("k", rest, rest, rest, ["聊城市", "城市"], county="冠县"),
    )
    for extra in ({}, {"place": "静海区"}):  # the split tail is dropped with or without a stated place
        c = tiny(doc("j", *docs[0]["sentences"], **docs[0]["docvars"], **extra), docs[1])
        counts = keyness.term_counts(c)
        assert "海区" not in set(counts.term) and "静" not in set(counts.term)
        assert (counts.term.str.len() >= 2).all()
        assert "城市" in set(counts.term)  # also stands alone: a word, not a piece of 聊城市
        table = keyness.keyness(c, min_count=1)
        assert len(table) and (table.term.str.len() >= 2).all() and "海区" not in set(table.term)


# --- the whole report on folder layouts (slow) --------------------------------------------------

SEED_PLANS = ("guanxian-2022-plan.txt", "kaijiang-2021-plan.txt")
REAL = tuple(sorted(p.name for p in REALDOCS.glob("*.txt")))
LAYOUTS = {
    "realdocs_all_21": REAL,
    "one_document": ("05_jinghai_2020_report.txt",),
    "seed_plans_only": SEED_PLANS,
    "reports_only": tuple(name for name in REAL if name.endswith("_report.txt")),
    "mix_known_unknown_ambiguous": SEED_PLANS + REAL[:3] + ("15_xxxian_2022_plan.txt", "21_xxxian_2024H1_other.txt"),
    "kaijiang_plan_alone": ("kaijiang-2021-plan.txt",),
    "guanxian_plan_alone": ("guanxian-2022-plan.txt",),
    "one_county_two_years": ("guanxian-2022-plan.txt", "guanxian-2023-report.txt"),
    "minhang_three_years": tuple(name for name in REAL if "minhang" in name),
}
FIGURES = {
    "coverage_heatmap",
    "coverage_subtopics",
    "coverage_gaps",
    "similarity_matrix_word",
    "similarity_matrix_char",
    "reuse_share",
    "keyness_terms",
    "metrics_funnel",
    "metrics_targets_vs_actuals",
    "metrics_commitments",
    "metrics_coverage_matrix",
}
GROUP_TABLES = (
    "coverage_profiles",
    "coverage_county_years",
    "coverage_gap_counts",
    "keyness",
    "metric_comparison",
    "metric_series",
    "metrics_funnel",
)


def _layout(folder: Path, names, seed_dir: Path) -> Path:
    folder.mkdir(parents=True)
    for name in names:  # seed files without their manifest: metadata is inferred
        shutil.copy2((seed_dir if (seed_dir / name).exists() else REALDOCS) / name, folder / name)
    return folder


@pytest.fixture(scope="module")
def reports(tmp_path_factory, seed_dir):
    """Run the report once per layout (lazily), with a cache of the module's own."""
    from analysis.report import pipeline

    cache = tmp_path_factory.mktemp("layout-cache")
    done: dict = {}

    def run(name: str) -> tuple:
        if name not in done:
            folder = _layout(tmp_path_factory.mktemp(name) / "docs", LAYOUTS[name], seed_dir)
            with pytest.MonkeyPatch.context() as mp:
                mp.setenv("FAZHI_CACHE_DIR", str(cache))
                result = pipeline.run(folder, folder.parent / "out", progress=False)
            done[name] = (result, corpus.load(folder, cache=cache))
        return done[name]

    return run


@pytest.mark.slow
@pytest.mark.parametrize("name", list(LAYOUTS))
def test_report_runs_on_any_folder(reports, name):
    result, c = reports(name)
    out = result["out"]
    assert {p.stem for p in out.glob("*.png")} >= FIGURES  # every figure, drawn or saying why
    dictionary = export.column_dictionary()
    for table, frame in result["tables"].items():
        assert len(frame.columns), table  # empty tables keep their columns
        assert (out / "tables" / f"{table}.csv").read_text(encoding="utf-8-sig").strip(), table
        for column in frame.columns:  # described, and of the declared dtype, on any folder
            assert column in dictionary, (table, column)
            assert dtype_problem(frame[column], dictionary[column]["dtype"]) is None, (table, column)
    text = (out / "findings.md").read_text(encoding="utf-8")
    assert not NAN_WORD.search(text), NAN_WORD.findall(text)
    for lang in ("zh", "en"):
        for label in labels.doc_labels(c.documents, lang=lang).values():
            assert not NAN_WORD.search(label) and label not in set(c.doc_ids)
    for table in GROUP_TABLES:
        counties = result["tables"][table]["county"]
        assert counties.notna().all() and not counties.astype(str).isin(["", "None", "nan"]).any(), table
    keys = county_keys(c.documents)
    assert set(result["tables"]["coverage_profiles"]["county"]) == set(keys["county_key"])  # no one dropped
    key_terms = result["tables"]["keyness"]["term"]
    assert (key_terms.str.len() >= 2).all()
    for finding in result["findings"]:
        docs = [q.doc_id for q in finding.quotes]
        if finding.key in ("reuse_top_pair", "alignment_top_pair") and len(docs) == 2:
            assert docs[0] != docs[1], finding.key  # never a document paired with itself
        if finding.key == "similarity_top_pair":
            assert finding.numbers[0] < 1.0
        if not finding.computed:
            assert finding.text["zh"] and finding.text["en"] and finding.table == ""
    if len(c.documents) < 2:
        assert "## 未能计算的部分" in text and "需要至少2份文件" in text


@pytest.mark.slow
def test_one_county_over_several_years_is_a_series(reports):
    result, _ = reports("one_county_two_years")
    years = result["tables"]["coverage_county_years"]
    guan = years[years.county == "冠县"].drop_duplicates(["period", "doc_type"])
    assert list(zip(guan.period, guan.doc_type)) == [("2022", "plan"), ("2023", "report")]
    assert (guan.n_docs == 1).all()
    profile = result["tables"]["coverage_profiles"].query("county == '冠县'").iloc[0]
    assert (profile.n_docs, profile.doc_types, profile.periods) == (2, "plan; report", "2022; 2023")
    pooled = next(f for f in result["findings"] if f.key == "coverage_pooled_profiles")
    assert "冠县（2份：计划、报告；2022、2023）" in pooled.text["zh"]


@pytest.mark.slow
def test_command_line_on_a_one_document_folder(tmp_path, seed_dir):
    folder = _layout(tmp_path / "docs", LAYOUTS["kaijiang_plan_alone"], seed_dir)
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "analysis", "report", "--corpus", str(folder), "--out", str(out), "--no-notebooks"],
        capture_output=True,
        text=True,
        timeout=900,
        env={**__import__("os").environ, "FAZHI_CACHE_DIR": str(tmp_path / "cache")},
    )
    assert result.returncode == 0, result.stderr
    text = (out / "findings.md").read_text(encoding="utf-8")
    assert "未能计算的部分" in text and "需要至少2份文件，本语料只有1份" in text
    assert pd.read_csv(out / "tables" / "metrics_targets_vs_actuals.csv", encoding="utf-8-sig").empty


def test_empty_folder_is_refused_with_a_clear_message(tmp_path):
    folder = tmp_path / "docs"  # the output folder may not lie inside the corpus folder (issue 14)
    folder.mkdir()
    (folder / "notes.tsv").write_text("a\tb\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "analysis", "report", "--corpus", str(folder), "--out", str(tmp_path / "out")],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 1
    assert "no document could be loaded from" in result.stderr and "notes.tsv" in result.stderr
