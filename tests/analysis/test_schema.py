"""Schema: every column of every table the report writes is in the column dictionary
(``analysis/data/columns.yaml``), and its values have the dtype the dictionary declares.

Fast tier: the dictionary validates on load, a malformed one is refused with a message naming
the column, and names that state a unit (share_pct, n_chars, diff_pp) agree with the declared unit.
Slow tier: the report runs once on the seed documents; every table it returns and every CSV it
writes is checked column by column against the dictionary.
"""

from __future__ import annotations

import datetime as dt
import json
import numbers
import re

import numpy as np
import pandas as pd
import pytest

from analysis.report import export
from analysis.report import pipeline as report

DTYPES = ("string", "integer", "float", "boolean", "date", "json")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# The tables the report writes on the seed documents (one CSV, one LaTeX table and one sheet each).
TABLES = (
    "documents",
    "coverage",
    "coverage_areas",
    "coverage_profiles",
    "coverage_topic_profiles",
    "coverage_emphasis",
    "coverage_gaps",
    "coverage_gap_counts",
    "coverage_validity",
    "coverage_confusion",
    "coverage_validity_docs",
    "coverage_nmf",
    "coverage_nmf_summary",
    "coverage_county_years",
    "coverage_segments",
    "coverage_validity_loco",
    "coverage_validity_folds",
    "metric_series",
    "similarity",
    "reuse",
    "reuse_share",
    "reuse_common",
    "reuse_kinds",
    "keyness",
    "alignment",
    "metrics",
    "metric_comparison",
    "metrics_funnel",
    "metrics_targets_vs_actuals",
    "metrics_unclassified",
    "metrics_commitments",
    "metrics_panel",
    "metrics_panel_wide",
)


# --- the dictionary itself (fast) ---------------------------------------------------------------


@pytest.fixture
def columns_file(tmp_path, monkeypatch):
    """Point column_dictionary() at a temporary file; returns a writer for its text."""
    path = tmp_path / "columns.yaml"
    monkeypatch.setattr(export, "COLUMNS_FILE", path)
    export.column_dictionary.cache_clear()
    yield lambda text: path.write_text(text, encoding="utf-8")
    export.column_dictionary.cache_clear()  # monkeypatch restores the path after this teardown


GOOD = "doc_id: {zh: 文档编号, en: Document ID, description: id of a document, dtype: string, unit: ''}\n"


def test_the_column_dictionary_validates():
    export.column_dictionary.cache_clear()
    table = export.column_dictionary()
    assert len(table) > 100
    for name, entry in table.items():
        assert set(entry) == {"zh", "en", "description", "dtype", "unit"}, name
        assert entry["dtype"] in DTYPES, name


def test_a_valid_temporary_dictionary_loads(columns_file):
    columns_file(GOOD)
    assert export.column_dictionary()["doc_id"]["dtype"] == "string"


@pytest.mark.parametrize(
    "entry, expected",
    [
        (
            "{zh: 甲, en: A, description: d, unit: ''}",
            r"needs 'zh' and 'en' headers, 'description', 'dtype' and 'unit' \(missing dtype\)",
        ),
        (
            "{zh: 甲, en: A, description: first, second, dtype: string, unit: ''}",
            r"unknown key\(s\) second \(allowed keys: zh, en, description, dtype, unit",
        ),
        (
            "{zh: 甲, en: A, description: d, dtype: text, unit: ''}",
            r"dtype 'text' is not allowed \(allowed: string, integer, float, boolean, date, json\)",
        ),
        ("{zh: 甲, en: A, description: d, dtype: integer, unit: 3}", r"unit must be a string"),
        ("{zh: 甲, en: '', description: d, dtype: string, unit: ''}", r"en must be a non-empty string"),
        ("[甲, A]", r"must be a mapping with keys zh, en, description, dtype, unit"),
    ],
    ids=["missing-key", "unquoted-comma", "bad-dtype", "unit-not-text", "empty-header", "not-a-mapping"],
)
def test_a_malformed_entry_is_refused_naming_file_and_column(columns_file, entry, expected):
    columns_file(GOOD + f"bad_column: {entry}\n")
    with pytest.raises(ValueError, match=expected) as err:
        export.column_dictionary()
    assert "columns.yaml" in str(err.value) and "'bad_column'" in str(err.value)


def test_a_duplicate_entry_is_refused(columns_file):
    columns_file(GOOD + GOOD)
    with pytest.raises(ValueError, match=r"columns.yaml: column 'doc_id' has more than one entry"):
        export.column_dictionary()


def test_invalid_yaml_is_refused_naming_the_file(columns_file):
    columns_file("doc_id: {zh: 文档编号\n")
    with pytest.raises(ValueError, match=r"columns.yaml: not valid YAML"):
        export.column_dictionary()


def test_a_unit_in_the_name_agrees_with_the_declared_unit():
    problems = []
    for name, entry in export.column_dictionary().items():
        dtype, unit = entry["dtype"], entry["unit"]
        if name.endswith("_pct") and (dtype, unit) != ("float", "%"):
            problems.append(f"{name}: *_pct is a float in '%', declared {dtype} in {unit!r}")
        if name.endswith("_pp") and (dtype, unit) != ("float", "percentage points"):
            problems.append(f"{name}: *_pp is a float in 'percentage points', declared {dtype} in {unit!r}")
        if name.startswith("n_") and (dtype != "integer" or unit in ("", "%")):
            problems.append(f"{name}: n_* is an integer count of something, declared {dtype} in {unit!r}")
        if name.endswith("_chars") and not name.startswith("targets_per") and unit != "characters":
            problems.append(f"{name}: *_chars is in characters, declared {unit!r}")
        if re.fullmatch(r"year(_start|_end)?", name) and (dtype, unit) != ("integer", "year"):
            problems.append(f"{name}: a year is an integer in 'year', declared {dtype} in {unit!r}")
        if name.endswith("_source") and (dtype, unit) != ("string", ""):
            problems.append(f"{name}: provenance is a string with no unit, declared {dtype} in {unit!r}")
    assert not problems, "\n".join(problems)


# --- value checks -------------------------------------------------------------------------------


def _is_empty(value) -> bool:
    if isinstance(value, str):
        return value == ""
    return value is None or (pd.api.types.is_scalar(value) and bool(pd.isna(value)))


def _is_whole(value) -> bool:
    if isinstance(value, (bool, str)):
        return False
    if isinstance(value, numbers.Integral):
        return True
    return isinstance(value, numbers.Real) and float(value).is_integer()


def dtype_problem(series: pd.Series, declared: str) -> str | None:
    """Why the pandas column ``series`` does not hold ``declared`` values (None when it does).

    Integer columns may be int64/Int64, or float/object when missing values forced pandas to
    widen them (every value present must still be whole). An entirely empty column passes.
    """
    values = [v for v in series.tolist() if not _is_empty(v)]
    if not values:  # entirely empty (missing or ''): fits any dtype
        return None
    kind = series.dtype
    if declared in ("string", "date", "json"):
        if not (pd.api.types.is_object_dtype(kind) or pd.api.types.is_string_dtype(kind)):
            return f"pandas dtype {kind} is not text"
        bad = [v for v in values if not isinstance(v, str)]
        if bad:
            return f"non-text values {bad[:3]!r}"
        if declared == "date":
            bad = [v for v in values if v and not _is_iso_date(v)]
            return f"not YYYY-MM-DD: {bad[:3]!r}" if bad else None
        if declared == "json":
            bad = [v for v in values if v and not _is_json(v)]
            return f"not JSON: {bad[:3]!r}" if bad else None
        return None
    if declared == "boolean":
        if pd.api.types.is_bool_dtype(kind):
            return None
        if pd.api.types.is_object_dtype(kind) and all(isinstance(v, (bool, np.bool_)) for v in values):
            return None
        return f"pandas dtype {kind} is not boolean"
    if pd.api.types.is_bool_dtype(kind):
        return f"pandas dtype {kind} is boolean, not {declared}"
    if declared == "integer":
        if pd.api.types.is_integer_dtype(kind):
            return None
        if pd.api.types.is_float_dtype(kind) or pd.api.types.is_object_dtype(kind):
            bad = [v for v in values if not _is_whole(v)]
            return f"pandas dtype {kind} with values that are not whole numbers: {bad[:3]!r}" if bad else None
        return f"pandas dtype {kind} is not an integer"
    if declared == "float":
        if pd.api.types.is_float_dtype(kind):
            return None
        if pd.api.types.is_object_dtype(kind):
            bad = [v for v in values if isinstance(v, (bool, str)) or not isinstance(v, numbers.Real)]
            return f"pandas dtype {kind} with values that are not numbers: {bad[:3]!r}" if bad else None
        return f"pandas dtype {kind} is not float"
    return f"unknown declared dtype {declared!r}"


def text_problem(cells: pd.Series, declared: str) -> str | None:
    """Why the CSV cells ``cells`` (read as text) do not parse as ``declared`` (None when they do).

    A CSV has no types, so each non-empty cell must read back as the declared dtype: integers
    may be written as 2023.0 (a float column with missing values), booleans as True/False.
    """
    values = [v for v in cells.tolist() if v != ""]
    checks = {
        "string": lambda v: True,
        "date": _is_iso_date,
        "json": _is_json,
        "boolean": lambda v: v in ("True", "False"),
        "integer": lambda v: _parses(v) and float(v).is_integer(),
        "float": _parses,
    }
    bad = [v for v in values if not checks[declared](v)]
    return f"cells that are not {declared}: {bad[:3]!r}" if bad else None


def _parses(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _is_iso_date(text: str) -> bool:
    if not ISO_DATE.fullmatch(text):
        return False
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def test_the_dtype_check_itself():
    assert dtype_problem(pd.Series([2022, 2023]), "integer") is None
    assert dtype_problem(pd.Series([2022.0, None]), "integer") is None  # widened by a missing value
    assert dtype_problem(pd.Series([2022, None], dtype=object), "integer") is None
    assert dtype_problem(pd.Series([2022, None], dtype="Int64"), "integer") is None
    assert dtype_problem(pd.Series([2022.5, None]), "integer") is not None
    assert dtype_problem(pd.Series([None, None], dtype=object), "float") is None  # entirely empty
    assert dtype_problem(pd.Series([float("nan")] * 2), "string") is None
    assert dtype_problem(pd.Series(["a", None], dtype=object), "string") is None
    assert dtype_problem(pd.Series([1, 2]), "string") is not None
    assert dtype_problem(pd.Series([True, False]), "integer") is not None
    assert dtype_problem(pd.Series([True, False]), "boolean") is None
    assert dtype_problem(pd.Series([1.5]), "float") is None
    assert dtype_problem(pd.Series([1, 2]), "float") is not None
    assert dtype_problem(pd.Series(["2022-04-13", ""]), "date") is None
    assert dtype_problem(pd.Series(["2022年4月13日"]), "date") is not None
    assert dtype_problem(pd.Series(['{"k": 12}']), "json") is None
    assert dtype_problem(pd.Series(["{k: 12}"]), "json") is not None
    assert text_problem(pd.Series(["2023.0", ""]), "integer") is None
    assert text_problem(pd.Series(["2023.5"]), "integer") is not None
    assert text_problem(pd.Series(["True", "False"]), "boolean") is None


# --- every table the report writes (slow) -------------------------------------------------------


@pytest.fixture(scope="module")
def report_run(tmp_path_factory, seed_corpus):
    """The report on the seed documents, run once for this module."""
    out = tmp_path_factory.mktemp("report-schema")
    return report.run(seed_corpus, out, progress=False)


def _csv(run: dict, name: str) -> pd.DataFrame:
    return pd.read_csv(run["out"] / "tables" / f"{name}.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)


@pytest.mark.slow
def test_every_written_table_is_listed_here(report_run):
    returned = set(report_run["tables"])
    written = {p.stem for p in (report_run["out"] / "tables").glob("*.csv")}
    assert returned == written, (
        f"returned but not written: {sorted(returned - written)}; "
        f"written but not returned: {sorted(written - returned)}"
    )
    assert returned == set(TABLES), (
        f"tables not listed in TABLES (add them, and their columns to columns.yaml): {sorted(returned - set(TABLES))}; "
        f"listed but no longer written: {sorted(set(TABLES) - returned)}"
    )


@pytest.mark.slow
@pytest.mark.parametrize("name", TABLES)
def test_table_columns_are_in_the_dictionary_with_their_dtype(report_run, name):
    assert name in report_run["tables"], f"table {name!r} is not written by the report"
    table = report_run["tables"][name]
    dictionary = export.column_dictionary()
    assert table.columns.is_unique, f"table {name!r}: duplicate column names {list(table.columns)}"
    problems = []
    for column in table.columns:
        if column not in dictionary:
            problems.append(f"table {name!r}, column {column!r}: no entry in columns.yaml")
            continue
        declared = dictionary[column]["dtype"]
        problem = dtype_problem(table[column], declared)
        if problem:
            problems.append(f"table {name!r}, column {column!r} (declared {declared}): {problem}")
    assert not problems, "\n".join(problems)


@pytest.mark.slow
@pytest.mark.parametrize("name", TABLES)
def test_csv_columns_are_in_the_dictionary_and_parse_as_their_dtype(report_run, name):
    cells = _csv(report_run, name)
    dictionary = export.column_dictionary()
    assert list(cells.columns) == list(report_run["tables"][name].columns), (
        f"{name}.csv: header differs from the table's columns"
    )
    problems = []
    for column in cells.columns:
        if column not in dictionary:
            problems.append(f"{name}.csv, column {column!r}: no entry in columns.yaml")
            continue
        declared = dictionary[column]["dtype"]
        problem = text_problem(cells[column], declared)
        if problem:
            problems.append(f"{name}.csv, column {column!r} (declared {declared}): {problem}")
    assert not problems, "\n".join(problems)
