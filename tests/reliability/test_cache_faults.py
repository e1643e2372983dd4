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


def _entries(cache: Path) -> list[Path]:
    return sorted(p for p in cache.iterdir() if p.is_dir() and ".tmp" not in p.name)


def _corrupt(entries):
    (entries[0] / "segments.parquet").write_bytes(b"PAR1 garbage")


def _truncate(entries):
    path = entries[0] / "tokens.parquet"
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _swap_parts(entries):
    shutil.copy(entries[1] / "segments.parquet", entries[0] / "segments.parquet")


def _swap_entries(entries):
    tmp = entries[0].with_name("swap")
    entries[0].rename(tmp)
    entries[1].rename(entries[0])
    tmp.rename(entries[1])


def _other_version(entries):
    meta = json.loads((entries[0] / "meta.json").read_text(encoding="utf-8"))
    (entries[0] / "meta.json").write_text(json.dumps({**meta, "version": "0ld"}), encoding="utf-8")


def _half_written(entries):
    (entries[0] / "meta.json").unlink()


def _garbage_meta(entries):
    (entries[0] / "meta.json").write_text("{not json", encoding="utf-8")


DAMAGE = {
    "cache-corrupt": (_corrupt, "does not match its checksum"),
    "cache-truncated": (_truncate, "does not match its checksum"),
    "cache-swapped-part": (_swap_parts, "does not match its checksum"),
    "cache-swapped-entry": (_swap_entries, "(swapped)"),
    "cache-other-version": (_other_version, "another version of the code"),
    "cache-half-written": (_half_written, "unreadable meta.json"),
    "cache-garbage-meta": (_garbage_meta, "unreadable meta.json"),
}


@pytest.mark.parametrize("damage", list(DAMAGE), ids=list(DAMAGE))
def test_a_damaged_entry_is_rebuilt_with_a_warning(damage, two_docs, tmp_path, caplog):
    cache = tmp_path / "cache"
    fresh = corpus.load(two_docs, cache=False)
    corpus.load(two_docs, cache=cache)
    entries = _entries(cache)
    assert len(entries) == 2
    spoil, reason = DAMAGE[damage]
    spoil(entries)
    with caplog.at_level(logging.WARNING, logger="corpus"):
        healed = corpus.load(two_docs, cache=cache)
    warnings = [r.getMessage() for r in caplog.records if r.name == "corpus"]
    assert warnings and all("rebuilt" in w for w in warnings) and any(reason in w for w in warnings), warnings
    assert healed.problems.empty
    _same(fresh, healed)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="corpus"):
        again = corpus.load(two_docs, cache=cache)  # healed: no warning the next time
    assert not [r for r in caplog.records if r.name == "corpus"]
    _same(fresh, again)


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
    def full(folder, result, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(folder))

    monkeypatch.setattr(cache_store, "write_entry", full)
    with caplog.at_level(logging.WARNING, logger="corpus"):
        c = corpus.load(docs, cache=tmp_path / "cache")
    warnings = [r.getMessage() for r in caplog.records if r.name == "corpus"]
    assert warnings == ["good.txt: cannot write the cache (No space left on device); continuing without caching"]
    _same(corpus.load(docs, cache=False), c)


def test_an_entry_deleted_mid_run_is_recomputed(two_docs, monkeypatch, tmp_path):
    real = cache_store.write_entry

    def write_then_lose(folder, result, **kwargs):
        real(folder, result, **kwargs)
        shutil.rmtree(folder)  # another process (or a user) clears the cache meanwhile

    monkeypatch.setattr(cache_store, "write_entry", write_then_lose)
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


def test_a_temporary_entry_left_by_a_killed_process_is_swept(docs, tmp_path):
    cache = tmp_path / "cache"
    stale = cache / "0123abcd.tmp999-deadbeef"
    stale.mkdir(parents=True)
    (stale / "segments.parquet").write_bytes(b"half")
    old = time.time() - 7200
    os.utime(stale, (old, old))
    fresh = cache / "4567.tmp1-cafe"  # may belong to a process writing right now: kept
    fresh.mkdir()
    corpus.load(docs, cache=cache)
    assert not stale.exists() and fresh.exists()


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
    assert len(_entries(cache)) == 2 and not [p for p in cache.iterdir() if ".tmp" in p.name]
    _same(corpus.load(two_docs, cache=False), again)
