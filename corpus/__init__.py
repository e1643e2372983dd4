"""The corpus of county 法治政府建设 documents: load, clean, structure, tokenise.

    import corpus
    c = corpus.load()                 # the seed documents in corpus/documents/
    c = corpus.load("path/to/folder") # any folder; manifest.csv optional
    c.subset(doc_type="report", year=2023).body()   # new Corpus objects; c is never changed

Tables (pandas DataFrames; offsets are character offsets ``[start, end)`` into the decoded
text of the source file, ``c.source_text(doc_id)``):

documents (the docvars)
    doc_id, place (who published it: a county-level division, prefecture, province,
    department such as 开江县司法局, or an anonymised XX县), level (county / district /
    county-level city / prefecture / province / department), county (county-level places only),
    county_en, province, prefecture, adcode, doc_type (report / plan / scheme / assessment /
    opinion / summary / other), title, year_start, year_end (years covered), pub_year,
    issue_date (YYYY-MM-DD), doc_number (文号), issuer, and for each of these a
    ``<name>_source`` column saying where it came from (manifest, title, chrome, front, body,
    signature, filename, gazetteer, counties.csv; empty when unknown); source_file, n_chars
    (clean body characters), n_segments (body segments), simplified (True when the text was
    traditional Chinese and its clean text, sentences and tokens were converted to simplified
    characters; quotes still show the source as written), warnings (metadata neither stated
    nor inferred, ambiguous places with their candidates), sha256 (of the source file),
    start, end.
segments
    doc_id, seg_id, parent, level (depth, 1 = top), kind (front / part / section / item /
    subitem / point (一是…) / paragraph / chrome (page metadata inside the body region) / back),
    number, heading, text (clean text without marker and responsibility clauses), start, end,
    heading_start, heading_end (the heading's source span; empty at ``start`` when there is
    none), n_chars, order, in_body.
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

from pathlib import Path

from .files import DEFAULT_LIMITS, Limits
from .loader import load_tables
from .metadata import SUMMARY_COLUMNS, counties, doc_types
from .model import Corpus
from .paths import documents_dir
from .tokenize import Tokenizer

__all__ = ["SUMMARY_COLUMNS", "Corpus", "Limits", "Tokenizer", "counties", "doc_types", "load"]


def load(
    folder: str | Path | None = None,
    *,
    manifest: str | Path | None = None,
    lexicon: str | Path | None = None,
    stopwords: str | Path | None = None,
    cache: str | Path | bool = True,
    jobs: int | None = None,
    scheduler: str | None = None,
    follow_links: bool = False,
    limits: Limits = DEFAULT_LIMITS,
) -> Corpus:
    """Load a folder of documents (default: ``corpus/documents``) into an immutable Corpus.

    Parameters
    ----------
    folder : path, optional
        Folder holding .txt/.md/.html/.docx/.pdf files and optionally ``manifest.csv``
        (default: ``$FAZHI_CORPUS_DIR`` if set, else the seeds in ``corpus/documents``).
    manifest : path, optional
        A manifest file to use instead of ``folder/manifest.csv``.
    lexicon, stopwords : path, optional
        Word lists replacing ``corpus/data/lexicon.txt`` / ``stopwords.txt``.
    cache : bool or path, default True
        True: the default cache folder (``.cache/corpus`` or ``$FAZHI_CACHE_DIR``); a path: that
        folder; False: no cache.
    jobs : int, optional
        Worker processes when many files need processing (default: number of CPUs).
    scheduler : str, optional
        Address of a Dask scheduler (``tcp://host:8786``): files that need processing are
        processed on that cluster (``dask.distributed``) instead of local worker processes;
        results and the cache are the same. The workers need this package installed and the
        lexicon and stopword files at the same paths.
    follow_links : bool, default False
        Follow symbolic links whose target lies outside ``folder`` (links inside it are
        always followed; loops and dangling links are reported).
    limits : Limits, optional
        Largest file and largest inflated DOCX accepted (``corpus.Limits``; defaults in
        ``docs/reliability.md``).

    Returns
    -------
    Corpus
        Documents with docvars and provenance columns, segments, responsibilities,
        sentences, tokens and the problems met while loading.
    """
    folder = Path(folder) if folder else documents_dir()
    tables, files, problems, tokenizer = load_tables(
        folder,
        manifest=Path(manifest) if manifest else None,
        lexicon=Path(lexicon) if lexicon else None,
        stopwords=Path(stopwords) if stopwords else None,
        cache=cache,
        jobs=jobs,
        scheduler=scheduler,
        follow_links=follow_links,
        limits=limits,
    )
    return Corpus(problems=problems, tokenizer=tokenizer, folder=folder, files=files, **tables)
