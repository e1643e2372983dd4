"""Render findings as Markdown: each with its sentence, base, validity, numbers, quotes and GB/T 7714
sources.

Every finding states its base (how many documents of how many counties, which years: the documents it
names in ``doc_ids``, or the quoted documents when every number is read from a quote, else the whole
corpus), the validity of the measure it rests on when one is known
(:func:`validity_notes`: topic coverage is validated in-sample only), and each number with the quote
it is read from (doc_id and character offsets) or else the table that holds it. A finding whose table
is empty is dropped (:func:`usable`): nothing is said about a part that could not be computed; notes of
what could not be computed (findings with a ``reason``) follow as short italic lines.
"""

from __future__ import annotations

import re
from pathlib import PurePath

import pandas as pd

from analysis.groups import present
from analysis.report.section import Finding

TITLES = {
    "zh": ("主要发现", "数值", "原文", "来源", "参考文献", "字符位置", "未能计算的部分"),
    "en": ("Main findings", "Numbers", "Source text", "Source", "References", "characters", "Not computed"),
}
WORDS = {
    "zh": {
        "base": "基础",
        "validity": "效度",
        "docs": "{n}份文件（{c}个县，{y}）",
        "years": "{a}—{b}年",
        "year": "{a}年",
        "no_year": "年份不详",
        "in": "见",
        "corpus": "本报告基于{base}。",
    },
    "en": {
        "base": "Base",
        "validity": "Validity",
        "docs": "{n} document{ns} ({c} count{cs}, {y})",
        "years": "{a}–{b}",
        "year": "{a}",
        "no_year": "years unknown",
        "in": "in",
        "corpus": "This report rests on {base}.",
    },
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


def base(documents: pd.DataFrame, *, lang: str) -> str:
    """'7份文件（4个县，2021—2025年）' / '7 documents (4 counties, 2021–2025)'."""
    words = WORDS[lang]
    years = pd.concat([documents["year_start"], documents["year_end"]]).dropna().astype(int)
    if years.empty:
        span = words["no_year"]
    elif years.min() == years.max():
        span = words["year"].format(a=years.min())
    else:
        span = words["years"].format(a=years.min(), b=years.max())
    counties = documents["county"].fillna(documents["doc_id"]).nunique()
    n = len(documents)
    return words["docs"].format(n=n, c=counties, y=span, ns="" if n == 1 else "s", cs="y" if counties == 1 else "ies")


def validity_notes(tables: dict, *, lang: str) -> dict:
    """Table-name prefix -> the validity statement of the measure behind findings from those tables.

    Topic coverage: the macro kappa of the dictionary coding (which makes the shares) against the
    documents' own headings, leaving one county out (``coverage_validity_loco``); in-sample, and
    said so, only when the corpus has too few counties for a held-out check.
    """
    loco = tables.get("coverage_validity_loco")
    if loco is not None and len(loco):
        rows = loco[(loco["scheme"] == "loco") & (loco["area_id"] == "macro") & (loco["method"] == "dictionary")]
        if len(rows):
            r = rows.iloc[0]
            text = {
                "zh": f"样本外（留一县）：词典编码与文件自身标题的宏平均kappa为{r.kappa:.3f}"
                f"（{int(r.n_segments)}个段落）",
                "en": f"out of sample (leave one county out): the dictionary coding agrees with the documents' own "
                f"headings at a macro kappa of {r.kappa:.3f} ({int(r.n_segments)} segments)",
            }
            return {"coverage": text[lang]}
    validity = tables.get("coverage_validity")
    if validity is None or validity.empty or "macro" not in set(validity["area_id"]):
        return {}
    macro = validity.set_index("area_id").loc["macro"]
    text = {
        "zh": f"样本内：词典编码与文件自身标题的宏平均kappa为{macro.kappa:.3f}（{int(macro.n_segments)}个段落），"
        "语料不足以做留一县检验",
        "en": f"in-sample: the dictionary coding agrees with the documents' own headings at a macro kappa of "
        f"{macro.kappa:.3f} ({int(macro.n_segments)} segments); too few counties for a held-out check",
    }
    return {"coverage": text[lang]}


def usable(findings: list[Finding], tables: dict) -> list[Finding]:
    """The findings whose table exists and has rows (notes of what was not computed are kept)."""
    return [f for f in findings if not f.computed or (f.table in tables and not tables[f.table].empty)]


def _base_ids(finding: Finding) -> tuple:
    """The documents a finding rests on: its ``doc_ids``; else, when every number it states is read from
    one of its quotes, the quoted documents; else () (the whole corpus)."""
    if finding.doc_ids:
        return tuple(finding.doc_ids)
    if finding.numbers and all(any(_in_quote(n, q.text) for q in finding.quotes) for n in finding.numbers):
        return tuple(dict.fromkeys(q.doc_id for q in finding.quotes))
    return ()


def _number_links(finding: Finding, refs: dict, lang: str) -> str:
    """Each number with the quote it is read from ([ref] doc_id start–end), else its table."""
    parts = []
    for number in finding.numbers:
        text = _fmt(number)
        quote = next((q for q in finding.quotes if _in_quote(number, q.text)), None)
        if quote is not None:
            parts.append(f"{text} ([{refs[quote.doc_id]}] `{quote.doc_id}` {quote.start}–{quote.end})")
        else:
            parts.append(text)
    return ", ".join(parts) + f" ({WORDS[lang]['in']} `tables/{finding.table}.csv`)"


def render(findings: list[Finding], documents: pd.DataFrame, *, lang: str, validity: dict | None = None) -> str:
    """Markdown text of ``findings``; documents (one row per doc_id) supply the citations and the base,
    ``validity`` (:func:`validity_notes`) the validity of each table's measure."""
    heading, numbers_label, quote_label, source_label, refs_label, chars, notes_label = TITLES[lang]
    words = WORDS[lang]
    validity = validity or {}
    docs = documents.set_index("doc_id")
    cited: list[str] = []
    lines = [f"# {heading}", "", words["corpus"].format(base=base(documents, lang=lang)), ""]
    notes = [f for f in findings if not f.computed]
    for number, finding in enumerate([f for f in findings if f.computed], start=1):
        for quote in finding.quotes:
            if quote.doc_id not in cited:
                cited.append(quote.doc_id)
        refs = {doc_id: cited.index(doc_id) + 1 for doc_id in cited}
        lines.append(f"## {number}. {finding.text[lang]}")
        lines.append("")
        scope = documents[documents["doc_id"].isin(_base_ids(finding))] if _base_ids(finding) else documents
        lines.append(f"- {words['base']}: {base(scope, lang=lang)}")
        measure = next((text for prefix, text in validity.items() if finding.table.startswith(prefix)), None)
        if measure:
            lines.append(f"- {words['validity']}: {measure}")
        if finding.numbers:
            lines.append(f"- {numbers_label}: {_number_links(finding, refs, lang)}")
        lines.append("")
        for quote in finding.quotes:
            lines += [f"> {line}" if line.strip() else ">" for line in quote.text.split("\n")]
            lines.append(">")
            lines.append(
                f"> — {quote_label}, {source_label} [{refs[quote.doc_id]}] `{quote.doc_id}`, "
                f"{chars} {quote.start}–{quote.end}"
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


def _in_quote(value, text: str) -> bool:
    """True when ``value`` is written in ``text`` as a whole number (91 in '受理91件'; 952.0 as '952')."""
    forms = {str(value)}
    if isinstance(value, float) and value.is_integer():
        forms.add(str(int(value)))
    return any(re.search(rf"(?<![\d.]){re.escape(form)}(?![\d])", text) for form in forms)
