"""Is the dictionary coding right? Agreement with the documents' own headings and with an NMF model.

Heading labels
    Many documents follow the 纲要 outline and name the area in their headings (濉溪县 and 濮阳县
    most closely: "（四）健全行政执法工作体系"). A body segment is labelled with the area named by
    its own heading or, failing that, by the nearest ancestor heading that names one
    (:meth:`analysis.coverage.coder.TopicCoder.heading_area`, heading cues from the codebook). Segments under
    headings that name no area (指导思想, 工作步骤, …) get no label and are not evaluated.

Independence
    Heading cues and topic cues overlap by design (a heading "行政复议" names the area whose
    topic cue is 行政复议). To keep labels and predictions independent, the coding evaluated here
    reads the segment WITHOUT its own heading (``code_segments(..., drop_heading=True)``); the
    ancestors' headings are separate segments and are never part of the text coded. Segments whose
    text is only a heading are therefore not evaluated. The prediction for a segment is its primary
    area (most cue hits); a labelled segment with no cue hit counts as a miss for its area.

NMF
    An unsupervised NMF (scikit-learn, fixed seed) on TF-IDF of the segments' tokens (the corpus
    tokenizer; ``token_pattern=None`` so one-character tokens such as 法 or 县 are kept). Each NMF
    topic is matched to the codebook area most common among the segments it dominates; agreement
    is reported as adjusted mutual information and purity.

Cost: linear in the number of labelled segments for labels and agreement (only they are coded);
NMF is O(segments × vocabulary × components × iterations) on a sparse matrix, a few seconds for
thousands of segments, bounded by fitting it on at most ``MAX_NMF_SEGMENTS`` (a random sample beyond).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_mutual_info_score, cohen_kappa_score, precision_score, recall_score

from analysis.coverage.codebook import Codebook
from analysis.coverage.coder import TopicCoder
from analysis.coverage.coding import body_text, code_segments, primary_areas

SEED = 20210801  # fixed: same corpus, same NMF topics
MIN_DF = 2  # an NMF term must occur in at least this many segments
# NMF is fitted on at most this many body segments; beyond, on a random sample of them (drawn with
# SEED). Its cost is segments x vocabulary x iterations. 1,000 synthetic reports (52,919 segments):
# all of them AMI 0.108 / purity 0.335; a sample of 10,000: 0.108 / 0.337 in ~7 CPU s; samples of
# 5,000 fell to 0.075-0.082. The seeds and realdocs (416 and 164 body segments) use all of them.
MAX_NMF_SEGMENTS = 10_000
AGREEMENT_COLUMNS = ["area_id", "label_zh", "label_en", "precision", "recall", "kappa", "n_segments", "n_predicted"]
NMF_COLUMNS = [
    "nmf_topic",
    "top_terms",
    "n_segments",
    "best_area",
    "best_area_label_zh",
    "best_area_label_en",
    "share_best",
]
SUMMARY_COLUMNS = ["measure", "value"]


def heading_labels(c, *, coder: TopicCoder) -> pd.DataFrame:
    """Label body segments with the area their own or nearest ancestor heading names.

    Returns
    -------
    pandas.DataFrame
        One row per labelled body segment whose text without its own heading is non-empty. Columns:
        doc_id, seg_id, area_id (label), label_seg_id (segment whose heading gave the label),
        label_heading, n_chars (characters of the text without the heading).
    """
    segments = c.body().segments
    seg_ids = segments["seg_id"].tolist()
    heading_of = dict(zip(seg_ids, segments["heading"].tolist()))
    parent_of = dict(zip(seg_ids, segments["parent"].tolist()))
    named = {s: coder.heading_area(h or "") for s, h in heading_of.items()}
    rows = []
    columns = (segments[col].tolist() for col in ("doc_id", "seg_id", "text", "heading"))
    for doc_id, seg_id, text, heading in zip(*columns):
        text = body_text(text or "", heading or "").strip("，。；：、 \n")
        if not _has_content(text):
            continue
        node = seg_id
        while node is not None and not pd.isna(node):
            if named.get(node):
                rows.append((doc_id, seg_id, named[node], node, heading_of[node], len(text)))
                break
            node = parent_of[node]
    return pd.DataFrame(rows, columns=["doc_id", "seg_id", "area_id", "label_seg_id", "label_heading", "n_chars"])


def _has_content(text: str) -> bool:
    # a residual such as "1." or "（三）" after removing the heading is not text to code
    letters = 0
    for ch in text:  # stops at the fourth letter (was: all letters counted)
        letters += ch.isalpha()
        if letters >= 4:
            return True
    return False


def predictions(c, *, coder: TopicCoder) -> pd.Series:
    """Primary area of each body segment coded WITHOUT its own heading (index seg_id; no entry
    for segments without any cue hit)."""
    return primary_areas(code_segments(c, coder=coder, drop_heading=True), coder)


def agreement(labels: pd.DataFrame, predicted: pd.Series, *, coder: TopicCoder) -> pd.DataFrame:
    """Precision, recall and Cohen's kappa of the coding against heading labels, per area.

    Each area is scored one-vs-rest over all labelled segments (predicted = the segment's primary
    area). Areas without any labelled segment are left out; the ``macro`` row averages the areas.

    Returns
    -------
    pandas.DataFrame
        Columns: area_id, label_zh, label_en, precision, recall, kappa, n_segments (segments
        labelled with the area; for ``macro``: all labelled segments), n_predicted. Empty (with these
        columns) when no segment is labelled: there is nothing to check the coding against.
    """
    y_true = labels["area_id"].to_numpy()
    y_pred = labels["seg_id"].map(predicted).fillna("none").to_numpy()
    rows = []
    for area in coder.codebook.areas:
        t, p = y_true == area.id, y_pred == area.id
        if not t.any():
            continue
        rows.append(
            {
                "area_id": area.id,
                "label_zh": area.label_zh,
                "label_en": area.label_en,
                "precision": precision_score(t, p, zero_division=0.0),
                "recall": recall_score(t, p, zero_division=0.0),
                "kappa": cohen_kappa_score(t, p),
                "n_segments": int(t.sum()),
                "n_predicted": int(p.sum()),
            }
        )
    if not rows:
        return pd.DataFrame(columns=AGREEMENT_COLUMNS).astype(
            {"precision": float, "recall": float, "kappa": float, "n_segments": int, "n_predicted": int}
        )
    out = pd.DataFrame(rows, columns=AGREEMENT_COLUMNS)
    macro = {
        "area_id": "macro",
        "label_zh": "宏平均",
        "label_en": "macro average",
        "precision": out["precision"].mean(),
        "recall": out["recall"].mean(),
        "kappa": out["kappa"].mean(),
        "n_segments": len(labels),
        "n_predicted": int((y_pred != "none").sum()),
    }
    out = pd.concat([out, pd.DataFrame([macro])], ignore_index=True)
    out[["precision", "recall", "kappa"]] = out[["precision", "recall", "kappa"]].astype(float).round(3)
    return out


def confusion(labels: pd.DataFrame, predicted: pd.Series) -> pd.DataFrame:
    """Heading label × predicted primary area counts (``none`` = no cue hit).

    Returns
    -------
    pandas.DataFrame
        Columns: area_id (label), predicted, n_segments.
    """
    pred = labels["seg_id"].map(predicted).fillna("none")
    out = pd.DataFrame({"area_id": labels["area_id"], "predicted": pred})
    return out.groupby(["area_id", "predicted"]).size().rename("n_segments").reset_index()


def _identity(tokens):
    return tokens


def segment_tokens(tokens: pd.DataFrame, *, seg_ids=None) -> pd.Series:
    """Non-stopword tokens of each segment, as lists (index seg_id, segment order kept).

    The rows are chosen by one mask and only their two columns copied (a sample of a national
    corpus's segments: no copy of the whole token table).
    """
    keep = ~tokens["is_stop"].to_numpy(dtype=bool) if "is_stop" in tokens else np.ones(len(tokens), dtype=bool)
    if seg_ids is not None:
        keep &= tokens["seg_id"].isin(set(seg_ids)).to_numpy(dtype=bool)
    kept = tokens.loc[keep, ["seg_id", "token"]]
    return kept.groupby("seg_id", sort=False)["token"].agg(list)


def nmf_segments(c, *, max_segments: int = MAX_NMF_SEGMENTS, seed: int = SEED) -> pd.Series:
    """Token lists (:func:`segment_tokens`) of the body segments the NMF is fitted on: all of them,
    or beyond ``max_segments`` a random sample of that many (numpy's generator seeded with ``seed``,
    corpus order kept)."""
    body = c.body()
    seg_ids = body.segments["seg_id"]
    if not nmf_sampled(c, max_segments=max_segments):
        return segment_tokens(body.tokens)
    keep = np.sort(np.random.default_rng(seed).choice(len(seg_ids), size=max_segments, replace=False))
    return segment_tokens(body.tokens, seg_ids=seg_ids.iloc[keep])


def nmf_sampled(c, *, max_segments: int = MAX_NMF_SEGMENTS) -> bool:
    """True when the NMF is fitted on a sample of ``c``'s body segments (:func:`nmf_segments`)."""
    return len(c.body().segments) > max_segments


def nmf_shortfall(docs: pd.Series, *, n_topics: int, min_df: int = MIN_DF) -> dict | None:
    """What the segments lack for an NMF with ``n_topics`` components, or None when it can be fitted.

    NMF needs at least ``n_topics`` segments with terms and at least ``n_topics`` terms that occur
    in ``min_df`` or more segments.

    Returns
    -------
    dict or None
        n_topics, min_df, n_segments (segments with at least one token), n_terms (terms in at least
        ``min_df`` segments); None when both counts reach ``n_topics``.
    """
    lists = [t for t in docs if len(t)]
    df = pd.Series([term for tokens in lists for term in set(tokens)], dtype=object).value_counts()
    n_terms = int((df >= min_df).sum())
    if len(lists) >= n_topics and n_terms >= n_topics:
        return None
    return {"n_topics": n_topics, "min_df": min_df, "n_segments": len(lists), "n_terms": n_terms}


def fit_nmf(docs: pd.Series, *, n_topics: int, seed: int = SEED, min_df: int = MIN_DF):
    """Fit TF-IDF + NMF on token lists.

    The vectorizer takes the token lists as they are (``tokenizer``/``preprocessor`` identity,
    ``token_pattern=None``), so single-character tokens are kept.

    Returns
    -------
    tuple
        (vectorizer, model, W) with W the segment × topic weights (rows in the order of ``docs``).

    Raises
    ------
    ValueError
        When ``docs`` has too few segments or terms for ``n_topics`` (see :func:`nmf_shortfall`).
    """
    short = nmf_shortfall(docs, n_topics=n_topics, min_df=min_df)
    if short:
        raise ValueError(
            f"n_topics={n_topics} needs at least {n_topics} segments with terms and {n_topics} terms in "
            f">= min_df={min_df} segments; docs has {short['n_segments']} segments and {short['n_terms']} such terms"
        )
    vectorizer = TfidfVectorizer(
        tokenizer=_identity,
        preprocessor=_identity,
        token_pattern=None,
        lowercase=False,
        min_df=min_df,
        sublinear_tf=True,
    )
    x = vectorizer.fit_transform(list(docs))
    model = NMF(n_components=n_topics, init="nndsvda", random_state=seed, max_iter=500)
    w = model.fit_transform(x)
    return vectorizer, model, w


def nmf_alignment(
    docs: pd.Series, areas: pd.Series, codebook: Codebook, *, seed: int = SEED, n_top_terms: int = 8
) -> tuple:
    """Fit NMF on segments and line its topics up with codebook areas.

    Parameters
    ----------
    docs : pandas.Series
        Token lists indexed by seg_id.
    areas : pandas.Series
        Codebook area per seg_id (e.g. primary coded area or heading label); segments without
        one are fitted but not scored.

    Returns
    -------
    tuple
        (topics, summary). ``topics`` columns: nmf_topic, top_terms, n_segments, best_area,
        best_area_label_zh, best_area_label_en, share_best (share of the topic's scored segments in
        its best area). ``summary`` columns: measure (ami, purity, n_topics, n_segments), value.
        Both empty (with their columns) when the segments are too few for the model
        (:func:`nmf_shortfall`).
    """
    n_topics = len(codebook.areas)
    if nmf_shortfall(docs, n_topics=n_topics) is not None:
        return pd.DataFrame(columns=NMF_COLUMNS), pd.DataFrame(columns=SUMMARY_COLUMNS)
    vectorizer, model, w = fit_nmf(docs, n_topics=n_topics, seed=seed)
    vocab = np.asarray(vectorizer.get_feature_names_out())
    assigned = pd.Series(w.argmax(axis=1), index=docs.index)
    scored = pd.DataFrame({"nmf_topic": assigned, "area_id": areas.reindex(docs.index)}).dropna()
    rows = []
    for k in range(n_topics):
        terms = vocab[np.argsort(model.components_[k])[::-1][:n_top_terms]]
        sub = scored[scored["nmf_topic"] == k]["area_id"]
        best = sub.value_counts().idxmax() if len(sub) else None
        rows.append(
            {
                "nmf_topic": k,
                "top_terms": " ".join(terms),
                "n_segments": int((assigned == k).sum()),
                "best_area": best,
                "best_area_label_zh": codebook.area(best).label_zh if best else "",
                "best_area_label_en": codebook.area(best).label_en if best else "",
                "share_best": round(float((sub == best).mean()), 3) if len(sub) else np.nan,
            }
        )
    topics = pd.DataFrame(rows, columns=NMF_COLUMNS)
    ami = adjusted_mutual_info_score(scored["area_id"], scored["nmf_topic"]) if len(scored) else np.nan
    purity = (
        scored.groupby("nmf_topic")["area_id"].agg(lambda s: s.value_counts().iloc[0]).sum() / len(scored)
        if len(scored)
        else np.nan  # no labelled segment: nothing to be pure about
    )
    summary = pd.DataFrame(
        {
            "measure": ["ami", "purity", "n_topics", "n_segments"],
            "value": [round(float(ami), 3), round(float(purity), 3), n_topics, len(scored)],
        }
    )
    return topics, summary


def validity_tables(
    c, *, coder: TopicCoder, seed: int = SEED, labels: pd.DataFrame | None = None, coded: pd.DataFrame | None = None
) -> dict:
    """All validity tables for the report, from a loaded corpus (``labels``: its
    :func:`heading_labels`, when already made; ``coded``: the dictionary coding of the labelled
    segments without their own heading, e.g. :func:`analysis.coverage.outofsample.labelled_codes`,
    when already made — only labelled segments enter agreement and confusion, so only they are coded).

    Returns
    -------
    dict
        ``coverage_validity`` (:func:`agreement`), ``coverage_confusion`` (:func:`confusion`),
        ``coverage_validity_docs`` (doc_id, n_labelled: labelled segments per document),
        ``coverage_nmf`` and ``coverage_nmf_summary`` (:func:`nmf_alignment` against the heading
        labels, on all body segments up to ``MAX_NMF_SEGMENTS``, a random sample beyond:
        :func:`nmf_segments`).
    """
    labels = heading_labels(c, coder=coder) if labels is None else labels
    if coded is None:
        predicted = predictions(c, coder=coder)
    else:
        predicted = primary_areas(coded, coder)
    docs = nmf_segments(c, seed=seed)
    nmf_topics, nmf_summary = nmf_alignment(docs, labels.set_index("seg_id")["area_id"], coder.codebook, seed=seed)
    per_doc = labels.groupby("doc_id", sort=False).size().rename("n_labelled").reset_index()
    per_doc = per_doc.reindex(columns=["doc_id", "n_labelled"])
    return {
        "coverage_validity": agreement(labels, predicted, coder=coder),
        "coverage_confusion": confusion(labels, predicted),
        "coverage_validity_docs": per_doc,
        "coverage_nmf": nmf_topics,
        "coverage_nmf_summary": nmf_summary,
    }
