"""The codebook data file and its validation (issue 3)."""

from __future__ import annotations

import dataclasses

import pytest
import yaml

from analysis.coverage import codebook as cbm
from analysis.coverage.coder import TopicCoder

GANGYAO_AREAS = [
    "functions",
    "rules",
    "decisions",
    "enforcement",
    "emergency",
    "disputes",
    "supervision",
    "digital",
    "leadership",
]


@pytest.fixture(scope="module")
def cb():
    return cbm.load()


def test_project_codebook_has_the_outline_areas_and_county_topics(cb):
    areas = cb.areas_frame()
    assert areas.loc[areas["origin"] == "gangyao", "area_id"].tolist() == GANGYAO_AREAS
    topics = cb.topics_frame().set_index("topic_id")
    county_added = {
        "disputes.petitions": "信访",
        "emergency.pandemic": "疫情防控",
        "leadership.assessment": "考核",
        "decisions.counsel": "法律顾问与公职律师",
        "functions.credit": "社会信用体系",
        "society.legal_education": "普法与法治文化",
        "society.legal_services": "公共法律服务",
        "supervision.inspection": "政府督查",
        "regional.cooperation": "区域法治协作",
    }
    for topic_id, label in county_added.items():
        assert topics.loc[topic_id, "label_zh"] == label
    assert topics.loc["disputes.petitions", "origin"] == "county"
    assert {"justice", "society"} <= set(areas["area_id"])
    assert "行政复议" in cb.topic("disputes.reconsideration").cues
    assert all(t.label_en and t.cues for t in cb.topics)


def test_objects_are_frozen(cb):
    with pytest.raises(dataclasses.FrozenInstanceError):
        cb.topics[0].cues = ()


def _minimal():
    return {
        "version": 1,
        "areas": [
            {
                "id": "disputes",
                "label_zh": "矛盾纠纷化解",
                "label_en": "Disputes",
                "heading_cues": ["复议"],
                "topics": [
                    {
                        "id": "disputes.reconsideration",
                        "label_zh": "行政复议",
                        "label_en": "Reconsideration",
                        "cues": ["行政复议"],
                    },
                    {"id": "disputes.litigation", "label_zh": "行政应诉", "label_en": "Litigation", "cues": ["应诉"]},
                ],
            }
        ],
    }


def _write(tmp_path, data):
    path = tmp_path / "codebook.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_minimal_codebook_loads(tmp_path):
    cb = cbm.load(_write(tmp_path, _minimal()))
    assert [t.id for t in cb.topics] == ["disputes.reconsideration", "disputes.litigation"]
    assert cb.source == "codebook.yaml"


def _unknown_topic_key(d):
    d["areas"][0]["topics"][1]["cue"] = ["x"]


def _unknown_area_key(d):
    d["areas"][0]["keywords"] = ["x"]


def _empty_cues(d):
    d["areas"][0]["topics"][1]["cues"] = []


def _duplicate_topic(d):
    d["areas"][0]["topics"][1]["id"] = "disputes.reconsideration"


def _blank_cue(d):
    d["areas"][0]["topics"][0]["cues"] = ["行政复议", " "]


def _bad_origin(d):
    d["areas"][0]["topics"][0]["origin"] = "province"


@pytest.mark.parametrize(
    "mutate, message",
    [
        (_unknown_topic_key, r"codebook\.yaml: topic 'disputes\.litigation' \(area 'disputes'\): unknown key 'cue'"),
        (_unknown_area_key, r"codebook\.yaml: area 'disputes': unknown key 'keywords'"),
        (
            _empty_cues,
            r"codebook\.yaml: topic 'disputes\.litigation' \(area 'disputes'\): 'cues' must be a non-empty list",
        ),
        (_duplicate_topic, r"codebook\.yaml: duplicate topic id 'disputes\.reconsideration'"),
        (_blank_cue, r"topic 'disputes\.reconsideration'.*empty or non-text entry"),
        (_bad_origin, r"topic 'disputes\.reconsideration'.*origin 'province' not allowed"),
    ],
    ids=["unknown-topic-key", "unknown-area-key", "empty-cues", "duplicate-topic-id", "blank-cue", "bad-origin"],
)
def test_malformed_codebook_names_the_entry(tmp_path, mutate, message):
    data = _minimal()
    mutate(data)
    with pytest.raises(ValueError, match=message):
        cbm.load(_write(tmp_path, data))


def test_not_yaml_is_reported_with_file_name(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("areas: [\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"broken\.yaml: not valid YAML"):
        cbm.load(path)


@pytest.mark.parametrize(
    "heading, area",
    [
        ("健全政府机构职能体系", "functions"),
        ("加强对行政执法制约和监督", "supervision"),  # longest cue wins over 行政执法
        ("深化复议应诉工作", "disputes"),
        ("大力弘扬法治精神，夯实法治社会基础", "society"),
        ("推进公正司法", "justice"),
        ("严格规范公正文明执法", "enforcement"),
        ("依法推进常态化疫情防控", "emergency"),
        ("提升人民群众获得感满意度", None),
        ("", None),
    ],
)
def test_heading_area(cb, heading, area):
    assert TopicCoder(cb).heading_area(heading) == area
