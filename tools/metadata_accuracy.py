"""Metadata accuracy on the real documents of tests/data/realdocs (truth: SOURCES.tsv).

Usage: ``.venv/bin/python tools/metadata_accuracy.py [FOLDER]`` — FOLDER holds .txt files and the
SOURCES.tsv describing them (default: tests/data/realdocs). Prints a Markdown table per field
and the documents where a field is wrong; ``docs/metadata_accuracy.md`` is this output. The
same scoring is kept as a floor in ``tests/corpus/test_realdocs_metadata.py``.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

import pandas as pd

import corpus
from corpus.evaluate import FIELDS, accuracy, score

ROOT = Path(__file__).resolve().parents[1]


def main(folder: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        docs = Path(tmp) / "docs"
        docs.mkdir()
        for path in folder.glob("*.txt"):
            shutil.copy(path, docs / path.name)
        c = corpus.load(docs, cache=False)
    scored = score(c.documents, pd.read_csv(folder / "SOURCES.tsv", sep="\t", dtype=str))
    table = accuracy(scored)
    print("| field | right | documents | accuracy |\n|---|---|---|---|")
    for row in table.itertuples():
        print(f"| {row.field} | {row.n_right} | {row.n_documents} | {row.accuracy_pct:.1f}% |")
    print()
    for field in FIELDS:
        got = "years_got" if field == "year" else f"{field}_got"
        want = "year_want" if field == "year" else f"{field}_want"
        for row in scored[~scored[field]].itertuples():
            inferred, true = getattr(row, got) or "—", getattr(row, want) or "—"
            print(f"- {field} wrong in `{row.file}`: inferred {inferred}, true {true}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "tests" / "data" / "realdocs")
