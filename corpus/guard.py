"""Exit codes, interruption and safe writing for the command lines.

Exit codes: 0 something useful was produced; 1 nothing could be produced (no document
loaded, an analysis failed); 2 a usage or environment error (bad option, a folder that does
not exist, an output path that is a file or lies inside the corpus folder, a folder that
cannot be written, a full disk); 130 interrupted by Ctrl-C (SIGINT) or SIGTERM. Every error
is one line on stderr naming the path and the problem; ``--debug`` adds the traceback.
Outputs are written to a temporary file and renamed, so an interruption never leaves a
half-written output under its final name; the temporary files of an interrupted run are
removed.
"""

from __future__ import annotations

import contextlib
import errno
import multiprocessing
import os
import shutil
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TypeVar

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
T = TypeVar("T")


class UsageError(Exception):
    """A usage or environment error (exit code 2); the message names the path and the problem."""


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt(signal.Signals(signum).name)


def describe(err: OSError) -> str:
    """One line for an operating-system error: the path and what went wrong."""
    reasons = {errno.ENOSPC: "disk full", errno.EROFS: "read-only file system", errno.EACCES: "permission denied"}
    reason = reasons.get(err.errno or 0) or err.strerror or str(err)
    where = err.filename if err.filename is not None else ""
    return f"{where}: {reason}" if where else reason


def guarded(
    work: Callable[[], T],
    *,
    prog: str,
    debug: bool = False,
    failures: tuple[type[BaseException], ...] = (),
    cleanup: Callable[[], None] | None = None,
) -> tuple[T | None, int]:
    """Run ``work()`` and map its failures to exit codes, with SIGTERM handled like Ctrl-C.

    Returns
    -------
    (value, exit_code)
        ``value`` is what ``work`` returned (None when it failed); ``exit_code`` is 0, 1 for
        ``failures``, 2 for ``UsageError``/``FileNotFoundError``/``OSError``, 130 when interrupted.
    """
    main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _interrupt) if main_thread else None
    caught: tuple[type[BaseException], ...] = (KeyboardInterrupt, UsageError, OSError, *failures)
    try:
        return work(), EXIT_OK
    except caught as err:
        code, message = _classify(err, failures)
        details = traceback.format_exc()
    finally:
        if main_thread:
            signal.signal(signal.SIGTERM, previous)
    if cleanup is not None:
        cleanup()
    print(f"{prog}: {message}", file=sys.stderr)
    if debug:
        print(details, file=sys.stderr)
    return None, code


def _classify(err: BaseException, failures: tuple[type[BaseException], ...]) -> tuple[int, str]:
    if isinstance(err, KeyboardInterrupt):
        return EXIT_INTERRUPTED, "interrupted; no output was left half-written"
    if failures and isinstance(err, failures):
        return EXIT_FAILED, f"failed: {err}"
    if isinstance(err, OSError) and not isinstance(err, FileNotFoundError):
        return EXIT_USAGE, f"error: {describe(err)}"
    return EXIT_USAGE, f"error: {err}"


_WORKER: dict = {}  # set in the worker processes of worker_pool


def _start_worker(initializer: Callable | None = None, initargs: tuple = ()) -> None:
    """Workers leave Ctrl-C to the main process, which stops them (no orphaned workers); SIGTERM
    kills a worker (a forked one would otherwise inherit :func:`guarded`'s handler, and
    ``terminate()`` would only raise KeyboardInterrupt in it)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _WORKER["in"] = True
    if initializer is not None:
        initializer(*initargs)


def in_worker() -> bool:
    """True in a worker process of :func:`worker_pool`: work there runs in it, not in a pool of its
    own (a report's section worker extracting metrics does not start more processes than cores)."""
    return bool(_WORKER)


@contextlib.contextmanager
def worker_pool(
    jobs: int, *, fork: bool = False, initializer: Callable | None = None, initargs: tuple = ()
) -> Iterator[ProcessPoolExecutor]:
    """A process pool whose workers all stop when the block fails or is interrupted.

    Ctrl-C, SIGTERM (see :func:`guarded`), an error or a broken pool: every worker is terminated
    and the exception goes on, so no worker keeps running after the command has ended.
    ``fork=True`` starts the workers by ``fork`` (they share the parent's memory, e.g. a loaded
    corpus, copy-on-write); it requires a platform that has it (:func:`can_fork`). ``initializer``
    (with ``initargs``) runs once in each worker, e.g. to receive what every task needs.
    """
    context = multiprocessing.get_context("fork") if fork else None
    pool = ProcessPoolExecutor(
        max_workers=jobs, initializer=_start_worker, initargs=(initializer, initargs), mp_context=context
    )
    try:
        yield pool
    except BaseException:
        processes = list((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()
        for process in processes:
            process.join(timeout=5)
            if process.is_alive():
                process.kill()
                process.join(timeout=5)
        raise
    pool.shutdown()


def default_jobs() -> int:
    """Worker processes to use by default: the cores this process may run on (CPU affinity and
    container limits taken into account where the platform says so)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def available_mb() -> float | None:
    """Memory the system can still give without swapping (``MemAvailable``, MB), or None where unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def can_fork() -> bool:
    """True where worker processes can be started by ``fork`` (Linux; not Windows)."""
    return "fork" in multiprocessing.get_all_start_methods()


def inside(path: Path, folder: Path) -> bool:
    """True when ``path`` is ``folder`` or lies under it (links resolved)."""
    path, folder = Path(path).resolve(), Path(folder).resolve()
    return path == folder or folder in path.parents


def check_output_folder(out: Path, *, corpus_folder: Path) -> None:
    """Refuse an output folder that is a file, lies inside the corpus folder or cannot be written.

    Raises
    ------
    UsageError
    """
    if inside(out, corpus_folder):
        raise UsageError(f"{out}: the output folder is inside the corpus folder {corpus_folder}; choose another")
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out}: exists and is not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / f".probe{os.getpid()}.tmp"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as err:
        raise UsageError(f"cannot write to the output folder: {describe(err)}") from None


def check_output_file(path: Path, *, corpus_folder: Path) -> None:
    """Refuse an output file that is a folder or lies inside the corpus folder (``UsageError``)."""
    if path.is_dir():
        raise UsageError(f"{path}: is a folder; give a file name")
    if inside(path.parent, corpus_folder):
        raise UsageError(f"{path}: inside the corpus folder {corpus_folder}; write it elsewhere")


def atomic_write(path: Path, write: Callable[[Path], object]) -> Path:
    """Call ``write(temporary path)`` beside ``path``, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def remove_temporaries(folder: Path) -> None:
    """Delete the hidden ``.*.tmp`` files (and staging folders) an interrupted run left in ``folder``."""
    if folder.is_dir():
        for tmp in folder.glob(".*.tmp"):
            if tmp.is_dir() and not tmp.is_symlink():
                shutil.rmtree(tmp, ignore_errors=True)
            else:
                tmp.unlink(missing_ok=True)
