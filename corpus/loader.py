"""Load a folder of documents into a ``Corpus``: discovery, manifest, cache, parallel work.

Each file's tables are cached under an entry key hashing the file's bytes, its manifest rows,
the tokeniser fingerprint (lexicon and stopwords) and ``CODE_VERSION`` (this package's code and
every data file it reads), in one Arrow dataset per table (``corpus.cache``): adding one
document processes one file, and a warm load reads each table once as Arrow and converts it to
pandas once (``corpus.tables``: categoricals and 32-bit offsets). Files are processed in worker
processes when more than ``PARALLEL_THRESHOLD`` need work, or on a Dask cluster when a scheduler
address is given. Deleting the cache loses nothing; a damaged batch is rebuilt. A bad file
never stops the load: it becomes a row of the problems table naming the file (``corpus.files``
for links, special files and limits).
"""

from __future__ import annotations

import hashlib
import json
import os
from importlib import metadata as importlib_metadata
from pathlib import Path

from . import cache as cache_store
from . import files as safe_files
from . import metadata, tables
from .assemble import SourceFile, assemble
from .files import DEFAULT_LIMITS, FileProblem, Limits
from .guard import default_jobs, worker_pool
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
CLUSTER_TIMEOUT = "30s"  # waiting for a Dask scheduler to answer
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
    manifest, problems = metadata.read_manifest(path)
    by_file: dict[str, list[dict]] = {}
    root = _entry(folder, ".")
    for row in manifest:
        target = _entry(folder, row["source_file"])
        label = f"{MANIFEST_NAME}: row {row['doc_id'] or row['source_file']!r}"
        if not target.startswith(root + os.sep):
            problems.append(f"{label}: path {row['source_file']!r} is outside the corpus folder; row ignored")
        elif not os.path.lexists(target):
            problems.append(f"{label}: file {row['source_file']!r} does not exist; row ignored")
        else:
            by_file.setdefault(target, []).append(row)
    return by_file, problems


def _entry(folder: Path, name: str) -> str:
    """``folder/name`` absolute and normalised (``..`` removed) without following links."""
    return os.path.normpath(os.path.join(os.path.abspath(folder), name))


def _cache_key(sha: str, rows: list[dict], fingerprint: str) -> str:
    """The entry key: the file's SHA-256, its manifest rows, the tokeniser and the code version."""
    digest = hashlib.sha256(sha.encode())
    digest.update(json.dumps(rows, sort_keys=True, ensure_ascii=False).encode())
    digest.update(f"{fingerprint}|{CODE_VERSION}".encode())
    return digest.hexdigest()[:32]


def _work(args) -> dict:
    """Process one file into its Arrow tables (``corpus.tables``) and its record.

    Any error becomes ``{"error": message naming the file}``: one file never stops the load.
    """
    path, data, rows, lexicon, stopwords = args
    try:
        result = process_file(path, data, rows, _tokenizer(lexicon, stopwords))
    except SourceError as err:
        return {"error": str(err)}
    except Exception as err:
        return {"error": f"{path.name}: could not be processed ({type(err).__name__}: {err}); skipped"}
    segments = result["tables"]["segments"]
    text_hash = (
        hashlib.sha256("\n".join(segments["text"].to_pylist()).encode()).hexdigest() if segments.num_rows else ""
    )
    return {
        "arrow": result["tables"],
        "documents": result["documents"],
        "problems": result["problems"],
        "encoding": result["encoding"],
        "text_hash": text_hash,
        "text": result["text"],
    }


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
    scheduler: str | None = None,
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
    store = cache_store.Store.open(cache_root, version=CODE_VERSION) if cache_root else None
    found = _read_files(files, rows, folder, tokenizer, limits, problems, store)
    pieces: dict[str, list] = {name: [] for name in tables.NAMES}  # Arrow tables and cache parts
    if store is not None:
        _read_cached(store, found, pieces)
    pending = []
    for item in found:
        if item.record is None and _ready(item, limits, problems):
            pending.append(item)
    outputs = _run([f.work for f in pending], jobs, scheduler)
    fresh = []
    for item, output in zip(pending, outputs):
        if "error" in output:
            problems.append((item.path.name, output["error"]))
            continue
        item.record = {name: output[name] for name in cache_store.RECORD}
        item.record["rows"] = {name: output["arrow"][name].num_rows for name in tables.NAMES}
        item.text = output["text"]
        output["arrow"] = {name: cache_store.with_key(table, item.key) for name, table in output["arrow"].items()}
        fresh.append((item.key, output))  # the cache writes these keyed tables as they are
        for name in tables.NAMES:
            pieces[name].append(output["arrow"][name])
    if store is not None:
        _write_cached(store, fresh, pending[0].path.name if pending else "", folder, files)
    return assemble([f for f in found if f.record is not None], pieces, problems, tokenizer)


def _read_files(files, rows, folder, tokenizer, limits, problems, store) -> list[SourceFile]:
    """Identify each file by its SHA-256 (limits checked, duplicates and stale manifest checksums noted).

    A file whose hash the cache recorded for its unchanged ``os.stat`` and whose entry is cached
    is not read (``Store.known_sha``); any other is read once here, its bytes kept for the work.
    DOCX files are always read (their zip directory is checked before anything is inflated).
    """
    found: list[SourceFile] = []
    seen: dict[str, Path] = {}
    root = os.path.abspath(folder)
    for path in files:
        file_rows = rows.get(os.path.join(root, path.name), [])  # as ``_entry`` (a plain name)
        try:
            sha, data, key = _identify(path, file_rows, tokenizer, limits, store)
        except FileProblem as err:
            problems.append((path.name, str(err)))
            continue
        if sha in seen:
            problems.append((path.name, f"{path.name}: duplicate of {seen[sha].name} (same content); skipped"))
            continue
        seen[sha] = path
        stated = {r["sha256"] for r in file_rows if r.get("sha256")}
        if stated and stated != {sha}:
            problems.append(
                (
                    path.name,
                    f"{path.name}: content differs from the sha256 in {MANIFEST_NAME} "
                    "(file changed since it was described); loaded as it is now",
                )
            )
        work = (path, data, file_rows, tokenizer.lexicon_path, tokenizer.stopwords_path)  # data None: not read
        found.append(SourceFile(path=path, sha=sha, key=key, work=work))
    return found


def _identify(path, file_rows, tokenizer, limits, store) -> tuple[str, bytes | None, str]:
    """(SHA-256, bytes, cache key) of ``path``; bytes None when the cache knows the unchanged file and
    holds its entry."""
    info = safe_files.inspect(path, limits=limits)
    if store is not None and path.suffix.lower() != ".docx":
        sha = store.known_sha(os.path.abspath(path), info)
        key = _cache_key(sha, file_rows, tokenizer.fingerprint) if sha is not None else ""
        if sha is not None and key in store.index:
            return sha, None, key
    data = safe_files.read_bytes(path, limits=limits)
    if path.suffix.lower() == ".docx":
        safe_files.check_docx(path, data, limits=limits)
    sha = hashlib.sha256(data).hexdigest()
    if store is not None:
        store.hashed[os.path.abspath(path)] = (info, sha)
    return sha, data, _cache_key(sha, file_rows, tokenizer.fingerprint)


def _ready(item: SourceFile, limits: Limits, problems: list) -> bool:
    """Give ``item`` its bytes if they were not read (its cache batch turned out damaged).

    False, with a problem, when the file can no longer be read or no longer has the bytes it was
    identified by (changed during the load: the next load takes it as it is then).
    """
    path, data, *rest = item.work
    if data is not None:
        return True
    try:
        data = safe_files.read_bytes(path, limits=limits)
    except FileProblem as err:
        problems.append((path.name, str(err)))
        return False
    if hashlib.sha256(data).hexdigest() != item.sha:
        problems.append((path.name, f"{path.name}: changed while being loaded; skipped, load it again"))
        return False
    item.work = (path, data, *rest)
    return True


def _read_cached(store: cache_store.Store, found: list[SourceFile], pieces: dict) -> None:
    """Fill ``pieces`` and the files' records from the cache; damaged batches are discarded."""
    unknown = [f.path.name for f in found if f.key not in store.index]  # may have been in a damaged batch
    for batch, reason in store.damaged.items():
        store.discard(batch, reason, unknown)
    cached, records, damaged = store.read([f.key for f in found])
    for batch, reason in damaged.items():
        names = [f.path.name for f in found if batch in (store.index.get(f.key), store.foreign.get(f.key))]
        store.discard(batch, reason, names)
    for name in tables.NAMES:
        pieces[name].extend(cached[name])
    for item in found:
        item.record = records.get(item.key)


def _write_cached(store: cache_store.Store, fresh: list, first: str, folder: Path, files: list) -> None:
    """Write the fresh entries (if any) and the source hashes; a cache that cannot be written is left."""
    try:
        if fresh:
            store.write(fresh)
            store.compact()
        store.remember(os.path.abspath(folder), {os.path.abspath(p) for p in files})
    except OSError as err:
        cache_store.LOG.warning(
            "%s: cannot write the cache (%s); continuing without caching", first or folder.name, err.strerror or err
        )


def _cache_root(cache: Path | str | bool, folder: Path) -> Path | None:
    """The cache folder to use, or None: caching off, not writable, or inside the corpus folder."""
    root = None if cache is False else cache_dir() if cache is True else Path(cache)
    if root is not None and folder.resolve() in [root.resolve(), *root.resolve().parents]:
        cache_store.LOG.warning("cache folder %s is inside the corpus folder; loading without a cache", root)
        return None
    return cache_store.usable_root(root)


def _parallel(work: list, jobs: int) -> list:
    with worker_pool(jobs) as pool:
        return list(pool.map(_work, work, chunksize=max(1, len(work) // (4 * jobs))))


def _on_cluster(work: list, scheduler: str) -> list:
    """The per-file work on a Dask cluster (``dask.distributed``) at ``scheduler``.

    The workers need this package and the lexicon/stopword paths (a shared file system, or the
    same checkout on every machine); the file's bytes travel with the task.
    """
    try:
        from distributed import Client
    except ImportError:
        raise RuntimeError(
            "a Dask scheduler was given but dask.distributed is not installed: pip install '.[cluster]'"
        ) from None
    try:
        client = Client(scheduler, set_as_default=False, timeout=CLUSTER_TIMEOUT)
    except OSError as err:
        raise OSError(f"cannot reach the Dask scheduler at {scheduler} ({err})") from None
    with client:
        return client.gather(client.map(_work, work, pure=False))


def _run(work: list, jobs: int | None, scheduler: str | None) -> list:
    if not work:
        return []
    if scheduler:
        return _on_cluster(work, scheduler)
    jobs = jobs or min(default_jobs(), 8)
    if len(work) > PARALLEL_THRESHOLD and jobs > 1:
        return _parallel(work, jobs)
    return [_work(w) for w in work]
