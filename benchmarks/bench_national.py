"""The tool against the plain pipeline on the same synthetic national corpus, stage by stage.

Usage::

    python benchmarks/bench_national.py --sizes 100 1000 [--repeat 2] [--json out.json]
        [--baseline /path/to/older/checkout]

For each N a corpus is generated (:mod:`benchmarks.national`, deterministic), then each side runs
in its own process, the sides interleaved (tool, plain, tool, plain, … so drift on a shared
machine hits both alike):

* **tool** — ``corpus.load`` with a fresh cache (``build``), ``corpus.load`` again in a new
  process (``warm``; its derived tables are made on first use), the token table made as pandas
  (``tokens``), a load with one document added (``add_one``), then the body's tables (``body``, made
  once for every analysis), ``similarity``
  (:func:`analysis.similarity.tfidf.similarity`, word and character TF-IDF, top-k), ``reuse``
  (:func:`analysis.similarity.reuse.reuse`), ``alignment`` and, with ``--stages ... report``, the
  whole report (``python -m analysis report`` without notebooks, into a scratch folder; its
  per-section seconds from ``run.json`` are printed too);
* **plain** — what a researcher writes in a notebook: read the files, ``jieba.lcut`` each
  (``tokenise``), ``TfidfVectorizer`` (``tfidf``), dense ``cosine_similarity`` (``cosine``);
* **before** (with ``--baseline``) — the tool's analysis stages imported from another checkout
  (e.g. the previous commit), on the same cached corpus.

Per stage: wall seconds, CPU seconds of the process (``cpu_s`` in the JSON: steadier than wall
time on a shared machine; the loader's worker processes are not in it) and the process's peak
resident memory during that stage (VmHWM, reset
before each stage through ``/proc/self/clear_refs``), medians over ``--repeat``; per child, the peak
proportional set size of its whole process tree (``tree_peak_mb``, sampled each second: the loader's and
the report's workers included, pages they share counted once), the largest over ``--repeat``. Each child
runs under an address-space limit (``--mem-gb``) and a time limit, so a stage that would not
fit is reported as such instead of taking the machine down. Wall time only: not a test.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

PAIRWISE = ("similarity", "reuse")
STAGES = ["similarity", "reuse", "alignment", "report"]  # analysis stages the tool children can run
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def _peak_reset() -> None:
    with contextlib.suppress(OSError):  # resets VmHWM (Linux >= 4.0)
        Path("/proc/self/clear_refs").write_text("5")


def _peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _stage(results: dict, name: str, fn):
    """Run one stage, record seconds and peak MB (or the error), return its value."""
    _peak_reset()
    rss = _rss_mb()
    start, cpu = time.perf_counter(), time.process_time()
    children = _children_cpu()
    try:
        value = fn()
    except MemoryError:
        results[name] = {"error": "MemoryError"}
        return None
    results[name] = {
        "s": round(time.perf_counter() - start, 3),
        "cpu_s": round(time.process_time() - cpu, 3),  # this process only (not the loader's workers)
        "workers_cpu_s": round(_children_cpu() - children, 3),  # the loader's worker processes (ended)
        "peak_mb": round(_peak_mb(), 1),
        "rss_before_mb": round(rss, 1),  # peak_mb - rss_before_mb: what the stage added
        # the largest ended worker process so far (the loader's, the report's section workers): their
        # memory is not in peak_mb, and forked workers share the corpus with this process
        "workers_peak_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
    }
    print(json.dumps(results), flush=True)  # the stages so far survive a timeout
    return value


def child_tool(folder: Path, cache: Path, *, warm: bool, cached: bool = False, corpus_only: bool = False) -> dict:
    """The tool's stages in this process (``warm``: the load of an existing cache, the token table
    on first use and a load with one document added; ``cached``: load an existing cache, then the
    analysis stages; ``corpus_only``: only the build)."""
    import corpus

    results: dict = {}
    c = _stage(results, "warm" if warm or cached else "build", lambda: corpus.load(folder, cache=cache))
    if warm and c is not None:
        _stage(results, "tokens", lambda: c.tokens)  # the token table as pandas, on first use
        _stage(results, "add_one", lambda: _add_one(folder, cache))
    if warm or corpus_only or c is None:
        return results
    from analysis.similarity import alignment, reuse, tfidf

    results["n_docs"] = len(c.documents)
    stages = os.environ.get("BENCH_STAGES", "similarity reuse alignment").split()
    # the body's tables, made once for every analysis (Corpus.body() keeps them): not a pairwise cost
    _stage(results, "body", lambda: [len(t) for t in (c.body().segments, c.body().sentences, c.body().tokens)])
    if "similarity" in stages:
        _stage(results, "similarity", lambda: tfidf.similarity(c))
    if "reuse" in stages and hasattr(reuse, "reuse_tables"):  # boilerplate once, then template labels
        from analysis.similarity import template

        _stage(results, "reuse", lambda: template.label_reuse(reuse.reuse_tables(c)))
    elif "reuse" in stages:  # an older checkout (--baseline)
        _stage(results, "reuse", lambda: reuse.reuse(c))
    if "alignment" in stages:
        _stage(results, "alignment", lambda: alignment.align(c))
    if "report" in stages:  # the whole report (no notebooks), after the stages above
        _stage(results, "report", lambda: _report(c, results))
    return results


def _report(c, results: dict) -> None:
    """``python -m analysis report`` on the loaded corpus into a scratch folder; its per-section
    seconds (run.json) go into ``results['report_sections']``."""
    from analysis.report import pipeline

    with tempfile.TemporaryDirectory(prefix="bench-report-") as out:
        pipeline.run(c, out, notebooks=False, progress=False)
        results["report_sections"] = json.loads((Path(out) / "run.json").read_text(encoding="utf-8"))["seconds"]


def _add_one(folder: Path, cache: Path):
    """Load the corpus with one new document added (a copy of the first with one line more)."""
    import corpus

    first = sorted(folder.glob("*.txt"))[0]
    added = folder / "zz_added.txt"
    added.write_text(first.read_text(encoding="utf-8") + "\n本报告新增一段以作对照。\n", encoding="utf-8")
    try:
        return corpus.load(folder, cache=cache)
    finally:
        added.unlink()


def child_plain(folder: Path) -> dict:
    """The plain notebook pipeline: jieba per document, TfidfVectorizer, dense cosine."""
    import jieba
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    jieba.initialize()
    results: dict = {}
    files = sorted(folder.glob("*.txt"))
    texts = _stage(results, "read", lambda: [f.read_text(encoding="utf-8") for f in files])
    tokens = _stage(results, "tokenise", lambda: [jieba.lcut(t) for t in texts])
    vec = TfidfVectorizer(analyzer=lambda d: d, sublinear_tf=True)
    matrix = _stage(results, "tfidf", lambda: vec.fit_transform(tokens))
    _stage(results, "cosine", lambda: cosine_similarity(matrix))
    results["n_docs"] = len(files)
    return results


def _tree_pss_mb(root: int) -> float:
    """Proportional set size of process ``root`` and all its descendants, in MB: pages shared between
    forked processes (the corpus the section workers inherit) are counted once, not once per process."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(stat.parent.name))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
                    break
    return total / 1024


def _child(args: list[str], *, pythonpath: Path, mem_gb: float, timeout: int) -> dict:
    """Run this script as a child with a memory limit; its last stdout line is JSON. The peak PSS of
    the child's process tree (sampled every second) is added as ``tree_peak_mb``: the machine's memory
    the whole run needed, the report's section workers included."""
    limit = int(mem_gb * 2**30)

    def limits() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    env = {**os.environ, "PYTHONPATH": f"{pythonpath}{os.pathsep}{HERE}", "BENCH_STAGES": " ".join(STAGES)}
    child = subprocess.Popen(
        [sys.executable, __file__, "--child", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=limits,
    )
    peak, stop = [0.0], threading.Event()

    def sample() -> None:
        while not stop.wait(1.0):
            peak[0] = max(peak[0], _tree_pss_mb(child.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        out, err = child.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        child.kill()
        out, err = child.communicate()
        done_lines = (out or "").strip().splitlines()
        partial = json.loads(done_lines[-1]) if done_lines else {}
        return {**partial, "error": f"timeout {timeout} s", "tree_peak_mb": round(peak[0], 1)}
    finally:
        stop.set()
        sampler.join()
    lines = out.strip().splitlines()
    if child.returncode != 0 or not lines:
        return {"error": (err.strip().splitlines() or [f"exit {child.returncode}"])[-1]}
    return {**json.loads(lines[-1]), "tree_peak_mb": round(peak[0], 1)}


def run_size(n: int, root: Path, args) -> dict:
    """Generate one corpus and run the sides interleaved ``args.repeat`` times."""
    from national import Spec, generate

    folder = (args.cache_root or root) / f"n{n}"
    start = time.perf_counter()
    if args.cache_root is None and not _generated(Spec(n), folder):
        generate(Spec(n), folder)
        _generated(Spec(n), folder, stamp=True)
    print(f"N={n}: generated in {time.perf_counter() - start:.1f} s", file=sys.stderr, flush=True)
    runs: dict[str, list] = {"tool": [], "plain": [], "before": []}
    kw = {"mem_gb": args.mem_gb, "timeout": args.timeout}
    for _ in range(args.repeat):
        if args.cache_root is not None:  # an existing cache: no build, analysis after a warm load
            cache = args.cache_root / f"cache{n}"
        else:
            cache = root / f"cache{n}"
            shutil.rmtree(cache, ignore_errors=True)
        if "tool" in args.sides and args.cache_root is not None:
            runs["tool"].append(_child(["cached", str(folder), str(cache)], pythonpath=ROOT, **kw))
        elif "tool" in args.sides:
            side = "build" if args.corpus_only else "tool"
            tool = _child([side, str(folder), str(cache)], pythonpath=ROOT, **kw)
            warm = _child(["warm", str(folder), str(cache)], pythonpath=ROOT, **kw)
            peak = max(tool.get("tree_peak_mb", 0.0), warm.get("tree_peak_mb", 0.0))
            tool.update({**warm, "tree_peak_mb": peak})
            runs["tool"].append(tool)
        if "plain" in args.sides:
            runs["plain"].append(_child(["plain", str(folder)], pythonpath=ROOT, **kw))
        if args.baseline:
            side = "cached" if args.cache_root is not None else "tool"
            before = _child([side, str(folder), str(cache)], pythonpath=args.baseline, **kw)
            runs["before"].append(
                {k: v for k, v in before.items() if k not in ("build", "warm")} if runs["tool"] else before
            )
        print(f"N={n}: {json.dumps(runs, ensure_ascii=False)}", file=sys.stderr, flush=True)
    return {side: _median(r) for side, r in runs.items() if r}


def _generated(spec, folder: Path, *, stamp: bool = False) -> bool:
    """True when ``folder`` holds the corpus of ``spec`` from this generator (a kept ``--keep``
    folder: not written again). ``stamp=True`` records it, beside the folder (not in it)."""
    from dataclasses import asdict

    generator = hashlib.sha256((HERE / "national.py").read_bytes()).hexdigest()
    key = json.dumps({"spec": asdict(spec), "generator": generator})
    mark = folder.with_name(f"{folder.name}.generated.json")
    if stamp:
        mark.write_text(key, encoding="utf-8")
    return mark.is_file() and mark.read_text(encoding="utf-8") == key


def _median(runs: list[dict]) -> dict:
    out: dict = {}
    for stage in dict.fromkeys(k for r in runs for k in r):
        values = [r[stage] for r in runs if stage in r]
        if stage == "tree_peak_mb":
            out[stage] = max(values)
        elif not isinstance(values[0], dict):  # n_docs, or a child's error message
            out[stage] = values[0]
        elif all(isinstance(v, dict) and "s" in v for v in values):
            keys = [
                key
                for key in ("s", "cpu_s", "workers_cpu_s", "peak_mb", "rss_before_mb", "workers_peak_mb")
                if all(key in v for v in values)
            ]
            out[stage] = {key: round(statistics.median(v[key] for v in values), 3) for key in keys}
        else:
            out[stage] = next(v for v in values if "s" not in v)
    return out


def _cell(result: dict, stage: str) -> str:
    value = result.get(stage)
    if value is None:
        return f"{'':>20}"
    if "s" not in value:
        return f"{value['error'][:20]:>20}"
    return f"{value['s']:>9.2f} s {value['peak_mb']:>6.0f} MB"


def report(n: int, result: dict) -> str:
    """A plain-text table of one size: stage rows, sides as columns, and the headline ratios."""
    sides = [s for s in ("tool", "before", "plain") if s in result]
    stages = [s for side in sides for s in result[side] if isinstance(result[side][s], dict) and s != "report_sections"]
    lines = [f"N = {n}", f"{'stage':<12}" + "".join(f"{side:>21}" for side in sides)]
    for stage in dict.fromkeys(stages):
        lines.append(f"{stage:<12}" + "".join(f" {_cell(result[s], stage)}" for s in sides))
    tool, plain = result.get("tool", {}), result.get("plain", {})
    for side in sides:
        if "tree_peak_mb" in result[side]:
            lines.append(f"{side}: peak memory of the process tree (PSS) {result[side]['tree_peak_mb']:.0f} MB")
    if "report_sections" in tool:
        lines.append("report sections (s): " + ", ".join(f"{k} {v}" for k, v in tool["report_sections"].items()))

    def total(side: dict, names: tuple) -> float | None:
        parts = [side.get(k, {}).get("s") for k in names]
        return None if None in parts else sum(parts)

    cores = os.cpu_count() or 1
    tokenise = total(plain, ("tokenise",))
    for label, a, b in (
        (f"build / (tokenise / {cores} cores)", total(tool, ("build",)), tokenise / cores if tokenise else None),
        ("build / (read+tokenise)", total(tool, ("build",)), total(plain, ("read", "tokenise"))),
        ("(read+tokenise) / warm", total(plain, ("read", "tokenise")), total(tool, ("warm",))),
        ("(read+tokenise) / (warm+tokens)", total(plain, ("read", "tokenise")), total(tool, ("warm", "tokens"))),
        ("(similarity+reuse) / (tfidf+cosine)", total(tool, PAIRWISE), total(plain, ("tfidf", "cosine"))),
    ):
        if a is not None and b:
            lines.append(f"ratio {label}: {a / b:.2f}")
    return "\n".join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--sides", nargs="+", default=["tool", "plain"], choices=["tool", "plain"])
    parser.add_argument("--stages", nargs="+", default=["similarity", "reuse", "alignment"], help="analysis stages")
    parser.add_argument("--baseline", type=Path, help="checkout whose analysis code runs as 'before'")
    parser.add_argument("--mem-gb", type=float, default=12.0, help="address-space limit of each child")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds allowed to each child")
    parser.add_argument("--json", type=Path, help="write all medians here")
    parser.add_argument("--corpus-only", action="store_true", help="time the corpus stages only")
    parser.add_argument("--keep", type=Path, help="generate into this folder and keep it")
    parser.add_argument(
        "--cache-root",
        type=Path,
        help="use ROOT/n<N> (generated before) and its cache ROOT/cache<N>: no build, analysis after a warm load",
    )
    args = parser.parse_args(argv)
    STAGES[:] = args.stages
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        root = args.keep or Path(tmp)
        for n in args.sizes:
            results[n] = run_size(n, root, args)
            print(report(n, results[n]), flush=True)
            if args.json:  # after each size, so a long run keeps what it measured
                args.json.write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")


def _child_main(argv: list[str]) -> None:
    side, folder = argv[0], Path(argv[1])
    if side == "plain":
        out = child_plain(folder)
    else:
        out = child_tool(
            folder, Path(argv[2]), warm=side == "warm", cached=side == "cached", corpus_only=side == "build"
        )
    print(json.dumps(out))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _child_main(sys.argv[2:])
    else:
        main()
