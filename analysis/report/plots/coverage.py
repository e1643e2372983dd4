"""Figures of topic coverage. Each function takes a finished table and draws; nothing is computed.

Labels follow ``lang``: the tables' ``label_zh``/``label_en`` columns are used, and the
``county`` column is drawn as given (the section puts county or county_en there).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from analysis.report import style

MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
TEXT = {
    "zh": {
        "heatmap": "各县各领域文本占比（%）",
        "share": "占正文字符的比例（%）",
        "county": "县",
        "area": "领域",
        "subtopics": "各子议题的文本占比（%）",
        "gaps": "各县未涉及的议题（斜线空心方块 = 未涉及）",
        "addressed": "涉及",
        "missing": "未涉及",
        "topic": "议题",
        "overlap": "注：一句话可同时涉及多个领域，故同一县各领域占比之和可超过100%。",
    },
    "en": {
        "heatmap": "Share of body text per area (%)",
        "share": "Share of body characters (%)",
        "county": "County",
        "area": "Area",
        "subtopics": "Share of body text per sub-topic (%)",
        "gaps": "Topics each county leaves out (hatched = not addressed)",
        "addressed": "addressed",
        "missing": "not addressed",
        "topic": "Topic",
        "overlap": "Note: a sentence can address several areas, so a county's shares can add up to more than 100%.",
    },
}


def label_column(lang: str) -> str:
    """The codebook's label column in ``lang`` (``label_zh`` or ``label_en``)."""
    return "label_en" if lang == "en" else "label_zh"


def _topic_rows(table: pd.DataFrame) -> tuple[pd.DataFrame, dict, list]:
    """Topics in codebook order, their row positions, and the counties in table order."""
    topics = table.drop_duplicates("topic_id")
    rows = {tid: i for i, tid in enumerate(topics["topic_id"])}
    return topics, rows, list(dict.fromkeys(table["county"]))


def _topic_axis(ax, topics: pd.DataFrame, lang: str) -> None:
    """Topic labels on the y axis, top down, with a thin rule between codebook areas."""
    bounds = topics.reset_index(drop=True).groupby("area_id", sort=False).size().cumsum()
    for b in bounds.iloc[:-1]:
        ax.axhline(b - 0.5, color="0.8", linewidth=0.6)
    ax.set_yticks(range(len(topics)), topics[label_column(lang)], fontsize=7)
    ax.invert_yaxis()


def coverage_heatmap(profiles: pd.DataFrame, *, lang: str = "zh"):
    """County × area heatmap of ``share_pct`` (table: :func:`analysis.coverage.coding.county_profiles`)."""
    style.use_style()
    t = TEXT[lang]
    areas = profiles.drop_duplicates("area_id")[label_column(lang)].tolist()
    counties = list(dict.fromkeys(profiles["county"]))
    grid = profiles.pivot(index="county", columns=label_column(lang), values="share_pct").loc[counties, areas]
    return share_grid(grid, counties, ylabel=t["county"], title=t["heatmap"], texts=t, row_height=0.55)


def share_grid(grid: pd.DataFrame, rows: list[str], *, ylabel: str, title: str, texts: dict, row_height: float):
    """Heatmap of a rows × areas table of shares (%), each cell labelled; a missing cell stays blank.

    ``texts`` gives the ``area``, ``share`` and ``overlap`` labels (shares of several areas can add
    up to more than 100 %).
    """
    areas = list(grid.columns)
    values = grid.to_numpy(dtype=float)
    fig, ax = plt.subplots(figsize=(1.6 + 0.85 * len(areas), 1.4 + row_height * len(rows)))
    image = ax.imshow(values, cmap=style.SEQUENTIAL, aspect="auto", vmin=0)
    vmax = float(np.nanmax(values)) if values.size else 1.0
    for (i, j), v in np.ndenumerate(values):
        if np.isfinite(v):
            ax.text(
                j, i, f"{v:.1f}", ha="center", va="center", fontsize=7, color="black" if v > 0.6 * vmax else "white"
            )
    ax.set_xticks(range(len(areas)), areas, rotation=40, ha="right", fontsize=8)
    ax.set_yticks(range(len(rows)), rows)
    ax.set_xlabel(texts["area"])
    ax.set_ylabel(ylabel)
    ax.spines[:].set_visible(False)
    fig.colorbar(image, ax=ax, label=texts["share"], shrink=0.8)
    ax.set_title(title, pad=16)
    ax.text(0.5, 1.01, texts["overlap"], transform=ax.transAxes, ha="center", va="bottom", fontsize=7, color="0.3")
    return fig


def coverage_subtopics(topic_profiles: pd.DataFrame, *, lang: str = "zh"):
    """Dot plot: one row per sub-topic (codebook order), one marker per county, x = share_pct."""
    style.use_style()
    t = TEXT[lang]
    topics, y, counties = _topic_rows(topic_profiles)
    fig, ax = plt.subplots(figsize=(7.5, 0.6 + 0.24 * len(topics)))
    offsets = np.linspace(-0.25, 0.25, len(counties)) if len(counties) > 1 else [0.0]
    for k, county in enumerate(counties):
        sub = topic_profiles[topic_profiles["county"] == county]
        ax.scatter(
            sub["share_pct"],
            [y[tid] + offsets[k] for tid in sub["topic_id"]],
            marker=MARKERS[k % len(MARKERS)],
            color=style.CATEGORICAL[k % len(style.CATEGORICAL)],
            s=22,
            label=county,
            edgecolor="black",
            linewidth=0.3,
            zorder=3,
        )
    _topic_axis(ax, topics, lang)
    ax.set_xlabel(t["share"])
    ax.set_title(t["subtopics"])
    ax.grid(axis="x", color="0.9", zorder=0)
    ax.legend(title=t["county"], fontsize=7, title_fontsize=8, loc="lower right")
    return fig


def coverage_gaps(gap_table: pd.DataFrame, *, lang: str = "zh"):
    """Topic × county matrix: filled square = addressed, hollow = left out (table: analysis.coverage.coding.gaps)."""
    style.use_style()
    t = TEXT[lang]
    topics, y, counties = _topic_rows(gap_table)
    x = {cty: j for j, cty in enumerate(counties)}
    fig, ax = plt.subplots(figsize=(1.8 + 0.9 * len(counties), 0.6 + 0.22 * len(topics)))
    done = gap_table[gap_table["addressed"]]
    left_out = gap_table[~gap_table["addressed"]]
    ax.scatter(
        done["county"].map(x),
        done["topic_id"].map(y),
        marker="s",
        s=40,
        color=style.CATEGORICAL[0],
        label=t["addressed"],
    )
    ax.scatter(
        left_out["county"].map(x),
        left_out["topic_id"].map(y),
        marker="s",
        s=40,
        facecolor="white",
        edgecolor=style.CATEGORICAL[3],
        hatch="////",
        linewidth=0.8,
        label=t["missing"],
    )
    _topic_axis(ax, topics, lang)
    ax.set_xticks(range(len(counties)), counties, rotation=30, ha="right")
    ax.set_xlim(-0.6, len(counties) - 0.4)
    ax.set_title(t["gaps"], fontsize=10)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return fig
