"""Character n-gram counts made once and shared: the analysis behind :class:`analysis.coverage.model.SegmentModel`.

Several models fitted on overlapping texts (the folds of :mod:`analysis.coverage.outofsample`)
need the same n-grams of the same texts; :func:`count_ngrams` analyses each text once (with
``CountVectorizer``'s own analyzer) and :meth:`Ngrams.training_matrix` gives each fit exactly the
count matrix ``TfidfVectorizer.fit_transform`` would make of its texts: the vocabulary of those
texts only, and the same entry order, so the floating-point sums downstream and therefore the
model are bit for bit the same.

Cost: one pass over the texts (one ``Counter`` per text), then numpy per fit.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer


@dataclass(frozen=True)
class Ngrams:
    """Character n-gram counts of some texts (one row per text) and the n-gram of each column.

    Made once by :func:`count_ngrams` and sliced by rows (:meth:`rows`), so that several models
    fitted on overlapping texts (the folds of :mod:`analysis.coverage.outofsample`) analyse each
    text once. ``counts`` is CSR whose columns are the sorted ``features``; within a row the entries
    are in the order the n-grams first occur in the text (what :meth:`training_matrix` needs).
    """

    counts: sparse.csr_matrix
    features: np.ndarray

    def rows(self, index) -> Ngrams:
        """The same n-grams, for the texts at positions ``index`` only."""
        return Ngrams(self.counts[np.asarray(index)], self.features)

    def training_matrix(self) -> tuple:
        """The count matrix ``TfidfVectorizer.fit_transform`` makes of these texts, and its features.

        Columns are the n-grams these texts contain (sorted); within a row the entries are in the
        order the vectorizer leaves them (by the n-gram's first occurrence in these texts), so the
        float sums downstream add up in the same order and the model is bit for bit the same.
        """
        counts = self.counts
        row = np.repeat(np.arange(counts.shape[0]), np.diff(counts.indptr))
        seen, first = np.unique(counts.indices, return_index=True)
        first_seen = np.zeros(len(self.features), dtype=np.int64)
        first_seen[seen] = np.argsort(np.argsort(first))
        order = np.lexsort((first_seen[counts.indices], row))
        indices = np.searchsorted(seen, counts.indices[order]).astype(np.int32)
        x = sparse.csr_matrix((counts.data[order], indices, counts.indptr), shape=(counts.shape[0], len(seen)))
        return x, self.features[seen]


def count_ngrams(texts, *, ngram_range: tuple = (1, 3)) -> Ngrams:
    """The character n-gram counts of ``texts``, vocabulary learned from them (see :class:`Ngrams`).

    The analysis is ``CountVectorizer``'s (its analyzer), counted with one ``Counter`` per text,
    which keeps the order of first occurrence ``CountVectorizer`` discards.
    """
    analyze = _counter(ngram_range).build_analyzer()
    vocabulary: defaultdict = defaultdict()
    vocabulary.default_factory = vocabulary.__len__
    indices: list = []
    values: list = []
    indptr = [0]
    for text in texts:
        counts = Counter(analyze(text))
        indices.extend(map(vocabulary.__getitem__, counts))
        values.extend(counts.values())
        indptr.append(len(indices))
    names = list(vocabulary)  # in order of first occurrence
    alphabetical = sorted(range(len(names)), key=names.__getitem__)
    column = np.empty(len(names), dtype=np.int32)
    column[alphabetical] = np.arange(len(names), dtype=np.int32)
    matrix = sparse.csr_matrix(
        (np.asarray(values, dtype=np.float64), column[np.asarray(indices, dtype=np.int64)], np.asarray(indptr)),
        shape=(len(indptr) - 1, len(names)),
    )
    return Ngrams(matrix, np.asarray([names[i] for i in alphabetical], dtype=object))


def _counter(ngram_range: tuple, vocabulary: dict | None = None) -> CountVectorizer:
    """The analysis :class:`SegmentModel` uses: characters as written (no lowercasing), float counts
    as ``TfidfVectorizer`` makes them."""
    return CountVectorizer(
        analyzer="char", ngram_range=ngram_range, lowercase=False, dtype=np.float64, vocabulary=vocabulary
    )
