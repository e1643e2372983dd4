"""Command line: ``python -m corpus summary [--corpus DIR] [--csv FILE] [--follow-links] [--max-text-mb N]
[--scheduler ADDRESS]``.

Exit codes: 0 the table was produced (problems with single files are notes on stderr, one
line each); 2 usage or environment error (folder missing, ``--csv`` a folder or inside the
corpus folder, cannot write); 130 interrupted (Ctrl-C, SIGTERM). See ``corpus.guard``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from . import load
from .files import DEFAULT_LIMITS, MB, Limits
from .guard import UsageError, atomic_write, check_output_file, guarded
from .metadata import DataFileError
from .paths import documents_dir
from .tokenize import LexiconError


def summary(folder: str | Path | None = None, **options) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per document (``SUMMARY_COLUMNS``) and the problems met while loading."""
    c = load(folder, **options)
    return c.summary(), c.problems


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m corpus", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    cmd = sub.add_parser("summary", help="one row per document")
    cmd.add_argument("--corpus", type=Path, default=None, help="folder of documents (default: corpus/documents)")
    cmd.add_argument("--csv", type=Path, default=None, help="also write the table as CSV (UTF-8 with BOM)")
    cmd.add_argument(
        "--follow-links", action="store_true", help="follow symbolic links leading outside the corpus folder"
    )
    cmd.add_argument(
        "--max-text-mb",
        type=float,
        default=DEFAULT_LIMITS.max_text_bytes / MB,
        help="largest .txt/.md/.html file read, in MiB (default: %(default)g)",
    )
    cmd.add_argument(
        "--max-file-mb",
        type=float,
        default=DEFAULT_LIMITS.max_file_bytes / MB,
        help="largest .docx/.pdf file read, in MiB (default: %(default)g)",
    )
    cmd.add_argument(
        "--scheduler", default=None, help="address of a Dask scheduler to process the files on (tcp://host:8786)"
    )
    cmd.add_argument("--debug", action="store_true", help="print the full traceback of an error")
    return parser


def _summary(args: argparse.Namespace) -> int:
    folder = args.corpus or documents_dir()
    if args.csv:
        check_output_file(args.csv, corpus_folder=folder)
    limits = Limits(max_text_bytes=int(args.max_text_mb * MB), max_file_bytes=int(args.max_file_mb * MB))
    try:
        docs, problems = summary(folder, follow_links=args.follow_links, limits=limits, scheduler=args.scheduler)
    except (LexiconError, DataFileError) as err:  # a data file the researcher edited: an environment error
        raise UsageError(str(err)) from None
    except OSError as err:
        if args.scheduler and "Dask scheduler" in str(err):
            raise UsageError(str(err)) from None
        raise
    with pd.option_context("display.max_columns", None, "display.width", 250, "display.max_colwidth", 40):
        print(docs.to_string(index=False))
    for row in problems.itertuples():
        print(f"note: {row.problem}", file=sys.stderr)
    if args.csv:
        atomic_write(args.csv, lambda tmp: docs.to_csv(tmp, index=False, encoding="utf-8-sig"))
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    code = guarded(lambda: _summary(args), prog="python -m corpus", debug=args.debug)[1]
    return code


if __name__ == "__main__":
    sys.exit(main())
