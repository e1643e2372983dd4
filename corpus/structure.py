"""Split a document's clean text into its own structure, clauses and sentences.

Markers, from the top: part ``一、`` · section ``（一）`` · item ``1.`` / ``1、`` / ``1)`` ·
sub-item ``（1）`` · point ``一是`` (a level below the unit it stands in); any other line is a
paragraph of the unit above it. Lines before and including the document's title are ``front``
matter (文号, cover notice, signature); short closing lines (印发 date, 共印 count, 特此报告) are
``back`` matter. Levels are depths in the tree actually used by the document (冠县's plan puts
items straight under parts).

Inline markers. A scraped page often holds several units on one line (``…成效。 一、…成效
(一)…思想 一是…。 二是…``). A line is split when it shows that its line breaks were lost: a
marker after deleted whitespace, or a part or section marker after a sentence end. In such a
line a marker opens a unit when it follows a sentence end (``。；！？`` or a closed clause
``〕``), deleted whitespace, or the short heading of the unit before it (``一、总体要求（一）指导
思想``), and when its number continues the document's numbering (1 or 一 for a first child, else
one more than the last unit of its kind); ``一是`` needs a sentence end or deleted whitespace
before it (统一是 is a word). A number (``1.5``), a year (``（2022）``) or a date is
never a marker, and a numbered list inside a sentence stays in its sentence. A document that
keeps its line breaks keeps inline enumerations (``。(2)…。(3)…``) in their paragraph.

Page chrome. Lines of page metadata kept by cleaning (``clean.metadata_line``: 信息公开元数据
blocks, ``索引号|…`` rows, 来源/发布时间 lines, the value line after a field name alone, ``|``
rows next to them) are kind ``chrome`` when they fall in the body region, front or back matter
when they fall there; ``NON_BODY_KINDS`` are the kinds outside the body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise

from .clean import CleanText, metadata_label, metadata_line
from .patterns import DATE_LINE, DATE_LINE_START, DOC_NUMBER_LINE, TITLE_END
from .responsibility import find_clauses

MARKERS = (  # matched at the start of a line or, inline, at a position (``pattern.match(text, pos)``)
    ("part", re.compile(r"([一二三四五六七八九十]+)、")),
    ("section", re.compile(r"[（(]([一二三四五六七八九十]+)[）)]")),
    ("item", re.compile(r"(\d{1,3})(?:[.．、](?!\d)|[）)])")),
    ("subitem", re.compile(r"[（(](\d{1,3})[）)]")),
    ("point", re.compile(r"([一二三四五六七八九十]+)是(?![否的])")),
)
RANK = {"part": 1, "section": 2, "item": 3, "subitem": 4, "point": 5}
NON_BODY_KINDS = frozenset({"front", "back", "chrome"})
CN_DIGITS = "一二三四五六七八九十"
INLINE_START = re.compile(r"[一二三四五六七八九十（(\d]")
SENTENCE_STOP = frozenset("。；;！？!?〕】")
CLOSERS = frozenset("”’」』）)")
TITLE_FIELDS = frozenset({"名称", "标题"})  # metadata fields whose value is a document's title
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

    @property
    def in_body(self) -> bool:
        """False for front and back matter and page chrome (``NON_BODY_KINDS``)."""
        return self.kind not in NON_BODY_KINDS


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


def marker_of(line: str, pos: int = 0, endpos: int | None = None):
    """(kind, number, marker length) of a structural marker at the start of ``line`` (or at
    ``pos``), or None."""
    end = len(line) if endpos is None else endpos
    for kind, pattern in MARKERS:
        m = pattern.match(line, pos, end)
        if m:
            return kind, m.group(1), m.end() - pos
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
    chrome = chrome_lines(text, lines)
    tree = _Tree(text, doc_id)
    for index, (ls, le) in enumerate(lines):
        if index < body_from or index >= body_to:
            tree.add_matter("front" if index < body_from else "back", ls, le)
        elif index in chrome:
            tree.add_matter("chrome", ls, le)
        else:
            for us, ue in tree.units(clean, ls, le):
                tree.add_unit(us, ue)
    return tree.segments, tree.clauses


def chrome_lines(text: str, lines: list[tuple[int, int]]) -> set[int]:
    """Indices of the lines of page metadata: ``clean.metadata_line``, the value line after a
    field name alone (``发布机构：`` / ``中卫市人民政府办公室``; a line that reads as a document
    title only after ``名称`` or ``标题``), ``|`` rows next to them."""
    out: set[int] = set()
    label = ""
    for i, (s, e) in enumerate(lines):
        line = text[s:e]
        value = bool(label) and "。" not in line and len(line) <= 80 and not marker_of(line)
        if value and TITLE_END.search(line) and label not in TITLE_FIELDS:
            value = False  # 主题词： left empty, then the title
        if metadata_line(line) or value or ("|" in line and i - 1 in out):
            out.add(i)
            label = metadata_label(line)
        else:
            label = ""
    return out


class _Tree:
    """The segments of one document as they are built, line by line and unit by unit."""

    def __init__(self, text: str, doc_id: str) -> None:
        self.text, self.doc_id = text, doc_id
        self.segments: list[Segment] = []
        self.clauses: list[tuple[str, int, int]] = []
        self.stack: list[Segment] = []  # the open units, outermost first
        self.last: dict[str, int] = {}  # number of the last unit of each kind

    def _new(self, kind, parent, number="", heading="", pieces=(), start=0, end=0, heading_start=0) -> Segment:
        seg_id = f"{self.doc_id}:{len(self.segments):04d}"
        level = parent.level + 1 if parent else 1
        span = (heading_start, heading_start + len(heading))
        seg = Segment(
            seg_id, parent.seg_id if parent else None, level, kind, number, heading, list(pieces), start, end, span
        )
        self.segments.append(seg)
        return seg

    def add_matter(self, kind: str, ls: int, le: int) -> None:
        """A line of front or back matter or of page chrome: outside the tree of units."""
        self._new(kind, None, pieces=[(ls, le)], start=ls, end=le, heading_start=ls)
        if kind == "back":
            self.stack = []

    def units(self, clean: CleanText, ls: int, le: int) -> list[tuple[int, int]]:
        """Clean spans of the units of body line ``[ls, le)`` (one unless markers stand inline)."""
        chain = [(s.kind, _value(s.number)) for s in self.stack]
        bounds = [ls, *_inline_cuts(clean, ls, le, chain, dict(self.last)), le]
        return list(pairwise(bounds))

    def add_unit(self, us: int, ue: int) -> None:
        """One unit of body text: a marked unit, a paragraph, or a responsibility clause."""
        text = self.text
        unit = text[us:ue]
        spans = [(us + a, us + b) for a, b in find_clauses(unit)]
        kept = _subtract((us, ue), spans)
        if spans and not "".join(text[a:b] for a, b in kept).strip("。；， "):
            owner = self.stack[-1] if self.stack else (self.segments[-1] if self.segments else None)
            if owner is not None:  # a clause on a line of its own belongs to the unit above
                owner.end = ue
                self.clauses.extend((owner.seg_id, a, b) for a, b in spans)
                return
        marker = marker_of(unit)
        if marker:
            kind, number, length = marker
            while self.stack and RANK[self.stack[-1].kind] >= RANK[kind]:
                self.stack.pop()
            kept = _subtract(kept, [(us, us + length)])
            heading = _heading(text[us + length : ue])
        else:
            kind, number, heading, length = "paragraph", "", "", 0
        parent = self.stack[-1] if self.stack else None
        seg = self._new(kind, parent, number, heading, kept, us, ue, us + length)
        self.clauses.extend((seg.seg_id, a, b) for a, b in spans)
        if marker:
            self.stack.append(seg)
            self.last[kind] = _value(number)


def _value(number: str) -> int:
    """The value of a marker number: ``12`` → 12, ``十二`` → 12, ``二十`` → 20."""
    if number.isdigit():
        return int(number)
    if "十" not in number:
        return CN_DIGITS.index(number) + 1 if len(number) == 1 and number in CN_DIGITS else 0
    tens, _, units = number.partition("十")
    return (CN_DIGITS.index(tens) + 1 if tens else 1) * 10 + (CN_DIGITS.index(units) + 1 if units else 0)


def _inline_cuts(clean: CleanText, ls: int, le: int, chain: list, last: dict) -> list[int]:
    """Clean offsets inside body line ``[ls, le)`` where an inline marker opens a unit.

    ``chain`` holds (kind, value) of the open units before the line, ``last`` the value of
    the last unit of each kind; both are updated as the line's own units open.
    """
    text, src = clean.text, clean.src
    found = []
    for m in INLINE_START.finditer(text, ls + 1, le):
        p = m.start()
        if text[p - 1].isdigit() or text[p - 1] in CN_DIGITS or text[p - 1] in ".．":
            continue  # inside a number
        marker = marker_of(text, p, le)
        if marker and p + marker[2] < le and not text[p + marker[2]].isdigit():
            stop = text[p - 1] in SENTENCE_STOP or (
                text[p - 1] in CLOSERS and p - 2 >= ls and text[p - 2] in SENTENCE_STOP
            )
            boundary = "gap" if src[p] - src[p - 1] > 1 else "end" if stop else ""
            found.append((p, *marker, boundary))
    if not any(b == "gap" or (b == "end" and RANK[kind] <= 2) for _, kind, _, _, b in found):
        return []  # the line keeps its line breaks: inline enumerations stay in the paragraph
    first = marker_of(text, ls, le)
    body = ls
    if first:
        _open(chain, last, first[0], _value(first[1]))
        body = ls + first[2]
    cuts: list[int] = []
    for p, kind, number, length, boundary in found:
        value = _value(number)
        # after a short heading, not for 一是 (统一是, 之一是 are words)
        after_heading = kind != "point" and body > (cuts[-1] if cuts else ls) and _heading_like(text[body:p])
        if p < body or not (boundary or (after_heading and value == 1)):
            continue
        if value == 1 and chain and RANK[kind] <= RANK[chain[-1][0]]:
            continue  # a 1 opens a first child, never a sibling
        if value != 1 and last.get(kind) != value - 1:
            continue
        cuts.append(p)
        _open(chain, last, kind, value)
        body = p + length
    return cuts


def _open(chain: list, last: dict, kind: str, value: int) -> None:
    while chain and RANK[chain[-1][0]] >= RANK[kind]:
        chain.pop()
    chain.append((kind, value))
    last[kind] = value


def _heading_like(text: str) -> bool:
    """A short heading without a sentence end: what a marker follows in run-on text."""
    return 2 <= len(text) <= 60 and not any(ch in "。；;！？!?：:" for ch in text)


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
