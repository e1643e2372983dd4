"""The XLSX workbook reads: contents sheet first, sheet names and headers in the report language,
frozen header, autofilter, fitted widths, numbers as numbers with % formats (issue 15)."""

from __future__ import annotations

import re
import zipfile

import pandas as pd
import pytest
from openpyxl import load_workbook

from analysis.report import export, sheetxml, workbook

SHARES = pd.DataFrame(
    {
        "doc_a": ["suixi-2021-2025-scheme", "puyang-2022-2025-scheme"],
        "doc_b": ["puyang-2022-2025-scheme", "suixi-2021-2025-scheme"],
        "share_pct": [28.5, 17.0],
        "n_passages": [51, 51],
        "text": ["=加大重点领域执法力度", None],
    }
)


@pytest.fixture(scope="module")
def books(tmp_path_factory, seed_corpus):
    tables = {"documents": seed_corpus.summary(), "reuse_share": SHARES}
    out = tmp_path_factory.mktemp("xlsx")
    return {
        lang: load_workbook(export.write_workbook(tables, out / f"{lang}.xlsx", lang=lang)) for lang in ("zh", "en")
    }


def test_contents_sheet_first_then_a_sheet_per_table_in_the_report_language(books):
    assert books["zh"].sheetnames == ["说明", "文件一览", "共享文本覆盖率"]
    assert books["en"].sheetnames == ["Contents", "Documents", "Shared-passage coverage"]
    rows = list(books["en"]["Contents"].values)
    guide = [dict(zip(rows[0], values)) for values in rows[1:]]
    row = next(r for r in guide if r["Column"] == "share_pct")
    assert row["Sheet"] == "Shared-passage coverage" and row["CSV file"] == "tables/reuse_share.csv"
    assert row["Unit"] == "%" and row["Rows"] == "2" and row["Field"] == "Share (%)"
    assert len(guide) == len(SHARES.columns) + len(books["en"]["Documents"][1])


def test_every_sheet_has_a_frozen_bold_header_and_a_filter(books):
    for ws in books["zh"].worksheets:
        assert ws.freeze_panes == "A2", ws.title
        assert ws.auto_filter.ref == f"A1:{ws.cell(1, ws.max_column).column_letter}{ws.max_row}", ws.title
        assert ws.cell(1, 1).font.b, ws.title


def test_headers_numbers_and_formats(books):
    ws = books["zh"]["共享文本覆盖率"]
    assert [c.value for c in ws[1]][:3] == export.headers(["doc_a", "doc_b", "share_pct"], "zh")
    share = ws["C2"]
    assert share.value == 28.5 and share.number_format == '0.0"%"'  # the value itself is unchanged
    assert ws["D2"].value == 51 and isinstance(ws["D2"].value, int)
    assert ws["E2"].value == "=加大重点领域执法力度" and ws["E2"].data_type == "s"  # text, not a formula
    assert ws["E3"].value is None


def test_widths_fit_the_content_counting_cjk_double(books):
    ws = books["zh"]["文件一览"]
    headers = [c.value for c in ws[1]]
    title = ws.column_dimensions[ws.cell(1, headers.index("标题") + 1).column_letter].width
    doc_id = ws.column_dimensions["A"].width
    # 冠县2022年法治政府建设工作计划 and its longer siblings (about 20 to 28 characters, CJK double)
    assert 40 <= title <= workbook.MAX_WIDTH
    assert len("puyang-2022-integration-scheme") <= doc_id <= len("puyang-2022-integration-scheme") + 4


def test_the_table_dictionary_validates():
    data = export.table_dictionary()
    assert set(data["sections"]) == {"corpus", "coverage", "similarity", "metrics"}
    assert data["tables"]["reuse_share"]["zh"] == "共享文本覆盖率"
    assert export.caption("reuse_share", "en") == "Similarity and text reuse: Shared-passage coverage"
    assert export.caption("not_listed", "zh") == "not_listed"


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("{section: coverage, zh: 表, en: T, row: r}", "needs exactly the keys section, zh, en, sheet_en, row"),
        ("{section: nowhere, zh: 表, en: T, sheet_en: T, row: r}", "section 'nowhere' is not one of"),
        ("{section: coverage, zh: 表, en: T, sheet_en: 'a/b', row: r}", "sheet name 'a/b' must have at most 31"),
    ],
    ids=["missing-key", "unknown-section", "bad-sheet-name"],
)
def test_a_malformed_table_entry_is_refused(tmp_path, monkeypatch, entry, expected):
    bad = tmp_path / "tables.yaml"
    bad.write_text(f"sections:\n  coverage: {{zh: 主题覆盖, en: Topic coverage}}\ntables:\n  t: {entry}\n", "utf-8")
    monkeypatch.setattr(export, "TABLES_FILE", bad)
    export.table_dictionary.cache_clear()
    try:
        with pytest.raises(ValueError, match=f"tables.yaml: table 't'.*{re.escape(expected)}"):
            export.table_dictionary()
    finally:
        export.table_dictionary.cache_clear()


def test_rows_are_escaped_typed_and_linear(tmp_path):
    from analysis.report import sheetxml

    table = pd.DataFrame(
        {
            "text": ["a<b & c>d", "bell\x07", None],
            "flag": [True, False, True],
            "year": pd.Series([2023, None, 2021], dtype=object),  # numbers in an object column stay numbers
            "share_pct": [28.5, float("nan"), 0.1],
        }
    )
    xml = sheetxml.rows_xml(table, {3: "7"})
    assert '<t xml:space="preserve">a&lt;b &amp; c&gt;d</t>' in xml and "bell</t>" in xml
    assert '<c r="B2" t="b"><v>1</v></c>' in xml and '<c r="C2"><v>2023.0</v></c>' in xml
    assert '<c r="D2" s="7"><v>28.5</v></c>' in xml and xml.count("<row ") == 3 and '<row r="4">' in xml
    assert '<row r="4"><c r="B4"' in xml  # a missing value leaves its cell out, the next keeps its column
    path = export.write_workbook({"reuse_share": table}, tmp_path / "t.xlsx", lang="en")
    ws = load_workbook(path)["Shared-passage coverage"]
    assert [c.value for c in ws[2]] == ["a<b & c>d", True, 2023, 28.5]
    assert [c.value for c in ws[4]] == [None, True, 2021, 0.1]


def test_the_same_tables_write_the_same_bytes(tmp_path, seed_corpus, books):
    tables = {"documents": seed_corpus.summary(), "reuse_share": SHARES}
    first = export.write_workbook(tables, tmp_path / "first.xlsx", lang="zh")
    again = export.write_workbook(tables, tmp_path / "again.xlsx", lang="zh")
    assert first.read_bytes() == again.read_bytes()
    # what makes it so whatever the clock says: no entry nor property carries the time of writing
    with zipfile.ZipFile(first) as archive:
        assert {info.date_time for info in archive.infolist()} == {sheetxml.ENTRY_TIME}
    properties = books["zh"].properties
    assert properties.modified == properties.created == export.FIXED_TIME
