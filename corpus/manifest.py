"""Read ``manifest.csv`` the way researchers write it: Excel, other encodings, typos.

Columns (all optional except ``source_file``): ``MANIFEST_COLUMNS``. The file may be UTF-8
with or without BOM, GB18030/GBK (Excel's "CSV" on a Chinese system) or UTF-16, with LF or
CRLF line ends. Each physical line is one row: a quotation mark left open in a cell is
read literally instead of swallowing the rows below it. Faults become problems naming the
manifest and the row, and the row or value is dropped, never the whole manifest: unknown
columns, rows with extra cells, exact duplicate rows, two rows starting the same document,
years that are not years (a year written in Chinese digits, ``二〇二三``, is read as 2023
and noted), a ``sha256`` that is not 64 hex digits.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from .read import SourceError, decode_bytes

MANIFEST_COLUMNS = (
    "source_file", "doc_id", "begins_at", "county", "doc_type", "title",
    "year_start", "year_end", "issue_date", "doc_number", "issuer", "sha256",
)  # fmt: skip
YEAR_FIELDS = ("year_start", "year_end")
_CN_DIGITS = str.maketrans("〇零○一二三四五六七八九０１２３４５６７８９", "000123456789" + "0123456789")
_YEAR = re.compile(r"(1[89]|20|21)\d\d")
_SHA256 = re.compile(r"[0-9a-fA-F]{64}")


def read_manifest(path: Path) -> tuple[list[dict[str, str]], list[str]]:
    """Rows of the manifest ``path`` (dicts keyed by ``MANIFEST_COLUMNS``, every value a string, ``""``
    when blank) and problems met reading it."""
    try:
        text, encoding, warnings = decode_bytes(path, path.read_bytes())
    except (OSError, SourceError) as err:
        return [], [f"{path.name}: cannot read manifest ({err})"]
    problems = list(warnings)
    if encoding not in ("utf-8", "utf-8-sig") and not warnings:
        problems.append(f"{path.name}: read as {encoding}; save it as UTF-8 to be sure")
    records = _records(path, text, problems)
    if not records:
        return [], problems + [f"{path.name}: empty manifest"]
    header = [h.strip().lstrip("\ufeff") for h in records[0][1]]
    unknown = sorted(set(header) - set(MANIFEST_COLUMNS) - {""})
    if unknown:
        problems.append(f"{path.name}: unknown column(s) {unknown} ignored (allowed: {list(MANIFEST_COLUMNS)})")
    if "source_file" not in header:
        return [], problems + [f"{path.name}: no source_file column"]
    rows = []
    for line, cells in records[1:]:
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
            extra = f"{len(cells)} cells for {len(header)} columns; extra cells ignored"
            problems.append(f"{path.name}: line {line}: {extra}")
        row = dict.fromkeys(MANIFEST_COLUMNS, "")
        row.update({h: c.strip() for h, c in zip(header, cells) if h in MANIFEST_COLUMNS})
        if row["source_file"]:
            rows.append((line, _checked(path, line, row, problems)))
    return [r for _, r in _unique(path, rows, problems)], problems


def _records(path: Path, text: str, problems: list[str]) -> list[tuple[int, list[str]]]:
    """(line number, cells) per physical line; an unbalanced quote is read literally."""
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            cells = next(csv.reader([line], strict=True))
        except csv.Error:
            cells = [c.replace('"', "") for c in line.split(",")]
            problems.append(f"{path.name}: line {number}: unbalanced quotation mark; read literally")
        out.append((number, cells))
    return out


def _checked(path: Path, line: int, row: dict, problems: list[str]) -> dict:
    """``row`` with its years and hash validated; a bad value is dropped with a problem."""
    for name in YEAR_FIELDS:
        value = row[name]
        if not value:
            continue
        digits = value.translate(_CN_DIGITS).removesuffix("年").strip()
        if _YEAR.fullmatch(digits):
            if digits != value:
                problems.append(f"{path.name}: line {line}: {name} {value!r} read as {digits}")
            row[name] = digits
        else:
            problems.append(f"{path.name}: line {line}: {name} {value!r} is not a year; ignored")
            row[name] = ""
    if row["sha256"] and not _SHA256.fullmatch(row["sha256"]):
        problems.append(f"{path.name}: line {line}: sha256 {row['sha256']!r} is not 64 hex digits; ignored")
        row["sha256"] = ""
    return row


def _unique(path: Path, rows: list[tuple[int, dict]], problems: list[str]) -> list[tuple[int, dict]]:
    """Drop exact duplicate rows and second rows starting the same document of a file."""
    seen: dict[tuple, int] = {}
    starts: dict[tuple, int] = {}
    out = []
    for line, row in rows:
        whole = tuple(row[c] for c in MANIFEST_COLUMNS)
        start = (row["source_file"], row["begins_at"])
        if whole in seen:
            problems.append(f"{path.name}: line {line}: duplicate of line {seen[whole]}; ignored")
        elif start in starts:
            problems.append(
                f"{path.name}: line {line}: {row['source_file']!r} already has a document starting there "
                f"(line {starts[start]}; set begins_at); ignored"
            )
        else:
            seen[whole], starts[start] = line, line
            out.append((line, row))
    return out
