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

    ``doc_ids`` names the documents the finding rests on when it is not the whole corpus (its base,
    stated in ``findings.md``); empty means every document of the corpus.

    A finding with a ``reason`` is a note that something could not be computed on this corpus
    (build it with :func:`not_computed`): ``reason`` is a short code (``too_few_segments``,
    ``no_target_stated``, …), ``text`` says what was not computed and why, ``table`` is '' and
    ``numbers`` holds the counts the text states. The report renders it as a short italic note.
    """

    key: str
    text: dict
    table: str
    numbers: tuple = ()
    quotes: tuple = ()
    reason: str = ""
    doc_ids: tuple = ()

    @property
    def computed(self) -> bool:
        """False for a note saying why something could not be computed."""
        return not self.reason


def not_computed(key: str, reason: str, *, zh: str, en: str, numbers: tuple = ()) -> Finding:
    """A note that part of a section could not be computed, and why (in Chinese and English).

    The tables that part would fill are still written, empty with their columns.
    """
    if not reason:
        raise ValueError(f"not_computed({key!r}): reason must be a non-empty code, got {reason!r}")
    return Finding(key=key, text={"zh": zh, "en": en}, table="", numbers=numbers, reason=reason)


@dataclass
class Section:
    """Output of one analysis: named tables, named figures (by content) and findings."""

    name: str
    tables: dict = field(default_factory=dict)  # str -> pd.DataFrame
    figures: dict = field(default_factory=dict)  # str -> matplotlib Figure
    findings: list = field(default_factory=list)  # list[Finding]

    def table(self, name: str) -> pd.DataFrame:
        return self.tables[name]
