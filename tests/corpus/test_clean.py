"""Cleaning keeps an exact map to the source."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.clean import clean, normalises_to
from corpus.read import read_source


@pytest.fixture(scope="module")
def seed_sources(seed_dir):
    """Source text of each seed file (the copy in seed_dir), by file name."""
    return {p.name: read_source(p).text for p in sorted(seed_dir.glob("*.txt"))}


@pytest.fixture(scope="module")
def seed_cleaned(seed_sources):
    return {name: clean(text) for name, text in seed_sources.items()}


def test_every_clean_character_comes_from_the_source(seed_file, seed_sources, seed_cleaned):
    name = seed_file  # parametrized over the seed files by conftest.pytest_generate_tests
    source, cleaned = seed_sources[name], seed_cleaned[name]
    assert len(cleaned.src) == len(cleaned.text)
    assert all(a < b for a, b in zip(cleaned.src, cleaned.src[1:]))  # order kept
    for i, ch in enumerate(cleaned.text):
        src = source[cleaned.src[i]]
        assert normalises_to(src, ch) or (ch == "\n" and src == "\n"), (i, ch, src)


@given(data=st.data())
@settings(max_examples=300, deadline=None)
def test_random_spans_map_back_to_source_modulo_normalisation(data, seed_sources, seed_cleaned):
    name = data.draw(st.sampled_from(sorted(seed_sources)))
    source, cleaned = seed_sources[name], seed_cleaned[name]
    start = data.draw(st.integers(0, len(cleaned.text) - 1))
    end = data.draw(st.integers(start + 1, min(len(cleaned.text), start + 200)))
    s, e = cleaned.source_span(start, end)
    span = source[s:e]
    # Walk the source span: every clean character appears in order; the rest was deleted.
    positions = [int(p) - s for p in cleaned.src[start:end]]
    assert positions[0] == 0 and positions[-1] == len(span) - 1
    for offset, ch in zip(positions, cleaned.text[start:end]):
        assert normalises_to(span[offset], ch) or (ch == "\n" and span[offset] == "\n")


@pytest.mark.parametrize("chrome", ["扫一扫在手机打开当前页面", "当前位置", "**", "[bookmark", "- 30 -", "#"])
def test_no_chrome_survives(chrome, seed_cleaned):
    for name, cleaned in seed_cleaned.items():
        assert chrome not in cleaned.text, name


def test_sentence_broken_by_pdf_conversion_is_joined(seed_sources, seed_cleaned):
    kaijiang = seed_cleaned["kaijiang-2021-plan.txt"].text
    assert "政\n\n治责任" in seed_sources["kaijiang-2021-plan.txt"]
    assert "推动落实法治政府建设政治责任，确保政府各项工作在法治轨道上运行。" in kaijiang
    assert "政\n治责任" not in kaijiang


def test_heading_broken_across_lines_is_joined(seed_cleaned):
    suixi = seed_cleaned["suixi-2021-2025-scheme.txt"].text
    assert "四、健全行政决策制度体系，不断提升行政决策公信力和执行力\n" in suixi


def test_half_width_punctuation_is_normalised_in_chinese_text(seed_cleaned):
    report = seed_cleaned["guanxian-2023-report.txt"].text
    assert "2023年接收行政复议申请91件，受理73件，不予受理6件，纠错3件，化解33件。" in report
    assert "\n（一）健全政府机构职能体系，推动更好发挥政府作用\n" in report
    assert "时间：2024-03-19 09:52" in report  # the clock keeps its colon


def test_markdown_heading_markers_are_removed(seed_cleaned):
    kaijiang = seed_cleaned["kaijiang-2021-plan.txt"].text
    assert "\n四、严格规范公正文明执法\n" in kaijiang


def test_html_is_stripped_with_offsets():
    source = "<html><head><style>p{}</style></head><body><p>一、总体要求</p><p>依法行政&nbsp;建设。</p></body></html>"
    cleaned = clean(source, fmt="html")
    assert cleaned.text == "一、总体要求\n依法行政建设。"
    s, e = cleaned.source_span(0, 6)
    assert source[s:e] == "一、总体要求"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("受理73件,纠错3件(其中撤销2件)", "受理73件，纠错3件（其中撤销2件）"),
        ("受理73件 , 纠错3件 ( 其中撤销2件 )", "受理73件，纠错3件（其中撤销2件）"),
        ("会议于9:30召开:研究(2023)年度计划", "会议于9:30召开：研究（2023）年度计划"),
        ("score (a, b): 0.5", "score (a, b): 0.5"),
    ],
    ids=["no-spaces", "spaces", "clock-and-year", "latin"],
)
def test_half_width_punctuation_with_and_without_spaces(line, expected):
    """Issue 16: the neighbours of a half-width mark are found without a pass over the line
    when it has no spaces; the result is the same as with spaces around the marks."""
    cleaned = clean(line)
    assert cleaned.text == expected
    assert all(normalises_to(line[p], ch) for p, ch in zip(cleaned.src, cleaned.text))
