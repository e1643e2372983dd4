"""The Corpus object (issue 10): immutable, docvars with provenance, new corpora from methods."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pyarrow as pa
import pytest

import corpus
from corpus import SUMMARY_COLUMNS, Corpus, tables
from corpus.model import Pending, _raw, rows_in


def test_corpus_is_frozen(seed_corpus):
    with pytest.raises(dataclasses.FrozenInstanceError):
        seed_corpus.documents = seed_corpus.documents.head(1)


def test_docvars_say_where_they_came_from(seed_documents):
    guanxian = seed_documents.loc["guanxian-2023-report"]
    assert guanxian["county"] == "冠县" and guanxian["county_source"] == "manifest"
    assert guanxian["province"] == "山东省" and guanxian["province_source"] == "counties.csv"
    assert guanxian["adcode"] == "371525" and guanxian["adcode_source"] == "gazetteer"
    assert guanxian["prefecture"] == "聊城市" and guanxian["level"] == "county"
    assert guanxian["doc_number_source"] == ""  # the report has no 文号: unknown, not invented
    assert pd.isna(guanxian["doc_number"])
    for field in ("county", "doc_type", "title", "year_start", "year_end", "issue_date", "issuer"):
        assert (seed_documents[f"{field}_source"] == "manifest").all(), field


def test_summary_has_provenance_columns(seed_corpus):
    summary = seed_corpus.summary()
    assert list(summary.columns) == SUMMARY_COLUMNS
    assert {"level", "adcode", "county_source", "province_source"} <= set(summary.columns)


def test_subset_by_docvars_and_year(seed_corpus):
    report = seed_corpus.subset(doc_type="report", year=2023)
    assert report.doc_ids == ["guanxian-2023-report"]
    assert set(report.sentences["doc_id"]) == {"guanxian-2023-report"}
    assert set(report.tokens["doc_id"]) == {"guanxian-2023-report"}
    assert report.source_text("guanxian-2023-report") == seed_corpus.source_text("guanxian-2023-report")
    # year matches documents covering it: 濉溪 2021-2025 and 濮阳县 2022-2025 schemes cover 2023
    assert set(seed_corpus.subset(year=2023).doc_ids) == {
        "guanxian-2023-report",
        "suixi-2021-2025-scheme",
        "puyang-2022-2025-scheme",
        "puyang-2022-integration-scheme",
    }
    assert set(seed_corpus.subset(county=["冠县", "开江县"]).doc_ids) == {
        "guanxian-2022-plan",
        "guanxian-2023-report",
        "kaijiang-2021-plan",
    }
    assert len(seed_corpus) == 7  # the original is unchanged


def test_subset_errors_name_the_docvar(seed_corpus):
    with pytest.raises(ValueError, match="unknown docvar 'countie'"):
        seed_corpus.subset(countie="冠县")
    with pytest.raises(KeyError, match="not in this corpus"):
        seed_corpus.subset(county="冠县").source_text("kaijiang-2021-plan")


def test_body_is_the_one_definition_of_body_text(seed_corpus):
    body = seed_corpus.body()
    assert body.segments["in_body"].all()
    assert not seed_corpus.segments["in_body"].all()  # front and back matter exist
    assert set(body.sentences["seg_id"]) <= set(body.segments["seg_id"])
    assert set(body.tokens["seg_id"]) <= set(body.segments["seg_id"])
    titles = body.segments[body.segments["doc_id"] == "guanxian-2022-plan"]["text"]
    assert not titles.str.contains("冠政办发〔2022〕4号").any()


def test_body_is_made_once_and_not_inherited(seed_corpus):
    # issue 16: every analysis asks for the body (26 times in one report); it is derived once
    assert seed_corpus.body() is seed_corpus.body()
    guanxian = seed_corpus.subset(county="冠县")
    assert set(guanxian.body().segments["doc_id"]) == {"guanxian-2022-plan", "guanxian-2023-report"}
    assert guanxian.body() is not seed_corpus.body()
    assert len(guanxian.body().segments) < len(seed_corpus.body().segments)


def test_body_and_subsets_never_make_the_whole_token_table(seed_dir, seed_cache, seed_corpus):
    """Issue 16: the body and a subset are filtered from the cache's Arrow rows, so at national
    scale the whole token table is not made in pandas beside the body's; the frames are the same."""
    fresh = corpus.load(seed_dir, cache=seed_cache)
    body, guanxian = fresh.body(), fresh.subset(county="冠县")
    for table in ("tokens", "sentences", "responsibilities"):
        ids = set(body.segments["seg_id"])
        body_table = getattr(body, table)
        pd.testing.assert_frame_equal(body_table, rows_in(getattr(seed_corpus, table), ids, key="seg_id"))
        assert len(body_table) and isinstance(_raw(fresh, table), Pending)  # the whole table: still not made
        ids = {"guanxian-2022-plan", "guanxian-2023-report"}
        pd.testing.assert_frame_equal(getattr(guanxian, table), rows_in(getattr(seed_corpus, table), ids))
    assert isinstance(_raw(fresh, "tokens"), Pending)
    pd.testing.assert_frame_equal(fresh.tokens, seed_corpus.tokens)  # made on its own first use


def test_only_id_columns_are_categories_so_filtered_frames_keep_their_order():
    """corpus.assemble.table_frame filters in Arrow: equal to rows_in of the whole table only while every
    dictionary column (a pandas categorical) is an id whose rows are kept or dropped together."""
    coded = {
        (name, f.name)
        for name, schema in tables.SCHEMAS.items()
        for f in schema
        if pa.types.is_dictionary(f.type) and f.name not in tables.DECODED.get(name, ())
    }
    assert coded == {("tokens", "doc_id"), ("tokens", "seg_id"), ("tokens", "sent_id")}


def test_with_docvars_by_county_and_attach(seed_corpus):
    region = pd.DataFrame(
        {"county": ["冠县", "开江县", "濉溪县", "濮阳县"], "region": ["east", "west", "east", "central"]}
    )
    c = seed_corpus.with_docvars(region, on="county")
    assert c.docvar("region")["kaijiang-2021-plan"] == "west"
    assert "region" not in seed_corpus.documents  # original unchanged
    table = pd.DataFrame({"doc_a": ["puyang-2022-assessment"], "x": [1]})
    assert c.attach(table, "region", "county", on="doc_a").iloc[0][["region", "county"]].tolist() == [
        "central",
        "濮阳县",
    ]
    with pytest.raises(ValueError, match=r"already exist as docvars"):
        seed_corpus.with_docvars(region.rename(columns={"region": "province"}), on="county")
    with pytest.raises(ValueError, match="repeat"):
        seed_corpus.with_docvars(pd.concat([region, region]), on="county")


def test_from_tables_builds_a_corpus_without_files():
    segments = pd.DataFrame(
        {
            "doc_id": ["d", "d"],
            "seg_id": ["d:0", "d:1"],
            "in_body": [False, True],
            "text": ["标题", "正文。"],
            "heading": ["", ""],
        }
    )
    c = Corpus.from_tables(segments=segments, texts={"d": "标题\n正文。"})
    assert c.doc_ids == ["d"] and len(c.body().segments) == 1
    assert c.quote("d", 3, 6) == "正文。"


def test_rows_come_in_file_order_whatever_the_order_of_the_pieces():
    """corpus.assemble._ordered returns the table itself when its rows already are in file order
    (checked chunk by chunk) and otherwise the kept files' rows, stably sorted by file."""
    from corpus.assemble import _ordered

    def piece(keys, values):
        return pa.table({"x": values, tables.KEY: pa.array(keys).dictionary_encode()})

    first, second = piece(["a", "a", "b"], [1, 2, 3]), piece(["c", "c"], [4, 5])
    rank = {"a": 0, "b": 1, "c": 2}
    in_order = tables.concat([first, second])
    assert _ordered([first, second], rank).equals(in_order)
    assert _ordered([second, first], rank).column("x").to_pylist() == [1, 2, 3, 4, 5]
    assert _ordered([second, first], {"a": 0, "c": 1}).column("x").to_pylist() == [1, 2, 4, 5]  # b not kept
    assert _ordered([piece(["b", "a"], [3, 1])], rank).column("x").to_pylist() == [1, 3]


def test_all_in_looks_at_dictionaries_and_says_no_for_a_value_or_a_null_outside():
    from corpus.assemble import _all_in

    value_set = pa.array(["s1", "s2"])
    assert _all_in(pa.chunked_array([pa.array(["s1", "s2", "s1"]).dictionary_encode()]), value_set)
    assert _all_in(pa.chunked_array([pa.array(["s1", "s2"])]), value_set)
    assert not _all_in(pa.chunked_array([pa.array(["s1", "s3"]).dictionary_encode()]), value_set)
    assert not _all_in(pa.chunked_array([pa.array(["s1", None]).dictionary_encode()]), value_set)
    assert not _all_in(pa.chunked_array([pa.array(["s1", "s3"])]), value_set)
