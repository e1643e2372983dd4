"""Text reuse: passages two documents share nearly verbatim, with offsets in both source files.

Masking (the documented normalisation, :mod:`analysis.similarity.streams`)
-------------------------------------------------------------------------
Matching runs on a *unit stream* read straight from the decoded source file:

* every place name (county, its aliases, prefecture and province names from
  ``corpus.counties()``, and the corpus's own places; at each position the longest) becomes one
  unit ``@``, so a passage copied with the county's name swapped is still one passage;
* every Arabic number (``2025``, ``95.5``, full-width digits too) and every bracketed
  Chinese ordinal (``（十七）``, ``(三)``) becomes one unit ``#``;
* every other Chinese character is one unit; everything else (punctuation, whitespace,
  Latin letters, markup) is ignored.

:func:`mask_text` (with the corpus's :class:`Masker`) applies exactly this to any string, so for every reported passage
``mask_text(source_a[start_a:end_a]) == mask_text(source_b[start_b:end_b]) == masked``.
Only units inside the document's body tokens are kept; a unit outside them (a removed
responsibility clause, front matter, a page number) breaks the stream, so no passage
spans removed text.

Algorithm and cost
------------------
1. Shingle: a 64-bit polynomial hash of every window of ``k`` units (default 12) —
   O(total units), vectorised.
2. Candidate filter: an inverted index (a self-join on the hash by one sort) yields seed
   pairs (doc_a, pos_a, doc_b, pos_b) only where a shingle is shared; unrelated
   document pairs cost nothing. A shingle held by g documents gives g² seeds, so
   **boilerplate** — shingles held by more than ``max_docs`` documents (default 50) — is
   not paired: :func:`common_passages` lists it once per document (table ``common``), and
   the self-join costs at most ``max_docs`` seeds per shingle occurrence.
3. Extension: seeds on one diagonal (pos_a - pos_b) with consecutive positions merge
   into a run; the run is checked exactly and extended left and right while units
   agree, giving maximal passages — all runs at once in numpy, one unit step per pass
   over the runs still extending. Order of sections is irrelevant (reordered
   sections give different diagonals).
4. Boilerplate passages: a maximal passage whose wording (masked text) more than
   ``max_wording_docs`` documents hold (default 10) would be listed once per pair of them; it
   joins the ``common`` table instead, once per document (:func:`split_common_wording`). On
   synthetic national corpora this is most passages (1,000 reports: 514k pair rows of 73k
   distinct wordings), so the table of pairs holds what two documents alone share.
5. Template or borrowing: :mod:`analysis.similarity.template` labels each passage by
   whether a higher-level reference text holds it.

Total cost: O(N) to shingle N units, plus O(S log S) for S <= max_docs · N seeds, plus
O(P·k) to extend P passages: linear in the corpus for a fixed ``max_docs`` — plus the
passages themselves, which grow with the number of document pairs that share text (at most
``max_wording_docs``² / 2 pair rows per wording are kept). Why not
MinHash/LSH on whole documents: a 50-character passage shared by two 10,000-character
reports gives a Jaccard near 0.005, far below any workable LSH threshold, so candidates
would be lost; the exact shingle index with boilerplate capped finds every shared
passage and stays linear. Measured in ``benchmarks/bench_national.py`` and
``docs/benchmarks.md``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.similarity.boilerplate import common_passages, split_common_wording
from analysis.similarity.seeds import diagonal_runs, extend_runs, flat, seed_blocks, shingle_index
from analysis.similarity.streams import Masker, Stream, corpus_streams, mask_names

# Text held by more documents than this is boilerplate, handled once per document (not pairwise):
# shingles (the self-join's cost cap) and whole passages (the wording of a maximal passage).
MAX_DOCS = 50
MAX_WORDING_DOCS = 10


def find_reuse(
    streams: list[Stream],
    sources: dict[str, str],
    *,
    k: int = 12,
    min_len: int = 15,
    max_occurrences: int | None = None,
    max_docs: int | None = None,
    max_wording_docs: int | None = None,
    index: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Maximal passages shared by pairs of documents.

    Parameters
    ----------
    streams : list of Stream
        One per document (:func:`char_stream`); pairs follow this order (doc_a before doc_b).
    sources : dict
        doc_id -> decoded source text (for the verbatim ``text``/``text_b`` columns).
    k : int, keyword-only
        Shingle length in units (candidate filter).
    min_len : int, keyword-only
        Shortest passage reported, in units; must be >= ``k``.
    max_occurrences : int, optional, keyword-only
        Ignore shingles occurring more often than this in the whole corpus.
    max_docs : int, optional, keyword-only
        Shingles held by more documents than this are boilerplate, not paired (see
        :func:`common_passages`); default: every shared shingle is paired.
    max_wording_docs : int, optional, keyword-only
        Passages whose wording more documents hold are boilerplate, left out
        (:func:`split_common_wording`); default: none is left out.
    index : DataFrame, optional, keyword-only
        A :func:`shingle_index` of ``streams`` already built (saves building it twice).

    Returns
    -------
    DataFrame
        doc_a, doc_b, start_a, end_a, start_b, end_b (offsets into the source files),
        n_units (passage length in masked units), masked (the masked passage),
        text (``source_a[start_a:end_a]``), text_b (``source_b[start_b:end_b]``),
        unit_a, unit_b (first unit index in each stream; internal, for coverage).
    """
    found = passage_units(
        streams, k=k, min_len=min_len, max_occurrences=max_occurrences, max_docs=max_docs, index=index
    )
    found, _ = split_common_wording(found, max_docs=max_wording_docs)
    return passage_table(found, streams, sources)


def passage_units(
    streams: list[Stream],
    *,
    k: int = 12,
    min_len: int = 15,
    max_occurrences: int | None = None,
    max_docs: int | None = None,
    index: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The passages of :func:`find_reuse` in units: a, b (indices into ``streams``), unit_a,
    unit_b, n_units, masked — before any offset or verbatim text is looked up."""
    if k < 2 or min_len < k:
        raise ValueError(f"need 2 <= k <= min_len, got k={k}, min_len={min_len}")
    index = shingle_index(streams, k=k) if index is None else index
    codes, offset = flat([s.codes for s in streams])
    found = []
    for seeds in seed_blocks(index, max_occurrences=max_occurrences, max_docs=max_docs):
        runs = diagonal_runs(seeds)
        del seeds
        a, b = runs.a.to_numpy(np.int64), runs.b.to_numpy(np.int64)
        i, j, n = extend_runs(
            codes,
            offset,
            a,
            b,
            runs.pos_a.to_numpy(np.int64),
            runs.pos_b.to_numpy(np.int64),
            runs.n_windows.to_numpy(np.int64) + k - 1,
        )
        keep = n >= min_len
        found.append((a[keep], b[keep], i[keep], j[keep], n[keep]))
    a, b, i, j, n = (np.concatenate([f[x] for f in found]) if found else np.empty(0, np.int64) for x in range(5))
    a, b, i, j, n = _distinct_passages(a, b, i, j, n, min_len=min_len, streams=streams)
    masked = [streams[x].masked[y : y + m] for x, y, m in zip(a.tolist(), i.tolist(), n.tolist())]
    return pd.DataFrame(
        {"a": a, "b": b, "unit_a": i, "unit_b": j, "n_units": n, "masked": pd.Series(masked, dtype=object)}
    )


def passage_table(found: pd.DataFrame, streams: list[Stream], sources: dict[str, str]) -> pd.DataFrame:
    """:func:`passage_units` with documents named and offsets and verbatim texts looked up (see :func:`find_reuse`)."""
    a, b = found.a.to_numpy(np.int64), found.b.to_numpy(np.int64)
    i, j, n = (found[c].to_numpy(np.int64) for c in ("unit_a", "unit_b", "n_units"))
    starts, offset = flat([s.starts for s in streams])
    ends, _ = flat([s.ends for s in streams])
    s_a, e_a = starts[offset[a] + i], ends[offset[a] + i + n - 1]
    s_b, e_b = starts[offset[b] + j], ends[offset[b] + j + n - 1]
    ids = np.array([s.doc_id for s in streams], dtype=object)
    rows = {
        "doc_a": ids[a],
        "doc_b": ids[b],
        "start_a": s_a,
        "end_a": e_a,
        "start_b": s_b,
        "end_b": e_b,
        "n_units": n,
        "masked": found.masked.to_numpy(object),
        "text": [sources[ids[x]][y:z] for x, y, z in zip(a.tolist(), s_a.tolist(), e_a.tolist())],
        "text_b": [sources[ids[x]][y:z] for x, y, z in zip(b.tolist(), s_b.tolist(), e_b.tolist())],
        "unit_a": i,
        "unit_b": j,
    }
    return pd.DataFrame(rows).astype({c: np.int64 for c in rows if c.startswith(("start", "end", "n_", "unit"))})


def _distinct_passages(a, b, i, j, n, *, min_len: int, streams: list[Stream]) -> tuple:
    """Passages of at least ``min_len`` units, each once, sorted by (doc_a, doc_b, start) — in numpy.

    Runs of one diagonal may extend to one passage (duplicates dropped, first kept); the order is
    that of a stable sort on the doc_ids (as strings) and the passage's first unit in doc_a (its
    start offset grows with it), so the table is built once, already in order.
    """
    keep = np.flatnonzero(n >= min_len)
    a, b, i, j, n = a[keep], b[keep], i[keep], j[keep], n[keep]
    same = np.lexsort((n, j, i, b, a))  # stable: a duplicate comes after its first occurrence
    first = np.ones(len(same), dtype=bool)
    step = (np.diff(a[same]) != 0) | (np.diff(b[same]) != 0) | (np.diff(i[same]) != 0)
    first[1:] = step | (np.diff(j[same]) != 0) | (np.diff(n[same]) != 0)
    keep = np.sort(same[first])  # first occurrences, in their original order
    a, b, i, j, n = a[keep], b[keep], i[keep], j[keep], n[keep]
    rank = np.empty(len(streams), np.int64)  # each stream's place in the order of its doc_id
    rank[np.argsort(np.array([s.doc_id for s in streams], dtype=object), kind="stable")] = np.arange(len(streams))
    order = np.lexsort((i, rank[b], rank[a]))
    return a[order], b[order], i[order], j[order], n[order]


def reuse_share(passages: pd.DataFrame, streams: list[Stream], *, all_pairs: bool | None = None) -> pd.DataFrame:
    """Directional coverage: share of doc_a's units inside passages shared with doc_b.

    Parameters
    ----------
    passages : DataFrame
        From :func:`find_reuse`.
    streams : list of Stream
    all_pairs : bool, optional, keyword-only
        List every ordered pair of different documents (zeros included) or only pairs
        sharing at least one passage; default: every pair up to 100 documents.

    Returns
    -------
    DataFrame
        doc_a, doc_b, n_units_a (units in doc_a), covered_units (units of doc_a in
        passages shared with doc_b), share_pct (100 · covered_units / n_units_a), n_passages.
    """
    if all_pairs is None:
        all_pairs = len(streams) <= 100
    order = pd.Index([s.doc_id for s in streams])
    n_units = np.array([s.n_units for s in streams], dtype=np.int64)
    doc_a = order.get_indexer(passages.doc_a.astype(str)).astype(np.int64)
    doc_b = order.get_indexer(passages.doc_b.astype(str)).astype(np.int64)
    a, b = np.concatenate([doc_a, doc_b]), np.concatenate([doc_b, doc_a])
    first = np.concatenate([passages.unit_a.to_numpy(np.int64), passages.unit_b.to_numpy(np.int64)])
    length = np.concatenate([passages.n_units.to_numpy(np.int64)] * 2)
    covered, n_pass, pair_a, pair_b = _union_lengths(a * len(streams) + b, first, length, len(streams))
    if all_pairs:
        grid_a, grid_b = np.divmod(np.arange(len(streams) ** 2), len(streams))
        keep = grid_a != grid_b
        full_cov = np.zeros(len(streams) ** 2, np.int64)
        full_pass = np.zeros(len(streams) ** 2, np.int64)
        full_cov[pair_a * len(streams) + pair_b] = covered
        full_pass[pair_a * len(streams) + pair_b] = n_pass
        pair_a, pair_b, covered, n_pass = grid_a[keep], grid_b[keep], full_cov[keep], full_pass[keep]
    ids = np.array([s.doc_id for s in streams], dtype=object)
    units = n_units[pair_a]
    share = np.divide(100.0 * covered, units, out=np.zeros(len(units)), where=units > 0)
    return pd.DataFrame(
        {
            "doc_a": ids[pair_a] if len(ids) else [],
            "doc_b": ids[pair_b] if len(ids) else [],
            "n_units_a": units,
            "covered_units": covered,
            "share_pct": share,
            "n_passages": n_pass,
        }
    )


def _union_lengths(pair: np.ndarray, first: np.ndarray, length: np.ndarray, n_docs: int) -> tuple:
    """Per pair id, the length of the union of intervals [first, first + length) and their count.

    Vectorised: intervals sorted by (pair, first); a running maximum of the ends within each pair
    (pairs offset far apart so one global ``maximum.accumulate`` serves all) tells how much of each
    interval is new. Returns (covered, n_intervals, doc index a, doc index b) per pair present,
    pairs in (a, b) order.
    """
    if len(pair) == 0:
        empty = np.empty(0, np.int64)
        return empty, empty, empty, empty
    order = np.lexsort((first, pair))
    pair, start = pair[order], first[order]
    end = start + length[order]
    offset = (pair - pair.min()) * (int(end.max()) + 1)
    reach = np.maximum.accumulate(end + offset) - offset  # furthest end so far within the pair
    new_pair = np.ones(len(pair), dtype=bool)
    new_pair[1:] = pair[1:] != pair[:-1]
    before = np.where(new_pair, start, np.concatenate([[0], reach[:-1]]))
    gained = np.maximum(0, end - np.maximum(start, before))
    firsts = np.nonzero(new_pair)[0]
    covered = np.add.reduceat(gained, firsts)
    counts = np.diff(np.append(firsts, len(pair)))
    pair_a, pair_b = np.divmod(pair[firsts], n_docs)
    return covered, counts, pair_a, pair_b


def reuse(
    c,
    *,
    k: int = 12,
    min_len: int = 15,
    max_occurrences: int | None = None,
    max_docs: int | None = MAX_DOCS,
    max_wording_docs: int | None = MAX_WORDING_DOCS,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Shared passages and directional shares of a corpus.

    Returns
    -------
    (passages, shares) : tuple of DataFrame
        See :func:`find_reuse` and :func:`reuse_share`; both carry ``k`` and ``min_len``
        columns recording the parameters. Boilerplate (more than ``max_docs`` documents hold a
        shingle, more than ``max_wording_docs`` a passage's wording) is left to
        :func:`reuse_tables`' ``common`` table.
    """
    tables = reuse_tables(
        c, k=k, min_len=min_len, max_occurrences=max_occurrences, max_docs=max_docs, max_wording_docs=max_wording_docs
    )
    return tables["passages"], tables["shares"]


def reuse_tables(
    c,
    *,
    k: int = 12,
    min_len: int = 15,
    max_occurrences: int | None = None,
    max_docs: int | None = MAX_DOCS,
    max_wording_docs: int | None = MAX_WORDING_DOCS,
) -> dict:
    """Shared passages, directional shares and boilerplate of a corpus, each computed once.

    Parameters
    ----------
    max_docs : int or None, keyword-only
        A shingle held by more documents than this (default :data:`MAX_DOCS`) is boilerplate:
        never paired (the self-join's cost stays linear), listed once per document in ``common``.
    max_wording_docs : int or None, keyword-only
        A passage whose wording more documents than this hold (default :data:`MAX_WORDING_DOCS`)
        is boilerplate too: listed once per document in ``common`` instead of once per pair of
        documents (:func:`split_common_wording`). None for either pairs everything.

    Returns
    -------
    dict
        ``passages`` (:func:`find_reuse`), ``shares`` (:func:`reuse_share`: shares of the paired
        passages; boilerplate is not counted), ``common`` (:func:`common_passages`; empty when
        nothing is that common), ``streams`` (the unit streams), ``masker`` (their
        :class:`~analysis.similarity.streams.Masker`). The tables carry ``k`` and ``min_len`` columns.
    """
    masker = Masker(mask_names(c))
    streams = corpus_streams(c, masker=masker)
    sources = {s.doc_id: c.source_text(s.doc_id) for s in streams}
    index = shingle_index(streams, k=k)
    found = passage_units(
        streams, k=k, min_len=min_len, max_occurrences=max_occurrences, max_docs=max_docs, index=index
    )
    found, wording = split_common_wording(found, max_docs=max_wording_docs)
    passages = passage_table(found, streams, sources)
    del found
    shares = reuse_share(passages, streams)
    boilerplate = index if max_docs is not None else index.iloc[:0]
    common = common_passages(streams, boilerplate, sources, k=k, max_docs=max_docs or 0, wording=wording)
    for table in (passages, shares, common):
        table["k"], table["min_len"] = k, min_len
    return {"passages": passages, "shares": shares, "common": common, "streams": streams, "masker": masker}
