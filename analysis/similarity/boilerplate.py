"""Boilerplate: text so many documents hold that reuse lists it once per document, not pair by pair.

Two kinds (:mod:`analysis.similarity.reuse`): shingles held by more than ``max_docs`` documents
(never paired: the self-join's cost stays linear), and maximal passages whose wording (masked
text) more than ``max_wording_docs`` documents hold (g documents would give g·(g-1)/2 pair rows).
A document's pieces of both kinds merge into maximal spans, one row each, with the most documents
any piece is held by. The labels (template, ``shared by N documents``) are
:func:`analysis.similarity.template.shared_by_many`'s.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.similarity.streams import Stream


def common_passages(
    streams: list[Stream],
    index: pd.DataFrame,
    sources: dict[str, str],
    *,
    k: int = 12,
    max_docs: int,
    wording: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Boilerplate handled once: each document's spans of text held by more than ``max_docs`` documents.

    A span is the union of overlapping or touching pieces of boilerplate: shingles of ``index``
    held by more than ``max_docs`` documents, and the ``wording`` spans (from
    :func:`split_common_wording`: passages whose wording many documents hold). One row per
    document and maximal span — not one per pair of documents — so text that hundreds of reports
    repeat costs O(its length) here.

    Returns
    -------
    DataFrame
        doc_id, start, end (offsets into the source file), n_units, n_docs (the most documents
        any piece of the span is held by), masked, text (``source[start:end]``), unit_a (first
        unit index; internal).
    """
    cols = ["doc_id", "start", "end", "n_units", "n_docs", "masked", "text", "unit_a"]
    common = index[index.n_docs > max_docs]
    pieces = pd.DataFrame({"doc": common.doc, "unit": common.pos, "n_units": k, "n_docs": common.n_docs})
    if wording is not None and len(wording):
        pieces = pd.concat([pieces, wording[pieces.columns]], ignore_index=True)
    if pieces.empty:
        return pd.DataFrame(columns=cols)
    doc, u0, length, held = (pieces[c].to_numpy(np.int64) for c in pieces.columns)
    u1 = u0 + length
    order = np.lexsort((u0, doc))
    doc, u0, u1, held = doc[order], u0[order], u1[order], held[order]
    offset = doc * (int(u1.max()) + 1)  # documents far apart: one running maximum serves all
    reach = np.maximum.accumulate(u1 + offset) - offset  # furthest end so far within the document
    new = np.ones(len(doc), dtype=bool)
    new[1:] = (doc[1:] != doc[:-1]) | (u0[1:] > reach[:-1])
    first = np.flatnonzero(new)
    last = np.append(first[1:], len(doc)) - 1
    most = np.maximum.reduceat(held, first)
    rows = []
    for g, (i, j) in enumerate(zip(first.tolist(), last.tolist())):
        s = streams[int(doc[i])]
        a, b = int(u0[i]), int(reach[j])
        start, end = int(s.starts[a]), int(s.ends[b - 1])
        rows.append((s.doc_id, start, end, b - a, int(most[g]), s.text(a, b), sources[s.doc_id][start:end], a))
    return pd.DataFrame(rows, columns=cols)


def split_common_wording(passages: pd.DataFrame, *, max_docs: int | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Passages whose wording more than ``max_docs`` documents hold, taken out of the pairs.

    A maximal passage's wording (its masked text) found in g documents gives up to g·(g-1)/2
    pairs; above ``max_docs`` documents it is boilerplate, listed once per document by
    :func:`common_passages` instead. The count is of the documents where this exact passage was
    found with some other document (a document whose passage with every partner is longer is
    not counted), so it is a lower bound.

    Parameters
    ----------
    passages : DataFrame
        From :func:`analysis.similarity.reuse.passage_units`.

    Returns
    -------
    (pairs, wording) : tuple of DataFrame
        ``passages`` without those rows; and one row per document and span of the removed
        wording: doc (index into the streams), unit (first unit), n_units, n_docs.
    """
    cols = ["doc", "unit", "n_units", "n_docs"]
    if max_docs is None or passages.empty:
        return passages, pd.DataFrame(columns=cols, dtype=np.int64)
    wording, _ = pd.factorize(passages.masked)
    a, b = passages.a.to_numpy(np.int64), passages.b.to_numpy(np.int64)
    holders = pd.DataFrame({"w": np.concatenate([wording, wording]), "doc": np.concatenate([a, b])}).drop_duplicates()
    n_docs = np.bincount(holders.w.to_numpy(), minlength=wording.max() + 1)[wording]
    many = n_docs > max_docs
    spans = pd.DataFrame(
        {
            "doc": np.concatenate([a[many], b[many]]),
            "unit": np.concatenate(
                [passages.unit_a.to_numpy(np.int64)[many], passages.unit_b.to_numpy(np.int64)[many]]
            ),
            "n_units": np.tile(passages.n_units.to_numpy(np.int64)[many], 2),
            "n_docs": np.tile(n_docs[many], 2),
        }
    ).drop_duplicates(["doc", "unit", "n_units"])
    return passages[~many].reset_index(drop=True), spans.reset_index(drop=True)
