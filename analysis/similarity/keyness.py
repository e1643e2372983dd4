"""Distinctive terms: weighted log-odds ratio with an informative Dirichlet prior.

Monroe, Colaresi & Quinn (2008), "Fightin' Words", *Political Analysis* 16(4), eq. 16–22.
For a group i (a county, or a document) against all other groups pooled (j), and a term w
with counts y_iw, y_jw and group sizes n_i, n_j, the prior is α_w = α0 · y_w / N (the
pooled corpus frequency, scaled to α0 pseudo-counts; α0 defaults to N, i.e. the pooled
counts themselves):

    δ_w = log((y_iw + α_w) / (n_i + α0 − y_iw − α_w)) − log((y_jw + α_w) / (n_j + α0 − y_jw − α_w))
    σ²_w ≈ 1 / (y_iw + α_w) + 1 / (y_jw + α_w)
    score = z_w = δ_w / σ_w

The z-score is reported as ``score`` (``statistic = 'log_odds_dirichlet_z'``); |z| > 1.96
is the usual reading of "distinctive". Terms are the corpus's body tokens, stopwords
removed, tokens without a Chinese character dropped, and place names masked out: a token
containing a county name, alias, prefecture or province name (``analysis.similarity.streams.place_names``)
or a place the corpus states for its documents (a ``place`` docvar) is excluded (single-character
aliases only when the token is exactly that character). Terms are whole tokens of at least two
characters, never fragments of a place name: a token that only ever occurs inside a longer known
place name of the text (海区, always inside 静海区) is excluded, and so is a two-character token
ending in 区/县/市/旗 that never stands alone — every occurrence glued to a one-character Chinese
token before it (静|海区), the mark of a place name the segmenter does not know.
Responsibility clauses are already removed from segment text by the corpus.

Groups are the county keys of :mod:`analysis.groups`: a document of unknown county is its own
group under its place, title or file name, never dropped. With fewer than two groups there is
nothing to contrast and the table is empty.

The prior's size α0 sets the shrinkage: α0 = N halves the weight of the data, so z-scores
are conservative (with the seven seeds few terms pass 1.96); rankings barely change with
α0 (checked for α0 = N, N/10 and 1000), and a smaller α0 inflates z for rare terms.

Cost: one pass over the tokens plus O(groups × vocabulary) arithmetic — 0.04 s on the
seeds, 0.7 s on 200 synthetic documents (``benchmarks/bench_similarity.py``).
"""

from __future__ import annotations

import itertools
import re

import numpy as np
import pandas as pd
import pyarrow.compute as pc
from scipy import sparse

from analysis.groups import by_county_key
from analysis.similarity import tfidf
from analysis.similarity.streams import mask_names
from analysis.similarity.tfidf import block_counts, category_codes, token_codes, vocabulary
from corpus.patterns import HAS_HAN

STATISTIC = "log_odds_dirichlet_z"
MIN_COUNT = 3  # a term is listed for a group only if it occurs at least this often there
SCORED_COLUMNS = ["group", "term", "count", "count_rest", "n_tokens", "n_tokens_rest", "log_odds", "score", "statistic"]
PLACE_SUFFIXES = "区县市旗"  # a two-character token ending in one of these may be the tail of a split place name


def log_odds_dirichlet(counts: pd.DataFrame, *, alpha0: float | None = None, observed: bool = False) -> pd.DataFrame:
    """Weighted log-odds (informative Dirichlet prior) of each group against the rest.

    Parameters
    ----------
    counts : DataFrame
        group, term, count (one row per group and term; missing rows mean 0).
    alpha0 : float, optional, keyword-only
        Total prior pseudo-count; default the corpus size N (prior = pooled counts).
    observed : bool, keyword-only
        Score only the (group, term) rows of ``counts`` with a count above 0, computed from long
        columns: the same values, without a groups × vocabulary grid (at national scale, ~2,850
        counties × tens of thousands of terms would not fit in memory).

    Returns
    -------
    DataFrame
        group, term, count, count_rest, n_tokens (group size), n_tokens_rest, log_odds (δ),
        score (z = δ/σ), statistic; one row per group and term of the vocabulary (``observed``:
        per row of ``counts`` with a count above 0). Empty (with these columns) when ``counts``
        holds no term.
    """
    if not {"group", "term", "count"} <= set(counts.columns):
        raise ValueError(f"counts needs columns group, term, count; got {list(counts.columns)}")
    if alpha0 is not None and alpha0 <= 0:
        raise ValueError(f"alpha0 must be positive, got {alpha0!r}")
    if counts.empty or counts["count"].sum() <= 0:
        return pd.DataFrame(columns=SCORED_COLUMNS)
    if observed:
        # summed per (group, term) on integer codes (sorted as a groupby would), not on string columns
        group_codes, group_names = pd.factorize(counts["group"], sort=True)
        term_codes, term_names = pd.factorize(counts["term"], sort=True)
        weights = counts["count"].to_numpy(dtype=float)
        grid = sparse.csr_matrix((weights, (group_codes, term_codes)), shape=(len(group_names), len(term_names)))
        grid.sum_duplicates()  # canonical: each (group, term) once, terms sorted within a group
        g = np.repeat(np.arange(len(group_names)), np.diff(grid.indptr))
        t, y = grid.indices, grid.data
        g, t, y = g[y > 0], t[y > 0], y[y > 0]
        total_w = np.bincount(t, weights=y, minlength=len(term_names))[t]
        n = np.bincount(g, weights=y, minlength=len(group_names))[g]
        groups, terms = np.asarray(group_names, dtype=object)[g], np.asarray(term_names, dtype=object)[t]
    else:
        table = counts.pivot_table(index="term", columns="group", values="count", aggfunc="sum", fill_value=0)
        grid = table.to_numpy(dtype=float)  # terms × groups
        shape = (len(table.columns), len(table.index))
        y = grid.T.ravel()
        total_w = np.broadcast_to(grid.sum(axis=1), shape).ravel()
        n = np.broadcast_to(grid.sum(axis=0)[:, None], shape).ravel()
        groups, terms = np.repeat(list(table.columns), shape[1]), np.tile(list(table.index), shape[0])
    big_n = float(counts["count"].sum())
    a0 = big_n if alpha0 is None else float(alpha0)
    alpha = a0 * total_w / big_n
    rest, n_rest = total_w - y, big_n - n
    delta = np.log((y + alpha) / (n + a0 - y - alpha)) - np.log((rest + alpha) / (n_rest + a0 - rest - alpha))
    z = delta / np.sqrt(1.0 / (y + alpha) + 1.0 / (rest + alpha))
    out = pd.DataFrame(
        {
            "group": groups,
            "term": terms,
            "count": y.astype(int),
            "count_rest": rest.astype(int),
            "n_tokens": n.astype(int),
            "n_tokens_rest": n_rest.astype(int),
            "log_odds": delta,
            "score": z,
        }
    )
    out["statistic"] = STATISTIC
    return out


def is_place_term(term: str, names: list[str]) -> bool:
    """True when ``term`` contains a place name (one-character names: only if equal)."""
    return place_test(names)(term)


def place_test(names: list[str]):
    """:func:`is_place_term` for many terms: the names are put in sets once, and a term's own
    substrings (a few dozen for a word) are looked up, instead of every name searched in it."""
    single = {name for name in names if len(name) == 1}
    longer = {name for name in names if len(name) > 1}
    sizes = sorted({len(name) for name in longer})

    def test(term: str) -> bool:
        if term in single:
            return True
        return any(term[i : i + size] in longer for size in sizes for i in range(len(term) - size + 1))

    return test


def place_fragments(c, tokens: pd.DataFrame, names: list[str]) -> set[str]:
    """Tokens that occur only as pieces of a place name: every occurrence lies inside a longer
    place name of the source text (海区, always inside 静海区; 城市 is kept, since it also stands
    outside 聊城市).

    Parameters
    ----------
    c : corpus.Corpus
        Supplies the source texts that token offsets index (documents without one are skipped).
    tokens : DataFrame
        Body tokens (doc_id, token, start, end).
    names : list of str
        Place names; one-character names are ignored.
    """
    long_names = sorted((n for n in names if len(n) > 1), key=len, reverse=True)
    if tokens.empty or not long_names:
        return set()
    pattern = re.compile("|".join(re.escape(n) for n in long_names))
    inside = pd.Series(False, index=tokens.index)
    for doc_id, group in tokens.groupby("doc_id", sort=False):
        try:
            text = c.source_text(doc_id)
        except (KeyError, OSError):
            continue
        spans = np.array([(m.start(), m.end()) for m in pattern.finditer(text)], dtype=int).reshape(-1, 2)
        if not len(spans):
            continue
        starts, ends = group["start"].to_numpy(dtype=int), group["end"].to_numpy(dtype=int)
        k = np.searchsorted(spans[:, 0], starts, side="right") - 1  # the last name starting at or before
        ok = k >= 0
        k = np.clip(k, 0, None)
        within = ok & (ends <= spans[k, 1]) & ((ends - starts) < (spans[k, 1] - spans[k, 0]))
        inside.loc[group.index] = within
    per_token = inside.groupby(tokens["token"]).all()
    return set(per_token[per_token].index)


def split_place_tails(tokens: pd.DataFrame) -> set[str]:
    """Two-character tokens ending in 区/县/市/旗 that never stand alone: every occurrence directly
    follows a one-character Chinese token of the same sentence (静|海区), i.e. the tail of a place name
    the segmenter split.

    Parameters
    ----------
    tokens : DataFrame
        Body tokens (doc_id, sent_id, token, start, end), stopwords included.
    """
    if tokens.empty:
        return set()
    distinct = vocabulary(tokens["token"])  # each distinct token tested once
    text = pd.Series(distinct.to_pylist(), dtype=object)
    length = text.str.len().to_numpy()
    one_han = (length == 1) & text.str.match(r"[\u4e00-\u9fff]").to_numpy(dtype=bool)
    tail = (length == 2) & text.str[-1].isin(list(PLACE_SUFFIXES)).to_numpy(dtype=bool)
    n_tail = np.zeros(len(distinct), dtype=np.int64)
    n_glued = np.zeros(len(distinct), dtype=np.int64)
    docs, sents = category_codes(tokens["doc_id"])[0], category_codes(tokens["sent_id"])[0]
    starts, ends = tokens["start"].to_numpy(), tokens["end"].to_numpy()
    for part in document_blocks(docs, size=tfidf.TOKEN_BLOCK):
        codes = token_codes(tokens["token"].iloc[part], distinct)
        doc, sent, start, end = docs[part], sents[part], starts[part], ends[part]
        order = np.lexsort((start, doc))  # document order within each document (ties: table order)
        cur, prev = order[1:], order[:-1]
        glued = (doc[prev] == doc[cur]) & (sent[prev] == sent[cur]) & (sent[cur] >= 0) & (end[prev] == start[cur])
        glued &= one_han[codes[prev]] & (codes[prev] >= 0)
        is_tail = tail[codes[cur]] & (codes[cur] >= 0)
        n_tail += np.bincount(codes[cur][is_tail], minlength=len(distinct))
        n_glued += np.bincount(codes[cur][is_tail & glued], minlength=len(distinct))
        first = order[0]  # the block's first token has no token before it
        if codes[first] >= 0 and tail[codes[first]]:
            n_tail[codes[first]] += 1
    return set(text[(n_tail > 0) & (n_glued == n_tail)])


def document_blocks(docs: np.ndarray, *, size: int) -> list[slice]:
    """Slices of consecutive rows, each holding whole documents and about ``size`` rows (at least one
    document); a single slice when a document's rows are not all together."""
    change = np.flatnonzero(docs[1:] != docs[:-1]) + 1
    if len(change) + 1 != len(np.unique(docs)):  # a document in two runs: no cut is safe
        return [slice(0, len(docs))]
    starts, cuts = np.concatenate([[0], change]), [0]
    while cuts[-1] < len(docs):
        after = starts[np.searchsorted(starts, cuts[-1] + size, side="left") :]
        cuts.append(int(after[0]) if len(after) else len(docs))
    return [slice(a, b) for a, b in itertools.pairwise(cuts)]


def term_counts(c, *, by: str = "county", names: list[str] | None = None, min_term_chars: int = 2) -> pd.DataFrame:
    """Counts of content terms per group, place names and their fragments excluded.

    Terms shorter than ``min_term_chars`` (default 2: one-character tokens such as 法, 率
    or the province abbreviation 皖 are fragments rather than terms) are left out, and so are
    the tails of split place names (:func:`split_place_tails`). ``names`` defaults to the
    gazetteer's place names plus the corpus's own places (:func:`~analysis.similarity.streams.mask_names`). Groups
    ``by='county'`` are county keys (:func:`analysis.groups.county_keys`).

    Returns
    -------
    DataFrame
        group, term, count.
    """
    if by not in ("county", "doc_id"):
        raise ValueError(f"by must be 'county' or 'doc_id', got {by!r}")
    names = mask_names(c) if names is None else names
    tok = c.body().tokens
    distinct = vocabulary(tok.token)  # sorted: the counts come out in term order
    terms = np.asarray(distinct.to_pylist(), dtype=object)
    tails = split_place_tails(tok)
    place = place_test(names)
    is_term = np.fromiter(
        (len(t) >= min_term_chars and t not in tails and not place(t) for t in terms), dtype=bool, count=len(terms)
    )
    is_term &= np.asarray(pc.match_substring_regex(distinct, HAS_HAN.pattern), dtype=bool)  # content, as tfidf's
    doc_codes, doc_ids = category_codes(tok.doc_id)
    docs = pd.DataFrame({"doc_id": pd.Index(doc_ids).astype(str)})
    group_of_doc = by_county_key(c, docs)["county"] if by == "county" else docs["doc_id"]
    group_codes, groups = pd.factorize(group_of_doc.to_numpy(dtype=object), sort=True)
    group_codes = np.append(group_codes, -1)  # a token without document (code -1): no group
    stop = tok.is_stop.astype(bool).to_numpy()

    def blocks():  # TOKEN_BLOCK rows at a time: no array per token of the whole table
        for start in range(0, len(tok), tfidf.TOKEN_BLOCK):
            part = slice(start, start + tfidf.TOKEN_BLOCK)
            col = token_codes(tok.token.iloc[part], distinct)
            row = group_codes[doc_codes[part]]
            keep = (row >= 0) & (col >= 0) & ~stop[part]
            keep[keep] = is_term[col[keep]]
            yield row[keep], col[keep]

    cells = block_counts(blocks(), shape=(len(groups), len(distinct)))
    group = np.repeat(np.arange(len(groups)), np.diff(cells.indptr))  # cells in (group, term) order
    return pd.DataFrame(
        {
            "group": pd.Series(np.asarray(groups, dtype=object)[group], dtype=group_of_doc.dtype),
            "term": pd.Series(terms[cells.indices], dtype=tok.token.dtype),
            "count": cells.data.astype(np.int64),
        }
    )


def keyness(
    c,
    *,
    by: str = "county",
    top_n: int = 20,
    alpha0: float | None = None,
    min_count: int = MIN_COUNT,
    min_term_chars: int = 2,
) -> pd.DataFrame:
    """The most distinctive terms of each county (or document).

    Parameters
    ----------
    c : corpus.Corpus
    by : {'county', 'doc_id'}, keyword-only
    top_n : int, keyword-only
        Terms kept per group (highest z first, positive z only).
    alpha0 : float, optional, keyword-only
        Prior size (see :func:`log_odds_dirichlet`).
    min_count : int, keyword-only
        A term must occur at least this often in the group to be listed.
    min_term_chars : int, keyword-only
        Shortest term considered (see :func:`term_counts`).

    Returns
    -------
    DataFrame
        county (or doc_id), term, score (z), statistic, log_odds, count, count_rest,
        n_tokens, n_tokens_rest, rank; ``by='county'`` adds county_known. Empty (with these
        columns) when the corpus has fewer than two groups or no term.
    """
    counts = term_counts(c, by=by, min_term_chars=min_term_chars)
    if counts["group"].nunique() < 2:
        counts = counts.iloc[0:0]  # one group: nothing to contrast it with
    scored = log_odds_dirichlet(counts, alpha0=alpha0, observed=min_count > 0)  # listed terms occur in the group
    scored = scored[(scored["count"] >= min_count) & (scored.score > 0)]
    scored = scored.sort_values(["group", "score", "term"], ascending=[True, False, True], kind="stable")
    top = scored.groupby("group", sort=False).head(top_n).copy()
    top["rank"] = top.groupby("group").cumcount() + 1
    top = top.rename(columns={"group": by}).round({"score": 2, "log_odds": 4})
    cols = [by, "term", "score", "statistic", "log_odds", "count", "count_rest", "n_tokens", "n_tokens_rest", "rank"]
    out = top.reindex(columns=cols).reset_index(drop=True)
    if by == "county":
        known = by_county_key(c, c.documents[["doc_id"]]).groupby("county")["county_known"].first()
        out["county_known"] = out["county"].map(known).astype("boolean").fillna(False).astype(bool)
    return out
