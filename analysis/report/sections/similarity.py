"""Report section for issue 4: similarity, section alignment, text reuse and keyness.

Tables (column names fixed in both languages; county labels follow ``lang``):

* ``similarity``  — doc_a, doc_b, method, cosine, params (see :mod:`analysis.similarity.tfidf`)
* ``reuse``       — doc_a, doc_b, start_a, end_a, start_b, end_b, n_units, masked, text,
  text_b, k, min_len (see :mod:`analysis.similarity.reuse`)
* ``reuse_share`` — doc_a, doc_b, n_units_a, covered_units, share_pct, n_passages, k, min_len
* ``keyness``     — county, term, score, statistic, log_odds, count, count_rest, n_tokens,
  n_tokens_rest, rank (see :mod:`analysis.similarity.keyness`)
* ``alignment``   — the 3 best unit pairs of every ordered document pair
  (see :func:`analysis.similarity.alignment.align`)
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from analysis.report.labels import check_lang, county_label, doc_labels, localise
from analysis.report.plots import similarity as plots_similarity
from analysis.report.section import Finding, Quote, Section
from analysis.report.style import use_style
from analysis.similarity import alignment, keyness, reuse
from analysis.similarity import tfidf as similarity

NAME = "similarity"


def section(
    c, *, lang: str = "zh", k: int = 12, min_len: int = 15, ngram_range: tuple = (2, 3), top_k: int = 5
) -> Section:
    """Compute the similarity section: tables, figures and findings (see module docstring)."""
    check_lang(lang)
    labels = doc_labels(c.documents, lang=lang)
    sim = similarity.similarity(c, ngram_range=ngram_range)
    sim["cosine"] = sim.cosine.round(3)
    passages, shares = reuse.reuse(c, k=k, min_len=min_len)
    shares["share_pct"] = shares.share_pct.round(1)
    passages = passages.drop(columns=["unit_a", "unit_b"])
    key = keyness.keyness(c)
    al = alignment.align(c, top_k=top_k)
    al["cosine"] = al.cosine.round(3)
    tables = {
        "similarity": sim,
        "reuse": passages,
        "reuse_share": shares,
        "keyness": key,
        "alignment": alignment.best_pairs(al, n=3),
    }
    county_of = c.docvar("county").to_dict()
    findings = [
        f
        for f in (
            _reuse_finding(c, tables, county_of, labels),
            _similarity_finding(tables, county_of, labels),
            _alignment_finding(c, tables, county_of, labels),
            _keyness_finding(tables),
        )
        if f is not None
    ]
    tables = localise(tables, lang)
    figures = _figures(tables, sim, labels, lang)
    return Section(name=NAME, tables=tables, figures=figures, findings=findings)


def _figures(tables: dict, sim: pd.DataFrame, labels: dict, lang: str) -> dict:
    use_style()
    figures: dict = {}
    if sim.doc_a.nunique() < 2:  # nothing to cluster or compare
        return figures
    links = {}
    for method, name in (("tfidf_word", "similarity_matrix_word"), ("tfidf_char", "similarity_matrix_char")):
        links[method] = similarity.linkage_table(sim, method)
        figures[name] = plots_similarity.similarity_heatmap(
            similarity.similarity_matrix(sim, method), links[method], method=method, labels=labels, lang=lang
        )
    order = similarity.leaf_order(links["tfidf_word"])
    figures["reuse_share"] = plots_similarity.reuse_heatmap(
        tables["reuse_share"], labels=labels, order=order, lang=lang
    )
    figures["keyness_terms"] = plots_similarity.keyness_bars(tables["keyness"], lang=lang)
    return figures


def _cross_county(table: pd.DataFrame, county_of: dict) -> pd.DataFrame:
    return table[table.doc_a.map(county_of) != table.doc_b.map(county_of)]


def _reuse_finding(c, tables: dict, county_of: dict, labels: dict) -> Finding | None:
    shares = _cross_county(tables["reuse_share"], county_of)
    if shares.empty or shares.share_pct.max() <= 0:
        return None
    top = shares.loc[shares.share_pct.idxmax()]
    back = shares[(shares.doc_a == top.doc_b) & (shares.doc_b == top.doc_a)].share_pct.iloc[0]
    pair = tables["reuse"]
    pair = pair[
        ((pair.doc_a == top.doc_a) & (pair.doc_b == top.doc_b))
        | ((pair.doc_a == top.doc_b) & (pair.doc_b == top.doc_a))
    ]
    longest = pair.loc[pair.n_units.idxmax()]
    quotes = (
        Quote(longest.doc_a, int(longest.start_a), int(longest.end_a), longest.text),
        Quote(longest.doc_b, int(longest.start_b), int(longest.end_b), longest.text_b),
    )
    a, b = labels[top.doc_a], labels[top.doc_b]
    text = {
        "zh": f"跨县文本复用最多的是{a}：其 {top.share_pct}% 的字数落在与{b}共享的段落中（反向为 {back}%）；"
        f"下引最长的共享段落。",
        "en": f"The strongest cross-county text reuse: {top.share_pct}% of {a} lies in passages shared with {b} "
        f"({back}% the other way); the longest shared passage is quoted.",
    }
    return Finding("reuse_top_pair", text, "reuse_share", (float(top.share_pct), float(back)), quotes)


def _similarity_finding(tables: dict, county_of: dict, labels: dict) -> Finding | None:
    sim = _cross_county(tables["similarity"], county_of)
    word = sim[sim.method == "tfidf_word"]
    if word.empty:
        return None
    top = word.loc[word.cosine.idxmax()]
    char = sim[(sim.method == "tfidf_char") & (sim.doc_a == top.doc_a) & (sim.doc_b == top.doc_b)].cosine
    char_value = float(char.iloc[0]) if len(char) else float("nan")
    a, b = labels[top.doc_a], labels[top.doc_b]
    text = {
        "zh": f"跨县整体最相似的两份文件是{a}与{b}（词语 TF-IDF 余弦 {top.cosine}，字符 n-gram 余弦 {char_value}）；"
        f"整篇文件的相似度主要由共同的公文用语决定。",
        "en": f"The most similar documents from different counties are {a} and {b} (word TF-IDF cosine "
        f"{top.cosine}, character n-gram cosine {char_value}); whole-document similarity is dominated by "
        f"shared official vocabulary.",
    }
    return Finding("similarity_top_pair", text, "similarity", (float(top.cosine), char_value))


def _heading_quote(c, unit_id: str) -> Quote | None:
    """The verbatim heading of a unit's root segment, from the corpus's heading offsets."""
    seg = c.segments.set_index("seg_id").loc[unit_id]
    if not seg.heading:
        return None
    start, end = int(seg.heading_start), int(seg.heading_end)
    return Quote(seg.doc_id, start, end, c.source_text(seg.doc_id)[start:end])


def _alignment_finding(c, tables: dict, county_of: dict, labels: dict) -> Finding | None:
    al = _cross_county(tables["alignment"], county_of)
    al = al[(al.heading_a != "") & (al.heading_b != "")]
    if al.empty:
        return None
    top = al.loc[al.cosine.idxmax()]
    quotes = tuple(q for q in (_heading_quote(c, top.unit_a), _heading_quote(c, top.unit_b)) if q)
    a, b = labels[top.doc_a], labels[top.doc_b]
    text = {
        "zh": f"跨县最匹配的任务条目：{a}的“{top.heading_a}”与{b}的“{top.heading_b}”（余弦 {top.cosine}）。",
        "en": f"Best-matching task units across counties: “{top.heading_a}” in {a} and “{top.heading_b}” in {b} "
        f"(cosine {top.cosine}).",
    }
    return Finding("alignment_top_pair", text, "alignment", (float(top.cosine),), quotes)


def _keyness_finding(tables: dict) -> Finding | None:
    key = tables["keyness"]
    if key.empty:
        return None
    tops = key[key["rank"] == 1]
    parts_zh = "；".join(f"{r.county}：{r.term}（z = {r.score}）" for r in tops.itertuples())
    parts_en = "; ".join(f"{county_label(r.county, 'en')}: {r.term} (z = {r.score})" for r in tops.itertuples())
    text = {
        "zh": f"各县最具特色的词（加权对数优势比，信息性狄利克雷先验）：{parts_zh}。",
        "en": f"Most distinctive term of each county (weighted log-odds, informative Dirichlet prior): {parts_en}.",
    }
    return Finding("keyness_top_terms", text, "keyness", tuple(float(s) for s in tops.score))


def close_figures(sec: Section) -> None:
    """Close a section's figures (frees memory in long sessions)."""
    for fig in sec.figures.values():
        plt.close(fig)
