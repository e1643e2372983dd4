"""Report section for topic coverage: tables, figures and findings (see :mod:`analysis.coverage`)."""

from __future__ import annotations

import pandas as pd

from analysis.coverage import validity
from analysis.coverage.coder import TopicCoder
from analysis.coverage.coding import (
    area_coverage,
    code_sentences,
    county_profiles,
    coverage,
    default_coder,
    gaps,
    relative_emphasis,
)
from analysis.coverage.kwic import kwic
from analysis.report.labels import check_lang, county_label, doc_labels, localise
from analysis.report.plots import coverage as plots_coverage
from analysis.report.section import Finding, Quote, Section

NAME = "coverage"


def section(c, *, lang: str = "zh", coder: TopicCoder | None = None) -> Section:
    """Tables, figures and findings of the coverage analysis for the report.

    Tables: ``coverage`` (document × topic), ``coverage_areas`` (document × area),
    ``coverage_profiles`` / ``coverage_topic_profiles`` (county × area / topic, pooled),
    ``coverage_emphasis``, ``coverage_gaps``, ``coverage_gap_counts`` and the validity tables of
    :func:`analysis.coverage.validity.validity_tables` (``coverage_validity`` with a ``macro`` row, …).
    Figures: ``coverage_heatmap``, ``coverage_subtopics``, ``coverage_gaps``.
    """
    check_lang(lang)
    coder = coder or default_coder()
    coded = code_sentences(c, coder=coder)
    profiles = county_profiles(c, coder=coder, coded=coded)
    topic_profiles = county_profiles(c, coder=coder, coded=coded, level="topic")
    gap_table = gaps(topic_profiles, coder=coder)
    tables = {
        "coverage": coverage(c, coder=coder, coded=coded),
        "coverage_areas": area_coverage(c, coder=coder, coded=coded),
        "coverage_profiles": profiles,
        "coverage_topic_profiles": topic_profiles,
        "coverage_emphasis": relative_emphasis(profiles),
        "coverage_gaps": gap_table,
        "coverage_gap_counts": _gap_counts(gap_table, lang),
        **validity.validity_tables(c, coder=coder),
    }
    findings = _findings(c, tables, coder)
    tables = localise(tables, lang)
    figures = {
        "coverage_heatmap": plots_coverage.coverage_heatmap(tables["coverage_profiles"], lang=lang),
        "coverage_subtopics": plots_coverage.coverage_subtopics(tables["coverage_topic_profiles"], lang=lang),
        "coverage_gaps": plots_coverage.coverage_gaps(tables["coverage_gaps"], lang=lang),
    }
    return Section(name=NAME, tables=tables, figures=figures, findings=findings)


def _gap_counts(gap_table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """county, n_topics, n_left_out, left_out (labels joined by '、')."""
    label = "label_en" if lang == "en" else "label_zh"
    sep = "; " if lang == "en" else "、"
    g = gap_table.groupby("county", sort=False)
    return pd.DataFrame(
        {
            "n_topics": g.size(),
            "n_left_out": g["addressed"].agg(lambda s: int((~s).sum())),
            "left_out": g.apply(lambda d: sep.join(d.loc[~d["addressed"], label]), include_groups=False),
        }
    ).reset_index()


def _findings(c, tables: dict, coder: TopicCoder) -> list:
    def quote_for(area_id: str, doc_ids) -> tuple:
        for doc_id in doc_ids:  # the sentence with the most distinct cues, first document that has one
            k = kwic(c, area_id, coder=coder, doc_id=doc_id)
            if len(k):
                ranked = k.groupby("sent_id", sort=False)["cue"].nunique().sort_values(ascending=False, kind="stable")
                r = k[k["sent_id"] == ranked.index[0]].iloc[0]
                return (Quote(r.doc_id, int(r.start), int(r.end), r.text),)
        return ()

    out = []
    zh_label, en_label = doc_labels(c.documents, lang="zh"), doc_labels(c.documents, lang="en")
    areas = tables["coverage_areas"]
    for area_id in ("justice", "society"):
        sub = areas[areas["area_id"] == area_id].sort_values("share_pct", ascending=False)
        if sub.empty:
            continue
        hi, lo = sub.iloc[0], sub.iloc[-1]
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
                quotes=quote_for(area_id, [hi.doc_id]),
            )
        )
    v = tables["coverage_validity"].set_index("area_id")
    areas_only = v.drop(index="macro")
    worst = areas_only["kappa"].idxmin()
    m = v.loc["macro"]
    weakest = areas_only.loc[worst]
    out.append(
        Finding(
            key="coverage_validity",
            table="coverage_validity",
            text={
                "zh": f"以文件自身标题为独立标签（{int(m.n_segments)}个段落），"
                f"词典编码的宏平均kappa为{m.kappa:.3f}（精确率{m.precision:.3f}，召回率{m.recall:.3f}）；"
                f"最低的领域是{weakest['label_zh']}（kappa {weakest['kappa']:.3f}）。",
                "en": f"Against the documents' own headings ({int(m.n_segments)} segments) the dictionary coding "
                f"reaches a macro-averaged kappa of {m.kappa:.3f} (precision {m.precision:.3f}, recall "
                f"{m.recall:.3f}); the weakest area is {weakest['label_en']} (kappa {weakest['kappa']:.3f}).",
            },
            numbers=(
                int(m.n_segments),
                float(m.kappa),
                float(m.precision),
                float(m.recall),
                float(areas_only.loc[worst, "kappa"]),
            ),
        )
    )
    emph = tables["coverage_emphasis"].sort_values("diff_pp", ascending=False).drop_duplicates("county")
    for r in emph.itertuples():
        doc_ids = c.subset(county=r.county).doc_ids
        out.append(
            Finding(
                key=f"coverage_emphasis_{r.county}",
                table="coverage_emphasis",
                text={
                    "zh": f"{r.county}相对其他县最突出的领域是{r.label_zh}：占正文{r.share_pct:.1f}%，"
                    f"其他县平均{r.others_mean_pct:.1f}%（高{r.diff_pp:.1f}个百分点）。",
                    "en": f"{county_label(r.county, 'en')} stands out most on {r.label_en}: {r.share_pct:.1f}% of "
                    f"its body text against {r.others_mean_pct:.1f}% on average elsewhere (+{r.diff_pp:.1f} points).",
                },
                numbers=(float(r.share_pct), float(r.others_mean_pct), float(r.diff_pp)),
                quotes=quote_for(r.area_id, doc_ids),
            )
        )
    nmf = tables["coverage_nmf_summary"].set_index("measure")["value"]
    out.append(
        Finding(
            key="coverage_nmf",
            table="coverage_nmf_summary",
            text={
                "zh": f"无监督NMF（{int(nmf['n_topics'])}个主题）与标题标签的调整互信息为{nmf['ami']:.3f}，"
                f"纯度为{nmf['purity']:.3f}。",
                "en": f"An unsupervised NMF ({int(nmf['n_topics'])} topics) agrees with the heading labels at an "
                f"adjusted mutual information of {nmf['ami']:.3f} and a purity of {nmf['purity']:.3f}.",
            },
            numbers=(int(nmf["n_topics"]), float(nmf["ami"]), float(nmf["purity"])),
        )
    )
    return out
