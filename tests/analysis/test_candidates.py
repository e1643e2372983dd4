"""The candidate stage of the top-k neighbours (sketch, candidates, exact re-scoring) against the exact path."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from analysis.similarity import candidates, product
from analysis.similarity import tfidf as similarity
from corpus.patterns import NON_HAN

REALDOCS = Path(__file__).resolve().parent.parent / "data" / "realdocs"


@pytest.fixture(scope="module")
def real_chars():
    """The character view (TF-IDF of 2/3-grams) of the 21 real documents, rows in file-name order."""
    texts = pd.Series({p.name: NON_HAN.sub("", p.read_text(encoding="utf-8")) for p in sorted(REALDOCS.glob("*.txt"))})
    matrix, _, _ = similarity.vectorize(texts, method="tfidf_char")
    return matrix


def _recall(got: pd.DataFrame, want: pd.DataFrame) -> float:
    found = set(zip(got.i, got.j))
    return float(np.mean([pair in found for pair in zip(want.i, want.j)]))


def test_pair_cosines_are_the_exact_inner_products():
    rng = np.random.default_rng(16)
    x = sparse.csr_matrix(rng.random((40, 300)) * (rng.random((40, 300)) > 0.8))
    i = np.repeat(np.arange(40), 5)
    j = rng.integers(0, 40, size=200)
    want = (x @ x.T).toarray()[i, j]
    assert np.abs(candidates.pair_cosines(x, i, j) - want).max() < 1e-12


def test_candidate_pairs_carry_the_exact_product_of_the_rare_terms(real_chars):
    """Issue 16: for each pair it returns, the candidate stage keeps the exact inner product of the
    terms it did not sketch, so re-scoring a pair reads only the sketched terms."""
    x = sparse.csr_matrix(real_chars)
    df = np.bincount(x.indices, minlength=x.shape[1])
    rare = product.column_subset(x, (df > 1) & (df <= 3))
    i, j, part = candidates.candidate_pairs(candidates.sketch(x, columns=df > 3), rare, m=5)
    want = (rare @ rare.T).toarray()[i, j]
    assert len(i) > x.shape[0] and (i <= j).all()
    assert np.abs(part - want).max() < 1e-12 and (part > 0).sum() > x.shape[0]


def test_sketch_estimates_inner_products_without_bias_on_realdocs(real_chars):
    s = candidates.sketch(real_chars, dim=8192)
    exact = (real_chars @ real_chars.T).toarray()
    error = s.astype(np.float64) @ s.T.astype(np.float64) - exact
    assert abs(error.mean()) < 0.01  # unbiased
    assert error.std() < 2 / np.sqrt(8192)  # about sqrt((1 + cos²) / dim)


def test_all_rows_as_candidates_give_the_exact_top_k(real_chars):
    for k in (1, 4, 21):
        want = product.topk_hybrid(real_chars, k=k)
        got = candidates.topk_candidates(real_chars, k=k, dim=64, candidates=20)
        assert (got[["i", "j", "rank"]].to_numpy() == want[["i", "j", "rank"]].to_numpy()).all()
        assert np.abs(got.cosine.to_numpy() - want.cosine.to_numpy()).max() < 1e-12


def test_recall_of_few_candidates_on_realdocs(real_chars):
    """5 candidates of 20 per document, a 256-bucket sketch: the exact part of the rare terms
    (held by at most 4 documents) finds 103 of the 105 exact top-5 pairs; the sketch alone 69."""
    want = product.topk_hybrid(real_chars, k=5)
    got = candidates.topk_candidates(real_chars, k=5, dim=256, candidates=5, exact_df=4)
    assert _recall(got, want) >= 0.98
    sketch_only = candidates.topk_candidates(real_chars, k=5, dim=256, candidates=5, exact_df=0)
    assert _recall(sketch_only, want) < 0.8
    both = got.merge(want, on=["i", "j"], suffixes=("", "_exact"))
    assert np.abs(both.cosine - both.cosine_exact).max() < 1e-12  # every cosine reported is exact
    assert (got.groupby("i").size() == 5).all() and (got[got["rank"] == 1].i == got[got["rank"] == 1].j).all()


def test_topk_is_the_exact_path_up_to_the_threshold(real_chars):
    exact = candidates.topk(real_chars, k=4)
    assert exact.equals(product.topk_hybrid(real_chars, k=4)) and not exact.attrs
    assert candidates.EXACT_MAX_ROWS >= 21
    approx = candidates.topk(real_chars, k=4, exact_max_rows=20)
    assert approx.attrs["search"]["candidates"] == candidates.CANDIDATES
    assert approx.equals(candidates.topk_candidates(real_chars, k=4))


def test_similarity_above_the_threshold_says_so_and_keeps_exact_cosines(seed_corpus, monkeypatch):
    exact = similarity.similarity(seed_corpus)
    monkeypatch.setattr(candidates, "EXACT_MAX_ROWS", 3)  # 7 seed documents: the candidate path
    approx = similarity.similarity(seed_corpus)
    params = json.loads(approx.params.iloc[0])
    assert params["neighbours"] == "sketch candidates, exact cosines" and params["candidates"] == 150
    assert params["exact_df"] == candidates.EXACT_DF == 64
    assert "neighbours" not in json.loads(exact.params.iloc[0])
    # 150 candidates >= 6 other documents: every pair scored, the same 98 rows and cosines
    cols = ["doc_a", "doc_b", "method", "cosine"]
    pd.testing.assert_frame_equal(approx[cols], exact[cols], check_exact=True)
    assert len(exact) == 98


def test_row_squares_are_each_rows_inner_product_with_itself(real_chars):
    """Issue 16: a row's cosine with itself comes from its own values (no row gathered per row);
    empty rows (first, middle, last) give 0, blocks of a few values give the same sums."""
    x = sparse.vstack(
        [
            sparse.csr_matrix((1, real_chars.shape[1])),
            real_chars[:3],
            sparse.csr_matrix((2, real_chars.shape[1])),
            real_chars[3:5],
            sparse.csr_matrix((1, real_chars.shape[1])),
        ]
    ).tocsr()
    want = np.asarray(x.multiply(x).sum(axis=1)).ravel()
    for block in (1 << 22, 1000):
        got = candidates.row_squares(x, block=block)
        assert np.abs(got - want).max() < 1e-12
    assert (got[[0, 4, 5, 8]] == 0).all() and np.abs(got[[1, 2, 3, 6, 7]] - 1.0).max() < 1e-12  # l2-normalised rows


def test_exact_part_does_not_grow_with_the_rows(real_chars):
    """Issue 16: terms of more than EXACT_DF rows are sketched however many rows there are, so the
    exact sparse product costs at most EXACT_DF times the stored values (linear in the rows)."""
    x = sparse.csr_matrix(real_chars)
    df = np.bincount(x.indices, minlength=x.shape[1])
    out = candidates.topk(x, k=4, exact_max_rows=20)
    assert out.attrs["search"]["exact_df"] == candidates.EXACT_DF
    assert candidates.topk_candidates(x, k=4).equals(candidates.topk_candidates(x, k=4, exact_df=candidates.EXACT_DF))
    assert df.max() <= 21 < candidates.EXACT_DF  # here every shared term is in the exact part
