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

Candidates: with at most ``neighbour_docs`` other documents (default :data:`NEIGHBOUR_DOCS`),
every unit is compared with every unit of every other document (exact). With more, a unit is
compared with the units of its document's ``neighbour_docs`` most similar documents only (the
documents' cosines from the sums of their units' vectors, their nearest found as the similarity
table's are, by :func:`analysis.similarity.candidates.topk`: exact up to 3,000 documents, sketch
candidates re-scored exactly above; a pair is a candidate when either document is among the
other's nearest), so the cost grows linearly with the corpus instead of
with the square of its units: the best-matching sections of two documents are looked for where
the documents themselves are alike. Measured against the exact search: on the seeds and the
realdocs (26 documents), with each document's 5 nearest documents as candidates (a fifth of the
corpus), 91 % of the units' best matches are found, and all 49 best matches of cosine ≥ 0.5; with
10, 98 %. On 200 synthetic reports, whose paragraphs are recombined at random across documents
(a worst case: there, where a paragraph recurs says little about which documents are alike),
the default 50 keeps 50 % of the best matches.

Cost: exact, O(n_units² · density) time in blocks and O(block · n_units) memory; with
candidates, O(n_docs · neighbour_docs · units per document²) time and memory per document
only; O(n_units · k) output. Measured in ``benchmarks/bench_similarity.py`` (2 CPUs): 7 seeds
(243 units) 0.10 s; 50 / 100 / 200 synthetic documents (1.5 k / 3.0 k / 6.0 k units) 0.9 /
1.0 / 2.8 s.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.preprocessing import normalize

from analysis.similarity import candidates
from analysis.similarity.tfidf import join_text, topk_cosine, word_matrix

TASK_KINDS = frozenset({"section", "item"})
# With more other documents than this, a unit's matches are looked for in its document's this many
# most similar documents only (the documents' own top-k of the similarity table is 50 too).
NEIGHBOUR_DOCS = 50


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
    seg_id, parents, kinds = _objects(body, "seg_id", "parent", "kind")
    parent = dict(zip(seg_id, parents))
    kind = dict(zip(seg_id, kinds))
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
    agg = seg.groupby("unit_id", sort=False).agg(doc_id=("doc_id", "first"), start=("start", "min"), end=("end", "max"))
    agg["text"] = join_text(seg.unit_id, seg.text)
    roots = c.segments.set_index("seg_id").loc[agg.index, ["kind", "number", "heading"]]
    units = agg.join(roots).reset_index()
    units["n_chars"] = units.text.str.len()
    units = units[units.n_chars - units.heading.fillna("").str.len() >= min_chars]
    return units[["doc_id", "unit_id", "kind", "number", "heading", "start", "end", "text", "n_chars"]].reset_index(
        drop=True
    )


def unit_matrix(c, units: pd.DataFrame, *, min_df: int = 1) -> sparse.csr_matrix:
    """TF-IDF matrix of the units' content tokens (stopwords and tokens without Chinese removed),
    one row per unit in ``units``' order (:func:`analysis.similarity.tfidf.word_matrix`)."""
    tok = c.body().tokens
    segs = tok.seg_id.astype("category").array  # the table's categorical: its codes, no copy
    unit_codes, unit_ids = pd.factorize(pd.Index(segs.categories).astype(str).map(unit_map(c.body().segments)))
    unit_codes = np.append(unit_codes, -1).astype(np.int32)  # a token without segment (code -1): no unit
    keys = pd.Categorical.from_codes(unit_codes[segs.codes], categories=unit_ids)
    return word_matrix(tok, units.unit_id, keys=keys, min_df=min_df)


def align(
    c, *, top_k: int = 5, min_chars: int = 20, min_df: int = 1, neighbour_docs: int = NEIGHBOUR_DOCS
) -> pd.DataFrame:
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
    neighbour_docs : int, keyword-only
        With more other documents than this, each unit is compared with the units of its
        document's ``neighbour_docs`` most similar documents only (see the module docstring).

    Returns
    -------
    DataFrame
        doc_a, unit_a, number_a, heading_a, start_a, end_a, doc_b, unit_b, number_b,
        heading_b, start_b, end_b, cosine, rank (1 = unit_b is unit_a's best match),
        mutual (True when unit_a is also unit_b's best match in doc_a's document).
        Offsets are into the source files.
    """
    units = task_units(c, min_chars=min_chars)
    matrix = unit_matrix(c, units, min_df=min_df)
    if units.doc_id.nunique() - 1 <= neighbour_docs:
        pairs = topk_cosine(matrix, k=top_k, groups_x=units.doc_id, groups_y=units.doc_id)
    else:
        pairs = topk_among_neighbours(matrix, units.doc_id, k=top_k, neighbour_docs=neighbour_docs)
    cols = ["doc_id", "unit_id", "number", "heading", "start", "end"]
    units = units[cols]  # not the units' text: every unit appears in ~2 · top_k rows
    a = units.iloc[pairs.i.to_numpy()].reset_index(drop=True)
    b = units.iloc[pairs.j.to_numpy()].reset_index(drop=True)
    out = pd.concat([a.add_suffix("_a"), b.add_suffix("_b")], axis=1)
    out = out.rename(columns={"doc_id_a": "doc_a", "doc_id_b": "doc_b", "unit_id_a": "unit_a", "unit_id_b": "unit_b"})
    out["cosine"] = pairs.cosine.round(6).to_numpy()
    out["rank"] = pairs["rank"].to_numpy()
    out["mutual"] = _mutual(out)
    return out


def topk_among_neighbours(matrix, groups: pd.Series, *, k: int, neighbour_docs: int) -> pd.DataFrame:
    """The ``k`` most similar rows of each row of ``matrix`` among the rows of its group's nearest groups.

    Groups (documents) are compared by the l2-normalised sums of their rows; a pair of groups is a
    candidate when either is among the other's ``neighbour_docs`` nearest. Each group's rows are
    then scored against the rows of its candidate groups only (never its own), one group at a time.

    Returns
    -------
    DataFrame
        i, j (rows of ``matrix``), cosine, rank (1 = best for i), as :func:`topk_cosine`.
    """
    codes, _ = pd.factorize(groups)
    n_groups, n_rows = codes.max() + 1, len(codes)
    member = sparse.csr_matrix((np.ones(n_rows), (codes, np.arange(n_rows))), shape=(n_groups, n_rows))
    near = candidates.topk(normalize(member @ matrix), k=neighbour_docs + 1)  # exact up to 3,000 documents
    near = near[near.i != near.j]
    pairs = sparse.csr_matrix(
        (np.ones(2 * len(near), bool), (np.r_[near.i, near.j], np.r_[near.j, near.i])), shape=(n_groups, n_groups)
    )
    rows_of = np.split(np.argsort(codes, kind="stable"), np.cumsum(np.bincount(codes, minlength=n_groups))[:-1])
    matrix = sparse.csr_matrix(matrix)
    local = np.zeros(matrix.shape[1], dtype=np.int64)
    out = []
    for g in range(n_groups):
        mine, others = rows_of[g], pairs.indices[pairs.indptr[g] : pairs.indptr[g + 1]]
        if not len(mine) or not len(others):
            continue
        theirs = np.sort(np.concatenate([rows_of[h] for h in others]))
        sims = _cosines(matrix, mine, theirs, local)
        kk = min(k, sims.shape[1])
        idx = np.argpartition(-sims, kk - 1, axis=1)[:, :kk]
        val = np.take_along_axis(sims, idx, axis=1)
        order = np.argsort(-val, axis=1, kind="stable")
        idx, val = np.take_along_axis(idx, order, 1), np.take_along_axis(val, order, 1)
        out.append(
            pd.DataFrame(
                {
                    "i": np.repeat(mine, kk),
                    "j": theirs[idx.ravel()],
                    "cosine": val.ravel(),
                    "rank": np.tile(np.arange(1, kk + 1), len(mine)),
                }
            )
        )
    res = pd.concat(out, ignore_index=True) if out else pd.DataFrame(columns=["i", "j", "cosine", "rank"])
    res = res[res.cosine > 0].sort_values(["i", "rank"], kind="stable")
    return res.reset_index(drop=True)


def _cosines(matrix: sparse.csr_matrix, mine: np.ndarray, theirs: np.ndarray, local: np.ndarray) -> np.ndarray:
    """Dense ``len(mine)`` × ``len(theirs)`` inner products of those rows of ``matrix``.

    ``mine``'s rows are densified over their own columns only (rows 1.. of a dense matrix whose
    row 0 is zeros) and ``theirs``' rows multiplied by it, each value's column looked up in
    ``local`` (0: a column ``mine`` does not hold, which adds zero): a sparse × dense product,
    with no sparse × sparse product, no transposed copy and no masked copy of ``theirs`` per
    group (the masking was 60 % of alignment's time at 20,000 documents). ``local`` (one int per
    column, all 0) is left as found.
    """
    own = matrix[mine]
    cols = np.unique(own.indices)
    local[cols] = np.arange(1, len(cols) + 1)
    dense = np.zeros((len(cols) + 1, len(mine)))
    dense[local[own.indices], np.repeat(np.arange(len(mine)), np.diff(own.indptr))] = own.data
    other = matrix[theirs]
    shared = sparse.csr_matrix((other.data, local[other.indices], other.indptr), shape=(len(theirs), len(cols) + 1))
    local[cols] = 0
    return (shared @ dense).T


def _mutual(al: pd.DataFrame) -> np.ndarray:
    """True where unit_a is unit_b's best match among unit_a's document's units."""
    first = al.sort_values("cosine", ascending=False, kind="stable").drop_duplicates(["unit_a", "doc_b"])
    best = dict(zip(zip(*_objects(first, "unit_a", "doc_b")), _objects(first, "unit_b")[0]))
    back = [best.get((ub, da)) == ua for ua, ub, da in zip(*_objects(al, "unit_a", "unit_b", "doc_a"))]
    is_best = al.index.isin(first.index)
    return np.asarray(back, dtype=bool) & is_best


def _objects(table: pd.DataFrame, *columns: str) -> list[np.ndarray]:
    """Columns as object arrays, converted in bulk (iterating Arrow strings goes row by row)."""
    return [table[c].to_numpy(dtype=object) for c in columns]


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
