"""County comparison of metrics (issue 5): not-reported cells, funnel, targets, commitments."""

from __future__ import annotations

import warnings

import matplotlib.pyplot as plt
import pytest

from analysis.metrics import comparison as metric_compare
from analysis.metrics import extraction as metrics
from analysis.report.sections import metrics as metrics_section

COUNTIES = ["冠县", "开江县", "濮阳县", "濉溪县"]


@pytest.fixture(scope="module")
def rows(seed_corpus):
    return metrics.extract(seed_corpus)[0]


@pytest.fixture(scope="module")
def table(rows):
    return metric_compare.comparison(rows, COUNTIES)


def test_comparison_has_every_cell_and_says_not_reported(table):
    n_metrics = table.metric.nunique()
    assert len(table) == len(COUNTIES) * n_metrics * 2
    kaijiang = table[table.county == "开江县"]
    assert set(kaijiang.status) == {"not reported"}
    cell = table[
        (table.county == "冠县") & (table.metric == "reconsideration_received") & (table.kind == "actual")
    ].iloc[0]
    assert (cell.status, cell.value, cell.doc_id) == ("reported", 91, "guanxian-2023-report")


def test_flagged_value_is_not_used(table):
    cell = table[
        (table.county == "冠县") & (table.metric == "audit_rectification_rate") & (table.kind == "actual")
    ].iloc[0]
    assert cell.status == "flagged" and cell.value != cell.value  # NaN: never used


def test_latest_target_is_shown(table):
    cell = table[
        (table.county == "濉溪县") & (table.metric == "public_lawyer_coverage_rate") & (table.kind == "target")
    ].iloc[0]
    assert (cell.value, cell.year, cell.n_values) == (100, 2025, 2)


def test_matrix_display(table):
    zh = metric_compare.comparison_matrix(table, kind="target", lang="zh")
    assert zh.loc["濮阳县", "行政机关负责人出庭应诉率"] == "≥95%"
    assert zh.loc["开江县", "行政机关负责人出庭应诉率"] == "未报告"
    en = metric_compare.comparison_matrix(table, kind="actual", lang="en")
    assert en.loc["冠县", "行政复议受理数"] == "73件"
    assert en.loc["濉溪县", "行政复议受理数"] == "not reported"


def test_funnel(rows):
    f = metric_compare.funnel(rows, COUNTIES)
    guan = f[f.county == "冠县"].set_index("stage")
    assert guan.loc["reconsideration_accepted", "value"] == 73
    assert guan.loc["reconsideration_accepted", "share_of_received_pct"] == pytest.approx(100 * 73 / 91)
    assert set(f[f.county == "濉溪县"].status) == {"not reported"}


def test_target_vs_actual(table):
    t = metric_compare.target_vs_actual(table).set_index("county")
    assert (t.loc["濮阳县", "target_value"], t.loc["濮阳县", "target_comparator"]) == (95, ">=")
    assert t.loc["濮阳县", "actual_status"] == "not reported"
    assert t.loc["冠县", "actual_value"] == 100 and t.loc["冠县", "target_status"] == "not reported"
    assert t.loc["濉溪县", "target_value"] == 100


def test_commitments(seed_corpus, rows):
    c = metric_compare.commitments(rows, seed_corpus).set_index("doc_id")
    assert c.loc["suixi-2021-2025-scheme", "n_targets"] == 8
    assert c.loc["guanxian-2022-plan", "n_targets"] == 7
    assert c.loc["kaijiang-2021-plan", "n_targets"] == 0
    assert c.loc["guanxian-2023-report", "n_actuals"] == 18
    row = c.loc["guanxian-2022-plan"]
    assert row.targets_per_10k_chars == pytest.approx(round(1e4 * 7 / row.body_chars, 2))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_section(seed_corpus, lang):
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*[Gg]lyph.*")
        s = metrics_section.section(seed_corpus, lang=lang)
    assert {"metrics", "metric_comparison", "metrics_unclassified", "metrics_commitments"} <= set(s.tables)
    assert {"metrics_funnel", "metrics_targets_vs_actuals", "metrics_commitments", "metrics_coverage_matrix"} <= set(
        s.figures
    )
    m = s.tables["metrics"]
    assert {
        "doc_id",
        "county",
        "year",
        "metric",
        "value",
        "unit",
        "kind",
        "comparator",
        "quote",
        "start",
        "end",
        "flags",
        "label_zh",
        "label_en",
    } <= set(m.columns)
    for f in s.findings:
        for q in f.quotes:
            assert seed_corpus.source_text(q.doc_id)[q.start : q.end] == q.text
        for n in f.numbers:
            assert any((t.isin([n])).any().any() for t in s.tables.values()), n
    funnel = next(f for f in s.findings if f.key.startswith("metrics_reconsideration"))
    assert funnel.numbers[:2] == (91, 73) and "受理73件" in funnel.quotes[0].text
    plt.close("all")
