"""Unit streams for text reuse: the masked characters of each document, with source offsets.

Masking (the documented normalisation): every place name (county, its aliases, prefecture and
province names from ``corpus.counties()``, and the places the corpus's documents are of; at each
position the longest) becomes one unit ``@``; every Arabic
number and every bracketed Chinese ordinal becomes one unit ``#``; every other Chinese
character is one unit; everything else is ignored. :func:`mask_text` applies exactly this to
any string. Only units inside the document's body tokens are kept; a unit outside them breaks
the stream. Cost: linear in the length of the source texts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

import ahocorasick_rs
import numpy as np
import pandas as pd

import corpus
from analysis.groups import present
from corpus.patterns import HAN_RANGES

PLACE = "@"
NUMBER = "#"
_NUMERALS = "一二三四五六七八九十百零〇两"
_DIGIT_CHARS = "0123456789０１２３４５６７８９"
_OPENING = "（("
_ORDINAL = rf"[{_OPENING}]\s*[{_NUMERALS}]+\s*[）)]"
_DIGITS = rf"[{_DIGIT_CHARS}]+(?:[.．][{_DIGIT_CHARS}]+)?"
NUMBERS = re.compile(f"{_ORDINAL}|{_DIGITS}")  # an Arabic number or a bracketed Chinese ordinal: one unit
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


def corpus_places(c) -> list[str]:
    """Places the corpus states for its documents (its ``place`` docvar, when it has one), with
    and without their suffix (静海区 and 静海)."""
    if "place" not in c.documents.columns:
        return []
    names = set()
    for value in c.documents["place"]:
        if present(value):
            name = str(value).strip()
            names.add(name)
            if len(name) > 2 and name[-1] in "省市县区旗":
                names.add(name[:-1])
    return sorted(names, key=lambda n: (-len(n), n))


def mask_names(c) -> list[str]:
    """The place names a corpus is masked with: the gazetteer's (:func:`place_names` of
    ``corpus.counties()``) and the corpus's own places (:func:`corpus_places`), longest first."""
    return sorted(set(place_names(corpus.counties())) | set(corpus_places(c)), key=lambda n: (-len(n), n))


class Masker:
    """Finds the place names and numbers of the masking (see the module docstring), compiled once.

    Place names are found by an Aho-Corasick automaton (``ahocorasick_rs``) with leftmost-longest
    matches: at the leftmost position where a name starts, the longest name there — what a regular
    expression alternating the names longest first finds — at a cost that does not grow with the
    number of names (a regular expression tries the names one by one at every character: the
    6,000 names of a national corpus made it 85 times slower). Numbers are matched by
    :data:`NUMBERS` only where a run of digits or an opening bracket starts. A name is masked only if
    it is all Chinese characters and not all Chinese numerals, so no name overlaps a number (digits,
    ``（十七）``) and the two lists merged are the matches of one left-to-right scan.
    """

    def __init__(self, names: list[str] | tuple[str, ...]):
        usable = {n for n in names if n and _HAN[_points(n)].all() and not set(n) <= set(_NUMERALS)}
        self.names = tuple(sorted(usable, key=lambda n: (-len(n), n)))
        kind = ahocorasick_rs.MatchKind.LeftmostLongest
        self._automaton = ahocorasick_rs.AhoCorasick(list(self.names), matchkind=kind) if self.names else None

    def specials(self, text: str, points: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(start, end, code) of every place name and number of ``text`` (code points ``points``), by start."""
        found = self._automaton.find_matches_as_indexes(text) if self._automaton is not None else []
        places = np.array(found, dtype=np.int64).reshape(-1, 3)
        kind = _NUMBER_START[points]
        digit = kind == 1
        first = digit.copy()
        first[1:] &= ~digit[:-1]
        numbers, end = [], 0
        for at in np.flatnonzero(first | (kind == 2)).tolist():
            if at >= end and (match := NUMBERS.match(text, at)):
                numbers.append((at, match.end()))
                end = match.end()
        spans = np.array(numbers, dtype=np.int64).reshape(-1, 2)
        starts = np.concatenate([places[:, 1], spans[:, 0]])
        order = np.argsort(starts, kind="stable")
        ends = np.concatenate([places[:, 2], spans[:, 1]])[order]
        codes = np.concatenate([np.full(len(places), _PLACE_CODE), np.full(len(spans), _NUMBER_CODE)])[order]
        return starts[order], ends, codes


def _points(text: str) -> np.ndarray:
    """The code points of ``text`` (one per Python character)."""
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)


def mask_text(text: str, masker: Masker) -> str:
    """Return the masked unit string of ``text`` (see the module docstring)."""
    return char_stream("", text, masker).masked


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
_NUMBER_START = np.zeros(0x110000, dtype=np.int8)  # 1: a digit, 2: an opening bracket (where a number may start)
_NUMBER_START[[ord(ch) for ch in _DIGIT_CHARS]] = 1
_NUMBER_START[[ord(ch) for ch in _OPENING]] = 2


def char_stream(
    doc_id: str,
    source: str,
    masker: Masker,
    *,
    start: int = 0,
    end: int | None = None,
    include: np.ndarray | None = None,
) -> Stream:
    """Read the unit stream of ``source[start:end]``.

    Vectorised: the code points of the span in one array, Chinese characters by a lookup table;
    place names and numbers are found by ``masker`` (few matches), and a single character inside
    one of them is not a unit of its own. The same units as scanning the text from left to right.

    Parameters
    ----------
    doc_id : str
    source : str
        Decoded text of the whole source file.
    masker : Masker
        The place names and numbers to mask.
    start, end : int, keyword-only
        The document's span in ``source``.
    include : ndarray of bool, optional
        Per source character: True where the document's analysed text lies. A unit
        starting outside it is dropped and breaks the stream (consecutive breaks merge).
    """
    end = len(source) if end is None else end
    span = source[start:end]
    points = _points(span).astype(np.int64)
    sp_start, sp_end, sp_code = masker.specials(span, points)
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


def _rows_by_document(tok: pd.DataFrame) -> tuple[dict, np.ndarray, np.ndarray]:
    """Each document's rows of a token table as (first, end) row numbers, and the tokens' start
    and end offsets in that order: the table's own arrays when its rows are grouped by document (as
    the corpus makes them: no copy), else reordered by a stable sort."""
    doc, starts, ends = tok["doc_id"], tok["start"].to_numpy(), tok["end"].to_numpy()
    if isinstance(doc.dtype, pd.CategoricalDtype):  # a categorical's codes: no string column made
        codes, names = doc.cat.codes.to_numpy(), doc.cat.categories
    else:
        codes, names = pd.factorize(doc, sort=False)
    first = np.flatnonzero(np.concatenate([[True], codes[1:] != codes[:-1]])) if len(codes) else np.empty(0, int)
    if len(np.unique(codes[first])) < len(first):  # a document's rows apart: put them together
        order = np.argsort(codes, kind="stable")
        codes, starts, ends = codes[order], starts[order], ends[order]
        first = np.flatnonzero(np.concatenate([[True], codes[1:] != codes[:-1]]))
    last = np.append(first[1:], len(codes))
    runs = zip(codes[first].tolist(), first.tolist(), last.tolist())
    return {str(names[code]): (lo, hi) for code, lo, hi in runs if code >= 0}, starts, ends


def corpus_streams(c, *, masker: Masker | None = None) -> list[Stream]:
    """Unit streams of every document of a corpus, restricted to its body tokens.

    A source character is analysed when it lies inside a token of a body segment
    (``c.tokens`` joined to ``c.segments.in_body``); removed responsibility clauses, front
    and back matter and chrome therefore break the stream. Matching runs on the source as
    :meth:`corpus.Corpus.source_view` gives it (traditional characters simplified one for one,
    so traditional and simplified copies match); the docvar is read once, not per document.
    ``masker`` defaults to the corpus's place names (:func:`mask_names`).
    """
    masker = Masker(mask_names(c)) if masker is None else masker
    rows_of, tok_start, tok_end = _rows_by_document(c.body().tokens)
    docs = c.documents
    streams = []
    for row, doc_id in enumerate(docs["doc_id"].astype(str)):
        source = c.source_view(doc_id)
        lo, hi = rows_of.get(doc_id, (0, 0))
        edges = np.bincount(tok_start[lo:hi], minlength=len(source) + 1)[: len(source) + 1]
        edges -= np.bincount(tok_end[lo:hi], minlength=len(source) + 1)[: len(source) + 1]
        include = np.cumsum(edges[:-1]) > 0
        start, end = int(docs["start"].iat[row]), int(docs["end"].iat[row])
        streams.append(char_stream(doc_id, source, masker, start=start, end=end, include=include))
    return streams
