"""Shared fixtures: the seed corpus, loaded once per test session."""
from __future__ import annotations

import pytest

import corpus


@pytest.fixture(scope="session")
def seed_corpus():
    """The seven seed documents in corpus/documents/ (cached derived tables)."""
    return corpus.load()


@pytest.fixture(scope="session")
def seed_documents(seed_corpus):
    return seed_corpus.documents.set_index("doc_id")
