"""The on-disk cache of per-file tables: disposable and self-healing.

An entry is a folder ``<root>/<key>/`` holding one Parquet file per table and ``meta.json``
(written last) with the entry's key, the code version and the SHA-256 of every Parquet
file. Reading checks all three: a corrupt, truncated or swapped file, an entry copied under
another key, one written by another version of the code, or one missing a part raises
``CacheDamaged``; the loader then logs one warning, deletes the entry and rebuilds it. A
cache folder that cannot be written (a file in its place, read-only, disk full) turns
caching off for the load with one warning; results never depend on the cache. Temporary
entries of a process killed while writing are removed after an hour.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import shutil
import time
import uuid
from pathlib import Path

import pandas as pd

LOG = logging.getLogger("corpus")
META = "meta.json"


class CacheDamaged(Exception):
    """A cache entry that cannot be trusted; the message says why."""


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_entry(folder: Path, *, tables: tuple[str, ...], version: str) -> dict | None:
    """The cached result in ``folder``; None when there is none.

    Raises
    ------
    CacheDamaged
        The entry exists but is incomplete, corrupt, swapped or from another code version.
    """
    meta_path = folder / META
    if not folder.exists():
        return None
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise CacheDamaged(f"unreadable {META} ({type(err).__name__})") from None
    if not isinstance(meta, dict) or meta.get("version") != version:
        raise CacheDamaged("written by another version of the code")
    if meta.get("key") != folder.name:
        raise CacheDamaged(f"holds the entry of key {str(meta.get('key'))[:12]}… (swapped)")
    checksums = meta.get("checksums") or {}
    out = {}
    for name in tables:
        path = folder / f"{name}.parquet"
        try:
            data = path.read_bytes()
            if hashlib.sha256(data).hexdigest() != checksums.get(name):
                raise CacheDamaged(f"{path.name} does not match its checksum (corrupt, truncated or swapped)")
            out[name] = pd.read_parquet(io.BytesIO(data))
        except CacheDamaged:
            raise
        except Exception as err:
            raise CacheDamaged(f"{path.name} unreadable ({type(err).__name__})") from None
    return {"tables": out, "problems": meta.get("problems", []), "encoding": meta.get("encoding", "")}


def write_entry(folder: Path, result: dict, *, tables: tuple[str, ...], version: str) -> None:
    """Write ``result`` as the entry ``folder`` (atomically: a temporary folder, then a rename).

    Raises
    ------
    OSError
        The cache folder cannot be written (the caller turns caching off).
    """
    tmp = folder.with_name(f"{folder.name}.tmp{os.getpid()}-{uuid.uuid4().hex[:8]}")
    try:
        tmp.mkdir(parents=True)
        checksums = {}
        for name in tables:
            path = tmp / f"{name}.parquet"
            result["tables"][name].to_parquet(path, index=False)
            checksums[name] = _sha(path)
        meta = {
            "key": folder.name,
            "version": version,
            "checksums": checksums,
            "problems": result["problems"],
            "encoding": result["encoding"],
        }
        (tmp / META).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        if folder.exists():
            shutil.rmtree(folder, ignore_errors=True)
        try:
            os.replace(tmp, folder)
        except OSError:
            if not (folder / META).exists():  # not a lost race with another process: a real failure
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def discard(folder: Path, reason: str, source: str) -> None:
    """Log that the entry for ``source`` is rebuilt and delete it."""
    LOG.warning("cache entry %s for %s: %s; rebuilt", folder.name[:12], source, reason)
    shutil.rmtree(folder, ignore_errors=True)


def usable_root(root: Path | None) -> Path | None:
    """``root`` when entries can be written there, else None with one warning (no cache)."""
    if root is None:
        return None
    probe = root / f".probe{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        root.mkdir(parents=True, exist_ok=True)
        probe.write_bytes(b"ok")
        probe.unlink()
    except OSError as err:
        LOG.warning("cache folder %s cannot be written (%s); loading without a cache", root, err.strerror or err)
        return None
    _sweep(root)
    return root


def _sweep(root: Path, *, age_seconds: float = 3600) -> None:
    """Remove temporary entries older than ``age_seconds`` (left by a process killed mid-write)."""
    cutoff = time.time() - age_seconds
    for tmp in root.glob("*.tmp*"):
        try:
            if tmp.is_dir() and tmp.stat().st_mtime < cutoff:
                shutil.rmtree(tmp, ignore_errors=True)
        except OSError:
            continue
