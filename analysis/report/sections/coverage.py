"""Report section for topic coverage: tables, figures and findings (see :mod:`analysis.coverage`)."""

from __future__ import annotations

import pandas as pd

from analysis.coverage import validity
from analysis.coverage.coder import TopicCoder
from analysis.coverage.coding import (
    area_coverage,
    code_sentences,
    county_profiles,
    county_year_profiles,
    coverage,
    default_coder,
    gaps,
    relative_emphasis,
)
from analysis.coverage.kwic import kwic_in, sentences_by_doc
from analysis.coverage.outofsample import MIN_MACRO_SEGMENTS, labelled_codes, labelled_texts, out_of_sample_tables
from analysis.coverage.segments import coverage_segments, fit_corpus_model
from analysis.groups import county_keys
from analysis.report.labels import (
    check_lang,
    county_mark,
    county_provinces,
    doc_labels,
    doc_type_label,
    localise,
)
from analysis.report.plots import coverage as plots_coverage
from analysis.report.plots import national
from analysis.report.section import Finding, Quote, Section, not_computed

NAME = "coverage"
MAX_COUNTY_FINDINGS = 10  # per-county findings written out; the table holds every county
GAP_COLUMNS = ["county", "n_topics", "n_left_out", "left_out", "county_known"]


def section(c, *, lang: str = "zh", coder: TopicCoder | None = None) -> Section:
    """Tables, figures and findings of the coverage analysis for the report.

    Tables: ``coverage`` (document × topic), ``coverage_areas`` (document × area),
    ``coverage_profiles`` / ``coverage_topic_profiles`` (county × area / topic, pooled, saying what
    they pool), ``coverage_county_years`` (county × period × document type × area: the unit of
    comparison, kept apart), ``coverage_emphasis``, ``coverage_gaps``, ``coverage_gap_counts`` and
    the validity tables of :func:`analysis.coverage.validity.validity_tables` (``coverage_validity``
    with a ``macro`` row, …), the out-of-sample ones of
    :func:`analysis.coverage.outofsample.out_of_sample_tables` (``coverage_validity_loco``,
    ``coverage_validity_folds``) and ``coverage_segments`` (one area per body segment, with evidence).
    County profiles carry the leave-one-county-out kappa of their area beside the share.
    Figures: ``coverage_heatmap``, ``coverage_subtopics``,
    ``coverage_gaps``. Counties are county keys (:mod:`analysis.groups`). What cannot be computed on
    this corpus (too few documents, segments or counties) is said in a not-computed finding, and
    its tables are empty with their columns.
    """
    check_lang(lang)
    coder = coder or default_coder()
    coded = code_sentences(c, coder=coder)
    labels = validity.heading_labels(c, coder=coder)  # made once for the three uses below
    labelled = labelled_texts(c, coder=coder, labels=labels)
    labelled_coded = labelled_codes(labelled, coder=coder)  # validity and the out-of-sample check
    model = fit_corpus_model(c, coder=coder, labelled=labelled)  # in-sample validity and coverage_segments
    oos = out_of_sample_tables(c, coder=coder, model=model, labelled=labelled, coded=labelled_coded)
    profiles = with_validity(county_profiles(c, coder=coder, coded=coded), oos["coverage_validity_loco"])
    topic_profiles = county_profiles(c, coder=coder, coded=coded, level="topic")
    gap_table = gaps(topic_profiles, coder=coder)
    tables = {
        "coverage": coverage(c, coder=coder, coded=coded),
        "coverage_areas": area_coverage(c, coder=coder, coded=coded),
        "coverage_profiles": profiles,
        "coverage_topic_profiles": topic_profiles,
        "coverage_county_years": county_year_profiles(c, coder=coder, coded=coded),
        "coverage_emphasis": relative_emphasis(profiles),
        "coverage_gaps": gap_table,
        "coverage_gap_counts": _gap_counts(gap_table, lang),
        **validity.validity_tables(c, coder=coder, labels=labels, coded=labelled_coded),
        **oos,
        "coverage_segments": coverage_segments(c, coder=coder, model=model),
    }
    findings = _findings(c, tables, coder)
    findings += _notes(c, tables, coder)
    tables = localise(tables, lang)
    figures = _figures(c, tables, lang)
    return Section(name=NAME, tables=tables, figures=figures, findings=findings)


def _figures(c, tables: dict, lang: str) -> dict:
    """One row or marker per county up to ``national.MAX_COUNTIES`` counties; above, the same
    figures aggregate (by province, distributions across counties) and ``coverage_by_year`` is added."""
    if tables["coverage_profiles"]["county"].nunique() <= national.MAX_COUNTIES:
        return {
            "coverage_heatmap": plots_coverage.coverage_heatmap(tables["coverage_profiles"], lang=lang),
            "coverage_subtopics": plots_coverage.coverage_subtopics(tables["coverage_topic_profiles"], lang=lang),
            "coverage_gaps": plots_coverage.coverage_gaps(tables["coverage_gaps"], lang=lang),
        }
    provinces = county_provinces(c.documents, lang)
    return {
        "coverage_heatmap": national.province_heatmap(tables["coverage_profiles"], provinces, lang=lang),
        "coverage_subtopics": national.topic_distribution(tables["coverage_topic_profiles"], lang=lang),
        "coverage_gaps": national.gap_shares(tables["coverage_gaps"], lang=lang),
        "coverage_by_year": national.by_year(tables["coverage_county_years"], lang=lang),
    }


def with_validity(profiles: pd.DataFrame, loco: pd.DataFrame) -> pd.DataFrame:
    """``profiles`` with the out-of-sample validity of the coding that made each share.

    Adds ``kappa_oos`` (leave-one-county-out kappa of the dictionary coding, which the shares use,
    against heading labels) and ``n_labelled_oos`` (labelled segments it rests on; 0 and an empty
    kappa when the corpus has no labelled segment of the area or too few counties).
    """
    rows = loco[(loco["scheme"] == "loco") & (loco["method"] == "dictionary")] if len(loco) else loco
    by_area = rows.set_index("area_id") if len(rows) else pd.DataFrame(columns=["kappa", "n_segments"])
    out = profiles.copy()
    out["kappa_oos"] = out["area_id"].map(by_area["kappa"]).astype(float)
    out["n_labelled_oos"] = out["area_id"].map(by_area["n_segments"]).fillna(0).astype(int)
    return out


def _gap_counts(gap_table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """county, n_topics, n_left_out, left_out (labels joined by '、'), county_known.

    One row per county of ``gap_table`` (county keys, so never a missing county), in table order.
    """
    label = "label_en" if lang == "en" else "label_zh"
    sep = "; " if lang == "en" else "、"
    rows = []
    for county, group in gap_table.groupby("county", sort=False, dropna=False):
        left = group.loc[~group["addressed"].astype(bool), label]
        known = bool(group["county_known"].iloc[0]) if "county_known" in group else True
        rows.append((county, len(group), len(left), sep.join(left), known))
    return pd.DataFrame(rows, columns=GAP_COLUMNS).astype({"n_topics": int, "n_left_out": int, "county_known": bool})


def _quote_for(c, coder: TopicCoder, area_id: str, doc_ids, by_doc: dict) -> tuple:
    """The sentence with the most distinct cues of ``area_id``, first document that has one.

    ``by_doc``: :func:`analysis.coverage.kwic.sentences_by_doc` of ``c``, built once per report.
    """
    for doc_id in doc_ids:
        sents = by_doc.get(str(doc_id))
        if sents is None:
            continue
        k = kwic_in(c, sents, area_id, coder=coder)
        if len(k):
            ranked = k.groupby("sent_id", sort=False)["cue"].nunique().sort_values(ascending=False, kind="stable")
            r = k[k["sent_id"] == ranked.index[0]].iloc[0]
            return (Quote(r.doc_id, int(r.start), int(r.end), r.text),)
    return ()


def _findings(c, tables: dict, coder: TopicCoder) -> list:
    out = []
    zh_label, en_label = doc_labels(c.documents, lang="zh"), doc_labels(c.documents, lang="en")
    by_doc = sentences_by_doc(c)
    areas = tables["coverage_areas"]
    for area_id in ("justice", "society"):
        sub = areas[areas["area_id"] == area_id].sort_values("share_pct", ascending=False)
        if sub["doc_id"].nunique() < 2:  # a spread needs two documents (said in _notes)
            continue
        hi, lo = sub.iloc[0], sub.iloc[-1]
        if hi.share_pct == lo.share_pct:  # no spread to report (e.g. no document addresses the area)
            continue
        out.append(
            Finding(
                key=f"coverage_spread_{area_id}",
                table="coverage_areas",
                text={
                    "zh": f"{hi.label_zh}在{zh_label[hi.doc_id]}（{hi.doc_id}）中占正文的{hi.share_pct:.1f}%，"
                    f"在{zh_label[lo.doc_id]}（{lo.doc_id}）中仅占{lo.share_pct:.1f}%。",
                    "en": f"{hi.label_en} takes {hi.share_pct:.1f}% of the body text of {en_label[hi.doc_id]} "
                    f"({hi.doc_id}) but {lo.share_pct:.1f}% of {en_label[lo.doc_id]} ({lo.doc_id}).",
                },
                numbers=(float(hi.share_pct), float(lo.share_pct)),
                quotes=_quote_for(c, coder, area_id, [hi.doc_id], by_doc),
            )
        )
    out += _validity_finding(tables["coverage_validity"], tables["coverage_validity_loco"])
    out += _emphasis_findings(c, tables["coverage_emphasis"], coder, by_doc)
    out += _pooling_finding(tables["coverage_profiles"])
    out += _nmf_finding(c, tables)
    return out


def _nmf_finding(c, tables: dict) -> list:
    """The NMF's agreement with the heading labels (saying when it was fitted on a sample of the segments)."""
    nmf = tables["coverage_nmf_summary"].set_index("measure")["value"]
    if not len(nmf) or pd.isna(nmf.get("ami")):
        return []
    sampled = validity.nmf_sampled(c)
    zh_sample, en_sample = (
        ("，在正文段落的随机样本上拟合", ", fitted on a random sample of the body segments") if sampled else ("", "")
    )
    return [
        Finding(
            key="coverage_nmf",
            table="coverage_nmf_summary",
            text={
                "zh": f"无监督NMF（{int(nmf['n_topics'])}个主题{zh_sample}）"
                f"与标题标签的调整互信息为{nmf['ami']:.3f}，纯度为{nmf['purity']:.3f}。",
                "en": f"An unsupervised NMF ({int(nmf['n_topics'])} topics"
                f"{en_sample}) agrees with the "
                f"heading labels at an adjusted mutual information of {nmf['ami']:.3f} and a purity of "
                f"{nmf['purity']:.3f}.",
            },
            numbers=(int(nmf["n_topics"]), float(nmf["ami"]), float(nmf["purity"])),
        )
    ]


def _validity_finding(v: pd.DataFrame, loco: pd.DataFrame) -> list:
    """The coding's validity, stated out of sample (leave one county out) when the corpus allows it."""
    v = v.set_index("area_id")
    if "macro" not in v.index:  # no labelled segment (said in _notes)
        return []
    m = v.loc["macro"]
    rows = loco[(loco["scheme"] == "loco") & (loco["area_id"] == "macro")].set_index("method") if len(loco) else loco
    if len(rows) and "dictionary" in rows.index:
        d = rows.loc["dictionary"]
        zh = (
            f"以文件自身标题为独立标签（{int(d.n_segments)}个段落），留一县交叉验证下词典编码的宏平均kappa为"
            f"{d.kappa:.3f}（精确率{d.precision:.3f}，召回率{d.recall:.3f}）"
        )
        en = (
            f"Against the documents' own headings ({int(d.n_segments)} segments), leaving one county out at a "
            f"time, the dictionary coding reaches a macro-averaged kappa of {d.kappa:.3f} (precision "
            f"{d.precision:.3f}, recall {d.recall:.3f})"
        )
        numbers: tuple = (int(d.n_segments), float(d.kappa), float(d.precision), float(d.recall))
        if "dictionary+model" in rows.index:
            k = float(rows.loc["dictionary+model", "kappa"])
            zh += f"；词典与学习模型结合（逐段编码）为{k:.3f}"
            en += f"; combined with the learned model (one area per segment) {k:.3f}"
            numbers += (k,)
        areas = loco[(loco["scheme"] == "loco") & (loco["method"] == "dictionary") & (loco["area_id"] != "macro")]
        areas = areas[areas["n_segments"] >= MIN_MACRO_SEGMENTS]  # the areas the macro averages
        zh += f"（宏平均取标注段落不少于{MIN_MACRO_SEGMENTS}个的{len(areas)}个领域）"
        en += f" (macro over the {len(areas)} areas with at least {MIN_MACRO_SEGMENTS} labelled segments)"
    else:
        zh = (
            f"以文件自身标题为独立标签（{int(m.n_segments)}个段落），词典编码的样本内宏平均kappa为{m.kappa:.3f}"
            f"（精确率{m.precision:.3f}，召回率{m.recall:.3f}；语料不足两个县，未做留一县检验）"
        )
        en = (
            f"Against the documents' own headings ({int(m.n_segments)} segments) the dictionary coding reaches an "
            f"in-sample macro-averaged kappa of {m.kappa:.3f} (precision {m.precision:.3f}, recall {m.recall:.3f}; "
            "fewer than two counties: no leave-one-county-out check)"
        )
        numbers = (int(m.n_segments), float(m.kappa), float(m.precision), float(m.recall))
        areas = v.drop(index="macro").reset_index()
    kappas = areas.set_index("area_id")["kappa"].dropna() if len(areas) else pd.Series(dtype=float)
    if len(kappas):
        weakest = areas.set_index("area_id").loc[kappas.idxmin()]
        zh += f"；最低的领域是{weakest['label_zh']}（kappa {weakest['kappa']:.3f}）"
        en += f"; the weakest area is {weakest['label_en']} (kappa {weakest['kappa']:.3f})"
        numbers += (float(weakest["kappa"]),)
    text = {"zh": zh + "。", "en": en + "."}
    table = "coverage_validity_loco" if len(rows) else "coverage_validity"
    return [Finding(key="coverage_validity", table=table, text=text, numbers=numbers)]


def _emphasis_findings(c, emphasis: pd.DataFrame, coder: TopicCoder, by_doc: dict) -> list:
    """One finding per county on the area it stands out most on; with many counties only the
    ``MAX_COUNTY_FINDINGS`` that stand out most (the full list is the coverage_emphasis table)."""
    emph = emphasis.sort_values("diff_pp", ascending=False).drop_duplicates("county")
    emph = emph[emph["diff_pp"] > 0]  # NaN (one county) or no area above the others: nothing stands out
    n_counties = len(emph)
    emph = emph.head(MAX_COUNTY_FINDINGS)
    keys = county_keys(c.documents)
    docs_of = keys.groupby("county_key", sort=False)["doc_id"].agg(list).to_dict()
    out = []
    for r in emph.itertuples():
        doc_ids = docs_of.get(r.county, [])
        known = bool(getattr(r, "county_known", True))
        out.append(
            Finding(
                key=f"coverage_emphasis_{r.county}",
                table="coverage_emphasis",
                text={
                    "zh": f"{county_mark(r.county, known, 'zh')}相对其他县最突出的领域是{r.label_zh}：占正文"
                    f"{r.share_pct:.1f}%，其他县平均{r.others_mean_pct:.1f}%（高{r.diff_pp:.1f}个百分点）。",
                    "en": f"{county_mark(r.county, known, 'en')} stands out most on {r.label_en}: "
                    f"{r.share_pct:.1f}% of its body text against {r.others_mean_pct:.1f}% on average elsewhere "
                    f"(+{r.diff_pp:.1f} points).",
                },
                numbers=(float(r.share_pct), float(r.others_mean_pct), float(r.diff_pp)),
                quotes=_quote_for(c, coder, r.area_id, doc_ids, by_doc),
            )
        )
    if n_counties > len(emph):
        out.append(_emphasis_rest(len(emph), n_counties))
    return out


def _emphasis_rest(n_shown: int, n_counties: int) -> Finding:
    """Says that only the counties that stand out most were written out, and where the rest are."""
    return Finding(
        key="coverage_emphasis_more",
        table="coverage_emphasis",
        text={
            "zh": f"以上仅列出相对侧重最突出的{n_shown}个县；全部{n_counties}个县见 coverage_emphasis 表。",
            "en": f"Only the {n_shown} counties that stand out most are listed above; all {n_counties} are in the "
            "coverage_emphasis table.",
        },
        numbers=(),  # counts of findings, not values of the table
    )


def _pooling_finding(profiles: pd.DataFrame) -> list:
    """Say which county profiles pool documents of several types or periods (item 5)."""
    per = profiles.drop_duplicates("county")
    pooled = per[(per["n_docs"] > 1) & (per["doc_types"].str.contains(";") | per["periods"].str.contains(";"))]
    if pooled.empty:
        return []
    n_pooled = len(pooled)
    pooled = pooled.head(MAX_COUNTY_FINDINGS)  # with many counties: the first ones, all counted

    def types(value: str, lang: str) -> str:
        return ("、" if lang == "zh" else ", ").join(doc_type_label(t, lang) for t in value.split("; "))

    zh = "；".join(
        f"{county_mark(r.county, r.county_known, 'zh')}（{r.n_docs}份：{types(r.doc_types, 'zh')}；"
        f"{r.periods.replace('; ', '、')}）"
        for r in pooled.itertuples()
    )
    en = "; ".join(
        f"{county_mark(r.county, r.county_known, 'en')} ({r.n_docs} documents: {types(r.doc_types, 'en')}; "
        f"{r.periods.replace('; ', ', ')})"
        for r in pooled.itertuples()
    )
    if n_pooled > len(pooled):
        zh += f"；等共{n_pooled}个县"
        en += f"; {n_pooled} counties in all"
    return [
        Finding(
            key="coverage_pooled_profiles",
            table="coverage_profiles",
            text={
                "zh": f"以下各县的县级画像合并了不同类型或年度的文件：{zh}；"
                "逐县、逐年、逐类型的画像见 coverage_county_years。",
                "en": f"These county profiles pool documents of different types or years: {en}; the profile of "
                "each county, period and document type is in coverage_county_years.",
            },
            numbers=tuple(int(n) for n in pooled["n_docs"]),
        )
    ]


def _notes(c, tables: dict, coder: TopicCoder) -> list:
    """Not-computed findings: what this corpus is too small for, and why."""
    out = []
    n_docs, n_counties = len(c.documents), tables["coverage_profiles"]["county"].nunique()
    if n_docs < 2:
        out.append(
            not_computed(
                "coverage_spread_not_computed",
                "too_few_documents",
                zh=f"未比较各文件的领域占比：需要至少2份文件，本语料只有{n_docs}份。",
                en="Shares were not compared across documents: that needs at least 2 documents; "
                f"this corpus has {n_docs}.",
                numbers=(n_docs,),
            )
        )
    if n_counties < 2:
        out.append(
            not_computed(
                "coverage_emphasis_not_computed",
                "too_few_counties",
                zh=f"未计算各县的相对侧重：需要至少2个县，本语料只有{n_counties}个。",
                en=f"Relative emphasis was not computed: it needs at least 2 counties; this corpus has {n_counties}.",
                numbers=(n_counties,),
            )
        )
    if tables["coverage_validity"].empty:
        out.append(
            not_computed(
                "coverage_validity_not_computed",
                "no_heading_labels",
                zh="未检验编码效度：没有任何正文段落位于点明纲要领域的标题之下，缺少可对照的标签。",
                en="The coding was not validated: no body segment sits under a heading that names an area of "
                "the codebook, so there are no labels to check it against.",
            )
        )
    out += _nmf_notes(c, tables, coder)
    return out


def _nmf_notes(c, tables: dict, coder: TopicCoder) -> list:
    n_topics = len(coder.codebook.areas)
    if tables["coverage_nmf_summary"].empty:
        docs = validity.nmf_segments(c)
        short = validity.nmf_shortfall(docs, n_topics=n_topics) or {"n_segments": len(docs), "n_terms": 0}
        return [
            not_computed(
                "coverage_nmf_not_computed",
                "too_few_segments",
                zh=f"未做无监督NMF对照：{n_topics}个主题的NMF需要至少{n_topics}个含词语的正文段落和{n_topics}个"
                f"出现在至少{validity.MIN_DF}个段落中的词；本语料有{short['n_segments']}个段落、{short['n_terms']}个这样的词。",
                en=f"The unsupervised NMF comparison was not computed: NMF with {n_topics} topics needs at least "
                f"{n_topics} body segments with terms and {n_topics} terms found in {validity.MIN_DF} or more "
                f"segments; this corpus has {short['n_segments']} segments and {short['n_terms']} such terms.",
                numbers=(n_topics, short["n_segments"], short["n_terms"]),
            )
        ]
    nmf = tables["coverage_nmf_summary"].set_index("measure")["value"]
    if pd.isna(nmf.get("ami")):
        return [
            not_computed(
                "coverage_nmf_agreement_not_computed",
                "no_heading_labels",
                zh="NMF主题已拟合，但没有标题标签可与之对照，未计算调整互信息和纯度。",
                en="The NMF topics were fitted, but there are no heading labels to compare them with; adjusted "
                "mutual information and purity were not computed.",
            )
        ]
    return []
