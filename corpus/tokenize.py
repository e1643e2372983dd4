"""Tokenise Chinese text with jieba, a domain lexicon and a stopword list (both data files).

jieba silently ignores user-dictionary entries it cannot use: a UTF-8 BOM glued to the
first word, stray whitespace, or punctuation inside a term (jieba splits text at
punctuation before looking words up, so ``双随机、一公开`` can never come out whole). This
module reads the lexicon itself (BOM and whitespace stripped), adds plain terms with
``Tokenizer.add_word``, matches terms that contain punctuation before jieba runs, and
``Tokenizer.check_lexicon`` verifies that every entry comes out as one token.
Tokenisation is deterministic: a private ``jieba.Tokenizer``, HMM off, its dictionary
segmentation run by ``corpus.segment.Segmenter`` (jieba's words, without jieba's per-word
generators; with ``segmenter="auto"`` paths are found by jieba-next's Rust code when that
optional package is installed).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

import jieba

from .paths import LEXICON_FILE, STOPWORDS_FILE
from .patterns import HAN_RANGES
from .segment import Segmenter, jieba_next_prefix_dict

jieba.setLogLevel(logging.WARNING)
# jieba's own notion of a dictionary word (its ``re_han_default``): entries outside it are
# matched by this module before jieba runs.
_JIEBA_WORD = re.compile(r"^[\u4E00-\u9FD5a-zA-Z0-9+#&._%\-]+$")
_KEEP = re.compile(f"[{HAN_RANGES}A-Za-z0-9]")
_DEFAULT_FREQ = 200000


class LexiconError(ValueError):
    """A lexicon or stopword file that cannot be used; names the file and line."""


def read_word_list(path: Path) -> list[tuple[str, int | None, str | None]]:
    """Read a word list (lexicon or stopwords): ``term [freq] [pos]`` per line.

    A BOM, surrounding whitespace, blank lines and ``#`` comments are removed.
    """
    try:
        text = Path(path).read_bytes().decode("utf-8-sig", errors="strict")
    except UnicodeDecodeError as err:
        raise LexiconError(f"{Path(path).name}: not UTF-8 (byte {err.start}); save it as UTF-8") from None
    entries = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.replace("\ufeff", "").strip()
        if not line or line.startswith("#"):
            continue
        fields = line.split()
        freq = None
        if len(fields) > 1:
            if not fields[1].isdigit():
                raise LexiconError(f"{Path(path).name} line {number}: frequency {fields[1]!r} is not a number")
            freq = int(fields[1])
        entries.append((fields[0], freq, fields[2] if len(fields) > 2 else None))
    return entries


def _has_word_character(word: str) -> bool:
    """True for a token with a letter, digit or Chinese character (others are dropped)."""
    return _KEEP.search(word) is not None


@dataclass(frozen=True)
class Tokenizer:
    """jieba with the project lexicon; ``cut`` returns tokens, ``spans`` returns offsets.

    ``segmenter``: ``"jieba"`` (pure Python), ``"jieba_next"`` (jieba-next's Rust path finder;
    an ImportError when it is not installed) or ``"auto"`` (jieba_next when installed, else
    jieba); ``segmenter_used`` says which one was chosen. Both give jieba's tokens
    (``corpus.segment``).
    """

    lexicon_path: Path = LEXICON_FILE
    stopwords_path: Path = STOPWORDS_FILE
    segmenter: str = "auto"
    # Built in __post_init__ from the two files (not constructor arguments).
    terms: tuple[str, ...] = field(init=False, repr=False, compare=False)
    stopwords: frozenset[str] = field(init=False, repr=False, compare=False)
    fingerprint: str = field(init=False, compare=False)
    _protected: re.Pattern | None = field(init=False, repr=False, compare=False)
    segmenter_used: str = field(init=False, compare=False)
    _segmenter: Segmenter = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        entries = read_word_list(self.lexicon_path)
        stop = frozenset(term for term, _, _ in read_word_list(self.stopwords_path))
        engine = jieba.Tokenizer()  # its dictionary is loaded by the segmenter on first use
        words = tuple((term, freq or _DEFAULT_FREQ, tag) for term, freq, tag in entries if _JIEBA_WORD.match(term))
        protected = sorted((term for term, _, _ in entries if not _JIEBA_WORD.match(term)), key=len, reverse=True)
        pattern = re.compile("|".join(map(re.escape, protected))) if protected else None
        object.__setattr__(self, "_protected", pattern)
        use = self.segmenter
        if use == "auto":
            use = "jieba_next" if jieba_next_prefix_dict() is not None else "jieba"
        segmenter = Segmenter(engine, keep=_has_word_character, use=use, words=words)  # dictionary read on first use
        object.__setattr__(self, "_segmenter", segmenter)
        object.__setattr__(self, "segmenter_used", use)
        object.__setattr__(self, "terms", tuple(term for term, _, _ in entries))
        object.__setattr__(self, "stopwords", stop)
        digest = hashlib.sha256()
        for path in (self.lexicon_path, self.stopwords_path):
            digest.update(Path(path).read_bytes())
        digest.update(jieba.__version__.encode())
        if use != "jieba":  # tested token-identical, but a cache never mixes two path finders
            digest.update(f"{use} {importlib.metadata.version(use.replace('_', '-'))}".encode())
        object.__setattr__(self, "fingerprint", digest.hexdigest()[:16])

    def jieba(self) -> jieba.Tokenizer:
        """The jieba engine with the lexicon's plain terms added (its dictionary loaded on first use)."""
        return self._segmenter.prepared()

    def spans(self, text: str) -> list[tuple[str, int, int]]:
        """Tokens of ``text`` with ``[start, end)`` offsets; punctuation and spaces dropped."""
        return list(zip(*self.columns(text)))

    def columns(self, text: str) -> tuple[list[str], list[int], list[int]]:
        """``spans`` as three lists: tokens, start offsets, end offsets (the shape tables need)."""
        words: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        pos = 0
        if self._protected is not None:
            for m in self._protected.finditer(text):
                self._cut_into(text[pos : m.start()], pos, words, starts, ends)
                words.append(m.group(0))
                starts.append(m.start())
                ends.append(m.end())
                pos = m.end()
        self._cut_into(text[pos:], pos, words, starts, ends)
        return words, starts, ends

    def _cut_into(self, chunk: str, offset: int, words: list, starts: list, ends: list) -> None:
        """jieba's words of ``chunk`` that hold a letter, digit or Chinese character, appended."""
        self._segmenter.cut_into(chunk, offset, (words, starts, ends))

    def cut(self, text: str, *, drop_stopwords: bool = False) -> list[str]:
        """Tokens of ``text``; with ``drop_stopwords`` the stopword list is applied."""
        return [t for t, _, _ in self.spans(text) if not (drop_stopwords and t in self.stopwords)]

    def check_lexicon(self) -> list[str]:
        """Lexicon entries that do NOT come out as a single token (should be empty)."""
        return [term for term in self.terms if self.cut(term) != [term]]
