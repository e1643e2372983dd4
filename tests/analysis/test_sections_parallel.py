"""The report's sections in forked worker processes (issue 16): failures name the section and leave
no new figure or table file behind; a worker killed abruptly gives the one-line error too."""

from __future__ import annotations

import os
import signal

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from analysis.report import pipeline, workbook
from analysis.report.section import Section
from analysis.report.sections import SECTIONS


def _draws(c, **options) -> Section:
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    return Section(name="fake", figures={"drawn_first": fig}, tables={"written_first": pd.DataFrame({"doc_id": ["a"]})})


def _fails(c, **options) -> Section:
    raise ZeroDivisionError("no documents to divide by")


def _killed(c, **options) -> Section:
    os.kill(os.getpid(), signal.SIGKILL)  # as the kernel does when memory runs out
    raise AssertionError("not reached")


@pytest.mark.parametrize("jobs", [1, 3], ids=["one-at-a-time", "forked"])
def test_a_failing_section_names_itself_and_leaves_no_new_file(seed_corpus, tmp_path, monkeypatch, jobs):
    monkeypatch.setattr(SECTIONS[0], "section", _draws)
    monkeypatch.setattr(SECTIONS[1], "section", _fails)
    monkeypatch.setattr(SECTIONS[2], "section", _draws)
    with pytest.raises(pipeline.ReportError, match="similarity analysis failed: ZeroDivisionError: no documents"):
        pipeline.run(seed_corpus, tmp_path / "out", progress=False, jobs=jobs)
    out = tmp_path / "out"
    assert not list(out.rglob("*.png")) and not list(out.rglob("*.csv")) and not list(out.glob(".*"))


def test_a_killed_section_worker_is_a_report_error(seed_corpus, tmp_path, monkeypatch):
    monkeypatch.setattr(SECTIONS[1], "section", _killed)
    with pytest.raises(pipeline.ReportError, match=r"analysis failed \(.*similarity.* not finished\): a worker"):
        pipeline.run(seed_corpus, tmp_path / "out", progress=False, jobs=3)
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").rglob("*.png"))


def _long(c, **options) -> Section:
    return Section(name="fake", tables={"reuse": pd.DataFrame({"doc_a": [f"d{i}" for i in range(30)], "n_units": 1})})


def _nothing(c, **options) -> Section:
    return Section(name="fake")


def test_a_table_too_long_for_a_sheet_comes_back_as_its_parquet_file(seed_corpus, tmp_path, monkeypatch):
    """Issue 16: such a table is not sent through the pipe into the main process (at 5,000 documents the
    reuse table alone held gigabytes there); the result reads it from its Parquet file when asked."""
    monkeypatch.setattr(workbook, "MAX_ROWS", 20)
    for module in SECTIONS:
        monkeypatch.setattr(module, "section", _long if module is SECTIONS[1] else _nothing)
    result = pipeline.run(seed_corpus, tmp_path / "out", progress=False, jobs=3)
    assert result["tables"].path("reuse") == tmp_path / "out" / "tables" / "reuse.parquet"
    assert result["tables"].path("documents") is None  # short: held in memory
    pd.testing.assert_frame_equal(result["tables"]["reuse"], _long(None).tables["reuse"])
    assert "table reuse: 30 rows, not in tables.xlsx" in " ".join(result["notes"])


def test_section_workers_are_limited_by_available_memory(monkeypatch, caplog):
    """Issue 16: by default, no more section workers than the available memory holds (each adds
    ~WORKER_MB_PER_DOC per document); a --jobs the user gives is kept."""
    monkeypatch.setattr(pipeline, "default_jobs", lambda: 8)
    monkeypatch.setattr(pipeline, "available_mb", lambda: 20_000.0)
    monkeypatch.setattr(pipeline, "WORKER_MB_PER_DOC", 0.8)  # the arithmetic below, whatever the measured value
    assert pipeline.section_jobs(None, 5_000) == len(SECTIONS)  # 3 × 4 GB fit in 20 GB
    with caplog.at_level("WARNING", logger="analysis.report"):
        assert pipeline.section_jobs(None, 10_000) == 2  # 8 GB each: two fit
        assert pipeline.section_jobs(None, 30_000) == 1  # not even one: one after the other
    assert "computing 1 section(s) at a time instead of 3" in caplog.text
    assert pipeline.section_jobs(2, 30_000) == 2
    monkeypatch.setattr(pipeline, "available_mb", lambda: None)  # unknown (not Linux): one per core
    assert pipeline.section_jobs(None, 30_000) == len(SECTIONS)


def test_one_section_after_another_hands_freed_memory_back_after_each(seed_corpus, tmp_path, monkeypatch):
    """Issue 16: in one process the memory a section freed goes back to the system before the next
    (Arrow's pool and glibc's heap kept 0.3-0.4 GB per section of 1,000 documents otherwise)."""
    released = []
    monkeypatch.setattr(pipeline, "release_memory", lambda: released.append(True))
    for module in SECTIONS:
        monkeypatch.setattr(module, "section", _nothing)
    pipeline.run_sections(seed_corpus, tmp_path, lang="zh", jobs=1)
    assert len(released) == len(SECTIONS) + 1  # once before the sections, once after each


def test_release_memory_returns_a_freed_heap_to_the_system():
    """glibc keeps small freed blocks in its heap; ``malloc_trim`` hands them back."""
    if pipeline._glibc() is None:
        pytest.skip("not glibc: nothing to trim")
    import ctypes

    libc = pipeline._glibc()
    libc.malloc.restype = ctypes.c_void_p
    libc.free.argtypes = [ctypes.c_void_p]
    blocks = [libc.malloc(1000) for _ in range(200_000)]  # ~200 MB of small blocks, below mmap's threshold
    pin = libc.malloc(1000)  # above them: free() alone cannot shrink the heap from its top
    for block in blocks:
        libc.free(block)

    def rss_mb() -> float:
        with open("/proc/self/status") as status:
            return int(status.read().split("VmRSS:")[1].split()[0]) / 1024

    before = rss_mb()
    pipeline.release_memory()
    assert before - rss_mb() > 100
    libc.free(pin)
