"""The corpus of county 法治政府建设 documents: load, clean, structure, tokenise.

    import corpus
    c = corpus.load()                 # the seed documents in corpus/documents/
    c = corpus.load("path/to/folder") # any folder; manifest.csv optional

Tables (pandas DataFrames; offsets are character offsets ``[start, end)`` into the decoded
text of the source file, ``c.source_text(doc_id)``):

documents
    doc_id, county, county_en, province, prefecture, doc_type (plan/scheme/report/assessment),
    title, year_start, year_end, issue_date (YYYY-MM-DD), doc_number (文号), issuer,
    source_file, n_chars (clean body characters), n_segments (body segments), warnings
    (metadata neither stated nor inferred), sha256 (of the source file), start, end.
segments
    doc_id, seg_id, parent, level (depth, 1 = top), kind (front/part/section/item/subitem/
    paragraph/back), number, heading, text (clean text without marker and responsibility
    clauses), start, end, heading_start, heading_end (the heading's source span; empty at
    ``start`` when there is none), n_chars, order, in_body.
responsibilities
    doc_id, seg_id, role (lead_leader/lead_unit/responsible_unit/cooperating_unit), name,
    kind (unit/person), start, end, clause.
sentences
    doc_id, seg_id, sent_id, text (clean), start, end.
tokens
    doc_id, seg_id, sent_id, token, start, end, is_stop.
problems
    file, problem — files or manifest rows that could not be used, and why.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .loader import load_tables, read_text
from .paths import DOCUMENTS_DIR
from .metadata import counties, doc_types
from .tokenize import Tokenizer

__all__ = ["Corpus", "load", "counties", "doc_types", "Tokenizer", "SUMMARY_COLUMNS"]

SUMMARY_COLUMNS = [
    "doc_id", "county", "province", "prefecture", "doc_type", "title", "year_start", "year_end",
    "issue_date", "doc_number", "issuer", "source_file", "n_chars", "n_segments", "warnings",
]


@dataclass
class Corpus:
    """Documents and their derived tables; see the module docstring for the columns."""

    documents: pd.DataFrame
    segments: pd.DataFrame
    responsibilities: pd.DataFrame
    sentences: pd.DataFrame
    tokens: pd.DataFrame
    problems: pd.DataFrame
    tokenizer: Tokenizer
    folder: Path
    _files: dict = field(default_factory=dict, repr=False)
    _texts: dict = field(default_factory=dict, repr=False)

    def source_text(self, doc_id: str) -> str:
        """Decoded text of the file holding ``doc_id``; all offsets index this string."""
        path, text = self._files[doc_id]
        if path not in self._texts:
            self._texts[path] = text if text is not None else read_text(path)
        return self._texts[path]

    def quote(self, doc_id: str, start: int, end: int) -> str:
        """The verbatim source text at ``[start, end)`` of ``doc_id``'s file."""
        return self.source_text(doc_id)[start:end]

    def summary(self) -> pd.DataFrame:
        """One row per document with ``SUMMARY_COLUMNS`` (what ``python -m corpus summary`` prints)."""
        docs = self.documents.reindex(columns=SUMMARY_COLUMNS).copy()
        for column in ("year_start", "year_end"):
            docs[column] = docs[column].astype("Int64")
        return docs

    def body(self) -> pd.DataFrame:
        """Segments of the documents' bodies (no front or back matter)."""
        return self.segments[self.segments["in_body"]]

    @property
    def tokenization(self) -> dict:
        """Which tokenisation produced the tokens (lexicon and stopword hash)."""
        return {"fingerprint": self.tokenizer.fingerprint, "lexicon": str(self.tokenizer.lexicon_path),
                "stopwords": str(self.tokenizer.stopwords_path)}


def load(folder: str | Path | None = None, *, lexicon: str | Path | None = None,
         stopwords: str | Path | None = None, cache: str | Path | bool | None = None,
         jobs: int | None = None) -> Corpus:
    """Load a folder of documents (default: ``corpus/documents``).

    Parameters
    ----------
    folder : path, optional
        Folder holding .txt/.md/.html/.docx/.pdf files and optionally ``manifest.csv``.
    lexicon, stopwords : path, optional
        Word lists replacing ``corpus/data/lexicon.txt`` / ``stopwords.txt``.
    cache : path or False, optional
        Cache folder (default ``.cache/corpus`` or ``$FAZHI_CACHE_DIR``); False disables it.
    jobs : int, optional
        Worker processes when many files need processing (default: number of CPUs).
    """
    tables, files, problems, tokenizer = load_tables(
        folder, lexicon=Path(lexicon) if lexicon else None,
        stopwords=Path(stopwords) if stopwords else None, cache=cache, jobs=jobs,
    )
    return Corpus(problems=problems, tokenizer=tokenizer, folder=Path(folder) if folder else DOCUMENTS_DIR,
                  _files=files, **tables)
