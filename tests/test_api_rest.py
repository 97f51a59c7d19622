"""REST under /api and the naming rules of kg.lookup behind it."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import (
    ATF,
    COLT,
    FLOW_US_MX,
    JOHN_SMITH,
    LAWSUIT,
    MEXICO,
    SINALOA,
    SMITH_WESSON,
    SONORA,
    TOKEN,
    app_settings,
)
from fastapi.testclient import TestClient

from api.app import create_app
from kg import lookup
from kg.errors import AmbiguousNameError, NotFoundError
from kg.iris import ENTITIES_GRAPH, ONTOLOGY, document_iri, graph_iri, key_of
from kg.store import Store

RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    return response.json()


# -- naming an entity -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [COLT, "org/colt", "Colt", "colt", "COLT", "Colt's Manufacturing Company", "colts manufacturing company"],
)
def test_an_entity_can_be_named_by_iri_key_label_or_alias(small_store: Store, name: str) -> None:
    assert lookup.resolve_entity(small_store, name) == COLT


def test_accents_and_case_do_not_matter(small_store: Store) -> None:
    assert lookup.resolve_entity(small_store, "CÁRTEL DE SINALOA") == SINALOA


def test_an_ambiguous_alias_lists_every_candidate(small_store: Store) -> None:
    with pytest.raises(AmbiguousNameError) as raised:
        lookup.resolve_entity(small_store, "Smith")
    assert sorted(c["iri"] for c in raised.value.candidates) == sorted([SMITH_WESSON, JOHN_SMITH])
    assert raised.value.status == 409


def test_an_unknown_name_suggests_close_matches(small_store: Store) -> None:
    with pytest.raises(NotFoundError) as raised:
        lookup.resolve_entity(small_store, "Sinaloa Cartell")
    assert "Sinaloa Cartel" in str(raised.value)


def test_an_unknown_iri_is_404(small_store: Store) -> None:
    with pytest.raises(NotFoundError):
        lookup.resolve_entity(small_store, "https://w3id.org/ffkg/id/org/nobody")


def test_names_that_look_like_query_text_are_just_names(small_store: Store) -> None:
    for name in ['Colt" } ; DROP ALL ; #', "?e", "<urn:x>", '"Colt"@en']:
        with pytest.raises(NotFoundError):
            lookup.resolve_entity(small_store, name)
    assert len(small_store.graphs()) == 2


# -- /api/entities ---------------------------------------------------------------------------------------


def test_search_by_substring_of_label_or_alias(client: TestClient) -> None:
    page = client.get("/api/entities", params={"q": "sinaloa"}).json()
    assert [item["iri"] for item in page["items"]] == [SINALOA]
    by_alias = client.get("/api/entities", params={"q": "alcohol, tobacco"}).json()
    assert [item["iri"] for item in by_alias["items"]] == [ATF]


def test_search_by_type_includes_subclasses(client: TestClient) -> None:
    gunmakers = client.get("/api/entities", params={"type": "Gunmaker"}).json()
    assert sorted(item["iri"] for item in gunmakers["items"]) == sorted([COLT, SMITH_WESSON])
    organisations = client.get("/api/entities", params={"type": "Organization"}).json()
    assert {COLT, SMITH_WESSON, SINALOA, ATF} <= {item["iri"] for item in organisations["items"]}
    assert all(item["types"] for item in organisations["items"])


def test_search_pages_add_up_to_the_total(client: TestClient) -> None:
    total = client.get("/api/entities", params={"limit": 1}).json()["total"]
    seen = []
    for offset in range(0, total, 4):
        seen += [
            item["iri"] for item in client.get("/api/entities", params={"limit": 4, "offset": offset}).json()["items"]
        ]
    assert len(seen) == len(set(seen)) == total


def test_an_unknown_type_is_refused_listing_the_types(client: TestClient) -> None:
    """The schema's enum of the ontology's node classes refuses it, and the problem lists them."""
    problem = assert_problem(client.get("/api/entities", params={"type": "Spaceship"}), 422)
    assert "Gunmaker" in problem["detail"]


def test_bad_paging_parameters_are_problem_json(client: TestClient) -> None:
    assert_problem(client.get("/api/entities", params={"limit": 0}), 422)
    assert_problem(client.get("/api/entities", params={"offset": -1}), 422)


def test_search_text_is_never_query_text(client: TestClient) -> None:
    for text in ['") } ; SELECT * { ?s ?p ?o', '\\"', "}}"]:
        response = client.get("/api/entities", params={"q": text})
        assert response.status_code == 200
        assert response.json()["total"] == 0


def test_entity_card_has_relations_events_documents_and_evidence(client: TestClient) -> None:
    card = client.get("/api/entities/Smith & Wesson").json()
    assert card["iri"] == SMITH_WESSON
    assert card["types"] == ["Gunmaker"]
    assert {"S&W", "Smith"} <= set(card["aliases"])
    assert [(r["predicate"], r["object"]["label"]) for r in card["out"]] == [("manufactures", "AR-15")]
    defendant = next(r for r in card["in"] if r["predicate"] == "defendant")
    assert defendant["subject"]["iri"] == LAWSUIT
    evidence = defendant["evidence"][0]
    assert evidence["sentence"].startswith("Mexico sued Smith & Wesson and Colt")
    assert evidence["document"]["key"] == "doc/mexico-sues-gunmakers"
    assert evidence["confidence"] == pytest.approx(0.9)
    assert card["events"] == [{"role": "defendant", "event": defendant["subject"]}]
    assert [d["key"] for d in card["documents"]] == ["doc/mexico-sues-gunmakers"]


def test_a_place_card_shows_flows_into_it(client: TestClient) -> None:
    card = client.get(f"/api/entities/{key_of(MEXICO)}").json()
    incoming = {(r["predicate"], r["subject"]["iri"]) for r in card["in"]}
    assert ("destination", FLOW_US_MX) in incoming
    assert ("locatedIn", SONORA) in incoming
    assert sorted(d["key"] for d in card["documents"]) == ["doc/mexico-sues-gunmakers", "doc/sonora-seizure"]
    assert card["attributes"]["geonamesId"] == [3996063]


def test_entity_facts_carry_their_corroboration_and_can_be_filtered_by_it(client: TestClient) -> None:
    card = client.get("/api/entities/Smith & Wesson").json()
    defendant = next(r for r in card["in"] if r["predicate"] == "defendant")
    assert defendant["corroboration"] == {"documents": 1, "stories": 1, "publishers": 0}
    assert all(r["corroboration"]["stories"] >= 1 for r in card["in"] + card["out"])
    strict = client.get("/api/entities/Smith & Wesson", params={"min_corroboration": 2}).json()
    assert strict["in"] == [] and strict["out"] == []  # one document states each fact about it
    assert client.get("/api/entities/Smith & Wesson", params={"min_corroboration": -1}).status_code == 422


def test_entity_by_iri_in_the_path(client: TestClient) -> None:
    assert client.get(f"/api/entities/{COLT}").json()["iri"] == COLT


def test_entity_errors_are_409_with_candidates_and_404_with_matches(client: TestClient) -> None:
    ambiguous = assert_problem(client.get("/api/entities/Smith"), 409)
    assert sorted(c["iri"] for c in ambiguous["candidates"]) == sorted([SMITH_WESSON, JOHN_SMITH])
    missing = assert_problem(client.get("/api/entities/Sinaloa Cartell"), 404)
    assert "Sinaloa Cartel" in missing["detail"]


# -- /api/documents --------------------------------------------------------------------------------------


def test_documents_newest_first(client: TestClient) -> None:
    page = client.get("/api/documents").json()
    assert page["total"] == 2
    assert [item["key"] for item in page["items"]] == ["doc/mexico-sues-gunmakers", "doc/sonora-seizure"]
    assert page["items"][0]["title"] == "Mexico sues US gunmakers in Boston"
    assert page["items"][0]["entities"] == 10


@pytest.mark.parametrize("name", ["sonora-seizure", "doc/sonora-seizure", document_iri("sonora-seizure")])
def test_a_document_by_key_or_iri(client: TestClient, name: str) -> None:
    card = client.get(f"/api/documents/{name}").json()
    assert card["iri"] == document_iri("sonora-seizure")
    assert card["graphs"] == [graph_iri("sonora-seizure")]
    assert {e["iri"] for e in card["entities"]} >= {COLT, SINALOA, SONORA}
    weapon_from = next(f for f in card["facts"] if f["predicate"] == "weaponFrom")
    assert weapon_from["object"] == COLT
    assert weapon_from["sentence"] == "Soldiers seized Colt rifles from the Sinaloa Cartel in Sonora on May 10, 2019."
    assert weapon_from["end"] - weapon_from["start"] == len(weapon_from["sentence"])


def test_an_unknown_document_is_404(client: TestClient) -> None:
    assert_problem(client.get("/api/documents/no-such-doc"), 404)


# -- /api/triples ----------------------------------------------------------------------------------------


def test_triple_fragment_with_total_and_paging(client: TestClient, small_store: Store) -> None:
    defendant = ONTOLOGY + "defendant"
    first = client.get("/api/triples", params={"p": defendant, "limit": 1}).json()
    assert first["total"] == 2
    assert first["next"]
    second = client.get(first["next"]).json()
    assert second["next"] is None
    objects = {page["triples"][0]["o"]["value"] for page in (first, second)}
    assert objects == {COLT, SMITH_WESSON}


def test_triple_fragment_with_a_literal_object(client: TestClient) -> None:
    page = client.get("/api/triples", params={"p": RDFS_LABEL, "o": '"Colt"'}).json()
    assert [t["s"]["value"] for t in page["triples"]] == [COLT]
    typed = client.get("/api/triples", params={"o": '"3996063"^^<http://www.w3.org/2001/XMLSchema#integer>'}).json()
    assert {t["s"]["value"] for t in typed["triples"]} == {MEXICO}


def test_triple_fragment_merges_graphs_unless_one_is_named(client: TestClient) -> None:
    union = client.get("/api/triples", params={"s": COLT, "p": RDFS_LABEL}).json()
    assert union["total"] == 1
    graph = graph_iri("sonora-seizure")
    one = client.get("/api/triples", params={"s": COLT, "graph": graph}).json()
    assert one["graph"] == graph
    assert one["total"] == 1  # a document's graph says only that it mentions Colt
    described = client.get("/api/triples", params={"s": COLT, "graph": ENTITIES_GRAPH}).json()
    assert described["total"] >= 3  # type, label and key, once for every document


def test_an_unknown_graph_is_a_declared_404(client: TestClient) -> None:
    """The schema cannot know which graphs exist, so the 404 must be in the OpenAPI document (schemathesis)."""
    detail = assert_problem(client.get("/api/triples", params={"graph": "http://example.org/no-such-graph"}), 404)
    assert "no-such-graph" in detail["detail"]
    declared = client.get("/openapi.json").json()["paths"]["/api/triples"]["get"]["responses"]
    assert "404" in declared


@pytest.mark.parametrize(("name", "value"), [("s", "not an iri"), ("p", '"label"'), ("o", '"unterminated')])
def test_a_bad_pattern_term_is_refused_naming_it(client: TestClient, name: str, value: str) -> None:
    """The schema's pattern for terms refuses it (422), naming the parameter."""
    assert f"query.{name}" in assert_problem(client.get("/api/triples", params={name: value}), 422)["detail"]


# -- /api/stats and /health -----------------------------------------------------------------------------


def test_stats_follow_writes(writer: TestClient) -> None:
    before = writer.get("/api/stats").json()
    assert before["documents"] == 2
    assert before["classes"][ONTOLOGY + "Gunmaker"] == 2
    writer.delete(
        "/graph-store", params={"graph": graph_iri("sonora-seizure")}, headers={"authorization": f"Bearer {TOKEN}"}
    )
    after = writer.get("/api/stats").json()
    assert after["documents"] == 1
    assert after["revision"] > before["revision"]


def test_health(client: TestClient) -> None:
    body = client.get("/health").json()
    assert body["status"] == "ok"
    assert body["graphs"] == 2


def test_every_rest_route_is_in_the_openapi_schema(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in (
        "/api/entities",
        "/api/entities/{name}",
        "/api/documents",
        "/api/documents/{key}",
        "/api/triples",
        "/api/stats",
        "/health",
        "/sparql",
        "/update",
        "/graph-store",
    ):
        assert path in paths
    assert client.get("/docs").status_code == 200


def test_without_a_store_the_app_opens_and_closes_its_own(tmp_path: Path) -> None:
    app = create_app(app_settings(in_memory=False, data_dir=tmp_path))
    with TestClient(app) as client:
        assert client.get("/health").json()["graphs"] == 0
        assert app.state.store is not None
    assert app.state.store is None
    with Store.open(tmp_path / "store"):
        pass
