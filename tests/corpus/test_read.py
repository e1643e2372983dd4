"""Reading files: encodings, formats and bad input."""

from __future__ import annotations

import io

import pytest

from corpus.read import SourceError, read_source


@pytest.fixture(scope="module")
def kaijiang_text(seed_dir):
    return (seed_dir / "kaijiang-2021-plan.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "encoding",
    ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16", "utf-16-le", "utf-16-be"],
    ids=lambda e: e,
)
def test_encodings_decode_to_the_same_text(tmp_path, encoding, kaijiang_text):
    path = tmp_path / "doc.txt"
    path.write_bytes(kaijiang_text.encode(encoding))
    assert read_source(path).text == kaijiang_text


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.txt", b"", "file is empty"),
        ("blank.txt", b"  \n\n ", "file is empty"),
        ("binary.txt", bytes(range(256)) * 8, "binary content"),
        ("bad.txt", "法治".encode() + b"\x81\x30\xff\xff" + "建设".encode(), "cannot decode"),
        ("table.tsv", "法治".encode(), "unsupported file type"),
        ("broken.docx", b"PK not really a zip", "not a readable DOCX"),
    ],
    ids=["empty", "blank", "binary", "undecodable", "suffix", "broken-docx"],
)
def test_bad_input_names_file_and_problem(tmp_path, name, data, message):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(SourceError, match=f"{name}.*({message})"):
        read_source(path)


def test_docx_paragraphs_become_lines(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("一、健全行政执法工作体系")
    document.add_paragraph("（一）深化行政执法体制改革。完善权责清晰的行政执法体制。")
    path = tmp_path / "plan.docx"
    document.save(path)
    source = read_source(path)
    assert source.fmt == "docx"
    assert source.text.splitlines() == [
        "一、健全行政执法工作体系",
        "（一）深化行政执法体制改革。完善权责清晰的行政执法体制。",
    ]


def test_pdf_without_text_layer_is_reported(tmp_path):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    path = tmp_path / "scan.pdf"
    path.write_bytes(buffer.getvalue())
    with pytest.raises(SourceError, match=r"scan\.pdf: PDF has no text layer"):
        read_source(path)


def test_pdf_text_layer_is_read(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plt.figure()
    fig.text(0.1, 0.5, "Administrative reconsideration 91 cases")
    path = tmp_path / "text.pdf"
    fig.savefig(path)
    plt.close(fig)
    assert "reconsideration 91" in read_source(path).text
