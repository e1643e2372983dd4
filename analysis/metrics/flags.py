"""Validation flags of extracted metrics: implausible values and parts larger than their totals.

A flag in ``INVALID_FLAGS`` makes a value unusable in comparisons (shown as 'flagged', never
averaged); the others (derived, target_stated_as_actual, actual_in_plan, partial_year,
multi_year, carry_over_possible) describe the row. A count of a ``carry_over`` metric (审结/办结) larger
than its total (受理) is ``carry_over_possible``, not invalid: last year's cases end this year.
"""

from __future__ import annotations

import pandas as pd

from analysis.metrics.definitions import MetricDefs

INVALID_FLAGS = ("rate_over_100", "out_of_bounds", "part_exceeds_total", "parts_sum_exceeds_total")


def is_valid(flags: str) -> bool:
    """True if a row's flags allow using its value (no validity flag)."""
    return not any(f in INVALID_FLAGS for f in str(flags).split(";"))


def validate(metrics: pd.DataFrame, defs: MetricDefs) -> pd.DataFrame:
    """Add validation flags: implausible values and parts exceeding their totals.

    Rates above 100 get ``rate_over_100``, other values outside a definition's bounds
    ``out_of_bounds``, as do negative values of metrics that are not changes (a count of -3).
    Within one document, year and kind, a count larger than its total (受理 > 接收) gets
    ``part_exceeds_total``; exclusive parts whose sum exceeds the total (受理 + 不予受理 > 接收)
    get ``parts_sum_exceeds_total``. Returns a copy.
    """
    out = metrics.copy()
    by_id = defs.by_id()
    flags = [[f for f in str(v).split(";") if f] for v in out["flags"]]
    for i, row in enumerate(out.itertuples(index=False)):
        definition = by_id[row.metric]
        bounds = definition.bounds
        if bounds and not bounds[0] <= row.value <= bounds[1]:
            flags[i].append("rate_over_100" if row.unit == "%" and row.value > 100 else "out_of_bounds")
        elif row.value < 0 and not (definition.sign_positive or definition.sign_negative):
            flags[i].append("out_of_bounds")  # only a change can be negative, never a count or a rate
    for _, group in out.groupby(["doc_id", "year", "kind"], sort=False):
        first: dict = {}
        for idx, row in group.iterrows():
            first.setdefault(row.metric, (idx, row.value))
        for metric, (idx, value) in first.items():
            total = by_id[metric].part_of
            if total in first and value > first[total][1]:
                # 审结 > 受理: cases carried over from the year before may be concluded this year.
                carry = by_id[metric].carry_over
                flags[out.index.get_loc(idx)].append("carry_over_possible" if carry else "part_exceeds_total")
        for total in {by_id[m].part_of for m in first if by_id[m].exclusive}:
            parts = [first[m] for m in first if by_id[m].exclusive and by_id[m].part_of == total]
            if total in first and sum(v for _, v in parts) > first[total][1]:
                for idx, _ in parts:
                    flags[out.index.get_loc(idx)].append("parts_sum_exceeds_total")
    out["flags"] = [";".join(dict.fromkeys(f)) for f in flags]
    return out.reset_index(drop=True)
