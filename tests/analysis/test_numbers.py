"""Number parsing (issue 5): numerals, ranges, comparators, offsets."""

from __future__ import annotations

import pytest

from analysis.metrics.definitions import load_metric_defs
from analysis.metrics.numbers import cn_to_number, parse_quantities, qualitative_totals


@pytest.mark.parametrize(
    "numeral, value",
    [
        ("二十", 20),
        ("两", 2),
        ("十五", 15),
        ("一百零五", 105),
        ("二百零三", 203),
        ("一百八十七", 187),
        ("二〇二三", 2023),
        ("三千二百万", 32_000_000),
        ("九十五点五", 95.5),
    ],
    ids=lambda v: str(v),
)
def test_cn_to_number(numeral, value):
    assert cn_to_number(numeral) == value


@pytest.mark.parametrize("numeral", ["", "万", "百", "abc"])
def test_cn_to_number_rejects_non_numerals(numeral):
    assert cn_to_number(numeral) is None


@pytest.mark.parametrize(
    "text, value, unit, comparator, written",
    [
        ("全县信访总量同比下降26.51%", 26.51, "%", "=", "26.51%"),
        ("出庭应诉率不低于95%", 95, "%", ">=", "95%"),
        ("出庭率达百分之九十五", 95, "%", "reach", "百分之九十五"),
        ("百分之百", 100, "%", "=", "百分之百"),
        ("年内组织2次以上法治专题讲座", 2, "次", ">=", "2次以上"),
        ("确保每人每年接受不少于 60 学时的培训", 60, "学时", ">=", "60 学时"),
        ("公职律师工作覆盖率力争达到 30%", 30, "%", ">=", "30%"),
        ("各级政府领导班子每年应当举办两期以上法治专题讲座", 2, "期", ">=", "两期以上"),
        ("至少接受一次法治专题脱产培训", 1, "次", ">=", "一次"),
        ("共计参与庭审观摩60余次", 60, "次", ">", "60余次"),
        ("一般不少于7个工作日", 7, "个工作日", ">=", "7个工作日"),
        ("累计加分最多不超过5分", 5, "分", "<=", "5分"),
        ("新收行政诉讼案件二百零三件", 203, "件", "=", "二百零三件"),
        ("受理７３件", 73, "件", "=", "７３件"),
        ("全县信访量下降十二点五％", 12.5, "%", "=", "十二点五％"),
    ],
    ids=lambda v: str(v)[:12],
)
def test_parse_single_quantity(text, value, unit, comparator, written):
    (q,) = parse_quantities(text)
    assert (q.value, q.unit, q.comparator) == (value, unit, comparator)
    assert text[q.start : q.end] == written


def test_multiplier_and_more():
    (q,) = parse_quantities("县检察院投资140余万元")
    assert (q.value, q.unit, q.comparator) == (1_400_000, "元", ">")
    (q,) = parse_quantities("累计已交罚款金额共计55.23万元")
    assert q.value == pytest.approx(552_300)


@pytest.mark.parametrize("text", ["2022年为每个行政村培养5—8名“法律明白人”", "培养5-8名", "培养５—８名"])
def test_range(text):
    (q,) = parse_quantities(text)
    assert (q.value, q.value_max, q.comparator, q.unit) == (5, 8, "range", "名")


def test_list_keeps_offsets_and_order():
    text = "2023年接收行政复议申请91件,受理73件,不予受理6件,纠错3件,化解33件。"
    qs = parse_quantities(text)
    assert [q.value for q in qs] == [91, 73, 6, 3, 33]
    assert [text[q.start : q.end] for q in qs] == ["91件", "73件", "6件", "3件", "33件"]


def test_comparator_carries_across_enumeration():
    qs = parse_quantities("县、乡两级每年各至少举办领导干部法治专题讲座2期、法治专题培训班1期")
    assert [(q.value, q.comparator) for q in qs] == [(2, ">="), (1, ">=")]


@pytest.mark.parametrize(
    "text",
    [
        "冠政办发〔2022〕4号",
        "增强“四个意识”、坚定“四个自信”",
        "2021—2025年",
        "2022年4月13日",
        "第二批示范县",
        "实现 12345 一个号码服务"[:9],
        "1.推进改革",
        "党的二十大精神",
    ],
)
def test_not_quantities(text):
    assert parse_quantities(text) == []


def test_year_attributive_numbers():
    qs = parse_quantities("持证人员由2022年的632人增加至目前的863人")
    assert [(q.value, q.unit) for q in qs] == [(632, "人"), (863, "人")]


def test_qualitative_totals():
    text = "实现党政机关法律顾问全覆盖"
    (q,) = qualitative_totals(text)
    assert (q.value, q.unit, q.numeral) == (100, "%", "derived")
    assert text[q.start : q.end] == "全覆盖"
    assert qualitative_totals("行政机关负责人全部出庭应诉", ["全部出庭应诉"])[0].value == 100


@pytest.mark.parametrize(
    ("text", "value", "unit", "comparator"),
    [
        ("60余场", 60, "场", ">"),
        ("2 次以上", 2, "次", ">="),
        ("近100件", 100, "件", "~"),
        ("13件人次", 13, "件人次", "="),
    ],
    ids=["余", "以上", "近", "件人次"],
)
def test_bounds_kept_in_comparator(text, value, unit, comparator):
    q = parse_quantities(text.replace(" ", ""), load_metric_defs().units)[0]
    assert (q.value, q.unit, q.comparator) == (value, unit, comparator)
