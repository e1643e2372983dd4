"""A figure that says why it is empty: drawn in place of a chart that cannot be computed.

Every figure a section names exists on every corpus, so notebooks and LaTeX documents that show
it by name never break; on a corpus too small for the chart the figure carries its title and the
note of the section's finding that says why (in the report language).
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt

from analysis.report import style

WRAP = {"zh": 36, "en": 72}  # characters per line of the note


def not_computed(title: str, note: str, *, lang: str = "zh"):
    """A small figure holding ``title`` and the italic ``note`` (nothing is plotted)."""
    style.use_style()
    lines = textwrap.wrap(note, width=WRAP.get(lang, 72)) or [""]
    fig, ax = plt.subplots(figsize=(6.4, 1.0 + 0.3 * len(lines)))
    ax.axis("off")
    ax.set_title(title)
    ax.text(0.5, 0.5, "\n".join(lines), ha="center", va="center", fontsize=9, style="italic", color="0.35")
    return fig
