"""Document similarity (issue 4) and the similarity report section."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from analysis.report.section import Finding, Quote
from analysis.report.sections import similarity as similarity_section
from analysis.similarity import tfidf as similarity

DOCS = 7


@pytest.fixture(scope="module")
def sim(seed_corpus):
    return similarity.similarity(seed_corpus)


@pytest.fixture(scope="module")
def sections(seed_corpus):
    out = {}
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message="Glyph .* missing")
        for lang in ("zh", "en"):
            out[lang] = similarity_section.section(seed_corpus, lang=lang)
    yield out
    for sec in out.values():
        similarity_section.close_figures(sec)


def test_word_vectorizer_keeps_single_character_tokens():
    docs = pd.Series({"a": ["法", "治", "政府"], "b": ["法", "复议"]})
    _, vec, params = similarity.vectorize(docs, method="tfidf_word")
    assert {"法", "治", "政府", "复议"} == set(vec.vocabulary_)
    assert params["units"] == "body tokens, stopwords removed"


def test_unknown_method_rejected():
    with pytest.raises(ValueError, match=r"method must be one of.*'bm25'"):
        similarity.vectorize(pd.Series({"a": "法治"}), method="bm25")


def test_topk_cosine_matches_brute_force_and_skips_groups():
    rng = np.random.default_rng(4)
    x = sparse.csr_matrix(rng.random((9, 6)) * (rng.random((9, 6)) > 0.4))
    x = sparse.csr_matrix(x.multiply(1 / np.sqrt(x.multiply(x).sum(axis=1))))
    groups = np.array([0, 0, 0, 1, 1, 1, 2, 2, 2])
    res = similarity.topk_cosine(x, k=2, groups_x=groups, groups_y=groups, block=4)
    dense = (x @ x.T).toarray()
    dense[groups[:, None] == groups[None, :]] = -np.inf
    for i in range(9):
        got = res[res.i == i].sort_values("rank")
        assert list(got.cosine) == pytest.approx(sorted(dense[i], reverse=True)[:2])
        assert not (groups[got.j] == groups[i]).any()


def test_seed_tables_symmetric_with_self_one(sim):
    for method in similarity.METHODS:
        part = sim[sim.method == method]
        assert len(part) == DOCS * DOCS
        m = similarity.similarity_matrix(sim, method)
        assert np.allclose(m.to_numpy(), m.to_numpy().T)
        assert np.allclose(np.diag(m.to_numpy()), 1.0)
        off = m.to_numpy() - np.eye(DOCS) * 2
        assert (np.argmax(m.to_numpy(), axis=1) == np.arange(DOCS)).all() and off.max() < 1.0


def test_seed_params_recorded(sim):
    char = json.loads(sim[sim.method == "tfidf_char"].params.iloc[0])
    word = json.loads(sim[sim.method == "tfidf_word"].params.iloc[0])
    assert char["ngram_range"] == [2, 3] and char["sublinear_tf"] is True
    assert word["tokenizer"] and word["min_df"] == 1


def test_seed_values_pinned(sim):
    value = sim.set_index(["doc_a", "doc_b", "method"]).cosine
    pair = ("puyang-2022-2025-scheme", "suixi-2021-2025-scheme")
    assert value[pair + ("tfidf_word",)] == pytest.approx(0.606, abs=0.02)
    assert value[pair + ("tfidf_char",)] == pytest.approx(0.379, abs=0.02)
    # whole-document similarity is high across the board: shared officialese
    word = sim[(sim.method == "tfidf_word") & (sim.doc_a != sim.doc_b)]
    assert word.cosine.min() > 0.25


def test_seed_linkage(sim):
    link = similarity.linkage_table(sim, "tfidf_word")
    assert len(link) == DOCS - 1 and link["size"].iloc[-1] == DOCS
    assert link.distance.is_monotonic_increasing
    order = similarity.leaf_order(link)
    assert sorted(order) == sorted(sim.doc_a.unique())
    assert abs(order.index("suixi-2021-2025-scheme") - order.index("puyang-2022-2025-scheme")) == 1


def test_section_tables_and_columns(sections):
    sec = sections["zh"]
    need = {
        "similarity": {"doc_a", "doc_b", "method", "cosine"},
        "reuse": {"doc_a", "doc_b", "start_a", "end_a", "start_b", "end_b", "text"},
        "reuse_share": {"doc_a", "doc_b", "share_pct"},
        "keyness": {"county", "term", "score"},
        "alignment": {"doc_a", "doc_b", "heading_a", "heading_b", "start_a", "start_b", "cosine"},
    }
    for name, columns in need.items():
        assert columns <= set(sec.tables[name].columns), name
    assert set(sec.figures) == {
        "similarity_matrix_word",
        "similarity_matrix_char",
        "reuse_share",
        "reuse_borrowing_network",
        "keyness_terms",
    }
    assert set(sections["en"].tables["keyness"].county) == {
        "Guan County",
        "Kaijiang County",
        "Suixi County",
        "Puyang County",
    }


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_section_findings_quote_sources_and_numbers_in_tables(seed_corpus, sections, lang):
    sec = sections[lang]
    keys = {f.key for f in sec.findings}
    assert {
        "reuse_top_pair",
        "reuse_template",
        "similarity_top_pair",
        "alignment_top_pair",
        "keyness_top_terms",
    } <= keys
    for finding in sec.findings:
        assert isinstance(finding, Finding) and finding.text["zh"] and finding.text["en"]
        values = sec.tables[finding.table].select_dtypes("number").to_numpy().ravel()
        for number in finding.numbers:
            assert np.isclose(values, number).any(), (finding.key, number)
            assert str(number) in finding.text[lang]
        for quote in finding.quotes:
            assert isinstance(quote, Quote)
            assert seed_corpus.source_text(quote.doc_id)[quote.start : quote.end] == quote.text
    reuse = next(f for f in sec.findings if f.key == "reuse_top_pair")
    assert reuse.numbers[:2] == pytest.approx((28.5, 17.0), abs=1.5)
    assert {q.doc_id for q in reuse.quotes} == {"suixi-2021-2025-scheme", "puyang-2022-2025-scheme"}


def test_section_on_a_one_document_corpus(tmp_path):
    import shutil

    import corpus

    seeds = Path(corpus.__file__).parent / "documents"
    shutil.copy(seeds / "kaijiang-2021-plan.txt", tmp_path / "kaijiang-2021-plan.txt")
    sec = similarity_section.section(corpus.load(tmp_path, cache=False))
    assert len(sec.tables["similarity"]) == 2  # the self pair, one per method
    assert sec.tables["reuse"].empty and sec.tables["reuse_share"].empty and sec.tables["alignment"].empty
    # issue 11: nothing to compare, and the section says so instead of drawing or finding nothing
    assert all(not f.computed and f.key == "similarity_not_computed" for f in sec.findings) and sec.findings
    assert len(sec.figures) == 5  # placeholders that state the reason


def test_section_aggregates_figures_above_matrix_max(seed_corpus, monkeypatch):
    """Issue 16: past MATRIX_MAX documents no n × n heatmap is drawn, a neighbour distribution is."""
    monkeypatch.setattr(similarity_section, "MATRIX_MAX", 3)
    sec = similarity_section.section(seed_corpus, lang="en")
    assert "similarity_neighbours" in sec.figures and "reuse_borrowing_network" in sec.figures
    assert not {"similarity_matrix_word", "similarity_matrix_char", "reuse_share"} & set(sec.figures)
    panels = [ax for ax in sec.figures["similarity_neighbours"].axes if ax.get_visible()]
    assert len(panels) == 2  # one per method
    # 7 documents, rank-1 and rank-5 neighbours: 7 + 7 counted per method
    heights = sum(p.get_height() for p in panels[0].patches)
    assert heights == 14


@pytest.mark.parametrize("ngram_range", [(1, 1), (2, 3), (1, 3)], ids=["uni", "bi-tri", "uni-tri"])
def test_numpy_char_ngrams_count_as_sklearn(seed_corpus, ngram_range):
    """Issue 16: the numpy n-gram counts equal CountVectorizer's, row by row (column order aside)."""
    from sklearn.feature_extraction.text import CountVectorizer

    from analysis.similarity import ngrams
    from analysis.similarity import tfidf as similarity

    docs = [*similarity.body_chars(seed_corpus), "", "甲", "甲乙"]
    ours = ngrams.char_ngram_counts(docs, ngram_range=ngram_range, batch=4)
    theirs = CountVectorizer(analyzer="char", ngram_range=ngram_range, lowercase=False).fit_transform(docs)
    assert ours.shape == theirs.shape
    for i in range(len(docs)):
        assert sorted(ours[i].data) == sorted(theirs[i].data)
    with pytest.raises(ValueError, match="ngram_range"):
        ngrams.char_ngram_counts(docs, ngram_range=(2, 4))


def test_term_counts_equal_countvectorizer_on_seed_tokens(seed_corpus):
    """Issue 16: counts from the long token table equal CountVectorizer on the token lists."""
    from sklearn.feature_extraction.text import CountVectorizer

    tok = similarity.content_tokens(seed_corpus)
    order = seed_corpus.documents.doc_id.tolist()
    ours = similarity.term_counts(tok.doc_id, tok.token, order)
    lists = similarity.body_tokens(seed_corpus)
    cv = CountVectorizer(analyzer=lambda d: d, lowercase=False)
    theirs = cv.fit_transform(list(lists))
    assert ours.shape == theirs.shape and (ours != theirs).nnz == 0  # same columns: sorted vocabulary
    assert ours.sum() == len(tok) > 10_000


def test_topk_sparse_equals_dense_top_k():
    rng = np.random.default_rng(16)
    x = sparse.csr_matrix(rng.random((40, 30)) * (rng.random((40, 30)) > 0.8))
    x = sparse.csr_matrix(x.multiply(1 / np.sqrt(np.maximum(x.multiply(x).sum(axis=1), 1e-12))))
    res = similarity.topk_sparse(x, k=5, block=7)
    dense = (x @ x.T).toarray()
    for i in range(40):
        got = res[res.i == i].sort_values("rank")
        want = sorted((v for v in dense[i] if v > 0), reverse=True)[:5]
        assert list(got.cosine) == pytest.approx(want)
        assert list(got["rank"]) == list(range(1, len(want) + 1))
        assert dense[i, got.j.to_numpy()] == pytest.approx(got.cosine.to_numpy())


def test_max_df_leaves_out_terms_held_by_many_documents(seed_corpus, sim):
    counts = sparse.csr_matrix(np.array([[1, 1, 0], [1, 0, 1], [1, 0, 0]]))
    matrix, _ = similarity.weigh(counts, max_df=2)
    assert matrix.shape == (3, 2)  # the first term is in all 3 documents
    assert similarity.weigh(counts, max_df=0.5)[0].shape == (3, 2)  # share: more than 1.5 documents
    capped = similarity.similarity(seed_corpus, max_df=3)
    assert json.loads(capped.params.iloc[0])["max_df"] == 3
    both = sim.merge(capped, on=["doc_a", "doc_b", "method"], suffixes=("", "_capped"))
    off = both[both.doc_a != both.doc_b]
    assert len(both) == len(sim) and (off.cosine_capped < off.cosine).mean() > 0.5
    assert json.loads(sim.params.iloc[0])["max_df"] is None  # the default keeps every term
