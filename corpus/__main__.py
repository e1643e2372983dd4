"""Command line: ``python -m corpus summary [--corpus DIR] [--csv FILE]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from . import load


def summary(folder: str | Path | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per document (``SUMMARY_COLUMNS``) and the problems met while loading."""
    c = load(folder)
    return c.summary(), c.problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m corpus", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    cmd = sub.add_parser("summary", help="one row per document")
    cmd.add_argument("--corpus", type=Path, default=None, help="folder of documents (default: corpus/documents)")
    cmd.add_argument("--csv", type=Path, default=None, help="also write the table as CSV (UTF-8 with BOM)")
    args = parser.parse_args(argv)
    try:
        docs, problems = summary(args.corpus)
    except FileNotFoundError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    with pd.option_context("display.max_columns", None, "display.width", 250, "display.max_colwidth", 40):
        print(docs.to_string(index=False))
    for row in problems.itertuples():
        print(f"note: {row.problem}", file=sys.stderr)
    if args.csv:
        args.csv.parent.mkdir(parents=True, exist_ok=True)
        docs.to_csv(args.csv, index=False, encoding="utf-8-sig")
    return 0


if __name__ == "__main__":
    sys.exit(main())
