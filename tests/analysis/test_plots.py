"""Figure fixes of issue 15, checked on the drawn figures (each was also looked at as a PNG)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # tests draw to files, like the command line

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from analysis.report.labels import doc_labels
from analysis.report.plots import coverage as plots_coverage
from analysis.report.plots import metrics as plots_metrics
from analysis.report.plots import similarity as plots_similarity
from analysis.report.style import use_style
from analysis.similarity import tfidf


@pytest.fixture(autouse=True)
def _close():
    use_style()  # the sections apply the style before drawing
    yield
    plt.close("all")


def test_the_three_puyang_documents_have_labels_a_reader_can_tell_apart(seed_corpus):
    expected = {"zh": "濮阳县 一体建设方案 2022–2024", "en": "Puyang County integrated scheme 2022–2024"}
    for lang, integrated in expected.items():
        labels = doc_labels(seed_corpus.documents, lang=lang)
        puyang = [labels[d] for d in labels if d.startswith("puyang")]
        assert len(set(puyang)) == 3 and integrated in puyang
        assert labels["puyang-2022-2025-scheme"] in ("濮阳县 方案 2022–2025", "Puyang County scheme 2022–2025")


def test_similarity_heatmap_masks_the_diagonal_and_scales_on_pairs(seed_corpus):
    sim = tfidf.similarity(seed_corpus)
    matrix = tfidf.similarity_matrix(sim, "tfidf_word")
    fig = plots_similarity.similarity_heatmap(
        matrix, tfidf.linkage_table(sim, "tfidf_word"), method="tfidf_word", lang="en"
    )
    image = fig.axes[1].images[0]
    data = image.get_array()
    assert data.mask.diagonal().all() and not data.mask[0, 1:].any()
    pairs = matrix.to_numpy()[~np.eye(len(matrix), dtype=bool)]
    assert image.get_clim() == pytest.approx((pairs.min(), pairs.max()))
    assert image.get_clim()[1] < 0.99  # the diagonal's 1.0 no longer sets the top of the scale


KEYNESS = pd.DataFrame(  # the seeds' top terms (analysis.similarity.keyness on the seven documents)
    {
        "county": ["冠县", "冠县", "开江县", "开江县", "濉溪县", "濮阳县"],
        "term": ["打造", "模式", "立法", "仲裁", "镇政府", "考核"],
        "score": [3.43, 2.14, 2.72, 1.56, 1.66, 3.23],
    }
)


def test_keyness_shows_only_significant_terms_on_one_scale():
    fig = plots_similarity.keyness_bars(KEYNESS, lang="zh")
    panels = [ax for ax in fig.axes if ax.get_visible()]
    assert len({ax.get_xlim() for ax in panels}) == 1
    shown = {t.get_text() for ax in panels for t in ax.get_yticklabels()}
    assert shown == {"打造", "模式", "立法", "考核"}  # 仲裁 (1.56) and 镇政府 (1.66) are not significant
    suixi = next(ax for ax in panels if ax.get_title() == "濉溪县")
    assert any("1.96" in t.get_text() for t in suixi.texts)


def test_funnel_legend_sits_below_the_bars():
    funnel = pd.DataFrame(
        {
            "county": ["Guan County", "Guan County", "Suixi County", "Suixi County"],
            "stage": ["reconsideration_received", "reconsideration_accepted"] * 2,
            "stage_order": [1, 2, 1, 2],
            "status": ["reported", "reported", "not_reported", "not_reported"],
            "value": [91.0, 73.0, np.nan, np.nan],
        }
    )
    labels = {"reconsideration_received": "Reconsideration applications received", "reconsideration_accepted": "x"}
    fig = plots_metrics.funnel_bars(funnel, labels, lang="en")
    fig.canvas.draw()
    ax = fig.axes[0]
    legend = ax.get_legend().get_window_extent()
    assert legend.y1 < ax.get_window_extent().y0


def test_coverage_heatmap_says_why_shares_add_to_more_than_100():
    profiles = pd.DataFrame(
        {
            "county": ["冠县", "冠县"],
            "area_id": ["leadership", "disputes"],
            "label_zh": ["党的领导与推进机制", "社会矛盾纠纷化解"],
            "label_en": ["Party leadership", "Disputes"],
            "share_pct": [24.2, 17.1],
        }
    )
    fig = plots_coverage.coverage_heatmap(profiles, lang="en")
    notes = [t.get_text() for t in fig.axes[0].texts]
    assert any("add up to more than 100%" in text for text in notes)
