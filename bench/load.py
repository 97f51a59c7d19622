"""Load test: mixed read traffic against a live server on 127.0.0.1, with pathological queries alongside.

    python -m bench.load --seconds 60 --clients 6 --hostile 2

Builds an on-disk store from the seeded synthetic generator, serves it with uvicorn in a child
process bound to 127.0.0.1, and for a bounded time runs `--clients` threads of everyday reads
(SPARQL, REST lookups, paths, view pages) next to `--hostile` threads sending only pathological
SPARQL (cartesian products, unbounded property paths). Everyday requests must all succeed; the
pathological ones must end in the query timeout (503) without starving the others. The report
gives requests/s, p50/p99 latency and error counts per kind of request.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from bench.generate import generate_dataset
from kg.store import Store

HOST = "127.0.0.1"
SERVER_PROGRAM = (
    "import sys, uvicorn\n"
    "from api.app import create_app\n"
    "from kg.settings import Settings\n"
    "uvicorn.run(create_app(Settings()), host='127.0.0.1', port=int(sys.argv[1]), log_level=sys.argv[2])\n"
)
PREFIX = "PREFIX ffkg: <https://w3id.org/ffkg/ontology#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
EVERYDAY_QUERIES = (
    "SELECT ?class (COUNT(?s) AS ?n) WHERE { ?s a ?class } GROUP BY ?class ORDER BY DESC(?n)",
    PREFIX + "SELECT ?e ?label WHERE { ?e a ffkg:Gunmaker ; rdfs:label ?label } LIMIT 50",
    PREFIX + "SELECT ?d ?title WHERE { ?d a ffkg:Document ; ffkg:title ?title } ORDER BY ?title LIMIT 20",
    PREFIX + "ASK { ?d a ffkg:Document }",
)
#: Queries no server can answer in time: they must hit query_timeout, not take the server down.
PATHOLOGICAL_QUERIES = (
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
    "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?c ?f ?i",
    "SELECT (COUNT(*) AS ?n) WHERE { ?a (!<urn:none>|^!<urn:none>)* ?b . ?b (!<urn:none>)* ?c }",
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, *, timeout: float = 60) -> None:
    """Poll /health until the server answers; fail with its output if it dies or never answers."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read().decode(errors="replace") if process.stdout else ""
            raise RuntimeError(f"the server exited with {process.returncode}:\n{output[-3000:]}")
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the server at {url} did not answer within {timeout} s")


def stop(process: subprocess.Popen) -> None:
    """SIGKILL the server and everything it started (its own process group)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


@contextmanager
def serve(data_dir: Path, *, log_level: str = "warning", **settings: str) -> Iterator[tuple[str, subprocess.Popen]]:
    """The app on a free 127.0.0.1 port in a child process (own session); yields its URL and the process.

    `settings` become `FFKG_*` variables of the child (e.g. `write_token="..."`, `query_timeout="2"`);
    none are inherited from this process, so a test's world is exactly what it passes.
    """
    port = free_port()
    env = {name: value for name, value in os.environ.items() if not name.startswith("FFKG_")}
    env["FFKG_DATA_DIR"] = str(data_dir)
    env.update({f"FFKG_{name.upper()}": value for name, value in settings.items()})
    process = subprocess.Popen(
        [sys.executable, "-c", SERVER_PROGRAM, str(port), log_level],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://{HOST}:{port}"
    try:
        wait_until_up(url, process)
        yield url, process
    finally:
        stop(process)


def build_store(data_dir: Path, *, triples: int, seed: int = 0) -> None:
    """Fill `data_dir` with a synthetic dataset of about `triples` quads, one graph per document."""
    by_graph: dict[str, list] = defaultdict(list)
    for quad in generate_dataset(triples, seed=seed):
        by_graph[quad.graph_name.value].append(quad)
    with Store.open(data_dir / "store") as store:
        for graph, quads in by_graph.items():
            store.replace_graph(graph, quads)


@dataclass
class Tally:
    """Latencies and outcomes of one kind of request."""

    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    failures: int = 0

    def add(self, seconds: float, status: int) -> None:
        self.latencies.append(seconds)
        self.statuses[status] += 1


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


Request = tuple[str, str, dict]
Maker = Callable[[random.Random], Request]


def everyday_requests(entity_keys: list[str], document_keys: list[str]) -> dict[str, Maker]:
    """Request makers per kind of everyday traffic, drawing names from what the server holds."""

    def sparql(rng: random.Random) -> Request:
        return "POST", "/sparql", {"data": {"query": rng.choice(EVERYDAY_QUERIES)}}

    def pair(rng: random.Random) -> dict[str, str]:
        source, target = rng.sample(entity_keys, 2)
        return {"source": source, "target": target}

    return {
        "sparql": sparql,
        "rest-entity": lambda rng: ("GET", f"/api/entities/{rng.choice(entity_keys)}", {}),
        "rest-search": lambda rng: ("GET", "/api/entities", {"params": {"q": rng.choice("aeiou"), "limit": 20}}),
        "rest-document": lambda rng: ("GET", f"/api/documents/{rng.choice(document_keys)}", {}),
        "path": lambda rng: ("GET", "/api/paths", {"params": pair(rng)}),
        "view-entity": lambda rng: ("GET", f"/view/entity/{rng.choice(entity_keys)}", {}),
        "view-path": lambda rng: ("GET", "/view/path", {"params": pair(rng)}),
        "view-page": lambda rng: ("GET", rng.choice(["/", "/view/flows", "/view/graph?top=50"]), {}),
    }


def _client_loop(
    url: str,
    makers: dict[str, Maker],
    seed: int,
    until: float,
    tallies: dict[str, Tally],
    lock: threading.Lock,
) -> None:
    rng = random.Random(seed)
    names = sorted(makers)
    with httpx.Client(base_url=url, timeout=120) as client:
        while time.monotonic() < until:
            name = rng.choice(names)
            method, path, options = makers[name](rng)
            start = time.perf_counter()
            try:
                status = client.request(method, path, **options).status_code
            except httpx.HTTPError:
                status = 0
            with lock:
                tallies[name].add(time.perf_counter() - start, status)


def run_load(url: str, *, seconds: float, clients: int, hostile: int, seed: int = 0) -> dict[str, Tally]:
    """Drive the server at `url` (127.0.0.1 only) for `seconds`; returns the tally per kind of request."""
    if urlsplit(url).hostname != HOST:
        raise ValueError(f"the load test only targets {HOST}, not {url}")
    with httpx.Client(base_url=url, timeout=60) as client:
        entity_keys = [item["key"] for item in client.get("/api/entities", params={"limit": 200}).json()["items"]]
        document_keys = [item["key"] for item in client.get("/api/documents", params={"limit": 50}).json()["items"]]
    everyday = everyday_requests(entity_keys, document_keys)
    pathological = {
        "pathological": lambda rng: ("POST", "/sparql", {"data": {"query": rng.choice(PATHOLOGICAL_QUERIES)}})
    }
    tallies: dict[str, Tally] = defaultdict(Tally)
    lock = threading.Lock()
    until = time.monotonic() + seconds
    threads = [
        threading.Thread(target=_client_loop, args=(url, everyday, seed + n, until, tallies, lock))
        for n in range(clients)
    ] + [
        threading.Thread(target=_client_loop, args=(url, pathological, seed + 1000 + n, until, tallies, lock))
        for n in range(hostile)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return dict(tallies)


def errors(name: str, tally: Tally) -> int:
    """Answers that count as failures: anything but 200, and for pathological queries anything but a 503."""
    expected = 503 if name == "pathological" else 200
    return sum(count for status, count in tally.statuses.items() if status != expected)


def report(tallies: dict[str, Tally], seconds: float) -> str:
    """A Markdown table: requests, requests/s, p50 and p99 in ms, errors, per kind of request and in all."""
    everyday = Tally()
    for name, tally in tallies.items():
        if name != "pathological":
            everyday.latencies += tally.latencies
            for status, count in tally.statuses.items():
                everyday.statuses[status] += count
    lines = ["| requests | count | req/s | p50 ms | p99 ms | errors | statuses |", "|---|---|---|---|---|---|---|"]
    for name, tally in [*sorted(tallies.items()), ("all everyday", everyday)]:
        count = len(tally.latencies)
        statuses = " ".join(f"{status}:{n}" for status, n in sorted(tally.statuses.items()))
        lines.append(
            f"| {name} | {count} | {count / seconds:.1f} | {1000 * percentile(tally.latencies, 0.5):.0f} | "
            f"{1000 * percentile(tally.latencies, 0.99):.0f} | {errors(name, tally)} | {statuses} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60, help="How long to hold the traffic (at most 600).")
    parser.add_argument("--clients", type=int, default=6, help="Threads of everyday traffic.")
    parser.add_argument("--hostile", type=int, default=2, help="Threads sending only pathological queries.")
    parser.add_argument("--triples", type=int, default=20_000, help="Size of the synthetic dataset.")
    parser.add_argument("--query-timeout", type=float, default=2.0, help="The server's query_timeout in seconds.")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    seconds = min(args.seconds, 600)
    with tempfile.TemporaryDirectory(prefix="ffkg-load-") as folder:
        data_dir = Path(folder)
        build_store(data_dir, triples=args.triples, seed=args.seed)
        with serve(data_dir, query_timeout=str(args.query_timeout)) as (url, _):
            tallies = run_load(url, seconds=seconds, clients=args.clients, hostile=args.hostile, seed=args.seed)
    print(
        f"{args.triples} triples, {args.clients} clients + {args.hostile} hostile, {seconds:g} s, "
        f"query_timeout {args.query_timeout:g} s"
    )
    print(report(tallies, seconds))
    failed = sum(errors(name, tally) for name, tally in tallies.items())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
