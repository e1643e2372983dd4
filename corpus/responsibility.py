"""Find and parse responsibility clauses: who leads and who is responsible for a task.

Forms seen in county documents (brackets mixed freely, markup already cleaned away):

- ``〔牵头单位：县司法局、县政府办公室；责任单位：县直各部门，各乡镇人民政府〕``
- ``〔牵头县领导：王永涛、葛剑；牵头责任单位：…；协同责任单位：…〕`` (also in ``（ ）`` or ``[ ]``)
- a line of its own: ``责任单位：县委宣传部、县委党校牵头，县直有关单位参加``

Clauses are cut out of the text that analyses read and returned as rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ROLE_WORDS = {
    "牵头县领导": "lead_leader",
    "牵头责任单位": "lead_unit",
    "牵头单位": "lead_unit",
    "协同责任单位": "cooperating_unit",
    "协同单位": "cooperating_unit",
    "配合单位": "cooperating_unit",
    "责任单位": "responsible_unit",
}
PERSON_ROLES = frozenset({"lead_leader"})
_ROLE_ALT = "|".join(sorted(ROLE_WORDS, key=len, reverse=True))
BRACKETED = re.compile(rf"[〔\[【（(]\s*(?:{_ROLE_ALT})\s*[:：]")
LINE_CLAUSE = re.compile(rf"^(?:{_ROLE_ALT})\s*[:：]")
ROLE_PREFIX = re.compile(rf"^\s*({_ROLE_ALT})\s*[:：]\s*")
OPEN, CLOSE = "（(", "）)"
CLOSERS = "〕]】"
_STRAY = str.maketrans("", "", "〕]】〔[【")
SUFFIX_ROLES = (
    ("按职责分工牵头", "lead_unit"),
    ("按职责分工落实", "responsible_unit"),
    ("按职责落实", "responsible_unit"),
    ("牵头", "lead_unit"),
    ("参加", "cooperating_unit"),
    ("配合", "cooperating_unit"),
)


@dataclass(frozen=True)
class Named:
    """One responsible party: role, name, kind and its [start, end) in the clause's text."""

    role: str
    name: str
    kind: str
    start: int
    end: int


def find_clauses(text: str) -> list[tuple[int, int]]:
    """Spans ``[start, end)`` of responsibility clauses in one paragraph of clean text."""
    if LINE_CLAUSE.match(text):
        return [(0, len(text))]
    spans: list[tuple[int, int]] = []
    pos = 0
    while True:
        m = BRACKETED.search(text, pos)
        if not m:
            return spans
        end = _clause_end(text, m.start())
        spans.append((m.start(), end))
        pos = end


def _clause_end(text: str, start: int) -> int:
    depth = 0
    opener_round = text[start] in OPEN
    for i in range(start + 1, len(text)):
        ch = text[i]
        if ch in OPEN:
            depth += 1
        elif ch in CLOSE:
            if depth == 0 and opener_round:
                return _extend(text, i + 1)
            depth = max(depth - 1, 0)
        elif ch in CLOSERS and depth == 0:
            return _extend(text, i + 1)
    return len(text)


def _extend(text: str, end: int) -> int:
    """A clause closed too early by a stray bracket runs on to a final bracket."""
    rest = text[end:]
    if rest and "。" not in rest and rest.rstrip()[-1:] in CLOSERS + CLOSE and len(rest) < 80:
        return len(text.rstrip())
    return end


def parse_clause(clause: str) -> list[Named]:
    """Parse a clause (with its brackets) into named parties with offsets into ``clause``."""
    inner_start, inner_end = 0, len(clause)
    if clause[:1] in "〔[【（(":
        inner_start = 1
    if clause[-1:] in CLOSERS + CLOSE:
        inner_end -= 1
    out: list[Named] = []
    role = "responsible_unit"
    for part_start, part_end in _split(clause, inner_start, inner_end, "；;"):
        part = clause[part_start:part_end]
        m = ROLE_PREFIX.match(part)
        if m:
            role = ROLE_WORDS[m.group(1)]
            part_start += m.end()
        out.extend(_names(clause, part_start, part_end, role))
    return out


def _names(clause: str, start: int, end: int, role: str) -> list[Named]:
    out = []
    for g_start, g_end in _split(clause, start, end, "，,"):
        group_role, group = role, clause[g_start:g_end]
        for suffix, suffix_role in SUFFIX_ROLES:
            if group.endswith(suffix) and role != "lead_leader":
                group_role, g_end = suffix_role, g_end - len(suffix)
                break
        for n_start, n_end in _split(clause, g_start, g_end, "、等"):
            raw = clause[n_start:n_end].strip(" *")
            name = raw.translate(_STRAY)  # a bracket closed too early inside the clause
            if not name or name in {"各", "有关"}:
                continue
            n_start = clause.index(raw, n_start)
            kind = "person" if group_role in PERSON_ROLES else "unit"
            out.append(Named(group_role, name, kind, n_start, n_start + len(raw)))
    return out


def _split(text: str, start: int, end: int, separators: str) -> list[tuple[int, int]]:
    """Split ``text[start:end]`` at separators outside round brackets."""
    pieces, depth, piece_start = [], 0, start
    for i in range(start, end):
        ch = text[i]
        if ch in OPEN:
            depth += 1
        elif ch in CLOSE:
            depth = max(depth - 1, 0)
        elif ch in separators and depth == 0:
            pieces.append((piece_start, i))
            piece_start = i + 1
    pieces.append((piece_start, end))
    return [(s, e) for s, e in pieces if text[s:e].strip()]
