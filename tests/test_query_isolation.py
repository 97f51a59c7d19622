"""Queries on an on-disk store run in worker processes: a runaway query is killed at its deadline, not starving anyone.

pyoxigraph cannot stop a query that counts or sorts a cartesian product; before, each such query
kept its `query_workers` slot after its 503, and once they were all held every query got 503.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from conftest import SMITH_WESSON, TOKEN, LiveServer, World, app_settings, fill
from rdflib import Graph

from api.app import create_app
from api.query_processes import sender
from kg.iris import ONTOLOGY
from kg.store import Store

FILLER = "urn:ffkg-test:filler"
FILLER_SIZE = 12_000
#: Queries no engine finishes within hours on 12k triples, and that write nothing until done.
PATHOLOGICAL = (
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
    "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?c ?f ?i",
    # Two path closures joined on nothing: their cross product, over a billion rows. (Joined on ?b, the
    # closures stay inside each item's own two nodes and the engine answers in a tenth of a second.)
    "SELECT (COUNT(*) AS ?n) WHERE { ?a (!<urn:none>)* ?b . ?c (^!<urn:none>)* ?d }",
)
#: Seconds the workers get to start before the tests begin.
GENEROUS = 300.0
DEFENDANTS = f"SELECT ?maker WHERE {{ ?suit a <{ONTOLOGY}Lawsuit> ; <{ONTOLOGY}defendant> ?maker }}"
MAX_ROWS = 1_000


def filler(size: int) -> list[ox.Triple]:
    """`size` triples with long literals, so that all of them serialise to well over a megabyte."""
    value = ox.NamedNode("urn:ffkg-test:value")
    return [
        ox.Triple(ox.NamedNode(f"urn:ffkg-test:item/{n}"), value, ox.Literal(f"item {n} " + "padding " * 16))
        for n in range(size)
    ]


#: Seconds a query may run: far beyond what the everyday queries need on a busy machine, far below what
#: the pathological ones need anywhere, so which side of the deadline a query lands on never depends on speed.
TIMEOUT = 5.0


@contextmanager
def serving(tmp_path: Path, world: World, *, query_timeout: float) -> Iterator[LiveServer]:
    """The small world plus filler in an on-disk store, served with two query workers."""
    with fill(Store.open(tmp_path / "store"), world.lawsuit, world.seizure) as store:
        store.replace_graph(FILLER, filler(FILLER_SIZE))
        settings = app_settings(
            query_timeout=query_timeout, query_workers=2, max_result_rows=MAX_ROWS, write_token=TOKEN
        )
        with LiveServer(create_app(settings, store)) as live:
            warm(live)
            yield live


def warm(live: LiveServer) -> None:
    """Wait until a worker process has answered. A fresh worker starts Python and opens its snapshot
    within the first query's deadline, which a loaded machine can miss (seen at load 30); the tests
    here are about queries, not about how fast a process starts. The worker that answered last takes
    the next query, so the tests' queries find it warm."""
    give_up = time.monotonic() + GENEROUS
    while (status := sparql(live, "ASK {}").status_code) != 200:
        assert time.monotonic() < give_up, f"no worker started: the last answer was {status}"


@pytest.fixture
def server(tmp_path: Path, world: World) -> Iterator[LiveServer]:
    with serving(tmp_path, world, query_timeout=TIMEOUT) as live:
        yield live


def sparql(server: LiveServer, query: str, **headers: str) -> httpx.Response:
    return httpx.post(
        f"{server.url}/sparql",
        content=query,
        headers={"content-type": "application/sparql-query", **headers},
        timeout=180,
    )


def workers(server: LiveServer) -> list[int]:
    return server.server.config.app.state.runner.pool.processes


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_pathological_queries_time_out_and_everyday_queries_are_still_answered(server: LiveServer) -> None:
    assert sparql(server, DEFENDANTS).status_code == 200
    assert sparql(server, DEFENDANTS).status_code == 200
    first_workers = workers(server)
    statuses: list[httpx.Response] = []

    def hostile(queries: tuple[str, ...]) -> None:
        statuses.extend(sparql(server, query) for query in queries)

    clients = [threading.Thread(target=hostile, args=(PATHOLOGICAL[n::2] * 2,)) for n in range(2)]
    for client in clients:
        client.start()
    for client in clients:
        client.join(timeout=180)
    assert len(statuses) >= 4
    for response in statuses:
        assert response.status_code == 503
        assert response.json()["limit"] == "query_timeout"

    answer = sparql(server, DEFENDANTS, accept="application/sparql-results+json")
    assert answer.status_code == 200
    assert SMITH_WESSON in {row["maker"]["value"] for row in answer.json()["results"]["bindings"]}
    assert httpx.get(f"{server.url}/api/documents", timeout=30).status_code == 200

    now = workers(server)
    assert len(now) == 2
    assert not set(now) & set(first_workers)
    assert not any(alive(pid) for pid in first_workers)


def test_a_query_after_a_write_sees_the_write(server: LiveServer) -> None:
    ask = "ASK { <urn:ffkg-test:new> ?p ?o }"
    for _ in range(3):
        assert sparql(server, ask, accept="application/sparql-results+json").json()["boolean"] is False
    update = httpx.post(
        f"{server.url}/update",
        data={"update": "INSERT DATA { GRAPH <urn:ffkg-test:g> { <urn:ffkg-test:new> <urn:ffkg-test:p> 1 } }"},
        headers={"authorization": f"Bearer {TOKEN}"},
        timeout=30,
    )
    assert update.status_code == 204
    for _ in range(3):
        assert sparql(server, ask, accept="application/sparql-results+json").json()["boolean"] is True


def test_syntax_errors_are_400_with_their_position(server: LiveServer) -> None:
    response = sparql(server, "SELECT ?s WHERE {\n  ?s ?p }")
    assert response.status_code == 400
    problem = response.json()
    assert problem["line"] == 2
    assert f"2:{problem['column']}" in problem["detail"]


def test_the_row_cap_is_422(server: LiveServer) -> None:
    response = sparql(server, f"SELECT ?s ?o WHERE {{ GRAPH <{FILLER}> {{ ?s ?p ?o }} }}")
    assert response.status_code == 422
    assert response.json()["limit"] == "max_result_rows"


def test_an_answer_over_the_stream_threshold_comes_through_whole(tmp_path: Path, world: World) -> None:
    """Streaming is what is tested, not speed: the deadline is one no machine misses for 12k triples."""
    construct = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{FILLER}> {{ ?s ?p ?o }} }}"
    with serving(tmp_path, world, query_timeout=120.0) as server:
        response = sparql(server, construct, accept="application/n-triples")
    assert response.status_code == 200
    assert len(response.content) > 1 << 20
    assert len(Graph().parse(data=response.content, format="nt")) == FILLER_SIZE


def test_the_workers_stop_with_the_server(tmp_path: Path, world: World) -> None:
    with fill(Store.open(tmp_path / "store"), world.lawsuit) as store:
        with LiveServer(create_app(app_settings(query_workers=2), store)) as live:
            assert sparql(live, "ASK { ?s ?p ?o }").status_code == 200
            started = workers(live)
        assert len(started) == 2
        assert not any(alive(pid) for pid in started)


def worker_children() -> set[int]:
    """This process's children that run the query worker program."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == os.getpid() and b"api.query_processes" in command:
            found.add(int(entry.name))
    return found


def test_serving_a_data_dir_starts_the_workers_before_the_first_query(tmp_path: Path) -> None:
    """`ffkg serve` opens the store from its settings: the workers start then, so the first query is not
    charged for starting Python; they take queries once they say they are ready."""
    settings = app_settings(in_memory=False, data_dir=tmp_path / "data", query_workers=2)
    before = worker_children()
    app = create_app(settings)
    with LiveServer(app) as live:
        started = worker_children() - before
        assert len(started) == 2
        assert set(app.state.runner.pool.processes) == started
        answer = sparql(live, "ASK {}", accept="application/sparql-results+json")
        assert answer.status_code == 200
        assert answer.json()["boolean"] is True  # the empty pattern has one solution
    assert not any(alive(pid) for pid in started)


def test_a_worker_is_killed_once_whoever_asks_first() -> None:
    """Closing the pool and the thread awaiting a worker's start-up may both kill it; the second is a no-op."""
    from api.query_processes import QueryWorker

    worker = QueryWorker()
    assert worker.ready(GENEROUS)
    worker.kill()
    worker.kill()
    assert worker.conn.closed and worker.process.returncode is not None
    assert not worker.ready()


@pytest.mark.parametrize("size", [10, 16 * 1024, 1 << 20])
def test_a_workers_framed_message_reads_back_whole(size: int) -> None:
    """A worker writes each message with its length in one write; the server reads it with multiprocessing's
    own `recv`, so both sides must agree on the framing below and above its 16 KB split."""
    ours, theirs = socket.socketpair()
    reader, writer = Connection(ours.detach()), Connection(theirs.detach())
    message = ("rows", "x" * size, None)
    sending = threading.Thread(target=sender(writer), args=(message,))
    sending.start()
    try:
        assert reader.recv() == message
    finally:
        sending.join()
        reader.close()
        writer.close()
