"""The on-disk cache of per-file tables: one Arrow dataset per table, disposable and self-healing.

Layout of a cache folder::

    tables/<table>/<batch>.arrow     segments, responsibilities, sentences, tokens of many files
                                     (Arrow IPC files, zstd; ``pd.read_feather`` or R's arrow
                                     read them); the column ``_key`` names each row's entry
    batches/<batch>.json             written last: the code version, the SHA-256 of each of the
                                     batch's table files, and per entry (one source file) its
                                     documents' rows (docvars), problems, encoding, text hash and
                                     row counts
    sources.json                     the SHA-256 of each source file hashed before, with the
                                     file's size, mtime, ctime, inode and device at the time

An entry's key hashes the file's bytes, its manifest rows, the tokeniser and the code version
(``corpus.loader``). A batch is what one load processed (``BATCH_SIZE`` files at most), so adding
one document writes one small batch and reads the others as they are; many small batches are
merged into one (``Store.compact``). A batch is committed by renaming its JSON into place after
its table files are written: a process killed meanwhile leaves files no JSON names, removed
after an hour. A batch of another code version (the keys hash it, so an upgrade never reads the
older batches again) is deleted once its record is an hour old; a younger one is left to the
checkout that may still be using it.

Reading checks each batch used: an unreadable JSON, a JSON renamed to another batch's name, a
missing, corrupt, truncated or swapped table file (SHA-256), or one written by another
version of the code raises ``CacheDamaged``; the loader logs one warning naming the files
concerned, deletes the batch and rebuilds its entries. A cache folder that cannot be written (a
file in its place, read-only, disk full) turns caching off for the load with one warning;
results never depend on the cache. A source file whose size, modification and change times
(nanoseconds), inode and device are those recorded in ``sources.json`` is not read again to find
its key when that key is cached (as ``git`` trusts its index): a change to its bytes always
moves the change time, which no program can set back, and a file changed within
``RACY_SECONDS`` of being hashed is not recorded (its next change could fall in the same clock
tick). At 20,000 reports this saves reading and hashing ~600 MB on every load. The cache's own
table files are verified the same way: hashed once, then trusted while their ``os.stat`` is the
one recorded (a file rewritten, truncated or swapped for another has another change time or
inode, and is hashed again); at 20,000 reports ~1.2 GB not hashed on every load.

Arrow IPC rather than Parquet: a memory-mapped file is read without decoding pages (1,000
documents' tokens: 0.4 s against 4 s for the same rows in Parquet, and 27 MB against 47 MB on
disk).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.ipc as ipc

from .tables import KEY, NAMES, concat

LOG = logging.getLogger("corpus")
BATCH_SIZE = 1000
RECORD = ("documents", "problems", "encoding", "text_hash")  # what a batch's JSON keeps per entry
# More batches than this of fewer than ``SMALL`` entries each are merged into one.
MAX_SMALL_BATCHES = 16
SMALL = 64
_STALE_SECONDS = 3600
SOURCES = "sources.json"
RACY_SECONDS = 2.0  # a source file changed this recently when hashed is hashed again next time
ROWS_PER_RECORD_BATCH = 1 << 20
_WRITE = ipc.IpcWriteOptions(compression="zstd")


class CacheDamaged(Exception):
    """A cache batch that cannot be trusted; the message says why."""


@dataclass(frozen=True)
class Part:
    """One verified Arrow file of a batch: the rows of ``keys`` (None: all), decoded on demand."""

    path: Path
    buffer: pa.Buffer  # memory-mapped; its checksum was verified when the corpus was loaded
    keys: frozenset | None

    def table(self) -> pa.Table:
        """The Arrow rows (with ``_key``); dictionary columns come back as such."""
        try:
            table = ipc.open_file(self.buffer).read_all()
        except Exception as err:  # checksum right but undecodable: written by a broken writer
            raise CacheDamaged(
                f"{_rel(self.path)} unreadable ({type(err).__name__}); delete the cache folder"
            ) from None
        if self.keys is not None and table.num_rows:
            table = table.filter(key_mask(table, set(self.keys)))
        return table


@dataclass
class Store:
    """The cache folder ``root``: which entries it holds, in which batch."""

    root: Path
    version: str
    batches: dict[str, dict] = field(default_factory=dict)
    index: dict[str, str] = field(default_factory=dict)  # entry key -> batch id
    damaged: dict[str, str] = field(default_factory=dict)  # batch id -> why (found while opening)
    foreign: dict[str, str] = field(default_factory=dict)  # entry key -> batch of another code version
    hashes: dict[str, list] = field(default_factory=dict)  # source or table path -> [*stat_fields, sha256]
    hashed: dict[str, tuple[os.stat_result, str]] = field(default_factory=dict)  # files hashed in this load

    @classmethod
    def open(cls, root: Path, *, version: str) -> Store:
        """The store in ``root`` (which ``usable_root`` has checked), reading every batch's JSON."""
        store = cls(root=root, version=version)
        for path in sorted((root / "batches").glob("*.json")):
            try:
                meta = json.loads(path.read_text(encoding="utf-8"))
                if not isinstance(meta, dict) or not isinstance(meta.get("entries"), dict):
                    raise ValueError("not a batch record")
            except (OSError, ValueError) as err:
                store.damaged[path.stem] = f"unreadable {path.name} ({type(err).__name__})"
                continue
            if meta.get("version") != version:  # keys hash the version: only a doctored record matches
                if _older_than(path, _STALE_SECONDS):  # an older release's batch: never read again
                    with contextlib.suppress(OSError):
                        store._delete(path.stem)
                    continue
                store.foreign.update(dict.fromkeys(meta["entries"], path.stem))
                continue
            if meta.get("batch") != path.stem:
                store.damaged[path.stem] = (
                    f"{path.name} holds the record of batch {str(meta.get('batch'))[:12]} (swapped)"
                )
                continue
            store.batches[path.stem] = meta
            for key in meta["entries"]:
                store.index[key] = path.stem
        store.hashes = _read_hashes(root / SOURCES)
        return store

    def known_sha(self, path: str, info: os.stat_result) -> str | None:
        """The SHA-256 recorded for the file ``path`` (a source or a table file of the cache) if ``info``
        (its ``os.stat``) is unchanged."""
        known = self.hashes.get(path)
        return known[-1] if known is not None and known[:-1] == stat_fields(info) else None

    def remember(self, folder: str, present: set[str]) -> None:
        """Record the SHA-256 of the files hashed in this load, forget files of ``folder`` gone from it.

        ``self.hashed``: path -> (``os.stat`` taken before reading, SHA-256) of the source files
        read and of the cache's own table files verified; ``present``: the paths of the files of
        ``folder`` now. Entries of other folders are kept; table files of batches no longer held are
        forgotten. Rewritten only on change.

        Raises
        ------
        OSError
            The cache folder cannot be written (the caller turns caching off).
        """
        folder = folder.rstrip(os.sep) or os.sep
        tables = str(self.root.absolute() / "tables") + os.sep
        gone = [
            p
            for p in self.hashes
            if (os.path.dirname(p) == folder and p not in present)
            or (p.startswith(tables) and Path(p).stem not in self.batches)  # a batch discarded or merged
        ]
        recent = time.time_ns() - int(RACY_SECONDS * 1e9)
        fresh = {
            path: [*stat_fields(info), sha]
            for path, (info, sha) in self.hashed.items()
            if max(info.st_mtime_ns, info.st_ctime_ns) < recent
        }
        if not gone and all(self.hashes.get(p) == v for p, v in fresh.items()):
            return
        for path in gone:
            del self.hashes[path]
        self.hashes.update(fresh)
        tmp = self.root / f".{SOURCES}.{os.getpid()}.tmp"
        tmp.write_text(json.dumps({"files": self.hashes}, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, self.root / SOURCES)

    def read(self, keys: list[str]) -> tuple[dict[str, list[Part]], dict[str, dict], dict[str, str]]:
        """The cached parts holding ``keys`` (verified), each key's record, damaged batches.

        Each table's parts are memory-mapped Arrow files whose checksums match; they are
        decoded when the table is first used (``Part.table``). Keys whose batch is damaged are
        left out; the third value maps each damaged batch to why (the caller discards it and
        rebuilds its entries).
        """
        by_batch: dict[str, list[str]] = {}
        for key in keys:
            if key in self.index:
                by_batch.setdefault(self.index[key], []).append(key)
        parts: dict[str, list[Part]] = {name: [] for name in NAMES}
        records: dict[str, dict] = {}
        damaged = {self.foreign[k]: "written by another version of the code" for k in keys if k in self.foreign}
        for batch, wanted in by_batch.items():
            try:
                verified = self._verify(batch, wanted)
            except CacheDamaged as err:
                damaged[batch] = str(err)
                continue
            for name, part in verified.items():
                parts[name].append(part)
            records.update({key: self.batches[batch]["entries"][key] for key in wanted})
        return parts, records, damaged

    def _verify(self, batch: str, wanted: list[str]) -> dict[str, Part]:
        meta = self.batches[batch]
        keys = None if len(wanted) == len(meta["entries"]) else frozenset(wanted)
        out = {}
        for name in NAMES:
            path = self._file(name, batch)
            expected = meta["checksums"].get(name)
            try:
                info = os.stat(path)
                buffer = pa.memory_map(str(path)).read_buffer()
            except OSError as err:
                raise CacheDamaged(f"{_rel(path)} missing ({err.strerror or err})") from None
            where = str(path.absolute())
            if self.known_sha(where, info) != expected:  # not verified unchanged before
                if hashlib.sha256(memoryview(buffer)).hexdigest() != expected:
                    raise CacheDamaged(f"{_rel(path)} does not match its checksum (corrupt, truncated or swapped)")
                self.hashed[where] = (info, expected)
            out[name] = Part(path=path, buffer=buffer, keys=keys)
        return out

    def write(self, entries: list[tuple[str, dict]]) -> None:
        """Write ``(key, result)`` entries as new batches of at most ``BATCH_SIZE`` entries.

        ``result`` holds ``arrow`` (the Arrow tables of ``corpus.tables``) and the ``RECORD``
        fields (the documents' rows, problems, encoding, text hash).

        Raises
        ------
        OSError
            The cache folder cannot be written (the caller turns caching off).
        """
        for start in range(0, len(entries), BATCH_SIZE):
            chunk = entries[start : start + BATCH_SIZE]
            self._write_batch([(key, result["arrow"]) for key, result in chunk], {
                key: {name: result[name] for name in RECORD} for key, result in chunk
            })  # fmt: skip

    def _write_batch(self, parts: list[tuple[str, dict[str, pa.Table]]], records: dict[str, dict]) -> str:
        batch = f"{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:12]}"
        checksums = {}
        for name in NAMES:
            pieces = [with_key(tables[name], key) for key, tables in parts]
            table = concat(pieces) if pieces else pa.table({KEY: pa.array([], pa.string())})
            path = self._file(name, batch)
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f"{path.name}.tmp")
            table = table.unify_dictionaries().combine_chunks()  # one dictionary per column and file
            with ipc.new_file(tmp, table.schema, options=_WRITE) as writer:
                writer.write_table(table, max_chunksize=ROWS_PER_RECORD_BATCH)
            os.replace(tmp, path)
            checksums[name] = hashlib.sha256(path.read_bytes()).hexdigest()
        for key, tables in parts:
            records[key]["rows"] = {name: tables[name].num_rows for name in NAMES}
        meta = {"batch": batch, "version": self.version, "checksums": checksums, "entries": records}
        folder = self.root / "batches"
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".{batch}.json.tmp"
        tmp.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, folder / f"{batch}.json")
        self.batches[batch] = meta
        self.index.update(dict.fromkeys(records, batch))
        return batch

    def discard(self, batch: str, reason: str, sources: list[str]) -> None:
        """Log that the entries of ``sources`` are rebuilt and delete the batch."""
        named = ", ".join(sources[:5]) + (f" and {len(sources) - 5} more" if len(sources) > 5 else "")
        LOG.warning("cache batch %s (%s): %s; rebuilt", batch[:21], named or "no file of this corpus", reason)
        self._delete(batch)

    def _delete(self, batch: str) -> None:
        for path in [self.root / "batches" / f"{batch}.json", *(self._file(n, batch) for n in NAMES)]:  # record first
            path.unlink(missing_ok=True)
        self.batches.pop(batch, None)
        for mapping in (self.index, self.foreign):
            for key in [k for k, b in mapping.items() if b == batch]:
                del mapping[key]

    def compact(self) -> None:
        """Merge small batches into one when more than ``MAX_SMALL_BATCHES`` of them pile up."""
        small = [b for b, meta in self.batches.items() if len(meta["entries"]) < SMALL]
        if len(small) <= MAX_SMALL_BATCHES:
            return
        parts, records = [], {}
        for batch in small:
            meta = self.batches[batch]
            try:
                tables = {name: part.table() for name, part in self._verify(batch, list(meta["entries"])).items()}
            except CacheDamaged:
                continue  # found and rebuilt by the load that needs it
            for key, record in meta["entries"].items():
                parts.append((key, {name: _rows_of(tables[name], key) for name in NAMES}))
                records[key] = {k: v for k, v in record.items() if k != "rows"}
        if parts:
            self._write_batch(parts, records)
        for batch in small:
            self._delete(batch)

    def _file(self, name: str, batch: str) -> Path:
        return self.root / "tables" / name / f"{batch}.arrow"


def stat_fields(info: os.stat_result) -> list[int]:
    """What says a file is unchanged: size, modification and change times (ns), inode, device."""
    return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev]


def _read_hashes(path: Path) -> dict[str, list]:
    """The source hashes recorded in ``path`` (empty when missing; a damaged file is ignored, with a warning)."""
    try:
        files = json.loads(path.read_text(encoding="utf-8"))["files"]
        if not isinstance(files, dict):
            raise ValueError("not a record of source hashes")
    except FileNotFoundError:
        return {}
    except (OSError, ValueError, KeyError, TypeError) as err:
        LOG.warning("%s unreadable (%s); every source file is hashed again", _rel(path), type(err).__name__)
        return {}
    return {
        p: v
        for p, v in files.items()
        if isinstance(v, list) and len(v) == 6 and all(isinstance(x, int) for x in v[:5]) and isinstance(v[5], str)
    }


def _rel(path: Path) -> str:
    return "/".join(path.parts[-3:])


def with_key(table: pa.Table, key: str) -> pa.Table:
    if KEY in table.column_names:
        return table
    column = pa.DictionaryArray.from_arrays(pa.array([0] * table.num_rows, pa.int32()), pa.array([key]))
    return table.append_column(KEY, column)


def _rows_of(table: pa.Table, key: str) -> pa.Table:
    return table.filter(key_mask(table, {key})) if table.num_rows else table


def key_mask(table: pa.Table, keys: set[str]) -> np.ndarray:
    """Boolean mask of the rows whose ``_key`` is one of ``keys`` (looked up once per dictionary)."""
    masks = []
    for chunk in table[KEY].chunks:
        hit = np.array([value in keys for value in chunk.dictionary.to_pylist()], dtype=bool)
        masks.append(hit[chunk.indices.to_numpy(zero_copy_only=False)])
    return np.concatenate(masks) if masks else np.zeros(0, dtype=bool)


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
    sweep(root)
    return root


def _older_than(path: Path, seconds: float) -> bool:
    """Whether ``path`` was last modified more than ``seconds`` ago (False when it cannot be read)."""
    try:
        return path.stat().st_mtime < time.time() - seconds
    except OSError:
        return False


def sweep(root: Path, *, age_seconds: float = _STALE_SECONDS) -> None:
    """Remove what a killed process left (files no batch record names) once older than ``age_seconds``."""
    named = {p.stem for p in (root / "batches").glob("*.json")}
    leftovers = [p for p in (root / "tables").glob("*/*") if p.name.split(".")[0] not in named]
    leftovers += [*(root / "batches").glob(".*.tmp"), *root.glob(f".{SOURCES}.*.tmp")]
    for path in leftovers:
        if _older_than(path, age_seconds):
            with contextlib.suppress(OSError):  # gone meanwhile, or not ours to remove: left
                path.unlink()
