"""Where the analysis data files live: the one place for their paths."""

from __future__ import annotations

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
CODEBOOK_FILE = DATA_DIR / "codebook.yaml"
METRICS_FILE = DATA_DIR / "metrics.yaml"
COLUMNS_FILE = DATA_DIR / "columns.yaml"
TABLES_FILE = DATA_DIR / "tables.yaml"
TITLE_QUALIFIERS_FILE = DATA_DIR / "title_qualifiers.csv"
REFERENCE_DIR = DATA_DIR / "reference"  # higher-level texts (纲要, provincial schemes): template wording
