"""The XLSX workbook: a contents sheet describing every table and column, then one sheet per table.

Sheet names and headers are in the report language (from ``analysis/data/tables.yaml`` and the
column dictionary); every table sheet has its header row frozen and bold, an autofilter, and
columns as wide as their content (a CJK character counts as two). Numbers are stored as numbers;
a column whose unit is ``%`` (0–100) shows a % sign (``0.0"%"``: the stored value is unchanged),
proportions show three decimals.

The sheets are streamed (openpyxl's write-only mode): a row costs one append, and only cells that
need a format or a guard are built as cell objects, so a table of a hundred thousand rows writes in
seconds. Text longer than Excel's 32,767 characters per cell is cut; a table longer than Excel's
1,048,575 data rows keeps its first rows, and the contents sheet says so.
"""

from __future__ import annotations

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from analysis.report.cells import WIDTH_SAMPLE, display_width, typical_width

MAX_ROWS = 1_048_575  # Excel's rows per sheet, less the header
MAX_CELL_CHARS = 32_767
MIN_WIDTH, MAX_WIDTH = 6, 60  # column width in Excel's character units
FORMATS = {"%": '0.0"%"', "percentage points": "0.0", "proportion": "0.000"}
CONTENTS: dict[str, dict] = {
    "zh": {
        "sheet": "说明",
        "header": ("工作表", "表格", "CSV文件", "每行是", "行数", "列名", "字段", "含义", "单位", "类型"),
        "cut": "（仅前{n}行，完整数据见CSV）",
    },
    "en": {
        "sheet": "Contents",
        "header": ("Sheet", "Table", "CSV file", "One row is", "Rows", "Column", "Field", "Meaning", "Unit", "Type"),
        "cut": " (first {n} rows only; the CSV has all)",
    },
}


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


def _values(table: pd.DataFrame) -> pd.DataFrame:
    """Cell values Excel takes: no NaN (None), text without control characters and cut to Excel's limit."""
    frame = table.astype(object).where(table.notna(), None)
    for column in table.columns:
        if _is_text(table[column]):
            text = frame[column]
            is_text = text.map(lambda v: isinstance(v, str)).astype(bool)
            if is_text.any():
                cleaned = text[is_text].str.replace(ILLEGAL_CHARACTERS_RE.pattern, "", regex=True)
                frame.loc[is_text, column] = cleaned.str.slice(0, MAX_CELL_CHARS)
    return frame


def _widths(table: pd.DataFrame, header: list[str]) -> list[float]:
    """Column widths in Excel's units: the 95th percentile display width of the first ``WIDTH_SAMPLE``
    rows (CJK counting double) or the header's, plus a margin, bounded."""
    sample = table.iloc[:WIDTH_SAMPLE]
    widths = []
    for column, head in zip(table.columns, header):
        content = typical_width(sample[column].tolist(), quantile=0.95)
        widths.append(min(max(content, display_width(head), MIN_WIDTH) + 2, MAX_WIDTH))
    return widths


def _cell_factory(ws, fmt: str | None):
    """A function value -> what to append: the value itself, or a cell when it needs a format or is
    text starting with '=' (which openpyxl would write as a formula)."""

    def make(value):
        if isinstance(value, str) and value.startswith("="):
            cell = WriteOnlyCell(ws, value=value)
            cell.data_type = "s"
            return cell
        if fmt is not None and value is not None:
            cell = WriteOnlyCell(ws, value=value)
            cell.number_format = fmt
            return cell
        return value

    return make


def write_sheet(wb: Workbook, title: str, table: pd.DataFrame, *, header: list[str], units: list[str]) -> None:
    """Append one table as a sheet: bold frozen header, autofilter, fitted widths, unit formats."""
    ws = wb.create_sheet(title)
    shown = table.iloc[:MAX_ROWS]
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
        cell.alignment = Alignment(wrap_text=False)
        head_cells.append(cell)
    ws.append(head_cells)
    values = _values(shown)
    guarded = [
        i
        for i, column in enumerate(shown.columns)
        if FORMATS.get(units[i]) or (_is_text(shown[column]) and values[column].map(_formula_like).any())
    ]
    rows = values.to_numpy().tolist()
    if guarded:
        makers = {i: _cell_factory(ws, FORMATS.get(units[i])) for i in guarded}
        for row in rows:
            for i, make in makers.items():
                row[i] = make(row[i])
            ws.append(row)
    else:
        for row in rows:
            ws.append(row)


def _formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith("=")


def contents(tables: dict, sheets: dict, *, lang: str, titles: dict, columns: dict, captions: dict) -> pd.DataFrame:
    """One row per column of every table: sheet, caption, CSV file, what a row is, rows, column, header,
    meaning, unit and type (from the table and column dictionaries)."""
    words = CONTENTS[lang]
    rows = []
    for name, table in tables.items():
        row_text = titles.get(name, {}).get("row", "")
        n_rows = f"{len(table)}" + (words["cut"].format(n=MAX_ROWS) if len(table) > MAX_ROWS else "")
        for column in table.columns:
            entry = columns.get(column, {})
            rows.append(
                (sheets[name], captions[name], f"tables/{name}.csv", row_text, n_rows, column,
                 entry.get(lang, column), entry.get("description", ""), entry.get("unit", ""), entry.get("dtype", ""))
            )  # fmt: skip
    return pd.DataFrame(rows, columns=list(words["header"]))


def write_workbook(tables: dict, path, *, lang: str, titles: dict, columns: dict, captions: dict, created) -> None:
    """Write the contents sheet and one sheet per table to ``path`` (see the module docstring)."""
    wb = Workbook(write_only=True)
    sheets = sheet_names(tables, lang=lang, titles=titles)
    guide = contents(tables, sheets, lang=lang, titles=titles, columns=columns, captions=captions)
    write_sheet(wb, CONTENTS[lang]["sheet"], guide, header=list(guide.columns), units=[""] * guide.shape[1])
    for name, table in tables.items():
        described = [columns.get(c, {}) for c in table.columns]
        header = [d.get(lang, str(c)) for d, c in zip(described, table.columns)]
        write_sheet(wb, sheets[name], table, header=header, units=[d.get("unit", "") for d in described])
    wb.properties.created = created
    wb.properties.modified = created
    wb.save(path)


def _is_text(column: pd.Series) -> bool:
    """True for a column of text (object or pandas string dtype)."""
    return column.dtype == object or pd.api.types.is_string_dtype(column.dtype)
