"""Places: which county (or prefecture, province, department) a text names, and its facts.

The national gazetteer (:mod:`corpus.gazetteer`, ``corpus/data/gazetteer.csv``) names every
division; ``corpus/data/counties.csv`` holds researchers' own overrides (English name, slug,
aliases) and wins where both know a county. A name held by several places (通州区, 鼓楼区) is
resolved only by a province or prefecture the text names; otherwise it stays ambiguous with its
candidates listed — never guessed. Anonymised places (XX县) are recognised and never resolved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from .gazetteer import ANONYMISED, Gazetteer, Place

# County-level kinds and the level they are reported as.
LEVELS = {
    "县": "county", "自治县": "county", "旗": "county", "自治旗": "county", "特区": "county", "林区": "county",
    "市辖区": "district", "区": "district", "县级市": "county-level city",
}  # fmt: skip
SPECIFICITY = {"county": 3, "prefecture": 2, "province": 1}
QUOTED = re.compile(r"《[^《》]*》|“[^“”]*”")


@dataclass(frozen=True)
class Located:
    """A place found in a text: the resolved place, or the candidates of an ambiguous name."""

    name: str
    place: Place | None
    candidates: tuple
    how: str
    end: int = -1  # where the name ends in the text it was found in (-1: not from a text)


@cache
def gazetteer() -> Gazetteer:
    """The national gazetteer, loaded and compiled once per process."""
    return Gazetteer.load()


@cache
def _overrides() -> dict:
    from .metadata import counties

    table = counties()
    return {row["county"]: row for row in table.to_dict("records")}


def anonymised_place(text: str) -> str | None:
    """The first anonymised place name in ``text`` (XX县, ××区, 某县), or None."""
    m = ANONYMISED.search(text)
    return re.sub(r"\s+", "", m.group(0)) if m else None


def locate(text: str, *, context: str = "") -> Located | None:
    """The most specific place ``text`` names, resolved with ``context`` (e.g. the whole document).

    Mentions outside quoted titles (《…》, “…”) come first: a report quotes higher-level plans
    (《上海市法治政府建设规划》) that are not its place. County-level mentions win over
    prefectures, prefectures over provinces; among equals the first mention wins.
    """
    masked = QUOTED.sub(lambda m: " " * len(m.group(0)), text)
    for haystack in (masked, text):
        mentions = [m for m in gazetteer().find(haystack) if m.candidates]
        if not mentions:
            continue
        best = max(mentions, key=lambda m: (max(SPECIFICITY.get(p.level, 0) for p in m.candidates), -m.start))
        resolution = gazetteer().resolve(best, context or text)
        return Located(best.name, resolution.place, tuple(resolution.candidates), resolution.how, best.end)
    return None


def by_slug(stem: str) -> Located | None:
    """A place whose pinyin slug is a word of a file name (``18_neimenggu_2021-2025_scheme``), if unique."""
    for token in re.findall(r"[a-z]+", stem.lower()):
        found = gazetteer().by_slug(token)
        if len(found) == 1:
            return Located(found[0].name, found[0], found, "filename")
    return None


def level_of(place: Place) -> str:
    """county / district / county-level city / prefecture / province."""
    if place.level == "county":
        return LEVELS.get(place.kind, "county")
    return place.level


def docvars(found: Located, source: str) -> dict[str, tuple[object, str]]:
    """Docvars of a located place: place, level, county (county-level only), province,
    prefecture, adcode — each with its source (``gazetteer`` for what the place implies)."""
    place = found.place
    out: dict[str, tuple[object, str]] = {"place": (found.name, source)}
    if place is None:  # ambiguous: the name is certain, the province is not
        levels = {level_of(p) for p in found.candidates}
        level = levels.pop() if len(levels) == 1 else ""
        out["level"] = (level, source)
        if level not in ("prefecture", "province", ""):
            out["county"] = (found.name, source)
        names = (p.province + (p.prefecture if p.prefecture != p.province else "") + p.name for p in found.candidates)
        out["ambiguous"] = ("、".join(names), source)
        return out
    level = level_of(place)
    out["place"] = (place.name, source)
    out["level"] = (level, "gazetteer")
    if place.level == "county":
        out["county"] = (place.name, source)
    if place.province:
        out["province"] = (place.province, "gazetteer")
    if place.prefecture and place.level != "province":
        out["prefecture"] = (place.prefecture, "gazetteer")
    out["adcode"] = (place.adcode, "gazetteer")
    return out


def county_facts(county: str | None) -> dict[str, tuple[str, str]]:
    """English name, province, prefecture, level and adcode of a named county.

    The county table (``counties.csv``, researchers' overrides) wins over the gazetteer; an
    unknown or ambiguous name gives nothing (never a guess).
    """
    if not county:
        return {}
    out: dict[str, tuple[str, str]] = {}
    matches = gazetteer().by_name(county)
    if len(matches) == 1:
        place = matches[0]
        out = {"county_en": (place.name_en, "gazetteer"), "province": (place.province, "gazetteer"),
               "prefecture": (place.prefecture, "gazetteer"), "level": (level_of(place), "gazetteer"),
               "adcode": (place.adcode, "gazetteer")}  # fmt: skip
    row = _overrides().get(county)
    if row:
        for name in ("county_en", "province", "prefecture", "level", "adcode"):
            if row.get(name):
                out[name] = (row[name], "counties.csv")
    return out


def slug_of(county: str | None, place: str | None = None) -> str | None:
    """The pinyin slug of a county (counties.csv first) or of a resolved place, for doc_ids."""
    for name in (county, place):
        if not name:
            continue
        row = _overrides().get(name)
        if row and row.get("slug"):
            return str(row["slug"])
        matches = gazetteer().by_name(name)
        if len(matches) == 1 and matches[0].slug:
            return str(matches[0].slug)
    return None
