"""Tokenisation: domain lexicon really applied, stopwords, determinism, fingerprint."""

from __future__ import annotations

import pytest

from corpus.clean import normalise_char
from corpus.paths import LEXICON_FILE, STOPWORDS_FILE
from corpus.tokenize import LexiconError, Tokenizer


@pytest.fixture(scope="module")
def tok():
    return Tokenizer()


def test_every_lexicon_entry_comes_out_whole(tok):
    assert tok.check_lexicon() == []


@pytest.mark.parametrize("term", ["放管服", "双随机、一公开", "行政复议", "重大行政决策", "县司法局"])
def test_domain_terms_are_single_tokens_in_context(tok, term):
    assert term in tok.cut(f"深化{term}工作，严格落实相关要求。")


def test_bom_and_whitespace_in_user_lexicon_do_not_hide_entries(tmp_path):
    lexicon = tmp_path / "lexicon.txt"
    lexicon.write_bytes("\ufeff诉访分离\n  三心合一  \n枫桥经验 5000 n\n".encode("utf-8"))
    tok = Tokenizer(lexicon, STOPWORDS_FILE)
    assert tok.check_lexicon() == []
    assert tok.cut("推动三心合一和诉访分离") == ["推动", "三心合一", "和", "诉访分离"]


def test_malformed_lexicon_line_is_named(tmp_path):
    lexicon = tmp_path / "lexicon.txt"
    lexicon.write_text("放管服 many\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=r"lexicon\.txt line 1"):
        Tokenizer(lexicon, STOPWORDS_FILE)


def test_tokens_are_deterministic_and_single_characters_kept(tok):
    text = "县政府常务会议定期研究法治工作，县司法局牵头。"
    assert tok.cut(text) == tok.cut(text)
    assert "县" not in tok.cut(text, drop_stopwords=True)
    spans = tok.spans(text)
    assert all(text[s:e] == t for t, s, e in spans)


def test_fingerprint_changes_with_the_lexicon(tmp_path, tok):
    lexicon = tmp_path / "lexicon.txt"
    lexicon.write_text(LEXICON_FILE.read_text(encoding="utf-8") + "新词条\n", encoding="utf-8")
    assert Tokenizer(lexicon, STOPWORDS_FILE).fingerprint != tok.fingerprint


def test_corpus_tokens_point_at_source(seed_corpus):
    tokens = seed_corpus.tokens
    assert len(tokens) > 20000
    for row in tokens.itertuples():
        source = seed_corpus.source_text(row.doc_id)[row.start : row.end]
        assert "".join(normalise_char(ch) for ch in source if not ch.isspace() and ch != "*") == row.token
    assert (tokens.token == "双随机、一公开").sum() >= 3
