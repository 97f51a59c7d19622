"""Analytics on the ingested example articles: the questions the README promises, answered over HTTP."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from kg.analytics.projection import project
from kg.extract import load_pipeline
from kg.ingest import ingest_paths
from kg.iris import geonames_iri, key_of
from kg.settings import Settings
from kg.store import Store

ARTICLES = Path(__file__).resolve().parent.parent / "examples" / "articles"
MEXICO_CITY = geonames_iri(3530597)
MEXICO = geonames_iri(3996063)
USA = geonames_iri(6252001)


@pytest.fixture(scope="module")
def store() -> Store:
    store = Store.memory()
    report = ingest_paths(store, sorted(ARTICLES.glob("*.txt")), load_pipeline(), max_bytes=1_000_000)
    assert report.ok, report.errors
    return store


@pytest.fixture
def client(store: Store) -> TestClient:
    with TestClient(create_app(Settings(in_memory=True), store=store)) as client:
        yield client


def article_text(document_iri: str) -> str:
    return (ARTICLES / f"{key_of(document_iri).removeprefix('doc/')}.txt").read_text(encoding="utf-8")


def june_2020_attacks_in_mexico_city(store: Store) -> list[str]:
    graph = project(store)
    return [
        node
        for node, data in graph.nodes(data=True)
        if data["type"] == "Attack" and data.get("date", "").startswith("2020-06") and graph.has_edge(node, MEXICO_CITY)
    ]


def test_smith_and_wesson_reaches_the_june_2020_attack_with_evidence_on_every_hop(store, client):
    attacks = june_2020_attacks_in_mexico_city(store)
    assert attacks, "the examples state a June 2020 attack in Mexico City"
    response = client.get("/api/paths", params={"source": "Smith & Wesson", "target": key_of(attacks[0]), "k": 2})
    assert response.status_code == 200
    body = response.json()
    assert body["found"] and body["source"]["label"] == "Smith & Wesson"
    for path in body["paths"]:
        assert path["nodes"][-1]["iri"] == attacks[0]
        for hop in path["hops"]:
            assert hop["relations"]
            for relation in hop["relations"]:
                assert relation["evidence"], relation
                for evidence in relation["evidence"]:
                    assert evidence["title"]
                    assert evidence["sentence"] in article_text(evidence["document"])


def test_the_us_to_mexico_route_is_attested_by_several_documents(client):
    routes = client.get("/api/flows", params={"country": "Mexico"}).json()["routes"]
    us_mexico = [r for r in routes if r["origin"] and r["origin"]["iri"] == USA and r["destination"]["iri"] == MEXICO]
    assert us_mexico and us_mexico[0]["documents"] >= 2
    assert [r["corroboration"] for r in routes] == sorted((r["corroboration"] for r in routes), reverse=True)


def test_gunmakers_rank_by_centrality_and_communities_are_reproducible(client):
    ranked = client.get("/api/centrality", params={"metric": "betweenness", "type": "Gunmaker"}).json()
    labels = [row["label"] for row in ranked["results"]]
    assert "Smith & Wesson" in labels and all(row["type"] == "Gunmaker" for row in ranked["results"])
    scores = [row["score"] for row in ranked["results"]]
    assert scores == sorted(scores, reverse=True)
    first = client.get("/api/communities", params={"seed": 1}).json()
    assert first["count"] > 1 and first == client.get("/api/communities", params={"seed": 1}).json()
