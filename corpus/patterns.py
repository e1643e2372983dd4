"""The one definition of each textual idea: Chinese characters, a 文号, a date, a chrome line.

Character ranges are code; the genre's phrases (chrome lines and words, page-metadata field
names, title words, the 文号 and date patterns) are data in ``corpus/data/patterns.yaml``, read
and compiled once on import.
Every module that needs one of these imports it from here.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from .paths import PATTERNS_FILE

# Han ideographs: CJK Extension A, Unified Ideographs, Compatibility Ideographs.
HAN_RANGES = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
HAS_HAN = re.compile(f"[{HAN_RANGES}]")
NON_HAN = re.compile(f"[^{HAN_RANGES}]+")
CJK_PUNCTUATION = "“”‘’《》〈〉—…·"


def is_han(ch: str) -> bool:
    """True for a Han ideograph."""
    return bool(HAS_HAN.match(ch))


def is_cjk(ch: str) -> bool:
    """True for Han characters and full-width / CJK punctuation (text written in Chinese)."""
    o = ord(ch)
    return is_han(ch) or 0x3000 <= o <= 0x303F or 0xFF00 <= o <= 0xFFEF or ch in CJK_PUNCTUATION


class PatternFileError(ValueError):
    """A malformed patterns file; the message names the file and the key."""


_KEYS = {
    "chrome_line_starts": list,
    "chrome_line_contains": list,
    "chrome_words": list,
    "chrome_inline": list,
    "metadata_fields": dict,
    "title_end_words": list,
    "doc_number": str,
    "date_cn": str,
}
_PATTERN_LISTS = frozenset({"chrome_inline"})  # lists whose entries are regular expressions


def _load(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise PatternFileError(f"{path.name}: cannot read ({err})") from None
    if not isinstance(data, dict):
        raise PatternFileError(f"{path.name}: expected a mapping with keys {sorted(_KEYS)}")
    unknown = sorted(set(data) - set(_KEYS))
    if unknown:
        raise PatternFileError(f"{path.name}: unknown key {unknown[0]!r}; allowed: {sorted(_KEYS)}")
    for key, kind in _KEYS.items():
        value = data.get(key)
        if not isinstance(value, kind) or not value:
            raise PatternFileError(f"{path.name}: {key!r} must be a non-empty {kind.__name__}")
        if kind is list and not all(isinstance(v, str) and v.strip() for v in value):
            raise PatternFileError(f"{path.name}: {key!r} holds an empty or non-text entry")
        if kind is dict:
            for name, words in value.items():
                if not isinstance(words, list) or not words or not all(isinstance(w, str) and w.strip() for w in words):
                    raise PatternFileError(f"{path.name}: {key!r}: {name!r} must be a non-empty list of words")
        for pattern in [value] if kind is str else value if key in _PATTERN_LISTS else []:
            try:
                re.compile(pattern)
            except re.error as err:
                raise PatternFileError(f"{path.name}: {key!r}: {pattern!r} is not a valid pattern ({err})") from None
    return data


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_DATA = _load(PATTERNS_FILE)
TITLE_END_WORDS: tuple[str, ...] = tuple(_DATA["title_end_words"])
CHROME_LINE = re.compile(rf"^\s*(?:{_alternation(_DATA['chrome_line_starts'])})")
CHROME_CONTAINS = re.compile(_alternation(_DATA["chrome_line_contains"]))
CHROME_WORDS = re.compile(rf"(?:{_alternation(_DATA['chrome_words'])})+")
CHROME_INLINE = re.compile("|".join(f"(?:{p})" for p in _DATA["chrome_inline"]))
# Page-metadata field names by the docvar they state (title, issuer, source, issue_date, …).
METADATA_FIELDS: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in _DATA["metadata_fields"].items()}
METADATA_FIELD = re.compile(_alternation([w for words in METADATA_FIELDS.values() for w in words]))
DOC_NUMBER = re.compile(_DATA["doc_number"])
DOC_NUMBER_LINE = re.compile(rf"^(?:{_DATA['doc_number']})$")
DATE_CN = re.compile(_DATA["date_cn"])
DATE_LINE_START = re.compile(rf"^(?:{_DATA['date_cn']})")
DATE_LINE = re.compile(rf"^(?:{_DATA['date_cn']})$")
# A title ends with a title word, then perhaps a parenthesis ((2021—2025年), (试行)) and a closing quote.
TITLE_END = re.compile(rf"(?:{_alternation(list(TITLE_END_WORDS))})(?:[（(][^（()）]{{1,20}}[）)])?[》」]?$")
