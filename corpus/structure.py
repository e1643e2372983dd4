"""Split a document's clean text into its own structure, clauses and sentences.

Markers, from the top: part ``一、`` · section ``（一）`` · item ``1.`` / ``1、`` / ``1)`` ·
sub-item ``（1）``; any other line is a paragraph of the unit above it. Lines before and
including the document's title are ``front`` matter (文号, cover notice, signature); short
closing lines (印发 date, 共印 count, 特此报告) are ``back`` matter. Levels are depths in
the tree actually used by the document (冠县's plan puts items straight under parts).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .clean import CleanText
from .patterns import DATE_LINE, DATE_LINE_START, DOC_NUMBER_LINE, TITLE_END
from .responsibility import find_clauses

MARKERS = (
    ("part", re.compile(r"^([一二三四五六七八九十]+)、")),
    ("section", re.compile(r"^[（(]([一二三四五六七八九十]+)[）)]")),
    ("item", re.compile(r"^(\d{1,3})(?:[.．、](?!\d)|[）)])")),
    ("subitem", re.compile(r"^[（(](\d{1,3})[）)]")),
)
RANK = {"part": 1, "section": 2, "item": 3, "subitem": 4}
SENTENCE_END = re.compile(r"[^。！？!?]*(?:[。！？!?]+[”’」』）)]*|$)")
BACK_LINE = re.compile(r"印发$|^[（(]?共印\d+份[）)]?$|特此报告|此页无正文")
NOT_TITLE = re.compile(r"此件公开发布|[:：]$")


@dataclass
class Segment:
    seg_id: str
    parent: str | None
    level: int
    kind: str
    number: str
    heading: str
    pieces: list = field(default_factory=list)  # clean (start, end) ranges of text kept for analysis
    start: int = 0  # clean offsets of the whole unit, clauses included
    end: int = 0
    heading_span: tuple = (0, 0)  # clean offsets of the heading


def line_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Clean ``(start, end)`` of each line of ``text[start:end]``."""
    spans, pos = [], start
    while pos < end:
        nl = text.find("\n", pos, end)
        stop = end if nl < 0 else nl
        if stop > pos:
            spans.append((pos, stop))
        pos = stop + 1
    return spans


def marker_of(line: str):
    """(kind, number, marker length) of a structural marker at the start of ``line``, or None."""
    for kind, pattern in MARKERS:
        m = pattern.match(line)
        if m:
            return kind, m.group(1), m.end()
    return None


def front_end(text: str, lines: list[tuple[int, int]]) -> int:
    """Index of the first body line: the line after the title before the first heading."""
    first = next(
        (i for i, (s, e) in enumerate(lines) if marker_of(text[s:e]) and marker_of(text[s:e])[0] == "part"), None
    )
    if first is None:
        first = next((i for i, (s, e) in enumerate(lines) if marker_of(text[s:e])), None)
    for i in range((first if first is not None else 0) - 1, -1, -1):
        line = text[lines[i][0] : lines[i][1]]
        if "。" not in line and len(line) <= 60 and not _not_title(line):
            return i + 1
    if lines and _title_line(text[lines[0][0] : lines[0][1]]):
        return 1  # no headings at all: a first line that reads as a title is the title
    return 0


def _not_title(line: str) -> bool:
    return bool(DOC_NUMBER_LINE.match(line) or DATE_LINE_START.match(line) or NOT_TITLE.search(line))


def _title_line(line: str) -> bool:
    """A line that reads as a whole title: 4-60 characters, no 。, ending in a title word."""
    return 4 < len(line) <= 64 and "。" not in line and bool(TITLE_END.search(line))


def back_start(text: str, lines: list[tuple[int, int]], body_from: int) -> int:
    """Index of the first back-matter line (len(lines) when there is none)."""
    i = len(lines)
    while i > body_from:
        line = text[lines[i - 1][0] : lines[i - 1][1]]
        short_signature = len(line) <= 20 and "。" not in line and not marker_of(line) and "，" not in line
        if not (BACK_LINE.search(line) or DATE_LINE.match(line) or (short_signature and i < len(lines))):
            break
        i -= 1
    return i


def build_segments(clean: CleanText, start: int, end: int, doc_id: str):
    """Segments, clauses and sentences of the document occupying clean ``[start, end)``.

    Returns ``(segments, clauses)`` where clauses are ``(seg_id, clause_start, clause_end)``
    in clean offsets.
    """
    text = clean.text
    lines = line_spans(text, start, end)
    body_from = front_end(text, lines)
    body_to = back_start(text, lines, body_from)
    segments: list[Segment] = []
    clauses: list[tuple[str, int, int]] = []
    stack: list[Segment] = []
    for index, (ls, le) in enumerate(lines):
        line = text[ls:le]
        region = "front" if index < body_from else "back" if index >= body_to else "body"
        spans = [(ls + a, ls + b) for a, b in find_clauses(line)] if region == "body" else []
        kept = _subtract((ls, le), spans)
        if region == "body" and spans and not "".join(text[a:b] for a, b in kept).strip("。；， "):
            owner = stack[-1] if stack else (segments[-1] if segments else None)
            if owner is not None:  # a clause on a line of its own belongs to the unit above
                owner.end = le
                clauses.extend((owner.seg_id, a, b) for a, b in spans)
                continue
        marker = marker_of(line) if region == "body" else None
        seg_id = f"{doc_id}:{len(segments):04d}"
        if marker:
            kind, number, length = marker
            while stack and RANK[stack[-1].kind] >= RANK[kind]:
                stack.pop()
            kept = _subtract(kept, [(ls, ls + length)])
            heading = _heading(text[ls + length : le])
        else:
            kind, number, heading, length = (region if region != "body" else "paragraph"), "", "", 0
            if region == "back":
                stack = []
        parent = stack[-1] if (stack and region == "body") else None
        level = parent.level + 1 if parent else 1
        seg = Segment(
            seg_id,
            parent.seg_id if parent else None,
            level,
            kind,
            number,
            heading,
            kept,
            ls,
            le,
            (ls + length, ls + length + len(heading)),
        )
        segments.append(seg)
        clauses.extend((seg_id, a, b) for a, b in spans)
        if marker:
            stack.append(seg)
    return segments, clauses


def _heading(rest: str) -> str:
    """The unit's own heading: the whole line if short, else its first sentence."""
    stop = rest.find("。")
    if stop < 0:
        return rest if len(rest) <= 80 else ""
    return rest[:stop] if stop <= 80 else ""


def _subtract(ranges, holes):
    """Remove ``holes`` from a range or list of ranges, dropping empty pieces."""
    pieces = [ranges] if isinstance(ranges, tuple) else list(ranges)
    for h_start, h_end in holes:
        nxt = []
        for s, e in pieces:
            if h_end <= s or h_start >= e:
                nxt.append((s, e))
                continue
            if s < h_start:
                nxt.append((s, h_start))
            if h_end < e:
                nxt.append((h_end, e))
        pieces = nxt
    return [(s, e) for s, e in pieces if e > s]


def sentences_of(text: str, pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Clean spans of sentences in ``pieces``: split at 。！？, never across a piece."""
    out = []
    for s, e in pieces:
        for m in SENTENCE_END.finditer(text, s, e):
            a, b = m.start(), m.end()
            while a < b and text[a] in " ，；、":
                a += 1
            while b > a and text[b - 1] == " ":
                b -= 1
            if b > a and any(ch.isalnum() for ch in text[a:b]):
                out.append((a, b))
    return out
