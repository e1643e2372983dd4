"""Every notebook executes headlessly without error, shows every chart inline, and is committed without outputs.

Regression for issue 15: the notebooks showed no charts (a backend forced on import); a chart cell is
a cell whose last statement is a figure (``sec.figures["name"]`` or ``ax.figure``), and each must have
an ``image/png`` output; no figure may fall back to its text repr (``<Figure size …>``).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest

from analysis.report import notebooks

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
FIGURE_REPR = re.compile(r"<Figure size [\d.]+x[\d.]+ with \d+ Axes>")


def is_chart_cell(source: str) -> bool:
    """True when the cell's last statement is a figure expression: ``x.figures[...]`` or ``x.figure``."""
    code = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))
    body = ast.parse(code).body
    if not body or not isinstance(body[-1], ast.Expr):
        return False
    last = body[-1].value
    if isinstance(last, ast.Subscript):
        return isinstance(last.value, ast.Attribute) and last.value.attr == "figures"
    return isinstance(last, ast.Attribute) and last.attr == "figure"


def test_chart_cells_are_recognised():
    assert is_chart_cell('x = 1\nsec.figures["reuse_share"]')
    assert is_chart_cell("ax = s.plot()\nax.figure")
    assert not is_chart_cell('sec.tables["reuse"]')
    assert not is_chart_cell("for f in sec.figures:\n    print(f)")
    assert not is_chart_cell("%matplotlib inline\nsorted(sec.figures)")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_thin(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert "def " not in cell.source and "class " not in cell.source, path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_notebook_draws_a_chart(path):
    nb = nbformat.read(path, as_version=4)
    assert any(is_chart_cell(cell.source) for cell in nb.cells if cell.cell_type == "code"), path.name


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_executes_with_its_charts_inline(path, tmp_path, seed_dir, seed_cache):
    # The same execution as the report's notebooks/*.html: the seed copy as CORPUS_DIR, the session's
    # seed cache for derived tables, figures a notebook saves into tmp_path. MPLBACKEND=Agg in the
    # shell must not matter: the kernel draws inline.
    nb = notebooks.execute(
        path,
        corpus_dir=seed_dir,
        figures_dir=tmp_path / "figures",
        env={"FAZHI_CACHE_DIR": str(seed_cache), "MPLBACKEND": "Agg"},
    )
    errors = [o for cell in nb.cells for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    charts = [cell for cell in nb.cells if cell.cell_type == "code" and is_chart_cell(cell.source)]
    for cell in charts:
        assert any("image/png" in o.get("data", {}) for o in cell.outputs), (path.name, cell.source)
    data = [o["data"] for cell in nb.cells for o in cell.get("outputs", []) if "data" in o]
    text_only = [d["text/plain"] for d in data if FIGURE_REPR.search(d.get("text/plain", "")) and "image/png" not in d]
    assert not text_only, path.name
    html = notebooks.to_html(nb, tmp_path / f"{path.stem}.html").read_text(encoding="utf-8")
    assert html.count("data:image/png;base64,") >= len(charts)
