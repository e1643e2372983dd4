"""Figures of extracted metrics. Each function takes a finished table and draws; nothing is computed.

The ``county`` columns are drawn as given (the section puts county or county_en there);
'not reported' is written out on the chart, never left as an empty gap. An empty table (nothing
stated in the corpus) gives a small figure with the title and 'not reported'.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import ListedColormap

from analysis.report import style
from analysis.report.plots.placeholder import not_computed

TEXT = {
    "zh": {
        "funnel": "行政复议案件流程（实际数）",
        "cases": "件数",
        "not_reported": "未报告",
        "tva": "行政机关负责人出庭应诉率：目标与实际",
        "rate": "出庭应诉率（%）",
        "target": "目标",
        "actual": "实际",
        "commit": "量化承诺密度：每万字正文的量化目标数",
        "per10k": "每万字目标数",
        "matrix": "各县报告的指标（实际 / 目标）",
        "both": "实际与目标",
        "flagged": "存疑（未采用）",
        "county": "县",
    },
    "en": {
        "funnel": "Administrative reconsideration cases (actuals)",
        "cases": "Cases",
        "not_reported": "not reported",
        "tva": "Agency-leader court appearance rate: target vs actual",
        "rate": "Appearance rate (%)",
        "target": "target",
        "actual": "actual",
        "commit": "Quantified commitments per 10,000 characters of body text",
        "per10k": "Targets per 10,000 characters",
        "matrix": "Metrics each county states (actual / target)",
        "both": "actual and target",
        "flagged": "flagged (not used)",
        "county": "County",
    },
}


def funnel_bars(funnel: pd.DataFrame, stage_labels: dict, *, lang: str = "zh"):
    """Grouped bars: one group per county, one bar per funnel stage (analysis.metrics.comparison.funnel)."""
    style.use_style()
    t = TEXT[lang]
    counties = list(dict.fromkeys(funnel["county"]))
    stages = list(dict.fromkeys(funnel.sort_values("stage_order")["stage"]))
    if not counties or not stages:
        return not_computed(t["funnel"], t["not_reported"], lang=lang)
    fig, ax = plt.subplots(figsize=(2.0 + 1.6 * len(counties), 4.2))
    width = 0.8 / len(stages)
    for j, stage in enumerate(stages):
        sub = funnel[funnel.stage == stage].set_index("county").reindex(counties)
        x = np.arange(len(counties)) + (j - (len(stages) - 1) / 2) * width
        values = sub["value"].fillna(0).to_numpy()
        bars = ax.bar(
            x,
            values,
            width,
            label=stage_labels.get(stage, stage),
            color=style.CATEGORICAL[j % 8],
            hatch=style.HATCHES[j % 8],
            edgecolor="white",
        )
        for rect, v in zip(bars, sub["value"]):
            if not np.isnan(v):
                ax.annotate(f"{v:g}", (rect.get_x() + rect.get_width() / 2, v), ha="center", va="bottom", fontsize=7)
    for i, county in enumerate(counties):
        if (funnel[funnel.county == county]["status"] != "reported").all():
            ax.text(i, 0.5, t["not_reported"], ha="center", va="bottom", fontsize=9, color="0.35")
    ax.set_xticks(range(len(counties)), counties)
    ax.set_ylabel(t["cases"])
    ax.set_title(t["funnel"])
    ax.set_ylim(0, ax.get_ylim()[1] * 1.08)  # room for the value above the tallest bar
    # Below the axes, never over the bars (English stage names are long).
    ax.legend(fontsize=8, frameon=False, ncol=2, loc="upper center", bbox_to_anchor=(0.5, -0.1))
    return fig


def targets_vs_actuals(table: pd.DataFrame, *, lang: str = "zh"):
    """Per county: target marker and actual marker of one rate (analysis.metrics.comparison.target_vs_actual)."""
    style.use_style()
    t = TEXT[lang]
    if table.empty:
        return not_computed(t["tva"], t["not_reported"], lang=lang)
    fig, ax = plt.subplots(figsize=(6.4, 1.2 + 0.6 * len(table)))
    for i, row in enumerate(table.itertuples(index=False)):
        for value, status, key, marker, colour in (
            (row.target_value, row.target_status, "target", "s", style.CATEGORICAL[0]),
            (row.actual_value, row.actual_status, "actual", "o", style.CATEGORICAL[1]),
        ):
            offset = -0.15 if key == "target" else 0.15
            if status == "reported":
                ax.scatter(
                    value, i + offset, marker=marker, s=60, color=colour, label=t[key] if i == 0 else None, zorder=3
                )
                ax.annotate(f"{value:g}%", (value, i + offset), xytext=(6, -3), textcoords="offset points", fontsize=8)
            else:
                ax.text(
                    1,
                    i + offset,
                    f"{t[key]}：{t['not_reported']}" if lang == "zh" else f"{t[key]}: {t['not_reported']}",
                    fontsize=8,
                    color="0.35",
                    va="center",
                )
    ax.scatter([], [], marker="s", color=style.CATEGORICAL[0], label=t["target"])
    ax.scatter([], [], marker="o", color=style.CATEGORICAL[1], label=t["actual"])
    handles, labels = ax.get_legend_handles_labels()
    unique = dict(zip(labels, handles))
    ax.legend(unique.values(), unique.keys(), fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.set_yticks(range(len(table)), table["county"])
    ax.set_ylim(-0.7, len(table) - 0.3)
    ax.set_xlim(0, 112)
    ax.set_xlabel(t["rate"])
    ax.set_title(t["tva"])
    return fig


def commitments_bars(table: pd.DataFrame, labels: dict, *, lang: str = "zh"):
    """Horizontal bars of targets per 10,000 body characters (analysis.metrics.comparison.commitments)."""
    style.use_style()
    t = TEXT[lang]
    if table.empty:
        return not_computed(t["commit"], t["not_reported"], lang=lang)
    data = table.sort_values("targets_per_10k_chars")
    fig, ax = plt.subplots(figsize=(7.0, 1.0 + 0.5 * len(data)))
    y = np.arange(len(data))
    ax.barh(y, data["targets_per_10k_chars"], color=style.CATEGORICAL[0])
    for i, row in enumerate(data.itertuples(index=False)):
        ax.text(
            row.targets_per_10k_chars,
            i,
            f" {row.targets_per_10k_chars:g}（{row.n_targets}）"
            if lang == "zh"
            else f" {row.targets_per_10k_chars:g} ({row.n_targets})",
            va="center",
            fontsize=8,
        )
    ax.set_yticks(y, [labels.get(d, d) for d in data["doc_id"]], fontsize=8)
    ax.set_xlabel(t["per10k"])
    ax.set_title(t["commit"])
    return fig


def coverage_matrix(table: pd.DataFrame, *, lang: str = "zh"):
    """County × metric grid: actual / target / both / flagged / not reported (comparison table)."""
    style.use_style()
    t = TEXT[lang]
    counties = list(dict.fromkeys(table["county"]))
    labels = list(dict.fromkeys(table["label"]))
    if not counties or not labels:
        return not_computed(t["matrix"], t["not_reported"], lang=lang)
    code = {}
    for (county, label), group in table.groupby(["county", "label"], sort=False):
        status = dict(zip(group.kind, group.status))
        has_a, has_t = status.get("actual") == "reported", status.get("target") == "reported"
        flagged = "flagged" in status.values()
        code[(county, label)] = (
            4 if flagged and not (has_a or has_t) else (3 if has_a and has_t else 1 if has_a else 2 if has_t else 0)
        )
    grid = np.array([[code[(c, lab)] for lab in labels] for c in counties])
    names = [t["not_reported"], t["actual"], t["target"], t["both"], t["flagged"]]
    colours = ["#F2F2F2", style.CATEGORICAL[1], style.CATEGORICAL[0], style.CATEGORICAL[2], style.CATEGORICAL[3]]
    fig, ax = plt.subplots(figsize=(1.5 + 0.42 * len(labels), 1.6 + 0.5 * len(counties)))
    ax.imshow(grid, cmap=ListedColormap(colours), vmin=0, vmax=4, aspect="auto")
    for i in range(grid.shape[0]):
        for j in range(grid.shape[1]):
            if grid[i, j] == 0:
                ax.text(j, i, "—", ha="center", va="center", fontsize=7, color="0.5")
    ax.set_xticks(range(len(labels)), labels, rotation=60, ha="right", fontsize=7)
    ax.set_yticks(range(len(counties)), counties)
    ax.spines[:].set_visible(False)
    handles = [plt.Rectangle((0, 0), 1, 1, color=c, ec="0.6") for c in colours]
    ax.legend(handles, names, fontsize=7, frameon=False, ncol=5, loc="lower left", bbox_to_anchor=(0, 1.0))
    ax.set_title(t["matrix"], pad=24)
    return fig
