"""Metadata of 21 real documents of other places, inferred without a manifest (issue 11).

The floors below are measured values (docs/metadata_accuracy.md); they may only rise. The
truth is tests/data/realdocs/SOURCES.tsv (copied with the texts from the development set).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

import corpus
from corpus.evaluate import accuracy, score

REALDOCS = Path(__file__).resolve().parents[1] / "data" / "realdocs"
FLOORS_PCT = {"county": 100.0, "province": 95.2, "doc_type": 100.0, "year": 100.0}  # measured; may only rise


@pytest.fixture(scope="module")
def realdocs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("realdocs")
    for path in REALDOCS.glob("*.txt"):
        shutil.copy(path, folder / path.name)
    c = corpus.load(folder, cache=tmp_path_factory.mktemp("cache"))
    truth = pd.read_csv(REALDOCS / "SOURCES.tsv", sep="\t", dtype=str)
    return c, score(c.documents, truth)


@pytest.mark.parametrize("field", sorted(FLOORS_PCT))
def test_accuracy_floor(realdocs, field):
    _, scored = realdocs
    table = accuracy(scored).set_index("field")
    wrong = scored.loc[~scored[field], ["file", f"{field}_got" if field != "year" else "years_got"]]
    assert table.loc[field, "accuracy_pct"] >= FLOORS_PCT[field], wrong.to_string()


def test_anonymised_places_get_no_county(realdocs):
    c, _ = realdocs
    docs = c.documents.set_index(c.documents["source_file"].map(lambda p: Path(p).name))
    for name in ("15_xxxian_2022_plan.txt", "20_xxxian-sifaju_2021-2025_report.txt", "21_xxxian_2024H1_other.txt"):
        assert not docs.loc[name, "county"], name
        assert not docs.loc[name, "province"], name


def test_every_inferred_field_says_where_it_came_from(realdocs):
    c, _ = realdocs
    docs = c.documents
    for field in ("county", "province", "doc_type", "year_start", "title", "place"):
        known = docs[field].notna() & (docs[field] != "")
        assert (docs.loc[known, f"{field}_source"] != "").all(), field
        assert (docs.loc[~known, f"{field}_source"] == "").all(), field
        assert "manifest" not in set(docs[f"{field}_source"])


def test_district_of_a_municipality_and_a_prefecture_level_city(realdocs):
    c, _ = realdocs
    docs = c.documents.set_index(c.documents["source_file"].map(lambda p: Path(p).name))
    minhang = docs.loc["01_minhang_2018_report.txt"]
    assert (minhang["county"], minhang["province"], minhang["level"]) == ("闵行区", "上海市", "district")
    assert minhang["county_source"] == "title" and minhang["province_source"] == "gazetteer"
    zhongwei = docs.loc["16_zhongwei_2022_plan.txt"]
    assert not zhongwei["county"] and zhongwei["place"] == "中卫市" and zhongwei["level"] == "prefecture"
    assert zhongwei["doc_number"] == "卫政办发〔2022〕24号" and zhongwei["doc_type"] == "plan"
