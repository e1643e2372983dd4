"""Catalogue: malformed data files (issue 14): a clear error naming the file, or the same results.

Data files are the researcher's to edit (lexicon, stopwords, codebook, metric definitions);
a mistake in one is an error at load that names the file and the place, never a wrong result.
"""

from __future__ import annotations

import pytest

import corpus
from analysis.coverage import codebook
from analysis.metrics.definitions import MetricDefinitionError, load_metric_defs
from analysis.paths import METRICS_FILE
from corpus.paths import LEXICON_FILE, STOPWORDS_FILE
from corpus.tokenize import LexiconError


def test_lexicon_with_bom_and_crlf_gives_the_same_tokens(docs, tmp_path):
    lexicon = tmp_path / "lexicon.txt"
    text = LEXICON_FILE.read_text(encoding="utf-8")
    lexicon.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    ours = corpus.load(docs, cache=False, lexicon=lexicon)
    shipped = corpus.load(docs, cache=False)
    assert ours.tokens.token.tolist() == shipped.tokens.token.tolist()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("lexicon.txt", "法治政府\n依法行政 many\n", r"lexicon.txt line 2: frequency 'many' is not a number"),
        ("stopwords.txt", "的\n".encode("gbk").decode("latin-1") + "\xff\n", r"stopwords.txt: not UTF-8 \(byte 0\)"),
    ],
    ids=["data-lexicon-bad-frequency", "data-stopwords-not-utf8"],
)
def test_a_malformed_word_list_is_an_error_naming_it(name, content, message, docs, tmp_path):
    path = tmp_path / name
    path.write_bytes(content.encode("latin-1") if name == "stopwords.txt" else content.encode())
    options = {"lexicon": path} if name == "lexicon.txt" else {"stopwords": path}
    with pytest.raises(LexiconError, match=message):
        corpus.load(docs, cache=False, **options)


def test_a_malformed_codebook_is_an_error_naming_the_file(tmp_path):
    path = tmp_path / "codebook.yaml"
    path.write_text("areas:\n  - id: rules\n    label_zh: [依法决策\n", encoding="utf-8")  # a bracket left open
    with pytest.raises(ValueError, match=r"codebook\.yaml: not valid YAML"):
        codebook.load(path)


def test_a_malformed_metric_definition_is_an_error_naming_the_entry(tmp_path):
    path = tmp_path / "metrics.yaml"
    text = METRICS_FILE.read_text(encoding="utf-8")
    path.write_text(text.replace("bounds: [0, 100]", "bounds: [100, 0]", 1), encoding="utf-8")
    with pytest.raises(MetricDefinitionError, match=r"metrics\.yaml"):
        load_metric_defs(path)


def test_stopwords_with_bom_are_read(tmp_path):
    path = tmp_path / "stopwords.txt"
    path.write_bytes(b"\xef\xbb\xbf" + STOPWORDS_FILE.read_bytes())
    tokenizer = corpus.Tokenizer(LEXICON_FILE, path)
    assert tokenizer.stopwords == corpus.Tokenizer(LEXICON_FILE, STOPWORDS_FILE).stopwords
