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


@functools.lru_cache(maxsize=1)
def column_dictionary() -> dict:
    """Column name -> {zh, en, description, dtype, unit} for every column of the report's tables.

    Checked on load (the format is described at the top of ``analysis/data/columns.yaml``):
    one entry per column name, each with exactly the keys zh, en, description, dtype and unit,
    all strings (zh, en and description non-empty; unit '' when the column is not a quantity),
    and dtype one of string, integer, float, boolean, date, json.

    Raises
    ------
    ValueError
        On invalid YAML or a bad entry; the message names the file, the column and what is allowed.
    """
    keys = ("zh", "en", "description", "dtype", "unit")
    dtypes = ("string", "integer", "float", "boolean", "date", "json")
    where = COLUMNS_FILE.name
    text = COLUMNS_FILE.read_text(encoding="utf-8")
    try:
        root = yaml.compose(text)
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as err:
        raise ValueError(f"{where}: not valid YAML ({err})") from err
    if not isinstance(data, dict):
        raise ValueError(f"{where}: expected a mapping of column names to entries")
    seen = set()
    for key_node, _ in root.value if root is not None else ():  # safe_load keeps the last duplicate silently
        if key_node.value in seen:
            raise ValueError(
                f"{where}: column {key_node.value!r} has more than one entry "
                f"(line {key_node.start_mark.line + 1}); one entry per column name"
            )
        seen.add(key_node.value)
    allowed = ", ".join(keys)
    for name, entry in data.items():
        if not isinstance(entry, dict):
            raise ValueError(f"{where}: column {name!r} must be a mapping with keys {allowed}")
        missing = [key for key in keys if key not in entry]
        if missing:
            raise ValueError(
                f"{where}: column {name!r} needs 'zh' and 'en' headers, 'description', 'dtype' "
                f"and 'unit' (missing {', '.join(missing)})"
            )
        unknown = [str(key) for key in entry if key not in keys]
        if unknown:
            raise ValueError(
                f"{where}: column {name!r}: unknown key(s) {', '.join(unknown)} (allowed keys: "
                f"{allowed}; quote a value that contains ', ' or ': ')"
            )
        for key in keys:
            value = entry[key]
            if not isinstance(value, str) or (key != "unit" and not value.strip()):
                rule = "a string ('' when not a quantity)" if key == "unit" else "a non-empty string"
                raise ValueError(f"{where}: column {name!r}: {key} must be {rule}, got {value!r}")
        if entry["dtype"] not in dtypes:
            raise ValueError(
                f"{where}: column {name!r}: dtype {entry['dtype']!r} is not allowed (allowed: {', '.join(dtypes)})"
            )
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
