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

Cost: linear in the number of sentences; a clause naming no subject and no figure in words costs one
search of two compiled patterns besides its numbers (:mod:`analysis.metrics.sentence`); documents are
independent.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from analysis.metrics.definitions import MetricDefs, load_metric_defs
from analysis.metrics.flags import validate
from analysis.metrics.sentence import extract_sentence
from corpus.guard import default_jobs, in_worker, worker_pool

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
PARALLEL_MIN = 400  # documents from which ``extract(c, jobs=None)`` uses every core (measured: docs/benchmarks.md)
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
        self.subject_pattern_ = _any_of(cue for cues in defs.subjects.values() for cue in cues)
        self.qualitative_pattern_ = _any_of(
            p for m in defs.metrics for p in (*m.qualitative, *m.qualitative_none, *m.qualitative_all)
        )

    @classmethod
    def from_file(cls, path: str | Path | None = None) -> MetricExtractor:
        """Load, validate and compile a metric definition file (default: the project's)."""
        return cls(load_metric_defs(path))

    def __repr__(self) -> str:
        return f"MetricExtractor({len(self.defs.metrics)} metrics, {self.defs.path!r})"

    def subjects_in(self, text: str) -> set:
        """The subjects (行政复议, 信访 …) one of whose cue phrases ``text`` contains."""
        if self.subject_pattern_ is None or not self.subject_pattern_.search(text):
            return set()  # one search instead of a test per cue: most text names no subject
        return {s for s, cues in self.defs.subjects.items() if any(cue in text for cue in cues)}

    def extract(self, c, *, jobs: int | None = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Metric rows and unclassified quantities of every document of corpus ``c``.

        Parameters
        ----------
        c : corpus.Corpus
        jobs : int or None, keyword-only
            Processes the documents are read in: 1 (default) this one; None every core when the
            corpus has at least ``PARALLEL_MIN`` documents. The rows are the same, in the same order.

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
        work = self._work(c)
        if jobs is None:  # in a report's section worker the section is already one process per core
            jobs = default_jobs() if len(c.documents) >= PARALLEL_MIN and not in_worker() else 1
        outputs = _parallel(self, list(work), jobs) if jobs > 1 else (self._document(*w) for w in work)
        rows, loose = [], []
        for r, u in outputs:
            rows += r
            loose += u
        metrics = pd.DataFrame(rows, columns=METRIC_COLUMNS + PROVENANCE_COLUMNS)
        metrics = validate(metrics, self.defs)
        return metrics, pd.DataFrame(loose, columns=UNCLASSIFIED_COLUMNS)

    def _work(self, c):
        """Per document, in corpus order, what :meth:`_document` reads: plain data, so that a worker
        process needs nothing else (source, view, sentences by segment, docvars, headings, parents)."""
        docs = {d["doc_id"]: d for d in c.documents.to_dict("records")}
        headings = _heading_subjects(c.segments, self)
        parents = dict(zip(c.segments.seg_id, c.segments.parent))
        simplified = c.simplified_ids
        for doc_id, segments in _sentences(c.body().sentences).items():
            doc = docs[doc_id]
            context = {
                "doc_id": doc_id,
                "county": _docvar(doc, "county"),
                "doc_type": _docvar(doc, "doc_type"),
                "doc_year": _doc_year(doc),
            }
            view = c.source_view(doc_id) if doc_id in simplified else None  # None: the source itself
            own_headings = {s: headings[s] for s in segments if s in headings}
            own_parents = {s: parents[s] for s in segments if s in parents}
            yield c.source_text(doc_id), view, segments, context, own_headings, own_parents

    def _document(self, source: str, view, segments: dict, context: dict, headings: dict, parents: dict):
        """Metric rows and unclassified rows of one document: its segments' sentences in order,
        each segment carrying its subjects, part of the year and span start from sentence to sentence."""
        rows, loose = [], []
        starts: dict = {}  # the start of a span (自2022年1月1日起) holds for the rest of its section
        for seg_id, sentences in segments.items():
            named: frozenset = frozenset()  # subjects named earlier in the segment
            period, cumulative = None, False  # part of the year stated earlier in the segment
            since = starts.get(parents.get(seg_id))
            for start, end in sentences:
                r, u, (named, period, since, cumulative) = extract_sentence(
                    self, source, start, end, view=view, context_subjects=named,
                    heading_subjects=headings.get(seg_id, frozenset()), context_period=period,
                    context_start=since, context_cumulative=cumulative, **context,
                )  # fmt: skip
                rows += r
                loose += u
            starts[parents.get(seg_id)] = since
        return rows, loose

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
        rows, loose, _ = extract_sentence(
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


def _parallel(extractor: MetricExtractor, work: list, jobs: int) -> list:
    """:meth:`MetricExtractor._document` of every item of ``work`` in ``jobs`` processes, in order."""
    chunk = max(1, len(work) // (4 * jobs))
    with worker_pool(jobs, initializer=_start_worker, initargs=(extractor,)) as pool:
        return list(pool.map(_in_worker, work, chunksize=chunk))


_WORKER: dict = {}  # the extractor of a worker process (sent once, not with every document)


def _start_worker(extractor: MetricExtractor) -> None:
    _WORKER["extractor"] = extractor


def _in_worker(item: tuple):
    return _WORKER["extractor"]._document(*item)


def _heading_subjects(segments: pd.DataFrame, ex: MetricExtractor) -> dict:
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
        out[seg_id] = frozenset(ex.subjects_in(text))
    return out


def _sentences(sentences: pd.DataFrame) -> dict:
    """doc_id -> seg_id -> [(start, end), …] of ``sentences``: documents, segments (first appearance)
    and sentences in table order, read once as plain lists."""
    out: dict = {}
    columns = (sentences[k].tolist() for k in ("doc_id", "seg_id", "start", "end"))
    for doc_id, seg_id, start, end in zip(*columns, strict=True):
        out.setdefault(doc_id, {}).setdefault(seg_id, []).append((int(start), int(end)))
    return out


def _any_of(phrases) -> re.Pattern | None:
    """One pattern matching wherever any of ``phrases`` occurs (None for no phrase)."""
    phrases = sorted(set(phrases), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, phrases))) if phrases else None
