"""corpus.segment: jieba's dictionary segmentation without its generators, and the optional
jieba-next path finder, give jieba's own tokens (issue 16)."""

from __future__ import annotations

from pathlib import Path

import jieba
import pytest

from corpus import segment
from corpus.paths import DOCUMENTS_DIR, REPO_ROOT
from corpus.segment import Segmenter, max_nested
from corpus.tokenize import Tokenizer, _has_word_character

REAL_TEXTS = sorted(DOCUMENTS_DIR.glob("*.txt")) + sorted((REPO_ROOT / "tests" / "data" / "realdocs").glob("*.txt"))
# Exact ties between two paths (found in the synthetic national corpus): jieba keeps the longer
# first word; jieba_fast and jieba-fast-dat keep the shorter one (群/组群/治).
TIES = {
    "群组群治": ["群组", "群", "治"],
    "层层压紧压实管党治党政治责任": ["层层", "压紧", "压实", "管", "党", "治党", "政治责任"],
}


@pytest.fixture(scope="module")
def engine() -> jieba.Tokenizer:
    return Tokenizer(segmenter="jieba").jieba()


def _lines() -> list[str]:
    return [line for path in REAL_TEXTS for line in Path(path).read_text(encoding="utf-8").splitlines() if line]


def _jieba_spans(engine: jieba.Tokenizer, text: str) -> list[tuple[str, int, int]]:
    """The reference: jieba's own cut, HMM off, offsets counted, tokens without a word character dropped."""
    out, pos = [], 0
    for word in engine.cut(text, HMM=False):
        if _has_word_character(word):
            out.append((word, pos, pos + len(word)))
        pos += len(word)
    return out


def _spans(seg: Segmenter, text: str) -> list[tuple[str, int, int]]:
    out: tuple[list, list, list] = ([], [], [])
    seg.cut_into(text, 0, out)
    return list(zip(*out))


def test_python_route_is_jiebas_route_on_every_block(engine):
    seg = Segmenter(engine, keep=_has_word_character)
    blocks = [b for line in _lines() for b in jieba.re_han_default.split(line) if jieba.re_han_default.match(b)]
    assert len(blocks) > 9000  # 9,605 blocks of jieba word characters
    for block in blocks:
        route: dict = {}
        engine.calc(block, engine.get_DAG(block), route)
        assert seg.route_python(block) == [route[i][1] for i in range(len(block))], block


def test_segmenter_gives_jiebas_tokens_on_seeds_and_realdocs(engine):
    seg = Segmenter(engine, keep=_has_word_character)
    lines = _lines()
    n_tokens = 0
    for line in lines:
        expected = _jieba_spans(engine, line)
        assert _spans(seg, line) == expected, line
        n_tokens += len(expected)
    assert n_tokens > 35_000  # 38,332 tokens


@pytest.mark.parametrize("text", sorted(TIES), ids=["qunzu", "yajin"])
def test_ties_keep_the_longer_first_word_as_jieba_does(engine, text):
    seg = Segmenter(engine, keep=_has_word_character)
    assert [w for w, _, _ in _spans(seg, text)] == engine.lcut(text, HMM=False) == TIES[text]


def test_offsets_and_dropped_characters(engine):
    seg = Segmenter(engine, keep=_has_word_character)
    text = "2023年，全县ab-c受理行政复议案件91件（同比+5%）。"
    spans = _spans(seg, text)
    assert all(text[s:e] == w for w, s, e in spans)
    assert spans == _jieba_spans(engine, text)
    assert "，" not in [w for w, _, _ in spans]


def test_unknown_engine_is_named(engine):
    with pytest.raises(ValueError, match=r"use='fast'.*jieba_next"):
        Segmenter(engine, keep=_has_word_character, use="fast")


def test_missing_jieba_next_is_named(engine, monkeypatch):
    monkeypatch.setattr(segment, "jieba_next_prefix_dict", lambda: None)
    with pytest.raises(ImportError, match="jieba-next package is not installed"):
        Segmenter(engine, keep=_has_word_character, use="jieba_next")


def test_max_nested_counts_chains_of_words_not_prefixes():
    assert max_nested({"法": 5, "法治": 0, "法治政": 0, "法治政府": 3, "政": 1}) == 2
    assert max_nested({}) == 0


def test_max_nested_of_long_words_says_the_same_about_any_bound(engine):
    words = {"法": 5, "法治": 0, "法治政": 0, "法治政府": 3, "政": 1, "法治政府建设": 2}
    for bound in range(6):
        assert (max_nested(words, longer_than=bound) > bound) == (max_nested(words) > bound), bound
    full = max_nested(engine.FREQ)
    assert max_nested(engine.FREQ, longer_than=full - 1) == full
    assert max_nested(engine.FREQ, longer_than=full) <= full


def test_jieba_next_gives_jiebas_tokens_when_installed(engine):
    pytest.importorskip("jieba_next", reason="jieba-next (optional path finder) is not installed")
    fast = Segmenter(engine, keep=_has_word_character, use="jieba_next")
    assert fast.used == "jieba_next"
    assert max_nested(engine.FREQ) == 7  # well below jieba-next's 12 words per position
    for text, words in TIES.items():
        assert [w for w, _, _ in _spans(fast, text)] == words
    for line in _lines():
        assert _spans(fast, line) == _jieba_spans(engine, line), line
    assert Tokenizer(segmenter="jieba_next").fingerprint != Tokenizer(segmenter="jieba").fingerprint


def test_jieba_next_falls_back_when_a_word_chain_is_too_long(engine, monkeypatch):
    pytest.importorskip("jieba_next", reason="jieba-next (optional path finder) is not installed")
    monkeypatch.setattr(segment, "RUST_MAX_WORDS", 6)
    assert Segmenter(engine, keep=_has_word_character, use="jieba_next").used == "jieba"
