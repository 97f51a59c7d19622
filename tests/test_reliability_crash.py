"""Crash safety: a writer SIGKILLed mid-run leaves a store that opens and holds each graph whole or not at all.

Every test kills a real child process (its whole process group, like a power cut) while it
writes: `ffkg ingest` of many articles, a loop of `Store.replace_graph`, and a server taking
Graph Store PUTs. Then the store is reopened in this process and checked graph by graph.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from reliability_support import (
    same_graph,
    versioned_graph,
    versioned_triples,
    versions_in,
    wait_for_lines,
    write_corpus,
)

from bench.load import serve, stop
from kg.extract import load_pipeline
from kg.ingest import ingest_paths
from kg.store import STAGING_PREFIX, Store
from kg.validate import validate_store

FFKG = str(Path(sys.executable).with_name("ffkg"))
ARTICLES = 24
TOKEN = "crash-test-token-7c1e"
GRAPH_SIZE = 8_000
WRITER_LOOP = """
import sys
from pathlib import Path
from kg.store import Store
from reliability_support import versioned_graph, versioned_triples
store = Store.open(Path(sys.argv[1]))
for round_ in range(1000):
    for graph in range(4):
        store.replace_graph(versioned_graph(graph), versioned_triples(graph, f"v{round_}", int(sys.argv[2])))
        print("wrote", graph, round_, flush=True)
"""


def start(command: list[str], **options: object) -> subprocess.Popen:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, start_new_session=True, **options
    )


def staging_graphs(store: Store) -> list[ox.NamedNode]:
    graphs = store.engine.named_graphs()
    return [g for g in graphs if isinstance(g, ox.NamedNode) and g.value.startswith(STAGING_PREFIX)]


def assert_whole_or_absent(store: Store, graphs: int) -> int:
    """Each versioned graph is absent or holds one complete version; returns how many are present."""
    present = 0
    for graph in range(graphs):
        if not store.has_graph(versioned_graph(graph)):
            continue
        versions, count = versions_in(store.quads(versioned_graph(graph)))
        assert len(versions) == 1 and count == GRAPH_SIZE, f"graph {graph}: versions {versions}, {count} triples"
        present += 1
    assert not staging_graphs(store)
    return present


@pytest.fixture(scope="module")
def clean_graphs(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Path], dict[str, list[ox.Quad]]]:
    """The corpus, and what a clean in-process ingest of it stores per document graph."""
    corpus = write_corpus(tmp_path_factory.mktemp("corpus"), ARTICLES)
    with Store.memory() as store:
        report = ingest_paths(store, corpus, load_pipeline(), max_bytes=1_000_000)
        assert report.ok and len(report.outcomes["added"]) == ARTICLES
        return corpus, {graph: list(store.quads(graph)) for graph in store.graphs()}


def test_sigkill_in_the_middle_of_ffkg_ingest(tmp_path: Path, clean_graphs) -> None:
    corpus, expected = clean_graphs
    data_dir = tmp_path / "data"
    ingest = [FFKG, "ingest", "-j", "1", str(corpus[0].parent), "--data-dir", str(data_dir)]
    process = start(ingest)
    wait_for_lines(process, 6, marker="added", timeout=300)
    assert process.poll() is None, "the ingest finished before it could be killed"
    stop(process)

    with Store.open(data_dir / "store") as store:
        assert validate_store(store).conforms
        assert not staging_graphs(store)
        stored = store.graphs()
        assert len(stored) >= 6 and set(stored) <= set(expected)
        for graph in stored:
            assert same_graph(store.quads(graph), expected[graph]), f"{graph} is not what a clean ingest stores"

    rerun = subprocess.run(ingest, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{len(stored)} unchanged" in rerun.stdout
    with Store.open(data_dir / "store") as store:
        assert store.graphs() == sorted(expected)
        for graph, quads in expected.items():
            assert same_graph(store.quads(graph), quads)
        assert validate_store(store).conforms


def test_sigkill_in_the_middle_of_store_writes(tmp_path: Path) -> None:
    data_dir = tmp_path / "store"
    process = start([sys.executable, "-c", WRITER_LOOP, str(data_dir), str(GRAPH_SIZE)], cwd=Path(__file__).parent)
    wait_for_lines(process, 6, marker="wrote", timeout=120)
    stop(process)

    with Store.open(data_dir) as store:
        assert assert_whole_or_absent(store, 4) == 4
        store.replace_graph(versioned_graph(0), versioned_triples(0, "after", GRAPH_SIZE))
        assert versions_in(store.quads(versioned_graph(0))) == ({"after"}, GRAPH_SIZE)


def test_sigkill_of_the_server_during_graph_store_puts(tmp_path: Path) -> None:
    done = threading.Event()
    answers: list[int] = []

    def put_forever(url: str) -> None:
        with httpx.Client(base_url=url, timeout=60, headers={"Authorization": f"Bearer {TOKEN}"}) as client:
            for round_ in range(1000):
                graph = round_ % 4
                body = ox.serialize(versioned_triples(graph, f"v{round_}", GRAPH_SIZE), format=ox.RdfFormat.N_TRIPLES)
                try:
                    response = client.put(
                        "/graph-store",
                        params={"graph": versioned_graph(graph)},
                        content=body,
                        headers={"Content-Type": "application/n-triples"},
                    )
                except httpx.HTTPError:
                    return
                answers.append(response.status_code)
                if len(answers) == 6:
                    done.set()

    with serve(tmp_path, write_token=TOKEN) as (url, process):
        client = threading.Thread(target=put_forever, args=(url,))
        client.start()
        assert done.wait(timeout=120), f"the server took only {answers} before the deadline"
        stop(process)
        client.join(timeout=60)
        output = process.stdout.read().decode(errors="replace")
    assert set(answers) <= {201, 204}
    assert TOKEN not in output

    with Store.open(tmp_path / "store") as store:
        assert assert_whole_or_absent(store, 4) == 4
    with serve(tmp_path, write_token=TOKEN) as (url, _):
        body = ox.serialize(versioned_triples(0, "again", GRAPH_SIZE), format=ox.RdfFormat.N_TRIPLES)
        response = httpx.put(
            f"{url}/graph-store",
            params={"graph": versioned_graph(0)},
            content=body,
            headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/n-triples"},
            timeout=60,
        )
        assert response.status_code == 204
    with Store.open(tmp_path / "store") as store:
        assert versions_in(store.quads(versioned_graph(0))) == ({"again"}, GRAPH_SIZE)
