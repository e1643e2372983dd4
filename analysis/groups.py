"""The unit of comparison: a county key for every document, and the county × period × type groups.

A county-level comparison needs a county for every document. A document whose county the corpus
could not establish (``county`` empty) is neither dropped nor merged with the other unknown ones
into one "None" county: it is grouped under a readable label and flagged ``county_known = False``.
The label is, in this order, the document's ``place`` docvar (when the corpus has that column),
its ``title``, the stem of its ``source_file``; only a corpus holding none of these (tables built
by hand) falls back to the doc_id.

Two documents are the same county exactly when their keys are equal. For documents of unknown
county this means: they are treated as one county when their labels are equal (the same stated
place, or the same title) and as different counties whenever their labels differ — even if they
in fact come from the same place. An anonymised place (XX县, 某县: ``corpus.gazetteer.is_anonymised``
when the corpus provides it) names no particular county, so its key adds the source file's stem
(``XX县（15_xxxian_2022_plan）``) and two such documents are never merged. A document is never
compared with itself.

Within a county, documents are grouped by ``period`` (the year, or the span of years, a document
covers: ``2022``, ``2021–2025``; empty when unknown) and ``doc_type``: a plan and a report of one
year are two groups, and a county profile that pools several says which it pools.

Tables
------
keys  doc_id, county_key, county_known, period (see :func:`county_keys`)
"""

from __future__ import annotations

from pathlib import PurePath

import pandas as pd

try:  # the corpus's one definition of an anonymised place name, when it has one
    from corpus.gazetteer import is_anonymised
except ImportError:  # pragma: no cover - a corpus without a gazetteer states no anonymised place

    def is_anonymised(text_or_name: str) -> bool:
        return False


KEY_COLUMNS = ("county_key", "county_known", "period")
FALLBACKS = ("place", "title", "source_file")  # label of a document of unknown county, first present wins


def present(value) -> bool:
    """True for a usable docvar value: not None, not NaN/NA, not an empty or blank string."""
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip()) and value.strip().lower() not in ("none", "nan")
    try:
        return not bool(pd.isna(value))
    except (TypeError, ValueError):
        return True


def period_of(year_start, year_end) -> str:
    """``2022`` / ``2021–2025`` for a document's years; '' when neither is known."""
    years = [int(y) for y in (year_start, year_end) if present(y)]
    if not years:
        return ""
    first, last = min(years), max(years)
    return f"{first}" if first == last else f"{first}–{last}"


def _stem(doc: dict) -> str | None:
    source = doc.get("source_file")
    return PurePath(str(source)).stem if present(source) else None


def _fallback_label(doc: dict) -> str | None:
    for name in FALLBACKS:
        value = doc.get(name)
        if present(value):
            text = " ".join(str(value).split())
            if name == "source_file":
                return PurePath(text).stem
            if name == "place" and is_anonymised(text) and _stem(doc):
                return f"{text}（{_stem(doc)}）"  # XX县 is no particular county: never shared
            return text
    return None


def county_keys(documents: pd.DataFrame) -> pd.DataFrame:
    """The county key of every document.

    Returns
    -------
    pandas.DataFrame
        One row per document, in corpus order. Columns: doc_id, county_key (the county; for a
        document of unknown county its place, title or source-file stem), county_known (False when
        the key is such a label), period ('2022', '2021–2025' or '').
    """
    rows = []
    for doc in documents.to_dict("records"):
        county = doc.get("county")
        known = present(county)
        key = str(county) if known else (_fallback_label(doc) or str(doc["doc_id"]))
        rows.append((doc["doc_id"], key, known, period_of(doc.get("year_start"), doc.get("year_end"))))
    return pd.DataFrame(rows, columns=["doc_id", *KEY_COLUMNS]).astype({"county_known": bool})


def keyed(c):
    """Corpus ``c`` with the docvars county_key, county_known and period (unchanged if it has them)."""
    if set(KEY_COLUMNS) <= set(c.documents.columns):
        return c
    keys = county_keys(c.documents)
    return c.with_docvars(keys[["doc_id", *[k for k in KEY_COLUMNS if k not in c.documents.columns]]])


def by_county_key(c, table: pd.DataFrame, *, on: str = "doc_id") -> pd.DataFrame:
    """``table`` with its ``county`` column replaced by the county key and ``county_known`` added."""
    kc = keyed(c)
    out = table.drop(columns=[x for x in ("county", "county_known") if x in table.columns])
    out = kc.attach(out, "county_key", "county_known", on=on).rename(columns={"county_key": "county"})
    out["county_known"] = out["county_known"].astype("boolean").fillna(False).astype(bool)
    return out


def counties(c) -> pd.DataFrame:
    """The corpus's counties (keys) in corpus order: county, county_known, n_docs."""
    keys = county_keys(c.documents)
    out = keys.groupby("county_key", sort=False).agg(county_known=("county_known", "first"), n_docs=("doc_id", "size"))
    return out.rename_axis("county").reset_index()


def cross_county(pairs: pd.DataFrame, c, *, a: str = "doc_a", b: str = "doc_b") -> pd.DataFrame:
    """Rows of a pair table whose two documents differ and belong to different counties (keys).

    Two documents of unknown county count as different counties only when their labels differ.
    """
    key = county_keys(c.documents).set_index("doc_id")["county_key"]
    ka, kb = pairs[a].map(key), pairs[b].map(key)
    return pairs[(pairs[a] != pairs[b]) & ka.notna() & kb.notna() & (ka != kb)]
