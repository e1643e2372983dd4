"""The topic codebook: areas of the 纲要 outline, their sub-topics and the cue terms that code them.

The codebook is a data file (``analysis/data/codebook.yaml``) that researchers edit; this module
loads it with ``yaml.safe_load``, validates every entry and returns frozen objects. Any problem
(an unknown key, a missing label, an empty cue list, a duplicate id) raises ``ValueError`` with a
message naming the file and the entry, e.g.
``codebook.yaml: topic 'disputes.litigation' (area 'disputes'): 'cues' must be a non-empty list``.

Cost: loading is linear in the size of the file and independent of the corpus.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from analysis.paths import CODEBOOK_FILE

ORIGINS = ("gangyao", "county")
_TOP_KEYS = {"version", "areas"}
_AREA_KEYS = {"id", "label_zh", "label_en", "origin", "heading_cues", "topics"}
_TOPIC_KEYS = {"id", "label_zh", "label_en", "origin", "cues", "exclude"}


@dataclass(frozen=True)
class Topic:
    """One sub-topic: cue terms that code a segment to it, and exclusions that mask cue hits."""

    id: str
    area_id: str
    label_zh: str
    label_en: str
    origin: str
    cues: tuple
    exclude: tuple = ()

    def label(self, lang: str = "zh") -> str:
        return self.label_en if lang == "en" else self.label_zh


@dataclass(frozen=True)
class Area:
    """One area of the outline (or one the counties add) with its heading cues and topics."""

    id: str
    label_zh: str
    label_en: str
    origin: str
    heading_cues: tuple
    topics: tuple

    def label(self, lang: str = "zh") -> str:
        return self.label_en if lang == "en" else self.label_zh


@dataclass(frozen=True)
class Codebook:
    """A validated codebook: areas in display order, each with its topics."""

    areas: tuple
    source: str = ""

    @property
    def topics(self) -> tuple:
        """All topics, in codebook order."""
        return tuple(t for a in self.areas for t in a.topics)

    def area(self, area_id: str) -> Area:
        for a in self.areas:
            if a.id == area_id:
                return a
        raise KeyError(f"area_id {area_id!r} not in codebook; allowed: {[a.id for a in self.areas]}")

    def topic(self, topic_id: str) -> Topic:
        for t in self.topics:
            if t.id == topic_id:
                return t
        raise KeyError(f"topic_id {topic_id!r} not in codebook")

    def areas_frame(self) -> pd.DataFrame:
        """Areas as a table.

        Returns
        -------
        pandas.DataFrame
            Columns: area_id, label_zh, label_en, origin, heading_cues (tuple), n_topics, order.
        """
        return pd.DataFrame(
            [
                {
                    "area_id": a.id,
                    "label_zh": a.label_zh,
                    "label_en": a.label_en,
                    "origin": a.origin,
                    "heading_cues": a.heading_cues,
                    "n_topics": len(a.topics),
                    "order": i,
                }
                for i, a in enumerate(self.areas)
            ]
        )

    def topics_frame(self) -> pd.DataFrame:
        """Topics as a table.

        Returns
        -------
        pandas.DataFrame
            Columns: topic_id, area_id, label_zh, label_en, origin, cues (tuple), exclude (tuple), order.
        """
        return pd.DataFrame(
            [
                {
                    "topic_id": t.id,
                    "area_id": t.area_id,
                    "label_zh": t.label_zh,
                    "label_en": t.label_en,
                    "origin": t.origin,
                    "cues": t.cues,
                    "exclude": t.exclude,
                    "order": i,
                }
                for i, t in enumerate(self.topics)
            ]
        )


def load(path: str | Path | None = None) -> Codebook:
    """Load and validate a codebook YAML file (default: ``analysis/data/codebook.yaml``).

    Raises
    ------
    ValueError
        If the file is not a mapping, has an unknown key, lacks a required key, has an empty cue
        list or a duplicate area/topic id; the message names the file and the entry.
    """
    path = Path(path) if path is not None else CODEBOOK_FILE
    name = path.name
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        raise ValueError(f"{name}: not valid YAML ({err})") from err
    return from_dict(data, source=name)


def from_dict(data, *, source: str = "codebook") -> Codebook:
    """Validate a parsed codebook (as ``yaml.safe_load`` returns it) and build a :class:`Codebook`."""
    if not isinstance(data, dict):
        raise ValueError(f"{source}: top level must be a mapping with key 'areas'")
    _check_keys(data, _TOP_KEYS, f"{source}: top level")
    areas_raw = data.get("areas")
    if not isinstance(areas_raw, list) or not areas_raw:
        raise ValueError(f"{source}: 'areas' must be a non-empty list")
    areas, area_ids, topic_ids = [], set(), set()
    for i, raw in enumerate(areas_raw):
        area = _area(raw, i, source)
        if area.id in area_ids:
            raise ValueError(f"{source}: duplicate area id {area.id!r}")
        area_ids.add(area.id)
        for topic in area.topics:
            if topic.id in topic_ids:
                raise ValueError(f"{source}: duplicate topic id {topic.id!r} (area {area.id!r})")
            topic_ids.add(topic.id)
        areas.append(area)
    return Codebook(areas=tuple(areas), source=source)


def _area(raw, index: int, source: str) -> Area:
    if not isinstance(raw, dict):
        raise ValueError(f"{source}: area #{index + 1} must be a mapping")
    where = f"{source}: area {raw.get('id', f'#{index + 1}')!r}"
    origin = _check_entry(raw, _AREA_KEYS, where, default_origin="gangyao")
    heading_cues = _str_list(raw.get("heading_cues"), "heading_cues", where)
    topics_raw = raw.get("topics")
    if not isinstance(topics_raw, list) or not topics_raw:
        raise ValueError(f"{where}: 'topics' must be a non-empty list")
    topics = tuple(_topic(t, j, raw["id"], origin, source) for j, t in enumerate(topics_raw))
    return Area(raw["id"], raw["label_zh"], raw["label_en"], origin, heading_cues, topics)


def _topic(raw, index: int, area_id: str, area_origin: str, source: str) -> Topic:
    if not isinstance(raw, dict):
        raise ValueError(f"{source}: topic #{index + 1} of area {area_id!r} must be a mapping")
    where = f"{source}: topic {raw.get('id', f'#{index + 1}')!r} (area {area_id!r})"
    origin = _check_entry(raw, _TOPIC_KEYS, where, default_origin=area_origin)
    cues = _str_list(raw.get("cues"), "cues", where)
    exclude = _str_list(raw["exclude"], "exclude", where) if "exclude" in raw else ()
    return Topic(raw["id"], area_id, raw["label_zh"], raw["label_en"], origin, cues, exclude)


def _check_entry(raw: dict, allowed: set, where: str, *, default_origin: str) -> str:
    """Check an area or topic's keys, id and labels; return its origin."""
    _check_keys(raw, allowed, where)
    for key in ("id", "label_zh", "label_en"):
        _check_str(raw.get(key), key, where)
    origin = raw.get("origin", default_origin)
    if origin not in ORIGINS:
        raise ValueError(f"{where}: origin {origin!r} not allowed; use one of {ORIGINS}")
    return origin


def _check_keys(raw: dict, allowed: set, where: str) -> None:
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise ValueError(f"{where}: unknown key {unknown[0]!r}; allowed keys: {', '.join(sorted(allowed))}")


def _check_str(value, key: str, where: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where}: {key!r} must be a non-empty string, got {value!r}")


def _str_list(value, key: str, where: str) -> tuple:
    if not isinstance(value, list) or not value:
        raise ValueError(f"{where}: {key!r} must be a non-empty list of phrases, got {value!r}")
    out = []
    for item in value:
        if isinstance(item, int) and not isinstance(item, bool):
            item = str(item)  # YAML reads 12345 as a number
        if not isinstance(item, str) or not item.strip():
            raise ValueError(f"{where}: {key!r} holds an empty or non-text entry {item!r}")
        if item in out:
            raise ValueError(f"{where}: {key!r} lists {item!r} twice")
        out.append(item.strip())
    return tuple(out)


# Full-width ASCII variants ！..～ (U+FF01..U+FF5E), each this far above its ASCII character.
_FULLWIDTH_FIRST, _FULLWIDTH_LAST, _FULLWIDTH_SHIFT = 0xFF01, 0xFF5E, 0xFEE0
_FULLWIDTH_TO_ASCII = {code: code - _FULLWIDTH_SHIFT for code in range(_FULLWIDTH_FIRST, _FULLWIDTH_LAST + 1)}
_ARRAY_FROM = 1 << 16  # texts from this many characters are mapped as an array of code points


def normalise(text: str) -> str:
    """Map full-width ASCII variants (＋，１) to ASCII; length-preserving, so offsets survive.

    A long text (a corpus joined, tens of millions of characters) is mapped as an array of code
    points: ``str.translate`` looks every character up in a dict (1.1 s for 10 M characters,
    against 0.3 s here)."""
    if len(text) < _ARRAY_FROM:
        return text.translate(_FULLWIDTH_TO_ASCII)
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).copy()
    codes[(codes >= _FULLWIDTH_FIRST) & (codes <= _FULLWIDTH_LAST)] -= _FULLWIDTH_SHIFT
    return codes.tobytes().decode("utf-32-le", "surrogatepass")
