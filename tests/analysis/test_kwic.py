"""Keyword in context (issue 3): every row is verbatim source text at its offsets."""

from __future__ import annotations

import pytest

from analysis.coverage.codebook import normalise
from analysis.coverage.coder import TopicCoder
from analysis.coverage.kwic import kwic


@pytest.fixture(scope="module")
def cb():
    return TopicCoder.from_file()


@pytest.mark.parametrize(
    "query", ["行政复议", "双随机、一公开", "互联网＋监管", "disputes.litigation", "justice", "emergency.pandemic"]
)
def test_every_row_is_verbatim_source(seed_corpus, cb, query):
    rows = kwic(seed_corpus, query, coder=cb)
    assert len(rows) > 0
    for r in rows.itertuples():
        source = seed_corpus.source_text(r.doc_id)
        assert source[r.start : r.end] == r.text
        assert r.start <= r.match_start < r.match_end <= r.end
        assert source[r.match_start : r.match_end] == r.keyword
        assert normalise(r.keyword).replace(",", "，") == normalise(r.cue).replace(",", "，")
        assert source[r.match_start - len(r.left) : r.match_start] == r.left


def test_reconsideration_counts_in_guanxian_report(seed_corpus, cb):
    rows = kwic(seed_corpus, "行政复议", coder=cb, doc_id="guanxian-2023-report")
    assert any("接收行政复议申请91件" in t for t in rows["text"])
    assert (rows["doc_id"] == "guanxian-2023-report").all()
    assert rows["topic_id"].eq("").all()


def test_topic_query_applies_exclusions(seed_corpus, cb):
    assert len(kwic(seed_corpus, "党内规范性文件", coder=cb)) >= 1  # the phrase is in the seeds
    rows = kwic(seed_corpus, "rules.normative_documents", coder=cb)
    inside = rows[(rows["cue"] == "规范性文件") & rows["left"].str.endswith("党内")]
    assert inside.empty


def test_half_width_source_punctuation_is_found(seed_corpus, cb):
    """冠县 2023 is published with half-width commas; the clean text has full-width ones."""
    rows = kwic(seed_corpus, "2023年，冠县", coder=cb, doc_id="guanxian-2023-report")
    assert len(rows) >= 1
    assert rows["keyword"].str.contains(",").all()


def test_empty_query_is_rejected(seed_corpus, cb):
    with pytest.raises(ValueError, match="query must be"):
        kwic(seed_corpus, "  ", coder=cb)
