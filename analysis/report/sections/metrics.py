"""Report section for issue 5: metrics with provenance, and how counties compare.

Tables (column names fixed in both languages; county values follow ``lang``):

* ``metrics`` — doc_id, county, year, metric, value, value_max, unit, kind, comparator, quote,
  start, end, flags, label_zh, label_en (see :meth:`analysis.metrics.extraction.MetricExtractor.extract`)
* ``metric_comparison`` — county × metric × kind with 'not reported' cells
  (see :func:`analysis.metrics.comparison.comparison`)
* ``metrics_funnel`` — the 行政复议 funnel per county (:func:`analysis.metrics.comparison.funnel`)
* ``metrics_targets_vs_actuals`` — 出庭应诉率 target vs actual per county
* ``metrics_unclassified`` — numbers that match no definition, with provenance
* ``metrics_commitments`` — quantified targets per document and per 10,000 body characters

Only reports carry actuals; plans, schemes and assessments carry targets. Works on any
corpus folder: a new county's metrics come out with no code change.
"""

from __future__ import annotations

from analysis.metrics import comparison as metric_compare
from analysis.metrics.extraction import MetricExtractor
from analysis.report.labels import check_lang, county_label, doc_labels, localise
from analysis.report.plots import metrics as plots_metrics
from analysis.report.section import Finding, Quote, Section

NAME = "metrics"


def section(c, *, lang: str = "zh", extractor: MetricExtractor | None = None) -> Section:
    """Compute the metrics section: tables, figures and findings (see module docstring)."""
    check_lang(lang)
    extractor = extractor or MetricExtractor.from_file()
    defs = extractor.defs
    by_id = defs.by_id()
    rows, unclassified = extractor.extract(c)
    rows["label_zh"] = rows.metric.map(lambda m: by_id[m].label_zh)
    rows["label_en"] = rows.metric.map(lambda m: by_id[m].label_en)
    counties = list(dict.fromkeys(c.documents.county.fillna("").tolist()))
    counties = [x for x in counties if x] or list(dict.fromkeys(rows.county))
    table = metric_compare.comparison(rows, counties, defs=defs, lang=lang)
    funnel = metric_compare.funnel(rows, counties, defs=defs)
    tva = metric_compare.target_vs_actual(table)
    commit = metric_compare.commitments(rows, c)
    name = _county_names(lang)
    canonical = {
        "metrics": rows,
        "metric_comparison": table,
        "metrics_funnel": funnel,
        "metrics_targets_vs_actuals": tva,
        "metrics_unclassified": unclassified,
        "metrics_commitments": commit,
    }
    findings = [
        f
        for f in (_funnel_finding(c, rows, name), _flag_finding(c, rows, name), _reporting_finding(table, name))
        if f is not None
    ]
    tables = localise(canonical, lang)
    labels = doc_labels(c.documents, lang=lang)
    stage_labels = {m: by_id[m].label(lang) for m in defs.funnel}
    figures = {
        "metrics_funnel": plots_metrics.funnel_bars(tables["metrics_funnel"], stage_labels, lang=lang),
        "metrics_targets_vs_actuals": plots_metrics.targets_vs_actuals(tables["metrics_targets_vs_actuals"], lang=lang),
        "metrics_commitments": plots_metrics.commitments_bars(tables["metrics_commitments"], labels, lang=lang),
        "metrics_coverage_matrix": plots_metrics.coverage_matrix(tables["metric_comparison"], lang=lang),
    }
    return Section(name=NAME, tables=tables, figures=figures, findings=findings)


def _county_names(lang: str):
    return lambda county: county_label(county, lang)


def _quote(c, row) -> Quote:
    return Quote(row.doc_id, int(row.start), int(row.end), c.source_text(row.doc_id)[row.start : row.end])


def _funnel_finding(c, rows, name) -> Finding | None:
    got = rows[(rows.kind == "actual") & rows.metric.isin(["reconsideration_received", "reconsideration_accepted"])]
    for (doc_id, year), group in got.groupby(["doc_id", "year"], sort=False):
        by_metric = group.set_index("metric")
        if not {"reconsideration_received", "reconsideration_accepted"} <= set(by_metric.index):
            continue
        rec = by_metric.loc["reconsideration_received"]
        acc = by_metric.loc["reconsideration_accepted"]
        county = rec.county
        n_rec, n_acc = int(rec.value), int(acc.value)
        return Finding(
            key=f"metrics_reconsideration_{doc_id}",
            text={
                "zh": f"{county}{year}年接收行政复议申请{n_rec}件，受理{n_acc}件（{doc_id}）。",
                "en": f"{name(county)} received {n_rec} administrative reconsideration applications in "
                f"{year} and accepted {n_acc} ({doc_id}).",
            },
            table="metrics",
            numbers=(n_rec, n_acc, int(year)),
            quotes=(_quote(c, acc),),
        )
    return None


def _flag_finding(c, rows, name) -> Finding | None:
    flagged = rows[rows["flags"].str.contains("rate_over_100")]
    if flagged.empty:
        return None
    row = flagged.iloc[0]
    value = float(row.value)
    return Finding(
        key="metrics_implausible_rate",
        text={
            "zh": f"{row.county}（{row.doc_id}）所载“{row.label_zh}”为{value:g}%，超过100%，已标记为存疑，不参与比较。",
            "en": f"{name(row.county)} ({row.doc_id}) states '{row.label_en}' as {value:g}%, above "
            f"100%; the value is flagged and left out of all comparisons.",
        },
        table="metrics",
        numbers=(value,),
        quotes=(_quote(c, row),),
    )


def _reporting_finding(table, name) -> Finding | None:
    actual = table[table.kind == "actual"]
    if actual.empty:
        return None
    reported = actual[actual.status == "reported"].groupby("county").size()
    silent = [cty for cty in dict.fromkeys(actual.county) if cty not in reported.index]
    zh_silent = "、".join(silent) if silent else "无"
    en_silent = ", ".join(name(s) for s in silent) if silent else "none"
    return Finding(
        key="metrics_actuals_reported",
        text={
            "zh": f"报告实际数的县：{'、'.join(reported.index)}；未报告任何实际数的县：{zh_silent}。"
            f"只有年度报告载有实际数，计划和方案只载目标。",
            "en": f"Counties reporting actuals: "
            f"{', '.join(name(x) for x in reported.index)}; counties reporting none: {en_silent}. "
            f"Only annual reports carry actuals; plans and schemes state targets.",
        },
        table="metric_comparison",
        numbers=(),
    )
