"""The report's sections, in the order they appear: one module per analysis.

Each module exposes ``NAME`` and ``section(c, *, lang) -> Section``: it calls the analysis
API for its tables, draws them with :mod:`analysis.report.plots` and writes findings from
the tables. Adding a section means writing a module and listing it in ``SECTIONS``.
"""

from __future__ import annotations

from analysis.report.sections import coverage, metrics, similarity

SECTIONS = (coverage, similarity, metrics)

__all__ = ["SECTIONS"]
