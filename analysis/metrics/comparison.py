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
    stated = set(metrics.metric)  # once: a set per metric costs metrics × rows
    order = [m.id for m in defs.metrics if m.id in stated and not m.by_category]
    rows = []
    groups = _groups(metrics, ["county", "metric", "kind"])
    cols = _columns(metrics)
    for county in counties:
        for metric_id in order:
            for kind in ("actual", "target"):
                hits = groups.get((county, metric_id, kind), ())
                cell = _cell(county, by_id[metric_id], kind, hits, cols, lang)
                cell["years"] = _years(hits, cols)
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
    stated = set(metrics.metric)  # once: a set per metric costs metrics × rows
    order = [m.id for m in defs.metrics if m.id in stated and not m.by_category]
    rows = []
    groups = _groups(metrics, ["county", "metric", "kind"])
    cols = _columns(metrics)
    years = metrics["year"].astype("Int64").array if len(metrics) else None
    for county in counties:
        for metric_id in order:
            for kind in ("actual", "target"):
                hits = groups.get((county, metric_id, kind))
                if hits is None:  # nothing stated: no year, no row
                    continue
                for year, group in _by_year(hits, years):
                    cell = _cell(county, by_id[metric_id], kind, group, cols, lang)
                    cell["year"] = year
                    rows.append(cell)
    return pd.DataFrame(rows, columns=SERIES_COLUMNS)


def _groups(table: pd.DataFrame, keys: list) -> dict:
    """(key values, …) -> the positions of the rows of ``table`` holding them (in table order): one
    pass, so a lookup per county is not a scan of the whole table (str or categorical keys alike)."""
    if table.empty:
        return {}
    plain = table.assign(**{k: table[k].astype(object) for k in keys})
    return {
        (k if isinstance(k, tuple) else (k,)): g.tolist()
        for k, g in plain.groupby(keys, sort=False, dropna=False).indices.items()
    }


def _columns(table: pd.DataFrame) -> dict:
    """The columns a cell reads (values as a row of ``table`` holds them) and each row's validity."""
    cols = {k: table[k].array for k in ("value", "comparator", "unit", "year", "doc_id", "flags")}
    cols["valid"] = table["flags"].map(is_valid).tolist()
    return cols


def _by_year(hits: list, years) -> list:
    """(year, positions) of ``hits`` by year (as Int64), years ascending, unknown year last."""
    known: dict = {}
    unknown = []
    for p in hits:
        year = years[p]
        if pd.isna(year):
            unknown.append(p)
        else:
            known.setdefault(year, []).append(p)
    out = sorted(known.items())
    return out + [(years[unknown[0]], unknown)] if unknown else out


def _latest(positions: list, year) -> int:
    """The row a stable sort by year (unknown first) puts last: the last of the latest year."""
    best = None
    for p in positions:
        if not pd.isna(year[p]) and (best is None or year[p] >= year[best]):
            best = p
    return positions[-1] if best is None else best


def _years(hits, cols: dict) -> str:
    if not len(hits):
        return ""
    years = sorted({int(y) for y in (cols["year"][p] for p in hits) if pd.notna(y)})
    return "; ".join(str(y) for y in years)


def _cell(county, metric, kind, hits, cols: dict, lang) -> dict:
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
    if not len(hits):
        return base
    usable = [p for p in hits if cols["valid"][p]]
    pick = _latest(usable or list(hits), cols["year"])
    base.update(
        status=REPORTED if usable else FLAGGED,
        comparator=cols["comparator"][pick],
        unit=cols["unit"][pick],
        year=cols["year"][pick],
        doc_id=cols["doc_id"][pick],
        flags=cols["flags"][pick],
    )
    if usable:
        base["value"] = cols["value"][pick]
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
    actual = metrics[(metrics.kind == "actual") & metrics["flags"].map(is_valid) & metrics.metric.isin(stages)]
    by_stage = _groups(actual, ["county", "metric"])
    cols = _columns(actual)
    for county in counties:
        received = by_stage.get((county, stages[0]))
        base, base_at = None, None
        if received:
            first = _latest(received, cols["year"])
            base, base_at = cols["value"][first], (cols["year"][first], cols["doc_id"][first])
        for order, stage in enumerate(stages):
            hit = by_stage.get((county, stage))
            last = _latest(hit, cols["year"]) if hit else None
            at = (cols["year"][last], cols["doc_id"][last]) if last is not None else None
            same = at is not None and base_at is not None and _same(base_at, at)
            value = cols["value"][last] if last is not None else float("nan")
            rows.append(
                {
                    "county": county,
                    "stage": stage,
                    "stage_order": order,
                    "status": REPORTED if hit else NOT_REPORTED,
                    "value": value,
                    "share_of_received_pct": 100 * value / base if base and same else float("nan"),
                    "year": at[0] if at else pd.NA,
                    "doc_id": at[1] if at else "",
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
    first: dict = {}  # (county, kind) -> the county's first row of that kind
    for row in sub.itertuples(index=False):
        first.setdefault((row.county, row.kind), row)
    rows = []
    for county in dict.fromkeys(sub["county"]):
        t, a = first[(county, "target")], first[(county, "actual")]
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
    body = c.body().segments.groupby("doc_id", observed=True)["n_chars"].sum().to_dict()  # a dict: cheap look-ups
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
