"""Benchmark corpus loading: cold vs cached, serial vs parallel, and adding one document.

Run: ``.venv/bin/python benchmarks/bench_corpus.py [--sizes 7 28 56]``. Synthetic corpora are
made of the seed files with a distinct first line each (so they are not duplicates).
Prints wall-clock seconds; numbers go into issue notes, not into tests.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from functools import partial
from pathlib import Path

import corpus
from corpus import loader
from corpus.paths import DOCUMENTS_DIR


def make_folder(root: Path, n_files: int) -> Path:
    seeds = sorted(DOCUMENTS_DIR.glob("*.txt"))
    folder = root / f"n{n_files}"
    folder.mkdir()
    for i in range(n_files):
        seed = seeds[i % len(seeds)]
        text = seed.read_text(encoding="utf-8")
        (folder / f"{i:04d}-{seed.name}").write_text(f"副本{i}\n{text}", encoding="utf-8")
    return folder


def timed(label: str, fn) -> float:
    start = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - start
    print(f"{label:<48} {seconds:8.2f} s  ({len(result.documents)} docs, {len(result.tokens)} tokens)")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[5, 20, 40, 80])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        timed("seeds, cold (no cache)", lambda: corpus.load(cache=False))
        cache = root / "cache-seeds"
        timed("seeds, first load (writes cache)", lambda: corpus.load(cache=cache))
        timed("seeds, cached", lambda: corpus.load(cache=cache))
        for n in args.sizes:
            folder = make_folder(root, n)
            loader.PARALLEL_THRESHOLD = 10**9
            timed(f"{n} files, serial, no cache", partial(corpus.load, folder, cache=False))
            loader.PARALLEL_THRESHOLD = 0
            timed(f"{n} files, 2 processes, no cache", partial(corpus.load, folder, cache=False, jobs=2))
            loader.PARALLEL_THRESHOLD = 8
            cache = root / f"cache-{n}"
            corpus.load(folder, cache=cache)
            shutil.copy(DOCUMENTS_DIR / "guanxian-2023-report.txt", folder / "zz-added.txt")
            (folder / "zz-added.txt").write_text(
                "新增\n" + (folder / "zz-added.txt").read_text(encoding="utf-8"), encoding="utf-8"
            )
            timed(f"{n} files cached + 1 new file", partial(corpus.load, folder, cache=cache))


if __name__ == "__main__":
    main()
