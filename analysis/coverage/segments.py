"""One area per body segment, with its evidence: the ``coverage_segments`` table, and human overrides.

Every body segment (its own heading included: this is the text a reader codes) is coded by the
dictionary combined with a model learned from the corpus's heading-labelled segments
(:mod:`analysis.coverage.model`). The model is fitted once per corpus (:func:`fit_corpus_model`,
about a second for a few hundred labelled segments) and passed on to reuse it.

Human codes (from the coding sheet, :mod:`analysis.coverage.sheet`) override the machine's: the
segment's ``predicted`` becomes the human area with ``method = 'human'``, and in the coverage
shares (:func:`apply_human`) the segment's units count for the human area only.

Tables
------
coverage_segments  doc_id, seg_id, start, end (the segment's span in the source file), heading,
                   predicted (area id, '' when none), score (0–1), evidence, method
                   ('dictionary' | 'model' | 'dictionary+model' | 'heading' | 'human' | '')

A segment whose text reaches no area takes the area its own or nearest ancestor heading names
(method ``heading``); this fallback never enters the validity figures, whose labels come from
those headings.
"""

from __future__ import annotations

import pandas as pd

from analysis.coverage.coder import TopicCoder
from analysis.coverage.model import SegmentModel, combine, fit_model
from analysis.coverage.outofsample import MAX_MODEL_TRAIN, labelled_texts, training_sample

SEGMENT_COLUMNS = ["doc_id", "seg_id", "start", "end", "heading", "predicted", "score", "evidence", "method"]
HUMAN = "human"
NO_AREA = "none"  # what a human coder writes for a segment that belongs to no area


def fit_corpus_model(
    c, *, coder: TopicCoder, labels: pd.DataFrame | None = None, labelled: pd.DataFrame | None = None
) -> SegmentModel | None:
    """The model learned from ``c``'s heading-labelled segments (own heading removed; at most
    ``MAX_MODEL_TRAIN`` of them, an evenly spaced sample of each area beyond) and the codebook.

    ``labels`` (columns seg_id, area_id; e.g. :func:`analysis.coverage.sheet.training_labels`) adds
    human-coded segments as training texts (their full text) and replaces their heading label.
    None when fewer than two areas have enough training texts (a tiny corpus): the dictionary alone
    then codes. ``labelled``: :func:`analysis.coverage.outofsample.labelled_texts` of ``c``, when
    already made.
    """
    labelled = labelled_texts(c, coder=coder) if labelled is None else labelled
    labelled = training_sample(labelled, MAX_MODEL_TRAIN)[["seg_id", "text", "area_id"]]
    if labels is not None and len(labels):
        body = c.body().segments.set_index("seg_id")["text"].fillna("")
        extra = labels[labels["seg_id"].isin(body.index)].assign(text=lambda d: d["seg_id"].map(body))
        labelled = pd.concat([labelled[~labelled["seg_id"].isin(extra["seg_id"])], extra], ignore_index=True)
    return fit_model(labelled["text"], labelled["area_id"], coder=coder)


def coverage_segments(
    c,
    *,
    coder: TopicCoder,
    model: SegmentModel | None = None,
    human: pd.DataFrame | None = None,
    learn: bool = True,
) -> pd.DataFrame:
    """Every body segment with its predicted area, score, evidence and method.

    Parameters
    ----------
    c : corpus.Corpus
    coder : TopicCoder, keyword-only
    model : SegmentModel, optional, keyword-only
        Default: :func:`fit_corpus_model` on ``c`` (fit once and pass it to reuse).
    human : pandas.DataFrame, optional, keyword-only
        Human codes (columns seg_id, human_area; :func:`analysis.coverage.sheet.read_sheet`); they
        override the machine's.
    learn : bool, keyword-only
        False: the dictionary alone (no model is fitted or used).

    Returns
    -------
    pandas.DataFrame
        Columns: doc_id, seg_id, start, end, heading, predicted, score, evidence, method.
    """
    body = c.body().segments
    if body.empty:
        return pd.DataFrame(columns=SEGMENT_COLUMNS)
    if not learn:
        model = None
    elif model is None:
        model = fit_corpus_model(c, coder=coder)
    texts = body[["doc_id", "seg_id", "text"]].assign(text=body["text"].fillna(""))
    pred = _heading_fallback(body, combine(texts, coder=coder, model=model), coder)
    out = body[["doc_id", "seg_id", "start", "end", "heading"]].merge(pred, on="seg_id", how="left")
    out["heading"] = out["heading"].fillna("")
    if human is not None and len(human):
        codes = human.dropna(subset=["human_area"]).set_index("seg_id")["human_area"]
        hit = out["seg_id"].isin(codes.index)
        area = out.loc[hit, "seg_id"].map(codes)
        out.loc[hit, "predicted"] = area.where(area != NO_AREA, "")
        out.loc[hit, "score"] = 1.0
        out.loc[hit, "evidence"] = "human coder"
        out.loc[hit, "method"] = HUMAN
    return out[SEGMENT_COLUMNS].reset_index(drop=True)


def _heading_fallback(body: pd.DataFrame, pred: pd.DataFrame, coder: TopicCoder) -> pd.DataFrame:
    """Segments the text codes to no area take the area their own or nearest ancestor heading names
    (method ``heading``, evidence ``heading: …``): a paragraph under "（三）加强行政复议工作" without a
    cue of its own belongs to that area as a reader sees it."""
    missing = pred["predicted"] == ""
    if not missing.any():
        return pred
    parent = dict(zip(body["seg_id"], body["parent"]))
    heading = dict(zip(body["seg_id"], body["heading"].fillna("")))
    rows, found = [], []
    for i, node in zip(pred.index[missing], pred.loc[missing, "seg_id"]):
        while isinstance(node, str) and node in heading:
            area = coder.heading_area(heading[node])
            if area:
                rows.append(i)
                found.append((area, f"heading: {heading[node]}", "heading"))
                break
            node = parent[node]
    out = pred.copy()
    if rows:
        out.loc[rows, ["predicted", "evidence", "method"]] = found
    return out


def apply_human(coded: pd.DataFrame, units: pd.DataFrame, human: pd.DataFrame) -> pd.DataFrame:
    """Coded units with human segment codes applied: a human-coded segment's units count for the
    human area only (its topic rows of that area kept; a unit without one gets an area-level row,
    ``topic_id`` = the area id, so that area shares count it); ``none`` removes the segment's codes.

    Parameters
    ----------
    coded : pandas.DataFrame
        :func:`analysis.coverage.coding.code_sentences` output.
    units : pandas.DataFrame
        :func:`analysis.coverage.units.body_units` output (the same unit).
    human : pandas.DataFrame
        Columns seg_id, human_area.

    Returns
    -------
    pandas.DataFrame
        The columns of ``coded``.
    """
    codes = human.dropna(subset=["human_area"]).set_index("seg_id")["human_area"]
    if codes.empty:
        return coded
    keep = ~coded["seg_id"].isin(codes.index) | (coded["area_id"] == coded["seg_id"].map(codes))
    kept = coded[keep]
    u = units[units["seg_id"].isin(codes.index)].assign(area_id=lambda d: d["seg_id"].map(codes))
    u = u[u["area_id"] != NO_AREA]
    have = set(zip(kept["sent_id"], kept["area_id"]))
    add = u[[(s, a) not in have for s, a in zip(u["sent_id"], u["area_id"])]]
    extra = pd.DataFrame(
        {
            "doc_id": add["doc_id"],
            "seg_id": add["seg_id"],
            "sent_id": add["sent_id"],
            "area_id": add["area_id"],
            "topic_id": add["area_id"],
            "n_hits": 0,
            "n_hit_chars": 0,
            "cues": [(HUMAN,)] * len(add),
            "n_chars": add["n_chars"],
        }
    )
    return pd.concat([kept, extra.reindex(columns=coded.columns)], ignore_index=True)
