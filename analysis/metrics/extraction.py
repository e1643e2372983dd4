"""Extract metrics (复议数, 应诉数, 信访降幅, quantified targets) from sentences, with provenance.

Works on ``corpus.sentences`` and reads each sentence's VERBATIM source span
(``c.source_text(doc_id)[start:end]``), so every row's quote is exactly the source at its
offsets. Within a sentence: whitespace and markdown ``*``/``#`` are skipped (a number or cue
broken by a PDF line break is still found), the sentence is cut into clauses at ，,；;。：
(not at a comma between digits), and a clause naming no subject (行政复议, 信访 …) binds to
the one named earlier in its segment — previous clauses and sentences — else to one in the
segment's heading chain (``subject_source``: clause / context / heading) — so lists such as
``接收行政复议申请91件,受理73件,不予受理6件`` carry their subject to every item. No subject in
reach: the number is unclassified.

A quantity becomes a metric row when its unit is one the definition accepts, the clause's
subject matches, and a cue phrase sits near it (between the previous number and this one,
or right after it up to the next 、 or number). Counts take the single nearest cue; a rate
may belong to several metrics listed together (报备率、及时率、备案审查率达到100%). A number
that matches no definition is kept in the ``unclassified`` table, never forced into a metric.

Kind: reports state actuals, plans/schemes/assessments targets, other documents (news, 经验材料)
as their clauses say; a clause's own cues override
(力争/确保/年底前 in a report -> target, flagged 'target_stated_as_actual'; 同比/累计/已 in a plan
-> actual, flagged 'actual_in_plan'). Year: the nearest ``YYYY年`` before the number in the
sentence (``2022年的632人`` binds 2022 to that number only), else the document's last year.
Part of a year (1-6月, 上半年, 截至9月底) in the sentence or earlier in the segment sets
``period_months`` and the flag 'partial_year'; a cumulative figure (以来, 累计, 截至) with a start
stated before it (自2022年1月1日起) spans ``2022-01..2025-07``, binds to its first year and is
flagged 'multi_year'; a count right after 去年/上年(同期)(为) is last year's. A percentage right
after a count may be that count's change or share (``change_of``: 来信19件次,同比下降29.63%).

Cost: linear in the number of sentences × metric definitions; documents are independent.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from analysis.metrics import numbers
from analysis.metrics.definitions import MetricDefs, load_metric_defs
from analysis.metrics.flags import validate
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

METRIC_COLUMNS = [
    "doc_id",
    "county",
    "year",
    "metric",
    "value",
    "value_max",
    "unit",
    "kind",
    "comparator",
    "quote",
    "start",
    "end",
    "flags",
]
# How the row was read (issue 12); kept apart so tables built from METRIC_COLUMNS stay valid.
PROVENANCE_COLUMNS = ["subject_source", "period_months", "category"]
UNCLASSIFIED_COLUMNS = [
    "doc_id",
    "county",
    "year",
    "value",
    "value_max",
    "unit",
    "kind",
    "comparator",
    "number_text",
    "quote",
    "start",
    "end",
]
SKIPPED = " \t\r\n\u3000*#"
_CHANGE_TO = re.compile(r"(?:增加|增长|提高|提升|上升|下降|减少|降低|降|升|增)(?:至|到)")
_CLAUSE_SPLIT = re.compile(r"[，；;。：:！？!?]|(?<!\d),|,(?!\d{3})")


class MetricExtractor:
    """Metric definitions compiled once and applied to any corpus (build once, reuse).

    Parameters
    ----------
    defs : MetricDefs
        Validated definitions (:func:`analysis.metrics.definitions.load_metric_defs`).

    Attributes
    ----------
    defs : MetricDefs
    cue_patterns_ : dict
        metric id -> compiled cue patterns, in the definition's order.
    change_patterns_ : dict
        metric id -> compiled ``change_cues`` (used only right after the count it changes).
    """

    def __init__(self, defs: MetricDefs) -> None:
        self.defs = defs
        self.by_id_ = defs.by_id()
        self.cue_patterns_ = {m.id: tuple(re.compile(re.escape(cue)) for cue in m.cues) for m in defs.metrics}
        self.change_patterns_ = {m.id: tuple(re.compile(re.escape(cue)) for cue in m.change_cues) for m in defs.metrics}
        self.category_patterns_ = {m.id: re.compile(m.category_pattern) for m in defs.metrics if m.category_pattern}

    @classmethod
    def from_file(cls, path: str | Path | None = None) -> MetricExtractor:
        """Load, validate and compile a metric definition file (default: the project's)."""
        return cls(load_metric_defs(path))

    def __repr__(self) -> str:
        return f"MetricExtractor({len(self.defs.metrics)} metrics, {self.defs.path!r})"

    def extract(self, c) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Metric rows and unclassified quantities of every document of corpus ``c``.

        Returns
        -------
        (metrics, unclassified) : tuple of DataFrame
            metrics: doc_id, county, year, metric, value, value_max (upper bound of a range,
            else NaN), unit, kind ('actual'|'target'), comparator ('=', '>=', '<=', '>', '<',
            '~', 'range'), quote, start, end (offsets into ``c.source_text(doc_id)``; the quote
            equals that slice), flags (';'-joined: derived, rate_over_100, out_of_bounds,
            part_exceeds_total, parts_sum_exceeds_total, target_stated_as_actual, actual_in_plan,
            partial_year, multi_year, carry_over_possible), subject_source (where the metric's subject was
            named: 'clause', 'context' — earlier in the segment — or 'heading' — the segment's
            heading chain; empty for metrics without a subject), period_months (the part of the
            year covered when the text states one: '2024-01..06' for 1-6月/上半年, '..2025-07' for
            截至7月底, '2022-01..2025-07' for a cumulative figure since a stated start; empty for
            the whole year; partial years are flagged 'partial_year', spans of years 'multi_year').
            unclassified: doc_id, county, year, value, value_max, unit, kind, comparator,
            number_text (the number as written), quote, start, end.
        """
        rows, loose = [], []
        docs = c.documents.set_index("doc_id")
        headings = _heading_subjects(c.segments, self.defs)
        parents = dict(zip(c.segments.seg_id, c.segments.parent))
        for doc_id, sents in c.body().sentences.groupby("doc_id", sort=False):
            doc = docs.loc[doc_id]
            source, view = c.source_text(doc_id), c.source_view(doc_id)
            context = {
                "doc_id": doc_id,
                "county": _docvar(doc, "county"),
                "doc_type": _docvar(doc, "doc_type"),
                "doc_year": _doc_year(doc),
            }
            starts: dict = {}  # the start of a span (自2022年1月1日起) holds for the rest of its section
            for seg_id, seg in sents.groupby("seg_id", sort=False):
                named: frozenset = frozenset()  # subjects named earlier in the segment
                period, cumulative = None, False  # part of the year stated earlier in the segment
                since = starts.get(parents.get(seg_id))
                for sent in seg.itertuples(index=False):
                    r, u, (named, period, since, cumulative) = _extract_sentence(
                        self, source, int(sent.start), int(sent.end), view=view, context_subjects=named,
                        heading_subjects=headings.get(seg_id, frozenset()), context_period=period,
                        context_start=since, context_cumulative=cumulative, **context,
                    )  # fmt: skip
                    rows += r
                    loose += u
                starts[parents.get(seg_id)] = since
        metrics = pd.DataFrame(rows, columns=METRIC_COLUMNS + PROVENANCE_COLUMNS)
        metrics = validate(metrics, self.defs)
        return metrics, pd.DataFrame(loose, columns=UNCLASSIFIED_COLUMNS)

    def extract_sentence(
        self,
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
    ):
        """Metric rows and unclassified rows (lists of dicts) of the sentence ``source[start:end]``.

        ``context_subjects`` are the subjects named earlier in the sentence's segment and
        ``heading_subjects`` those of its heading chain: a clause naming no subject binds to the
        former, else the latter.

        ``view`` is the text matched (``Corpus.source_view``: traditional characters simplified one
        for one, same offsets); quotes are always sliced from ``source``.
        """
        rows, loose, _ = _extract_sentence(
            self, source, start, end, doc_id=doc_id, county=county, doc_type=doc_type, doc_year=doc_year,
            view=view, context_subjects=context_subjects, heading_subjects=heading_subjects,
        )  # fmt: skip
        return rows, loose


def extract(c, *, extractor: MetricExtractor | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Metric rows and unclassified quantities of corpus ``c`` (see :meth:`MetricExtractor.extract`)."""
    return (extractor or MetricExtractor.from_file()).extract(c)


def _doc_year(doc) -> int | None:
    """The year a document's figures are for by default: its last year (None if unknown)."""
    for name in ("year_end", "year_start"):
        value = doc.get(name)
        if value is not None and not pd.isna(value):
            return int(value)
    return None


def _docvar(doc, name: str) -> str | None:
    value = doc.get(name)
    return value if isinstance(value, str) and value else None


def compact(text: str) -> tuple[str, list[int]]:
    """``text`` without whitespace and markdown marks, and each kept character's offset."""
    keep = [i for i, ch in enumerate(text) if ch not in SKIPPED]
    return "".join(text[i] for i in keep), keep


def clauses(text: str) -> list[tuple[int, int]]:
    """Clause spans ``[start, end)`` of ``text``, delimiters excluded, empty clauses dropped."""
    spans, start = [], 0
    for m in _CLAUSE_SPLIT.finditer(text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return [(a, b) for a, b in spans if b > a]


def _extract_sentence(
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
    rows, loose, origin = [], [], 0
    carried, how = (set(context_subjects), "context") if context_subjects else (set(heading_subjects), "heading")
    counted: set[str] = set()  # metrics of the latest count matched in the sentence (for 同比 changes)
    prev_clause = (0, 0)
    for a, b in clauses(text):
        clause = text[a:b]
        own = {s for s, cues in defs.subjects.items() if any(cue in clause for cue in cues)}
        if own:
            carried, origin, how = own, a, "clause"
        ctx = {
            "doc_id": doc_id,
            "county": county,
            "doc_type": doc_type,
            "doc_year": doc_year,
            "defs": defs,
            "years": years,
            "periods": periods,
            "context_period": context_period,
            "starts": starts,
            "context_start": context_start,
            "cumulative": cumulative_in(text),
            "context_cumulative": context_cumulative,
            "clause_start": a,
            "subject_start": origin if how == "clause" else a,
            "subject_source": "clause" if own else ("heading" if how == "heading" else "context"),
            "clause_end": b,
            "src": (source, start, index),
        }
        quantities = numbers.parse_quantities(clause, defs.units)
        matched: set[int] = set()
        previous: list = []
        items = respective(clause, quantities, text[prev_clause[0] : prev_clause[1]])  # 分别: number k, item k
        prev_clause = (a, b)
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
        rows += _qualitative(ctx, clause, carried, defs, {r["metric"] for r in rows if r["_clause"] == a}, rows)
        loose += [_loose(ctx, clause, q) for i, q in enumerate(quantities) if i not in matched]
    for r in rows:
        del r["_clause"]
    named = frozenset(carried) if how != "heading" else frozenset(context_subjects)
    period = periods[-1][1] if periods else context_period
    cumulative = bool(cumulative_in(text)) if periods else context_cumulative
    return rows, loose, (named, period, starts[-1][1] if starts else context_start, cumulative)


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


def _heading_subjects(segments: pd.DataFrame, defs: MetricDefs) -> dict:
    """seg_id -> subjects named in the segment's heading or its ancestors' headings."""
    parent = dict(zip(segments.seg_id, segments.parent))
    heading = dict(zip(segments.seg_id, segments.heading))
    out = {}
    for seg_id in segments.seg_id:
        chain, node, seen = [], seg_id, set()
        while isinstance(node, str) and node in heading and node not in seen:
            seen.add(node)
            chain.append(str(heading[node] or ""))
            node = parent.get(node)
        text = "".join(h for h in chain if h != "nan")
        out[seg_id] = frozenset(s for s, cues in defs.subjects.items() if any(cue in text for cue in cues))
    return out


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
