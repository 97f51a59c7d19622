"""The remote store's bad days: unreachable or misconfigured servers, refused writes, cut results, shared caches."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from servers import (  # noqa: F401 (fixtures)
    VIRTUOSO_MAX_ROWS,
    free_port,
    fresh,
    oxigraph_server,
    oxigraph_settings,
    running,
    virtuoso_settings,
)

from api.app import create_app
from kg.backends.sparql import META_GRAPH, SparqlStore, _excerpt
from kg.errors import RemoteStoreError, UnsupportedUpdateError
from kg.settings import Settings
from kg.store import open_store

EX = "http://example.org/"


def triple(s: str, o: str) -> ox.Triple:
    return ox.Triple(ox.NamedNode(EX + s), ox.NamedNode(EX + "p"), ox.Literal(o))


def test_an_unreachable_server_fails_at_start_up_naming_the_url() -> None:
    url = f"http://127.0.0.1:{free_port()}/query"
    settings = Settings(store="sparql", sparql_query_url=url, sparql_graph_store_url=url)
    with pytest.raises(RemoteStoreError, match="cannot reach the server") as caught:
        open_store(settings)
    assert url in str(caught.value)


def test_missing_urls_are_named() -> None:
    with pytest.raises(RemoteStoreError, match="FFKG_SPARQL_GRAPH_STORE_URL"):
        open_store(Settings(store="sparql", sparql_query_url="http://127.0.0.1:9/query"))
    with pytest.raises(RemoteStoreError, match="FFKG_SPARQL_USER"):
        open_store(
            Settings(
                store="sparql",
                sparql_query_url="http://127.0.0.1:9/q",
                sparql_graph_store_url="x",
                sparql_auth="digest",
            )
        )


def test_a_url_that_is_not_a_sparql_endpoint_is_reported(oxigraph_settings: dict[str, Any]) -> None:  # noqa: F811
    wrong = oxigraph_settings["sparql_query_url"].replace("/query", "/nothing-here")
    with pytest.raises(RemoteStoreError, match="HTTP 404") as caught:
        open_store(Settings(**{**oxigraph_settings, "sparql_query_url": wrong}))
    assert wrong in str(caught.value)


def test_a_read_only_server_is_refused_at_start_up_and_its_write_rejections_are_reported(tmp_path: Path) -> None:
    with oxigraph_server(tmp_path) as writable:
        fresh(writable).close()
    with oxigraph_server(tmp_path, read_only=True) as read_only:
        with pytest.raises(RemoteStoreError, match="update refused with HTTP 403") as caught:
            open_store(Settings(**read_only))
        assert read_only["sparql_update_url"] in str(caught.value)
        store = SparqlStore(
            query_url=read_only["sparql_query_url"],
            update_url=read_only["sparql_update_url"],
            graph_store_url=read_only["sparql_graph_store_url"],
            client=httpx.Client(),
        )
        with pytest.raises(RemoteStoreError, match="uploading graph"):
            store.replace_graph(EX + "g", [triple("a", "x")])
        assert store.graphs() == []
        store.close()


def test_a_union_default_graph_server_is_queried_without_graph_lists(tmp_path: Path) -> None:
    with oxigraph_server(tmp_path, union=True) as settings, fresh(settings) as store:
        store.replace_graph(EX + "g", [triple("a", "x")])
        assert store._dataset_params({}) == {}
        assert [row["o"] for row in store.query(f"SELECT ?o WHERE {{ ?s <{EX}p> ?o }}")] == [ox.Literal("x")]
        assert store.graphs() == [EX + "g"]


def test_a_second_process_sees_every_write_at_once(oxigraph_settings: dict[str, Any]) -> None:  # noqa: F811
    writer, reader = fresh(oxigraph_settings), SparqlStore.connect(Settings(**oxigraph_settings))
    before = reader.revision()
    assert list(reader.query("SELECT * WHERE { ?s ?p ?o }")) == []
    writer.replace_graph(EX + "g", [triple("a", "x")])
    assert reader.revision() > before
    assert [row["o"] for row in reader.query("SELECT ?o WHERE { ?s ?p ?o }")] == [ox.Literal("x")]
    writer.close()
    reader.close()


def test_the_api_runs_on_the_shared_store(oxigraph_settings: dict[str, Any]) -> None:  # noqa: F811
    fresh(oxigraph_settings).replace_graph(EX + "g", [triple("a", "x")])
    with TestClient(create_app(Settings(**oxigraph_settings))) as client:
        answer = client.get("/sparql", params={"query": "SELECT ?o WHERE { ?s ?p ?o }"}, headers={"Accept": "text/csv"})
        assert answer.status_code == 200 and answer.text.splitlines() == ["o", "x"]


def test_api_processes_over_one_store_never_serve_stale_stats(
    oxigraph_settings: dict[str, Any],  # noqa: F811
    tmp_path: Path,
) -> None:
    port = free_port()
    env = {**os.environ, **{f"FFKG_{name.upper()}": value for name, value in oxigraph_settings.items()}}
    command = [
        sys.executable,
        "-c",
        "from kg.cli import main; main()",
        "serve",
        "--workers",
        "2",
        "--port",
        str(port),
    ]
    base = f"http://127.0.0.1:{port}"
    with (
        fresh(oxigraph_settings) as store,
        running(command, tmp_path, f"{base}/health", log=tmp_path / "serve.log", wait=120, env=env),
    ):

        def triples_seen() -> set[int]:
            return {httpx.get(f"{base}/api/stats").json()["triples"] for _ in range(12)}

        assert triples_seen() == {0}
        store.replace_graph(EX + "g", [triple("a", "x"), triple("b", "y")])
        assert triples_seen() == {2}


def test_virtuoso_with_a_wrong_password_is_refused_at_start_up(virtuoso_settings: dict[str, Any]) -> None:  # noqa: F811
    with pytest.raises(RemoteStoreError, match="FFKG_SPARQL_PASSWORD") as caught:
        open_store(Settings(**{**virtuoso_settings, "sparql_password": "wrong"}))
    assert virtuoso_settings["sparql_query_url"] in str(caught.value)


def test_a_result_virtuoso_cuts_short_is_read_in_pages_or_refused(virtuoso_settings: dict[str, Any]) -> None:  # noqa: F811
    side = int(VIRTUOSO_MAX_ROWS**0.5) + 10
    numbers = " ".join(str(n) for n in range(side))
    square = f"SELECT * WHERE {{ VALUES ?a {{ {numbers} }} VALUES ?b {{ {numbers} }} }}"
    with fresh(virtuoso_settings) as store:
        rows = {(row["a"].value, row["b"].value) for row in store.query(square)}
        assert len(rows) == side * side > VIRTUOSO_MAX_ROWS
        with pytest.raises(RemoteStoreError, match="ResultSetMaxRows"):
            list(store.query(square + " ORDER BY ?a ?b"))


def test_virtuoso_blank_nodes_come_back_as_blank_nodes(virtuoso_settings: dict[str, Any]) -> None:  # noqa: F811
    with fresh(virtuoso_settings) as store:
        store.replace_graph(EX + "g", [ox.Triple(ox.NamedNode(EX + "a"), ox.NamedNode(EX + "p"), ox.BlankNode())])
        (row,) = store.query("SELECT ?o WHERE { ?s ?p ?o }")
        assert isinstance(row["o"], ox.BlankNode)


@pytest.mark.parametrize(
    ("update", "named"),
    [
        ("DROP ALL", "DROP ALL"),
        ("CLEAR NAMED", "CLEAR NAMED"),
        (f"INSERT {{ GRAPH ?g {{ <{EX}a> <{EX}p> 'x' }} }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}", "GRAPH ?g"),
        (f"DELETE WHERE {{ GRAPH <{META_GRAPH}> {{ ?s ?p ?o }} }}", META_GRAPH),
        (f"PREFIX f: <{META_GRAPH.rsplit('/', 1)[0]}/> DROP SILENT GRAPH f:_store", "f:_store"),
        (f"BASE <{META_GRAPH.rsplit('/', 1)[0]}/> CLEAR GRAPH <_store>", "<_store>"),
        (f"PREFIX e: <{EX}> INSERT DATA {{ GRAPH e:h {{ <{EX}a> <{EX}p> 'x' }} }}", "e:h"),
        (f"COPY <{EX}g> TO <h>", "<h>"),
    ],
)
def test_updates_that_would_reach_the_bookkeeping_are_refused_before_anything_runs(
    oxigraph_settings: dict[str, Any],  # noqa: F811
    update: str,
    named: str,
) -> None:
    store = fresh(oxigraph_settings)
    store.replace_graph(EX + "g", [triple("a", "x")])
    revision = store.revision()
    with pytest.raises(UnsupportedUpdateError) as refused:
        store.update(update)
    assert named in str(refused.value)
    assert store.graphs() == [EX + "g"] and store.revision() == revision
    store.close()


def test_moving_a_graph_lists_it_under_its_new_name_only(oxigraph_settings: dict[str, Any]) -> None:  # noqa: F811
    store = fresh(oxigraph_settings)
    store.replace_graph(EX + "g", [triple("a", "x")])
    store.update(f"MOVE SILENT <{EX}g> TO <{EX}h>")
    assert store.graphs() == [EX + "h"]
    store.close()


def test_an_error_page_echoing_hostile_text_is_cut_to_a_line_in_linear_time() -> None:
    """Virtuoso echoes the query in its error page; a run of `<` made tag stripping quadratic (hours at 20 MB)."""
    assert _excerpt("<html><body><h1>Error</h1>\n<p>bad <b>query</b></p></body></html>") == "Error bad query"
    start = time.thread_time()
    assert _excerpt("SPARQL query: " + "<" * 1_000_000).startswith("SPARQL query: <<<")
    assert time.thread_time() - start < 1.0  # the quadratic pattern takes minutes at this size


def test_the_revision_bump_is_an_upsert(oxigraph_settings: dict[str, Any]) -> None:  # noqa: F811
    """A server whose revision was wiped by hand (not through ffkg) counts on from 1, instead of staying stuck."""
    store = fresh(oxigraph_settings)
    httpx.post(oxigraph_settings["sparql_update_url"], data={"update": f"DROP GRAPH <{META_GRAPH}>"}).raise_for_status()
    assert store.revision() == 0
    store.replace_graph(EX + "g", [triple("a", "x")])
    first = store.revision()
    store.update(f"INSERT DATA {{ <{EX}b> <{EX}p> 'y' }}")
    assert 0 < first < store.revision()
    store.close()
