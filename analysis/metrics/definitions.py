"""Metric definitions: load and validate ``analysis/data/metrics.yaml``.

The YAML file is the one place where metric ids, labels, units, cue phrases, subjects and
plausibility bounds live (see the comments at its top). ``load_metric_defs()`` returns
frozen objects; every problem raises ``MetricDefinitionError`` naming the file and entry.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from analysis.paths import METRICS_FILE

DEFAULT_PATH = METRICS_FILE
_TOP_KEYS = ("units", "kind_cues", "funnel", "required", "subjects", "metrics")
KIND_HINTS = ("actual", "target", "both")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_REQUIRED_FIELDS = ("id", "label_zh", "label_en", "unit", "cues")
_KNOWN_FIELDS = set(_REQUIRED_FIELDS) | {
    "units",
    "kind_hint",
    "subject",
    "exclude",
    "qualitative",
    "qualitative_none",
    "qualitative_all",
    "sign",
    "part_of",
    "exclusive",
    "bounds",
    "change_of",
    "change_cues",
    "carry_over",
    "by_category",
    "category_pattern",
}


class MetricDefinitionError(ValueError):
    """A malformed metric definition file."""


@dataclass(frozen=True)
class MetricDef:
    """One metric (fields as documented in metrics.yaml)."""

    id: str
    label_zh: str
    label_en: str
    unit: str
    units: tuple
    kind_hint: str
    subject: str | None
    cues: tuple
    exclude: tuple = ()
    qualitative: tuple = ()
    qualitative_none: tuple = ()
    qualitative_all: tuple = ()
    sign_positive: tuple = ()
    sign_negative: tuple = ()
    part_of: str | None = None
    exclusive: bool = False
    bounds: tuple | None = None
    change_of: str | None = None
    change_cues: tuple = ()
    carry_over: bool = False
    by_category: bool = False
    category_pattern: str | None = None

    def label(self, lang: str = "zh") -> str:
        """The label in ``lang`` ('zh' or 'en')."""
        return self.label_zh if lang == "zh" else self.label_en


@dataclass(frozen=True)
class MetricDefs:
    """All definitions: the genre's units and kind cues, funnel stages, required ids,
    ``subjects`` (id -> cue phrases) and ``metrics`` (in file order)."""

    subjects: dict
    metrics: tuple
    path: str
    units: tuple = ()  # longest first; '%' is always a unit
    target_cues: tuple = ()
    actual_cues: tuple = ()
    funnel: tuple = ()
    required: tuple = ()

    def by_id(self) -> dict:
        """Mapping metric id -> MetricDef."""
        return {m.id: m for m in self.metrics}


@functools.lru_cache(maxsize=8)
def load_metric_defs(path: str | Path | None = None) -> MetricDefs:
    """Read and validate a metric definition file (default: the package's metrics.yaml).

    Raises
    ------
    MetricDefinitionError
        If the file is missing, not YAML, or an entry is malformed; the message names
        the file, the entry and the problem.
    """
    path = Path(path) if path is not None else DEFAULT_PATH
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise MetricDefinitionError(f"{path}: metric definition file not found") from None
    except yaml.YAMLError as exc:
        raise MetricDefinitionError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("metrics"), list):
        raise MetricDefinitionError(f"{path}: expected a mapping with a 'metrics' list")
    unknown = sorted(set(raw) - set(_TOP_KEYS))
    if unknown:
        raise MetricDefinitionError(f"{path}: unknown top-level key(s) {unknown}; allowed: {list(_TOP_KEYS)}")
    units = _phrases(raw, "units", path)
    cues = raw.get("kind_cues")
    if not isinstance(cues, dict) or set(cues) != {"target", "actual"}:
        raise MetricDefinitionError(f"{path}: 'kind_cues' must map 'target' and 'actual' to phrase lists")
    target, actual = _phrases(cues, "target", path), _phrases(cues, "actual", path)
    subjects = _subjects(raw.get("subjects") or {}, path)
    metrics = tuple(_metric(entry, i, subjects, path) for i, entry in enumerate(raw["metrics"]))
    required, funnel = _phrases(raw, "required", path), _phrases(raw, "funnel", path)
    _check_ids(metrics, required, funnel, path)
    _check_units(metrics, units, path)
    return MetricDefs(
        subjects=subjects,
        metrics=metrics,
        path=str(path),
        units=tuple(sorted(units, key=len, reverse=True)),
        target_cues=target,
        actual_cues=actual,
        funnel=funnel,
        required=required,
    )


def _phrases(raw: dict, key: str, path) -> tuple:
    value = raw.get(key)
    if not _is_phrase_list(value) or not value:
        raise MetricDefinitionError(f"{path}: {key!r} must be a non-empty list of phrases, got {value!r}")
    return tuple(str(v) for v in value)


def _check_units(metrics, units: tuple, path) -> None:
    known = set(units) | {"%"}
    for m in metrics:
        for unit in {m.unit, *m.units}:
            if unit not in known:
                raise MetricDefinitionError(
                    f"{path}: metric {m.id!r}: unit {unit!r} is not one of the genre's units "
                    f"(add it to 'units' or use one of {sorted(known)})"
                )


def _subjects(raw, path) -> dict:
    if not isinstance(raw, dict):
        raise MetricDefinitionError(f"{path}: 'subjects' must map a subject id to cue phrases")
    for name, cues in raw.items():
        if not _is_phrase_list(cues) or not cues:
            raise MetricDefinitionError(f"{path}: subject {name!r}: expected a non-empty list of phrases, got {cues!r}")
    return {name: tuple(cues) for name, cues in raw.items()}


def _is_phrase_list(value) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)


def _metric(entry, index, subjects, path) -> MetricDef:
    where = f"{path}: metric #{index + 1}"
    if not isinstance(entry, dict):
        raise MetricDefinitionError(f"{where}: expected a mapping, got {entry!r}")
    where = f"{path}: metric {entry.get('id', '#' + str(index + 1))!r}"
    optional = {"cues"} if entry.get("change_of") and entry.get("change_cues") else set()
    missing = [f for f in _REQUIRED_FIELDS if not entry.get(f) and f not in optional]
    if missing:
        raise MetricDefinitionError(f"{where}: missing required field(s) {', '.join(missing)}")
    unknown = sorted(set(entry) - _KNOWN_FIELDS)
    if unknown:
        raise MetricDefinitionError(
            f"{where}: unknown field(s) {', '.join(unknown)}; allowed: {', '.join(sorted(_KNOWN_FIELDS))}"
        )
    if not _ID.match(str(entry["id"])):
        raise MetricDefinitionError(f"{where}: id must be snake_case ASCII, got {entry['id']!r}")
    for field in ("cues", "exclude", "qualitative", "qualitative_none", "qualitative_all", "units", "change_cues"):
        if field in entry and not _is_phrase_list(entry[field]):
            raise MetricDefinitionError(f"{where}: {field!r} must be a list of phrases, got {entry[field]!r}")
    kind_hint = entry.get("kind_hint", "both")
    if kind_hint not in KIND_HINTS:
        raise MetricDefinitionError(f"{where}: kind_hint {kind_hint!r} not one of {KIND_HINTS}")
    subject = entry.get("subject")
    if subject is not None and subject not in subjects:
        raise MetricDefinitionError(
            f"{where}: subject {subject!r} is not defined under 'subjects' ({', '.join(subjects)})"
        )
    sign = entry.get("sign") or {}
    if (
        not isinstance(sign, dict)
        or set(sign) - {"positive", "negative"}
        or not all(_is_phrase_list(v) for v in sign.values())
    ):
        raise MetricDefinitionError(f"{where}: 'sign' must map positive/negative to phrase lists")
    return MetricDef(
        id=entry["id"],
        label_zh=str(entry["label_zh"]),
        label_en=str(entry["label_en"]),
        unit=str(entry["unit"]),
        units=tuple(entry.get("units") or [str(entry["unit"])]),
        kind_hint=kind_hint,
        subject=subject,
        cues=tuple(entry.get("cues") or ()),
        exclude=tuple(entry.get("exclude") or ()),
        qualitative=tuple(entry.get("qualitative") or ()),
        qualitative_none=tuple(entry.get("qualitative_none") or ()),
        qualitative_all=tuple(entry.get("qualitative_all") or ()),
        sign_positive=tuple(sign.get("positive") or ()),
        sign_negative=tuple(sign.get("negative") or ()),
        part_of=entry.get("part_of"),
        exclusive=_flag(entry.get("exclusive", False), "exclusive", where),
        bounds=_bounds(entry.get("bounds"), where),
        change_of=entry.get("change_of"),
        change_cues=tuple(entry.get("change_cues") or ()),
        carry_over=_flag(entry.get("carry_over", False), "carry_over", where),
        by_category=_flag(entry.get("by_category", False), "by_category", where),
        category_pattern=_category_pattern(entry.get("category_pattern"), where),
    )


def _category_pattern(raw, where) -> str | None:
    if raw is None:
        return None
    try:
        groups = re.compile(str(raw)).groupindex
    except re.error as exc:
        raise MetricDefinitionError(f"{where}: category_pattern {raw!r} is not a regular expression: {exc}") from exc
    if "category" not in groups:
        raise MetricDefinitionError(f"{where}: category_pattern {raw!r} needs a group named 'category'")
    return str(raw)


def _flag(raw, name, where) -> bool:
    if not isinstance(raw, bool):
        raise MetricDefinitionError(f"{where}: {name!r} must be true or false, got {raw!r}")
    return raw


def _bounds(raw, where):
    if raw is None:
        return None
    if (
        not isinstance(raw, list)
        or len(raw) != 2
        or not all(isinstance(v, (int, float)) for v in raw)
        or raw[0] > raw[1]
    ):
        raise MetricDefinitionError(f"{where}: 'bounds' must be [min, max] numbers, got {raw!r}")
    return (float(raw[0]), float(raw[1]))


def _check_ids(metrics, required: tuple, funnel: tuple, path) -> None:
    ids = [m.id for m in metrics]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise MetricDefinitionError(f"{path}: duplicate metric id(s) {', '.join(dupes)}")
    for m in metrics:
        if m.part_of is not None and m.part_of not in ids:
            raise MetricDefinitionError(f"{path}: metric {m.id!r}: part_of {m.part_of!r} is not a metric id")
        if m.category_pattern and not m.by_category:
            raise MetricDefinitionError(f"{path}: metric {m.id!r}: category_pattern needs by_category: true")
        if m.qualitative_all and m.part_of is None:
            raise MetricDefinitionError(f"{path}: metric {m.id!r}: qualitative_all needs part_of (the total it equals)")
        if m.change_of is not None and m.change_of not in ids:
            raise MetricDefinitionError(f"{path}: metric {m.id!r}: change_of {m.change_of!r} is not a metric id")
    missing = [i for i in required if i not in ids]
    if missing:
        raise MetricDefinitionError(f"{path}: required metric id(s) missing: {', '.join(missing)}")
    unknown = [i for i in funnel if i not in ids]
    if unknown:
        raise MetricDefinitionError(f"{path}: funnel stage(s) {', '.join(unknown)} are not metric ids")
