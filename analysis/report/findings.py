"""Render findings as Markdown: each with its sentence, numbers, quotes and GB/T 7714 sources."""

from __future__ import annotations

import pandas as pd

from analysis.report.section import Finding

TITLES = {
    "zh": ("主要发现", "数值", "原文", "来源", "参考文献", "字符位置"),
    "en": ("Main findings", "Numbers", "Source text", "Source", "References", "characters"),
}


def citation(doc: pd.Series) -> str:
    """A GB/T 7714-2015 reference for a policy document: 责任者. 题名: 文号[Z]. 日期."""
    issuer = doc.get("issuer") or doc.get("county") or "佚名"
    title = doc.get("title") or doc.get("doc_id")
    number = doc.get("doc_number")
    date = doc.get("issue_date")
    text = f"{issuer}. {title}"
    if isinstance(number, str) and number:
        text += f": {number}"
    text += "[Z]."
    if isinstance(date, str) and date:
        text += f" {date}."
    return text


def render(findings: list[Finding], documents: pd.DataFrame, *, lang: str) -> str:
    """Markdown text of ``findings``; documents (one row per doc_id) supply the citations."""
    heading, numbers_label, quote_label, source_label, refs_label, chars = TITLES[lang]
    docs = documents.set_index("doc_id")
    cited: list[str] = []
    lines = [f"# {heading}", ""]
    for number, finding in enumerate(findings, start=1):
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
    lines += [f"## {refs_label}", ""]
    for ref, doc_id in enumerate(cited, start=1):
        source = docs.loc[doc_id, "source_file"] if doc_id in docs.index else ""
        citation_text = citation(docs.loc[doc_id]) if doc_id in docs.index else doc_id
        lines.append(f"[{ref}] {citation_text} (`{doc_id}`, `{source}`)")
    return "\n".join(lines) + "\n"


def _fmt(value) -> str:
    return str(value)
