"""LaTeX tables: escaping, captions, long and wide tables, and (marker ``latex``) compiling with xelatex.

Regression for issue 15: 17 of 24 ``.tex`` tables failed to compile as ``\\input`` into a paper
(``_`` unescaped in captions, tables wider than the page, long tables that could not break).
"""

from __future__ import annotations

import os
import shutil

import pandas as pd
import pytest

from analysis.report import export, latex

XELATEX = shutil.which("xelatex")


def require_xelatex():
    """Skip without xelatex on a developer machine; in CI (``CI`` set) its absence is a failure."""
    if XELATEX is None:
        if os.environ.get("CI"):
            pytest.fail("xelatex is missing in CI: .ci/run installs texlive-xetex, texlive-lang-chinese")
        pytest.skip("xelatex is not installed (.ci/run installs it)")


NASTY = pd.DataFrame(
    {
        "doc_id": ["guanxian-2023-report", "kaijiang-2021-plan"],
        "quote": ["整改到位率952% & 50$ #1 {a}_b ~^\\", "“三零”创建\n活动"],
        "share_pct": [28.456, 0.0],
        "county_known": [True, False],
        "label_en": ["Reconsideration", "Litigation"],
    }
)


def test_special_characters_are_escaped():
    assert latex.escape("a_b 95% & $1 #2 {x} ~^\\ c/d") == (
        r"a\_\allowbreak{}b 95\% \& \$1 \#2 \{x\} \textasciitilde{}\textasciicircum{}\textbackslash{} c/\allowbreak{}d"
    )
    text = latex.to_latex(
        NASTY,
        caption="指标_原文 100%",
        label="tab:nasty",
        headers=dict(zip(NASTY.columns, export.headers(NASTY.columns, "zh"))),
        dtypes={},
        lang="zh",
    )
    escaped = r"整改到位率952\% \& 50\$ \#1 \{a\}\_\allowbreak{}b \textasciitilde{}\textasciicircum{}\textbackslash{}"
    assert escaped in text
    assert r"\caption[指标\_\allowbreak{}原文 100\%]" in text
    assert "“三零”创建 活动" in text  # a line break inside a cell would end the row
    assert "28.456" in text and " 是 " in text and " 否 " in text
    assert "Reconsideration" not in text  # the English label column is not printed in a Chinese table


def test_long_table_is_a_longtable_cut_with_a_note():
    table = pd.DataFrame({"doc_id": [f"d{i}" for i in range(500)], "n_chars": range(500), "k": 12})
    text = latex.to_latex(
        table, caption="Long", label="tab:long", headers={"doc_id": "Document", "k": "k"}, dtypes={}, lang="en"
    )
    assert r"\begin{longtable}" in text and r"\endhead" in text and r"\toprule" in text
    # rows + caption + two header rows + the "continued" and "next page" rows
    assert text.count(r" \\" + "\n") == latex.MAX_ROWS + 5
    assert "first 200 of 500 rows shown" in text and "the same in every row: k 12" in text


def test_wide_short_table_is_transposed():
    table = pd.DataFrame({f"col{i}": [i, i + 1] for i in range(20)})
    text = latex.to_latex(table, caption="Wide", label="tab:wide", headers={}, dtypes={}, lang="en")
    assert r"\textbf{Field}" in text and "col19 & 19 & 20" in text


@pytest.mark.latex
def test_written_tables_compile_with_xelatex(tmp_path, seed_corpus):
    """Every table a section writes, in both languages, compiles as \\input into a ctexart document."""
    require_xelatex()
    from analysis.report.sections import metrics

    paths = []
    for lang in ("zh", "en"):
        tables = {"documents": seed_corpus.summary(), **metrics.section(seed_corpus, lang=lang).tables}
        tables["nasty"] = NASTY
        written = export.write_tables(tables, tmp_path / lang, lang=lang)
        paths += [p for p in written if p.suffix == ".tex"]
    result = latex.compile_tables(paths, tmp_path, xelatex=XELATEX)
    assert result.returncode == 0, result.stdout[-3000:]
    assert (tmp_path / "paper.pdf").stat().st_size > 10_000


def test_chosen_columns_are_printed_and_the_caption_names_the_others():
    table = pd.DataFrame({"doc_a": ["a", "b"], "doc_b": ["b", "a"], "n_units": [15, 22], "masked": ["x", "y"]})
    heads = dict(zip(table.columns, export.headers(table.columns, "en")))
    text = latex.to_latex(
        table, caption="Reuse", label="tab:r", headers=heads, dtypes={}, lang="en", columns=["doc_a", "n_units"]
    )
    header = next(line for line in text.splitlines() if line.startswith(r"\textbf"))
    assert header.count("&") == 1 and heads["n_units"] in header
    assert f"also in the CSV: {heads['doc_b']}, {heads['masked']}" in text


def test_a_table_too_wide_for_the_portrait_line_is_set_in_landscape():
    # ten columns of unbreakable identifiers: 10 × (10 + gap) display characters, more than the
    # portrait line holds at \footnotesize (91) or \scriptsize (105)
    wide = pd.DataFrame({f"id{i}": ["guanxian20", "kaijiang21"] for i in range(10)})
    text = latex.to_latex(wide, caption="Wide", label="tab:w", headers={}, dtypes={}, lang="zh")
    assert text.startswith(r"\begin{landscape}") and text.rstrip().endswith(r"\end{landscape}")
    assert r"\begin{longtable}" in text  # a landscape page breaks rows across pages, never a float
    narrow = latex.to_latex(wide.iloc[:, :3], caption="Narrow", label="tab:n", headers={}, dtypes={}, lang="zh")
    assert "landscape" not in narrow


def test_seed_reuse_table_prints_its_chosen_columns(tmp_path):
    chosen = export.table_dictionary()["tables"]["reuse"]["latex"]
    assert chosen[:2] == ["doc_a", "doc_b"] and "text" in chosen and "masked" not in chosen


def test_tables_beyond_the_latex_and_workbook_limits_are_csv_and_parquet_only(tmp_path, monkeypatch):
    from openpyxl import load_workbook

    from analysis.report import workbook

    monkeypatch.setattr(export, "LATEX_MAX_ROWS", 3)
    monkeypatch.setattr(workbook, "MAX_ROWS", 4)
    big = pd.DataFrame({"doc_id": [f"d{i}" for i in range(5)], "n_chars": range(5)})
    small = big.iloc[:2]
    notes: list = []
    written = export.write_tables({"documents": small, "reuse": big}, tmp_path, lang="en", notes=notes)
    names = sorted(p.name for p in written)
    assert names == ["documents.csv", "documents.tex", "reuse.csv", "reuse.parquet", "tables.xlsx"]
    assert pd.read_parquet(tmp_path / "tables" / "reuse.parquet").equals(big)
    assert notes == ["table reuse: 5 rows, no LaTeX copy, not in tables.xlsx; written as tables/reuse.csv and .parquet"]
    book = load_workbook(tmp_path / "tables" / "tables.xlsx")
    assert book.sheetnames == ["Contents", "Documents"]
    rows = list(book["Contents"].values)
    guide = [dict(zip(rows[0], r)) for r in rows[1:]]
    reuse = [r for r in guide if r["CSV file"] == "tables/reuse.csv"]
    assert reuse and all(r["Sheet"] == "—" and "not in this workbook" in r["Rows"] for r in reuse)
    assert reuse[0]["Rows"].startswith("5 (more than 4 rows")
