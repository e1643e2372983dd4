"""Bilingual labels for counties and documents, read from the corpus data files."""
from __future__ import annotations

import functools

import pandas as pd

import corpus


@functools.lru_cache(maxsize=1)
def _english_names() -> dict:
    table = corpus.counties()
    return dict(zip(table.county, table.county_en))


def county_label(county: str, lang: str) -> str:
    """冠县 / Guan County: the county's name in ``lang`` ('zh' or 'en'); unknown names are kept."""
    return county if lang == "zh" else _english_names().get(county, county)


def doc_labels(documents: pd.DataFrame, *, lang: str = "zh") -> dict:
    """doc_id -> short label such as '濮阳县 方案 2022–2025' / 'Puyang County scheme 2022–2025'."""
    types = corpus.doc_types().set_index("doc_type")[f"label_{lang}"].to_dict()
    labels = {}
    for d in documents.itertuples(index=False):
        years = f"{d.year_start}" if d.year_start == d.year_end else f"{d.year_start}–{d.year_end}"
        labels[d.doc_id] = f"{county_label(d.county, lang)} {types.get(d.doc_type, d.doc_type or '')} {years}"
    return labels
