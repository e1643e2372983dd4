"""Report section for issue 4: similarity, section alignment, text reuse and keyness.

Tables (column names fixed in both languages; county labels follow ``lang``):

* ``similarity``  — doc_a, doc_b, method, cosine, params (see :mod:`analysis.similarity.tfidf`)
* ``reuse``       — doc_a, doc_b, start_a, end_a, start_b, end_b, n_units, masked, text,
  text_b, k, min_len, reuse_kind (template | borrowing), reference, template_pct
  (see :mod:`analysis.similarity.reuse` and :mod:`analysis.similarity.template`)
* ``reuse_share`` — doc_a, doc_b, n_units_a, covered_units, share_pct, n_passages, k, min_len,
  borrowed_units, borrowing_pct (template wording left out)
* ``reuse_common`` — boilerplate (shingles held by more than ``reuse.MAX_DOCS`` documents,
  passages whose wording more than ``reuse.MAX_WORDING_DOCS`` hold), one row per document and span:
  doc_id, start, end, n_units, n_docs, masked, text, k, min_len, reuse_kind (always template),
  reference, template_pct
* ``reuse_kinds`` — cross-county passages by kind, and the boilerplate spans: reuse_kind,
  n_passages, n_units, share_pct, n_common_wording
* ``keyness``     — county, term, score, statistic, log_odds, count, count_rest, n_tokens,
  n_tokens_rest, rank (see :mod:`analysis.similarity.keyness`)
* ``alignment``   — the 3 best unit pairs of every ordered document pair
  (see :func:`analysis.similarity.alignment.align`)

"Cross-county" pairs (:func:`analysis.groups.cross_county`) are two different documents of
different county keys: a document is never paired with itself, and two documents of unknown
county are different counties only when their labels (place, title, file name) differ; such a
pair is marked "county unknown" in the finding. With fewer than two documents, or no pair across
counties, the section says so in a not-computed finding and draws a figure saying why.

Figures: the clustered cosine heatmaps and the reuse-share heatmap up to ``MATRIX_MAX`` documents,
above it ``similarity_neighbours`` (distributions of neighbour cosines) instead; always the
county-to-county ``reuse_borrowing_network`` (template wording excluded) and ``keyness_terms``.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from analysis.groups import county_keys, cross_county
from analysis.report.labels import (
    LANGS,
    MAX_LISTED,
    UNKNOWN_COUNTY,
    check_lang,
    county_label,
    county_mark,
    doc_labels,
    localise,
)
from analysis.report.plots import similarity as plots_similarity
from analysis.report.plots.placeholder import not_computed as placeholder
from analysis.report.section import Finding, Quote, Section, not_computed
from analysis.report.style import use_style
from analysis.similarity import alignment, keyness, reuse, template
from analysis.similarity import tfidf as similarity

NAME = "similarity"
# figure name -> key of its title in plots_similarity.TEXT
FIGURES = {
    "similarity_matrix_word": "tfidf_word",
    "similarity_matrix_char": "tfidf_char",
    "reuse_share": "reuse",
    "reuse_borrowing_network": "network",
    "keyness_terms": "keyness",
}
# Above this many documents, n × n heatmaps give way to aggregate figures (neighbour
# distributions, the borrowing network): the similarity table is then top-k, not every pair.
MATRIX_MAX = 40


def section(
    c,
    *,
    lang: str = "zh",
    k: int = 12,
    min_len: int = 15,
    ngram_range: tuple = (2, 3),
    top_k: int = 5,
    reference: str | Path | None = None,
) -> Section:
    """Compute the similarity section: tables, figures and findings (see module docstring).

    ``reference``: folder of higher-level texts whose wording is template (default: the shipped
    ``analysis/data/reference``, the 纲要 outline).
    """
    check_lang(lang)
    sim = similarity.similarity(c, ngram_range=ngram_range)
    sim["cosine"] = sim.cosine.round(3)
    keys = county_keys(c.documents)
    reused = template.label_reuse(
        reuse.reuse_tables(c, k=k, min_len=min_len),
        reference=reference,
        counties=dict(zip(keys.doc_id, keys.county_key)),
    )
    shares = reused["shares"]
    shares["share_pct"] = shares.share_pct.round(1)
    shares["borrowing_pct"] = shares.borrowing_pct.round(1)
    passages = reused["passages"].drop(columns=["unit_a", "unit_b"])
    common = reused["common"].drop(columns=["unit_a"])
    references = reused["references"]
    del reused  # its unit streams (~0.14 GB per 1,000 documents) are not needed past here
    key = keyness.keyness(c)
    al = alignment.align(c, top_k=top_k)
    al["cosine"] = al.cosine.round(3)
    best = alignment.best_pairs(al, n=3)
    del al  # every unit's top_k: only the best pairs are kept
    tables = {
        "similarity": sim,
        "reuse": passages,
        "reuse_share": shares,
        "reuse_common": common,
        "reuse_kinds": reuse_kinds(c, passages, common),
        "keyness": key,
        "alignment": best,
    }
    labels = {lg: _marked(c, doc_labels(c.documents, lang=lg), lg) for lg in LANGS}
    findings = [
        f
        for f in (
            _template_finding(c, tables, references),
            _reuse_finding(c, tables, labels),
            _similarity_finding(c, tables, labels),
            _alignment_finding(c, tables, labels),
            _keyness_finding(tables),
        )
        if f is not None
    ]
    notes = _notes(c, tables)
    tables = localise(tables, lang)
    figures = _figures(tables, sim, doc_labels(c.documents, lang=lang), lang, notes)
    if "reuse_borrowing_network" not in figures:  # else a placeholder saying why
        figures["reuse_borrowing_network"] = plots_similarity.borrowing_network(
            borrowing_edges(c, passages), labels=_county_labels(c, lang), lang=lang
        )
    return Section(name=NAME, tables=tables, figures=figures, findings=findings + notes)


def _marked(c, labels: dict, lang: str) -> dict:
    """Document labels for findings: a document of unknown county says so."""
    unknown = set(county_keys(c.documents).query("~county_known")["doc_id"])
    mark = "（{}）" if lang == "zh" else " ({})"
    return {d: label + (mark.format(UNKNOWN_COUNTY[lang]) if d in unknown else "") for d, label in labels.items()}


def _notes(c, tables: dict) -> list:
    """Not-computed findings: fewer than two documents, no pair across counties, no keyness."""
    n_docs = len(c.documents)
    if n_docs < 2:
        return [
            not_computed(
                "similarity_not_computed",
                "too_few_documents",
                zh=f"未计算文件相似度、文本复用、条目对齐和特色词：需要至少2份文件，本语料只有{n_docs}份。",
                en="Similarity, text reuse, alignment and keyness were not computed: they need at least 2 "
                f"documents; this corpus has {n_docs}.",
                numbers=(n_docs,),
            )
        ]
    out = []
    n_counties = county_keys(c.documents)["county_key"].nunique()
    if n_counties < 2:
        out.append(
            not_computed(
                "similarity_cross_county_not_computed",
                "too_few_counties",
                zh=f"未做跨县比较（相似度、复用、对齐、特色词）：本语料的{n_docs}份文件同属1个县。",
                en=f"No cross-county comparison (similarity, reuse, alignment, keyness): the {n_docs} documents "
                "of this corpus belong to one county.",
                numbers=(n_docs,),
            )
        )
    elif tables["keyness"].empty:
        out.append(
            not_computed(
                "keyness_not_computed",
                "too_few_terms",
                zh=f"未列出特色词：没有任何词在某县出现至少{keyness.MIN_COUNT}次且比其他县更常见。",
                en=f"No distinctive terms: no term occurs at least {keyness.MIN_COUNT} times in a county and more "
                "often than elsewhere.",
            )
        )
    return out


def _figures(tables: dict, sim: pd.DataFrame, labels: dict, lang: str, notes: list) -> dict:
    use_style()
    if sim.doc_a.nunique() < 2:  # nothing to cluster or compare: each figure says why
        note = notes[0].text[lang] if notes else ""
        return {name: placeholder(plots_similarity.TEXT[lang][key], note, lang=lang) for name, key in FIGURES.items()}
    figures: dict = {}
    if sim.doc_a.nunique() > MATRIX_MAX:  # national scale: distributions, no n × n heatmap
        figures["similarity_neighbours"] = plots_similarity.neighbour_distribution(sim, lang=lang)
    else:
        figures.update(_matrices(tables, sim, labels, lang))
    if tables["keyness"].empty:
        note = next((n.text[lang] for n in notes if n.key.startswith(("keyness", "similarity_cross"))), "")
        figures["keyness_terms"] = placeholder(plots_similarity.TEXT[lang]["keyness"], note, lang=lang)
    else:
        figures["keyness_terms"] = plots_similarity.keyness_bars(tables["keyness"], lang=lang)
    return figures


def _matrices(tables: dict, sim: pd.DataFrame, labels: dict, lang: str) -> dict:
    """Clustered cosine heatmaps of both methods and the reuse-share heatmap (small corpora)."""
    figures: dict = {}
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
    return figures


def borrowing_edges(c, passages: pd.DataFrame) -> pd.DataFrame:
    """County-to-county borrowing: borrowing passages of two different counties, summed per pair.

    Returns
    -------
    DataFrame
        county_a, county_b (county keys, a < b), n_passages, n_units (characters of the passages).
    """
    cols = ["county_a", "county_b", "n_passages", "n_units"]
    if passages.empty or "reuse_kind" not in passages:
        return pd.DataFrame(columns=cols)
    part = _cross_county(passages[passages.reuse_kind == "borrowing"], c)
    key = county_keys(c.documents).set_index("doc_id")["county_key"]
    ka, kb = part.doc_a.map(key), part.doc_b.map(key)
    pairs = pd.DataFrame({"county_a": ka.where(ka < kb, kb), "county_b": kb.where(ka < kb, ka), "n": part.n_units})
    out = pairs.groupby(["county_a", "county_b"], as_index=False).agg(n_passages=("n", "size"), n_units=("n", "sum"))
    return out[cols]


def _county_labels(c, lang: str) -> dict:
    """County key -> label in the report language (the key itself when no label is known)."""
    keys = county_keys(c.documents)
    labels = doc_labels(c.documents, lang=lang)
    return {
        k: county_label(k, lang) if known else labels.get(d, k)
        for d, k, known in zip(keys.doc_id, keys.county_key, keys.county_known)
    }


def _cross_county(table: pd.DataFrame, c) -> pd.DataFrame:
    """Pairs of two different documents of different counties (never a document with itself)."""
    return cross_county(table, c)


def _pair(labels: dict, row) -> tuple:
    """((zh label a, zh label b), (en label a, en label b)) of a pair row."""
    return tuple((labels[lg][row.doc_a], labels[lg][row.doc_b]) for lg in LANGS)


def _reuse_finding(c, tables: dict, labels: dict) -> Finding | None:
    """The pair of different counties with the most *borrowing* (template wording left out)."""
    shares = _cross_county(tables["reuse_share"], c)
    if shares.empty or shares.borrowing_pct.max() <= 0:
        return None
    top = shares.loc[shares.borrowing_pct.idxmax()]
    back = shares[(shares.doc_a == top.doc_b) & (shares.doc_b == top.doc_a)].borrowing_pct.iloc[0]
    pair = tables["reuse"]
    pair = pair[
        (pair.reuse_kind == "borrowing")
        & (
            ((pair.doc_a == top.doc_a) & (pair.doc_b == top.doc_b))
            | ((pair.doc_a == top.doc_b) & (pair.doc_b == top.doc_a))
        )
    ]
    longest = pair.loc[pair.n_units.idxmax()]
    quotes = (
        Quote(longest.doc_a, int(longest.start_a), int(longest.end_a), longest.text),
        Quote(longest.doc_b, int(longest.start_b), int(longest.end_b), longest.text_b),
    )
    (a, b), (a_en, b_en) = _pair(labels, top)
    text = {
        "zh": f"除上级文件模板用语外，跨县借鉴最多的是{a}：其 {top.borrowing_pct}% 的字数落在与{b}共享的段落中"
        f"（反向为 {back}%）；下引最长的借鉴段落。",
        "en": f"Beyond template wording, the strongest cross-county borrowing: {top.borrowing_pct}% of {a_en} lies in "
        f"passages shared with {b_en} ({back}% the other way); the longest borrowed passage is quoted.",
    }
    return Finding("reuse_top_pair", text, "reuse_share", (float(top.borrowing_pct), float(back)), quotes)


def reuse_kinds(c, passages: pd.DataFrame, common: pd.DataFrame | None = None) -> pd.DataFrame:
    """Passages shared across counties by kind: template, borrowing and all; then the boilerplate.

    Returns
    -------
    DataFrame
        reuse_kind ('template' | 'borrowing' | 'all' | 'boilerplate'), n_passages, n_units
        (characters), share_pct (of all cross-county passages; empty for boilerplate),
        n_common_wording. The first three count pairs of documents; ``boilerplate`` counts the
        spans of ``common`` (wording so many documents hold that it is listed once per document,
        not pair by pair; all template).
    """
    pairs = _cross_county(passages, c) if len(passages) else passages
    rows = []
    for kind in (*template.KINDS, "all"):
        part = pairs if kind == "all" else pairs[pairs.reuse_kind == kind]
        pct = round(100.0 * len(part) / len(pairs), 1) if len(pairs) else 0.0
        shared = int(part.reference.str.startswith("shared by").sum()) if len(part) else 0
        rows.append((kind, len(part), int(part.n_units.sum()) if len(part) else 0, pct, shared))
    if common is not None and len(common):
        rows.append(("boilerplate", len(common), int(common.n_units.sum()), float("nan"), len(common)))
    return pd.DataFrame(rows, columns=["reuse_kind", "n_passages", "n_units", "share_pct", "n_common_wording"])


def _template_finding(c, tables: dict, references: list) -> Finding | None:
    """How many passages shared across counties are template wording of a reference text."""
    kinds = tables["reuse_kinds"].set_index("reuse_kind")
    n, n_template = int(kinds.n_passages["all"]), int(kinds.n_passages["template"])
    if not n:
        return None
    pct, n_borrowing = float(kinds.share_pct["template"]), int(kinds.n_passages["borrowing"])
    names = "、".join(references) or "—"
    pairs = _cross_county(tables["reuse"], c)
    quotes: tuple = ()
    if n_template:
        top = pairs[pairs.reuse_kind == "template"].sort_values("n_units", ascending=False).iloc[0]
        quotes = (Quote(top.doc_a, int(top.start_a), int(top.end_a), top.text),)
    common = int(kinds.n_common_wording["template"])
    text = {
        "zh": f"跨县共享的 {n} 个段落中有 {n_template} 个（{pct}%）是模板用语（参考文本 {names}；其中 {common} 个为"
        f"三个以上县共有的公文用语），不算县与县之间的借鉴；其余 {n_borrowing} 个计为借鉴。",
        "en": f"Of the {n} passages shared across counties, {n_template} ({pct}%) are template wording (reference "
        f"texts: {names}; {common} of them wording three or more counties share), not one county borrowing from "
        f"another; the other {n_borrowing} count as borrowing.",
    }
    numbers: tuple = (n, n_template, pct, common, n_borrowing)
    if "boilerplate" in kinds.index:  # wording so many documents hold that it is listed once per document
        spans = int(kinds.n_passages["boilerplate"])
        text["zh"] += f"另有 {spans} 段多数文件共有的套话逐文件单列（表 reuse_common），不两两配对。"
        text["en"] += (
            f" Another {spans} spans of boilerplate that many documents hold are listed once per document "
            "(table reuse_common), not pair by pair."
        )
        numbers += (spans,)
    return Finding("reuse_template", text, "reuse_kinds", numbers, quotes)


def _similarity_finding(c, tables: dict, labels: dict) -> Finding | None:
    sim = _cross_county(tables["similarity"], c)
    word = sim[sim.method == "tfidf_word"]
    if word.empty:
        return None
    top = word.loc[word.cosine.idxmax()]
    char = sim[(sim.method == "tfidf_char") & (sim.doc_a == top.doc_a) & (sim.doc_b == top.doc_b)].cosine
    char_value = float(char.iloc[0]) if len(char) else float("nan")
    (a, b), (a_en, b_en) = _pair(labels, top)
    text = {
        "zh": f"跨县整体最相似的两份文件是{a}与{b}（词语 TF-IDF 余弦 {top.cosine}，字符 n-gram 余弦 {char_value}）；"
        f"整篇文件的相似度主要由共同的公文用语决定。",
        "en": f"The most similar documents from different counties are {a_en} and {b_en} (word TF-IDF cosine "
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


def _alignment_finding(c, tables: dict, labels: dict) -> Finding | None:
    al = _cross_county(tables["alignment"], c)
    al = al[(al.heading_a != "") & (al.heading_b != "")]
    if al.empty:
        return None
    top = al.loc[al.cosine.idxmax()]
    quotes = tuple(q for q in (_heading_quote(c, top.unit_a), _heading_quote(c, top.unit_b)) if q)
    (a, b), (a_en, b_en) = _pair(labels, top)
    text = {
        "zh": f"跨县最匹配的任务条目：{a}的“{top.heading_a}”与{b}的“{top.heading_b}”（余弦 {top.cosine}）。",
        "en": f"Best-matching task units across counties: “{top.heading_a}” in {a_en} and “{top.heading_b}” in {b_en} "
        f"(cosine {top.cosine}).",
    }
    return Finding("alignment_top_pair", text, "alignment", (float(top.cosine),), quotes)


def _keyness_finding(tables: dict) -> Finding | None:
    key = tables["keyness"]
    if key.empty:
        return None
    tops = key[key["rank"] == 1]
    n_counties = len(tops)
    tops = tops.nlargest(MAX_LISTED, "score") if n_counties > MAX_LISTED else tops  # the rest: the table
    known = tops["county_known"] if "county_known" in tops else pd.Series(True, index=tops.index)
    parts_zh = "；".join(
        f"{county_mark(r.county, bool(k), 'zh')}：{r.term}（z = {r.score}）" for r, k in zip(tops.itertuples(), known)
    )
    parts_en = "; ".join(
        f"{county_mark(r.county, bool(k), 'en')}: {r.term} (z = {r.score})" for r, k in zip(tops.itertuples(), known)
    )
    text = {
        "zh": f"各县最具特色的词（加权对数优势比，信息性狄利克雷先验）：{parts_zh}。",
        "en": f"Most distinctive term of each county (weighted log-odds, informative Dirichlet prior): {parts_en}.",
    }
    if n_counties > len(tops):
        text = {
            "zh": f"特色最突出的{len(tops)}个县（共{n_counties}个，全部见 keyness 表）及其最具特色的词"
            f"（加权对数优势比，信息性狄利克雷先验）：{parts_zh}。",
            "en": f"The {len(tops)} most distinctive of {n_counties} counties (all in the keyness table) and their "
            f"most distinctive term (weighted log-odds, informative Dirichlet prior): {parts_en}.",
        }
    return Finding("keyness_top_terms", text, "keyness", tuple(float(s) for s in tops.score))


def close_figures(sec: Section) -> None:
    """Close a section's figures (frees memory in long sessions)."""
    for fig in sec.figures.values():
        plt.close(fig)
