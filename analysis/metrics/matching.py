"""Which metric a quantity is: the cue phrases near it, its unit, its subject and its sign.

A cue counts when it sits between the previous number and this one, or right after it up to
the next 、 or number; exclusion phrases are masked first. Counts take the single nearest cue; a
rate may belong to several metrics listed together. Used by :mod:`analysis.metrics.extraction`.
"""

from __future__ import annotations

from itertools import pairwise
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


# A list of items and, after 分别, a list of as many numbers (受理、审结行政复议案件分别为91件、73件):
# item k goes with number k. Items are split at 、 first, else also at 和/及/与.
_ITEM_SEPARATORS = ("、", "、和及与")
_NUMBER_SEPARATORS = ("、", "和", "及", "与", "，", ",")


def respective(clause: str, quantities) -> dict[int, tuple[int, int]]:
    """Quantity index -> span of its item in a 分别 statement; empty when there is none.

    The items stand between the last number before 分别 (or the clause start) and 分别, as many
    as the numbers listed after it; a quantity's cue is then searched in its item only.
    """
    k = clause.find("分别")
    after = [i for i, q in enumerate(quantities) if q.start > k]
    if k < 0 or len(after) < 2:
        return {}
    if any(clause[quantities[i].end : quantities[j].start] not in _NUMBER_SEPARATORS for i, j in pairwise(after)):
        return {}
    left = max((q.end for q in quantities if q.end <= k), default=0)
    for separators in _ITEM_SEPARATORS:
        spans, start = [], left
        for pos in range(left, k):
            if clause[pos] in separators:
                spans.append((start, pos))
                start = pos + 1
        spans.append((start, k))
        if len(spans) == len(after) and all(b > a for a, b in spans):
            return dict(zip(after, spans))
    return {}


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
        # a part named beside its total (以县政府为被告的行政诉讼案件15件) is the more specific reading
        parts = {m.part_of for m, _, _ in found}
        found = [f for f in found if f[0].id not in parts] or found
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
