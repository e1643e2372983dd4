"""Figures for similarity, reuse and keyness. They take finished tables and draw.

Call :func:`analysis.report.style.use_style` first (the section does). Labels come in as dicts
(doc_id -> label, county -> label) so the language is chosen by the caller.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy.cluster import hierarchy

from analysis.report.style import CATEGORICAL, HATCHES, SEQUENTIAL, mark_source_text

DIAGONAL = "#EEEEEE"  # masked cells (a document with itself)
Z_SIGNIFICANT = 1.96  # two-sided 5% level of the keyness z-score

TEXT = {
    "zh": {
        "tfidf_word": "词语 TF-IDF 余弦相似度",
        "tfidf_char": "字符 n-gram TF-IDF 余弦相似度",
        "distance": "距离 (1 − 余弦)",
        "reuse": "共享文本覆盖率 (%)：\n行文件中与列文件共享段落所占比例",
        "keyness": "各县特色词 (加权对数优势比 z 值)",
        "z": "z 值",
        "share": "覆盖率 (%)",
        "cosine": "余弦（对角线为文件自身，已略去）",
        "significant": "仅列 z > {z} 的词（p < 0.05）",
        "none": "无 z > {z} 的词",
        "network": "县际借鉴网络：共享段落（不含上级文件模板用语）",
        "network_edge": "线宽 ∝ 共享字数",
        "neighbours": "各文件最近邻的余弦相似度分布",
        "cosine_axis": "余弦相似度",
        "n_docs": "文件数",
        "no_borrowing": "没有跨县共享的非模板段落",
        "rank": "第 {} 近邻",
        "top_groups": "（特色最突出的{shown}个县，共{total}个；全部见 keyness 表）",
    },
    "en": {
        "tfidf_word": "Word TF-IDF cosine similarity",
        "tfidf_char": "Character n-gram TF-IDF cosine similarity",
        "distance": "distance (1 − cosine)",
        "reuse": "Shared-passage coverage (%):\nshare of the row document in passages shared with the column document",
        "keyness": "Distinctive terms by county (weighted log-odds z-score)",
        "z": "z-score",
        "share": "share (%)",
        "cosine": "cosine (diagonal: a document with itself, left out)",
        "significant": "terms with z > {z} only (p < 0.05)",
        "none": "no term with z > {z}",
        "network": "Borrowing between counties: shared passages beyond template wording",
        "network_edge": "line width ∝ shared characters",
        "neighbours": "Cosine similarity of each document's nearest neighbours",
        "cosine_axis": "cosine similarity",
        "n_docs": "documents",
        "no_borrowing": "no passage shared across counties beyond the template",
        "rank": "neighbour no. {}",
        "top_groups": "(the {shown} most distinctive of {total} counties; all in the keyness table)",
    },
}


def _text(lang: str) -> dict:
    if lang not in TEXT:
        raise ValueError(f"lang must be one of {sorted(TEXT)}, got {lang!r}")
    return TEXT[lang]


def similarity_heatmap(
    matrix: pd.DataFrame, linkage: pd.DataFrame, *, method: str, labels: dict | None = None, lang: str = "zh"
):
    """Dendrogram over a cosine heatmap, documents in leaf order.

    Parameters
    ----------
    matrix : DataFrame
        Square cosine matrix (``analysis.similarity.tfidf.similarity_matrix``), index = linkage labels order.
    linkage : DataFrame
        ``analysis.similarity.tfidf.linkage_table`` of the same method.
    """
    t = _text(lang)
    labels = labels or {}
    z = linkage[["left", "right", "distance", "size"]].to_numpy(dtype=float)
    fig = plt.figure(figsize=(7.5, 8.2))
    grid = fig.add_gridspec(2, 2, height_ratios=(1.2, 4), width_ratios=(20, 1), hspace=0.02, wspace=0.05)
    ax_d, ax_h, ax_c = fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[1, 0]), fig.add_subplot(grid[1, 1])
    tree = hierarchy.dendrogram(z, ax=ax_d, no_labels=True, color_threshold=0, above_threshold_color="#444444")
    ax_d.set_ylabel(t["distance"])
    ax_d.set_xticks([])
    ax_d.spines["bottom"].set_visible(False)
    order = [matrix.index[i] for i in tree["leaves"]]
    values = matrix.loc[order, order].to_numpy(dtype=float)
    # The diagonal (a document with itself, always 1) is masked: the colour scale spans the pairs only.
    off = values.copy()
    np.fill_diagonal(off, np.nan)
    finite = off[np.isfinite(off)]
    low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    if high <= low:
        low, high = max(low - 0.05, 0.0), high + 0.05
    cmap = plt.get_cmap(SEQUENTIAL).with_extremes(bad=DIAGONAL)
    image = ax_h.imshow(np.ma.masked_invalid(off), cmap=cmap, vmin=low, vmax=high, aspect="auto")
    names = [labels.get(d, d) for d in order]
    ax_h.set_xticks(range(len(order)), names, rotation=45, ha="right")
    ax_h.set_yticks(range(len(order)), names)
    middle = (low + high) / 2
    for i in range(len(order)):
        for j in range(len(order)):
            text = "—" if i == j else f"{values[i, j]:.2f}"
            colour = "0.45" if i == j else ("black" if values[i, j] > middle else "white")
            ax_h.text(j, i, text, ha="center", va="center", fontsize=7, color=colour)
    fig.colorbar(image, cax=ax_c, label=t["cosine"])
    ax_d.set_title(t[method])
    return fig


def reuse_heatmap(shares: pd.DataFrame, *, labels: dict | None = None, order: list | None = None, lang: str = "zh"):
    """Directional reuse shares (row doc_a, column doc_b, cell share_pct)."""
    t = _text(lang)
    labels = labels or {}
    order = order or list(dict.fromkeys(shares.doc_a))
    table = shares.pivot(index="doc_a", columns="doc_b", values="share_pct").reindex(index=order, columns=order)
    values = table.to_numpy(dtype=float)
    fig, ax = plt.subplots(figsize=(7.5, 6.2))
    masked = np.ma.masked_invalid(values)
    vmax = max(float(np.nanmax(values)) if np.isfinite(values).any() else 1.0, 1.0)
    image = ax.imshow(masked, cmap=SEQUENTIAL, vmin=0, vmax=vmax, aspect="auto")
    names = [labels.get(d, d) for d in order]
    ax.set_xticks(range(len(order)), names, rotation=45, ha="right")
    ax.set_yticks(range(len(order)), names)
    for i in range(len(order)):
        for j in range(len(order)):
            if np.isfinite(values[i, j]):
                ax.text(
                    j,
                    i,
                    f"{values[i, j]:.1f}",
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="black" if values[i, j] > 0.6 * vmax else "white",
                )
    fig.colorbar(image, ax=ax, label=t["share"])
    ax.set_title(t["reuse"], fontsize=10, wrap=True)
    return fig


def keyness_bars(
    keyness: pd.DataFrame,
    *,
    n: int = 10,
    group: str = "county",
    labels: dict | None = None,
    lang: str = "zh",
    min_z: float = Z_SIGNIFICANT,
    max_groups: int = 12,
):
    """Top-``n`` terms per group with z-score above ``min_z`` as horizontal bars, one panel per group,
    all panels on one shared z scale; a group without such a term says so in its panel. With more
    than ``max_groups`` groups only the ``max_groups`` whose top term scores highest get a panel
    (the title says how many of how many)."""
    t = _text(lang)
    labels = labels or {}
    groups = list(dict.fromkeys(keyness[group]))
    total = len(groups)
    if total > max_groups:
        best = keyness.groupby(group, sort=False)["score"].max().sort_values(ascending=False, kind="stable")
        keep = set(best.index[:max_groups])
        groups = [g for g in groups if g in keep]
        keyness = keyness[keyness[group].isin(keep)]
    shown = keyness[keyness["score"] > min_z]
    cols = min(len(groups), 2) or 1
    rows = int(np.ceil(len(groups) / cols)) or 1
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 0.32 * n * rows + 1.4), squeeze=False, sharex=True)
    top = float(shown["score"].max()) if len(shown) else min_z + 1
    for k, (ax, name) in enumerate(zip(axes.ravel(), groups)):
        part = shown[shown[group] == name].nlargest(n, "score").iloc[::-1]
        ax.barh(
            part.term,
            part.score,
            color=CATEGORICAL[k % len(CATEGORICAL)],
            hatch=HATCHES[k % len(HATCHES)],
            edgecolor="white",
        )
        ax.set_ylim(len(part) - n - 0.5, len(part) - 0.5)  # n slots, filled from the top: one bar height
        ax.set_xlim(0, top * 1.05)
        ax.axvline(min_z, color="0.6", linewidth=0.6, linestyle="--")
        if part.empty:
            ax.text(
                0.5, 0.5, t["none"].format(z=min_z), transform=ax.transAxes, ha="center", color="0.35",
                bbox={"facecolor": "white", "edgecolor": "none"},
            )  # fmt: skip
            ax.set_yticks([])
        ax.set_title(labels.get(name, name))
        ax.set_xlabel(t["z"])
        ax.tick_params(axis="x", labelbottom=True)
        mark_source_text(ax, "y")  # the terms are quoted source text, shown as written
    for ax in axes.ravel()[len(groups) :]:
        ax.set_visible(False)
    subset = t["top_groups"].format(shown=len(groups), total=total) if total > len(groups) else ""
    fig.suptitle(f"{t['keyness']}{subset}\n{t['significant'].format(z=min_z)}", fontsize=10)
    fig.tight_layout()
    return fig


def borrowing_network(edges: pd.DataFrame, *, labels: dict | None = None, lang: str = "zh", max_nodes: int = 40):
    """County-to-county borrowing as a network: nodes on a circle, line width ∝ shared characters.

    Parameters
    ----------
    edges : DataFrame
        county_a, county_b (county keys), n_units (characters in borrowing passages the two
        share), n_passages; one row per unordered pair.
    labels : dict, optional
        county key -> label.
    max_nodes : int
        Only the counties with the most shared characters are drawn (the title says so).
    """
    t = _text(lang)
    labels = labels or {}
    fig, ax = plt.subplots(figsize=(7.5, 7.5))
    ax.set_axis_off()
    if edges.empty:
        ax.text(0.5, 0.5, t["no_borrowing"], ha="center", va="center", transform=ax.transAxes)
        ax.set_title(t["network"], fontsize=10)
        return fig
    weight = pd.concat([edges.set_index("county_a").n_units, edges.set_index("county_b").n_units])
    weight = weight.groupby(level=0).sum().sort_values(ascending=False)
    nodes = list(weight.index[:max_nodes])
    keep = edges[edges.county_a.isin(nodes) & edges.county_b.isin(nodes)]
    angle = 2 * np.pi * np.arange(len(nodes)) / len(nodes)
    xy = dict(zip(nodes, zip(np.cos(angle), np.sin(angle))))
    widest = float(keep.n_units.max()) if len(keep) else 1.0
    for row in keep.sort_values("n_units").itertuples(index=False):
        (x0, y0), (x1, y1) = xy[row.county_a], xy[row.county_b]
        ax.plot(
            [x0, x1], [y0, y1], color=CATEGORICAL[0], alpha=0.6, linewidth=0.5 + 6.0 * row.n_units / widest, zorder=1
        )
    size = 40 + 400 * weight[nodes].to_numpy(float) / float(weight.max())
    ax.scatter(np.cos(angle), np.sin(angle), s=size, color=CATEGORICAL[1], edgecolor="white", zorder=2)
    for row in keep.nlargest(8, "n_units").itertuples(index=False):  # the strongest links say how much
        (x0, y0), (x1, y1) = xy[row.county_a], xy[row.county_b]
        ax.text(
            0.65 * x0 + 0.35 * x1,
            0.65 * y0 + 0.35 * y1,
            f"{int(row.n_units)}",
            fontsize=7,
            ha="center",
            va="center",
            bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.8},
        )
    for name, a in zip(nodes, angle):
        x, y = np.cos(a), np.sin(a)
        ha = "left" if x > 0.3 else "right" if x < -0.3 else "center"
        ax.text(1.1 * x, 1.1 * y, labels.get(name, name), ha=ha, va="center", fontsize=8)
    ax.set_xlim(-1.6, 1.6)
    ax.set_ylim(-1.3, 1.3)
    ax.set_aspect("equal")
    shown = f" (top {len(nodes)} of {len(weight)})" if len(weight) > len(nodes) else ""
    ax.set_title(f"{t['network']}{shown}\n{t['network_edge']}", fontsize=10)
    return fig


def neighbour_distribution(sim: pd.DataFrame, *, lang: str = "zh", ranks: tuple = (1, 5)):
    """Histograms of each document's rank-1 and rank-5 neighbour cosine, one panel per method.

    For corpora too large for an n × n heatmap. ``sim``: doc_a, doc_b, method, cosine (a top-k
    table, both orders; self pairs are left out here).
    """
    t = _text(lang)
    pairs = sim[sim.doc_a != sim.doc_b]
    methods = list(dict.fromkeys(pairs.method))
    fig, axes = plt.subplots(1, max(len(methods), 1), figsize=(4.2 * max(len(methods), 1), 3.6), squeeze=False)
    for ax, method in zip(axes.ravel(), methods):
        part = pairs[pairs.method == method].sort_values(["doc_a", "cosine"], ascending=[True, False])
        part = part.assign(rank=part.groupby("doc_a").cumcount() + 1)
        for k, rank in enumerate(ranks):
            values = part[part["rank"] == rank].cosine
            ax.hist(
                values,
                bins=30,
                range=(0, 1),
                alpha=0.7,
                color=CATEGORICAL[k % len(CATEGORICAL)],
                label=t["rank"].format(rank),
            )
        ax.set_title(t[method], fontsize=9)
        ax.set_xlabel(t["cosine_axis"])
        ax.set_ylabel(t["n_docs"])
        ax.legend(frameon=False)
    fig.suptitle(t["neighbours"])
    fig.tight_layout()
    return fig
