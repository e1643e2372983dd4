"""Keyword in context: the sentences behind every cell of the coverage table.

``kwic(c, "行政复议")`` lists each occurrence of a cue term; ``kwic(c, "disputes.litigation")``
each occurrence of any cue of a topic (exclusions applied, exactly as the coding does);
``kwic(c, "disputes")`` every topic of an area. Each row carries the sentence's source offsets
and its verbatim source text, ``c.source_text(doc_id)[start:end] == text``, so a quote can always
be found again; the cue itself is located in the verbatim text too (``match_start``/``match_end``;
-1 when the source spells it too differently, e.g. split by a page break).

Cost: one regular-expression pass over the body sentences per query; linear in corpus size.
"""

from __future__ import annotations

import re

import pandas as pd

from analysis.coverage.codebook import normalise
from analysis.coverage.coder import TopicCoder
from analysis.coverage.coding import body_sentences, default_coder

COLUMNS = [
    "doc_id",
    "seg_id",
    "sent_id",
    "topic_id",
    "cue",
    "start",
    "end",
    "text",
    "match_start",
    "match_end",
    "left",
    "keyword",
    "right",
]
# Clean text uses full-width punctuation; a source may use either form.
_VARIANTS = {"，": ",", "：": ":", "；": ";", "（": "(", "）": ")", "“": '"', "”": '"', "！": "!", "？": "?"}


def kwic(c, query: str, *, coder: TopicCoder | None = None, doc_id: str | None = None, width: int = 15) -> pd.DataFrame:
    """Occurrences of a cue term, a topic's cues or an area's cues in the body sentences of ``c``.

    Parameters
    ----------
    c : corpus.Corpus
        The loaded corpus (``corpus.load()``).
    query : str
        A topic id or area id of the codebook, or else a literal cue term.
    coder : TopicCoder, optional
        Default: the project codebook, compiled.
    doc_id : str, optional
        Restrict to one document.
    width : int
        Characters of context on each side in ``left``/``right``.

    Returns
    -------
    pandas.DataFrame
        One row per occurrence. Columns: doc_id, seg_id, sent_id, topic_id ('' for a literal term),
        cue, start, end (source offsets of the sentence), text (verbatim source sentence),
        match_start, match_end (source offsets of the cue, -1 if not located), left, keyword, right.
    """
    coder = coder or default_coder()
    return kwic_in(c, _with_offsets(c if doc_id is None else c.subset([doc_id])), query, coder=coder, width=width)


def sentences_by_doc(c) -> dict:
    """doc_id -> its body sentences with source offsets (doc_id, seg_id, sent_id, text, n_chars,
    start, end): built once, so many :func:`kwic_in` lookups, one per document, stay linear."""
    sents = _with_offsets(c)
    return {str(k): g for k, g in sents.groupby(sents["doc_id"].astype(str), sort=False)}


def _with_offsets(c) -> pd.DataFrame:
    """:func:`body_sentences` with their source offsets, from the body's own sentence table (not the
    whole corpus's, which a report's section worker would otherwise make just for these columns)."""
    out = body_sentences(c)
    out[["start", "end"]] = c.body().sentences[["start", "end"]].to_numpy()
    return out


def kwic_in(c, sents: pd.DataFrame, query: str, *, coder: TopicCoder, width: int = 15) -> pd.DataFrame:
    """:func:`kwic` over given body sentences (columns of :func:`sentences_by_doc`), e.g. one
    document's, without rescanning the corpus."""
    finder = _finder(query, coder)
    rows = []
    for s in sents.itertuples(index=False):
        hits = finder(s.text)
        if not hits:
            continue
        source = c.source_text(s.doc_id)
        verbatim = source[s.start : s.end]
        matched = c.source_view(s.doc_id)[s.start : s.end]  # simplified one for one, same offsets
        cursor = 0
        for topic_id, cue, _, _ in hits:
            m = _cue_regex(cue).search(matched, cursor)
            m_start = s.start + m.start() if m else -1
            m_end = s.start + m.end() if m else -1
            if m:
                cursor = m.end()
            rows.append(
                {
                    "doc_id": s.doc_id,
                    "seg_id": s.seg_id,
                    "sent_id": s.sent_id,
                    "topic_id": topic_id,
                    "cue": cue,
                    "start": s.start,
                    "end": s.end,
                    "text": verbatim,
                    "match_start": m_start,
                    "match_end": m_end,
                    "left": source[max(s.start, m_start - width) : m_start] if m else "",
                    "keyword": source[m_start:m_end] if m else "",
                    "right": source[m_end : min(s.end, m_end + width)] if m else "",
                }
            )
    return pd.DataFrame(rows, columns=COLUMNS)


def _finder(query: str, coder: TopicCoder):
    """Function text -> [(topic_id, cue, start, end)] in text order, for the query."""
    codebook = coder.codebook
    topic_ids = [t.id for t in codebook.topics]
    area_ids = [a.id for a in codebook.areas]
    if query in topic_ids:
        ids = [query]
    elif query in area_ids:
        ids = [t.id for t in codebook.area(query).topics]
    else:
        if not query.strip():
            raise ValueError("query must be a cue term, a topic id or an area id; got an empty string")
        pattern = re.compile(re.escape(normalise(query)))
        return lambda text: [("", query, m.start(), m.end()) for m in pattern.finditer(normalise(text))]

    def find(text: str) -> list:
        hits = [(tid, cue, s, e) for tid in ids for cue, s, e in coder.match(text, tid)]
        return sorted(hits, key=lambda h: (h[2], h[3]))

    return find


def _cue_regex(cue: str) -> re.Pattern:
    """Regex for a cue in verbatim source: whitespace/line breaks allowed between characters, and
    full-width punctuation matched by its half-width form too."""
    parts = []
    for ch in cue:
        forms = {ch, normalise(ch)}
        if ch in _VARIANTS:
            forms.add(_VARIANTS[ch])
        if "!" <= ch <= "~":
            forms.add(chr(ord(ch) + 0xFEE0))
        parts.append("[" + "".join(re.escape(f) for f in sorted(forms)) + "]")
    return re.compile(r"\s*".join(parts))
