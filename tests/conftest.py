"""Shared fixtures: a copy of the seed documents, and the seed corpus loaded from it once per session.

Tests never load the working folder ``corpus/documents/``: a document a researcher drops there
(or a row added to its manifest) must not change what the tests see. ``seed_dir`` copies the
seed files -- the manifest rows of the seven seed doc_ids, and the source files they name --
into a temporary folder; ``seed_corpus`` loads that copy with a cache of its own.
"""

from __future__ import annotations

import csv
import shutil

import pytest

import corpus
from corpus.paths import DOCUMENTS_DIR, MANIFEST_NAME

SEED_DOC_IDS = (
    "guanxian-2022-plan",
    "guanxian-2023-report",
    "kaijiang-2021-plan",
    "suixi-2021-2025-scheme",
    "puyang-2022-2025-scheme",
    "puyang-2022-assessment",
    "puyang-2022-integration-scheme",
)


def _seed_manifest() -> tuple[list[str], list[dict]]:
    """Header and the seed rows of ``corpus/documents/manifest.csv``."""
    with open(DOCUMENTS_DIR / MANIFEST_NAME, encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        rows = [row for row in reader if row["doc_id"] in SEED_DOC_IDS]
        return list(reader.fieldnames), rows


def seed_files() -> list[str]:
    """The seed source files, as named in the manifest's ``source_file`` column (in order, once each)."""
    return list(dict.fromkeys(row["source_file"] for row in _seed_manifest()[1]))


def pytest_generate_tests(metafunc):
    # A test taking ``seed_file`` runs once per seed source file (its name; read it from seed_dir).
    if "seed_file" in metafunc.fixturenames:
        metafunc.parametrize("seed_file", seed_files(), ids=str)


@pytest.fixture(scope="session")
def seed_dir(tmp_path_factory):
    """A copy of the seed documents: exactly the manifest's seed files plus ``manifest.csv``."""
    folder = tmp_path_factory.mktemp("seed-documents")
    header, rows = _seed_manifest()
    for name in dict.fromkeys(row["source_file"] for row in rows):
        shutil.copy2(DOCUMENTS_DIR / name, folder / name)
    with open(DOCUMENTS_DIR / MANIFEST_NAME, encoding="utf-8-sig", newline="") as f:
        all_rows = list(csv.DictReader(f))
    if len(all_rows) == len(rows):
        shutil.copy2(DOCUMENTS_DIR / MANIFEST_NAME, folder / MANIFEST_NAME)  # unchanged, byte for byte
    else:  # rows for documents added since: keep only the seeds'
        with open(folder / MANIFEST_NAME, "w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=header, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
    return folder


@pytest.fixture(scope="session")
def seed_cache(tmp_path_factory):
    """A cache folder for the session's loads of the seed copy."""
    return tmp_path_factory.mktemp("seed-cache")


@pytest.fixture(scope="session")
def seed_corpus(seed_dir, seed_cache):
    """The seven seed documents, loaded from the copy in ``seed_dir`` (cached derived tables)."""
    return corpus.load(seed_dir, cache=seed_cache)


@pytest.fixture(scope="session")
def seed_documents(seed_corpus):
    return seed_corpus.documents.set_index("doc_id")
