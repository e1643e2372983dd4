"""Analyses of a ``corpus.Corpus``: topic coverage, similarity and text reuse, metrics — and the report.

    import corpus
    import analysis as an

    c = corpus.load()
    an.coverage(c)              # document × topic shares of body text
    an.similarity(c)            # TF-IDF cosine, sparse top-k
    an.metrics(c)               # every figure with its quote and offsets
    an.metrics_panel(c)         # county × year panel (wide=True: one row per county × year)
    an.report(c, out="figures") # tables, figures, findings.md, run.json

Subpackages answer one question each: ``analysis.coverage``, ``analysis.similarity``,
``analysis.metrics``; ``analysis.report`` presents them (sections, plots, labels, export,
findings, CLI: ``python -m analysis report``).
"""

from analysis.api import (
    align,
    compare_metrics,
    coverage,
    coverage_validity,
    keyness,
    kwic,
    metrics,
    metrics_panel,
    report,
    reuse,
    similarity,
)
from analysis.coverage.coder import TopicCoder
from analysis.metrics.extraction import MetricExtractor

__all__ = [
    "MetricExtractor",
    "TopicCoder",
    "align",
    "compare_metrics",
    "coverage",
    "coverage_validity",
    "keyness",
    "kwic",
    "metrics",
    "metrics_panel",
    "report",
    "reuse",
    "similarity",
]
