"""The exact hybrid top-k product (common terms dense, rare terms sparse) against the sparse product."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from analysis.similarity import product
from analysis.similarity import tfidf as similarity
from corpus.patterns import NON_HAN

REALDOCS = Path(__file__).resolve().parent.parent / "data" / "realdocs"


def _same(got: pd.DataFrame, want: pd.DataFrame) -> None:
    """Same pairs in the same order with the same ranks; cosines equal to 6 digits (as reported)."""
    assert len(got) == len(want)
    assert (got[["i", "j", "rank"]].to_numpy() == want[["i", "j", "rank"]].to_numpy()).all()
    assert (got.cosine.round(6).to_numpy() == want.cosine.round(6).to_numpy()).all()
    assert np.abs(got.cosine.to_numpy() - want.cosine.to_numpy()).max() < 1e-12


def test_split_columns_by_document_frequency():
    x = sparse.csr_matrix(np.array([[1.0, 2.0, 0.0, 3.0], [1.0, 0.0, 5.0, 0.0], [1.0, 4.0, 0.0, 0.0]]))
    common, rare, diagonal = product.split_columns(x, 2)  # column 0: 3 rows; 1: 2 rows; 2, 3: one row
    assert common.toarray().tolist() == [[1.0], [1.0], [1.0]]
    assert rare.toarray().tolist() == [[2.0], [0.0], [4.0]]
    assert diagonal.tolist() == [9.0, 25.0, 0.0]


@pytest.mark.parametrize("block", [1, 5, 1 << 22], ids=["value-blocks", "row-blocks", "one-block"])
def test_column_subset_keeps_the_wanted_columns_in_blocks(block):
    """Issue 16: the wanted columns' values, same shape and order, taken a block of rows at a time
    (a row longer than the block is one block of its own), empty rows included."""
    rng = np.random.default_rng(11)
    rows = np.ones(40)
    rows[[3, 17]] = 0  # two empty rows
    x = sparse.csr_matrix(sparse.random(40, 30, density=0.2, random_state=rng).toarray() * rows[:, None])
    wanted = rng.random(30) < 0.4
    got = product.column_subset(x, wanted, block=block)
    assert got.shape == x.shape and got.has_sorted_indices
    assert np.array_equal(got.toarray(), x.toarray() * wanted)
    assert product.column_subset(x[:0], wanted).shape == (0, 30)


def test_hybrid_equals_sparse_on_random_matrix_with_many_blocks_and_chunks():
    rng = np.random.default_rng(16)
    x = sparse.csr_matrix(rng.random((120, 400)) * (rng.random((120, 400)) > 0.7 * rng.random(400)))
    x = sparse.csr_matrix(x.multiply(1 / np.sqrt(np.maximum(x.multiply(x).sum(axis=1), 1e-12))))
    want = similarity.topk_sparse(x, k=7)
    for dense_df in (None, 1, 5, 30, 120):  # 120: all sparse; 1: every shared term dense
        _same(product.topk_hybrid(x, k=7, dense_df=dense_df, block_mb=0.01, dense_mb=0.01), want)
    assert product.dense_threshold(1000) == 32 and product.dense_threshold(100) == product.MIN_DENSE_DF


def test_hybrid_equals_sparse_on_seed_views(seed_corpus):
    order = seed_corpus.documents.doc_id.astype(str)
    chars = similarity.body_chars(seed_corpus)
    words = similarity.body_tokens(seed_corpus)
    for docs, method in ((chars, "tfidf_char"), (words, "tfidf_word")):
        matrix, _, _ = similarity.vectorize(docs.reindex(order), method=method)
        for k in (3, 50):
            want = similarity.topk_sparse(matrix, k=k)
            _same(product.topk_hybrid(matrix, k=k, dense_df=2), want)
            _same(product.topk_hybrid(matrix, k=k), want)
    assert len(want) == 49  # k = 50 >= 7 documents: every ordered pair


def test_hybrid_equals_sparse_on_realdocs():
    texts = pd.Series({p.name: NON_HAN.sub("", p.read_text(encoding="utf-8")) for p in sorted(REALDOCS.glob("*.txt"))})
    matrix, _, _ = similarity.vectorize(texts, method="tfidf_char")
    assert matrix.shape[0] == 21
    for k in (1, 4, 21):
        want = similarity.topk_sparse(matrix, k=k)
        for dense_df in (2, 6, None):
            _same(product.topk_hybrid(matrix, k=k, dense_df=dense_df, dense_mb=0.05), want)
    ranked = product.topk_hybrid(matrix, k=2)
    assert (ranked[ranked["rank"] == 1].i == ranked[ranked["rank"] == 1].j).all()  # itself first
    assert ranked[ranked["rank"] == 1].cosine.to_numpy() == pytest.approx(1.0)


def test_hybrid_empty_and_no_shared_terms():
    assert product.topk_hybrid(sparse.csr_matrix((0, 3)), k=2).empty
    eye = sparse.identity(4, format="csr")
    got = product.topk_hybrid(eye, k=3)
    assert got[["i", "j", "rank"]].to_numpy().tolist() == [[0, 0, 1], [1, 1, 1], [2, 2, 1], [3, 3, 1]]


def test_cell_counts_equal_coo_counts_on_seed_tokens(seed_corpus):
    tok = similarity.content_tokens(seed_corpus)
    row, _ = pd.factorize(tok.doc_id)
    col, vocabulary = pd.factorize(tok.token, sort=True)
    shape = (int(row.max()) + 1, len(vocabulary))
    ours = similarity.cell_counts(row, col, shape=shape)
    theirs = sparse.csr_matrix((np.ones(len(row), np.int64), (row, col)), shape=shape)
    theirs.sum_duplicates()
    assert (ours.indptr == theirs.indptr).all() and (ours.indices == theirs.indices).all()
    assert (ours.data == theirs.data).all() and ours.sum() == len(tok) > 10_000


def test_block_counts_add_cells_shared_across_blocks_in_any_order(seed_corpus):
    """Issue 16: counting block by block (the word view's token table in pieces) gives the matrix of
    one count over all pairs, also when blocks share cells or come in another order."""
    tok = similarity.content_tokens(seed_corpus)
    row, _ = pd.factorize(tok.doc_id)
    col, vocabulary = pd.factorize(tok.token, sort=True)
    shape = (int(row.max()) + 1, len(vocabulary))
    whole = similarity.cell_counts(row, col, shape=shape)
    in_order = [(row[a : a + 1000], col[a : a + 1000]) for a in range(0, len(row), 1000)]
    for blocks in (in_order, in_order[::-1], in_order[1::2] + in_order[::2]):
        got = similarity.block_counts(blocks, shape=shape)
        assert (got.indptr == whole.indptr).all() and (got.indices == whole.indices).all()
        assert (got.data == whole.data).all() and got.sum() == len(row) > 10_000
    assert similarity.block_counts([], shape=(2, 3)).nnz == 0
