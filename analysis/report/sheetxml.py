"""SpreadsheetML rows for a whole table, built column by column (pandas string operations).

openpyxl spends about 50 µs on every cell it writes; a report on a national corpus has sheets of
a hundred thousand rows. Here each column becomes a column of ``<c>`` elements in a few vectorised
steps and the rows are joined once, so the cost per cell is that of pandas' string kernels.
:mod:`analysis.report.workbook` lets openpyxl write the sheet's frame (header, widths, frozen
pane, filter, styles) with one placeholder row, and :func:`fill` puts these rows in its place.

Numbers are written as numbers (``<v>``), booleans as booleans, everything else as inline strings
(so text starting with ``=`` is never a formula), XML-escaped, without the control characters XML
forbids, cut at Excel's 32,767 characters per cell.
"""

from __future__ import annotations

import re
import zipfile

import numpy as np
import pandas as pd
from openpyxl.utils import get_column_letter

MAX_CELL_CHARS = 32_767
CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f]"  # not allowed in XML 1.0
PLACEHOLDER_ROW = re.compile(r'<row r="2"[^>]*>.*?</row>', re.S)
STYLE = re.compile(r'<c r="([A-Z]+)2" s="(\d+)"')
CREATED = re.compile(r"<dcterms:created[^>]*>([^<]*)</dcterms:created>")
MODIFIED = re.compile(r"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")
ENTRY_TIME = (2000, 1, 1, 0, 0, 0)  # the date of every entry of the archive


def _numbers(column: pd.Series) -> pd.Series | None:
    """The column as numbers, or None when it holds text (an object column of numbers counts)."""
    if pd.api.types.is_bool_dtype(column.dtype):
        return None
    if pd.api.types.is_numeric_dtype(column.dtype):
        return pd.to_numeric(column, errors="coerce").astype("float64")
    present = column.dropna()
    numeric = present.map(lambda v: isinstance(v, (int, float)) and not isinstance(v, bool))
    if len(present) and column.dtype == object and numeric.all():
        return pd.to_numeric(column, errors="coerce").astype("float64")
    return None


def _number_cells(values: pd.Series, opening: pd.Series, integer: bool) -> pd.Series:
    finite = np.isfinite(values.to_numpy())
    if integer:
        text = values.where(finite, 0).round().astype("int64").astype(str)
    else:
        text = values.astype(str)
    return pd.Series(np.where(finite, opening + "><v>" + text + "</v></c>", ""), index=values.index)


def _text_cells(column: pd.Series, opening: pd.Series) -> pd.Series:
    text = column.astype(object).where(column.notna(), None)
    present = text.notna()
    strings = text[present].map(str).str.replace(CONTROL, "", regex=True).str.slice(0, MAX_CELL_CHARS)
    strings = strings.str.replace("&", "&amp;").str.replace("<", "&lt;").str.replace(">", "&gt;")
    cells = pd.Series("", index=column.index, dtype=object)
    cells[present] = opening[present] + ' t="inlineStr"><is><t xml:space="preserve">' + strings + "</t></is></c>"
    return cells


def column_cells(column: pd.Series, refs: pd.Series, style_id: str | None = None) -> pd.Series:
    """One ``<c>`` element per value at its cell reference (``refs``: 'B2', 'B3', …), in the given
    style; an empty string for a missing value."""
    opening = '<c r="' + refs + '"' + (f' s="{style_id}"' if style_id else "")
    if pd.api.types.is_bool_dtype(column.dtype):
        flags = column.map({True: "1", False: "0"})
        return (opening + ' t="b"><v>' + flags + "</v></c>").where(column.notna(), "").astype(object)
    numbers = _numbers(column)
    if numbers is not None:
        whole = bool(((numbers.dropna() % 1) == 0).all()) and pd.api.types.is_integer_dtype(column.dtype)
        return _number_cells(numbers, opening, whole)
    return _text_cells(column, opening)


def rows_xml(table: pd.DataFrame, styles: dict, *, first_row: int = 2) -> str:
    """``<row>`` elements of ``table`` numbered from ``first_row``; ``styles``: column position -> style id."""
    if table.empty:
        return ""
    numbers = pd.Series(np.arange(first_row, first_row + len(table)), index=table.index).astype(str).astype(object)
    columns = [
        column_cells(table[name], get_column_letter(position + 1) + numbers, styles.get(position)).to_numpy(object)
        for position, name in enumerate(table.columns)
    ]  # joined once per row below: adding column after column would copy each row's text again per column
    return "".join(f'<row r="{n}">{"".join(cells)}</row>' for n, cells in zip(numbers, zip(*columns)))


def placeholder_styles(sheet: str) -> dict:
    """Column position -> style id of the cells of the placeholder row 2 of a sheet's XML."""
    return {_column_index(letters): style for letters, style in STYLE.findall(sheet)}


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index - 1


def fill(path, tables: list[pd.DataFrame]) -> None:
    """Replace the placeholder row 2 of sheet ``k + 1`` in the workbook at ``path`` by the rows of
    ``tables[k]`` (None: leave the sheet as it is), keeping the placeholder cells' styles.

    The rewritten workbook is the same bytes for the same tables: every archive entry is dated
    ``ENTRY_TIME`` and the document's modified time is its created time (openpyxl writes the
    current time in both)."""
    with zipfile.ZipFile(path) as source:
        entries = [(info, source.read(info.filename)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for original, data in entries:
            info = zipfile.ZipInfo(original.filename, date_time=ENTRY_TIME)
            if info.filename == "docProps/core.xml":
                data = _modified_when_created(data.decode("utf-8")).encode("utf-8")
            match = re.fullmatch(r"xl/worksheets/sheet(\d+)\.xml", info.filename)
            table = tables[int(match.group(1)) - 1] if match and int(match.group(1)) <= len(tables) else None
            if table is not None:
                sheet = data.decode("utf-8")
                match_row = PLACEHOLDER_ROW.search(sheet)
                if match_row is None:
                    raise ValueError(f"{path}: sheet {info.filename} has no placeholder row to fill")
                rows = rows_xml(table, placeholder_styles(match_row.group()))
                data = (sheet[: match_row.start()] + rows + sheet[match_row.end() :]).encode("utf-8")
            target.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)


def _modified_when_created(core: str) -> str:
    """The core properties with the modified time set to the created time (when both are there)."""
    created = CREATED.search(core)
    if created is None:
        return core
    return MODIFIED.sub(lambda m: m.group(1) + created.group(1) + m.group(2), core)
