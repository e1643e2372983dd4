"""Section alignment (issue 4): task units and their best matches across documents."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from analysis.similarity import alignment
from corpus import Corpus

SUIXI, PUYANG = "suixi-2021-2025-scheme", "puyang-2022-2025-scheme"
HEADING = "发挥行政复议化解行政争议主渠道作用"


@pytest.fixture(scope="module")
def aligned(seed_corpus):
    return alignment.align(seed_corpus, top_k=5)


def _segments(rows):
    return pd.DataFrame(rows, columns=["seg_id", "parent", "kind", "in_body"])


def test_unit_map_folds_descendants_into_leaf_tasks():
    seg = _segments(
        [
            ("f", None, "front", False),
            ("p1", None, "part", True),  # part holding sections
            ("p1.i", "p1", "paragraph", True),  # intro paragraph of the part
            ("s1", "p1", "section", True),  # section grouping items -> container
            ("s1.1", "s1", "item", True),  # leaf task
            ("s1.1.a", "s1.1", "subitem", True),
            ("s1.1.b", "s1.1.a", "paragraph", True),
            ("s2", "p1", "section", True),  # leaf task directly under the part
            ("s2.a", "s2", "paragraph", True),
            ("top", None, "paragraph", True),
        ]
    )
    units = alignment.unit_map(Corpus.from_tables(segments=seg.assign(doc_id="d")).body().segments)
    assert "f" not in units.index
    assert units.to_dict() == {
        "p1": "p1",
        "p1.i": "p1",
        "s1": "s1",
        "s1.1": "s1.1",
        "s1.1.a": "s1.1",
        "s1.1.b": "s1.1",
        "s2": "s2",
        "s2.a": "s2",
        "top": "top",
    }


def test_seed_units_are_sections_and_items_at_any_depth(seed_corpus):
    units = alignment.task_units(seed_corpus).set_index("unit_id")
    suixi = units[(units.doc_id == SUIXI) & (units.number == "十七")].iloc[0]
    puyang = units[(units.doc_id == PUYANG) & (units.number == "18")].iloc[0]
    assert (suixi.kind, suixi.heading) == ("section", HEADING)
    assert (puyang.kind, puyang.heading) == ("item", HEADING)
    for unit in (suixi, puyang):
        assert HEADING in re.sub(r"\s", "", seed_corpus.source_text(unit.doc_id)[unit.start : unit.end])
    # a grouping heading such as 濮阳县 （六） holds no text of its own and is dropped
    assert units[(units.doc_id == PUYANG) & (units.heading == "健全社会矛盾纠纷行政预防调处化解体系")].empty


def test_suixi_17_aligns_with_puyang_18(aligned):
    rows = aligned[(aligned.doc_a == SUIXI) & (aligned.number_a == "十七") & (aligned.doc_b == PUYANG)]
    assert len(rows) == 1
    row = rows.iloc[0]
    assert (row.number_b, row.heading_b, row.heading_a) == ("18", HEADING, HEADING)
    assert row.mutual and row.cosine == pytest.approx(0.433, abs=0.03)
    back = aligned[(aligned.doc_a == PUYANG) & (aligned.number_a == "18") & (aligned.doc_b == SUIXI)]
    assert back.sort_values("cosine").iloc[-1].number_b == "十七"


def test_alignment_is_cross_document_top_k_with_source_offsets(seed_corpus, aligned):
    assert (aligned.doc_a != aligned.doc_b).all()
    assert aligned.groupby("unit_a").size().max() <= 5
    assert aligned.cosine.between(0, 1.000001).all()
    spans = seed_corpus.documents.set_index("doc_id")
    for side in ("a", "b"):
        doc = aligned[f"doc_{side}"]
        assert (aligned[f"start_{side}"] >= doc.map(spans.start)).all()
        assert (aligned[f"end_{side}"] <= doc.map(spans.end)).all()


def test_best_pairs_limits_each_document_pair(aligned):
    best = alignment.best_pairs(aligned, n=3)
    assert best.groupby(["doc_a", "doc_b"]).size().max() == 3
    assert len(best.groupby(["doc_a", "doc_b"])) == 42
    first = best.groupby(["doc_a", "doc_b"]).cosine.first()
    assert (first == aligned.groupby(["doc_a", "doc_b"]).cosine.max()).all()


def test_units_are_compared_within_neighbouring_documents_only(seed_corpus, aligned):
    """Issue 16: above ``neighbour_docs`` other documents a unit is compared with the units of its
    document's nearest documents only; the result is the exact top-k among those candidates."""
    assert alignment.align(seed_corpus, top_k=5, neighbour_docs=6).equals(aligned)  # 6 others: all compared
    near = alignment.align(seed_corpus, top_k=5, neighbour_docs=2)
    units = alignment.task_units(seed_corpus)
    matrix = alignment.unit_matrix(seed_corpus, units)
    docs = units.doc_id.to_numpy()
    cosines = (matrix @ matrix.T).toarray()
    ids = list(dict.fromkeys(docs))  # documents compared by the normalised sums of their units
    sums = np.vstack([np.asarray(matrix[docs == d].sum(axis=0)).ravel() for d in ids])
    sums /= np.linalg.norm(sums, axis=1, keepdims=True)
    doc_cos = sums @ sums.T
    np.fill_diagonal(doc_cos, -1)
    nearest = {(ids[a], ids[b]) for a in range(len(ids)) for b in np.argsort(-doc_cos[a])[:2]}
    candidates = nearest | {(b, a) for a, b in nearest}
    assert set(zip(near.doc_a, near.doc_b)) <= candidates < set(zip(aligned.doc_a, aligned.doc_b))
    for i in (0, len(units) // 2, len(units) - 1):
        allowed = [b for b in range(len(units)) if (docs[i], docs[b]) in candidates]
        best = sorted(allowed, key=lambda b: -cosines[i, b])[:5]
        got = near[near.unit_a == units.unit_id[i]]
        assert got.cosine.tolist() == pytest.approx([cosines[i, b] for b in best], abs=1e-6)


@pytest.mark.parametrize("block", [None, 997], ids=["one-block", "blocks-of-997-tokens"])
def test_unit_matrix_equals_tfidf_vectorizer_on_token_lists(seed_corpus, block, monkeypatch):
    """Issue 16: the units' matrix built from the token table's columns (no string or list per token),
    in one block or counted 997 token rows at a time (units cut across blocks), is the one
    ``TfidfVectorizer`` gives on each unit's content token list."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    from analysis.similarity import tfidf
    from analysis.similarity.tfidf import content_tokens

    if block:
        monkeypatch.setattr(tfidf, "TOKEN_BLOCK", block)

    units = alignment.task_units(seed_corpus)
    tok = content_tokens(seed_corpus)
    unit_of = alignment.unit_map(seed_corpus.body().segments)
    tok = tok[tok.seg_id.astype(str).isin(unit_of.index)]
    lists = tok.groupby(tok.seg_id.astype(str).map(unit_of), sort=False)["token"].agg(list)
    docs = [lists.get(u, []) for u in units.unit_id]
    expected = TfidfVectorizer(analyzer=lambda x: x, lowercase=False, sublinear_tf=True).fit_transform(docs)
    ours = alignment.unit_matrix(seed_corpus, units)
    assert ours.shape == expected.shape and ours.shape[0] == len(units) > 200
    assert abs(ours - expected).max() < 1e-12
