"""The XLSX workbook: a contents sheet describing every table and column, then one sheet per table.

Sheet names and headers are in the report language (from ``analysis/data/tables.yaml`` and the
column dictionary); every table sheet has its header row frozen and bold, an autofilter, and
columns as wide as their content (a CJK character counts as two). Numbers are stored as numbers;
a column whose unit is ``%`` (0–100) shows a % sign (``0.0"%"``: the stored value is unchanged),
proportions show three decimals.

openpyxl writes each sheet's frame (header, widths, pane, filter, styles); the data rows are
built column by column by :mod:`analysis.report.sheetxml` (no Python call per cell), so a table of
a hundred thousand rows writes in seconds. Text longer than Excel's 32,767 characters per cell is
cut; a table longer than ``MAX_ROWS`` (100,000) data rows gets no sheet (the report writes it as CSV
and Parquet), and the contents sheet says so in its row count.
"""

from __future__ import annotations

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from analysis.report import sheetxml
from analysis.report.cells import WIDTH_SAMPLE, display_width, typical_width

# Longest table given a sheet: far below Excel's 1,048,575 rows, because a sheet of hundreds of
# thousands of rows is not read in Excel and writing it dominated the report at scale (1,000 synthetic
# documents: the 514k-row reuse table); longer tables are in the CSV and Parquet files.
MAX_ROWS = 100_000
MIN_WIDTH, MAX_WIDTH = 6, 60  # column width in Excel's character units
FORMATS = {"%": '0.0"%"', "percentage points": "0.0", "proportion": "0.000"}
CONTENTS: dict[str, dict] = {
    "zh": {
        "sheet": "说明",
        "header": ("工作表", "表格", "CSV文件", "每行是", "行数", "列名", "字段", "含义", "单位", "类型"),
        "left_out": "（超过{n}行，未放入本工作簿：见 tables/{name}.csv 与 tables/{name}.parquet）",
        "no_sheet": "—",
    },
    "en": {
        "sheet": "Contents",
        "header": ("Sheet", "Table", "CSV file", "One row is", "Rows", "Column", "Field", "Meaning", "Unit", "Type"),
        "left_out": " (more than {n:,} rows: not in this workbook; see tables/{name}.csv and tables/{name}.parquet)",
        "no_sheet": "—",
    },
}


def fits(table: pd.DataFrame) -> bool:
    """True when ``table`` gets a sheet (at most ``MAX_ROWS`` data rows)."""
    return len(table) <= MAX_ROWS


def sheet_names(names, *, lang: str, titles: dict) -> dict:
    """Table name -> a unique sheet name in ``lang`` (at most 31 characters)."""
    out: dict = {}
    used = {CONTENTS[lang]["sheet"]}
    for name in names:
        entry = titles.get(name)
        base = (entry["zh"] if lang == "zh" else entry["sheet_en"]) if entry else name[:31]
        sheet, k = base, 2
        while sheet in used:
            sheet, k = f"{base[: 31 - len(str(k)) - 1]}~{k}", k + 1
        used.add(sheet)
        out[name] = sheet
    return out


def _widths(table: pd.DataFrame, header: list[str]) -> list[float]:
    """Column widths in Excel's units: the 95th percentile display width of the first ``WIDTH_SAMPLE``
    rows (CJK counting double) or the header's, plus a margin, bounded."""
    sample = table.iloc[:WIDTH_SAMPLE]
    widths = []
    for column, head in zip(table.columns, header):
        content = typical_width(sample[column].tolist(), quantile=0.95)
        widths.append(min(max(content, display_width(head), MIN_WIDTH) + 2, MAX_WIDTH))
    return widths


def write_sheet(wb: Workbook, title: str, table: pd.DataFrame, *, header: list[str], units: list[str]) -> pd.DataFrame:
    """Add one table's sheet frame: bold frozen header, autofilter, fitted widths, and a placeholder row
    whose cells carry the unit formats; returns the rows :func:`sheetxml.fill` puts in its place."""
    ws = wb.create_sheet(title)
    shown = table
    for i, width in enumerate(_widths(shown, header), start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    last = get_column_letter(max(len(header), 1))
    ws.auto_filter.ref = f"A1:{last}{len(shown) + 1}"
    bold = Font(bold=True)
    head_cells = []
    for text in header:
        cell = WriteOnlyCell(ws, value=text)
        cell.font = bold
        head_cells.append(cell)
    ws.append(head_cells)
    placeholder = []
    for unit in units or [""]:
        cell = WriteOnlyCell(ws, value=0)
        if FORMATS.get(unit):
            cell.number_format = FORMATS[unit]
        placeholder.append(cell)
    ws.append(placeholder)
    return shown


def contents(tables: dict, sheets: dict, *, lang: str, titles: dict, columns: dict, captions: dict) -> pd.DataFrame:
    """One row per column of every table: sheet, caption, CSV file, what a row is, rows, column, header,
    meaning, unit and type (from the table and column dictionaries)."""
    words = CONTENTS[lang]
    rows = []
    for name, table in tables.items():
        row_text = titles.get(name, {}).get("row", "")
        n_rows = f"{len(table)}" + (words["left_out"].format(n=MAX_ROWS, name=name) if name not in sheets else "")
        for column in table.columns:
            entry = columns.get(column, {})
            rows.append(
                (sheets.get(name, words["no_sheet"]), captions[name], f"tables/{name}.csv", row_text, n_rows, column,
                 entry.get(lang, column), entry.get("description", ""), entry.get("unit", ""), entry.get("dtype", ""))
            )  # fmt: skip
    return pd.DataFrame(rows, columns=list(words["header"]))


def write_workbook(tables: dict, path, *, lang: str, titles: dict, columns: dict, captions: dict, created) -> None:
    """Write the contents sheet and one sheet per table to ``path`` (see the module docstring)."""
    wb = Workbook(write_only=True)
    sheets = sheet_names([n for n, t in tables.items() if fits(t)], lang=lang, titles=titles)
    guide = contents(tables, sheets, lang=lang, titles=titles, columns=columns, captions=captions)
    rows = [write_sheet(wb, CONTENTS[lang]["sheet"], guide, header=list(guide.columns), units=[""] * guide.shape[1])]
    for name, table in tables.items():
        if name not in sheets:  # beyond MAX_ROWS: CSV and Parquet only, the contents sheet says so
            continue
        described = [columns.get(c, {}) for c in table.columns]
        header = [d.get(lang, str(c)) for d, c in zip(described, table.columns)]
        rows.append(write_sheet(wb, sheets[name], table, header=header, units=[d.get("unit", "") for d in described]))
    wb.properties.created = created
    wb.properties.modified = created
    wb.save(path)
    sheetxml.fill(path, rows)
