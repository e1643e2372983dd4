"""Extract metrics (复议数, 应诉数, 信访降幅, quantified targets) from sentences, with provenance.

Works on ``corpus.sentences`` and reads each sentence's VERBATIM source span
(``c.source_text(doc_id)[start:end]``), so every row's quote is exactly the source at its
offsets. Within a sentence: whitespace and markdown ``*``/``#`` are skipped (a number or cue
broken by a PDF line break is still found), the sentence is cut into clauses at ，,；;。：
(not at a comma between digits), and each clause inherits the subjects (行政复议, 信访 …)
of the previous clause when it names none — so lists such as
``接收行政复议申请91件,受理73件,不予受理6件`` carry their subject to every item.

A quantity becomes a metric row when its unit is one the definition accepts, the clause's
subject matches, and a cue phrase sits near it (between the previous number and this one,
or right after it up to the next 、 or number). Counts take the single nearest cue; a rate
may belong to several metrics listed together (报备率、及时率、备案审查率达到100%). A number
that matches no definition is kept in the ``unclassified`` table, never forced into a metric.

Kind: reports state actuals, plans/schemes/assessments targets; a clause's own cues override
(力争/确保/年底前 in a report -> target, flagged 'target_stated_as_actual'; 同比/累计/已 in a plan
-> actual, flagged 'actual_in_plan'). Year: the nearest ``YYYY年`` before the number in the
sentence (``2022年的632人`` binds 2022 to that number only), else the document's last year.

Cost: linear in the number of sentences × metric definitions; documents are independent.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from analysis.metrics import numbers
from analysis.metrics.definitions import MetricDefs, load_metric_defs
from analysis.metrics.flags import validate

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
_YEAR = re.compile(r"((?:19|20)\d{2})(?:[—–\-~～至到]((?:19|20)\d{2}))?年(的)?")
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
    """

    def __init__(self, defs: MetricDefs) -> None:
        self.defs = defs
        self.by_id_ = defs.by_id()
        self.cue_patterns_ = {m.id: tuple(re.compile(re.escape(cue)) for cue in m.cues) for m in defs.metrics}

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
            part_exceeds_total, parts_sum_exceeds_total, target_stated_as_actual, actual_in_plan).
            unclassified: doc_id, county, year, value, value_max, unit, kind, comparator,
            number_text (the number as written), quote, start, end.
        """
        rows, loose = [], []
        docs = c.documents.set_index("doc_id")
        for doc_id, sents in c.body().sentences.groupby("doc_id", sort=False):
            doc = docs.loc[doc_id]
            source, view = c.source_text(doc_id), c.source_view(doc_id)
            context = {
                "doc_id": doc_id,
                "county": _docvar(doc, "county"),
                "doc_type": _docvar(doc, "doc_type"),
                "doc_year": _doc_year(doc),
            }
            for sent in sents.itertuples(index=False):
                r, u = self.extract_sentence(source, int(sent.start), int(sent.end), view=view, **context)
                rows += r
                loose += u
        metrics = pd.DataFrame(rows, columns=METRIC_COLUMNS)
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
    ):
        """Metric rows and unclassified rows (lists of dicts) of the sentence ``source[start:end]``.

        ``view`` is the text matched (``Corpus.source_view``: traditional characters simplified one
        for one, same offsets); quotes are always sliced from ``source``.
        """
        return _extract_sentence(
            self, source, start, end, doc_id=doc_id, county=county, doc_type=doc_type, doc_year=doc_year,
            view=view,
        )  # fmt: skip


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
):
    defs = ex.defs
    text, index = compact((source if view is None else view)[start:end])
    years = _years(text)
    rows, loose, carried, origin = [], [], set(), 0
    for a, b in clauses(text):
        clause = text[a:b]
        own = {s for s, cues in defs.subjects.items() if any(cue in clause for cue in cues)}
        if own:
            carried, origin = own, a
        ctx = {
            "doc_id": doc_id,
            "county": county,
            "doc_type": doc_type,
            "doc_year": doc_year,
            "defs": defs,
            "years": years,
            "clause_start": a,
            "subject_start": origin if carried else a,
            "clause_end": b,
            "src": (source, start, index),
        }
        quantities = numbers.parse_quantities(clause, defs.units)
        matched: set[int] = set()
        previous: list = []
        for i, q in enumerate(quantities):
            found = _match(clause, q, _region(clause, quantities, i), carried, ex)
            if (
                not found
                and i > 0
                and _CHANGE_TO.search(clause[quantities[i - 1].end : q.start])
                and quantities[i - 1].unit == q.unit
            ):
                found = previous  # 由632人增加至863人: the new level of the same metric
            for metric, sign in found:
                rows.append(_row(ctx, clause, q, metric, sign))
                matched.add(i)
            previous = found
        rows += _qualitative(ctx, clause, carried, defs, {r["metric"] for r in rows if r["_clause"] == a})
        loose += [_loose(ctx, clause, q) for i, q in enumerate(quantities) if i not in matched]
    for r in rows:
        del r["_clause"]
    return rows, loose


def _years(text: str) -> list[tuple[int, int, bool]]:
    quoted = numbers.quoted_spans(text)
    out = []
    for m in _YEAR.finditer(text):
        if not any(qa < m.start() < qb for qa, qb in quoted):
            out.append((m.end(), int(m.group(2) or m.group(1)), bool(m.group(3))))
    return out


def _year_for(ctx, abs_pos: int) -> int | None:
    """Nearest year before ``abs_pos``; a '年的' year binds only to the number right after it."""
    best = None
    for end, year, attributive in ctx["years"]:
        if end > abs_pos:
            break
        if attributive and end != abs_pos:
            continue
        best = year
    return best if best is not None else ctx["doc_year"]


def _region(clause: str, quantities, i: int) -> tuple[int, int]:
    """Where a cue for quantity ``i`` may sit: previous number .. next number or 、."""
    q = quantities[i]
    left = quantities[i - 1].end if i > 0 else 0
    right = quantities[i + 1].start if i + 1 < len(quantities) else len(clause)
    stop = clause.find("、", q.end, right)
    return left, stop if stop >= 0 else right


def _mask(text: str, phrases) -> str:
    for phrase in phrases:
        text = text.replace(phrase, "\0" * len(phrase))
    return text


def _match(clause, q, region, subjects, ex: MetricExtractor):
    """(metric, sign) pairs for quantity ``q``: one for a count, all listed for a rate."""
    left, right = region
    found = []
    for m in ex.defs.metrics:
        if q.unit not in m.units or (m.subject is not None and m.subject not in subjects):
            continue
        masked = _mask(clause, m.exclude)
        spans = [
            (p.start(), p.end())
            for pattern in ex.cue_patterns_[m.id]
            for p in pattern.finditer(masked)
            if left <= p.start() and p.end() <= right
        ]
        sign = _sign(m, clause[left : q.start])
        if spans and sign is not None:
            found.append((m, min(spans, key=lambda s: _distance(s, q)), sign))
    # A cue inside a longer matched cue (出庭 in 出庭应诉率) yields to the longer one.
    found = [
        (m, s, g)
        for m, s, g in found
        if not any(o is not m and o_s[0] <= s[0] and s[1] <= o_s[1] and o_s != s for o, o_s, _ in found)
    ]
    if q.unit != "%" and len(found) > 1:
        found = [min(found, key=lambda f: _distance(f[1], q))]
    return [(m, g) for m, _, g in found]


def _distance(span, q) -> int:
    return q.start - span[1] if span[1] <= q.start else (span[0] - q.end) + 2


def _sign(metric, before: str) -> int | None:
    """+1/-1 for change metrics (None when no direction is written); +1 otherwise."""
    if not (metric.sign_positive or metric.sign_negative):
        return 1
    hits = [(before.rfind(p), 1) for p in metric.sign_positive] + [(before.rfind(p), -1) for p in metric.sign_negative]
    hits = [h for h in hits if h[0] >= 0]
    return max(hits)[1] if hits else None


def _kind(ctx, clause: str) -> tuple[str, str]:
    """(kind, flag) from the document type and the clause's own tense/modal cues."""
    has_target = any(cue in clause for cue in ctx["defs"].target_cues)
    if ctx["doc_type"] is None:  # unknown genre: the clause alone decides
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


def _row(ctx, clause, q, m, sign: int) -> dict:
    """One metric row; a metric tied to a carried subject quotes from the subject's clause."""
    a = ctx["clause_start"]
    kind, flag = _kind(ctx, clause)
    comparator = ("=" if kind == "actual" else ">=") if q.comparator == "reach" else q.comparator
    first = ctx["subject_start"] if m.subject is not None else a
    start, end, quote = _quote(ctx, first, ctx["clause_end"])
    flags = [f for f in (flag, "derived" if q.numeral == "derived" else "") if f]
    return {
        "doc_id": ctx["doc_id"],
        "county": ctx["county"],
        "year": _year_for(ctx, a + q.start),
        "metric": m.id,
        "value": q.value * sign,
        "value_max": q.value_max,
        "unit": q.unit,
        "kind": kind,
        "comparator": comparator,
        "quote": quote,
        "start": start,
        "end": end,
        "flags": ";".join(flags),
        "_clause": a,
    }


def _qualitative(ctx, clause, subjects, defs, already) -> list[dict]:
    out = []
    for m in defs.metrics:
        if not m.qualitative or m.id in already:
            continue
        if m.subject is not None and m.subject not in subjects:
            continue
        masked = _mask(clause, m.exclude)
        has_cue = any(cue in masked for cue in m.cues)
        phrases = [p for p in m.qualitative if len(p) >= 4 or has_cue]
        for q in numbers.qualitative_totals(masked, phrases)[:1]:
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
        "year": _year_for(ctx, a + q.start),
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
