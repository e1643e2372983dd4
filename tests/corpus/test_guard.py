"""Worker processes (issue 16): one pool for the corpus build and the report's sections."""

from __future__ import annotations

import os
import signal
import time

import pytest

from corpus.guard import _interrupt, can_fork, in_worker, worker_pool


def _where() -> tuple[int, bool]:
    return os.getpid(), in_worker()


def test_workers_know_they_are_workers_and_the_parent_does_not():
    assert in_worker() is False
    with worker_pool(2, fork=can_fork()) as pool:
        seen = [pool.submit(_where).result() for _ in range(4)]
    assert {pid for pid, _ in seen} - {os.getpid()}  # ran in other processes
    assert all(flag for _, flag in seen)  # a pool inside one runs its work in it instead
    assert in_worker() is False


def _slow_to_unwind(seconds: float) -> None:
    try:
        time.sleep(seconds)
    finally:  # a worker still unwinding (as a section worker interrupted mid-table would be)
        time.sleep(seconds)


def test_an_error_stops_every_worker_even_under_the_command_line_handler():
    """Forked workers inherit ``guarded``'s SIGTERM handler; ``terminate()`` must still kill them."""
    previous = signal.signal(signal.SIGTERM, _interrupt)  # as guarded() installs it
    try:
        started = time.monotonic()
        with pytest.raises(RuntimeError, match="stop"), worker_pool(2, fork=can_fork()) as pool:
            tasks = [pool.submit(_slow_to_unwind, 30) for _ in range(2)]
            workers = list(pool._processes.values())
            while not all(task.running() for task in tasks):
                time.sleep(0.05)
            raise RuntimeError("stop")
        assert time.monotonic() - started < 20
        # The pool's manager thread may be reaping a killed worker at this moment: until it has set the
        # exit code, ``is_alive`` polls a pid already reaped and answers True. Give it a moment.
        deadline = time.monotonic() + 5
        while [w for w in workers if w.is_alive()] and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not [w for w in workers if w.is_alive()]
    finally:
        signal.signal(signal.SIGTERM, previous)
