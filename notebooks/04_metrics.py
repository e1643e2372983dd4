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
# # 04 · Metrics: what each county states, and what it does not
#
# Figures such as 行政复议 applications received and accepted, 行政应诉 cases, the agency-leader
# court-appearance rate (出庭应诉率) and the fall in 信访 volume can be cited only together with the sentence
# they come from. This notebook extracts them with `analysis.metrics` (definitions in
# `analysis/data/metrics.yaml`; the same table comes from `an.metrics(c)`) and compares counties, showing
# plainly where a county reports nothing.
#
# **Caveat.** Only annual *reports* carry actuals. Plans, schemes and assessment schemes state *targets*
# (出庭应诉率不低于95%, 报备率100%). A county without a report in the corpus has "not reported" in every
# actual cell — a gap in the documents, not a zero.

# %% tags=["parameters"]
import os

LANG = "zh"  # "zh" or "en": labels of tables and figures
CORPUS_DIR = os.environ.get("FAZHI_CORPUS_DIR") or None  # None = the seed documents in corpus/documents/
FIGURES_DIR = "../figures/metrics"  # generated, not committed
N_UNCLASSIFIED = 30  # rows shown of the numbers that match no definition

# %%
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

import analysis as an
import corpus
from analysis.metrics import comparison
from analysis.report import export
from analysis.report.sections import metrics as metrics_section
from analysis.report.style import save_figure, use_style

# %matplotlib inline
plt.ioff()  # figures are shown where the text discusses them, not when they are drawn
pd.set_option("display.max_colwidth", 80)
use_style()

# %% [markdown]
# The reports in the corpus (only they carry actuals):

# %%
c = corpus.load(CORPUS_DIR)
extractor = an.MetricExtractor.from_file()
s = metrics_section.section(c, lang=LANG, extractor=extractor)
c.subset(doc_type="report").summary()[["doc_id", "county", "doc_type", "year_start", "year_end", "title"]]

# %% [markdown]
# With the seeds, only 冠县 has a report (2023), so every actual below is 冠县's.
#
# ## Every extracted value, with its quote
#
# `start`/`end` are offsets into the decoded source file: `c.quote(doc_id, start, end) == quote`.
# `kind` is *actual* or *target*; `flags` marks derived values (e.g. 行政机关负责人全部出庭应诉 → 100 %) and
# implausible ones.

# %%
m = s.tables["metrics"]
m[["doc_id", "year", "metric", f"label_{LANG}", "value", "unit", "kind", "comparator", "flags", "quote"]]

# %%
print("every quote is verbatim at its offsets:",
      all(c.quote(r.doc_id, r.start, r.end) == r.quote for r in m.itertuples()))

# %% [markdown]
# ## Flagged values
#
# A value whose flags make it unusable (a rate above 100 %, a value out of bounds, a part exceeding its
# total) is kept, flagged and never used in a comparison. With the seeds, the 冠县 2023 report states
# 审计查出问题整改到位率952% — most likely a typo (95.2 %?), but the document does not say which.

# %%
m[~m["flags"].map(comparison.is_valid)][["doc_id", "metric", "value", "flags", "quote"]]

# %% [markdown]
# ## County × metric: actuals and targets
#
# Cells read "未报告 / not reported" where a county's documents state nothing.

# %%
table = s.tables["metric_comparison"]
comparison.comparison_matrix(table, kind="actual", lang=LANG)

# %%
comparison.comparison_matrix(table, kind="target", lang=LANG)

# %%
s.figures["metrics_coverage_matrix"]

# %% [markdown]
# ## The 行政复议 funnel and 出庭应诉率: target vs actual

# %%
s.tables["metrics_funnel"].query("status == 'reported'")

# %%
s.figures["metrics_funnel"]

# %%
s.tables["metrics_targets_vs_actuals"]

# %%
s.figures["metrics_targets_vs_actuals"]

# %% [markdown]
# ## How concrete is a plan? Quantified commitments per 10,000 characters
#
# A count of *targets* per document, normalised by body length. It measures how often a plan commits to a
# number, not how ambitious the numbers are.

# %%
s.tables["metrics_commitments"]

# %%
s.figures["metrics_commitments"]

# %% [markdown]
# ## Numbers that match no definition
#
# Kept with provenance rather than forced into a metric. A researcher who finds a recurring quantity here
# can add a definition to `analysis/data/metrics.yaml` — no code change is needed.

# %%
s.tables["metrics_unclassified"][["doc_id", "number_text", "kind", "quote"]].head(N_UNCLASSIFIED)

# %% [markdown]
# ## The county × year panel, for Stata, R and pandas
#
# `an.metrics_panel(c)` is the long panel: every figure with its county, province, adcode, year, period,
# kind, quote and offsets; `usable` is False for flagged values and for figures that cover part of a year
# (`partial_year`) or several years (`multi_year`) — they stay in the long table but never fill an annual
# cell. `wide=True` gives one row per county × year and one column per metric (actuals by default), with the
# documents behind each value (`<metric>_doc`) and how many statements it rests on (`<metric>_n`).

# %%
long = an.metrics_panel(c, m)
long[["county", "year", "period", "metric", "value", "unit", "kind", "doc_id", "usable", "quote"]].head(12)

# %%
wide = an.metrics_panel(c, m, wide=True)
wide.iloc[:, :10]

# %% [markdown]
# The report writes both tables as `tables/metrics_panel.*` and `tables/metrics_panel_wide.*` (CSV with a
# BOM for Excel, XLSX, Parquet and Stata 118 `.dta` with variable labels in the report language). Here the
# wide panel goes to Stata format next to the figures and is read back with its labels:

# %%
dta = export.write_stata(wide, Path(FIGURES_DIR) / "metrics_panel_wide.dta", lang=LANG, label="county x year panel")
with pd.io.stata.StataReader(dta) as reader:
    panel, labels = reader.read(), reader.variable_labels()
print(dta, panel.shape)
pd.Series(labels).head(8)

# %% [markdown]
# The same file elsewhere (paths relative to the report's output folder):
#
# * **Stata** — `use "tables/metrics_panel_wide.dta", clear` then `describe` (labels) and
#   `xtset` after `encode county, gen(cid)`; the long panel (`metrics_panel.dta`) suits `reshape` by metric.
# * **R** — `haven::read_dta("tables/metrics_panel_wide.dta")` keeps the labels;
#   `arrow::read_parquet("tables/metrics_panel.parquet")` reads the long table with its types.
# * **pandas** — `pd.read_parquet("tables/metrics_panel.parquet")`, or `pd.read_stata(...)` as above.
#
# Cite a value with its quote: every row of the long panel has `doc_id`, `start`, `end`, and
# `c.quote(doc_id, start, end)` returns the sentence it came from.

# %% [markdown]
# ## Findings

# %%
for f in s.findings:
    print(f.text[LANG])

# %% [markdown]
# Save the figures (PNG + PDF) for a paper:

# %%
for name, fig in s.figures.items():
    save_figure(fig, FIGURES_DIR, name)
sorted(s.figures)
