"""Clean source text while keeping an exact map back to the source.

Every character of the clean text comes from one character of the source text, so
``CleanText.src[i]`` is the source offset of clean character ``i`` and any clean span maps
to a source span. Cleaning only *deletes* characters or *substitutes* one character for one
character; the documented normalisations (``normalises_to``) are:

- deleted: web-page chrome lines (``当前位置``, ``扫一扫在手机打开当前页面``…), page numbers
  (``- 30 -``), ``[bookmark: …]``, markdown markup (``**``, ``__``, leading ``#``), HTML tags,
  scripts and comments, carriage returns, whitespace next to Chinese text, leading and
  trailing whitespace, blank lines, line breaks inside a sentence broken by PDF conversion
  (``政\\n\\n治责任`` → ``政治责任``);
- substituted: half-width punctuation ``, ; : ( ) ? !`` next to Chinese text → full-width
  (``，；：（）？！``); full-width digits and Latin letters → ASCII; no-break, ideographic
  and tab spaces → a plain space; an HTML entity → its character (mapped to its ``&``);
  an HTML block tag → a line break (mapped to its ``<``); paragraph breaks are the source's
  own newline characters.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import numpy as np

from .patterns import CHROME_LINE, DATE_LINE_START, DOC_NUMBER_LINE, TITLE_END, is_cjk

HALF_TO_FULL = {",": "，", ";": "；", ":": "：", "(": "（", ")": "）", "?": "？", "!": "！"}
SPACES = "\u00a0\u3000\t\u2002\u2003\u2009\u200b\ufeff"
PAGE_NUMBER = re.compile(r"^\s*[-—–－]\s*\d{1,4}\s*[-—–－]\s*$|^\s*第\s*\d{1,4}\s*页(\s*共\s*\d+\s*页)?\s*$")
BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*")
MD_EMPHASIS = re.compile(r"\*\*|__")
TERMINAL = set("。！？；：!?;:〕]）)")
CLAUSE_OPENER = re.compile(r"[〔\[（(]\s*(牵头|责任单位|协同)")
MARKER = re.compile(
    r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d{1,3}[.．、](?!\d)|\d{1,3}[）)]|[（(]\d{1,3}[）)])"
)
HTML_DROP = re.compile(r"<(script|style)\b.*?</\1\s*>|<!--.*?-->", re.S | re.I)
HTML_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*>|&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);", re.S)
HTML_BLOCK = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section", "article", "td"}


def normalise_char(ch: str) -> str:
    """The character-level substitutions of cleaning, context-free (for comparisons)."""
    return HALF_TO_FULL.get(ch) or _substitute(ch)


def normalises_to(src_char: str, clean_char: str) -> bool:
    """True when ``clean_char`` is ``src_char`` after one of the documented substitutions."""
    if src_char == clean_char:
        return True
    if HALF_TO_FULL.get(src_char) == clean_char:
        return True
    if src_char in SPACES and clean_char == " ":
        return True
    if 0xFF01 <= ord(src_char) <= 0xFF5E and chr(ord(src_char) - 0xFEE0) == clean_char:
        return True
    return (src_char == "&" and clean_char != "&") or (src_char == "<" and clean_char == "\n")


@dataclass(frozen=True)
class CleanText:
    """Clean text and, for each clean character, its offset in the source text."""

    text: str
    src: np.ndarray  # int64, len(text)

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Source offsets ``[s, e)`` covering clean characters ``[start, end)``."""
        if end <= start:
            pos = int(self.src[start]) if start < len(self.src) else int(self.src[-1]) + 1
            return pos, pos
        return int(self.src[start]), int(self.src[end - 1]) + 1


def clean(source: str, *, fmt: str = "text") -> CleanText:
    """Clean ``source`` (decoded file text); ``fmt='html'`` strips markup first."""
    chars, pos = _strip_html(source) if fmt == "html" else (list(source), list(range(len(source))))
    lines = _split_lines(chars, pos)
    kept = []
    for line_chars, line_pos, newline_pos in lines:
        line = _clean_line(line_chars, line_pos)
        if line is not None:
            kept.append((*line, newline_pos))
    out_chars: list[str] = []
    out_pos: list[int] = []
    for i, (chars_i, pos_i, was_heading, _) in enumerate(kept):
        if i > 0:
            prev_text = "".join(kept[i - 1][0])
            if not _joins(prev_text, "".join(chars_i), kept[i - 1][2], was_heading):
                out_chars.append("\n")
                out_pos.append(kept[i - 1][3])
        out_chars.extend(chars_i)
        out_pos.extend(pos_i)
    return CleanText("".join(out_chars), np.asarray(out_pos, dtype=np.int64))


def _strip_html(source: str) -> tuple[list[str], list[int]]:
    dropped = np.zeros(len(source), dtype=bool)
    for m in HTML_DROP.finditer(source):
        dropped[m.start() : m.end()] = True
    chars, pos = [], []
    last = 0
    for m in HTML_TAG.finditer(source):
        for i in range(last, m.start()):
            if not dropped[i]:
                chars.append(source[i])
                pos.append(i)
        last = m.end()
        if dropped[m.start()]:
            continue
        if m.group(3):  # entity
            value = html.unescape(m.group(0))
            chars.append(" " if value in SPACES else value[:1])
            pos.append(m.start())
        elif m.group(2).lower() in HTML_BLOCK:
            chars.append("\n")
            pos.append(m.start())
    for i in range(last, len(source)):
        if not dropped[i]:
            chars.append(source[i])
            pos.append(i)
    return chars, pos


def _split_lines(chars: list[str], pos: list[int]):
    """Yield (chars, positions, position of the terminating newline) per line."""
    lines, start = [], 0
    for i, ch in enumerate(chars):
        if ch == "\n":
            lines.append((chars[start:i], pos[start:i], pos[i]))
            start = i + 1
    end_pos = pos[-1] + 1 if pos else 0
    lines.append((chars[start:], pos[start:], end_pos))
    return lines


def _clean_line(chars: list[str], pos: list[int]):
    """Clean one line; None when nothing is left. Returns (chars, pos, was_markdown_heading)."""
    text = "".join(chars)
    if CHROME_LINE.search(text) or PAGE_NUMBER.match(text):
        return None
    keep = [ch != "\r" for ch in chars]
    was_heading = False
    m = MD_HEADING.match(text)
    if m and text[m.end() : m.end() + 1] != "#" and "#" in text[: m.end()]:
        was_heading = True
        for i in range(m.start(), m.end()):
            keep[i] = False
    for pattern in (BOOKMARK, MD_EMPHASIS):
        for m in pattern.finditer(text):
            for i in range(m.start(), m.end()):
                keep[i] = False
    chars = [_substitute(ch) for ch, k in zip(chars, keep) if k]
    pos = [p for p, k in zip(pos, keep) if k]
    chars = _full_width_punctuation(chars)
    chars, pos = _drop_spaces(chars, pos)
    if not chars:
        return None
    return chars, pos, was_heading


def _substitute(ch: str) -> str:
    if ch in SPACES:
        return " "
    if 0xFF10 <= ord(ch) <= 0xFF19 or 0xFF21 <= ord(ch) <= 0xFF3A or 0xFF41 <= ord(ch) <= 0xFF5A:
        return chr(ord(ch) - 0xFEE0)
    return ch


def _full_width_punctuation(chars: list[str]) -> list[str]:
    out = list(chars)
    for i, ch in enumerate(chars):
        if ch not in HALF_TO_FULL:
            continue
        prev = next((c for c in reversed(chars[:i]) if c != " "), "")
        nxt = next((c for c in chars[i + 1 :] if c != " "), "")
        if (prev and is_cjk(prev) and not prev.isdigit()) or (nxt and is_cjk(nxt)):
            if ch == ":" and prev.isdigit() and nxt.isdigit():
                continue
            out[i] = HALF_TO_FULL[ch]
    return _convert_bracket_pairs(chars, out)


def _convert_bracket_pairs(chars: list[str], out: list[str]) -> list[str]:
    """Give both brackets of a ``( )`` pair the same width when one of them was converted."""
    stack = []
    for i, ch in enumerate(chars):
        if ch == "(":
            stack.append(i)
        elif ch == ")" and stack:
            j = stack.pop()
            if (out[i] == "）") != (out[j] == "（"):
                out[i], out[j] = "）", "（"
    return out


def _drop_spaces(chars: list[str], pos: list[int]):
    """Delete spaces next to Chinese text, collapse runs, strip the ends."""
    keep_c: list[str] = []
    keep_p: list[int] = []
    for i, ch in enumerate(chars):
        if ch == " ":
            prev = keep_c[-1] if keep_c else ""
            nxt = next((c for c in chars[i + 1 :] if c != " "), "")
            if not prev or not nxt or prev == " " or is_cjk(prev) or is_cjk(nxt):
                continue
        keep_c.append(ch)
        keep_p.append(pos[i])
    return keep_c, keep_p


def _joins(prev: str, cur: str, prev_heading: bool, cur_heading: bool) -> bool:
    """Decide whether ``cur`` continues ``prev`` (a line broken by PDF conversion)."""
    if prev_heading or cur_heading or MARKER.match(cur) or DATE_LINE_START.match(cur):
        return False
    if not any(is_cjk(c) for c in prev) or not any(is_cjk(c) for c in cur):
        return False
    tail_of_clause = cur[-1] in "〕]）)" and "。" not in cur and len(cur) < 80 and CLAUSE_OPENER.search(prev)
    if prev[-1] in TERMINAL or prev.endswith("。”"):
        return bool(tail_of_clause and not CLAUSE_OPENER.search(cur))
    if MARKER.match(prev) and "。" not in prev:
        return len(cur) <= 10 and "。" not in cur
    if TITLE_END.search(prev) or DOC_NUMBER_LINE.match(prev):
        return False
    return len(prev) >= 12 and any(c in "，。、；" for c in prev)
