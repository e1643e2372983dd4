"""Character n-gram counts made once and shared: the analysis behind :class:`analysis.coverage.model.SegmentModel`.

Several models fitted on overlapping texts (the folds of :mod:`analysis.coverage.outofsample`)
need the same n-grams of the same texts; :func:`count_ngrams` analyses each text once (with
``CountVectorizer``'s own analyzer) and :meth:`Ngrams.training_matrix` gives each fit exactly the
count matrix ``TfidfVectorizer.fit_transform`` would make of its texts: the vocabulary of those
texts only, and the same entry order, so the floating-point sums downstream and therefore the
model are bit for bit the same.

Scoring texts with a fitted model needs only the counts of the model's own n-grams:
:func:`count_known` makes them in numpy (no Python loop per text or n-gram), the matrix
``CountVectorizer(vocabulary=...).transform`` gives (:func:`pack`: an n-gram as one integer).

Cost: one pass over the texts (one ``Counter`` per text), then numpy per fit; scoring is a few
vectorised passes over the characters (``count_known``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer

from analysis.blocks import row_blocks

MAX_N = 3  # longest n-gram packed: three 21-bit fields (code point + 1) fill 63 bits
_BITS = 21
BATCH_CHARS = 2_000_000  # characters counted at once by count_known (memory ~ 60 bytes each)


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

    The analysis is ``CountVectorizer``'s (white-space runs made one space, then every n-gram in the
    analyzer's order: all 1-grams, then 2-grams, … by position), counted in numpy: every n-gram
    packed (:func:`pack`), columns from the sorted distinct n-grams, cells grouped by a stable sort
    so each cell keeps its first position, and each row's cells put in that order (the order of
    first occurrence ``CountVectorizer`` discards). Texts holding a NUL character are counted by
    :func:`_count_ngrams_python` (a packed n-gram cannot tell a trailing NUL from an absent one when
    turned back into text).
    """
    texts = [_WHITE_SPACES.sub(" ", t) for t in texts]
    lo, hi = ngram_range
    codes = _code_points(texts) + 1
    if not 1 <= lo <= hi <= MAX_N or (codes == 1).any() or not len(codes):
        return _count_ngrams_python(texts, ngram_range=ngram_range)
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    text_of = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
    grams, owners = [], []
    for n in range(lo, hi + 1):  # n-major, then position: the analyzer's order within every text
        at, gram = _packed(codes, text_of, n)
        grams.append(gram)
        owners.append(text_of[at])
    gram, owner = np.concatenate(grams), np.concatenate(owners)
    keys, column = np.unique(gram, return_inverse=True)  # packed order = string order
    by_cell = np.argsort(owner * len(keys) + column, kind="stable")
    cell = (owner * len(keys) + column)[by_cell]
    starts = np.flatnonzero(np.concatenate([[True], cell[1:] != cell[:-1]]))
    counts = np.diff(np.append(starts, len(cell))).astype(np.float64)
    first = by_cell[starts]  # position of each cell's first occurrence
    in_row = np.argsort(owner[first] * len(gram) + first)  # rows, then order of first occurrence
    indptr = np.concatenate([[0], np.cumsum(np.bincount(owner[first], minlength=len(texts)))])
    matrix = sparse.csr_matrix(
        (counts[in_row], column[first][in_row].astype(np.int32), indptr), shape=(len(texts), len(keys))
    )
    return Ngrams(matrix, _strings(keys))


def _strings(keys: np.ndarray) -> np.ndarray:
    """Packed n-grams (:func:`pack`, no NUL character) back to text, as an object array."""
    codes = unpack(keys)
    codes[codes < 0] = 0  # absent characters: NULs, which numpy's fixed-width strings drop at the end
    text = np.ascontiguousarray(codes.astype("<u4")).view(f"<U{MAX_N}").ravel()
    return np.asarray(text.tolist(), dtype=object)


def _count_ngrams_python(texts, *, ngram_range: tuple = (1, 3)) -> Ngrams:
    """:func:`count_ngrams` with the analyzer and one ``Counter`` per text (the reference)."""
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


def pack(grams) -> np.ndarray:
    """Each n-gram (1 to ``MAX_N`` characters) as one int64: its characters' code points + 1 in
    21-bit fields from the top, absent characters 0.

    Distinct n-grams (of any lengths up to 3) get distinct integers, and integer order is Python's
    string order (a prefix sorts first), so a sorted feature list packs to a sorted array.
    """
    grams = list(grams)
    lengths = np.fromiter(map(len, grams), dtype=np.int64, count=len(grams))
    if len(grams) and not ((lengths >= 1) & (lengths <= MAX_N)).all():
        raise ValueError(f"pack takes n-grams of 1 to {MAX_N} characters")
    codes = _code_points(grams) + 1
    owner = np.repeat(np.arange(len(grams)), lengths)
    within = np.arange(len(codes)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    fields = np.zeros((len(grams), MAX_N), dtype=np.int64)
    fields[owner, within] = codes
    return (fields[:, 0] << (2 * _BITS)) | (fields[:, 1] << _BITS) | fields[:, 2]


def unpack(keys: np.ndarray) -> np.ndarray:
    """The code points of packed n-grams (:func:`pack`): one row per key, ``MAX_N`` columns, -1
    where the n-gram is shorter."""
    fields = [(keys >> ((MAX_N - 1 - j) * _BITS)) & ((1 << _BITS) - 1) for j in range(MAX_N)]
    return np.stack(fields, axis=1) - 1


def count_known(texts, keys: np.ndarray, *, ngram_range: tuple = (1, 3)) -> sparse.csr_matrix:
    """Counts of the n-grams ``keys`` (sorted :func:`pack` output) in each text, vectorised.

    The matrix ``CountVectorizer(analyzer='char', lowercase=False, vocabulary=features)
    .transform(texts)`` gives (float64, indices sorted): white-space runs become one space as the
    analyzer makes them, n-grams never cross two texts, n-grams not in ``keys`` are dropped.
    Texts are counted in batches of about ``BATCH_CHARS`` characters.
    """
    lo, hi = ngram_range
    if not 1 <= lo <= hi <= MAX_N:
        raise ValueError(f"ngram_range must satisfy 1 <= lo <= hi <= {MAX_N}, got {ngram_range!r}")
    texts = [_WHITE_SPACES.sub(" ", t) for t in texts]
    at = np.concatenate([[0], np.cumsum(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)))])
    columns = pd.Index(keys)
    data, indices, indptr = [], [], [np.zeros(1, dtype=np.int64)]
    for first, last in row_blocks(at, BATCH_CHARS):
        counts = _batch_known(texts[first:last], keys, columns, ngram_range)
        data.append(counts.data)
        indices.append(counts.indices)
        indptr.append(counts.indptr[1:] + indptr[-1][-1])
    return sparse.csr_matrix(
        (
            np.concatenate(data) if data else np.zeros(0),
            np.concatenate(indices) if indices else np.zeros(0, np.int32),
            np.concatenate(indptr),
        ),
        shape=(len(texts), len(keys)),
    )


def _batch_known(texts: list, keys: np.ndarray, columns: pd.Index, ngram_range: tuple) -> sparse.csr_matrix:
    """:func:`count_known` of one batch: every n-gram packed, looked up in ``columns`` (``keys`` as
    a hashed index: 4x a sorted search here), the (text, column) cells of the known ones sorted and
    counted."""
    codes = _code_points(texts) + 1
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    text_of = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
    cells = []
    for n in range(ngram_range[0], ngram_range[1] + 1) if len(keys) else ():
        at, gram = _packed(codes, text_of, n)
        column = columns.get_indexer(gram)  # hash lookup, -1 when not a feature
        known = column >= 0
        cells.append(text_of[at[known]] * len(keys) + column[known])
    cell = np.sort(np.concatenate(cells)) if cells else np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.concatenate([[True], cell[1:] != cell[:-1]])) if len(cell) else np.zeros(0, np.int64)
    counts = np.diff(np.append(starts, len(cell))).astype(np.float64)
    row, column = np.divmod(cell[starts], max(len(keys), 1))
    indptr = np.concatenate([[0], np.cumsum(np.bincount(row, minlength=len(texts)))])
    return sparse.csr_matrix((counts, column.astype(np.int32), indptr), shape=(len(texts), len(keys)))


def _packed(codes: np.ndarray, text_of: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Every ``n``-gram of the concatenated texts that does not cross two texts: (its first position,
    the n-gram packed as :func:`pack` packs it), in position order. ``codes``: code points + 1;
    ``text_of``: each position's text."""
    m = len(codes) - n + 1
    if m <= 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    at = np.flatnonzero(text_of[:m] == text_of[n - 1 : n - 1 + m])
    gram = codes[at] << (2 * _BITS)
    for j in range(1, n):
        gram |= codes[at + j] << ((MAX_N - 1 - j) * _BITS)
    return at, gram


def _code_points(strings: list) -> np.ndarray:
    """Code points of the concatenated strings, as int64 (lone surrogates kept as they are)."""
    raw = "".join(strings).encode("utf-32-le", "surrogatepass")
    return np.frombuffer(raw, dtype="<u4").astype(np.int64)


# the analyzer's white-space normalisation (runs of two or more become one space), sklearn's own regex
_WHITE_SPACES = CountVectorizer._white_spaces
