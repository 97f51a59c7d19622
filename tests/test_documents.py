"""Reading inputs: headers, plain text, HTML, folders, and every way a file can be unusable."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from kg.documents import DEFAULT_MAX_BYTES, Skipped, iter_documents, parse_document, read_document
from kg.errors import DocumentError

ARTICLE_HTML = """<!DOCTYPE html>
<html><head><title>Rifles seized near Nogales</title>
<meta property="article:published_time" content="2023-06-14"></head>
<body><nav>Home | News | Contact</nav>
<article><h1>Rifles seized near Nogales</h1>
<p>Mexican soldiers seized forty rifles near Nogales, Sonora, on Tuesday, the Defense Ministry said.
The weapons had been bought in Phoenix and smuggled across the border by a trafficking ring.</p>
<p>Investigators said the ring had moved guns for more than a year before the arrests.</p>
</article><footer>Copyright 2023</footer></body></html>
"""


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_a_header_gives_date_and_title_and_the_text_starts_at_the_title(tmp_path: Path) -> None:
    raw = b"date 2022-05-03 Guns found in Laredo\n\nAgents found guns in Laredo, Texas.\n"
    info = read_document(write(tmp_path, "laredo-guns.txt", raw))
    assert (info.id, info.title, info.date) == ("laredo-guns", "Guns found in Laredo", "2022-05-03")
    assert info.text.startswith("Guns found in Laredo\n\nAgents")
    assert info.content_hash == hashlib.sha256(raw).hexdigest()
    assert info.source.endswith("laredo-guns.txt")


def test_without_a_header_the_title_is_the_first_line_and_there_is_no_date(tmp_path: Path) -> None:
    info = read_document(write(tmp_path, "note.txt", b"\n\nSmuggling up in 2021\nMore guns crossed.\n"))
    assert info.date is None
    assert info.title == "Smuggling up in 2021"
    assert "More guns crossed." in info.text


def test_html_goes_through_trafilatura_with_title_and_date(tmp_path: Path) -> None:
    info = read_document(write(tmp_path, "nogales.html", ARTICLE_HTML.encode()))
    assert info.title == "Rifles seized near Nogales"
    assert info.date == "2023-06-14"
    assert "forty rifles" in info.text
    assert "Home | News" not in info.text


def test_another_encoding_is_detected_and_decoded(tmp_path: Path) -> None:
    text = "La Secretaría de la Defensa Nacional informó que las armas llegaron a Ciudad Juárez desde Texas."
    info = read_document(write(tmp_path, "latin.txt", text.encode("cp1252")))
    assert "Juárez" in info.text and "Secretaría" in info.text


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b"   \n\n  ", "empty"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG image is not supported"),
        ("noise.txt", b"\x01\x02 guns \x00\x00", "binary"),
        ("menu.html", b"<html><body><nav><a href='/'>Home</a></nav></body></html>", "no article text"),
    ],
)
def test_bad_files_are_refused_with_one_line_naming_them(tmp_path: Path, name: str, data: bytes, reason: str) -> None:
    with pytest.raises(DocumentError) as caught:
        read_document(write(tmp_path, name, data))
    message = str(caught.value)
    assert name in message and reason in message and "\n" not in message
    assert caught.value.status in (400, 422)


def test_a_missing_path_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="no such file"):
        read_document(tmp_path / "absent.txt")


def test_a_50_mb_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "huge.txt"
    with big.open("wb") as out:
        out.seek(50 * 1024 * 1024 - 1)
        out.write(b"a")
    with pytest.raises(DocumentError, match="over the 20,000,000-byte limit"):
        read_document(big)
    assert DEFAULT_MAX_BYTES == 20_000_000


def test_the_size_limit_is_configurable(tmp_path: Path) -> None:
    path = write(tmp_path, "small.txt", b"Guns crossed the border near Tecate." * 10)
    with pytest.raises(DocumentError, match="limit"):
        read_document(path, max_bytes=100)
    assert read_document(path, max_bytes=1000).text


def test_undecodable_bytes_are_refused() -> None:
    noise = bytes(range(128, 256)) * 4 + b"\x81\x8d\x8f\x90\x9d" * 50
    with pytest.raises(DocumentError, match="UTF-8|binary"):
        parse_document(noise, name="noise.txt")


def test_a_folder_is_walked_and_bad_files_are_reported_without_stopping_the_batch(tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    (folder / "sub").mkdir(parents=True)
    write(folder, "a.txt", b"date 2020-01-02 First\nGuns crossed at El Paso.")
    write(folder / "sub", "b.htm", ARTICLE_HTML.encode())
    write(folder, "c.txt", b"")
    write(folder, "skip.json", b"{}")
    write(folder, "README", b"notes")
    results = list(iter_documents([folder, tmp_path / "missing.txt"]))
    documents = [r for r in results if not isinstance(r, DocumentError | Skipped)]
    errors = [r for r in results if isinstance(r, DocumentError)]
    skipped = {Path(r.path).name: r.reason for r in results if isinstance(r, Skipped)}
    assert sorted(d.id for d in documents) == ["a", "b"]
    assert sorted(Path(e.path).name for e in errors) == ["c.txt", "missing.txt"]
    assert sorted(skipped) == ["README", "skip.json"]
    assert "no file extension" in skipped["README"]
    assert ".json is not an article format" in skipped["skip.json"]


def test_a_file_named_on_its_own_is_read_whatever_its_extension(tmp_path: Path) -> None:
    (result,) = iter_documents([write(tmp_path, "article", b"date 2020-01-02 First\nGuns crossed at El Paso.")])
    assert not isinstance(result, DocumentError | Skipped)
    assert result.date == "2020-01-02"


@pytest.mark.parametrize(
    "first_line",
    [
        "date 14/03/2024 Guns seized",
        "date 2024-02-30 Guns seized",
        "Date: 2024-03-14 Guns seized",
        "----------",
        "date",
    ],
)
def test_a_malformed_date_line_is_refused_with_the_way_to_write_it(first_line: str) -> None:
    raw = f"{first_line}\nSoldiers seized rifles in Sonora.\n".encode()
    with pytest.raises(DocumentError, match="date YYYY-MM-DD Title") as raised:
        parse_document(raw, name="typo.txt")
    assert raised.value.path == "typo.txt"


def test_a_date_line_may_put_the_title_on_the_next_line() -> None:
    info = parse_document(b"date 2024-03-14\nRifles seized in Sonora\nSoldiers seized rifles.", name="a.txt")
    assert (info.date, info.title) == ("2024-03-14", "Rifles seized in Sonora")
    assert info.text.startswith("Rifles seized in Sonora")


def test_words_starting_with_date_are_not_a_date_line() -> None:
    info = parse_document(b"Dates set for the gun trial\nThe court set dates.", name="a.txt")
    assert (info.date, info.title) == (None, "Dates set for the gun trial")


PDF_WITHOUT_COMPRESSED_STREAMS = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"4 0 obj << /Length 44 >> stream\nBT /F1 24 Tf 100 700 Td (Guns seized) Tj ET\nendstream endobj\n%%EOF\n"
)


@pytest.mark.parametrize(
    ("raw", "named"),
    [
        (PDF_WITHOUT_COMPRESSED_STREAMS, "PDF is not supported: convert it to text"),
        (b"\n\n" + PDF_WITHOUT_COMPRESSED_STREAMS, "PDF is not supported"),
        (b"PK\x03\x04\x14\x00\x06\x00word/document.xml", "ZIP container"),
        (b"{\\rtf1\\ansi Guns seized in Sonora}", "RTF is not supported"),
    ],
)
def test_binary_formats_are_refused_by_content_whatever_the_extension(tmp_path: Path, raw: bytes, named: str) -> None:
    with pytest.raises(DocumentError, match=named):
        read_document(write(tmp_path, "saved-as.txt", raw))
