"""Quantities in Chinese administrative prose, each with its character offsets.

``parse_quantities(text)`` finds every number that carries a unit or a percent sign:
Arabic digits (half- or full-width, decimals, ``1,200``), Chinese numerals (``两次``,
``二十``, ``一百零五``, ``百分之九十五``), ``万``/``亿`` multipliers, ranges (``5—8名``,
``5-8名``), an explicit minus sign (``下降-8%`` is -8), comparators before the number (``不低于``,
``不少于``, ``至少``, ``力争达到``, ``达到``, ``不超过`` …) or after it (``以上``, ``以内``, ``左右``,
``余``/``多``).
``qualitative_totals(text, phrases)`` turns phrases such as ``全覆盖`` into a derived 100 %.

Not quantities: years (``2023年``), dates (``4月13日`` — 月/日 are not units), ordinals
(``第二批``), numbers inside quotation marks or brackets (``“两个维护”``, ``〔2022〕4号``)
and bare numbers without a unit (list numbers ``1.``, hotline ``12345``).

Offsets are into the string passed in; every function is linear in its length.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_BIG = {"万": 10_000, "亿": 100_000_000}
CN_CHARS = "".join(CN_DIGITS) + "".join(CN_UNITS) + "".join(CN_BIG)

# Comparators written before the number, longest first; 'reach' (达到) is a floor in a
# target and an equality in a reported actual — the caller decides (see metrics.py).
PREFIX_COMPARATORS = (
    ("力争达到", ">="),
    ("不低于", ">="),
    ("不少于", ">="),
    ("不小于", ">="),
    ("不超过", "<="),
    ("不高于", "<="),
    ("不多于", "<="),
    ("至少", ">="),
    ("最少", ">="),
    ("最多", "<="),
    ("力争", ">="),
    ("达到", "reach"),
    ("低于", "<"),
    ("少于", "<"),
    ("高于", ">"),
    ("超过", ">"),
    ("多于", ">"),
)
# Only when directly before the number (they are too common as parts of other words).
ADJACENT_COMPARATORS = (
    ("高达", "reach"),
    ("达", "reach"),
    ("约", "~"),
    ("近", "~"),
    ("将近", "~"),
    ("均为", "="),
    ("为", "="),
)
SUFFIX_COMPARATORS = (("及以上", ">="), ("以上", ">="), ("以下", "<="), ("以内", "<="), ("左右", "~"))
CLAUSE_DELIMITERS = "，,；;。：:！？!?\n"
RANGE_SEPARATORS = "—–-~～至到"
MINUS_SIGNS = "-－−"  # hyphen-minus, full-width and Unicode minus directly before digits
QUOTE_PAIRS = (("“", "”"), ("‘", "’"), ("《", "》"), ("〔", "〕"), ("【", "】"), ("「", "」"), ('"', '"'))

_FULLWIDTH = str.maketrans({**{chr(0xFF10 + i): str(i) for i in range(10)}, "％": "%"})
_NUMBER = re.compile(
    r"百分之(?:\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百点]+)"
    r"|\d+(?:,\d{3})*(?:\.\d+)?"
    rf"|[{CN_CHARS}]+(?:点[零〇一二两三四五六七八九]+)?"
)
_ARABIC = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")
_CN = re.compile(rf"[{CN_CHARS}]+")
_SPACES = " \u3000\t"
# A closed pair of quotation marks or brackets and what it holds, per pair (QUOTE_PAIRS order).
_QUOTED = tuple(
    re.compile(re.escape(left) + r"[^" + re.escape(left + right) + r"]*" + re.escape(right))
    for left, right in QUOTE_PAIRS
)
_OPENING = re.compile("|".join(re.escape(left) for left, _ in QUOTE_PAIRS))


@dataclass(frozen=True)
class Quantity:
    """One quantity: ``text[start:end]`` is the number with its unit (and suffixes)."""

    value: float
    unit: str
    comparator: str = "="  # '=', '>=', '<=', '>', '<', '~', 'reach', 'range'
    start: int = 0
    end: int = 0
    value_max: float | None = None
    numeral: str = "arabic"  # 'arabic' | 'chinese' | 'derived'
    cue: str = ""  # the comparator phrase as written, '' if none


def normalise_digits(text: str) -> str:
    """Map full-width digits and ``％`` to ASCII; the length (and so every offset) is kept."""
    return text.translate(_FULLWIDTH)


def cn_to_number(numeral: str) -> float | None:
    """Value of a Chinese numeral (``二十`` → 20, ``一百零五`` → 105, ``二〇二三`` → 2023).

    Returns None for strings that are not numerals (``万`` alone, empty string).
    """
    if not numeral or any(ch not in CN_CHARS + "点" for ch in numeral):
        return None
    if "点" in numeral:
        whole, _, frac = numeral.partition("点")
        head = cn_to_number(whole) if whole else 0
        if head is None or not frac or any(ch not in CN_DIGITS for ch in frac):
            return None
        return float(f"{int(head)}.{''.join(str(CN_DIGITS[ch]) for ch in frac)}")
    if all(ch in CN_DIGITS for ch in numeral):
        return float("".join(str(CN_DIGITS[ch]) for ch in numeral))
    if numeral[0] in CN_BIG or (numeral[0] in "百千" and len(numeral) == 1):
        return None
    total, section, digit = 0, 0, None
    for ch in numeral:
        if ch in CN_DIGITS:
            digit = CN_DIGITS[ch] or None
        elif ch in CN_UNITS:
            section += (1 if digit is None else digit) * CN_UNITS[ch]
            digit = None
        else:
            total = (total + section + (digit or 0)) * CN_BIG[ch]
            section, digit = 0, None
    return float(total + section + (digit or 0))


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """Spans ``[start, end)`` inside quotation marks and brackets (closed pairs only)."""
    if not _OPENING.search(text):
        return []  # no opening mark: one search instead of one per pair
    return [(m.start(), m.end()) for pattern in _QUOTED for m in pattern.finditer(text)]


def parse_quantities(text: str, units: tuple[str, ...] | None = None) -> list[Quantity]:
    """Every quantity in ``text`` (a sentence or clause), in order.

    ``units`` are the units a number may carry, longest first (default: the genre's units
    from the metric definitions, ``MetricDefs.units``); ``%`` always counts.

    Returns
    -------
    list of Quantity
        value (float; the lower bound of a range), value_max (upper bound or None), unit
        (``'%'`` for percentages, '' never occurs), comparator, start, end (offsets of the
        number and its unit in ``text``), numeral, cue.
    """
    if units is None:
        from analysis.metrics.definitions import load_metric_defs

        units = load_metric_defs().units
    t = normalise_digits(text)
    quoted = quoted_spans(t)
    out, pos = [], 0
    while (m := _NUMBER.search(t, pos)) is not None:
        pos = m.end()
        if any(a < m.start() < b for a, b in quoted) or t[max(0, m.start() - 1) : m.start()] == "第":
            continue
        q = _read_quantity(t, m, units)
        if q is not None:
            out.append(q)
            pos = q.end
    return out


def _value(token: str) -> tuple[float | None, str]:
    if _ARABIC.fullmatch(token):
        return float(token.replace(",", "")), "arabic"
    return cn_to_number(token), "chinese"


def _skip_spaces(t: str, pos: int) -> int:
    while pos < len(t) and t[pos] in _SPACES:
        pos += 1
    return pos


def _read_quantity(t: str, m: re.Match, units: tuple[str, ...]) -> Quantity | None:
    token = m.group()
    if token.startswith("百分之"):
        value, numeral = (100.0, "chinese") if token[3:] == "百" else _value(token[3:])
        if value is None:
            return None
        return _finish(t, m.start(), m.end(), value, None, "%", numeral, "")
    value, numeral = _value(token)
    if value is None:
        return None
    start = m.start()
    if numeral == "arabic" and start and t[start - 1] in MINUS_SIGNS and not t[start - 2 : start - 1].isdigit():
        value, start = -value, start - 1  # an explicit minus (下降-8%), not a range (5-8)
    pos = m.end()
    if numeral == "arabic" and pos < len(t) and t[pos] in CN_BIG:
        value *= CN_BIG[t[pos]]
        pos += 1
    pos = _skip_spaces(t, pos)
    pct_first = pos < len(t) and t[pos] == "%"
    value_max, pos = _read_range(t, pos + (1 if pct_first else 0), numeral, pos)
    more = ""
    if pos < len(t) and t[pos] in "余多":
        more = t[pos]
        pos += 1
        if pos < len(t) and t[pos] in CN_BIG:  # 140余万元
            value *= CN_BIG[t[pos]]
            pos += 1
    pos = _skip_spaces(t, pos)
    unit = _unit_at(t, pos, units)
    if not unit:
        return None
    if unit == "年" and 1900 <= value <= 2100:
        return None  # a year, not a duration
    end = pos + len(unit)
    if unit in ("万元", "亿元"):
        value, unit = value * CN_BIG[unit[0]], "元"
    return _finish(t, start, end, value, value_max, unit, numeral, more)


def _read_range(t: str, pos: int, numeral: str, fallback: int) -> tuple[float | None, int]:
    """Upper bound of ``5—8名``; returns (None, fallback) when there is no range."""
    probe = pos
    while probe < len(t) and t[probe] in RANGE_SEPARATORS and probe - pos < 2:
        probe += 1
    if probe == pos:
        return None, fallback
    m = (_ARABIC if numeral == "arabic" else _CN).match(t, _skip_spaces(t, probe))
    if not m:
        return None, fallback
    high, _ = _value(m.group())
    return (high, m.end()) if high is not None else (None, fallback)


def _unit_at(t: str, pos: int, units: tuple[str, ...]) -> str:
    """The unit written at ``pos``: '%', else the first of ``units`` (in their order) that starts there."""
    m = _units_pattern(units).match(t, pos)
    return m.group() if m else ""


@functools.lru_cache(maxsize=16)
def _units_pattern(units: tuple[str, ...]) -> re.Pattern:
    """'%' or one of ``units``, tried in order (an alternation takes its first alternative that matches)."""
    units = units[: units.index("")] if "" in units else units  # an empty unit ends the search: no unit
    return re.compile("|".join(re.escape(u) for u in ("%", *units)))


def _finish(t, start, end, value, value_max, unit, numeral, more) -> Quantity:
    comparator, cue = "=", ""
    for phrase, comp in SUFFIX_COMPARATORS:
        if t.startswith(phrase, end):
            comparator, cue, end = comp, phrase, end + len(phrase)
            break
    else:
        if more:
            comparator, cue = ">", more
        else:
            comparator, cue = _prefix_comparator(t, start)
    if value_max is not None:
        comparator = "range"
    return Quantity(
        value=value,
        unit=unit,
        comparator=comparator,
        start=start,
        end=end,
        value_max=value_max,
        numeral=numeral,
        cue=cue,
    )


def _prefix_comparator(t: str, start: int) -> tuple[str, str]:
    """The comparator written before the number in the same clause ('=' if none)."""
    left = start
    while left > 0 and t[left - 1] not in CLAUSE_DELIMITERS:
        left -= 1
    window = t[left:start].rstrip(_SPACES)
    for phrase, comp in ADJACENT_COMPARATORS:
        if window.endswith(phrase):
            return comp, phrase
    found = []  # (start, end, comparator, phrase)
    for phrase, comp in PREFIX_COMPARATORS:
        for m in literal(phrase).finditer(window):
            found.append((m.start(), m.end(), comp, phrase))
    # A phrase inside a longer one (达到 in 力争达到, 低于 in 不低于) does not count.
    found = [
        f
        for f in found
        if not any(g is not f and g[0] <= f[0] and f[1] <= g[1] and g[1] - g[0] > f[1] - f[0] for g in found)
    ]
    if not found:
        return "=", ""
    _, _, comp, phrase = max(found, key=lambda f: f[0])
    return comp, phrase


@functools.lru_cache(maxsize=4096)
def literal(phrase: str) -> re.Pattern:
    """``phrase`` as a compiled pattern matching it literally (compiled once per phrase)."""
    return re.compile(re.escape(phrase))


def qualitative_totals(text: str, phrases=("全覆盖",), *, value: float = 100.0, unit: str = "%") -> list[Quantity]:
    """Phrases stating a figure without a number, as that figure.

    By default a total as 100 % (``全覆盖``, ``全部出庭应诉``); with ``value``/``unit`` a count
    stated in words (``全部胜诉``: 0 lost; ``已全部审结``: as many as were accepted).

    Returns
    -------
    list of Quantity
        value, unit, comparator '=', numeral 'derived', start/end of the phrase.
    """
    out = []
    for phrase in phrases:
        for m in literal(phrase).finditer(text):
            out.append(
                Quantity(
                    value=value, unit=unit, comparator="=", start=m.start(), end=m.end(), numeral="derived", cue=phrase
                )
            )
    return sorted(out, key=lambda q: q.start)
