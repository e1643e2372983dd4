"""Catalogue: limits (issue 14): huge lines clean in linear time, zip bombs are refused before
they inflate, many tiny documents load in bounded memory. Bounds are generous (a regression to
quadratic time or to inflating a bomb exceeds them many times); measured numbers are in
``docs/reliability.md`` (``benchmarks/bench_reliability.py``).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import zipfile

import pytest

import corpus
from corpus.clean import clean
from corpus.paths import DOCUMENTS_DIR

BOMB_MIB = 300
BASELINE_MIB = 250  # measured peak of loading one small file (jieba, pandas, pyarrow imported): 205 MiB
# Peak memory of the main process from VmHWM (its own address space: ru_maxrss would also count
# the RSS of the forking pytest process, kept across exec); workers by ru_maxrss (forked, so
# counting the pages they share with the main process: an upper bound).
MEASURE = """
import re, resource, sys, corpus
c = corpus.load(sys.argv[1], cache=sys.argv[2], jobs=2)
own = int(re.search(r"VmHWM:\\s+(\\d+)", open("/proc/self/status").read()).group(1)) // 1024
child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
renamed = c.problems.problem.str.contains("already used; renamed")  # tiny documents share an inferred doc_id
print(len(c.documents), (~renamed).sum(), own, child)
"""


def _measure(folder, cache) -> tuple[int, int, int, int]:
    """(documents, problems other than renamed doc_ids, peak MiB of the main process and of the
    largest worker) of a load in a fresh process."""
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, str(folder), str(cache)], capture_output=True, text=True, timeout=900
    )
    assert result.returncode == 0, result.stderr
    docs, problems, own, child = map(int, result.stdout.split())
    return docs, problems, own, child


def test_a_5mb_single_line_cleans_in_linear_time():
    text = "".join(p.read_text(encoding="utf-8") for p in sorted(DOCUMENTS_DIR.glob("*.txt"))).replace("\n", "")
    line = text * int(5e6 / len(text.encode()) + 1)
    line = line[: int(len(line) * 5e6 / len(line.encode()))]
    start = time.perf_counter()
    cleaned = clean(line)
    seconds = time.perf_counter() - start
    assert seconds < 60, f"{seconds:.1f} s (measured 3 s; the quadratic version needed ~800 s)"
    assert 0.9 * len(line) < len(cleaned.text) <= len(line) and "\n" not in cleaned.text


def test_a_zip_bomb_is_refused_before_it_inflates(tmp_path, docs):
    bomb = zipfile.ZipFile(docs / "bomb.docx", "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1)
    with bomb, bomb.open("word/document.xml", "w", force_zip64=True) as part:
        chunk = b"\0" * (1024 * 1024)
        for _ in range(BOMB_MIB):  # 300 MiB of zeros in about 1.5 MiB
            part.write(chunk)
    docs_loaded, problems, own, _ = _measure(docs, tmp_path / "cache")
    assert (docs_loaded, problems) == (1, 1)
    assert own < BASELINE_MIB + BOMB_MIB // 2, f"peak {own} MiB: the bomb was inflated"
    c = corpus.load(docs, cache=False)
    assert f"would inflate to {BOMB_MIB} MiB" in c.problems.problem.iloc[0]


@pytest.mark.slow
def test_1000_tiny_documents_load_in_under_2_gb(tmp_path):
    signal.alarm(900)  # about 2 min on 2 cores: ~90 ms per tiny document goes to its Parquet cache entry
    folder = tmp_path / "tiny"
    folder.mkdir()
    for i in range(1000):
        (folder / f"doc{i:04d}.txt").write_text(
            f"冠县法治政府建设第{i}号通知\n一、依法行政第{i}项任务。\n", encoding="utf-8"
        )
    docs_loaded, problems, own, child = _measure(folder, tmp_path / "cache")
    assert (docs_loaded, problems) == (1000, 0)
    print(f"1000 tiny documents: main {own} MiB, largest worker {child} MiB")
    assert own + 2 * child < 2048, f"main {own} MiB + 2 workers x {child} MiB"
    assert not [p for p in os.listdir(folder) if not p.startswith("doc")]  # nothing written into the folder
