"""Load a folder of documents into a ``Corpus``: discovery, manifest, cache, parallel work.

Per-file results are cached as Parquet under ``cache_dir()/<key>/`` where the key hashes
the file's bytes, its manifest rows, the tokeniser fingerprint (lexicon and stopwords) and
``CODE_VERSION`` (this package's code and every data file it reads); adding one document
processes one file. Files are processed in worker processes when more than
``PARALLEL_THRESHOLD`` need work. Deleting the cache loses nothing; a damaged entry is
rebuilt (``corpus.cache``). A bad file never stops the load: it becomes a row of the
problems table naming the file (``corpus.files`` for links, special files and limits).
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from importlib import metadata as importlib_metadata
from pathlib import Path

import pandas as pd

from . import cache as cache_store
from . import files as safe_files
from . import metadata
from .files import DEFAULT_LIMITS, FileProblem, Limits
from .paths import (
    COUNTIES_FILE,
    DATA_DIR,
    DOC_TYPES_FILE,
    LEXICON_FILE,
    MANIFEST_NAME,
    METADATA_FILE,
    PATTERNS_FILE,
    STOPWORDS_FILE,
    cache_dir,
    display_path,
)
from .process import process_file
from .read import SourceError
from .tokenize import Tokenizer

# Every data file per-document results depend on (the gazetteer's sidecar files are matched by name).
DATA_FILES = (COUNTIES_FILE, DOC_TYPES_FILE, PATTERNS_FILE, METADATA_FILE, *sorted(DATA_DIR.glob("gazetteer*")))


def _version(package: str) -> str:
    try:
        return importlib_metadata.version(package)
    except importlib_metadata.PackageNotFoundError:
        return "none"


def _code_version() -> str:
    """Hash of this package's source and the data files it reads (county table, document
    types, genre patterns): changing any of them invalidates cached tables."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.read_bytes())
    for path in DATA_FILES:
        digest.update(path.name.encode() + path.read_bytes())
    digest.update(f"opencc {_version('opencc')}".encode())  # the traditional -> simplified table
    return digest.hexdigest()[:12]


CODE_VERSION = _code_version()
PARALLEL_THRESHOLD = 8
TABLES = ("documents", "segments", "responsibilities", "sentences", "tokens")
EMPTY_COLUMNS = {
    "documents": ["doc_id", *metadata.SUMMARY_COLUMNS[1:], "county_en", "sha256", "start", "end"],
    "segments": ["doc_id", "seg_id", "parent", "level", "kind", "number", "heading", "text", "start", "end",
                 "heading_start", "heading_end", "n_chars", "order", "in_body"],
    "responsibilities": ["doc_id", "seg_id", "role", "name", "kind", "start", "end", "clause"],
    "sentences": ["doc_id", "seg_id", "sent_id", "text", "start", "end"],
    "tokens": ["doc_id", "seg_id", "sent_id", "token", "start", "end", "is_stop"],
}  # fmt: skip
IGNORED = {MANIFEST_NAME, "README.md", ".gitkeep"}


def discover(folder: Path, *, follow_links: bool = False) -> tuple[list[Path], list[tuple[str, str]]]:
    """Document files directly in ``folder`` (sorted) and (file, note) for entries skipped."""
    return safe_files.discover(folder, ignored=IGNORED, follow_links=follow_links)


def manifest_rows(folder: Path, path: Path) -> tuple[dict, list[str]]:
    """Manifest rows per file (by ``_entry`` path) and problems with the manifest ``path``.

    Paths are compared without following links (a link loop named in the manifest cannot stop
    the load); where a link may lead is decided by ``discover``.
    """
    if not path.exists():
        return {}, []
    table, problems = metadata.read_manifest(path)
    by_file: dict[Path, list[dict]] = {}
    root = _entry(folder, ".")
    for row in table.to_dict("records"):
        target = _entry(folder, row["source_file"])
        label = f"{MANIFEST_NAME}: row {row['doc_id'] or row['source_file']!r}"
        if root not in target.parents:
            problems.append(f"{label}: path {row['source_file']!r} is outside the corpus folder; row ignored")
        elif not os.path.lexists(target):
            problems.append(f"{label}: file {row['source_file']!r} does not exist; row ignored")
        else:
            by_file.setdefault(target, []).append(row)
    return by_file, problems


def _entry(folder: Path, name: str) -> Path:
    """``folder/name`` absolute and normalised (``..`` removed) without following links."""
    return Path(os.path.normpath(folder.absolute() / name))


def _cache_key(data: bytes, rows: list[dict], fingerprint: str) -> str:
    digest = hashlib.sha256(data)
    digest.update(json.dumps(rows, sort_keys=True, ensure_ascii=False).encode())
    digest.update(f"{fingerprint}|{CODE_VERSION}".encode())
    return digest.hexdigest()[:32]


def _work(args):
    """Process one file; with a cache folder the worker writes the tables there itself.

    Any error becomes ``{"error": message naming the file}``: one file never stops the load.
    """
    path, data, rows, lexicon, stopwords, target = args
    try:
        result = process_file(path, data, rows, _tokenizer(lexicon, stopwords))
    except SourceError as err:
        return {"error": str(err)}
    except Exception as err:
        return {"error": f"{path.name}: could not be processed ({type(err).__name__}: {err}); skipped"}
    if target is None:
        return result
    try:
        cache_store.write_entry(target, result, tables=TABLES, version=CODE_VERSION)
    except OSError as err:
        return {**result, "cache_error": f"cannot write the cache ({err.strerror or err})"}
    return {"cached": str(target), "text": result["text"]}


_TOKENIZERS: dict = {}


def _tokenizer(lexicon: Path, stopwords: Path) -> Tokenizer:
    key = (str(lexicon), str(stopwords))
    if key not in _TOKENIZERS:
        _TOKENIZERS[key] = Tokenizer(Path(lexicon), Path(stopwords))
    return _TOKENIZERS[key]


def load_tables(
    folder: Path,
    *,
    manifest: Path | None = None,
    lexicon: Path | None = None,
    stopwords: Path | None = None,
    cache: Path | str | bool = True,
    jobs: int | None = None,
    follow_links: bool = False,
    limits: Limits = DEFAULT_LIMITS,
):
    """Load every document of ``folder``; returns (tables, texts, problems, tokenizer)."""
    if not folder.is_dir():
        raise FileNotFoundError(f"corpus folder {folder} does not exist")
    tokenizer = _tokenizer(lexicon or LEXICON_FILE, stopwords or STOPWORDS_FILE)
    metadata.check_data_files()  # a broken counties.csv or gazetteer: one message, not one per document
    files, notes = discover(folder, follow_links=follow_links)
    rows, manifest_problems = manifest_rows(folder, manifest or folder / MANIFEST_NAME)
    problems = [(MANIFEST_NAME, p) for p in manifest_problems] + notes
    cache_root = _cache_root(cache, folder)
    results: dict = {}
    pending: list = []
    seen: dict[str, Path] = {}
    for path in files:
        try:
            data = safe_files.read_bytes(path, limits=limits)
            if path.suffix.lower() == ".docx":
                safe_files.check_docx(path, data, limits=limits)
        except FileProblem as err:
            problems.append((path.name, str(err)))
            continue
        sha = hashlib.sha256(data).hexdigest()
        if sha in seen:
            problems.append((path.name, f"{path.name}: duplicate of {seen[sha].name} (same content); skipped"))
            continue
        seen[sha] = path
        file_rows = rows.get(_entry(folder, path.name), [])
        stated = {r["sha256"] for r in file_rows if r.get("sha256")}
        if stated and stated != {sha}:
            problems.append(
                (
                    path.name,
                    f"{path.name}: content differs from the sha256 in {MANIFEST_NAME} "
                    "(file changed since it was described); loaded as it is now",
                )
            )
        key = _cache_key(data, file_rows, tokenizer.fingerprint)
        cached = _cached(cache_root / key, path) if cache_root else None
        if cached:
            results[path] = (sha, cached)
        else:
            pending.append((path, sha, key, (path, data, file_rows, tokenizer.lexicon_path, tokenizer.stopwords_path)))
    _run(pending, results, cache_root, jobs)
    return _assemble(files, results, problems, folder, tokenizer)


def _cache_root(cache: Path | str | bool, folder: Path) -> Path | None:
    """The cache folder to use, or None: caching off, not writable, or inside the corpus folder."""
    root = None if cache is False else cache_dir() if cache is True else Path(cache)
    if root is not None and folder.resolve() in [root.resolve(), *root.resolve().parents]:
        cache_store.LOG.warning("cache folder %s is inside the corpus folder; loading without a cache", root)
        return None
    return cache_store.usable_root(root)


def _cached(entry: Path, path: Path) -> dict | None:
    """The cached result for ``path``; a damaged entry is deleted (and rebuilt) with a warning."""
    try:
        return cache_store.read_entry(entry, tables=TABLES, version=CODE_VERSION)
    except cache_store.CacheDamaged as err:
        cache_store.discard(entry, str(err), path.name)
        return None


def _ignore_sigint() -> None:
    """Workers leave Ctrl-C to the main process, which stops them (no orphaned workers)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _parallel(work: list, jobs: int) -> list:
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=_ignore_sigint)
    try:
        outputs = list(pool.map(_work, work, chunksize=max(1, len(work) // (4 * jobs))))
    except BaseException:  # Ctrl-C, SIGTERM turned into an exception, a broken pool: stop every worker
        processes = list((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()
        for process in processes:
            process.join(timeout=5)
        raise
    pool.shutdown()
    return outputs


def _run(pending, results, cache_root, jobs) -> None:
    jobs = jobs or min(os.cpu_count() or 1, 8)
    work = [(*p[3], cache_root / p[2] if cache_root else None) for p in pending]
    if len(pending) > PARALLEL_THRESHOLD and jobs > 1:
        outputs = _parallel(work, jobs)
    else:
        outputs = [_work(w) for w in work]
    cache_failed = False
    for (path, sha, _, args), output in zip(pending, outputs):
        if "cached" in output:  # read back, so a fresh load and a cached one give identical dtypes
            back = _cached(Path(output["cached"]), path)
            output = {**back, "text": output["text"]} if back else _work((*args, None))
        if "cache_error" in output and not cache_failed:
            cache_store.LOG.warning("%s: %s; continuing without caching", path.name, output["cache_error"])
            cache_failed = True
        results[path] = (sha, output)


def _assemble(files, results, problems, folder, tokenizer):
    frames: dict[str, list[pd.DataFrame]] = {name: [] for name in TABLES}
    texts: dict[str, tuple] = {}
    texts_seen: dict[str, Path] = {}
    ids: set[str] = set()
    for path in files:
        if path not in results:
            continue
        sha, result = results[path]
        if "error" in result:
            problems.append((path.name, result["error"]))
            continue
        problems.extend((path.name, p) for p in result["problems"])
        tables = {k: v.copy() for k, v in result["tables"].items()}
        docs = tables["documents"]
        text_hash = hashlib.sha256("\n".join(tables["segments"]["text"]).encode()).hexdigest()
        if text_hash in texts_seen:
            problems.append(
                (path.name, f"{path.name}: same text as {texts_seen[text_hash].name} (duplicate document); skipped")
            )
            continue
        texts_seen[text_hash] = path
        renames = _unique_ids(docs["doc_id"].tolist(), ids)
        if renames:
            problems.append((path.name, f"{path.name}: doc_id(s) {sorted(renames)} already used; renamed"))
            for name in TABLES:
                if len(tables[name]):
                    tables[name]["doc_id"] = tables[name]["doc_id"].replace(renames)
            for name in ("segments", "responsibilities", "sentences", "tokens"):
                for column in ("seg_id", "parent", "sent_id"):
                    if column in tables[name] and len(tables[name]):
                        tables[name][column] = tables[name][column].map(partial(_rename, renames=renames))
        docs = tables["documents"]
        docs["source_file"] = display_path(path)
        docs["sha256"] = sha
        tables["documents"] = docs
        for doc_id in docs["doc_id"]:
            texts[doc_id] = (path, result.get("text"))
        for name in TABLES:
            frames[name].append(tables[name])
    out = {name: (pd.concat(frames[name], ignore_index=True) if frames[name] else pd.DataFrame()) for name in TABLES}
    for name, columns in EMPTY_COLUMNS.items():  # an empty table still has its columns
        if out[name].empty and not len(out[name].columns):
            out[name] = pd.DataFrame(columns=columns)
    problem_frame = pd.DataFrame(problems, columns=["file", "problem"])
    return out, texts, problem_frame, tokenizer


def _unique_ids(doc_ids: list[str], used: set[str]) -> dict:
    renames = {}
    for doc_id in doc_ids:
        new, n = doc_id, 2
        while new in used:
            new, n = f"{doc_id}-{n}", n + 1
        used.add(new)
        if new != doc_id:
            renames[doc_id] = new
    return renames


def _rename(value, renames):
    if not isinstance(value, str):
        return value
    head, sep, tail = value.partition(":")
    return renames.get(head, head) + sep + tail if sep else value
