"""Routes that read the store: off the event loop, under the query deadline, with figures cached per revision.

The slow store is deterministic: its queries block on an Event the test releases, never on the
machine's speed. Deadlines that must pass are short; everything that must not pass waits generously.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pyoxigraph as ox
import pytest
from conftest import COLT, LiveServer, app_settings, fill, lawsuit_extraction, seizure_extraction
from fastapi.testclient import TestClient

from api.app import create_app
from kg import lookup
from kg.store import Store

#: Every GET route that reads the store (its OpenAPI path, a URL that makes it read).
READ_ROUTES = [
    ("/api/entities", "/api/entities?q=colt"),
    ("/api/entities/{name}", "/api/entities/Colt"),
    ("/api/documents", "/api/documents"),
    ("/api/documents/{key}", "/api/documents/sonora-seizure"),
    ("/api/triples", "/api/triples"),
    ("/api/stats", "/api/stats"),
    ("/api/centrality", "/api/centrality"),
    ("/api/communities", "/api/communities"),
    ("/api/neighbors/{name}", "/api/neighbors/Colt"),
    ("/api/paths", "/api/paths?source=Colt&target=Mexico"),
    ("/api/flows", "/api/flows"),
    ("/", "/?format=json"),
    ("/view/search", "/view/search?q=Colt"),
    ("/view/graph", "/view/graph?format=json"),
    ("/view/entity/{key}", "/view/entity/org/colt?format=json"),
    ("/view/path", "/view/path?source=Colt&target=Mexico&format=json"),
    ("/view/flows", "/view/flows?format=json"),
    ("/view/timeline", "/view/timeline?format=json"),
    ("/view/evidence", "/view/evidence?node=org/colt"),
    ("/view/review", "/view/review?format=json"),
    ("/view/document/{key}", "/view/document/sonora-seizure?format=json"),
    ("/api/search", "/api/search?q=colt"),
    ("/search", "/search?q=Colt"),
    ("/api/export/network.{format_name}", "/api/export/network.gexf"),
    ("/api/export/{table}.csv", "/api/export/documents.csv"),
    ("/api/curation/decisions", "/api/curation/decisions"),
    ("/api/curation/candidates", "/api/curation/candidates"),
]
#: Routes that answer people with a page, even when the read fails.
PAGES = ("/view/search", "/search")
GENEROUS = 60.0


class SlowStore(Store):
    """An in-memory store whose queries, once `stall` is set, wait until the test releases them."""

    def __init__(self) -> None:
        super().__init__(ox.Store())
        self.stall = False
        self.entered = threading.Event()
        self.release = threading.Event()
        self.queries: list[str] = []
        self.stats_computed = 0

    def query(self, sparql: str, **options: Any) -> Any:
        self.queries.append(sparql)
        if self.stall:
            self.entered.set()
            self.release.wait(GENEROUS)
        return super().query(sparql, **options)

    def stats(self) -> dict[str, Any]:
        self.stats_computed += 1
        return super().stats()


@pytest.fixture
def slow_store() -> Iterator[SlowStore]:
    store = SlowStore()
    fill(store, lawsuit_extraction(), seizure_extraction())
    yield store
    store.release.set()


@pytest.mark.parametrize("route", [url for _, url in READ_ROUTES if not url.startswith(PAGES)])
def test_a_read_past_the_deadline_is_a_503_problem_naming_the_setting(slow_store: SlowStore, route: str) -> None:
    slow_store.stall = True
    with TestClient(create_app(app_settings(query_timeout=0.2), slow_store)) as client:
        response = client.get(route)
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["limit"] == "query_timeout"
    assert "FFKG_QUERY_TIMEOUT" in problem["detail"]


@pytest.mark.parametrize("route", ["/view/graph", "/view/search?q=Colt", "/search?q=Colt"])
def test_a_view_page_past_the_deadline_explains_in_html(slow_store: SlowStore, route: str) -> None:
    slow_store.stall = True
    with TestClient(create_app(app_settings(query_timeout=0.2), slow_store)) as client:
        response = client.get(route, follow_redirects=False)
    assert response.status_code == 503
    assert response.headers["content-type"].startswith("text/html")
    assert "query_timeout" in response.text


def test_health_answers_while_reads_hang(slow_store: SlowStore) -> None:
    """Every read slot is taken by a read that hangs; the server still answers /health and then the reads."""
    settings = app_settings(query_timeout=GENEROUS, query_workers=2)
    with LiveServer(create_app(settings, slow_store)) as server, httpx.Client(timeout=GENEROUS) as http:
        slow_store.stall = True
        answers: list[httpx.Response] = []
        readers = [
            threading.Thread(target=lambda: answers.append(http.get(f"{server.url}/api/entities?q=colt")))
            for _ in range(3)
        ]
        for reader in readers:
            reader.start()
        assert slow_store.entered.wait(GENEROUS)
        health = http.get(f"{server.url}/health")
        assert health.status_code == 200
        assert answers == []  # the reads are still hanging: /health did not wait for them
        slow_store.stall = False
        slow_store.release.set()
        for reader in readers:
            reader.join(GENEROUS)
    assert [answer.status_code for answer in answers] == [200, 200, 200]


def test_every_read_route_documents_its_503(slow_store: SlowStore) -> None:
    with TestClient(create_app(app_settings(), slow_store)) as client:
        paths = client.get("/openapi.json").json()["paths"]
    for template, _ in READ_ROUTES:
        assert "503" in paths[template]["get"]["responses"], template


def test_triples_are_counted_once_per_revision(slow_store: SlowStore) -> None:
    def counts() -> int:
        return sum("COUNT(*)" in q for q in slow_store.queries)

    with TestClient(create_app(app_settings(), slow_store)) as client:
        first = client.get("/api/triples?limit=5").json()
        second = client.get("/api/triples?limit=5&offset=5").json()
        assert counts() == 1
        assert first["total"] == second["total"]
        assert first["next"] and second["triples"] != first["triples"]
        slow_store.update("INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }")
        third = client.get("/api/triples?limit=5").json()
    assert counts() == 2
    assert third["total"] == first["total"] + 1


def test_stats_and_landing_figures_are_computed_once_per_revision(slow_store: SlowStore) -> None:
    with TestClient(create_app(app_settings(), slow_store)) as client:
        for route in ("/api/stats", "/?format=json", "/api/stats", "/?format=json"):
            assert client.get(route).status_code == 200
        assert slow_store.stats_computed == 1
        slow_store.update("INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }")
        assert client.get("/api/stats").json()["revision"] == slow_store.revision()
    assert slow_store.stats_computed == 2


def test_name_lookup_reads_the_names_once_per_revision(slow_store: SlowStore) -> None:
    def name_reads() -> int:
        return sum("skos:altLabel ?name" in q for q in slow_store.queries)

    for name in ("Colt", "colt", "Colt's Manufacturing Company"):
        assert lookup.resolve_entity(slow_store, name) == COLT
    assert name_reads() == 1
    slow_store.update(
        'INSERT DATA { <urn:x:colt2> <https://w3id.org/ffkg/ontology#key> "org/colt2" ;'
        ' <http://www.w3.org/2000/01/rdf-schema#label> "Colt Two" }'
    )
    assert lookup.resolve_entity(slow_store, "Colt Two") == "urn:x:colt2"
    assert name_reads() == 2


def test_close_matches_come_from_the_fuzzy_matcher(slow_store: SlowStore) -> None:
    index = lookup.name_index(slow_store)
    assert lookup.close_names(index, "Sinaloa Cartell")[0] == "Sinaloa Cartel"
    assert lookup.close_names(index, "zzzzqqqq") == []


@pytest.mark.parametrize(
    "route",
    ["/api/entities?limit=50", "/api/documents?limit=50", "/api/triples?limit=50", "/api/centrality?limit=50"],
)
def test_an_answer_listing_more_than_the_row_cap_is_refused_naming_it(slow_store: SlowStore, route: str) -> None:
    with TestClient(create_app(app_settings(max_result_rows=10), slow_store)) as client:
        refused = client.get(route)
        allowed = client.get(route.replace("limit=50", "limit=10"))
    assert refused.status_code == 422
    assert refused.json()["limit"] == "max_result_rows"
    assert allowed.status_code == 200, allowed.text
