"""Writes: SPARQL Update at /update and the Graph Store protocol, both behind the bearer token."""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import rdflib
from conftest import TOKEN, LiveServer, app_settings
from fastapi.testclient import TestClient
from rdflib.compare import isomorphic

from api.app import create_app
from kg.iris import ONTOLOGY, graph_iri
from kg.store import Store

AUTH = {"authorization": f"Bearer {TOKEN}"}
NEW_GRAPH = "https://example.org/graph/notes"
NOTES = """@prefix ex: <https://example.org/> .
ex:memo ex:about ex:colt ; ex:says "traced to a dealer in Arizona" .
_:b ex:note "a blank node survives" .
"""
MORE = '<https://example.org/memo> <https://example.org/says> "second statement" .\n'


def graph_of(store: Store, graph: str) -> rdflib.Graph:
    data = rdflib.Graph()
    for quad in store.quads(graph):
        data.parse(data=f"{quad.subject} {quad.predicate} {quad.object} .", format="nt")
    return data


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    return response.json()


# -- SPARQL Update ---------------------------------------------------------------------------------------


def test_update_by_form_and_by_body_changes_the_store(writer: TestClient, small_store: Store) -> None:
    insert = 'INSERT DATA { GRAPH <urn:x:g> { <urn:x:a> <urn:x:b> "one" } }'
    assert writer.post("/update", data={"update": insert}, headers=AUTH).status_code == 204
    delete = (
        'DELETE DATA { GRAPH <urn:x:g> { <urn:x:a> <urn:x:b> "one" } } ; '
        'INSERT DATA { GRAPH <urn:x:g> { <urn:x:a> <urn:x:b> "two" } }'
    )
    response = writer.post("/update", content=delete, headers={**AUTH, "content-type": "application/sparql-update"})
    assert response.status_code == 204
    values = [q.object.value for q in small_store.quads("urn:x:g")]
    assert values == ["two"]


def test_an_update_is_visible_to_the_next_query(writer: TestClient) -> None:
    writer.post("/update", data={"update": "INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }"}, headers=AUTH)
    answer = writer.get("/sparql", params={"query": "ASK { <urn:x:a> <urn:x:b> <urn:x:c> }"})
    assert answer.json()["boolean"] is True


def test_a_malformed_update_is_400_with_position_and_changes_nothing(writer: TestClient, small_store: Store) -> None:
    before = set(small_store.quads())
    problem = assert_problem(writer.post("/update", data={"update": "INSERT DATA { <urn:x:a> }"}, headers=AUTH), 400)
    assert problem["line"] == 1
    assert set(small_store.quads()) == before


def test_a_query_sent_to_update_says_where_it_belongs(writer: TestClient) -> None:
    problem = assert_problem(writer.post("/update", data={"update": "SELECT * WHERE { ?s ?p ?o }"}, headers=AUTH), 400)
    assert "/sparql" in problem["detail"]


@pytest.mark.parametrize(
    ("update", "keyword"),
    [
        ("LOAD <http://169.254.169.254/latest/meta-data>", "LOAD"),
        ("# a banner\nload <http://127.0.0.1:1/x> INTO GRAPH <urn:x:g>", "LOAD"),
        ("INSERT { ?s ?p ?o } WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }", "SERVICE"),
    ],
)
def test_updates_that_would_fetch_urls_are_403_unless_allowed(
    writer: TestClient, small_store: Store, update: str, keyword: str
) -> None:
    before = set(small_store.quads())
    problem = assert_problem(writer.post("/update", data={"update": update}, headers=AUTH), 403)
    assert keyword in problem["detail"]
    assert "FFKG_ALLOW_REMOTE_FETCH" in problem["detail"]
    assert set(small_store.quads()) == before
    harmless = 'INSERT DATA { <urn:x:a> <urn:x:says> "LOAD <http://x> and SERVICE" }'
    assert writer.post("/update", data={"update": harmless}, headers=AUTH).status_code == 204


def test_load_runs_when_the_setting_allows_it(small_store: Store) -> None:
    settings = app_settings(write_token=TOKEN, allow_remote_fetch=True)
    with LiveServer(create_app(settings, small_store)) as server:
        source = f"{server.url}/graph-store?graph={graph_iri('sonora-seizure')}"
        load = f"LOAD <{source}> INTO GRAPH <{NEW_GRAPH}>"
        response = httpx.post(f"{server.url}/update", data={"update": load}, headers=AUTH, timeout=60)
        assert response.status_code == 204
        missing = f"LOAD <{server.url}/nowhere.ttl> INTO GRAPH <{NEW_GRAPH}>"
        failed = httpx.post(f"{server.url}/update", data={"update": missing}, headers=AUTH, timeout=60)
        assert failed.status_code in (400, 502)  # 502: a remote store's server failed the LOAD
        assert failed.headers["content-type"] == "application/problem+json"
    assert isomorphic(graph_of(small_store, NEW_GRAPH), graph_of(small_store, graph_iri("sonora-seizure")))


def test_protocol_dataset_parameters_pick_what_an_update_reads(writer: TestClient, small_store: Store) -> None:
    copy = f"INSERT {{ GRAPH <urn:x:copy> {{ ?d <urn:x:title> ?t }} }} WHERE {{ ?d <{ONTOLOGY}title> ?t }}"
    seizure = graph_iri("sonora-seizure")
    response = writer.post("/update", data={"update": copy, "using-graph-uri": seizure}, headers=AUTH)
    assert response.status_code == 204
    titles = {quad.object.value for quad in small_store.quads("urn:x:copy")}
    assert titles == {"Cartel rifles seized in Sonora"}


def test_dataset_parameters_with_using_or_with_in_the_update_are_400(writer: TestClient) -> None:
    update = "WITH <urn:x:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }"
    params = {"using-named-graph-uri": "urn:x:other"}
    problem = assert_problem(writer.post("/update", params=params, data={"update": update}, headers=AUTH), 400)
    assert "WITH" in problem["detail"]


def test_relative_iris_of_an_update_resolve_against_the_endpoint(writer: TestClient, small_store: Store) -> None:
    update = "INSERT DATA { GRAPH <urn:x:g> { <notes/1> <says> 'hello' } }"
    assert writer.post("/update", data={"update": update}, headers=AUTH).status_code == 204
    assert [quad.subject.value for quad in small_store.quads("urn:x:g")] == ["http://testserver/notes/1"]


@pytest.mark.parametrize(
    ("params", "data"),
    [
        ({}, {"update": ["INSERT DATA {}", "INSERT DATA {}"]}),
        ({"update": "INSERT DATA {}"}, {"update": "INSERT DATA {}"}),
        ({}, {"update": "INSERT DATA {}", "query": "ASK {}"}),
        ({"query": "ASK {}"}, {"update": "INSERT DATA {}"}),
    ],
)
def test_anything_but_exactly_one_update_is_400(writer: TestClient, params: dict, data: dict) -> None:
    assert_problem(writer.post("/update", params=params, data=data, headers=AUTH), 400)


@pytest.mark.parametrize(
    ("headers", "status"),
    [({}, 401), ({"authorization": "Bearer wrong-token"}, 403), ({"authorization": f"Basic {TOKEN}"}, 401)],
)
def test_writes_without_the_right_token_are_refused_and_change_nothing(
    writer: TestClient, small_store: Store, headers: dict, status: int
) -> None:
    before = set(small_store.quads())
    lawsuit = graph_iri("mexico-sues-gunmakers")
    responses = [
        writer.post("/update", data={"update": "CLEAR ALL"}, headers=headers),
        writer.put(
            f"/graph-store?graph={NEW_GRAPH}", content=NOTES, headers={**headers, "content-type": "text/turtle"}
        ),
        writer.post(
            f"/graph-store?graph={lawsuit}", content=MORE, headers={**headers, "content-type": "application/n-triples"}
        ),
        writer.delete(f"/graph-store?graph={lawsuit}", headers=headers),
    ]
    for response in responses:
        problem = assert_problem(response, status)
        assert TOKEN not in response.text
        assert "wrong-token" not in problem["detail"]
    if status == 401:
        assert responses[0].headers["www-authenticate"].startswith("Bearer")
    assert set(small_store.quads()) == before


def test_without_a_configured_token_writes_are_off(client: TestClient, small_store: Store) -> None:
    before = set(small_store.quads())
    problem = assert_problem(client.post("/update", data={"update": "CLEAR ALL"}, headers=AUTH), 403)
    assert "FFKG_WRITE_TOKEN" in problem["detail"]
    assert set(small_store.quads()) == before


def test_the_token_never_reaches_the_logs(writer: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    writer.post("/update", data={"update": "CLEAR ALL"}, headers={"authorization": "Bearer not-it"})
    writer.post("/update", data={"update": "INSERT DATA { <urn:x:a> <urn:x:b> 1 }"}, headers=AUTH)
    assert TOKEN not in caplog.text
    assert "not-it" not in caplog.text


# -- Graph Store protocol --------------------------------------------------------------------------------


def test_put_creates_then_replaces_a_graph(writer: TestClient, small_store: Store) -> None:
    created = writer.put(
        f"/graph-store?graph={NEW_GRAPH}", content=NOTES, headers={**AUTH, "content-type": "text/turtle"}
    )
    assert created.status_code == 201
    assert isomorphic(graph_of(small_store, NEW_GRAPH), rdflib.Graph().parse(data=NOTES, format="turtle"))
    replaced = writer.put(
        f"/graph-store?graph={NEW_GRAPH}", content=MORE, headers={**AUTH, "content-type": "application/n-triples"}
    )
    assert replaced.status_code == 204
    assert isomorphic(graph_of(small_store, NEW_GRAPH), rdflib.Graph().parse(data=MORE, format="nt"))


@pytest.mark.parametrize(
    ("media_type", "parser"),
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
    ],
)
def test_get_returns_exactly_the_graph(writer: TestClient, small_store: Store, media_type: str, parser: str) -> None:
    lawsuit = graph_iri("mexico-sues-gunmakers")
    response = writer.get("/graph-store", params={"graph": lawsuit}, headers={"accept": media_type})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    assert isomorphic(rdflib.Graph().parse(data=response.content, format=parser), graph_of(small_store, lawsuit))


def test_head_answers_like_get_without_a_body(writer: TestClient) -> None:
    lawsuit = graph_iri("mexico-sues-gunmakers")
    head = writer.head("/graph-store", params={"graph": lawsuit}, headers={"accept": "text/turtle"})
    assert head.status_code == 200
    assert head.headers["content-type"].startswith("text/turtle")
    assert head.content == b""
    assert writer.head("/graph-store", params={"graph": NEW_GRAPH}).status_code == 404


def default_graph(client: TestClient) -> rdflib.Graph:
    response = client.get("/graph-store?default", headers={"accept": "application/n-triples"})
    assert response.status_code == 200
    return rdflib.Graph().parse(data=response.content, format="nt")


def test_the_default_graph_holds_what_users_write_there_and_documents_stay_in_theirs(
    writer: TestClient, small_store: Store
) -> None:
    documents = {graph: graph_of(small_store, graph) for graph in small_store.graphs()}
    assert len(default_graph(writer)) == 0
    put = writer.put("/graph-store?default", content=NOTES, headers={**AUTH, "content-type": "text/turtle"})
    assert put.status_code == 204
    post = writer.post("/graph-store?default", content=MORE, headers={**AUTH, "content-type": "application/n-triples"})
    assert post.status_code == 204
    expected = rdflib.Graph().parse(data=NOTES, format="turtle").parse(data=MORE, format="nt")
    assert isomorphic(default_graph(writer), expected)
    seen = writer.get("/sparql", params={"query": "ASK { <https://example.org/memo> ?p ?o }"})
    assert seen.json()["boolean"] is True
    replaced = writer.put(
        "/graph-store?default", content=MORE, headers={**AUTH, "content-type": "application/n-triples"}
    )
    assert replaced.status_code == 204
    assert isomorphic(default_graph(writer), rdflib.Graph().parse(data=MORE, format="nt"))
    assert writer.delete("/graph-store?default", headers=AUTH).status_code == 204
    assert len(default_graph(writer)) == 0
    assert {graph: graph_of(small_store, graph) for graph in small_store.graphs()}.keys() == documents.keys()
    for graph, triples in documents.items():
        assert isomorphic(graph_of(small_store, graph), triples)


def test_a_multipart_post_adds_every_file(writer: TestClient) -> None:
    files = [
        ("notes", ("notes.ttl", NOTES.encode(), "text/turtle")),
        ("more", ("more.nt", MORE.encode(), "application/octet-stream")),
    ]
    response = writer.post(f"/graph-store?graph={NEW_GRAPH}", files=files, headers=AUTH)
    assert response.status_code == 201
    expected = rdflib.Graph().parse(data=NOTES, format="turtle").parse(data=MORE, format="nt")
    got = writer.get(f"/graph-store?graph={NEW_GRAPH}", headers={"accept": "application/n-triples"})
    assert isomorphic(rdflib.Graph().parse(data=got.content, format="nt"), expected)
    unknown = writer.post("/graph-store?default", files=[("x", ("x.bin", b"??", "image/png"))], headers=AUTH)
    assert_problem(unknown, 415)


def test_post_merges_into_a_graph(writer: TestClient, small_store: Store) -> None:
    writer.put(f"/graph-store?graph={NEW_GRAPH}", content=NOTES, headers={**AUTH, "content-type": "text/turtle"})
    merged = writer.post(
        f"/graph-store?graph={NEW_GRAPH}", content=MORE, headers={**AUTH, "content-type": "application/n-triples"}
    )
    assert merged.status_code == 204
    expected = rdflib.Graph().parse(data=NOTES, format="turtle").parse(data=MORE, format="nt")
    assert isomorphic(graph_of(small_store, NEW_GRAPH), expected)


def test_concurrent_posts_to_one_graph_lose_nothing(live_server: LiveServer, small_store: Store) -> None:
    """Each POST is one atomic insert, not a read of the graph and a write of it back with the new triples."""

    def post(client: int) -> int:
        body = "".join(f'<urn:x:c{client}> <urn:x:n> "{n}" .\n' for n in range(20))
        headers = {**AUTH, "content-type": "application/n-triples"}
        target = f"{live_server.url}/graph-store?graph={NEW_GRAPH}"
        return httpx.post(target, content=body, headers=headers, timeout=60).status_code

    with ThreadPoolExecutor(max_workers=8) as clients:
        statuses = list(clients.map(post, range(16)))
    assert set(statuses) <= {201, 204}
    assert len(graph_of(small_store, NEW_GRAPH)) == 16 * 20


def test_post_without_a_graph_creates_a_new_one(writer: TestClient, small_store: Store) -> None:
    response = writer.post("/graph-store", content=MORE, headers={**AUTH, "content-type": "application/n-triples"})
    assert response.status_code == 201
    location = response.headers["location"]
    assert small_store.has_graph(location)
    assert isomorphic(graph_of(small_store, location), rdflib.Graph().parse(data=MORE, format="nt"))


def test_delete_removes_only_that_graph(writer: TestClient, small_store: Store) -> None:
    lawsuit, seizure = graph_iri("mexico-sues-gunmakers"), graph_iri("sonora-seizure")
    kept = set(small_store.quads(seizure))
    assert writer.delete("/graph-store", params={"graph": lawsuit}, headers=AUTH).status_code == 204
    assert not small_store.has_graph(lawsuit)
    assert set(small_store.quads(seizure)) == kept
    assert_problem(writer.delete("/graph-store", params={"graph": lawsuit}, headers=AUTH), 404)
    assert_problem(writer.get("/graph-store", params={"graph": lawsuit}), 404)


def test_a_malformed_body_is_400_naming_the_line_and_changes_nothing(writer: TestClient, small_store: Store) -> None:
    lawsuit = graph_iri("mexico-sues-gunmakers")
    before = set(small_store.quads(lawsuit))
    bad = MORE + "<https://example.org/x> <https://example.org/y> .\n"
    response = writer.put(
        f"/graph-store?graph={lawsuit}", content=bad, headers={**AUTH, "content-type": "application/n-triples"}
    )
    assert ":2" in assert_problem(response, 400)["detail"]
    assert set(small_store.quads(lawsuit)) == before


def test_an_unknown_body_type_is_415(writer: TestClient) -> None:
    response = writer.put(
        f"/graph-store?graph={NEW_GRAPH}", content=b"x", headers={**AUTH, "content-type": "image/png"}
    )
    assert_problem(response, 415)


def test_graph_and_default_together_or_neither_is_400(writer: TestClient) -> None:
    assert_problem(writer.get(f"/graph-store?default&graph={NEW_GRAPH}"), 400)
    assert_problem(writer.get("/graph-store"), 400)
    assert_problem(writer.delete("/graph-store?graph=not-an-iri", headers=AUTH), 400)


def test_reads_of_the_graph_store_need_no_token(small_store: Store) -> None:
    with TestClient(create_app(app_settings(write_token=TOKEN), small_store)) as client:
        response = client.get("/graph-store", params={"graph": graph_iri("sonora-seizure")})
        assert response.status_code == 200
        assert len(rdflib.Graph().parse(data=response.content, format="turtle")) == len(
            list(small_store.quads(graph_iri("sonora-seizure")))
        )


def test_an_oversized_body_is_413_and_changes_nothing(small_store: Store) -> None:
    with TestClient(create_app(app_settings(write_token=TOKEN, max_body_bytes=64), small_store)) as client:
        body = "".join(f'<urn:x:s{i}> <urn:x:p> "{i}" .\n' for i in range(20))
        response = client.put(
            f"/graph-store?graph={NEW_GRAPH}", content=body, headers={**AUTH, "content-type": "application/n-triples"}
        )
        assert assert_problem(response, 413)["limit"] == "max_body_bytes"
        assert not small_store.has_graph(NEW_GRAPH)


def test_queries_after_writes_on_disk_see_each_write_and_leave_one_snapshot(tmp_path) -> None:
    """Worker processes read per-revision snapshots; superseded ones are deleted once unread."""
    store = Store.open(tmp_path / "store")
    settings = app_settings(in_memory=False, data_dir=tmp_path, write_token=TOKEN)
    with TestClient(create_app(settings, store)) as client:
        for round_ in range(5):
            put = client.put(
                f"/graph-store?graph={NEW_GRAPH}{round_}",
                content=f'<urn:x> <urn:round> "{round_}" .',
                headers={**AUTH, "content-type": "application/n-triples"},
            )
            assert put.status_code in (201, 204)
            answer = client.get(
                "/sparql",
                params={"query": "SELECT (COUNT(*) AS ?n) { ?s <urn:round> ?o }"},
                headers={"accept": "application/sparql-results+json"},
            )
            assert answer.json()["results"]["bindings"][0]["n"]["value"] == str(round_ + 1)
        # The server also publishes each revision for read-only commands, on its own beat: once it has
        # caught up with the last write, only the latest revision's snapshot is left.
        deadline = time.monotonic() + 60
        while len(snapshots := list((tmp_path / "store.snapshots").iterdir())) > 1 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(snapshots) == 1
    assert not (tmp_path / "store.snapshots").exists()  # shutdown removes them, before the store closes
    store.close()
