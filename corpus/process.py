"""Per-file work: read, clean, split into documents, structure, clauses, sentences, tokens.

``process_file`` is a pure function of the file's bytes, its manifest rows and the
tokeniser, so its result can be cached by content hash and computed in worker processes.
All offsets in the returned tables are character offsets into the decoded source file.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from . import metadata
from .clean import CleanText, clean
from .patterns import DATE_CN
from .read import read_source
from .responsibility import parse_clause
from .structure import build_segments, front_end, line_spans, sentences_of
from .tokenize import Tokenizer

YEAR_PAREN = re.compile(r"^[（(]\d{4}.{0,6}\d{0,4}年?[）)]$")


def process_file(path: Path, data: bytes, rows: list[dict], tokenizer: Tokenizer) -> dict:
    """Process one source file into tables (documents, segments, responsibilities, sentences, tokens)."""
    source = read_source(path, data)
    cleaned = clean(source.text, fmt=source.fmt)
    bounds, problems = _document_bounds(cleaned, rows or [{}], path)
    tables: dict[str, list[dict]] = {
        name: [] for name in ("documents", "segments", "responsibilities", "sentences", "tokens")
    }
    for row, (c_start, c_end) in bounds:
        doc = _document(cleaned, c_start, c_end, row, path, tokenizer, tables)
        tables["documents"].append(doc)
    frames = {name: pd.DataFrame(records) for name, records in tables.items()}
    return {"tables": frames, "problems": problems, "encoding": source.encoding, "text": source.text}


def _document_bounds(cleaned: CleanText, rows: list[dict], path: Path):
    """Clean spans of the documents a file holds, following the manifest's ``begins_at``."""
    lines = line_spans(cleaned.text, 0, len(cleaned.text))
    starts, problems = [], []
    for row in rows:
        marker = (row.get("begins_at") or "").strip()
        if not marker:
            starts.append((0, row))
            continue
        target = clean(marker).text
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


def _document(cleaned: CleanText, c_start: int, c_end: int, row: dict, path: Path, tokenizer, tables) -> dict:
    text = cleaned.text
    lines = line_spans(text, c_start, c_end)
    body_from = front_end(text, lines)
    title = _title(text, lines, body_from)
    front = "\n".join(text[s:e] for s, e in lines[:body_from])
    body_head = "\n".join(text[s:e] for s, e in lines[body_from : body_from + 5])
    meta, warnings = _merge(row, metadata.infer(front, title, body_head))
    doc_id = row.get("doc_id") or _doc_id(meta, path)
    segments, clauses = build_segments(cleaned, c_start, c_end, doc_id)
    start, end = cleaned.source_span(c_start, c_end)
    _segment_rows(cleaned, segments, clauses, doc_id, tokenizer, tables)
    body = [s for s in segments if s.kind not in ("front", "back")]
    return {
        "doc_id": doc_id,
        **meta,
        "source_file": str(path),
        "n_chars": sum(e - s for seg in body for s, e in seg.pieces),
        "n_segments": len(body),
        "warnings": "; ".join(warnings),
        "start": start,
        "end": end,
    }


def _title(text: str, lines, body_from: int) -> str:
    if body_from == 0:
        return ""
    title = text[lines[body_from - 1][0] : lines[body_from - 1][1]]
    if YEAR_PAREN.match(title) and body_from >= 2:
        title = text[lines[body_from - 2][0] : lines[body_from - 2][1]] + title
    elif body_from >= 2 and len(title) <= 10:  # a title broken over two short lines
        previous = text[lines[body_from - 2][0] : lines[body_from - 2][1]]
        if "。" not in previous and len(previous) <= 20 and not DATE_CN.search(previous):
            title = previous + title
    return title


def _merge(row: dict, inferred: dict) -> tuple[dict, list[str]]:
    """Docvars and their sources: the manifest wins, then inference, then the county table."""
    meta: dict = {}
    warnings = []
    for name in metadata.INFERRED_FIELDS:
        given = (row.get(name) or "").strip()
        value, source = (given, "manifest") if given else inferred.get(name, (None, ""))
        if name in ("year_start", "year_end") and value not in (None, ""):
            value = int(value)
        if value in (None, ""):
            warnings.append(f"{name} not stated and not inferred")
            value, source = None, ""
        meta[name], meta[f"{name}_source"] = value, source
    facts = metadata.county_facts(meta["county"])
    for name in metadata.PLACE_FIELDS:
        meta[name] = facts[name]
        if name != "county_en":
            meta[f"{name}_source"] = "gazetteer" if facts[name] else ""
    return meta, warnings


def _doc_id(meta: dict, path: Path) -> str:
    parts = [metadata.slug_of(meta.get("county"))]
    if meta.get("year_start"):
        years = str(meta["year_start"])
        if meta.get("year_end") and meta["year_end"] != meta["year_start"]:
            years += f"-{meta['year_end']}"
        parts.append(years)
    parts.append(meta.get("doc_type") or re.sub(r"[^a-z0-9]+", "-", Path(path).stem.lower()).strip("-") or "doc")
    return "-".join(parts)


def _segment_rows(cleaned: CleanText, segments, clauses, doc_id: str, tokenizer: Tokenizer, tables) -> None:
    text = cleaned.text
    for order, seg in enumerate(segments):
        start, end = cleaned.source_span(seg.start, seg.end)
        heading_start, heading_end = cleaned.source_span(*seg.heading_span) if seg.heading else (start, start)
        seg_text = "".join(text[s:e] for s, e in seg.pieces)
        tables["segments"].append(
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
                "in_body": seg.kind not in ("front", "back"),
            }
        )
        if seg.kind in ("front", "back"):
            continue
        for sent_no, (a, b) in enumerate(sentences_of(text, seg.pieces)):
            sent_id = f"{seg.seg_id}.{sent_no:02d}"
            s_start, s_end = cleaned.source_span(a, b)
            tables["sentences"].append(
                {
                    "doc_id": doc_id,
                    "seg_id": seg.seg_id,
                    "sent_id": sent_id,
                    "text": text[a:b],
                    "start": s_start,
                    "end": s_end,
                }
            )
            for token, t_start, t_end in tokenizer.spans(text[a:b]):
                src_start, src_end = cleaned.source_span(a + t_start, a + t_end)
                tables["tokens"].append(
                    {
                        "doc_id": doc_id,
                        "seg_id": seg.seg_id,
                        "sent_id": sent_id,
                        "token": token,
                        "start": src_start,
                        "end": src_end,
                        "is_stop": token in tokenizer.stopwords,
                    }
                )
    for seg_id, a, b in clauses:
        clause = text[a:b]
        for named in parse_clause(clause):
            src_start, src_end = cleaned.source_span(a + named.start, a + named.end)
            tables["responsibilities"].append(
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
