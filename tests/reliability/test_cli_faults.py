"""Catalogue: command-line faults (issue 14): exit codes, one-line messages, interruption.

0 something useful was produced, 1 nothing could be produced, 2 usage or environment error,
130 interrupted (SIGINT, SIGTERM) with no output half-written and no worker left running.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from analysis.report import cli as report_cli
from corpus import __main__ as corpus_cli
from corpus.paths import DOCUMENTS_DIR

from .faults import snapshot


def _summary(*args: str, cache: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "corpus", "summary", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "FAZHI_CACHE_DIR": str(cache)},
    )


def _one_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


USAGE_CASES = {
    "cli-corpus-missing": (lambda d, t: ["--corpus", str(t / "nowhere")], "does not exist"),
    "cli-csv-is-a-folder": (lambda d, t: ["--corpus", str(d), "--csv", str(t)], "is a folder; give a file name"),
    "cli-csv-inside-corpus": (lambda d, t: ["--corpus", str(d), "--csv", str(d / "out.csv")], "inside the corpus"),
    "cli-csv-over-manifest": (lambda d, t: ["--corpus", str(d), "--csv", str(d / "manifest.csv")], "inside the corpus"),
    "cli-bad-option": (lambda d, t: ["--corpus", str(d), "--max-file-mb", "lots"], "invalid float value"),
}


@pytest.mark.parametrize("case", list(USAGE_CASES), ids=list(USAGE_CASES))
def test_corpus_cli_usage_errors_exit_2_with_one_line(case, docs, tmp_path):
    args, message = USAGE_CASES[case]
    before = snapshot(docs)
    result = _summary(*args(docs, tmp_path), cache=tmp_path / "cache")
    assert result.returncode == 2
    if case != "cli-bad-option":  # argparse prints its usage line too
        assert message in _one_line(result.stderr)
    else:
        assert message in result.stderr
    assert snapshot(docs) == before


def test_corpus_cli_exit_0_names_each_bad_file_once(docs, tmp_path):
    (docs / "empty.txt").write_bytes(b"")
    os.mkfifo(docs / "pipe.txt")
    (docs / "loop.txt").symlink_to("loop.txt")
    out = tmp_path / "summary.csv"
    result = _summary("--corpus", str(docs), "--csv", str(out), cache=tmp_path / "cache")
    assert result.returncode == 0
    notes = [line for line in result.stderr.splitlines() if line.strip()]
    assert sorted(n.split(":")[1].strip() for n in notes) == ["empty.txt", "loop.txt", "pipe.txt"]
    assert pd.read_csv(out, encoding="utf-8-sig").county.tolist() == ["开江县"]
    assert not list(tmp_path.glob(".*.tmp"))


def test_corpus_cli_disk_full_exits_2_without_a_partial_csv(docs, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("FAZHI_CACHE_DIR", str(tmp_path / "cache"))

    def full(self, path, **kwargs):
        Path(path).write_bytes(b"doc_id,pla")  # a partial write, then the disk is full
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(pd.DataFrame, "to_csv", full)
    out = tmp_path / "summary.csv"
    assert corpus_cli.main(["summary", "--corpus", str(docs), "--csv", str(out)]) == 2
    assert "disk full" in capsys.readouterr().err.splitlines()[-1]
    assert not out.exists() and not list(tmp_path.glob(".*.tmp"))


def test_debug_shows_the_traceback(tmp_path, capsys):
    assert corpus_cli.main(["summary", "--corpus", str(tmp_path / "nowhere"), "--debug"]) == 2
    err = capsys.readouterr().err
    assert "does not exist" in err and "Traceback" in err


def _children(pid: int) -> set[int]:
    out: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            out |= {int(c) for c in (task / "children").read_text().split()}
    return out


def _started(module: str, *args: str, cache: Path) -> subprocess.Popen:
    """``python -m module args`` in the background with its own cache folder."""
    return subprocess.Popen(
        [sys.executable, "-m", module, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "FAZHI_CACHE_DIR": str(cache)},
    )


def _workers_of(process: subprocess.Popen, *, seconds: float) -> set[int]:
    """The worker processes ``process`` starts (waits until two run, it ends, or ``seconds`` pass)."""
    workers: set[int] = set()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and len(workers) < 2 and process.poll() is None:
        workers |= _children(process.pid)
        time.sleep(0.1)
    return workers


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.fixture
def busy_folder(tmp_path):
    """120 distinct copies of a seed plan: enough work for worker processes to be running when the
    signal comes (40 were loaded within a second with jieba-next on a busy machine)."""
    folder = tmp_path / "busy"
    folder.mkdir()
    text = (DOCUMENTS_DIR / "suixi-2021-2025-scheme.txt").read_text(encoding="utf-8")
    for i in range(120):
        (folder / f"copy{i:02d}.txt").write_text(f"{text}\n附件{i}\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["cli-sigint", "cli-sigterm"])
def test_interruption_exits_130_without_outputs_or_workers(signum, busy_folder, tmp_path):
    out = tmp_path / "summary.csv"
    process = _started("corpus", "summary", "--corpus", str(busy_folder), "--csv", str(out), cache=tmp_path / "cache")
    workers = _workers_of(process, seconds=60)
    assert workers, "the load never started worker processes"
    time.sleep(0.3)
    assert process.poll() is None, "the load ended before the signal: the folder is too small to interrupt"
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "interrupted" in _one_line(stderr)
    assert not out.exists() and not list(tmp_path.glob(".*.tmp"))
    time.sleep(0.5)
    assert not [pid for pid in workers if _alive(pid)]  # no orphaned worker processes


REPORT_CASES = {
    "report-out-inside-corpus": (lambda d, t: d / "figures", "inside the corpus folder"),
    "report-out-is-a-file": (lambda d, t: (t / "out.txt", (t / "out.txt").write_text("x"))[0], "is not a folder"),
}


@pytest.mark.parametrize("case", list(REPORT_CASES), ids=list(REPORT_CASES))
def test_report_cli_output_errors_exit_2(case, docs, tmp_path, capsys):
    make, message = REPORT_CASES[case]
    out = make(docs, tmp_path)
    before = snapshot(docs)
    assert report_cli.main(["report", "--corpus", str(docs), "--out", str(out)]) == 2
    assert message in _one_line(capsys.readouterr().err)
    assert snapshot(docs) == before


def test_report_cli_read_only_output_exits_2(docs, tmp_path, monkeypatch, capsys):
    """A read-only folder; as root (who writes anyway) the refusal comes from a fake."""
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o555)
    real = Path.write_bytes

    def refuse(self, data):
        if out in self.parents:
            raise OSError(errno.EROFS, "Read-only file system", str(self))
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", refuse)
    assert report_cli.main(["report", "--corpus", str(docs), "--out", str(out)]) == 2
    assert "read-only file system" in _one_line(capsys.readouterr().err)
    out.chmod(0o755)


def _fake_run(failure: BaseException):
    def run(source, out, *, lang, **options):
        (Path(out) / ".metrics.csv.123.tmp").write_text("half")  # a write in progress
        raise failure

    return run


@pytest.mark.parametrize(
    ("failure", "code", "message"),
    [
        (OSError(errno.ENOSPC, "No space left on device", "figures/x.png"), 2, "figures/x.png: disk full"),
        (KeyboardInterrupt(), 130, "interrupted"),
        (report_cli.ReportError("coverage analysis failed: ValueError: empty"), 1, "coverage analysis failed"),
    ],
    ids=["report-disk-full", "report-interrupted", "report-step-failed"],
)
def test_report_cli_failures_exit_codes_and_clean_up(failure, code, message, docs, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(report_cli, "run", _fake_run(failure))
    out = tmp_path / "out"
    assert report_cli.main(["report", "--corpus", str(docs), "--out", str(out)]) == code
    assert message in _one_line(capsys.readouterr().err)
    assert not list(out.glob(".*.tmp"))


def test_report_cli_sigterm_is_handled_like_ctrl_c(docs, tmp_path, monkeypatch, capsys):
    def terminated(source, out, *, lang, **options):
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)  # the handler interrupts this
        raise AssertionError("SIGTERM was not handled")

    monkeypatch.setattr(report_cli, "run", terminated)
    assert report_cli.main(["report", "--corpus", str(docs), "--out", str(tmp_path / "out")]) == 130
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL  # restored afterwards
    assert "interrupted" in capsys.readouterr().err


@pytest.mark.slow  # a report on the seeds, interrupted while its sections run in worker processes
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["report-sigint", "report-sigterm"])
def test_report_interruption_stops_its_section_workers(signum, tmp_path):
    out = tmp_path / "out"
    args = ["report", "--corpus", str(DOCUMENTS_DIR), "--out", str(out), "--no-notebooks", "--quiet", "--jobs", "2"]
    process = _started("analysis", *args, cache=tmp_path / "cache")
    workers = _workers_of(process, seconds=300)
    assert len(workers) >= 2, "the report never started its section workers"
    time.sleep(1.0)
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert "interrupted" in _one_line(stderr)
    assert not list(out.rglob(".*.tmp")) and not (out / "run.json").exists()
    time.sleep(0.5)
    assert not [pid for pid in workers if _alive(pid)]  # no orphaned section worker
