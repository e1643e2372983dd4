"""Metric definition file (issue 5): contents and validation errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.metrics.definitions import MetricDefinitionError, load_metric_defs

REQUIRED_IDS = load_metric_defs().required


def test_required_ids_and_labels():
    defs = load_metric_defs()
    assert "reconsideration_received" in REQUIRED_IDS and defs.funnel[0] == "reconsideration_received"
    assert "力争" in defs.target_cues and "同比" in defs.actual_cues
    assert defs.units.index("个工作日") < defs.units.index("个")  # longest first
    by_id = defs.by_id()
    for metric_id in REQUIRED_IDS + (
        "filing_rate",
        "collective_discussion_rate",
        "public_lawyer_coverage_rate",
        "legal_adviser_coverage_rate",
        "enforcement_training_hours",
        "frontline_enforcement_staff_share",
        "online_service_access_rate",
    ):
        assert metric_id in by_id
        assert by_id[metric_id].label_zh and by_id[metric_id].label_en
    assert by_id["leader_appearance_rate"].unit == "%"
    assert by_id["reconsideration_received"].unit == "件"
    assert by_id["enforcement_training_hours"].unit == "学时"
    assert by_id["reconsideration_accepted"].subject == "reconsideration"
    assert "行政复议" in defs.subjects["reconsideration"]
    assert by_id["reconsideration_accepted"].part_of == "reconsideration_received"


def _write(tmp_path, text):
    path = tmp_path / "metrics.yaml"
    path.write_text(text, encoding="utf-8")
    return path


GOOD = (
    """
units: [件, 人]
kind_cues:
  target: [力争]
  actual: [同比]
funnel: [reconsideration_received, reconsideration_accepted]
required: ["""
    + ", ".join(REQUIRED_IDS)
    + """]
subjects:
  reconsideration: [行政复议]
metrics:
"""
    + "".join(
        f"""  - id: {i}
    label_zh: 标签
    label_en: label
    unit: 件
    cues: [受理]
"""
        for i in REQUIRED_IDS
    )
)


def test_minimal_file_loads(tmp_path):
    defs = load_metric_defs(_write(tmp_path, GOOD))
    assert len(defs.metrics) == len(REQUIRED_IDS)


@pytest.mark.parametrize(
    "mutation, message",
    [
        (
            lambda t: t.replace("    cues: [受理]\n", "", 1),
            r"'reconsideration_received': missing required field\(s\) cues",
        ),
        (lambda t: t.replace("unit: 件", "unit: 件\n    colour: red", 1), r"unknown field\(s\) colour"),
        (lambda t: t.replace("unit: 件", "unit: 件\n    subject: nowhere", 1), r"subject 'nowhere' is not defined"),
        (lambda t: t.replace("unit: 件", "unit: 件\n    bounds: [100, 0]", 1), r"'bounds' must be \[min, max\]"),
        (lambda t: t.replace("unit: 件", "unit: 件\n    part_of: nothing", 1), r"part_of 'nothing' is not a metric id"),
        (lambda t: t.replace("id: litigation_heard", "id: reconsideration_received"), r"duplicate metric id"),
        (
            lambda t: t.replace("id: petition_decline_pct", "id: petition_other"),
            r"required metric id\(s\) missing: petition_decline_pct",
        ),
        (lambda t: t.replace("id: reconsideration_received", "id: Bad-Id"), r"snake_case"),
        (lambda t: t + "  - just a string\n", r"metric #\d+: expected a mapping"),
        (lambda t: "metrics: [\n", r"not valid YAML"),
        # issue 10: an unknown unit is a load error, never a metric that silently extracts nothing
        (lambda t: t.replace("unit: 件", "unit: 斤", 1), r"metric 'reconsideration_received': unit '斤' is not one of"),
        (
            lambda t: t.replace("funnel: [reconsideration_received", "funnel: [no_such_stage"),
            r"funnel stage\(s\) no_such_stage",
        ),
        (lambda t: t.replace("kind_cues:", "kind_cue:"), r"unknown top-level key"),
        (lambda t: t.replace("units: [件, 人]", "units: []"), r"'units' must be a non-empty list"),
    ],
)
def test_errors_name_file_and_entry(tmp_path, mutation, message):
    path = _write(tmp_path, mutation(GOOD))
    with pytest.raises(MetricDefinitionError, match=message) as err:
        load_metric_defs(path)
    assert str(path) in str(err.value)


def test_missing_file(tmp_path):
    with pytest.raises(MetricDefinitionError, match="not found"):
        load_metric_defs(tmp_path / "nope.yaml")


def test_change_metrics_name_their_count():
    defs = load_metric_defs()
    by_id = defs.by_id()
    changes = [m for m in defs.metrics if m.change_of is not None]
    assert {m.id for m in changes} >= {
        "petition_decline_pct",
        "petition_letters_decline_pct",
        "petition_visits_decline_pct",
    }
    for m in changes:
        assert m.change_of in by_id and m.change_cues and m.unit == "%"
        if m.id.endswith("_decline_pct"):  # a change without a direction is not extracted
            assert m.sign_positive and m.sign_negative


def test_genre_vocabulary_is_defined():
    ids = set(load_metric_defs().by_id())
    assert {
        "reconsideration_upheld",
        "reconsideration_dismissed",
        "reconsideration_revoked",
        "reconsideration_changed",
        "reconsideration_confirmed_illegal",
        "reconsideration_ordered_to_perform",
        "reconsideration_withdrawn",
        "reconsideration_terminated",
        "reconsideration_transferred",
        "reconsideration_pending",
        "reconsideration_conclusion_rate",
        "reconsideration_mediation_rate",
        "litigation_won",
        "litigation_lost",
        "litigation_pending",
        "petition_cases",
        "petition_letters",
        "petition_visits",
        "petition_visit_persons",
        "petition_online",
        "petition_to_province",
        "petition_backlog_resolved",
    } <= ids
    assert load_metric_defs().by_id()["reconsideration_closed"].carry_over


def test_change_of_must_be_a_metric(tmp_path):
    text = (
        (Path(load_metric_defs().path))
        .read_text(encoding="utf-8")
        .replace("change_of: petition_cases", "change_of: petition_nothing")
    )
    path = tmp_path / "metrics.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MetricDefinitionError, match="change_of 'petition_nothing' is not a metric id"):
        load_metric_defs(path)
