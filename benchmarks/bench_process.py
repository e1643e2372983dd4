"""Per-document cost of ``corpus.process.process_file`` against plain ``jieba.lcut``, one core.

Usage::

    python benchmarks/bench_process.py time [--synthetic 200] [--repeat 5]
    python benchmarks/bench_process.py profile [--synthetic 200] [--top 30]
    python benchmarks/bench_process.py dump OUT.pkl [--synthetic 200]
    python benchmarks/bench_process.py compare OLD.pkl NEW.pkl

The documents are the seeds (``corpus/documents``), the development texts
(``tests/data/realdocs``) and ``--synthetic N`` reports of :mod:`benchmarks.national` (generated
deterministically into a temporary folder; ``--synthetic 0`` for none).

* ``time`` runs, in this one process, per document and interleaved: ``jieba.lcut(text)`` (the plain
  notebook tokeniser: default dictionary, HMM on, as in ``bench_national.py``), the project's
  tokeniser alone (``Tokenizer.cut``: lexicon, HMM off) and ``process_file`` (decode, clean,
  structure, sentences, tokens, tables). Run under load, both sides suffer alike. Prints the median
  over ``--repeat`` of each side's total and the ratio ``process_file / jieba.lcut`` — the part of
  the issue's done-criterion (cold build ≤ 1.15 × jieba ÷ cores) that the per-document work decides.
* ``profile`` runs ``process_file`` under cProfile and prints the top functions by own time.
* ``dump`` / ``compare`` pickle every output table of ``process_file`` and compare two dumps
  with ``pandas.testing.assert_frame_equal`` (values and dtypes): run ``dump`` with an older checkout
  on ``PYTHONPATH``, then with this one, then ``compare``, to show a change altered no result.

Wall time only: numbers go into notes and ``docs/benchmarks.md``, not into tests.
"""

from __future__ import annotations

import argparse
import cProfile
import pickle
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import loader, tables  # noqa: E402
from corpus.paths import DOCUMENTS_DIR, REPO_ROOT  # noqa: E402
from corpus.process import process_file  # noqa: E402
from corpus.tokenize import Tokenizer  # noqa: E402

REALDOCS_DIR = REPO_ROOT / "tests" / "data" / "realdocs"


def documents(folders: list[Path]) -> list[tuple[str, Path, bytes, list[dict]]]:
    """(key, path, bytes, manifest rows) of every ``.txt`` file of ``folders``, sorted by name."""
    out = []
    for folder in folders:
        rows, _ = loader.manifest_rows(folder, folder / loader.MANIFEST_NAME)
        for path in sorted(folder.glob("*.txt")):
            key = f"{folder.name}/{path.name}"
            out.append((key, path, path.read_bytes(), rows.get(loader._entry(folder, path.name), [])))
    return out


def _folders(n_synthetic: int, tmp: Path) -> list[Path]:
    folders = [DOCUMENTS_DIR, REALDOCS_DIR]
    if n_synthetic:
        import national

        folders.append(tmp / f"syn{n_synthetic}")
        national.generate(national.Spec(n_docs=n_synthetic), folders[-1])
    return folders


def run_time(docs: list, tokenizer: Tokenizer, repeat: int) -> None:
    """Interleaved per-document timing of plain jieba, the project tokeniser and ``process_file``.

    Wall seconds and CPU seconds of this process (``time.process_time``: on a machine shared with
    other work, CPU time is the steadier measure of the work itself).
    """
    import jieba

    jieba.initialize()
    sides = ("jieba.lcut", "Tokenizer.cut", "process_file")
    totals: dict[tuple[str, str], list[float]] = {(side, k): [] for side in sides for k in ("wall", "cpu")}
    n_chars = sum(len(data.decode("utf-8")) for _, _, data, _ in docs)
    for _ in range(repeat):
        spent = dict.fromkeys(totals, 0.0)
        for _, path, data, rows in docs:
            text = data.decode("utf-8")
            for side in sides:
                start, cpu = time.perf_counter(), time.process_time()
                if side == "jieba.lcut":
                    jieba.lcut(text)
                elif side == "Tokenizer.cut":
                    tokenizer.cut(text)
                else:
                    process_file(path, data, rows, tokenizer)
                spent[side, "wall"] += time.perf_counter() - start
                spent[side, "cpu"] += time.process_time() - cpu
        for key, value in spent.items():
            totals[key].append(value)
        run = "  ".join(f"{side} {spent[side, 'wall']:.2f} s ({spent[side, 'cpu']:.2f} cpu)" for side in sides)
        print(f"  run: {run}", flush=True)
    med = {key: statistics.median(values) for key, values in totals.items()}
    used = getattr(tokenizer, "segmenter_used", "jieba")
    print(f"{len(docs)} documents, {n_chars:,} characters, segmenter {used}, median of {repeat}:")
    for side in sides:
        wall, cpu = med[side, "wall"], med[side, "cpu"]
        print(
            f"  {side:<14} wall {wall:7.2f} s (ratio {wall / med[sides[0], 'wall']:.2f})"
            f"  cpu {cpu:7.2f} s (ratio {cpu / med[sides[0], 'cpu']:.2f}, {n_chars / cpu / 1000:.0f}k chars/s)"
        )


def run_profile(docs: list, tokenizer: Tokenizer, top: int) -> None:
    profile = cProfile.Profile()
    profile.enable()
    for _, path, data, rows in docs:
        process_file(path, data, rows, tokenizer)
    profile.disable()
    stats = pstats.Stats(profile).strip_dirs()
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)


def run_dump(docs: list, tokenizer: Tokenizer, out: Path) -> None:
    results = {}
    for key, path, data, rows in docs:
        result = process_file(path, data, rows, tokenizer)
        documents = pd.DataFrame(result.pop("documents")).assign(source_file=key)  # any checkout or folder
        frames = {"documents": documents}  # and each table as the corpus converts it
        frames.update({name: tables.to_pandas(name, table) for name, table in result["tables"].items()})
        results[key] = {**result, "tables": frames, "text": None}
    out.write_bytes(pickle.dumps(results))
    print(f"{len(results)} files dumped to {out}")


def run_compare(old: Path, new: Path) -> int:
    """Compare two dumps table by table; returns the number of differing tables."""
    import pandas.testing as pdt

    a, b = pickle.loads(old.read_bytes()), pickle.loads(new.read_bytes())
    if sorted(a) != sorted(b):
        print(f"different files: {sorted(set(a) ^ set(b))}")
        return 1
    bad = rows = 0
    for key in sorted(a):
        if a[key]["problems"] != b[key]["problems"] or a[key]["encoding"] != b[key]["encoding"]:
            print(f"{key}: problems or encoding differ")
            bad += 1
        for name, frame in a[key]["tables"].items():
            rows += len(frame)
            try:
                pdt.assert_frame_equal(frame, b[key]["tables"][name], check_dtype=True, check_exact=True)
            except AssertionError as err:
                print(f"{key} {name}: {err}")
                bad += 1
    print(f"{len(a)} files, {rows:,} rows compared: {bad} differences")
    return bad


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("mode", choices=("time", "profile", "dump", "compare"))
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--synthetic", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args(argv)
    if args.mode == "compare":
        sys.exit(1 if run_compare(*args.paths) else 0)
    tokenizer = Tokenizer()
    with tempfile.TemporaryDirectory() as tmp:
        docs = documents(_folders(args.synthetic, Path(tmp)))
        if args.mode == "time":
            run_time(docs, tokenizer, args.repeat)
        elif args.mode == "profile":
            run_profile(docs, tokenizer, args.top)
        else:
            run_dump(docs, tokenizer, args.paths[0])


if __name__ == "__main__":
    main()
