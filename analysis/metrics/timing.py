"""When a figure is for: the year it binds to and the part of the year it covers.

A year written before the number in the sentence (``2022年的632人`` binds 2022 to that number
only), else the document's last year; a part of a year (1-6月, 上半年, 前三季度, 截至9月底) stated
before the figure — in its sentence or at the start of its segment — makes it a partial-year
figure with a ``period_months`` such as ``2024-01..06``. Used by :mod:`analysis.metrics.extraction`.
"""

from __future__ import annotations

import re

from analysis.metrics import numbers

_YEAR = re.compile(r"((?:19|20)\d{2})(?:[—–\-~～至到]((?:19|20)\d{2}))?年(的)?")
# Part of a year a figure covers: 1-6月 / 1—10月, 上半年, 前三季度, 截至9月底 (start unknown).
_PERIOD = re.compile(
    r"(?P<a>\d{1,2})[-—–~～至到](?P<b>\d{1,2})月|(?P<half>上半年|下半年|前三季度|第一季度|一季度)"
    r"|截[至止](?:(?:19|20)\d{2}年)?(?P<upto>\d{1,2})月"
)
_HALVES = {"上半年": (1, 6), "下半年": (7, 12), "前三季度": (1, 9), "第一季度": (1, 3), "一季度": (1, 3)}


def years_in(text: str) -> list[tuple[int, int, bool]]:
    quoted = numbers.quoted_spans(text)
    out = []
    for m in _YEAR.finditer(text):
        if not any(qa < m.start() < qb for qa, qb in quoted):
            out.append((m.end(), int(m.group(2) or m.group(1)), bool(m.group(3))))
    return out


def periods_in(text: str) -> list[tuple[int, tuple]]:
    """(end, (first month or None, last month)) of each part-of-year phrase of ``text``."""
    out = []
    for m in _PERIOD.finditer(text):
        if m.group("half"):
            months: tuple = _HALVES[m.group("half")]
        elif m.group("upto"):
            months = (None, int(m.group("upto")))
        else:
            months = (int(m.group("a")), int(m.group("b")))
        if all(x is None or 1 <= x <= 12 for x in months):
            out.append((m.end(), months))
    return out


def period_for(ctx, abs_pos: int, year: int | None) -> tuple[str, bool]:
    """('2024-01..06' or '..2025-07', partial) for a number at ``abs_pos``; ('', False) if none.

    The nearest part-of-year phrase before the number in its sentence, else the one stated
    earlier in the segment (今年1-6月, … then further sentences on the same half year).
    """
    months = ctx["context_period"]
    for end, found in ctx["periods"]:
        if end > abs_pos:
            break
        months = found
    if months is None or year is None:
        return "", False
    first, last = months
    if first is None:
        return f"..{year}-{last:02d}", last < 12
    return f"{year}-{first:02d}..{last:02d}", (first, last) != (1, 12)


def year_for(ctx, abs_pos: int) -> int | None:
    """Nearest year before ``abs_pos``; a '年的' year binds only to the number right after it."""
    best = None
    for end, year, attributive in ctx["years"]:
        if end > abs_pos:
            break
        if attributive and end != abs_pos:
            continue
        best = year
    return best if best is not None else ctx["doc_year"]
