"""Topic coverage: which areas of 法治政府建设 each document addresses, how much, and what it leaves out.

Coding is a dictionary method on clean text (``corpus``: responsibility clauses and web chrome
removed). A sentence of a body segment is coded to a topic of the codebook when one of the
topic's cue terms occurs in it and the occurrence does not lie inside an exclusion phrase; a
segment is coded to every topic one of its sentences is coded to. Every coded row keeps the cues
that fired.

Coverage of a topic in a document is the share of the document's body characters that lie in
units coded to the topic (``share_pct``). The unit is the clause (a sentence cut at depth-0
semicolons, :mod:`analysis.coverage.units`), not the whole segment or sentence, so that one passing
mention does not claim a long paragraph and a ；-chained sentence does not count in every area it
lists. Shares of different topics overlap (a
sentence can address two topics) and need not sum to 100. Documents of different types (plan,
scheme, report, assessment) and lengths are comparable only through such shares.

Every function takes a ``corpus.Corpus`` and keyword-only options (``coder``: a compiled
:class:`~analysis.coverage.coder.TopicCoder`, built once and reused; ``coded``: the output of
:func:`code_sentences` when already computed). County and other docvars come from the Corpus.

Tables (column dictionary)
--------------------------
coded      doc_id, seg_id, [sent_id,] area_id, topic_id, n_hits (cue occurrences), n_hit_chars,
           cues (tuple of cues in text order), [n_chars of the sentence]
coverage   doc_id, county, area_id, topic_id, label_zh, label_en, origin, share_pct, n_chars,
           n_segments, has_heading, cues ("cue×n; …", most frequent first)
areas      doc_id, county, area_id, label_zh, label_en, share_pct, n_chars, n_segments, has_heading, cues
profiles   county, area_id, [topic_id,] label_zh, label_en, share_pct, n_chars, n_segments, n_docs, cues,
           county_known, doc_types, periods
county_years  county, county_known, period, doc_type, area_id, [topic_id,] label_zh, label_en, share_pct,
           n_chars, n_segments, n_docs, doc_ids, cues
emphasis   county, area_id, label_zh, label_en, share_pct, others_mean_pct, diff_pp, ratio, [county_known]
gaps       county, area_id, topic_id, label_zh, label_en, origin, addressed, share_pct, n_segments, [county_known]

Counties are the county keys of :mod:`analysis.groups` (documents of unknown county grouped under
their place, title or file name, flagged ``county_known = False``).

Cost: coding is one regular-expression pass per topic over each sentence, i.e. linear in corpus
size (O(characters × topics)); all tables are group-bys over the coded rows. Nothing is pairwise.
"""

from __future__ import annotations

from collections import Counter
from itertools import chain

import numpy as np
import pandas as pd

from analysis.coverage.coder import TopicCoder
from analysis.coverage.units import body_units
from analysis.groups import county_keys, present

CUE_SEPARATOR = "; "
JOIN = "; "  # lists of pooled doc_ids, types and periods in one cell
UNKNOWN_TYPE = "unknown"  # doc_type of a document whose type was not inferred


def default_coder() -> TopicCoder:
    """The project codebook, compiled (build it once and pass it as ``coder=`` to reuse it)."""
    return TopicCoder.from_file()


def body_text(text: str, heading: str) -> str:
    """``text`` without the first occurrence of its own ``heading`` (unchanged when there is none)."""
    if heading and heading in text:
        return text.replace(heading, "", 1)
    return text


def code_segments(c, *, coder: TopicCoder, drop_heading: bool = False) -> pd.DataFrame:
    """Code the body segments of a corpus to topics.

    ``drop_heading=True`` codes the text without the segment's own heading, so that coding and the
    heading-based validity labels read disjoint text. Returns the columns of
    :meth:`TopicCoder.code_texts`.
    """
    body = c.body().segments
    texts = body[["doc_id", "seg_id"]].copy()
    texts["text"] = [body_text(t, h) for t, h in zip(body["text"], body["heading"])] if drop_heading else body["text"]
    return coder.code_texts(texts)


def primary_areas(coded: pd.DataFrame, coder: TopicCoder) -> pd.Series:
    """The area with the most cue hits in each coded segment (ties: more matched characters, then
    codebook order). Returns a Series of area_id indexed by seg_id."""
    if coded.empty:
        return pd.Series(dtype=object, name="area_id")
    order = {a.id: i for i, a in enumerate(coder.codebook.areas)}
    per = coded.groupby(["seg_id", "area_id"], as_index=False)[["n_hits", "n_hit_chars"]].sum()
    per["order"] = per["area_id"].map(order)
    per = per.sort_values(["seg_id", "n_hits", "n_hit_chars", "order"], ascending=[True, False, False, True])
    return per.drop_duplicates("seg_id").set_index("seg_id")["area_id"]


def cue_counts(cues) -> list[tuple[str, int]]:
    """``(cue, n)`` for the cues in ``cues``: most frequent first, ties in the order they first fired."""
    return sorted(Counter(cues).items(), key=lambda pair: -pair[1])


def body_sentences(c) -> pd.DataFrame:
    """Sentences of the corpus's body with their length.

    Returns
    -------
    pandas.DataFrame
        Columns: doc_id, seg_id, sent_id, text, n_chars.
    """
    out = c.body().sentences[["doc_id", "seg_id", "sent_id", "text"]].copy()
    out["n_chars"] = out["text"].str.len()
    return out


def code_sentences(c, *, coder: TopicCoder, unit: str = "clause") -> pd.DataFrame:
    """Code the body units of a corpus: the clauses (default) or sentences that shares are measured in.

    ``unit="clause"`` cuts sentences at depth-0 semicolons (:mod:`analysis.coverage.units`), so a
    sentence chaining five tasks does not count its full length in five areas.

    Returns
    -------
    pandas.DataFrame
        Columns of :meth:`TopicCoder.code_texts` plus sent_id (the unit's id) and n_chars (its length).
    """
    sents = body_units(c, unit=unit)
    coded = coder.code_texts(
        sents.rename(columns={"seg_id": "_seg", "sent_id": "seg_id"})[["doc_id", "seg_id", "text"]]
    )
    coded = coded.rename(columns={"seg_id": "sent_id"})
    return coded.merge(sents[["sent_id", "seg_id", "n_chars"]], on="sent_id")


def _tally(coded: pd.DataFrame, keys: list, unit: str) -> pd.DataFrame:
    """Characters (each sentence once per unit), segments and cues per ``keys`` + unit."""
    once = coded.drop_duplicates(["sent_id", unit])
    agg = once.groupby(keys + [unit]).agg(n_chars=("n_chars", "sum"), n_segments=("seg_id", "nunique"))
    return agg.join(_cue_summaries(coded, keys + [unit])).reset_index()


def _cue_summaries(coded: pd.DataFrame, by: list) -> pd.Series:
    """Per group of ``by`` (as ``groupby(by)`` groups), its cues as ``cue×n`` joined by
    ``CUE_SEPARATOR``, in :func:`cue_counts`' order (most frequent first, ties in the order they first
    fired): counted and ordered in one pass over all cues, not a Python call per group."""
    grouped = coded.groupby(by)
    group = grouped.ngroup().to_numpy()
    index = grouped.size().index
    lengths = coded["cues"].map(len).to_numpy()
    flat = pd.DataFrame(
        {
            "g": np.repeat(group, lengths),
            "cue": list(chain.from_iterable(coded["cues"])),
            "pos": np.arange(int(lengths.sum())),
        }
    )
    flat = flat[flat.g >= 0]  # a row whose key is missing is in no group
    stats = flat.groupby(["g", "cue"], sort=False).agg(n=("pos", "size"), first=("pos", "min")).reset_index()
    stats = stats.sort_values(["g", "n", "first"], ascending=[True, False, True])
    pieces = (stats.cue + "×" + stats.n.astype(str)).to_numpy(dtype=object)
    bounds = np.flatnonzero(np.diff(stats.g.to_numpy())) + 1
    texts = dict(
        zip(
            stats.g.to_numpy()[np.r_[0, bounds]] if len(stats) else [],
            map(CUE_SEPARATOR.join, np.split(pieces, bounds)),
        )
    )
    return pd.Series([texts.get(g, "") for g in range(len(index))], index=index, name="cues", dtype="str")


def _finish(out: pd.DataFrame, totals: pd.Series, key: str) -> pd.DataFrame:
    out["n_chars"] = out["n_chars"].fillna(0).astype(int)
    out["n_segments"] = out["n_segments"].fillna(0).astype(int)
    out["cues"] = out["cues"].fillna("")
    out["share_pct"] = _pct(out["n_chars"], out[key].map(totals))
    return out


def _prepare(c, coder: TopicCoder | None, coded: pd.DataFrame | None):
    coder = coder or default_coder()
    coded = code_sentences(c, coder=coder) if coded is None else coded
    return coder, coded, body_sentences(c)


def coverage(c, *, coder: TopicCoder | None = None, coded: pd.DataFrame | None = None) -> pd.DataFrame:
    """Coverage of every topic in every document (topics a document does not address included).

    Parameters
    ----------
    c : corpus.Corpus
    coder : TopicCoder, optional, keyword-only
        Default: the project codebook compiled.
    coded : pandas.DataFrame, optional, keyword-only
        :func:`code_sentences` output, if already computed.

    Returns
    -------
    pandas.DataFrame
        Columns: doc_id, county, area_id, topic_id, label_zh, label_en, origin, share_pct (percent
        of the document's body characters lying in sentences coded to the topic), n_chars,
        n_segments (body segments with a cue hit), has_heading (a body heading of the document
        contains a cue of the topic), cues ("cue×count; …", most frequent first).
        Rows ordered by document, then codebook order.
    """
    coder, coded, sents = _prepare(c, coder, coded)
    agg = _tally(coded, ["doc_id"], "topic_id")
    topics = coder.codebook.topics_frame()[["topic_id", "area_id", "label_zh", "label_en", "origin"]]
    out = _grid(c, topics).merge(agg, on=["doc_id", "topic_id"], how="left")
    out = _finish(out, sents.groupby("doc_id")["n_chars"].sum(), "doc_id")
    heads = _heading_topic_pairs(c, coder)
    out["has_heading"] = [(d, t) in heads for d, t in zip(out["doc_id"], out["topic_id"])]
    cols = [
        "doc_id",
        "county",
        "area_id",
        "topic_id",
        "label_zh",
        "label_en",
        "origin",
        "share_pct",
        "n_chars",
        "n_segments",
        "has_heading",
        "cues",
    ]
    return out[cols]


def area_coverage(c, *, coder: TopicCoder | None = None, coded: pd.DataFrame | None = None) -> pd.DataFrame:
    """Coverage of every area in every document (a sentence counts once per area).

    Returns
    -------
    pandas.DataFrame
        Columns: doc_id, county, area_id, label_zh, label_en, share_pct, n_chars, n_segments,
        has_heading (a body heading of the document names the area, by its heading cues), cues.
    """
    coder, coded, sents = _prepare(c, coder, coded)
    agg = _tally(coded, ["doc_id"], "area_id")
    areas = coder.codebook.areas_frame()[["area_id", "label_zh", "label_en"]]
    out = _grid(c, areas).merge(agg, on=["doc_id", "area_id"], how="left")
    out = _finish(out, sents.groupby("doc_id")["n_chars"].sum(), "doc_id")
    named = _heading_pairs(c, lambda h: [coder.heading_area(h)])
    out["has_heading"] = [(d, a) in named for d, a in zip(out["doc_id"], out["area_id"])]
    return out[
        [
            "doc_id",
            "county",
            "area_id",
            "label_zh",
            "label_en",
            "share_pct",
            "n_chars",
            "n_segments",
            "has_heading",
            "cues",
        ]
    ]


def county_profiles(
    c, *, coder: TopicCoder | None = None, coded: pd.DataFrame | None = None, level: str = "area"
) -> pd.DataFrame:
    """Coverage per county, pooling the county's documents (characters summed before dividing).

    Counties are the county keys of :mod:`analysis.groups`: a document of unknown county is its
    own county under its place, title or file name (``county_known`` False), never dropped and
    never merged with other unknown ones unless their labels are equal. ``level`` is ``"area"``
    or ``"topic"``. The profile says what it pools: ``n_docs``, ``doc_types`` and ``periods``
    (:func:`county_year_profiles` keeps them apart).

    Returns
    -------
    pandas.DataFrame
        Columns: county, area_id, [topic_id,] label_zh, label_en, share_pct, n_chars, n_segments,
        n_docs, cues, county_known, doc_types (document types pooled, '; '-joined, corpus order),
        periods (years or spans pooled, '; '-joined, in order).
    """
    _check_level(level)
    keys = county_keys(c.documents).merge(c.documents[["doc_id", "doc_type"]], on="doc_id")
    keys["doc_type"] = keys["doc_type"].map(lambda v: v if present(v) else UNKNOWN_TYPE)
    groups = keys.groupby("county_key", sort=False).agg(
        n_docs=("doc_id", "size"),
        county_known=("county_known", "first"),
        doc_types=("doc_type", _joined),
        periods=("period", lambda s: _joined(sorted(s[s != ""]))),
    )
    groups = groups.rename_axis("county").reset_index()
    doc_group = keys.set_index("doc_id")["county_key"].map({k: i for i, k in enumerate(groups["county"])})
    out = _group_profiles(c, coder, coded, level, doc_group, groups)
    cols = (
        ["county", "area_id"]
        + (["topic_id"] if level == "topic" else [])
        + ["label_zh", "label_en", "share_pct", "n_chars", "n_segments", "n_docs", "cues"]
        + ["county_known", "doc_types", "periods"]
    )
    return out[cols]


def county_year_profiles(
    c, *, coder: TopicCoder | None = None, coded: pd.DataFrame | None = None, level: str = "area"
) -> pd.DataFrame:
    """Coverage per county × period × document type: the unit of comparison, kept apart.

    Documents of one county, one period (year or span of years) and one type are pooled and
    counted (``n_docs``, ``doc_ids``); a plan and a report of the same year are two rows, and a
    county with several years is a series (rows in county order, then period).

    Returns
    -------
    pandas.DataFrame
        Columns: county, county_known, period ('' when unknown), doc_type ('unknown' when not
        inferred), area_id, [topic_id,] label_zh, label_en, share_pct, n_chars, n_segments,
        n_docs, doc_ids ('; '-joined), cues.
    """
    _check_level(level)
    keys = county_keys(c.documents).merge(c.documents[["doc_id", "doc_type"]], on="doc_id")
    keys["doc_type"] = keys["doc_type"].map(lambda v: v if present(v) else UNKNOWN_TYPE)
    order = {k: i for i, k in enumerate(dict.fromkeys(keys["county_key"]))}
    keys["_order"] = keys["county_key"].map(order)
    keys = keys.sort_values(["_order", "period", "doc_type"], kind="stable")
    g = keys.groupby(["county_key", "period", "doc_type"], sort=False)
    groups = g.agg(
        county_known=("county_known", "first"), n_docs=("doc_id", "size"), doc_ids=("doc_id", _joined)
    ).reset_index()
    groups = groups.rename(columns={"county_key": "county"})
    doc_group = pd.Series(
        {d: i for i, ids in enumerate(groups["doc_ids"]) for d in ids.split(JOIN)}, dtype="Int64"
    ).reindex(c.documents["doc_id"])
    out = _group_profiles(c, coder, coded, level, doc_group, groups)
    cols = (
        ["county", "county_known", "period", "doc_type", "area_id"]
        + (["topic_id"] if level == "topic" else [])
        + ["label_zh", "label_en", "share_pct", "n_chars", "n_segments", "n_docs", "doc_ids", "cues"]
    )
    return out[cols]


def _check_level(level: str) -> None:
    if level not in ("area", "topic"):
        raise ValueError(f"level={level!r} not allowed; use 'area' or 'topic'")


def _joined(values) -> str:
    return JOIN.join(dict.fromkeys(str(v) for v in values))


def _group_profiles(c, coder, coded, level: str, doc_group: pd.Series, groups: pd.DataFrame) -> pd.DataFrame:
    """Pooled shares per group: ``doc_group`` maps doc_id to a row position of ``groups``."""
    coder, coded, sents = _prepare(c, coder, coded)
    key = "area_id" if level == "area" else "topic_id"
    coded = coded.assign(group=coded["doc_id"].map(doc_group))
    sents = sents.assign(group=sents["doc_id"].map(doc_group))
    agg = _tally(coded, ["group"], key)
    units = coder.codebook.areas_frame() if level == "area" else coder.codebook.topics_frame()
    units = units[[key] + (["area_id"] if level == "topic" else []) + ["label_zh", "label_en"]]
    grid = groups.assign(group=range(len(groups))).merge(units, how="cross")
    out = grid.merge(agg, on=["group", key], how="left")
    return _finish(out, sents.groupby("group")["n_chars"].sum(), "group")


def relative_emphasis(profiles: pd.DataFrame) -> pd.DataFrame:
    """How much more (or less) of its text a county gives an area than the other counties do.

    Returns
    -------
    pandas.DataFrame
        Columns: county, area_id, label_zh, label_en, share_pct, others_mean_pct (mean share of the
        other counties), diff_pp (percentage points), ratio (share / others' mean; NaN when 0),
        county_known (when ``profiles`` has it). With a single county others_mean_pct, diff_pp and
        ratio are NaN: there is nothing to compare with.
    """
    extra = ["county_known"] if "county_known" in profiles else []
    out = profiles[["county", "area_id", "label_zh", "label_en", "share_pct"] + extra].copy()
    n = out.groupby("area_id")["county"].transform("count")
    total = out.groupby("area_id")["share_pct"].transform("sum")
    others = ((total - out["share_pct"]) / (n - 1).where(n > 1)).round(1)
    out["others_mean_pct"] = others
    out["diff_pp"] = (out["share_pct"] - others).round(1)
    out["ratio"] = (out["share_pct"] / others.where(others > 0)).round(2)
    cols = ["county", "area_id", "label_zh", "label_en", "share_pct", "others_mean_pct", "diff_pp", "ratio"]
    return out[cols + extra]


def gaps(topic_profiles: pd.DataFrame, *, coder: TopicCoder) -> pd.DataFrame:
    """Topic × county: does any document of the county address the topic?

    Parameters
    ----------
    topic_profiles : pandas.DataFrame
        :func:`county_profiles` at ``level="topic"``.

    Returns
    -------
    pandas.DataFrame
        Columns: county, area_id, topic_id, label_zh, label_en, origin, addressed, share_pct,
        n_segments, county_known (when ``topic_profiles`` has it). Rows with ``addressed == False``
        are what the county leaves out.
    """
    origin = coder.codebook.topics_frame().set_index("topic_id")["origin"]
    out = topic_profiles.copy()
    out["origin"] = out["topic_id"].map(origin)
    out["addressed"] = out["n_segments"] > 0
    extra = ["county_known"] if "county_known" in out else []
    return out[
        ["county", "area_id", "topic_id", "label_zh", "label_en", "origin", "addressed", "share_pct", "n_segments"]
        + extra
    ]


def _heading_pairs(c, named) -> set:
    """(doc_id, id) for every id ``named(heading)`` returns for a body heading of the corpus."""
    body = c.body().segments
    heads = body[body["heading"].fillna("") != ""]
    return {(d, x) for d, h in zip(heads["doc_id"], heads["heading"]) for x in named(h) if x}


def _heading_topic_pairs(c, coder: TopicCoder) -> set:
    """:func:`_heading_pairs` of :meth:`TopicCoder.heading_topics`, with the headings coded in one
    pass per topic (:meth:`TopicCoder.code_texts`) instead of every topic's regex per heading."""
    body = c.body().segments
    heads = body[body["heading"].fillna("") != ""]
    coded = coder.code_texts(heads[["doc_id", "seg_id", "heading"]].rename(columns={"heading": "text"}))
    return set(zip(coded["doc_id"], coded["topic_id"]))


def _grid(c, units: pd.DataFrame) -> pd.DataFrame:
    return c.documents[["doc_id", "county"]].merge(units, how="cross")


def _pct(part: pd.Series, whole: pd.Series) -> pd.Series:
    return (100 * part / whole.where(whole > 0)).fillna(0.0).round(1)
