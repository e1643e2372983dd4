"""Unit streams for text reuse: the masked characters of each document, with source offsets.

Masking (the documented normalisation): every place name (county, its aliases, prefecture and
province names from ``corpus.counties()``, longest first) becomes one unit ``@``; every Arabic
number and every bracketed Chinese ordinal becomes one unit ``#``; every other Chinese
character is one unit; everything else is ignored. :func:`mask_text` applies exactly this to
any string. Only units inside the document's body tokens are kept; a unit outside them breaks
the stream. Cost: linear in the length of the source texts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

import corpus
from corpus.patterns import HAN_RANGES

PLACE = "@"
NUMBER = "#"
_ORDINAL = r"[（(]\s*[一二三四五六七八九十百零〇两]+\s*[）)]"
_DIGITS = r"[0-9０-９]+(?:[.．][0-9０-９]+)?"
BREAK = -1
_PLACE_CODE = 0x110000
_NUMBER_CODE = 0x110001


def place_names(counties: pd.DataFrame) -> list[str]:
    """Place names to mask, longest first.

    Parameters
    ----------
    counties : DataFrame
        ``corpus.counties()``: columns county, prefecture, province, province_abbr,
        aliases (``|``-separated).

    Returns
    -------
    list of str
        County names and aliases, prefecture and province names with and without their
        suffix (``淮北市`` and ``淮北``), unique, longest first.
    """
    names = set()
    for row in counties.itertuples(index=False):
        names.add(row.county)
        aliases = getattr(row, "aliases", "")
        if isinstance(aliases, str) and aliases:
            names.update(a.strip() for a in aliases.split("|") if a.strip())
        abbreviation = getattr(row, "province_abbr", "")
        if isinstance(abbreviation, str) and abbreviation.strip():
            names.add(abbreviation.strip())  # 皖事通办 is a place-bound name, like 淮北
        for col, suffix in (("prefecture", "市"), ("province", "省")):
            value = getattr(row, col, "")
            if isinstance(value, str) and value:
                names.add(value)
                if value.endswith(suffix) and len(value) > 2:
                    names.add(value[: -len(suffix)])
    return sorted(names, key=lambda n: (-len(n), n))


def mask_pattern(names: list[str]) -> re.Pattern:
    """Compile the unit pattern: place names, numbers, single Chinese characters."""
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    place = f"(?P<place>{alternatives})|" if alternatives else ""
    return re.compile(f"{place}(?P<num>{_ORDINAL}|{_DIGITS})|(?P<cjk>[{HAN_RANGES}])")


def _unit(match: re.Match) -> str:
    if match.lastgroup == "place":
        return PLACE
    if match.lastgroup == "num":
        return NUMBER
    return match.group()


def mask_text(text: str, pattern: re.Pattern) -> str:
    """Return the masked unit string of ``text`` (see the module docstring)."""
    return "".join(_unit(m) for m in pattern.finditer(text))


@dataclass(frozen=True)
class Stream:
    """The masked units of one document and their spans in the source file.

    ``codes`` holds one integer per unit (code point, or a reserved code for ``@``/``#``,
    or -1 for a break), ``starts``/``ends`` the unit's source offsets (all int32).
    """

    doc_id: str
    codes: np.ndarray
    starts: np.ndarray
    ends: np.ndarray

    @property
    def n_units(self) -> int:
        return int((self.codes != BREAK).sum())

    @cached_property
    def masked(self) -> str:
        """The whole stream as one string, one character per unit (a break is ``\\x00``)."""
        points = np.where(self.codes == _PLACE_CODE, ord(PLACE), self.codes)
        points = np.where(points == _NUMBER_CODE, ord(NUMBER), points)
        return np.where(points == BREAK, 0, points).astype("<u4").tobytes().decode("utf-32-le")

    def text(self, i: int, j: int) -> str:
        """Masked text of units ``[i, j)``."""
        return self.masked[i:j]


def special_pattern(pattern: re.Pattern) -> re.Pattern:
    """The place-name and number alternatives of a :func:`mask_pattern` (single characters left out)."""
    return re.compile(pattern.pattern.rsplit("|(?P<cjk>", 1)[0])


def _han_table() -> np.ndarray:
    """Boolean lookup by code point: True for the Chinese characters of ``HAN_RANGES``."""
    table = np.zeros(0x110000, dtype=bool)
    i = 0
    while i < len(HAN_RANGES):
        if i + 2 < len(HAN_RANGES) and HAN_RANGES[i + 1] == "-":
            table[ord(HAN_RANGES[i]) : ord(HAN_RANGES[i + 2]) + 1] = True
            i += 3
        else:
            table[ord(HAN_RANGES[i])] = True
            i += 1
    return table


_HAN = _han_table()


def char_stream(
    doc_id: str,
    source: str,
    pattern: re.Pattern,
    *,
    start: int = 0,
    end: int | None = None,
    include: np.ndarray | None = None,
) -> Stream:
    """Read the unit stream of ``source[start:end]``.

    Vectorised: the code points of the span in one array, Chinese characters by a lookup table;
    only place names and numbers go through the regular expression (few matches), and a single
    character inside one of them is not a unit of its own. The same units as scanning ``pattern``
    from left to right.

    Parameters
    ----------
    doc_id : str
    source : str
        Decoded text of the whole source file.
    pattern : re.Pattern
        From :func:`mask_pattern`.
    start, end : int, keyword-only
        The document's span in ``source``.
    include : ndarray of bool, optional
        Per source character: True where the document's analysed text lies. A unit
        starting outside it is dropped and breaks the stream (consecutive breaks merge).
    """
    end = len(source) if end is None else end
    span = source[start:end]
    points = np.frombuffer(span.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    special = [(m.start(), m.end(), m.lastgroup) for m in special_pattern(pattern).finditer(span)]
    sp_start = np.array([m[0] for m in special], dtype=np.int64)
    sp_end = np.array([m[1] for m in special], dtype=np.int64)
    sp_code = np.array([_PLACE_CODE if m[2] == "place" else _NUMBER_CODE for m in special], dtype=np.int64)
    covered = np.zeros(len(span) + 1, dtype=np.int64)
    np.add.at(covered, sp_start, 1)
    np.add.at(covered, sp_end, -1)
    single = np.flatnonzero(_HAN[points] & (np.cumsum(covered[:-1]) == 0))
    starts = np.concatenate([single, sp_start])
    order = np.argsort(starts, kind="stable")
    starts = starts[order] + start
    ends = np.concatenate([single + 1, sp_end])[order] + start
    codes = np.concatenate([points[single], sp_code])[order]
    if include is not None:
        outside = ~np.asarray(include, dtype=bool)[starts]
        prev_outside = np.concatenate([[True], outside[:-1]])  # a stream never starts with a break
        keep = ~outside | ~prev_outside  # one break for a run of units outside
        codes = np.where(outside, BREAK, codes)[keep]
        starts, ends = starts[keep], ends[keep]
    # 4 bytes a unit each (code points < 2^21, offsets within one file): half the memory of int64
    return Stream(doc_id, codes.astype(np.int32), starts.astype(np.int32), ends.astype(np.int32))


def shingle_hashes(codes: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Hash every window of ``k`` units; windows containing a break are left out.

    Returns
    -------
    (hashes, positions) : tuple of ndarray
        uint64 polynomial hashes and the window start positions.
    """
    n = len(codes) - k + 1
    if n <= 0:
        return np.empty(0, np.uint64), np.empty(0, np.int32)
    base = np.uint64(1_000_003)
    values = codes.astype(np.uint64)
    h = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(k):
            h = h * base + values[j : j + n]
    broken = np.convolve((codes == BREAK).astype(np.int64), np.ones(k, np.int64), "valid") > 0
    keep = ~broken
    return h[keep], np.nonzero(keep)[0].astype(np.int32)


def corpus_streams(c, *, names: list[str] | None = None) -> list[Stream]:
    """Unit streams of every document of a corpus, restricted to its body tokens.

    A source character is analysed when it lies inside a token of a body segment
    (``c.tokens`` joined to ``c.segments.in_body``); removed responsibility clauses, front
    and back matter and chrome therefore break the stream. Matching runs on the source as
    :meth:`corpus.Corpus.source_view` gives it (traditional characters simplified one for one,
    so traditional and simplified copies match); the docvar is read once, not per document.
    """
    pattern = mask_pattern(place_names(corpus.counties()) if names is None else names)
    tok = c.body().tokens
    codes, uniques = pd.factorize(tok["doc_id"], sort=False)  # a categorical's codes: no string column made
    by_doc = np.argsort(codes, kind="stable")
    bounds = np.cumsum(np.bincount(codes, minlength=len(uniques)))[:-1]
    tok_start = np.split(tok["start"].to_numpy(np.int64)[by_doc], bounds)
    tok_end = np.split(tok["end"].to_numpy(np.int64)[by_doc], bounds)
    where = {str(d): i for i, d in enumerate(uniques)}
    docs = c.documents
    streams = []
    for row, doc_id in enumerate(docs["doc_id"].astype(str)):
        source = c.source_view(doc_id)
        i = where.get(doc_id)
        edges = np.zeros(len(source) + 1, dtype=np.int64)
        if i is not None:
            edges += np.bincount(tok_start[i], minlength=len(source) + 1)[: len(source) + 1]
            edges -= np.bincount(tok_end[i], minlength=len(source) + 1)[: len(source) + 1]
        include = np.cumsum(edges[:-1]) > 0
        start, end = int(docs["start"].iat[row]), int(docs["end"].iat[row])
        streams.append(char_stream(doc_id, source, pattern, start=start, end=end, include=include))
    return streams
