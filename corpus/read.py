"""Read a source file into text: encodings and formats.

Supported: ``.txt`` / ``.md`` / ``.html`` / ``.htm`` (UTF-8 with or without BOM, UTF-16 with
BOM or detectably without, GB18030 which covers GBK and GB2312), ``.docx`` (python-docx,
one line per paragraph and table cell) and ``.pdf`` (pypdf text layer, pages separated
by a blank line). Offsets everywhere in the project refer to the string this module
returns: the decoded text of a text file, or the extracted text of a DOCX/PDF file.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from .patterns import is_han

TEXT_SUFFIXES = frozenset({".txt", ".md", ".html", ".htm"})
BINARY_SUFFIXES = frozenset({".docx", ".pdf"})
DOCUMENT_SUFFIXES = TEXT_SUFFIXES | BINARY_SUFFIXES


class SourceError(ValueError):
    """A source file that cannot be turned into text; the message names file and problem."""


@dataclass(frozen=True)
class SourceText:
    """Decoded text of one file and how it was obtained."""

    text: str
    encoding: str  # 'utf-8', 'utf-8-sig', 'utf-16', 'gb18030', 'docx', 'pdf'
    fmt: str  # 'text', 'html', 'docx', 'pdf'


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
    if suffix == ".docx":
        text, encoding, fmt = _read_docx(path, data), "docx", "docx"
    elif suffix == ".pdf":
        text, encoding, fmt = _read_pdf(path, data), "pdf", "pdf"
    else:
        text, encoding = decode_bytes(path, data)
        fmt = "html" if suffix in {".html", ".htm"} else "text"
    if not text.strip():
        raise SourceError(f"{path.name}: no text found in the file")
    return SourceText(text=text, encoding=encoding, fmt=fmt)


def decode_bytes(path: Path, data: bytes) -> tuple[str, str]:
    """Decode text bytes: BOM first, then strict UTF-8, UTF-16 without BOM, GB18030."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(path, data, "utf-8-sig"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(path, data, "utf-16"), "utf-16"
    if b"\x00" in data:
        utf16 = _utf16_without_bom(data)
        if utf16:
            return utf16

        raise SourceError(f"{path.name}: binary content (NUL bytes), not a text document")
    for encoding in ("utf-8", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _mostly_text(text):
            return text, encoding
    raise SourceError(f"{path.name}: cannot decode as UTF-8, UTF-16 or GB18030/GBK")


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


def _mostly_text(text: str) -> bool:
    """Reject decodings full of control characters (binary that happens to decode)."""
    control = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f")
    return control <= 0.01 * max(len(text), 1)


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
    try:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
    except Exception as err:
        raise SourceError(f"{path.name}: not a readable PDF file ({type(err).__name__})") from None
    text = "\n\n".join(pages)
    if not text.strip():
        raise SourceError(f"{path.name}: PDF has no text layer (scanned images?); run OCR first")
    return text
