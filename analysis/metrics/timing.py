"""When a figure is for: the year it binds to and the part of the year it covers.

A year written before the number in the sentence (``2022年的632人`` binds 2022 to that number
only), else the document's last year; a part of a year (1-6月, 上半年, 前三季度, 截至9月底) stated
before the figure — in its sentence or at the start of its segment — makes it a partial-year
figure with a ``period_months`` such as ``2024-01..06``. A cumulative figure (以来, 累计, 截至 before
it in its sentence) whose start is stated before it — 自2022年1月1日起, 2019年以来, in its sentence
or earlier in its segment — covers the whole span: ``2022-01..2025-07``, bound to its first year and
flagged ``multi_year`` (never an annual value). A count written right after 去年/上年(同期)(为) is
last year's, after 前年 the year before. Used by :mod:`analysis.metrics.extraction`.
"""

from __future__ import annotations

import re

from analysis.metrics import numbers

_YEAR = re.compile(r"((?:19|20)\d{2})(?:[—–\-~～至到]((?:19|20)\d{2}))?年(的)?")
# Part of a year a figure covers: 1-6月 / 1—10月, 上半年, 前三季度, 截至9月底 / 至9月底 (start unknown).
_PERIOD = re.compile(
    r"(?P<a>\d{1,2})[-—–~～至到](?P<b>\d{1,2})月|(?P<half>上半年|下半年|前三季度|第一季度|一季度)"
    r"|(?:截[至止]|至(?=(?:(?:19|20)\d{2}年)?\d{1,2}月底))(?:(?:19|20)\d{2}年)?(?P<upto>\d{1,2})月"
)
# Where a cumulative figure starts (自2022年1月1日起, 2019年以来, 2021年至今) and what makes a figure
# cumulative (改革实施以来, 累计, 截至2025年7月底).
_START = re.compile(r"((?:19|20)\d{2})年(?:(\d{1,2})月(?:\d{1,2}日)?)?(?:起|以来|至今)")
_CUMULATIVE = re.compile(r"以来|累计|截[至止]|至今")
# A count stated for an earlier year by a relative word before it (去年同期为45件, 上年受理12件), not
# a change against that year (较去年增加5件, 比上年多5件, 同比…): no comparison word before the
# relative word, no change word or other number between it and the count.
_RELATIVE_YEAR = re.compile(r"(?<![较比与同])(去年|上年|上一年|前年)(?:同期)?(?P<rest>[^\d%]*)$")
_CHANGE_WORD = re.compile(r"[增减升降多少翻]|提高|提升|相比|对比")
_YEARS_BACK = {"去年": 1, "上年": 1, "上一年": 1, "前年": 2}
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


def starts_in(text: str) -> list[tuple[int, tuple[int, int]]]:
    """(end, (year, first month)) of each start of a span (自2022年1月1日起, 2019年以来) of ``text``."""
    return [(m.end(), (int(m.group(1)), int(m.group(2) or 1))) for m in _START.finditer(text)]


def cumulative_in(text: str) -> list[int]:
    """End offsets of the phrases making a figure cumulative (以来, 累计, 截至) in ``text``."""
    return [m.end() for m in _CUMULATIVE.finditer(text)]


def relative_year(before: str, year: int | None) -> int | None:
    """The year of a count written right after 去年/上年/前年 (``before`` ends at the number)."""
    m = _RELATIVE_YEAR.search(before)
    if m is None or year is None or _CHANGE_WORD.search(m.group("rest")):
        return None
    return year - _YEARS_BACK[m.group(1)]


def span_for(ctx, abs_pos: int, year: int | None, period: str, partial: bool) -> tuple[int | None, str, str]:
    """(year, period, flag) of a figure, widened to the span of a cumulative figure.

    ``year``, ``period`` and ``partial`` are :func:`year_for`'s and :func:`period_for`'s. The
    figure must follow a cumulative phrase (以来, 累计, 截至) in its sentence, or inherit the period of
    an earlier cumulative sentence of its segment; its start is the
    latest one stated before it in the sentence, else the one carried from earlier in the
    segment. A span within one year gains its first month (flag 'partial_year' unless it is the
    whole year); one over several years binds to its first year (flag 'multi_year').
    """
    flag = "partial_year" if partial else ""
    inherited = ctx["context_cumulative"] and not any(end <= abs_pos for end, _ in ctx["periods"])
    if year is None or not (inherited or any(end <= abs_pos for end in ctx["cumulative"])):
        return year, period, flag
    start = ctx["context_start"]
    for end, found in ctx["starts"]:
        if end > abs_pos:
            break
        start = found
    if start is None or start[0] > year:
        return year, period, flag
    last = int(period[-2:]) if period else 12
    if start[0] < year:
        return start[0], f"{start[0]}-{start[1]:02d}..{year}-{last:02d}", "multi_year"
    if (start[1], last) == (1, 12):
        return year, "", ""
    return year, f"{year}-{start[1]:02d}..{last:02d}", "partial_year"


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
