"""Metadata of a document without a manifest row, read from the genre's own conventions.

A document states its metadata in a few places: the title line (with the wrapped title of a
关于印发…的通知), page chrome (当前位置, 来源, 发布时间, 信息公开元数据 fields such as 发布机构 and
成文日期), the first body sentence (2022年，XX区坚持…), the signature block (issuer and date at
the end) and, as a last resort, the file name. :func:`infer` returns every field it finds with
the place it came from (``title``, ``chrome``, ``front``, ``body``, ``signature``,
``filename``; ``gazetteer`` for what the place implies). Facts about the genre (field labels,
title wrappers, body cues) are data in ``corpus/data/metadata.yaml``; title endings per document
type in ``corpus/data/doc_types.csv``. An anonymised place (XX县) is never resolved to a real one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from . import places
from .paths import METADATA_FILE
from .patterns import (
    DATE_CN,
    DOC_NUMBER,
    DOC_NUMBER_LINE,
    HAN_RANGES,
    METADATA_FIELD,
    METADATA_FIELDS,
    TITLE_END,
    is_han,
)
from .structure import marker_of

Found = dict[str, tuple[object, str]]

YEAR_RANGE = re.compile(r"((?:19|20)\d{2})\s*年?\s*[—–\-－~～至到]+\s*((?:19|20)\d{2})\s*年?")
YEAR_ONE = re.compile(r"((?:19|20)\d{2})\s*年")
YEAR_TOKEN = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
DATE_ISO = re.compile(r"((?:19|20)\d{2})[-/.](\d{1,2})[-/.](\d{1,2})")
DATE_COMPACT = re.compile(r"^((?:19|20)\d{2})(\d{3,4})$")
BREADCRUMB = re.compile(r"[>＞»]|^(?:当前位置|您所在的位置|您现在的位置)")
QUOTED = re.compile(r"《[^《》]*》")
TRAILING_PAREN = re.compile(r"[（(][^（()）]{1,20}[）)]$")
LEADING_YEAR = re.compile(r"^(?:[一二三四五六七八九十]+、)?\s*((?:19|20)\d{2})\s*年")
PAGE_MARK = re.compile(r"^[-—－]\s*\d{1,3}\s*[-—－]\s*")
HEAD_LINES = 25
BODY_HEAD_CHARS = 400


class MetadataFileError(ValueError):
    """A malformed metadata.yaml; the message names the file and the key."""


@dataclass(frozen=True)
class Genre:
    """The compiled contents of metadata.yaml."""

    field_of: dict  # label -> docvar
    field_pattern: re.Pattern
    wrappers: tuple
    body_cues: dict
    department: re.Pattern

    @classmethod
    def load(cls, path: Path = METADATA_FILE) -> Genre:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as err:
            raise MetadataFileError(f"{path.name}: cannot read ({err})") from None
        keys = {"wrappers", "body_cues", "department_suffixes"}
        if not isinstance(data, dict) or set(data) != keys:
            raise MetadataFileError(f"{path.name}: expected exactly the keys {sorted(keys)}")
        field_of = {label: name for name, labels in METADATA_FIELDS.items() for label in labels}
        try:
            wrappers = tuple(re.compile(p) for p in _phrases(data["wrappers"], "wrappers", path))
        except re.error as err:
            raise MetadataFileError(f"{path.name}: 'wrappers' holds an invalid pattern ({err})") from None
        cues = {k: _phrases(v, f"body_cues.{k}", path) for k, v in _mapping(data, "body_cues", path).items()}
        suffixes = _phrases(data["department_suffixes"], "department_suffixes", path)
        department = re.compile(rf"^[县区市旗]?[{HAN_RANGES}]{{0,6}}?(?:" + "|".join(map(re.escape, suffixes)) + ")")
        return cls(field_of, re.compile(rf"({METADATA_FIELD.pattern})\s*[:：]"), wrappers, cues, department)


def _mapping(data: dict, key: str, path: Path) -> dict:
    value = data.get(key)
    if not isinstance(value, dict) or not value:
        raise MetadataFileError(f"{path.name}: {key!r} must be a non-empty mapping")
    return value


def _phrases(value, key: str, path: Path) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        raise MetadataFileError(f"{path.name}: {key!r} must be a non-empty list of phrases")
    return tuple(value)


GENRE = Genre.load()


def infer(lines: list[str], body_from: int, path: Path, *, doc_types) -> Found:
    """Metadata of one document from its clean lines.

    Parameters
    ----------
    lines : list of str
        The document's clean lines, in order.
    body_from : int
        Index of the first body line (lines before it are front matter).
    path : Path
        The source file (its name is the last resort for year and place).
    doc_types : pandas.DataFrame
        ``corpus.doc_types()`` (doc_type, title_endings), in order of precedence.

    Returns
    -------
    dict
        field -> (value, source) for each field found.
    """
    head = lines[: max(body_from, min(HEAD_LINES, len(lines)))]
    fields = chrome_fields(head)
    found: Found = {}
    title, title_source = _title(lines, body_from, fields)
    if title:  # a notice that issues a document is named by the document it issues
        found["title"] = (inner_title(title), title_source)
    body = "\n".join(lines[body_from:])[: BODY_HEAD_CHARS * 3]
    doc_type = _doc_type(title, doc_types) if title else None
    if doc_type:
        found["doc_type"] = (doc_type, title_source)
    else:  # no title, or one that names no genre (a headline): the body's own phrases decide
        cue_type = next((t for t, cues in GENRE.body_cues.items() if any(c in body for c in cues)), None)
        found["doc_type"] = (cue_type, "body") if cue_type else ("other", "title" if title else "body")
    found.update(_years(title, title_source, body, path))
    found.update(_dates(fields, lines, body_from))
    stated = fields.get("doc_number", "")
    numbers = [m.group(0) for m in map(DOC_NUMBER.search, [stated, *head]) if m]
    if numbers or stated:
        found["doc_number"] = (numbers[0] if numbers else stated, "chrome" if stated else "front")
    issuer = _issuer(fields, lines, body_from, title)
    if issuer:
        found["issuer"] = issuer
    found.update(_place(title, title_source, fields, head, body, path))
    return found


def chrome_fields(head: list[str]) -> dict[str, str]:
    """``label：value`` fields of page chrome in the head lines (first occurrence of each docvar)."""
    text = "\n".join(head)
    out: dict[str, str] = {}
    matches = list(GENRE.field_pattern.finditer(text))
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        value = text[m.end() : end].strip()
        if "\n" in value:  # the value is on the same line, or alone on the next one
            first, _, rest = value.partition("\n")
            value = first.strip() or rest.split("\n", 1)[0].strip()
        name = GENRE.field_of[m.group(1)]
        if value and name not in out and not GENRE.field_pattern.match(value):
            out[name] = value
    return out


def _clean_title(line: str) -> str:
    """A title line without a page number, a 【栏目】 tag or a 文号 run into it."""
    line = PAGE_MARK.sub("", line).strip()
    line = re.sub(r"^【[^】]{1,8}】", "", line).strip()
    number = DOC_NUMBER.match(line)
    return line[number.end() :].strip() if number and number.end() < len(line) else line


def _open_brackets(text: str) -> bool:
    return text.count("《") > text.count("》") or text.count("（") > text.count("）")


def _extend(window: list[str], i: int, stop: int) -> str:
    """Lines ``i..stop`` joined, continued while a 《 or （ is left open (a title broken across lines)."""
    if stop > len(window):
        return ""
    text = "".join(window[i:stop])
    while _open_brackets(text) and stop < min(i + 5, len(window)):
        text, stop = text + window[stop], stop + 1
    return text


def _is_title_line(line: str) -> bool:
    return (
        6 <= len(line) <= 100
        and "。" not in line
        and not BREADCRUMB.search(line)
        and not GENRE.field_pattern.search(line)
        and not DATE_CN.match(line)
        and marker_of(line) is None
        and sum(map(is_han, line)) >= 0.6 * len(line)
    )


def _title(lines: list[str], body_from: int, fields: dict) -> tuple[str, str]:
    """The document's title and where it was found.

    The first line before the body (or among the first lines of a page) that reads as a title
    and ends with a title word; a title broken over two lines is joined; else the chrome's
    名称/标题 field; else the last front line that reads as a title.
    """
    window = [_clean_title(x) for x in lines[: max(body_from, 1) + 2][:HEAD_LINES]]
    for i, line in enumerate(window):
        if DOC_NUMBER_LINE.match(line) or line.endswith("文件"):  # 文号 and 红头 lines are not the title
            continue
        for candidate in (_extend(window, i, i + 1), _extend(window, i, i + 2)):
            if _is_title_line(candidate) and TITLE_END.search(candidate) and not _open_brackets(candidate):
                return candidate, "title"
            if TITLE_END.search(line) or len(line) > 40:  # a whole title line needs no second line
                break
    if fields.get("title"):
        return fields["title"], "chrome"
    front = [x for x in window[:body_from] if _is_title_line(x)]
    if front:
        return front[-1], "title"
    # No heading structure: a short first line of a longer text is its headline (news, 经验材料).
    first = next((x for x in window[:3] if _is_title_line(x) and len(x) <= 60), "")
    return (first, "title") if first and len(lines) > 1 else ("", "")


def inner_title(title: str) -> str:
    """The title a wrapper notice carries (关于印发《X》的通知 -> X), else the title itself."""
    for pattern in GENRE.wrappers:
        m = pattern.search(title)
        if m:
            return m.group(1)
    return title


def _doc_type(title: str, doc_types) -> str | None:
    """The type whose title ending the (inner) title ends with.

    A title ending in a title word of no type (政策解读, 通知 without a wrapped title) is
    ``other``; a title ending in no title word at all (a headline) decides nothing (None).
    """
    inner = TRAILING_PAREN.sub("", inner_title(title).rstrip("》」” "))
    for row in doc_types.itertuples():
        endings = [e for e in str(row.title_endings).split("|") if e]
        if any(inner.endswith(e) for e in endings):
            return str(row.doc_type)
    return "other" if TITLE_END.search(inner) else None


def _years(title: str, title_source: str, body: str, path: Path) -> Found:
    """Years covered: the title's year or range; else the body's first sentence (a year it opens
    with first; titles it quotes in 《》 left out); else the file name."""
    opening = QUOTED.sub("", _first_sentence(body))
    lead = LEADING_YEAR.match(opening)
    if not (title and (YEAR_RANGE.search(title) or YEAR_ONE.search(title))) and lead:
        return {"year_start": (int(lead.group(1)), "body"), "year_end": (int(lead.group(1)), "body")}
    headings = "\n".join(line for line in body.split("\n")[1:4] if marker_of(line))
    for text, source in ((title, title_source), (opening, "body"), (headings, "body")):
        if not text:
            continue
        m = YEAR_RANGE.search(text)
        if m and int(m.group(1)) <= int(m.group(2)):
            return {"year_start": (int(m.group(1)), source), "year_end": (int(m.group(2)), source)}
        m = YEAR_ONE.search(text)
        if m:
            return {"year_start": (int(m.group(1)), source), "year_end": (int(m.group(1)), source)}
    years = [int(y) for y in YEAR_TOKEN.findall(path.stem)]
    if years:
        return {"year_start": (min(years), "filename"), "year_end": (max(years), "filename")}
    return {}


def _first_sentence(body: str) -> str:
    """The first sentence of the body, or its first heading when that comes first."""
    stop = min((i for i in (body.find("。"), body.find("\n")) if i >= 0), default=len(body))
    return body[: min(stop, BODY_HEAD_CHARS)]


def parse_date(text: str) -> str | None:
    """YYYY-MM-DD from 2022年4月13日, 2023-03-27, 2021/03/29 or a signature's compact 2020316."""
    m = DATE_CN.search(text) or DATE_ISO.search(text)
    if m:
        y, mo, d = (int(g) for g in m.groups())
        return f"{y:04d}-{mo:02d}-{d:02d}" if 1 <= mo <= 12 and 1 <= d <= 31 else None
    m = DATE_COMPACT.match(text.strip())
    if not m:
        return None
    year, rest = int(m.group(1)), m.group(2)
    splits = {(int(rest[:k]), int(rest[k:])) for k in (1, 2) if 0 < k < len(rest)}
    valid = [(mo, d) for mo, d in splits if 1 <= mo <= 12 and 1 <= d <= 31 and len(f"{mo}{d}") == len(rest)]
    return f"{year:04d}-{valid[0][0]:02d}-{valid[0][1]:02d}" if len(valid) == 1 else None


def _dates(fields: dict, lines: list[str], body_from: int) -> Found:
    found: Found = {}
    for name, source in (("issue_date", "chrome"), ("publication_date", "chrome")):
        date = parse_date(fields.get(name, ""))
        if date:
            found[name] = (date, source)
    if "issue_date" not in found:
        for line in lines[:body_from] + lines[-6:]:
            date = parse_date(line) if len(line) <= 16 else None
            if date:
                found["issue_date"] = (date, "signature" if line in lines[-6:] else "front")
                break
    if "publication_date" not in found and "issue_date" in found:
        found["publication_date"] = found["issue_date"]
    if "publication_date" in found:
        found["pub_year"] = (int(str(found["publication_date"][0])[:4]), found["publication_date"][1])
    found.pop("publication_date", None)
    return found


def _issuer(fields: dict, lines: list[str], body_from: int, title: str) -> tuple[str, str] | None:
    if fields.get("issuer"):
        return fields["issuer"], "chrome"
    m = re.match(r"^([^《》“”]+?)关于", title or "")
    if m and len(m.group(1)) <= 40:
        return m.group(1), "title"
    tail = [x.strip() for x in lines[-6:] if x.strip()]
    for i, line in enumerate(tail):
        if (
            parse_date(line)
            and i > 0
            and len(tail[i - 1]) <= 30
            and re.search(r"(政府|委员会|委|局|办公室)$", tail[i - 1])
        ):
            return tail[i - 1], "signature"
    for line in lines[:body_from]:
        if len(line) <= 30 and re.search(r"(人民政府|委员会|办公室|司法局)$", line):
            return line, "front"
    return None


def _place(title: str, title_source: str, fields: dict, head: list[str], body: str, path: Path) -> Found:
    """Place, level, county, province, prefecture and adcode, with their sources."""
    sources = (
        (title, title_source or "title"),
        (" ".join(fields.get(k, "") for k in ("issuer", "source")), "chrome"),
        ("\n".join(head), "front"),
        (_first_sentence(body) + "\n" + body[:BODY_HEAD_CHARS], "body"),
    )
    context = title + "\n" + "\n".join(head) + "\n" + body
    for text, source in sources:
        if not text.strip():
            continue
        anonymised = places.anonymised_place(text)
        if anonymised and source in ("title", "front", "body") and _anonymised_first(text, anonymised):
            return {"place": (anonymised, source), "level": ("county", source)}
        found = places.locate(text, context=context)
        if found is not None:
            out = places.docvars(found, source)
            unit = GENRE.department.match(text[found.end :]) if source == "title" and found.end >= 0 else None
            # 开江县司法局 is a department of the county; 县委 / 人民政府(办公室) are the county itself.
            if unit and len(unit.group(0)) >= 2 and not text[found.end :].startswith(("人民政府", "政府", "委")):
                out["place"] = (found.name + unit.group(0), source)
                out["level"] = ("department", source)
            return out
        department = GENRE.department.match(inner_title(title)) if source == "title" else None
        if department:  # 县司法局关于…: a department of an unnamed government
            return {"place": (department.group(0), "title"), "level": ("department", "title")}
    found = places.by_slug(path.stem)
    return places.docvars(found, "filename") if found is not None else {}


def _anonymised_first(text: str, anonymised: str) -> bool:
    """True when the anonymised place comes before any real place in ``text``."""
    real = places.locate(text[: text.find(anonymised)], context="")
    return real is None
