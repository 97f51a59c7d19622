"""Real research clients against a live server on 127.0.0.1: SPARQLWrapper, rdflib's SPARQL stores, `ffkg serve`."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.error import HTTPError

import httpx
import pytest
import rdflib
from click.testing import CliRunner
from conftest import COLT, SMITH_WESSON, TOKEN, LiveServer, fill, free_port, lawsuit_extraction, seizure_extraction
from rdflib.compare import isomorphic
from rdflib.plugins.stores.sparqlstore import SPARQLStore, SPARQLUpdateStore
from SPARQLWrapper import JSON, POST, RDFXML, TURTLE, XML, SPARQLWrapper

from kg.cli import main
from kg.iris import ONTOLOGY
from kg.store import Store

FFKG = rdflib.Namespace(ONTOLOGY)
PREFIX = f"PREFIX ffkg: <{ONTOLOGY}>\n"
DEFENDANTS = PREFIX + "SELECT ?maker WHERE { ?suit a ffkg:Lawsuit ; ffkg:defendant ?maker } ORDER BY ?maker"
DEFENDANT_GRAPH = PREFIX + "CONSTRUCT { ?suit ffkg:defendant ?maker } WHERE { ?suit ffkg:defendant ?maker }"
MAKERS = sorted([COLT, SMITH_WESSON])


def defendant_graph(store: Store) -> rdflib.Graph:
    graph = rdflib.Graph()
    for quad in store.quads():
        if quad.predicate.value == ONTOLOGY + "defendant":
            graph.add((rdflib.URIRef(quad.subject.value), FFKG.defendant, rdflib.URIRef(quad.object.value)))
    return graph


# -- SPARQLWrapper ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", POST])
def test_sparqlwrapper_json_results(live_server: LiveServer, method: str) -> None:
    client = SPARQLWrapper(f"{live_server.url}/sparql")
    client.setQuery(DEFENDANTS)
    client.setReturnFormat(JSON)
    client.setMethod(method)
    results = client.query().convert()
    assert [row["maker"]["value"] for row in results["results"]["bindings"]] == MAKERS


def test_sparqlwrapper_xml_results(live_server: LiveServer) -> None:
    client = SPARQLWrapper(f"{live_server.url}/sparql")
    client.setQuery(DEFENDANTS)
    client.setReturnFormat(XML)
    document = client.query().convert()
    uris = [node.firstChild.data for node in document.getElementsByTagName("uri")]
    assert uris == MAKERS


@pytest.mark.parametrize("return_format", [RDFXML, TURTLE])
def test_sparqlwrapper_construct_into_an_rdflib_graph(
    live_server: LiveServer, small_store: Store, return_format: str
) -> None:
    client = SPARQLWrapper(f"{live_server.url}/sparql")
    client.setQuery(DEFENDANT_GRAPH)
    client.setReturnFormat(return_format)
    converted = client.query().convert()
    graph = converted if isinstance(converted, rdflib.Graph) else rdflib.Graph().parse(data=converted, format="turtle")
    assert isomorphic(graph, defendant_graph(small_store))


def test_sparqlwrapper_sees_a_malformed_query_as_a_400(live_server: LiveServer) -> None:
    client = SPARQLWrapper(f"{live_server.url}/sparql")
    client.setQuery("SELECT ?s WHERE { ?s ?p }")
    client.setReturnFormat(JSON)
    with pytest.raises(Exception, match="400|QueryBadFormed"):
        client.query()


# -- rdflib SPARQLStore / SPARQLUpdateStore --------------------------------------------------------------


def test_rdflib_sparqlstore_reads(live_server: LiveServer) -> None:
    graph = rdflib.Graph(store=SPARQLStore(f"{live_server.url}/sparql"))
    assert sorted(str(row[0]) for row in graph.query(DEFENDANTS)) == MAKERS
    labels = set(graph.objects(rdflib.URIRef(COLT), rdflib.RDFS.label))
    assert labels == {rdflib.Literal("Colt")}
    assert graph.query(PREFIX + "ASK { ?x a ffkg:Seizure }").askAnswer is True


def updating_store(server: LiveServer, token: str) -> SPARQLUpdateStore:
    return SPARQLUpdateStore(
        f"{server.url}/sparql", f"{server.url}/update", headers={"Authorization": f"Bearer {token}"}
    )


def test_rdflib_sparqlupdatestore_writes_with_the_token(live_server: LiveServer, small_store: Store) -> None:
    graph = rdflib.Graph(store=updating_store(live_server, TOKEN), identifier="https://example.org/graph/notes")
    note = (rdflib.URIRef(COLT), rdflib.RDFS.comment, rdflib.Literal("traced in a 2019 seizure"))
    graph.add(note)
    assert small_store.has_graph("https://example.org/graph/notes")
    reader = rdflib.Graph(store=SPARQLStore(f"{live_server.url}/sparql"))
    assert rdflib.Literal("traced in a 2019 seizure") in set(reader.objects(rdflib.URIRef(COLT), rdflib.RDFS.comment))
    graph.remove(note)
    assert not list(reader.objects(rdflib.URIRef(COLT), rdflib.RDFS.comment))


def test_rdflib_sparqlupdatestore_with_a_wrong_token_changes_nothing(
    live_server: LiveServer, small_store: Store
) -> None:
    before = set(small_store.quads())
    graph = rdflib.Graph(store=updating_store(live_server, "wrong"), identifier="https://example.org/graph/notes")
    with pytest.raises(HTTPError) as raised:
        graph.add((rdflib.URIRef(COLT), rdflib.RDFS.comment, rdflib.Literal("nope")))
    assert raised.value.code == 403
    assert set(small_store.quads()) == before


# -- ffkg serve ------------------------------------------------------------------------------------------


def test_ffkg_serve_answers_sparql_over_a_data_dir(tmp_path: Path) -> None:
    with Store.open(tmp_path / "store") as store:
        fill(store, lawsuit_extraction(), seizure_extraction())
    port = free_port()
    env = {**os.environ, "FFKG_DATA_DIR": str(tmp_path)}
    env.pop("FFKG_WRITE_TOKEN", None)
    server = subprocess.Popen(
        [sys.executable, "-c", "from kg.cli import main; main()", "serve", "--port", str(port), "--query-threads", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
            assert time.monotonic() < deadline, "ffkg serve did not come up"
            time.sleep(0.1)
        client = SPARQLWrapper(f"{url}/sparql")
        client.setQuery(DEFENDANTS)
        client.setReturnFormat(JSON)
        assert [r["maker"]["value"] for r in client.query().convert()["results"]["bindings"]] == MAKERS
        assert httpx.get(f"{url}/query").status_code == 200
        update = httpx.post(f"{url}/update", data={"update": "CLEAR ALL"}, headers={"authorization": "Bearer x"})
        assert update.status_code == 403
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_ffkg_serve_refuses_a_missing_store_when_nothing_could_be_written_to_it(tmp_path: Path) -> None:
    """Read-only, a mistyped --data-dir would serve an empty graph as if it were the data."""
    missing = tmp_path / "typo"
    result = CliRunner(env={"FFKG_WRITE_TOKEN": None}).invoke(
        main, ["serve", "--data-dir", str(missing), "--port", str(free_port())]
    )
    assert result.exit_code == 1
    assert f"no ffkg store at {missing / 'store'}" in result.output
    assert not missing.exists()


def test_ffkg_serve_on_a_locked_store_fails_with_one_line(tmp_path: Path) -> None:
    with Store.open(tmp_path / "store"):
        result = CliRunner().invoke(main, ["serve", "--data-dir", str(tmp_path), "--port", str(free_port())])
    assert result.exit_code == 1
    assert "in use" in result.output
