"""jieba's dictionary segmentation (HMM off) with offsets, without jieba's per-word generators.

``jieba.Tokenizer.cut(text, HMM=False)`` splits ``text`` into blocks of jieba's word characters
(``jieba.re_han_default``), finds each block's most probable path through the dictionary DAG
(``get_DAG`` + ``calc``) and yields words through two generators; non-word characters come out
one by one. ``Segmenter`` does the same with jieba's own regular expression and dictionary
(``FREQ``, ``total`` of the engine it is given) and appends kept words and offsets to lists.
The path through a block (``route``) comes from one of two finders:

* ``"jieba"``: ``route_python`` fuses ``get_DAG`` and ``calc`` into one backward pass. It adds
  the same floating-point numbers in the same order (``log(freq) - log(total)``, precomputed per
  word, plus the best score after the word) and breaks ties as ``max`` over ``(score, end)``
  tuples does (the longer word), so its paths are jieba's by construction;
* ``"jieba_next"``: the Rust ``PrefixDict.get_dag_and_calc`` of the optional ``jieba-next``
  package, built from the same ``FREQ`` and ``total``. It computes the same sums with the same
  tie rule (``>=``, the later end) but stops after 12 words starting at one position; the
  segmenter uses it only when no chain of 13 nested dictionary words exists (``max_nested``;
  jieba's dictionary with the project lexicon has 7), so its paths are jieba's too.
  ``tests/corpus/test_segment.py`` checks the tokens on the seeds and the development texts
  whenever it is installed. (``jieba_fast`` and ``jieba-fast-dat`` keep the *shorter* word on an
  exact tie — 压紧压实 comes out 压/紧压/实 — so they are not used.)
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from itertools import accumulate, compress, islice
from math import log

import jieba

_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")  # jieba's ``re_eng``
ENGINES = ("jieba", "jieba_next")
RUST_MAX_WORDS = 12  # jieba_next's PrefixDict keeps at most this many words per position


def jieba_next_prefix_dict() -> type | None:
    """jieba-next's Rust ``PrefixDict`` class, or None when jieba-next is not installed."""
    try:
        module = importlib.import_module("jieba_next.jieba_next_rust")
    except ImportError:
        return None
    return getattr(module, "PrefixDict", None)


def max_nested(freq: dict[str, int], *, longer_than: int = 0) -> int:
    """The longest chain of dictionary words (freq > 0) each a prefix of the next.

    Only chains ending in a word of more than ``longer_than`` characters are counted (a chain of
    more than n words ends in one of more than n characters): ``max_nested(freq, longer_than=n) <= n``
    says whether any chain exceeds n words, looking at the few long words only (jieba's 349k
    words: 0.75 s for every chain, milliseconds for the long ones).
    """
    return max(
        (
            sum(1 for i in range(1, len(word) + 1) if freq.get(word[:i]))
            for word, f in freq.items()
            if f and len(word) > longer_than
        ),
        default=0,
    )


class Segmenter:
    """Dictionary segmentation of a ``jieba.Tokenizer`` and added words.

    Parameters
    ----------
    engine : jieba.Tokenizer
        Initialised, ``words`` added and its ``FREQ`` and ``total`` read once, on first use
        (loading jieba's dictionary takes a second or more: a warm corpus load never does).
    keep : callable
        ``keep(word)`` says whether a word is appended (its answer is remembered per word).
    use : {"jieba", "jieba_next"}
        The route finder; ``"jieba_next"`` needs the jieba-next package (an ImportError
        otherwise) and falls back to ``"jieba"`` when the dictionary has a chain of more than
        ``RUST_MAX_WORDS`` nested words (``used`` says which one runs).
    words : sequence of (term, freq, tag)
        Added with ``engine.add_word`` before the dictionary is read.
    """

    def __init__(
        self,
        engine: jieba.Tokenizer,
        *,
        keep: Callable[[str], bool],
        use: str = "jieba",
        words: tuple[tuple[str, int, str | None], ...] = (),
    ) -> None:
        if use not in ENGINES:
            raise ValueError(f"use={use!r}: expected one of {ENGINES}")
        if use == "jieba_next" and jieba_next_prefix_dict() is None:
            raise ImportError("use='jieba_next': the jieba-next package is not installed (pip install jieba-next)")
        self.engine, self.use, self._words_to_add = engine, use, words
        self._kept = _Remembered(keep)  # keep(word), remembered
        # Built on first use (a warm corpus load builds a tokenizer for its fingerprint only):
        self._score: dict[str, float | None] | None = None  # log(freq) - log(total); None: prefix only
        self._unknown = 0.0
        self._rust = None

    def _prepare(self) -> None:
        """Read the dictionary: scores per word, and the Rust path finder if asked for and safe."""
        engine = self.engine
        engine.check_initialized()
        for term, freq, tag in self._words_to_add:
            engine.add_word(term, freq, tag)
        logtotal = log(engine.total)
        self._score = {word: (log(f) - logtotal if f else None) for word, f in engine.FREQ.items()}
        self._unknown = log(1) - logtotal  # a character outside the dictionary: jieba's ``or 1``
        if self.use == "jieba_next" and max_nested(engine.FREQ, longer_than=RUST_MAX_WORDS) <= RUST_MAX_WORDS:
            prefix_dict = jieba_next_prefix_dict()
            assert prefix_dict is not None
            self._rust = prefix_dict(engine.FREQ, float(engine.total))

    def prepared(self) -> jieba.Tokenizer:
        """The jieba engine, initialised and with ``words`` added (read on first call)."""
        if self._score is None:
            self._prepare()
        return self.engine

    @property
    def used(self) -> str:
        """The route finder that runs: ``use``, or ``"jieba"`` where jieba-next cannot be trusted."""
        if self._score is None:
            self._prepare()
        return "jieba_next" if self._rust is not None else "jieba"

    def route(self, block: str) -> list[int]:
        """Index of the last character of the best word starting at each position of ``block``."""
        if self._rust is not None:
            try:
                return self._rust.get_dag_and_calc(block)
            except UnicodeEncodeError:  # a lone surrogate cannot cross into Rust
                pass
        return self.route_python(block)

    def route_python(self, block: str) -> list[int]:
        """Index of the last character of the best word starting at each position of ``block``."""
        if self._score is None:
            self._prepare()
        score, unknown = self._score, self._unknown
        assert score is not None
        n = len(block)
        best = [0.0] * (n + 1)
        route = [0] * n
        for k in range(n - 1, -1, -1):
            top, arg = None, k
            i = k
            frag = block[k]
            while i < n and frag in score:
                s = score[frag]
                if s is not None:
                    p = s + best[i + 1]
                    if top is None or p >= top:  # ties: the later end, as max((p, x), ...) picks
                        top, arg = p, i
                i += 1
                frag = block[k : i + 1]
            if top is None:
                top = unknown + best[k + 1]
            best[k] = top
            route[k] = arg
        return route

    def cut_into(self, text: str, offset: int, out: tuple[list, list, list]) -> None:
        """Append the kept words of ``text`` and their offsets (counted from ``offset``) to ``out``.

        ``out`` is (words, starts, ends). The words are those of
        ``jieba.Tokenizer.cut(text, HMM=False)``.
        """
        if self._score is None:
            self._prepare()
        pieces: list[str] = []
        for block in jieba.re_han_default.split(text):
            if not block:
                continue
            if jieba.re_han_default.match(block):
                pieces += self._words(block)
            else:  # jieba yields these characters one by one
                pieces += block
        bounds = list(accumulate(map(len, pieces), initial=offset))  # piece i spans bounds[i]:bounds[i + 1]
        flags = list(map(self._kept.__getitem__, pieces))  # keep(word), remembered per word
        words, starts, ends = out
        words += compress(pieces, flags)
        starts += compress(bounds, flags)
        ends += compress(islice(bounds, 1, None), flags)

    def _words(self, block: str) -> list[str]:
        """The words of a block of jieba word characters (``__cut_DAG_NO_HMM``)."""
        route = self.route(block)
        out = []
        n, x, run = len(block), 0, -1  # run: start of a run of single ASCII letters and digits
        while x < n:
            y = route[x] + 1
            if y - x == 1 and block[x] in _ALNUM:
                if run < 0:
                    run = x
            else:
                if run >= 0:
                    out.append(block[run:x])
                    run = -1
                out.append(block[x:y])
            x = y
        if run >= 0:
            out.append(block[run:n])
        return out


class _Remembered(dict):
    """``function(key)`` for each key looked up, computed once (``dict.__missing__``)."""

    def __init__(self, function: Callable[[str], bool]) -> None:
        super().__init__()
        self.function = function

    def __missing__(self, key: str) -> bool:
        value = self[key] = self.function(key)
        return value
