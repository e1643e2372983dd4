"""Which metric a quantity is: the cue phrases near it, its unit, its subject and its sign.

A cue counts when it sits between the previous number and this one, or right after it up to
the next 、 or number; exclusion phrases are masked first. Counts take the single nearest cue; a
rate may belong to several metrics listed together. Used by :mod:`analysis.metrics.extraction`.
"""

from __future__ import annotations

import re
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
# What introduces the first item and closes the last (主要集中在自然资源、…、市场监管等领域).
_ITEM_LEAD = re.compile(r"^.*?(?:集中在|集中于|主要是|主要为|主要有|包括|涉及|分布在|依次为|依次是|[：:])")
_ITEM_TAIL = re.compile(r"等(?:领域|方面|行业|部门|类别|类|问题|事项)?$")


def respective(clause: str, quantities, previous: str = "") -> dict[int, tuple[tuple[int, int] | None, str]]:
    """Quantity index -> (span of its item in ``clause`` or None, item text) in a 分别 statement.

    The items stand between the last number before 分别 (or the clause start) and 分别, as many
    as the numbers listed after it; a clause that starts with 分别 takes them from ``previous``,
    the clause before it (spans are then None). Empty when there is no such statement.
    """
    k = clause.find("分别")
    after = [i for i, q in enumerate(quantities) if q.start > k]
    if k < 0 or len(after) < 2:
        return {}
    if any(clause[quantities[i].end : quantities[j].start] not in _NUMBER_SEPARATORS for i, j in pairwise(after)):
        return {}
    left = max((q.end for q in quantities if q.end <= k), default=0)
    text, own = (clause[left:k], True) if clause[left:k].strip() else (previous, False)
    for separators in _ITEM_SEPARATORS:
        spans, start = [], 0
        for pos, ch in enumerate(text):
            if ch in separators:
                spans.append((start, pos))
                start = pos + 1
        spans.append((start, len(text)))
        if len(spans) == len(after) and all(b > a for a, b in spans):
            names = [text[a:b] for a, b in spans]
            names[0], names[-1] = _ITEM_LEAD.sub("", names[0]), _ITEM_TAIL.sub("", names[-1])
            return {
                i: (((a + left, b + left) if own else None), name)
                for i, (a, b), name in zip(after, spans, names, strict=True)
            }
    return {}


def mask(text: str, phrases) -> str:
    for phrase in phrases:
        text = text.replace(phrase, "\0" * len(phrase))
    return text


def match(clause, q, region, subjects, ex: MetricExtractor, *, counted=frozenset(), by_category: bool = False):
    """(metric, sign) pairs for quantity ``q``: one for a count, all listed for a rate.

    A change metric (``change_of``) also matches by its ``change_cues`` (同比, 上年同期) when the
    count it is the change of was the latest one stated in the sentence; such a match wins.
    Metrics by category (shares by field, cases by cause) are matched only with ``by_category``,
    and then only they: a named metric always wins over a category.
    """
    left, right = region
    found: list = []
    changes: list = []
    for m in ex.defs.metrics:
        if m.by_category != by_category:
            continue
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
