"""Document metadata: read from ``manifest.csv`` where given, inferred from the text otherwise.

Manifest columns (all optional except ``source_file``): source_file, doc_id, begins_at
(a line of the file where this document starts — for files bundling several documents),
county, doc_type, title, year_start, year_end, issue_date, doc_number, issuer, sha256.
Province and prefecture come from ``corpus/data/counties.csv``.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import pandas as pd

from .paths import COUNTIES_FILE, DOC_TYPES_FILE
from .patterns import DATE_CN, DOC_NUMBER

MANIFEST_COLUMNS = (
    "source_file",
    "doc_id",
    "begins_at",
    "county",
    "doc_type",
    "title",
    "year_start",
    "year_end",
    "issue_date",
    "doc_number",
    "issuer",
    "sha256",
)
INFERRED_FIELDS = ("county", "doc_type", "title", "year_start", "year_end", "issue_date", "doc_number", "issuer")
PLACE_FIELDS = ("county_en", "province", "prefecture", "level", "adcode")
# Where a docvar came from (the ``<field>_source`` columns): stated in the manifest, read from
# the title line, the front matter above it (文号, chrome), the first body lines, the
# signature, or looked up in the county table for a known county.
SOURCES = ("manifest", "title", "front", "body", "signature", "gazetteer")
SOURCE_FIELDS = tuple(f"{f}_source" for f in (*INFERRED_FIELDS, "province", "prefecture", "level", "adcode"))
SUMMARY_COLUMNS = [
    "doc_id",
    "county",
    "province",
    "prefecture",
    "level",
    "adcode",
    "doc_type",
    "title",
    "year_start",
    "year_end",
    "issue_date",
    "doc_number",
    "issuer",
    "source_file",
    "n_chars",
    "n_segments",
    "warnings",
    *SOURCE_FIELDS,
]
YEAR_RANGE = re.compile(r"(20\d{2}|19\d{2})\s*[—–\-－至~]+\s*(20\d{2}|19\d{2})\s*年")
YEAR_ONE = re.compile(r"(20\d{2}|19\d{2})\s*年")
DATE_ISO = re.compile(r"发文日期\s*\n?\s*(\d{4})-(\d{1,2})-(\d{1,2})")
ISSUER_FIELD = re.compile(r"发布机构\s*\n\s*(\S+)")
ISSUER_LINE = re.compile(r"(委|政府|办公室|局|委员会)$")
ISSUER_BEFORE_NOTICE = re.compile(r"^(\S+?)\s*关于印发", re.M)


@functools.lru_cache(maxsize=1)
def counties() -> pd.DataFrame:
    """The county table (one place for county names, English names, province, prefecture).

    Returns
    -------
    pandas.DataFrame
        county, county_en, slug, province, province_en, province_abbr, prefecture, prefecture_en, aliases
    """
    return pd.read_csv(COUNTIES_FILE, dtype=str, keep_default_na=False)


@functools.lru_cache(maxsize=1)
def doc_types() -> pd.DataFrame:
    """Document types in order of precedence, with labels and the title words that signal them.

    Returns
    -------
    pandas.DataFrame
        doc_type, label_zh, label_en, title_words ('|'-separated)
    """
    return pd.read_csv(DOC_TYPES_FILE, dtype=str, keep_default_na=False)


def read_manifest(path: Path) -> tuple[pd.DataFrame, list[str]]:
    """Read a manifest, returning rows and problems (unknown columns, missing ``source_file``)."""
    problems = []
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except Exception as err:
        return pd.DataFrame(columns=MANIFEST_COLUMNS), [f"{path.name}: cannot read manifest ({err})"]
    unknown = sorted(set(table.columns) - set(MANIFEST_COLUMNS))
    if unknown:
        problems.append(f"{path.name}: unknown column(s) {unknown} ignored (allowed: {list(MANIFEST_COLUMNS)})")
    if "source_file" not in table.columns:
        return pd.DataFrame(columns=MANIFEST_COLUMNS), problems + [f"{path.name}: no source_file column"]
    for column in MANIFEST_COLUMNS:
        if column not in table.columns:
            table[column] = ""
    return table[list(MANIFEST_COLUMNS)], problems


def infer(front: str, title: str, body_head: str) -> dict[str, tuple[object, str]]:
    """Infer metadata from a document's front matter, title line and first body text.

    Returns
    -------
    dict
        field -> (value, source) for each field found; source is one of ``SOURCES``.
    """
    found: dict[str, tuple[object, str]] = {}
    for text, source in ((title, "title"), (front, "front"), (body_head, "body")):
        county = _county(text)
        if county:
            found["county"] = (county, source)
            break
    for text, source in ((title, "title"), (front, "front")):
        number = DOC_NUMBER.search(text)
        if number:
            found["doc_number"] = (number.group(0), source)
            break
    for row in doc_types().itertuples():
        if any(w in title for w in row.title_words.split("|")):
            found["doc_type"] = (row.doc_type, "title")
            break
    years = YEAR_RANGE.search(title) or YEAR_RANGE.search(front + "\n" + title)
    if years:
        source = "title" if YEAR_RANGE.search(title) else "front"
        found["year_start"], found["year_end"] = (int(years.group(1)), source), (int(years.group(2)), source)
    else:
        year = YEAR_ONE.search(title)
        if year:
            found["year_start"] = found["year_end"] = (int(year.group(1)), "title")
    date = DATE_ISO.search(front) or DATE_CN.search(front)
    if date:
        y, mo, d = (int(g) for g in date.groups())
        found["issue_date"] = (f"{y:04d}-{mo:02d}-{d:02d}", "front")
    issuer = _issuer(front)
    if issuer:
        found["issuer"] = issuer
    if title:
        found["title"] = (title, "title")
    return found


def _county(text: str) -> str | None:
    table = counties()
    hits = [(text.find(name), name) for name in table["county"] if name in text]
    return min(hits)[1] if hits else None


def _issuer(front: str) -> tuple[str, str] | None:
    m = ISSUER_FIELD.search(front)
    if m:
        return m.group(1), "front"
    lines = [line.strip() for line in front.splitlines() if line.strip()]
    for i, line in enumerate(lines):
        if DATE_CN.fullmatch(line) and i > 0:
            names: list[str] = []
            j = i - 1
            while j >= 0 and len(lines[j]) <= 20 and ISSUER_LINE.search(lines[j]):
                names.insert(0, lines[j])
                j -= 1
            if names:
                return "、".join(names), "signature"
    m = ISSUER_BEFORE_NOTICE.search(front)
    return (m.group(1), "front") if m else None


def county_facts(county: str | None) -> dict:
    """English name, province, prefecture, level and adcode of ``county`` from the county table.

    Unknown counties give empty values (never a guess).
    """
    table = counties()
    row = table[table["county"] == county]
    if row.empty:
        return dict.fromkeys(PLACE_FIELDS, "")
    first = row.iloc[0]
    return {name: first.get(name, "") for name in PLACE_FIELDS}


def slug_of(county: str | None) -> str:
    """The county's slug for doc_ids (``guanxian``), ``unknown`` when not in the county table."""
    table = counties()
    row = table[table["county"] == county]
    return row.iloc[0]["slug"] if not row.empty else "unknown"
