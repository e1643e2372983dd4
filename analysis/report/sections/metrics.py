"""Report section for issue 5: metrics with provenance, and how counties compare.

Tables (column names fixed in both languages; county values follow ``lang``):

* ``metrics`` — doc_id, county, year, metric, value, value_max, unit, kind, comparator, quote,
  start, end, flags, label_zh, label_en (see :meth:`analysis.metrics.extraction.MetricExtractor.extract`)
* ``metric_comparison`` — county × metric × kind with 'not reported' cells, the latest year's
  value and the years stated (see :func:`analysis.metrics.comparison.comparison`)
* ``metric_series`` — county × metric × kind × year: every year's value, so a county with
  several years shows them as a series (:func:`analysis.metrics.comparison.series`)
* ``metrics_funnel`` — the 行政复议 funnel per county (:func:`analysis.metrics.comparison.funnel`)
* ``metrics_targets_vs_actuals`` — 出庭应诉率 target vs actual per county
* ``metrics_unclassified`` — numbers that match no definition, with provenance
* ``metrics_commitments`` — quantified targets per document and per 10,000 body characters
* ``metrics_panel`` — the county × year panel, long: every figure with county key, province,
  adcode, year, period, kind and provenance; flagged figures marked ``usable`` False
* ``metrics_panel_wide`` — the panel wide: one row per county × year, one column per metric, usable
  actuals only (:mod:`analysis.metrics.panel`); both panel tables are also written as Parquet and
  Stata ``.dta`` (:data:`analysis.report.export.PANEL_TABLES`)

Only reports carry actuals; plans, schemes and assessments carry targets. Works on any
corpus folder: a new county's metrics come out with no code change. Counties are county keys
(:mod:`analysis.groups`): a document of unknown county is compared under its place, title or
file name (``county_known`` False), never dropped. What cannot be computed (no figure at all, no
funnel, no 出庭应诉率 target) is said in a not-computed finding; its tables are empty with their
columns and its figure says why.
"""

from __future__ import annotations

import pandas as pd

from analysis.groups import by_county_key, counties
from analysis.metrics import comparison as metric_compare
from analysis.metrics import panel
from analysis.metrics.extraction import MetricExtractor
from analysis.report.labels import MAX_LISTED, check_lang, county_mark, doc_labels, listing, localise
from analysis.report.plots import metrics as plots_metrics
from analysis.report.plots import national
from analysis.report.plots.placeholder import not_computed as placeholder
from analysis.report.section import Finding, Quote, Section, not_computed

NAME = "metrics"
TVA_METRIC = "leader_appearance_rate"  # the rate whose target and actual are charted side by side


def section(c, *, lang: str = "zh", extractor: MetricExtractor | None = None) -> Section:
    """Compute the metrics section: tables, figures and findings (see module docstring)."""
    check_lang(lang)
    extractor = extractor or MetricExtractor.from_file()
    defs = extractor.defs
    by_id = defs.by_id()
    rows, unclassified = extractor.extract(c, jobs=None)  # every core for a large corpus
    rows["label_zh"] = rows.metric.map(lambda m: by_id[m].label_zh)
    rows["label_en"] = rows.metric.map(lambda m: by_id[m].label_en)
    keyed_rows = by_county_key(c, rows)  # the unit compared: county keys, unknown counties kept
    units = counties(c)
    known = dict(zip(units["county"], units["county_known"]))
    county_list = units["county"].tolist()
    table = metric_compare.comparison(keyed_rows, county_list, defs=defs, lang=lang)
    canonical = {
        "metrics": rows,
        "metric_comparison": _with_known(table, known),
        "metric_series": _with_known(metric_compare.series(keyed_rows, county_list, defs=defs, lang=lang), known),
        "metrics_funnel": _with_known(metric_compare.funnel(keyed_rows, county_list, defs=defs), known),
        "metrics_targets_vs_actuals": _with_known(metric_compare.target_vs_actual(table, metric=TVA_METRIC), known),
        "metrics_unclassified": unclassified,
        "metrics_commitments": metric_compare.commitments(rows, c),
    }
    canonical["metrics_panel"] = panel.long_panel(c, rows)
    canonical["metrics_panel_wide"] = panel.wide_panel(c, canonical["metrics_panel"], kind="actual", defs=defs)
    name = _county_names(known)
    findings = [
        f
        for f in (
            _funnel_finding(c, keyed_rows, name),
            _flag_finding(c, keyed_rows, name),
            _reporting_finding(table, name),
            _series_finding(canonical["metric_series"], name),
        )
        if f is not None
    ]
    notes = _notes(canonical, by_id.get(TVA_METRIC))
    tables = localise(canonical, lang)
    figures = _figures(c, tables, {m: by_id[m].label(lang) for m in defs.funnel}, notes, lang)
    return Section(name=NAME, tables=tables, figures=figures, findings=findings + notes)


def _with_known(table: pd.DataFrame, known: dict) -> pd.DataFrame:
    return table.assign(county_known=table["county"].map(known).astype("boolean").fillna(False).astype(bool))


def _figures(c, tables: dict, stage_labels: dict, notes: list, lang: str) -> dict:
    """Every figure of the section; one that cannot be drawn says why (its note) instead."""
    why = {n.key: n.text[lang] for n in notes}
    nothing = why.get("metrics_not_computed", "")
    title = plots_metrics.TEXT[lang]
    funnel, tva = tables["metrics_funnel"], tables["metrics_targets_vs_actuals"]
    if (
        funnel["county"].nunique() > national.MAX_COUNTIES
        or tables["metric_comparison"]["county"].nunique() > national.MAX_COUNTIES
    ):
        return _national_figures(tables, stage_labels, why, lang)
    figures = {}
    if (funnel["status"] == "reported").any():
        figures["metrics_funnel"] = plots_metrics.funnel_bars(funnel, stage_labels, lang=lang)
    else:
        note = why.get("metrics_funnel_not_computed", nothing)
        figures["metrics_funnel"] = placeholder(title["funnel"], note, lang=lang)
    if len(tva):
        figures["metrics_targets_vs_actuals"] = plots_metrics.targets_vs_actuals(tva, lang=lang)
    else:
        note = why.get("metrics_tva_not_computed", nothing)
        figures["metrics_targets_vs_actuals"] = placeholder(title["tva"], note, lang=lang)
    labels = doc_labels(c.documents, lang=lang)
    figures["metrics_commitments"] = plots_metrics.commitments_bars(tables["metrics_commitments"], labels, lang=lang)
    if len(tables["metric_comparison"]):
        figures["metrics_coverage_matrix"] = plots_metrics.coverage_matrix(tables["metric_comparison"], lang=lang)
    else:
        figures["metrics_coverage_matrix"] = placeholder(title["matrix"], nothing, lang=lang)
    return figures


def _national_figures(tables: dict, stage_labels: dict, why: dict, lang: str) -> dict:
    """The same figures for many counties: distributions across counties and, per metric, the share
    of counties reporting it (:mod:`analysis.report.plots.national`)."""
    nothing = why.get("metrics_not_computed", "")
    title = plots_metrics.TEXT[lang]
    funnel, tva = tables["metrics_funnel"], tables["metrics_targets_vs_actuals"]
    figures = {}
    if (funnel["status"] == "reported").any():
        figures["metrics_funnel"] = national.funnel_distribution(funnel, stage_labels, lang=lang)
    else:
        figures["metrics_funnel"] = placeholder(
            title["funnel"], why.get("metrics_funnel_not_computed", nothing), lang=lang
        )
    if len(tva):
        figures["metrics_targets_vs_actuals"] = national.targets_actuals_scatter(tva, lang=lang)
    else:
        figures["metrics_targets_vs_actuals"] = placeholder(
            title["tva"], why.get("metrics_tva_not_computed", nothing), lang=lang
        )
    figures["metrics_commitments"] = national.commitments_histogram(tables["metrics_commitments"], lang=lang)
    if len(tables["metric_comparison"]):
        figures["metrics_coverage_matrix"] = national.reporting_shares(tables["metric_comparison"], lang=lang)
    else:
        figures["metrics_coverage_matrix"] = placeholder(title["matrix"], nothing, lang=lang)
    return figures


def _county_names(known: dict):
    """name(county, lang): the county's label in ``lang``, marked when its county is unknown."""
    return lambda county, lang: county_mark(county, known.get(county, True), lang)


def _quote(c, row) -> Quote:
    return Quote(row.doc_id, int(row.start), int(row.end), c.source_text(row.doc_id)[row.start : row.end])


def _funnel_finding(c, rows, name) -> Finding | None:
    """复议 received and accepted in one document and year: the first document that states both.

    A report often states a figure twice (in its summary and its section); the figure stated first
    in the document is used, so the finding does not depend on the order of the rows.
    """
    stages = ["reconsideration_received", "reconsideration_accepted"]
    got = rows[(rows.kind == "actual") & rows.metric.isin(stages)]
    order = {d: i for i, d in enumerate(dict.fromkeys(got["doc_id"]))}  # documents in corpus order
    got = got.assign(_doc=got["doc_id"].map(order)).sort_values(["_doc", "start"], kind="stable")
    for (doc_id, year), group in got.groupby(["doc_id", "year"], sort=False):
        first = group.drop_duplicates("metric").set_index("metric")
        if not set(stages) <= set(first.index):
            continue
        rec, acc = first.loc[stages[0]], first.loc[stages[1]]
        county = rec.county
        n_rec, n_acc = int(rec.value), int(acc.value)
        return Finding(
            key=f"metrics_reconsideration_{doc_id}",
            text={
                "zh": f"{name(county, 'zh')}{year}年接收行政复议申请{n_rec}件，受理{n_acc}件（{doc_id}）。",
                "en": f"{name(county, 'en')} received {n_rec} administrative reconsideration applications in "
                f"{year} and accepted {n_acc} ({doc_id}).",
            },
            table="metrics",
            numbers=(n_rec, n_acc, int(year)),
            quotes=(_quote(c, acc),),
        )
    return None


def _flag_finding(c, rows, name) -> Finding | None:
    flagged = rows[rows["flags"].fillna("").astype(str).str.contains("rate_over_100")]
    if flagged.empty:
        return None
    row = flagged.iloc[0]
    value = float(row.value)
    return Finding(
        key="metrics_implausible_rate",
        text={
            "zh": f"{name(row.county, 'zh')}（{row.doc_id}）所载“{row.label_zh}”为{value:g}%，"
            "超过100%，已标记为存疑，不参与比较。",
            "en": f"{name(row.county, 'en')} ({row.doc_id}) states '{row.label_en}' as {value:g}%, above "
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
    reported = actual[actual.status == "reported"].groupby("county", sort=False).size()
    silent = [cty for cty in dict.fromkeys(actual.county) if cty not in reported.index]
    zh_silent = listing([name(s, "zh") for s in silent], "zh")
    en_silent = listing([name(s, "en") for s in silent], "en")
    zh_reported = listing([name(x, "zh") for x in reported.index], "zh")
    en_reported = listing([name(x, "en") for x in reported.index], "en")
    return Finding(
        key="metrics_actuals_reported",
        text={
            "zh": f"报告实际数的县：{zh_reported}；未报告任何实际数的县：{zh_silent}。"
            f"只有年度报告载有实际数，计划和方案只载目标。",
            "en": f"Counties reporting actuals: {en_reported}; counties reporting none: {en_silent}. "
            f"Only annual reports carry actuals; plans and schemes state targets.",
        },
        table="metric_comparison",
        numbers=(),
    )


def _series_finding(series, name) -> Finding | None:
    """County × year: the counties whose actuals span several years (shown as a series)."""
    actual = series[(series.kind == "actual") & (series.status == "reported") & series.year.notna()]
    spans = actual.groupby("county", sort=False)["year"].agg(lambda y: sorted({int(v) for v in y}))
    spans = spans[spans.map(len) > 1]
    if spans.empty:
        return None
    n_spans = len(spans)
    spans = spans.head(MAX_LISTED)  # with many counties: the first ones, the rest counted (metric_series has all)
    zh = "；".join(f"{name(cty, 'zh')}（{'、'.join(map(str, years))}年）" for cty, years in spans.items())
    en = "; ".join(f"{name(cty, 'en')} ({', '.join(map(str, years))})" for cty, years in spans.items())
    if n_spans > len(spans):
        zh += f"；等共{n_spans}个县"
        en += f"; {n_spans} counties in all"
    return Finding(
        key="metrics_series",
        text={
            "zh": f"以下各县的实际数跨越多个年度，比较表只显示最近一年，逐年数值见 metric_series：{zh}。",
            "en": f"These counties state actuals for several years; the comparison shows the latest year and "
            f"metric_series every year: {en}.",
        },
        table="metric_series",
        numbers=tuple(y for years in spans for y in years),
    )


def _notes(tables: dict, tva_metric) -> list:
    """Not-computed findings: no figure at all, no 复议 funnel, no target or actual of 出庭应诉率."""
    out = []
    n_docs = tables["metrics_commitments"]["doc_id"].nunique()
    if tables["metrics"].empty:
        out.append(
            not_computed(
                "metrics_not_computed",
                "no_metric_stated",
                zh=f"未做指标比较：本语料的{n_docs}份文件没有陈述任何可识别的指标数值。",
                en=f"Metrics were not compared: none of the {n_docs} documents of this corpus states a figure "
                "the metric definitions recognise.",
                numbers=(n_docs,),
            )
        )
        return out  # the funnel and the target-vs-actual chart have nothing to show either: one note says why
    if not (tables["metrics_funnel"]["status"] == "reported").any():
        out.append(
            not_computed(
                "metrics_funnel_not_computed",
                "no_funnel_actual",
                zh="未绘制行政复议案件流程：没有任何报告陈述行政复议的接收、受理或办结实际数。",
                en="The administrative reconsideration funnel was not drawn: no report in this corpus states an "
                "actual count of applications received, accepted or concluded.",
            )
        )
    out += _tva_notes(tables["metrics_targets_vs_actuals"], tva_metric)
    return out


def _tva_notes(tva, metric) -> list:
    zh_label, en_label = (metric.label_zh, metric.label_en) if metric else ("出庭应诉率", "court appearance rate")
    if tva.empty:
        return [
            not_computed(
                "metrics_tva_not_computed",
                "metric_not_stated",
                zh=f"未比较{zh_label}的目标与实际：本语料没有任何计划陈述其目标，也没有任何报告陈述其实际数。",
                en=f"Target and actual of the {en_label} were not compared: no plan in this corpus states a "
                "target for it and no report an actual.",
            )
        ]
    out = []
    for kind, zh_what, en_what in (
        ("target", "没有任何计划或方案陈述其目标", "no plan in this corpus states a target for it"),
        ("actual", "没有任何报告陈述其实际数", "no report in this corpus states an actual for it"),
    ):
        if not (tva[f"{kind}_status"] == "reported").any():
            out.append(
                not_computed(
                    f"metrics_tva_{kind}_not_computed",
                    f"no_{kind}_stated",
                    zh=f"未比较{zh_label}的目标与实际：{zh_what}，图中只有另一方。",
                    en=f"Target and actual of the {en_label} were not compared: {en_what}; "
                    "the chart shows one side only.",
                )
            )
    return out
