"""One sentence's metrics: clauses, quantities, the metric each one is, its kind, year and quote.

The rules are those of :mod:`analysis.metrics.extraction` (its docstring); this module applies them
to one sentence, given what its segment stated before it (subjects named, part of the year, start
of a span). Work a clause cannot need is skipped by one search of a compiled pattern first (no
subject cue: no subject; no qualitative phrase: no figure stated in words), so the cost is the
clause's length for most clauses.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from analysis.metrics import numbers
from analysis.metrics.matching import mask, match, region, respective
from analysis.metrics.timing import (
    cumulative_in,
    period_for,
    periods_in,
    relative_year,
    span_for,
    starts_in,
    year_for,
    years_in,
)

if TYPE_CHECKING:
    from analysis.metrics.extraction import MetricExtractor

SKIPPED = " \t\r\n\u3000*#"
_SKIPPED_RUN = re.compile(f"[{re.escape(SKIPPED)}]+")
_CHANGE_TO = re.compile(r"(?:增加|增长|提高|提升|上升|下降|减少|降低|降|升|增)(?:至|到)")
_CLAUSE_SPLIT = re.compile(r"[，；;。：:！？!?]|(?<!\d),|,(?!\d{3})")


def compact(text: str) -> tuple[str, list[int]]:
    """``text`` without whitespace and markdown marks, and each kept character's offset."""
    keep: list[int] = []
    parts, pos = [], 0
    for m in _SKIPPED_RUN.finditer(text):
        keep += range(pos, m.start())
        parts.append(text[pos : m.start()])
        pos = m.end()
    keep += range(pos, len(text))
    parts.append(text[pos:])
    return "".join(parts), keep


def clauses(text: str) -> list[tuple[int, int]]:
    """Clause spans ``[start, end)`` of ``text``, delimiters excluded, empty clauses dropped."""
    spans, start = [], 0
    for m in _CLAUSE_SPLIT.finditer(text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return [(a, b) for a, b in spans if b > a]


def extract_sentence(
    ex: MetricExtractor,
    source: str,
    start: int,
    end: int,
    *,
    doc_id: str,
    county: str | None,
    doc_type: str | None,
    doc_year: int | None,
    view: str | None = None,
    context_subjects: frozenset = frozenset(),
    heading_subjects: frozenset = frozenset(),
    context_period: tuple | None = None,
    context_start: tuple | None = None,
    context_cumulative: bool = False,
):
    """Rows, unclassified rows and (subjects, period, span start, cumulative) in force at its end.

    A period stated in a cumulative sentence (截至2025年7月底，累计…) stays cumulative for the next
    sentences of the segment that inherit it (从办理结果看，维持2件).
    """
    defs = ex.defs
    text, index = compact((source if view is None else view)[start:end])
    years = years_in(text)
    periods = periods_in(text)
    starts = starts_in(text)
    cumulative = cumulative_in(text)
    sentence = {
        "doc_id": doc_id, "county": county, "doc_type": doc_type, "doc_year": doc_year, "defs": defs,
        "years": years, "periods": periods, "context_period": context_period, "starts": starts,
        "context_start": context_start, "cumulative": cumulative, "context_cumulative": context_cumulative,
        "src": (source, start, index),
    }  # fmt: skip
    rows, loose, origin = [], [], 0
    carried, how = (set(context_subjects), "context") if context_subjects else (set(heading_subjects), "heading")
    counted: set[str] = set()  # metrics of the latest count matched in the sentence (for 同比 changes)
    prev_clause = (0, 0)
    for a, b in clauses(text):
        clause = text[a:b]
        own = ex.subjects_in(clause)
        if own:
            carried, origin, how = own, a, "clause"
        quantities = numbers.parse_quantities(clause, defs.units)
        in_words = ex.qualitative_pattern_ is not None and ex.qualitative_pattern_.search(clause)
        before = text[prev_clause[0] : prev_clause[1]]
        prev_clause = (a, b)
        if not quantities and not in_words:
            continue  # nothing stated: only the subjects carry on
        ctx = {
            **sentence,
            "clause_start": a,
            "subject_start": origin if how == "clause" else a,
            "subject_source": "clause" if own else ("heading" if how == "heading" else "context"),
            "clause_end": b,
        }
        found, matched, counted = _quantity_rows(ex, ctx, clause, quantities, before, carried, counted)
        rows += found
        if in_words:
            rows += _qualitative(ctx, clause, carried, defs, {r["metric"] for r in rows if r["_clause"] == a}, rows)
        loose += [_loose(ctx, clause, q) for i, q in enumerate(quantities) if i not in matched]
    for r in rows:
        del r["_clause"]
    named = frozenset(carried) if how != "heading" else frozenset(context_subjects)
    period = periods[-1][1] if periods else context_period
    still = bool(cumulative) if periods else context_cumulative
    return rows, loose, (named, period, starts[-1][1] if starts else context_start, still)


def _quantity_rows(ex: MetricExtractor, ctx: dict, clause: str, quantities, before: str, carried, counted):
    """(rows, indices of the quantities matched, ``counted`` after the clause) of one clause's numbers.

    ``before`` is the previous clause (the items of a clause starting with 分别); ``counted`` the
    metrics of the latest count matched in the sentence (for 同比 changes).
    """
    rows: list = []
    matched: set[int] = set()
    previous: list = []
    items = respective(clause, quantities, before)  # 分别: number k, item k
    for i, q in enumerate(quantities):
        span, item = items.get(i, (None, ""))
        found = match(clause, q, span or region(clause, quantities, i), carried, ex, counted=counted)
        category = ""
        if not found:
            found, category = _by_category(ex, clause, quantities, i, item, carried)
        if (
            not found
            and i > 0
            and _CHANGE_TO.search(clause[quantities[i - 1].end : q.start])
            and quantities[i - 1].unit == q.unit
        ):
            found = previous  # 由632人增加至863人: the new level of the same metric
        for metric, sign in found:
            rows.append(_row(ctx, clause, q, metric, sign, category=category))
            matched.add(i)
        if found and q.unit != "%":  # 来访95件127人次: adjacent counts are one statement
            adjacent = i > 0 and not clause[quantities[i - 1].end : q.start]
            counted = {m.id for m, _ in found} | (counted if adjacent else set())
        previous = found
    return rows, matched, counted


def _by_category(ex: MetricExtractor, clause, quantities, i, item: str, subjects) -> tuple[list, str]:
    """(matches, category) of a quantity no named metric takes, for the metrics by category.

    The category is the quantity's item in a 分别 list (its cue then stands between 分别 and the
    first number: 分别占全县信访总量的15.43%、…), else the ``category_pattern`` of the metric
    matched before the number in its clause (因不服房屋征收补偿决定被诉的1件).
    """
    q = quantities[i]
    if item:
        k = clause.find("分别")
        first = min(p.start for p in quantities if p.start > k)
        return match(clause, q, (k, first), subjects, ex, by_category=True), item
    found = match(clause, q, region(clause, quantities, i), subjects, ex, by_category=True)
    for metric, sign in found:
        pattern = ex.category_patterns_.get(metric.id)
        hit = pattern.search(clause[: q.start]) if pattern else None
        if hit:
            return [(metric, sign)], hit.group("category")
    return [], ""


def _kind(ctx, clause: str) -> tuple[str, str]:
    """(kind, flag) from the document type and the clause's own tense/modal cues."""
    has_target = any(cue in clause for cue in ctx["defs"].target_cues)
    if ctx["doc_type"] in (None, "other"):  # unknown or mixed genre: the clause alone decides
        return ("target", "") if has_target else ("actual", "")
    if ctx["doc_type"] == "report":
        return ("target", "target_stated_as_actual") if has_target else ("actual", "")
    if any(cue in clause for cue in ctx["defs"].actual_cues) and not has_target:
        return "actual", "actual_in_plan"
    return "target", ""


def _quote(ctx, a: int, b: int) -> tuple[int, int, str]:
    source, offset, index = ctx["src"]
    start, end = offset + index[a], offset + index[b - 1] + 1
    return start, end, source[start:end]


def _row(ctx, clause, q, m, sign: int, *, category: str = "") -> dict:
    """One metric row; a metric tied to a carried subject quotes from the subject's clause."""
    a = ctx["clause_start"]
    kind, flag = _kind(ctx, clause)
    comparator = ("=" if kind == "actual" else ">=") if q.comparator == "reach" else q.comparator
    first = ctx["subject_start"] if m.subject is not None else a
    start, end, quote = _quote(ctx, first, ctx["clause_end"])
    year, period, when = _when(ctx, clause, q)
    flags = [f for f in (flag, "derived" if q.numeral == "derived" else "", when) if f]
    return {
        "doc_id": ctx["doc_id"],
        "county": ctx["county"],
        "year": year,
        "metric": m.id,
        "value": q.value if q.value < 0 else q.value * sign,  # a written minus (下降-8%) stays negative
        "value_max": q.value_max,
        "unit": q.unit,
        "kind": kind,
        "comparator": comparator,
        "quote": quote,
        "start": start,
        "end": end,
        "flags": ";".join(flags),
        "subject_source": ctx["subject_source"] if m.subject is not None else "",
        "period_months": period,
        "category": category,
        "_clause": a,
    }


def _when(ctx, clause, q) -> tuple[int | None, str, str]:
    """(year, period_months, flag) of quantity ``q`` of ``clause`` (see :mod:`analysis.metrics.timing`)."""
    pos = ctx["clause_start"] + q.start
    year = year_for(ctx, pos)
    earlier = relative_year(clause[: q.start], year) if q.unit not in ("%", "倍") else None
    if earlier is not None:
        return earlier, "", ""
    period, partial = period_for(ctx, pos, year)
    return span_for(ctx, pos, year, period, partial)


def _qualitative(ctx, clause, subjects, defs, already, sentence_rows) -> list[dict]:
    """Figures stated in words: a total as 100 % (全覆盖), none (全部胜诉: 0 lost), or all of a
    total stated earlier in the sentence (受理9起，已全部审结: 9 concluded)."""
    out = []
    totals = {r["metric"]: r for r in sentence_rows if r["unit"] != "%"}
    for m in defs.metrics:
        if m.id in already or not (m.qualitative or m.qualitative_none or m.qualitative_all):
            continue
        if m.subject is not None and m.subject not in subjects:
            continue
        masked = mask(clause, m.exclude)
        has_cue = any(cue in masked for cue in m.cues)
        phrases = [p for p in m.qualitative if len(p) >= 4 or has_cue]
        found = numbers.qualitative_totals(masked, phrases)
        found += numbers.qualitative_totals(masked, m.qualitative_none, value=0.0, unit=m.unit)
        total = totals.get(m.part_of) if m.part_of else None
        if total is not None:
            found += numbers.qualitative_totals(masked, m.qualitative_all, value=total["value"], unit=total["unit"])
        for q in sorted(found, key=lambda q: q.start)[:1]:
            out.append(_row(ctx, clause, q, m, 1))
    return out


def _loose(ctx, clause, q) -> dict:
    a = ctx["clause_start"]
    kind, _ = _kind(ctx, clause)
    comparator = ("=" if kind == "actual" else ">=") if q.comparator == "reach" else q.comparator
    start, end, quote = _quote(ctx, a, ctx["clause_end"])
    return {
        "doc_id": ctx["doc_id"],
        "county": ctx["county"],
        "year": _when(ctx, clause, q)[0],
        "value": q.value,
        "value_max": q.value_max,
        "unit": q.unit,
        "kind": kind,
        "comparator": comparator,
        "number_text": clause[q.start : q.end],
        "quote": quote,
        "start": start,
        "end": end,
    }
