"""Command line: ``python -m analysis report [--corpus DIR] [--out DIR] [--lang zh|en]``."""

from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path

import matplotlib

from analysis.report.pipeline import ReportError, run


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
    try:
        result = run(args.corpus, args.out, lang=args.lang)
    except (ReportError, FileNotFoundError, ValueError) as err:
        print(f"report failed: {err}", file=sys.stderr)
        if args.debug:
            traceback.print_exc()
        return 1
    for row in result["problems"].itertuples():
        print(f"note: {row.problem}", file=sys.stderr)
    print(
        f"report written to {result['out']}: {len(result['tables'])} tables, "
        f"{len(result['figures'])} figures, {len(result['findings'])} findings"
    )
    return 0
