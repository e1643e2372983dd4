"""Seeds of text reuse: shared shingles, the pairs of positions they give, and maximal passages.

The candidate filter and the exact extension of :mod:`analysis.similarity.reuse`, in numpy:
one sort of the shingle hashes counts the documents holding each shingle and yields every pair
of positions sharing one (no hash join); seeds on one diagonal merge into runs (one sort on a
packed key); all runs are checked exactly and extended to maximal matches at once.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.similarity.streams import BREAK, Stream, shingle_hashes


def shingle_index(streams: list[Stream], *, k: int = 12) -> pd.DataFrame:
    """Every shingle of every stream, with the number of documents it occurs in.

    Returns
    -------
    DataFrame
        h (uint64 hash), doc (index into ``streams``), pos (window start), n_docs (documents
        holding the shingle); only shingles held by two or more documents.
    """
    parts = [shingle_hashes(stream.codes, k) for stream in streams]
    if not parts:
        return pd.DataFrame({"h": [], "doc": [], "pos": [], "n_docs": []})
    h = np.concatenate([p[0] for p in parts])
    doc = np.repeat(np.arange(len(parts), dtype=np.int32), [len(p[0]) for p in parts])
    order = np.argsort(h, kind="stable")  # one sort; documents stay in order within a hash
    hs, ds = h[order], doc[order]
    new_hash = np.ones(len(hs), dtype=bool)
    new_hash[1:] = hs[1:] != hs[:-1]
    new_doc = new_hash.copy()
    new_doc[1:] |= ds[1:] != ds[:-1]
    group = np.cumsum(new_hash) - 1
    n_docs = np.empty(len(h), dtype=np.int32)
    n_docs[order] = np.bincount(group, weights=new_doc, minlength=int(group[-1]) + 1 if len(group) else 0)[group]
    index = pd.DataFrame({"h": h, "doc": doc, "pos": np.concatenate([p[1] for p in parts]), "n_docs": n_docs})
    return index[index.n_docs > 1].reset_index(drop=True)


def seed_pairs(
    streams: list[Stream],
    *,
    k: int = 12,
    max_occurrences: int | None = None,
    max_docs: int | None = None,
    index: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Candidate filter: positions of shingles shared by two different documents.

    Shingles held by more than ``max_docs`` documents are boilerplate: they are not paired
    (see :func:`analysis.similarity.boilerplate.common_passages`), so the self-join costs at most ``max_docs`` seeds per
    shingle occurrence — linear in the corpus size.

    Returns
    -------
    DataFrame
        a, b (indices into ``streams``, a < b), pos_a, pos_b (window starts).
    """
    index = shingle_index(streams, k=k) if index is None else index
    if max_docs is not None:
        index = index[index.n_docs <= max_docs]
    if max_occurrences is not None:
        index = index[index.groupby("h")["h"].transform("size") <= max_occurrences]
    left, right = self_join(index.h.to_numpy())
    doc, pos = index.doc.to_numpy(np.int64), index.pos.to_numpy(np.int64)
    swap = doc[left] > doc[right]  # orient each pair: document a before document b
    left, right = np.where(swap, right, left), np.where(swap, left, right)
    keep = doc[left] != doc[right]
    left, right = left[keep], right[keep]
    return pd.DataFrame({"a": doc[left], "b": doc[right], "pos_a": pos[left], "pos_b": pos[right]})


def self_join(h: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every unordered pair of rows holding the same hash, once each, by one sort (no hash join)."""
    order = np.argsort(h, kind="stable")
    hs = h[order]
    first = np.flatnonzero(np.concatenate([[True], hs[1:] != hs[:-1]])) if len(hs) else np.empty(0, np.int64)
    size = np.diff(np.append(first, len(hs)))
    place = np.arange(len(hs)) - np.repeat(first, size)  # position within the hash's group
    later = np.repeat(size, size) - place - 1  # rows after it in the group: its partners
    left = np.repeat(np.arange(len(hs)), later)
    right = left + 1 + (np.arange(len(left)) - np.repeat(np.cumsum(later) - later, later))
    return order[left], order[right]


def diagonal_runs(seeds: pd.DataFrame) -> pd.DataFrame:
    """Merge seeds on one diagonal with consecutive positions into runs.

    Returns
    -------
    DataFrame
        a, b, pos_a, pos_b (first window of the run), n_windows.
    """
    if seeds.empty:
        return pd.DataFrame(columns=["a", "b", "pos_a", "pos_b", "n_windows"])
    a, b, p = (seeds[c].to_numpy(np.int64) for c in ("a", "b", "pos_a"))
    d = p - seeds.pos_b.to_numpy(np.int64)
    span = int(max(p.max(), seeds.pos_b.max())) + 1
    n_docs = int(b.max()) + 1
    if n_docs * n_docs * 2 * span * span < 2**62:  # (a, b, d, pos_a) packed in one int64 key
        key = np.sort(((a * n_docs + b) * 2 * span + d + span) * span + p)  # a plain sort, then unpacked
        key, p = np.divmod(key, span)
        key, d = np.divmod(key, 2 * span)
        a, b, d = *np.divmod(key, n_docs), d - span
    else:
        order = np.lexsort((p, d, b, a))
        a, b, d, p = a[order], b[order], d[order], p[order]
    new = np.ones(len(a), dtype=bool)
    new[1:] = (a[1:] != a[:-1]) | (b[1:] != b[:-1]) | (d[1:] != d[:-1]) | (p[1:] != p[:-1] + 1)
    first = np.nonzero(new)[0]
    last = np.append(first[1:], len(a)) - 1
    return pd.DataFrame(
        {"a": a[first], "b": b[first], "pos_a": p[first], "pos_b": p[first] - d[first], "n_windows": last - first + 1}
    )


def flat(arrays: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """One array of all streams' values and each stream's offset in it (length + 1)."""
    offset = np.concatenate([[0], np.cumsum([len(x) for x in arrays])]).astype(np.int64)
    return (np.concatenate(arrays) if arrays else np.empty(0, np.int64)), offset


def equal_spans(
    codes: np.ndarray, ga: np.ndarray, gb: np.ndarray, length: np.ndarray, *, chunk: int = 1 << 22
) -> np.ndarray:
    """Whether ``codes[ga:ga+length] == codes[gb:gb+length]`` for every span (``chunk`` units at a time)."""
    same = np.ones(len(ga), dtype=bool)
    ends = np.cumsum(length)
    lo = 0
    while lo < len(ga):
        hi = max(lo + 1, int(np.searchsorted(ends, (ends[lo - 1] if lo else 0) + chunk, side="right")))
        n = length[lo:hi]
        first = np.cumsum(n) - n
        step = np.arange(int(n.sum())) - np.repeat(first, n)
        differ = codes[np.repeat(ga[lo:hi], n) + step] != codes[np.repeat(gb[lo:hi], n) + step]
        same[lo:hi] = np.add.reduceat(differ, first) == 0
        lo = hi
    return same


def extend_runs(codes, offset, a, b, i, j, length) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Check every run exactly and extend it to a maximal match, all runs at once.

    ``codes``/``offset`` from :func:`flat`; runs (stream a, stream b, start i in a, start j in b,
    length). A run whose units differ (a hash collision) gets length 0. Extension steps one
    unit at a time over the runs still extending, so it costs O(runs + extended units).
    """
    i, j, length = i.copy(), j.copy(), length.copy()
    ga, gb = offset[a] + i, offset[b] + j
    length[~equal_spans(codes, ga, gb, length)] = 0
    live = np.flatnonzero(length > 0)
    while len(live):  # leftwards
        live = live[(i[live] > 0) & (j[live] > 0)]
        left = codes[ga[live] - 1]
        live = live[(left == codes[gb[live] - 1]) & (left != BREAK)]
        i[live] -= 1
        j[live] -= 1
        ga[live] -= 1
        gb[live] -= 1
        length[live] += 1
    live = np.flatnonzero(length > 0)
    while len(live):  # rightwards
        live = live[(ga[live] + length[live] < offset[a[live] + 1]) & (gb[live] + length[live] < offset[b[live] + 1])]
        right = codes[ga[live] + length[live]]
        live = live[(right == codes[gb[live] + length[live]]) & (right != BREAK)]
        length[live] += 1
    return i, j, length
