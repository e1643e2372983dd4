"""``TopicCoder``: the codebook compiled once into matchers, applied to any number of texts.

Like a fitted scikit-learn estimator, a coder is built once (``TopicCoder.from_file()``) and
then applied; the cue regexes are compiled in ``__init__`` and never rebuilt per call.

A text is coded to a topic when one of the topic's cue terms occurs in it and the occurrence
does not lie inside one of the topic's exclusion phrases. Longer cues win over shorter ones at
the same position (行政复议 before 复议). Full-width and half-width ASCII are matched alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.coverage.codebook import Codebook, normalise
from analysis.coverage.codebook import load as load_codebook

CODED_COLUMNS = ["doc_id", "seg_id", "area_id", "topic_id", "n_hits", "n_hit_chars", "cues"]


@dataclass(frozen=True)
class _Matcher:
    topic_id: str
    area_id: str
    cues: re.Pattern
    exclude: re.Pattern | None
    written: dict  # normalised cue -> cue as written in the codebook


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
        One compiled matcher per topic, in codebook order.
    """

    def __init__(self, codebook: Codebook) -> None:
        self.codebook = codebook
        self.matchers_ = tuple(_compile(t.id, t.area_id, t.cues, t.exclude) for t in codebook.topics)
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
        return _hits(normalise(text), self._by_topic[topic_id])

    def code_text(self, text: str) -> list[tuple[str, str, list[tuple[str, int, int]]]]:
        """Every topic ``text`` is coded to: ``(area_id, topic_id, hits)`` in codebook order."""
        norm = normalise(text or "")
        out = []
        for matcher in self.matchers_:
            hits = _hits(norm, matcher)
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
        # One pass per topic over all texts joined by line breaks (no cue or exclusion phrase
        # spans a line break), then each hit is given back to its text: exactly what coding
        # each text alone gives, without a regex call per text and topic. Hits come in text order,
        # so each text's hits of a topic are one run; normalise is per character, so the joined
        # text is normalised once.
        raw = [t if isinstance(t, str) else "" for t in texts["text"].tolist()]
        lengths = np.fromiter(map(len, raw), dtype=np.int64, count=len(raw))
        starts = np.concatenate([[0], np.cumsum(lengths[:-1] + 1)]) if len(raw) else np.zeros(0, dtype=int)
        joined = normalise("\n".join(raw))
        found = []
        for order, matcher in enumerate(self.matchers_):
            hits = _hits(joined, matcher)
            owners = np.searchsorted(starts, [s for _, s, _ in hits], side="right") - 1
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
        norm = normalise(heading or "")
        return [m.topic_id for m in self.matchers_ if _hits(norm, m)]


def _alternation(phrases) -> str:
    return "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))


def _compile(topic_id: str, area_id: str, cues: tuple, exclude: tuple) -> _Matcher:
    written = {normalise(c): c for c in cues}
    excl = re.compile(_alternation(normalise(e) for e in exclude)) if exclude else None
    return _Matcher(topic_id, area_id, re.compile(_alternation(written)), excl, written)


def _hits(norm: str, matcher: _Matcher) -> list[tuple[str, int, int]]:
    """Cue matches (written cue, start, end) in ``norm``, those inside an exclusion phrase left out.

    Exclusion matches come from one ``finditer``: non-overlapping and in order, so their ends grow
    too, and a hit lies inside one exactly when it lies inside the last that starts at or before
    it — one binary search per hit, not a scan of every exclusion (``norm`` is often a whole
    corpus joined, with thousands of them)."""
    hits = [(matcher.written[m.group(0)], m.start(), m.end()) for m in matcher.cues.finditer(norm)]
    if matcher.exclude is not None and hits:
        spans = np.array([m.span() for m in matcher.exclude.finditer(norm)], dtype=np.int64).reshape(-1, 2)
        at = np.searchsorted(spans[:, 0], [h[1] for h in hits], side="right") - 1
        ends = np.array([h[2] for h in hits], dtype=np.int64)
        inside = (at >= 0) & (ends <= spans[np.maximum(at, 0), 1]) if len(spans) else np.zeros(len(hits), bool)
        hits = [h for h, out in zip(hits, inside.tolist()) if not out]
    return hits
