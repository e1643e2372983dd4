"""Benchmark the reliability limits of issue 14: huge lines, many tiny documents, zip bombs.

Run: ``.venv/bin/python benchmarks/bench_reliability.py [--mb 5] [--tiny 1000]``. Prints
wall-clock seconds and peak resident memory (this process and its worker processes);
numbers go into issue notes and ``docs/reliability.md``, not into tests.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
import zipfile
from pathlib import Path

import corpus
from corpus import files
from corpus.clean import clean
from corpus.paths import DOCUMENTS_DIR


def peak_mb() -> tuple[float, float]:
    """Peak resident memory in MiB of this process and of its largest finished child."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def huge_line(mb: float) -> None:
    text = "".join(p.read_text(encoding="utf-8") for p in sorted(DOCUMENTS_DIR.glob("*.txt"))).replace("\n", "")
    line = text * int(mb * 1e6 / len(text.encode()) + 1)
    line = line[: int(len(line) * mb * 1e6 / len(line.encode()))]
    start = time.perf_counter()
    clean(line)
    seconds = time.perf_counter() - start
    print(f"clean one line of {len(line.encode()) / 1e6:.1f} MB ({len(line):,} chars): {seconds:.1f} s")


def tiny_documents(root: Path, n: int) -> None:
    folder = root / "tiny"
    folder.mkdir()
    for i in range(n):
        (folder / f"doc{i:04d}.txt").write_text(
            f"冠县法治政府建设第{i}号通知\n一、依法行政第{i}项任务。\n", encoding="utf-8"
        )
    start = time.perf_counter()
    c = corpus.load(folder, cache=root / "cache-tiny")
    own, child = peak_mb()
    print(
        f"{n} tiny documents: {time.perf_counter() - start:.1f} s, {len(c.documents)} loaded, "
        f"peak RSS {own:.0f} MiB (main), {child:.0f} MiB (largest worker)"
    )


def zip_bomb(root: Path, mb: int = 1024) -> None:
    path = root / "bomb.docx"
    bomb = zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED)
    with bomb, bomb.open("word/document.xml", "w", force_zip64=True) as part:
        chunk = b"\0" * (1024 * 1024)
        for _ in range(mb):
            part.write(chunk)
    data = path.read_bytes()
    before = peak_mb()[0]
    start = time.perf_counter()
    try:
        files.check_docx(path, data)
        outcome = "accepted"
    except files.FileProblem as err:
        outcome = f"refused: {err}"
    print(
        f"zip bomb {len(data) / 1024:.0f} KiB inflating to {mb} MiB: {time.perf_counter() - start:.3f} s, "
        f"peak RSS {before:.0f} -> {peak_mb()[0]:.0f} MiB; {outcome}"
    )


def seed_loads(root: Path) -> None:
    cache = root / "cache-seeds"
    for label, kwargs in (("cold (no cache)", {"cache": False}), ("first (writes)", {"cache": cache})):
        start = time.perf_counter()
        corpus.load(DOCUMENTS_DIR, **kwargs)
        print(f"seeds {label}: {time.perf_counter() - start:.2f} s")
    times = []
    for _ in range(5):
        start = time.perf_counter()
        corpus.load(DOCUMENTS_DIR, cache=cache)
        times.append(time.perf_counter() - start)
    print(f"seeds warm (cached, checksums verified): best of 5 {min(times):.3f} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=float, default=5.0)
    parser.add_argument("--tiny", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        seed_loads(root)
        zip_bomb(root)
        huge_line(args.mb)
        tiny_documents(root, args.tiny)


if __name__ == "__main__":
    main()
