"""Load a folder of documents into a ``Corpus``: discovery, manifest, cache, parallel work.

Per-file results are cached as Parquet under ``cache_dir()/<key>/`` where the key hashes
the file's bytes, its manifest rows, the tokeniser fingerprint and ``CODE_VERSION``; adding
one document processes one file. Files are processed in worker processes when more than
``PARALLEL_THRESHOLD`` need work. Deleting the cache loses nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from importlib import metadata as importlib_metadata
from pathlib import Path

import pandas as pd

from . import metadata
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
from .read import DOCUMENT_SUFFIXES, SourceError
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


def discover(folder: Path) -> tuple[list[Path], list[str]]:
    """Document files directly in ``folder`` (sorted) and notes on files skipped."""
    files, notes = [], []
    for path in sorted(folder.iterdir()):
        if path.name in IGNORED or path.name.startswith("."):
            continue
        if path.is_dir():
            notes.append(f"{path.name}: folder skipped (documents must be directly in {folder.name}/)")
        elif path.suffix.lower() in DOCUMENT_SUFFIXES:
            files.append(path)
        else:
            notes.append(f"{path.name}: skipped, not a document type ({', '.join(sorted(DOCUMENT_SUFFIXES))})")
    return files, notes


def manifest_rows(folder: Path, path: Path) -> tuple[dict, list[str]]:
    """Manifest rows per file (by resolved path) and problems with the manifest ``path``."""
    if not path.exists():
        return {}, []
    table, problems = metadata.read_manifest(path)
    by_file: dict[Path, list[dict]] = {}
    root = folder.resolve()
    for row in table.to_dict("records"):
        target = (folder / row["source_file"]).resolve()
        if root not in target.parents:
            problems.append(
                f"{MANIFEST_NAME}: row {row['doc_id'] or row['source_file']!r}: path "
                f"{row['source_file']!r} is outside the corpus folder; row ignored"
            )
        elif not target.is_file():
            problems.append(
                f"{MANIFEST_NAME}: row {row['doc_id'] or row['source_file']!r}: file "
                f"{row['source_file']!r} does not exist; row ignored"
            )
        else:
            by_file.setdefault(target, []).append(row)
    return by_file, problems


def _cache_key(data: bytes, rows: list[dict], fingerprint: str) -> str:
    digest = hashlib.sha256(data)
    digest.update(json.dumps(rows, sort_keys=True, ensure_ascii=False).encode())
    digest.update(f"{fingerprint}|{CODE_VERSION}".encode())
    return digest.hexdigest()[:32]


def _read_cache(folder: Path):
    if not (folder / "done").exists():
        return None
    tables = {name: pd.read_parquet(folder / f"{name}.parquet") for name in TABLES}
    extra = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    return {"tables": tables, **extra}


def _write_cache(folder: Path, result: dict) -> None:
    tmp = folder.with_name(folder.name + f".tmp{os.getpid()}")
    tmp.mkdir(parents=True, exist_ok=True)
    for name in TABLES:
        result["tables"][name].to_parquet(tmp / f"{name}.parquet", index=False)
    extra = {"problems": result["problems"], "encoding": result["encoding"]}
    (tmp / "meta.json").write_text(json.dumps(extra, ensure_ascii=False), encoding="utf-8")
    (tmp / "done").write_text("ok")
    if folder.exists():
        shutil.rmtree(folder, ignore_errors=True)
    try:
        os.replace(tmp, folder)
    except OSError:  # another process won the race; its copy is identical
        shutil.rmtree(tmp, ignore_errors=True)


def _work(args):
    """Process one file; with a cache folder the worker writes the tables there itself."""
    path, data, rows, lexicon, stopwords, target = args
    try:
        result = process_file(path, data, rows, _tokenizer(lexicon, stopwords))
    except SourceError as err:
        return {"error": str(err)}
    if target is None:
        return result
    _write_cache(target, result)
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
):
    """Load every document of ``folder``; returns (tables, texts, problems, tokenizer)."""
    if not folder.is_dir():
        raise FileNotFoundError(f"corpus folder {folder} does not exist")
    tokenizer = _tokenizer(lexicon or LEXICON_FILE, stopwords or STOPWORDS_FILE)
    files, notes = discover(folder)
    rows, manifest_problems = manifest_rows(folder, manifest or folder / MANIFEST_NAME)
    problems = [(MANIFEST_NAME, p) for p in manifest_problems] + [(n.split(":")[0], n) for n in notes]
    cache_root = None if cache is False else cache_dir() if cache is True else Path(cache)
    results: dict = {}
    pending: list = []
    seen: dict[str, Path] = {}
    for path in files:
        data = path.read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        if sha in seen:
            problems.append((path.name, f"{path.name}: duplicate of {seen[sha].name} (same content); skipped"))
            continue
        seen[sha] = path
        file_rows = rows.get(path.resolve(), [])
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
        cached = _read_cache(cache_root / key) if cache_root else None
        if cached:
            results[path] = (sha, cached)
        else:
            pending.append((path, sha, key, (path, data, file_rows, tokenizer.lexicon_path, tokenizer.stopwords_path)))
    _run(pending, results, cache_root, jobs)
    return _assemble(files, results, problems, folder, tokenizer)


def _run(pending, results, cache_root, jobs) -> None:
    jobs = jobs or min(os.cpu_count() or 1, 8)
    work = [(*p[3], cache_root / p[2] if cache_root else None) for p in pending]
    if len(pending) > PARALLEL_THRESHOLD and jobs > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            outputs = list(pool.map(_work, work, chunksize=max(1, len(work) // (4 * jobs))))
    else:
        outputs = [_work(w) for w in work]
    for (path, sha, _, _), output in zip(pending, outputs):
        if "cached" in output:  # read back, so a fresh load and a cached one give identical dtypes
            output = {**_read_cache(Path(output["cached"])), "text": output["text"]}
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
