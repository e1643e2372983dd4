"""The figure style: Chinese renders, fonts embed, palettes survive greyscale."""

from __future__ import annotations

import itertools
import warnings

import matplotlib.pyplot as plt
import numpy as np
from matplotlib import colormaps
from matplotlib.colors import to_rgb

from analysis.report.style import CATEGORICAL, HATCHES, SEQUENTIAL, cjk_font, save_figure, use_style


def test_chinese_labels_render_without_missing_glyphs(tmp_path):
    use_style()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph … missing from font(s)"
        fig, ax = plt.subplots()
        ax.bar(["冠县", "开江县", "濉溪县", "濮阳县"], [91, 73, 6, 3])
        ax.set_title("行政复议 申请·受理·纠错 —「濮」「濉」")
        ax.set_ylabel("件数")
        paths = save_figure(fig, tmp_path, "glyph_check")
        plt.close(fig)
    assert [p.suffix for p in paths] == [".png", ".pdf"]
    assert cjk_font()


def _grey(colour) -> float:
    r, g, b = to_rgb(colour)
    return 0.299 * r + 0.587 * g + 0.114 * b


def test_sequential_map_is_monotone_in_grey():
    greys = [_grey(colormaps[SEQUENTIAL](x)) for x in np.linspace(0, 1, 32)]
    assert all(a < b for a, b in itertools.pairwise(greys))


def test_categorical_series_stay_apart_in_greyscale_with_hatches():
    assert len(set(HATCHES)) == len(HATCHES) == len(CATEGORICAL)
    pairs = {(_grey(c), h) for c, h in zip(CATEGORICAL, HATCHES)}
    assert len(pairs) == len(CATEGORICAL)
