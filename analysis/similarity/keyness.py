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
is excluded (single-character aliases only when the token is exactly that character).
Responsibility clauses are already removed from segment text by the corpus.

The prior's size α0 sets the shrinkage: α0 = N halves the weight of the data, so z-scores
are conservative (with the seven seeds few terms pass 1.96); rankings barely change with
α0 (checked for α0 = N, N/10 and 1000), and a smaller α0 inflates z for rare terms.

Cost: one pass over the tokens plus O(groups × vocabulary) arithmetic — 0.04 s on the
seeds, 0.7 s on 200 synthetic documents (``benchmarks/bench_similarity.py``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

import corpus
from analysis.similarity.streams import place_names
from analysis.similarity.tfidf import content_tokens

STATISTIC = "log_odds_dirichlet_z"


def log_odds_dirichlet(counts: pd.DataFrame, *, alpha0: float | None = None) -> pd.DataFrame:
    """Weighted log-odds (informative Dirichlet prior) of each group against the rest.

    Parameters
    ----------
    counts : DataFrame
        group, term, count (one row per group and term; missing rows mean 0).
    alpha0 : float, optional, keyword-only
        Total prior pseudo-count; default the corpus size N (prior = pooled counts).

    Returns
    -------
    DataFrame
        group, term, count, count_rest, n_tokens (group size), n_tokens_rest, log_odds (δ),
        score (z = δ/σ), statistic; one row per group and term of the vocabulary.
    """
    if not {"group", "term", "count"} <= set(counts.columns):
        raise ValueError(f"counts needs columns group, term, count; got {list(counts.columns)}")
    table = counts.pivot_table(index="term", columns="group", values="count", aggfunc="sum", fill_value=0)
    y = table.to_numpy(dtype=float)  # terms × groups
    total_w = y.sum(axis=1, keepdims=True)
    n = y.sum(axis=0, keepdims=True)
    big_n = float(total_w.sum())
    a0 = big_n if alpha0 is None else float(alpha0)
    if a0 <= 0:
        raise ValueError(f"alpha0 must be positive, got {alpha0!r}")
    alpha = a0 * total_w / big_n
    rest, n_rest = total_w - y, big_n - n
    delta = np.log((y + alpha) / (n + a0 - y - alpha)) - np.log((rest + alpha) / (n_rest + a0 - rest - alpha))
    z = delta / np.sqrt(1.0 / (y + alpha) + 1.0 / (rest + alpha))
    groups, terms = list(table.columns), list(table.index)
    out = pd.DataFrame(
        {
            "group": np.repeat(groups, len(terms)),
            "term": np.tile(terms, len(groups)),
            "count": y.T.ravel().astype(int),
            "count_rest": rest.T.ravel().astype(int),
            "n_tokens": np.repeat(n.ravel(), len(terms)).astype(int),
            "n_tokens_rest": np.repeat(n_rest.ravel(), len(terms)).astype(int),
            "log_odds": delta.T.ravel(),
            "score": z.T.ravel(),
        }
    )
    out["statistic"] = STATISTIC
    return out


def is_place_term(term: str, names: list[str]) -> bool:
    """True when ``term`` contains a place name (one-character names: only if equal)."""
    return any((name in term) if len(name) > 1 else term == name for name in names)


def term_counts(c, *, by: str = "county", names: list[str] | None = None, min_term_chars: int = 2) -> pd.DataFrame:
    """Counts of content terms per group, place names excluded.

    Terms shorter than ``min_term_chars`` (default 2: one-character tokens such as 法, 率
    or the province abbreviation 皖 are fragments rather than terms) are left out.

    Returns
    -------
    DataFrame
        group, term, count.
    """
    if by not in ("county", "doc_id"):
        raise ValueError(f"by must be 'county' or 'doc_id', got {by!r}")
    names = place_names(corpus.counties()) if names is None else names
    tok = content_tokens(c)
    vocab = pd.Series(tok.token.unique())
    keep = set(vocab[vocab.map(lambda t: len(t) >= min_term_chars and not is_place_term(t, names))])
    tok = c.attach(tok[tok.token.isin(keep)], "county")
    tok = tok.assign(group=tok[by])
    return tok.groupby(["group", "token"]).size().rename("count").reset_index().rename(columns={"token": "term"})


def keyness(
    c, *, by: str = "county", top_n: int = 20, alpha0: float | None = None, min_count: int = 3, min_term_chars: int = 2
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
        n_tokens, n_tokens_rest, rank.
    """
    scored = log_odds_dirichlet(term_counts(c, by=by, min_term_chars=min_term_chars), alpha0=alpha0)
    scored = scored[(scored["count"] >= min_count) & (scored.score > 0)]
    scored = scored.sort_values(["group", "score", "term"], ascending=[True, False, True], kind="stable")
    top = scored.groupby("group", sort=False).head(top_n).copy()
    top["rank"] = top.groupby("group").cumcount() + 1
    top = top.rename(columns={"group": by}).round({"score": 2, "log_odds": 4})
    cols = [by, "term", "score", "statistic", "log_odds", "count", "count_rest", "n_tokens", "n_tokens_rest", "rank"]
    return top[cols].reset_index(drop=True)
