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
# # 01 · What is in the corpus
#
# This notebook describes the documents the project compares: which counties, which kinds of
# document (plan, scheme, report, assessment), how long they are, how deep their own structure
# goes, and who they name as responsible. Everything comes from the `corpus` package; this
# notebook only calls it and comments on the results.
#
# Source files live in `corpus/documents/` exactly as published. Cleaning (web-page chrome,
# markdown markup, page numbers, lines broken by PDF conversion, half-width punctuation) happens
# in code, with offsets back to the source, so every passage quoted below can be found again.

# %% tags=["parameters"]
import os

LANG = "zh"  # "zh" or "en": labels of the figure
CORPUS_DIR = os.environ.get("FAZHI_CORPUS_DIR") or None  # None = the seed documents in corpus/documents/
TOP_UNITS = 5  # units listed per county in the table of lead units
EXAMPLE_TERM = "行政复议申请"  # the provenance example quotes the sentences containing this term

# %%
import matplotlib.pyplot as plt
import pandas as pd

import corpus
from analysis.report.labels import doc_labels
from analysis.report.style import use_style

# %matplotlib inline
plt.ioff()  # figures are shown where the text discusses them, not when they are drawn
pd.set_option("display.max_colwidth", 60)
use_style()

# %%
c = corpus.load(CORPUS_DIR)
c

# %% [markdown]
# ## The documents
#
# One row per document. The 濮阳县 seed file bundles three documents (实施方案, 考核方案, 一体建设实施方案),
# which the manifest splits with `begins_at`. `n_chars` counts clean body characters (front matter
# such as the cover notice and back matter such as the 印发 line are excluded); `warnings` names the
# metadata that was neither stated nor inferred.

# %%
c.summary()

# %%
c.problems  # files that could not be read, and why (empty for the seeds)

# %% [markdown]
# Every docvar says where it came from: the manifest, the title, the front matter, the body, the
# signature, or the county gazetteer (`corpus/data/counties.csv`, for province, prefecture and level);
# an empty cell means the value is unknown.

# %%
c.documents.set_index("doc_id").filter(like="_source")

# %% [markdown]
# ## Lengths and structure
#
# Documents differ in length (with the seeds, by a factor of five), which is why later analyses compare
# *shares* rather than counts. The structure table counts the body units each document uses: parts
# (一、), sections (（一）), items (1.), sub-items (（1）) and free paragraphs. With the seeds, 冠县's 2022
# plan numbers its items straight under its parts; 濉溪 and 开江 work with sections; 濮阳县 uses all levels.

# %%
body = c.body()
structure = (body.segments.groupby(["doc_id", "kind"]).size().unstack(fill_value=0)
             .reindex(columns=["part", "section", "item", "subitem", "paragraph"], fill_value=0))
structure["depth"] = body.segments.groupby("doc_id")["level"].max()
structure

# %%
lengths = c.docvar("n_chars").rename(index=doc_labels(c.documents, lang=LANG)).sort_values()
ax = lengths.plot.barh(figsize=(6, 3))
ax.set_xlabel({"zh": "正文字数（清洗后）", "en": "clean body characters"}[LANG])
ax.set_ylabel("")
ax.figure

# %% [markdown]
# ## Who is named responsible
#
# Plans and schemes attach a responsibility clause to most tasks (〔牵头单位：…；责任单位：…〕,
# 牵头县领导 in 濉溪). The clauses are parsed into their own table and removed from the text that the
# topic and similarity measures read. Below: the clauses per county and role, then the units that lead
# the most tasks in each county.

# %%
r = c.attach(c.responsibilities, "county")
roles = r.groupby(["county", "role"]).size().unstack(fill_value=0)
roles

# %%
leads = (r[r.role.isin(["lead_unit", "lead_leader"])]
         .groupby(["county", "name"]).seg_id.nunique().rename("tasks_led")
         .sort_values(ascending=False).groupby(level=0).head(TOP_UNITS).to_frame())
leads

# %% [markdown]
# With the seeds, the county justice bureau (县司法局) leads more tasks than any other unit in every county
# that uses clauses — the legal affairs office is the engine of 法治政府建设 — while 濉溪 also names
# county leaders (牵头县领导) personally. The 冠县 2023 report carries no clauses at all: reports
# describe what was done, not who must do it.
#
# ## Provenance
#
# Every segment, sentence, token and clause carries `start`/`end` offsets into the decoded source
# file, so `c.quote(doc_id, start, end)` returns the passage exactly as published. For instance, the
# sentences containing `EXAMPLE_TERM` (with the seeds: the 冠县 2023 reconsideration figures), with
# their clean text next to the verbatim source:

# %%
hits = c.sentences[c.sentences.text.str.contains(EXAMPLE_TERM, regex=False)].head(3)
hits.assign(source=[c.quote(d, s, e) for d, s, e in zip(hits.doc_id, hits.start, hits.end)])[
    ["doc_id", "start", "end", "text", "source"]]
