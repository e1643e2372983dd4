"""findings.md: each finding states its base, its validity and where each number is read (issue 15)."""

from __future__ import annotations

import pandas as pd

from analysis.coverage.coding import default_coder
from analysis.coverage.outofsample import out_of_sample_tables
from analysis.report import findings
from analysis.report.section import Finding, Quote, not_computed

VALIDITY = pd.DataFrame(
    {"area_id": ["disputes", "macro"], "kappa": [0.91, 0.889], "n_segments": [40, 263], "precision": [0.9, 0.92]}
)


def _quote(seed_corpus) -> Quote:
    text = seed_corpus.source_text("guanxian-2023-report")
    start = text.index("2023年接收行政复议申请91件")
    end = text.index("受理73件", start) + len("受理73件")
    return Quote("guanxian-2023-report", start, end, text[start:end])


def test_numbers_link_to_their_quote_and_the_base_is_the_quoted_report(seed_corpus):
    quote = _quote(seed_corpus)
    finding = Finding("metrics_received", {"zh": "冠县接收91件，受理73件。", "en": "x"}, "metrics", (91, 73), (quote,))
    text = findings.render([finding], seed_corpus.documents, lang="zh")
    assert "本报告基于7份文件（4个县，2021—2025年）。" in text
    assert "- 基础: 1份文件（1个县，2023年）" in text
    assert f"91 ([1] `guanxian-2023-report` {quote.start}–{quote.end})" in text
    assert f"73 ([1] `guanxian-2023-report` {quote.start}–{quote.end})" in text
    assert "(见 `tables/metrics.csv`)" in text


def test_coverage_findings_say_when_their_validity_is_in_sample(seed_corpus):
    finding = Finding("coverage_spread", {"zh": "z", "en": "Shares differ."}, "coverage_areas", (10.6, 0.0))
    validity = findings.validity_notes({"coverage_validity": VALIDITY}, lang="en")
    text = findings.render([finding], seed_corpus.documents, lang="en", validity=validity)
    assert "- Validity: in-sample: the dictionary coding agrees with the documents' own headings at a macro " in text
    assert "kappa of 0.889 (263 segments); too few counties for a held-out check" in text
    assert "- Base: 7 documents (4 counties, 2021–2025)" in text
    assert "10.6, 0.0 (in `tables/coverage_areas.csv`)" in text  # no quote states them: the table does


def test_coverage_findings_state_the_out_of_sample_kappa(seed_corpus):
    loco = out_of_sample_tables(seed_corpus, coder=default_coder())["coverage_validity_loco"]
    macro = loco[(loco.scheme == "loco") & (loco.area_id == "macro") & (loco.method == "dictionary")].iloc[0]
    validity = findings.validity_notes({"coverage_validity": VALIDITY, "coverage_validity_loco": loco}, lang="en")
    assert validity["coverage"].startswith("out of sample (leave one county out)")
    assert f"macro kappa of {macro.kappa:.3f} ({int(macro.n_segments)} segments)" in validity["coverage"]
    assert 0.8 <= macro.kappa <= 1  # the seeds' four counties, each held out in turn


def test_no_finding_about_an_empty_table():
    kept = Finding("reuse_top_pair", {"zh": "", "en": ""}, "reuse_share", (28.5,))
    gone = Finding("keyness_top_terms", {"zh": "", "en": ""}, "keyness", (3.43,))
    note = not_computed("keyness_not_computed", "too_few_terms", zh="未列出特色词", en="No distinctive terms")
    tables = {"reuse_share": pd.DataFrame({"share_pct": [28.5]}), "keyness": pd.DataFrame({"score": []})}
    assert findings.usable([kept, gone, note], tables) == [kept, note]
