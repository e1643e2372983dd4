"""The coding unit of coverage shares: clauses of sentences, split at depth-0 semicolons.

A sentence of these documents often chains several tasks with ；("完善重大行政决策程序；推进政务
公开；加强行政复议工作。"). Coded as one unit, such a sentence counts its full length in every area
one of its parts mentions, so a five-topic sentence inflates five shares. Coverage therefore codes
clauses: a sentence is cut after a ；(or ;) that stands outside brackets and quotes (depth 0) when
the text on each side of the cut holds at least ``min_han`` Han characters — so an enumeration of
short figures ("胜诉9起；原告撤诉5起") stays whole, and a ；inside《…》, （…） or “…” never cuts.

Offsets: a clause keeps offsets into the source file. The k-th ；of the clean sentence is the k-th
；/; of the sentence's source span (cleaning never adds or drops a semicolon outside responsibility
clauses); when the counts differ the sentence is left whole, so a clause never carries a guessed
offset.

Tables
------
units  doc_id, seg_id, sent_id (the unit's id: the sentence id, or ``<sent_id>.<k>`` for its k-th
       clause when it is cut), text (clean), n_chars, start, end (offsets into the source file)

Cost: one pass over each sentence's characters; linear in corpus size.
"""

from __future__ import annotations

import re

import pandas as pd

from corpus.patterns import HAS_HAN

MIN_HAN = 8  # Han characters each side of a cut
SEMICOLONS = "；;"
_OPEN, _CLOSE = "（(《〈【〔“‘「『[", "）)》〉】〕”’」』]"
UNIT_COLUMNS = ["doc_id", "seg_id", "sent_id", "text", "n_chars", "start", "end"]
_MARKS = re.compile(f"[{re.escape(_OPEN + _CLOSE + SEMICOLONS)}]")  # what clause_cuts reads


def clause_cuts(text: str, *, min_han: int = MIN_HAN) -> list[int]:
    """Positions just after each depth-0 semicolon of ``text`` where a clause ends.

    A cut needs ``min_han`` Han characters between the previous cut and the semicolon, and as many
    after it (to the end of the text). Only brackets, quotes and semicolons are visited; Han
    characters are counted by regex between them.
    """
    if not any(semicolon in text for semicolon in SEMICOLONS):
        return []
    total = len(HAS_HAN.findall(text))
    cuts, depth, han_cut = [], 0, 0  # han_cut: Han characters before the last cut
    seen, han_seen = 0, 0  # Han characters before position ``seen``
    for m in _MARKS.finditer(text):
        i, ch = m.start(), m.group()
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(depth - 1, 0)
        elif depth == 0:  # a semicolon (never Han: the Han count after it starts at i + 1)
            han_seen += len(HAS_HAN.findall(text, seen, i))
            seen = i
            if min(han_seen - han_cut, total - han_seen) >= min_han:
                cuts.append(i + 1)
                han_cut = han_seen
    return cuts


def _source_cuts(text: str, source: str, cuts: list[int]) -> list[int] | None:
    """Source positions (relative to the sentence's span) of the clean cuts, or None when unsure."""
    clean_semis = [i for i, ch in enumerate(text) if ch in SEMICOLONS]
    source_semis = [i for i, ch in enumerate(source) if ch in SEMICOLONS]
    if len(clean_semis) != len(source_semis):
        return None
    rank = {pos + 1: k for k, pos in enumerate(clean_semis)}
    return [source_semis[rank[cut]] + 1 for cut in cuts]


def split_sentence(text: str, source: str, start: int, *, min_han: int = MIN_HAN) -> list[tuple[str, int, int]]:
    """Clauses of one sentence: ``(clean text, source start, source end)``; the sentence itself when
    it has no cut or its cuts cannot be placed in ``source`` (the sentence's source span)."""
    cuts = clause_cuts(text, min_han=min_han)
    src = _source_cuts(text, source, cuts) if cuts else None
    if not src:
        return [(text, start, start + len(source))]
    bounds = list(zip([0, *cuts], [*cuts, len(text)]))
    src_bounds = list(zip([0, *src], [*src, len(source)]))
    return [(text[a:b], start + sa, start + sb) for (a, b), (sa, sb) in zip(bounds, src_bounds)]


def body_units(c, *, unit: str = "clause", min_han: int = MIN_HAN) -> pd.DataFrame:
    """The units coverage is measured in: body sentences (``unit="sentence"``) or their clauses.

    Returns
    -------
    pandas.DataFrame
        Columns: doc_id, seg_id, sent_id (unit id), text, n_chars, start, end.
    """
    if unit not in ("clause", "sentence"):
        raise ValueError(f"unit={unit!r} not allowed; use 'clause' or 'sentence'")
    sents = c.body().sentences
    if sents.empty or unit == "sentence":
        out = sents.reindex(columns=["doc_id", "seg_id", "sent_id", "text", "start", "end"]).copy()
        out["n_chars"] = out["text"].str.len()
        return out[UNIT_COLUMNS]
    rows = []
    views: dict = {}
    # columns converted in bulk: iterating Arrow strings row by row costs a call per value
    columns = [sents[name].to_numpy(dtype=object) for name in ("doc_id", "seg_id", "sent_id", "text", "start", "end")]
    for doc_id, seg_id, sent_id, sentence, start, end in zip(*columns):
        if not any(semicolon in sentence for semicolon in SEMICOLONS):
            rows.append((doc_id, seg_id, sent_id, sentence, len(sentence), start, end))
            continue
        view = views.setdefault(doc_id, _view(c, doc_id))
        if view is None:  # a corpus without its source files: offsets cannot be placed
            rows.append((doc_id, seg_id, sent_id, sentence, len(sentence), start, end))
            continue
        pieces = split_sentence(sentence, view[start:end], int(start), min_han=min_han)
        for k, (text, a, b) in enumerate(pieces):
            unit_id = sent_id if len(pieces) == 1 else f"{sent_id}.{k}"
            rows.append((doc_id, seg_id, unit_id, text, len(text), a, b))
    return pd.DataFrame(rows, columns=UNIT_COLUMNS)


def _view(c, doc_id: str) -> str | None:
    try:
        return c.source_view(doc_id)
    except KeyError:
        return None
