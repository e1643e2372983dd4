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
    or -1 for a break), ``starts``/``ends`` the unit's source offsets.
    """

    doc_id: str
    codes: np.ndarray
    starts: np.ndarray
    ends: np.ndarray

    @property
    def n_units(self) -> int:
        return int((self.codes != BREAK).sum())

    def text(self, i: int, j: int) -> str:
        """Masked text of units ``[i, j)``."""
        out = []
        for code in self.codes[i:j]:
            out.append(PLACE if code == _PLACE_CODE else NUMBER if code == _NUMBER_CODE else chr(code))
        return "".join(out)


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
    codes: list[int] = []
    starts: list[int] = []
    ends: list[int] = []
    for m in pattern.finditer(source, start, end):
        s = m.start()
        if include is not None and not include[s]:
            if codes and codes[-1] != BREAK:
                codes.append(BREAK)
                starts.append(s)
                ends.append(m.end())
            continue
        kind = m.lastgroup
        codes.append(_PLACE_CODE if kind == "place" else _NUMBER_CODE if kind == "num" else ord(m.group()))
        starts.append(s)
        ends.append(m.end())
    return Stream(
        doc_id, np.asarray(codes, dtype=np.int64), np.asarray(starts, dtype=np.int64), np.asarray(ends, dtype=np.int64)
    )


def shingle_hashes(codes: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Hash every window of ``k`` units; windows containing a break are left out.

    Returns
    -------
    (hashes, positions) : tuple of ndarray
        uint64 polynomial hashes and the window start positions.
    """
    n = len(codes) - k + 1
    if n <= 0:
        return np.empty(0, np.uint64), np.empty(0, np.int64)
    base = np.uint64(1_000_003)
    values = codes.astype(np.uint64)
    h = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(k):
            h = h * base + values[j : j + n]
    broken = np.convolve((codes == BREAK).astype(np.int64), np.ones(k, np.int64), "valid") > 0
    keep = ~broken
    return h[keep], np.nonzero(keep)[0].astype(np.int64)


def corpus_streams(c, *, names: list[str] | None = None) -> list[Stream]:
    """Unit streams of every document of a corpus, restricted to its body tokens.

    A source character is analysed when it lies inside a token of a body segment
    (``c.tokens`` joined to ``c.segments.in_body``); removed responsibility clauses, front
    and back matter and chrome therefore break the stream.
    """
    pattern = mask_pattern(place_names(corpus.counties()) if names is None else names)
    by_doc = dict(tuple(c.body().tokens.groupby("doc_id", sort=False)[["start", "end"]]))
    empty = pd.DataFrame({"start": [], "end": []})
    streams = []
    for doc in c.documents.itertuples(index=False):
        source = c.source_view(doc.doc_id)  # simplified one for one: traditional and simplified copies match
        tok = by_doc.get(doc.doc_id, empty)
        edges = np.zeros(len(source) + 1, dtype=np.int64)
        np.add.at(edges, tok.start.to_numpy(dtype=np.int64), 1)
        np.add.at(edges, tok.end.to_numpy(dtype=np.int64), -1)
        include = np.cumsum(edges[:-1]) > 0
        streams.append(
            char_stream(doc.doc_id, source, pattern, start=int(doc.start), end=int(doc.end), include=include)
        )
    return streams
