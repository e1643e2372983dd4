"""Exact top-k cosine neighbours of all rows of a sparse matrix: common terms dense, rare terms sparse.

A cosine is a sum over terms, so it splits in two exact parts: the terms held by more than
``t`` rows (the *common* ones) and the rest. The common part is a dense matrix product (BLAS,
many flops per memory access); the rare part a sparse product, whose cost is the sum of df²
over its terms, at most ``t`` times the stored values — so it stays linear in the corpus for a
fixed ``t``. A sparse product alone pays df² per term, which for the n-grams nearly every
document holds is n² each (the character view's common 2/3-grams dominated the similarity
stage). The split point is a cost model: a term goes dense when df² sparse
multiply-adds (:data:`SPARSE_COST` each) cost more than its share of the dense product
(n² · :data:`DENSE_COST`), i.e. df > n · sqrt(DENSE_COST / SPARSE_COST).

Each row block's cosines (block × n, dense) are the sum of both parts; the ``k`` largest of
each row are kept with the same order as :func:`topk_sparse`
(cosine descending, then lower column first; pairs sharing no term dropped). Memory:
O(block · n) for the block, plus the common columns densified in chunks of at most
``dense_mb`` MB. Time: O(n² · common terms) flops in BLAS plus O(t · stored values) sparse
work — still quadratic in n for the dense part (an exact all-pairs top-k is), with a small
constant. Measured on the character view of 1,000 synthetic reports (2.9 M columns, 12.7 M
stored values; CPU seconds on a loaded 2-core machine): the sparse product 12.8 s, this one
4.4 s, the same neighbours, ranks and cosines (to 1e-13). Estimated at 20,000 documents:
~1,800–2,000 CPU s, nearly all BLAS (n² × ~70k common columns) — above 3,000 rows
:mod:`analysis.similarity.candidates` is used instead (see its docstring).
:func:`topk_sparse` (the sparse product alone) and :func:`topk_cosine` (top-k between two
matrices, pairs of one group skipped) are here too.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse
from threadpoolctl import threadpool_limits

from analysis.blocks import row_blocks

# Relative cost of one multiply-add in a scipy sparse × sparse product and in a BLAS dense
# product (measured on the character view of 1,000 synthetic reports, see docs/benchmarks.md).
SPARSE_COST = 1.0  # 10-40 ns per multiply-add (scipy csr_matmat, its two passes)
DENSE_COST = 1.0 / 1000  # ~0.03 ns per multiply-add (OpenBLAS dsyrk, ~70 GFLOP/s per CPU second)
MIN_DENSE_DF = 16  # below this many rows a term always stays sparse


def dense_threshold(n_rows: int) -> int:
    """Document frequency above which a term goes to the dense part (see the module docstring)."""
    return max(MIN_DENSE_DF, int(np.ceil(n_rows * np.sqrt(DENSE_COST / SPARSE_COST))))


def topk_hybrid(
    x, *, k: int, dense_df: int | None = None, block_mb: float = 64.0, dense_mb: float = 64.0
) -> pd.DataFrame:
    """The ``k`` most similar rows of ``x`` for each row of ``x`` (rows l2-normalised), exactly.

    Parameters
    ----------
    x : sparse matrix
        Rows × terms, non-negative weights.
    k : int, keyword-only
        Neighbours kept per row (itself included).
    dense_df : int, optional, keyword-only
        Terms held by more rows than this go to the dense part; default
        :func:`dense_threshold`. ``dense_df >= n`` gives the plain sparse product.
    block_mb, dense_mb : float, keyword-only
        Memory of one block of cosines (rows × n float64) and of one dense chunk of the common
        columns (n × columns float64), in MB: they set the rows per block and the columns per
        chunk. With one block (n up to ~2,900 at 64 MB) each chunk is densified once.

    Returns
    -------
    DataFrame
        i, j, cosine, rank (1 = best for i), as :func:`topk_sparse`.
    """
    x = sparse.csr_matrix(x, dtype=np.float64)
    n = x.shape[0]
    if n == 0:
        return pd.DataFrame(columns=["i", "j", "cosine", "rank"])
    t = dense_threshold(n) if dense_df is None else dense_df
    common, rare, diagonal = split_columns(x, t)
    by_column = common  # ranges of columns sliced from the CSR in C: no column-major copy held
    rare_t = rare.T.tocsr()
    width = max(16, int(dense_mb * 2**20 // (8 * n)))
    block = max(16, int(block_mb * 2**20 // (8 * n)))
    out = []
    with threadpool_limits(limits=1, user_api="blas"):  # BLAS threads spin-wait on a busy machine
        for lo in range(0, n, block):
            out.append(_block(lo, min(n, lo + block), by_column, width, rare, rare_t, diagonal, k))
    return pd.concat(out, ignore_index=True)


def split_columns(x: sparse.csr_matrix, t: int) -> tuple[sparse.csr_matrix, sparse.csr_matrix, np.ndarray]:
    """Split ``x`` by document frequency: (terms held by more than ``t`` rows, terms held by 2..t
    rows, per row the sum of squares of its terms held by that row only — its part of the diagonal).

    Column order kept within each part (:func:`column_subset`, the kept columns renumbered).
    """
    df = np.bincount(x.indices, minlength=x.shape[1])
    alone = column_subset(x, df == 1)
    diagonal = np.bincount(
        np.repeat(np.arange(x.shape[0]), np.diff(alone.indptr)), weights=alone.data**2, minlength=x.shape[0]
    )
    del alone
    return column_subset(x, df > t, renumber=True), column_subset(x, (df > 1) & (df <= t), renumber=True), diagonal


def column_subset(
    x: sparse.csr_matrix, wanted: np.ndarray, *, renumber: bool = False, block: int = 1 << 22
) -> sparse.csr_matrix:
    """The stored values of ``x`` in the ``wanted`` columns (boolean, one per column), column order kept.

    Same shape as ``x``; with ``renumber`` only the wanted columns, numbered 0.. in their order.
    Rows are taken a block of ``block`` stored values at a time (:func:`analysis.blocks.row_blocks`), so besides
    the result only a block's temporaries exist (a mask over all of the character view's stored
    values and its running count were 2.5 GB at 20,000 reports).
    """
    data, indices, counts = [], [], []
    for lo, hi in row_blocks(x.indptr, block):
        first, last = x.indptr[lo], x.indptr[hi]
        keep = wanted[x.indices[first:last]]
        data.append(x.data[first:last][keep])
        indices.append(x.indices[first:last][keep])
        rows = np.repeat(np.arange(hi - lo), np.diff(x.indptr[lo : hi + 1]))
        counts.append(np.bincount(rows[keep], minlength=hi - lo))
    indptr = np.concatenate([[0], np.cumsum(np.concatenate(counts or [np.empty(0, np.int64)]), dtype=np.int64)])
    columns = np.concatenate(indices or [np.empty(0, np.int32)])
    shape = x.shape
    if renumber:
        columns = (np.cumsum(wanted) - 1).astype(np.int32)[columns]
        shape = (x.shape[0], int(wanted.sum()))
    return sparse.csr_matrix((np.concatenate(data or [np.empty(0)]), columns, indptr), shape=shape)


def _block(lo: int, hi: int, by_column, width: int, rare, rare_t, diagonal: np.ndarray, k: int) -> pd.DataFrame:
    """Top-k of rows ``lo``..``hi``: the dense part ``width`` columns at a time, the sparse part, the diagonal."""
    n = rare.shape[0]
    sims = np.zeros((hi - lo, n))
    for first in range(0, by_column.shape[1], width):
        dense = by_column[:, first : first + width].toarray()
        sims += dense[lo:hi] @ dense.T  # one block of all rows: A @ A.T, a symmetric product
        del dense
    part = (rare[lo:hi] @ rare_t).tocoo()
    sims[part.row, part.col] += part.data
    own = np.arange(lo, hi)
    sims[own - lo, own] += diagonal[own]
    return _top_rows(sims, lo, k)


def _top_rows(sims: np.ndarray, lo: int, k: int) -> pd.DataFrame:
    """The ``k`` largest positive values of each row of ``sims`` (ties: lower column first)."""
    kk = min(k, sims.shape[1])
    kth = -np.partition(-sims, kk - 1, axis=1)[:, kk - 1]  # k-th largest value per row
    row, col = np.nonzero((sims >= kth[:, None]) & (sims > 0))  # ties at the k-th value included
    return ranked(row + lo, col, sims[row, col], k=k)


def ranked(row: np.ndarray, col: np.ndarray, val: np.ndarray, *, k: int) -> pd.DataFrame:
    """The ``k`` best (row, col, value) entries of each row, ranked: value descending, lower column
    first among ties; the columns i, j, cosine, rank (1 = best) of the top-k tables."""
    order = np.lexsort((col, -val, row))
    row, col, val = row[order], col[order], val[order]
    first = np.searchsorted(row, row)  # position of each row's first entry
    rank = np.arange(len(row)) - first + 1
    keep = rank <= k
    return pd.DataFrame({"i": row[keep], "j": col[keep], "cosine": val[keep], "rank": rank[keep]})


def topk_cosine(x, y=None, *, k: int, groups_x=None, groups_y=None, block: int = 256) -> pd.DataFrame:
    """The ``k`` most similar rows of ``y`` for each row of ``x`` (rows l2-normalised).

    Computed block by block from sparse products, so memory stays O(block · n_y); no
    n×n matrix is kept. With ``groups_x``/``groups_y`` (e.g. doc ids) pairs in the same
    group are skipped.

    Returns
    -------
    DataFrame
        i (row of x), j (row of y), cosine, rank (1 = best for i); rows with cosine 0 dropped.
    """
    y = x if y is None else y
    if groups_x is None or groups_y is None:
        return topk_sparse(x, y, k=k, block=block)
    gx, gy = np.asarray(groups_x), np.asarray(groups_y)
    yt = y.T.tocsr()  # converted once, not per block
    out = []
    for lo in range(0, x.shape[0], block):
        sims = (x[lo : lo + block] @ yt).toarray()
        sims[gx[lo : lo + block, None] == gy[None, :]] = -np.inf
        kk = min(k, sims.shape[1])
        idx = np.argpartition(-sims, kk - 1, axis=1)[:, :kk]
        val = np.take_along_axis(sims, idx, axis=1)
        order = np.argsort(-val, axis=1, kind="stable")
        idx, val = np.take_along_axis(idx, order, 1), np.take_along_axis(val, order, 1)
        rows = np.repeat(np.arange(lo, lo + len(sims)), kk)
        out.append(
            pd.DataFrame(
                {"i": rows, "j": idx.ravel(), "cosine": val.ravel(), "rank": np.tile(np.arange(1, kk + 1), len(sims))}
            )
        )
    res = pd.concat(out, ignore_index=True) if out else pd.DataFrame(columns=["i", "j", "cosine", "rank"])
    return res[np.isfinite(res.cosine) & (res.cosine > 0)].reset_index(drop=True)


def topk_sparse(x, y=None, *, k: int, block: int = 256) -> pd.DataFrame:
    """The ``k`` most similar rows of ``y`` for each row of ``x``, from the sparse product only.

    Each block's product stays sparse (pairs sharing no term are never materialised) and the
    top ``k`` of each row come from one sort of its stored values (ties: lower column first).
    With few documents per term (``max_df``) the product holds O(n · max_df · terms per row)
    values, so time and memory grow linearly in the number of rows; output O(n · k).

    Returns
    -------
    DataFrame
        i, j, cosine, rank, as :func:`topk_cosine`.
    """
    y = x if y is None else y
    yt = y.T.tocsr()
    out = []
    for lo in range(0, x.shape[0], block):
        prod = (x[lo : lo + block] @ yt).tocsr()
        row = np.repeat(np.arange(prod.shape[0]), np.diff(prod.indptr))
        order = np.lexsort((prod.indices, -prod.data, row))
        row, col, val = row[order], prod.indices[order], prod.data[order]
        rank = np.arange(len(row)) - prod.indptr[row] + 1
        keep = (rank <= k) & (val > 0)
        out.append(pd.DataFrame({"i": row[keep] + lo, "j": col[keep], "cosine": val[keep], "rank": rank[keep]}))
    if not out:
        return pd.DataFrame(columns=["i", "j", "cosine", "rank"])
    return pd.concat(out, ignore_index=True)
