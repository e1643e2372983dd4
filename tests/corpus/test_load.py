"""Loading folders: manifest, bad input, duplicates, cache and parallel work."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

import corpus
from corpus import assemble as assemble_module
from corpus import loader as load_module
from corpus import metadata
from corpus.paths import DOCUMENTS_DIR

SEED_IDS = [
    "guanxian-2022-plan",
    "guanxian-2023-report",
    "kaijiang-2021-plan",
    "puyang-2022-2025-scheme",
    "puyang-2022-assessment",
    "puyang-2022-integration-scheme",
    "suixi-2021-2025-scheme",
]


def test_seed_corpus_has_seven_documents(seed_corpus):
    assert sorted(seed_corpus.documents.doc_id) == SEED_IDS
    assert seed_corpus.problems.empty


def test_years_are_whole_numbers_also_in_a_bundle(seed_corpus):
    """A bundle's documents have years where others have none: no year may turn into 2022.0."""
    docs = seed_corpus.documents.set_index("doc_id")
    assert docs.loc["puyang-2022-2025-scheme", "pub_year"] == 2022  # 印发 2022-11-04 in the bundle
    for field in metadata.INTEGER_FIELDS:
        assert all(v is None or type(v) is int for v in docs[field].astype(object)), field


def test_manifest_sha256_matches_the_files(seed_dir):
    manifest = pd.read_csv(seed_dir / "manifest.csv", dtype=str)
    import hashlib

    for row in manifest.itertuples():
        assert hashlib.sha256((seed_dir / row.source_file).read_bytes()).hexdigest() == row.sha256


def test_source_files_equal_the_seeds_byte_for_byte(seed_dir):
    seeds = DOCUMENTS_DIR.parents[1].parent / "shared" / "seeds"
    if not seeds.is_dir():
        pytest.skip("shared/seeds is not beside this checkout")
    ours = {p.read_bytes() for p in seed_dir.glob("*.txt")}
    assert ours == {p.read_bytes() for p in seeds.glob("*.txt")}


def _copy(seed_dir, tmp_path, *names):
    """A folder of its own holding copies of the named seed files."""
    folder = tmp_path / "docs"
    folder.mkdir()
    for name in names:
        shutil.copy(seed_dir / name, folder / name)
    return folder


def test_gbk_and_utf8_copies_give_the_same_clean_text(seed_dir, tmp_path):
    text = (seed_dir / "kaijiang-2021-plan.txt").read_text(encoding="utf-8")
    results = []
    for encoding in ("utf-8", "gbk"):
        folder = tmp_path / encoding
        folder.mkdir()
        (folder / "kaijiang.txt").write_bytes(text.encode(encoding))
        c = corpus.load(folder, cache=False)
        results.append(c.segments[["seg_id", "kind", "text", "start", "end"]].reset_index(drop=True))
    pd.testing.assert_frame_equal(results[0], results[1])


def test_bad_files_are_named_and_good_ones_load(seed_dir, tmp_path):
    folder = _copy(seed_dir, tmp_path, "guanxian-2022-plan.txt")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (folder / "notes.tsv").write_text("a\tb\n", encoding="utf-8")
    (folder / "copy.txt").write_bytes((seed_dir / "guanxian-2022-plan.txt").read_bytes())
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    c = corpus.load(folder, cache=False)
    assert c.documents.doc_id.tolist() == ["guanxian-2022-plan"]
    problems = dict(zip(c.problems.file, c.problems.problem))
    assert "file is empty" in problems["empty.txt"]
    assert "binary content" in problems["binary.txt"]
    assert "not a document type" in problems["notes.tsv"]
    assert "duplicate of" in problems["guanxian-2022-plan.txt"] or "duplicate of" in problems.get("copy.txt", "")
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before  # nothing modified


def test_manifest_rows_pointing_nowhere_or_outside_are_reported(seed_dir, tmp_path):
    folder = _copy(seed_dir, tmp_path, "kaijiang-2021-plan.txt")
    (tmp_path / "outside.txt").write_text("一、总体要求", encoding="utf-8")
    pd.DataFrame(
        {
            "source_file": ["kaijiang-2021-plan.txt", "missing.txt", "../outside.txt"],
            "doc_id": ["kj", "gone", "escape"],
        }
    ).to_csv(folder / "manifest.csv", index=False)
    c = corpus.load(folder, cache=False)
    assert c.documents.doc_id.tolist() == ["kj"]
    text = " | ".join(c.problems.problem)
    assert "'missing.txt' does not exist" in text
    assert "'../outside.txt' is outside the corpus folder" in text


def test_metadata_is_inferred_without_a_manifest(seed_dir, tmp_path):
    folder = _copy(seed_dir, tmp_path, "suixi-2021-2025-scheme.txt", "guanxian-2022-plan.txt")
    docs = corpus.load(folder, cache=False).documents.set_index("doc_id")
    suixi = docs.loc["suixi-2021-2025-scheme"]
    assert (suixi.county, suixi.province, suixi.prefecture, suixi.doc_type) == ("濉溪县", "安徽省", "淮北市", "scheme")
    assert (suixi.year_start, suixi.year_end, suixi.doc_number, suixi.issue_date) == (
        2021,
        2025,
        "濉发〔2022〕15号",
        "2022-04-11",
    )
    guan = docs.loc["guanxian-2022-plan"]
    assert (guan.doc_type, guan.doc_number, guan.issuer) == ("plan", "冠政办发〔2022〕4号", "冠县人民政府办公室")


def test_what_could_not_be_inferred_is_reported(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "note.txt").write_text("一、总体要求\n坚持依法行政。\n", encoding="utf-8")
    warnings = corpus.load(folder, cache=False).documents.warnings.iloc[0]
    assert "county not stated and not inferred" in warnings
    assert "doc_number not stated and not inferred" in warnings


def test_adding_a_document_processes_only_that_file(seed_dir, tmp_path, monkeypatch):
    folder = _copy(seed_dir, tmp_path, "guanxian-2022-plan.txt", "kaijiang-2021-plan.txt")
    cache = tmp_path / "cache"
    first = corpus.load(folder, cache=cache)
    calls = []
    original = load_module.process_file
    monkeypatch.setattr(load_module, "process_file", lambda *a: calls.append(a[0].name) or original(*a))
    shutil.copy(seed_dir / "suixi-2021-2025-scheme.txt", folder)
    second = corpus.load(folder, cache=cache)
    assert calls == ["suixi-2021-2025-scheme.txt"]
    assert len(second.documents) == len(first.documents) + 1


def test_cache_can_be_deleted_without_changing_results(seed_dir, tmp_path):
    folder = _copy(seed_dir, tmp_path, "guanxian-2023-report.txt")
    cache = tmp_path / "cache"
    cached = corpus.load(folder, cache=cache)
    again = corpus.load(folder, cache=cache)
    shutil.rmtree(cache)
    fresh = corpus.load(folder, cache=cache)
    for name in ("documents", "segments", "responsibilities", "sentences", "tokens"):
        pd.testing.assert_frame_equal(getattr(again, name), getattr(fresh, name))
        pd.testing.assert_frame_equal(getattr(cached, name), getattr(fresh, name))


def test_parallel_processing_gives_the_same_tables(seed_dir, tmp_path, monkeypatch):
    folder = _copy(seed_dir, tmp_path, "guanxian-2022-plan.txt", "kaijiang-2021-plan.txt", "suixi-2021-2025-scheme.txt")
    serial = corpus.load(folder, cache=False)
    monkeypatch.setattr(load_module, "PARALLEL_THRESHOLD", 0)
    parallel = corpus.load(folder, cache=False, jobs=2)
    for name in ("documents", "segments", "tokens"):
        pd.testing.assert_frame_equal(getattr(serial, name), getattr(parallel, name))


def test_a_changed_file_is_noticed_against_the_manifest_hash(seed_dir, tmp_path):
    folder = _copy(seed_dir, tmp_path, "kaijiang-2021-plan.txt")
    pd.DataFrame({"source_file": ["kaijiang-2021-plan.txt"], "doc_id": ["kj"], "sha256": ["0" * 64]}).to_csv(
        folder / "manifest.csv", index=False
    )
    c = corpus.load(folder, cache=False)
    assert c.documents.doc_id.tolist() == ["kj"]
    assert "content differs from the sha256 in manifest.csv" in " ".join(c.problems.problem)


def test_a_warm_load_makes_tables_on_first_use_and_keeps_them_compact(seed_dir, tmp_path, monkeypatch):
    folder = _copy(seed_dir, tmp_path, "guanxian-2023-report.txt", "kaijiang-2021-plan.txt")
    cache = tmp_path / "cache"
    fresh = corpus.load(folder, cache=cache)
    made = []
    original = assemble_module.table_frame
    monkeypatch.setattr(assemble_module, "table_frame", lambda name, *a: made.append(name) or original(name, *a))
    warm = corpus.load(folder, cache=cache)
    assert made == [] and f"{len(fresh.tokens)} tokens" in repr(warm)
    report = warm.subset(doc_type="report").body()  # body() needs the segments, nothing else
    assert made == ["segments"]
    assert report.sentences.text.str.contains("接收行政复议申请91件").any()
    assert made == ["segments", "sentences"]
    tokens = warm.tokens
    assert {str(tokens[c].dtype) for c in ("doc_id", "seg_id", "sent_id")} == {"category"}
    assert tokens.start.dtype == "int32" and tokens.token.dtype == "str"
    pd.testing.assert_frame_equal(tokens, fresh.tokens)
    row = tokens[tokens.token == "行政复议"].iloc[0]
    assert warm.quote(row.doc_id, row.start, row.end) == "行政复议"
    kept = warm.subset(county="冠县").tokens  # a subset's categoricals keep only its own values
    assert list(kept.doc_id.cat.categories) == ["guanxian-2023-report"]
