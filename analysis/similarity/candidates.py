"""Top-k cosine neighbours of many rows: candidates from a sketch, then exact cosines.

Above :data:`EXACT_MAX_ROWS` rows an exact all-pairs top-k (:func:`analysis.similarity.product.topk_hybrid`)
is quadratic in the rows times the terms most rows hold (the character view's common 2/3-grams):
114 CPU s at 5,000 synthetic reports, ~1,800 s extrapolated to 20,000. Here instead:

1. **Estimate** — a cosine is a sum over terms. The terms held by more than ``exact_df`` rows
   (default :data:`EXACT_DF`, a constant) are hashed into ``dim`` buckets (a CountSketch:
   column c adds ``sign(c) · value`` to bucket ``h(c)``, both from a seeded generator; O(stored
   values)), whose inner products estimate their part without bias (standard deviation about
   ``sqrt((1 + cosine²) / dim)``); the terms of 2..``exact_df`` rows enter exactly, by a sparse
   product (cost at most ``exact_df`` times their stored values: linear in the rows, because
   ``exact_df`` does not grow with them). Without that exact part the sketch alone found a third
   of the character view's top-50 at 1,000 documents.
2. **Candidates** — each row's ``candidates`` best rows by estimated cosine, plus itself
   (float32 BLAS, row blocks; n² · dim multiply-adds, the only quadratic part).
3. **Exact re-scoring** — the cosine of every distinct candidate pair in float64: the exact
   product of the rare terms kept from step 2 plus the inner product of the sketched terms' rows
   (their columns renumbered, so the dense row scattered per row is short and stays in cache;
   cost: pairs × sketched values per row, linear in the rows); a row with itself from all its
   terms (the sum of its squared values). A pair found from either side counts for both.
   Against the inner products of whole rows: the same pairs and ranks, cosines within 1e-15
   (1,000 synthetic reports, both views), in 0.6 × the time.

The ``k`` best of each row among its re-scored pairs are kept, ordered as
:func:`analysis.similarity.product.topk_hybrid` (cosine descending, lower column first). Every
cosine reported is exact; a true neighbour can be missed only when its estimate falls below
``candidates`` others'. Measured with ``benchmarks/bench_candidates.py`` (k = 50, 5,000 synthetic
reports, CPU seconds on a loaded 2-core machine, docs/benchmarks.md): the character view's
recall@5 / @10 / @50 0.9998 / 0.9986 / 0.950 in 44 s, against the exact product's 91 s; the word
view's 0.9999 / 0.9987 / 0.948. The earlier defaults (``exact_df`` ~n/32, growing with the rows,
and 100 candidates) found 0.928 / 0.906 of the top-50 for the same time at 5,000 and made the
exact part quadratic: the re-scoring of more candidates is linear, the exact product of rarer
terms is not.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse

from analysis.blocks import row_blocks
from analysis.similarity.product import column_subset, ranked, topk_hybrid

EXACT_MAX_ROWS = 3000  # up to this many rows the exact top-k (topk_hybrid) is used
SKETCH_DIM = 8192  # buckets of the sketch
CANDIDATES = 150  # rows re-scored per row (besides itself), before symmetrising
EXACT_DF = 64  # terms held by 2..EXACT_DF rows enter the estimate exactly, the others through the sketch
SEED = 16


def sketch(
    x: sparse.csr_matrix,
    *,
    dim: int = SKETCH_DIM,
    seed: int = SEED,
    columns: np.ndarray | None = None,
    block_values: int = 2**23,
) -> np.ndarray:
    """Signed feature hashing of the rows of ``x`` into ``dim`` buckets (float32, rows × dim).

    ``columns`` (boolean, one per column): only these are hashed (default all). Rows are
    hashed in blocks of at most ``block_values`` stored values and buckets (one ``bincount`` each).
    """
    rng = np.random.default_rng(seed)
    bucket = rng.integers(0, dim, size=x.shape[1], dtype=np.int64)
    sign = rng.integers(0, 2, size=x.shape[1], dtype=np.int8) * 2 - 1
    if columns is not None:
        sign[~columns] = 0
    n = x.shape[0]
    out = np.zeros((n, dim), dtype=np.float32)
    # the block's buckets: at most block_values too
    for lo, hi in row_blocks(x.indptr, block_values, max_rows=max(1, block_values // dim)):
        part = x[lo:hi]
        row = np.repeat(np.arange(hi - lo, dtype=np.int64), np.diff(part.indptr))
        key = row * dim + bucket[part.indices]
        out[lo:hi] = np.bincount(key, weights=part.data * sign[part.indices], minlength=(hi - lo) * dim).reshape(
            hi - lo, dim
        )
    return out


def candidate_pairs(
    s: np.ndarray, rare=None, *, m: int = CANDIDATES, block_mb: float = 32.0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each row's ``m`` best rows by estimated cosine and itself, as distinct pairs i <= j.

    The estimate of a block of rows is the product of their sketches with all sketches, plus,
    when ``rare`` (rows × the terms left out of the sketch, sparse) is given, the exact
    product of those terms — kept for the pairs chosen, so their exact cosine needs only the
    sketched terms (:func:`topk_candidates`).

    Returns
    -------
    (i, j, rare_part) : int64 arrays sorted by i then j, each unordered pair once, and the exact
        inner product of the pair's ``rare`` terms (float64; zeros without ``rare``).
    """
    n = s.shape[0]
    mm = min(m + 1, n)
    block = max(16, int(block_mb * 2**20 // (4 * max(n, 1))))
    rare_t = rare.T.tocsr() if rare is not None else None
    rows, cols, parts = [], [], []
    # BLAS threads as the caller set them: all cores when the report computes one section at a time,
    # one per section worker when it runs them at once (the sketch product at 5,000 rows: 2.7 s on one
    # core, 1.4 s on two)
    for lo in range(0, n, block):
        sims = s[lo : lo + block] @ s.T
        own = np.arange(lo, min(n, lo + block))
        exact = None
        if rare is not None:
            part = (rare[lo : lo + block] @ rare_t).tocoo()
            exact = np.zeros(sims.shape)
            exact[part.row, part.col] = part.data
            sims += exact
            del part
        sims[own - lo, own] = np.inf  # itself always a candidate
        best = np.argpartition(-sims, mm - 1, axis=1)[:, :mm] if mm < n else np.tile(np.arange(n), (len(own), 1))
        rows.append(np.repeat(own, best.shape[1]))
        cols.append(best.ravel())
        parts.append(np.zeros(best.size) if exact is None else np.take_along_axis(exact, best, axis=1).ravel())
    i, j, part = np.concatenate(rows), np.concatenate(cols).astype(np.int64), np.concatenate(parts)
    key, first = np.unique(np.minimum(i, j) * n + np.maximum(i, j), return_index=True)
    return key // n, key % n, part[first]


def pair_cosines(x: sparse.csr_matrix, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Exact inner products of rows ``i`` and ``j`` of ``x`` (``i`` sorted ascending), in float64.

    For each distinct ``i``, its row is scattered into a dense vector over all columns and the
    ``j`` rows gathered and multiplied by it (scipy's CSR row indexing and mat-vec, in C): ~10 ns
    per stored value of the ``j`` rows (measured on the character view, 1,000 reports).
    """
    out = np.zeros(len(i), dtype=np.float64)
    dense = np.zeros(x.shape[1], dtype=np.float64)
    rows, starts = np.unique(i, return_index=True)
    ends = np.append(starts[1:], len(i))
    for r, p0, p1 in zip(rows, starts, ends):
        cols = x.indices[x.indptr[r] : x.indptr[r + 1]]
        dense[cols] = x.data[x.indptr[r] : x.indptr[r + 1]]
        out[p0:p1] = x[j[p0:p1]] @ dense
        dense[cols] = 0.0
    return out


def row_squares(x: sparse.csr_matrix, *, block: int = 1 << 22) -> np.ndarray:
    """Each row's sum of squared values (its inner product with itself), ``block`` stored values at a time."""
    out = np.zeros(x.shape[0])
    for lo, hi in row_blocks(x.indptr, block):
        values = x.data[x.indptr[lo] : x.indptr[hi]]
        rows = np.repeat(np.arange(hi - lo), np.diff(x.indptr[lo : hi + 1]))
        out[lo:hi] = np.bincount(rows, weights=values * values, minlength=hi - lo)
    return out


def topk_candidates(
    x,
    *,
    k: int,
    dim: int = SKETCH_DIM,
    candidates: int = CANDIDATES,
    exact_df: int | None = None,
    seed: int = SEED,
) -> pd.DataFrame:
    """The ``k`` most similar rows of ``x`` for each row (rows l2-normalised), from sketch candidates.

    Parameters
    ----------
    x : sparse matrix
        Rows × terms, non-negative weights, rows l2-normalised.
    k : int, keyword-only
        Neighbours kept per row (itself included).
    dim, candidates, seed : int, keyword-only
        Sketch buckets, rows re-scored per row, and the seed of the hash (see the module docstring).
    exact_df : int, optional, keyword-only
        Terms held by 2..``exact_df`` rows enter the estimate exactly (a sparse product, cost at
        most ``exact_df`` times their stored values), the others through the sketch. Default
        :data:`EXACT_DF`; 0: the sketch alone.

    Returns
    -------
    DataFrame
        i, j, cosine (exact), rank (1 = best for i), as :func:`analysis.similarity.product.topk_hybrid`.
    """
    x = sparse.csr_matrix(x, dtype=np.float64)
    if x.shape[0] == 0:
        return pd.DataFrame(columns=["i", "j", "cosine", "rank"])
    x.sort_indices()
    t = EXACT_DF if exact_df is None else exact_df
    df = np.bincount(x.indices, minlength=x.shape[1])
    rare = column_subset(x, (df <= t) & (df > 1))  # rare terms, shared
    i, j, cos = candidate_pairs(sketch(x, dim=dim, seed=seed, columns=df > t), rare, m=max(candidates, k))
    del rare
    # the sketched terms, exactly now: their columns renumbered 0.. (a short dense row)
    cos += pair_cosines(column_subset(x, df > t, renumber=True), i, j)
    own = i == j  # a row with itself: every term, its terms of one row included
    cos[own] = row_squares(x)[i[own]]
    off = i != j
    row = np.concatenate([i, j[off]])
    col = np.concatenate([j, i[off]])
    val = np.concatenate([cos, cos[off]])
    keep = val > 0
    return ranked(row[keep], col[keep], val[keep], k=k)


def topk(x, *, k: int, exact_max_rows: int | None = None) -> pd.DataFrame:
    """Top-k neighbours: exact (:func:`~analysis.similarity.product.topk_hybrid`) up to
    ``exact_max_rows`` rows (default :data:`EXACT_MAX_ROWS`), from sketch candidates with exact
    re-scoring above.

    Above the threshold the result's ``attrs['search']`` records the candidate stage's
    parameters (sketch_dim, candidates, exact_df, seed); below it ``attrs`` stays empty.
    """
    if x.shape[0] <= (EXACT_MAX_ROWS if exact_max_rows is None else exact_max_rows):
        return topk_hybrid(x, k=k)
    out = topk_candidates(x, k=k)
    out.attrs["search"] = {
        "neighbours": "sketch candidates, exact cosines",
        "sketch_dim": SKETCH_DIM,
        "candidates": CANDIDATES,
        "exact_df": EXACT_DF,
        "seed": SEED,
    }
    return out
