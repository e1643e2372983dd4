"""A deterministic synthetic national corpus: N county reports recombined from real paragraphs.

The paragraphs come from the seed documents (``corpus/documents``) and the real documents of
other places (``tests/data/realdocs``). Each synthetic document is one county-level place of the
national gazetteer (``corpus/data/gazetteer.csv``) and one year (2019–2025), written as a
report of about ``n_chars`` characters:

* a title line naming the place and year;
* **national boilerplate** — paragraphs that carry the central wording (习近平法治思想, 纲要,
  党的二十大 …) are a small pool every report draws from verbatim (``boilerplate_per_doc`` of
  them), so each is shared by a large share of all documents, as in real reports;
* **provincial boilerplate** — every province has its own few paragraphs, shared verbatim by
  that province's documents;
* **own text** — the rest, paragraphs drawn from the whole pool with about one Chinese
  character in ``own_swap`` replaced (so two documents' own text does not share long exact
  passages, while the vocabulary stays that of the genre);
* **borrowing** — with probability ``borrow_rate`` an own paragraph is instead copied verbatim
  from an earlier synthetic document (county-to-county borrowing).

Place names in every paragraph are replaced by the document's own place; numbers are redrawn.
The same arguments always give byte-identical files (one ``random.Random(seed)``).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from corpus.paths import DOCUMENTS_DIR, GAZETTEER_FILE, REPO_ROOT

REALDOCS_DIR = REPO_ROOT / "tests" / "data" / "realdocs"
YEARS = tuple(range(2019, 2026))
# Central wording: paragraphs holding one of these are national boilerplate.
NATIONAL_CUES = ("习近平法治思想", "纲要", "党的二十大", "党的十九大", "中央全面依法治国", "二十届")
_HAN = re.compile("[\u4e00-\u9fff]")
_DIGITS = re.compile("[0-9０-９]+")
_SENTENCE_END = re.compile("(?<=[。；！？])")
_PLACE = re.compile("[\u4e00-\u9fff]{1,6}?(?:省|市|县|区)(?=[人委政司法])")


@dataclass(frozen=True)
class Spec:
    """Parameters of a synthetic corpus (defaults give ~10k-character reports)."""

    n_docs: int
    seed: int = 16
    n_chars: int = 10_000
    boilerplate_per_doc: int = 6
    n_national: int = 30
    provincial_per_province: int = 6
    provincial_per_doc: int = 3
    own_swap: int = 5
    borrow_rate: float = 0.02


def source_paragraphs() -> list[str]:
    """Real paragraphs of the seeds and realdocs: lines of 40+ Chinese characters, long lines split.

    Returns
    -------
    list of str
        Paragraphs in file order (files sorted by name), duplicates dropped.
    """
    files = sorted(DOCUMENTS_DIR.glob("*.txt")) + sorted(REALDOCS_DIR.glob("*.txt"))
    out: dict[str, None] = {}
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip().strip("*#").strip()
            for chunk in _chunks(line):
                if len(_HAN.findall(chunk)) >= 40:
                    out[chunk] = None
    return list(out)


def _chunks(line: str, *, size: int = 300) -> list[str]:
    """A line cut at sentence ends into chunks of about ``size`` characters."""
    if len(line) <= size:
        return [line]
    chunks, current = [], ""
    for sentence in _SENTENCE_END.split(line):
        if current and len(current) + len(sentence) > size:
            chunks.append(current)
            current = ""
        current += sentence
    return chunks + ([current] if current else [])


def places(n: int, rng: random.Random) -> pd.DataFrame:
    """``n`` (place, year) rows: distinct county-level places of the gazetteer, then further years.

    Returns
    -------
    DataFrame
        county, prefecture, province, year; the first min(n, 2847) places all differ.
    """
    g = pd.read_csv(GAZETTEER_FILE, comment="#", dtype=str)
    g = g[g.level == "county"].reset_index(drop=True)
    order = list(range(len(g)))
    rng.shuffle(order)
    rows = []
    for i in range(n):
        place = g.iloc[order[i % len(g)]]
        year = YEARS[(i // len(g) + rng.randrange(len(YEARS))) % len(YEARS)] if i >= len(g) else rng.choice(YEARS)
        rows.append((place["name"], place["prefecture"], place["province"], year))
    return pd.DataFrame(rows, columns=["county", "prefecture", "province", "year"])


def _localise(text: str, county: str, rng: random.Random) -> str:
    """Put the document's own place in and redraw the numbers."""
    text = _PLACE.sub(county, text)
    return _DIGITS.sub(lambda m: str(rng.randrange(1, 10 ** len(m.group()))), text)


def _swap(text: str, every: int, pool: str, rng: random.Random) -> str:
    """Replace about one Chinese character in ``every`` by one drawn from ``pool``."""
    chars = list(text)
    for i, ch in enumerate(chars):
        if _HAN.match(ch) and rng.randrange(every) == 0:
            chars[i] = pool[rng.randrange(len(pool))]
    return "".join(chars)


def generate(spec: Spec, folder: Path) -> pd.DataFrame:
    """Write ``spec.n_docs`` synthetic reports and a ``manifest.csv`` into ``folder``.

    Returns
    -------
    DataFrame
        The manifest rows: source_file, doc_id, county, doc_type, title, year_start, year_end,
        plus n_chars and n_borrowed (own paragraphs copied verbatim from an earlier document).
    """
    rng = random.Random(spec.seed)
    paragraphs = source_paragraphs()
    national = [p for p in paragraphs if any(c in p for c in NATIONAL_CUES)][: spec.n_national]
    pool = [p for p in paragraphs if p not in set(national)]
    han_pool = "".join(_HAN.findall("".join(pool)))
    where = places(spec.n_docs, rng)
    provincial = {prov: rng.sample(pool, spec.provincial_per_province) for prov in sorted(where.province.unique())}
    folder.mkdir(parents=True, exist_ok=True)
    written: list[list[str]] = []
    rows = []
    for i, place in enumerate(where.itertuples(index=False)):
        chosen = rng.sample(national, spec.boilerplate_per_doc) + rng.sample(
            provincial[place.province], spec.provincial_per_doc
        )
        body = [_localise(p, place.county, rng) for p in chosen]
        n_borrowed = 0
        own: list[str] = []
        while sum(map(len, body + own)) < spec.n_chars:
            if written and rng.random() < spec.borrow_rate:
                own.append(rng.choice(rng.choice(written)))
                n_borrowed += 1
            else:
                own.append(_swap(_localise(rng.choice(pool), place.county, rng), spec.own_swap, han_pool, rng))
        written.append(own)
        body = body + own
        rng.shuffle(body)
        title = f"{place.province}{place.prefecture}{place.county}{place.year}年法治政府建设情况的报告"
        text = "\n".join([title, *body]) + "\n"
        name = f"syn-{i:05d}.txt"
        (folder / name).write_text(text, encoding="utf-8")
        rows.append(
            {
                "source_file": name,
                "doc_id": f"syn-{i:05d}",
                "county": place.county,
                "doc_type": "report",
                "title": title,
                "year_start": place.year,
                "year_end": place.year,
                "n_chars": len(text),
                "n_borrowed": n_borrowed,
            }
        )
    manifest = pd.DataFrame(rows)
    manifest.drop(columns=["n_chars", "n_borrowed"]).to_csv(folder / "manifest.csv", index=False)
    return manifest
