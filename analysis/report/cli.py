"""Command line: ``python -m analysis report [--corpus DIR] [--out DIR] [--lang zh|en]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import matplotlib

from analysis.report.pipeline import REPO_ROOT, ReportError, run
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
    args = parser.parse_args(argv)
    matplotlib.use("Agg")  # the command line draws to files; library code never picks a backend
    result, code = _guarded_run(args)
    if result is None:
        return code
    for row in result["problems"].itertuples():
        print(f"note: {row.problem}", file=sys.stderr)
    print(
        f"report written to {result['out']}: {len(result['tables'])} tables, "
        f"{len(result['figures'])} figures, {len(result['findings'])} findings"
    )
    return 0


def _guarded_run(args: argparse.Namespace) -> tuple[dict | None, int]:
    """Run the report with exit codes: 1 nothing produced (``ReportError``), 2 usage or
    environment error (output folder a file, inside the corpus, not writable; disk full),
    130 interrupted (Ctrl-C, SIGTERM; temporary files removed). See ``corpus.guard``.
    """
    out = args.out or REPO_ROOT / "figures"

    def work() -> dict:
        check_output_folder(out, corpus_folder=args.corpus or documents_dir())
        return run(args.corpus, out, lang=args.lang)

    return guarded(
        work,
        prog="python -m analysis report",
        debug=args.debug,
        failures=(ReportError, ValueError),
        cleanup=lambda: remove_temporaries(out),
    )
