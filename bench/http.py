"""SPARQL over HTTP: `ffkg serve` vs rdflib-endpoint on the same data, both on 127.0.0.1, same run.

Both servers run side by side as child processes; for every query and concurrency the
two are measured back to back with a fixed number of requests (and a time budget, so a
slow server cannot stall the run). Clients are threads with one keep-alive `httpx.Client`
each, sending `GET /sparql?query=...` for SPARQL JSON results.

`ffkg serve` is one uvicorn process: Oxigraph's on-disk store admits one process, so it
scales with query *threads* (`--query-threads`, default 4), which run in parallel because
pyoxigraph releases the GIL while it evaluates. rdflib-endpoint (`rdflib-endpoint serve
file.nq`) is one uvicorn process too; its engine holds the GIL, so more threads would not
help, and more processes would each need their own copy of the data in memory.
"""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pyoxigraph as ox

from bench.server import FFKG, ffkg_serve, free_port, running
from bench.sparql_inprocess import WORKER_START_SECONDS, pyoxigraph_query, research_queries
from bench.table import Table, ms, ratio
from bench.timing import interleaved_medians
from kg.store import Store

QUERIES = (
    "trivial ASK",
    "label lookup",
    "2-hop join",
    "NOT EXISTS",
    "count by type",
    "flows aggregate",
    "top mentioned",
)
#: Sequential requests timed for the HTTP overhead on the trivial query.
OVERHEAD_REQUESTS = 300
JOINS_AND_AGGREGATES = ("2-hop join", "NOT EXISTS", "count by type", "flows aggregate", "top mentioned")
CONCURRENCY = (1, 16)
ACCEPT = {"accept": "application/sparql-results+json"}
#: Timed requests per client and round: many clients send them as one batch, a single client one at a time.
BATCH = 5
#: Seconds one batch may take before it stops issuing requests, so a slow server cannot stall the run.
CELL_BUDGET = 30.0
#: Seconds a client keeps an idle connection: well under the 5 s after which both servers (uvicorn's
#: default) close one. At equal expiries a request sent as the server closes fails, about 1 in 100
#: requests after 5 s idle, and that is a race in the client, not a failure of the server measured.
CLIENT_KEEPALIVE = 2.0


@dataclass
class Cell:
    """Latencies of the requests one server answered for one query at one concurrency."""

    latencies: list[float]
    seconds: float
    failures: int

    @property
    def p50(self) -> float | None:
        return statistics.median(self.latencies) if self.latencies else None

    @property
    def p99(self) -> float | None:
        if not self.latencies:
            return None
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds


def hammer(endpoint: str, sparql: str, sessions: list[httpx.Client], *, requests: int) -> Cell:
    """Send `requests` queries from one thread per keep-alive session; stop issuing after CELL_BUDGET s."""
    latencies: list[float] = []
    failures = 0
    issued = 0
    lock = threading.Lock()
    deadline = time.monotonic() + CELL_BUDGET

    def client(session: httpx.Client) -> None:
        nonlocal issued, failures
        while True:
            with lock:
                if issued >= requests or time.monotonic() > deadline:
                    return
                issued += 1
            start = time.perf_counter()
            try:
                ok = session.get(endpoint, params={"query": sparql}, headers=ACCEPT).status_code == 200
            except httpx.HTTPError:
                ok = False
            elapsed = time.perf_counter() - start
            with lock:
                if ok:
                    latencies.append(elapsed)
                else:
                    failures += 1

    threads = [threading.Thread(target=client, args=(session,)) for session in sessions]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Cell(latencies, time.perf_counter() - start, failures)


@contextmanager
def servers(quads: list[ox.Quad], workdir: Path, label: str) -> Iterator[dict[str, str]]:
    """`ffkg serve` and rdflib-endpoint on the same quads; yields their /sparql URLs."""
    source = workdir / f"http-{label}.nq"
    ox.serialize(quads, str(source), ox.RdfFormat.N_QUADS)
    data_dir = workdir / f"http-{label}"
    with Store.open(data_dir / "store") as store:
        store.write_quads(quads)
    ours, theirs = free_port(), free_port()
    urls = {"ffkg": f"http://127.0.0.1:{ours}/sparql", "rdflib-endpoint": f"http://127.0.0.1:{theirs}/"}
    rdflib_endpoint = [
        str(Path(FFKG).with_name("rdflib-endpoint")),
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(theirs),
        str(source),
    ]
    ready = "?query=ASK%7B%7D"
    with (
        running(ffkg_serve(data_dir, ours), urls["ffkg"] + ready),
        running(rdflib_endpoint, urls["rdflib-endpoint"] + ready),
    ):
        time.sleep(WORKER_START_SECONDS)  # the readiness probe started ffkg's query workers
        yield urls


def alternate(
    urls: dict[str, str], sessions: dict[str, list[httpx.Client]], sparql: str, *, concurrency: int, rounds: int
) -> tuple[Cell, Cell]:
    """ffkg and rdflib-endpoint in alternating batches (order rotating), so machine noise hits both alike.

    Two untimed requests to each server warm it up first. One client alternates request by
    request; many clients alternate batches of `BATCH` requests each. Either way every
    client sends `rounds * BATCH` timed requests to each server over keep-alive connections.
    """
    for name, url in urls.items():
        hammer(url, sparql, sessions[name][:1], requests=2)
    per_batch, batches = (1, rounds * BATCH) if concurrency == 1 else (BATCH, rounds)
    cells = {name: Cell([], 0.0, 0) for name in urls}
    names = list(urls)
    for round_ in range(batches):
        for name in names[round_ % 2 :] + names[: round_ % 2]:
            batch = hammer(urls[name], sparql, sessions[name][:concurrency], requests=per_batch * concurrency)
            cells[name].latencies += batch.latencies
            cells[name].seconds += batch.seconds
            cells[name].failures += batch.failures
    return cells["ffkg"], cells["rdflib-endpoint"]


def keep_alive_session() -> httpx.Client:
    """One keep-alive session that drops an idle connection before the server would (`CLIENT_KEEPALIVE`)."""
    return httpx.Client(timeout=CELL_BUDGET + 60, limits=httpx.Limits(keepalive_expiry=CLIENT_KEEPALIVE))


def run(quads: list[ox.Quad], workdir: Path, *, label: str, repeats: int) -> list[Table]:
    """p50/p99 and requests/s of both servers per query and concurrency, over `repeats` alternating batches."""
    store = Store.memory()
    store.write_quads(quads)
    queries = research_queries(store)
    inprocess = interleaved_medians(
        {"trivial": lambda: pyoxigraph_query(store.engine, queries["trivial ASK"])}, repeats=max(3, repeats)
    )["trivial"]
    table = Table(
        f"SPARQL over HTTP, {label} ({len(quads):,} quads): `ffkg serve` vs rdflib-endpoint",
        [
            "query",
            "clients",
            "requests",
            "ffkg p50 ms",
            "ffkg p99 ms",
            "ffkg req/s",
            "rdflib-endpoint p50 ms",
            "rdflib-endpoint p99 ms",
            "rdflib-endpoint req/s",
            "throughput ×",
        ],
    )
    worst: list[float] = []
    with servers(quads, workdir, label) as urls:
        sessions = {name: [keep_alive_session() for _ in range(max(CONCURRENCY))] for name in urls}
        for name in QUERIES:
            for concurrency in CONCURRENCY:
                ours, theirs = alternate(urls, sessions, queries[name], concurrency=concurrency, rounds=repeats)
                gain = ours.throughput / theirs.throughput if theirs.latencies else None
                if name in JOINS_AND_AGGREGATES and gain is not None:
                    worst.append(gain)
                done = f"{len(ours.latencies)}/{len(theirs.latencies)}"
                if ours.failures or theirs.failures:
                    done += f" ({ours.failures}/{theirs.failures} failed)"
                table.add(
                    name,
                    concurrency,
                    done,
                    ms(ours.p50),
                    ms(ours.p99),
                    f"{ours.throughput:,.1f}",
                    ms(theirs.p50),
                    ms(theirs.p99),
                    f"{theirs.throughput:,.1f}",
                    ratio(gain),
                )
        # the table's cells hold a few requests each; the overhead wants a larger sample of its own
        trivial_p50 = hammer(urls["ffkg"], queries["trivial ASK"], sessions["ffkg"][:1], requests=OVERHEAD_REQUESTS).p50
        for client in (session for group in sessions.values() for session in group):
            client.close()
    table.notes += [
        "requests = answered by ffkg / by rdflib-endpoint; one client alternates servers request by request, 16 "
        f"clients alternate batches of {BATCH} requests each (a batch stops issuing after {CELL_BUDGET:g} s); "
        "throughput × = ffkg req/s ÷ rdflib-endpoint req/s.",
        f"Target >= 10× on joins and aggregates: lowest here {min(worst):.1f}×." if worst else "",
        f"HTTP overhead on the trivial query ({OVERHEAD_REQUESTS} sequential requests after the table): "
        f"ffkg p50 {ms(trivial_p50)} ms − in-process p50 {ms(inprocess)} ms "
        f"= {ms(None if trivial_p50 is None else trivial_p50 - inprocess)} ms (target <= 2 ms).",
        "ffkg serve runs with --query-threads 4 (one process, since the embedded on-disk store admits one); "
        "the client threads share the same 2 cores as the servers.",
    ]
    table.notes = [note for note in table.notes if note]
    return [table]
