"""A learned segment classifier, and its combination with the dictionary coder.

``SegmentModel`` is a scikit-learn pipeline in the shape of an estimator: character n-gram TF-IDF
(1–3 characters: Chinese needs no word segmentation for this, and one-character features such as
诉 or 罚 are kept) and a linear SVM calibrated to probabilities (``CalibratedClassifierCV``,
sigmoid). It is trained by weak supervision: on the body segments whose own or ancestor heading
names a codebook area (:func:`analysis.coverage.validity.heading_labels`), read WITHOUT their own
heading, plus one short pseudo-document per codebook topic (its label and cue terms) so that every
area the codebook knows has some evidence even in a corpus whose headings never name it. Areas with
fewer than ``min_per_area`` training texts are left to the dictionary.

:func:`combine` turns the dictionary's cue hits and the model's probabilities into one area per
segment: ``score = dictionary_weight × (the area's share of the segment's cue hits) + (1 −
dictionary_weight) × (the model's probability)`` (for an area the model did not learn, its cue-hit
share stands in for the probability); the best area is predicted when its score reaches
``min_score``, otherwise none. The defaults (0.7, 0.2) were chosen on the leave-one-county-out
evaluation of the seeds and realdocs (:mod:`analysis.coverage.outofsample`;
docs/coverage_validity.md). Every prediction keeps its evidence: the cues that fired and the
n-grams that weigh most for the predicted area in this text.

Cost: fitting is one sparse TF-IDF and ``cv`` linear SVMs (well under a second for a few hundred
segments); prediction is linear in the text length. Build once per corpus and reuse.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

from analysis.coverage.coder import TopicCoder
from corpus.patterns import HAS_HAN

SEED = 20210801
DICTIONARY_WEIGHT = 0.7  # weight of the cue-hit share against the model's probability
MIN_SCORE = 0.2  # below this combined score a segment is coded to no area
MIN_PER_AREA = 3  # an area needs this many training texts to be learned
N_EVIDENCE = 4  # top n-grams kept as a prediction's evidence


class SegmentModel:
    """Character n-gram TF-IDF + calibrated linear SVM over codebook areas.

    Parameters
    ----------
    ngram_range : tuple, keyword-only
        Character n-gram lengths.
    min_per_area : int, keyword-only
        Areas with fewer training texts are not learned.
    C : float, keyword-only
        Regularisation of the SVM.
    cv : int, keyword-only
        Folds of the probability calibration.

    Attributes
    ----------
    vectorizer_ : TfidfVectorizer
    classifier_ : CalibratedClassifierCV
    classes_ : numpy.ndarray
        Area ids the model learned.
    coef_ : numpy.ndarray
        Class × feature weights (mean over the calibration folds), for evidence.
    n_train_ : int
    """

    def __init__(
        self, *, ngram_range: tuple = (1, 3), min_per_area: int = MIN_PER_AREA, C: float = 0.5, cv: int = 3
    ) -> None:
        self.ngram_range = ngram_range
        self.min_per_area = min_per_area
        self.C = C
        self.cv = cv

    def fit(self, texts, areas) -> SegmentModel:
        """Learn from texts and their area ids (areas with < ``min_per_area`` texts are dropped).

        Raises
        ------
        ValueError
            When fewer than two areas have enough texts: there is nothing to tell apart.
        """
        texts, areas = list(texts), np.asarray(list(areas), dtype=object)
        counts = pd.Series(areas).value_counts()
        keep_areas = set(counts[counts >= max(self.min_per_area, self.cv)].index)
        if len(keep_areas) < 2:
            raise ValueError(
                f"SegmentModel.fit needs at least 2 areas with >= {self.min_per_area} texts; got {counts.to_dict()}"
            )
        keep = np.array([a in keep_areas for a in areas])
        self.vectorizer_ = TfidfVectorizer(
            analyzer="char", ngram_range=self.ngram_range, sublinear_tf=True, min_df=1, lowercase=False
        )
        x = self.vectorizer_.fit_transform([t for t, k in zip(texts, keep) if k])
        svm = LinearSVC(C=self.C, class_weight="balanced", dual=True, random_state=SEED)
        self.classifier_ = CalibratedClassifierCV(svm, cv=self.cv, method="sigmoid", ensemble=False).fit(x, areas[keep])
        self.classes_ = self.classifier_.classes_
        self.coef_ = np.mean([cc.estimator.coef_ for cc in self.classifier_.calibrated_classifiers_], axis=0)
        self.features_ = np.asarray(self.vectorizer_.get_feature_names_out())
        self.lengths_ = np.fromiter((len(f) for f in self.features_), dtype=int, count=len(self.features_))
        # evidence a reader can use: two or more characters, at least one of them Han
        self.readable_ = np.fromiter(
            (len(f) >= 2 and bool(HAS_HAN.search(f)) for f in self.features_), dtype=bool, count=len(self.features_)
        )
        self.n_train_ = int(keep.sum())
        return self

    def transform(self, texts):
        """TF-IDF rows of ``texts`` (sparse)."""
        return self.vectorizer_.transform(list(texts))

    def predict_proba(self, texts, *, x=None) -> np.ndarray:
        """Probabilities, one row per text, columns in the order of ``classes_`` (``x``: their
        :meth:`transform`, when already computed)."""
        return self.classifier_.predict_proba(self.transform(texts) if x is None else x)

    def evidence(self, row, area_id: str, *, n: int = N_EVIDENCE) -> list[str]:
        """The n-grams (two or more characters, one of them Han) of one TF-IDF ``row``
        (:meth:`transform`) that weigh most for ``area_id``."""
        hits = np.flatnonzero(self.classes_ == area_id)
        if not len(hits):
            return []
        idx = row.indices[self.readable_[row.indices]]
        weight = row[0, idx].toarray().ravel() * self.coef_[int(hits[0]), idx]
        order = np.lexsort((-self.lengths_[idx], -weight))
        return [str(self.features_[idx[i]]) for i in order[:n] if weight[i] > 0]


def codebook_texts(coder: TopicCoder) -> pd.DataFrame:
    """One pseudo-document per codebook topic: its Chinese label and its cues, joined by '、'.

    Returns
    -------
    pandas.DataFrame
        Columns: text, area_id.
    """
    rows = [(f"{t.label_zh}：{'、'.join(t.cues)}", t.area_id) for t in coder.codebook.topics]
    return pd.DataFrame(rows, columns=["text", "area_id"])


def fit_model(texts, areas, *, coder: TopicCoder, **options) -> SegmentModel | None:
    """A :class:`SegmentModel` fitted on ``texts``/``areas`` plus the codebook's pseudo-documents.

    Returns None when even with the codebook texts fewer than two areas can be learned.
    """
    book = codebook_texts(coder)
    all_texts = list(texts) + book["text"].tolist()
    all_areas = list(areas) + book["area_id"].tolist()
    try:
        return SegmentModel(**options).fit(all_texts, all_areas)
    except ValueError:
        return None


def dictionary_scores(coded: pd.DataFrame, seg_ids, area_ids) -> np.ndarray:
    """Each segment's share of its cue hits per area (rows: ``seg_ids``; columns: ``area_ids``)."""
    out = np.zeros((len(seg_ids), len(area_ids)))
    if coded.empty:
        return out
    per = coded.groupby(["seg_id", "area_id"])["n_hits"].sum().unstack(fill_value=0)
    per = per.reindex(index=list(seg_ids), columns=list(area_ids), fill_value=0).to_numpy(dtype=float)
    total = per.sum(axis=1, keepdims=True)
    return np.divide(per, total, out=out, where=total > 0)


PREDICTION_COLUMNS = ["seg_id", "predicted", "score", "evidence", "method"]


def combine(
    texts: pd.DataFrame,
    *,
    coder: TopicCoder,
    model: SegmentModel | None,
    dictionary_weight: float = DICTIONARY_WEIGHT,
    min_score: float = MIN_SCORE,
) -> pd.DataFrame:
    """One area per text from the dictionary's cue hits and the model's probabilities.

    Parameters
    ----------
    texts : pandas.DataFrame
        Columns doc_id, seg_id, text.
    model : SegmentModel or None
        None: the dictionary alone (its cue-hit share is the score).

    Returns
    -------
    pandas.DataFrame
        Columns: seg_id, predicted (area id, '' when none reaches ``min_score``), score (combined,
        0–1), evidence ('cues: 行政复议×2, 复议×1 | model: 复议, 申请' — what made the prediction),
        method ('dictionary', 'model', 'dictionary+model', or '' when no area is predicted).
    """
    area_ids = [a.id for a in coder.codebook.areas]
    coded = coder.code_texts(texts[["doc_id", "seg_id", "text"]])
    dic = dictionary_scores(coded, texts["seg_id"], area_ids)
    prob = np.zeros_like(dic)
    x = None
    if model is not None and len(texts):
        x = model.transform(texts["text"].fillna(""))
        known = [area_ids.index(a) for a in model.classes_]
        prob[:, known] = model.predict_proba(None, x=x)
        unknown = [i for i in range(len(area_ids)) if i not in set(known)]
        prob[:, unknown] = dic[:, unknown]  # areas the model did not learn are left to the dictionary
    weight = dictionary_weight if model is not None else 1.0
    score = weight * dic + (1 - weight) * prob
    best = score.argmax(axis=1) if len(texts) else np.zeros(0, dtype=int)
    cues = coded.groupby(["seg_id", "area_id"])["cues"].agg(lambda s: [c for t in s for c in t])
    rows = []
    for i, seg_id in enumerate(texts["seg_id"]):
        k = int(best[i])
        top = float(score[i, k])
        if top < min_score:
            rows.append((seg_id, "", round(top, 3), "", ""))
            continue
        area = area_ids[k]
        grams = model.evidence(x[i], area) if model is not None and x is not None else []
        rows.append((seg_id, area, round(top, 3), *_evidence(cues.get((seg_id, area), []), grams)))
    return pd.DataFrame(rows, columns=PREDICTION_COLUMNS)


def _evidence(cues: list, grams: list) -> tuple[str, str]:
    counts = pd.Series(cues, dtype=object).value_counts(sort=False).sort_values(ascending=False, kind="stable")
    parts, methods = [], []
    if len(counts):
        parts.append("cues: " + ", ".join(f"{c}×{n}" for c, n in counts.items()))
        methods.append("dictionary")
    if grams:
        parts.append("model: " + ", ".join(grams))
        methods.append("model")
    return " | ".join(parts), "+".join(methods)
