"""The corpus tables from the files' cached or fresh pieces: file order, duplicates, clashing doc_ids.

The documents table is made at once (docvars travel as records); every derived table stays a
``corpus.model.Pending`` until first used, then its Arrow pieces are put in file order and
converted to pandas once (``corpus.tables``). A subset or the body is filtered in Arrow before
the conversion (:func:`table_frame` with ``key``), so the whole token table is never made beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import cache as cache_store
from . import tables
from .model import Pending, rows_in
from .paths import display_path


@dataclass
class SourceFile:
    """One source file on its way into the corpus."""

    path: Path
    sha: str
    key: str
    work: tuple
    record: dict | None = None  # documents, problems, encoding, text_hash (from the cache or fresh work)
    text: str | None = None  # the decoded source, when it was processed in this load


def assemble(found: list[SourceFile], pieces: dict, problems: list, tokenizer):
    """The corpus tables in file order: duplicates of text skipped, clashing doc_ids renamed."""
    rank: dict[str, int] = {}
    renames: dict[str, dict] = {}
    texts: dict[str, tuple] = {}
    texts_seen: dict[str, Path] = {}
    used: set[str] = set()
    documents = []
    shown = _shown_paths(found[0].path.parent if found else Path("."))
    for item in found:
        record = item.record or {}
        if record["text_hash"] and record["text_hash"] in texts_seen:
            first = texts_seen[record["text_hash"]].name
            problems.append((item.path.name, f"{item.path.name}: same text as {first} (duplicate document); skipped"))
            continue
        texts_seen[record["text_hash"]] = item.path
        problems.extend((item.path.name, p) for p in record["problems"])
        rank[item.key] = len(rank)
        changed = _unique_ids([row["doc_id"] for row in record["documents"]], used)
        if changed:
            renames[item.key] = changed
            problems.append((item.path.name, f"{item.path.name}: doc_id(s) {sorted(changed)} already used; renamed"))
        for row in record["documents"]:
            doc_id = changed.get(row["doc_id"], row["doc_id"])
            documents.append({**row, "doc_id": doc_id, "source_file": shown(item.path), "sha256": item.sha})
            texts[doc_id] = (item.path, item.text)
    out: dict = {"documents": tables.documents_frame(documents)}
    kept = [item.record for item in found if item.key in rank and item.record]
    for name in tables.NAMES:  # pandas frames made when first used (``corpus.model.Pending``)
        rows = sum(record["rows"][name] for record in kept)
        make = partial(table_frame, name, pieces[name], rank, renames)
        out[name] = Pending(make, rows=rows, where=make)
    return out, texts, pd.DataFrame(problems, columns=["file", "problem"]), tokenizer


def _shown_paths(folder: Path):
    """``display_path`` of files of ``folder``, resolving the folder once (links still resolved)."""
    base = display_path(folder)

    def shown(path: Path) -> str:
        return display_path(path) if path.is_symlink() or path.parent != folder else f"{base}/{path.name}"

    return shown


def table_frame(
    name: str, pieces: list, rank: dict[str, int], renames: dict[str, dict], key: str | None = None, ids=None
) -> pd.DataFrame:
    """Table ``name`` as pandas: the pieces decoded, in file order, clashing doc_ids renamed.

    With ``key``, only the rows whose ``key`` is in ``ids`` (a subset, the body): filtered in Arrow
    before the conversion, so the whole table is not made in pandas — unless a doc_id was renamed
    (ids are matched after renaming) or no row is kept (the empty frame then takes the whole
    table's column types). The frame equals the whole table's rows (:func:`corpus.model.rows_in`)
    because every dictionary-encoded column is an id of one document, segment or sentence
    (``tables.SCHEMAS``): filtering keeps or drops all rows of a value, so the order in which the
    values first appear, the categories' order, is the same.
    """
    decoded = [p.table() if isinstance(p, cache_store.Part) else p for p in pieces]
    table = _ordered(decoded, rank)
    del decoded
    if key is not None and table is not None and not renames:
        value_set = pa.array(sorted(ids), type=pa.string())
        if _all_in(table[key], value_set):  # the body keeps every token and sentence: no filtered copy
            key = None
        else:
            kept = table.filter(pc.is_in(table[key], value_set=value_set))
            if kept.num_rows:  # none kept: made from the whole table, so the empty columns keep their types
                table, key = kept, None
    frame = _renamed(tables.to_pandas(name, table, keep_key=True), renames).drop(columns=[tables.KEY])
    return frame if key is None else rows_in(frame, ids, key=key)


def _all_in(values: pa.ChunkedArray, value_set: pa.Array) -> bool:
    """True when every value of ``values`` is in ``value_set``: for a dictionary column, its
    dictionaries' values are looked up (a few per document) instead of every row's."""
    if values.null_count:
        return False
    chunks = [chunk.dictionary for chunk in values.chunks] if pa.types.is_dictionary(values.type) else values.chunks
    return all(pc.all(pc.is_in(chunk, value_set=value_set)).as_py() is not False for chunk in chunks)


def _ordered(pieces: list[pa.Table], rank: dict[str, int]) -> pa.Table | None:
    """The rows of kept entries, in the order of their files (a stable sort by the file's rank).

    The table itself when its rows already are (checked a chunk at a time: no array per row of the
    whole table); else filtered and sorted.
    """
    if not pieces:
        return None
    table = tables.concat(pieces)
    previous = 0  # a rank below it (or -1: a file not kept) means the rows must be filtered or sorted
    for chunk in table[tables.KEY].chunks:
        ranks = _chunk_ranks(chunk, rank)
        if len(ranks) and (ranks[0] < previous or (np.diff(ranks) < 0).any()):
            break
        previous = ranks[-1] if len(ranks) else previous
    else:
        return table
    row_rank = np.concatenate([_chunk_ranks(chunk, rank) for chunk in table[tables.KEY].chunks])
    keep = row_rank >= 0
    if not keep.all():
        table, row_rank = table.filter(keep), row_rank[keep]
    if len(row_rank) and (np.diff(row_rank) < 0).any():
        table = table.take(np.argsort(row_rank, kind="stable"))
    return table


def _chunk_ranks(chunk: pa.DictionaryArray, rank: dict[str, int]) -> np.ndarray:
    """The rank of each row's file in one chunk of the key column (-1: a file not kept)."""
    lookup = np.array([rank.get(k, -1) for k in chunk.dictionary.to_pylist()], dtype=np.int32)
    return lookup[chunk.indices.to_numpy(zero_copy_only=False)]


def _renamed(frame: pd.DataFrame, renames: dict[str, dict]) -> pd.DataFrame:
    """``frame`` with the doc_ids of renamed files (and the ids built on them) replaced."""
    if not renames or frame.empty:
        return frame
    mask = frame[tables.KEY].isin(list(renames)).to_numpy()
    if not mask.any():
        return frame
    frame = frame.copy()
    keys = frame.loc[mask, tables.KEY].astype(str)
    for column in ("doc_id", "seg_id", "parent", "sent_id"):
        if column not in frame.columns:
            continue
        values = frame[column].astype(object)
        rename = (lambda v, m: m.get(v, v)) if column == "doc_id" else _rename
        values[mask] = [rename(v, renames[k]) for v, k in zip(values[mask], keys)]
        frame[column] = values.astype(frame[column].dtype if frame[column].dtype != "category" else "category")
    return frame


def _unique_ids(doc_ids: list[str], used: set[str]) -> dict:
    renames = {}
    for doc_id in doc_ids:
        new, n = doc_id, 2
        while new in used:
            new, n = f"{doc_id}-{n}", n + 1
        used.add(new)
        if new != doc_id:
            renames[doc_id] = new
    return renames


def _rename(value, renames: dict) -> object:
    if not isinstance(value, str):
        return value
    head, sep, tail = value.partition(":")
    return renames.get(head, head) + sep + tail if sep else value
