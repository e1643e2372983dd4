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
# # 03 · Similarity and text reuse: template or local?
#
# **Question.** How alike are the counties' 法治政府建设 documents, *where* are they alike, and which
# passages did one document share nearly verbatim with another? Policy-diffusion work asks how far local
# documents repeat higher-level templates (the national 纲要, provincial and city schemes) and each other,
# and what is genuinely local.
#
# **Methods in brief** (details in the module docstrings of `analysis.similarity.tfidf`,
# `analysis.similarity.alignment`, `analysis.similarity.reuse`, `analysis.similarity.keyness`; the same
# tables come from `an.similarity`, `an.align`, `an.reuse` and `an.keyness`):
#
# * **Document similarity** — TF-IDF cosine on the corpus's word tokens (jieba + domain lexicon, stopwords
#   removed) and on character 2–3-grams of the clean body text (Chinese characters only; robust to word
#   segmentation). Parameters are stored next to every row (`params`). Hierarchical clustering (average
#   linkage on 1 − cosine) orders the matrix.
# * **Section alignment** — each document is cut into *task units* (a section （一） or item 1. with its
#   sub-items and paragraphs); each unit's TF-IDF vector is compared with the units of other documents,
#   keeping the top-k neighbours (sparse, block-wise; no dense unit × unit matrix).
# * **Text reuse** — county, prefecture and province names are masked as `@`, numbers and bracketed
#   ordinals as `#`, punctuation ignored; `REUSE_K`-character shingles shared by two documents seed
#   candidate passages, which are extended to maximal shared passages (≥ `REUSE_MIN_LEN` characters).
#   Offsets point into the source files of *both* documents. `share_pct` is directional: the share of
#   doc_a's characters lying in passages it shares with doc_b.
# * **Distinctive terms** — weighted log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi &
#   Quinn 2008), each county against the others pooled; the z-score is reported. Place names are excluded.

# %% tags=["parameters"]
import os

LANG = "zh"  # "zh" or "en": labels of figures and county names in tables
CORPUS_DIR = os.environ.get("FAZHI_CORPUS_DIR") or None  # None = the seed documents in corpus/documents/
FIGURES_DIR = "../figures/similarity"  # generated, not committed
REUSE_K, REUSE_MIN_LEN = 12, 15  # shingle length and shortest reported passage (characters)
TOP_N = 15  # rows shown of the cross-county alignment and of the reuse passages
N_TERMS = 8  # distinctive terms shown per county
EXAMPLE_PAIR = None  # (doc_a, doc_b) whose aligned units are listed; None = the most similar cross-county pair

# %%
import matplotlib.pyplot as plt
import pandas as pd

import analysis as an
import corpus
from analysis.report.labels import doc_labels
from analysis.report.sections import similarity as similarity_section
from analysis.report.style import save_figure, use_style

# %matplotlib inline
plt.ioff()  # figures are shown where the text discusses them, not when they are drawn
pd.set_option("display.max_colwidth", 60)
pd.set_option("display.width", 200)
use_style()

# %%
c = corpus.load(CORPUS_DIR)
sec = similarity_section.section(c, lang=LANG, k=REUSE_K, min_len=REUSE_MIN_LEN)
labels = doc_labels(c.documents, lang=LANG)
c.documents[["doc_id", "county", "doc_type", "title", "n_chars"]]

# %% [markdown]
# ## Whole-document similarity
#
# Every document is most similar to itself (cosine 1) and the table is symmetric. Read the off-diagonal
# values with care: **TF-IDF rankings between whole documents are dominated by shared officialese** —
# 法治政府建设, 依法行政, 行政执法 and the rest of the national vocabulary appear everywhere, so every pair
# scores well above zero, and differences between pairs are modest. The numbers are reported as computed;
# the method was not tuned to produce any expected ranking.

# %%
sim = sec.tables["similarity"]
word = sim[sim.method == "tfidf_word"].pivot(index="doc_a", columns="doc_b", values="cosine")
word.rename(index=labels, columns=labels)

# %%
sim.params.unique()

# %%
sec.figures["similarity_matrix_word"]

# %%
sec.figures["similarity_matrix_char"]

# %% [markdown]
# The most similar pairs of documents from different counties (word TF-IDF):

# %%
pairs = c.attach(sim, "county", on="doc_a").rename(columns={"county": "county_a"})
pairs = c.attach(pairs, "county", on="doc_b").rename(columns={"county": "county_b"})
cross_sim = pairs[(pairs.method == "tfidf_word") & (pairs.county_a != pairs.county_b) & (pairs.doc_a < pairs.doc_b)]
cross_sim = cross_sim.sort_values("cosine", ascending=False)  # cosine is symmetric: each pair once
cross_sim[["doc_a", "county_a", "doc_b", "county_b", "cosine"]].head(6)

# %% [markdown]
# ## Where they are alike: best-matching task units
#
# For each pair of documents, the task units that say the same thing. The headings make the match
# readable; the offsets (`start_*`, `end_*`) lead back to the source files. With the seeds, for example,
# 濉溪's （十七） and 濮阳县's item 18. are both "发挥行政复议化解行政争议主渠道作用" although one is a
# section directly under a part and the other an item under a section.

# %%
al = c.attach(sec.tables["alignment"], "county", on="doc_a").rename(columns={"county": "county_a"})
al = c.attach(al, "county", on="doc_b").rename(columns={"county": "county_b"})
cross = al[al.county_a != al.county_b]
cross.sort_values("cosine", ascending=False)[
    ["doc_a", "heading_a", "doc_b", "heading_b", "cosine", "mutual"]].head(TOP_N)

# %% [markdown]
# The section's table keeps the three best unit pairs of every pair of documents. For one pair —
# `EXAMPLE_PAIR`, by default the cross-county pair with the highest whole-document cosine (with the seeds:
# 濮阳县's 2022–2025 scheme and 濉溪's scheme) — every *mutual* best match: units that are each other's
# best match in the other document (`an.align` on the whole corpus, best first):

# %%
if EXAMPLE_PAIR is None and len(cross_sim):
    EXAMPLE_PAIR = tuple(cross_sim[["doc_a", "doc_b"]].iloc[0])
units = an.align(c)
if EXAMPLE_PAIR:
    print(" ↔ ".join(labels[d] for d in EXAMPLE_PAIR))
    example = units[(units.doc_a == EXAMPLE_PAIR[0]) & (units.doc_b == EXAMPLE_PAIR[1]) & units.mutual]
else:
    print("This corpus has no pair of documents from different counties: nothing to align across counties.")
    example = units.iloc[0:0]
example.sort_values("cosine", ascending=False)[["number_a", "heading_a", "number_b", "heading_b", "cosine"]].round(3)

# %% [markdown]
# ## Who shares text with whom: reuse shares
#
# `share_pct` (row → column) is the share of the row document's characters inside passages it shares with
# the column document. The measure is directional: a short document can be covered largely by a long one
# that it borrowed from, while the long one is barely covered in return. Documents of one county (the
# three 濮阳县 seeds were issued together) share text by construction; the interesting cells are those
# between counties.

# %%
shares = sec.tables["reuse_share"]
shares.pivot(index="doc_a", columns="doc_b", values="share_pct").rename(index=labels, columns=labels)

# %%
sec.figures["reuse_share"]

# %% [markdown]
# The passages behind the numbers — longest first for the cross-county pair with the highest share.
# `text` is verbatim from doc_a's source file at `start_a:end_a`, `text_b` from doc_b's at `start_b:end_b`;
# they agree after the documented masking (`masked`).

# %%
shares = c.attach(shares, "county", on="doc_a").rename(columns={"county": "county_a"})
shares = c.attach(shares, "county", on="doc_b").rename(columns={"county": "county_b"})
cross_shares = shares[shares.county_a != shares.county_b].sort_values("share_pct", ascending=False)
pair = set()  # the passages table lists each pair of documents once, in either order
if len(cross_shares):
    top = cross_shares.iloc[0]
    print(f"{labels[top.doc_a]} → {labels[top.doc_b]}: {top.share_pct}% of {top.doc_a} in {top.n_passages} passages")
    pair = {top.doc_a, top.doc_b}
else:
    print("No text is shared between documents of different counties in this corpus.")
passages = sec.tables["reuse"]
(passages[passages.doc_a.isin(pair) & passages.doc_b.isin(pair)]
 .sort_values("n_units", ascending=False)[["doc_a", "start_a", "end_a", "doc_b", "start_b", "end_b", "n_units",
                                           "text", "text_b"]]
 .head(TOP_N))

# %% [markdown]
# ## What is local: distinctive terms
#
# Terms each county uses more than the others, by z-score of the weighted log-odds ratio. The prior is the
# pooled corpus (α0 = corpus size), which shrinks rare terms strongly: with a corpus as small as the seven
# seed documents few terms pass |z| > 1.96, and the lists are best read as rankings. County and other place
# names are excluded, and responsibility clauses (牵头单位, 责任单位, 协同…) are removed from the text by the
# corpus before counting. A county's list also reflects its document types: with the seeds, 濮阳县's
# includes an assessment scheme (考核), 冠县's an annual report of achievements.

# %%
key = sec.tables["keyness"]
key[key["rank"] <= N_TERMS].pivot(index="rank", columns="county", values="term")

# %%
sec.figures["keyness_terms"]

# %% [markdown]
# ## Findings

# %%
for f in sec.findings:
    print("-", f.text[LANG])
    for q in f.quotes:
        print(f"    「{q.text[:80]}」 — {q.doc_id} [{q.start}:{q.end}]")

# %% [markdown]
# ## What it means for the diffusion question (seed documents)
#
# * **Template over locality.** Whole-document cosines are high for every pair: all counties write from the
#   same national vocabulary, so document-level similarity says little about borrowing.
# * **Verbatim reuse is concentrated.** Shared passages pick out one cross-county pair — 濉溪's 2021–2025
#   scheme and 濮阳县's 2022–2025 scheme — far above every other pair of counties. Both name the national
#   《法治政府建设实施纲要（2021—2025年）》 as their basis, next to their own provincial and city schemes
#   (Anhui/淮北, Henan/濮阳). Since the two counties are in different provinces, a shared upstream text
#   (the 纲要 itself) is the more plausible source than copying between them — a hypothesis the passages
#   let a reader check against the 纲要, not a result of this analysis.
# * **Section alignment shows the same tasks under different numbering**, which is how a template survives
#   local restructuring.
# * **What is local** shows up in the distinctive terms and in the uncovered share of each document.
#
# Save the figures (PNG + PDF) for a paper:

# %%
for name, fig in sec.figures.items():
    save_figure(fig, FIGURES_DIR, name)
sorted(sec.figures)
