"""Concurrency: readers get whole answers while writers run; writers never interleave; one process per store.

Writers replace graphs with versioned content (every triple of a version carries its tag), so
a reader that ever saw two versions in one graph, or a graph of the wrong size, saw a partial
write. Readers go through the store itself and through real HTTP against a live server.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from conftest import TOKEN, LiveServer, app_settings
from reliability_support import versioned_graph, versioned_triples, versions_in, write_corpus

from api.app import create_app
from bench.load import serve
from kg.extract import load_pipeline
from kg.ingest import ingest_paths
from kg.iris import ONTOLOGY
from kg.store import Store

FFKG = str(Path(sys.executable).with_name("ffkg"))
GRAPHS = 3
SIZE = 1_000
TOTAL_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def filled(path: Path) -> Store:
    store = Store.open(path)
    for graph in range(GRAPHS):
        store.replace_graph(versioned_graph(graph), versioned_triples(graph, "v0", SIZE))
    return store


def run_together(writers: list[Callable[[], None]], reader: Callable[[], None], *, readers: int = 2) -> int:
    """Run the writers to completion while `readers` threads call `reader` in a loop; returns the reads made."""
    finished = threading.Event()
    reads = [0] * readers
    failures: list[BaseException] = []

    def read_loop(slot: int) -> None:
        try:
            while not finished.is_set():
                reader()
                reads[slot] += 1
        except BaseException as error:
            failures.append(error)

    reading = [threading.Thread(target=read_loop, args=(slot,)) for slot in range(readers)]
    writing = [threading.Thread(target=writer) for writer in writers]
    for thread in [*reading, *writing]:
        thread.start()
    for thread in writing:
        thread.join()
    finished.set()
    for thread in reading:
        thread.join()
    if failures:
        raise failures[0]
    return sum(reads)


def check_store(store: Store) -> None:
    """One read of every graph and of the union: each graph whole, in one version."""
    for graph in range(GRAPHS):
        rows = store.query(f"SELECT ?o WHERE {{ GRAPH <{versioned_graph(graph)}> {{ ?s ?p ?o }} }}")
        versions, count = versions_in(ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), row["o"]) for row in rows)
        assert len(versions) == 1 and count == SIZE, f"graph {graph}: {versions}, {count} triples"
    assert int(next(iter(store.query(TOTAL_QUERY)))["n"].value) == GRAPHS * SIZE


def test_readers_get_whole_graphs_while_a_writer_replaces_them(tmp_path: Path) -> None:
    with filled(tmp_path / "store") as store:

        def writer() -> None:
            for round_ in range(1, 6):
                for graph in range(GRAPHS):
                    store.replace_graph(versioned_graph(graph), versioned_triples(graph, f"v{round_}", SIZE))

        assert run_together([writer], lambda: check_store(store)) > 0
        check_store(store)


def test_readers_see_each_document_once_while_an_ingest_replaces_them(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus", 8)
    nlp = load_pipeline()
    hashes = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?d <{ONTOLOGY}contentHash> ?h }}"
    with Store.open(tmp_path / "store") as store:
        assert ingest_paths(store, corpus, nlp, max_bytes=1_000_000).ok
        for path in corpus:
            path.write_text(path.read_text(encoding="utf-8") + "Guns were also seized in Laredo.\n", encoding="utf-8")

        def ingest() -> None:
            assert len(ingest_paths(store, corpus, nlp, max_bytes=1_000_000).outcomes["updated"]) == len(corpus)

        def reader() -> None:
            assert int(next(iter(store.query(hashes)))["n"].value) == len(corpus)

        assert run_together([ingest], reader) > 0


def test_two_writers_on_the_same_graphs_never_interleave(tmp_path: Path) -> None:
    with filled(tmp_path / "store") as store:

        def writer(name: str) -> Callable[[], None]:
            def write() -> None:
                for round_ in range(4):
                    for graph in range(GRAPHS):
                        store.replace_graph(versioned_graph(graph), versioned_triples(graph, f"{name}{round_}", SIZE))
                    store.update(f"DELETE DATA {{ GRAPH <urn:ffkg-test:log> {{ <urn:x> <urn:y> {round_} }} }}")

            return write

        revision = store.revision()
        run_together([writer("x"), writer("y")], lambda: check_store(store))
        check_store(store)
        assert store.revision() == revision + 2 * 4 * (GRAPHS + 1)


def test_http_readers_get_whole_answers_during_graph_store_and_update_writes(tmp_path: Path) -> None:
    store = filled(tmp_path / "store")
    app = create_app(app_settings(write_token=TOKEN, query_workers=8), store)
    with LiveServer(app) as server, httpx.Client(base_url=server.url, timeout=60) as client:
        auth = {"Authorization": f"Bearer {TOKEN}"}

        def putter() -> None:
            for round_ in range(1, 5):
                for graph in range(GRAPHS):
                    body = ox.serialize(versioned_triples(graph, f"p{round_}", SIZE), format=ox.RdfFormat.N_TRIPLES)
                    response = client.put(
                        "/graph-store",
                        params={"graph": versioned_graph(graph)},
                        content=body,
                        headers={**auth, "Content-Type": "application/n-triples"},
                    )
                    assert response.status_code == 204, response.text

        def updater() -> None:
            for round_ in range(1, 5):
                graph = versioned_graph(round_ % GRAPHS)
                text = (
                    f"DELETE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} INSERT {{ GRAPH <{graph}> {{ ?s ?p ?new }} }} "
                    f'WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} BIND(CONCAT("u{round_}-", STRAFTER(?o, "-")) AS ?new) }}'
                )
                headers = {**auth, "Content-Type": "application/sparql-update"}
                response = client.post("/update", content=text, headers=headers)
                assert response.status_code == 204, response.text

        def reader() -> None:
            for graph in range(GRAPHS):
                response = client.get(
                    "/sparql",
                    params={"query": f"SELECT ?o WHERE {{ GRAPH <{versioned_graph(graph)}> {{ ?s ?p ?o }} }}"},
                    headers={"Accept": "application/sparql-results+json"},
                )
                assert response.status_code == 200, response.text
                values = [row["o"]["value"] for row in response.json()["results"]["bindings"]]
                versions = {value.rsplit("-", 1)[0] for value in values}
                assert len(versions) == 1 and len(values) == SIZE, f"graph {graph}: {versions}, {len(values)}"

        assert run_together([putter, updater], reader) > 0
    check_store(store)
    store.close()


def test_a_second_process_on_the_same_data_dir_gets_a_clear_in_use_error(tmp_path: Path) -> None:
    article = tmp_path / "article.txt"
    article.write_text("date 2021-08-04 Mexico sues gunmakers\n\nMexico sued Colt in Boston.\n", encoding="utf-8")
    with filled(tmp_path / "store"):
        for command in (["stats"], ["ingest", str(article)]):
            result = subprocess.run([FFKG, *command, "--data-dir", str(tmp_path)], capture_output=True, text=True)
            assert result.returncode == 1
            assert "in use by another ffkg process" in result.stderr
            assert "Traceback" not in result.stderr
        with pytest.raises(RuntimeError, match="in use by another ffkg process"), serve(tmp_path):
            pass
    result = subprocess.run([FFKG, "stats", "--format", "json", "--data-dir", str(tmp_path)], capture_output=True)
    assert result.returncode == 0
