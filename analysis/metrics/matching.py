"""Which metric a quantity is: the cue phrases near it, its unit, its subject and its sign.

A cue counts when it sits between the previous number and this one, or right after it up to
the next 、 or number; exclusion phrases are masked first. Counts take the single nearest cue; a
rate may belong to several metrics listed together. Used by :mod:`analysis.metrics.extraction`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from analysis.metrics.extraction import MetricExtractor


def region(clause: str, quantities, i: int) -> tuple[int, int]:
    """Where a cue for quantity ``i`` may sit: previous number .. next number or 、.

    A number written right after another (来访95件127人次) shares that number's left side.
    """
    q = quantities[i]
    j = i
    while j > 0 and quantities[j - 1].end == quantities[j].start:
        j -= 1
    left = quantities[j - 1].end if j > 0 else 0
    right = quantities[i + 1].start if i + 1 < len(quantities) else len(clause)
    stop = clause.find("、", q.end, right)
    return left, stop if stop >= 0 else right


def mask(text: str, phrases) -> str:
    for phrase in phrases:
        text = text.replace(phrase, "\0" * len(phrase))
    return text


def match(clause, q, region, subjects, ex: MetricExtractor, *, counted=frozenset()):
    """(metric, sign) pairs for quantity ``q``: one for a count, all listed for a rate.

    A change metric (``change_of``) also matches by its ``change_cues`` (同比, 上年同期) when the
    count it is the change of was the latest one stated in the sentence; such a match wins.
    """
    left, right = region
    found: list = []
    changes: list = []
    for m in ex.defs.metrics:
        if q.unit not in m.units or (m.subject is not None and m.subject not in subjects):
            continue
        masked = mask(clause, m.exclude)
        patterns = ex.cue_patterns_[m.id]
        is_change = m.change_of is not None and m.change_of in counted
        if is_change:
            patterns = patterns + ex.change_patterns_[m.id]
        spans = [
            (p.start(), p.end())
            for pattern in patterns
            for p in pattern.finditer(masked)
            if left <= p.start() and p.end() <= right
        ]
        sign = sign_of(m, clause[left : q.start])
        if spans and sign is not None:
            (changes if is_change else found).append((m, min(spans, key=lambda s: distance(s, q)), sign))
    if changes:
        return [(m, g) for m, _, g in changes[:1]]
    # A cue inside a longer matched cue (出庭 in 出庭应诉率) yields to the longer one.
    found = [
        (m, s, g)
        for m, s, g in found
        if not any(o is not m and o_s[0] <= s[0] and s[1] <= o_s[1] and o_s != s for o, o_s, _ in found)
    ]
    if q.unit != "%" and len(found) > 1:
        found = [min(found, key=lambda f: distance(f[1], q))]
    return [(m, g) for m, _, g in found]


def distance(span, q) -> int:
    return q.start - span[1] if span[1] <= q.start else (span[0] - q.end) + 2


def sign_of(metric, before: str) -> int | None:
    """+1/-1 for change metrics (None when no direction is written); +1 otherwise."""
    if not (metric.sign_positive or metric.sign_negative):
        return 1
    hits = [(before.rfind(p), 1) for p in metric.sign_positive] + [(before.rfind(p), -1) for p in metric.sign_negative]
    hits = [h for h in hits if h[0] >= 0]
    return max(hits)[1] if hits else None
