"""``python -m analysis report``: every output, both languages, determinism, provenance.

Slow tier: the module-scoped fixtures run the whole report (twice, plus a cold-cache rerun).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import corpus
from analysis.report import export
from analysis.report import pipeline as report

pytestmark = pytest.mark.slow

CJK = re.compile(r"[\u4e00-\u9fff]")
CONTRACT_TABLES = (
    "documents",
    "coverage",
    "coverage_validity",
    "similarity",
    "reuse",
    "reuse_share",
    "keyness",
    "metrics",
    "metric_comparison",
)


def _report(out: Path, *extra: str, env: dict | None = None) -> subprocess.CompletedProcess:
    # The notebooks' HTML copies are tested in tests/test_notebooks.py (same functions), not run again here.
    return subprocess.run(
        [sys.executable, "-m", "analysis", "report", "--out", str(out), "--no-notebooks", *extra],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=1800,
    )


@pytest.fixture(scope="module")
def zh_out(tmp_path_factory, seed_dir, seed_cache):
    out = tmp_path_factory.mktemp("report-zh")
    # the sections at once in forked workers (also on a one-core runner); compared with --jobs 1 below
    result = _report(out, "--corpus", str(seed_dir), "--jobs", "3", env={"FAZHI_CACHE_DIR": str(seed_cache)})
    assert result.returncode == 0, result.stderr
    (out.parent / f"{out.name}.stdout").write_text(result.stdout, encoding="utf-8")
    assert "\r" not in result.stderr  # no progress bar when the output is not a terminal (CI logs)
    return out


@pytest.fixture(scope="module")
def en_run(tmp_path_factory, seed_corpus):
    out = tmp_path_factory.mktemp("report-en")
    return report.run(seed_corpus, out, lang="en", progress=False, keep_figures=True)


def test_every_contract_table_is_written_three_ways(zh_out):
    for name in CONTRACT_TABLES:
        csv = zh_out / "tables" / f"{name}.csv"
        assert csv.read_bytes().startswith(b"\xef\xbb\xbf"), name  # Excel reads UTF-8 with BOM
        assert "\\toprule" in (zh_out / "tables" / f"{name}.tex").read_text(encoding="utf-8")
    sheets = pd.read_excel(zh_out / "tables" / "tables.xlsx", sheet_name=None)
    titles = export.table_dictionary()["tables"]
    assert next(iter(sheets)) == "说明"
    assert {titles[name]["zh"] for name in CONTRACT_TABLES} <= set(sheets)


def test_every_table_has_a_caption_and_a_sheet_name(zh_out):
    """Each table the report writes is in analysis/data/tables.yaml (caption, section, sheet names)."""
    written = {p.stem for p in (zh_out / "tables").glob("*.csv")}
    assert written <= set(export.table_dictionary()["tables"]), sorted(
        written - set(export.table_dictionary()["tables"])
    )


def test_latex_column_choices_name_columns_of_their_tables(zh_out):
    """A table's ``latex`` entry in tables.yaml lists columns the table has (else they would silently
    not print); the .tex of such a table prints exactly the varying ones of them."""
    entries = export.table_dictionary()["tables"]
    chosen = {name: entry["latex"] for name, entry in entries.items() if "latex" in entry}
    assert {"reuse", "metrics", "coverage"} <= set(chosen)
    for name, columns in chosen.items():
        path = zh_out / "tables" / f"{name}.csv"
        header = pd.read_csv(path, encoding="utf-8-sig", nrows=0).columns
        assert set(columns) <= set(header), (name, sorted(set(columns) - set(header)))
    tex = (zh_out / "tables" / "reuse.tex").read_text(encoding="utf-8")
    assert "另有" in tex and "见CSV" in tex  # the caption names what is left out


def test_the_run_ends_with_a_summary_of_what_it_wrote(zh_out):
    summary = (zh_out.parent / f"{zh_out.name}.stdout").read_text(encoding="utf-8")
    assert re.match(rf"report written to {re.escape(str(zh_out))}: \d+ tables, \d+ figures, \d+ findings", summary)
    assert "tables/" in summary and "findings.md" not in summary.splitlines()[0]


@pytest.mark.latex
def test_every_tex_table_the_report_writes_compiles(zh_out, tmp_path):
    """Issue 15: every .tex compiles as \\input into a minimal ctexart document with xelatex."""
    from analysis.report import latex

    xelatex = shutil.which("xelatex")
    if xelatex is None:
        if os.environ.get("CI"):
            pytest.fail("xelatex is missing in CI: .ci/run installs texlive-xetex, texlive-lang-chinese")
        pytest.skip("xelatex is not installed (.ci/run installs it)")
    tables = sorted((zh_out / "tables").glob("*.tex"))
    assert len(tables) >= len(CONTRACT_TABLES)
    result = latex.compile_tables(tables, tmp_path, xelatex=xelatex)
    assert result.returncode == 0, result.stdout[-3000:]


def test_documents_table_has_the_summary_columns(zh_out):
    docs = pd.read_csv(zh_out / "tables" / "documents.csv", encoding="utf-8-sig")
    assert list(docs.columns) == corpus.SUMMARY_COLUMNS
    assert len(docs) == 7


def test_figures_are_png_and_pdf_pairs_named_by_content(zh_out):
    pngs = {p.stem for p in zh_out.glob("*.png")}
    pdfs = {p.stem for p in zh_out.glob("*.pdf")}
    assert pngs == pdfs and len(pngs) >= 6
    assert not any(re.fullmatch(r"fig\d+", name) for name in pngs)
    assert {"coverage_heatmap", "reuse_share"} <= pngs


def test_pdf_figures_embed_a_subset_truetype_cjk_font(zh_out):
    from pypdf import PdfReader

    for pdf in zh_out.glob("*.pdf"):
        fonts = []
        for page in PdfReader(pdf).pages:
            for font in page["/Resources"]["/Font"].values():
                font = font.get_object()
                if font["/Subtype"] == "/Type0":
                    descendant = font["/DescendantFonts"][0].get_object()
                    descriptor = descendant["/FontDescriptor"].get_object()
                    fonts.append((str(font["/BaseFont"]), descendant["/Subtype"], "/FontFile2" in descriptor))
        cjk = [f for f in fonts if "CJK" in f[0] or "SC" in f[0] or "Hei" in f[0]]
        assert cjk, f"{pdf.name}: no CJK font embedded ({fonts})"
        for base_font, subtype, embedded in cjk:
            assert re.match(r"/[A-Z]{6}\+", base_font), f"{pdf.name}: font not subset"
            assert subtype == "/CIDFontType2" and embedded, f"{pdf.name}: not TrueType-embedded"


def test_run_record_says_what_produced_the_report(zh_out):
    record = json.loads((zh_out / "run.json").read_text(encoding="utf-8"))
    assert {"git_commit", "packages", "tokenizer_fingerprint", "data_file_sha256", "corpus", "parameters"} <= set(
        record
    )
    assert {"codebook.yaml", "metrics.yaml", "lexicon.txt", "stopwords.txt"} <= set(record["data_file_sha256"])
    assert record["corpus"]["guanxian-2023-report"]["sha256"].startswith("09eada6b")


def test_findings_cite_sources_and_quotes_are_verbatim(zh_out, en_run, seed_corpus):
    text = (zh_out / "findings.md").read_text(encoding="utf-8")
    assert "冠政办发〔2022〕4号[Z]. 2022-04-13." in text  # GB/T 7714: 责任者. 题名: 文号[Z]. 日期.
    quotes = [q for f in en_run["findings"] for q in f.quotes]
    assert quotes
    for quote in quotes:
        assert seed_corpus.source_text(quote.doc_id)[quote.start : quote.end] == quote.text
        rendered = "\n".join(f"> {line}" if line.strip() else ">" for line in quote.text.split("\n"))
        assert rendered in text
        assert f"`{quote.doc_id}`, 字符位置 {quote.start}–{quote.end}" in text


def test_every_number_in_the_findings_is_in_its_table(en_run):
    tables = en_run["tables"]
    assert en_run["findings"]
    for finding in en_run["findings"]:
        table = tables[finding.table]
        cells = set()
        for column in table.columns:
            for value in table[column].dropna():
                try:
                    cells.add(round(float(value), 2))
                except (TypeError, ValueError):
                    cells.add(str(value))
        for number in finding.numbers:
            key = round(float(number), 2) if isinstance(number, (int, float)) else str(number)
            assert key in cells, (finding.key, number, finding.table)


def test_english_report_has_no_chinese_in_figure_labels_or_headers(en_run):
    for name, fig in en_run["figures_open"].items():
        for ax in fig.axes:
            labels = [ax.get_xlabel(), ax.get_ylabel(), ax.get_title()]
            quoted = getattr(ax, "source_text_axes", set())  # analysis.style.mark_source_text
            if "x" not in quoted:
                labels += [t.get_text() for t in ax.get_xticklabels()]
            if "y" not in quoted:
                labels += [t.get_text() for t in ax.get_yticklabels()]
            legend = ax.get_legend()
            if legend:
                labels += [t.get_text() for t in legend.get_texts()]
            assert not any(CJK.search(label) for label in labels), (name, [text for text in labels if CJK.search(text)])
        if fig._suptitle is not None:
            assert not CJK.search(fig._suptitle.get_text()), name
    sheets = pd.read_excel(en_run["out"] / "tables" / "tables.xlsx", sheet_name=None)
    for name, sheet in sheets.items():
        assert not CJK.search(name), name
        assert not any(CJK.search(str(c)) for c in sheet.columns), name


def test_report_is_deterministic_and_cache_free(zh_out, tmp_path, seed_dir):
    """A cold cache and the sections one at a time (``--jobs 1``; zh_out ran them at once in forked
    processes, issue 16) write the same tables, findings and files."""
    again = tmp_path / "again"
    result = _report(
        again, "--corpus", str(seed_dir), "--jobs", "1", env={"FAZHI_CACHE_DIR": str(tmp_path / "fresh-cache")}
    )  # cold cache
    assert result.returncode == 0, result.stderr
    for csv in sorted((zh_out / "tables").glob("*.csv")):
        assert csv.read_bytes() == (again / "tables" / csv.name).read_bytes(), csv.name
    assert (zh_out / "findings.md").read_bytes() == (again / "findings.md").read_bytes()
    files = {p.relative_to(zh_out) for p in zh_out.rglob("*") if p.is_file()}
    assert files == {p.relative_to(again) for p in again.rglob("*") if p.is_file()}
    sections = json.loads((again / "run.json").read_text(encoding="utf-8"))["seconds"]
    assert {"coverage", "similarity", "metrics", "sections", "write_tables", "write_figures"} <= set(sections)


def test_report_on_another_folder_and_a_clear_failure(tmp_path, seed_dir):
    folder = tmp_path / "docs"
    folder.mkdir()
    source = seed_dir / "guanxian-2023-report.txt"
    (folder / "report.txt").write_bytes(source.read_bytes())
    (folder / "empty.txt").write_bytes(b"")
    result = _report(tmp_path / "out", "--corpus", str(folder))
    assert result.returncode == 0, result.stderr
    assert "empty.txt: file is empty" in result.stderr
    metrics = pd.read_csv(tmp_path / "out" / "tables" / "metrics.csv", encoding="utf-8-sig")
    received = metrics[metrics.metric == "reconsideration_received"]
    assert received.value.tolist() == [91]
    missing = _report(tmp_path / "out2", "--corpus", str(tmp_path / "nowhere"))
    assert missing.returncode == 2  # a usage error (issue 14: exit codes)
    assert "does not exist" in missing.stderr and "nowhere" in missing.stderr


def test_every_report_column_is_described_in_the_column_dictionary(en_run):
    from analysis.report.export import column_dictionary

    described = column_dictionary()
    missing = {(name, col) for name, table in en_run["tables"].items() for col in table.columns if col not in described}
    assert not missing, sorted(missing)


def test_malformed_column_dictionary_names_the_entry(tmp_path, monkeypatch):
    from analysis.report import export

    bad = tmp_path / "columns.yaml"
    bad.write_text("doc_id: {zh: 文档编号}\n", encoding="utf-8")
    monkeypatch.setattr(export, "COLUMNS_FILE", bad)
    export.column_dictionary.cache_clear()
    try:
        with pytest.raises(ValueError, match="column 'doc_id' needs 'zh' and 'en'"):
            export.column_dictionary()
    finally:
        export.column_dictionary.cache_clear()
