"""The SPARQL 1.1 Protocol at /sparql: every operation, every format, the dataset parameters, the limits."""

from __future__ import annotations

import io
import json
import threading

import httpx
import pyoxigraph as ox
import pytest
import rdflib
from conftest import (
    COLT,
    SMITH_WESSON,
    LiveServer,
    app_settings,
)
from fastapi.testclient import TestClient
from rdflib.compare import isomorphic
from rdflib.query import Result

from api.app import create_app
from kg.iris import ONTOLOGY, graph_iri
from kg.store import Store

PREFIX = f"PREFIX ffkg: <{ONTOLOGY}>\n"
DEFENDANTS = PREFIX + "SELECT ?maker WHERE { ?suit a ffkg:Lawsuit ; ffkg:defendant ?maker } ORDER BY ?maker"
DEFENDANT_GRAPH = PREFIX + "CONSTRUCT { ?suit ffkg:defendant ?maker } WHERE { ?suit ffkg:defendant ?maker }"
SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
#: Tens of seconds of evaluation on the small world (4 to 10 s without the ten-fold VALUES, 0.2 ms for
#: DEFENDANTS) that write nothing until done: only the deadline stops it, however fast the machine.
SLOW = (
    PREFIX + "SELECT (COUNT(*) AS ?n) WHERE { VALUES ?k { 1 2 3 4 5 6 7 8 9 10 } ?a ?b ?c . ?d ?e ?f . "
    "?g ffkg:mentionedIn ?t FILTER(STRLEN(STR(?c)) + ?k = STRLEN(STR(?f)) + STRLEN(STR(?t)) + ?k) }"
)


def makers(result: Result) -> list[str]:
    return [str(row[0]) for row in result]


def expected_defendant_graph(store: Store) -> rdflib.Graph:
    graph = rdflib.Graph()
    for quad in store.quads():
        if quad.predicate.value == ONTOLOGY + "defendant":
            graph.add(
                (
                    rdflib.URIRef(quad.subject.value),
                    rdflib.URIRef(quad.predicate.value),
                    rdflib.URIRef(quad.object.value),
                )
            )
    return graph


# -- the three ways to send a query ---------------------------------------------------------------------


def test_get_post_form_and_post_direct_give_the_same_answer(client: TestClient) -> None:
    accept = {"accept": "application/sparql-results+json"}
    by_get = client.get("/sparql", params={"query": DEFENDANTS}, headers=accept)
    by_form = client.post("/sparql", data={"query": DEFENDANTS}, headers=accept)
    by_body = client.post("/sparql", content=DEFENDANTS, headers={**accept, "content-type": "application/sparql-query"})
    answers = []
    for response in (by_get, by_form, by_body):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/sparql-results+json")
        answers.append(makers(Result.parse(io.BytesIO(response.content), format="json")))
    assert answers[0] == answers[1] == answers[2] == sorted([COLT, SMITH_WESSON])


@pytest.mark.parametrize(
    ("media_type", "parser"),
    [
        ("application/sparql-results+json", "json"),
        ("application/sparql-results+xml", "xml"),
        ("text/csv", "csv"),
        ("text/tab-separated-values", "tsv"),
    ],
)
def test_select_in_every_results_format(client: TestClient, media_type: str, parser: str) -> None:
    response = client.get("/sparql", params={"query": DEFENDANTS}, headers={"accept": media_type})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    result = Result.parse(io.BytesIO(response.content), format=parser)
    found = [str(row[0]).strip("<>") for row in result]
    assert found == sorted([COLT, SMITH_WESSON])


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [
        ("text/csv;q=0.5, application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/*", "text/csv"),
        ("*/*", "application/sparql-results+json"),
        ("application/json", "application/sparql-results+json"),
        ("image/png, text/tab-separated-values;q=0.1", "text/tab-separated-values"),
        ("*/*, application/sparql-results+json;q=0", "application/sparql-results+xml"),
        ("text/*;q=0.5, text/csv;q=0", "text/tab-separated-values"),
    ],
)
def test_accept_headers_are_negotiated_by_quality_and_wildcards(client: TestClient, accept: str, chosen: str) -> None:
    response = client.get("/sparql", params={"query": DEFENDANTS}, headers={"accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == chosen
    assert "Accept" in response.headers["vary"]


@pytest.mark.parametrize(
    ("media_type", "parser"), [("application/sparql-results+json", "json"), ("application/sparql-results+xml", "xml")]
)
def test_ask_answers_true_and_false(client: TestClient, media_type: str, parser: str) -> None:
    for query, expected in ((PREFIX + "ASK { ?x a ffkg:Lawsuit }", True), (PREFIX + "ASK { ?x a ffkg:Attack }", False)):
        response = client.get("/sparql", params={"query": query}, headers={"accept": media_type})
        assert response.status_code == 200
        assert Result.parse(io.BytesIO(response.content), format=parser).askAnswer is expected


@pytest.mark.parametrize(
    ("media_type", "parser"),
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
    ],
)
def test_construct_in_every_graph_format(client: TestClient, small_store: Store, media_type: str, parser: str) -> None:
    response = client.post("/sparql", data={"query": DEFENDANT_GRAPH}, headers={"accept": media_type})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    graph = rdflib.Graph().parse(data=response.content, format=parser)
    assert len(graph) == 2
    assert isomorphic(graph, expected_defendant_graph(small_store))


def test_describe_returns_the_resource_description(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": f"DESCRIBE <{COLT}>"}, headers={"accept": "text/turtle"})
    assert response.status_code == 200
    graph = rdflib.Graph().parse(data=response.content, format="turtle")
    assert (rdflib.URIRef(COLT), rdflib.RDFS.label, rdflib.Literal("Colt")) in graph


def test_dataset_parameters_pick_the_graphs(client: TestClient) -> None:
    lawsuit_graph = graph_iri("mexico-sues-gunmakers")
    seizure_graph = graph_iri("sonora-seizure")
    titles = PREFIX + "SELECT ?title WHERE { ?d ffkg:title ?title }"
    only_seizure = client.get("/sparql", params={"query": titles, "default-graph-uri": seizure_graph})
    rows = json.loads(only_seizure.content)["results"]["bindings"]
    assert [row["title"]["value"] for row in rows] == ["Cartel rifles seized in Sonora"]

    per_graph = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    response = client.post("/sparql?named-graph-uri=" + lawsuit_graph, data={"query": per_graph})
    graphs = [row["g"]["value"] for row in json.loads(response.content)["results"]["bindings"]]
    assert graphs == [lawsuit_graph]


def test_without_dataset_parameters_the_default_graph_is_the_union(client: TestClient) -> None:
    count = PREFIX + "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a ffkg:Document }"
    body = json.loads(client.get("/sparql", params={"query": count}).content)
    assert body["results"]["bindings"][0]["n"]["value"] == "2"


def test_service_description_without_a_query(client: TestClient) -> None:
    response = client.get("/sparql", headers={"accept": "text/turtle"})
    assert response.status_code == 200
    graph = rdflib.Graph().parse(data=response.content, format="turtle")
    service = graph.value(predicate=rdflib.RDF.type, object=SD.Service)
    assert graph.value(service, SD.endpoint) == rdflib.URIRef("http://testserver/sparql")
    formats = set(graph.objects(service, SD.resultFormat))
    assert rdflib.URIRef("http://www.w3.org/ns/formats/SPARQL_Results_JSON") in formats
    assert (service, SD.supportedLanguage, SD.SPARQL11Update) not in graph


def test_cors_lets_browser_tools_read_but_not_write(writer: TestClient) -> None:
    origin = {"origin": "http://yasgui.example"}
    read = writer.get("/sparql", params={"query": "ASK {}"}, headers=origin)
    assert read.headers["access-control-allow-origin"] == "*"
    preflight = writer.options(
        "/sparql",
        headers={**origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type"},
    )
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert writer.get("/api/stats", headers=origin).headers["access-control-allow-origin"] == "*"
    write_preflight = writer.options("/update", headers={**origin, "access-control-request-method": "POST"})
    assert "access-control-allow-origin" not in write_preflight.headers


# -- bad input ------------------------------------------------------------------------------------------


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == status
    return problem


def test_a_malformed_query_is_400_with_the_parser_message_and_position(client: TestClient) -> None:
    problem = assert_problem(client.get("/sparql", params={"query": "SELECT ?s WHERE {\n  ?s ?p }"}), 400)
    assert problem["line"] == 2
    assert isinstance(problem["column"], int)
    assert f"2:{problem['column']}" in problem["detail"]


@pytest.mark.parametrize("how", ["query", "form-update"])
def test_an_update_sent_to_sparql_is_400_and_changes_nothing(client: TestClient, small_store: Store, how: str) -> None:
    before = set(small_store.quads())
    update = "INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }"
    if how == "query":
        response = client.post("/sparql", data={"query": update})
    else:
        response = client.post("/sparql", data={"update": update})
    problem = assert_problem(response, 400)
    assert "/update" in problem["detail"]
    assert set(small_store.quads()) == before


def test_an_unsupported_accept_is_406_listing_what_is_offered(client: TestClient) -> None:
    select = assert_problem(client.get("/sparql", params={"query": DEFENDANTS}, headers={"accept": "image/png"}), 406)
    assert "application/sparql-results+json" in select["offered"]
    assert "text/turtle" not in select["offered"]
    construct = client.get("/sparql", params={"query": DEFENDANT_GRAPH}, headers={"accept": "text/csv"})
    assert "text/turtle" in assert_problem(construct, 406)["offered"]


def test_an_accept_that_refuses_everything_offered_with_q_0_is_406(client: TestClient) -> None:
    refused = "application/sparql-results+json;q=0, application/json;q=0, */*;q=0"
    assert_problem(client.get("/sparql", params={"query": DEFENDANTS}, headers={"accept": refused}), 406)


@pytest.mark.parametrize(
    ("method", "params", "data"),
    [
        ("GET", [("query", "ASK {}"), ("query", "ASK {}")], None),
        ("POST", [("query", "ASK {}")], {"query": "ASK {}"}),
        ("POST", [], {"query": ["ASK {}", "ASK {}"]}),
        ("POST", [], {"query": "ASK {}", "update": "INSERT DATA {}"}),
        ("GET", [("update", "INSERT DATA {}")], None),
    ],
)
def test_two_queries_or_a_query_and_an_update_are_400(
    client: TestClient, method: str, params: list[tuple[str, str]], data: dict | None
) -> None:
    assert_problem(client.request(method, "/sparql", params=params, data=data), 400)


def test_a_query_in_the_url_and_one_in_the_body_is_400(client: TestClient) -> None:
    response = client.post(
        "/sparql", params={"query": "ASK {}"}, content="ASK {}", headers={"content-type": "application/sparql-query"}
    )
    assert_problem(response, 400)


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        ("ASK {}".encode("utf-16"), "application/sparql-query"),
        (b"query=ASK%20%7B%7D%FF", "application/x-www-form-urlencoded"),
    ],
)
def test_a_body_that_is_not_utf8_is_400_saying_so(client: TestClient, content: bytes, content_type: str) -> None:
    problem = assert_problem(client.post("/sparql", content=content, headers={"content-type": content_type}), 400)
    assert "UTF-8" in problem["detail"]


def test_a_body_of_unknown_type_is_415(client: TestClient) -> None:
    response = client.post("/sparql", content=b"ASK {}", headers={"content-type": "text/plain"})
    assert_problem(response, 415)


def test_a_bad_dataset_iri_is_400(client: TestClient) -> None:
    assert_problem(client.get("/sparql", params={"query": "ASK {}", "default-graph-uri": "not an iri"}), 400)


def test_a_body_over_max_body_bytes_is_413_naming_the_limit(small_store: Store) -> None:
    with TestClient(create_app(app_settings(max_body_bytes=100), small_store)) as client:
        query = "SELECT * WHERE { ?s ?p ?o } # " + "x" * 200
        problem = assert_problem(client.post("/sparql", data={"query": query}), 413)
        assert problem["limit"] == "max_body_bytes"


def test_service_is_refused_unless_allowed_but_the_word_in_a_string_is_fine(client: TestClient) -> None:
    for keyword in ("SERVICE", "sErViCe"):  # keywords are case-insensitive: the quick look for the word must be too
        federated = f"SELECT * WHERE {{ {keyword} <http://169.254.169.254/latest> {{ ?s ?p ?o }} }}"
        problem = assert_problem(client.get("/sparql", params={"query": federated}), 403)
        assert "FFKG_ALLOW_SERVICE" in problem["detail"]
    harmless = PREFIX + 'SELECT ?e WHERE { ?e ffkg:key ?k FILTER(CONTAINS(?k, "service")) } # no SERVICE here'
    assert client.get("/sparql", params={"query": harmless}).status_code == 200


def test_service_when_allowed_federates_with_another_endpoint(small_store: Store) -> None:
    with LiveServer(create_app(app_settings(allow_service=True), small_store)) as server:
        federated = (
            PREFIX + f"SELECT ?maker WHERE {{ SERVICE <{server.url}/sparql> {{ ?suit ffkg:defendant ?maker }} }}"
        )
        response = httpx.get(f"{server.url}/sparql", params={"query": federated}, timeout=60)
        found = sorted(row["maker"]["value"] for row in response.json()["results"]["bindings"])
        assert found == sorted([COLT, SMITH_WESSON])


# -- limits ---------------------------------------------------------------------------------------------


def wide_store(rows: int) -> Store:
    """A store with `rows` subjects whose literals contain the characters the row counter must not trip on."""
    store = Store.memory()
    predicate = ox.NamedNode("urn:x:says")
    tricky = '[{ ,{ {"s": "<result>" \t},{ '
    store.replace_graph(
        "urn:x:g",
        [
            ox.Triple(ox.NamedNode(f"urn:x:s{i}"), predicate, ox.Literal(tricky if i % 2 else str(i)))
            for i in range(rows)
        ],
    )
    return store


@pytest.mark.parametrize(
    "media_type",
    ["application/sparql-results+json", "application/sparql-results+xml", "text/csv", "text/tab-separated-values"],
)
def test_the_row_cap_lets_exactly_the_limit_through_and_refuses_one_more(media_type: str) -> None:
    query = "SELECT ?s ?o WHERE { ?s ?p ?o }"
    with TestClient(create_app(app_settings(max_result_rows=40), wide_store(40))) as client:
        assert client.get("/sparql", params={"query": query}, headers={"accept": media_type}).status_code == 200
    with TestClient(create_app(app_settings(max_result_rows=40), wide_store(41))) as client:
        response = client.get("/sparql", params={"query": query}, headers={"accept": media_type})
        problem = assert_problem(response, 422)
        assert problem["limit"] == "max_result_rows"
        assert problem["value"] == 40


def test_rows_without_bindings_count_towards_the_cap() -> None:
    query = "SELECT ?unbound WHERE { ?s ?p ?o }"
    with TestClient(create_app(app_settings(max_result_rows=40), wide_store(41))) as client:
        assert assert_problem(client.get("/sparql", params={"query": query}), 422)["limit"] == "max_result_rows"


def test_answers_larger_than_the_stream_threshold_arrive_whole() -> None:
    store = wide_store(30_000)
    with TestClient(create_app(app_settings(), store)) as client:
        response = client.get("/sparql", params={"query": "SELECT ?s ?o WHERE { ?s ?p ?o }"})
        assert response.status_code == 200
        assert len(response.content) > 1 << 20
        assert len(json.loads(response.content)["results"]["bindings"]) == 30_000


def test_a_limit_hit_after_streaming_began_cuts_the_connection_instead_of_ending_cleanly() -> None:
    settings = app_settings(max_result_rows=25_000)
    with LiveServer(create_app(settings, wide_store(30_000))) as server:
        with pytest.raises(httpx.RemoteProtocolError):
            httpx.get(f"{server.url}/sparql", params={"query": "SELECT ?s ?o WHERE { ?s ?p ?o }"}, timeout=60)
        assert httpx.get(f"{server.url}/health", timeout=60).status_code == 200


def test_a_slow_query_gets_the_timeout_error_and_others_are_still_served(small_store: Store) -> None:
    # The deadline is thousands of times what DEFENDANTS needs even on a loaded machine, and SLOW needs
    # several times the deadline even on a fast one: neither side's answer depends on the machine.
    settings = app_settings(query_timeout=5.0, query_workers=2)
    with LiveServer(create_app(settings, small_store)) as server:
        slow: dict[str, httpx.Response] = {}
        thread = threading.Thread(
            target=lambda: slow.setdefault("r", httpx.get(f"{server.url}/sparql", params={"query": SLOW}, timeout=60))
        )
        thread.start()
        others = [httpx.get(f"{server.url}/sparql", params={"query": DEFENDANTS}, timeout=60) for _ in range(3)]
        thread.join(timeout=60)
        assert [r.status_code for r in others] == [200, 200, 200]
        problem = assert_problem(slow["r"], 503)
        assert problem["limit"] == "query_timeout"
        assert "query_timeout" in problem["detail"]
        after = httpx.get(f"{server.url}/sparql", params={"query": DEFENDANTS}, timeout=60)
        assert after.status_code == 200


def test_when_every_worker_is_stuck_new_queries_get_a_limit_error_not_a_hang(small_store: Store) -> None:
    with TestClient(create_app(app_settings(query_timeout=0.3, query_workers=1), small_store)) as client:
        assert_problem(client.get("/sparql", params={"query": SLOW}), 503)
        problem = assert_problem(client.get("/sparql", params={"query": DEFENDANTS}), 503)
        assert problem["limit"] in {"query_workers", "query_timeout"}
        assert client.get("/health").status_code == 200
