"""Analyses of a ``corpus.Corpus``: topic coverage, similarity and text reuse, metrics — and the report.

    import corpus
    import analysis as an

    c = corpus.load()
    an.coverage(c)              # document × topic shares of body text
    an.coverage_segments(c)     # one area per segment, with evidence (dictionary + learned model)
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
    coding_agreement,
    coding_sheet,
    compare_metrics,
    coverage,
    coverage_segments,
    coverage_validity,
    coverage_validity_oos,
    keyness,
    kwic,
    metrics,
    metrics_panel,
    read_coding_sheet,
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
    "coding_agreement",
    "coding_sheet",
    "compare_metrics",
    "coverage",
    "coverage_segments",
    "coverage_validity",
    "coverage_validity_oos",
    "keyness",
    "kwic",
    "metrics",
    "metrics_panel",
    "read_coding_sheet",
    "report",
    "reuse",
    "similarity",
]
