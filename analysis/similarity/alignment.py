"""Section alignment: which task units of two documents say the same thing.

Units are the documents' *task units*: a section (（一）) or item (1.) that has no section
or item below it, together with all its descendants (sub-items, paragraphs). Headings
that only group tasks (濮阳县's （六）健全社会矛盾纠纷…体系 above items 16–20) and part
headings form their own small units with any intro paragraphs. So 濉溪's （十七）
(a section directly under a part) and 濮阳县's 18. (an item under a section) are each
one unit, whatever the nesting depth of their documents.

Each unit becomes a TF-IDF vector of its content tokens (stopwords removed). For every
unit the ``top_k`` most similar units of *other* documents are found with
:func:`analysis.similarity.topk_cosine` — sparse products in row blocks, top-k kept,
no dense unit × unit matrix stored.

Cost: O(n_units² · density) time in blocks, O(block · n_units) memory, O(n_units · k)
output. Measured in ``benchmarks/bench_similarity.py`` (2 CPUs): 7 seeds (243 units)
0.10 s; 50 / 100 / 200 synthetic documents (1.5 k / 3.0 k / 6.0 k units) 0.9 / 1.0 / 2.8 s.
Beyond that, replace the exact block search by an approximate index (e.g. ANN on
the same vectors); the interface stays (unit, neighbour, cosine, rank).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.similarity.tfidf import content_tokens, token_lists, topk_cosine, vectorize

TASK_KINDS = frozenset({"section", "item"})


def unit_map(body: pd.DataFrame) -> pd.Series:
    """Task unit of each body segment (``body``: the segments of ``Corpus.body()``).

    A *leaf task* is a section or item with no section/item below it. A segment belongs to
    the highest leaf task among itself and its ancestors; failing that, to its nearest
    ancestor-or-self that contains tasks (a part, or a section grouping items), or to its
    top body ancestor.

    Returns
    -------
    Series
        seg_id -> unit_id (the seg_id of the unit's root segment).
    """
    parent = dict(zip(body.seg_id, body.parent))
    kind = dict(zip(body.seg_id, body.kind))
    chains = {}
    for seg in body.seg_id:
        chain, node = [], seg
        while node in parent:  # stops at the first ancestor outside the body (or none)
            chain.append(node)
            node = parent[node]
        chains[seg] = chain
    containers = {a for seg, chain in chains.items() if kind[seg] in TASK_KINDS for a in chain[1:]}
    roots = {}
    for seg, chain in chains.items():
        leaves = [s for s in chain if kind[s] in TASK_KINDS and s not in containers]
        holders = [s for s in chain if s in containers]
        roots[seg] = leaves[-1] if leaves else holders[0] if holders else chain[-1]
    return pd.Series(roots, name="unit_id")


def task_units(c, *, min_chars: int = 20) -> pd.DataFrame:
    """Task units of every document with their text and source span.

    Returns
    -------
    DataFrame
        doc_id, unit_id, kind, number, heading (of the root segment), start, end
        (source offsets spanning the unit), text (clean text of root and descendants in
        document order), n_chars; units with fewer than ``min_chars`` characters besides
        their heading (e.g. a heading that only groups tasks) are dropped.
    """
    seg = c.body().segments.copy()
    seg["unit_id"] = seg.seg_id.map(unit_map(seg))
    agg = seg.groupby("unit_id", sort=False).agg(
        doc_id=("doc_id", "first"), start=("start", "min"), end=("end", "max"), text=("text", "".join)
    )
    roots = c.segments.set_index("seg_id").loc[agg.index, ["kind", "number", "heading"]]
    units = agg.join(roots).reset_index()
    units["n_chars"] = units.text.str.len()
    units = units[units.n_chars - units.heading.fillna("").str.len() >= min_chars]
    return units[["doc_id", "unit_id", "kind", "number", "heading", "start", "end", "text", "n_chars"]].reset_index(
        drop=True
    )


def unit_tokens(c, units: pd.DataFrame) -> pd.Series:
    """Content tokens (stopwords and tokens without Chinese removed) per unit, in unit order."""
    members = unit_map(c.body().segments)
    tok = content_tokens(c)
    tok = tok[tok.seg_id.isin(members.index)]
    return token_lists(tok.seg_id.map(members).rename("unit_id"), tok.token, units.unit_id)


def align(c, *, top_k: int = 5, min_chars: int = 20, min_df: int = 1) -> pd.DataFrame:
    """Best-matching task units across documents.

    Parameters
    ----------
    c : corpus.Corpus
    top_k : int, keyword-only
        Neighbours kept per unit (all from documents other than the unit's own).
    min_chars : int, keyword-only
        Units with fewer clean characters besides their heading are left out.
    min_df : int, keyword-only
        Passed to the TF-IDF vectorizer.

    Returns
    -------
    DataFrame
        doc_a, unit_a, number_a, heading_a, start_a, end_a, doc_b, unit_b, number_b,
        heading_b, start_b, end_b, cosine, rank (1 = unit_b is unit_a's best match),
        mutual (True when unit_a is also unit_b's best match in doc_a's document).
        Offsets are into the source files.
    """
    units = task_units(c, min_chars=min_chars)
    matrix, _, _ = vectorize(unit_tokens(c, units), method="tfidf_word", min_df=min_df)
    pairs = topk_cosine(matrix, k=top_k, groups_x=units.doc_id, groups_y=units.doc_id)
    a = units.iloc[pairs.i.to_numpy()].reset_index(drop=True)
    b = units.iloc[pairs.j.to_numpy()].reset_index(drop=True)
    cols = ["doc_id", "unit_id", "number", "heading", "start", "end"]
    out = pd.concat([a[cols].add_suffix("_a"), b[cols].add_suffix("_b")], axis=1)
    out = out.rename(columns={"doc_id_a": "doc_a", "doc_id_b": "doc_b", "unit_id_a": "unit_a", "unit_id_b": "unit_b"})
    out["cosine"] = pairs.cosine.round(6).to_numpy()
    out["rank"] = pairs["rank"].to_numpy()
    out["mutual"] = _mutual(out)
    return out


def _mutual(al: pd.DataFrame) -> np.ndarray:
    """True where unit_a is unit_b's best match among unit_a's document's units."""
    first = al.sort_values("cosine", ascending=False, kind="stable").drop_duplicates(["unit_a", "doc_b"])
    best = dict(zip(zip(first.unit_a, first.doc_b), first.unit_b))
    back = [best.get((ub, da)) == ua for ua, ub, da in zip(al.unit_a, al.unit_b, al.doc_a)]
    is_best = al.index.isin(first.index)
    return np.asarray(back, dtype=bool) & is_best


def best_pairs(alignment: pd.DataFrame, *, n: int = 3, mutual_only: bool = False) -> pd.DataFrame:
    """The ``n`` most similar unit pairs of every ordered document pair.

    Returns
    -------
    DataFrame
        The rows of ``alignment`` (same columns), at most ``n`` per (doc_a, doc_b),
        best first.
    """
    al = alignment[alignment.mutual] if mutual_only else alignment
    al = al.sort_values(["doc_a", "doc_b", "cosine"], ascending=[True, True, False], kind="stable")
    return al.groupby(["doc_a", "doc_b"], sort=False).head(n).reset_index(drop=True)
