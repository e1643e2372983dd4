"""The human coding sheet round-trips (issue 13): export, fill, import, kappa/alpha, overrides."""

from __future__ import annotations

import pandas as pd
import pytest
from openpyxl import load_workbook

import analysis as an
from analysis.coverage import sheet as sh
from analysis.coverage.coder import TopicCoder
from analysis.coverage.coding import code_sentences
from analysis.coverage.segments import apply_human, fit_corpus_model
from analysis.coverage.units import body_units


@pytest.fixture(scope="module")
def coder():
    return TopicCoder.from_file()


@pytest.fixture(scope="module")
def segments(seed_corpus, coder):
    return an.coverage_segments(seed_corpus, coder=coder)


@pytest.fixture(scope="module")
def filled(seed_corpus, segments, coder, tmp_path_factory):
    """The sheet exported, then filled by a 'coder' who agrees except on every fourth row (-> justice)."""
    folder = tmp_path_factory.mktemp("sheet")
    path = an.coding_sheet(seed_corpus, folder / "coding.xlsx", segments=segments, coder=coder)
    wb = load_workbook(path)
    ws = wb[sh.SHEET]
    header = [cell.value for cell in ws[1]]
    col, prop = header.index("human_area") + 1, header.index("proposed") + 1
    for i in range(2, ws.max_row + 1):
        proposed = ws.cell(i, prop).value or "none"
        ws.cell(i, col).value = "justice" if i % 4 == 0 else proposed
    wb.save(path)
    return path


def test_sheet_has_a_dropdown_of_areas_and_verbatim_text(seed_corpus, segments, coder, filled):
    wb = load_workbook(filled)
    ws = wb[sh.SHEET]
    (dv,) = ws.data_validations.dataValidation
    assert dv.type == "list" and dv.formula1 == "=areas!$A$2:$A$14"
    areas = [row[0] for row in wb[sh.AREAS_SHEET].iter_rows(min_row=2, values_only=True)]
    assert areas == [a.id for a in coder.codebook.areas] + ["none"]
    sheet = sh.read_sheet(filled, coder=coder)
    # stratified: up to 5 per predicted area (and from the uncoded segments)
    per = segments["predicted"].value_counts()
    assert sheet["proposed"].value_counts().to_dict() == {a: min(5, n) for a, n in per.items()}
    for r in sheet.itertuples():
        assert r.text == seed_corpus.quote(r.doc_id, int(r.start), int(r.end))


def test_agreement_after_the_round_trip(coder, filled):
    sheet = sh.read_sheet(filled, coder=coder)
    n = len(sheet)
    changed = sheet.index[(sheet.index + 2) % 4 == 0]
    assert (sheet.loc[changed, "human_area"] == "justice").all()
    res = an.coding_agreement(sheet, coder=coder, n_boot=200)
    agree = res["agreement"].set_index("area_id")
    n_differ = int((sheet.loc[changed, "proposed"] != "justice").sum())
    assert len(res["disagreements"]) == n_differ
    assert agree.loc["all", "n_segments"] == n
    assert 0.5 < agree.loc["all", "kappa"] < 0.9 and 0.5 < agree.loc["all", "alpha"] < 0.9
    assert agree.loc["all", "kappa_low"] <= agree.loc["all", "kappa"] <= agree.loc["all", "kappa_high"]
    assert agree.loc["justice", "n_human"] > agree.loc["justice", "n_machine"]
    # an area none of whose rows the coder changed: perfect agreement on it
    touched = set(sheet.loc[changed, "proposed"]) | {"justice", "all"}
    untouched = [a for a in agree.index if a not in touched]
    assert untouched and (agree.loc[untouched, "kappa"] == 1.0).all()
    assert (agree.loc[untouched, "n_human"] == agree.loc[untouched, "n_machine"]).all()
    assert set(res["disagreements"].columns) == set(sh.DISAGREEMENT_COLUMNS)
    assert (res["disagreements"]["human_area"] == "justice").all()


def test_unknown_area_is_refused_with_the_row(coder, filled, tmp_path):
    wb = load_workbook(filled)
    ws = wb[sh.SHEET]
    col = [cell.value for cell in ws[1]].index("human_area") + 1
    ws.cell(3, col).value = "courts"
    bad = tmp_path / "bad.xlsx"
    wb.save(bad)
    with pytest.raises(ValueError, match=r"bad\.xlsx: row 3: human_area 'courts' is not an area id"):
        sh.read_sheet(bad, coder=coder)


def test_human_codes_override_coverage_and_train(seed_corpus, coder, filled):
    sheet = sh.read_sheet(filled, coder=coder)
    res = an.coding_agreement(sheet, coder=coder, n_boot=50)
    human = res["human"]
    before = an.coverage(seed_corpus, by="area", coder=coder).set_index(["doc_id", "area_id"])["n_chars"]
    after = an.coverage(seed_corpus, by="area", coder=coder, human=human).set_index(["doc_id", "area_id"])["n_chars"]
    moved = sheet[sheet["human_area"] == "justice"]
    for doc_id in moved["doc_id"].unique():
        assert after[(doc_id, "justice")] > before[(doc_id, "justice")]
    segs = an.coverage_segments(seed_corpus, coder=coder, human=human).set_index("seg_id")
    assert (segs.loc[moved["seg_id"], "predicted"] == "justice").all()
    assert (segs.loc[moved["seg_id"], "method"] == "human").all()
    # a human-coded segment counts only for the human area
    units = body_units(seed_corpus)
    overridden = apply_human(code_sentences(seed_corpus, coder=coder), units, human)
    one = moved["seg_id"].iloc[0]
    assert set(overridden.loc[overridden["seg_id"] == one, "area_id"]) == {"justice"}
    # fed back as training labels
    model = fit_corpus_model(seed_corpus, coder=coder, labels=res["labels"])
    assert model is not None and model.n_train_ > len(res["labels"])
    assert pd.api.types.is_string_dtype(res["labels"]["area_id"])


def test_segments_scored_in_blocks_equal_one_pass(seed_corpus, segments, coder, monkeypatch):
    """Issue 16: coverage_segments scores its texts a block at a time (memory O(block)); 416 seed
    segments in blocks of 50 give the same areas, scores and evidence."""
    from analysis.coverage import model as coverage_model

    monkeypatch.setattr(coverage_model, "COMBINE_BLOCK", 50)
    blocked = an.coverage_segments(seed_corpus, coder=coder)
    assert len(blocked) == 416
    pd.testing.assert_frame_equal(blocked, segments)
