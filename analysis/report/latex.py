r"""LaTeX tables that compile when ``\input`` into a paper (xelatex with ``ctex``).

A table of at most ``FLOAT_ROWS`` rows is a ``table`` float; a longer one (or one on a landscape
page) is a ``longtable`` that breaks across pages (header repeated, "continued" notes). Both use
booktabs rules and wrapped ``p{}`` columns that add up to ``\linewidth``: each column is at least as wide as its longest
unbreakable part (a number, an identifier segment) and shares the rest of the line by its typical
display width (a CJK character counting double); text may break after ``-``, ``/`` and ``_``.
Every cell and caption is escaped. What the LaTeX copy leaves out is said in its caption: rows
beyond ``MAX_ROWS``, text cut at ``MAX_CELL_CHARS``, columns that hold one value in every row
(given with that value), and the label column of the other language. The CSV holds everything.

The paper's preamble needs::

    \documentclass{ctexart}   % or \usepackage{ctex}
    \usepackage{booktabs, longtable, array, pdflscape}

A table too wide for the portrait line at ``\footnotesize`` is set on a landscape page
(``pdflscape``); a table's ``latex`` entry in ``analysis/data/tables.yaml`` chooses the columns a
paper prints (the caption names the others, which stay in the CSV and the workbook).
"""

from __future__ import annotations

import re

import pandas as pd

from analysis.report.cells import WIDE, cell_text, column_kind, typical_width

MAX_ROWS = 200  # rows written to LaTeX; the caption says how many the table has
MAX_CELL_CHARS = 120  # longer text is cut with '…'
FLOAT_ROWS = 25  # longer tables (and every landscape table) are longtables
MAX_WIDTH = 40  # a column wider than this (display characters) asks for no more of the line
# Display characters (a CJK character counts 2) across a ctexart text line at each font size, and the
# gap between columns; a header's longest unbreakable word counts up to HEADER_TOKEN.
LINE_WIDTH = {r"\small": 76, r"\footnotesize": 91, r"\scriptsize": 105, r"\tiny": 140}  # \linewidth 345pt
SIZES = list(LINE_WIDTH)
# A table whose columns do not fit the portrait line at \footnotesize is printed on a landscape page
# (pdflscape): ctexart's \textheight 550pt across instead of \textwidth 345pt.
LANDSCAPE = 550 / 345
PORTRAIT_SIZE = r"\footnotesize"
COLUMN_GAP = 2  # 2 \tabcolsep = 6pt (TABCOLSEP)
TABCOLSEP = r"\setlength{\tabcolsep}{3pt}"
HEADER_TOKEN = 8
SHORT_TEXT = 8  # a column whose typical cell is this short (display characters) is not wrapped
BREAKS = re.compile(r"\s+|(?<=[-/_.])")
SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
SPECIAL["/"] = r"/\allowbreak{}"  # paths and identifiers may break after / and _
SPECIAL["_"] = r"\_\allowbreak{}"
SPECIAL_RE = re.compile("[" + re.escape("".join(SPECIAL)) + "]")
TRANSPOSE_COLUMNS, TRANSPOSE_ROWS = 12, 12  # a table this wide and this short is printed transposed
WORDS = {
    "zh": {"continued": "（续）", "next": "续下页", "empty": "（无数据）", "field": "字段"},
    "en": {"continued": "(continued)", "next": "continued on next page", "empty": "(no rows)", "field": "Field"},
}


def escape(text: str) -> str:
    r"""``text`` with LaTeX's special characters escaped (``_`` -> ``\_``, ``%`` -> ``\%``, …)."""
    return SPECIAL_RE.sub(lambda m: SPECIAL[m.group()], text)


def _notes(
    table: pd.DataFrame, n_rows: int, constant: list, cut: bool, headers: dict, lang: str, omitted: list
) -> list[str]:
    """What the LaTeX copy leaves out, in ``lang``."""
    zh = lang == "zh"
    notes = []
    if n_rows < len(table):
        notes.append(f"仅列前{n_rows}行，共{len(table)}行" if zh else f"first {n_rows} of {len(table)} rows shown")
    if omitted:
        names = [headers.get(c, str(c)) for c in omitted]
        notes.append(("另有" + "、".join(names) + "等列，见CSV") if zh else "also in the CSV: " + ", ".join(names))
    if constant:
        first = {c: cell_text(table[c].iloc[0], kind=column_kind(table[c]), lang=lang) for c in constant}
        if zh:
            notes.append("各行相同：" + "；".join(f"{headers[c]}为{first[c]}" for c in constant))
        else:
            notes.append("the same in every row: " + "; ".join(f"{headers[c]} {first[c]}" for c in constant))
    if cut:
        notes.append(f"长文本截至{MAX_CELL_CHARS}字" if zh else f"text cut at {MAX_CELL_CHARS} characters")
    return notes


def _shown_columns(table: pd.DataFrame, lang: str, chosen: list | None = None) -> tuple[list, list]:
    """(columns printed, columns left out because they hold one value in every row).

    The other language's label columns (``*_en`` in a Chinese report) are never printed; with
    ``chosen`` (the table's ``latex`` columns in ``tables.yaml``) only those, in that order.
    """
    other = "_en" if lang == "zh" else "_zh"
    keep = [c for c in (chosen or table.columns) if c in table.columns and not str(c).endswith(other)]
    if len(table) < 2:
        return keep, []
    varying = [c for c in keep if table[c].astype(str).nunique(dropna=False) > 1]
    if not varying:
        return keep[:1], keep[1:]
    return varying, [c for c in keep if c not in varying]


def _token_width(text: str) -> int:
    """Display width of the longest part of ``text`` that cannot break (breaks: spaces, after - / _ .,
    and around every CJK character)."""
    parts = BREAKS.split(WIDE.sub(" ", text))
    return max(max((len(p) for p in parts), default=0), 2 if WIDE.search(text) else 0)


def _spec(columns: list[list[str]], numeric: list[bool], headers: list[str]) -> tuple[str, str, bool]:
    """(column spec, font size, landscape): ``p{}`` columns that add up to the line. Each column gets
    at least its longest unbreakable part (a number, an identifier segment), then the rest of the line
    is shared by how much wider its typical (90th percentile) content is; numbers are right-aligned,
    text ragged-right. The font is the largest (for the number of columns) at which every column
    gets its least width; when that is below ``PORTRAIT_SIZE`` on a portrait page, the table is
    laid out on a landscape page instead."""
    least, want = [], []
    for cells, head in zip(columns, headers):
        tokens = max([_token_width(c) for c in cells] + [min(_token_width(head), HEADER_TOKEN)])
        shortest = max(float(tokens), min(typical_width(cells, quantile=0.9), SHORT_TEXT))  # short text never wraps
        least.append(shortest + COLUMN_GAP)
        want.append(max(min(typical_width(cells, quantile=0.9), MAX_WIDTH), shortest) + COLUMN_GAP)
    sizes = SIZES[SIZES.index(_size(len(columns))) :]
    portrait = next((size for size in sizes if sum(least) <= LINE_WIDTH[size]), None)
    landscape = portrait is None or SIZES.index(portrait) > SIZES.index(PORTRAIT_SIZE)
    scale = LANDSCAPE if landscape else 1.0
    sizes = SIZES[SIZES.index(_size(len(columns), landscape=landscape)) :]
    size = next((size for size in sizes if sum(least) <= LINE_WIDTH[size] * scale), sizes[-1])
    line = LINE_WIDTH[size] * scale
    spare = max(line - sum(least), 0)
    extra = [w - m for w, m in zip(want, least)]
    if sum(want) <= line:  # everything fits on one line per cell: share the spare width evenly by want
        widths = [w * line / sum(want) for w in want]
    else:
        widths = [m + spare * e / (sum(extra) or 1) for m, e in zip(least, extra)]
    total = max(sum(widths), line)
    align = {True: r"\raggedleft", False: r"\raggedright"}
    spec = "".join(
        rf">{{{align[n]}\arraybackslash}}p{{\dimexpr {w / total:.3f}\linewidth-2\tabcolsep\relax}}"
        for w, n in zip(widths, numeric)
    )
    return spec, size, landscape


def _size(n_columns: int, *, landscape: bool = False) -> str:
    if landscape:  # the long side holds more columns at each size
        return r"\small" if n_columns <= 8 else r"\footnotesize" if n_columns <= 14 else r"\scriptsize"
    return r"\small" if n_columns <= 5 else r"\footnotesize" if n_columns <= 9 else r"\scriptsize"


def _cells(table: pd.DataFrame, columns: list, dtypes: dict, lang: str) -> tuple[list[list[str]], bool]:
    """Display text of ``columns`` (a list per column, not yet escaped); True when some text was cut."""
    out, cut = [], False
    for column in columns:
        kind = column_kind(table[column], dtypes.get(column, ""))
        text = [cell_text(v, kind=kind, lang=lang) for v in table[column].tolist()]
        if any(len(t) > MAX_CELL_CHARS for t in text):
            cut = True
            text = [t if len(t) <= MAX_CELL_CHARS else t[: MAX_CELL_CHARS - 1] + "…" for t in text]
        out.append(text)
    return out, cut


def _rows(columns: list[list[str]]) -> str:
    """Body rows: the cells of each row joined by ' & '."""
    return "".join(" & ".join(row) + " \\\\\n" for row in zip(*columns))


def to_latex(
    table: pd.DataFrame,
    *,
    caption: str,
    label: str,
    headers: dict,
    dtypes: dict,
    lang: str,
    columns: list | None = None,
) -> str:
    """The LaTeX source of ``table`` (see the module docstring for what is printed).

    Parameters
    ----------
    caption : str
        Caption text (plain, not escaped); notes on what is left out are appended.
    label : str
        ``\\label`` key, e.g. ``tab:reuse``.
    headers, dtypes : dict
        Column name -> display header in ``lang``, and -> dtype of the column dictionary.
    columns : list, optional
        The columns a paper prints (``latex`` in ``tables.yaml``); the caption names the others.
    """
    other = "_en" if lang == "zh" else "_zh"
    chosen = columns
    columns, constant = _shown_columns(table, lang, chosen)
    omitted = [c for c in table.columns if chosen and c not in chosen and not str(c).endswith(other)]
    head = table.iloc[:MAX_ROWS]
    cells, cut = _cells(head, columns, dtypes, lang)
    header_cells = [headers.get(c, str(c)) for c in columns]
    numeric = [column_kind(table[c], dtypes.get(c, "")) in ("integer", "number") for c in columns]
    if len(columns) > TRANSPOSE_COLUMNS and 0 < len(head) <= TRANSPOSE_ROWS:
        # one row per column, one column per table row (headed by the row's first cell)
        fields = header_cells[1:]
        header_cells = [WORDS[lang]["field"], *cells[0]]
        cells = [fields, *(list(row) for row in zip(*cells[1:]))]
        numeric = [False] * len(cells)
    notes = _notes(table, len(head), constant, cut, headers, lang, omitted)
    full = (
        caption + ("（" + "；".join(notes) + "）" if lang == "zh" else " (" + "; ".join(notes) + ")")
        if notes
        else caption
    )
    cap = rf"\caption[{escape(caption)}]{{{escape(full)}}}\label{{{label}}}"
    spec, size, landscape = _spec(cells, numeric, header_cells)  # widths measured on the text as printed
    turn = ([r"\begin{landscape}"], [r"\end{landscape}"]) if landscape else ([], [])
    header = " & ".join(rf"\textbf{{{escape(h)}}}" for h in header_cells) + r" \\"
    empty = rf"\multicolumn{{{len(header_cells)}}}{{l}}{{{WORDS[lang]['empty']}}} \\" + "\n"
    body = _rows([[escape(t) for t in column] for column in cells]) or empty
    if (len(cells[0]) if cells else 0) <= FLOAT_ROWS and not landscape:  # a landscape page has less height
        lines = [r"\begin{table}[htbp]", r"\centering", size, TABCOLSEP, cap, rf"\begin{{tabular}}{{{spec}}}"]
        lines += [r"\toprule", header, r"\midrule", body + r"\bottomrule", r"\end{tabular}", r"\end{table}"]
        return "\n".join(lines) + "\n"
    n, words = len(header_cells), WORDS[lang]
    lines = [*turn[0], r"\begingroup", size, TABCOLSEP, rf"\begin{{longtable}}{{{spec}}}", cap + r" \\", r"\toprule"]
    lines += [header, r"\midrule"]
    lines += [r"\endfirsthead", rf"\multicolumn{{{n}}}{{l}}{{{words['continued']}}} \\", r"\toprule", header]
    lines += [r"\midrule", r"\endhead", r"\midrule", rf"\multicolumn{{{n}}}{{r}}{{{words['next']}}} \\", r"\endfoot"]
    lines += [r"\bottomrule", r"\endlastfoot", body + r"\end{longtable}", r"\endgroup", *turn[1]]
    return "\n".join(lines) + "\n"


PREAMBLE = "\\documentclass{ctexart}\n\\usepackage{booktabs,longtable,array,pdflscape}\n\\begin{document}\n"


def compile_tables(paths, workdir, *, xelatex: str = "xelatex", timeout_s: int = 900):
    """``\\input`` every ``.tex`` of ``paths`` into one minimal ctexart document in ``workdir`` and run
    xelatex on it (``paper.tex`` -> ``paper.pdf``); returns the finished process (check ``returncode``)."""
    import subprocess
    from pathlib import Path

    body = "".join(f"\\input{{{Path(p).resolve().as_posix()}}}\n\\clearpage\n" for p in paths)
    (Path(workdir) / "paper.tex").write_text(PREAMBLE + body + "\\end{document}\n", encoding="utf-8")
    return subprocess.run(
        [xelatex, "-interaction=nonstopmode", "-halt-on-error", "paper.tex"],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=timeout_s,
    )
