"""Catalogue: cache faults (issue 14). The cache is disposable and self-healing.

A damaged entry is rebuilt with one warning and the results equal a load without cache; a
cache folder that cannot be used turns caching off with one warning; every data file that
affects per-document results is part of the key.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

import corpus
from corpus import cache as cache_store
from corpus import loader
from corpus.paths import DATA_DIR

from .faults import GOOD_TEXT, snapshot


@pytest.fixture
def two_docs(docs):
    (docs / "second.txt").write_text(GOOD_TEXT.replace("开江县", "冠县").replace("2021", "2022"), encoding="utf-8")
    return docs


def _same(a: corpus.Corpus, b: corpus.Corpus) -> None:
    for name in ("documents", "segments", "sentences", "tokens"):
        left = getattr(a, name).drop(columns=["source_file"], errors="ignore").reset_index(drop=True)
        right = getattr(b, name).drop(columns=["source_file"], errors="ignore").reset_index(drop=True)
        pd.testing.assert_frame_equal(left, right, check_dtype=False)


def _two_batches(folder: Path, cache: Path) -> list[str]:
    """Load ``folder`` in two steps (the second file added later): two batches of one entry each."""
    second = folder / "second.txt"
    held = second.read_bytes()
    second.unlink()
    corpus.load(folder, cache=cache)
    second.write_bytes(held)
    corpus.load(folder, cache=cache)
    return _batches(cache)


def _batches(cache: Path) -> list[str]:
    return sorted(p.stem for p in (cache / "batches").glob("*.json"))


def _part(cache: Path, table: str, batch: str) -> Path:
    return cache / "tables" / table / f"{batch}.arrow"


def _record(cache: Path, batch: str) -> Path:
    return cache / "batches" / f"{batch}.json"


def _corrupt(cache, batches):
    _part(cache, "segments", batches[0]).write_bytes(b"ARROW1 garbage")


def _truncate(cache, batches):
    path = _part(cache, "tokens", batches[0])
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _missing_part(cache, batches):
    _part(cache, "sentences", batches[0]).unlink()


def _swap_parts(cache, batches):
    shutil.copy(_part(cache, "segments", batches[1]), _part(cache, "segments", batches[0]))


def _swap_records(cache, batches):
    first, second = _record(cache, batches[0]), _record(cache, batches[1])
    held = first.read_bytes()
    first.write_bytes(second.read_bytes())
    second.write_bytes(held)


def _other_version(cache, batches):
    meta = json.loads(_record(cache, batches[0]).read_text(encoding="utf-8"))
    _record(cache, batches[0]).write_text(json.dumps({**meta, "version": "0ld"}), encoding="utf-8")


def _garbage_record(cache, batches):
    _record(cache, batches[0]).write_text("{not json", encoding="utf-8")


def _half_written(cache, batches):
    """A process killed before committing its batch: the record is missing, nothing to warn about."""
    _record(cache, batches[0]).unlink()


DAMAGE = {
    "cache-corrupt": (_corrupt, "does not match its checksum"),
    "cache-truncated": (_truncate, "does not match its checksum"),
    "cache-missing-part": (_missing_part, "missing"),
    "cache-swapped-part": (_swap_parts, "does not match its checksum"),
    "cache-swapped-record": (_swap_records, "(swapped)"),
    "cache-other-version": (_other_version, "another version of the code"),
    "cache-garbage-record": (_garbage_record, "unreadable"),
    "cache-half-written": (_half_written, None),
}


@pytest.mark.parametrize("remembered", [False, True], ids=["hashed", "verified-before"])
@pytest.mark.parametrize("damage", list(DAMAGE), ids=list(DAMAGE))
def test_a_damaged_batch_is_rebuilt_with_a_warning(damage, remembered, two_docs, tmp_path, caplog, monkeypatch):
    """Also when a load had verified the table files and recorded their ``os.stat`` (``remembered``):
    damage changes a file's change time or inode, so it is hashed again."""
    cache = tmp_path / "cache"
    fresh = corpus.load(two_docs, cache=False)
    batches = _two_batches(two_docs, cache)
    assert len(batches) == 2
    if remembered:
        monkeypatch.setattr(cache_store, "RACY_SECONDS", -60.0)  # files written a moment ago count as old
        corpus.load(two_docs, cache=cache)
        recorded = json.loads((cache / cache_store.SOURCES).read_text(encoding="utf-8"))["files"]
        assert str(_part(cache, "segments", batches[0]).absolute()) in recorded
    spoil, reason = DAMAGE[damage]
    spoil(cache, batches)
    with caplog.at_level(logging.WARNING, logger="corpus"):
        healed = corpus.load(two_docs, cache=cache)
    warnings = [r.getMessage() for r in caplog.records if r.name == "corpus"]
    if reason is None:
        assert not warnings
    else:
        assert warnings and all("rebuilt" in w for w in warnings) and any(reason in w for w in warnings), warnings
        assert any("good.txt" in w or "second.txt" in w for w in warnings), warnings  # names the files
    assert healed.problems.empty
    _same(fresh, healed)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="corpus"):
        again = corpus.load(two_docs, cache=cache)  # healed: no warning the next time
    assert not [r for r in caplog.records if r.name == "corpus"]
    _same(fresh, again)


def test_adding_one_document_processes_one_file(two_docs, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    corpus.load(two_docs, cache=cache)
    (two_docs / "third.txt").write_text(GOOD_TEXT.replace("开江县", "濉溪县"), encoding="utf-8")
    calls = []
    real = loader.process_file
    monkeypatch.setattr(loader, "process_file", lambda *a: calls.append(a[0].name) or real(*a))
    c = corpus.load(two_docs, cache=cache)
    assert calls == ["third.txt"] and len(_batches(cache)) == 2
    _same(corpus.load(two_docs, cache=False), c)


def test_small_batches_are_merged(two_docs, tmp_path, monkeypatch):
    monkeypatch.setattr(cache_store, "MAX_SMALL_BATCHES", 1)
    cache = tmp_path / "cache"
    assert len(_two_batches(two_docs, cache)) == 1  # the second load merged the two small batches
    calls = []
    real = loader.process_file
    monkeypatch.setattr(loader, "process_file", lambda *a: calls.append(a[0].name) or real(*a))
    c = corpus.load(two_docs, cache=cache)
    assert calls == [] and not list((cache / "tables").glob("*/*.tmp"))
    assert sum(1 for _ in (cache / "tables" / "tokens").iterdir()) == 1
    _same(corpus.load(two_docs, cache=False), c)


def test_an_older_versions_batch_is_removed_once_an_hour_old(two_docs, tmp_path, caplog):
    """After an upgrade the older version's batches are never read again: removed, not parsed on every load."""
    cache = tmp_path / "cache"
    batches = _two_batches(two_docs, cache)
    meta = json.loads(_record(cache, batches[0]).read_text(encoding="utf-8"))
    entries = {f"0ld{key}": entry for key, entry in meta["entries"].items()}  # keys hash the version
    _record(cache, batches[0]).write_text(json.dumps({**meta, "version": "0ld", "entries": entries}), encoding="utf-8")
    recent = corpus.load(two_docs, cache=cache)  # a record written a moment ago may be another checkout's
    assert _record(cache, batches[0]).exists()
    old = time.time() - 2 * 3600
    os.utime(_record(cache, batches[0]), (old, old))
    with caplog.at_level(logging.WARNING, logger="corpus"):
        c = corpus.load(two_docs, cache=cache)
    assert not [r for r in caplog.records if r.name == "corpus"]  # an upgrade is not damage
    assert not _record(cache, batches[0]).exists()
    assert not [name for name in cache_store.NAMES if _part(cache, name, batches[0]).exists()]
    assert _record(cache, batches[1]).exists()
    _same(recent, c)
    _same(corpus.load(two_docs, cache=False), c)


def _cache_is_a_file(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "cache"
    path.write_text("not a folder")
    return path


def _cache_read_only(tmp_path, monkeypatch) -> Path:
    """A read-only cache folder; as root (who writes anyway) writes there fail through a fake."""
    path = tmp_path / "cache"
    path.mkdir()
    path.chmod(0o555)
    real = Path.write_bytes

    def refuse(self, data):
        if path in self.parents:
            raise OSError(errno.EROFS, "Read-only file system", str(self))
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", refuse)
    return path


@pytest.mark.parametrize("make", [_cache_is_a_file, _cache_read_only], ids=["cache-path-is-a-file", "cache-read-only"])
def test_an_unusable_cache_folder_means_no_cache(make, docs, tmp_path, monkeypatch, caplog):
    cache = make(tmp_path, monkeypatch)
    with caplog.at_level(logging.WARNING, logger="corpus"):
        c = corpus.load(docs, cache=cache)
    warnings = [r.getMessage() for r in caplog.records if r.name == "corpus"]
    assert len(warnings) == 1 and "loading without a cache" in warnings[0] and str(cache) in warnings[0]
    assert c.documents.county.tolist() == ["开江县"] and c.problems.empty
    cache.chmod(0o755) if cache.is_dir() else None


def test_disk_full_while_writing_the_cache(docs, monkeypatch, tmp_path, caplog):
    def full(self, entries):
        raise OSError(errno.ENOSPC, "No space left on device", str(self.root))

    monkeypatch.setattr(cache_store.Store, "write", full)
    with caplog.at_level(logging.WARNING, logger="corpus"):
        c = corpus.load(docs, cache=tmp_path / "cache")
    warnings = [r.getMessage() for r in caplog.records if r.name == "corpus"]
    assert warnings == ["good.txt: cannot write the cache (No space left on device); continuing without caching"]
    _same(corpus.load(docs, cache=False), c)


def test_a_cache_deleted_mid_run_is_recomputed(two_docs, monkeypatch, tmp_path):
    real = cache_store.Store.write

    def write_then_lose(self, entries):
        real(self, entries)
        shutil.rmtree(self.root)  # another process (or a user) clears the cache meanwhile

    monkeypatch.setattr(cache_store.Store, "write", write_then_lose)
    c = corpus.load(two_docs, cache=tmp_path / "cache")
    _same(corpus.load(two_docs, cache=False), c)


def test_a_cache_inside_the_corpus_folder_is_never_written(docs, caplog):
    before = snapshot(docs)
    with caplog.at_level(logging.WARNING, logger="corpus"):
        c = corpus.load(docs, cache=docs / "cache")
    assert "inside the corpus folder" in caplog.text
    assert snapshot(docs) == before and len(c.documents) == 1


def test_every_data_file_is_in_the_cache_key(tmp_path, monkeypatch):
    """Each corpus/data file changes CODE_VERSION (lexicon and stopwords: the tokeniser fingerprint)."""
    in_key = {p.name for p in loader.DATA_FILES} | {"lexicon.txt", "stopwords.txt"}
    assert {p.name for p in DATA_DIR.iterdir() if p.is_file()} <= in_key
    base = loader._code_version()
    for path in loader.DATA_FILES:
        edited = tmp_path / path.name
        edited.write_bytes(path.read_bytes() + b"\n# edited\n")
        files = tuple(edited if p == path else p for p in loader.DATA_FILES)
        monkeypatch.setattr(loader, "DATA_FILES", files)
        assert loader._code_version() != base, path.name
        monkeypatch.setattr(loader, "DATA_FILES", tuple(p for p in files if p != edited) + (path,))
    lexicon = tmp_path / "lexicon.txt"
    lexicon.write_bytes((DATA_DIR / "lexicon.txt").read_bytes() + "依法决策机制\n".encode())
    assert (
        loader._tokenizer(lexicon, DATA_DIR / "stopwords.txt").fingerprint
        != loader._tokenizer(DATA_DIR / "lexicon.txt", DATA_DIR / "stopwords.txt").fingerprint
    )


def test_editing_the_lexicon_reprocesses_every_file(two_docs, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    corpus.load(two_docs, cache=cache)
    calls = []
    real = loader.process_file
    monkeypatch.setattr(loader, "process_file", lambda *a: calls.append(a[0].name) or real(*a))
    corpus.load(two_docs, cache=cache)
    assert calls == []
    lexicon = tmp_path / "lexicon.txt"
    lexicon.write_bytes((DATA_DIR / "lexicon.txt").read_bytes() + "依法决策机制\n".encode())
    c = corpus.load(two_docs, cache=cache, lexicon=lexicon)
    assert sorted(calls) == ["good.txt", "second.txt"]
    assert "依法决策机制" in set(c.tokens.token)


def test_parts_left_by_a_killed_process_are_swept(docs, tmp_path):
    cache = tmp_path / "cache"
    stale = cache / "tables" / "segments" / "20260101000000-deadbeef.arrow"  # no record names it
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"half")
    old = time.time() - 7200
    os.utime(stale, (old, old))
    fresh = stale.with_name("20260101000001-cafe.arrow.tmp")  # may be written right now: kept
    fresh.write_bytes(b"half")
    corpus.load(docs, cache=cache)
    assert not stale.exists() and fresh.exists()
    assert len(_batches(cache)) == 1


LOAD = "import sys, corpus; c = corpus.load(sys.argv[1], cache=sys.argv[2]); print(len(c.documents), len(c.problems))"


def test_two_runs_at_once_share_the_cache_safely(two_docs, tmp_path, caplog):
    cache = tmp_path / "cache"
    runs = [
        subprocess.Popen([sys.executable, "-c", LOAD, str(two_docs), str(cache)], stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    assert [run.communicate(timeout=300)[0].split() for run in runs] == [["2", "0"], ["2", "0"]]
    with caplog.at_level(logging.WARNING, logger="corpus"):
        again = corpus.load(two_docs, cache=cache)
    assert not [r for r in caplog.records if r.name == "corpus"]  # no damaged entry left behind
    assert 1 <= len(_batches(cache)) <= 2 and not list(cache.rglob("*.tmp"))  # one each, or the second found it
    _same(corpus.load(two_docs, cache=False), again)
