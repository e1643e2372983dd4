"""Seeds of text reuse: shared shingles, the pairs of positions they give, and maximal passages.

The candidate filter and the exact extension of :mod:`analysis.similarity.reuse`, in numpy:
one sort of the shingle hashes counts the documents holding each shingle and yields every pair
of positions sharing one (no hash join); seeds on one diagonal merge into runs (one sort on a
packed key); all runs are checked exactly and extended to maximal matches at once.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from analysis.similarity.streams import BREAK, Stream, shingle_hashes

# Seeds per block of documents extended at once (:func:`seed_blocks`): ~0.5 GB of seeds and runs at most
SEEDS_PER_BLOCK = 1 << 22


def shingle_index(streams: list[Stream], *, k: int = 12) -> pd.DataFrame:
    """Every shingle held by two or more documents, in hash order, with the number of documents holding it.

    Shingles whose hash occurs once in the corpus (most of them: three in four on synthetic national
    corpora) are dropped first (:func:`repeated`: a plain sort of the hashes, no index carried);
    one stable sort of the rest orders them (documents stay in order within a hash), so the peak is
    about 20 bytes per shingle of the corpus plus 24 per repeated one (about 36 per shingle before).

    Returns
    -------
    DataFrame
        h (uint64 hash), doc (int32 index into ``streams``), pos (int32 window start), n_docs (int32
        documents holding the shingle); sorted by (h, doc); only shingles held by two or more documents.
    """
    h, pos, first_row = _all_hashes(streams, k)
    if not len(h):
        return pd.DataFrame(
            {"h": np.empty(0, np.uint64), **{c: np.empty(0, np.int32) for c in ("doc", "pos", "n_docs")}}
        )
    rows = np.flatnonzero(repeated(h))
    order, h = stable_order(h[rows])
    rows = rows[order]
    del order
    doc = (np.searchsorted(first_row, rows, side="right") - 1).astype(np.int32)
    pos = pos[rows]
    del rows
    new_hash = np.ones(len(h), dtype=bool)
    new_hash[1:] = h[1:] != h[:-1]
    new_doc = new_hash.copy()
    new_doc[1:] |= doc[1:] != doc[:-1]
    first = np.flatnonzero(new_hash)
    held = np.add.reduceat(new_doc.astype(np.int32), first) if len(first) else np.empty(0, np.int32)
    n_docs = np.repeat(held.astype(np.int32), np.diff(np.append(first, len(h))))
    keep = n_docs > 1
    return pd.DataFrame({"h": h[keep], "doc": doc[keep], "pos": pos[keep], "n_docs": n_docs[keep]})


def _all_hashes(streams: list[Stream], k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every stream's shingle hashes and window starts in one array each, and each stream's first row.

    Written into arrays sized for every window (pages of the windows a break leaves out are never
    touched), so the streams' hashes are not held twice, once per stream and once joined: 2.4 GB
    at 20,000 synthetic reports.
    """
    bound = sum(max(len(stream.codes) - k + 1, 0) for stream in streams)
    h, pos = np.empty(bound, np.uint64), np.empty(bound, np.int32)
    first_row = np.zeros(len(streams) + 1, dtype=np.int64)
    at = 0
    for x, stream in enumerate(streams):
        hashes, starts = shingle_hashes(stream.codes, k)
        h[at : at + len(hashes)] = hashes
        pos[at : at + len(hashes)] = starts
        at += len(hashes)
        first_row[x + 1] = at
    return h[:at], pos[:at], first_row


def repeated(h: np.ndarray, *, chunk: int = 1 << 22) -> np.ndarray:
    """True at least where the value of ``h`` occurs more than once in ``h`` (and at a few values
    that occur once: a superset, for a filter whose later count drops them).

    A sorted copy of the hashes gives the repeated values; the top bits of each mark a table of
    flags (8 to 16 per repeated value, at most 2^30) that every hash looks up: one plain sort and two
    vectorised lookups, where an exact membership test (a binary search per hash) cost 20 times more.
    """
    if len(h) < 2:
        return np.zeros(len(h), dtype=bool)
    values = np.sort(h)
    values = values[1:][values[1:] == values[:-1]]
    bits = min(30, max(16, len(values).bit_length() + 3))
    shift = np.uint64(64 - bits)
    flags = np.zeros(1 << bits, dtype=bool)
    flags[values >> shift] = True
    del values
    out = np.empty(len(h), dtype=bool)
    for lo in range(0, len(h), chunk):  # no shifted copy of every hash at once
        out[lo : lo + chunk] = flags[h[lo : lo + chunk] >> shift]
    return out


def stable_order(h: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.argsort(h, kind="stable")`` of uint64 hashes and ``h`` in that order, by a sort of packed keys.

    Each hash's high bits are packed with its index into one uint64 and the keys sorted (numpy's
    ``sort`` of integers is vectorised, its stable ``argsort`` is not: 10 M hashes 1.2 against
    2.5 s here); the few runs of equal high bits whose hashes still differ (two of 10 M random
    hashes share their top 40 bits about 45 times) are put in (hash, index) order afterwards.
    """
    n = len(h)
    bits = max(1, (n - 1).bit_length())
    if n < 2 or bits > 40:  # fewer than 24 high bits would leave long runs to fix
        order = np.argsort(h, kind="stable")
        return order, h[order]
    shift = np.uint64(bits)
    key = (h >> shift) << shift
    key |= np.arange(n, dtype=np.uint64)
    key.sort()
    key &= np.uint64((1 << bits) - 1)
    order = key.view(np.int64)  # indices < 2^40: the same bits
    sorted_h = h[order]
    differ = sorted_h[1:] < sorted_h[:-1]  # out of hash order: only inside a run of equal high bits
    if differ.any():
        high = sorted_h >> shift
        run = np.concatenate([[0], np.cumsum(high[1:] != high[:-1])])
        mixed = np.zeros(run[-1] + 1, dtype=bool)
        mixed[run[1:][differ]] = True
        at = np.flatnonzero(mixed[run])
        order[at] = order[at][np.lexsort((order[at], sorted_h[at], run[at]))]
        sorted_h[at] = h[order[at]]
    return order, sorted_h


def seed_blocks(
    index: pd.DataFrame,
    *,
    max_occurrences: int | None = None,
    max_docs: int | None = None,
    max_seeds: int | None = None,
) -> Iterator[pd.DataFrame]:
    """Candidate filter: positions of shingles shared by two different documents, in blocks of documents.

    Every pair of rows of ``index`` (a :func:`shingle_index`) holding one hash, once each (a
    self-join by one sort, no hash join), oriented so document a comes first. The seeds come in
    blocks of consecutive first documents of about ``max_seeds`` seeds each (default
    :data:`SEEDS_PER_BLOCK`): all seeds of a pair
    of documents lie in one block, so each block is extended to passages on its own and memory
    stays O(max_seeds) whatever the size of the corpus. Shingles held by more than ``max_docs``
    documents are boilerplate: they are not paired (see
    :func:`analysis.similarity.boilerplate.common_passages`), so the self-join costs at most
    ``max_docs`` seeds per shingle occurrence — linear in the corpus size.

    Yields
    ------
    DataFrame
        a, b (indices into the streams, a < b), pos_a, pos_b (window starts).
    """
    max_seeds = max_seeds or SEEDS_PER_BLOCK
    if max_docs is not None:
        index = index[index.n_docs <= max_docs]
    if max_occurrences is not None:
        index = index[index.groupby("h")["h"].transform("size") <= max_occurrences]
    h, doc, pos = index.h.to_numpy(), index.doc.to_numpy(np.int64), index.pos.to_numpy(np.int64)
    if len(h) > 1 and ((h[1:] < h[:-1]) | ((h[1:] == h[:-1]) & (doc[1:] < doc[:-1]))).any():
        order = np.lexsort((doc, h))  # an index not in (hash, document) order
        h, doc, pos = h[order], doc[order], pos[order]
    first = np.flatnonzero(np.concatenate([[True], h[1:] != h[:-1]])) if len(h) else np.empty(0, np.int64)
    size = np.diff(np.append(first, len(h)))
    later = np.repeat(first + size, size) - np.arange(len(h)) - 1  # rows after each in its hash: its partners
    by_doc = np.argsort(doc, kind="stable")
    per_doc = np.bincount(doc, weights=later, minlength=int(doc.max()) + 1 if len(doc) else 0)
    rows = np.concatenate([[0], np.cumsum(np.bincount(doc, minlength=len(per_doc)))])  # by_doc's rows of each doc
    cut = np.unique(np.searchsorted(np.cumsum(per_doc), np.arange(max_seeds, per_doc.sum(), max_seeds), "right"))
    for lo, hi in zip(np.r_[0, cut], np.r_[cut, len(per_doc)]):
        left_rows = by_doc[rows[lo] : rows[hi]]
        n = later[left_rows]
        left = np.repeat(left_rows, n)
        right = left + 1 + (np.arange(len(left)) - np.repeat(np.cumsum(n) - n, n))
        keep = doc[left] != doc[right]  # rows of one hash are in document order: doc[left] <= doc[right]
        left, right = left[keep], right[keep]
        if len(left):
            yield pd.DataFrame({"a": doc[left], "b": doc[right], "pos_a": pos[left], "pos_b": pos[right]})


def seed_pairs(streams: list[Stream], *, k: int = 12, index: pd.DataFrame | None = None, **options) -> pd.DataFrame:
    """Every seed of :func:`seed_blocks` in one table (``index`` built from ``streams`` when not given)."""
    index = shingle_index(streams, k=k) if index is None else index
    blocks = list(seed_blocks(index, **options))
    return pd.concat(blocks, ignore_index=True) if blocks else pd.DataFrame(columns=["a", "b", "pos_a", "pos_b"])


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
