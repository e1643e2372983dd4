"""Keyness (issue 4): weighted log-odds with an informative Dirichlet prior."""

from __future__ import annotations

import pandas as pd
import pytest

import corpus
from analysis.similarity import keyness
from analysis.similarity.streams import place_names


@pytest.fixture(scope="module")
def seed_keyness(seed_corpus):
    return keyness.keyness(seed_corpus, top_n=20)


def _toy():
    rows = [(g, "common", 10) for g in "ABC"] + [(g, "filler", 50) for g in "ABC"] + [("A", "only_a", 10)]
    return pd.DataFrame(rows, columns=["group", "term", "count"])


def test_term_of_one_group_beats_term_shared_by_all():
    scored = keyness.log_odds_dirichlet(_toy()).set_index(["group", "term"])
    assert scored.loc[("A", "only_a"), "score"] > scored.loc[("A", "common"), "score"]
    assert scored.loc[("A", "only_a"), "score"] > 1.96
    assert scored.loc[("B", "only_a"), "score"] < 0
    # a term used at the same rate everywhere is not distinctive for B and C
    assert scored.loc[("B", "common"), "score"] == pytest.approx(scored.loc[("C", "common"), "score"])
    assert abs(scored.loc[("B", "common"), "score"]) < 0.5
    assert set(scored.statistic) == {"log_odds_dirichlet_z"}


def test_weaker_prior_gives_larger_z():
    strong = keyness.log_odds_dirichlet(_toy()).set_index(["group", "term"]).score
    weak = keyness.log_odds_dirichlet(_toy(), alpha0=10).set_index(["group", "term"]).score
    assert weak[("A", "only_a")] > strong[("A", "only_a")]


@pytest.mark.parametrize(
    "counts, alpha0, message",
    [
        (pd.DataFrame({"group": ["A"], "word": ["x"], "count": [1]}), None, "counts needs columns"),
        (_toy(), 0, "alpha0 must be positive, got 0"),
    ],
    ids=["columns", "alpha0"],
)
def test_bad_input_rejected(counts, alpha0, message):
    with pytest.raises(ValueError, match=message):
        keyness.log_odds_dirichlet(counts, alpha0=alpha0)


def test_place_terms_are_masked_out(seed_corpus):
    names = place_names(corpus.counties())
    tokens = set(seed_corpus.tokens.token)
    place_tokens = {t for t in tokens if keyness.is_place_term(t, names)}
    assert {"濮阳县", "濉溪县"} & place_tokens  # the corpus does hold place-name tokens
    counted = set(keyness.term_counts(seed_corpus).term)
    assert not counted & place_tokens
    assert keyness.is_place_term("新冠", names) is False and keyness.is_place_term("冠", names) is True


def test_seed_lists_free_of_place_names_and_responsibility_wording(seed_keyness):
    names = place_names(corpus.counties())
    assert set(seed_keyness.county) == {"冠县", "开江县", "濉溪县", "濮阳县"}
    for county, part in seed_keyness.groupby("county"):
        terms = list(part.term)
        assert len(terms) == 20, county
        assert not [t for t in terms if keyness.is_place_term(t, names)], county
        assert not [t for t in terms if any(w in t for w in ("牵头", "责任单位", "协同"))], county
        assert part.score.is_monotonic_decreasing and (part["count"] >= 3).all()


def test_seed_top_terms_pinned(seed_keyness):
    top = seed_keyness[seed_keyness["rank"] == 1].set_index("county").term
    assert top["濮阳县"] == "考核"  # the 考核方案 is one of its three documents
    assert top["开江县"] == "立法"
    row = seed_keyness[(seed_keyness.county == "冠县") & (seed_keyness.term == "打造")].iloc[0]
    assert row.score == pytest.approx(3.43, abs=0.3) and row["count"] > row.count_rest


@pytest.mark.parametrize("block", [1, 500], ids=["one-document-a-block", "blocks-of-500-tokens"])
def test_counts_and_place_tails_in_blocks_equal_one_pass(block, monkeypatch):
    """Issue 16: split place tails (静|海区 in the development texts) and term counts made block by
    block — whole documents per block for the tails — equal one pass over the token table."""
    from analysis.similarity import tfidf
    from corpus.paths import REPO_ROOT

    real = corpus.load(REPO_ROOT / "tests" / "data" / "realdocs", cache=False)
    tokens = real.body().tokens
    tails, counts = keyness.split_place_tails(tokens), keyness.term_counts(real)
    assert tails == {"海区", "片区"} and counts["count"].sum() > 5_000
    monkeypatch.setattr(tfidf, "TOKEN_BLOCK", block)
    assert len(keyness.document_blocks(tokens.doc_id.cat.codes.to_numpy(), size=block)) >= 10
    assert keyness.split_place_tails(tokens) == tails
    pd.testing.assert_frame_equal(keyness.term_counts(real), counts, check_exact=True)


def test_document_blocks_keep_documents_whole():
    docs = pd.Series([0, 0, 0, 1, 1, 2, 3, 3, 3, 3]).to_numpy()
    assert keyness.document_blocks(docs, size=4) == [slice(0, 5), slice(5, 10)]
    assert keyness.document_blocks(docs, size=1) == [slice(0, 3), slice(3, 5), slice(5, 6), slice(6, 10)]
    assert keyness.document_blocks(docs, size=100) == [slice(0, 10)]
    assert keyness.document_blocks(docs[[0, 3, 1]], size=1) == [slice(0, 3)]  # document 0 in two runs
