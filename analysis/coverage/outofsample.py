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

Cost: one model fit per county (about a second each for a few hundred segments); beyond
``MAX_FOLDS`` counties, one fit per group of counties, each on at most ``MAX_TRAIN`` segments
(:func:`loco_predictions`): bounded on a national corpus.
"""

from __future__ import annotations

import pandas as pd

from analysis.coverage import validity
from analysis.coverage.coder import TopicCoder
from analysis.coverage.coding import body_text
from analysis.coverage.model import combine, fit_model
from analysis.coverage.validity import agreement, heading_labels
from analysis.groups import county_keys

METHODS = ("dictionary", "model", "dictionary+model")
PREDICTION_COLUMNS = ["doc_id", "seg_id", "county", "area_id", "method", "predicted", "score"]
AGREEMENT_COLUMNS = ["scheme", "method", *validity.AGREEMENT_COLUMNS]
MAX_FOLDS = 30  # more counties than this: counties are held out in this many groups
# Each fold's model is fitted on at most this many labelled segments (a fixed sample, every area
# kept in proportion): on a national corpus 30 fits on all segments would dominate the report
# (100 synthetic documents: 2,476 of 3,282 s), and a validity estimate does not need them all.
MAX_TRAIN = 2_000
MIN_MACRO_SEGMENTS = 5  # areas with fewer labelled segments are reported but left out of the macro average
FOLD_COLUMNS = ["county", "n_labelled", "n_train", "accuracy_dictionary", "accuracy_model", "accuracy_combined"]


def labelled_texts(c, *, coder: TopicCoder) -> pd.DataFrame:
    """Heading-labelled body segments with the text that is coded (own heading removed) and county.

    Returns
    -------
    pandas.DataFrame
        Columns: doc_id, seg_id, area_id (label), label_seg_id, label_heading, county (county key),
        text.
    """
    labels = heading_labels(c, coder=coder)
    segs = c.body().segments.set_index("seg_id")
    keys = county_keys(c.documents).set_index("doc_id")["county_key"]
    out = labels[["doc_id", "seg_id", "area_id", "label_seg_id", "label_heading"]].copy()
    out["county"] = out["doc_id"].map(keys)
    out["text"] = [body_text(segs.at[s, "text"] or "", segs.at[s, "heading"] or "") for s in out["seg_id"]]
    return out.reset_index(drop=True)


def _predict(test: pd.DataFrame, *, coder: TopicCoder, model) -> pd.DataFrame:
    """Predictions of the three methods for ``test`` (model None: the model rows are empty)."""
    frames = []
    runs = (("dictionary", None), ("model", model), ("dictionary+model", model))
    for method, m in runs:
        if method != "dictionary" and m is None:
            pred = pd.DataFrame({"seg_id": test["seg_id"], "predicted": "", "score": 0.0})
        else:
            weight = 0.0 if method == "model" else None
            kw = {} if weight is None else {"dictionary_weight": weight}
            pred = combine(test, coder=coder, model=m, **kw)[["seg_id", "predicted", "score"]]
        frames.append(test[["doc_id", "seg_id", "county", "area_id"]].merge(pred, on="seg_id").assign(method=method))
    return pd.concat(frames, ignore_index=True)[PREDICTION_COLUMNS]


def loco_predictions(
    c,
    *,
    coder: TopicCoder,
    labelled: pd.DataFrame | None = None,
    max_folds: int = MAX_FOLDS,
    max_train: int = MAX_TRAIN,
) -> tuple:
    """Leave-one-county-out predictions of every labelled segment, by each method.

    With more than ``max_folds`` counties, counties are dealt round-robin (in corpus order) into
    ``max_folds`` groups and each group is held out at once: still no county is scored by a model
    that saw it, and the cost stays ``max_folds`` fits for a national corpus. Each fit uses at most
    ``max_train`` of the other counties' segments (:func:`training_sample`; ``n_train`` says how
    many), so a fold's cost does not grow with the corpus either.

    Returns
    -------
    tuple
        (predictions, folds): see the module's table list (a fold's ``county`` lists its counties,
        '; '-joined, when it holds several).
    """
    labelled = labelled_texts(c, coder=coder) if labelled is None else labelled
    counties = list(dict.fromkeys(labelled["county"]))
    fold_of = {county: i % max(max_folds, 1) for i, county in enumerate(counties)}
    fold = labelled["county"].map(fold_of)
    frames, folds = [], []
    for k in sorted(set(fold)):
        test, train = labelled[fold == k], training_sample(labelled[fold != k], max_train)
        model = fit_model(train["text"], train["area_id"], coder=coder)
        pred = _predict(test, coder=coder, model=model)
        frames.append(pred)
        acc = pred.assign(ok=pred["predicted"] == pred["area_id"]).groupby("method")["ok"].mean()
        name = "; ".join(dict.fromkeys(test["county"]))
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


def in_sample_predictions(c, *, coder: TopicCoder, labelled: pd.DataFrame | None = None, model=None) -> pd.DataFrame:
    """Predictions of a model fitted on ALL labelled segments (``model``, when already fitted so),
    scored on the same segments."""
    labelled = labelled_texts(c, coder=coder) if labelled is None else labelled
    model = fit_model(labelled["text"], labelled["area_id"], coder=coder) if model is None else model
    return _predict(labelled, coder=coder, model=model)


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


def out_of_sample_tables(c, *, coder: TopicCoder, model=None) -> dict:
    """The out-of-sample validity tables of the report (``model``: the one fitted on all of ``c``'s
    labelled segments, when already built, for the in-sample rows).

    Returns
    -------
    dict
        ``coverage_validity_loco`` (:func:`agreement_table`, schemes 'loco' and 'in_sample'),
        ``coverage_validity_folds`` (one row per held-out county).
    """
    labelled = labelled_texts(c, coder=coder)
    if labelled["county"].nunique() < 2:
        return {
            "coverage_validity_loco": pd.DataFrame(columns=AGREEMENT_COLUMNS),
            "coverage_validity_folds": pd.DataFrame(columns=FOLD_COLUMNS),
        }
    loco, folds = loco_predictions(c, coder=coder, labelled=labelled)
    inside = in_sample_predictions(c, coder=coder, labelled=labelled, model=model)
    table = pd.concat(
        [
            agreement_table(loco, coder=coder, scheme="loco"),
            agreement_table(inside, coder=coder, scheme="in_sample"),
        ],
        ignore_index=True,
    )
    return {"coverage_validity_loco": table, "coverage_validity_folds": folds}
