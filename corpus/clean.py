"""Clean source text while keeping an exact map back to the source.

Every character of the clean text comes from one character of the source text, so
``CleanText.src[i]`` is the source offset of clean character ``i`` and any clean span maps
to a source span. Cleaning only *deletes* characters or *substitutes* one character for one
character; the documented normalisations (``normalises_to``) are:

- deleted: page furniture (``chrome_line``: breadcrumbs ``当前位置``, buttons ``【打印】【关闭】``,
  ``| 字号: |``, share widgets, site footers, mirror-site boilerplate ``下面是小编为大家整理的…``,
  and spam such as ``【更多公文素材…】`` inside a line — phrases in ``corpus/data/patterns.yaml``),
  lines without a letter, digit or Chinese character (``×``, ``|---|``), page numbers alone on a
  line (``- 30 -``) or opening one (``- 2 - 工作汇报``), page numbers and running headers at the
  edges of the pages of a PDF, page-break lines (``\\f``, as ``corpus.read`` separates PDF pages),
  ``[bookmark: …]``, markdown markup (``**``, ``__``, leading ``#``), HTML tags, scripts and
  comments, carriage returns and form feeds, whitespace next to Chinese text, leading and trailing
  whitespace, blank lines, line breaks inside a sentence broken by PDF conversion or by a page
  break (``政\\n\\n治责任`` → ``政治责任``);
- substituted: half-width punctuation ``, ; : ( ) ? !`` next to Chinese text → full-width
  (``，；：（）？！``); full-width digits and Latin letters → ASCII; no-break, ideographic
  and tab spaces → a plain space; an HTML entity → its character (mapped to its ``&``);
  an HTML block tag → a line break (mapped to its ``<``); paragraph breaks are the source's
  own newline characters; in a text written in traditional Chinese (``is_traditional``), each
  traditional character → its simplified character (``T2S``: OpenCC's ``t2s`` applied to
  single characters, kept only where one character becomes exactly one character: 縣→县,
  複→复, 爲→为; 著 and 覆 stay, as OpenCC keeps them).

Page *metadata* is not deleted: 信息公开元数据 blocks, ``索引号|…`` rows and 来源/发布时间 lines
(``metadata_line``) stay in the clean text so that metadata inference can read them, and
``corpus.structure`` keeps them out of the body.

Traditional → simplified is decided once per text, not per character: a simplified text that
happens to contain a few traditional forms (anti-scraping substitutions like 縣, 將) is left
alone. Sentences and tokens are simplified clean text; offsets, and so every quote sliced from
the source, show the original characters. Code that matches words in the source itself (cues,
figures) reads ``simplified_view(source)``, which has the source's offsets.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .patterns import (
    CHROME_CONTAINS,
    CHROME_INLINE,
    CHROME_LINE,
    CHROME_WORDS,
    DATE_LINE_START,
    DOC_NUMBER_LINE,
    HAN_RANGES,
    METADATA_FIELD,
    TITLE_END,
    is_cjk,
)

HALF_TO_FULL = {",": "，", ";": "；", ":": "：", "(": "（", ")": "）", "?": "？", "!": "！"}
SPACES = "\u00a0\u3000\t\u2002\u2003\u2009\u200b\ufeff"
PAGE_NUMBER = re.compile(r"^\s*[-—–－]\s*\d{1,4}\s*[-—–－]\s*$|^\s*第\s*\d{1,4}\s*页(\s*共\s*\d+\s*页)?\s*$")
LEADING_PAGE_NUMBER = re.compile(r"^\s*[-—–－]\s?\d{1,4}\s?[-—–－]\s+(?=\S)")
EDGE_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—–－]?\s*\d{1,4}\s*[-—–－]?|第\s*\d{1,4}\s*页.*|\d{1,4}\s*/\s*\d{1,4}|page\s*\d{1,4}.*)\s*$", re.I
)
PAGE_BREAK = "\f"
BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*")
MD_EMPHASIS = re.compile(r"\*\*|__")
NOT_WORD = re.compile(r"[\W_]+")
WHITESPACE = re.compile(r"\s+")
TIMESTAMP = re.compile(
    r"^(?:\w{1,6}[：:])?(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{4})"
    r"(?:\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?$"
)
_CONTROL = re.compile("[\r\f]+")
_HALF_WIDTH = re.compile("[" + re.escape("".join(HALF_TO_FULL)) + "]")
_DIGIT_RUN = re.compile(r"\d+")
TERMINAL = set("。！？；：!?;:〕]）)")
CLAUSE_OPENER = re.compile(r"[〔\[（(]\s*(牵头|责任单位|协同)")
MARKER = re.compile(
    r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d{1,3}[.．、](?!\d)|\d{1,3}[）)]|[（(]\d{1,3}[）)]"
    r"|[一二三四五六七八九十]+是(?![否的]))"
)
HTML_DROP = re.compile(r"<(script|style)\b.*?</\1\s*>|<!--.*?-->", re.S | re.I)
HTML_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*>|&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);", re.S)
HTML_BLOCK = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section", "article", "td"}

# Share of a text's Han characters that T2S changes from which the text counts as traditional.
# Measured: 0.0 in the five seed files and in 20 of the 21 development texts, 0.68% in the one
# with anti-scraping substitutions (縣, 將, 簡); 35-39% in the seeds converted with OpenCC s2t.
TRADITIONAL_MIN_SHARE = 0.10


def _t2s_map() -> dict[str, str]:
    """Traditional → simplified for single Han characters, from OpenCC ``t2s`` (built once)."""
    import opencc

    blocks = [(ord(a), ord(b)) for a, b in re.findall(r"(.)-(.)", HAN_RANGES)]
    chars = [chr(i) for low, high in blocks for i in range(low, high + 1)]
    converted = opencc.OpenCC("t2s.json").convert("\n".join(chars)).split("\n")
    return {a: b for a, b in zip(chars, converted) if len(b) == 1 and b != a}


T2S: dict[str, str] = _t2s_map()
_T2S_TABLE = str.maketrans(T2S)
_HAN = re.compile(f"[{HAN_RANGES}]")
_TRADITIONAL = re.compile("[" + re.escape("".join(T2S)) + "]")


def traditional_share(text: str) -> float:
    """Share of the Han characters of ``text`` that are traditional forms (changed by ``T2S``)."""
    n_han = len(_HAN.findall(text))
    return len(_TRADITIONAL.findall(text)) / n_han if n_han else 0.0


def is_traditional(text: str) -> bool:
    """True when ``text`` is written in traditional Chinese (``TRADITIONAL_MIN_SHARE``)."""
    return traditional_share(text) >= TRADITIONAL_MIN_SHARE


def simplified_view(source: str, *, simplify: bool | None = None) -> str:
    """``source`` with traditional characters simplified as ``clean`` does, character for character.

    Same length as ``source``, so every source offset holds: match simplified cues against the
    view, quote from ``source``. Unchanged for a simplified text (``simplify`` as in ``clean``).
    """
    if simplify is None:
        simplify = is_traditional(source)
    return source.translate(_T2S_TABLE) if simplify else source


def normalise_char(ch: str) -> str:
    """The character-level substitutions of cleaning, context-free (for comparisons; without T2S)."""
    return HALF_TO_FULL.get(ch) or _substitute(ch)


def normalises_to(src_char: str, clean_char: str) -> bool:
    """True when ``clean_char`` is ``src_char`` after one of the documented substitutions."""
    if src_char == clean_char:
        return True
    if HALF_TO_FULL.get(src_char) == clean_char or T2S.get(src_char) == clean_char:
        return True
    if src_char in SPACES and clean_char == " ":
        return True
    if 0xFF01 <= ord(src_char) <= 0xFF5E and chr(ord(src_char) - 0xFEE0) == clean_char:
        return True
    return (src_char == "&" and clean_char != "&") or (src_char == "<" and clean_char == "\n")


def chrome_line(line: str) -> bool:
    """True for a line of page furniture, which cleaning deletes (see ``corpus/data/patterns.yaml``).

    Phrases are matched with the line's whitespace removed (``当 前 位 置`` is ``当前位置``).
    """
    squeezed = WHITESPACE.sub("", line)
    if CHROME_LINE.search(squeezed) or CHROME_CONTAINS.search(squeezed):
        return True
    compact = NOT_WORD.sub("", line)
    if not compact:
        return bool(line.strip())  # symbols only: ×, |, |---|
    return len(compact) <= 30 and CHROME_WORDS.fullmatch(compact) is not None


def metadata_line(line: str) -> bool:
    """True for a line of page metadata (a ``metadata_fields`` line, or a bare timestamp).

    ``索引号：640501001/2022-00153``, ``|发布机构|区政府|成文日期|2020-05-21|``,
    ``来源：上海市闵行区人民政府发布时间：2019年3月1日``, ``索引号发布机构区政府``, a field name
    alone (its value follows on the next line), ``28.02.2015 15:57``. Never a line with 。.
    """
    if "。" in line or len(line) > 200:
        return False
    field = line.lstrip("|【[ ")
    m = METADATA_FIELD.match(field)
    if m:
        rest = field[m.end() :]
        if not rest or rest[0] in "：:|】] " or METADATA_FIELD.search(rest):
            return True
    return bool(TIMESTAMP.match(line))


def metadata_label(line: str) -> str:
    """The metadata field name standing alone on ``line`` (``索引号：``, ``发布机构``), else ``""``."""
    m = METADATA_FIELD.fullmatch(line.strip("：:|【】[] "))
    return m.group(0) if m else ""


@dataclass(frozen=True)
class CleanText:
    """Clean text and, for each clean character, its offset in the source text.

    ``simplified`` says that traditional characters were converted to simplified ones.
    """

    text: str
    src: np.ndarray  # int64, len(text)
    simplified: bool = False

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Source offsets ``[s, e)`` covering clean characters ``[start, end)``."""
        if end <= start:
            pos = int(self.src[start]) if start < len(self.src) else int(self.src[-1]) + 1
            return pos, pos
        return int(self.src[start]), int(self.src[end - 1]) + 1


def clean(source: str, *, fmt: str = "text", simplify: bool | None = None) -> CleanText:
    """Clean ``source`` (decoded file text); ``fmt='html'`` strips markup first.

    ``simplify``: convert traditional characters to simplified ones; by default (None) when
    the text is written in traditional Chinese (``is_traditional``).
    """
    if fmt == "html":
        chars, positions = _strip_html(source)
        text, pos = "".join(chars), np.asarray(positions, dtype=np.int64)
    else:
        text, pos = source, np.arange(len(source), dtype=np.int64)
    if simplify is None:
        simplify = is_traditional(text)
    kept = []
    for line, start, newline_pos, page_break in _drop_page_edges(_split_lines(text, pos)):
        cleaned = _clean_line(line, simplify)
        if cleaned is not None:
            line_text, local, was_heading, opened_by_number = cleaned
            kept.append((line_text, pos[start + local], was_heading, newline_pos, page_break or opened_by_number))
    out_text: list[str] = []
    out_pos: list[np.ndarray] = []
    for i, (text_i, pos_i, was_heading, _, page_break) in enumerate(kept):
        if i > 0 and not _joins(kept[i - 1][0], text_i, kept[i - 1][2], was_heading, page_break=page_break):
            out_text.append("\n")
            out_pos.append(np.array([kept[i - 1][3]], dtype=np.int64))
        out_text.append(text_i)
        out_pos.append(pos_i)
    src = np.concatenate(out_pos) if out_pos else np.zeros(0, dtype=np.int64)
    return CleanText("".join(out_text), src, simplified=simplify)


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


def _split_lines(text: str, pos: np.ndarray) -> list[tuple[str, int, int]]:
    """(line, index of its first character in ``text``, source position of the terminating
    newline) per line; ``pos`` maps ``text`` to the source."""
    lines, start = [], 0
    for line in text.split("\n"):
        end = start + len(line)
        newline_pos = int(pos[end]) if end < len(text) else int(pos[-1]) + 1 if len(pos) else 0
        lines.append((line, start, newline_pos))
        start = end + 1
    return lines


def _drop_page_edges(lines):
    """Remove page-break lines and the page numbers and running headers/footers beside them.

    Returns (line, start, newline position, follows a page break) per remaining line. An
    edge line (two first and two last non-blank lines of a page; on the first page only the last
    two, as it opens with the document's own heading) is dropped when it is a page number or
    when, digits aside, it recurs at the edge of at least two pages.
    """
    if not any(PAGE_BREAK in line[0] for line in lines):
        return [(*line, False) for line in lines]
    pages: list[list] = [[]]
    for line in lines:
        if line[0].strip(" \t\r") == PAGE_BREAK:
            pages.append([])
        else:
            pages[-1].append(line)
    if len(pages) == 1:
        return [(*line, False) for line in lines]
    edges = []
    for number, page in enumerate(pages):
        filled = [i for i, line in enumerate(page) if line[0].strip()]
        edges.append(set((filled[:2] if number else []) + filled[-2:]))  # page 1 opens with the title
    seen: dict[str, set[int]] = {}
    for number, (page, edge) in enumerate(zip(pages, edges)):
        for i in edge:
            seen.setdefault(_edge_key(page[i][0]), set()).add(number)
    out = []
    for number, (page, edge) in enumerate(zip(pages, edges)):
        first = True
        for i, line in enumerate(page):
            text = line[0]
            if i in edge and (EDGE_PAGE_NUMBER.match(text) or len(seen[_edge_key(text)]) >= 2):
                continue
            out.append((*line, number > 0 and first and bool(text.strip())))
            first = first and not text.strip()
    return out


def _edge_key(line: str) -> str:
    return _DIGIT_RUN.sub("#", "".join(ch for ch in line if not ch.isspace()))


def _clean_line(text: str, simplify: bool):
    """Clean one line; None when nothing is left.

    Returns (clean line, index in ``text`` of each of its characters, was_markdown_heading,
    opened_by_a_page_number).
    """
    probe = text.translate(_T2S_TABLE) if simplify else text  # same length: T2S is one to one
    if chrome_line(probe) or PAGE_NUMBER.match(text):
        return None
    holes = [(m.start(), m.end()) for m in _CONTROL.finditer(text)]
    was_heading = False
    m = MD_HEADING.match(text)
    if m and text[m.end() : m.end() + 1] != "#" and "#" in text[: m.end()]:
        was_heading = True
        holes.append((m.start(), m.end()))
    page_number = LEADING_PAGE_NUMBER.match(text)
    for pattern in (BOOKMARK, MD_EMPHASIS, CHROME_INLINE, LEADING_PAGE_NUMBER):
        holes.extend((m.start(), m.end()) for m in pattern.finditer(probe))
    local: Sequence[int] = range(len(text))  # the common case: nothing deleted inside the line
    kept = text
    if holes:
        keep = [True] * len(text)
        for a, b in holes:
            keep[a:b] = [False] * (b - a)
        local = [i for i, k in enumerate(keep) if k]
        kept = "".join(text[i] for i in local)
    kept = kept.translate(_SUBSTITUTE_TABLE)
    line = kept.translate(_T2S_TABLE) if simplify else kept  # both one to one: offsets hold
    if _HALF_WIDTH.search(line):
        line = _full_width_punctuation(line)
    if " " in line:
        chars, kept_local = _drop_spaces(list(line), list(local))
        line, local = "".join(chars), kept_local
    if not line:
        return None
    index = np.arange(len(line), dtype=np.int64) if isinstance(local, range) else np.asarray(local, dtype=np.int64)
    return line, index, was_heading, page_number is not None


def _substitute(ch: str) -> str:
    if ch in SPACES:
        return " "
    if 0xFF10 <= ord(ch) <= 0xFF19 or 0xFF21 <= ord(ch) <= 0xFF3A or 0xFF41 <= ord(ch) <= 0xFF5A:
        return chr(ord(ch) - 0xFEE0)
    return ch


_SUBSTITUTE_TABLE = str.maketrans(
    {
        **dict.fromkeys(SPACES, " "),
        **{
            chr(o): chr(o - 0xFEE0)
            for r in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A))
            for o in range(r[0], r[1] + 1)
        },
    }
)  # ``_substitute`` as a translation table, for whole lines


def _full_width_punctuation(line: str) -> str:
    """Half-width punctuation next to Chinese text made full-width (``HALF_TO_FULL``)."""
    out = list(line)
    spaced = " " in line  # else a character's neighbours are simply the characters beside it
    if spaced:
        before = _nearest_non_space(line, after=False)
        after = _nearest_non_space(line, after=True)
    last = len(line) - 1
    for m in _HALF_WIDTH.finditer(line):
        i = m.start()
        ch = line[i]
        if spaced:
            prev, nxt = before[i], after[i]
        else:
            prev, nxt = line[i - 1] if i else "", line[i + 1] if i < last else ""
        if (prev and is_cjk(prev) and not prev.isdigit()) or (nxt and is_cjk(nxt)):
            if ch == ":" and prev.isdigit() and nxt.isdigit():
                continue
            out[i] = HALF_TO_FULL[ch]
    return "".join(_convert_bracket_pairs(line, out) if "(" in line else out)


def _nearest_non_space(chars: str | list[str], *, after: bool) -> list[str]:
    """For each position, the nearest character before it (or ``after`` it) that is not a space
    ('' if none): one pass, so cleaning stays linear in the length of a line."""
    out, last = [""] * len(chars), ""
    order = range(len(chars) - 1, -1, -1) if after else range(len(chars))
    for i in order:
        out[i] = last
        if chars[i] != " ":
            last = chars[i]
    return out


def _convert_bracket_pairs(chars: str, out: list[str]) -> list[str]:
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
    after = _nearest_non_space(chars, after=True)
    for i, ch in enumerate(chars):
        if ch == " ":
            prev = keep_c[-1] if keep_c else ""
            nxt = after[i]
            if not prev or not nxt or prev == " " or is_cjk(prev) or is_cjk(nxt):
                continue
        keep_c.append(ch)
        keep_p.append(pos[i])
    return keep_c, keep_p


def _joins(prev: str, cur: str, prev_heading: bool, cur_heading: bool, *, page_break: bool = False) -> bool:
    """Decide whether ``cur`` continues ``prev`` (a line broken by PDF conversion or a page break)."""
    if prev_heading or cur_heading or MARKER.match(cur) or DATE_LINE_START.match(cur):
        return False
    if not any(is_cjk(c) for c in prev) or not any(is_cjk(c) for c in cur):
        return False
    if metadata_line(prev) or metadata_line(cur):
        return False
    tail_of_clause = cur[-1] in "〕]）)" and "。" not in cur and len(cur) < 80 and CLAUSE_OPENER.search(prev)
    if prev[-1] in TERMINAL or prev.endswith("。”"):
        return bool(tail_of_clause and not CLAUSE_OPENER.search(cur))
    if MARKER.match(prev) and "。" not in prev:
        return len(cur) <= 10 and "。" not in cur
    if TITLE_END.search(prev) or DOC_NUMBER_LINE.match(prev):
        return False
    return page_break or (len(prev) >= 12 and any(c in "，。、；" for c in prev))
