"""Validity of the coding against headings and an NMF model (issue 3)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.coverage import validity as val
from analysis.coverage.coder import TopicCoder
from corpus import Corpus


@pytest.fixture(scope="module")
def cb():
    return TopicCoder.from_file()


@pytest.fixture(scope="module")
def labels(seed_corpus, cb):
    return val.heading_labels(seed_corpus, coder=cb)


@pytest.fixture(scope="module")
def table(seed_corpus, cb, labels):
    return val.agreement(labels, val.predictions(seed_corpus, coder=cb), coder=cb).set_index("area_id")


def _segs(rows):
    cols = ["doc_id", "seg_id", "parent", "kind", "heading", "text", "in_body"]
    return Corpus.from_tables(segments=pd.DataFrame(rows, columns=cols))


def test_label_comes_from_nearest_heading_that_names_an_area(cb):
    segs = _segs(
        [
            ("d", "d:1", None, "part", "健全行政权力制约和监督体系", "健全行政权力制约和监督体系", True),
            ("d", "d:2", "d:1", "item", "加强和规范政府工作", "加强和规范政府工作。依法组织开展工作。", True),
            (
                "d",
                "d:3",
                "d:1",
                "item",
                "发挥行政复议主渠道作用",
                "发挥行政复议主渠道作用。深化体制改革，提高案件质量。",
                True,
            ),
            ("d", "d:4", None, "part", "工作步骤", "工作步骤", True),
            ("d", "d:5", "d:4", "paragraph", "", "各级各部门建立工作推进台账。", True),
        ]
    )
    out = val.heading_labels(segs, coder=cb).set_index("seg_id")
    assert out.loc["d:2", "area_id"] == "supervision" and out.loc["d:2", "label_seg_id"] == "d:1"
    assert out.loc["d:3", "area_id"] == "disputes" and out.loc["d:3", "label_seg_id"] == "d:3"
    assert "d:1" not in out.index  # heading only: nothing left to code
    assert "d:5" not in out.index  # 工作步骤 names no area


def test_coding_for_validity_ignores_the_own_heading(cb):
    segs = _segs(
        [("d", "d:1", None, "section", "发挥行政复议主渠道作用", "发挥行政复议主渠道作用。推进政务公开。", True)]
    )
    assert val.predictions(segs, coder=cb).to_dict() == {"d:1": "supervision"}


def test_agreement_perfect_and_missed(cb):
    labels = pd.DataFrame({"seg_id": ["a", "b", "c", "d"], "area_id": ["disputes", "disputes", "digital", "digital"]})
    perfect = val.agreement(
        labels, pd.Series({"a": "disputes", "b": "disputes", "c": "digital", "d": "digital"}), coder=cb
    )
    assert perfect.set_index("area_id").loc["macro", ["precision", "recall", "kappa"]].tolist() == [1.0, 1.0, 1.0]
    missed = val.agreement(labels, pd.Series({"a": "disputes", "c": "digital", "d": "digital"}), coder=cb).set_index(
        "area_id"
    )
    assert missed.loc["disputes", "recall"] == 0.5 and missed.loc["disputes", "precision"] == 1.0
    assert missed.loc["disputes", "kappa"] == 0.5
    assert missed.loc["macro", "n_segments"] == 4 and missed.loc["macro", "n_predicted"] == 3


def test_seed_labels_follow_the_outline_headings(seed_corpus, labels):
    segs = seed_corpus.segments.set_index("seg_id")
    by_heading = labels.assign(heading=labels["seg_id"].map(segs["heading"])).set_index(["doc_id", "heading"])
    assert by_heading.loc[("puyang-2022-2025-scheme", "加强和规范政府督查工作"), "area_id"] == "supervision"
    assert by_heading.loc[("suixi-2021-2025-scheme", "加强和规范行政应诉工作"), "area_id"] == "disputes"
    assert by_heading.loc[("puyang-2022-integration-scheme", "优化审判职权配置"), "area_id"] == "justice"
    per_doc = labels.groupby("doc_id").size()
    assert per_doc["suixi-2021-2025-scheme"] >= 30 and per_doc["puyang-2022-2025-scheme"] >= 40


def test_macro_kappa_on_heading_labelled_segments(table):
    assert table.loc["macro", "kappa"] >= 0.7
    assert table.loc["macro", "n_segments"] >= 250
    gangyao = [
        "functions",
        "rules",
        "decisions",
        "enforcement",
        "emergency",
        "disputes",
        "supervision",
        "digital",
        "leadership",
    ]
    assert set(gangyao) <= set(table.index)
    assert (table["kappa"].between(-1, 1)).all()


def test_macro_kappa_on_the_outline_following_documents(seed_corpus, cb, labels):
    """濉溪 and 濮阳县 (the documents whose headings follow the 纲要) on their own."""
    docs = ["suixi-2021-2025-scheme", "puyang-2022-2025-scheme"]
    sub = labels[labels["doc_id"].isin(docs)]
    table = val.agreement(sub, val.predictions(seed_corpus, coder=cb), coder=cb).set_index("area_id")
    assert table.loc["macro", "kappa"] >= 0.7


def test_nmf_keeps_single_character_tokens_and_is_reproducible(seed_corpus, cb):
    docs = val.segment_tokens(seed_corpus.body().tokens)
    vec, _model, w = val.fit_nmf(docs, n_topics=5)
    vocab = set(vec.get_feature_names_out())
    assert {"党", "法"} & vocab
    _, _, w2 = val.fit_nmf(docs, n_topics=5)
    assert np.allclose(w, w2)


def test_nmf_alignment_table(seed_corpus, cb, labels):
    docs = val.segment_tokens(seed_corpus.body().tokens)
    topics, summary = val.nmf_alignment(docs, labels.set_index("seg_id")["area_id"], cb.codebook)
    assert len(topics) == len(cb.codebook.areas)
    assert set(topics["best_area"].dropna()) <= {a.id for a in cb.codebook.areas}
    s = summary.set_index("measure")["value"]
    assert 0.3 < s["ami"] < 1 and 0.5 < s["purity"] <= 1
    disputes = topics[topics["best_area"] == "disputes"]
    assert disputes["top_terms"].str.contains("矛盾纠纷|行政复议|调解").any()
