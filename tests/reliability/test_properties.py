"""Property tests (issue 14): cleaning keeps an exact map to the source; numbers parse in every form.

Hypothesis generates texts mixing Chinese, ASCII, half- and full-width punctuation, spaces of
every kind, line and page breaks, markdown and HTML bits, traditional characters; and numbers
written in Arabic digits (half- and full-width), Chinese numerals, ranges and with a minus.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.metrics.numbers import parse_quantities
from corpus.clean import clean, normalises_to

PIECES = [
    *"依法行政推进法治政府建设县縣複爲著一二三四五六七八九十百千万",
    *"abcXYZ0123456789",
    *",;:()?!.，；：（）？！。、“”《》〔〕【】-—",
    *" \u3000\u00a0\t\u200b\ufeff",
    *"\n\n\r\f",
    *"１２３ＡＢｃ＃",
    "**",
    "__",
    "# ",
    "- 3 -",
    "[bookmark: _GoBack]",
    "<p>",
    "</div>",
    "<br/>",
    "&nbsp;",
    "&amp;",
    "<script>x</script>",
    "当前位置：首页",
    "【打印】【关闭】",
    "来源：县政府",
]
texts = st.lists(st.sampled_from(PIECES), max_size=120).map("".join)
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(source=texts, fmt=st.sampled_from(["text", "html"]), simplify=st.sampled_from([None, True, False]))
def test_every_clean_character_maps_back_to_its_source_character(source, fmt, simplify):
    cleaned = clean(source, fmt=fmt, simplify=simplify)
    assert len(cleaned.src) == len(cleaned.text)
    positions = cleaned.src.tolist()
    assert positions == sorted(set(positions))  # one source character per clean character, in order
    for ch, pos in zip(cleaned.text, positions):
        original = source[pos]
        assert normalises_to(original, ch) or (ch == "\n" and original in "\n\r\f<"), (ch, original, pos)


@SETTINGS
@given(source=texts)
def test_a_clean_span_maps_to_a_source_span_holding_it(source):
    cleaned = clean(source)
    n = len(cleaned.text)
    for start, end in ((0, n), (n // 3, 2 * n // 3)):
        if end > start:
            s, e = cleaned.source_span(start, end)
            assert 0 <= s < e <= len(source)
            assert source[s] == source[cleaned.src[start]] and e - 1 == cleaned.src[end - 1]


CN_DIGIT = "零一二三四五六七八九"


def chinese(n: int) -> str:
    """``n`` (0 <= n < 10**8) as a Chinese numeral (一万零五, 三百二十一, 十五)."""
    if n >= 10_000:
        high, low = divmod(n, 10_000)
        rest = "" if not low else ("零" if low < 1000 else "") + chinese(low)
        return chinese(high) + "万" + rest
    if n == 0:
        return "零"
    out, zero = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit, n = divmod(n, value)
        if digit:
            out += ("零" if zero and out else "") + CN_DIGIT[digit] + unit
            zero = False
        else:
            zero = True
    return out[1:] if out.startswith("一十") else out


FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
forms = st.sampled_from(["arabic", "full-width", "chinese", "thousands"])


def written(n: int, form: str) -> str:
    if form == "full-width":
        return str(n).translate(FULL_WIDTH)
    if form == "chinese":
        return chinese(n)
    if form == "thousands":
        return f"{n:,}"
    return str(n)


@settings(max_examples=400, deadline=None)
@given(n=st.integers(0, 99_999_999), form=forms)
def test_a_count_parses_to_its_value_in_every_numeral_form(n, form):
    number = written(n, form)
    text = f"全年共办理{number}件。"
    found = parse_quantities(text, units=("件",))
    assert [(q.value, q.unit, text[q.start : q.end]) for q in found] == [(float(n), "件", number + "件")]


@settings(max_examples=300, deadline=None)
@given(low=st.integers(0, 9999), span=st.integers(1, 9999), sep=st.sampled_from(["-", "—", "~", "至"]))
def test_a_range_keeps_both_bounds(low, span, sep):
    text = f"每年培训{low}{sep}{low + span}人次"
    (q,) = parse_quantities(text, units=("人次",))
    assert (q.value, q.value_max, q.comparator) == (low, low + span, "range")


@settings(max_examples=300, deadline=None)
@given(
    value=st.decimals(min_value="0.1", max_value="999.9", places=1),
    sign=st.sampled_from(["-", "－", "−", ""]),
    verb=st.sampled_from(["下降", "同比", "增长", "为"]),
)
def test_an_explicit_sign_is_kept_and_implausible_values_are_not_dropped(value, sign, verb):
    text = f"行政复议纠错率{verb}{sign}{value}%。"
    (q,) = parse_quantities(text, units=())
    assert q.value == (-1 if sign else 1) * float(value) and q.unit == "%"
    assert text[q.start : q.end] == f"{sign}{value}%"
