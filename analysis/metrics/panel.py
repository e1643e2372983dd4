"""The county × year panel of stated figures: a long table and a wide one for Stata, R or Excel.

The long table is every figure of :func:`analysis.api.metrics` with the county (key), province and
division code of its document (docvars, attached, never re-inferred), both kinds (actual, target)
and the provenance (doc_id, quote, start, end). A row whose flags hold an invalid flag
(:data:`analysis.metrics.flags.INVALID_FLAGS`) is kept and marked ``usable`` False.

The wide table has one row per county × year (the year the value refers to; a value of unknown
year makes a row with an empty year) and one column per metric, for one kind (actuals by default:
targets are commitments, not outcomes; ``kind='target'`` gives the commitments in the same shape).
It uses usable values only. When a county states a metric more than once for one year (a report
restating a figure, or two documents), the value taken is the first statement (smallest offset) in
the latest document (largest ``year_end``; ties in corpus order); ``<name>_doc`` names that document,
``<name>_n`` counts the usable statements, ``metrics_conflicting`` lists the metrics whose usable
statements disagree and ``metrics_flagged`` those with flagged statements left out.

Column names are at most 32 characters (Stata): a metric id longer than ``MAX_NAME`` characters is
cut and given a 4-character hash (:func:`short_name`); the column dictionary entries of the metric
columns are generated from the metric definitions (:func:`column_entries`), so labels name the metric.
"""

from __future__ import annotations

import hashlib

import pandas as pd

from analysis import groups
from analysis.metrics.definitions import MetricDefs, load_metric_defs
from analysis.metrics.flags import is_valid

KINDS = ("actual", "target")
MAX_NAME = 28  # 32 (Stata) minus the longest suffix, '_doc'
SUFFIXES = ("_doc", "_n")
LONG_COLUMNS = [
    "county",
    "county_known",
    "province",
    "adcode",
    "year",
    "period",
    "metric",
    "value",
    "value_max",
    "unit",
    "kind",
    "comparator",
    "doc_id",
    "quote",
    "start",
    "end",
    "flags",
    "usable",
]
OPTIONAL = ("partial_year", "subject_source", "category")  # columns of newer metrics tables, kept when present
WIDE_KEYS = ["county", "county_known", "province", "adcode", "year", "doc_ids", "metrics_conflicting"]
WIDE_KEYS += ["metrics_flagged"]
DOCVARS = ("province", "adcode")


def short_name(metric_id: str) -> str:
    """The metric's column name: its id, or (ids over ``MAX_NAME`` characters) a cut id plus a hash."""
    if len(metric_id) <= MAX_NAME:
        return metric_id
    digest = hashlib.sha1(metric_id.encode("utf-8")).hexdigest()[:4]
    return f"{metric_id[: MAX_NAME - 5].rstrip('_')}_{digest}"


def long_panel(c, rows: pd.DataFrame) -> pd.DataFrame:
    """Every stated figure with its county key, province, division code and ``usable``.

    Parameters
    ----------
    c : corpus.Corpus
    rows : pandas.DataFrame
        :func:`analysis.api.metrics` output.

    Returns
    -------
    pandas.DataFrame
        ``LONG_COLUMNS`` (county, county_known, province, adcode, year, period, metric, value,
        value_max, unit, kind, comparator, doc_id, quote, start, end, flags, usable) and any of
        ``OPTIONAL`` the rows carry; ordered by county (corpus order), year (unknown last), metric
        (definition order is the rows' order), kind, document and offset. ``period`` is the rows'
        own when they have one, else the document's (``2022``, ``2021–2025``).
    """
    out = groups.by_county_key(c, rows)
    kc = groups.keyed(c)
    if "period" not in out.columns:
        out = kc.attach(out, "period")
    out = c.attach(out, *[d for d in DOCVARS if d in c.documents.columns])
    out["flags"] = out["flags"].fillna("").astype(str)
    # a partial-year figure (1-6月, 截至9月底) or one over several years (2022-01..2025-07) is kept in
    # the long table but never enters an annual panel cell
    partial = out["flags"].fillna("").astype(str).str.contains("partial_year|multi_year")
    out["usable"] = out["flags"].map(is_valid).astype(bool) & ~partial.astype(bool)
    out["year"] = out["year"].astype("Int64")
    for name in DOCVARS:
        out[name] = out[name].map(lambda v: str(v) if groups.present(v) else "") if name in out else ""
    counties = {k: i for i, k in enumerate(groups.counties(c)["county"])}
    docs = {d: i for i, d in enumerate(c.documents["doc_id"])}
    metrics = {m: i for i, m in enumerate(dict.fromkeys(out["metric"]))}
    order = pd.DataFrame(
        {
            "c": out["county"].map(counties),
            "y": out["year"].fillna(10**6),
            "m": out["metric"].map(metrics),
            "k": out["kind"].map({k: i for i, k in enumerate(KINDS)}),
            "d": out["doc_id"].map(docs),
            "s": out["start"],
        }
    )
    out = out.loc[order.sort_values(list(order.columns), kind="stable").index]
    columns = LONG_COLUMNS + [x for x in OPTIONAL if x in out.columns]
    return out.reindex(columns=columns).reset_index(drop=True)


def wide_panel(c, long: pd.DataFrame, *, kind: str = "actual", defs: MetricDefs | None = None) -> pd.DataFrame:
    """One row per county × year, one column per metric (usable values of ``kind`` only).

    Parameters
    ----------
    c : corpus.Corpus
    long : pandas.DataFrame
        :func:`long_panel` output.
    kind : {'actual', 'target'}, keyword-only

    Returns
    -------
    pandas.DataFrame
        county, county_known, province, adcode, year, doc_ids (documents behind the row, '; '),
        metrics_conflicting, metrics_flagged ('; '-joined metric ids), then for every metric of
        ``kind`` stated (definition order) ``<name>`` (value), ``<name>_doc``, ``<name>_n``.
    """
    if kind not in KINDS:
        raise ValueError(f"kind={kind!r} not allowed; use one of {KINDS}")
    defs = defs or load_metric_defs()
    sub = long[long["kind"] == kind]
    # a metric by category (shares by field) has several values per county-year: long panel only
    stated = set(sub["metric"])  # once: a set per metric costs metrics × rows
    metric_ids = [m.id for m in defs.metrics if m.id in stated and not m.by_category]
    latest = _latest_first(c)
    group = sub.groupby(["county", "year"], sort=False, dropna=False).ngroup().to_numpy()
    keys = _group_keys(sub, group, latest)
    cells, conflicting, flagged = _cells(sub, group, latest)
    rows = []
    for g, row in enumerate(keys):
        row["metrics_conflicting"] = "; ".join(m for m in metric_ids if (g, m) in conflicting)
        row["metrics_flagged"] = "; ".join(m for m in metric_ids if (g, m) in flagged)
        for m in metric_ids:
            value, doc, n = cells.get((g, m), (float("nan"), "", 0))
            name = short_name(m)
            row[name], row[f"{name}_doc"], row[f"{name}_n"] = value, doc, n
        rows.append(row)
    columns = WIDE_KEYS + [f"{short_name(m)}{s}" for m in metric_ids for s in ("", *SUFFIXES)]
    out = pd.DataFrame(rows, columns=columns)
    out["year"] = out["year"].astype("Int64")
    out["county_known"] = out["county_known"].astype(bool)
    return out


def _group_keys(sub: pd.DataFrame, group, latest: dict) -> list[dict]:
    """Per county × year group (in ``group`` number order): its keys and the documents behind it.

    county, county_known and year of the group's first row; province and adcode its first present
    value; doc_ids its documents, latest first ('; ')."""
    first = ~pd.Series(group).duplicated().to_numpy()
    docvars = {}
    for name in ("province", "adcode"):
        present = sub[name].map(groups.present).to_numpy(dtype=bool)
        values = pd.Series(sub[name].to_numpy()[present], index=group[present])
        docvars[name] = values[~values.index.duplicated()].map(str).to_dict()
    pairs = pd.DataFrame({"g": group, "doc": sub["doc_id"].to_numpy()}).drop_duplicates()
    pairs = pairs.assign(rank=pairs["doc"].map(latest)).sort_values(["g", "rank"], kind="stable")
    doc_ids = pairs.groupby("g", sort=False)["doc"].agg("; ".join).to_dict()
    out = []
    heads = zip(sub["county"].to_numpy()[first], sub["county_known"].to_numpy()[first], sub["year"].to_numpy()[first])
    for g, (county, known, year) in enumerate(heads):
        out.append(
            {
                "county": county,
                "county_known": bool(known),
                "province": docvars["province"].get(g, ""),
                "adcode": docvars["adcode"].get(g, ""),
                "year": year,
                "doc_ids": doc_ids[g],
            }
        )
    return out


def _cells(sub: pd.DataFrame, group, latest: dict) -> tuple[dict, set, set]:
    """(group, metric) -> (value, doc_id, usable statements), and the (group, metric) pairs whose
    usable values disagree and those with a flagged statement.

    The value is the first usable statement (smallest offset) of the latest document."""
    table = pd.DataFrame(
        {
            "g": group,
            "metric": sub["metric"].to_numpy(dtype=object),
            "value": sub["value"].to_numpy(),
            "doc": sub["doc_id"].to_numpy(dtype=object),
            "start": sub["start"].to_numpy(),
            "usable": sub["usable"].to_numpy(dtype=bool),
        }
    )
    flagged = set(zip(table.loc[~table["usable"], "g"], table.loc[~table["usable"], "metric"]))
    usable = table[table["usable"]]
    usable = usable.assign(rank=usable["doc"].map(latest)).sort_values(["g", "rank", "start"], kind="stable")
    by_cell = usable.groupby(["g", "metric"], sort=False)
    counts = by_cell.size().to_dict()
    conflicting = {k for k, n in by_cell["value"].nunique().items() if n > 1}
    firsts = usable.drop_duplicates(["g", "metric"])
    cells = {
        (g, m): (value, doc, int(counts[(g, m)]))
        for g, m, value, doc in zip(firsts["g"], firsts["metric"], firsts["value"], firsts["doc"])
    }
    return cells, conflicting, flagged


def _latest_first(c) -> dict:
    """doc_id -> rank: documents by year_end, latest first (unknown last), ties in corpus order."""
    docs = c.documents.reset_index(drop=True)
    end = pd.to_numeric(docs.get("year_end", pd.Series(index=docs.index, dtype=float)), errors="coerce")
    ranked = docs.assign(_end=-end.fillna(-(10**6)), _pos=range(len(docs))).sort_values(["_end", "_pos"])
    return {d: i for i, d in enumerate(ranked["doc_id"])}


def column_entries(defs: MetricDefs | None = None) -> dict:
    """Column dictionary entries of the wide table's metric columns, for every defined metric.

    ``<name>``: the value (float, in the metric's unit); ``<name>_doc``: its document;
    ``<name>_n``: the usable statements behind it. Headers are the metric's labels (with the
    metric id when the name is shortened), so the Stata variable labels name the metric.
    """
    defs = defs or load_metric_defs()
    entries = {}
    for m in defs.metrics:
        name = short_name(m.id)
        tag = "" if name == m.id else f" [{m.id}]"
        about = f"metric {m.id} ({m.label_en})"
        entries[name] = {
            "zh": f"{m.label_zh}{tag}",
            "en": f"{m.label_en}{tag}",
            "description": f"value of {about} for the county and year (usable values only)",
            "dtype": "float",
            "unit": m.unit,
        }
        entries[f"{name}_doc"] = {
            "zh": f"{m.label_zh}来源文档{tag}",
            "en": f"{m.label_en}: document{tag}",
            "description": f"doc_id of the document whose statement gives the value of {about}",
            "dtype": "string",
            "unit": "",
        }
        entries[f"{name}_n"] = {
            "zh": f"{m.label_zh}陈述次数{tag}",
            "en": f"{m.label_en}: statements{tag}",
            "description": f"number of usable statements of {about} for the county and year",
            "dtype": "integer",
            "unit": "values",
        }
    return entries
