"""Validity that holds out of sample: leave-one-county-out scoring on heading-labelled segments.

Labels are the areas the documents' own headings name (:func:`analysis.coverage.validity.heading_labels`);
the text scored is the segment WITHOUT its own heading, so the label cannot leak into the prediction.
For every county (county keys of :mod:`analysis.groups`: a document of unknown county is its own
"county"), the learned model is fitted on the labelled segments of all OTHER counties (plus the
codebook's pseudo-documents) and scores the held-out county's segments; the predictions of all
folds are pooled and compared with the labels. Three coders are scored side by side:

``dictionary``        the cue lists alone (fitted on nothing in the corpus, but written while
                      reading the seeds: on the seeds their score is in-sample);
``model``             the learned model alone;
``dictionary+model``  the combination the coverage tables use (:func:`analysis.coverage.model.combine`).

Tables
------
predictions  doc_id, seg_id, county, area_id (label), method, predicted, score
agreement    scheme ('loco' | 'in_sample'), method, area_id, label_zh, label_en, precision, recall,
             kappa, n_segments, n_predicted  (one ``macro`` row per scheme × method: the mean over
             areas with at least ``MIN_MACRO_SEGMENTS`` labelled segments; every area has its row)
folds        county, n_labelled, n_train, accuracy_dictionary, accuracy_model, accuracy_combined

Cost: one model fit per county (well under a second each for a few hundred segments); beyond
``MAX_FOLDS`` counties, ``GROUPED_FOLDS`` fits, one per group of counties, each on at most
``MAX_TRAIN`` segments of one shared sample whose n-grams are counted once (:func:`loco_predictions`):
bounded on a national corpus. The dictionary's scores are computed once per labelled segment; the
model scores each labelled segment once (in its fold), so the rest grows linearly. The in-sample
rows score the corpus model on the segments it learned from (at most ``MAX_MODEL_TRAIN``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.coverage import validity
from analysis.coverage.coder import TopicCoder
from analysis.coverage.coding import body_text
from analysis.coverage.model import (
    DICTIONARY_WEIGHT,
    choose,
    codebook_texts,
    dictionary_scores,
    fit_model,
    model_scores,
)
from analysis.coverage.ngrams import count_ngrams
from analysis.coverage.validity import agreement, heading_labels
from analysis.groups import county_keys

METHODS = ("dictionary", "model", "dictionary+model")
PREDICTION_COLUMNS = ["doc_id", "seg_id", "county", "area_id", "method", "predicted", "score"]
AGREEMENT_COLUMNS = ["scheme", "method", *validity.AGREEMENT_COLUMNS]
MAX_FOLDS = 30  # more counties than this: counties are held out in GROUPED_FOLDS groups
# 10 grouped folds move the pooled macro kappa of 200 synthetic reports (199 counties) by <= 0.002
# against 30 (0.396 vs 0.398 model, 0.385 vs 0.386 combined) for a third of the fits
GROUPED_FOLDS = 10
# Each fold's model is fitted on at most this many labelled segments (a fixed sample, every area
# kept in proportion): on a national corpus 30 fits on all segments would dominate the report
# (100 synthetic documents: 2,476 of 3,282 s), and a validity estimate does not need them all.
MAX_TRAIN = 2_000
# The corpus's own model (coverage_segments, in-sample validity) learns from at most this many
# labelled segments (the same kind of sample): beyond it a linear model gains little, and its fit
# would grow with the corpus (200 synthetic reports: 5,937 labelled segments, ~20 s).
MAX_MODEL_TRAIN = 5_000
MIN_MACRO_SEGMENTS = 5  # areas with fewer labelled segments are reported but left out of the macro average
FOLD_COLUMNS = ["county", "n_labelled", "n_train", "accuracy_dictionary", "accuracy_model", "accuracy_combined"]


def labelled_texts(c, *, coder: TopicCoder, labels: pd.DataFrame | None = None) -> pd.DataFrame:
    """Heading-labelled body segments with the text that is coded (own heading removed) and county
    (``labels``: :func:`analysis.coverage.validity.heading_labels` of ``c``, when already made).

    Returns
    -------
    pandas.DataFrame
        Columns: doc_id, seg_id, area_id (label), label_seg_id, label_heading, county (county key),
        text.
    """
    labels = heading_labels(c, coder=coder) if labels is None else labels
    segs = c.body().segments
    text_of = dict(zip(segs["seg_id"], segs["text"]))
    heading_of = dict(zip(segs["seg_id"], segs["heading"]))
    keys = county_keys(c.documents).set_index("doc_id")["county_key"]
    out = labels[["doc_id", "seg_id", "area_id", "label_seg_id", "label_heading"]].copy()
    out["county"] = out["doc_id"].map(keys)
    out["text"] = [body_text(text_of[s] or "", heading_of[s] or "") for s in out["seg_id"]]
    return out.reset_index(drop=True)


def _predictions(test: pd.DataFrame, dictionary: np.ndarray, prob: np.ndarray | None, area_ids: list) -> pd.DataFrame:
    """Predictions of the three methods for ``test`` from its dictionary scores and the model's
    probabilities (:func:`analysis.coverage.model.model_scores`; None without a model: the model
    rows are empty), blended as :func:`analysis.coverage.model.combine` blends them."""
    frames = []
    keys = test[["doc_id", "seg_id", "county", "area_id"]].reset_index(drop=True)
    for method in METHODS:
        if method == "dictionary":
            predicted, score = choose(1.0 * dictionary + 0.0 * np.zeros_like(dictionary), area_ids)
        elif prob is None:
            predicted, score = np.full(len(test), "", dtype=object), np.zeros(len(test))
        else:
            weight = 0.0 if method == "model" else DICTIONARY_WEIGHT
            predicted, score = choose(weight * dictionary + (1 - weight) * prob, area_ids)
        frames.append(keys.assign(method=method, predicted=predicted, score=score))
    return pd.concat(frames, ignore_index=True)[PREDICTION_COLUMNS]


def labelled_codes(labelled: pd.DataFrame, *, coder: TopicCoder) -> pd.DataFrame:
    """The dictionary coding (:meth:`TopicCoder.code_texts`) of the labelled texts (:func:`labelled_texts`):
    made once per report for the out-of-sample check and :func:`analysis.coverage.validity.validity_tables`."""
    return coder.code_texts(labelled[["doc_id", "seg_id", "text"]])


def _dictionary_scores(labelled: pd.DataFrame, coder: TopicCoder, coded: pd.DataFrame | None = None) -> np.ndarray:
    """The dictionary's cue-hit shares of every labelled text (fold-independent: computed once;
    ``coded``: :func:`labelled_codes` of these or more texts, when already made)."""
    area_ids = [a.id for a in coder.codebook.areas]
    coded = labelled_codes(labelled, coder=coder) if coded is None else coded
    return dictionary_scores(coded, labelled["seg_id"], area_ids)


def n_folds(n_counties: int, *, max_folds: int = MAX_FOLDS, grouped_folds: int = GROUPED_FOLDS) -> int:
    """Folds of the out-of-sample check: one per county up to ``max_folds`` counties, else
    ``min(max_folds, grouped_folds)`` groups of counties."""
    return n_counties if n_counties <= max_folds else max(min(max_folds, grouped_folds), 1)


def loco_predictions(
    c,
    *,
    coder: TopicCoder,
    labelled: pd.DataFrame | None = None,
    max_folds: int = MAX_FOLDS,
    max_train: int = MAX_TRAIN,
    grouped_folds: int = GROUPED_FOLDS,
    coded: pd.DataFrame | None = None,
) -> tuple:
    """Leave-one-county-out predictions of every labelled segment, by each method.

    With more than ``max_folds`` counties, counties are dealt round-robin (in corpus order) into
    :func:`n_folds` groups and each group is held out at once: still no county is scored by a model
    that saw it, and the cost stays a few fits for a national corpus. The models train on one
    sample of at most ``max_train`` labelled segments (:func:`training_sample`; all of them when
    there are fewer), each fold on the sample's segments of the other counties (``n_train`` says
    how many), so a fold's cost does not grow with the corpus either. The sample's character
    n-grams are counted once for all folds; each fold's model still learns its vocabulary and
    weights from its own training segments only. ``coded``: :func:`labelled_codes`, when already made.

    Returns
    -------
    tuple
        (predictions, folds): see the module's table list (a fold's ``county`` lists its counties,
        '; '-joined, when it holds several).
    """
    labelled = labelled_texts(c, coder=coder) if labelled is None else labelled
    labelled = labelled.reset_index(drop=True)
    counties = list(dict.fromkeys(labelled["county"]))
    k_folds = n_folds(len(counties), max_folds=max_folds, grouped_folds=grouped_folds)
    fold = labelled["county"].map({county: i % k_folds for i, county in enumerate(counties)}).to_numpy()
    pool = training_sample(labelled, max_train).index.to_numpy()
    book = codebook_texts(coder)
    ngrams = count_ngrams(labelled["text"].iloc[pool].tolist() + book["text"].tolist())
    book_rows = np.arange(len(pool), len(pool) + len(book))
    dictionary, area_ids = _dictionary_scores(labelled, coder, coded), [a.id for a in coder.codebook.areas]
    frames, folds = [], []
    for k in sorted(set(fold.tolist())):
        test = np.flatnonzero(fold == k)
        mine = np.flatnonzero(fold[pool] != k)
        train = labelled.iloc[pool[mine]]
        rows = np.concatenate([mine, book_rows])
        model = fit_model(train["text"], train["area_id"], coder=coder, ngrams=ngrams.rows(rows))
        x = model.transform(labelled["text"].iloc[test]) if model is not None else None
        prob = model_scores(model, x, dictionary[test], area_ids) if model is not None else None
        pred = _predictions(labelled.iloc[test], dictionary[test], prob, area_ids)
        frames.append(pred)
        acc = pred.assign(ok=pred["predicted"] == pred["area_id"]).groupby("method")["ok"].mean()
        name = "; ".join(dict.fromkeys(labelled["county"].iloc[test]))
        folds.append((name, len(test), len(train), *(acc.get(method) for method in METHODS)))
    preds = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=PREDICTION_COLUMNS)
    folds_table = pd.DataFrame(folds, columns=FOLD_COLUMNS)
    accuracy = ["accuracy_dictionary", "accuracy_model", "accuracy_combined"]
    folds_table[accuracy] = folds_table[accuracy].astype(float).round(3)
    return preds, folds_table


def training_sample(train: pd.DataFrame, max_train: int) -> pd.DataFrame:
    """``train`` itself when it has at most ``max_train`` rows; else an evenly spaced sample of each
    area's segments (corpus order), every area in proportion and at least one segment of each."""
    if len(train) <= max_train:
        return train
    share = max_train / len(train)
    picks = []
    for _, rows in train.groupby("area_id", sort=False):
        n = max(1, round(share * len(rows)))
        picks.append(rows.iloc[[int(i * len(rows) / n) for i in range(n)]])
    return pd.concat(picks).sort_index()


def in_sample_predictions(
    c, *, coder: TopicCoder, labelled: pd.DataFrame | None = None, model=None, coded: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Predictions of a model fitted on the labelled segments ``labelled`` (``model``, when already
    fitted so), scored on the same segments (``coded``: :func:`labelled_codes` of these or more
    segments, when already made)."""
    labelled = labelled_texts(c, coder=coder) if labelled is None else labelled
    model = fit_model(labelled["text"], labelled["area_id"], coder=coder) if model is None else model
    dictionary, area_ids = _dictionary_scores(labelled, coder, coded), [a.id for a in coder.codebook.areas]
    x = model.transform(labelled["text"]) if model is not None and len(labelled) else None
    prob = model_scores(model, x, dictionary, area_ids) if model is not None else None
    return _predictions(labelled, dictionary, prob, area_ids)


def agreement_table(predictions: pd.DataFrame, *, coder: TopicCoder, scheme: str) -> pd.DataFrame:
    """Per-area precision, recall and kappa of each method (:func:`validity.agreement`), stacked.

    Returns
    -------
    pandas.DataFrame
        Columns: scheme, method, area_id, label_zh, label_en, precision, recall, kappa, n_segments,
        n_predicted.
    """
    frames = []
    for method in METHODS:
        sub = predictions[predictions["method"] == method]
        if sub.empty or ((sub["predicted"] == "").all() and method != "dictionary"):
            continue
        pred = sub.set_index("seg_id")["predicted"].replace("", None).dropna()
        table = agreement(sub[["seg_id", "area_id"]], pred, coder=coder)
        frames.append(_macro_of_measurable(table).assign(scheme=scheme, method=method))
    if not frames:
        return pd.DataFrame(columns=AGREEMENT_COLUMNS)
    return pd.concat(frames, ignore_index=True)[AGREEMENT_COLUMNS]


def _macro_of_measurable(table: pd.DataFrame) -> pd.DataFrame:
    """The macro row averaged over areas with >= ``MIN_MACRO_SEGMENTS`` labelled segments (a kappa
    on one or two labelled segments is all or nothing, and would swing the average)."""
    areas = table["area_id"] != "macro"
    measurable = areas & (table["n_segments"] >= MIN_MACRO_SEGMENTS)
    if not measurable.any():
        return table
    out = table.copy()
    macro = out.index[~areas]
    for col in ("precision", "recall", "kappa"):
        out.loc[macro, col] = round(float(out.loc[measurable, col].mean()), 3)
    return out


def out_of_sample_tables(
    c, *, coder: TopicCoder, model=None, labelled: pd.DataFrame | None = None, coded: pd.DataFrame | None = None
) -> dict:
    """The out-of-sample validity tables of the report (``model``: the one fitted on all of ``c``'s
    labelled segments, when already built, for the in-sample rows; ``labelled``: its
    :func:`labelled_texts`, and ``coded``: their :func:`labelled_codes`, when already made).

    Returns
    -------
    dict
        ``coverage_validity_loco`` (:func:`agreement_table`, schemes 'loco' and 'in_sample'),
        ``coverage_validity_folds`` (one row per held-out county).
    """
    labelled = labelled_texts(c, coder=coder) if labelled is None else labelled
    if labelled["county"].nunique() < 2:
        return {
            "coverage_validity_loco": pd.DataFrame(columns=AGREEMENT_COLUMNS),
            "coverage_validity_folds": pd.DataFrame(columns=FOLD_COLUMNS),
        }
    coded = labelled_codes(labelled, coder=coder) if coded is None else coded
    loco, folds = loco_predictions(c, coder=coder, labelled=labelled, coded=coded)
    # in sample: scored on the segments the corpus model learned from (all of them up to MAX_MODEL_TRAIN)
    sample = training_sample(labelled, MAX_MODEL_TRAIN)
    inside = in_sample_predictions(c, coder=coder, labelled=sample, model=model, coded=coded)
    table = pd.concat(
        [
            agreement_table(loco, coder=coder, scheme="loco"),
            agreement_table(inside, coder=coder, scheme="in_sample"),
        ],
        ignore_index=True,
    )
    return {"coverage_validity_loco": table, "coverage_validity_folds": folds}
