"""The county × year metrics panel (issue 12, item 5): long and wide tables, Parquet and Stata files."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

import analysis as an
from analysis.metrics import panel
from analysis.metrics.flags import is_valid
from analysis.report import export


@pytest.fixture(scope="module")
def rows(seed_corpus):
    return an.metrics(seed_corpus)


@pytest.fixture(scope="module")
def long(seed_corpus, rows):
    return an.metrics_panel(seed_corpus, rows)


@pytest.fixture(scope="module")
def wide(seed_corpus, rows):
    return an.metrics_panel(seed_corpus, rows, wide=True)


def test_long_panel_has_its_columns_and_every_figure(long, rows):
    assert list(long.columns[: len(panel.LONG_COLUMNS)]) == panel.LONG_COLUMNS
    assert len(long) == len(rows)
    assert set(long["kind"]) <= {"actual", "target"}
    guan = long[long["county"] == "冠县"]
    assert set(guan["province"]) == {"山东省"} and set(guan["adcode"]) == {"371525"}


def test_every_quote_is_the_source_text_at_its_offsets(seed_corpus, long):
    for row in long.itertuples(index=False):
        assert row.quote == seed_corpus.source_text(row.doc_id)[row.start : row.end]


def test_flagged_figures_are_kept_in_long_and_left_out_of_wide(long, wide):
    flagged = long[~long["usable"]]
    assert len(flagged) and not flagged["flags"].map(is_valid).any()
    assert "audit_rectification_rate" in set(flagged["metric"])  # 952%, rate_over_100
    row = wide[(wide["county"] == "冠县") & (wide["year"] == 2023)].iloc[0]
    assert pd.isna(row["audit_rectification_rate"]) and row["audit_rectification_rate_n"] == 0
    assert "audit_rectification_rate" in row["metrics_flagged"].split("; ")


def test_wide_panel_has_one_row_per_county_year_with_real_values(wide):
    assert not wide.duplicated(["county", "year"]).any()
    row = wide[(wide["county"] == "冠县") & (wide["year"] == 2023)]
    assert len(row) == 1
    assert row["reconsideration_received"].iloc[0] == 91
    assert row["reconsideration_accepted"].iloc[0] == 73
    assert row["reconsideration_received_doc"].iloc[0] == "guanxian-2023-report"
    staff = wide.set_index(["county", "year"])["certified_enforcement_staff"]
    assert (staff.loc[("冠县", 2022)], staff.loc[("冠县", 2023)]) == (632, 863)


def test_wide_targets_are_a_separate_table(seed_corpus, rows, wide):
    targets = an.metrics_panel(seed_corpus, rows, wide=True, kind="target")
    assert set(targets["county"]) >= {"濮阳县", "濉溪县"}
    assert set(wide["county"]) == {"冠县"}  # only the 冠县 report states actuals
    with pytest.raises(ValueError, match=r"kind='plan' not allowed"):
        an.metrics_panel(seed_corpus, rows, wide=True, kind="plan")


def test_restated_figure_takes_the_first_statement_of_the_latest_document(seed_corpus, long):
    first = long[(long["metric"] == "reconsideration_received") & (long["kind"] == "actual")].iloc[[0]]
    older = first.assign(value=90.0, doc_id="guanxian-2022-plan", start=0, end=1)
    later = first.assign(value=99.0, start=first["start"] + 500)
    table = pd.concat([later, older, first], ignore_index=True)
    row = panel.wide_panel(seed_corpus, table).iloc[0]
    assert row["reconsideration_received"] == 91  # guanxian-2023-report ends later; its first statement
    assert row["reconsideration_received_n"] == 3
    assert row["metrics_conflicting"] == "reconsideration_received"


@pytest.mark.parametrize(
    "metric_id, expected",
    [("filing_rate", "filing_rate"), ("qualified_emergency_enforcement_share", "qualified_emergency_enf_")],
    ids=["short-kept", "long-cut"],
)
def test_short_names_fit_stata(metric_id, expected):
    name = panel.short_name(metric_id)
    assert name.startswith(expected.rstrip("_")) and len(name) <= panel.MAX_NAME
    assert panel.short_name(metric_id) == name  # deterministic


def test_every_wide_column_is_in_the_dictionary_and_fits_stata(wide):
    dictionary = export.column_dictionary()
    assert all(len(name) <= 32 for name in wide.columns)
    assert [name for name in wide.columns if name not in dictionary] == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_stata_wide_round_trips_with_labels(tmp_path, wide, lang):
    path = export.write_stata(wide, tmp_path / "metrics_panel_wide.dta", lang=lang, label="metrics_panel_wide")
    back = pd.read_stata(path)
    assert len(back) == len(wide) and not back.duplicated(["county", "year"]).any()
    row = back[(back["county"] == "冠县") & (back["year"] == 2023)].iloc[0]
    assert (row["reconsideration_received"], row["reconsideration_accepted"]) == (91, 73)
    with pd.io.stata.StataReader(path) as reader:
        labels = reader.variable_labels()
        values = reader.value_labels()
    assert labels["county"] == {"zh": "县", "en": "County"}[lang]
    assert labels["reconsideration_received"] == export.column_dictionary()["reconsideration_received"][lang]
    assert set(values["county_known"].values()) == set(export.STATA_BOOL[lang])


def test_stata_long_has_value_labels_and_renames_reserved_words(tmp_path, long):
    path = export.write_stata(long, tmp_path / "metrics_panel.dta", lang="zh")
    back = pd.read_stata(path)
    assert "end_" in back.columns and (back["end_"] == long["end"]).all()
    assert back["quote"].tolist() == long["quote"].tolist()
    codes = pd.read_stata(path, convert_categoricals=False)
    assert pd.api.types.is_integer_dtype(codes["kind"])
    with pd.io.stata.StataReader(path) as reader:
        assert set(reader.value_labels()["kind"].values()) == {"actual", "target"}
        assert reader.variable_labels()["end_"] == "终点 [end]"


def test_parquet_round_trips(tmp_path, wide):
    path = export.write_parquet(wide, tmp_path / "metrics_panel_wide.parquet")
    back = pd.read_parquet(path)
    assert list(back.columns) == list(wide.columns)
    pd.testing.assert_frame_equal(back, wide, check_dtype=False)


def test_a_document_of_unknown_county_keeps_its_own_rows(seed_corpus, rows):
    docs = seed_corpus.documents.copy()
    unknown = docs["doc_id"] == "guanxian-2023-report"
    docs.loc[unknown, ["county", "place"]] = None
    c = dataclasses.replace(seed_corpus, documents=docs)
    wide = an.metrics_panel(c, rows, wide=True)
    row = wide[wide["reconsideration_received"] == 91].iloc[0]
    assert not row["county_known"] and row["county"] == docs.loc[unknown, "title"].iloc[0]
    assert len(an.metrics_panel(c, rows)) == len(rows)


def test_newer_metrics_columns_are_kept_when_present_and_not_required(seed_corpus, rows):
    plain = rows.drop(columns=[x for x in panel.OPTIONAL if x in rows.columns])
    assert not set(panel.OPTIONAL) & set(an.metrics_panel(seed_corpus, plain).columns)
    newer = plain.assign(period="2023", partial_year=False, subject_source="sentence")
    long = an.metrics_panel(seed_corpus, newer)
    assert set(long["period"]) == {"2023"}  # the rows' own period wins over the document's
    assert list(long.columns[-2:]) == ["partial_year", "subject_source"]
