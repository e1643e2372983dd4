"""Scraped text: page chrome, run-on lines, PDF page breaks, traditional characters, Big5.

Fragments are real: the development texts in ``tests/data/realdocs`` (read whole) or short
passages copied from them. Every test checks that clean offsets lead back to the source.
"""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import opencc
import pytest

from corpus.clean import (
    TRADITIONAL_MIN_SHARE,
    CleanText,
    clean,
    normalises_to,
    simplified_view,
    traditional_share,
)
from corpus.patterns import PatternFileError, _load
from corpus.read import PAGE_SEPARATOR, read_source
from corpus.structure import NON_BODY_KINDS, Segment, build_segments
from corpus.tokenize import Tokenizer

REALDOCS = Path(__file__).resolve().parents[1] / "data" / "realdocs"


def _realdoc(prefix: str) -> str:
    (path,) = REALDOCS.glob(f"{prefix}_*.txt")
    return read_source(path).text


def _structure(source: str) -> tuple[CleanText, list[Segment]]:
    """Clean ``source``, check the offset map, and build its segments."""
    cleaned = clean(source)
    _assert_maps_back(source, cleaned, 0, len(cleaned.text))
    segments, _ = build_segments(cleaned, 0, len(cleaned.text), "doc")
    for seg in segments:
        for a, b in seg.pieces:
            _assert_maps_back(source, cleaned, a, b)
    return cleaned, segments


def _assert_maps_back(source: str, cleaned: CleanText, start: int, end: int) -> None:
    """``source[s:e]`` holds clean ``[start, end)`` in order; everything else in it was deleted."""
    if end <= start:
        return
    s, e = cleaned.source_span(start, end)
    positions = [int(p) for p in cleaned.src[start:end]]
    assert positions[0] == s and positions[-1] == e - 1
    assert all(a < b for a, b in pairwise(positions))
    for p, ch in zip(positions, cleaned.text[start:end]):
        assert normalises_to(source[p], ch) or (ch == "\n" and source[p] == "\n"), (p, source[p], ch)


def _body_text(cleaned: CleanText, segments: list[Segment]) -> str:
    return "\n".join(cleaned.text[a:b] for seg in segments if seg.in_body for a, b in seg.pieces)


def _line_segment(cleaned: CleanText, segments: list[Segment], line: str) -> Segment:
    """The first segment whose clean text starts with ``line``."""
    return next(s for s in segments if cleaned.text[s.start : s.end].startswith(line))


# --- page chrome -------------------------------------------------------------------------

GKMLPT_TABLE = """信息公开元数据
| 索引号 | 11440115MB2D065126/2020-00071 | 分类 | 综合政务 |
| --- | --- | --- | --- |
| 发布机构 | 广州南沙开发区管委会办公室、广州市南沙区人民政府办公室 | 成文日期 | 2020-05-21 |
| 名称 | 广州市南沙区人民政府办公室关于印发南沙区2020年依法行政工作要点的通知 |
| 文号 | 穗南府办函〔2020〕4号 | 发布日期 | 2020-05-26 |
2020年是《法治政府建设实施纲要(2015-2020年)》确立的实现法治政府建设目标的收官之年。
一、总体要求
坚持以习近平新时代中国特色社会主义思想为指导。
"""


def test_metadata_table_is_chrome_and_stays_readable():
    # 17_nansha's 信息公开元数据 as a scraper writes it into a markdown table.
    cleaned, segments = _structure(GKMLPT_TABLE)
    assert "|---|" not in cleaned.text  # the separator row is furniture, deleted
    assert "|文号|穗南府办函〔2020〕4号|发布日期| 2020-05-26 |" in cleaned.text  # kept for metadata
    rows = [cleaned.text[s.start : s.end] for s in segments if not s.in_body]
    assert rows[:5] == [
        "信息公开元数据",
        "|索引号| 11440115MB2D065126/2020-00071 |分类|综合政务|",
        "|发布机构|广州南沙开发区管委会办公室、广州市南沙区人民政府办公室|成文日期| 2020-05-21 |",
        "|名称|广州市南沙区人民政府办公室关于印发南沙区2020年依法行政工作要点的通知|",
        "|文号|穗南府办函〔2020〕4号|发布日期| 2020-05-26 |",
    ]
    assert [s.kind for s in segments if s.in_body] == ["paragraph", "part", "paragraph"]
    body = _body_text(cleaned, segments)
    assert "索引号" not in body and "穗南府办函" not in body
    assert "收官之年" in body
    seg = _line_segment(cleaned, segments, "|文号|")
    s, e = cleaned.source_span(seg.start, seg.end)
    assert GKMLPT_TABLE[s:e] == "| 文号 | 穗南府办函〔2020〕4号 | 发布日期 | 2020-05-26 |"


def test_one_field_per_line_metadata_block_is_not_body():
    source = _realdoc("16")
    cleaned, segments = _structure(source)
    for words in ("索引号：", "640501001/2022-00153", "发布机构：", "中卫市人民政府办公室", "生成日期："):
        assert not _line_segment(cleaned, segments, words).in_body, words
    assert "卫政办发〔2022〕24号" in cleaned.text  # the 文号 stays for metadata inference
    assert "为全面深入推进依法行政" in _body_text(cleaned, segments)
    for furniture in ("字号", "用微信扫描二维码", "分享至好友和朋友圈", "×", "当前位置"):
        assert furniture not in cleaned.text


def test_metadata_lines_in_the_body_region_are_chrome():
    # 17_nansha has no title before its metadata, so the lines fall where body would be.
    source = _realdoc("17")
    cleaned, segments = _structure(source)
    for line in ("索引号：", "发布机构：广州", "名称：广州", "文号：穗南府办函", "主题词：", "发布日期：2020-05-26"):
        assert _line_segment(cleaned, segments, line).kind == "chrome", line
    assert "chrome" in NON_BODY_KINDS and not any(s.in_body for s in segments if s.kind == "chrome")
    assert not any(s.in_body and "浏览次数" in cleaned.text[s.start : s.end] for s in segments)
    assert "【打印】" not in cleaned.text and "字体" not in cleaned.text
    # 主题词 is left empty: the title after it is not taken for its value
    notice = "广州市南沙区人民政府办公室关于印发南沙区2020年依法行政工作要点的通知"
    title = [s for s in segments if cleaned.text[s.start : s.end] == notice]
    assert len(title) == 2 and "chrome" not in {s.kind for s in title}


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        ("来源:上海市闵行区人民政府  发布时间:2019年3月1日", "来源：上海市闵行区人民政府发布时间：2019年3月1日"),
        ("文章来源:司法局 更新时间:2021/03/29 11:30:01", "文章来源：司法局更新时间：2021/03/29 11:30:01"),
        ("发布日期:2020-05-26  浏览次数:-", "发布日期：2020-05-26浏览次数：-"),
        ("28.02.2015  15:57", "28.02.2015 15:57"),
    ],
    ids=["minhang-source", "jinghai-source", "nansha-views", "nankai-timestamp"],
)
def test_source_and_date_lines_are_chrome_kept_for_metadata(line, kept):
    source = f"{line}\n2019年,天津市南开区政府被诉行政案件共计6件,其中因不服行政复议决定被诉的4件。\n"
    cleaned, segments = _structure(source)
    assert cleaned.text.splitlines()[0] == kept
    assert [s.in_body for s in segments] == [False, True]
    assert segments[0].kind == "chrome"  # no title: the line stands where the body begins
    s, e = cleaned.source_span(segments[0].start, segments[0].end)
    assert source[s:e] == line


@pytest.mark.parametrize(
    "line",
    [
        "当前位置:",
        "您所在的位置:政务公开 > 工作报告",
        "今天是:2019年10月31日 星期三 农历十月初七",
        "| 字号: |",
        "用微信扫描二维码",
        "分享至好友和朋友圈",
        "×",
        "【打印】 【字体:    ",
        "下面是小编为大家整理的县2022年法治政府建设工作计划,供大家参考。",
        "正文复制",
        "主办：冠县人民政府办公室 网站标识码：3715250001 鲁ICP备05001234号",
        "扫一扫在手机打开当前页面",
    ],
    ids=lambda v: v[:8],
)
def test_page_furniture_is_deleted(line):
    source = f"{line}\n一、主要举措和工作成效\n区政府召开法治政府建设专题工作会议。\n"
    cleaned, _ = _structure(source)
    assert cleaned.text == "一、主要举措和工作成效\n区政府召开法治政府建设专题工作会议。"
    assert cleaned.source_span(0, 2) == (len(line) + 1, len(line) + 3)


def test_spam_inside_a_line_is_deleted_and_the_sentences_no_longer_run_together():
    cleaned, _ = _structure(_realdoc("12"))
    assert "更多公文素材" not in cleaned.text and "dadawk01" not in cleaned.text
    assert "等行政管理的诸多领域。\n应诉方面" in cleaned.text


# --- inline structure markers -------------------------------------------------------------


def test_a_page_on_one_line_splits_into_its_units():
    source = _realdoc("03")
    assert "\n" not in source  # the whole excerpt is one line
    cleaned, segments = _structure(source)
    got = [(s.kind, s.level, s.number, s.heading) for s in segments]
    assert got == [
        ("paragraph", 1, "", ""),
        ("part", 1, "一", "法治政府建设主要措施和成效"),
        ("section", 2, "一", "持续深入学习宣传贯彻习近平法治思想"),
        ("point", 3, "一", "深入学习宣传贯彻习近平法治思想"),
        ("point", 3, "二", "持续统筹加强法治政府建设"),
        ("section", 2, "二", "加强中心工作法治保障"),
        ("point", 3, "一", "全力推进虹桥国际中央法务区建设"),
    ]
    point = segments[4]
    s, e = cleaned.source_span(point.start, point.end)
    assert source[s:e].startswith("二是持续统筹加强法治政府建设。形成2024闵行区法治政府建设情况报告")
    assert source[s:e].endswith("提升依法行政、依法治企水平。")
    assert cleaned.text[point.pieces[0][0] : point.pieces[0][1]].startswith("持续统筹加强法治政府建设。")


def test_run_on_plan_with_clauses_and_page_markers():
    source = _realdoc("15")
    cleaned, segments = _structure(source)
    assert "- 1 -" not in cleaned.text and "- 2 -" not in cleaned.text
    assert cleaned.text.startswith("XX县2022年法治政府建设工作计划\n")  # 下面是小编… and - 1 - are gone
    body = [(s.kind, s.number, s.heading) for s in segments if s.in_body and s.kind != "paragraph"]
    assert body == [
        ("part", "一", "持续推进学习宣传贯彻习近平法治思想"),
        ("item", "1", "推动学习宣传贯彻习近平法治思想走深走实"),
        ("part", "二", "压实法治政府建设第一责任人职责"),
        ("item", "2", "将法治政府建设与经济社会发展同部署、同推进、同考核、同奖惩"),
        ("item", "3", "县政府常务会议定期研究法治工作或听取法治政府建设工作汇报，及时研究解决有关重大问题"),
    ]
    # item 3 runs on over the page break: "…听取法治政府建设\n- 2 - 工作汇报…"
    item3 = segments[-1]
    s, e = cleaned.source_span(item3.start, item3.end)
    assert "听取法治政府建设\n- 2 - 工作汇报," in source[s:e]


RUN_ON = (
    "2025年,工作取得积极成效。 一、主要措施 (一)加强学习 一是深入学习。较去年同期增长19.9%,是上年的1.5倍。"
    "主要包括:1.制度建设;2.队伍建设;3.平台建设。2022年3月29日印发《(2022)年度方案》。 二是持续推进。"
)


def test_numbers_dates_and_lists_inside_a_sentence_do_not_split():
    cleaned, segments = _structure(RUN_ON)
    got = [(s.kind, s.number) for s in segments]
    assert got == [("paragraph", ""), ("part", "一"), ("section", "一"), ("point", "一"), ("point", "二")]
    first_point = cleaned.text[segments[3].start : segments[3].end]
    assert first_point.endswith(
        "1.5倍。主要包括：1.制度建设；2.队伍建设；3.平台建设。2022年3月29日印发《（2022）年度方案》。"
    )


def test_run_on_text_without_spaces_splits_after_short_headings():
    source = (
        "前言。一、总体要求（一）标准统一是关键。坚持依法行政。（二）主要目标。到2025年基本建成。"
        + "二、主要任务（一）推进改革。"
    )
    _, segments = _structure(source)
    got = [(s.kind, s.number, s.heading, s.level) for s in segments]
    assert got == [
        ("paragraph", "", "", 1),
        ("part", "一", "总体要求", 1),
        ("section", "一", "标准统一是关键", 2),  # 统一是 is a word, not a point
        ("section", "二", "主要目标", 2),
        ("part", "二", "主要任务", 1),
        ("section", "一", "推进改革", 2),
    ]


def test_inline_enumeration_stays_in_a_document_that_keeps_its_lines():
    # 冠县 2023 report: sub-items inside a section's paragraph, the document's lines intact
    source = "一、主要举措\n（一）深入推进改革。1)召开全县会议。(2)完善审查制度。(3)推进一照多址。\n（二）健全机制。\n"
    _, segments = _structure(source)
    assert [(s.kind, s.number) for s in segments] == [("part", "一"), ("section", "一"), ("section", "二")]


def test_points_hang_a_level_below_their_unit():
    _, segments = _structure(_realdoc("06"))
    points = [s for s in segments if s.kind == "point"]
    parents = {s.seg_id: s for s in segments}
    assert [(p.number, p.heading, p.level) for p in points] == [("一", "全面加强领导", 2), ("二", "压实法治责任", 2)]
    assert {parents[p.parent].kind for p in points} == {"part"}


# --- PDF page breaks ----------------------------------------------------------------------

PDF_TEXT = PAGE_SEPARATOR.join(
    [
        "XX县2022年法治政府建设工作计划\n一、持续推进学习宣传贯彻习近平法治思想\n"
        "1.推动学习宣传贯彻习近平法治思想走深走实。将习近平法治思想纳入县政府常务会议和各镇\n- 1 -",
        "XX县人民政府办公室\n（街道）、各部门党委（党组）理论学习中心组学习内容。\n二、压实法治政府建设第一责任人职责\n2",
        "XX县人民政府办公室\n2.将法治政府建设与经济社会发展同部署、同推进、同考核、同奖惩。\n3",
    ]
)


def test_page_breaks_join_the_sentence_and_drop_page_furniture():
    cleaned, segments = _structure(PDF_TEXT)
    assert cleaned.text.splitlines() == [
        "XX县2022年法治政府建设工作计划",
        "一、持续推进学习宣传贯彻习近平法治思想",
        "1.推动学习宣传贯彻习近平法治思想走深走实。将习近平法治思想纳入县政府常务会议和各镇（街道）、"
        "各部门党委（党组）理论学习中心组学习内容。",
        "二、压实法治政府建设第一责任人职责",
        "2.将法治政府建设与经济社会发展同部署、同推进、同考核、同奖惩。",
    ]
    assert [s.kind for s in segments if s.in_body] == ["part", "item", "part", "item"]
    item = segments[2]
    s, e = cleaned.source_span(item.start, item.end)
    assert PDF_TEXT[s:e].endswith(
        "各镇\n- 1 -\n\f\nXX县人民政府办公室\n（街道）、各部门党委（党组）理论学习中心组学习内容。"
    )


def test_pdf_pages_are_separated_by_a_page_break(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    path = tmp_path / "two-pages.pdf"
    with PdfPages(path) as pdf:
        for words in ("Reconsideration received 91", "accepted 73"):
            fig = plt.figure()
            fig.text(0.1, 0.5, words)
            pdf.savefig(fig)
            plt.close(fig)
    text = read_source(path).text
    assert text.index("received 91") < text.index(PAGE_SEPARATOR) < text.index("accepted 73")


# --- traditional characters ---------------------------------------------------------------

S2T = opencc.OpenCC("s2t.json")
SEED_PARAGRAPH = (
    "1. 推动学习宣传贯彻习近平法治思想走深走实。将习近平法治思想纳入政府常务会议和各部门党委(党组)理论学习中心组学习"
    "内容，纳入法治队伍和法律服务队伍教育培训内容，推动建立常态化学习机制。"
)


def test_traditional_text_is_simplified_for_analysis_and_quoted_as_written():
    traditional = S2T.convert(SEED_PARAGRAPH)
    assert traditional.startswith("1. 推動學習宣傳貫徹習近平法治思想走深走實")
    cleaned, segments = _structure(traditional)
    assert cleaned.simplified
    assert cleaned.text == clean(SEED_PARAGRAPH).text
    (item,) = segments
    assert (item.kind, item.heading) == ("item", "推动学习宣传贯彻习近平法治思想走深走实")
    s, e = cleaned.source_span(*item.pieces[0])
    assert traditional[s:e].startswith("推動學習宣傳貫徹習近平法治思想走深走實。")  # the quote keeps its characters
    view = simplified_view(traditional)  # for matching words in the source: same offsets
    assert len(view) == len(traditional) and view[s:e].startswith("推动学习宣传贯彻习近平法治思想走深走实。")
    tokenizer = Tokenizer()
    a, b = item.pieces[0]
    assert tokenizer.cut(cleaned.text[a:b]) == tokenizer.cut(clean(SEED_PARAGRAPH).text[a:b])


def test_a_seed_in_traditional_characters_keeps_its_structure(seed_file, seed_dir):
    source = read_source(seed_dir / seed_file).text
    traditional = S2T.convert(source)
    assert len(traditional) == len(source)
    cleaned, segments = _structure(traditional)  # every clean character maps back
    reference, reference_segments = _structure(source)
    assert cleaned.simplified and not reference.simplified
    assert [(s.kind, s.number, s.heading) for s in segments] == [
        (s.kind, s.number, s.heading) for s in reference_segments
    ]
    assert len(cleaned.text) == len(reference.text)
    # s2t then T2S returns the seed but for characters that are also simplified forms (批覆, 明瞭)
    assert {(a, b) for a, b in zip(cleaned.text, reference.text) if a != b} <= {
        ("覆", "复"),
        ("瞭", "了"),
        ("薰", "熏"),
    }


def test_simplified_text_with_a_few_traditional_forms_is_left_alone():
    source = _realdoc("09")  # anti-scraping substitutions: 縣, 將, 簡
    cleaned = clean(source)
    assert not cleaned.simplified
    assert "縣委全面依法治县" in cleaned.text
    assert simplified_view(source) == source


def test_traditional_threshold_separates_the_development_texts_from_converted_seeds(seed_dir):
    shares = [traditional_share(read_source(p).text) for p in sorted(REALDOCS.glob("*.txt"))]
    seeds = [read_source(p).text for p in sorted(seed_dir.glob("*.txt"))]
    assert max(shares + [traditional_share(s) for s in seeds]) < TRADITIONAL_MIN_SHARE / 10
    assert min(traditional_share(S2T.convert(s)) for s in seeds) > 3 * TRADITIONAL_MIN_SHARE


# --- Big5 or GB18030 ----------------------------------------------------------------------


def test_big5_is_told_from_gb18030(tmp_path):
    traditional = S2T.convert(SEED_PARAGRAPH)
    big5, gb = tmp_path / "big5.txt", tmp_path / "gb.txt"
    big5.write_bytes(traditional.encode("big5"))
    gb.write_bytes(SEED_PARAGRAPH.encode("gb18030"))
    assert traditional.encode("big5").decode("gb18030")  # Big5 bytes also decode as GB18030 …
    read = read_source(big5)
    assert (read.encoding, read.text, read.warnings) == ("big5", traditional, ())  # … but are not taken for it
    read = read_source(gb)
    assert (read.encoding, read.text, read.warnings) == ("gb18030", SEED_PARAGRAPH, ())


def test_a_doubtful_encoding_guess_is_a_warning_naming_the_file(tmp_path):
    path = tmp_path / "short.txt"
    path.write_bytes("部署2018年度".encode("gb18030"))  # also reads as plausible Big5
    read = read_source(path)
    assert (read.encoding, read.text) == ("gb18030", "部署2018年度")
    (warning,) = read.warnings
    assert warning.startswith("short.txt: encoding unclear, read as gb18030")


# --- the patterns file --------------------------------------------------------------------


def test_a_bad_chrome_pattern_is_named(tmp_path):
    from corpus.paths import PATTERNS_FILE

    text = PATTERNS_FILE.read_text(encoding="utf-8").replace("chrome_inline:\n", "chrome_inline:\n  - '【更多('\n", 1)
    path = tmp_path / "patterns.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PatternFileError, match=r"patterns\.yaml: 'chrome_inline': '【更多\(' is not a valid pattern"):
        _load(path)


CHROME_PHRASES = ("当前位置", "您所在的位置", "来源：", "发布时间", "浏览次数", "字号", "【打印】", "索引号")
CHROME_PHRASES += ("小编", "- 1 -")


@pytest.mark.parametrize("path", sorted(REALDOCS.glob("*.txt")), ids=lambda p: p.name[:2])
def test_no_chrome_in_the_body_of_a_development_text(path):
    cleaned, segments = _structure(read_source(path).text)
    body = _body_text(cleaned, segments)
    for chrome in CHROME_PHRASES:
        assert chrome not in body, chrome
