"""Document metadata: read from ``manifest.csv`` where given, inferred from the text otherwise.

Manifest columns (all optional except ``source_file``): source_file, doc_id, begins_at
(a line of the file where this document starts — for files bundling several documents),
county, doc_type, title, year_start, year_end, issue_date, doc_number, issuer, sha256.
Place facts (province, prefecture, level, adcode) come from the national gazetteer
(``corpus/data/gazetteer.csv``) with researchers' overrides in ``corpus/data/counties.csv``;
inference from the text is :mod:`corpus.infer`; every docvar has a ``<name>_source`` column.
"""

from __future__ import annotations

import functools

import pandas as pd

from . import places
from .manifest import MANIFEST_COLUMNS, read_manifest  # noqa: F401 (the manifest reader)
from .paths import COUNTIES_FILE, DOC_TYPES_FILE

# Docvars a manifest row may state; the rest are inferred (corpus/infer.py) or looked up.
STATED_FIELDS = ("county", "doc_type", "title", "year_start", "year_end", "issue_date", "doc_number", "issuer")
PLACE_FIELDS = ("place", "level", "county", "province", "prefecture", "adcode")
# Where a docvar came from (the ``<field>_source`` columns): stated in the manifest, read from
# the title line, page chrome (来源, 发布机构, 信息公开元数据), the front matter above the title,
# the first body lines, the signature, the file name; looked up in the national gazetteer or in
# the county table (counties.csv, researchers' overrides). Empty when unknown.
SOURCES = ("manifest", "title", "chrome", "front", "body", "signature", "filename", "gazetteer", "counties.csv")
DOCVARS = (
    "place", "level", "county", "county_en", "province", "prefecture", "adcode", "doc_type", "title",
    "year_start", "year_end", "pub_year", "issue_date", "doc_number", "issuer",
)  # fmt: skip
SOURCE_FIELDS = tuple(f"{f}_source" for f in DOCVARS if f != "county_en")
SUMMARY_COLUMNS = [
    "doc_id", "place", "level", "county", "province", "prefecture", "adcode", "doc_type", "title", "year_start",
    "year_end", "pub_year", "issue_date", "doc_number", "issuer", "source_file", "n_chars", "n_segments",
    "simplified", "warnings", *SOURCE_FIELDS,
]  # fmt: skip
INTEGER_FIELDS = ("year_start", "year_end", "pub_year")


COUNTY_COLUMNS = ("county", "county_en", "slug", "province", "province_en", "province_abbr", "prefecture",
                  "prefecture_en", "aliases", "level", "adcode")  # fmt: skip
DOC_TYPE_COLUMNS = ("doc_type", "label_zh", "label_en", "title_endings")


class DataFileError(ValueError):
    """A data file of the corpus (counties.csv, doc_types.csv, the gazetteer) that cannot be used."""


def read_data_table(path, columns: tuple) -> pd.DataFrame:
    """A CSV data file with the ``columns`` it must have (a BOM, as Excel writes it, is fine).

    Raises
    ------
    DataFileError
        Naming the file: not UTF-8, not a CSV table, or a required column missing.
    """
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except UnicodeDecodeError as err:
        raise DataFileError(f"{path}: not UTF-8 (byte {err.start}); save it as UTF-8 CSV") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise DataFileError(f"{path}: not a CSV table ({str(err).strip()})") from None
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise DataFileError(f"{path}: missing column(s) {', '.join(missing)}; expected {', '.join(columns)}")
    return table


@functools.lru_cache(maxsize=1)
def counties() -> pd.DataFrame:
    """The county table (one place for county names, English names, province, prefecture).

    Returns
    -------
    pandas.DataFrame
        county, county_en, slug, province, province_en, province_abbr, prefecture, prefecture_en,
        aliases, level, adcode
    """
    return read_data_table(COUNTIES_FILE, COUNTY_COLUMNS)


@functools.lru_cache(maxsize=1)
def doc_types() -> pd.DataFrame:
    """Document types in order of precedence, with labels and the title words that signal them.

    Returns
    -------
    pandas.DataFrame
        doc_type, label_zh, label_en, title_endings ('|'-separated words a title of the type ends with)
    """
    return read_data_table(DOC_TYPES_FILE, DOC_TYPE_COLUMNS)


def check_data_files() -> None:
    """Read and validate every data file metadata inference uses, once, before any document.

    Raises
    ------
    DataFileError
        Naming the file and the problem, so a broken data file is one message instead of one
        failure per document.
    """
    counties()
    doc_types()
    try:
        places.gazetteer()
    except (ValueError, KeyError, OSError) as err:
        raise DataFileError(f"gazetteer: {err}") from None


def merge(row: dict, inferred: dict) -> tuple[dict, list[str]]:
    """Docvars and their sources: the manifest wins, then what the text says, then the gazetteer.

    Parameters
    ----------
    row : dict
        The document's manifest row (empty when there is none).
    inferred : dict
        field -> (value, source) from :func:`corpus.infer.infer`.

    Returns
    -------
    (docvars, warnings)
        docvars: every name of ``DOCVARS`` with its ``<name>_source``; warnings: fields that were
        neither stated nor inferred, and ambiguous places with their candidates.
    """
    found = dict(inferred)
    for name in STATED_FIELDS:
        given = str(row.get(name) or "").strip()
        if given:
            found[name] = (given, "manifest")
    county = found.get("county", (None, ""))[0]
    if found.get("county", ("", ""))[1] == "manifest":  # a stated county decides the place
        for name in PLACE_FIELDS:
            found.pop(name, None)
        found["county"] = (county, "manifest")
        found["place"] = (county, "manifest")
    facts = places.county_facts(str(county)) if county else {}
    for name, value in facts.items():
        if name == "county_en" or found.get(name, ("", "gazetteer"))[1] in ("gazetteer", "counties.csv", ""):
            found[name] = value
    warnings = [f"{name} not stated and not inferred" for name in STATED_FIELDS if not found.get(name, ("",))[0]]
    if found.get("ambiguous"):
        warnings.append(f"place {found['place'][0]} is ambiguous ({found['ambiguous'][0]}); province left unknown")
    meta: dict = {}
    for name in DOCVARS:
        value, source = found.get(name, (None, ""))
        if value in (None, ""):
            meta[name], source = None, ""
        else:
            meta[name] = int(str(value)) if name in INTEGER_FIELDS else value
        if name != "county_en":
            meta[f"{name}_source"] = source
    meta["county_en"] = meta["county_en"] or ""
    return meta, warnings
