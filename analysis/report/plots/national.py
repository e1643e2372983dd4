"""Figures for corpora of many counties: aggregates instead of one row, column or panel per county.

Above :data:`MAX_COUNTIES` counties a chart with one row per county (or one panel, or an n × n
grid) no longer reads and takes minutes to draw; the report sections draw these instead, under
the same figure names, each title saying what is aggregated: county shares by province (mean and
number of counties), by year, distributions across counties, and per metric the share of counties
that report it. Each function takes a finished table and draws; nothing is computed beyond the
aggregate it shows. Labels follow ``lang``.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from analysis.report import style
from analysis.report.plots.coverage import label_column, share_grid
from analysis.report.plots.placeholder import not_computed

MAX_COUNTIES = 30  # above this many counties the report draws the aggregate figures of this module
TEXT: dict[str, dict] = {
    "zh": {
        "province": "各省县级文件各领域文本占比的均值（%）",
        "province_axis": "省（县数）",
        "no_province": "省份未识别",
        "area": "领域",
        "share": "占正文字符的比例（%）",
        "overlap": "注：一句话可同时涉及多个领域，故各领域占比之和可超过100%。",
        "topics": "各子议题文本占比在各县间的分布（%）",
        "topic_note": "箱体：四分位距；竖线：中位数；须：5%–95%；{n}个县",
        "gaps": "未涉及各议题的县所占比例（%）",
        "gaps_axis": "未涉及该议题的县（%，共{n}个县）",
        "year": "各年度各领域文本占比的均值（%）",
        "year_axis": "年度",
        "year_note": "每年的均值取自该年的全部文件（文件数见括号）",
        "funnel": "行政复议案件流程：各县报告的件数分布",
        "funnel_axis": "件数（对数刻度）",
        "funnel_note": "箱体：四分位距；须：5%–95%；括号内为报告该项的县数（共{n}个县）",
        "tva": "行政机关负责人出庭应诉率：各县目标与实际",
        "target": "目标（%）",
        "actual": "实际（%）",
        "tva_note": "每点一县（{n}个县两者均有）；对角线上方为实际高于目标",
        "commit": "量化承诺密度在各文件间的分布",
        "per10k": "每万字正文的量化目标数",
        "n_docs": "文件数",
        "matrix": "各指标：报告该指标的县所占比例",
        "pct_counties": "县的比例（%，共{n}个县）",
        "status": {
            "both": "实际与目标",
            "actual": "仅实际",
            "target": "仅目标",
            "flagged": "存疑（未采用）",
            "none": "未报告",
        },
        "not_reported": "未报告",
    },
    "en": {
        "province": "Mean share of body text per area, county documents by province (%)",
        "province_axis": "Province (counties)",
        "no_province": "province unknown",
        "area": "Area",
        "share": "Share of body characters (%)",
        "overlap": "Note: a sentence can address several areas, so shares can add up to more than 100%.",
        "topics": "Share of body text per sub-topic across counties (%)",
        "topic_note": "Box: interquartile range; line: median; whiskers: 5%–95%; {n} counties",
        "gaps": "Share of counties that leave each topic out (%)",
        "gaps_axis": "Counties not addressing the topic (% of {n})",
        "year": "Mean share of body text per area by year (%)",
        "year_axis": "Year",
        "year_note": "Each year's mean is over all documents of that year (documents in brackets)",
        "funnel": "Administrative reconsideration cases: distribution across counties",
        "funnel_axis": "Cases (log scale)",
        "funnel_note": "Box: interquartile range; whiskers: 5%–95%; counties reporting the stage in brackets (of {n})",
        "tva": "Agency-leader court appearance rate: target vs actual per county",
        "target": "Target (%)",
        "actual": "Actual (%)",
        "tva_note": "One dot per county ({n} counties state both); above the diagonal: actual above target",
        "commit": "Quantified commitments per 10,000 characters of body text, across documents",
        "per10k": "Targets per 10,000 characters",
        "n_docs": "Documents",
        "matrix": "Share of counties that state each metric",
        "pct_counties": "Counties (% of {n})",
        "status": {
            "both": "actual and target",
            "actual": "actual only",
            "target": "target only",
            "flagged": "flagged (not used)",
            "none": "not reported",
        },
        "not_reported": "not reported",
    },
}


def province_heatmap(profiles: pd.DataFrame, provinces: dict, *, lang: str = "zh"):
    """Province × area heatmap of the mean county ``share_pct`` (table: county profiles).

    ``provinces``: county (as in the table) -> province label; counties without one are shown
    together as 省份未识别 / province unknown. Row labels give the number of counties averaged.
    """
    style.use_style()
    t = TEXT[lang]
    areas = profiles.drop_duplicates("area_id")[label_column(lang)].tolist()
    frame = profiles.assign(province=profiles["county"].map(provinces).fillna(t["no_province"]))
    grid = frame.pivot_table(index="province", columns=label_column(lang), values="share_pct", aggfunc="mean")[areas]
    counts = frame.drop_duplicates("county").groupby("province").size()
    grid = grid.loc[counts.sort_values(ascending=False, kind="stable").index]
    rows = [f"{p}（{counts[p]}）" if lang == "zh" else f"{p} ({counts[p]})" for p in grid.index]
    return share_grid(grid, rows, ylabel=t["province_axis"], title=t["province"], texts=t, row_height=0.32)


def _boxes(ax, groups: list, positions, **kwargs) -> None:
    """Horizontal boxes (5–95% whiskers, no outlier dots: thousands of counties would hide the box)."""
    ax.boxplot(
        groups,
        positions=positions,
        orientation="horizontal",
        whis=(5, 95),
        showfliers=False,
        widths=0.6,
        patch_artist=True,
        boxprops={"facecolor": style.CATEGORICAL[5], "edgecolor": "0.3", "linewidth": 0.6},
        medianprops={"color": "black", "linewidth": 1.0},
        whiskerprops={"color": "0.3", "linewidth": 0.6},
        capprops={"color": "0.3", "linewidth": 0.6},
        **kwargs,
    )


def topic_distribution(topic_profiles: pd.DataFrame, *, lang: str = "zh"):
    """One box per sub-topic (codebook order): the spread of ``share_pct`` across counties."""
    from analysis.report.plots.coverage import _topic_axis, _topic_rows

    style.use_style()
    t = TEXT[lang]
    topics, rows, counties = _topic_rows(topic_profiles)
    groups = [g["share_pct"].to_numpy(float) for _, g in topic_profiles.groupby("topic_id", sort=False)]
    order = list(dict.fromkeys(topic_profiles["topic_id"]))
    fig, ax = plt.subplots(figsize=(7.5, 1.0 + 0.24 * len(topics)))
    _boxes(ax, groups, [rows[tid] for tid in order])
    _topic_axis(ax, topics, lang)
    ax.set_xlabel(t["share"])
    ax.set_title(t["topics"])
    ax.grid(axis="x", color="0.9", zorder=0)
    ax.text(1.0, 1.0, t["topic_note"].format(n=len(counties)), transform=ax.transAxes, ha="right", va="bottom",
            fontsize=7, color="0.3")  # fmt: skip
    return fig


def gap_shares(gap_table: pd.DataFrame, *, lang: str = "zh"):
    """Per sub-topic, the share of counties that leave it out (table: coverage gaps)."""
    from analysis.report.plots.coverage import _topic_axis, _topic_rows

    style.use_style()
    t = TEXT[lang]
    topics, rows, counties = _topic_rows(gap_table)
    left = 100 * (~gap_table["addressed"].astype(bool)).groupby(gap_table["topic_id"], sort=False).mean()
    fig, ax = plt.subplots(figsize=(7.0, 0.8 + 0.22 * len(topics)))
    y = [rows[tid] for tid in left.index]
    ax.barh(y, left.to_numpy(), color=style.CATEGORICAL[3], height=0.7)
    for yy, v in zip(y, left.to_numpy()):
        ax.text(v, yy, f" {v:.0f}", va="center", fontsize=6)
    _topic_axis(ax, topics, lang)
    ax.set_xlim(0, 105)
    ax.set_xlabel(t["gaps_axis"].format(n=len(counties)))
    ax.set_title(t["gaps"], fontsize=10)
    return fig


def by_year(county_years: pd.DataFrame, *, lang: str = "zh"):
    """Mean area share per year (one line per area; table: coverage per county × period × type,
    single-year periods only; each row weighs by its number of documents)."""
    style.use_style()
    t = TEXT[lang]
    rows = county_years[county_years["period"].astype(str).str.fullmatch(r"\d{4}")]
    if rows.empty:
        return not_computed(t["year"], t["not_reported"], lang=lang)
    rows = rows.assign(year=rows["period"].astype(int), weighted=rows["share_pct"] * rows["n_docs"])
    sums = rows.groupby(["year", label_column(lang)], sort=False)[["weighted", "n_docs"]].sum()
    mean = (sums["weighted"] / sums["n_docs"]).unstack()
    areas = list(dict.fromkeys(rows[label_column(lang)]))
    mean = mean.sort_index()[areas]
    docs = rows.drop_duplicates(["county", "year", "doc_type"]).groupby("year")["n_docs"].sum()
    fig, ax = plt.subplots(figsize=(8.0, 4.6))
    for k, area in enumerate(areas):
        ax.plot(mean.index, mean[area], marker=["o", "s", "^", "D", "v", "P", "X", "*"][k % 8], markersize=4,
                color=style.CATEGORICAL[k % len(style.CATEGORICAL)], label=area, linewidth=1.2)  # fmt: skip
    ax.set_xticks(mean.index, [f"{y}\n({docs.get(y, 0)})" for y in mean.index])
    ax.set_xlabel(t["year_axis"])
    ax.set_ylabel(t["share"])
    ax.set_title(t["year"])
    ax.text(0.0, -0.28, t["year_note"], transform=ax.transAxes, fontsize=7, color="0.3")
    ax.legend(fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.grid(axis="y", color="0.9")
    return fig


def funnel_distribution(funnel: pd.DataFrame, stage_labels: dict, *, lang: str = "zh"):
    """One box per funnel stage: the counties' reported case numbers (log scale), with how many report it."""
    style.use_style()
    t = TEXT[lang]
    stages = list(dict.fromkeys(funnel.sort_values("stage_order")["stage"]))
    reported = funnel[(funnel["status"] == "reported") & (funnel["value"] > 0)]
    if reported.empty:
        return not_computed(t["funnel"], t["not_reported"], lang=lang)
    n_counties = funnel["county"].nunique()
    fig, ax = plt.subplots(figsize=(7.5, 1.2 + 0.5 * len(stages)))
    groups = [reported.loc[reported["stage"] == s, "value"].to_numpy(float) for s in stages]
    shown = [i for i, g in enumerate(groups) if len(g)]
    _boxes(ax, [groups[i] for i in shown], shown)
    ax.set_xscale("log")
    names = [f"{stage_labels.get(s, s)} ({len(g)})" for s, g in zip(stages, groups)]
    ax.set_yticks(range(len(stages)), names, fontsize=8)
    ax.set_ylim(len(stages) - 0.5, -0.5)
    ax.set_xlabel(t["funnel_axis"])
    ax.set_title(t["funnel"])
    ax.text(1.0, -0.2 - 0.4 / len(stages), t["funnel_note"].format(n=n_counties), transform=ax.transAxes,
            ha="right", fontsize=7, color="0.3")  # fmt: skip
    return fig


def targets_actuals_scatter(table: pd.DataFrame, *, lang: str = "zh"):
    """Target (x) against actual (y), one dot per county stating both (metrics_targets_vs_actuals)."""
    style.use_style()
    t = TEXT[lang]
    both = table[(table["target_status"] == "reported") & (table["actual_status"] == "reported")]
    if both.empty:
        return not_computed(t["tva"], t["not_reported"], lang=lang)
    fig, ax = plt.subplots(figsize=(5.6, 5.2))
    ax.plot([0, 105], [0, 105], color="0.7", linewidth=0.8, linestyle="--")
    ax.scatter(both["target_value"], both["actual_value"], s=12, alpha=0.6, color=style.CATEGORICAL[0],
               edgecolor="none")  # fmt: skip
    low = float(min(both["target_value"].min(), both["actual_value"].min()))
    ax.set_xlim(max(low - 5, 0), 102)
    ax.set_ylim(max(low - 5, 0), 102)
    ax.set_xlabel(t["target"])
    ax.set_ylabel(t["actual"])
    ax.set_title(t["tva"], fontsize=10)
    ax.text(0.02, 0.98, t["tva_note"].format(n=len(both)), transform=ax.transAxes, va="top", fontsize=7,
            color="0.3")  # fmt: skip
    return fig


def commitments_histogram(table: pd.DataFrame, *, lang: str = "zh"):
    """Histogram of targets per 10,000 body characters across documents (metrics_commitments)."""
    style.use_style()
    t = TEXT[lang]
    values = table["targets_per_10k_chars"].dropna().to_numpy(float)
    if not len(values):
        return not_computed(t["commit"], t["not_reported"], lang=lang)
    fig, ax = plt.subplots(figsize=(6.4, 3.8))
    ax.hist(values, bins=min(40, max(10, len(values) // 20)), color=style.CATEGORICAL[0], edgecolor="white")
    ax.axvline(float(np.median(values)), color="black", linewidth=0.8, linestyle="--")
    ax.set_xlabel(t["per10k"])
    ax.set_ylabel(t["n_docs"])
    ax.set_title(t["commit"], fontsize=10)
    return fig


def reporting_shares(table: pd.DataFrame, *, lang: str = "zh"):
    """Per metric, the share of counties stating an actual and a target, only one, a flagged figure
    or nothing (stacked to 100%; table: metric_comparison)."""
    style.use_style()
    t = TEXT[lang]
    if table.empty:
        return not_computed(t["matrix"], t["not_reported"], lang=lang)
    wide = table.pivot_table(index=["county", "label"], columns="kind", values="status", aggfunc="first",
                             sort=False)  # fmt: skip
    actual = wide.get("actual", pd.Series("", index=wide.index)) == "reported"
    target = wide.get("target", pd.Series("", index=wide.index)) == "reported"
    flagged = (wide == "flagged").any(axis=1) & ~actual & ~target
    status = np.select([actual & target, actual, target, flagged], ["both", "actual", "target", "flagged"], "none")
    counts = pd.crosstab(wide.index.get_level_values("label"), status, normalize="index") * 100
    order = list(dict.fromkeys(table["label"]))
    kinds = ["both", "actual", "target", "flagged", "none"]
    counts = counts.reindex(index=order, columns=kinds, fill_value=0.0)
    colours = [style.CATEGORICAL[2], style.CATEGORICAL[1], style.CATEGORICAL[0], style.CATEGORICAL[3], "#DDDDDD"]
    fig, ax = plt.subplots(figsize=(7.5, 1.4 + 0.3 * len(order)))
    left = np.zeros(len(order))
    for kind, colour in zip(kinds, colours):
        ax.barh(range(len(order)), counts[kind], left=left, color=colour, label=t["status"][kind], height=0.7)
        left += counts[kind].to_numpy()
    ax.set_yticks(range(len(order)), order, fontsize=7)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel(t["pct_counties"].format(n=table["county"].nunique()))
    ax.set_title(t["matrix"], pad=24)
    ax.legend(fontsize=7, frameon=False, ncol=5, loc="lower left", bbox_to_anchor=(0, 1.0))
    return fig
