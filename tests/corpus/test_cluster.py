"""The per-file stage on a Dask cluster (issue 16): same corpus, same cache, as local workers."""

from __future__ import annotations

import pandas as pd
import pytest

import corpus

distributed = pytest.importorskip("distributed")  # declared in the test extra; present in CI


@pytest.mark.slow
def test_a_local_cluster_gives_the_same_corpus_and_fills_the_cache(seed_dir, tmp_path):
    cache = tmp_path / "cache"
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        on_cluster = corpus.load(seed_dir, cache=cache, scheduler=cluster.scheduler_address)
    local = corpus.load(seed_dir, cache=False)
    for name in ("documents", "segments", "sentences", "tokens", "responsibilities"):
        pd.testing.assert_frame_equal(getattr(on_cluster, name), getattr(local, name))
    guanxian = on_cluster.subset(county="冠县", doc_type="report")
    sentence = guanxian.sentences[guanxian.sentences.text.str.contains("91件")].iloc[0]
    assert "受理73件" in guanxian.quote(sentence.doc_id, sentence.start, sentence.end)
    cached = corpus.load(seed_dir, cache=cache)  # written by the cluster run, read without one
    pd.testing.assert_frame_equal(cached.tokens, local.tokens)


def test_an_unreachable_scheduler_is_a_clear_error(seed_dir, monkeypatch):
    monkeypatch.setattr(corpus.loader, "CLUSTER_TIMEOUT", "2s")
    with pytest.raises(OSError, match=r"cannot reach the Dask scheduler at tcp://127\.0\.0\.1:9"):
        corpus.load(seed_dir, cache=False, scheduler="tcp://127.0.0.1:9")
