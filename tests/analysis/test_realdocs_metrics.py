"""Figures read from 21 real documents of other places (issue 12): recall floors, zero wrong.

Scored as ``/work/shared/tools/score_realdocs.py`` scores a report run: a gold 复议/应诉/信访
row is found when an extracted row of the same file has its value, its year (when the gold
states one) and its family (the metric id's first token; 应诉 and 负责人出庭 are one family).
An extracted row is wrong when no gold row of its family in that file states its value, and
any row in a file that states no figures (07, 10, 14, 16, 17, 18) is wrong.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

import corpus
from analysis import api

REALDOCS = Path(__file__).resolve().parent.parent / "data" / "realdocs"
FAMILIES = {
    "reconsideration": {"reconsideration"},
    "litigation": {"litigation", "leader"},
    "leader": {"litigation", "leader"},
    "petition": {"petition"},
}
NO_FIGURES = {"07", "10", "14", "16", "17", "18"}
# Measured on 2026-11-30 (issue 12); a floor may only rise.
FLOORS = {"reconsideration": 35, "litigation": 12, "leader": 1, "petition": 28}


def _family(metric: str) -> str:
    return str(metric).split("_")[0]


def _first_year(text) -> float:
    m = re.search(r"(19|20)\d\d", str(text))
    return float(m.group()) if m else float("nan")


@pytest.fixture(scope="module")
def scored(tmp_path_factory):
    folder = tmp_path_factory.mktemp("realdocs")
    for path in REALDOCS.glob("*.txt"):
        shutil.copy(path, folder / path.name)
    c = corpus.load(folder)
    m = api.metrics(c)
    files = {d: Path(f).name for d, f in zip(c.documents.doc_id, c.documents.source_file)}
    m = m.assign(file=m.doc_id.map(files), fam=m.metric.map(_family))
    m = m[m.fam.isin(FAMILIES)]
    gold = pd.read_csv(REALDOCS / "gold_metrics.csv")
    gold = gold.assign(fam=gold.metric.map(_family), year=gold.year.map(_first_year))
    core = gold[gold.fam.isin(FAMILIES)]
    found = []
    for g in core.itertuples():
        same = m[(m.file == g.file) & ((m.value - g.value).abs() < 0.011) & m.fam.isin(FAMILIES[g.fam])]
        found.append(bool(len(same)) and (pd.isna(g.year) or bool((same.year == g.year).any())))
    wrong = []
    for r in m.itertuples():
        stated = gold[(gold.file == r.file) & ((gold.value - r.value).abs() < 0.011)]
        if r.file[:2] in NO_FIGURES or not any(r.fam in FAMILIES.get(f, set()) for f in stated.fam):
            wrong.append((r.file, r.metric, r.value))
    return m, core.assign(found=found), wrong


def test_no_wrong_values(scored):
    _, _, wrong = scored
    assert wrong == []


def test_no_rows_in_documents_without_figures(scored):
    m, _, _ = scored
    assert not set(m.file.str[:2]) & NO_FIGURES


@pytest.mark.parametrize("family", sorted(FLOORS))
def test_recall_floor(scored, family):
    _, core, _ = scored
    assert int(core[core.fam == family].found.sum()) >= FLOORS[family]


def test_petition_half_year_is_a_partial_period_with_signed_changes(scored):
    m, _, _ = scored
    half = m[m.file == "21_xxxian_2024H1_other.txt"].set_index("metric")
    assert half.loc["petition_cases", "value"] == 143
    assert half.loc["petition_decline_pct", "value"] == pytest.approx(-9.16)  # 同比上升 -> negative
    assert half.loc["petition_letters_decline_pct", "value"] == pytest.approx(29.63)
    assert half.loc["petition_visit_persons", "value"] == 127
    assert set(half.period_months) == {"2024-01..06"}
    assert half["flags"].str.contains("partial_year").all()


def test_subject_carried_from_earlier_sentence_of_the_segment(scored):
    m, _, _ = scored
    qilihe = m[m.file == "12_qilihe_undated_other.txt"].set_index("metric")
    # 应诉方面,…共参加应诉案件15起。经过努力,胜诉9起;原告撤诉5起;现待审1起。
    assert qilihe.loc["litigation_won", "value"] == 9
    assert qilihe.loc["litigation_won", "subject_source"] == "context"
    assert qilihe.loc["litigation_withdrawn", "value"] == 5


def test_cumulative_figures_span_from_their_stated_start(scored):
    m, _, _ = scored
    reform = m[m.file == "20_xxxian-sifaju_2021-2025_report.txt"].set_index("metric")
    # 自2022年1月1日起…(next paragraph of the section) 改革实施以来…截至2025年7月底,全县共受理行政复议案件9起
    assert reform.loc["reconsideration_accepted", "value"] == 9
    assert reform.loc["reconsideration_accepted", "year"] == 2022
    # the next sentence (维持原行政行为2件) inherits the cumulative span
    assert set(reform.period_months) == {"2022-01..2025-07"}
    assert reform["flags"].str.contains("multi_year").all()
    assert not reform["flags"].str.contains("partial_year").any()


def test_figures_stated_in_words(scored):
    m, _, _ = scored
    reform = m[m.file == "20_xxxian-sifaju_2021-2025_report.txt"].set_index("metric")
    assert reform.loc["reconsideration_closed", "value"] == 9  # 受理…9起,已全部审结
    assert reform.loc["litigation_after_reconsideration", "value"] == 0  # 未引发后续的行政诉讼
    nankai = m[m.file == "11_nankai_2014_other.txt"].set_index("metric")
    assert nankai.loc["litigation_lost", "value"] == 0  # 现其中4案件已审结,全部胜诉
    for row in (reform.loc["reconsideration_closed"], nankai.loc["litigation_lost"]):
        assert "derived" in row["flags"]


def test_multiples_of_earlier_years_are_this_years_figures(scored):
    m, _, _ = scored
    nankai = m[m.file == "11_nankai_2014_other.txt"].set_index("metric")
    # 案件受理数量是前年的10倍,是去年的6倍
    multiple = nankai.loc["reconsideration_cases_multiple_prior_year"]
    assert (multiple["value"], multiple["unit"], multiple["year"]) == (6, "倍", 2014)
    assert nankai.loc["reconsideration_cases_multiple_two_years_before", "value"] == 10


def test_quotes_are_the_source_at_their_offsets(scored):
    m, _, _ = scored
    for r in m.itertuples():
        text = (REALDOCS / r.file).read_text(encoding="utf-8")
        assert text[r.start : r.end] == r.quote


def test_shares_by_field_carry_their_field(scored):
    m, _, _ = scored
    half = m[(m.file == "21_xxxian_2024H1_other.txt") & (m.metric == "petition_share_by_field")]
    # 主要集中在自然资源、政法工作、…、市场监管等领域,分别占全县信访总量的15.43%、15.43%、…、2.86%
    assert len(half) == 9
    assert half.category.iloc[0] == "自然资源" and half.category.iloc[-1] == "市场监管"
    assert half.value.tolist()[:3] == [15.43, 15.43, 14.86]


def test_lawsuits_by_cause(scored):
    m, _, _ = scored
    nankai = m[m.file == "11_nankai_2014_other.txt"]
    by_cause = nankai[nankai.metric == "litigation_cases_by_cause"]
    assert dict(zip(by_cause.category, by_cause.value)) == {"房屋征收补偿决定": 1, "政府信息公开答复": 1}
    # the named metric wins over the category: 因不服行政复议决定被诉的4件
    assert nankai.set_index("metric").loc["litigation_after_reconsideration", "value"] == 4
