"""Render findings as Markdown: each with its sentence, numbers, quotes and GB/T 7714 sources.

Notes of what could not be computed (findings with a ``reason``) follow the numbered findings as
short italic lines under their own heading.
"""

from __future__ import annotations

from pathlib import PurePath

import pandas as pd

from analysis.groups import present
from analysis.report.section import Finding

TITLES = {
    "zh": ("主要发现", "数值", "原文", "来源", "参考文献", "字符位置", "未能计算的部分"),
    "en": ("Main findings", "Numbers", "Source text", "Source", "References", "characters", "Not computed"),
}


def _text(value) -> str | None:
    return str(value) if present(value) else None


def citation(doc: pd.Series) -> str:
    """A GB/T 7714-2015 reference for a policy document: 责任者. 题名: 文号[Z]. 日期.

    A missing issuer reads 佚名 (the county when known); a missing title is the source file's name.
    """
    issuer = _text(doc.get("issuer")) or _text(doc.get("county")) or "佚名"
    source = _text(doc.get("source_file"))
    title = _text(doc.get("title")) or (PurePath(source).stem if source else None) or doc.get("doc_id")
    number = _text(doc.get("doc_number"))
    date = _text(doc.get("issue_date"))
    text = f"{issuer}. {title}"
    if number:
        text += f": {number}"
    text += "[Z]."
    if date:
        text += f" {date}."
    return text


def render(findings: list[Finding], documents: pd.DataFrame, *, lang: str) -> str:
    """Markdown text of ``findings``; documents (one row per doc_id) supply the citations."""
    heading, numbers_label, quote_label, source_label, refs_label, chars, notes_label = TITLES[lang]
    docs = documents.set_index("doc_id")
    cited: list[str] = []
    lines = [f"# {heading}", ""]
    notes = [f for f in findings if not f.computed]
    for number, finding in enumerate([f for f in findings if f.computed], start=1):
        lines.append(f"## {number}. {finding.text[lang]}")
        lines.append("")
        if finding.numbers:
            lines.append(
                f"- {numbers_label}: "
                + ", ".join(_fmt(n) for n in finding.numbers)
                + f" (`tables/{finding.table}.csv`)"
            )
        lines.append("")
        for quote in finding.quotes:
            if quote.doc_id not in cited:
                cited.append(quote.doc_id)
            ref = cited.index(quote.doc_id) + 1
            lines += [f"> {line}" if line.strip() else ">" for line in quote.text.split("\n")]
            lines.append(">")
            lines.append(
                f"> — {quote_label}, {source_label} [{ref}] `{quote.doc_id}`, {chars} {quote.start}–{quote.end}"
            )
            lines.append("")
    if notes:  # what could not be computed on this corpus, and why: short italic notes
        lines += [f"## {notes_label}", ""]
        lines += [f"- *{note.text[lang]}*" for note in notes]
        lines.append("")
    lines += [f"## {refs_label}", ""]
    for ref, doc_id in enumerate(cited, start=1):
        source = docs.loc[doc_id, "source_file"] if doc_id in docs.index else ""
        citation_text = citation(docs.loc[doc_id]) if doc_id in docs.index else doc_id
        lines.append(f"[{ref}] {citation_text} (`{doc_id}`, `{source}`)")
    return "\n".join(lines) + "\n"


def _fmt(value) -> str:
    return str(value)
