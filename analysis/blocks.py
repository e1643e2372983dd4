"""Consecutive blocks of rows bounded by their size: one rule for every place that works a block at a time.

A table of rows of varying size (a CSR matrix's rows and their stored values, texts and their
characters) is described by its ``indptr``: row ``r`` spans ``indptr[r]:indptr[r + 1]``.
"""

from __future__ import annotations

import numpy as np


def row_blocks(indptr: np.ndarray, block: int, *, max_rows: int | None = None):
    """(lo, hi) of consecutive rows holding at most ``block`` values each (a row holding more is a
    block of its own), and at most ``max_rows`` rows; ``indptr``: the rows' cumulative sizes from 0."""
    n, lo = len(indptr) - 1, 0
    while lo < n:
        hi = max(lo + 1, int(np.searchsorted(indptr, indptr[lo] + block, side="right")) - 1)
        hi = min(hi, n, lo + max_rows) if max_rows else min(hi, n)
        yield lo, hi
        lo = hi
