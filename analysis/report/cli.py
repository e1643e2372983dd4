"""Command line: ``python -m analysis report [--corpus DIR] [--out DIR] [--lang zh|en] [--quiet] [--[no-]notebooks]``.

On a terminal each stage shows a progress bar (none with ``--quiet`` or when output goes to a log);
the run ends with a short summary of what it wrote.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import matplotlib

from analysis.report.pipeline import NOTEBOOK_MAX_DOCS, REPO_ROOT, ReportError, run
from corpus.guard import check_output_folder, guarded, remove_temporaries
from corpus.paths import documents_dir


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m analysis", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    cmd = sub.add_parser("report", help="write tables, figures, findings.md and run.json")
    cmd.add_argument("--corpus", type=Path, default=None, help="folder of documents (default: corpus/documents)")
    cmd.add_argument("--out", type=Path, default=None, help="output folder (default: figures/)")
    cmd.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of labels and headers")
    cmd.add_argument("--debug", action="store_true", help="print the full traceback when a step fails")
    cmd.add_argument("--quiet", action="store_true", help="no progress bars and no summary (errors still shown)")
    books = cmd.add_mutually_exclusive_group()
    books.add_argument(
        "--no-notebooks",
        dest="notebooks",
        action="store_false",
        help="do not execute the notebooks into OUT/notebooks/*.html",
    )
    books.add_argument(
        "--notebooks",
        dest="notebooks",
        action="store_true",
        help=f"execute the notebooks into OUT/notebooks/*.html even for a corpus of more than {NOTEBOOK_MAX_DOCS} "
        "documents (by default only up to that: executing them takes minutes)",
    )
    cmd.set_defaults(notebooks=None)
    cmd.add_argument(
        "--reference",
        type=Path,
        default=None,
        help="folder of higher-level texts (.txt) whose wording is template, not borrowing "
        "(default: analysis/data/reference, the 纲要 outline)",
    )
    cmd.add_argument(
        "--scheduler",
        default=None,
        help="address of a Dask scheduler (tcp://host:8786) to process the files that need processing on",
    )
    cmd.add_argument(
        "--jobs",
        type=_positive,
        default=None,
        help="processes for the corpus build and the sections (default: one per core; 1: one at a time)",
    )
    args = parser.parse_args(argv)
    matplotlib.use("Agg")  # the command line draws to files; library code never picks a backend
    result, code = _guarded_run(args)
    if result is None:
        return code
    for row in result["problems"].itertuples():
        print(f"note: {row.problem}", file=sys.stderr)
    for note in result["notes"]:
        print(f"note: {note}", file=sys.stderr)
    if not args.quiet:
        print(summary(result))
    return 0


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return number


def _guarded_run(args: argparse.Namespace) -> tuple[dict | None, int]:
    """Run the report with exit codes: 1 nothing produced (``ReportError``), 2 usage or
    environment error (output folder a file, inside the corpus, not writable; disk full),
    130 interrupted (Ctrl-C, SIGTERM; temporary files removed). See ``corpus.guard``.
    """
    out = args.out or REPO_ROOT / "figures"

    def work() -> dict:
        check_output_folder(out, corpus_folder=args.corpus or documents_dir())
        return run(
            args.corpus,
            out,
            lang=args.lang,
            progress=False if args.quiet else None,
            notebooks=args.notebooks,
            reference=args.reference,
            scheduler=args.scheduler,
            jobs=args.jobs,
        )

    return guarded(
        work,
        prog="python -m analysis report",
        debug=args.debug,
        failures=(ReportError, ValueError),
        cleanup=lambda: remove_temporaries(out),
    )


def summary(result: dict) -> str:
    """A few lines saying what the report wrote and where (paths relative to the output folder)."""
    out = Path(result["out"])
    by_kind: dict = {}
    for path in result["written"]:
        rel = path.relative_to(out)
        kind = rel.parts[0] + "/" if len(rel.parts) > 1 else rel.suffix.lstrip(".")
        by_kind.setdefault(kind, []).append(rel)
    notes = [f for f in result["findings"] if not f.computed]
    lines = [
        f"report written to {out}: {len(result['tables'])} tables, {len(result['figures'])} figures, "
        f"{len(result['findings']) - len(notes)} findings ({len(notes)} notes of what could not be computed)"
    ]
    for kind, paths in sorted(by_kind.items()):
        example = ", ".join(p.name for p in paths[:3]) + (", …" if len(paths) > 3 else "")
        lines.append(f"  {kind:<11} {len(paths):>3} files  ({example})")
    return "\n".join(lines)
