"""The ``Corpus``: one immutable object holding documents, their docvars and derived tables.

Everything downstream asks the Corpus: a table that needs a county or a year gets it with
:meth:`Corpus.attach` instead of merging ``documents`` by hand, and nothing re-infers
metadata. Methods never change the object; they return a new one (``subset``, ``body``,
``with_docvars``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .clean import simplified_view
from .read import read_source
from .tokenize import Tokenizer

DERIVED = ("segments", "responsibilities", "sentences", "tokens")
# Docvars a researcher cannot replace with ``with_docvars`` (they identify the text).
PROTECTED = frozenset({"doc_id", "source_file", "sha256", "start", "end"})


class Pending:
    """A table made on first use: a warm load converts the cache's Arrow tables only when asked.

    ``rows`` is the number of rows when known without making the table (for ``repr``);
    ``where(key, ids)``, when given, makes only the rows whose ``key`` is in ``ids`` (filtered
    before conversion), so a subset or the body never makes the whole table.
    """

    def __init__(
        self,
        make: Callable[[], pd.DataFrame],
        rows: int | None = None,
        where: Callable[[str, set], pd.DataFrame] | None = None,
    ) -> None:
        self.make = make
        self.rows = rows
        self.where = where


class _Table:
    """A Corpus table that may stay ``Pending`` until it is first read (then kept)."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.slot = f"_{name}_table"

    def __get__(self, obj: Any, objtype: type | None = None) -> pd.DataFrame:
        if obj is None:
            raise AttributeError(self.slot)  # no class-level default: the field is required
        value = obj.__dict__[self.slot]
        if isinstance(value, Pending):
            value = value.make()
            obj.__dict__[self.slot] = value
        return value

    def __set__(self, obj: Any, value: pd.DataFrame | Pending) -> None:
        obj.__dict__[self.slot] = value

    def raw(self, obj: Any) -> pd.DataFrame | Pending:
        return obj.__dict__[self.slot]


@dataclass(frozen=True, eq=False, kw_only=True)
class Corpus:
    """Documents with docvars and their derived tables; see :mod:`corpus` for the columns.

    Build it with :func:`corpus.load`. The object is frozen; treat its tables as read-only
    (methods return new objects with filtered copies). The derived tables are made on first
    use (a loaded corpus holds them as Arrow until then; ``subset`` and ``body`` stay lazy).
    """

    documents: pd.DataFrame
    segments: pd.DataFrame = _Table()
    responsibilities: pd.DataFrame = _Table()
    sentences: pd.DataFrame = _Table()
    tokens: pd.DataFrame = _Table()
    problems: pd.DataFrame
    tokenizer: Tokenizer | None
    folder: Path
    files: dict = field(default_factory=dict, repr=False, compare=False)
    _texts: dict = field(default_factory=dict, repr=False, compare=False)
    # What this (immutable) corpus derives once: its body, the doc_ids read as simplified. Not an
    # init field, so a new Corpus made from this one (``_replace``) starts without it.
    _memo: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    @classmethod
    def from_tables(
        cls,
        *,
        segments: pd.DataFrame,
        documents: pd.DataFrame | None = None,
        sentences: pd.DataFrame | None = None,
        tokens: pd.DataFrame | None = None,
        responsibilities: pd.DataFrame | None = None,
        texts: dict[str, str] | None = None,
    ) -> Corpus:
        """A Corpus from tables a researcher (or a test) already has, without source files.

        ``documents`` defaults to one row per doc_id of ``segments``; ``texts`` maps doc_id to the
        text that offsets index (default: none, ``source_text`` then raises).
        """
        if documents is None:
            documents = pd.DataFrame({"doc_id": list(dict.fromkeys(segments["doc_id"]))})
        empty = pd.DataFrame(columns=["doc_id", "seg_id"])
        files = {doc_id: (Path(doc_id), text) for doc_id, text in (texts or {}).items()}
        return cls(
            documents=documents,
            segments=segments,
            sentences=empty if sentences is None else sentences,
            tokens=empty if tokens is None else tokens,
            responsibilities=empty if responsibilities is None else responsibilities,
            problems=pd.DataFrame(columns=["file", "problem"]),
            tokenizer=None,
            folder=Path("."),
            files=files,
        )

    def __len__(self) -> int:
        return len(self.documents)

    def __repr__(self) -> str:
        counts = {name: self._rows(name) for name in ("segments", "sentences", "tokens")}
        return (
            f"Corpus({len(self.documents)} documents, {counts['segments']} segments, "
            f"{counts['sentences']} sentences, {counts['tokens']} tokens, folder={str(self.folder)!r})"
        )

    def _rows(self, name: str) -> str:
        value = _raw(self, name)
        if isinstance(value, Pending):
            return "?" if value.rows is None else str(value.rows)
        return str(len(value))

    @property
    def doc_ids(self) -> list[str]:
        """The documents' ids in corpus order."""
        return self.documents["doc_id"].tolist()

    # --- the source text --------------------------------------------------------------
    def source_text(self, doc_id: str) -> str:
        """Decoded text of the file holding ``doc_id``; all offsets index this string."""
        if doc_id not in self.files:
            raise KeyError(f"doc_id {doc_id!r} is not in this corpus; known: {self.doc_ids}")
        path, text = self.files[doc_id]
        if path not in self._texts:
            self._texts[path] = text if text is not None else read_source(path).text
        return self._texts[path]

    def source_view(self, doc_id: str) -> str:
        """The source text as analyses match it: traditional characters simplified one for one.

        Same length as :meth:`source_text`, so offsets found in the view index the source; quote
        from :meth:`source_text`. Identical to it for a document written in simplified Chinese.
        """
        text = self.source_text(doc_id)
        return simplified_view(text, simplify=True) if doc_id in self.simplified_ids else text

    @property
    def simplified_ids(self) -> frozenset[str]:
        """doc_ids of the documents written in traditional characters, which analyses match through
        :meth:`source_view` (the ``simplified`` docvar; looked up once per corpus, not per call)."""
        if "simplified" not in self._memo:
            flags = self.documents.get("simplified", pd.Series(False, index=self.documents.index))
            self._memo["simplified"] = frozenset(self.documents.loc[flags.fillna(False).astype(bool), "doc_id"])
        return self._memo["simplified"]

    def quote(self, doc_id: str, start: int, end: int) -> str:
        """The verbatim source text at ``[start, end)`` of ``doc_id``'s file."""
        return self.source_text(doc_id)[start:end]

    # --- docvars ----------------------------------------------------------------------
    def docvar(self, name: str) -> pd.Series:
        """One docvar as a Series indexed by doc_id (e.g. ``c.docvar("county")``)."""
        if name not in self.documents.columns:
            raise KeyError(f"docvar {name!r} not in the corpus; known: {list(self.documents.columns)}")
        return self.documents.set_index("doc_id")[name]

    def attach(self, table: pd.DataFrame, *names: str, on: str = "doc_id", suffix: str = "") -> pd.DataFrame:
        """``table`` with docvars ``names`` added as columns, looked up by its ``on`` column.

        The one place where tables learn a document's county, year or type. ``on`` may name
        any column holding doc_ids; ``suffix`` names the new columns (a pair table gets both
        counties with ``attach(t, "county", on="doc_a", suffix="_a")`` and ``on="doc_b",
        suffix="_b"``). Existing columns are kept.
        """
        out = table.copy()
        for name in names:
            column = f"{name}{suffix}"
            if column not in out.columns:
                out[column] = _lookup(out[on], self.docvar(name)) if len(out) else pd.Series(dtype=object)
        return out

    def summary(self) -> pd.DataFrame:
        """One row per document with ``SUMMARY_COLUMNS`` (what ``python -m corpus summary`` prints)."""
        from .metadata import SUMMARY_COLUMNS

        docs = self.documents.reindex(columns=SUMMARY_COLUMNS).copy()
        for column in ("year_start", "year_end"):
            docs[column] = docs[column].astype("Int64")
        return docs

    # --- new corpora --------------------------------------------------------------------
    def subset(self, doc_ids: Iterable[str] | None = None, /, **docvars: Any) -> Corpus:
        """The documents whose docvars match, with their derived tables.

        ``c.subset(doc_type="report", year=2023)``: a value matches equal values, a list or
        set any of its members; ``year`` matches documents whose ``year_start``–``year_end``
        covers it. A positional list of doc_ids keeps those documents.
        """
        docs = self.documents
        keep = pd.Series(True, index=docs.index)
        if doc_ids is not None:
            keep &= docs["doc_id"].isin(set(doc_ids))
        for name, value in docvars.items():
            keep &= self._match(name, value)
        return self._restrict(docs.loc[keep, "doc_id"])

    def _match(self, name: str, value: Any) -> pd.Series:
        docs = self.documents
        if name == "year":
            years = set(value) if isinstance(value, (list, set, tuple)) else {value}
            start, end = docs["year_start"], docs["year_end"].fillna(docs["year_start"])
            return pd.Series(
                [any(s <= y <= e for y in years) if pd.notna(s) else False for s, e in zip(start, end)],
                index=docs.index,
            )
        if name not in docs.columns:
            allowed = ["year", *docs.columns]
            raise ValueError(f"subset: unknown docvar {name!r}; allowed: {allowed}")
        if isinstance(value, (list, set, tuple, frozenset)):
            return docs[name].isin(list(value))
        return docs[name] == value

    def _restrict(self, doc_ids: pd.Series) -> Corpus:
        ids = set(doc_ids)
        tables = {name: self._derive(name, ids) for name in DERIVED}
        files = {d: f for d, f in self.files.items() if d in ids}
        return _replace(self, documents=rows_in(self.documents, ids), files=files, **tables)

    def _derive(self, name: str, ids: set, key: str = "doc_id") -> pd.DataFrame | Pending:
        """Table ``name`` restricted to ``ids`` of ``key``: now if it is made, else when first used
        (then from the cache's rows directly when it can: the whole table is not made)."""
        raw = _raw(self, name)
        if isinstance(raw, Pending) and raw.where is not None:
            return Pending(partial(raw.where, key, ids))
        if isinstance(raw, Pending):
            return Pending(lambda: rows_in(getattr(self, name), ids, key=key))
        return rows_in(raw, ids, key=key)

    def body(self) -> Corpus:
        """The documents' bodies: the one definition of body text.

        Segments of front and back matter (title, 文号, signature, page chrome) are left out;
        responsibility clauses are never part of segment text, sentences or tokens. Made once per
        corpus and shared by every caller: its tables are read-only (copy before changing one).
        """
        if self.segments.empty:
            return self
        if "body" not in self._memo:  # made once: every analysis asks for it
            segments = self.segments[self.segments["in_body"].astype(bool)]
            ids = set(segments["seg_id"])
            tables = {name: self._derive(name, ids, key="seg_id") for name in DERIVED[1:]}
            self._memo["body"] = _replace(self, segments=segments, **tables)
        return self._memo["body"]

    def with_docvars(self, table: pd.DataFrame, *, on: str = "doc_id") -> Corpus:
        """A new Corpus whose documents carry the researcher's own columns from ``table``.

        ``on`` is ``"doc_id"`` or another docvar such as ``"county"`` (one row per value,
        e.g. GDP per county). A column that already exists is an error, not overwritten.
        """
        if on not in table.columns or on not in self.documents.columns:
            raise ValueError(f"with_docvars: column {on!r} must be in both the table and the documents")
        clash = sorted((set(table.columns) - {on}) & (set(self.documents.columns) | PROTECTED))
        if clash:
            raise ValueError(f"with_docvars: column(s) {clash} already exist as docvars; rename them")
        if table[on].duplicated().any():
            dupes = table.loc[table[on].duplicated(), on].tolist()[:5]
            raise ValueError(f"with_docvars: {on!r} values repeat in the table: {dupes}")
        documents = self.documents.merge(table, on=on, how="left")
        return _replace(self, documents=documents)


def _raw(corpus: Corpus, name: str) -> Any:
    """A field's value as stored (a table not made yet stays ``Pending``)."""
    attribute = type(corpus).__dict__.get(name)
    return attribute.raw(corpus) if isinstance(attribute, _Table) else getattr(corpus, name)


def _replace(corpus: Corpus, **changes: Any) -> Corpus:
    """``dataclasses.replace`` that keeps tables not made yet pending."""
    values = {f.name: _raw(corpus, f.name) for f in fields(corpus) if f.init}
    return type(corpus)(**{**values, **changes})


def _lookup(keys: pd.Series, values: pd.Series) -> pd.Series:
    """``values[key]`` for every key, as a plain column also when ``keys`` is categorical."""
    if isinstance(keys.dtype, pd.CategoricalDtype):
        per_category = pd.Series(keys.cat.categories).map(values).to_numpy(dtype=object)
        codes = keys.cat.codes.to_numpy()
        looked_up = np.where(codes >= 0, per_category[codes], None)
        return pd.Series(looked_up, index=keys.index).infer_objects()
    return keys.map(values)


def rows_in(table: pd.DataFrame, ids: set, *, key: str = "doc_id") -> pd.DataFrame:
    """The rows of ``table`` whose ``key`` is in ``ids``; categoricals keep only the values left."""
    if table.empty or key not in table.columns:
        return table
    rows = table[table[key].isin(ids)].reset_index(drop=True)
    for column in rows.columns:
        if isinstance(rows[column].dtype, pd.CategoricalDtype):
            rows[column] = rows[column].cat.remove_unused_categories()
    return rows
