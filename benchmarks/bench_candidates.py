"""Recall and cost of the candidate stage of document similarity against the exact top-k.

For a corpus folder and its cache (e.g. made by ``bench_national.py --keep``), builds the two
TF-IDF views of :func:`analysis.similarity.tfidf.similarity` (words, character 2/3-grams), then
for each view: the exact top-k (:func:`analysis.similarity.product.topk_hybrid`) and the candidate
stage (:func:`analysis.similarity.candidates.topk_candidates`) with the given sketch sizes and
candidate counts. Prints CPU seconds, peak memory added (VmHWM, reset before each step) and
recall@5/10/k (the share of the exact top-k pairs found). Not a test; run by hand::

    PYTHONPATH=. python benchmarks/bench_candidates.py FOLDER CACHE --dims 8192 --candidates 100

The character matrix is made as :func:`analysis.similarity.tfidf.similarity` makes it (``vectorize``).
"""

from __future__ import annotations

import argparse
import json
import time
from functools import partial
from pathlib import Path

import numpy as np
from bench_national import _peak_mb, _peak_reset, _rss_mb  # this folder, as national.py


def _measure(fn):
    """(result, CPU seconds, peak MB added over the resident set before)."""
    _peak_reset()
    base, start = _rss_mb(), time.process_time()
    out = fn()
    return out, time.process_time() - start, _peak_mb() - base


def views(folder: Path, cache: Path) -> dict:
    """The word and character TF-IDF matrices of the corpus (rows: documents in corpus order)."""
    import corpus
    from analysis.similarity import tfidf

    c = corpus.load(folder, cache=cache)
    body = c.body()
    order = c.documents.doc_id.astype(str).to_numpy()
    chars = tfidf._han_text(body.segments, order)
    return {
        "tfidf_word": tfidf.word_matrix(body.tokens, order),
        "tfidf_char": tfidf.vectorize(chars, method="tfidf_char", max_df=tfidf.MAX_DF)[0],
    }


def recall(got, want, k: int) -> float:
    """Share of the exact pairs of rank <= ``k`` found in ``got``."""
    found = set(zip(got.i.tolist(), got.j.tolist()))
    part = want[want["rank"] <= k]
    return float(np.mean([pair in found for pair in zip(part.i.tolist(), part.j.tolist())]))


def main(argv=None) -> None:
    from analysis.similarity import candidates, product

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("cache", type=Path)
    parser.add_argument("--k", type=int, default=50)
    parser.add_argument("--dims", type=int, nargs="+", default=[candidates.SKETCH_DIM])
    parser.add_argument("--candidates", type=int, nargs="+", default=[candidates.CANDIDATES])
    parser.add_argument("--exact-df", type=int, help="default: candidates.EXACT_DF")
    parser.add_argument("--methods", nargs="+", default=["tfidf_word", "tfidf_char"])
    parser.add_argument("--json", type=Path, help="append one JSON line per run here")
    args = parser.parse_args(argv)
    for method, x in views(args.folder, args.cache).items():
        if method not in args.methods:
            continue
        exact, cpu, mb = _measure(partial(product.topk_hybrid, x, k=args.k))
        row = {"n": x.shape[0], "method": method, "stored": int(x.nnz)}
        row.update(exact_cpu_s=round(cpu, 2), exact_mb=round(mb))
        for dim in args.dims:
            for m in args.candidates:
                got, cpu, mb = _measure(
                    partial(candidates.topk_candidates, x, k=args.k, dim=dim, candidates=m, exact_df=args.exact_df)
                )
                edf = candidates.EXACT_DF if args.exact_df is None else args.exact_df
                out = {**row, "dim": dim, "candidates": m, "exact_df": edf, "cpu_s": round(cpu, 2)}
                out["mb"] = round(mb)
                out.update({f"recall@{r}": round(recall(got, exact, r), 4) for r in (5, 10, args.k)})
                print(json.dumps(out), flush=True)
                if args.json:
                    with args.json.open("a", encoding="utf-8") as fh:
                        fh.write(json.dumps(out) + "\n")


if __name__ == "__main__":
    main()
