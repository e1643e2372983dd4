"""Execute the project's notebooks headlessly and keep them as HTML a reader opens without Jupyter.

A notebook's ``parameters`` cell (tagged, as papermill does) holds its settings; :func:`execute`
adds a cell right after it that sets ``LANG``, ``CORPUS_DIR`` and ``FIGURES_DIR`` for this run, so a
report in English on another corpus gets notebooks in English on that corpus, and figures a notebook
saves go to the report's folder, never into the repository. The kernel draws with matplotlib's inline
backend: every figure a cell returns is an ``image/png`` output, embedded in the HTML.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from corpus.paths import REPO_ROOT

NOTEBOOKS_DIR = REPO_ROOT / "notebooks"
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
TIMEOUT_S = 1800  # per cell


def notebook_paths(folder: str | os.PathLike = NOTEBOOKS_DIR) -> list[Path]:
    """The numbered notebooks (``NN_name.ipynb``) of ``folder``, in order."""
    return sorted(Path(folder).glob("[0-9][0-9]_*.ipynb"))


def _parameter_cell(nb, values: dict):
    """A code cell setting ``values`` (only the names the parameters cell defines), or None."""
    import nbformat

    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            lines = [f"{name} = {value!r}" for name, value in values.items() if f"{name} =" in cell.source]
            injected = nbformat.v4.new_code_cell("\n".join(lines), metadata={"tags": ["injected-parameters"]})
            return index + 1, injected
    return None


def execute(
    path: str | os.PathLike,
    *,
    lang: str = "zh",
    corpus_dir: str | os.PathLike | None = None,
    figures_dir: str | os.PathLike | None = None,
    env: dict | None = None,
):
    """Run the notebook at ``path`` in a fresh kernel and return the executed notebook (nbformat).

    Parameters
    ----------
    lang : str
        Value of the notebook's ``LANG`` parameter.
    corpus_dir, figures_dir : path, optional
        Values of ``CORPUS_DIR`` and ``FIGURES_DIR`` (when the notebook has them); None keeps the
        notebook's own ``CORPUS_DIR`` and its ``FIGURES_DIR``.
    env : dict, optional
        Extra environment variables for the kernel (e.g. ``FAZHI_CACHE_DIR``).

    Raises
    ------
    nbclient.exceptions.CellExecutionError
        When a cell raises; the message names the cell and the error.
    """
    import nbformat
    from nbclient import NotebookClient

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    values: dict = {"LANG": lang}
    if corpus_dir is not None:
        values["CORPUS_DIR"] = str(corpus_dir)
    if figures_dir is not None:
        values["FIGURES_DIR"] = str(figures_dir)
    injected = _parameter_cell(nb, values)
    if injected is not None:
        nb.cells.insert(*injected)
    kernel_env = {**os.environ, **(env or {}), "MPLBACKEND": INLINE_BACKEND}  # inline charts, whatever the shell set
    kernel_env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), kernel_env.get("PYTHONPATH", "")) if p)
    client = NotebookClient(
        nb,
        timeout=TIMEOUT_S,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    # The kernel's own log (e.g. its transport warning) is not the report's output: cell errors still
    # arrive as error outputs and raise CellExecutionError.
    client.execute(env=kernel_env, stderr=subprocess.DEVNULL)
    return nb


def to_html(nb, path: str | os.PathLike) -> Path:
    """Write an executed notebook as one self-contained HTML file (figures embedded as PNG)."""
    from nbconvert import HTMLExporter

    from analysis.report.export import atomic_write

    body, _ = HTMLExporter(embed_images=True).from_notebook_node(nb)
    return atomic_write(Path(path), lambda tmp: tmp.write_text(body, encoding="utf-8"))
