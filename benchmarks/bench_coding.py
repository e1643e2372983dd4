"""Benchmark topic coding: the compiled one-pass coder against coding text by text.

Run: ``.venv/bin/python benchmarks/bench_coding.py [--repeat 5] [--copies 1 10]``. Codes the
body sentences of the seeds (and of N concatenated copies of them) two ways on the same
TopicCoder: ``per_text`` calls ``coder.code_text`` once per sentence (a regex per sentence
and topic: the plain approach), ``one_pass`` is ``coder.code_texts`` (one regex pass per topic
over all sentences). Both give identical rows (checked). Prints median seconds; numbers go
into notes and docs, not into tests.
"""

from __future__ import annotations

import argparse
import statistics
import time

import pandas as pd

import corpus
from analysis.coverage.coder import TopicCoder
from analysis.coverage.coding import body_sentences


def per_text(coder: TopicCoder, texts: pd.DataFrame) -> list:
    return [
        (d, s, topic, len(hits))
        for d, s, text in texts[["doc_id", "seg_id", "text"]].itertuples(index=False)
        for _, topic, hits in coder.code_text(text)
    ]


def one_pass(coder: TopicCoder, texts: pd.DataFrame) -> list:
    coded = coder.code_texts(texts)
    return list(zip(coded["doc_id"], coded["seg_id"], coded["topic_id"], coded["n_hits"]))


def median_seconds(fn, *args, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn(*args)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--copies", type=int, nargs="+", default=[1, 10])
    args = parser.parse_args()
    start = time.perf_counter()
    coder = TopicCoder.from_file()
    print(f"compile codebook: {time.perf_counter() - start:.3f} s ({len(coder.matchers_)} topics)")
    sents = body_sentences(corpus.load())
    for copies in args.copies:
        texts = pd.concat([sents.assign(seg_id=sents["seg_id"] + f"#{k}") for k in range(copies)], ignore_index=True)
        assert sorted(per_text(coder, texts)) == sorted(one_pass(coder, texts))
        a = median_seconds(per_text, coder, texts, repeat=args.repeat)
        b = median_seconds(one_pass, coder, texts, repeat=args.repeat)
        print(f"{len(texts):>6} sentences: per_text {a:.3f} s, one_pass {b:.3f} s, ratio {a / b:.1f}x")


if __name__ == "__main__":
    main()
