"""Analyses of the corpus: topic coverage, similarity and text reuse, metrics — and the report.

Each analysis reads documents only through ``corpus`` and returns tables (pandas
DataFrames with documented columns), figures and findings as an ``analysis.section.Section``.
``python -m analysis report`` writes them all to ``figures/``.
"""
