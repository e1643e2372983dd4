"""Localisation in one place: county and document labels in Chinese or English.

Analyses return canonical tables (county names in Chinese, as in the corpus); a report section
calls :func:`localise` once to show them in the report language. Names come from the corpus
docvars (``county_en`` from the county table); a document of unknown county is labelled by its
title or source file, never "None".
"""

from __future__ import annotations

import pandas as pd

import corpus

LANGS = ("zh", "en")


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is a report language, else raise naming the allowed ones."""
    if lang not in LANGS:
        raise ValueError(f"lang={lang!r} not allowed; use one of {LANGS}")
    return lang


def _english_names() -> dict:
    table = corpus.counties()
    return dict(zip(table.county, table.county_en))


def county_label(county: str, lang: str) -> str:
    """冠县 / Guan County: the county's name in ``lang``; unknown names are kept as written."""
    check_lang(lang)
    return county if lang == "zh" else _english_names().get(county, county)


def doc_labels(documents: pd.DataFrame, *, lang: str = "zh") -> dict:
    """doc_id -> short label such as '濮阳县 方案 2022–2025' / 'Puyang County scheme 2022–2025'."""
    check_lang(lang)
    types = corpus.doc_types().set_index("doc_type")[f"label_{lang}"].to_dict()
    names = _english_names() if lang == "en" else {}
    labels = {}
    for d in documents.itertuples(index=False):
        years = f"{d.year_start}" if d.year_start == d.year_end else f"{d.year_start}–{d.year_end}"
        place = names.get(d.county, d.county) if isinstance(d.county, str) and d.county else None
        labels[d.doc_id] = f"{place or d.title or d.doc_id} {types.get(d.doc_type, d.doc_type or '')} {years}"
    return labels


def localise(tables: dict[str, pd.DataFrame], lang: str) -> dict[str, pd.DataFrame]:
    """The tables with every ``county`` column shown in ``lang`` (new frames; inputs unchanged)."""
    check_lang(lang)
    if lang == "zh":
        return dict(tables)
    names = _english_names()
    return {
        name: table.assign(county=table["county"].map(lambda v: names.get(v, v))) if "county" in table else table
        for name, table in tables.items()
    }
