"""The corpus tables' columns and their compact types: one definition for the loader and the cache.

Per-document work (``corpus.process``) builds the derived tables as Arrow tables of the types below
straight from its Python columns (no pandas frame per document), the cache writes and reads them
as Arrow, and they are converted to pandas once for the whole corpus. A fresh load and a cached one therefore give
identical frames. In the token table, by far the largest (~130 M rows for 20,000 documents),
the identifiers repeated on every row are dictionary-encoded (pandas categoricals: four bytes a
row instead of a string), tokens are Arrow strings in pandas (dictionary-encoded on disk) and
offsets are 32-bit integers everywhere: ~4.5 GB of tokens instead of ~18 GB.
The documents table (docvars, one row per document) travels as records.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from . import metadata

_CODE = pa.dictionary(pa.int32(), pa.string())
_INT = pa.int32()

# Columns of every derived table with their Arrow types (documents: docvars, typed as inferred).
SCHEMAS: dict[str, pa.Schema] = {
    "segments": pa.schema([
        ("doc_id", pa.string()), ("seg_id", pa.string()), ("parent", pa.string()), ("level", _INT),
        ("kind", pa.string()), ("number", pa.string()), ("heading", pa.string()), ("text", pa.string()),
        ("start", _INT), ("end", _INT), ("heading_start", _INT), ("heading_end", _INT),
        ("n_chars", _INT), ("order", _INT), ("in_body", pa.bool_()),
    ]),
    "responsibilities": pa.schema([
        ("doc_id", pa.string()), ("seg_id", pa.string()), ("role", pa.string()), ("name", pa.string()),
        ("kind", pa.string()), ("start", _INT), ("end", _INT), ("clause", pa.string()),
    ]),
    "sentences": pa.schema([
        ("doc_id", pa.string()), ("seg_id", pa.string()), ("sent_id", pa.string()), ("text", pa.string()),
        ("start", _INT), ("end", _INT),
    ]),
    "tokens": pa.schema([
        ("doc_id", _CODE), ("seg_id", _CODE), ("sent_id", _CODE), ("token", _CODE),
        ("start", _INT), ("end", _INT), ("is_stop", pa.bool_()),
    ]),
}  # fmt: skip
NAMES = tuple(SCHEMAS)
DOCUMENT_COLUMNS = ["doc_id", *metadata.SUMMARY_COLUMNS[1:], "county_en", "sha256", "start", "end"]
# Columns the cache adds to every row: the entry (source file) it belongs to.
KEY = "_key"
# Dictionary-encoded on disk and in Arrow (read fast) but plain strings in pandas (string methods).
DECODED = {"tokens": ("token",)}


def from_columns(name: str, columns: dict) -> pa.Table:
    """One file's rows of table ``name`` as an Arrow table of the table's schema.

    ``columns`` maps every column of ``SCHEMAS[name]`` to a list or NumPy array (all of one
    length); strings of a dictionary column are encoded in order of first appearance.
    """
    return pa.Table.from_pydict({field.name: columns[field.name] for field in SCHEMAS[name]}, schema=SCHEMAS[name])


def from_records(name: str, records: list[dict]) -> pa.Table:
    """``from_columns`` for rows given as one dict each (keys: the table's columns)."""
    return pa.Table.from_pylist(records, schema=SCHEMAS[name])


def concat(pieces: list[pa.Table]) -> pa.Table:
    """One table from many files' pieces."""
    return pa.concat_tables(pieces)


def documents_frame(rows: list[dict]) -> pd.DataFrame:
    """The documents table from one record per document (docvars are kept as records, not Arrow).

    A docvar known for some documents only is an object column holding ``None`` where unknown
    (a year stays an integer, a missing place stays ``None``); complete columns get their type.
    """
    if not rows:
        return pd.DataFrame(columns=DOCUMENT_COLUMNS)
    frame = pd.DataFrame.from_records(rows)
    for column in frame.columns:
        if frame[column].isna().any():
            frame[column] = pd.Series([row.get(column) for row in rows], dtype=object)
    return frame


def to_pandas(name: str, table: pa.Table | None, *, keep_key: bool = False) -> pd.DataFrame:
    """The pandas frame of an Arrow table of ``name`` (dictionary columns become categoricals).

    One column at a time: each is taken out of the Arrow table, converted, and the memory Arrow
    freed handed back before the next, so the peak is the frame plus one column in flight, not the
    table and the frame side by side (the 26.6 million body tokens of 5,000 documents: 1.0 GB less).
    """
    if table is None or table.num_rows == 0:
        return pd.DataFrame(columns=SCHEMAS[name].names + ([KEY] if keep_key else []))
    if KEY in table.column_names and not keep_key:
        table = table.drop_columns([KEY])
    columns = {}
    for column in table.column_names:
        values = table[column]
        table = table.drop_columns([column])  # this column's buffers are freed once converted
        if column in DECODED.get(name, ()):
            values = values.cast(pa.string())
        elif pa.types.is_dictionary(values.type):  # one dictionary for all chunks
            values = pa.table({column: values}).unify_dictionaries()[column]
        series = values.to_pandas()
        del values
        if isinstance(series.dtype, pd.CategoricalDtype):
            series = _in_order_of_appearance(series)
        columns[column] = series
        pa.default_memory_pool().release_unused()
    return pd.DataFrame(columns, copy=False)


def _in_order_of_appearance(values: pd.Series) -> pd.Series:
    """Categories in the order the rows first use them, unused ones dropped (the same frame
    whichever batches the rows came from)."""
    codes = values.cat.codes.to_numpy()
    used = pd.unique(codes[codes >= 0])
    if len(used) == len(values.cat.categories) and (used == range(len(used))).all():
        return values
    remap = np.full(len(values.cat.categories), -1, dtype=np.int32)
    remap[used] = np.arange(len(used), dtype=np.int32)
    new = np.where(codes >= 0, remap[codes], -1)
    categorical = pd.Categorical.from_codes(new, categories=values.cat.categories[used])
    return pd.Series(categorical, index=values.index, name=values.name)
