"""Character n-gram counts in numpy: the counts ``CountVectorizer(analyzer='char')`` gives, fast.

Each distinct character of the corpus gets a rank 1..V-1 (a lookup table by code point, ranks in
code point order, no sort); an n-gram of up to three characters packs into one int64 in base V
(``(r1 · V + r2) · V + r3``), so no n-gram of one length equals one of another, and with the
document's row in the batch appended (``gram · rows + row``) one plain sort of the batch's keys
(numpy's vectorised sort, no argsort) groups equal (n-gram, document) cells: their counts are the
gaps between key changes. Documents are processed in batches (memory O(batch characters)); the
vocabulary is the sorted union of the batches' n-grams, in code point order of the characters —
the same column order as packing raw code points. Column order differs from scikit-learn's
(sorted packed ids, not sorted strings), which changes no cosine.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

MAX_N = 3  # longest n-gram packed (base V: V³ · batch < 2**63, checked)
_BITS = 21


def _codes(docs: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Code points of the concatenated documents (int64) and the documents' lengths."""
    lengths = np.fromiter((len(d) for d in docs), dtype=np.int64, count=len(docs))
    return np.frombuffer("".join(docs).encode("utf-32-le"), dtype=np.uint32).astype(np.int64), lengths


def _alphabet(docs: list[str], batch: int) -> np.ndarray:
    """Rank (1..V-1, in code point order) of every character present, by code point; 0 elsewhere."""
    present = np.zeros(0x110000, dtype=bool)
    for first in range(0, len(docs), batch):
        present[_codes(docs[first : first + batch])[0]] = True
    return np.cumsum(present) * present


def _batch_counts(docs: list[str], ngram_range: tuple, rank: np.ndarray, base: int) -> tuple:
    """Count matrix of one batch (columns: its own distinct packed n-grams, sorted) and those n-grams."""
    codes, lengths = _codes(docs)
    codes = rank[codes]
    doc_of = np.repeat(np.arange(len(docs), dtype=np.int64), lengths)
    keys = []
    for n in range(ngram_range[0], ngram_range[1] + 1):
        m = len(codes) - n + 1
        if m <= 0:
            continue
        gram = np.zeros(m, dtype=np.int64)
        for j in range(n):
            gram = gram * base + codes[j : j + m]
        inside = doc_of[:m] == doc_of[n - 1 : n - 1 + m]  # never across two documents
        keys.append(gram[inside] * len(docs) + doc_of[:m][inside])
    if not keys:
        return sparse.csr_matrix((len(docs), 0), dtype=np.int32), np.empty(0, np.int64)
    key = np.sort(np.concatenate(keys))
    cell = np.flatnonzero(np.concatenate([[True], key[1:] != key[:-1]]))
    counts = np.diff(np.append(cell, len(key))).astype(np.int32)
    gram, row = np.divmod(key[cell], len(docs))
    new_gram = np.concatenate([[True], gram[1:] != gram[:-1]])
    indptr = np.append(np.flatnonzero(new_gram), len(gram))  # cells sorted by n-gram: columns
    by_gram = sparse.csc_matrix((counts, row, indptr), shape=(len(docs), len(indptr) - 1))
    return by_gram.tocsr(), gram[new_gram]


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
        Counts, one row per document, one column per distinct n-gram (int32).
    """
    lo, hi = ngram_range
    if not 1 <= lo <= hi <= MAX_N:
        raise ValueError(f"ngram_range must satisfy 1 <= lo <= hi <= {MAX_N}, got {ngram_range!r}")
    rank = _alphabet(docs, batch)
    base = int(rank.max()) + 1
    if base**hi * min(batch, max(len(docs), 1)) >= 2**63:
        raise ValueError(f"{base - 1} distinct characters: too many to pack {hi}-grams in 64 bits; use a smaller batch")
    parts = [
        _batch_counts(docs[first : first + batch], ngram_range, rank, base) for first in range(0, len(docs), batch)
    ]
    vocabulary = np.sort(np.concatenate([p[1] for p in parts])) if parts else np.empty(0, np.int64)
    vocabulary = (
        vocabulary[np.concatenate([[True], vocabulary[1:] != vocabulary[:-1]])] if len(vocabulary) else vocabulary
    )
    return _stack(parts, vocabulary)


def _stack(parts: list, vocabulary: np.ndarray) -> sparse.csr_matrix:
    """The batches' count matrices as one, columns remapped to ``vocabulary`` (parts released one by one)."""
    if not parts:
        return sparse.csr_matrix((0, 0), dtype=np.int32)
    nnz = sum(p[0].nnz for p in parts)
    data, indices = np.empty(nnz, np.int32), np.empty(nnz, np.int32)
    indptr, at, rows = [np.zeros(1, np.int64)], 0, 0
    while parts:  # batch columns -> columns of the sorted vocabulary (order kept)
        counts, grams = parts.pop(0)
        data[at : at + counts.nnz] = counts.data
        indices[at : at + counts.nnz] = np.searchsorted(vocabulary, grams)[counts.indices]
        indptr.append(counts.indptr[1:] + at)
        at, rows = at + counts.nnz, rows + counts.shape[0]
    return sparse.csr_matrix((data, indices, np.concatenate(indptr)), shape=(rows, len(vocabulary)))
