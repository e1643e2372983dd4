"""Compare extracted metrics across counties, showing plainly what a county does not report.

Every function takes the finished ``metrics`` table of ``analysis.metrics.extract`` (plus the
corpus ``documents``/``segments`` where needed) and returns a DataFrame. Rows carrying a
validity flag (e.g. ``rate_over_100``) are never used as values: their cell says 'flagged'.
Cost: linear in the number of metric rows × counties.
"""

from __future__ import annotations

import pandas as pd

from analysis.metrics.definitions import MetricDefs, load_metric_defs
from analysis.metrics.flags import is_valid

NOT_REPORTED = "not reported"
FLAGGED = "flagged"
REPORTED = "reported"
COMPARISON_COLUMNS = [
    "county",
    "metric",
    "label",
    "kind",
    "status",
    "value",
    "comparator",
    "unit",
    "year",
    "doc_id",
    "n_values",
    "flags",
]


def comparison(metrics: pd.DataFrame, counties, *, defs: MetricDefs | None = None, lang: str = "zh") -> pd.DataFrame:
    """County × metric × kind, one row each, with explicit 'not reported' cells.

    Metrics are those any county states; ``counties`` lists every county of the corpus (so
    a county stating nothing appears with 'not reported' everywhere). When a county states
    a metric more than once, the latest year's usable value is shown (``n_values`` counts all).

    Returns
    -------
    DataFrame
        county, metric, label, kind ('actual'|'target'), status ('reported'|'not reported'|
        'flagged'), value, comparator, unit, year, doc_id, n_values, flags.
    """
    defs = defs or load_metric_defs()
    by_id = defs.by_id()
    order = [m.id for m in defs.metrics if m.id in set(metrics.metric)]
    rows = []
    for county in counties:
        for metric_id in order:
            for kind in ("actual", "target"):
                hits = metrics[(metrics.county == county) & (metrics.metric == metric_id) & (metrics.kind == kind)]
                rows.append(_cell(county, by_id[metric_id], kind, hits, lang))
    return pd.DataFrame(rows, columns=COMPARISON_COLUMNS)


def _cell(county, metric, kind, hits, lang) -> dict:
    base = {
        "county": county,
        "metric": metric.id,
        "label": metric.label(lang),
        "kind": kind,
        "status": NOT_REPORTED,
        "value": float("nan"),
        "comparator": "",
        "unit": metric.unit,
        "year": pd.NA,
        "doc_id": "",
        "n_values": len(hits),
        "flags": "",
    }
    if hits.empty:
        return base
    usable = hits[hits["flags"].map(is_valid)]
    pick = (usable if len(usable) else hits).sort_values("year", kind="stable").iloc[-1]
    base.update(
        status=REPORTED if len(usable) else FLAGGED,
        comparator=pick["comparator"],
        unit=pick["unit"],
        year=pick["year"],
        doc_id=pick["doc_id"],
        flags=pick["flags"],
    )
    if len(usable):
        base["value"] = pick["value"]
    return base


def comparison_matrix(table: pd.DataFrame, *, kind: str, lang: str = "zh") -> pd.DataFrame:
    """Wide county × metric view of ``comparison()`` for one kind; cells are display strings."""
    words = {"zh": {NOT_REPORTED: "未报告", FLAGGED: "存疑"}, "en": {NOT_REPORTED: NOT_REPORTED, FLAGGED: FLAGGED}}[
        lang
    ]
    sub = table[table.kind == kind].copy()
    sub["cell"] = [_display(r, words) for r in sub.itertuples(index=False)]
    return sub.pivot(index="county", columns="label", values="cell")[list(dict.fromkeys(sub.label))]


def _display(row, words) -> str:
    if row.status != REPORTED:
        return words[row.status]
    symbol = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "~": "≈"}.get(row.comparator, "")
    value = f"{row.value:g}"
    return f"{symbol}{value}{row.unit}"


def funnel(metrics: pd.DataFrame, counties, *, defs: MetricDefs | None = None) -> pd.DataFrame:
    """The 行政复议 funnel (the ``funnel`` stages of the metric definitions) per county.

    Returns
    -------
    DataFrame
        county, stage (metric id), stage_order, status, value, share_of_received_pct,
        year, doc_id.
    """
    stages = (defs or load_metric_defs()).funnel
    rows = []
    actual = metrics[(metrics.kind == "actual") & metrics["flags"].map(is_valid)]
    for county in counties:
        here = actual[actual.county == county]
        received = here[here.metric == stages[0]]
        base = received["value"].iloc[-1] if len(received) else None
        for order, stage in enumerate(stages):
            hit = here[here.metric == stage].sort_values("year", kind="stable")
            value = hit["value"].iloc[-1] if len(hit) else float("nan")
            rows.append(
                {
                    "county": county,
                    "stage": stage,
                    "stage_order": order,
                    "status": REPORTED if len(hit) else NOT_REPORTED,
                    "value": value,
                    "share_of_received_pct": 100 * value / base if base and len(hit) else float("nan"),
                    "year": hit["year"].iloc[-1] if len(hit) else pd.NA,
                    "doc_id": hit["doc_id"].iloc[-1] if len(hit) else "",
                }
            )
    return pd.DataFrame(rows)


def target_vs_actual(table: pd.DataFrame, *, metric: str = "leader_appearance_rate") -> pd.DataFrame:
    """Target next to actual for one metric (default 出庭应诉率), per county.

    Returns
    -------
    DataFrame
        county, metric, target_value, target_comparator, target_doc_id, target_status,
        actual_value, actual_doc_id, actual_status, gap (actual − target; NaN unless both).
    """
    sub = table[table.metric == metric]
    rows = []
    for county, group in sub.groupby("county", sort=False):
        t = group[group.kind == "target"].iloc[0]
        a = group[group.kind == "actual"].iloc[0]
        rows.append(
            {
                "county": county,
                "metric": metric,
                "target_value": t.value,
                "target_comparator": t.comparator,
                "target_doc_id": t.doc_id,
                "target_status": t.status,
                "actual_value": a.value,
                "actual_doc_id": a.doc_id,
                "actual_status": a.status,
                "gap": a.value - t.value,
            }
        )
    return pd.DataFrame(rows)


def commitments(metrics: pd.DataFrame, c) -> pd.DataFrame:
    """Quantified targets per document and per 10,000 characters of body text.

    Returns
    -------
    DataFrame
        doc_id, county, doc_type, n_targets, n_actuals, body_chars, targets_per_10k_chars.
    """
    body = c.body().segments.groupby("doc_id")["n_chars"].sum()
    rows = []
    for doc in c.documents.itertuples(index=False):
        mine = metrics[metrics.doc_id == doc.doc_id]
        chars = int(body.get(doc.doc_id, 0)) or int(doc.n_chars or 0)
        n_targets = int((mine.kind == "target").sum())
        rows.append(
            {
                "doc_id": doc.doc_id,
                "county": doc.county,
                "doc_type": doc.doc_type,
                "n_targets": n_targets,
                "n_actuals": int((mine.kind == "actual").sum()),
                "body_chars": chars,
                "targets_per_10k_chars": round(1e4 * n_targets / chars, 2) if chars else float("nan"),
            }
        )
    return pd.DataFrame(rows)
