"""Document similarity: TF-IDF cosine on word tokens and on character n-grams, and clustering.

Two views of each document's body (front and back matter left out):

* ``tfidf_word`` — the corpus tokens (jieba + domain lexicon), stopwords removed, tokens
  without a Chinese character (numbers, Latin) dropped; counted straight from the token
  table (:func:`term_counts`: the counts ``CountVectorizer`` gives on the token lists, one-
  character tokens kept) and weighted by ``TfidfTransformer``.
* ``tfidf_char`` — character n-grams (``ngram_range`` a parameter, counted in numpy by
  :mod:`analysis.similarity.ngrams`) of the clean body text reduced to Chinese characters;
  robust to word segmentation.

Both use sublinear tf and l2 normalisation, so a document's cosine with itself is 1.
Each row of the result carries its parameters (``params``, JSON).

Cost: vectorising is linear in the corpus size (no Python call per token or n-gram).
Up to :data:`analysis.similarity.candidates.EXACT_MAX_ROWS` documents (3,000) the neighbours are
exact; above, :func:`analysis.similarity.candidates.topk_candidates` picks 100 candidates per
document from a sketch (exact cosines, recall measured: 0.9986 of the top-10 and 0.927 of the
top-50 of the character view at 5,000 synthetic reports) and the table's params say so.
Exact cosines come from :func:`analysis.similarity.product.topk_hybrid`: the terms most
documents share (more than ~n/32) through a dense BLAS product, the others through a sparse
product whose cost is at most that threshold times the stored values, terms of one document
only on the diagonal; the ``top_k`` neighbours of each document (self included) are kept and
then symmetrised. Memory is O(block · n_docs + n_docs · top_k) besides the TF-IDF matrices,
never an n × n matrix past ~2,900 documents (64 MB blocks). Time is still quadratic in the
number of documents — an exact all-pairs top-k is — but with BLAS's constant instead of the
sparse product's df² per term (the character view's common n-grams). ``max_df`` (default
None) leaves out terms held by more documents, which changes which documents are neighbours
(measured, see :data:`MAX_DF`). With ``top_k`` >= the number of documents the table holds
every ordered pair (all 49 for the seeds). Measured in ``benchmarks/bench_national.py``
(2 CPUs shared and loaded, CPU seconds, the body tables already made; docs/benchmarks.md
"Pairwise stages"): 0.84 / 2.27 / 9.90 s and +112 / +199 / +789 MB at 100 / 300 / 1,000
synthetic reports of 10,000 characters (the sparse product alone: 1.44 / 4.80 / 25.2 s).
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from scipy import sparse
from scipy.cluster import hierarchy
from scipy.spatial.distance import squareform
from sklearn.feature_extraction.text import TfidfTransformer, TfidfVectorizer
from sklearn.preprocessing import normalize

from analysis.similarity import candidates, ngrams
from analysis.similarity.product import topk_cosine, topk_sparse  # noqa: F401 (used as tfidf.*)
from corpus.patterns import HAS_HAN, NON_HAN

METHODS = ("tfidf_word", "tfidf_char")
# Default of ``max_df`` (terms held by more documents than this are left out): None, every term
# kept. A cap keeps the sparse product linear in the corpus, but changes which documents are
# neighbours: on 300 synthetic reports (benchmarks/national.py) a cap of 50 documents kept 29 % of
# the word view's top-1 neighbours and 61 % of the character view's, a cap of 100 kept 44 % / 83 %.
MAX_DF = None
TOKEN_BLOCK = 4_000_000  # token rows coded and counted at a time by ``word_matrix``
VALUE_BLOCK = 1 << 22  # stored values of a matrix weighed at a time by ``weigh``


def body_tokens(c) -> pd.Series:
    """Content tokens of each document's body.

    Returns
    -------
    Series
        doc_id -> list of tokens (document order; stopwords and tokens without a Chinese
        character removed), indexed in the order of ``c.documents``.
    """
    tok = content_tokens(c)
    return token_lists(tok.doc_id, tok.token, c.documents.doc_id)


def token_lists(keys: pd.Series, tokens: pd.Series, order) -> pd.Series:
    """Tokens grouped into one list per key, in row order, indexed by ``order`` (empty lists for missing keys).

    One bulk conversion of the token column and a stable sort by key — not a Python call per
    row, as ``groupby(...).agg(list)`` makes on Arrow strings.
    """
    codes, uniques = pd.factorize(keys, sort=False)
    values = tokens.to_numpy(dtype=object)
    by_key = np.argsort(codes, kind="stable")
    bounds = np.cumsum(np.bincount(codes, minlength=len(uniques)))[:-1]
    found = dict(zip(uniques, (list(part) for part in np.split(values[by_key], bounds))))
    return pd.Series([found.get(k, []) for k in order], index=pd.Index(order, name=keys.name), dtype=object)


def join_text(keys: pd.Series, texts: pd.Series) -> pd.Series:
    """``texts.groupby(keys, sort=False).agg("".join)`` without a Python call per row.

    The strings are converted once (Arrow strings are otherwise iterated one by one); rows of a
    missing key are left out, as ``groupby`` does.
    """
    codes, uniques = pd.factorize(keys, sort=False)
    values = texts.to_numpy(dtype=object)[codes >= 0]
    codes = codes[codes >= 0]
    bounds = np.cumsum(np.bincount(codes, minlength=len(uniques)))[:-1]
    joined = ["".join(part) for part in np.split(values[np.argsort(codes, kind="stable")], bounds)]
    return pd.Series(joined, index=pd.Index(uniques, name=keys.name), dtype=texts.dtype, name=texts.name)


def content_tokens(c) -> pd.DataFrame:
    """Body tokens that carry content: stopwords and tokens without a Chinese character removed.

    Returns
    -------
    DataFrame
        The rows of ``c.tokens`` (doc_id, seg_id, sent_id, token, start, end, is_stop) kept.
    """
    return content_rows(c.body().tokens)


def content_rows(tok: pd.DataFrame) -> pd.DataFrame:
    """The rows of a body token table that carry content (see :func:`content_tokens`)."""
    return tok[content_mask(tok, *pd.factorize(tok.token))]


def content_mask(tok: pd.DataFrame, codes: np.ndarray, distinct) -> np.ndarray:
    """True for the rows of ``tok`` that carry content; ``codes``/``distinct``: its factorized tokens."""
    han = pd.Series(distinct, dtype=str).str.contains(HAS_HAN.pattern, regex=True).to_numpy(dtype=bool)
    return ~tok.is_stop.astype(bool).to_numpy() & han[codes]  # each distinct token tested once, in Arrow


def body_chars(c) -> pd.Series:
    """Clean body text of each document reduced to Chinese characters.

    Returns
    -------
    Series
        doc_id -> str (segments joined in document order, non-Chinese characters removed).
    """
    return _han_text(c.body().segments, c.documents.doc_id)


def _han_text(seg: pd.DataFrame, order) -> pd.Series:
    han = seg["text"].astype(str).str.replace(NON_HAN.pattern, "", regex=True)  # every segment at once, in Arrow
    text = join_text(seg.doc_id.astype(str), han)
    return text.reindex(pd.Index(order).astype(str)).fillna("")


def vectorize(
    docs: pd.Series,
    *,
    method: str,
    ngram_range: tuple = (2, 3),
    min_df: int = 1,
    max_df: int | float | None = None,
    sublinear_tf: bool = True,
):
    """Fit a TF-IDF model on ``docs`` (token lists for ``tfidf_word``, strings for ``tfidf_char``).

    Character n-grams of up to 3 characters are counted in numpy
    (:func:`analysis.similarity.ngrams.char_ngram_counts`: the counts of ``TfidfVectorizer``'s
    char analyzer, 5× faster, columns in another order) and weighted by ``TfidfTransformer``;
    the fitted object returned is then that transformer. Longer n-grams use ``TfidfVectorizer``.

    Returns
    -------
    (matrix, vectorizer, params) : the l2-normalised sparse matrix, the fitted
        ``TfidfVectorizer`` and the parameters as a dict.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    params: dict = {"method": method}
    if method == "tfidf_word":
        params["units"] = "body tokens, stopwords removed"
    else:
        params.update(units="body text, Chinese characters only", ngram_range=list(ngram_range))
    params.update(min_df=min_df, max_df=max_df, sublinear_tf=sublinear_tf, norm="l2")
    cap = {} if max_df is None else {"max_df": max_df}
    if method == "tfidf_word":
        vec = TfidfVectorizer(analyzer=_identity, lowercase=False, min_df=min_df, sublinear_tf=sublinear_tf, **cap)
    elif max(ngram_range) <= ngrams.MAX_N:
        # the counts are not bound here: weigh frees them once their float copy is made
        matrix, transformer = weigh(
            ngrams.char_ngram_counts(list(docs), ngram_range=tuple(ngram_range)),
            min_df=min_df,
            max_df=max_df,
            sublinear_tf=sublinear_tf,
        )
        return matrix, transformer, params
    else:
        vec = TfidfVectorizer(
            analyzer="char",
            ngram_range=tuple(ngram_range),
            lowercase=False,
            min_df=min_df,
            sublinear_tf=sublinear_tf,
            **cap,
        )
    return vec.fit_transform(list(docs)), vec, params


def term_counts(keys: pd.Series, terms: pd.Series, order) -> sparse.csr_matrix:
    """Document × term counts from a long table (one row per token), without Python per token.

    ``keys`` (doc_id per row) and ``terms`` may be strings or categoricals; rows follow
    ``order`` (doc_ids), columns the sorted distinct terms — the counts ``CountVectorizer`` gives
    on the documents' token lists, in its column order.
    """
    doc_codes, doc_ids = pd.factorize(keys, sort=False)
    row = pd.Index(pd.Index(order).astype(str)).get_indexer(pd.Index(doc_ids).astype(str))[doc_codes]
    col, vocabulary = pd.factorize(terms, sort=True)
    keep = (row >= 0) & (col >= 0)
    return sparse.csr_matrix(
        (np.ones(int(keep.sum()), np.int64), (row[keep], col[keep])), shape=(len(order), len(vocabulary))
    )


def cell_counts(row: np.ndarray, col: np.ndarray, *, shape: tuple) -> sparse.csr_matrix:
    """CSR matrix counting the (row, col) pairs: one plain sort of packed keys, no COO arrays.

    The same matrix as ``csr_matrix((ones, (row, col)))`` with duplicates summed (int64
    counts, sorted indices), at about a third of its peak memory.
    """
    return block_counts([(row, col)], shape=shape)


def block_counts(blocks, *, shape: tuple) -> sparse.csr_matrix:
    """``cell_counts`` of (row, col) pairs given as an iterable of blocks of pairs.

    Each block is reduced to its distinct cells (packed keys, sorted, counted) before the next
    one is made, so memory is that of one block's pairs plus the cells: blocks of a token table
    never hold an array per token of the whole corpus. Cells of several blocks are added when
    blocks share them (sorted once; skipped when each block's cells follow the previous one's,
    as the rows of a table in document order do).
    """
    width = max(shape[1], 1)
    keys, counts = [], []
    for row, col in blocks:
        key = row.astype(np.int64) * width + col
        key.sort()
        first = np.flatnonzero(np.concatenate([[True], key[1:] != key[:-1]])) if len(key) else np.empty(0, np.int64)
        counts.append(np.diff(np.append(first, len(key))))
        keys.append(key[first])
        del key
    key = np.concatenate(keys) if keys else np.empty(0, np.int64)
    count = np.concatenate(counts) if counts else np.empty(0, np.int64)
    del keys, counts
    if len(key) > 1 and (key[1:] <= key[:-1]).any():  # blocks share cells or come out of order
        order = np.argsort(key, kind="stable")
        key, count = key[order], count[order]
        first = np.flatnonzero(np.concatenate([[True], key[1:] != key[:-1]]))
        key, count = key[first], np.add.reduceat(count, first)
    rows, cols = np.divmod(key, width)
    indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=shape[0]))])
    return sparse.csr_matrix((count, cols.astype(np.int32), indptr), shape=shape)


def weigh(counts, *, min_df: int = 1, max_df: int | float | None = None, sublinear_tf: bool = True):
    """TF-IDF (l2-normalised) of a count matrix, keeping terms held by ``min_df``..``max_df`` documents.

    ``max_df`` as in scikit-learn: an int is a number of documents, a float a share of them;
    terms held by more are left out before weighting. The arithmetic of ``TfidfTransformer``
    (smooth idf, ``1 + log(tf)``, l2 norm by ``normalize``), done in place on one float copy of
    the counts, without its input validation and copies; the idf is applied a block of
    :data:`VALUE_BLOCK` stored values at a time (no temporary as long as the matrix: 2 GB for
    the character view of 20,000 reports). Returns (matrix, TfidfTransformer with that ``idf_``).
    """
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    top = np.inf if max_df is None else max_df * counts.shape[0] if isinstance(max_df, float) else max_df
    if min_df > 1 or top < counts.shape[0]:
        kept = np.flatnonzero((df >= min_df) & (df <= top))
        counts, df = counts[:, kept], df[kept]
    counts = sparse.csr_matrix(counts)
    matrix = sparse.csr_matrix((counts.data.astype(np.float64), counts.indices, counts.indptr), shape=counts.shape)
    del counts  # the caller's count matrix may go now: its index arrays are shared, not copied
    idf = np.full(len(df), matrix.shape[0] + 1, dtype=np.float64)
    idf /= df.astype(np.float64) + 1.0
    np.log(idf, out=idf)
    idf += 1.0
    if sublinear_tf:
        np.log(matrix.data, out=matrix.data)
        matrix.data += 1.0
    for lo in range(0, matrix.nnz, VALUE_BLOCK):
        matrix.data[lo : lo + VALUE_BLOCK] *= idf[matrix.indices[lo : lo + VALUE_BLOCK]]
    transformer = TfidfTransformer(sublinear_tf=sublinear_tf)
    transformer.idf_ = idf
    return normalize(matrix, norm="l2", copy=False), transformer


def _identity(tokens):
    return tokens


def document_similarity(
    docs: pd.Series, *, method: str, top_k: int = 50, max_df: int | float | None = None, **options
) -> pd.DataFrame:
    """Long, symmetric table of document cosines for one method.

    Parameters
    ----------
    docs : Series
        doc_id -> token list (``tfidf_word``) or Chinese text (``tfidf_char``).
    method : {'tfidf_word', 'tfidf_char'}
    top_k : int
        Neighbours kept per document (self included) before symmetrising.
    max_df : int, float or None
        Terms held by more documents than this (a share if float) are left out (see
        :data:`MAX_DF`); None keeps every term.
    **options
        Passed to :func:`vectorize` (``ngram_range``, ``min_df``, ``sublinear_tf``).

    Returns
    -------
    DataFrame
        doc_a, doc_b, method, cosine, params (JSON); self pairs and both orders.
    """
    matrix, _, params = vectorize(docs, method=method, max_df=max_df, **options)
    return _pairs_table(matrix, docs.index, method=method, params=params, top_k=top_k)


def _pairs_table(matrix, ids, *, method: str, params: dict, top_k: int, extra: dict | None = None) -> pd.DataFrame:
    """Top-k pairs of a TF-IDF matrix as the long symmetric table of :func:`document_similarity`."""
    pairs = candidates.topk(matrix, k=top_k)
    params = {**params, "top_k": top_k, **(extra or {}), **pairs.attrs.get("search", {})}
    swapped = pairs.rename(columns={"i": "j", "j": "i"})
    both = pd.concat([pairs[["i", "j", "cosine"]], swapped[["i", "j", "cosine"]]])
    both = both.drop_duplicates(["i", "j"]).sort_values(["i", "j"])
    ids = np.asarray(ids)
    return pd.DataFrame(
        {
            "doc_a": ids[both.i.to_numpy()],
            "doc_b": ids[both.j.to_numpy()],
            "method": method,
            "cosine": both.cosine.clip(upper=1.0).round(6).to_numpy(),
            "params": json.dumps(params, ensure_ascii=False),
        }
    )


def similarity(c, *, ngram_range: tuple = (2, 3), top_k: int = 50, max_df: int | float | None = MAX_DF) -> pd.DataFrame:
    """Document similarity of a corpus with both methods.

    Parameters
    ----------
    ngram_range : (int, int), keyword-only
        Character n-gram lengths of ``tfidf_char``.
    top_k : int, keyword-only
        Neighbours kept per document (self included) before symmetrising.
    max_df : int, float or None, keyword-only
        Terms (words, character n-grams) held by more documents than this are left out of both
        views (default :data:`MAX_DF`); a float is a share of the documents, None keeps all.

    Returns
    -------
    DataFrame
        doc_a, doc_b, method ('tfidf_word' | 'tfidf_char'), cosine, params (JSON; the word
        method also records the tokenizer fingerprint).
    """
    body = c.body()  # once for both views
    order = c.documents.doc_id.astype(str).to_numpy()
    matrix = word_matrix(body.tokens, order, max_df=max_df)
    params = {"method": "tfidf_word", "units": "body tokens, stopwords removed", "min_df": 1, "max_df": max_df}
    params.update(sublinear_tf=True, norm="l2")
    fingerprint = getattr(getattr(c, "tokenizer", None), "fingerprint", None)
    extra = {"tokenizer": fingerprint} if fingerprint else None
    word = _pairs_table(matrix, order, method="tfidf_word", params=params, top_k=top_k, extra=extra)
    chars = _han_text(body.segments, order)
    char = document_similarity(chars, method="tfidf_char", top_k=top_k, ngram_range=ngram_range, max_df=max_df)
    return pd.concat([word, char], ignore_index=True)


def word_matrix(
    tok: pd.DataFrame, order, *, keys: pd.Series | None = None, min_df: int = 1, max_df: int | float | None = MAX_DF
) -> sparse.csr_matrix:
    """TF-IDF matrix of the word view from a body token table, straight from its columns.

    Rows follow ``order``: doc_ids, or the values of ``keys`` (one per token row, e.g. the task unit
    of its segment; a row whose key is missing or not in ``order`` is left out). Columns are the
    distinct content tokens, sorted: the matrix ``TfidfVectorizer`` (sublinear tf, l2) gives on
    the rows' content token lists, without a Python string or list per token. Tokens are coded
    against the sorted vocabulary and counted ``TOKEN_BLOCK`` rows at a time (:func:`block_counts`),
    so no array per token of the whole table is made (at 10,000 documents, ~8 of them × 52 M rows).
    """
    distinct = vocabulary(tok.token)
    han = np.asarray(pc.match_substring_regex(distinct, HAS_HAN.pattern), dtype=bool)
    key_codes, key_ids = category_codes(tok.doc_id if keys is None else keys)
    lookup = np.append(pd.Index(order).get_indexer(pd.Index(key_ids).astype(str)), -1)  # code -1: no row
    stop = tok.is_stop.astype(bool).to_numpy()

    def blocks():
        for start in range(0, len(tok), TOKEN_BLOCK):
            part = slice(start, start + TOKEN_BLOCK)
            col = token_codes(tok.token.iloc[part], distinct)
            row = lookup[key_codes[part]]
            keep = (row >= 0) & han[col] & ~stop[part]
            yield row[keep], col[keep]

    counts = block_counts(blocks(), shape=(len(order), len(distinct)))
    used = np.flatnonzero(np.bincount(counts.indices, minlength=len(distinct)))
    return weigh(counts[:, used], min_df=min_df, max_df=max_df)[0]


def vocabulary(tokens: pd.Series) -> pa.Array:
    """The distinct tokens, sorted (code point order, as ``sorted`` and ``pd.factorize(sort=True)``)."""
    distinct = pa.array(tokens.unique()).drop_null()
    return distinct.take(pc.sort_indices(distinct))


def token_codes(tokens: pd.Series, distinct: pa.Array) -> np.ndarray:
    """Position of each token in ``distinct`` (-1: missing), looked up in Arrow (no Python string)."""
    return np.asarray(pc.fill_null(pc.index_in(pa.array(tokens), value_set=distinct), -1))


def category_codes(keys) -> tuple[np.ndarray, pd.Index]:
    """Integer codes (-1: missing) and distinct values of ``keys``: a categorical's own codes, no copy."""
    if isinstance(keys.dtype, pd.CategoricalDtype):
        values = keys.array if isinstance(keys, pd.Series) else keys
        return np.asarray(values.codes), values.categories
    codes, uniques = pd.factorize(keys, sort=False)
    return codes, pd.Index(uniques)


def similarity_matrix(sim: pd.DataFrame, method: str) -> pd.DataFrame:
    """Square matrix (doc_a rows × doc_b columns) of one method's cosines; missing pairs 0."""
    part = sim[sim.method == method]
    order = list(dict.fromkeys(part.doc_a))
    matrix = part.pivot(index="doc_a", columns="doc_b", values="cosine")
    return matrix.reindex(index=order, columns=order).fillna(0.0)


def linkage_table(sim: pd.DataFrame, method: str, *, how: str = "average") -> pd.DataFrame:
    """Hierarchical clustering of documents on distance 1 - cosine (scipy ``linkage``).

    Returns
    -------
    DataFrame
        One row per merge: left, right (cluster ids as in scipy: < n are documents in the
        order of ``labels``), distance, size, method, linkage; ``attrs['labels']`` holds
        the doc_ids.
    """
    matrix = similarity_matrix(sim, method)
    dist = 1.0 - matrix.to_numpy()
    dist = np.clip((dist + dist.T) / 2.0, 0.0, None)
    np.fill_diagonal(dist, 0.0)
    z = hierarchy.linkage(squareform(dist, checks=False), method=how)
    out = pd.DataFrame(z, columns=["left", "right", "distance", "size"])
    out[["left", "right", "size"]] = out[["left", "right", "size"]].astype(int)
    out["method"], out["linkage"] = method, how
    out.attrs["labels"] = list(matrix.index)
    return out


def leaf_order(linkage: pd.DataFrame) -> list[str]:
    """Doc_ids in dendrogram leaf order."""
    z = linkage[["left", "right", "distance", "size"]].to_numpy(dtype=float)
    labels = linkage.attrs["labels"]
    return [labels[i] for i in hierarchy.leaves_list(z)]
