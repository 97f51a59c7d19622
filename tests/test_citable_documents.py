"""Documents you can cite: header lines and HTML metadata become URL, outlet, author and language,
and stored offsets count in the file as given."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.documents import parse_document
from kg.errors import DocumentError
from kg.mapping import extraction_triples, ffkg
from kg.records import Extraction, RelationRecord, Span

ARTICLE = (
    "date 2024-03-14 Rifles seized in Sonora\n"
    "url: https://example.org/sonora\n"
    "outlet: El Diario\n"
    "author: Ana Pérez\n"
    "language: es-MX\n"
    "\n"
    "Soldiers seized rifles in Hermosillo.\n"
)


def test_header_lines_after_the_date_line_are_read_and_left_out_of_the_text() -> None:
    info = parse_document(ARTICLE.encode(), name="sonora.txt")
    assert (info.url, info.outlet, info.author, info.language) == (
        "https://example.org/sonora",
        "El Diario",
        "Ana Pérez",
        "es-MX",
    )
    assert info.title == "Rifles seized in Sonora"
    assert "example.org" not in info.text and "El Diario" not in info.text
    start = info.text.index("Hermosillo")
    assert info.as_given()[start + info.offset : start + info.offset + 10] == "Hermosillo"
    assert info.as_given() == ARTICLE


def test_a_file_without_header_lines_keeps_its_text() -> None:
    info = parse_document(b"date 2024-03-14 Title\n\nBody text here.\n", name="a.txt")
    assert info.text == "Title\n\nBody text here.\n"
    assert (info.offset, info.url, info.outlet) == (len("date 2024-03-14 "), None, None)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("url: example.org/a", "not an http"),
        ("language: english!", "not a language code"),
        ("outlet:", "is empty"),
        ("author: A\nauthor: B", "given twice"),
    ],
)
def test_a_bad_header_line_is_refused_by_name(line: str, message: str) -> None:
    raw = f"date 2024-03-14 Title\n{line}\n\nBody.\n".encode()
    with pytest.raises(DocumentError, match=message):
        parse_document(raw, name="bad.txt")


def test_html_metadata_gives_url_outlet_author_and_language() -> None:
    body = "Las armas cruzaron la frontera en Sonora ayer por la tarde. " * 5
    html = (
        '<html lang="es"><head><title>Armas</title><meta name="author" content="Ana Pérez">'
        '<meta property="og:site_name" content="El Diario">'
        '<link rel="canonical" href="https://eldiario.example/a/1"></head>'
        f"<body><article><h1>Armas</h1><p>{body}</p></article></body></html>"
    )
    info = parse_document(html.encode(), name="armas.html")
    assert (info.url, info.outlet, info.author, info.language) == (
        "https://eldiario.example/a/1",
        "El Diario",
        "Ana Pérez",
        "es",
    )


def test_stored_offsets_index_the_stored_content() -> None:
    info = parse_document(ARTICLE.encode(), name="sonora.txt")
    start = info.text.index("Soldiers")
    sentence = Span(
        start, start + len("Soldiers seized rifles in Hermosillo."), "Soldiers seized rifles in Hermosillo."
    )
    army, city = "https://w3id.org/ffkg/id/org/army", "https://sws.geonames.org/4004898/"
    relation = RelationRecord(army, "locatedIn", city, 0.9, sentence)
    triples = extraction_triples(Extraction(info, [], [relation], "test"))
    document = triples.document
    content = next(t.object.value for t in document if t.predicate == ffkg("content"))
    begin = next(int(t.object.value) for t in document if t.predicate == ffkg("startOffset"))
    end = next(int(t.object.value) for t in document if t.predicate == ffkg("endOffset"))
    assert content[begin:end] == "Soldiers seized rifles in Hermosillo."
    values = {t.predicate: t.object for t in document}
    assert values[ffkg("publisher")] == ox.Literal("El Diario")
    assert values[ffkg("url")].value == "https://example.org/sonora"
    assert values[ffkg("language")] == ox.Literal("es-MX")
