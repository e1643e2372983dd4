"""Worker processes (issue 16): one pool for the corpus build and the report's sections."""

from __future__ import annotations

import os

from corpus.guard import can_fork, in_worker, worker_pool


def _where() -> tuple[int, bool]:
    return os.getpid(), in_worker()


def test_workers_know_they_are_workers_and_the_parent_does_not():
    assert in_worker() is False
    with worker_pool(2, fork=can_fork()) as pool:
        seen = [pool.submit(_where).result() for _ in range(4)]
    assert {pid for pid, _ in seen} - {os.getpid()}  # ran in other processes
    assert all(flag for _, flag in seen)  # a pool inside one runs its work in it instead
    assert in_worker() is False
