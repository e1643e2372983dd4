"""Where things live: one place for every path the packages use."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent
DOCUMENTS_DIR = PACKAGE_DIR / "documents"
DATA_DIR = PACKAGE_DIR / "data"
MANIFEST_NAME = "manifest.csv"
COUNTIES_FILE = DATA_DIR / "counties.csv"
DOC_TYPES_FILE = DATA_DIR / "doc_types.csv"
LEXICON_FILE = DATA_DIR / "lexicon.txt"
STOPWORDS_FILE = DATA_DIR / "stopwords.txt"
PATTERNS_FILE = DATA_DIR / "patterns.yaml"
METADATA_FILE = DATA_DIR / "metadata.yaml"
GAZETTEER_FILE = DATA_DIR / "gazetteer.csv"


def documents_dir() -> Path:
    """The default corpus folder: ``FAZHI_CORPUS_DIR`` if set, else the seeds in ``corpus/documents``."""
    override = os.environ.get("FAZHI_CORPUS_DIR")
    return Path(override) if override else DOCUMENTS_DIR


def cache_dir() -> Path:
    """Directory for derived tables; ``FAZHI_CACHE_DIR`` overrides the default ``.cache/corpus``."""
    override = os.environ.get("FAZHI_CACHE_DIR")
    return Path(override) if override else REPO_ROOT / ".cache" / "corpus"


def display_path(path: Path) -> str:
    """Path relative to the repository root when inside it, else absolute."""
    path = Path(path).resolve()
    try:
        return path.relative_to(REPO_ROOT).as_posix()
    except ValueError:
        return path.as_posix()
