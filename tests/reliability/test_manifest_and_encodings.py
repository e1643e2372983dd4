"""Catalogue: manifest faults and text encodings (issue 14).

A manifest fault costs the row or the value, never the manifest or the load; every encoding a
researcher's folder holds gives the same clean text as UTF-8 (or one warning naming the file).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

import corpus

from .faults import GOOD_NAME, GOOD_TEXT

HEADER = "source_file,doc_id,county,year_start,year_end"


@dataclass
class ManifestCase:
    id: str
    content: bytes
    problem: str | tuple[str, ...]  # substring of each problem naming manifest.csv (none: '')
    doc_id: str = "kj-plan"
    year_start: int = 2021


def _utf8(*lines: str, newline: str = "\n", bom: bool = False) -> bytes:
    return (("\ufeff" if bom else "") + newline.join(lines) + newline).encode("utf-8")


MANIFEST_CASES = [
    ManifestCase(
        "manifest-missing-file",
        _utf8(HEADER, "good.txt,kj-plan,开江县,2021,2021", "lost.txt,lost,冠县,2022,2022"),
        "file 'lost.txt' does not exist; row ignored",
    ),
    ManifestCase(
        "manifest-duplicate-row",
        _utf8(HEADER, "good.txt,kj-plan,开江县,2021,2021", "good.txt,kj-plan,开江县,2021,2021"),
        "line 3: duplicate of line 2; ignored",
    ),
    ManifestCase(
        "manifest-two-rows-same-start",
        _utf8(HEADER, "good.txt,kj-plan,开江县,2021,2021", "good.txt,other,开江县,2021,2021"),
        "already has a document starting there",
    ),
    ManifestCase(
        "manifest-year-in-chinese-digits",
        _utf8(HEADER, "good.txt,kj-plan,开江县,二〇二三,2023"),
        "year_start '二〇二三' read as 2023",
        year_start=2023,
    ),
    ManifestCase(
        "manifest-year-not-a-year",
        _utf8(HEADER, "good.txt,kj-plan,开江县,明年,2021"),
        "year_start '明年' is not a year; ignored",
    ),
    ManifestCase(
        "manifest-stray-quote",
        _utf8(HEADER, 'good.txt,"kj-plan,开江县,2021,2021', "lost.txt,lost,冠县,2022,2022"),
        ("line 2: unbalanced quotation mark; read literally", "'lost.txt' does not exist"),  # line 3 still read
    ),
    ManifestCase(
        "manifest-gbk",
        (HEADER + "\r\ngood.txt,kj-plan,开江县,2021,2021\r\n").encode("gbk"),
        "read as gb18030",
    ),
    ManifestCase(
        "manifest-extra-columns",
        _utf8(HEADER + ",note", "good.txt,kj-plan,开江县,2021,2021,from the web"),
        "unknown column(s) ['note'] ignored",
    ),
    ManifestCase(
        "manifest-extra-cells",
        _utf8(HEADER, "good.txt,kj-plan,开江县,2021,2021,stray,cells"),
        "line 2: 7 cells for 5 columns; extra cells ignored",
    ),
    ManifestCase(
        "manifest-bad-sha256",
        _utf8(HEADER + ",sha256", "good.txt,kj-plan,开江县,2021,2021,abc"),
        "sha256 'abc' is not 64 hex digits",
    ),
    ManifestCase(
        "manifest-excel-bom-crlf", _utf8(HEADER, "good.txt,kj-plan,开江县,2021,2021", newline="\r\n", bom=True), ""
    ),
    ManifestCase("manifest-utf16", (HEADER + "\r\ngood.txt,kj-plan,开江县,2021,2021\r\n").encode("utf-16"), "utf-16"),
]


@pytest.mark.parametrize("case", MANIFEST_CASES, ids=[c.id for c in MANIFEST_CASES])
def test_a_manifest_fault_costs_a_row_or_a_value_never_the_load(case, docs):
    (docs / "manifest.csv").write_bytes(case.content)
    c = corpus.load(docs, cache=False)
    assert c.documents.doc_id.tolist() == [case.doc_id]
    row = c.documents.iloc[0]
    assert row.county == "开江县" and row.county_source == "manifest"
    assert row.year_start == case.year_start
    problems = c.problems.problem.tolist()
    expected = (case.problem,) if isinstance(case.problem, str) else case.problem
    expected = tuple(e for e in expected if e)
    assert len(problems) == len(expected), problems
    for problem, part in zip(problems, expected):
        assert problem.startswith("manifest.csv: ") and part in problem


TRADITIONAL = __import__("opencc").OpenCC("s2tw.json").convert(GOOD_TEXT)
ENCODINGS = [
    ("utf-8-bom", GOOD_TEXT, lambda t: b"\xef\xbb\xbf" + t.encode()),
    ("gb18030", GOOD_TEXT, lambda t: t.encode("gb18030")),
    ("gbk", GOOD_TEXT, lambda t: t.encode("gbk")),
    ("utf-16-le-bom", GOOD_TEXT, lambda t: t.encode("utf-16")),
    ("utf-16-be-bom", GOOD_TEXT, lambda t: b"\xfe\xff" + t.encode("utf-16-be")),
    ("utf-16-le-no-bom", GOOD_TEXT, lambda t: t.encode("utf-16-le")),
    ("utf-16-be-no-bom", GOOD_TEXT, lambda t: t.encode("utf-16-be")),
    ("big5", TRADITIONAL, lambda t: t.encode("big5")),
    ("crlf", GOOD_TEXT, lambda t: t.replace("\n", "\r\n").encode()),
]


@pytest.mark.parametrize(("text", "encode"), [e[1:] for e in ENCODINGS], ids=[e[0] for e in ENCODINGS])
def test_every_encoding_gives_the_clean_text_of_utf8(text, encode, tmp_path):
    results = []
    for name, data in (("utf8", text.encode()), ("other", encode(text))):
        folder = tmp_path / name
        folder.mkdir()
        (folder / GOOD_NAME).write_bytes(data)
        c = corpus.load(folder, cache=False)
        assert c.problems.empty, c.problems.problem.tolist()
        results.append(c.segments.text.tolist())
        doc_id = c.documents.doc_id.iloc[0]
        for seg in c.segments.itertuples():  # offsets point into the decoded source as read
            assert seg.end <= len(c.source_text(doc_id))
    assert results[0] == results[1]
