"""Property-based tests of the reader and the extractor on hostile input.

Random bytes, random unicode with control characters, huge lines, broken headers and HTML:
reading either gives a document or raises the documented `DocumentError`; extracting a
document never fails, and everything it finds points at text that is really there.
"""

from __future__ import annotations

import string

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from spacy.language import Language

from kg.documents import parse_document
from kg.errors import DocumentError
from kg.extract import extract, load_pipeline
from kg.mapping import extraction_triples
from kg.records import DocumentInfo

FUZZ = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
NAMES = st.sampled_from(["article.txt", "page.html", "notes.md", "noext", "weird name.HTM"])
WORDS = st.sampled_from(
    [
        "Mexico",
        "Smith & Wesson",
        "Sinaloa Cartel",
        "rifles",
        "smuggled",
        "from",
        "Arizona",
        "into",
        "seized",
        "ATF",
        "Colt",
        "in",
        "2021",
        "May 4",
        "straw",
        "buyers",
        "Tijuana",
        "<b>",
        "</p>",
        "&amp;",
        "\u202e",
        "\u0000",
        "\ufeff",
        "“quoted”",
        "AK-47",
        "U.S.",
        "70 percent",
        "\t",
        "\n",
        "\r\n",
        ".",
        ",",
    ]
)
TEXTS = st.one_of(
    st.text(max_size=3000),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=3000),
    st.lists(WORDS, max_size=400).map(" ".join),
    st.tuples(st.dates().map(str), st.text(max_size=80), st.lists(WORDS, max_size=200).map(" ".join)).map(
        lambda parts: f"date {parts[0]} {parts[1]}\n\n{parts[2]}"
    ),
    st.lists(WORDS, max_size=200).map(lambda words: f"<html><title>{words[:3]}</title><p>{' '.join(words)}</p>"),
)
#: One line of up to a megabyte: the reader must cope; extraction gets one such line in its own test.
HUGE_LINES = st.tuples(st.integers(50_000, 1_000_000), st.sampled_from(["x", "Mexico seized rifles ", "é\t"])).map(
    lambda spec: (spec[1] * spec[0])[: spec[0]]
)


@pytest.fixture(scope="module")
def nlp() -> Language:
    return load_pipeline()


def read(raw: bytes, name: str, *, max_bytes: int = 2_000_000) -> DocumentInfo | None:
    """The document, or None when the reader refuses it the documented way."""
    try:
        return parse_document(raw, name=name, max_bytes=max_bytes)
    except DocumentError as error:
        assert error.path == name and error.reason
        return None


@FUZZ
@given(raw=st.binary(max_size=4000), name=NAMES)
def test_any_bytes_give_a_document_or_a_document_error(raw: bytes, name: str) -> None:
    info = read(raw, name)
    if info is not None:
        assert info.text.strip() and info.content_hash and info.title


@FUZZ
@given(
    text=st.one_of(TEXTS, HUGE_LINES), name=NAMES, encoding=st.sampled_from(["utf-8", "utf-16", "cp1252", "latin-1"])
)
def test_any_text_in_any_encoding_gives_a_document_or_a_document_error(text: str, name: str, encoding: str) -> None:
    raw = text.encode(encoding, errors="replace")
    info = read(raw, name)
    if info is not None:
        assert "\r" not in info.text


@FUZZ
@given(text=TEXTS)
def test_extraction_never_fails_and_every_span_is_in_the_text(nlp: Language, text: str) -> None:
    info = read(text.encode("utf-8", errors="replace"), "article.txt")
    assume(info is not None)
    extraction = extract(info, nlp)
    for entity in extraction.entities:
        for mention in entity.mentions:
            assert info.text[mention.start : mention.end] == mention.text
    for relation in extraction.relations:
        evidence = relation.evidence
        assert info.text[evidence.start : evidence.end] == evidence.text
        assert 0 <= relation.confidence <= 1
    assert extraction_triples(extraction)


@settings(max_examples=20, deadline=None)
@given(st.text(alphabet=string.printable + "\u00e9\u00f1\u4e2d\U0001f52b", min_size=1, max_size=200))
def test_the_same_text_always_gives_the_same_triples(nlp: Language, text: str) -> None:
    info = read(f"date 2021-08-04 Report\n\n{text}".encode(), "article.txt")
    assert info is not None
    assert set(extraction_triples(extract(info, nlp))) == set(extraction_triples(extract(info, nlp)))


def test_a_line_longer_than_the_models_limit_is_extracted(nlp: Language) -> None:
    """spaCy refuses texts over `nlp.max_length` characters; a scraped page can be one huge line."""
    line = ("Rifles were smuggled from Arizona into Mexico " + "x" * 20_000 + " ") * (nlp.max_length // 20_000)
    info = read(f"date 2021-08-04 One long line\n\n{line}".encode(), "long.txt", max_bytes=4 * nlp.max_length)
    assert info is not None and len(info.text) > nlp.max_length
    extraction = extract(info, nlp)
    assert {entity.label for entity in extraction.entities} >= {"Arizona", "Mexico"}
