"""The national benchmark runs end to end at a tiny N (issue 16). Proves it works; times nothing."""

from __future__ import annotations

import json
import sys

import pytest

from corpus.paths import REPO_ROOT

sys.path.insert(0, str(REPO_ROOT / "benchmarks"))

import bench_national
import national


def test_generator_is_deterministic_with_distinct_places(tmp_path):
    a = national.generate(national.Spec(12), tmp_path / "a")
    b = national.generate(national.Spec(12), tmp_path / "b")
    assert a.equals(b) and a.county.nunique() == 12
    for name in a.source_file:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert a.n_chars.between(10_000, 11_000).all()
    first = (tmp_path / "a" / a.source_file[0]).read_text(encoding="utf-8")
    assert first.startswith(a.title[0])


def test_boilerplate_is_shared_verbatim(tmp_path):
    """Every report repeats national paragraphs: some line stands in at least a fifth of them."""
    m = national.generate(national.Spec(20), tmp_path)
    lines = [set((tmp_path / f).read_text(encoding="utf-8").splitlines()[1:]) for f in m.source_file]
    counts: dict[str, int] = {}
    for doc in lines:
        for line in doc:
            counts[line] = counts.get(line, 0) + 1
    assert max(counts.values()) >= 4


@pytest.mark.slow  # a corpus build, five child processes and a report: ~1 min on an idle 2-core machine
def test_bench_runs_both_sides_at_small_n(tmp_path, capsys):
    stages = ["--stages", "similarity", "reuse", "alignment", "report"]
    bench_national.main(["--sizes", "4", "--keep", str(tmp_path), "--json", str(tmp_path / "out.json"), *stages])
    out = capsys.readouterr().out
    for stage in ("build", "warm", "similarity", "reuse", "alignment", "report", "tokenise", "tfidf", "cosine"):
        assert stage in out, stage
    assert "ratio (similarity+reuse) / (tfidf+cosine)" in out
    result = json.loads((tmp_path / "out.json").read_text())["4"]
    assert result["tool"]["n_docs"] == result["plain"]["n_docs"] == 4
    assert result["tool"]["reuse"]["peak_mb"] > 0
    sections = result["tool"]["report_sections"]  # the report's own per-section seconds (run.json)
    assert {"corpus", "coverage", "similarity", "metrics", "write_tables", "write_figures"} <= set(sections)
