"""Find and read the files of a corpus folder safely: links, special files, permissions, limits.

One bad entry never stops a load: each is turned into a problem naming the file, and the
other files are read. Rules:

- A symbolic link is followed only when its target lies inside the corpus folder; a link
  leading outside it is refused unless ``follow_links=True``. A dangling link or a link loop
  is reported.
- Only regular files are read. A FIFO, socket or device is reported from ``os.stat`` and is
  never opened; the file is opened with ``O_NONBLOCK`` and checked again with ``fstat`` so
  that an entry swapped for a FIFO in between cannot block the load either.
- A text file (.txt/.md/.html) larger than ``Limits.max_text_bytes``, or a DOCX/PDF larger than
  ``Limits.max_file_bytes``, is refused before it is read; a DOCX whose
  parts would inflate to more than ``Limits.max_docx_bytes`` (or by a ratio above
  ``Limits.max_docx_ratio``) is refused before anything is inflated, from the sizes its
  zip directory declares (Python's zipfile never inflates a part beyond its declared size).
"""

from __future__ import annotations

import errno
import io
import os
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .read import DOCUMENT_SUFFIXES, TEXT_SUFFIXES

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Limits on what one file may cost; the defaults change nothing for real documents.

    Parameters
    ----------
    max_text_bytes : int
        Largest text file (.txt, .md, .html) read (default 10 MiB, about 3.5 million Chinese
        characters; the largest real document seen is 0.1 MiB). Loading costs about 6 s and
        140 MiB of memory per MiB of text, so the default bounds one file to about a minute
        and 1.5 GiB.
    max_file_bytes : int
        Largest DOCX or PDF read (default 64 MiB; images make these larger than their text).
    max_docx_bytes : int
        Largest total size the parts of a DOCX may inflate to (default 256 MiB).
    max_docx_ratio : float
        Largest compression ratio of one DOCX part over 1 MiB (default 200; XML compresses
        about 10:1, a zip bomb 1000:1 and more).
    """

    max_text_bytes: int = 10 * MB
    max_file_bytes: int = 64 * MB
    max_docx_bytes: int = 256 * MB
    max_docx_ratio: float = 200.0


DEFAULT_LIMITS = Limits()


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISFIFO(mode):
        return "named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    return "file"


def _link_problem(path: Path, root: Path, *, follow_links: bool) -> str | None:
    """Why the symbolic link ``path`` is not followed, or None when it may be."""
    try:
        target = path.resolve(strict=True)
    except FileNotFoundError:
        return f"{path.name}: dangling symbolic link (its target {os.readlink(path)!r} does not exist); skipped"
    except (RuntimeError, OSError) as err:
        if isinstance(err, RuntimeError) or getattr(err, "errno", None) == errno.ELOOP:
            return f"{path.name}: symbolic link loop; skipped"
        return f"{path.name}: cannot follow symbolic link ({err.strerror or err}); skipped"
    if not follow_links and target != root and root not in target.parents:
        return (
            f"{path.name}: symbolic link to {target} outside the corpus folder; skipped "
            "(allow with follow_links=True / --follow-links)"
        )
    return None


def discover(folder: Path, *, ignored: frozenset[str] | set[str], follow_links: bool = False):
    """Document files directly in ``folder`` (sorted) and notes on entries skipped.

    Returns
    -------
    (files, notes)
        files: paths of regular document files (links resolved only for checking); notes:
        ``(file name, message)`` for every entry skipped, naming the entry and why.
    """
    root = folder.resolve()
    files, notes = [], []
    for path in sorted(folder.iterdir()):
        if path.name in ignored or path.name.startswith("."):
            continue
        shown = printable_name(path.name)
        if shown != path.name:
            notes.append((shown, _name_problem(path.name, shown)))
            continue
        note = _entry_problem(path, root, folder, follow_links=follow_links)
        if note:
            notes.append((path.name, note))
        else:
            files.append(path)
    return files, notes


def printable_name(name: str) -> str:
    """``name`` with bytes that are not UTF-8 (a file name from a GBK system) shown as ``\\xNN``."""
    return os.fsencode(name).decode("utf-8", errors="backslashreplace")


def _name_problem(name: str, shown: str) -> str:
    """Why a file whose name is not UTF-8 is skipped, with the name read as GB18030 when it fits."""
    try:
        guess = f" (as GBK: {os.fsencode(name).decode('gb18030')})"
    except UnicodeDecodeError:
        guess = ""
    return f"{shown}: file name is not valid UTF-8{guess}; skipped, rename the file"


def _entry_problem(path: Path, root: Path, folder: Path, *, follow_links: bool) -> str | None:
    if path.is_symlink():
        problem = _link_problem(path, root, follow_links=follow_links)
        if problem:
            return problem
    try:
        mode = path.stat().st_mode
    except OSError as err:
        return f"{path.name}: cannot inspect ({err.strerror or err}); skipped"
    kind = _kind(mode)
    if kind == "folder":
        return f"{path.name}: folder skipped (documents must be directly in {folder.name}/)"
    if path.suffix.lower() not in DOCUMENT_SUFFIXES:
        return f"{path.name}: skipped, not a document type ({', '.join(sorted(DOCUMENT_SUFFIXES))})"
    if kind != "file":
        return f"{path.name}: a {kind}, not a regular file; skipped (never opened)"
    return None


class FileProblem(Exception):
    """A file that cannot be read; the message names the file and the problem."""


def read_bytes(path: Path, *, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """The bytes of the regular file ``path``, within ``limits``.

    Raises
    ------
    FileProblem
        Not a regular file, larger than its limit (``limits``), permission denied or any
        other error of the operating system; the message names the file.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as err:
        raise FileProblem(f"{path.name}: cannot open ({_reason(err)}); skipped") from None
    limit, name = _limit(path, limits)
    try:
        _check_stat(path, os.fstat(fd), limits)
        with os.fdopen(fd, "rb", closefd=False) as f:
            data = f.read(limit + 1)
    except OSError as err:
        raise FileProblem(f"{path.name}: cannot read ({_reason(err)}); skipped") from None
    finally:
        os.close(fd)
    if len(data) > limit:  # grew while being read
        raise FileProblem(_too_big(path, len(data), limit, name))
    return data


def inspect(path: Path, *, limits: Limits = DEFAULT_LIMITS) -> os.stat_result:
    """``os.stat`` of the regular file ``path`` within ``limits``, without opening it.

    Raises
    ------
    FileProblem
        As :func:`read_bytes` would (not a regular file, too large, cannot be inspected).
    """
    try:
        info = os.stat(path)
    except OSError as err:
        raise FileProblem(f"{path.name}: cannot inspect ({_reason(err)}); skipped") from None
    return _check_stat(path, info, limits)


def _check_stat(path: Path, info: os.stat_result, limits: Limits) -> os.stat_result:
    if not stat.S_ISREG(info.st_mode):
        raise FileProblem(f"{path.name}: a {_kind(info.st_mode)}, not a regular file; skipped")
    limit, name = _limit(path, limits)
    if info.st_size > limit:
        raise FileProblem(_too_big(path, info.st_size, limit, name))
    return info


def _limit(path: Path, limits: Limits) -> tuple[int, str]:
    if path.suffix.lower() in TEXT_SUFFIXES:
        return limits.max_text_bytes, "Limits.max_text_bytes / --max-text-mb"
    return limits.max_file_bytes, "Limits.max_file_bytes / --max-file-mb"


def _reason(err: OSError) -> str:
    if isinstance(err, PermissionError):
        return "permission denied"
    return err.strerror or str(err)


def _too_big(path: Path, size: int, limit: int, name: str) -> str:
    return f"{path.name}: {size / MB:.1f} MiB, larger than the limit of {limit / MB:g} MiB ({name}); skipped"


def check_docx(path: Path, data: bytes, *, limits: Limits = DEFAULT_LIMITS) -> None:
    """Refuse a DOCX that would inflate beyond ``limits`` (a zip bomb), before inflating it.

    A file that is not a zip archive at all is left to ``corpus.read``, which reports it.
    """
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return
    total = sum(m.file_size for m in members)
    if total > limits.max_docx_bytes:
        raise FileProblem(
            f"{path.name}: DOCX would inflate to {total / MB:.0f} MiB, more than the limit of "
            f"{limits.max_docx_bytes / MB:.0f} MiB (Limits.max_docx_bytes; a zip bomb?); skipped"
        )
    for m in members:
        ratio = m.file_size / max(m.compress_size, 1)
        if m.file_size > MB and ratio > limits.max_docx_ratio:
            raise FileProblem(
                f"{path.name}: DOCX part {m.filename} is compressed {ratio:.0f}:1, more than the limit "
                f"of {limits.max_docx_ratio:.0f}:1 (Limits.max_docx_ratio; a zip bomb?); skipped"
            )
