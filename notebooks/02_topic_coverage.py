# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: tags,-all
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 02 · Topic coverage: which parts of 法治政府建设 each county addresses
#
# **Question.** Which areas of the national 《法治政府建设实施纲要（2021—2025年）》 does each county's
# document address, how much weight does it give each, and what does it leave out? And is the
# coding that answers this trustworthy?
#
# **Method in one paragraph.** A codebook (`analysis/data/codebook.yaml`, editable) lists the nine
# areas of the 纲要 outline plus the areas county documents add (法治社会, 公正司法, 区域协作), each
# with sub-topics and cue terms (e.g. 行政复议, 出庭应诉, 诉访分离). Every sentence of every body
# segment (clean text: responsibility clauses, web chrome and page numbers removed by `corpus`) is
# coded to each topic whose cue occurs in it; exclusions mask false hits (规范性文件 inside
# 党内规范性文件). A topic's **share** of a document is the share of the document's body characters
# in sentences coded to it. Every count can be traced back to sentences with `an.kwic`.

# %% tags=["parameters"]
import os

LANG = "zh"  # "zh" or "en": labels of tables and figures
CORPUS_DIR = os.environ.get("FAZHI_CORPUS_DIR") or None  # None = the seed documents in corpus/documents/
FIGURES_DIR = "../figures/coverage"  # generated, not committed
KAPPA_FLOOR = 0.7  # areas below this Cohen's kappa are flagged: treat their shares with caution
RECALL_FLOOR = 0.8  # areas below this recall: the coding misses heading-labelled text
N_OUTLINE_DOCS = 2  # documents checked on their own: those whose headings label the most of their body
EXAMPLE_AREA = "disputes"  # codebook area whose cues are shown for one document
EXAMPLE_TOPIC = "disputes.reconsideration"  # codebook topic whose sentences are listed (keyword in context)
EXAMPLE_DOC = None  # None = the document giving EXAMPLE_AREA the largest share

# %%
import matplotlib.pyplot as plt
import pandas as pd

import analysis as an
import corpus
from analysis.coverage import validity
from analysis.report.sections import coverage as coverage_section
from analysis.report.style import save_figure, use_style

# %matplotlib inline
plt.ioff()  # figures are shown where the text discusses them, not when they are drawn

LABEL = f"label_{LANG}"
pd.set_option("display.max_colwidth", 80)
pd.set_option("display.width", 200)
use_style()

# %%
c = corpus.load(CORPUS_DIR)
coder = an.TopicCoder.from_file()
c.documents[["doc_id", "county", "doc_type", "title", "n_chars"]]

# %% [markdown]
# ## The codebook
# Areas (`origin` = `gangyao` for the 纲要 outline, `county` for what the counties add) and their number of sub-topics:

# %%
coder.codebook.areas_frame()[["area_id", "label_zh", "label_en", "origin", "n_topics"]]

# %%
coder.codebook.topics_frame()[["topic_id", LABEL, "origin", "cues"]].head(12)

# %% [markdown]
# ## Coverage per document and per county
#
# The section computes every table and figure the report uses. Shares are percentages of each
# document's (or county's pooled) body characters; a sentence can address several topics, so shares
# of different areas overlap and do not sum to 100.
#
# **Caveat.** The documents are of different types and lengths — with the seeds: annual *plans* (冠县
# 2022, 开江 2021), an annual *report* of achievements (冠县 2023), five-year *schemes* (濉溪, 濮阳县) and
# an *assessment* scheme (濮阳县). They are compared by shares only; a low share in a short plan is not
# "less work", and a report describes what was done rather than what is planned. A county's profile
# pools its documents: 濮阳县's includes the 考核方案, which lifts 考核 and 党的领导 for that county.

# %%
sec = coverage_section.section(c, lang=LANG, coder=coder)
areas = sec.tables["coverage_areas"]
areas.pivot(index="doc_id", columns="area_id", values="share_pct")

# %%
save_figure(sec.figures["coverage_heatmap"], FIGURES_DIR, "coverage_heatmap")
sec.figures["coverage_heatmap"]

# %% [markdown]
# Each cell says which cues fired, so a reader can see why. Here the topics of `EXAMPLE_AREA` in the
# document that gives that area the largest share of its body text (unless `EXAMPLE_DOC` names one):

# %%
example = areas[areas.area_id == EXAMPLE_AREA].sort_values("share_pct", ascending=False)
EXAMPLE_DOC = EXAMPLE_DOC or example.doc_id.iloc[0]
cov = sec.tables["coverage"]
print(EXAMPLE_DOC, "·", c.docvar("title")[EXAMPLE_DOC])
cov[(cov.doc_id == EXAMPLE_DOC) & (cov.area_id == EXAMPLE_AREA)][
    ["topic_id", LABEL, "share_pct", "n_segments", "has_heading", "cues"]]

# %% [markdown]
# The sentences behind one topic, keyword in context; `start`/`end` are the sentence's offsets in the
# source file:

# %%
k = an.kwic(c, EXAMPLE_TOPIC, coder=coder, doc_id=EXAMPLE_DOC)
k[["seg_id", "start", "end", "left", "keyword", "right"]].head(8)

# %% [markdown]
# ## Validity against the documents' own headings
#
# Many documents name the 纲要 areas in their headings
# ("（四）健全行政执法工作体系"). A body segment gets the area its own heading, or its nearest
# ancestor's heading, names (heading cues in the codebook). These labels are independent of the
# coding: for this check the coding reads each segment **without its own heading**, and the ancestor
# headings are separate segments that are never coded. Prediction = the segment's primary area
# (most cue hits). Precision, recall and Cohen's kappa are computed one-vs-rest per area; the
# `macro` row averages the areas.
#
# **Honest limits.** The cue lists were written while reading the seed documents, so on them this is
# in-sample agreement, not a held-out test; expect lower agreement on new counties until the
# codebook is checked against them. Areas with few labelled segments (区域协作: one) have unstable
# figures.

# %%
v = sec.tables["coverage_validity"]
v[["area_id", LABEL, "precision", "recall", "kappa", "n_segments", "n_predicted"]]

# %%
macro = v.set_index("area_id").loc["macro"]
print(f"macro-averaged kappa: {macro.kappa:.3f} over {int(macro.n_segments)} heading-labelled segments")
print(f"areas below kappa {KAPPA_FLOOR} (treat their shares with caution) or below recall {RECALL_FLOOR}:")
v[(v.area_id != "macro") & ((v.kappa < KAPPA_FLOOR) | (v.recall < RECALL_FLOOR))][
    ["area_id", LABEL, "precision", "recall", "kappa", "n_segments"]]

# %% [markdown]
# The documents whose headings follow the 纲要 outline most closely — the `N_OUTLINE_DOCS` documents with
# the largest share of body segments labelled by a heading (with the seeds: 濉溪 and 开江) — on their own:

# %%
labelled = c.attach(sec.tables["coverage_validity_docs"], "n_segments")
labelled = labelled.assign(labelled_pct=(100 * labelled.n_labelled / labelled.n_segments).round(1))
outline = c.subset(labelled.nlargest(N_OUTLINE_DOCS, "labelled_pct").doc_id)
labelled.sort_values("labelled_pct", ascending=False)

# %%
validity.agreement(validity.heading_labels(outline, coder=coder), validity.predictions(outline, coder=coder),
                   coder=coder)[["area_id", LABEL, "precision", "recall", "kappa", "n_segments"]]

# %% [markdown]
# Where the coding and the headings disagree (heading label → predicted primary area; `none` = no cue hit):

# %%
conf = sec.tables["coverage_confusion"]
conf[conf.area_id != conf.predicted].sort_values("n_segments", ascending=False).head(10)

# %% [markdown]
# ### An unsupervised check: NMF
#
# An NMF with one topic per codebook area (TF-IDF on the corpus tokens, single-character tokens kept,
# fixed seed) is fitted on all body segments without any codebook input. Each NMF topic is named by
# the heading-labelled area most common among the segments it dominates. Adjusted mutual
# information and purity say how far the unsupervised structure agrees with the areas.

# %%
sec.tables["coverage_nmf_summary"]

# %%
sec.tables["coverage_nmf"][["nmf_topic", "top_terms", "n_segments", f"best_area_{LABEL}", "share_best"]]

# %% [markdown]
# ## What differs between the counties
#
# Relative emphasis: a county's share of an area minus the mean share of the other counties
# (percentage points). Each county's two largest positive differences:

# %%
emph = sec.tables["coverage_emphasis"]
emph.sort_values("diff_pp", ascending=False).groupby("county").head(2)

# %%
for f in sec.findings:
    print("-", f.text[LANG])

# %%
save_figure(sec.figures["coverage_subtopics"], FIGURES_DIR, "coverage_subtopics")
sec.figures["coverage_subtopics"]

# %% [markdown]
# ## What each county leaves out
#
# A topic counts as addressed when any sentence of any of the county's documents is coded to it;
# a single passing mention is enough, so this chart shows true silences, not light coverage.

# %%
sec.tables["coverage_gap_counts"]

# %%
save_figure(sec.figures["coverage_gaps"], FIGURES_DIR, "coverage_gaps")
sec.figures["coverage_gaps"]

# %% [markdown]
# ## Reading the results (seed documents)
#
# * 公正司法 is substantial only in 濮阳县's 考核方案 and 一体建设 scheme (see `coverage_areas`); 冠县's 2022
#   plan has no 公正司法 text at all. 法治社会 is largest in the 一体建设 scheme and in 冠县's 2023 report
#   (普法 brands), smallest in 濉溪's scheme.
# * 开江's 2021 plan gives 放管服/营商环境 and 行政执法 a larger share than any other county does; its
#   疫情防控 item (（二十）) is the clearest pandemic text in the corpus.
# * 冠县 stands out on 法治社会 (普法 brands in its 2023 report) and 信访/矛盾纠纷多元化解.
# * Silences are few at county level; they concentrate in the county-added topics (网络法治,
#   党内法规, 公正司法) and in 政府督查.
#
# All numbers above are in the section's tables; `python -m analysis report` writes them with the
# figures.
