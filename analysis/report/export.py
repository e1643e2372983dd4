"""Write finished tables for papers: CSV for Excel, one XLSX workbook, LaTeX booktabs, and for
the panel tables (``PANEL_TABLES``) also Parquet and Stata ``.dta``.

CSV files are UTF-8 with BOM (Excel then reads Chinese correctly) and keep the canonical
column names. The XLSX workbook and the LaTeX tables use display headers in the chosen
language from the column dictionary ``analysis/data/columns.yaml``. Every file is written
to a temporary name and moved into place, so an interrupted run leaves no half-written file.

Stata files (format 118, UTF-8) carry variable labels in the report language (the dictionary's
headers, cut to 80 characters) and value labels for the categorical columns (``STATA_CATEGORIES``
and booleans, labelled 否/是 or no/yes); other text stays text (str#, or strL when longer than
Stata's 2045 bytes). Column names are the canonical names (at most 32 characters), except that a
Stata reserved word gets a trailing underscore (``end`` -> ``end_``, labelled with the name).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd
import yaml
from pandas.io.stata import StataParser

from analysis.metrics import panel
from analysis.paths import COLUMNS_FILE, TABLES_FILE
from analysis.report import latex, workbook
from corpus.guard import atomic_write  # re-exported: the one atomic write of the project

FIXED_TIME = dt.datetime(2000, 1, 1)
LATEX_MAX_ROWS = 5_000  # a longer table gets no .tex: a paper prints at most its first rows (latex.MAX_ROWS)
PANEL_TABLES = ("metrics_panel", "metrics_panel_wide")  # also written as .parquet and .dta
STATA_CATEGORIES = ("county", "province", "metric", "unit", "kind", "comparator")  # value-labelled
STATA_BOOL = {"zh": ("否", "是"), "en": ("no", "yes")}
STATA_STR_BYTES = 2045  # longest str#; longer text is written as strL
STATA_LABEL_CHARS = 80
STATA_RESERVED = frozenset(StataParser().RESERVED_WORDS)  # e.g. end: renamed end_ in .dta files


@functools.lru_cache(maxsize=1)
def column_dictionary() -> dict:
    """Column name -> {zh, en, description, dtype, unit} for every column of the report's tables.

    Checked on load (the format is described at the top of ``analysis/data/columns.yaml``):
    one entry per column name, each with exactly the keys zh, en, description, dtype and unit,
    all strings (zh, en and description non-empty; unit '' when the column is not a quantity),
    and dtype one of string, integer, float, boolean, date, json. The metric columns of the wide
    panel (one set per defined metric) are generated from the metric definitions
    (:func:`analysis.metrics.panel.column_entries`), not listed in the file.

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
    generated = panel.column_entries()
    clash = sorted(set(generated) & set(data))
    if clash:
        raise ValueError(f"{where}: column(s) {', '.join(clash)} are metric columns of the panel; remove their entries")
    return {**data, **generated}


TABLE_KEYS = ("section", "zh", "en", "sheet_en", "row")
SHEET_CHARS = 31  # Excel's limit on a sheet name
SHEET_FORBIDDEN = frozenset("[]:*?/\\")


@functools.lru_cache(maxsize=1)
def table_dictionary() -> dict:
    """{'sections': section -> {zh, en}, 'tables': table name -> {section, zh, en, sheet_en, row[, latex]}}.

    Read from ``analysis/data/tables.yaml`` and checked: every table entry has exactly the keys
    section, zh, en, sheet_en and row (non-empty strings) and optionally latex (the list of columns
    a paper prints; the LaTeX caption names the others), names a listed section, and its sheet
    names (zh, sheet_en) fit Excel (at most 31 characters, none of ``[]:*?/\\``).

    Raises
    ------
    ValueError
        On invalid YAML or a bad entry; the message names the file, the table and what is allowed.
    """
    where = TABLES_FILE.name
    try:
        data = yaml.safe_load(TABLES_FILE.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as err:
        raise ValueError(f"{where}: not valid YAML ({err})") from err
    sections, tables = data.get("sections") or {}, data.get("tables") or {}
    for name, entry in tables.items():
        if not isinstance(entry, dict) or sorted(set(entry) - {"latex"}) != sorted(TABLE_KEYS):
            raise ValueError(
                f"{where}: table {name!r} needs exactly the keys {', '.join(TABLE_KEYS)} (and optionally latex)"
            )
        bad = [key for key in TABLE_KEYS if not isinstance(entry[key], str) or not entry[key].strip()]
        if bad:
            raise ValueError(f"{where}: table {name!r}: {', '.join(bad)} must be non-empty strings")
        chosen = entry.get("latex", [])
        if not isinstance(chosen, list) or not all(isinstance(c, str) and c for c in chosen):
            raise ValueError(f"{where}: table {name!r}: latex must be a list of column names, got {chosen!r}")
        if entry["section"] not in sections:
            raise ValueError(f"{where}: table {name!r}: section {entry['section']!r} is not one of {sorted(sections)}")
        for sheet in (entry["zh"], entry["sheet_en"]):
            if len(sheet) > SHEET_CHARS or SHEET_FORBIDDEN & set(sheet):
                raise ValueError(
                    f"{where}: table {name!r}: sheet name {sheet!r} must have at most {SHEET_CHARS} characters "
                    "and none of []:*?/\\"
                )
    return {"sections": sections, "tables": tables}


def caption(name: str, lang: str) -> str:
    """'主题覆盖：各文件各议题的正文占比' / 'Topic coverage: Share of body text per document and topic';
    a table missing from the table dictionary is captioned by its name."""
    entry = table_dictionary()["tables"].get(name)
    if entry is None:
        return name
    section = table_dictionary()["sections"][entry["section"]][lang]
    return f"{section}：{entry[lang]}" if lang == "zh" else f"{section}: {entry[lang]}"


def headers(columns, lang: str) -> list[str]:
    """Display headers for ``columns`` in ``lang`` ('zh' or 'en'); unknown names are kept."""
    table = column_dictionary()
    return [table.get(c, {}).get(lang, c) for c in columns]


def write_csv(table: pd.DataFrame, path: Path) -> Path:
    return atomic_write(path, lambda tmp: table.to_csv(tmp, index=False, encoding="utf-8-sig", lineterminator="\n"))


def write_latex(table: pd.DataFrame, path: Path, *, lang: str, caption: str) -> Path:
    """A booktabs table or longtable that compiles as ``\\input`` with xelatex and ctex (see
    :mod:`analysis.report.latex`): escaped cells, headers in ``lang``, ``caption`` plus what is left out;
    the columns of the table's ``latex`` entry in ``tables.yaml`` (named by the file's stem) when it has one."""
    described = column_dictionary()
    chosen = table_dictionary()["tables"].get(path.stem, {}).get("latex")
    text = latex.to_latex(
        table,
        caption=caption,
        label=f"tab:{path.stem}",
        headers=dict(zip(table.columns, headers(table.columns, lang))),
        dtypes={c: described[c]["dtype"] for c in table.columns if c in described},
        lang=lang,
        columns=chosen,
    )
    return atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def write_workbook(tables: dict, path: Path, *, lang: str) -> Path:
    """All tables in one XLSX workbook (see :mod:`analysis.report.workbook`): a contents sheet, then one
    sheet per table, sheet names and headers in ``lang``."""
    titles = table_dictionary()["tables"]
    captions = {name: caption(name, lang) for name in tables}
    return atomic_write(
        path,
        lambda tmp: workbook.write_workbook(
            tables, tmp, lang=lang, titles=titles, columns=column_dictionary(), captions=captions, created=FIXED_TIME
        ),
    )


def write_parquet(table: pd.DataFrame, path: Path) -> Path:
    """Parquet (pyarrow), canonical column names and pandas dtypes, no index."""
    return atomic_write(path, lambda tmp: table.to_parquet(tmp, index=False, engine="pyarrow"))


def stata_frame(table: pd.DataFrame, *, lang: str) -> tuple[pd.DataFrame, dict]:
    """``table`` in the types Stata takes, and its variable labels (column name -> label in ``lang``).

    Columns in ``STATA_CATEGORIES`` and booleans become categoricals (written as labelled integers);
    other text has missing values as ''; integers with missing values are written as doubles; a
    column named by a Stata reserved word gets a trailing underscore.
    """
    columns = {}  # built first, framed once (a wide panel has hundreds of columns)
    for name in table.columns:
        column = table[name]
        if table.empty:  # Stata cannot write an empty categorical: an empty table keeps its columns as text
            columns[name] = column.astype(object)
        elif pd.api.types.is_bool_dtype(column.dtype):
            no, yes = STATA_BOOL[lang]
            columns[name] = pd.Series(
                pd.Categorical(column.map({False: no, True: yes}), categories=[no, yes]), index=table.index
            )
        elif pd.api.types.is_numeric_dtype(column.dtype):
            columns[name] = column.astype("float64") if column.isna().any() else column
        else:
            text = column.map(lambda v: "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v))
            columns[name] = (
                pd.Series(pd.Categorical(text), index=table.index) if name in STATA_CATEGORIES else text.astype(object)
            )
    frame = pd.DataFrame(columns, index=table.index)
    labels = {name: label[:STATA_LABEL_CHARS] for name, label in zip(table.columns, headers(table.columns, lang))}
    renamed = {name: f"{name}_" for name in table.columns if name in STATA_RESERVED}
    labels.update({name: f"{labels[name]} [{name}]"[:STATA_LABEL_CHARS] for name in renamed})
    return frame.rename(columns=renamed), {renamed.get(name, name): label for name, label in labels.items()}


def write_stata(table: pd.DataFrame, path: Path, *, lang: str, label: str = "") -> Path:
    """Stata 118 (UTF-8): variable labels in ``lang``, value labels for categorical columns."""
    too_long = [name for name in table.columns if len(name) > 32]
    if too_long:
        raise ValueError(f"{path.name}: column names longer than 32 characters (Stata's limit): {too_long}")
    frame, labels = stata_frame(table, lang=lang)
    strl = [
        name
        for name in frame.columns
        if frame[name].dtype == object
        and len(frame)
        and frame[name].map(lambda v: len(str(v).encode("utf-8"))).max() > STATA_STR_BYTES
    ]

    def write(tmp):
        frame.to_stata(
            tmp,
            write_index=False,
            version=118,
            variable_labels=labels,
            data_label=label[:STATA_LABEL_CHARS] or None,
            time_stamp=FIXED_TIME,
            convert_strl=strl,
        )

    return atomic_write(path, write)


def write_table_files(tables: dict, folder: Path, *, lang: str, notes: list | None = None) -> list[Path]:
    """Write every table of ``tables`` as CSV and LaTeX into ``folder``; the ``PANEL_TABLES`` also as
    Parquet and Stata ``.dta``. Each table's files depend on that table only, so a report's section
    writes its own (in its worker, while other sections still compute); :func:`write_workbook` then
    gathers every table into one workbook.

    A table of more than ``LATEX_MAX_ROWS`` rows gets no ``.tex`` (no paper prints it) and one of
    more than :data:`analysis.report.workbook.MAX_ROWS` (100,000) no sheet; both are written as
    Parquet too, and a line saying so is appended to ``notes`` (the command line prints it).
    """
    written = []
    notes = notes if notes is not None else []
    for name, table in tables.items():
        written.append(write_csv(table, folder / f"{name}.csv"))
        big, long = len(table) > LATEX_MAX_ROWS, not workbook.fits(table)
        if not big:
            written.append(write_latex(table, folder / f"{name}.tex", lang=lang, caption=caption(name, lang)))
        if name in PANEL_TABLES or big or long:
            written.append(write_parquet(table, folder / f"{name}.parquet"))
        if name in PANEL_TABLES:
            written.append(write_stata(table, folder / f"{name}.dta", lang=lang, label=name))
        if big or long:
            where = ", ".join(["no LaTeX copy"] * big + ["not in tables.xlsx"] * long)
            notes.append(f"table {name}: {len(table):,} rows, {where}; written as tables/{name}.csv and .parquet")
    return written


@dataclass(frozen=True)
class StoredTable:
    """A table kept in its Parquet file instead of memory: what the report's main process holds of a
    table too long for a sheet, whose files its section's worker has written. The workbook needs only
    its length and columns; :meth:`load` reads it."""

    path: Path
    n_rows: int
    columns: tuple

    def __len__(self) -> int:
        return self.n_rows

    @property
    def empty(self) -> bool:
        return self.n_rows == 0

    def load(self) -> pd.DataFrame:
        return pd.read_parquet(self.path)

    def moved(self, old: Path, new: Path) -> StoredTable:
        """The same table after its folder ``old`` moved to ``new``."""
        return replace(self, path=new / self.path.relative_to(old))


def stored(tables: dict, folder: Path) -> dict:
    """``tables`` with each table too long for a sheet (so written as Parquet by :func:`write_table_files`
    into ``folder``) replaced by a :class:`StoredTable` of that file."""
    return {
        name: table
        if workbook.fits(table)
        else StoredTable(folder / f"{name}.parquet", len(table), tuple(table.columns))
        for name, table in tables.items()
    }


class Tables(Mapping):
    """Table name -> DataFrame, reading a :class:`StoredTable` from its Parquet file when asked for."""

    def __init__(self, tables: dict):
        self._tables = tables

    def __getitem__(self, name: str) -> pd.DataFrame:
        table = self._tables[name]
        return table.load() if isinstance(table, StoredTable) else table

    def __iter__(self):
        return iter(self._tables)

    def __len__(self) -> int:
        return len(self._tables)

    def path(self, name: str) -> Path | None:
        """The Parquet file table ``name`` is read from (None when it is held in memory)."""
        table = self._tables[name]
        return table.path if isinstance(table, StoredTable) else None


def write_tables(tables: dict, out: Path, *, lang: str, notes: list | None = None) -> list[Path]:
    """Write every table's files under ``out/tables`` (:func:`write_table_files`) and all of them to one
    workbook ``tables.xlsx``, whose contents sheet lists the tables too long for a sheet."""
    folder = out / "tables"
    written = write_table_files(tables, folder, lang=lang, notes=notes)
    written.append(write_workbook(tables, folder / "tables.xlsx", lang=lang))
    return written
