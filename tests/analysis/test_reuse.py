"""Text reuse (issue 4): masking with offsets, shingle seeds, maximal passages, shares."""

from __future__ import annotations

import random
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import corpus
from analysis.similarity import reuse, seeds
from analysis.similarity import streams as unit_streams
from corpus.patterns import HAN_RANGES

SENTENCE = "依法制定行政规范性文件，严禁越权发文、严控发文数量、严格制发程序"
SUIXI, PUYANG = "suixi-2021-2025-scheme", "puyang-2022-2025-scheme"


@pytest.fixture(scope="module")
def masker():
    return unit_streams.Masker(unit_streams.place_names(corpus.counties()))


def _oracle(masker):
    """The definition of the masking as one regular expression scanned left to right: the names of
    ``masker`` longest first, numbers, single Chinese characters (the oracle of :class:`Masker`)."""
    names = "|".join(re.escape(n) for n in sorted(masker.names, key=len, reverse=True))
    place = f"(?P<place>{names})|" if names else ""
    return re.compile(f"{place}(?P<num>{unit_streams.NUMBERS.pattern})|(?P<cjk>[{HAN_RANGES}])")


@pytest.fixture(scope="module")
def seed_reuse(seed_corpus):
    return reuse.reuse(seed_corpus)


def test_place_names_include_aliases_and_prefectures_longest_first():
    names = unit_streams.place_names(corpus.counties())
    for name in ("濉溪县", "濉溪", "濉", "濮阳县", "濮", "冠县", "开江县", "淮北市", "淮北", "安徽省"):
        assert name in names
    assert [len(n) for n in names] == sorted((len(n) for n in names), reverse=True)


@pytest.mark.parametrize(
    "text, masked",
    [
        ("濉溪县法治政府建设", "@法治政府建设"),
        ("到2025年，濮阳县", "到#年@"),
        ("（十七）发挥行政复议", "#发挥行政复议"),
        ("18.发挥行政复议", "#发挥行政复议"),
        ("出庭应诉率不低于95.5%", "出庭应诉率不低于#"),
        ("**依法**, 行政\n\n复议", "依法行政复议"),
    ],
    ids=["county", "year-and-county", "ordinal", "item-number", "decimal", "markup-and-breaks"],
)
def test_mask_text(masker, text, masked):
    assert unit_streams.mask_text(text, masker) == masked


def test_stream_offsets_point_at_source(masker):
    source = "前言\n（一）濉溪县要依法行政。"
    stream = unit_streams.char_stream("x", source, masker)
    assert stream.text(0, len(stream.codes)) == "前言#@要依法行政"
    assert source[stream.starts[2] : stream.ends[2]] == "（一）"
    assert source[stream.starts[3] : stream.ends[3]] == "濉溪县"


def test_reordered_sections_share_passages_with_source_offsets(masker):
    parts = [
        "甲部分说明加强行政规范性文件管理严禁越权发文。",
        "乙部分说明推进严格规范公正文明执法工作全面展开。",
        "丙部分说明发挥行政复议化解行政争议主渠道作用。",
    ]
    a, b = "".join(parts), "前言。" + "".join(reversed(parts))
    streams = [unit_streams.char_stream("a", a, masker), unit_streams.char_stream("b", b, masker)]
    passages = reuse.find_reuse(streams, {"a": a, "b": b}, k=8, min_len=12)
    assert sorted(passages.text) == sorted(p[:-1] for p in parts)  # maximal, final 。 is not a unit
    for row in passages.itertuples():
        assert a[row.start_a : row.end_a] == row.text and b[row.start_b : row.end_b] == row.text_b


def test_break_stops_passages_at_excluded_text(masker):
    text = "加强行政规范性文件管理严禁越权发文（牵头单位司法局）推进严格规范公正文明执法"
    include = pd.Series([True] * len(text))
    include[text.index("（") : text.index("）") + 1] = False
    a = unit_streams.char_stream("a", text, masker, include=include.to_numpy())
    b = unit_streams.char_stream("b", text, masker)
    passages = reuse.find_reuse([a, b], {"a": text, "b": text}, k=6, min_len=8)
    assert set(passages.text) == {"加强行政规范性文件管理严禁越权发文", "推进严格规范公正文明执法"}


def test_min_len_below_k_rejected(masker):
    with pytest.raises(ValueError, match="k=12, min_len=10"):
        reuse.find_reuse([], {}, k=12, min_len=10)


def test_seed_shares_suixi_puyang_far_above_other_county_pairs(seed_corpus, seed_reuse):
    _, shares = seed_reuse
    share = shares.set_index(["doc_a", "doc_b"]).share_pct
    assert share[(SUIXI, PUYANG)] == pytest.approx(28.5, abs=1.5)
    assert share[(PUYANG, SUIXI)] == pytest.approx(17.0, abs=1.5)
    county = seed_corpus.documents.set_index("doc_id").county
    cross = shares[shares.doc_a.map(county) != shares.doc_b.map(county)]
    pair = {(SUIXI, PUYANG), (PUYANG, SUIXI)}
    others = cross[[(a, b) not in pair for a, b in zip(cross.doc_a, cross.doc_b)]]
    assert len(others) == 32 and others.share_pct.max() < 10.0
    assert (shares.share_pct.between(0, 100)).all() and len(shares) == 42


def test_seed_sentence_found_with_offsets_in_both_files(seed_corpus, seed_reuse):
    passages, _ = seed_reuse
    hits = passages[passages.text.str.contains(SENTENCE) & passages.doc_a.eq(PUYANG) & passages.doc_b.eq(SUIXI)]
    assert len(hits) == 1
    row = hits.iloc[0]
    for doc, start, end in ((PUYANG, row.start_a, row.end_a), (SUIXI, row.start_b, row.end_b)):
        source = seed_corpus.source_text(doc)
        at = source.index(SENTENCE, start, end)
        assert source[at : at + len(SENTENCE)] == SENTENCE
    assert (row.start_a, row.end_a, row.start_b, row.end_b) == (3862, 3897, 2864, 2899)


def test_every_seed_passage_matches_both_source_files(seed_corpus, seed_reuse, masker):
    passages, _ = seed_reuse
    assert len(passages) > 300
    for row in passages.itertuples():
        src_a, src_b = seed_corpus.source_text(row.doc_a), seed_corpus.source_text(row.doc_b)
        assert src_a[row.start_a : row.end_a] == row.text and src_b[row.start_b : row.end_b] == row.text_b
        assert unit_streams.mask_text(row.text, masker) == row.masked == unit_streams.mask_text(row.text_b, masker)
        assert len(row.masked) == row.n_units >= 15


def test_no_passage_contains_a_responsibility_clause(seed_reuse):
    passages, _ = seed_reuse
    assert not passages.text.str.contains("牵头县领导|协同责任单位").any()


def test_shuffled_copy_is_found_despite_reordering(tmp_path):
    seeds = Path(corpus.__file__).parent / "documents"
    src = (seeds / "suixi-2021-2025-scheme.txt").read_text(encoding="utf-8")
    lines = src.split("\n")
    starts = [i for i, line in enumerate(lines) if re.match(r"\s*[（(]\s*[一二三四五六七八九十]+\s*[）)]", line)]
    blocks = [lines[a:b] for a, b in zip(starts, starts[1:] + [len(lines)])]
    random.Random(4).shuffle(blocks)
    shutil.copy(seeds / "suixi-2021-2025-scheme.txt", tmp_path / "original.txt")
    (tmp_path / "shuffled.txt").write_text(
        "\n".join(lines[: starts[0]] + [x for b in blocks for x in b]), encoding="utf-8"
    )
    manifest = pd.read_csv(seeds / "manifest.csv").query("doc_id == @SUIXI")
    rows = [
        manifest.assign(source_file="original.txt", doc_id="suixi-original", sha256=""),
        manifest.assign(source_file="shuffled.txt", doc_id="suixi-shuffled", sha256=""),
    ]
    pd.concat(rows).to_csv(tmp_path / "manifest.csv", index=False)
    c = corpus.load(tmp_path, cache=False)
    passages, shares = reuse.reuse(c)
    assert shares.share_pct.min() > 95.0
    hit = passages[passages.text.str.contains(SENTENCE)]
    assert len(hit) == 1
    row = hit.iloc[0]
    assert row.start_a != row.start_b  # the section moved
    shuffled = c.source_text(row.doc_b)
    assert SENTENCE in shuffled[row.start_b : row.end_b]


def test_boilerplate_listed_once_per_document_not_paired(masker):
    """Issue 16: text held by more than max_docs documents costs one row per document."""
    shared = "加强行政规范性文件管理严禁越权发文严控发文数量"
    own = [
        "甲县推进严格规范公正文明执法工作全面展开",
        "乙县发挥行政复议化解行政争议主渠道作用",
        "丙县完善行政决策程序规定",
        "丁县",
    ]
    texts = {f"d{i}": f"{own[i]}。{shared}。" for i in range(4)}
    streams = [unit_streams.char_stream(d, t, masker) for d, t in texts.items()]
    index = reuse.shingle_index(streams, k=8)
    paired = reuse.find_reuse(streams, texts, k=8, min_len=12, max_docs=3, index=index)
    assert paired.empty  # 4 documents > max_docs: not paired
    common = reuse.common_passages(streams, index, texts, k=8, max_docs=3)
    assert list(common.doc_id) == ["d0", "d1", "d2", "d3"] and set(common.n_docs) == {4}
    for row in common.itertuples():
        assert texts[row.doc_id][row.start : row.end] == row.text == shared
    everything = reuse.find_reuse(streams, texts, k=8, min_len=12)
    assert len(everything) == 6 and set(everything.text) == {shared}  # default: every pair


def test_wording_held_by_many_documents_listed_once_per_document(masker):
    """Issue 16: a passage whose wording more than max_wording_docs documents hold leaves the pairs
    for the boilerplate table, one row per document, the quote and offsets still exact."""
    shared = "加强行政规范性文件管理严禁越权发文严控发文数量"
    pair = "健全行政复议案件审理机制推行繁简分流"  # held by two documents only: stays a pair
    own = ["甲县推进严格规范公正文明执法", "乙县发挥行政复议主渠道作用", "丙县完善行政决策程序规定", "丁县"]
    texts = {f"d{i}": f"{own[i]}。{shared}。" + (f"{pair}。" if i < 2 else "") for i in range(4)}
    streams = [unit_streams.char_stream(d, t, masker) for d, t in texts.items()]
    index = reuse.shingle_index(streams, k=8)
    everything = reuse.find_reuse(streams, texts, k=8, min_len=12, index=index)
    assert sorted(everything.text) == sorted([f"{shared}。{pair}"] + [shared] * 5)
    found = reuse.passage_units(streams, k=8, min_len=12, index=index)
    pairs, wording = reuse.split_common_wording(found, max_docs=3)
    assert len(pairs) == 1 and pairs.iloc[0][["a", "b"]].tolist() == [0, 1]  # d0 and d1 share more
    # held by 4 > 3 documents: each lists it once (d0 and d1 too: their pairs with d2 and d3 are it)
    assert sorted(wording.doc) == [0, 1, 2, 3] and set(wording.n_docs) == {4}
    common = reuse.common_passages(streams, index, texts, k=8, max_docs=50, wording=wording)
    assert list(common.doc_id) == ["d0", "d1", "d2", "d3"] and set(common.n_docs) == {4}
    for row in common.itertuples():
        assert texts[row.doc_id][row.start : row.end] == row.text == shared
    capped = reuse.find_reuse(streams, texts, k=8, min_len=12, max_wording_docs=3, index=index)
    assert list(capped.text) == [f"{shared}。{pair}"]
    assert reuse.find_reuse(streams, texts, k=8, min_len=12, max_wording_docs=4, index=index).equals(everything)


def test_boilerplate_pieces_merge_into_one_span_per_document(masker):
    """A boilerplate shingle span and an overlapping wording span of one document are one row."""
    texts = {
        "d0": "甲县。加强行政规范性文件管理严禁越权发文严控发文数量。",
        "d1": "乙县。加强行政规范性文件管理严禁越权发文。",
    }
    streams = [unit_streams.char_stream(d, t, masker) for d, t in texts.items()]
    index = reuse.shingle_index(streams, k=8)
    first = index[(index.doc == 0)].pos.min()
    wording = pd.DataFrame({"doc": [0], "unit": [first + 4], "n_units": [16], "n_docs": [7]})
    common = reuse.common_passages(streams, index, texts, k=8, max_docs=1, wording=wording)
    d0 = common[common.doc_id == "d0"]
    assert len(d0) == 1 and d0.n_docs.iloc[0] == 7
    # the shingles both documents hold (县 … 发文) and the wording span (规范 … 严控) overlap: their union
    assert d0.text.iloc[0] == "县。加强行政规范性文件管理严禁越权发文严控"
    for row in common.itertuples():
        assert texts[row.doc_id][row.start : row.end] == row.text


def test_seed_reuse_unchanged_by_boilerplate_cap(seed_corpus, seed_reuse):
    """No seed passage is held by more than 50 documents (10 for a wording), so the capped run equals the
    uncapped one."""
    passages, _ = seed_reuse
    uncapped, _ = reuse.reuse(seed_corpus, max_docs=None, max_wording_docs=None)
    assert len(passages) == len(uncapped) == 396
    pd.testing.assert_frame_equal(passages, uncapped)


def test_seed_reuse_unchanged_in_small_blocks_of_seeds(seed_corpus, seed_reuse, monkeypatch):
    """Issue 16: seeds extended a block of documents at a time (memory O(block)) give the same passages."""
    passages, _ = seed_reuse
    monkeypatch.setattr(seeds, "SEEDS_PER_BLOCK", 500)
    index = seeds.shingle_index(unit_streams.corpus_streams(seed_corpus), k=12)
    assert len(list(seeds.seed_blocks(index, max_docs=reuse.MAX_DOCS))) > 5
    blocked, _ = reuse.reuse(seed_corpus)
    assert len(blocked) == 396
    pd.testing.assert_frame_equal(passages, blocked)


def _scan_stream(doc_id, source, masker, include):
    """The definition of a unit stream, one regex match at a time (the oracle of the numpy reader)."""
    codes, starts, ends = [], [], []
    for m in _oracle(masker).finditer(source):
        if not include[m.start()]:
            if codes and codes[-1] != unit_streams.BREAK:
                codes.append(unit_streams.BREAK)
                starts.append(m.start())
                ends.append(m.end())
            continue
        kind = m.lastgroup
        place, number = unit_streams._PLACE_CODE, unit_streams._NUMBER_CODE
        codes.append(place if kind == "place" else number if kind == "num" else ord(m.group()))
        starts.append(m.start())
        ends.append(m.end())
    return codes, starts, ends


def test_numpy_stream_reader_equals_the_regex_scan_on_seeds_and_realdocs(masker):
    """Issue 16: the vectorised reader gives the units of a left-to-right scan, breaks included."""
    rng = random.Random(16)
    root = Path(__file__).resolve().parents[2]
    files = sorted((root / "tests" / "data" / "realdocs").glob("*.txt")) + sorted(
        (root / "corpus" / "documents").glob("*.txt")
    )
    assert len(files) >= 26
    names = set(unit_streams.place_names(corpus.counties()))
    kinds = {"@": 0, "#": 0}
    for path in files:
        source = path.read_text(encoding="utf-8")
        include = [True] * len(source)
        for _ in range(20):  # excluded stretches, as removed clauses and front matter are
            lo = rng.randrange(len(source))
            for i in range(lo, min(len(source), lo + rng.randrange(1, 80))):
                include[i] = False
        stream = unit_streams.char_stream(path.name, source, masker, include=pd.Series(include).to_numpy())
        codes, starts, ends = _scan_stream(path.name, source, masker, include)
        assert stream.codes.tolist() == codes and stream.starts.tolist() == starts and stream.ends.tolist() == ends
        for i, unit in enumerate(stream.masked):
            if unit in kinds:
                kinds[unit] += 1
                quoted = source[starts[i] : ends[i]]
                assert quoted in names if unit == "@" else unit_streams.mask_text(quoted, masker) == "#"
    assert kinds["@"] > 50 and kinds["#"] > 500


def test_shingle_counts_and_seeds_equal_brute_force():
    """Issue 16: n_docs per shingle and the sort-based self-join, against plain Python."""
    rng = random.Random(7)
    streams = []
    for d in range(6):
        codes = [rng.choice("甲乙丙丁") for _ in range(300)]
        streams.append(unit_streams.Stream(str(d), pd.Series([ord(c) for c in codes]).to_numpy(), None, None))
    index = reuse.shingle_index(streams, k=5)
    holders: dict = {}
    for d, s in enumerate(streams):
        h, pos = unit_streams.shingle_hashes(s.codes, 5)
        for value, p in zip(h.tolist(), pos.tolist()):
            holders.setdefault(value, []).append((d, p))
    expected = {v: len({d for d, _ in occ}) for v, occ in holders.items()}
    assert {(int(r.h), int(r.n_docs)) for r in index.itertuples()} == {(v, n) for v, n in expected.items() if n > 1}
    found = seeds.seed_pairs(streams, k=5, max_docs=4, index=index)
    brute = {
        (da, db, pa, pb)
        for v, occ in holders.items()
        if 1 < expected[v] <= 4
        for da, pa in occ
        for db, pb in occ
        if da < db
    }
    assert set(map(tuple, found[["a", "b", "pos_a", "pos_b"]].to_numpy().tolist())) == brute
    assert len(found) == len(brute)
    # in blocks of ~40 seeds: the same seeds, and each pair of documents in one block only
    blocks = list(seeds.seed_blocks(index, max_docs=4, max_seeds=40))
    assert len(blocks) > 3
    assert sum(len(b) for b in blocks) == len(brute)
    assert set(map(tuple, pd.concat(blocks)[["a", "b", "pos_a", "pos_b"]].to_numpy().tolist())) == brute
    pairs = [set(zip(b.a, b.b)) for b in blocks]
    assert sum(len(p) for p in pairs) == len(set().union(*pairs))


def test_shingle_index_names_the_right_document_past_streams_without_a_shingle():
    """Issue 16: the streams' hashes are written into one array sized for every window; streams
    too short for a shingle (or broken at every window) hold no row, and the rows after them still
    name their own document."""
    text = [ord(ch) for ch in "甲乙丙丁戊己庚辛"]
    codes = [text, text[:3], [], text, [unit_streams.BREAK] * 9, text]
    streams = [unit_streams.Stream(str(d), np.array(c, dtype=np.int64), None, None) for d, c in enumerate(codes)]
    index = seeds.shingle_index(streams, k=5)
    assert set(index.doc) == {0, 3, 5} and (index.n_docs == 3).all()
    assert len(index) == 3 * (len(text) - 5 + 1)
    assert seeds.shingle_index(streams[1:3], k=5).empty


def test_stable_order_of_hashes_equals_a_stable_argsort():
    """Issue 16: the packed-key sort behind ``shingle_index`` gives the permutation of a stable argsort,
    also where hashes share their high bits (fixed up afterwards) and where they repeat (index order kept)."""
    rng = np.random.default_rng(3)
    spread = rng.integers(0, 2**63, 50_000, dtype=np.int64).astype(np.uint64) << np.uint64(1)
    repeated = spread[rng.integers(0, 500, 50_000)]  # boilerplate: each hash many times
    shift = np.uint64((50_000).bit_length())
    high = spread[rng.integers(0, 500, 50_000)] >> shift << shift
    close = high | rng.integers(0, 4, 50_000).astype(np.uint64)  # equal high bits, low bits differ
    for h in (spread, repeated, close, close[::-1].copy(), np.array([7, 4, 6, 4], dtype=np.uint64), spread[:1]):
        order, in_order = seeds.stable_order(h)
        expected = np.argsort(h, kind="stable")
        assert np.array_equal(order, expected)
        assert np.array_equal(in_order, h[expected])


def test_repeated_hashes_are_all_found_and_few_single_ones_with_them():
    """Issue 16: the filter before the shingle index's sort keeps every repeated hash (a superset:
    a hash held once may pass when its top bits are those of a repeated one; the index's count drops it)."""
    rng = np.random.default_rng(5)
    single = rng.integers(0, 2**64, 200_000, dtype=np.uint64)
    twice = single[:20_000]
    near = twice[:1000] ^ np.uint64(1)  # the top bits of a repeated hash, itself held once
    h = np.concatenate([single, twice, near])
    flagged = seeds.repeated(h)
    values, counts = np.unique(h, return_counts=True)
    truly = np.isin(h, values[counts > 1])
    assert flagged[truly].all() and truly.sum() == 40_000
    assert flagged[-1000:].all()  # same top bits: passed on, to be dropped by the count
    assert flagged[~truly].mean() < 0.1
    assert not seeds.repeated(np.array([3], dtype=np.uint64)).any()
    assert np.array_equal(seeds.repeated(h, chunk=999), flagged)  # looked up a chunk at a time: the same flags


def test_the_shingle_index_drops_hashes_held_once_even_when_the_filter_passes_them(masker):
    streams = [
        unit_streams.char_stream(d, t, masker)
        for d, t in (("a", SENTENCE + "。甲乙丙丁戊己庚辛壬癸子丑"), ("b", SENTENCE))
    ]
    index = seeds.shingle_index(streams, k=12)
    n_shared = len(unit_streams.mask_text(SENTENCE, masker)) - 12 + 1
    assert len(index) == 2 * n_shared and (index.n_docs == 2).all()
    assert index.h.is_monotonic_increasing and set(index.doc) == {0, 1}


def test_masker_with_the_whole_gazetteer_equals_the_regex_scan():
    """Issue 16: thousands of names (a national corpus's places) give the units of the regex alternation."""
    from corpus.gazetteer import Gazetteer

    places = Gazetteer.load().places
    masker = unit_streams.Masker(sorted({p.name for p in places}))
    assert len(masker.names) > 3000
    root = Path(__file__).resolve().parents[2]
    files = sorted((root / "tests" / "data" / "realdocs").glob("*.txt"))[:8]
    masked = 0
    for path in files:
        source = path.read_text(encoding="utf-8")
        stream = unit_streams.char_stream(path.name, source, masker)
        codes, starts, ends = _scan_stream(path.name, source, masker, [True] * len(source))
        assert stream.codes.tolist() == codes and stream.starts.tolist() == starts and stream.ends.tolist() == ends
        masked += codes.count(unit_streams._PLACE_CODE)
    assert masked > 20


def test_names_that_could_overlap_a_number_are_not_masked():
    masker = unit_streams.Masker(["十堰", "三", "3号县", "Ａ县", "", "静海"])
    assert masker.names == ("十堰", "静海")
    assert unit_streams.mask_text("（三）十堰与静海区第3号县", masker) == "#@与@区第#号县"


def test_a_copied_passage_with_the_county_name_swapped_is_one_passage(tmp_path):
    """Issue 16: the corpus's own places are masked too, not only those of counties.csv: a county
    that copies another's paragraph and puts its own name in shares one passage across the name."""
    paragraph = (
        "一年来，{}坚持以习近平法治思想为指导，全面贯彻落实党中央国务院关于法治政府建设的决策部署，"
        "把法治政府建设摆在全局工作的突出位置，切实加强组织领导，健全完善工作机制，扎实推进依法行政各项工作。"
    )
    for name, place in (("a.txt", "静海区"), ("b.txt", "赵县")):
        title = (
            f"天津市{place}2022年法治政府建设情况的报告"
            if place == "静海区"
            else f"河北省{place}2022年法治政府建设情况的报告"
        )
        text = (
            f"{title}\n\n"
            + paragraph.format(place)
            + "\n\n今年，将继续推进各项工作，确保取得实效，为经济社会发展提供法治保障。\n"
        )
        (tmp_path / name).write_text(text, encoding="utf-8")
    c = corpus.load(tmp_path, cache=tmp_path / ".cache")
    assert set(c.documents.place) == {"静海区", "赵县"}
    passages, _ = reuse.reuse(c)
    crossing = passages[passages.masked.str.contains("坚持以习近平法治思想")]
    assert len(crossing) == 1 and crossing.masked.iat[0].startswith("一年来@坚持")
    row = crossing.iloc[0]
    assert c.source_text(row.doc_a)[row.start_a : row.end_a] == row.text and "静海区" in row.text
    assert c.source_text(row.doc_b)[row.start_b : row.end_b] == row.text_b and "赵县" in row.text_b


def test_token_rows_by_document_without_a_copy_when_grouped_and_sorted_when_not(seed_corpus):
    """Issue 16: the streams read each document's token offsets from the table's own arrays when its
    rows are grouped by document (as the corpus makes them), and from a stable reordering when not."""
    tok = seed_corpus.body().tokens
    rows, starts, ends = unit_streams._rows_by_document(tok)
    assert np.shares_memory(starts, tok["start"].to_numpy()) and set(rows) == set(tok.doc_id.astype(str))
    shuffled = tok.sample(frac=1.0, random_state=1).reset_index(drop=True)
    rows_b, starts_b, ends_b = unit_streams._rows_by_document(shuffled)
    for doc_id, (lo, hi) in rows.items():
        lo_b, hi_b = rows_b[doc_id]
        assert sorted(zip(starts[lo:hi], ends[lo:hi])) == sorted(zip(starts_b[lo_b:hi_b], ends_b[lo_b:hi_b]))
        assert (tok.doc_id.astype(str).iloc[lo:hi] == doc_id).all()
