"""Text reuse: passages two documents share nearly verbatim, with offsets in both source files.

Masking (the documented normalisation, :mod:`analysis.similarity.streams`)
-------------------------------------------------------------------------
Matching runs on a *unit stream* read straight from the decoded source file:

* every place name (county, its aliases, prefecture and province names from
  ``corpus.counties()``, longest first) becomes one unit ``@``;
* every Arabic number (``2025``, ``95.5``, full-width digits too) and every bracketed
  Chinese ordinal (``（十七）``, ``(三)``) becomes one unit ``#``;
* every other Chinese character is one unit; everything else (punctuation, whitespace,
  Latin letters, markup) is ignored.

:func:`mask_text` applies exactly this to any string, so for every reported passage
``mask_text(source_a[start_a:end_a]) == mask_text(source_b[start_b:end_b]) == masked``.
Only units inside the document's body tokens are kept; a unit outside them (a removed
responsibility clause, front matter, a page number) breaks the stream, so no passage
spans removed text.

Algorithm and cost
------------------
1. Shingle: a 64-bit polynomial hash of every window of ``k`` units (default 12) —
   O(total units), vectorised.
2. Candidate filter: an inverted index (a self-join on the hash, pandas) yields seed
   pairs (doc_a, pos_a, doc_b, pos_b) only where a shingle is shared; unrelated
   document pairs cost nothing. Seeds grow with the amount of shared text (for g
   copies of one shingle, g² seeds; ``max_occurrences`` caps boilerplate shingles).
3. Extension: seeds on one diagonal (pos_a - pos_b) with consecutive positions merge
   into a run; the run is checked exactly and extended left and right while units
   agree, giving maximal passages. Order of sections is irrelevant (reordered
   sections give different diagonals).

Total cost: O(N) to shingle N units, plus O(S log S) for S seeds, plus O(P·k) to extend
P passages; it grows with the volume of shared text, not with the square of the number
of documents. Measured in ``benchmarks/bench_similarity.py`` (2 CPUs): the 7 seed
documents (0.05 M units, 396 passages) 0.06 s; synthetic corpora of perturbed copies of
the seeds (50 / 100 / 200 documents; 0.34 / 0.68 / 1.37 M units; 32 k / 139 k / 580 k
passages) 1.5 / 4.3 / 41 s. That is the worst case — every document is a near-copy of
n/7 others — so passages, and time, grow with the square of the number of copies
(about ×4 per doubling; the Python extension loop over runs dominates at 200). On real
corpora, where most pairs share little, cost tracks the volume of shared text.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.similarity.streams import BREAK, Stream, corpus_streams, shingle_hashes


def seed_pairs(streams: list[Stream], *, k: int = 12, max_occurrences: int | None = None) -> pd.DataFrame:
    """Candidate filter: positions of shingles shared by two different documents.

    Returns
    -------
    DataFrame
        a, b (indices into ``streams``, a < b), pos_a, pos_b (window starts).
    """
    frames = []
    for i, stream in enumerate(streams):
        h, pos = shingle_hashes(stream.codes, k)
        frames.append(pd.DataFrame({"h": h, "doc": np.full(len(h), i, np.int32), "pos": pos}))
    index = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["h", "doc", "pos"])
    counts = index.groupby("h")["doc"].transform("nunique")
    index = index[counts > 1]
    if max_occurrences is not None:
        index = index[index.groupby("h")["h"].transform("size") <= max_occurrences]
    seeds = index.merge(index, on="h", suffixes=("_a", "_b"))
    seeds = seeds[seeds.doc_a < seeds.doc_b]
    return pd.DataFrame(
        {
            "a": seeds.doc_a.to_numpy(),
            "b": seeds.doc_b.to_numpy(),
            "pos_a": seeds.pos_a.to_numpy(),
            "pos_b": seeds.pos_b.to_numpy(),
        }
    )


def _runs(seeds: pd.DataFrame) -> pd.DataFrame:
    """Merge seeds on one diagonal with consecutive positions into runs.

    Returns
    -------
    DataFrame
        a, b, pos_a, pos_b (first window of the run), n_windows.
    """
    if seeds.empty:
        return pd.DataFrame(columns=["a", "b", "pos_a", "pos_b", "n_windows"])
    s = seeds.assign(d=seeds.pos_a - seeds.pos_b).sort_values(["a", "b", "d", "pos_a"], kind="stable")
    a, b, d, p = (s[c].to_numpy() for c in ("a", "b", "d", "pos_a"))
    new = np.ones(len(s), dtype=bool)
    new[1:] = (a[1:] != a[:-1]) | (b[1:] != b[:-1]) | (d[1:] != d[:-1]) | (p[1:] != p[:-1] + 1)
    first = np.nonzero(new)[0]
    last = np.append(first[1:], len(s)) - 1
    return pd.DataFrame(
        {"a": a[first], "b": b[first], "pos_a": p[first], "pos_b": p[first] - d[first], "n_windows": last - first + 1}
    )


def _extend(ca: np.ndarray, cb: np.ndarray, i: int, j: int, length: int) -> tuple[int, int, int] | None:
    """Check a run exactly and extend it to a maximal match; None on a hash collision."""
    if not np.array_equal(ca[i : i + length], cb[j : j + length]):
        return None
    while i > 0 and j > 0 and ca[i - 1] == cb[j - 1] and ca[i - 1] != BREAK:
        i, j, length = i - 1, j - 1, length + 1
    while (
        i + length < len(ca) and j + length < len(cb) and ca[i + length] == cb[j + length] and ca[i + length] != BREAK
    ):
        length += 1
    return i, j, length


def find_reuse(
    streams: list[Stream],
    sources: dict[str, str],
    *,
    k: int = 12,
    min_len: int = 15,
    max_occurrences: int | None = None,
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

    Returns
    -------
    DataFrame
        doc_a, doc_b, start_a, end_a, start_b, end_b (offsets into the source files),
        n_units (passage length in masked units), masked (the masked passage),
        text (``source_a[start_a:end_a]``), text_b (``source_b[start_b:end_b]``),
        unit_a, unit_b (first unit index in each stream; internal, for coverage).
    """
    if k < 2 or min_len < k:
        raise ValueError(f"need 2 <= k <= min_len, got k={k}, min_len={min_len}")
    rows = []
    runs = _runs(seed_pairs(streams, k=k, max_occurrences=max_occurrences))
    seen = set()
    for r in runs.itertuples(index=False):
        sa, sb = streams[r.a], streams[r.b]
        hit = _extend(sa.codes, sb.codes, int(r.pos_a), int(r.pos_b), int(r.n_windows) + k - 1)
        if hit is None or hit[2] < min_len or (r.a, r.b) + hit in seen:
            continue
        seen.add((r.a, r.b) + hit)
        i, j, n = hit
        s_a, e_a = int(sa.starts[i]), int(sa.ends[i + n - 1])
        s_b, e_b = int(sb.starts[j]), int(sb.ends[j + n - 1])
        rows.append(
            (
                sa.doc_id,
                sb.doc_id,
                s_a,
                e_a,
                s_b,
                e_b,
                n,
                sa.text(i, i + n),
                sources[sa.doc_id][s_a:e_a],
                sources[sb.doc_id][s_b:e_b],
                i,
                j,
            )
        )
    cols = [
        "doc_a",
        "doc_b",
        "start_a",
        "end_a",
        "start_b",
        "end_b",
        "n_units",
        "masked",
        "text",
        "text_b",
        "unit_a",
        "unit_b",
    ]
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(["doc_a", "doc_b", "start_a"], kind="stable").reset_index(drop=True)


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
    spans = pd.concat(
        [
            pd.DataFrame(
                {"doc_a": passages.doc_a, "doc_b": passages.doc_b, "first": passages.unit_a, "n": passages.n_units}
            ),
            pd.DataFrame(
                {"doc_a": passages.doc_b, "doc_b": passages.doc_a, "first": passages.unit_b, "n": passages.n_units}
            ),
        ]
    )
    by_id = {s.doc_id: s for s in streams}
    found = {}
    for (doc_a, doc_b), part in spans.groupby(["doc_a", "doc_b"], sort=False):
        covered = np.zeros(len(by_id[doc_a].codes), dtype=bool)
        for first, n in zip(part["first"].to_numpy(int), part["n"].to_numpy(int)):
            covered[first : first + n] = True
        found[(doc_a, doc_b)] = (int(covered.sum()), len(part))
    if all_pairs:
        keys = [(a.doc_id, b.doc_id) for a in streams for b in streams if a.doc_id != b.doc_id]
    else:
        order = {s.doc_id: i for i, s in enumerate(streams)}
        keys = sorted(found, key=lambda ab: (order[ab[0]], order[ab[1]]))
    rows = []
    for doc_a, doc_b in keys:
        n_units = by_id[doc_a].n_units
        n_cov, n_pass = found.get((doc_a, doc_b), (0, 0))
        rows.append((doc_a, doc_b, n_units, n_cov, 100.0 * n_cov / n_units if n_units else 0.0, n_pass))
    return pd.DataFrame(rows, columns=["doc_a", "doc_b", "n_units_a", "covered_units", "share_pct", "n_passages"])


def reuse(
    c, *, k: int = 12, min_len: int = 15, max_occurrences: int | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Shared passages and directional shares of a corpus.

    Returns
    -------
    (passages, shares) : tuple of DataFrame
        See :func:`find_reuse` and :func:`reuse_share`; both carry ``k`` and ``min_len``
        columns recording the parameters.
    """
    streams = corpus_streams(c)
    sources = {s.doc_id: c.source_text(s.doc_id) for s in streams}
    passages = find_reuse(streams, sources, k=k, min_len=min_len, max_occurrences=max_occurrences)
    shares = reuse_share(passages, streams)
    for table in (passages, shares):
        table["k"], table["min_len"] = k, min_len
    return passages, shares
