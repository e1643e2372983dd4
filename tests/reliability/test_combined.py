"""The combined case of issue 14: the seven seeds among one bad file of each kind.

The folder loads the seven seed documents with the same tables as the clean seed folder, and
names every bad entry exactly once in ``Corpus.problems`` and once on stderr from the CLI.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pandas as pd

import corpus

from .faults import snapshot
from .test_load_faults import CASES

TABLES = ("documents", "segments", "responsibilities", "sentences", "tokens")


def _bad_folder(seed_dir, tmp_path):
    folder = tmp_path / "messy"
    shutil.copytree(seed_dir, folder)
    (tmp_path / "outside.txt").write_text("冠县法治政府建设工作要点\n一、总体要求\n推进依法行政。\n", encoding="utf-8")
    bad = []
    for case in CASES:
        if case.loaded or case.options or case.id in ("duplicate-bytes", "device"):
            continue  # loaded with a warning, or needs other options: not part of this folder
        case.build(folder, folder / case.name)
        bad.append(case.name)
    shutil.copy(folder / "kaijiang-2021-plan.txt", folder / "zz-kaijiang-copy.txt")
    bad.append("zz-kaijiang-copy.txt")
    with open(folder / "manifest.csv", "a", encoding="utf-8") as f:
        f.write("lost.txt,lost-doc,,冠县,,,2022,2022,,,,\n")
    bad.append("manifest.csv")
    return folder, bad


def test_seeds_among_bad_files_load_as_from_a_clean_folder(seed_dir, seed_corpus, tmp_path):
    folder, bad = _bad_folder(seed_dir, tmp_path)
    before = snapshot(folder)
    c = corpus.load(folder, cache=tmp_path / "cache")
    assert sorted(c.problems.file) == sorted(bad)  # every bad entry named, each once
    for row in c.problems.itertuples():
        assert row.problem.startswith(f"{row.file}: ")
    for name in TABLES:
        ours = getattr(c, name).drop(columns=["source_file"], errors="ignore").reset_index(drop=True)
        clean = getattr(seed_corpus, name).drop(columns=["source_file"], errors="ignore").reset_index(drop=True)
        pd.testing.assert_frame_equal(ours, clean, check_dtype=False)
    assert snapshot(folder) == before  # nothing under the corpus folder written or changed

    result = subprocess.run(
        [sys.executable, "-m", "corpus", "summary", "--corpus", str(folder)],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "FAZHI_CACHE_DIR": str(tmp_path / "cache")},
    )
    assert result.returncode == 0
    notes = [line for line in result.stderr.splitlines() if line.strip()]
    assert sorted(line.removeprefix("note: ").split(":")[0] for line in notes) == sorted(bad)
