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
# # 00 · Overview: how the counties plan and report 法治政府建设
#
# This notebook tells the whole story in a few pages; each part links to the notebook that
# works it out in detail:
#
# 1. [01_corpus](01_corpus.ipynb) — the documents, their structure, who is named responsible;
# 2. [02_topic_coverage](02_topic_coverage.ipynb) — which areas of the national 纲要 each county addresses,
#    and how far the coding can be trusted;
# 3. [03_similarity](03_similarity.ipynb) — how alike the documents are, and who shares text with whom;
# 4. [04_metrics](04_metrics.ipynb) — the figures (行政复议, 行政应诉, 信访) and targets the documents state.
#
# Everything here is computed by the `corpus` and `analysis` packages; `python -m analysis report`
# (or `an.report(c, out="figures")`) writes the same tables, figures and findings to `figures/` for use
# in a paper. The first code cell holds the parameters: set `LANG = "en"` for English labels, or point
# `CORPUS_DIR` at another folder of documents.

# %% tags=["parameters"]
import os

LANG = "zh"  # "zh" or "en": labels of figures and table values
CORPUS_DIR = os.environ.get("FAZHI_CORPUS_DIR") or None  # None = the seed documents in corpus/documents/
TOP_N = 6  # cross-county document pairs shown in the reuse table
N_FINDINGS = 2  # findings quoted from each section

# %%
import matplotlib.pyplot as plt
import pandas as pd

import corpus
from analysis.report.sections import coverage as coverage_section
from analysis.report.sections import metrics as metrics_section
from analysis.report.sections import similarity as similarity_section
from analysis.report.style import use_style

# %matplotlib inline
plt.ioff()  # figures are shown where the text discusses them, not when they are drawn
pd.set_option("display.max_colwidth", 80)
use_style()

# %%
c = corpus.load(CORPUS_DIR)
c.summary()[["doc_id", "county", "doc_type", "year_start", "year_end", "doc_number", "n_chars"]]

# %% [markdown]
# With the seed documents: seven documents from four counties in four provinces — two annual plans
# (冠县 2022, 开江 2021), three multi-year schemes (濉溪 2021–2025, 濮阳县 2022–2025 and its 一体建设
# scheme), one assessment scheme and one annual report (冠县 2023). They differ in length by a factor of
# five, so the analyses compare *shares* of text, not counts.
#
# ## 1 · What the counties write about
#
# Each sentence is coded against a codebook of the 纲要's areas plus the topics counties add (信访,
# 普法, 疫情防控, 法治社会, 公正司法 …). The heatmap shows the share of each county's body text that
# addresses each area.

# %%
cov = coverage_section.section(c, lang=LANG)
cov.figures["coverage_heatmap"]

# %% [markdown]
# Is the coding right? Several documents (濉溪 and 濮阳县 most closely) name the 纲要's areas in their
# own headings, which gives labels that do not depend on the cue terms. Agreement of the dictionary
# coding with those labels (Cohen's kappa per area, macro average in the last row):

# %%
cov.tables["coverage_validity"][["area_id", f"label_{LANG}", "precision", "recall", "kappa", "n_segments"]]

# %% [markdown]
# What each county leaves out entirely (a single mention counts as addressing a topic, so these are
# true silences):

# %%
cov.tables["coverage_gap_counts"]

# %% [markdown]
# ## 2 · Templates and borrowing
#
# Whole-document TF-IDF similarity is high everywhere (shared officialese), so the sharper evidence is
# text reuse: passages two documents share nearly verbatim after county names, years and numbers are
# masked. The table lists, for each ordered pair of documents from different counties, the share of the
# first document covered by passages shared with the second — the pairs with the most reuse first.

# %%
sim = similarity_section.section(c, lang=LANG)
shares = c.attach(sim.tables["reuse_share"], "county", on="doc_a").rename(columns={"county": "county_a"})
shares = c.attach(shares, "county", on="doc_b").rename(columns={"county": "county_b"})
cross = shares[shares.county_a != shares.county_b]
cross.sort_values("share_pct", ascending=False).head(TOP_N)[
    ["doc_a", "county_a", "doc_b", "county_b", "share_pct", "n_passages"]]

# %%
sim.figures["reuse_share"]

# %% [markdown]
# With the seed documents, 濉溪's scheme and 濮阳县's 2022–2025 scheme share more than a quarter of
# 濉溪's text although the counties are in different provinces: both follow the national 纲要 (and
# their provincial schemes) sentence by sentence. Every other cross-county pair stays below 10%. Whether
# they copied each other or a common template is a question the passages themselves (notebook 03) help
# answer.
#
# ## 3 · What the counties report and promise
#
# Plans commit to targets; only reports state actuals. The comparison shows plainly where a county
# reports nothing.

# %%
met = metrics_section.section(c, lang=LANG)
met.tables["metrics"][["doc_id", "metric", f"label_{LANG}", "value", "unit", "kind", "comparator", "flags",
                       "quote"]].head(15)

# %%
met.figures["metrics_targets_vs_actuals"]

# %% [markdown]
# ## Findings, with their sources
#
# Each finding states its numbers (all of which are in the tables above) and quotes the sentence it rests
# on, with the document and character offsets into the source file.

# %%
for finding in cov.findings[:N_FINDINGS] + sim.findings[:N_FINDINGS] + met.findings[:N_FINDINGS]:
    print("•", finding.text[LANG])
    for quote in finding.quotes:
        print(f"    「{quote.text[:80]}」 — {quote.doc_id} [{quote.start}:{quote.end}]")

# %% [markdown]
# **Caveats.** Documents of different types are compared by shares; a plan and a report are not the
# same genre. Cue-based coding is transparent but literal (see the validity table and notebook 02).
# The seed corpus holds only one county's report, so actuals cannot yet be compared across counties —
# add more reports to `corpus/documents/` (see the README) and rerun.
