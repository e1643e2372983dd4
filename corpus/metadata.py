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

MANIFEST_COLUMNS = (
    "source_file", "doc_id", "begins_at", "county", "doc_type", "title",
    "year_start", "year_end", "issue_date", "doc_number", "issuer", "sha256",
)
INFERRED_FIELDS = ("county", "doc_type", "title", "year_start", "year_end", "issue_date", "doc_number", "issuer")
DOC_NUMBER = re.compile(r"[\u4e00-\u9fa5]{1,10}〔\d{4}〕\d{1,4}号")
YEAR_RANGE = re.compile(r"(20\d{2}|19\d{2})\s*[—–\-－至~]+\s*(20\d{2}|19\d{2})\s*年")
YEAR_ONE = re.compile(r"(20\d{2}|19\d{2})\s*年")
DATE_CN = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
DATE_ISO = re.compile(r"发文日期\s*\n?\s*(\d{4})-(\d{1,2})-(\d{1,2})")
ISSUER_FIELD = re.compile(r"发布机构\s*\n\s*(\S+)")


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
    except Exception as err:  # noqa: BLE001 - any parse failure is reported, not raised
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


def infer(front: str, title: str, body_head: str) -> dict:
    """Infer metadata from a document's front matter, title line and first body text."""
    head = front + "\n" + title
    found = {}
    county = _county(title) or _county(head) or _county(body_head)
    if county:
        found["county"] = county
    number = DOC_NUMBER.search(head)
    if number:
        found["doc_number"] = number.group(0)
    for row in doc_types().itertuples():
        if any(w in title for w in row.title_words.split("|")):
            found["doc_type"] = row.doc_type
            break
    years = YEAR_RANGE.search(title) or YEAR_RANGE.search(head)
    if years:
        found["year_start"], found["year_end"] = int(years.group(1)), int(years.group(2))
    else:
        year = YEAR_ONE.search(title)
        if year:
            found["year_start"] = found["year_end"] = int(year.group(1))
    date = DATE_ISO.search(front) or DATE_CN.search(front)
    if date:
        found["issue_date"] = "%04d-%02d-%02d" % tuple(int(g) for g in date.groups())
    issuer = _issuer(front)
    if issuer:
        found["issuer"] = issuer
    if title:
        found["title"] = title
    return found


def _county(text: str) -> str | None:
    table = counties()
    hits = [(text.find(name), name) for name in table["county"] if name in text]
    return min(hits)[1] if hits else None


def _issuer(front: str) -> str | None:
    m = ISSUER_FIELD.search(front)
    if m:
        return m.group(1)
    lines = [line.strip() for line in front.splitlines() if line.strip()]
    for i, line in enumerate(lines):
        if DATE_CN.fullmatch(line) and i > 0:
            names = []
            j = i - 1
            while j >= 0 and len(lines[j]) <= 20 and re.search(r"(委|政府|办公室|局|委员会)$", lines[j]):
                names.insert(0, lines[j])
                j -= 1
            if names:
                return "、".join(names)
    m = re.search(r"^(\S+?)\s*关于印发", front, re.M)
    return m.group(1) if m else None


def county_facts(county: str | None) -> dict:
    """Province, prefecture and English name of ``county`` from the county table."""
    table = counties()
    row = table[table["county"] == county]
    if row.empty:
        return {"county_en": "", "province": "", "prefecture": ""}
    row = row.iloc[0]
    return {"county_en": row["county_en"], "province": row["province"], "prefecture": row["prefecture"]}


def slug_of(county: str | None) -> str:
    table = counties()
    row = table[table["county"] == county]
    return row.iloc[0]["slug"] if not row.empty else "unknown"
