"""Every notebook runs on the smallest folders a researcher starts with (issue 11).

One document, or two documents of one county: no cross-county pair, no second county to compare
with, one year. A notebook must say so in its output instead of crashing on an empty table.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from tests.conftest import SEED_DOC_IDS

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
FOLDERS = {
    "one-document": ["guanxian-2023-report"],
    "one-county": ["guanxian-2022-plan", "guanxian-2023-report"],
}


@pytest.fixture(params=sorted(FOLDERS), scope="module")
def small_folder(request, tmp_path_factory, seed_dir):
    doc_ids = FOLDERS[request.param]
    assert set(doc_ids) <= set(SEED_DOC_IDS)
    folder = tmp_path_factory.mktemp(request.param)
    for name in doc_ids:
        shutil.copyfile(seed_dir / f"{name}.txt", folder / f"{name}.txt")
    return folder


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_on_a_small_folder(path, small_folder, tmp_path, monkeypatch):
    monkeypatch.setenv("FAZHI_CORPUS_DIR", str(small_folder))
    monkeypatch.setenv("FAZHI_CACHE_DIR", str(tmp_path / "cache"))
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    errors = [
        f"{o['ename']}: {o['evalue']}"
        for cell in nb.cells
        for o in cell.get("outputs", [])
        if o.get("output_type") == "error"
    ]
    assert not errors, errors
    outputs = [o for cell in nb.cells for o in cell.get("outputs", [])]
    printed = "".join(o.get("text", "") for o in outputs if o.get("name") == "stdout")
    if path.name.startswith("03_"):
        assert "no pair of documents from different counties" in printed
