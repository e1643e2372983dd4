"""``python -m analysis report``: from documents to paper-ready tables, figures and findings.

Writes under OUT (default ``figures/``):

- ``tables/<name>.csv`` (UTF-8 with BOM), ``tables/<name>.tex`` (booktabs) and
  ``tables/tables.xlsx`` (every table, one sheet each) for documents, coverage, similarity,
  reuse, keyness, metrics, metric_comparison and the supporting tables of each analysis;
- ``<figure>.png`` (300 dpi) and ``<figure>.pdf`` (CJK font embedded as TrueType), named by content;
- ``findings.md``: findings with numbers, quotes and GB/T 7714 references;
- ``notebooks/<notebook>.html`` (with ``notebooks=True``; the command line does so for a corpus of at
  most ``NOTEBOOK_MAX_DOCS`` documents, or always with ``--notebooks``): each notebook executed on the
  same corpus in the same language, charts embedded;
- ``run.json``: package versions, data-file hashes, corpus hashes, parameters, git commit.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc
import hashlib
import json
import logging
import os
import platform
import shutil
import subprocess
import sys
import time
from concurrent.futures import as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from importlib import metadata as importlib_metadata
from pathlib import Path

import matplotlib.pyplot as plt
import pyarrow as pa
from threadpoolctl import threadpool_limits

import corpus
from analysis.paths import CODEBOOK_FILE, COLUMNS_FILE, METRICS_FILE, TABLES_FILE
from analysis.report import export, findings
from analysis.report.notebooks import execute as execute_notebook
from analysis.report.notebooks import notebook_paths, to_html
from analysis.report.sections import SECTIONS
from analysis.report.style import save_figure, use_style
from corpus.guard import available_mb, can_fork, default_jobs, worker_pool
from corpus.paths import (
    COUNTIES_FILE,
    DOC_TYPES_FILE,
    GAZETTEER_FILE,
    METADATA_FILE,
    PATTERNS_FILE,
    REPO_ROOT,
    display_path,
)

# With notebooks=None (the command line's default) the notebooks are executed only for a corpus of
# at most this many documents: executing the five takes minutes on the seeds and grows with the corpus
# (50 synthetic documents: 706 s of a 35-minute run on the loaded 2-core box).
NOTEBOOK_MAX_DOCS = 20
# Every data file that affects a result, hashed into run.json.
DATA_FILES = (
    CODEBOOK_FILE, METRICS_FILE, COLUMNS_FILE, COUNTIES_FILE, DOC_TYPES_FILE, PATTERNS_FILE, METADATA_FILE,
    GAZETTEER_FILE, TABLES_FILE,
)  # fmt: skip
# Every library that computes a result or reads or writes a file.
PACKAGES = (
    "pandas",
    "numpy",
    "scipy",
    "scikit-learn",
    "matplotlib",
    "seaborn",
    "jieba",
    "pyarrow",
    "pyyaml",
    "openpyxl",
    "pypdf",
    "python-docx",
    "jinja2",
    "fonttools",
    "justmytype-intl-cjk",
    "tqdm",
    "opencc",
    "nbconvert",
    "nbclient",
)


def run(
    source: corpus.Corpus | str | Path | None = None,
    out: str | Path | None = None,
    *,
    lang: str = "zh",
    progress: bool | None = None,
    keep_figures: bool = False,
    notebooks: bool | None = False,
    reference: str | Path | None = None,
    scheduler: str | None = None,
    jobs: int | None = None,
) -> dict:
    """Run every analysis and write the report.

    Parameters
    ----------
    source : Corpus or path, optional
        A loaded corpus, or a folder of documents to load (default: ``corpus/documents``).
    out : path, optional
        Output folder (default: ``figures/``).
    progress : bool, optional
        None: a progress bar on a terminal only (not in CI logs); False: never; True: always.
    notebooks : bool or None
        Also execute the notebooks on this corpus and write them as HTML under ``out/notebooks``;
        None (the command line's default): only for a corpus of at most ``NOTEBOOK_MAX_DOCS``
        documents (executing them takes minutes, and longer on a large corpus), else a note says so.
    reference : path, optional
        Folder of higher-level texts (provincial 实施方案, city 要点; UTF-8 ``.txt``) whose wording
        labels a shared passage ``template``; default ``analysis/data/reference`` (the 纲要 outline).
    scheduler : str, optional
        Address of a Dask scheduler: the corpus's files that need processing are processed on that
        cluster (``corpus.load(..., scheduler=)``); ignored when ``source`` is a Corpus.
    jobs : int, optional
        Worker processes of the corpus build (``corpus.load(..., jobs=)``) and sections computed at
        once, each in its own process (:func:`run_sections`); default: one per core. 1: one at a time.

    Returns a dict with 'tables' (name -> DataFrame; a table too long for a sheet is read from its
    Parquet file when asked for), 'figures' (names), 'findings',
    'out', 'problems', 'written' (paths) and 'notes' (notebooks that failed or were skipped, tables too
    large for LaTeX or Excel);
    with ``keep_figures`` also 'figures_open' (name -> Figure).
    """
    from tqdm import tqdm

    out = Path(out) if out else REPO_ROOT / "figures"
    use_style()
    # progress=None: shown on a terminal only (tqdm's disable=None); False: never.
    n_notebooks = len(notebook_paths()) if notebooks is not False else 0
    steps = tqdm(
        total=len(SECTIONS) + 3 + n_notebooks,
        desc="report",
        file=sys.stderr,
        disable=None if progress is None else not progress,
    )
    steps.set_postfix_str("corpus")
    timings: dict[str, float] = {}
    started = time.perf_counter()
    c = source if isinstance(source, corpus.Corpus) else corpus.load(source, scheduler=scheduler, jobs=jobs)
    timings["corpus"] = time.perf_counter() - started
    if c.documents.empty:
        problems = "; ".join(c.problems["problem"]) or "the folder holds no .txt, .md, .html, .docx or .pdf file"
        raise ReportError(f"no document could be loaded from {c.folder} ({problems})")
    steps.update()
    notebooks, notes = notebooks_wanted(notebooks, len(c.documents))
    if notes:
        steps.total -= n_notebooks
    tables = {"documents": c.summary()}
    started = time.perf_counter()
    done = _staged_sections(c, out, lang=lang, reference=reference, jobs=jobs, keep_figures=keep_figures, steps=steps)
    timings["sections"] = time.perf_counter() - started  # wall time of all sections and their figures
    steps.set_postfix_str("writing")
    started = time.perf_counter()
    written = export.write_table_files(tables, out / "tables", lang=lang, notes=notes)  # the documents table
    timings["write_tables"] = time.perf_counter() - started
    figures, found = {}, []
    for part in done:
        timings[part.name] = part.seconds
        timings["write_figures"] = timings.get("write_figures", 0.0) + part.figure_seconds
        timings["write_tables"] += part.table_seconds  # in the section's worker
        tables.update(part.tables)
        figures.update(part.figures)
        found.extend(part.findings)
        written += part.written
        notes += part.notes
    started = time.perf_counter()
    written.append(export.write_workbook(tables, out / "tables" / "tables.xlsx", lang=lang))
    timings["write_workbook"] = time.perf_counter() - started
    found = findings.usable(found, tables)  # nothing is said about a part that could not be computed
    text = findings.render(found, c.documents, lang=lang, validity=findings.validity_notes(tables, lang=lang))
    written.append(export.atomic_write(out / "findings.md", lambda tmp: tmp.write_text(text, encoding="utf-8")))
    steps.update()
    started = time.perf_counter()
    notes += _write_notebooks(c, out, lang, written, steps) if notebooks else []
    if notebooks:
        timings["notebooks"] = time.perf_counter() - started
    provenance = run_record(c, out, lang, written, timings=timings)
    written.append(
        export.atomic_write(
            out / "run.json",
            lambda tmp: tmp.write_text(json.dumps(provenance, ensure_ascii=False, indent=2), encoding="utf-8"),
        )
    )
    steps.update()
    steps.close()
    result = {
        "tables": export.Tables(tables),
        "figures": sorted(figures),
        "findings": found,
        "out": out,
        "problems": c.problems,
        "written": written,
        "notes": notes,
    }
    if keep_figures:
        result["figures_open"] = figures
    return result


def _staged_sections(c: corpus.Corpus, out: Path, **options) -> list[SectionDone]:
    """:func:`run_sections` with the figures and table files saved in a hidden folder of ``out`` and moved
    in only once every section has succeeded: a failed or interrupted report leaves no new file beside
    the previous run's."""
    stage = out / f".sections.{os.getpid()}.tmp"
    try:
        done = run_sections(c, stage, **options)
        for path in (path for part in done for path in part.written):
            (out / path.relative_to(stage)).parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, out / path.relative_to(stage))
        return [
            replace(
                part,
                written=[out / p.relative_to(stage) for p in part.written],
                tables={
                    k: t.moved(stage, out) if isinstance(t, export.StoredTable) else t for k, t in part.tables.items()
                },
            )
            for part in done
        ]
    finally:
        shutil.rmtree(stage, ignore_errors=True)


@dataclass(frozen=True)
class SectionDone:
    """What one section produced: its tables, findings and figures (name -> Figure when kept open,
    else None), the figure and table files it wrote, its seconds (analysis; drawing and saving the
    figures; writing the tables) and notes on tables too long for LaTeX or a sheet."""

    name: str
    tables: dict
    findings: list
    figures: dict
    written: list
    seconds: float
    figure_seconds: float
    table_seconds: float
    notes: list


def release_memory() -> None:
    """Hand memory freed but kept by the allocators back to the system: Arrow's pool and, with
    glibc, the C heap (``malloc_trim``; numpy's and pandas' freed arrays stay in it otherwise). One
    section after another on 1,000 documents, the process kept 0.3-0.4 GB more after each without it."""
    gc.collect()
    pa.default_memory_pool().release_unused()
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)


@functools.cache
def _glibc():
    """The C library when it is glibc (it has ``malloc_trim``), else None (macOS, musl)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None
    return libc if hasattr(libc, "malloc_trim") else None


def run_sections(
    c: corpus.Corpus,
    out: Path,
    *,
    lang: str,
    reference: str | Path | None = None,
    jobs: int | None = None,
    keep_figures: bool = False,
    steps=None,
) -> list[SectionDone]:
    """Every section of ``SECTIONS`` on ``c``, its figures saved under ``out``; results in ``SECTIONS`` order.

    The corpus's body tables are made first, once, and the memory then left decides how many
    sections run at once (:func:`section_jobs`). With ``jobs`` > 1 (default: one per core) the
    sections run at once in worker processes started by ``fork``: they share the loaded corpus, each draws
    and saves its own figures, and sends back its tables and findings. The results are the same
    as one after the other (``tests/analysis/test_report.py``). One after the other, here, with
    ``jobs=1``, with ``keep_figures`` (figures stay open objects) or where ``fork`` is not available.
    """
    body = c.body()
    for table in (c.segments, c.responsibilities, body.sentences, body.tokens):  # made once, shared
        len(table)
    # Arrow's allocator keeps the buffers the conversion freed for reuse (~380 MB for the body of 1,000
    # documents): handed back to the system before the sections run (and before workers fork, so none
    # of them inherits them), and before the memory left for the sections is measured
    release_memory()
    jobs = section_jobs(jobs, len(c.documents))
    if jobs < 2 or keep_figures or not can_fork():
        done = []
        for index in range(len(SECTIONS)):
            if steps is not None:
                steps.set_postfix_str(SECTIONS[index].NAME)
            done.append(_section(c, index, lang=lang, reference=reference, out=out, keep_figures=keep_figures))
            release_memory()  # what the section freed, before the next (1,000 documents: ~0.3-0.4 GB each)
            if steps is not None:
                steps.update()
        return done
    _FORKED["corpus"] = c
    threads = max(1, default_jobs() // jobs)
    try:
        with worker_pool(jobs, fork=True) as pool:
            futures = {
                pool.submit(_forked_section, index, threads=threads, lang=lang, reference=reference, out=out): index
                for index in range(len(SECTIONS))
            }
            results = {}
            for future in as_completed(futures):
                try:
                    results[futures[future]] = future.result()
                except BrokenProcessPool as err:  # a worker killed, e.g. by the kernel when memory ran out
                    left = ", ".join(SECTIONS[i].NAME for i in sorted(set(futures.values()) - set(results)))
                    raise ReportError(
                        f"analysis failed ({left} not finished): a worker process ended abruptly (out of "
                        "memory?); try --jobs 1, which computes one section at a time"
                    ) from err
                if steps is not None:
                    steps.set_postfix_str(results[futures[future]].name)
                    steps.update()
    finally:
        _FORKED.clear()
    return [results[index] for index in range(len(SECTIONS))]


LOG = logging.getLogger("analysis.report")
_FORKED: dict = {}  # the corpus the forked section workers read (set only while they run)
# Memory one section worker adds to the loaded corpus it shares, per document: the largest section
# worker's peak beyond the corpus, 7.8 GB at 10,000 synthetic reports (docs/benchmarks.md, seventh session).
WORKER_MB_PER_DOC = 0.8


def section_jobs(jobs: int | None, n_docs: int) -> int:
    """Section workers to run at once: ``jobs`` when given; by default one per core, but no more
    than the system's available memory holds at :data:`WORKER_MB_PER_DOC` each (at least one: the
    sections then run one after the other, each at its own peak instead of all peaks together)."""
    if jobs:
        return min(jobs, len(SECTIONS))
    wanted = min(default_jobs(), len(SECTIONS))
    free = available_mb()
    if free is None or wanted < 2:
        return wanted
    fits = int(free // (WORKER_MB_PER_DOC * max(n_docs, 1)))
    if fits < wanted:
        LOG.warning(
            "%d documents: %.1f GB of memory available, ~%.1f GB per section worker; computing %d section(s) "
            "at a time instead of %d",
            n_docs, free / 1024, WORKER_MB_PER_DOC * n_docs / 1024, max(fits, 1), wanted,
        )  # fmt: skip
    return max(1, min(wanted, fits))


def _forked_section(index: int, *, threads: int, **options) -> SectionDone:
    with threadpool_limits(limits=threads, user_api="blas"):  # the cores shared out, not oversubscribed
        done = _section(_FORKED["corpus"], index, keep_figures=False, **options)
    # a table too long for a sheet goes back as its Parquet file, not through the pipe into the main process
    return replace(done, tables=export.stored(done.tables, options["out"] / "tables"))


def _section(c, index: int, *, lang: str, reference, out: Path, keep_figures: bool) -> SectionDone:
    """Section ``SECTIONS[index]`` on ``c``: compute, then save its figures (closed unless kept) and write
    its tables' files (CSV, LaTeX, Parquet, Stata: :func:`analysis.report.export.write_table_files`)."""
    module = SECTIONS[index]
    name = module.NAME
    started = time.perf_counter()
    try:
        options = {"reference": reference} if name == "similarity" and reference is not None else {}
        section = module.section(c, lang=lang, **options)
    except Exception as err:
        raise ReportError(f"{name} analysis failed: {type(err).__name__}: {err}") from err
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    written = []
    for figure_name, fig in section.figures.items():
        written += save_figure(fig, out, figure_name)
        if not keep_figures:
            plt.close(fig)
    figures = {k: (v if keep_figures else None) for k, v in section.figures.items()}
    figure_seconds = time.perf_counter() - started
    notes: list[str] = []
    started = time.perf_counter()
    written += export.write_table_files(section.tables, out / "tables", lang=lang, notes=notes)
    table_seconds = time.perf_counter() - started
    return SectionDone(
        name, section.tables, list(section.findings), figures, written, seconds, figure_seconds, table_seconds, notes
    )


def notebooks_wanted(notebooks: bool | None, n_docs: int) -> tuple[bool, list[str]]:
    """(execute the notebooks?, notes): None means only up to ``NOTEBOOK_MAX_DOCS`` documents, and a
    note says when they are skipped for that reason; True and False are kept."""
    if notebooks is not None:
        return notebooks, []
    if n_docs <= NOTEBOOK_MAX_DOCS:
        return True, []
    note = f"notebooks not executed: {n_docs} documents, more than {NOTEBOOK_MAX_DOCS} (--notebooks executes them)"
    return False, [note]


def _write_notebooks(c: corpus.Corpus, out: Path, lang: str, written: list[Path], steps) -> list[str]:
    """Execute every notebook on ``c``'s folder and write it as HTML; return one note per failure."""
    import tempfile

    from nbclient.exceptions import CellExecutionError

    failed = []
    with tempfile.TemporaryDirectory(prefix="report-notebook-figures-") as scratch:
        for path in notebook_paths():
            steps.set_postfix_str(path.stem)
            try:
                nb = execute_notebook(path, lang=lang, corpus_dir=c.folder, figures_dir=scratch)
            except (CellExecutionError, TimeoutError, RuntimeError) as err:
                failed.append(f"notebook {path.name} failed: {str(err).strip().splitlines()[-1]}")
            else:
                written.append(to_html(nb, out / "notebooks" / f"{path.stem}.html"))
            steps.update()
    return failed


class ReportError(RuntimeError):
    """A step of the report failed; the message names the step."""


def run_record(c: corpus.Corpus, out: Path, lang: str, written: list[Path], *, timings: dict | None = None) -> dict:
    """What produced the report, so a figure in a paper can be reproduced.

    ``timings``: wall seconds per step (corpus, each section, write_tables, write_figures, write_workbook),
    recorded as ``seconds`` so a slow section at scale can be seen without a profiler.
    """
    hashes = {path.name: _sha(path) for path in DATA_FILES}
    tokenizer = c.tokenizer
    if tokenizer is not None:
        hashes["lexicon.txt"] = _sha(tokenizer.lexicon_path)
        hashes["stopwords.txt"] = _sha(tokenizer.stopwords_path)
    return {
        "command": "python -m analysis report",
        "parameters": {"corpus": display_path(c.folder), "out": str(out), "lang": lang},
        "git_commit": _git_commit(),
        "python": platform.python_version(),
        "packages": {name: _version(name) for name in PACKAGES},
        "tokenizer_fingerprint": tokenizer.fingerprint if tokenizer is not None else None,
        "data_file_sha256": hashes,
        "corpus": {
            row.doc_id: {"source_file": row.source_file, "sha256": row.sha256} for row in c.documents.itertuples()
        },
        "outputs": sorted(p.relative_to(out).as_posix() for p in written),
        "seconds": {name: round(value, 2) for name, value in (timings or {}).items()},
    }


def _sha(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _version(name: str) -> str | None:
    try:
        return importlib_metadata.version(name)
    except importlib_metadata.PackageNotFoundError:
        return None


def _git_commit() -> str | None:
    try:
        result = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=10)
        dirty = subprocess.run(
            ["git", "status", "--porcelain"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if result.returncode != 0:
        return None
    return result.stdout.strip() + ("+uncommitted" if dirty.stdout.strip() else "")
