"""The cache's record of source hashes (``sources.json``): unchanged files are not read again,
a changed file always is, and a damaged record costs a re-read, never a wrong result."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil

import pandas as pd
import pytest

import corpus
from corpus import cache as cache_store
from corpus import files as safe_files
from corpus.paths import DOCUMENTS_DIR

REPORT = "guanxian-2023-report.txt"  # 冠县 2023: 接收行政复议申请91件


@pytest.fixture
def trusted(monkeypatch):
    """Files written a moment ago count as old enough to be recorded (the racy window is 2 s)."""
    monkeypatch.setattr(cache_store, "RACY_SECONDS", -60.0)


@pytest.fixture
def folder(tmp_path):
    out = tmp_path / "docs"
    out.mkdir()
    for name in (REPORT, "kaijiang-2021-plan.txt"):
        shutil.copy2(DOCUMENTS_DIR / name, out / name)
    return out


@pytest.fixture
def reads(monkeypatch):
    """The names of the files whose bytes ``corpus.files.read_bytes`` reads."""
    names: list[str] = []
    real = safe_files.read_bytes

    def counted(path, **kw):
        names.append(path.name)
        return real(path, **kw)

    monkeypatch.setattr(safe_files, "read_bytes", counted)
    return names


def _frames(c: corpus.Corpus) -> dict[str, pd.DataFrame]:
    return {name: getattr(c, name).reset_index(drop=True) for name in ("documents", "segments", "tokens")}


def test_unchanged_files_are_not_read_again(folder, tmp_path, trusted, reads):
    cache = tmp_path / "cache"
    first = corpus.load(folder, cache=cache)
    assert sorted(reads) == sorted([REPORT, "kaijiang-2021-plan.txt"])
    recorded = json.loads((cache / cache_store.SOURCES).read_text(encoding="utf-8"))["files"]
    sha = hashlib.sha256((folder / REPORT).read_bytes()).hexdigest()
    assert recorded[os.path.abspath(folder / REPORT)][-1] == sha
    reads.clear()
    second = corpus.load(folder, cache=cache)
    assert reads == []
    for name, frame in _frames(first).items():
        pd.testing.assert_frame_equal(frame, _frames(second)[name])
    assert set(second.documents.sha256) == {
        hashlib.sha256((folder / n).read_bytes()).hexdigest() for n in (REPORT, "kaijiang-2021-plan.txt")
    }


def test_verified_cache_files_are_not_hashed_again(folder, tmp_path, trusted, monkeypatch):
    """The cache's table files are hashed on the load after they are written, then trusted unchanged."""
    cache = tmp_path / "cache"
    corpus.load(folder, cache=cache)  # writes the batch (its files are hashed as they are written)
    hashed: list[int] = []
    real = cache_store.hashlib.sha256

    def counted(data=b""):
        if isinstance(data, memoryview):  # a memory-mapped table file (cache keys hash short strings)
            hashed.append(len(data))
        return real(data)

    monkeypatch.setattr(cache_store.hashlib, "sha256", counted)
    corpus.load(folder, cache=cache)  # verifies every table file, records its os.stat
    assert len(hashed) == len(cache_store.NAMES)
    recorded = json.loads((cache / cache_store.SOURCES).read_text(encoding="utf-8"))["files"]
    tables = [p for p in recorded if p.startswith(str((cache / "tables").absolute()))]
    assert len(tables) == len(cache_store.NAMES)
    hashed.clear()
    third = corpus.load(folder, cache=cache)
    assert hashed == []
    assert third.segments.text.str.contains("接收行政复议申请91件").any()


def test_a_file_changed_under_its_old_mtime_is_read_again(folder, tmp_path, trusted, reads):
    cache = tmp_path / "cache"
    path = folder / REPORT
    before = corpus.load(folder, cache=cache)
    assert before.segments.text.str.contains("接收行政复议申请91件").any()
    info = path.stat()
    path.write_bytes(path.read_bytes().replace("申请91件".encode(), "申请92件".encode()))  # same size
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))  # as `cp -p` or a careless tool leaves it
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (info.st_size, info.st_mtime_ns)
    reads.clear()
    after = corpus.load(folder, cache=cache)
    assert reads == [REPORT]  # the change time moved: read, hashed and processed again
    text = after.segments.text
    assert text.str.contains("接收行政复议申请92件").any() and not text.str.contains("接收行政复议申请91件").any()
    row = after.documents.set_index("source_file").filter(like=REPORT, axis=0)
    assert list(row.sha256) == [hashlib.sha256(path.read_bytes()).hexdigest()]


def test_files_changed_moments_ago_are_not_recorded(folder, tmp_path):
    cache = tmp_path / "cache"
    for path in folder.iterdir():
        path.write_bytes(path.read_bytes())  # changed now: inside the racy window
    c = corpus.load(folder, cache=cache)
    assert len(c.documents) == 2
    assert not (cache / cache_store.SOURCES).exists()  # nothing old enough to trust: nothing written


def test_a_damaged_record_means_reading_every_file(folder, tmp_path, trusted, reads, caplog):
    cache = tmp_path / "cache"
    fresh = corpus.load(folder, cache=False)
    corpus.load(folder, cache=cache)
    (cache / cache_store.SOURCES).write_text('{"files": [1, 2', encoding="utf-8")
    reads.clear()
    with caplog.at_level(logging.WARNING, logger="corpus"):
        again = corpus.load(folder, cache=cache)
    warnings = [r.getMessage() for r in caplog.records if r.name == "corpus"]
    assert any(cache_store.SOURCES in w and "hashed again" in w for w in warnings), warnings
    assert sorted(reads) == sorted([REPORT, "kaijiang-2021-plan.txt"])
    for name, frame in _frames(fresh).items():
        pd.testing.assert_frame_equal(
            frame.drop(columns="source_file", errors="ignore"),
            _frames(again)[name].drop(columns="source_file", errors="ignore"),
        )
    json.loads((cache / cache_store.SOURCES).read_text(encoding="utf-8"))  # rewritten whole


def test_a_damaged_batch_reads_the_files_it_held(folder, tmp_path, trusted, caplog):
    cache = tmp_path / "cache"
    fresh = corpus.load(folder, cache=False)
    corpus.load(folder, cache=cache)
    for part in (cache / "tables" / "tokens").glob("*.arrow"):
        part.write_bytes(b"ARROW1 garbage")
    with caplog.at_level(logging.WARNING, logger="corpus"):
        healed = corpus.load(folder, cache=cache)
    assert any("rebuilt" in r.getMessage() for r in caplog.records)
    assert healed.problems.empty
    for name, frame in _frames(fresh).items():
        pd.testing.assert_frame_equal(
            frame.drop(columns="source_file", errors="ignore"),
            _frames(healed)[name].drop(columns="source_file", errors="ignore"),
        )


def test_removed_files_are_forgotten_and_other_folders_kept(folder, tmp_path, trusted):
    cache = tmp_path / "cache"
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy2(DOCUMENTS_DIR / "suixi-2021-2025-scheme.txt", other / "suixi.txt")
    corpus.load(other, cache=cache)
    corpus.load(folder, cache=cache)
    (folder / "kaijiang-2021-plan.txt").unlink()
    corpus.load(folder, cache=cache)
    recorded = json.loads((cache / cache_store.SOURCES).read_text(encoding="utf-8"))["files"]
    sources = [p for p in recorded if not p.startswith(str(cache.absolute()))]  # the cache's own files aside
    assert sorted(sources) == sorted([os.path.abspath(folder / REPORT), os.path.abspath(other / "suixi.txt")])
