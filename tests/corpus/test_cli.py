"""``python -m corpus summary``."""

from __future__ import annotations

import os
import subprocess
import sys

import pandas as pd

from corpus import SUMMARY_COLUMNS
from corpus.paths import display_path


def test_summary_lists_seven_documents(tmp_path, seed_dir, seed_cache):
    out = tmp_path / "summary.csv"
    result = subprocess.run(
        [sys.executable, "-m", "corpus", "summary", "--corpus", str(seed_dir), "--csv", str(out)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "FAZHI_CACHE_DIR": str(seed_cache)},
    )
    assert "濮县发〔2022〕22号" in result.stdout
    table = pd.read_csv(out, encoding="utf-8-sig", dtype=str).set_index("doc_id")
    assert list(table.reset_index().columns) == SUMMARY_COLUMNS
    assert len(table) == 7
    expected = {
        "guanxian-2022-plan": ("冠县", "山东省", "plan", "2022", "2022", "冠政办发〔2022〕4号"),
        "kaijiang-2021-plan": ("开江县", "四川省", "plan", "2021", "2021", "开江府发〔2021〕24号"),
        "suixi-2021-2025-scheme": ("濉溪县", "安徽省", "scheme", "2021", "2025", "濉发〔2022〕15号"),
        "puyang-2022-2025-scheme": ("濮阳县", "河南省", "scheme", "2022", "2025", "濮县发〔2022〕22号"),
        "puyang-2022-assessment": ("濮阳县", "河南省", "assessment", "2022", "2022", "濮县发〔2022〕22号"),
        "guanxian-2023-report": ("冠县", "山东省", "report", "2023", "2023", None),
    }
    for doc_id, (county, province, doc_type, y0, y1, number) in expected.items():
        row = table.loc[doc_id]
        assert (row.county, row.province, row.doc_type, row.year_start, row.year_end) == (
            county,
            province,
            doc_type,
            y0,
            y1,
        )
        assert (row.doc_number if isinstance(row.doc_number, str) else None) == number
    assert table.loc["guanxian-2022-plan", "source_file"] == display_path(seed_dir / "guanxian-2022-plan.txt")


def test_summary_on_a_folder_with_bad_files(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "stray.csv").write_text("a,b\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "corpus", "summary", "--corpus", str(tmp_path)], capture_output=True, text=True
    )
    assert result.returncode == 0
    assert "empty.txt: file is empty" in result.stderr
    assert "stray.csv: skipped" in result.stderr
