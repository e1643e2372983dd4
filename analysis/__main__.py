"""Command line: ``python -m analysis report [--corpus DIR] [--out DIR] [--lang zh|en]``."""

from __future__ import annotations

import sys

from .report.cli import main

if __name__ == "__main__":
    sys.exit(main())
