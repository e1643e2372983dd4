"""Write finished tables for papers: CSV for Excel, one XLSX workbook, LaTeX booktabs.

CSV files are UTF-8 with BOM (Excel then reads Chinese correctly) and keep the canonical
column names. The XLSX workbook and the LaTeX tables use display headers in the chosen
language from the column dictionary ``analysis/data/columns.yaml``. Every file is written
to a temporary name and moved into place, so an interrupted run leaves no half-written file.
"""
from __future__ import annotations

import datetime as dt
import functools
import os
from pathlib import Path

import pandas as pd
import yaml

from analysis.paths import COLUMNS_FILE


FIXED_TIME = dt.datetime(2000, 1, 1)


# Keys of a column dictionary entry, and the allowed dtypes (see analysis/data/columns.yaml).
COLUMN_KEYS = ("zh", "en", "description", "dtype", "unit")
COLUMN_DTYPES = ("string", "integer", "float", "boolean", "date", "json")


@functools.lru_cache(maxsize=1)
def column_dictionary() -> dict:
    """Column name -> {zh, en, description, dtype, unit} for every column of the report's tables.

    Checked on load: every entry has exactly the keys in ``COLUMN_KEYS``, each a string, the
    headers and description non-empty, and ``dtype`` one of ``COLUMN_DTYPES``. A bad entry raises
    ``ValueError`` naming the file, the column and what is allowed.
    """
    where = COLUMNS_FILE.name
    data = yaml.safe_load(COLUMNS_FILE.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{where}: expected a mapping of column names to entries")
    keys = ", ".join(COLUMN_KEYS)
    for name, entry in data.items():
        if not isinstance(entry, dict):
            raise ValueError(f"{where}: column {name!r} must be a mapping with keys {keys}")
        missing = [key for key in COLUMN_KEYS if key not in entry]
        unknown = sorted(str(key) for key in entry if key not in COLUMN_KEYS)
        if missing or unknown:
            problem = "; ".join(filter(None, (missing and f"missing {', '.join(missing)}",
                                              unknown and f"unknown key(s) {', '.join(unknown)}")))
            raise ValueError(f"{where}: column {name!r}: {problem} (allowed keys: {keys}; "
                             "quote a value that contains ',' or ':')")
        for key in COLUMN_KEYS:
            value = entry[key]
            if not isinstance(value, str) or (key != "unit" and not value.strip()):
                rule = "a string ('' when unitless)" if key == "unit" else "a non-empty string"
                raise ValueError(f"{where}: column {name!r}: {key} must be {rule}, got {value!r}")
        if entry["dtype"] not in COLUMN_DTYPES:
            raise ValueError(f"{where}: column {name!r}: dtype {entry['dtype']!r} is not allowed "
                             f"(allowed: {', '.join(COLUMN_DTYPES)})")
    return data


def headers(columns, lang: str) -> list[str]:
    """Display headers for ``columns`` in ``lang`` ('zh' or 'en'); unknown names are kept."""
    table = column_dictionary()
    return [table.get(c, {}).get(lang, c) for c in columns]


def atomic_write(path: Path, write) -> Path:
    """Call ``write(tmp_path)`` then move the file into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return path


def write_csv(table: pd.DataFrame, path: Path) -> Path:
    return atomic_write(path, lambda tmp: table.to_csv(tmp, index=False, encoding="utf-8-sig", lineterminator="\n"))


def write_latex(table: pd.DataFrame, path: Path, *, lang: str, caption: str) -> Path:
    """A booktabs table (``\\toprule``/``\\midrule``/``\\bottomrule``); needs xeCJK for Chinese."""
    shown = table.copy()
    shown.columns = headers(table.columns, lang)
    styler = shown.style.hide(axis="index").format(precision=2, na_rep="—", escape="latex")
    styler = styler.format_index(escape="latex", axis=1)
    latex = styler.to_latex(hrules=True, caption=caption, label=f"tab:{path.stem}", position="htbp")
    return atomic_write(path, lambda tmp: tmp.write_text(latex, encoding="utf-8"))


def write_workbook(tables: dict, path: Path, *, lang: str) -> Path:
    """All tables in one XLSX workbook, one sheet each, display headers in ``lang``."""
    def write(tmp):
        with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
            for name, table in tables.items():
                shown = table.copy()
                shown.columns = headers(table.columns, lang)
                shown.to_excel(writer, sheet_name=name[:31], index=False)
            writer.book.properties.created = FIXED_TIME
            writer.book.properties.modified = FIXED_TIME
    return atomic_write(path, write)


def write_tables(tables: dict, out: Path, *, lang: str) -> list[Path]:
    """Write every table as CSV and LaTeX under ``out/tables`` and all of them to one workbook."""
    folder = out / "tables"
    written = []
    for name, table in tables.items():
        written.append(write_csv(table, folder / f"{name}.csv"))
        written.append(write_latex(table, folder / f"{name}.tex", lang=lang, caption=name))
    written.append(write_workbook(tables, folder / "tables.xlsx", lang=lang))
    return written
