"""Benchmark issue 13's coverage steps on the seeds: clause vs sentence coding, fitting the learned
model, coding every segment, and the leave-one-county-out validity.

Run: ``.venv/bin/python benchmarks/bench_coverage_model.py [--repeat 3]``. Prints median seconds;
numbers go into notes and docs (docs/coverage_validity.md), not into tests.
"""

from __future__ import annotations

import argparse
import statistics
import time

import corpus
from analysis.coverage.coder import TopicCoder
from analysis.coverage.coding import code_sentences
from analysis.coverage.outofsample import labelled_texts, loco_predictions
from analysis.coverage.segments import coverage_segments, fit_corpus_model


def median_seconds(fn, *, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    c = corpus.load()
    coder = TopicCoder.from_file()
    model = fit_corpus_model(c, coder=coder)
    labelled = labelled_texts(c, coder=coder)
    steps = {
        "code sentences": lambda: code_sentences(c, coder=coder, unit="sentence"),
        "code clauses": lambda: code_sentences(c, coder=coder),
        "fit model": lambda: fit_corpus_model(c, coder=coder),
        "coverage_segments": lambda: coverage_segments(c, coder=coder, model=model),
        "leave one county out": lambda: loco_predictions(c, coder=coder, labelled=labelled),
    }
    print(f"{len(c.documents)} documents, {len(c.body().segments)} body segments, {len(labelled)} labelled")
    for name, fn in steps.items():
        print(f"{name:>22}: {median_seconds(fn, repeat=args.repeat):.3f} s")


if __name__ == "__main__":
    main()
