"""DataFrames built column by column, with exactly the dtypes pandas infers from rows.

``pd.DataFrame(list_of_dicts)`` looks at every value of every row to infer each column's dtype;
for a token table of thousands of rows that costs as much as cleaning the document. Here a
table is kept as one list per column and each column is typed directly: a column of Python
strings becomes pandas' inferred string dtype through one ``pyarrow`` array (when that dtype is
Arrow-backed, the default from pandas 3), NumPy arrays pass through, and anything else (mixed
types, missing values, integers in lists) is left to pandas' own inference. The result equals
``pd.DataFrame(rows)`` value for value and dtype for dtype (``tests/corpus/test_process.py``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

# The dtype pandas infers for a column of Python strings ("str", Arrow-backed, from pandas 3).
STRING_DTYPE = pd.Series(["x"]).dtype
_ARROW_STRINGS = isinstance(STRING_DTYPE, pd.StringDtype) and STRING_DTYPE.storage == "pyarrow"


def column(values):
    """``values`` (a list or an array) typed as pandas would infer them in a DataFrame column."""
    if _ARROW_STRINGS and isinstance(values, list) and values and all(type(v) is str for v in values):
        return pd.array(pa.array(values, type=pa.large_string()), dtype=STRING_DTYPE)
    return values


def from_columns(parts: list[dict]) -> pd.DataFrame:
    """One DataFrame from column dicts (one per document, same keys, equal-length values).

    Parts without rows are skipped; a table without any row has no columns, as
    ``pd.DataFrame([])``.
    """
    parts = [part for part in parts if len(next(iter(part.values())))]
    if not parts:
        return pd.DataFrame()
    if len(parts) == 1:
        merged = parts[0]
    else:
        merged = {name: _concat([part[name] for part in parts]) for name in parts[0]}
    return pd.DataFrame({name: column(values) for name, values in merged.items()}, copy=False)


def from_records(records: list[dict]) -> pd.DataFrame:
    """``pd.DataFrame(records)`` for records that all have the same keys, built column by column."""
    if not records:
        return pd.DataFrame()
    return from_columns([{name: [record[name] for record in records] for name in records[0]}])


def _concat(values: list):
    if isinstance(values[0], np.ndarray):
        return np.concatenate(values)
    return [v for part in values for v in part]
