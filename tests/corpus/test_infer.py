"""Metadata inferred from the text of documents without a manifest row (issue 11)."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus import doc_types, infer

DOC_TYPES = doc_types()


def _infer(text: str, body_from: int, name: str = "doc.txt") -> dict:
    lines = text.split("\n")
    return dict(infer.infer(lines, body_from, Path(name), doc_types=DOC_TYPES))


@pytest.mark.parametrize(
    "compact, date",
    [("2020316", "2020-03-16"), ("20201231", "2020-12-31"), ("2022年4月13日", "2022-04-13"),
     ("2023-03-27", "2023-03-27"), ("更新时间：2021/03/29 11:30:01", "2021-03-29"), ("2020111", None)],
)  # fmt: skip
def test_dates_as_the_genre_writes_them(compact, date):
    """A signature date written 2020316 is 2020-03-16 (the only valid split); 2020111 is ambiguous."""
    assert infer.parse_date(compact) == date


@pytest.mark.parametrize(
    "title, doc_type",
    [
        ("冠县2022年法治政府建设工作计划", "plan"),
        ("广州市南沙区人民政府办公室关于印发南沙区2020年依法行政工作要点的通知", "plan"),
        ("法治濮阳县（法治政府）建设考核方案", "assessment"),
        ("县司法局关于2021-2025年度行政复议体制改革工作总结报告", "report"),
        ("关于《清水县人民政府关于清水县2023年度法治政府建设工作总结的报告》的政策解读", "other"),
        ("关于推进民主法治建设的实施意见", "opinion"),
        ("濉溪县法治政府建设实施方案（2021—2025年）", "scheme"),
        ("天津市南开区政府2014年度行政复议、应诉工作圆满完成", None),  # a headline: the body decides
    ],
)
def test_doc_type_from_how_the_title_ends(title, doc_type):
    assert infer._doc_type(title, DOC_TYPES) == doc_type


def test_headline_without_report_phrases_is_other():
    found = _infer(
        "天津市南开区政府2014年度行政复议、应诉工作圆满完成\n2014年南开区政府法制办公室积极履行行政复议职责。", 0
    )
    assert found["doc_type"] == ("other", "title")


def test_chrome_fields_on_one_line_or_the_next():
    head = ["索引号：", "640501001/2022-00153", "文号：", "卫政办发〔2022〕24号",
            "发布机构：广州市南沙区人民政府办公室成文日期：2020-05-21"
            "名称：关于印发南沙区2020年依法行政工作要点的通知"]  # fmt: skip
    fields = infer.chrome_fields(head)
    assert fields["doc_number"] == "卫政办发〔2022〕24号"
    assert fields["issuer"] == "广州市南沙区人民政府办公室"
    assert fields["issue_date"] == "2020-05-21"
    assert fields["title"] == "关于印发南沙区2020年依法行政工作要点的通知"


def test_title_broken_over_two_lines_is_joined():
    found = _infer(
        "县司法局关于2021-2025年度行\n政复议体制改革工作总结报告\n根据上级党委、政府的统一部署，我县推进改革。", 2
    )
    assert found["title"] == ("县司法局关于2021-2025年度行政复议体制改革工作总结报告", "title")
    assert found["doc_type"] == ("report", "title")
    assert found["year_start"][0] == 2021 and found["year_end"][0] == 2025


def test_report_without_title_is_read_from_its_body():
    text = (
        "2019年，在省委、省政府的正确领导下，我县全面推进法治政府建设。\n一、2019年推进法治政府建设情况\n（一）依法履职"
    )
    found = _infer(text, 0)
    assert found["doc_type"] == ("report", "body")
    assert found["year_start"] == (2019, "body")


def test_year_from_the_file_name_as_a_last_resort():
    found = _infer(
        "关于推进民主法治建设的实施意见\n为深入贯彻科学发展观，提出以下实施意见。", 1, "19_guangzhou_2012_other.txt"
    )
    assert found["year_start"] == (2012, "filename")


@pytest.mark.parametrize(
    "title, place, level, county",
    [
        ("开江县司法局2022年法治政府建设工作总结", "开江县司法局", "department", "开江县"),
        (
            "中共濉溪县委濉溪县人民政府关于印发《濉溪县法治政府建设实施方案（2021—2025年）》的通知",
            "濉溪县",
            "county",
            "濉溪县",
        ),
        ("北京市通州区2022年法治政府建设情况报告", "通州区", "district", "通州区"),
        ("邳州市2022年法治政府建设年度报告", "邳州市", "county-level city", "邳州市"),
    ],
)
def test_place_level_and_county_from_the_title(title, place, level, county):
    found = _infer(title + "\n2022年，我们坚持依法行政。", 1)
    assert found["place"][0] == place and found["level"][0] == level and found["county"][0] == county


def test_ambiguous_place_is_not_guessed():
    found = _infer("通州区2022年法治政府建设情况报告\n2022年，通州区坚持依法行政。", 1)
    assert found["county"] == ("通州区", "title")
    assert "province" not in found and "北京" in found["ambiguous"][0] and "南通" in found["ambiguous"][0]


def test_anonymised_place_gets_no_county():
    found = _infer("XX县2022年法治政府建设工作计划\n结合我县实际，制定本计划。开江县经验值得学习。", 1)
    assert found["place"] == ("XX县", "title") and "county" not in found
