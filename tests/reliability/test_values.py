"""Catalogue: implausible values are flagged, never lost (issue 14): 952%, a negative count, 下降-8%."""

from __future__ import annotations

import pytest

import corpus
from analysis.metrics.extraction import extract
from analysis.metrics.flags import is_valid

REPORT = (
    "冠县2023年度法治政府建设情况的报告\n一、主要工作\n"
    "全年共接收行政复议申请91件，受理-3件。全县信访总量143件次，同比下降-8%。行政复议决定纠错率952%。\n"
)
EXPECTED = {
    # id: (metric, value, flag, quoted number)
    "value-rate-952pct": ("reconsideration_correction_rate", 952.0, "rate_over_100", "952%"),
    "value-negative-count": ("reconsideration_accepted", -3.0, "out_of_bounds", "-3件"),
    "value-explicit-minus": ("petition_decline_pct", -8.0, "", "-8%"),
    "value-plain-count": ("reconsideration_received", 91.0, "", "91件"),
}


@pytest.fixture(scope="module")
def metrics(tmp_path_factory):
    folder = tmp_path_factory.mktemp("values")
    (folder / "report.txt").write_text(REPORT, encoding="utf-8")
    c = corpus.load(folder, cache=False)
    table, _ = extract(c)
    return c, table.set_index("metric")


@pytest.mark.parametrize("case", list(EXPECTED), ids=list(EXPECTED))
def test_implausible_values_are_kept_and_flagged(case, metrics):
    c, table = metrics
    metric, value, flag, number = EXPECTED[case]
    row = table.loc[metric]
    assert row.value == value
    assert row["flags"] == flag and is_valid(row["flags"]) == (not flag)
    source = c.source_text(row.doc_id)
    assert source[row.start : row.end] == row.quote and row.quote.endswith(number)
