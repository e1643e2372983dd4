"""Catalogue: malformed data files (issue 14): a clear error naming the file, or the same results.

Data files are the researcher's to edit (lexicon, stopwords, codebook, metric definitions);
a mistake in one is an error at load that names the file and the place, never a wrong result.
"""

from __future__ import annotations

import pandas as pd
import pytest

import corpus
from analysis.coverage import codebook
from analysis.metrics.definitions import MetricDefinitionError, load_metric_defs
from analysis.paths import METRICS_FILE
from corpus import __main__ as corpus_cli
from corpus import metadata, places
from corpus.paths import COUNTIES_FILE, DOC_TYPES_FILE, GAZETTEER_FILE, LEXICON_FILE, STOPWORDS_FILE
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


@pytest.fixture
def data_file(tmp_path, monkeypatch):
    """Point one corpus data file (counties.csv, doc_types.csv, the gazetteer) at an edited copy."""

    def edit(name: str, content: bytes):
        path = tmp_path / name
        path.write_bytes(content)
        if name == "gazetteer.csv":
            monkeypatch.setattr("corpus.gazetteer.GAZETTEER_FILE", path)
            places.gazetteer.cache_clear()
        else:
            monkeypatch.setattr(
                f"corpus.metadata.{'COUNTIES_FILE' if name == 'counties.csv' else 'DOC_TYPES_FILE'}", path
            )
            metadata.counties.cache_clear()
            metadata.doc_types.cache_clear()
        return path

    yield edit
    places.gazetteer.cache_clear()
    metadata.counties.cache_clear()
    metadata.doc_types.cache_clear()


@pytest.mark.parametrize(
    ("name", "edit", "message"),
    [
        ("counties.csv", lambda b: b.replace(b"county_en,", b"", 1), r"counties\.csv: missing column\(s\) county_en"),
        ("counties.csv", lambda b: b.decode().encode("utf-16"), r"counties\.csv: (not UTF-8|missing column)"),
        ("doc_types.csv", lambda b: b.replace(b"title_endings", b"endings"), r"doc_types\.csv: missing column"),
        ("gazetteer.csv", lambda b: b.replace(b"adcode", b"code", 1), r"gazetteer"),
    ],
    ids=["data-counties-missing-column", "data-counties-utf16", "data-doc-types-missing-column",
         "data-gazetteer-missing-column"],
)  # fmt: skip
def test_a_malformed_corpus_data_file_is_one_error_naming_it(name, edit, message, data_file, docs):
    shipped = {"counties.csv": COUNTIES_FILE, "doc_types.csv": DOC_TYPES_FILE, "gazetteer.csv": GAZETTEER_FILE}
    data_file(name, edit(shipped[name].read_bytes()))
    with pytest.raises(metadata.DataFileError, match=message):
        corpus.load(docs, cache=False)


def test_counties_saved_by_excel_with_bom_and_crlf_give_the_same_docvars(data_file, docs):
    shipped = corpus.load(docs, cache=False).documents
    data_file("counties.csv", b"\xef\xbb\xbf" + COUNTIES_FILE.read_bytes().replace(b"\n", b"\r\n"))
    ours = corpus.load(docs, cache=False).documents
    pd.testing.assert_frame_equal(ours, shipped)


def test_the_corpus_command_names_a_broken_data_file_in_one_line(data_file, docs, capsys):
    data_file("counties.csv", COUNTIES_FILE.read_bytes().replace(b"county_en,", b"", 1))
    assert corpus_cli.main(["summary", "--corpus", str(docs)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "counties.csv: missing column(s) county_en" in err[0]
