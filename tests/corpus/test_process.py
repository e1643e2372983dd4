"""process_file builds its tables as Arrow straight from Python columns (issue 16): the schemas of
``corpus.tables``, the same values as one dict per row, offsets mapped to the source once per
document."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from corpus import loader, tables
from corpus.clean import clean
from corpus.paths import DOCUMENTS_DIR, REPO_ROOT
from corpus.process import process_file
from corpus.read import read_source
from corpus.structure import build_segments, sentences_of
from corpus.tokenize import Tokenizer

REALDOCS = REPO_ROOT / "tests" / "data" / "realdocs"


@pytest.fixture(scope="module")
def tok() -> Tokenizer:
    return Tokenizer(segmenter="jieba")


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
    result = process_file(path, data, rows.get(loader._entry(path.parent, path.name), []), tok)
    made = result["tables"]
    assert len(result["documents"]) == 1 and made["tokens"].num_rows > 2000
    assert {name: table.schema for name, table in made.items()} == tables.SCHEMAS
    sentences, expected = _reference(path, data, tok, tables.to_pandas("segments", made["segments"]))
    assert made["sentences"].to_pylist() == sentences.to_dict("records")
    tokens = made["tokens"].to_pylist()
    assert [{k: v for k, v in row.items() if k != "is_stop"} for row in tokens] == expected.to_dict("records")
    assert [row["is_stop"] for row in tokens] == [row["token"] in tok.stopwords for row in tokens]


def test_bundle_tables_follow_the_documents_and_an_empty_file_keeps_the_schemas(tmp_path, tok):
    """The 濮阳县 bundle: three documents' rows one after the other, dictionary columns in order of
    first appearance; a file whose only document is not found: every table empty, with its schema."""
    path = DOCUMENTS_DIR / "puyang-2022-bundle.txt"
    rows, _ = loader.manifest_rows(path.parent, path.parent / loader.MANIFEST_NAME)
    file_rows = rows[loader._entry(path.parent, path.name)]
    made = process_file(path, path.read_bytes(), file_rows, tok)["tables"]
    doc_ids = made["tokens"]["doc_id"].combine_chunks()
    assert doc_ids.dictionary.to_pylist() == [row["doc_id"] for row in file_rows]
    assert (np.diff(doc_ids.indices.to_numpy()) >= 0).all() and doc_ids.indices[-1].as_py() == 2
    assert made["sentences"]["doc_id"].to_pylist() == sorted(
        made["sentences"]["doc_id"].to_pylist(), key=[row["doc_id"] for row in file_rows].index
    )
    stray = tmp_path / "stray.txt"
    stray.write_text("某县法治政府建设情况\n一、总体情况\n", encoding="utf-8")
    result = process_file(stray, stray.read_bytes(), [{"doc_id": "x", "begins_at": "不在文中的标题"}], tok)
    assert result["documents"] == [] and "begins_at '不在文中的标题' not found" in result["problems"][0]
    made = result["tables"]
    assert {name: (table.schema, table.num_rows) for name, table in made.items()} == {
        name: (schema, 0) for name, schema in tables.SCHEMAS.items()
    }
