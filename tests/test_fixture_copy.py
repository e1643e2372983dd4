"""Issue 10: tests build their corpus from a copy of the seeds, not from corpus/documents/.

A document a researcher adds to ``corpus/documents/`` must not change what the tests see.
"""

from __future__ import annotations

import pandas as pd
from conftest import SEED_DOC_IDS  # tests/conftest.py: the seed doc_ids, one list

import corpus


def test_seed_corpus_is_loaded_from_a_copy_holding_exactly_the_manifest_files(seed_corpus, seed_dir):
    folder = seed_corpus.folder.resolve()
    assert folder == seed_dir.resolve()
    assert folder != corpus.paths.DOCUMENTS_DIR.resolve()
    assert corpus.paths.DOCUMENTS_DIR.resolve() not in folder.parents
    manifest = pd.read_csv(seed_dir / corpus.paths.MANIFEST_NAME, dtype=str)
    expected = set(manifest.source_file) | {corpus.paths.MANIFEST_NAME}
    assert {p.name for p in seed_dir.iterdir()} == expected
    for name in expected - {corpus.paths.MANIFEST_NAME}:  # byte-for-byte copies of the seeds
        assert (seed_dir / name).read_bytes() == (corpus.paths.DOCUMENTS_DIR / name).read_bytes(), name


def test_seed_corpus_has_the_seven_seed_documents(seed_corpus):
    assert set(seed_corpus.documents.doc_id) == set(SEED_DOC_IDS)
    assert len(seed_corpus.documents) == 7
    assert seed_corpus.problems.empty
