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
# with sub-topics and cue terms (e.g. 行政复议, 出庭应诉, 诉访分离; the 纲要's own area titles and key
# phrases among them). Every clause of every body sentence (clean text: responsibility clauses, web
# chrome and page numbers removed by `corpus`; a sentence is cut into clauses at semicolons outside
# brackets, so a sentence chaining five tasks does not count in five areas) is coded to each topic
# whose cue occurs in it; exclusions mask false hits (规范性文件 inside 党内规范性文件, 行政处罚 in
# 不服行政处罚). A topic's **share** of a document is the share of the document's body characters in
# clauses coded to it. Every count can be traced back to sentences with `an.kwic`. Beside the
# dictionary, a model learned from the documents' own headings (character n-grams, calibrated linear
# SVM) codes each **segment** to one area with its evidence (`an.coverage_segments`), and a human
# coding sheet checks and overrides both.

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
N_PER_AREA = 3  # coding sheet: segments sampled per proposed area
SHEET_DIR = None  # folder for the coding sheet; None = a temporary folder

# %%
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from openpyxl import load_workbook

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
# in-sample agreement, not a held-out test (the next section scores out of sample). Areas with few
# labelled segments (区域协作: one) have unstable figures.

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
# fixed seed) is fitted on all body segments (beyond 10,000, a seeded random sample of 10,000: the finding
# says so) without any codebook input. Each NMF topic is named by
# the heading-labelled area most common among the segments it dominates. Adjusted mutual
# information and purity say how far the unsupervised structure agrees with the areas.

# %%
sec.tables["coverage_nmf_summary"]

# %%
sec.tables["coverage_nmf"][["nmf_topic", "top_terms", "n_segments", f"best_area_{LABEL}", "share_best"]]

# %% [markdown]
# ### Out of sample: leave one county out
#
# The learned model is fitted, for each county in turn, on the heading-labelled segments of all the
# OTHER counties (plus one pseudo-document per codebook topic) and scores the held-out county; the
# pooled predictions are compared with the labels. `dictionary` is the cue lists alone, `model` the
# learned model alone, `dictionary+model` the combination `coverage_segments` uses. The `macro` row
# averages the areas with at least five labelled segments. On the seeds plus the 21 real documents of
# other places (tests/data/realdocs) the combination reaches a macro kappa of about 0.88
# (docs/coverage_validity.md); the county profiles carry the dictionary's out-of-sample kappa of each
# area beside its share (`kappa_oos`).

# %%
loco = sec.tables["coverage_validity_loco"]
loco[loco.area_id == "macro"][["scheme", "method", "precision", "recall", "kappa", "n_segments"]]

# %%
loco[loco.scheme == "loco"].pivot(index="area_id", columns="method", values="kappa")

# %%
sec.tables["coverage_validity_folds"]

# %% [markdown]
# One area per segment, with why: `evidence` lists the cues that fired and the character n-grams
# that weigh most for the predicted area; `start`/`end` are the segment's offsets in the source file.

# %%
segs = sec.tables["coverage_segments"]
segs[["doc_id", "seg_id", "start", "end", "heading", "predicted", "score", "evidence", "method"]].head(8)

# %% [markdown]
# ## A human coding sheet
#
# A stratified sample of segments (`N_PER_AREA` per proposed area, and from the segments coded to no
# area) goes to an XLSX workbook: the verbatim text, the proposed area and its evidence, and an empty
# column `human_area` with a drop-down list of the codebook's areas (plus `none`). A coder fills it
# in Excel or LibreOffice; here a simulated coder accepts every proposal except every third row,
# which it recodes to 公正司法 (`justice`), so that the round trip shows disagreements.

# %%
sheet_dir = Path(SHEET_DIR) if SHEET_DIR else Path(tempfile.mkdtemp(prefix="coding-sheet-"))
sheet_path = an.coding_sheet(c, sheet_dir / "coding_sheet.xlsx", segments=segs, n_per_area=N_PER_AREA, coder=coder)
wb = load_workbook(sheet_path)
ws = wb["coding"]
header = [cell.value for cell in ws[1]]
human_col, proposed_col = header.index("human_area") + 1, header.index("proposed") + 1
for row in range(2, ws.max_row + 1):
    ws.cell(row, human_col).value = "justice" if row % 3 == 0 else (ws.cell(row, proposed_col).value or "none")
wb.save(sheet_path)
sheet_path

# %% [markdown]
# Read it back; Cohen's kappa and Krippendorff's alpha per area (one-vs-rest) and over all areas,
# with 95% bootstrap intervals:

# %%
sheet = an.read_coding_sheet(sheet_path, coder=coder)
human = an.coding_agreement(sheet, coder=coder)
human["agreement"][["area_id", LABEL, "n_human", "n_machine", "kappa", "kappa_low", "kappa_high", "alpha"]]

# %%
human["disagreements"][["seg_id", "proposed", "human_area", "text"]]

# %% [markdown]
# Human codes override the machine's: the coded segments' clauses now count for the human area
# only. Here 公正司法 gains what the simulated coder moved to it:

# %%
before = an.coverage(c, by="county", coder=coder)
after = an.coverage(c, by="county", coder=coder, human=human["human"])
compare = before[["county", "area_id", "share_pct"]].merge(
    after[["county", "area_id", "share_pct"]], on=["county", "area_id"], suffixes=("_machine", "_human"))
compare[compare.share_pct_machine != compare.share_pct_human]

# %% [markdown]
# And they can be fed back as training labels (`human["labels"]`, passed as `labels=` to
# `analysis.coverage.segments.fit_corpus_model`).

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
