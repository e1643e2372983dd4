"""Compare extracted metrics across counties, showing plainly what a county does not report.

Every function takes the finished ``metrics`` table of ``analysis.metrics.extract`` (plus the
corpus ``documents``/``segments`` where needed) and returns a DataFrame. Rows carrying a
validity flag (e.g. ``rate_over_100``) are never used as values: their cell says 'flagged'.
The ``county`` column of the rows passed in is the unit compared: pass county keys
(:func:`analysis.groups.by_county_key`) so that documents of unknown county are compared under
their own label instead of dropping out. County × year is the unit of a value: :func:`comparison`
shows each county's latest year (and lists the years it has), :func:`series` every year.
Every function returns its columns even when there is nothing to show.
Cost: linear in the number of metric rows plus counties × metrics (rows are grouped once, not
filtered per county).
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
SERIES_COLUMNS = ["county", "metric", "label", "kind", "year", "status", "value", "comparator", "unit", "doc_id"]
SERIES_COLUMNS += ["n_values", "flags"]
FUNNEL_COLUMNS = ["county", "stage", "stage_order", "status", "value", "share_of_received_pct", "year", "doc_id"]
TVA_COLUMNS = [
    "county",
    "metric",
    "target_value",
    "target_comparator",
    "target_doc_id",
    "target_status",
    "actual_value",
    "actual_doc_id",
    "actual_status",
    "gap",
]


def comparison(metrics: pd.DataFrame, counties, *, defs: MetricDefs | None = None, lang: str = "zh") -> pd.DataFrame:
    """County × metric × kind, one row each, with explicit 'not reported' cells.

    Metrics are those any county states; ``counties`` lists every county of the corpus (so
    a county stating nothing appears with 'not reported' everywhere). When a county states
    a metric more than once, the latest year's usable value is shown (``n_values`` counts all;
    a value of unknown year counts as older than any known year); ``years`` lists every year
    with a value, so a county with several years says so (:func:`series` shows them).

    Returns
    -------
    DataFrame
        county, metric, label, kind ('actual'|'target'), status ('reported'|'not reported'|
        'flagged'), value, comparator, unit, year, doc_id, n_values, flags, years ('; '-joined).
    """
    defs = defs or load_metric_defs()
    by_id = defs.by_id()
    order = [m.id for m in defs.metrics if m.id in set(metrics.metric) and not m.by_category]
    rows = []
    groups = _groups(metrics, ["county", "metric", "kind"])
    none = metrics.iloc[:0]
    for county in counties:
        for metric_id in order:
            for kind in ("actual", "target"):
                hits = groups.get((county, metric_id, kind), none)
                cell = _cell(county, by_id[metric_id], kind, hits, lang)
                cell["years"] = _years(hits)
                rows.append(cell)
    return pd.DataFrame(rows, columns=COMPARISON_COLUMNS + ["years"])


def series(metrics: pd.DataFrame, counties, *, defs: MetricDefs | None = None, lang: str = "zh") -> pd.DataFrame:
    """County × metric × kind × year: every year's value, a county's figures as a series.

    One row per county, metric, kind and year the county states it for (the year's usable value
    as in :func:`comparison`; 'flagged' when every value of that year is flagged); rows ordered by
    county (as given), metric (definition order), kind and year, values of unknown year last.

    Returns
    -------
    DataFrame
        county, metric, label, kind, year, status, value, comparator, unit, doc_id, n_values, flags.
    """
    defs = defs or load_metric_defs()
    by_id = defs.by_id()
    order = [m.id for m in defs.metrics if m.id in set(metrics.metric) and not m.by_category]
    rows = []
    groups = _groups(metrics, ["county", "metric", "kind"])
    for county in counties:
        for metric_id in order:
            for kind in ("actual", "target"):
                hits = groups.get((county, metric_id, kind))
                if hits is None:  # nothing stated: no year, no row
                    continue
                for year, group in hits.groupby(hits["year"].astype("Int64"), sort=True, dropna=False):
                    cell = _cell(county, by_id[metric_id], kind, group, lang)
                    cell["year"] = year
                    rows.append(cell)
    return pd.DataFrame(rows, columns=SERIES_COLUMNS)


def _groups(table: pd.DataFrame, keys: list) -> dict:
    """(key values, …) -> the rows of ``table`` holding them: one pass, so a lookup per county is
    not a scan of the whole table (str or categorical key columns alike)."""
    if table.empty:
        return {}
    plain = table.assign(**{k: table[k].astype(object) for k in keys})
    return {(k if isinstance(k, tuple) else (k,)): g for k, g in plain.groupby(keys, sort=False, dropna=False)}


def _years(hits: pd.DataFrame) -> str:
    years = sorted({int(y) for y in hits["year"] if pd.notna(y)})
    return "; ".join(str(y) for y in years)


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
    pick = (usable if len(usable) else hits).sort_values("year", kind="stable", na_position="first").iloc[-1]
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
        year, doc_id. Each stage shows the county's latest year; the share is taken against the
        received count of that same year and document only.
    """
    stages = (defs or load_metric_defs()).funnel
    rows = []
    actual = metrics[(metrics.kind == "actual") & metrics["flags"].map(is_valid)]
    by_county = _groups(actual, ["county"])
    none = actual.iloc[:0]
    for county in counties:
        here = by_county.get((county,), none)
        received = here[here.metric == stages[0]].sort_values("year", kind="stable", na_position="first")
        base = received["value"].iloc[-1] if len(received) else None
        base_at = (received["year"].iloc[-1], received["doc_id"].iloc[-1]) if len(received) else None
        for order, stage in enumerate(stages):
            hit = here[here.metric == stage].sort_values("year", kind="stable", na_position="first")
            same = len(hit) and base_at is not None and _same(base_at, (hit["year"].iloc[-1], hit["doc_id"].iloc[-1]))
            value = hit["value"].iloc[-1] if len(hit) else float("nan")
            rows.append(
                {
                    "county": county,
                    "stage": stage,
                    "stage_order": order,
                    "status": REPORTED if len(hit) else NOT_REPORTED,
                    "value": value,
                    "share_of_received_pct": 100 * value / base if base and same else float("nan"),
                    "year": hit["year"].iloc[-1] if len(hit) else pd.NA,
                    "doc_id": hit["doc_id"].iloc[-1] if len(hit) else "",
                }
            )
    return pd.DataFrame(rows, columns=FUNNEL_COLUMNS)


def _same(a: tuple, b: tuple) -> bool:
    return all((x == y) or (pd.isna(x) and pd.isna(y)) for x, y in zip(a, b))


def target_vs_actual(table: pd.DataFrame, *, metric: str = "leader_appearance_rate") -> pd.DataFrame:
    """Target next to actual for one metric (default 出庭应诉率), per county.

    Returns
    -------
    DataFrame
        county, metric, target_value, target_comparator, target_doc_id, target_status,
        actual_value, actual_doc_id, actual_status, gap (actual − target; NaN unless both).
        Empty (with these columns) when no county states the metric at all.
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
    return pd.DataFrame(rows, columns=TVA_COLUMNS)


def commitments(metrics: pd.DataFrame, c) -> pd.DataFrame:
    """Quantified targets per document and per 10,000 characters of body text.

    Returns
    -------
    DataFrame
        doc_id, county, doc_type, n_targets, n_actuals, body_chars, targets_per_10k_chars.
    """
    body = c.body().segments.groupby("doc_id", observed=True)["n_chars"].sum()
    kinds = pd.crosstab(metrics["doc_id"].astype(str), metrics["kind"].astype(str)) if len(metrics) else pd.DataFrame()
    targets = kinds["target"].to_dict() if "target" in kinds else {}
    actuals = kinds["actual"].to_dict() if "actual" in kinds else {}
    rows = []
    for doc in c.documents.itertuples(index=False):
        chars = int(body.get(doc.doc_id, 0)) or int(doc.n_chars or 0)
        n_targets = int(targets.get(str(doc.doc_id), 0))
        rows.append(
            {
                "doc_id": doc.doc_id,
                "county": doc.county,
                "doc_type": doc.doc_type,
                "n_targets": n_targets,
                "n_actuals": int(actuals.get(str(doc.doc_id), 0)),
                "body_chars": chars,
                "targets_per_10k_chars": round(1e4 * n_targets / chars, 2) if chars else float("nan"),
            }
        )
    return pd.DataFrame(rows)
