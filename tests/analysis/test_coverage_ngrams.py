"""N-grams counted once for all folds (issue 16, national scale): each fold's model must still be
exactly the one ``TfidfVectorizer`` would give on its own training texts, and the fold count must
stay bounded beyond ``MAX_FOLDS`` counties."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

from analysis.coverage import model as model_module
from analysis.coverage import ngrams as ng
from analysis.coverage import outofsample as oos
from analysis.coverage import validity
from analysis.coverage.coder import TopicCoder
from analysis.coverage.model import SegmentModel, _near_top
from analysis.coverage.ngrams import count_ngrams
from corpus.patterns import HAS_HAN


@pytest.fixture(scope="module")
def labelled(seed_corpus):
    return oos.labelled_texts(seed_corpus, coder=TopicCoder.from_file())


def _reference():
    return TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=1, lowercase=False)


def test_shared_counts_give_the_vectorizers_training_matrix_bit_for_bit(labelled):
    texts = labelled["text"].tolist()
    rows = np.arange(7, len(texts), 2)  # a fold: a subset of the texts counted together
    x, features = count_ngrams(texts).rows(rows).training_matrix()
    ref = _reference()
    expected = ref.fit_transform([texts[i] for i in rows])
    assert len(texts) >= 200 and x.shape == expected.shape
    assert features.tolist() == ref.get_feature_names_out().tolist()
    # the entry order too: the float sums of the TF-IDF norm and the SVM add up in this order
    assert np.array_equal(x.indptr, expected.indptr) and np.array_equal(x.indices, expected.indices)
    tfidf = ref._tfidf.transform(x.astype(np.float64), copy=True)
    assert np.array_equal(tfidf.data, expected.data)


def test_model_transform_equals_the_vectorizers(labelled):
    texts, areas = labelled["text"].tolist(), labelled["area_id"].tolist()
    model = SegmentModel().fit(texts[::2], areas[::2])
    ref = _reference().fit(list(np.array(texts[::2], dtype=object)[_kept(model, areas[::2])]))
    new = texts[1::2]
    got, expected = model.transform(new), ref.transform(new)
    assert np.array_equal(got.indptr, expected.indptr) and np.array_equal(got.indices, expected.indices)
    assert np.array_equal(got.data, expected.data)


def _kept(model, areas):
    counts = {a: areas.count(a) for a in set(areas)}
    return np.array([counts[a] >= max(model.min_per_area, model.cv) for a in areas])


def test_fold_count_is_bounded_beyond_max_folds():
    assert oos.n_folds(28) == 28  # the seeds and realdocs: one county per fold, as before
    assert oos.n_folds(30) == 30 and oos.n_folds(31) == oos.GROUPED_FOLDS == 10
    assert oos.n_folds(2_850) == 10 and oos.n_folds(40, max_folds=3) == 3


# --- scoring counts in numpy (count_known), s5 ---------------------------------------------------

REALDOCS = sorted((Path(__file__).parents[1] / "data" / "realdocs").glob("*.txt"))


@pytest.fixture(scope="module")
def real_paragraphs():
    """Raw paragraphs of the realdocs as read (white-space runs, full-width spaces, blank lines kept)."""
    out = []
    for path in REALDOCS:
        out += path.read_text(encoding="utf-8").split("\n\n")
    return out


def test_count_known_equals_the_vectorizers_counts_on_real_text(labelled, real_paragraphs):
    counter = CountVectorizer(analyzer="char", ngram_range=(1, 3), lowercase=False, dtype=np.float64)
    counter.fit(labelled["text"].tolist())  # the seeds' vocabulary, scored on other places' documents
    keys = ng.pack(counter.get_feature_names_out())
    got, expected = ng.count_known(real_paragraphs, keys), counter.transform(real_paragraphs)
    assert len(REALDOCS) == 21 and got.shape == expected.shape and expected.nnz > 20_000
    assert any(
        "  " in p or "\u3000\u3000" in p for p in real_paragraphs
    )  # the analyzer's white-space rule is exercised
    for part in ("indptr", "indices", "data"):
        assert np.array_equal(getattr(got, part), getattr(expected, part)), part


def test_count_known_gives_the_same_matrix_in_small_batches(labelled, real_paragraphs, monkeypatch):
    keys = ng.pack(count_ngrams(labelled["text"].tolist()).features)
    whole = ng.count_known(real_paragraphs, keys)
    monkeypatch.setattr(ng, "BATCH_CHARS", 500)
    batched = ng.count_known(real_paragraphs, keys)
    assert (whole != batched).nnz == 0 and np.array_equal(whole.indices, batched.indices)
    assert ng.count_known([], keys).shape == (0, len(keys))


def test_pack_orders_ngrams_as_python_orders_strings(labelled):
    features = count_ngrams(labelled["text"].tolist()).features.tolist()
    keys = ng.pack(features)
    assert features == sorted(features) and (np.diff(keys) > 0).all()  # sorted strings pack sorted, no collision
    assert ng.pack(["法", "法治", "法治政"]).tolist() == [
        (ord("法") + 1) << 42,
        ((ord("法") + 1) << 42) | ((ord("治") + 1) << 21),
        ((ord("法") + 1) << 42) | ((ord("治") + 1) << 21) | (ord("政") + 1),
    ]
    with pytest.raises(ValueError, match="1 to 3 characters"):
        ng.pack(["法治政府"])


# --- validity: labelled texts coded once, NMF on a bounded sample ---------------------------------


def test_validity_tables_from_the_labelled_codes_equal_coding_every_segment(seed_corpus):
    coder = TopicCoder.from_file()
    labels = validity.heading_labels(seed_corpus, coder=coder)
    coded = oos.labelled_codes(oos.labelled_texts(seed_corpus, coder=coder, labels=labels), coder=coder)
    shared = validity.validity_tables(seed_corpus, coder=coder, labels=labels, coded=coded)
    alone = validity.validity_tables(seed_corpus, coder=coder, labels=labels)
    assert set(coded["seg_id"]) <= set(labels["seg_id"]) and len(labels) > 100
    for name, table in alone.items():
        pd.testing.assert_frame_equal(shared[name], table, check_exact=True)


def test_nmf_is_fitted_on_a_bounded_seeded_sample(seed_corpus):
    body = seed_corpus.body().segments
    assert len(body) == 416 <= validity.MAX_NMF_SEGMENTS  # the seeds: every segment, as before
    full = validity.nmf_segments(seed_corpus)
    pd.testing.assert_series_equal(full, validity.segment_tokens(seed_corpus.body().tokens))
    sample = validity.nmf_segments(seed_corpus, max_segments=100)
    assert len(sample) <= 100 and set(sample.index) <= set(full.index)
    assert sample.index.tolist() == [s for s in full.index if s in set(sample.index)]  # corpus order
    pd.testing.assert_series_equal(sample, validity.nmf_segments(seed_corpus, max_segments=100))


def test_evidence_rows_equal_a_plain_sort_of_each_row(labelled):
    texts, areas = labelled["text"].tolist(), labelled["area_id"].tolist()
    model = SegmentModel().fit(texts[::2], areas[::2])
    x = model.transform(texts[1::2]).tocsr()
    wanted = [areas[i] if i % 5 else "none" for i in range(1, len(texts), 2)]  # 'none': not learned
    got = model.evidence_rows(x, wanted)
    klass = {a: i for i, a in enumerate(model.classes_)}
    features = model.features_.tolist()
    for row, area in enumerate(wanted):
        lo, hi = x.indptr[row], x.indptr[row + 1]
        cells = []
        for j, value in zip(x.indices[lo:hi].tolist(), x.data[lo:hi].tolist()):
            gram = features[j]
            readable = len(gram) >= 2 and HAS_HAN.search(gram) is not None
            weight = value * model.coef_[klass[area], j] if area in klass else 0.0
            if readable and weight > 0:
                cells.append((-weight, -len(gram), j, gram))
        assert got[row] == [gram for *_, gram in sorted(cells)[:4]]
    assert sum(map(len, got)) > 300 and not any(got[i] for i, a in enumerate(wanted) if a == "none")
    with pytest.MonkeyPatch.context() as patch:  # issue 16: rows in blocks of ~500 values give the same
        patch.setattr(model_module, "EVIDENCE_BLOCK", 500)
        assert model.evidence_rows(x, wanted) == got


def test_near_top_keeps_every_tie_of_the_nth_weight():
    rows = np.array([0, 0, 0, 0, 0, 1, 1, 2])
    weight = np.array([1.0, 2.0, 2.0, 2.0, 0.5, 3.0, 3.0, 1.0])
    assert _near_top(rows, weight, 2).tolist() == [False, True, True, True, False, True, True, True]
    assert _near_top(rows, weight, 4).tolist() == [True, True, True, True, False, True, True, True]


def test_numpy_count_ngrams_equals_the_counter_reference(labelled, real_paragraphs):
    texts = labelled["text"].tolist() + real_paragraphs + [""]
    fast, reference = count_ngrams(texts), ng._count_ngrams_python(texts)
    assert fast.features.tolist() == reference.features.tolist() and len(fast.features) > 50_000
    for part in ("indptr", "indices", "data"):  # entry order too: what training_matrix relies on
        assert np.array_equal(getattr(fast.counts, part), getattr(reference.counts, part)), part
    with_nul = count_ngrams(["法\x00治", "法治"])  # NUL: counted by the reference path
    assert with_nul.features.tolist() == sorted({"\x00", "\x00治", "法", "法\x00", "法\x00治", "法治", "治"})
