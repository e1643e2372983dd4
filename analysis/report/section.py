"""What each analysis hands to the report: tables, figures and quotable findings.

Every analysis module (coverage, similarity, metrics) exposes
``section(corpus, *, lang="zh") -> Section``. The report writes the tables (CSV, XLSX,
LaTeX), the figures (PNG, PDF) and the findings (``findings.md``); it computes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd


@dataclass(frozen=True)
class Quote:
    """A verbatim passage: ``source_text(doc_id)[start:end] == text``."""

    doc_id: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Finding:
    """One sentence a researcher can cite, with its numbers and sources.

    ``text`` maps a language code (``zh``/``en``) to the sentence. ``numbers`` holds every
    number the sentence states, each of which must appear in one of the section's tables
    (``table`` names it). ``quotes`` are the passages behind the sentence.
    """

    key: str
    text: dict
    table: str
    numbers: tuple = ()
    quotes: tuple = ()


@dataclass
class Section:
    """Output of one analysis: named tables, named figures (by content) and findings."""

    name: str
    tables: dict = field(default_factory=dict)  # str -> pd.DataFrame
    figures: dict = field(default_factory=dict)  # str -> matplotlib Figure
    findings: list = field(default_factory=list)  # list[Finding]

    def table(self, name: str) -> pd.DataFrame:
        return self.tables[name]
