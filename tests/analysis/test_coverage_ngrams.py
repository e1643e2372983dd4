"""N-grams counted once for all folds (issue 16, national scale): each fold's model must still be
exactly the one ``TfidfVectorizer`` would give on its own training texts, and the fold count must
stay bounded beyond ``MAX_FOLDS`` counties."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from analysis.coverage import outofsample as oos
from analysis.coverage.coder import TopicCoder
from analysis.coverage.model import SegmentModel
from analysis.coverage.ngrams import count_ngrams


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
