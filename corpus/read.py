"""Read a source file into text: encodings and formats.

Supported: ``.txt`` / ``.md`` / ``.html`` / ``.htm`` (UTF-8 with or without BOM, UTF-16 with
BOM or detectably without, GB18030 which covers GBK and GB2312, Big5), ``.docx`` (python-docx,
one line per paragraph and table cell) and ``.pdf`` (pypdf text layer, pages separated
by a line holding a form feed, ``PAGE_SEPARATOR``). Offsets everywhere in the project refer
to the string this module returns: the decoded text of a text file, or the extracted text of
a DOCX/PDF file.

GB18030 or Big5. Bytes that are not UTF-8 nearly always decode both ways without error (the
two double-byte ranges overlap), and Big5 text read as GB18030 is gibberish. Both decodings
are scored by the share of their non-ASCII characters that are common Chinese characters
(GB2312 level 1, the 3,755 common simplified characters, or Big5's 5,401 常用字) or Chinese
punctuation: the right decoding scores 0.88-1.0, the wrong one 0.0-0.93 on 20-character
snippets of the seeds and development texts (at most 0.57 from 200 characters on). The
higher score wins, GB18030 on a tie; a guess with a margin under ``ENCODING_MIN_MARGIN`` or a
winner under ``ENCODING_MIN_SCORE`` is kept but reported in ``SourceText.warnings``, naming
the file.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from .patterns import HAN_RANGES, is_han

TEXT_SUFFIXES = frozenset({".txt", ".md", ".html", ".htm"})
BINARY_SUFFIXES = frozenset({".docx", ".pdf"})
DOCUMENT_SUFFIXES = TEXT_SUFFIXES | BINARY_SUFFIXES
PAGE_SEPARATOR = "\n\f\n"  # between the pages of a PDF; corpus.clean joins sentences across it
ENCODING_MIN_MARGIN = 0.25
ENCODING_MIN_SCORE = 0.8
MAX_INVALID_UTF8_SHARE = 0.01  # of the characters; GB18030 or Big5 bytes read as UTF-8 are mostly invalid
CHINESE_PUNCTUATION = frozenset("，。、；：？！“”‘’（）《》〈〉【】〔〕「」『』…—·")


class SourceError(ValueError):
    """A source file that cannot be turned into text; the message names file and problem."""


@dataclass(frozen=True)
class SourceText:
    """Decoded text of one file and how it was obtained."""

    text: str
    encoding: str  # 'utf-8', 'utf-8-sig', 'utf-16', 'gb18030', 'big5', 'cp950', 'docx', 'pdf'
    fmt: str  # 'text', 'html', 'docx', 'pdf'
    warnings: tuple[str, ...] = ()  # doubts about the reading, each naming the file


def read_source(path: str | Path, data: bytes | None = None) -> SourceText:
    """Read ``path`` (or its already-read ``data``) and return its text.

    Raises
    ------
    SourceError
        Empty file, binary content, undecodable bytes, a damaged DOCX, a PDF without a
        text layer, or an unsupported suffix.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in DOCUMENT_SUFFIXES:
        raise SourceError(f"{path.name}: unsupported file type {suffix!r} (allowed: {sorted(DOCUMENT_SUFFIXES)})")
    if data is None:
        data = path.read_bytes()
    if not data.strip():
        raise SourceError(f"{path.name}: file is empty")
    warnings: tuple[str, ...] = ()
    if suffix == ".docx":
        text, encoding, fmt = _read_docx(path, data), "docx", "docx"
    elif suffix == ".pdf":
        text, encoding, fmt = _read_pdf(path, data), "pdf", "pdf"
    else:
        text, encoding, warnings = decode_bytes(path, data)
        fmt = "html" if suffix in {".html", ".htm"} else "text"
    if not text.strip():
        raise SourceError(f"{path.name}: no text found in the file")
    return SourceText(text=text, encoding=encoding, fmt=fmt, warnings=warnings)


def decode_bytes(path: Path, data: bytes) -> tuple[str, str, tuple[str, ...]]:
    """Decode text bytes: BOM first, then strict UTF-8, UTF-16 without BOM, GB18030 or Big5.

    Returns the text, the encoding and warnings (a doubtful choice between GB18030 and Big5).
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(path, data, "utf-8-sig"), "utf-8-sig", ()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(path, data, "utf-16"), "utf-16", ()
    if b"\x00" in data:
        utf16 = _utf16_without_bom(data)
        if utf16:
            return (*utf16, ())

        raise SourceError(f"{path.name}: binary content (NUL bytes), not a text document")
    utf8 = _decoded(data, ("utf-8",))
    if utf8:
        return (*utf8, ())
    damaged = _damaged_utf8(path, data)
    if damaged:
        return damaged
    candidates = [c for c in (_decoded(data, ("gb18030",)), _decoded(data, ("big5", "cp950"))) if c]
    if not candidates:
        raise SourceError(f"{path.name}: cannot decode as UTF-8, UTF-16, GB18030/GBK or Big5")
    if len(candidates) == 1:
        return (*candidates[0], ())
    return _gb_or_big5(path, *candidates)


def _damaged_utf8(path: Path, data: bytes) -> tuple[str, str, tuple[str, ...]] | None:
    """UTF-8 text cut inside its last character (a truncated download) or with a few invalid
    bytes (at most ``MAX_INVALID_UTF8_SHARE`` of the characters, replaced by U+FFFD), with a
    warning naming the file; None when the bytes are not UTF-8 text.
    """
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as err:
        if err.reason == "unexpected end of data" and err.start >= len(data) - 3:
            try:
                text = data[: err.start].decode("utf-8")
            except UnicodeDecodeError:
                text = None
            if text is not None and _mostly_text(text):
                warning = (
                    f"{path.name}: ends inside a character (truncated?); last {len(data) - err.start} byte(s) dropped"
                )
                return text, "utf-8", (warning,)
        first = err.start
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    if bad > MAX_INVALID_UTF8_SHARE * len(text) or not _mostly_text(text) or chinese_score(text) < ENCODING_MIN_SCORE:
        return None
    warning = f"{path.name}: {bad} invalid UTF-8 byte sequence(s), first at byte {first}; replaced by U+FFFD"
    return text, "utf-8", (warning,)


def _decoded(data: bytes, encodings: tuple[str, ...]) -> tuple[str, str] | None:
    """(text, encoding) with the first of ``encodings`` that decodes ``data`` into text."""
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _mostly_text(text):
            return text, encoding
    return None


def _gb_or_big5(path: Path, gb: tuple[str, str], big5: tuple[str, str]) -> tuple[str, str, tuple[str, ...]]:
    """The better of two decodings of the same bytes, with a warning when the choice is doubtful."""
    gb_score, big5_score = chinese_score(gb[0]), chinese_score(big5[0])
    best, other = (big5, gb) if big5_score > gb_score else (gb, big5)
    best_score, other_score = max(gb_score, big5_score), min(gb_score, big5_score)
    if best_score - other_score >= ENCODING_MIN_MARGIN and best_score >= ENCODING_MIN_SCORE:
        return (*best, ())
    warning = (
        f"{path.name}: encoding unclear, read as {best[1]} (common-character score {best_score:.2f}; "
        f"{other[1]}: {other_score:.2f}); check the text, or save the file as UTF-8"
    )
    return (*best, (warning,))


def chinese_score(text: str) -> float:
    """Share of the non-ASCII characters of ``text`` that are common Chinese characters or punctuation."""
    chars = [ch for ch in text if ord(ch) > 127 and not ch.isspace()]
    if not chars:
        return 0.0
    common = _common_chinese()
    return sum(1 for ch in chars if ch in common or ch in CHINESE_PUNCTUATION) / len(chars)


_COMMON: set[str] = set()


def _common_chinese() -> set[str]:
    """GB2312 level 1 (3,755 common simplified characters) and Big5 常用字 (5,401); built once."""
    if not _COMMON:
        han = re.compile(f"[{HAN_RANGES}]")
        tables = (
            ("gb2312", range(0xB0, 0xD8), range(0xA1, 0xFF)),
            ("big5", range(0xA4, 0xC7), [*range(0x40, 0x7F), *range(0xA1, 0xFF)]),
        )
        for encoding, leads, trails in tables:
            for lead in leads:
                for trail in trails:
                    try:
                        ch = bytes((lead, trail)).decode(encoding)
                    except UnicodeDecodeError:
                        continue
                    if han.match(ch):
                        _COMMON.add(ch)
    return _COMMON


def _strict(path: Path, data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as err:
        raise SourceError(f"{path.name}: invalid {encoding} at byte {err.start}") from None


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-16 text without a BOM: the byte order whose decoding looks like Chinese/ASCII text."""
    if len(data) % 2:
        return None
    best = None
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        score = sum(1 for ch in text if _plausible(ch)) / max(len(text), 1)
        if score > 0.95 and (best is None or score > best[0]):
            best = (score, text, encoding)
    return (best[1], best[2]) if best else None


def _plausible(ch: str) -> bool:
    o = ord(ch)
    return (
        32 <= o < 127
        or ch in "\n\r\t"
        or is_han(ch)
        or 0x3000 <= o <= 0x303F
        or 0xFF00 <= o <= 0xFFEF
        or 0x2000 <= o <= 0x206F
        or o == 0xA0
    )


# C0 control characters other than tab, line feed, form feed and carriage return.
_BINARY_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f]")


def _mostly_text(text: str) -> bool:
    """Reject decodings full of control characters (binary that happens to decode)."""
    return len(_BINARY_CONTROL.findall(text)) <= 0.01 * max(len(text), 1)


def _read_docx(path: Path, data: bytes) -> str:
    try:
        import docx  # python-docx

        document = docx.Document(io.BytesIO(data))
    except Exception as err:
        raise SourceError(f"{path.name}: not a readable DOCX file ({type(err).__name__})") from None
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.extend(cell.text for cell in row.cells)
    return "\n".join(lines)


def _read_pdf(path: Path, data: bytes) -> str:
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its repair notes are not the user's problem
    try:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):  # an owner password alone still lets us read
            raise SourceError(f"{path.name}: PDF is encrypted (password protected); save an unprotected copy")
        pages = [page.extract_text() or "" for page in reader.pages]
    except SourceError:
        raise
    except Exception as err:
        raise SourceError(f"{path.name}: not a readable PDF file ({type(err).__name__})") from None
    text = PAGE_SEPARATOR.join(pages)
    if not text.strip():
        raise SourceError(f"{path.name}: PDF has no text layer (scanned images?); run OCR first")
    return text
