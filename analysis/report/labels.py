"""Localisation in one place: county and document labels in Chinese or English.

Analyses return canonical tables (county names in Chinese, as in the corpus; a document of unknown
county under its county key, see :mod:`analysis.groups`); a report section calls :func:`localise`
once to show them in the report language. Names come from the corpus docvars (``county_en`` from
the county table). No label is ever "None" or a doc_id: a document of unknown county is labelled by
its place, its title or its source file, and a missing type or year is left out of the label.
"""

from __future__ import annotations

import functools

import pandas as pd

import corpus
from analysis.groups import county_keys, present
from analysis.paths import TITLE_QUALIFIERS_FILE

LANGS = ("zh", "en")
UNKNOWN_COUNTY = {"zh": "县未识别", "en": "county unknown"}
MAX_TITLE_CHARS = 24  # a title standing in for a place is cut to this length in labels


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is a report language, else raise naming the allowed ones."""
    if lang not in LANGS:
        raise ValueError(f"lang={lang!r} not allowed; use one of {LANGS}")
    return lang


def _english_names() -> dict:
    table = corpus.counties()
    return dict(zip(table.county, table.county_en))


def county_label(county, lang: str) -> str:
    """冠县 / Guan County: the county's name in ``lang``; other keys (places, titles) are kept as
    written; a missing county reads 县未识别 / county unknown, never "None"."""
    check_lang(lang)
    if not present(county):
        return UNKNOWN_COUNTY[lang]
    return county if lang == "zh" else _english_names().get(county, county)


def county_mark(county, known: bool, lang: str) -> str:
    """The county's label, marked （县未识别）/ (county unknown) when ``known`` is False (the key
    is then a place, title or file name standing in for the county)."""
    label = county_label(county, lang)
    if known or not present(county):
        return label
    return f"{label}（{UNKNOWN_COUNTY['zh']}）" if lang == "zh" else f"{label} ({UNKNOWN_COUNTY['en']})"


def doc_type_label(doc_type, lang: str) -> str:
    """计划 / plan: a document type in ``lang`` (the doc-types table); unknown types as written."""
    check_lang(lang)
    if not present(doc_type):
        return {"zh": "类型未识别", "en": "type unknown"}[lang]
    types = corpus.doc_types().set_index("doc_type")[f"label_{lang}"].to_dict()
    return types.get(doc_type, {"zh": "类型未识别", "en": "type unknown"}[lang] if doc_type == "unknown" else doc_type)


def _short(text: str) -> str:
    return text if len(text) <= MAX_TITLE_CHARS else text[: MAX_TITLE_CHARS - 1] + "…"


@functools.lru_cache(maxsize=1)
def title_qualifiers() -> pd.DataFrame:
    """term, label_zh, label_en: title words that tell apart documents of one county and type
    (``analysis/data/title_qualifiers.csv``, in order of preference).

    Raises
    ------
    ValueError
        When the file lacks a column or has an empty cell; the message names the file and row.
    """
    table = pd.read_csv(TITLE_QUALIFIERS_FILE, comment="#", dtype=str, keep_default_na=False)
    missing = {"term", "label_zh", "label_en"} - set(table.columns)
    if missing:
        raise ValueError(f"{TITLE_QUALIFIERS_FILE.name}: missing column(s) {sorted(missing)}")
    empty = table[(table[["term", "label_zh", "label_en"]] == "").any(axis=1)]
    if len(empty):
        raise ValueError(f"{TITLE_QUALIFIERS_FILE.name}: row {empty.index[0] + 1} has an empty cell")
    return table


def _qualifiers(documents: pd.DataFrame, keys: pd.DataFrame, lang: str) -> dict:
    """doc_id -> a title word (in ``lang``) for documents sharing county and type with another document."""
    words = title_qualifiers()
    frame = documents[["doc_id", "doc_type", "title"]].assign(
        county_key=keys.loc[documents["doc_id"], "county_key"].to_numpy()
    )
    terms = list(zip(words["term"], words[f"label_{lang}"]))  # plain strings: a few per group, many groups
    out = {}
    for _, group in frame.groupby(["county_key", "doc_type"], dropna=False):
        if len(group) < 2:
            continue
        titles = group["title"].fillna("").astype(str).tolist()
        shared = {t for t, _ in terms if all(t in title for title in titles)}
        for doc_id, title in zip(group["doc_id"].tolist(), titles):
            hit = next((label for t, label in terms if t in title and t not in shared), None)
            if hit is not None:
                out[doc_id] = hit
    return out


def doc_labels(documents: pd.DataFrame, *, lang: str = "zh") -> dict:
    """doc_id -> short label such as '濮阳县 方案 2022–2025' / 'Puyang County scheme 2022–2025'.

    The place part is the county (in ``lang``) or, for a document of unknown county, its county
    key: place, title (cut to ``MAX_TITLE_CHARS``) or source-file stem. Type and years are added
    when known. Documents of one county and type are told apart by a word of their titles
    (:func:`title_qualifiers`): '濮阳县 一体建设方案 2022–2024' / 'Puyang County integrated scheme
    2022–2024'. Labels are unique: a repeated label gets （2）, （3）… (`` (2)`` in English).
    """
    check_lang(lang)
    types = corpus.doc_types().set_index("doc_type")[f"label_{lang}"].to_dict()
    names = _english_names() if lang == "en" else {}
    keys = county_keys(documents).set_index("doc_id")
    qualifiers = _qualifiers(documents, keys, lang)
    key_of = dict(zip(keys.index, keys.itertuples()))  # one lookup per document, not a .loc each
    labels: dict = {}
    seen: dict = {}
    for doc in documents.to_dict("records"):
        key = key_of[doc["doc_id"]]
        place = names.get(key.county_key, key.county_key) if key.county_known else _short(key.county_key)
        doc_type = doc.get("doc_type")
        kind = types.get(doc_type, doc_type) if present(doc_type) else ""
        word = qualifiers.get(doc["doc_id"], "")
        if word:
            kind = f"{word}{kind}" if lang == "zh" else f"{word} {kind}".strip()
        parts = [place, kind, key.period]
        label = " ".join(p for p in parts if p)
        seen[label] = seen.get(label, 0) + 1
        if seen[label] > 1:
            label += f"（{seen[label]}）" if lang == "zh" else f" ({seen[label]})"
        labels[doc["doc_id"]] = label
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


@functools.lru_cache(maxsize=1)
def _province_names_en() -> dict:
    from corpus.paths import GAZETTEER_FILE

    table = pd.read_csv(GAZETTEER_FILE, comment="#", dtype=str, keep_default_na=False)
    rows = table[table["level"] == "province"]
    return dict(zip(rows["name"], rows["name_en"]))


def county_provinces(documents: pd.DataFrame, lang: str) -> dict:
    """County label in ``lang`` (as :func:`localise` shows it) -> its province in ``lang``
    (the documents' ``province``; the English name from the gazetteer). Counties whose documents
    name no province are left out."""
    check_lang(lang)
    keys = county_keys(documents)
    province = documents["province"] if "province" in documents else pd.Series(pd.NA, index=documents.index)
    names = _english_names() if lang == "en" else {}
    provinces = _province_names_en() if lang == "en" else {}
    out: dict = {}
    for key, value in zip(keys["county_key"], province.astype(object)):
        if present(value):
            out.setdefault(names.get(key, key), provinces.get(str(value), str(value)))
    return out


MAX_LISTED = 10  # names written out in one finding; the rest are counted and left to the table


def listing(names: list, lang: str, *, limit: int = MAX_LISTED) -> str:
    """'冠县、开江县' / 'Guan County, Kaijiang County'; beyond ``limit`` names the rest are counted:
    '冠县、…等12个县' / 'Guan County, … and 2 more (12 counties)'; '无' / 'none' when empty."""
    check_lang(lang)
    if not names:
        return "无" if lang == "zh" else "none"
    shown = list(names[:limit])
    if lang == "zh":
        return "、".join(shown) + (f"等{len(names)}个县" if len(names) > limit else "")
    rest = f" and {len(names) - limit} more ({len(names)} counties)" if len(names) > limit else ""
    return ", ".join(shown) + rest
