"""The report at national scale (issue 16 item 4): aggregate figures, capped lists, notebook threshold.

On the seeds (four counties, one per province) the aggregates are checked against the tables
they come from, with the county threshold lowered so the sections draw them.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # tests draw to files, like the command line

import matplotlib.pyplot as plt
import numpy as np
import pytest

from analysis.coverage.coding import county_profiles, county_year_profiles, default_coder, gaps
from analysis.metrics import comparison as metric_compare
from analysis.metrics.extraction import MetricExtractor
from analysis.report.labels import county_provinces, listing
from analysis.report.plots import national
from analysis.report.sections import coverage as coverage_section
from analysis.report.style import use_style


@pytest.fixture(autouse=True)
def _close():
    use_style()
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def coverage_tables(seed_corpus):
    coder = default_coder()
    topics = county_profiles(seed_corpus, coder=coder, level="topic")
    return {
        "coverage_profiles": county_profiles(seed_corpus, coder=coder),
        "coverage_topic_profiles": topics,
        "coverage_gaps": gaps(topics, coder=coder),
        "coverage_county_years": county_year_profiles(seed_corpus, coder=coder),
    }


def test_county_provinces_in_both_languages(seed_corpus):
    zh = county_provinces(seed_corpus.documents, "zh")
    assert zh == {"冠县": "山东省", "开江县": "四川省", "濮阳县": "河南省", "濉溪县": "安徽省"}
    en = county_provinces(seed_corpus.documents, "en")
    assert en["Guan County"] == "Shandong Province" and en["Suixi County"] == "Anhui Province"


def test_listing_counts_what_it_leaves_out():
    names = [f"县{i}" for i in range(12)]
    assert listing(names[:2], "zh") == "县0、县1"
    assert listing(names, "zh") == "县0、县1、县2、县3、县4、县5、县6、县7、县8、县9等12个县"
    assert listing(["A", "B", "C"], "en", limit=2) == "A, B and 1 more (3 counties)"
    assert listing([], "en") == "none"


def test_province_heatmap_averages_the_county_shares(coverage_tables, seed_corpus):
    profiles = coverage_tables["coverage_profiles"]
    fig = national.province_heatmap(profiles, county_provinces(seed_corpus.documents, "zh"), lang="zh")
    ax = fig.axes[0]
    rows = [t.get_text() for t in ax.get_yticklabels()]
    assert sorted(rows) == ["四川省（1）", "安徽省（1）", "山东省（1）", "河南省（1）"]
    grid = ax.get_images()[0].get_array()
    areas = list(dict.fromkeys(profiles["label_zh"]))
    row = rows.index("山东省（1）")
    expected = profiles[profiles.county == "冠县"].set_index("label_zh").loc[areas, "share_pct"].to_numpy()
    assert np.allclose(np.asarray(grid[row]), expected)  # one county: the mean is its share


def test_gap_shares_are_the_share_of_counties_leaving_a_topic_out(coverage_tables):
    table = coverage_tables["coverage_gaps"]
    fig = national.gap_shares(table, lang="en")
    widths = sorted(round(p.get_width(), 6) for p in fig.axes[0].patches)
    expected = sorted(round(v, 6) for v in 100 * (~table.addressed).groupby(table.topic_id).mean())
    assert widths == expected
    assert "of 4" in fig.axes[0].get_xlabel()


def test_by_year_weighs_each_year_by_its_documents(coverage_tables):
    years = coverage_tables["coverage_county_years"]
    fig = national.by_year(years, lang="en")
    ax = fig.axes[0]
    single = years[years.period.str.fullmatch(r"\d{4}")]
    assert sorted({int(t.get_text().split()[0]) for t in ax.get_xticklabels()}) == sorted(
        {int(p) for p in single.period}
    )
    line = ax.get_lines()[0]
    area = ax.get_legend().get_texts()[0].get_text()
    part = single[single.label_en == area]
    for x, y in zip(line.get_xdata(), line.get_ydata()):
        rows = part[part.period == str(x)]
        assert y == pytest.approx((rows.share_pct * rows.n_docs).sum() / rows.n_docs.sum())


def test_coverage_section_draws_aggregates_above_the_county_threshold(coverage_tables, seed_corpus, monkeypatch):
    small = coverage_section._figures(seed_corpus, coverage_tables, "zh")
    assert sorted(small) == ["coverage_gaps", "coverage_heatmap", "coverage_subtopics"]
    monkeypatch.setattr(national, "MAX_COUNTIES", 3)
    large = coverage_section._figures(seed_corpus, coverage_tables, "zh")
    assert sorted(large) == ["coverage_by_year", "coverage_gaps", "coverage_heatmap", "coverage_subtopics"]
    assert large["coverage_heatmap"].axes[0].get_title() == national.TEXT["zh"]["province"]


def test_metric_aggregates_from_the_seed_tables(seed_corpus):
    extractor = MetricExtractor.from_file()
    rows, _ = extractor.extract(seed_corpus)
    counties = list(dict.fromkeys(rows.county))
    table = metric_compare.comparison(rows, counties, defs=extractor.defs)
    fig = national.reporting_shares(table, lang="en")
    ax = fig.axes[0]
    n_labels = table.label.nunique()
    totals = np.zeros(n_labels)
    for patch in ax.patches:
        totals[round(patch.get_y() + patch.get_height() / 2)] += patch.get_width()
    assert np.allclose(totals, 100.0)  # every metric's bar adds up to all counties
    funnel = metric_compare.funnel(rows, counties, defs=extractor.defs)
    fig = national.funnel_distribution(funnel, {}, lang="en")
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    reported = funnel[(funnel.status == "reported") & (funnel.value > 0)].groupby("stage").size()
    for stage, n in reported.items():
        assert f"{stage} ({n})" in labels


def test_notebooks_run_by_default_only_for_small_corpora():
    from analysis.report.pipeline import NOTEBOOK_MAX_DOCS, notebooks_wanted

    assert notebooks_wanted(None, 7) == (True, [])
    assert notebooks_wanted(None, NOTEBOOK_MAX_DOCS) == (True, [])
    run, notes = notebooks_wanted(None, 500)
    assert not run and notes == [
        f"notebooks not executed: 500 documents, more than {NOTEBOOK_MAX_DOCS} (--notebooks executes them)"
    ]
    assert notebooks_wanted(True, 500) == (True, [])  # --notebooks
    assert notebooks_wanted(False, 7) == (False, [])  # --no-notebooks


def test_command_line_offers_both_notebook_flags():
    import subprocess
    import sys

    help_text = subprocess.run(
        [sys.executable, "-m", "analysis", "report", "--help"], capture_output=True, text=True, check=True
    ).stdout
    assert "[--no-notebooks | --notebooks]" in " ".join(help_text.split())  # one or the other
    assert "more than 20 documents" in " ".join(help_text.split())
