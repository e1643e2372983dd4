"""A document written in traditional Chinese is analysed like its simplified twin (issue 11):
figures, KWIC and reuse match simplified cues, quotes show the source as written."""

from __future__ import annotations

import opencc
import pytest

import analysis as an
import corpus


@pytest.fixture(scope="module")
def twin(seed_dir, tmp_path_factory):
    folder = tmp_path_factory.mktemp("traditional")
    text = (seed_dir / "guanxian-2023-report.txt").read_text(encoding="utf-8")
    (folder / "guanxian-2023-report-traditional.txt").write_text(opencc.OpenCC("s2t.json").convert(text), "utf-8")
    return corpus.load(folder, cache=tmp_path_factory.mktemp("cache"))


def test_traditional_text_is_marked_and_keeps_its_docvars(twin):
    doc = twin.documents.iloc[0]
    assert bool(doc["simplified"]) and twin.simplified_ids == {doc["doc_id"]}
    view, source = twin.source_view(doc["doc_id"]), twin.source_text(doc["doc_id"])
    assert len(view) == len(source) and view != source and "复议" in view
    assert (doc["county"], doc["province"], doc["doc_type"], doc["year_start"]) == ("冠县", "山东省", "report", 2023)


def test_figures_found_and_quoted_as_written(twin):
    rows = an.metrics(twin)
    received = rows[rows.metric == "reconsideration_received"].iloc[0]
    assert received.value == 91 and received.year == 2023
    assert "複議申請" in received.quote  # the source's own characters
    assert twin.source_text(received.doc_id)[received.start : received.end] == received.quote


def test_kwic_finds_simplified_cues_in_traditional_text(twin, seed_corpus):
    rows = an.kwic(twin, "行政复议")
    assert len(rows) == len(an.kwic(seed_corpus, "行政复议", doc_id="guanxian-2023-report")) == 4
    assert (rows.keyword == "行政複議").all()
    assert all(twin.quote(r.doc_id, r.match_start, r.match_end) == r.keyword for r in rows.itertuples())
