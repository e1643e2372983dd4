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

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.svm import LinearSVC
from threadpoolctl import threadpool_limits

from analysis.coverage.coder import TopicCoder
from analysis.coverage.coding import cue_counts
from analysis.coverage.ngrams import Ngrams, count_known, count_ngrams, pack, unpack
from corpus.patterns import HAN_RANGES

SEED = 20210801
DICTIONARY_WEIGHT = 0.7  # weight of the cue-hit share against the model's probability
MIN_SCORE = 0.2  # below this combined score a segment is coded to no area
MIN_PER_AREA = 3  # an area needs this many training texts to be learned
N_EVIDENCE = 4  # top n-grams kept as a prediction's evidence
EVIDENCE_BLOCK = 1 << 21  # stored TF-IDF values per block of rows in :meth:`SegmentModel.evidence_rows`
# the Han code point ranges of corpus.patterns.HAN_RANGES ("a-bc-d…"), as (first, last) pairs
HAN_CODE_RANGES = tuple((ord(HAN_RANGES[i]), ord(HAN_RANGES[i + 2])) for i in range(0, len(HAN_RANGES), 3))


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
    features_ : numpy.ndarray
        The n-grams of the training texts (sorted), the model's columns.
    keys_ : numpy.ndarray
        ``features_`` packed as integers (:func:`analysis.coverage.ngrams.pack`), for scoring.
    tfidf_ : TfidfTransformer
        Sublinear TF-IDF weights learned from the training texts (``TfidfVectorizer``'s, split in
        counting and weighting so that counts made once can be reused).
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

    def fit(self, texts, areas, *, ngrams: Ngrams | None = None) -> SegmentModel:
        """Learn from texts and their area ids (areas with < ``min_per_area`` texts are dropped).

        ``ngrams``: the :func:`count_ngrams` rows of ``texts`` when already counted (e.g. for
        several folds at once); the vocabulary is still that of the texts kept here, so the model is
        the one fitting on ``texts`` alone gives.

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
        if ngrams is None:
            ngrams = count_ngrams([t for t, k in zip(texts, keep) if k], ngram_range=self.ngram_range)
        else:
            ngrams = ngrams.rows(np.flatnonzero(keep))
        x, self.features_ = ngrams.training_matrix()
        self.keys_ = pack(self.features_)
        self.tfidf_ = TfidfTransformer(sublinear_tf=True).fit(x)
        svm = LinearSVC(C=self.C, class_weight="balanced", dual=True, random_state=SEED)
        x = self.tfidf_.transform(x)
        # The sigmoid calibration solves one tiny L-BFGS problem per area; a threaded BLAS only
        # spins on it (10-20x the CPU time on 2 shared cores) and computes the same numbers.
        with threadpool_limits(limits=1, user_api="blas"):
            calibrated = CalibratedClassifierCV(svm, cv=self.cv, method="sigmoid", ensemble=False)
            self.classifier_ = calibrated.fit(x, areas[keep])
        self.classes_ = self.classifier_.classes_
        self.coef_ = np.mean([cc.estimator.coef_ for cc in self.classifier_.calibrated_classifiers_], axis=0)
        self.n_train_ = int(keep.sum())
        return self

    def transform(self, texts):
        """TF-IDF rows of ``texts`` (sparse), over the training texts' n-grams (``TfidfVectorizer.transform``'s
        matrix: n-grams the model does not know are dropped, indices sorted), counted in numpy
        (:func:`analysis.coverage.ngrams.count_known`)."""
        counts = count_known(list(texts), self.keys_, ngram_range=self.ngram_range)
        return self.tfidf_.transform(counts)

    def predict_proba(self, texts, *, x=None) -> np.ndarray:
        """Probabilities, one row per text, columns in the order of ``classes_`` (``x``: their
        :meth:`transform`, when already computed)."""
        return self.classifier_.predict_proba(self.transform(texts) if x is None else x)

    def evidence(self, row, area_id: str, *, n: int = N_EVIDENCE) -> list[str]:
        """The n-grams (two or more characters, one of them Han) of one TF-IDF ``row``
        (:meth:`transform`) that weigh most for ``area_id``."""
        return self.evidence_rows(row, [area_id], n=n)[0]

    def evidence_rows(self, x, area_ids, *, n: int = N_EVIDENCE) -> list[list[str]]:
        """:meth:`evidence` of every row of ``x`` for its area in ``area_ids``, in one vectorised pass.

        An n-gram is evidence when it is readable (two or more characters, one of them Han) and its
        TF-IDF weight times the area's coefficient is positive; the ``n`` largest are kept, longer
        n-grams first on a tie, then column order. An area the model did not learn has none.
        Rows are taken in blocks of about ``EVIDENCE_BLOCK`` stored values (memory O(block)).
        """
        x = x.tocsr()
        klass = {a: i for i, a in enumerate(self.classes_)}
        k = np.array([klass.get(a, -1) for a in area_ids], dtype=int)
        cut = np.searchsorted(x.indptr, np.arange(EVIDENCE_BLOCK, x.indptr[-1], EVIDENCE_BLOCK))
        out: list[list[str]] = []
        for lo, hi in zip(np.r_[0, cut], np.r_[cut, x.shape[0]]):
            out += self._evidence_block(x[lo:hi], k[lo:hi], n)
        return out

    def _evidence_block(self, x, k: np.ndarray, n: int) -> list[list[str]]:
        """:meth:`evidence_rows` of the rows ``x`` (CSR), ``k`` their areas' class indices (-1: none)."""
        rows = np.repeat(np.arange(x.shape[0]), np.diff(x.indptr))
        lengths, readable = self._readable()
        keep = (k[rows] >= 0) & readable[x.indices]
        r, j = rows[keep], x.indices[keep]
        weight = x.data[keep] * self.coef_[k[r], j]
        positive = weight > 0
        r, j, weight = r[positive], j[positive], weight[positive]
        near = _near_top(r, weight, n)  # the rest cannot be among a row's n best: not sorted
        r, j, weight = r[near], j[near], weight[near]
        order = np.lexsort((j, -lengths[j], -weight, r))
        r, j = r[order], j[order]
        first = np.searchsorted(r, r, side="left")  # position of each row's first entry
        top = np.arange(len(r)) - first < n
        out: list[list[str]] = [[] for _ in range(x.shape[0])]
        for i, gram in zip(r[top].tolist(), self.features_[j[top]].tolist()):
            out[i].append(str(gram))
        return out

    def _readable(self) -> tuple:
        """Each feature's length and whether it is readable evidence (computed once, on first use,
        from the packed features: :func:`analysis.coverage.ngrams.unpack`)."""
        if not hasattr(self, "readable_"):
            codes = unpack(self.keys_)  # feature x character code points, -1 where absent
            self.lengths_ = (codes >= 0).sum(axis=1)
            han = np.zeros(codes.shape, dtype=bool)
            for first, last in HAN_CODE_RANGES:
                han |= (codes >= first) & (codes <= last)
            self.readable_ = han.any(axis=1) & (self.lengths_ >= 2)
        return self.lengths_, self.readable_


def _near_top(rows: np.ndarray, weight: np.ndarray, n: int) -> np.ndarray:
    """Mask of the entries whose (positive) weight reaches the ``n``-th largest weight of their row
    (counted with repeats; all of a row's entries when it has fewer), ``rows`` sorted: a row's ``n``
    best entries under any tie-break are among them. ``n`` passes of per-row maxima (no sort)."""
    if not len(rows):
        return np.zeros(0, dtype=bool)
    new_row = np.concatenate([[True], rows[1:] != rows[:-1]])
    starts, group = np.flatnonzero(new_row), np.cumsum(new_row) - 1
    left = weight.astype(np.float64, copy=True)
    threshold = np.full(len(starts), -np.inf)
    taken = np.zeros(len(starts), dtype=np.int64)
    for _ in range(n):
        best = np.maximum.reduceat(left, starts)
        at_best = left == best[group]
        taken += np.add.reduceat(at_best.astype(np.int64), starts)
        reached = (taken >= n) & np.isneginf(threshold) & (best > 0)
        threshold[reached] = best[reached]
        left[at_best] = -np.inf
    return weight >= threshold[group]


def codebook_texts(coder: TopicCoder) -> pd.DataFrame:
    """One pseudo-document per codebook topic: its Chinese label and its cues, joined by '、'.

    Returns
    -------
    pandas.DataFrame
        Columns: text, area_id.
    """
    rows = [(f"{t.label_zh}：{'、'.join(t.cues)}", t.area_id) for t in coder.codebook.topics]
    return pd.DataFrame(rows, columns=["text", "area_id"])


def fit_model(texts, areas, *, coder: TopicCoder, ngrams: Ngrams | None = None, **options) -> SegmentModel | None:
    """A :class:`SegmentModel` fitted on ``texts``/``areas`` plus the codebook's pseudo-documents.

    ``ngrams``: the :func:`count_ngrams` rows of ``texts`` followed by those of the pseudo-documents
    (:func:`codebook_texts`), when already counted. Returns None when even with the codebook texts
    fewer than two areas can be learned.
    """
    book = codebook_texts(coder)
    all_texts = list(texts) + book["text"].tolist()
    all_areas = list(areas) + book["area_id"].tolist()
    try:
        return SegmentModel(**options).fit(all_texts, all_areas, ngrams=ngrams)
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
COMBINE_BLOCK = 20_000  # texts scored at once by :func:`combine`


def combine(
    texts: pd.DataFrame,
    *,
    coder: TopicCoder,
    model: SegmentModel | None,
    dictionary_weight: float = DICTIONARY_WEIGHT,
    min_score: float = MIN_SCORE,
    evidence: bool = True,
) -> pd.DataFrame:
    """One area per text from the dictionary's cue hits and the model's probabilities.

    Parameters
    ----------
    texts : pandas.DataFrame
        Columns doc_id, seg_id, text.
    model : SegmentModel or None
        None: the dictionary alone (its cue-hit share is the score).
    evidence : bool, keyword-only
        False: the evidence and method columns are left empty (faster, for scoring only).

    Returns
    -------
    pandas.DataFrame
        Columns: seg_id, predicted (area id, '' when none reaches ``min_score``), score (combined,
        0–1), evidence ('cues: 行政复议×2, 复议×1 | model: 复议, 申请' — what made the prediction),
        method ('dictionary', 'model', 'dictionary+model', or '' when no area is predicted).
        Texts are scored :data:`COMBINE_BLOCK` at a time (each row's result depends on its text
        alone), so the n-gram matrix and cue hits of a whole national corpus are never held at once.
    """
    if len(texts) > COMBINE_BLOCK:
        parts = [
            combine(
                texts.iloc[first : first + COMBINE_BLOCK],
                coder=coder,
                model=model,
                dictionary_weight=dictionary_weight,
                min_score=min_score,
                evidence=evidence,
            )
            for first in range(0, len(texts), COMBINE_BLOCK)
        ]
        return pd.concat(parts, ignore_index=True)
    scores = area_scores(texts, coder=coder, model=model)
    weight = dictionary_weight if model is not None else 1.0
    predicted, top = choose(scores.blend(weight), scores.area_ids, min_score=min_score)
    out = pd.DataFrame(
        {"seg_id": texts["seg_id"].to_numpy(), "predicted": predicted, "score": top, "evidence": "", "method": ""}
    )
    if evidence and len(out):
        pairs = _evidence_columns(scores, model, texts["seg_id"].tolist(), predicted)
        out["evidence"], out["method"] = [e for e, _ in pairs], [m for _, m in pairs]
    return out[PREDICTION_COLUMNS]


@dataclass(frozen=True)
class AreaScores:
    """A text × area table of the dictionary's cue-hit shares and the model's probabilities.

    ``prob`` holds the cue-hit share for the areas the model did not learn (zeros without a model);
    ``x`` is the model's TF-IDF of the texts (None without a model); ``coded`` the coder's hits.
    """

    area_ids: list
    dictionary: np.ndarray
    prob: np.ndarray
    x: object
    coded: pd.DataFrame

    def blend(self, dictionary_weight: float) -> np.ndarray:
        """``dictionary_weight × dictionary + (1 − dictionary_weight) × prob``."""
        return dictionary_weight * self.dictionary + (1 - dictionary_weight) * self.prob


def area_scores(texts: pd.DataFrame, *, coder: TopicCoder, model: SegmentModel | None) -> AreaScores:
    """The dictionary's and the model's scores of every text (columns doc_id, seg_id, text) and
    codebook area, computed once for any number of blends (:meth:`AreaScores.blend`)."""
    area_ids = [a.id for a in coder.codebook.areas]
    coded = coder.code_texts(texts[["doc_id", "seg_id", "text"]])
    dic = dictionary_scores(coded, texts["seg_id"], area_ids)
    x = None
    if model is not None and len(texts):
        x = model.transform(texts["text"].fillna(""))
    return AreaScores(area_ids, dic, model_scores(model, x, dic, area_ids), x, coded)


def model_scores(model: SegmentModel | None, x, dictionary: np.ndarray, area_ids: list) -> np.ndarray:
    """The model's probability of each area for the TF-IDF rows ``x`` (:meth:`SegmentModel.transform`);
    the areas it did not learn are left to the dictionary (their column of ``dictionary``); zeros
    without a model."""
    prob = np.zeros_like(dictionary)
    if model is None or x is None:
        return prob
    known = [area_ids.index(a) for a in model.classes_]
    prob[:, known] = model.predict_proba(None, x=x)
    unknown = [i for i in range(len(area_ids)) if i not in set(known)]
    prob[:, unknown] = dictionary[:, unknown]
    return prob


def choose(score: np.ndarray, area_ids: list, *, min_score: float = MIN_SCORE) -> tuple:
    """The best area of each row of ``score`` ('' when its score is below ``min_score``) and that
    score rounded to 3 decimals, as two arrays."""
    if not len(score):
        return np.zeros(0, dtype=object), np.zeros(0)
    best = score.argmax(axis=1)
    top = score[np.arange(len(score)), best]
    predicted = np.asarray(area_ids, dtype=object)[best]
    predicted[top < min_score] = ""
    return predicted, np.array([round(t, 3) for t in top.tolist()])  # Python's rounding, as written before


def _evidence_columns(scores: AreaScores, model: SegmentModel | None, seg_ids: list, predicted) -> list:
    """(evidence, method) of each predicted row: the cues of its area that fired, and the model's
    n-grams that weigh most for it (:meth:`SegmentModel.evidence_rows`); ('', '') when none."""
    cues: dict = {}
    for seg_id, area, fired in zip(scores.coded["seg_id"], scores.coded["area_id"], scores.coded["cues"]):
        cues.setdefault((seg_id, area), []).extend(fired)
    grams = model.evidence_rows(scores.x, list(predicted)) if model is not None and scores.x is not None else None
    out = []
    for i, (seg_id, area) in enumerate(zip(seg_ids, predicted)):
        if area == "":
            out.append(("", ""))
        else:
            out.append(_evidence(cues.get((seg_id, area), []), grams[i] if grams is not None else []))
    return out


def _evidence(cues: list, grams: list) -> tuple[str, str]:
    counts = cue_counts(cues)
    parts, methods = [], []
    if counts:
        parts.append("cues: " + ", ".join(f"{c}×{n}" for c, n in counts))
        methods.append("dictionary")
    if grams:
        parts.append("model: " + ", ".join(grams))
        methods.append("model")
    return " | ".join(parts), "+".join(methods)
