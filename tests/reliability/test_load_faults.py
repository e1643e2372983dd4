"""Catalogue of bad files (issue 14): one bad entry never stops the load.

Each case builds one bad entry beside a good document in ``tmp_path`` and asserts: one row in
``Corpus.problems`` for that entry, naming it and the problem; the good document loaded;
nothing in the folder changed. Ids are the ones listed in ``docs/reliability.md``.
"""

from __future__ import annotations

import io
import os
import socket
import stat
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import corpus
from corpus import files as files_module

from .faults import GOOD_NAME, GOOD_TEXT, snapshot


def _docx(text: str) -> bytes:
    import docx

    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _pdf(*, encrypt: bool) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)  # a page without a text layer, as a scan
    if encrypt:
        writer.encrypt("secret")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _zip_bomb(path: Path, *, mb: int = 64) -> None:
    """A DOCX-named zip whose one part inflates ``mb`` MiB of zeros (about 1000:1)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w", force_zip64=True) as part:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(mb):
                part.write(chunk)


def _device(path: Path) -> dict:
    """A character device (``mknod``), or a link to ``/dev/null`` followed where mknod is not allowed."""
    try:
        os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(1, 3))
        return {}
    except (PermissionError, OSError):
        path.symlink_to("/dev/null")
        return {"follow_links": True}


def _sparse(path: Path, size: int) -> None:
    """A file of ``size`` bytes that takes no disk space (and is never read)."""
    with path.open("wb") as f:
        f.truncate(size)


def _socket(path: Path) -> dict:
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    server.close()  # the socket file stays
    return {}


@dataclass
class Case:
    id: str
    name: str  # the bad entry's file name
    build: Callable[[Path, Path], dict | None]  # (folder, bad path) -> extra load options
    problem: str  # substring of the problem message
    loaded: bool = False  # the bad file is still loaded (a warning, not a refusal)
    options: dict = field(default_factory=dict)


def _write(data: bytes):
    return lambda folder, path: path.write_bytes(data)


CASES = [
    Case("symlink-loop", "loop.txt", lambda f, p: p.symlink_to(p.name), "symbolic link loop"),
    Case("symlink-dangling", "gone.txt", lambda f, p: p.symlink_to("nowhere.txt"), "dangling symbolic link"),
    Case(
        "symlink-outside",
        "secret.txt",
        lambda f, p: p.symlink_to(f.parent / "outside.txt"),
        "outside the corpus folder; skipped (allow with follow_links=True",
    ),
    Case(
        "fifo", "pipe.txt", lambda f, p: os.mkfifo(p), "named pipe (FIFO), not a regular file; skipped (never opened)"
    ),
    Case("socket", "sock.txt", lambda f, p: _socket(p), "a socket, not a regular file"),
    Case("device", "device.txt", lambda f, p: _device(p), "a device, not a regular file"),
    Case("folder-named-as-document", "sub.txt", lambda f, p: p.mkdir(), "folder skipped"),
    Case("unsupported-suffix", "table.tsv", _write(b"a\tb\n"), "not a document type"),
    Case("empty", "empty.txt", _write(b""), "file is empty"),
    Case("whitespace-only", "blank.txt", _write(" \n\t\u3000\n".encode()), "no text found"),
    Case("binary", "binary.txt", _write(bytes(range(256)) * 8), "binary content"),
    Case("invalid-bytes", "noise.txt", _write(os.urandom(4096).replace(b"\0", b"\1")), "cannot decode"),
    Case(
        "truncated-utf8",
        "cut.txt",
        _write(GOOD_TEXT.replace("开江县", "冠县").rstrip().encode()[:-1]),
        "ends inside a character (truncated?)",
        loaded=True,
    ),
    Case(
        "mixed-bytes",
        "mixed.txt",
        _write((GOOD_TEXT.replace("开江县", "濉溪县") * 10).encode() + b"\xff\xfe\xfa" + "附件".encode("gbk") + b"\n"),
        "invalid UTF-8 byte sequence(s)",
        loaded=True,
    ),
    Case(
        "too-big",
        "huge.txt",
        _write(GOOD_TEXT.replace("开江县", "冠县").encode() * 20),
        "larger than the limit",
        options={"limits": corpus.Limits(max_text_bytes=2000)},
    ),
    Case(
        "too-big-pdf",
        "large.pdf",
        lambda f, p: p.write_bytes(_pdf(encrypt=False)),
        "(Limits.max_file_bytes / --max-file-mb)",
        options={"limits": corpus.Limits(max_file_bytes=100)},
    ),
    Case(
        "over-default-text-limit",
        "sparse.txt",
        lambda f, p: _sparse(p, 11 * 1024 * 1024),
        "11.0 MiB, larger than the limit of 10 MiB (Limits.max_text_bytes / --max-text-mb)",
    ),
    Case("corrupt-docx", "broken.docx", _write(b"PK\x03\x04 not really a zip"), "not a readable DOCX"),
    Case(
        "truncated-docx",
        "cut.docx",
        lambda f, p: p.write_bytes(_docx(GOOD_TEXT)[:3000]),
        "not a readable DOCX",
    ),
    Case("zip-bomb-docx", "bomb.docx", lambda f, p: _zip_bomb(p), "a zip bomb?"),
    Case(
        "docx-over-size-limit",
        "big.docx",
        lambda f, p: p.write_bytes(_docx(GOOD_TEXT.replace("开江县", "冠县") * 200)),
        "DOCX would inflate to",
        options={"limits": corpus.Limits(max_docx_bytes=20_000)},
    ),
    Case("image-only-pdf", "scan.pdf", lambda f, p: p.write_bytes(_pdf(encrypt=False)), "no text layer"),
    Case("encrypted-pdf", "locked.pdf", lambda f, p: p.write_bytes(_pdf(encrypt=True)), "PDF is encrypted"),
    Case("corrupt-pdf", "broken.pdf", _write(b"%PDF-1.4\n garbage"), "not a readable PDF"),
    Case("duplicate-bytes", "zcopy.txt", _write(GOOD_TEXT.encode()), "duplicate of good.txt (same content)"),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_one_bad_entry_never_stops_the_load(case, docs):
    (docs.parent / "outside.txt").write_text(
        "冠县法治政府建设工作要点\n一、总体要求\n推进依法行政。\n", encoding="utf-8"
    )
    bad = docs / case.name
    built = case.build(docs, bad)  # extra load options, or whatever the builder returned
    options = {**(built if isinstance(built, dict) else {}), **case.options}
    before = snapshot(docs)
    c = corpus.load(docs, cache=False, **options)
    rows = c.problems[c.problems.file == case.name]
    assert len(rows) == 1, c.problems.to_dict("records")
    message = rows.problem.iloc[0]
    assert message.startswith(f"{case.name}: ") and case.problem in message
    assert "\n" not in message
    loaded = sorted(Path(p).name for p in c.documents.source_file)
    assert loaded == sorted([GOOD_NAME, case.name] if case.loaded else [GOOD_NAME])
    good = c.documents[c.documents.source_file.str.endswith(GOOD_NAME)].iloc[0]
    assert good.county == "开江县" and good.year_start == 2021
    assert snapshot(docs) == before  # nothing in the corpus folder written or changed


def test_unreadable_file_is_named(docs, monkeypatch):
    """chmod 000; as root (who reads it anyway) the denial comes from a fake ``os.open``."""
    locked = docs / "locked.txt"
    locked.write_text(GOOD_TEXT.replace("开江县", "冠县"), encoding="utf-8")
    locked.chmod(0)
    if os.geteuid() == 0:
        real_open = os.open

        def denying_open(path, flags, *args, **kwargs):
            if Path(path).name == "locked.txt":
                raise PermissionError(13, "Permission denied", str(path))
            return real_open(path, flags, *args, **kwargs)

        monkeypatch.setattr(files_module.os, "open", denying_open)
    c = corpus.load(docs, cache=False)
    assert c.problems.problem.tolist() == ["locked.txt: cannot open (permission denied); skipped"]
    assert [Path(p).name for p in c.documents.source_file] == [GOOD_NAME]
    locked.chmod(0o644)


def test_links_inside_the_folder_are_followed_and_outside_only_when_allowed(docs):
    outside = docs.parent / "outside.txt"
    outside.write_text(GOOD_TEXT.replace("开江县", "冠县").replace("2021", "2022"), encoding="utf-8")
    (docs / "elsewhere.txt").symlink_to(outside)
    refused = corpus.load(docs, cache=False)
    assert [Path(p).name for p in refused.documents.source_file] == [GOOD_NAME]
    allowed = corpus.load(docs, cache=False, follow_links=True)
    assert sorted(allowed.documents.county) == ["冠县", "开江县"]
    assert allowed.problems.empty


def test_an_unforeseen_processing_error_names_the_file(docs, monkeypatch):
    """A crash inside the per-file work (a bug, an input nobody foresaw) is one problem, not a stop."""
    from corpus import loader

    real = loader.process_file

    def crashing(path, data, rows, tokenizer):
        if path.name == "odd.txt":
            raise IndexError("list index out of range")
        return real(path, data, rows, tokenizer)

    monkeypatch.setattr(loader, "process_file", crashing)
    (docs / "odd.txt").write_text(GOOD_TEXT.replace("开江县", "冠县"), encoding="utf-8")
    c = corpus.load(docs, cache=False)
    assert c.problems.problem.tolist() == [
        "odd.txt: could not be processed (IndexError: list index out of range); skipped"
    ]
    assert [Path(p).name for p in c.documents.source_file] == [GOOD_NAME]


def test_a_manifest_row_naming_a_link_loop_costs_nothing_else(docs):
    """Regression (issue 14): resolving a manifest path through a link loop stopped the load."""
    (docs / "loop.txt").symlink_to("loop.txt")
    (docs / "manifest.csv").write_text("source_file,doc_id\ngood.txt,kj\nloop.txt,lp\n", encoding="utf-8")
    c = corpus.load(docs, cache=False)
    assert c.documents.doc_id.tolist() == ["kj"]
    assert c.problems.problem.tolist() == ["loop.txt: symbolic link loop; skipped"]


def test_a_manifest_row_applies_to_a_followed_link(docs):
    outside = docs.parent / "outside.txt"
    outside.write_text(GOOD_TEXT.replace("开江县", "冠县").replace("2021", "2022"), encoding="utf-8")
    (docs / "elsewhere.txt").symlink_to(outside)
    (docs / "manifest.csv").write_text("source_file,doc_id\nelsewhere.txt,gx-linked\n", encoding="utf-8")
    c = corpus.load(docs, cache=False, follow_links=True)
    assert "gx-linked" in c.documents.doc_id.tolist() and c.problems.empty


def test_a_file_name_from_a_gbk_system_is_named_and_skipped(docs):
    """A zip unpacked from a Chinese Windows system leaves GBK bytes in file names (not UTF-8)."""
    raw = "冠县计划.txt".encode("gbk")
    (docs / os.fsdecode(raw)).write_text(GOOD_TEXT.replace("开江县", "冠县"), encoding="utf-8")
    c = corpus.load(docs, cache=False)
    shown = raw.decode("utf-8", errors="backslashreplace")
    problem = f"{shown}: file name is not valid UTF-8 (as GBK: 冠县计划.txt); skipped, rename the file"
    assert c.problems.to_dict("records") == [{"file": shown, "problem": problem}]
    assert [Path(p).name for p in c.documents.source_file] == [GOOD_NAME]
