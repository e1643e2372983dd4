"""``TopicCoder``: the codebook compiled once into matchers, applied to any number of texts.

Like a fitted scikit-learn estimator, a coder is built once (``TopicCoder.from_file()``) and
then applied: ``__init__`` puts every cue of the codebook into one Aho-Corasick automaton and every
exclusion phrase into another, so a text is read once for all topics (not once per topic and
phrase list), and never rebuilds them per call.

A text is coded to a topic when one of the topic's cue terms occurs in it and the occurrence
does not lie inside one of the topic's exclusion phrases. Longer cues win over shorter ones at
the same position (行政复议 before 复议). Full-width and half-width ASCII are matched alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter
from pathlib import Path

import ahocorasick_rs
import numpy as np
import pandas as pd

from analysis.blocks import row_blocks
from analysis.coverage.codebook import Codebook, normalise
from analysis.coverage.codebook import load as load_codebook

CODED_COLUMNS = ["doc_id", "seg_id", "area_id", "topic_id", "n_hits", "n_hit_chars", "cues"]
CODE_BLOCK_CHARS = 1 << 24  # characters of texts joined and read at once by ``code_texts``


@dataclass(frozen=True)
class _Matcher:
    topic_id: str
    area_id: str
    cues: np.ndarray  # bool per phrase of the coder's cue list: this topic's cues
    exclude: np.ndarray | None  # bool per phrase of the coder's exclusion list, None without exclusions
    written: dict  # normalised cue -> cue as written in the codebook


class _Phrases:
    """A list of phrases found in a text in one pass: every occurrence of every phrase (one
    Aho-Corasick automaton, ``ahocorasick_rs``), from which :meth:`_Found.select` takes what a regular
    expression of any subset of them, longest first (``a|b|…``), finds with ``finditer``."""

    def __init__(self, phrases) -> None:
        self.phrases = sorted(set(phrases))
        self.index = {p: i for i, p in enumerate(self.phrases)}
        self._automaton = ahocorasick_rs.AhoCorasick(self.phrases) if self.phrases else None

    def find(self, text: str) -> _Found:
        found = self._automaton.find_matches_as_indexes(text, overlapping=True) if self._automaton and text else []
        table = np.array(found, dtype=np.int64).reshape(-1, 3)
        order = np.lexsort((table[:, 1] - table[:, 2], table[:, 1]))  # by start, the longest first
        return _Found(*table[order].T)

    def mask(self, phrases) -> np.ndarray:
        out = np.zeros(len(self.phrases), dtype=bool)
        out[[self.index[p] for p in phrases]] = True
        return out


@dataclass(frozen=True)
class _Found:
    """Occurrences of a :class:`_Phrases` list in one text (character offsets), by start, longest first."""

    phrase: np.ndarray
    start: np.ndarray
    end: np.ndarray

    def select(self, members: np.ndarray) -> np.ndarray:
        """Rows of the leftmost-longest matches of the phrases ``members`` marks, not overlapping one
        another: from left to right, the longest at the first position where one starts, then the same
        after its end (the matches of ``finditer`` with those phrases as one alternation, longest first)."""
        rows = np.flatnonzero(members[self.phrase]) if len(self.phrase) else np.zeros(0, dtype=np.int64)
        kept, edge = [], -1
        for row, start, end in zip(rows.tolist(), self.start[rows].tolist(), self.end[rows].tolist()):
            if start >= edge:
                kept.append(row)
                edge = end
        return np.array(kept, dtype=np.int64)


class TopicCoder:
    """Dictionary coder for a :class:`~analysis.coverage.codebook.Codebook`.

    Parameters
    ----------
    codebook : Codebook
        A validated codebook (:func:`analysis.coverage.codebook.load`).

    Attributes
    ----------
    codebook : Codebook
    matchers_ : tuple
        One matcher per topic, in codebook order: its cues and exclusion phrases as masks over the
        coder's two phrase lists (each searched once per text by one automaton).
    """

    def __init__(self, codebook: Codebook) -> None:
        self.codebook = codebook
        self._cues = _Phrases(normalise(c) for t in codebook.topics for c in t.cues)
        self._exclusions = _Phrases(normalise(e) for t in codebook.topics for e in t.exclude)
        self.matchers_ = tuple(
            _Matcher(
                t.id,
                t.area_id,
                self._cues.mask(normalise(c) for c in t.cues),
                self._exclusions.mask(normalise(e) for e in t.exclude) if t.exclude else None,
                {normalise(c): c for c in t.cues},
            )
            for t in codebook.topics
        )
        self._by_topic = {m.topic_id: m for m in self.matchers_}
        self._heading_cues = tuple(
            (area.id, len(cue), normalise(cue)) for area in codebook.areas for cue in area.heading_cues
        )

    @classmethod
    def from_file(cls, path: str | Path | None = None) -> TopicCoder:
        """Load, validate and compile a codebook file (default: the project codebook)."""
        return cls(load_codebook(path))

    def __repr__(self) -> str:
        return f"TopicCoder({len(self.codebook.areas)} areas, {len(self.matchers_)} topics, {self.codebook.source!r})"

    def match(self, text: str, topic_id: str) -> list[tuple[str, int, int]]:
        """Cue occurrences of one topic in ``text``: ``(cue as written, start, end)`` in text order."""
        if topic_id not in self._by_topic:
            raise KeyError(f"topic_id {topic_id!r} not in the codebook")
        return self._hits(self._find(normalise(text)), self._by_topic[topic_id])

    def code_text(self, text: str) -> list[tuple[str, str, list[tuple[str, int, int]]]]:
        """Every topic ``text`` is coded to: ``(area_id, topic_id, hits)`` in codebook order."""
        found = self._find(normalise(text or ""))
        out = []
        for matcher in self.matchers_:
            hits = self._hits(found, matcher)
            if hits:
                out.append((matcher.area_id, matcher.topic_id, hits))
        return out

    def code_texts(self, texts: pd.DataFrame) -> pd.DataFrame:
        """Code a table of texts (columns doc_id, seg_id, text) to topics.

        Returns
        -------
        pandas.DataFrame
            One row per (text, topic) with at least one cue hit. Columns: doc_id, seg_id,
            area_id, topic_id, n_hits, n_hit_chars, cues (tuple of the cues that fired, in text
            order, repeats kept).
        """
        # The texts joined by line breaks (no cue or exclusion phrase spans one), a block of about
        # CODE_BLOCK_CHARS characters at a time, read once for every topic; each hit is given back to
        # its text: exactly what coding each text alone gives, without a call per text and topic.
        # Hits come in text order, so each text's hits of a topic are one run; normalise is per
        # character, so the joined text is normalised once.
        raw = [t if isinstance(t, str) else "" for t in texts["text"].tolist()]
        # each text with its line break: where it starts in the corpus joined
        at = np.concatenate([[0], np.cumsum(np.fromiter(map(len, raw), dtype=np.int64, count=len(raw)) + 1)])
        found = []
        for first, last in row_blocks(at, CODE_BLOCK_CHARS):
            starts = at[first:last] - at[first]
            occurrences = self._find(normalise("\n".join(raw[first:last])))
            for order, matcher in enumerate(self.matchers_):
                hits = self._hits(occurrences, matcher)
                owners = np.searchsorted(starts, [s for _, s, _ in hits], side="right") - 1 + first
                for owner, run in groupby(zip(owners.tolist(), hits), key=itemgetter(0)):
                    found.append((owner, order, [hit for _, hit in run]))
        found.sort(key=itemgetter(0, 1))
        doc_ids, seg_ids = texts["doc_id"].tolist(), texts["seg_id"].tolist()
        rows = []
        for i, order, hits in found:
            m = self.matchers_[order]
            rows.append(
                (
                    doc_ids[i],
                    seg_ids[i],
                    m.area_id,
                    m.topic_id,
                    len(hits),
                    sum(e - s for _, s, e in hits),
                    tuple(h[0] for h in hits),
                )
            )
        return pd.DataFrame(rows, columns=CODED_COLUMNS)

    def _find(self, norm: str) -> tuple[_Found, _Found]:
        """Every cue and every exclusion phrase of the codebook in ``norm``: one pass each, for all topics."""
        return self._cues.find(norm), self._exclusions.find(norm)

    def _hits(self, found: tuple[_Found, _Found], matcher: _Matcher) -> list[tuple[str, int, int]]:
        """A topic's cue matches (written cue, start, end), those inside one of its exclusion phrases
        left out.

        Cue and exclusion matches are each leftmost-longest and non-overlapping
        (:meth:`_Found.select`), so the exclusions' ends grow too, and a hit lies inside one exactly when
        it lies inside the last that starts at or before it — one binary search per hit, not a scan of
        every exclusion (the text is often a whole corpus joined, with thousands of them)."""
        cues, exclusions = found
        rows = cues.select(matcher.cues)
        phrases = self._cues.phrases
        hits = [
            (matcher.written[phrases[p]], s, e)
            for p, s, e in zip(cues.phrase[rows].tolist(), cues.start[rows].tolist(), cues.end[rows].tolist())
        ]
        if matcher.exclude is None or not hits:
            return hits
        spans = exclusions.select(matcher.exclude)
        if not len(spans):
            return hits
        span_start, span_end = exclusions.start[spans], exclusions.end[spans]
        at = np.searchsorted(span_start, cues.start[rows], side="right") - 1
        inside = (at >= 0) & (cues.end[rows] <= span_end[np.maximum(at, 0)])
        return [h for h, out in zip(hits, inside.tolist()) if not out]

    def heading_area(self, heading: str) -> str | None:
        """The id of the area a heading names, or None.

        The area whose heading cue found in ``heading`` is longest wins; when the longest cues
        found belong to two areas the heading is ambiguous and names none.
        """
        if not heading:
            return None
        text = normalise(heading)
        best_len, best = 0, set[str]()
        for area_id, n, cue in self._heading_cues:
            if n >= best_len and cue in text:
                if n > best_len:
                    best_len, best = n, set()
                best.add(area_id)
        return best.pop() if len(best) == 1 else None

    def heading_topics(self, heading: str) -> list[str]:
        """Ids of the topics with a cue in ``heading``."""
        found = self._find(normalise(heading or ""))
        return [m.topic_id for m in self.matchers_ if self._hits(found, m)]
