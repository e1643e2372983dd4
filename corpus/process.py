"""Per-file work: read, clean, split into documents, structure, clauses, sentences, tokens.

``process_file`` is a pure function of the file's bytes, its manifest rows and the
tokeniser, so its result can be cached by content hash and computed in worker processes.
All offsets in the returned tables are character offsets into the decoded source file. The
derived tables are built as Arrow tables (``corpus.tables``) straight from Python columns: a
pandas frame per document and its conversion cost as much as the cleaning.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from . import metadata, places
from .clean import CleanText, clean
from .infer import infer
from .read import read_source
from .responsibility import parse_clause
from .structure import build_segments, front_end, line_spans, sentences_of
from .tables import SCHEMAS, from_columns, from_records
from .tokenize import Tokenizer


def process_file(path: Path, data: bytes, rows: list[dict], tokenizer: Tokenizer) -> dict:
    """Process one source file into its documents and their tables.

    Returns
    -------
    dict
        ``documents``: one dict per document (its docvars); ``tables``: Arrow tables
        (``corpus.tables.SCHEMAS``) segments, responsibilities, sentences, tokens; ``problems``,
        ``encoding``, ``text`` (the decoded source).
    """
    source = read_source(path, data)
    cleaned = clean(source.text, fmt=source.fmt)
    bounds, problems = _document_bounds(cleaned, rows or [{}], path)
    problems = [*source.warnings, *problems]  # e.g. a doubtful Big5 / GB18030 choice, naming the file
    records: dict[str, list[dict]] = {name: [] for name in ("documents", "segments", "responsibilities")}
    columns: dict[str, list[dict]] = {"sentences": [], "tokens": []}  # per document, column by column
    for row, (c_start, c_end) in bounds:
        doc = _document(cleaned, c_start, c_end, row, path, tokenizer, records, columns)
        records["documents"].append(doc)
    arrow = {name: from_records(name, records[name]) for name in ("segments", "responsibilities")}
    arrow.update({name: from_columns(name, _joined(name, parts)) for name, parts in columns.items()})
    return {
        "documents": records["documents"],
        "tables": arrow,
        "problems": problems,
        "encoding": source.encoding,
        "text": source.text,
    }


def _joined(name: str, parts: list[dict]) -> dict:
    """Table ``name``'s columns over a file's documents, one after the other (lists chained,
    arrays concatenated; no document: empty columns)."""
    if len(parts) == 1:
        return parts[0]
    out = {}
    for column in SCHEMAS[name].names:
        values = [part[column] for part in parts]
        joined = np.concatenate(values) if values and isinstance(values[0], np.ndarray) else None
        out[column] = joined if joined is not None else [v for part in values for v in part]
    return out


def _document_bounds(cleaned: CleanText, rows: list[dict], path: Path):
    """Clean spans of the documents a file holds, following the manifest's ``begins_at``."""
    lines = line_spans(cleaned.text, 0, len(cleaned.text))
    starts, problems = [], []
    for row in rows:
        marker = (row.get("begins_at") or "").strip()
        if not marker:
            starts.append((0, row))
            continue
        target = clean(marker, simplify=cleaned.simplified).text
        hit = next((s for s, e in lines if cleaned.text[s:e] == target), None)
        if hit is None:
            problems.append(f"{path.name}: manifest row {row.get('doc_id') or '?'}: begins_at {marker!r} not found")
            continue
        starts.append((hit, row))
    starts.sort(key=lambda item: item[0])
    bounds = []
    for i, (start, row) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else len(cleaned.text)
        bounds.append((row, (start, end)))
    return bounds, problems


def _document(cleaned: CleanText, c_start: int, c_end: int, row: dict, path: Path, tokenizer, records, columns) -> dict:
    text = cleaned.text
    spans = line_spans(text, c_start, c_end)
    body_from = front_end(text, spans)
    lines = [text[s:e] for s, e in spans]
    inferred = infer(lines, body_from, path, doc_types=metadata.doc_types())
    meta, warnings = metadata.merge(row, inferred)
    doc_id = row.get("doc_id") or _doc_id(meta, path)
    segments, clauses = build_segments(cleaned, c_start, c_end, doc_id)
    start, end = cleaned.source_span(c_start, c_end)
    _segment_rows(cleaned, segments, clauses, doc_id, records)
    sentences, tokens = _sentence_columns(cleaned, segments, doc_id, tokenizer)
    columns["sentences"].append(sentences)
    columns["tokens"].append(tokens)
    body = [s for s in segments if s.in_body]
    return {
        "doc_id": doc_id,
        **meta,
        "source_file": str(path),
        "n_chars": sum(e - s for seg in body for s, e in seg.pieces),
        "n_segments": len(body),
        "simplified": cleaned.simplified,
        "warnings": "; ".join(warnings),
        "start": start,
        "end": end,
    }


def _doc_id(meta: dict, path: Path) -> str:
    """``<place slug>-<years>-<doc_type>``; a document of unknown place is named by its file."""
    stem = re.sub(r"[^a-z0-9]+", "-", Path(path).stem.lower()).strip("-")
    slug = places.slug_of(meta.get("county"), meta.get("place"))
    if slug is None:
        return stem or "doc"
    parts = [slug]
    if meta.get("year_start"):
        years = str(meta["year_start"])
        if meta.get("year_end") and meta["year_end"] != meta["year_start"]:
            years += f"-{meta['year_end']}"
        parts.append(years)
    parts.append(meta.get("doc_type") or "doc")
    return "-".join(parts)


def _segment_rows(cleaned: CleanText, segments, clauses, doc_id: str, records) -> None:
    text = cleaned.text
    for order, seg in enumerate(segments):
        start, end = cleaned.source_span(seg.start, seg.end)
        heading_start, heading_end = cleaned.source_span(*seg.heading_span) if seg.heading else (start, start)
        seg_text = "".join(text[s:e] for s, e in seg.pieces)
        records["segments"].append(
            {
                "doc_id": doc_id,
                "seg_id": seg.seg_id,
                "parent": seg.parent,
                "level": seg.level,
                "kind": seg.kind,
                "number": seg.number,
                "heading": seg.heading,
                "text": seg_text,
                "start": start,
                "end": end,
                "heading_start": heading_start,
                "heading_end": heading_end,
                "n_chars": len(seg_text),
                "order": order,
                "in_body": seg.in_body,
            }
        )
    for seg_id, a, b in clauses:
        clause = text[a:b]
        for named in parse_clause(clause):
            src_start, src_end = cleaned.source_span(a + named.start, a + named.end)
            records["responsibilities"].append(
                {
                    "doc_id": doc_id,
                    "seg_id": seg_id,
                    "role": named.role,
                    "name": named.name,
                    "kind": named.kind,
                    "start": src_start,
                    "end": src_end,
                    "clause": clause,
                }
            )


def _sentence_columns(cleaned: CleanText, segments, doc_id: str, tokenizer: Tokenizer) -> tuple[dict, dict]:
    """The sentences and tokens of a document's body segments, column by column.

    Front and back matter and page chrome have no sentences and no tokens. Clean offsets are
    gathered for the whole document and mapped to the source in one step (``CleanText.src``):
    a sentence or token never has zero length, so ``[src[start], src[end - 1] + 1)`` is its
    source span, as ``CleanText.source_span`` gives it.
    """
    text = cleaned.text
    sent: dict[str, list] = {"seg_id": [], "sent_id": [], "text": [], "a": [], "b": []}
    tok: dict[str, list] = {"seg_id": [], "sent_id": [], "token": [], "offset": [], "a": [], "b": []}
    for seg in segments:
        if not seg.in_body:
            continue
        for sent_no, (a, b) in enumerate(sentences_of(text, seg.pieces)):
            sent_id = f"{seg.seg_id}.{sent_no:02d}"
            sentence = text[a:b]
            for name, value in zip(("seg_id", "sent_id", "text", "a", "b"), (seg.seg_id, sent_id, sentence, a, b)):
                sent[name].append(value)
            words, starts, ends = tokenizer.columns(sentence)
            n = len(words)
            tok["token"] += words
            tok["a"] += starts
            tok["b"] += ends
            tok["offset"] += [a] * n
            tok["seg_id"] += [seg.seg_id] * n
            tok["sent_id"] += [sent_id] * n
    src = cleaned.src
    sent_starts, sent_ends = np.asarray(sent["a"], dtype=np.int64), np.asarray(sent["b"], dtype=np.int64)
    offset = np.asarray(tok["offset"], dtype=np.int64)
    tok_starts = offset + np.asarray(tok["a"], dtype=np.int64)
    tok_ends = offset + np.asarray(tok["b"], dtype=np.int64)
    sentences = {
        "doc_id": [doc_id] * len(sent["text"]),
        "seg_id": sent["seg_id"],
        "sent_id": sent["sent_id"],
        "text": sent["text"],
        "start": src[sent_starts],
        "end": src[sent_ends - 1] + 1,
    }
    stopwords = tokenizer.stopwords
    tokens = {
        "doc_id": [doc_id] * len(tok["token"]),
        "seg_id": tok["seg_id"],
        "sent_id": tok["sent_id"],
        "token": tok["token"],
        "start": src[tok_starts],
        "end": src[tok_ends - 1] + 1,
        "is_stop": [word in stopwords for word in tok["token"]],
    }
    return sentences, tokens
