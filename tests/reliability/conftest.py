"""Fixtures for the reliability catalogue (issue 14): a small good document, bounded time per case."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from .faults import GOOD_NAME, GOOD_TEXT

CASE_SECONDS = 120  # no catalogue case may run longer (a FIFO opened by mistake would block forever)


@pytest.fixture(autouse=True)
def bounded_time():
    """Fail a case that runs longer than ``CASE_SECONDS`` instead of hanging the suite."""

    def expire(signum, frame):
        raise TimeoutError(f"reliability case ran longer than {CASE_SECONDS} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(CASE_SECONDS)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def docs(tmp_path) -> Path:
    """A corpus folder in ``tmp_path`` holding the good document only."""
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / GOOD_NAME).write_text(GOOD_TEXT, encoding="utf-8")
    return folder
