"""Character n-gram counts in numpy: the counts ``CountVectorizer(analyzer='char')`` gives, fast.

Each character is its code point (< 2**21); an n-gram of up to three characters packs into one
int64 (``c1 << 42 | c2 << 21 | c3``), so the n-grams of a whole batch of documents are computed
with a few vectorised shifts instead of one Python slice each, and no n-gram of length 2 can
equal one of length 3 (code points are > 0). N-grams are counted after one sort
per batch (no hashing: packed n-grams hash badly). Documents are processed in batches (memory
O(batch characters)); the vocabulary is the sorted union of the batches' n-grams. Column order
differs from scikit-learn's (sorted packed ids, not sorted strings), which changes no cosine.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

MAX_N = 3  # 3 × 21 bits fit in an int64
_BITS = 21


def _batch_counts(docs: list[str], ngram_range: tuple) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Count matrix of one batch (columns: its own distinct packed n-grams) and those n-grams."""
    lengths = np.fromiter((len(d) for d in docs), dtype=np.int64, count=len(docs))
    codes = np.frombuffer("".join(docs).encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    doc_of = np.repeat(np.arange(len(docs), dtype=np.int64), lengths)
    rows, grams = [], []
    for n in range(ngram_range[0], ngram_range[1] + 1):
        m = len(codes) - n + 1
        if m <= 0:
            continue
        gram = np.zeros(m, dtype=np.int64)
        for j in range(n):
            gram = (gram << _BITS) | codes[j : j + m]
        inside = doc_of[:m] == doc_of[n - 1 : n - 1 + m]  # never across two documents
        rows.append(doc_of[:m][inside])
        grams.append(gram[inside])
    if not rows:
        return sparse.csr_matrix((len(docs), 0), dtype=np.int64), np.empty(0, np.int64)
    row, gram = np.concatenate(rows), np.concatenate(grams)
    order = np.argsort(gram, kind="stable")  # rows stay ascending within one n-gram
    row, gram = row[order], gram[order]
    new_gram = np.ones(len(gram), dtype=bool)
    new_gram[1:] = gram[1:] != gram[:-1]
    new_cell = new_gram.copy()
    new_cell[1:] |= row[1:] != row[:-1]
    cell = np.flatnonzero(new_cell)
    col = np.cumsum(new_gram)[cell] - 1
    counts = sparse.csr_matrix(
        (np.diff(np.append(cell, len(gram))), (row[cell], col)), shape=(len(docs), int(new_gram.sum()))
    )
    return counts, gram[new_gram]


def char_ngram_counts(docs: list[str], *, ngram_range: tuple = (2, 3), batch: int = 100) -> sparse.csr_matrix:
    """Document × n-gram count matrix of character n-grams (lengths ``ngram_range``, at most 3).

    Parameters
    ----------
    docs : list of str
        Texts without whitespace to normalise (e.g. Chinese characters only).
    ngram_range : (int, int), keyword-only
        Shortest and longest n-gram, 1 <= lo <= hi <= 3.
    batch : int, keyword-only
        Documents per batch.

    Returns
    -------
    scipy.sparse.csr_matrix
        Counts, one row per document, one column per distinct n-gram (int64).
    """
    lo, hi = ngram_range
    if not 1 <= lo <= hi <= MAX_N:
        raise ValueError(f"ngram_range must satisfy 1 <= lo <= hi <= {MAX_N}, got {ngram_range!r}")
    parts = [_batch_counts(docs[first : first + batch], ngram_range) for first in range(0, len(docs), batch)]
    vocabulary = np.sort(np.concatenate([p[1] for p in parts])) if parts else np.empty(0, np.int64)
    vocabulary = (
        vocabulary[np.concatenate([[True], vocabulary[1:] != vocabulary[:-1]])] if len(vocabulary) else vocabulary
    )
    blocks = []
    for counts, grams in parts:  # batch columns -> columns of the sorted vocabulary
        remap = np.searchsorted(vocabulary, grams)
        counts = counts.tocoo()
        blocks.append(
            sparse.csr_matrix((counts.data, (counts.row, remap[counts.col])), shape=(counts.shape[0], len(vocabulary)))
        )
    if not blocks:
        return sparse.csr_matrix((0, 0), dtype=np.int64)
    return sparse.vstack(blocks, format="csr")
