"""process_file builds its tables column by column (issue 16): the same values and dtypes as
one dict per row, offsets mapped to the source once per document."""

from __future__ import annotations

import pandas as pd
import pandas.testing as pdt
import pytest

from corpus import loader
from corpus.clean import clean
from corpus.frames import from_columns, from_records
from corpus.paths import DOCUMENTS_DIR, REPO_ROOT
from corpus.process import process_file
from corpus.read import read_source
from corpus.structure import build_segments, sentences_of
from corpus.tokenize import Tokenizer

REALDOCS = REPO_ROOT / "tests" / "data" / "realdocs"


@pytest.fixture(scope="module")
def tok() -> Tokenizer:
    return Tokenizer(segmenter="jieba")


@pytest.mark.parametrize(
    "records",
    [
        [{"a": "县", "b": None, "c": 1, "d": True}, {"a": "区", "b": None, "c": 2, "d": False}],
        [{"parent": None, "n": 3}, {"parent": "guanxian-2023-report:0001", "n": 4}],
        [{"x": "一"}],
        [],
    ],
    ids=["none-column", "str-with-missing", "one-row", "no-rows"],
)
def test_from_records_equals_dataframe_of_records(records):
    pdt.assert_frame_equal(from_records(records), pd.DataFrame(records), check_exact=True)


def test_from_columns_concatenates_documents_and_skips_empty_ones():
    parts = [
        {"doc_id": ["a", "a"], "token": ["法治", "政府"], "start": [0, 2]},
        {"doc_id": [], "token": [], "start": []},
        {"doc_id": ["b"], "token": ["建设"], "start": [7]},
    ]
    rows = [{"doc_id": d, "token": t, "start": s} for p in parts for d, t, s in zip(*p.values())]
    pdt.assert_frame_equal(from_columns(parts), pd.DataFrame(rows), check_exact=True)
    assert from_columns(parts[1:2]).columns.empty


def _reference(path, data, tok, segments) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Sentences and tokens as the row-by-row code built them: ``Tokenizer.spans`` per sentence,
    ``CleanText.source_span`` per sentence and per token."""
    source = read_source(path, data)
    cleaned = clean(source.text, fmt=source.fmt)
    doc_id = segments["doc_id"].iloc[0]
    built = {seg.seg_id: seg for seg in build_segments(cleaned, 0, len(cleaned.text), doc_id)[0]}
    sentences, tokens = [], []
    for seg_id in segments.loc[segments["in_body"], "seg_id"]:
        for sent_no, (a, b) in enumerate(sentences_of(cleaned.text, built[seg_id].pieces)):
            sent_id = f"{seg_id}.{sent_no:02d}"
            sentences.append((doc_id, seg_id, sent_id, cleaned.text[a:b], *cleaned.source_span(a, b)))
            for token, s, e in tok.spans(cleaned.text[a:b]):
                tokens.append((doc_id, seg_id, sent_id, token, *cleaned.source_span(a + s, a + e)))
    columns = ["doc_id", "seg_id", "sent_id", "text", "start", "end"]
    return pd.DataFrame(sentences, columns=columns), pd.DataFrame(tokens, columns=[*columns[:3], "token", *columns[4:]])


@pytest.mark.parametrize(
    "path", [DOCUMENTS_DIR / "guanxian-2023-report.txt", REALDOCS / "19_guangzhou_2012_other.txt"], ids=lambda p: p.stem
)
def test_offsets_equal_source_span_per_sentence_and_token(path, tok):
    data = path.read_bytes()
    rows, _ = loader.manifest_rows(path.parent, path.parent / loader.MANIFEST_NAME)
    tables = process_file(path, data, rows.get(loader._entry(path.parent, path.name), []), tok)["tables"]
    tokens = tables["tokens"]
    assert len(tables["documents"]) == 1 and len(tokens) > 2000
    sentences, expected = _reference(path, data, tok, tables["segments"])
    pdt.assert_frame_equal(tables["sentences"], sentences, check_exact=True)
    pdt.assert_frame_equal(tokens.drop(columns="is_stop"), expected, check_exact=True)
    assert tokens["is_stop"].tolist() == [t in tok.stopwords for t in tokens["token"]]
