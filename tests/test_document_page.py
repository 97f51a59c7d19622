"""The document page: the article as stored, every fact marked at its sentence, the citation on top;
offsets count in the file as given, and evidence everywhere links to the sentence in its document."""

from __future__ import annotations

import html
from collections.abc import Iterator

import pytest
from conftest import app_settings, fill
from fastapi.testclient import TestClient

from api.app import create_app
from api.routers.documents import runs
from kg.documents import parse_document
from kg.records import EntityRecord, Extraction, RelationRecord, Span
from kg.store import Store

FILE = (
    "date 2024-03-14 Rifles seized in Sonora\n"
    "url: https://example.org/sonora\n"
    "outlet: El Diario\n"
    "author: Ana Pérez\n"
    "\n"
    "Soldiers seized rifles in Hermosillo. The rifles came from Arizona, an ATF agent said.\n"
)
ARMY = "https://w3id.org/ffkg/id/org/army"
HERMOSILLO = "https://sws.geonames.org/4004898/"
ARIZONA = "https://sws.geonames.org/5551752/"


@pytest.fixture
def client() -> Iterator[TestClient]:
    info = parse_document(FILE.encode(), name="sonora.txt", source="sonora.txt")
    t = info.text
    entities = [
        EntityRecord(ARMY, "Mexican Army", "GovernmentBody"),
        EntityRecord(HERMOSILLO, "Hermosillo", "City"),
        EntityRecord(ARIZONA, "Arizona", "Region"),
    ]
    first, second = "Soldiers seized rifles in Hermosillo.", "The rifles came from Arizona, an ATF agent said."
    relations = [
        RelationRecord(ARMY, "locatedIn", HERMOSILLO, 0.9, Span(t.index(first), t.index(first) + len(first), first)),
        RelationRecord(
            ARIZONA, "firearmsFlow", HERMOSILLO, 0.8, Span(t.index(second), t.index(second) + len(second), second)
        ),
    ]
    store = fill(Store.memory(), Extraction(info, entities, relations, "test-0"))
    with TestClient(create_app(app_settings(), store)) as test_client:
        yield test_client


def test_the_page_shows_the_file_with_each_fact_marked_at_its_sentence(client: TestClient) -> None:
    page = client.get("/view/document/doc/sonora", params={"format": "json"}).json()
    assert page["content"] == FILE
    for fact in page["facts"]:
        assert FILE[fact["start"] : fact["end"]] == fact["sentence"]
    assert "".join(run["text"] for run in page["runs"]) == FILE
    body = client.get("/view/document/doc/sonora").text
    first = page["facts"][0]
    assert f'id="at-{first["start"]}-{first["end"]}"' in body
    assert html.escape(first["sentence"], quote=False) in body
    assert "El Diario" in body and "Ana Pérez" in body and 'href="https://example.org/sonora"' in body
    assert "Offsets count characters" in body


def test_an_unknown_document_is_a_404_page(client: TestClient) -> None:
    response = client.get("/view/document/doc/nothing-here")
    assert response.status_code == 404 and "no document" in response.text


def test_evidence_in_the_panel_and_the_cards_cites_the_document_and_its_sentence(client: TestClient) -> None:
    facts = client.get("/view/evidence", params={"node": HERMOSILLO}).json()["facts"]
    record = facts[0]["evidence"][0]
    assert record["outlet"] == "El Diario" and record["url"] == "https://example.org/sonora"
    assert FILE[record["start"] : record["end"]] == record["sentence"]
    card = client.get("/api/documents/doc/sonora").json()
    assert (card["outlet"], card["author"], card["url"]) == ("El Diario", "Ana Pérez", "https://example.org/sonora")
    hits = client.get("/api/search", params={"q": "Hermosillo", "type": "Evidence"}).json()["items"]
    assert hits and hits[0]["url"].startswith("/view/document/doc/sonora#at-")


def test_overlapping_sentences_share_one_mark() -> None:
    facts = [{"start": 0, "end": 5}, {"start": 3, "end": 8}, {"start": 10, "end": 12}]
    pieces = runs("abcdefghijklm", facts)
    assert [(p["text"], p["facts"]) for p in pieces] == [("abcdefgh", [0, 1]), ("ij", []), ("kl", [2]), ("m", [])]


def test_the_document_list_and_its_csv_carry_url_and_outlet(client: TestClient) -> None:
    listed = client.get("/api/documents").json()["items"]
    assert (listed[0]["url"], listed[0]["outlet"]) == ("https://example.org/sonora", "El Diario")
    assert "https://example.org/sonora,El Diario" in client.get("/api/export/documents.csv").text
