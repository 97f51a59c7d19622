"""The graph view's layout is computed by the server: the payload carries every node's position,
the same for the same store and filters, and a write that changes the graph lays it out anew."""

from __future__ import annotations

from conftest import app_settings
from fastapi.testclient import TestClient

from api.app import create_app
from kg.iris import entity_iri
from kg.mapping import extraction_triples
from kg.records import DocumentInfo, EntityRecord, Extraction, RelationRecord, Span
from kg.store import Store

CARTEL = entity_iri("crime", "Sinaloa Cartel")
MAKER = entity_iri("org", "Smith & Wesson")
RIFLE = entity_iri("weapon", "AR-15")
COURIER = entity_iri("person", "Ana Courier")


def _article(key: str, entities: list[EntityRecord], facts: list[tuple[str, str, str]]) -> Extraction:
    sentence = "A sentence that states it."
    relations = [RelationRecord(s, p, o, 0.9, Span(0, len(sentence), sentence)) for s, p, o in facts]
    return Extraction(DocumentInfo(key, f"Article {key}", "2024", "text", content_hash=key), entities, relations, "t/1")


def _store() -> Store:
    store = Store.memory()
    first = _article(
        "a1",
        [
            EntityRecord(CARTEL, "Sinaloa Cartel", "CriminalGroup"),
            EntityRecord(MAKER, "Smith & Wesson", "Gunmaker"),
            EntityRecord(RIFLE, "AR-15", "WeaponType"),
        ],
        [(MAKER, "manufactures", RIFLE)],
    )
    store.write_documents([extraction_triples(first)])
    return store


def _positions(client: TestClient, query: str = "") -> dict[str, tuple[float, float]]:
    answer = client.get(f"/view/graph?format=json{query}")
    assert answer.status_code == 200, answer.text
    network = answer.json()["network"]
    assert network["layout"] == "fixed"
    return {node["id"]: (node["x"], node["y"]) for node in network["nodes"]}


def test_the_graph_payload_carries_a_position_for_every_node_and_keeps_it() -> None:
    store = _store()
    with TestClient(create_app(app_settings(), store)) as client:
        first = _positions(client)
        assert set(first) == {CARTEL, MAKER, RIFLE}
        assert all(isinstance(v, float) for xy in first.values() for v in xy)
        assert len(set(first.values())) == 3, "two nodes drawn on the same spot"
        assert _positions(client) == first
        assert set(_positions(client, "&type=Gunmaker")) == {MAKER}
        second = _article(
            "a2",
            [EntityRecord(COURIER, "Ana Courier", "Person"), EntityRecord(CARTEL, "Sinaloa Cartel", "CriminalGroup")],
            [(COURIER, "affiliatedWith", CARTEL)],
        )
        store.write_documents([extraction_triples(second)])
        grown = _positions(client)
        assert set(grown) == {CARTEL, MAKER, RIFLE, COURIER}


def test_a_fresh_app_on_the_same_data_draws_the_same_picture() -> None:
    pictures = []
    for _ in range(2):
        with TestClient(create_app(app_settings(), _store())) as client:
            pictures.append(_positions(client))
    assert pictures[0] == pictures[1]
