"""SPARQL over HTTP: `ffkg serve` against bare pyoxigraph and the engine's own server on the same data.

    python -m bench.http_engine --size 100k --workdir /tmp/ffkg-http [--requests 21]
    python -m bench.http_engine --size 100k --workdir /tmp/ffkg-http --split --requests 1500

All three servers are pyoxigraph's engine, same version, on copies of the same on-disk store,
reading the union of the graphs as the default graph:
- `ffkg serve`: its HTTP layer, the worker-process hop (what lets it kill a runaway query), the
  row cap and the content negotiation around the engine;
- bare pyoxigraph: `pyoxigraph.Store.query(...).serialize(...)` called inline by the least ASGI
  app that reads a form and answers, under uvicorn as ffkg is (`bare_pyoxigraph`): what any Python
  server of the engine pays, with no limit on a query;
- the engine's own server (`oxigraph serve-read-only`, Rust through and through).
One client sends each query to the servers in turn, request by request, in rotating order, and
reads every answer to its end (SPARQL JSON results). Per query: the median latency on each, and
the server's CPU time per request (its whole process tree, from /proc, over all the requests),
which the other jobs on a shared machine inflate far less; for ffkg, split between its HTTP
process and its query worker processes. The issue's target: every query of 1 ms or more within
1.2× of bare pyoxigraph.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import NamedTuple
from urllib.parse import parse_qs

import httpx
import pyoxigraph as ox
from starlette.types import ASGIApp, Receive, Scope, Send

from bench.generate import SIZES, generate_dataset
from bench.server import ffkg_serve, free_port, running
from bench.sparql_inprocess import research_queries
from kg.store import Store

OXIGRAPH = str(Path(sys.executable).with_name("oxigraph"))
#: The environment variable naming the store the bare pyoxigraph server opens.
BARE_STORE = "FFKG_BENCH_BARE_STORE"
SERVERS = ("ffkg", "bare", "engine")
ACCEPT = {"accept": "application/sparql-results+json"}
#: Queries the issue names beside the research mix: a large answer.
LARGE_ANSWER = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 20000"
MEASURED = (
    "20,000-row SELECT",
    "CONTAINS filter",
    "count by type",
    "label lookup",
    "2-hop join",
    "flows aggregate",
    "top mentioned",
    "evidence for entity",
    "NOT EXISTS",
    "property path",
)


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of one process (all its threads) so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _tree_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process and all its descendants so far, from /proc."""
    total, pending = 0.0, [pid]
    while pending:
        current = pending.pop()
        try:
            total += _cpu_seconds(current)
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(child) for child in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


def _rows(answer: bytes) -> int:
    """Rows of a SPARQL JSON results answer (checked equal on both servers before timing)."""
    return len(json.loads(answer)["results"]["bindings"])


def _oxigraph_serve(location: Path, port: int) -> list[str]:
    bind = f"127.0.0.1:{port}"
    return [OXIGRAPH, "serve-read-only", "--location", str(location), "--bind", bind, "--union-default-graph"]


def bare_pyoxigraph() -> ASGIApp:
    """The bare pyoxigraph server (a uvicorn `--factory`): the store `BARE_STORE` names, opened read-only,
    queried inline for the form's (or the URL's) `query` and answered in SPARQL JSON, nothing else."""
    store = ox.Store.read_only(os.environ[BARE_STORE])

    async def answer(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        fields = parse_qs(body.decode() or scope["query_string"].decode())
        results = store.query(fields["query"][0], use_default_graph_as_union=True)
        payload = results.serialize(format=ox.QueryResultsFormat.JSON)
        headers = [(b"content-type", b"application/sparql-results+json")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": payload})

    return answer


def _bare_serve(port: int) -> list[str]:
    app = [sys.executable, "-m", "uvicorn", "--app-dir", str(Path(__file__).resolve().parents[1]), "--factory"]
    return app + ["bench.http_engine:bare_pyoxigraph", "--port", str(port), "--no-access-log"]


def _prepare(size: str, workdir: Path) -> dict[str, str]:
    """An ffkg data dir of `size` triples and a copy of its store for each other server; the queries."""
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    with Store.open(workdir / "data" / "store") as store:
        store.write_quads(generate_dataset(SIZES[size], seed=0))
        store.engine.backup(str(workdir / "engine"))
        store.engine.backup(str(workdir / "bare"))
        queries = research_queries(store)
    queries["20,000-row SELECT"] = LARGE_ANSWER
    return {name: queries[name] for name in MEASURED}


class Row(NamedTuple):
    """One query's figures: median latency and CPU seconds per request of each server (and of ffkg's
    HTTP process alone, the rest being its query workers), the answer's size."""

    query: str
    ffkg_p50: float
    bare_p50: float
    engine_p50: float
    ffkg_cpu: float
    bare_cpu: float
    engine_cpu: float
    ffkg_http_cpu: float
    answer_bytes: int
    answer_rows: int


def run(size: str, workdir: Path, *, requests: int) -> list[Row]:
    """Each query `requests` times on each server (after one warm-up round), request by request in rotating order."""
    queries = _prepare(size, workdir)
    ports = {server: free_port() for server in SERVERS}
    urls = {
        "ffkg": f"http://127.0.0.1:{ports['ffkg']}/sparql",
        "bare": f"http://127.0.0.1:{ports['bare']}/",
        "engine": f"http://127.0.0.1:{ports['engine']}/query",
    }
    bare_env = {**os.environ, BARE_STORE: str(workdir / "bare")}
    rows = []
    with (
        running(ffkg_serve(workdir / "data", ports["ffkg"]), f"{urls['ffkg']}?query=ASK%7B%7D") as ffkg,
        running(_bare_serve(ports["bare"]), f"{urls['bare']}?query=ASK%7B%7D", env=bare_env) as bare,
        running(_oxigraph_serve(workdir / "engine", ports["engine"]), f"{urls['engine']}?query=ASK%7B%7D") as engine,
        httpx.Client(timeout=600) as client,
    ):
        pids = {"ffkg": ffkg.pid, "bare": bare.pid, "engine": engine.pid}

        def ask(server: str, sparql: str) -> tuple[float, bytes]:
            start = time.perf_counter()
            answer = client.post(urls[server], data={"query": sparql}, headers=ACCEPT)
            answer.raise_for_status()
            return time.perf_counter() - start, answer.content

        for name, sparql in queries.items():
            warm_up = {server: _rows(ask(server, sparql)[1]) for server in SERVERS}
            if len(set(warm_up.values())) != 1:
                raise AssertionError(f"{name}: the servers answered different numbers of rows: {warm_up}")
            latency: dict[str, list[float]] = {server: [] for server in SERVERS}
            cpu_before = {server: _tree_cpu_seconds(pid) for server, pid in pids.items()}
            http_before = _cpu_seconds(ffkg.pid)
            for request in range(requests):
                shift = request % len(SERVERS)
                for server in SERVERS[shift:] + SERVERS[:shift]:
                    seconds, answer = ask(server, sparql)
                    latency[server].append(seconds)
            cpu = {server: (_tree_cpu_seconds(pid) - cpu_before[server]) / requests for server, pid in pids.items()}
            http_cpu = (_cpu_seconds(ffkg.pid) - http_before) / requests
            p50 = {server: statistics.median(values) for server, values in latency.items()}
            rows.append(
                Row(
                    name,
                    p50["ffkg"],
                    p50["bare"],
                    p50["engine"],
                    cpu["ffkg"],
                    cpu["bare"],
                    cpu["engine"],
                    http_cpu,
                    len(answer),
                    warm_up["ffkg"],
                )
            )
    return rows


#: Queries whose CPU per request is split between the pieces of each server (`--split`): ffkg's fixed
#: cost per request is what keeps the short ones from 1.2× the engine.
SPLIT = ("label lookup", "CONTAINS filter", "NOT EXISTS", "evidence for entity", "flows aggregate")


async def fixed_answer(scope: Scope, receive: Receive, send: Send) -> None:
    """A bare ASGI app under uvicorn, answering every request with one small JSON body: uvicorn's own cost."""
    if scope["type"] != "http":
        return
    while (await receive()).get("more_body"):
        pass
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": b'{"head":{},"boolean":true}'})


class Split(NamedTuple):
    """CPU seconds per request of each piece, for one query."""

    query: str
    uvicorn: float
    ffkg_http: float
    ffkg_workers: float
    engine: float


def split(size: str, workdir: Path, *, requests: int) -> list[Split]:
    """Per query, `requests` requests to each server in turn, and the CPU each process spent on them:
    uvicorn answering a fixed body, ffkg's HTTP process and its query workers, the engine's server.
    The CPU counters tick every 10 ms, so a few hundred requests are needed for a figure in µs."""
    queries = {"ASK {}": "ASK {}", **_prepare(size, workdir)}
    ports = {"ffkg": free_port(), "engine": free_port(), "uvicorn": free_port()}
    urls = {
        "ffkg": f"http://127.0.0.1:{ports['ffkg']}/sparql",
        "engine": f"http://127.0.0.1:{ports['engine']}/query",
        "uvicorn": f"http://127.0.0.1:{ports['uvicorn']}/",
    }
    bare = [sys.executable, "-m", "uvicorn", "--app-dir", str(Path(__file__).resolve().parents[1])]
    bare += ["bench.http_engine:fixed_answer", "--port", str(ports["uvicorn"]), "--no-access-log"]
    rows = []
    with (
        running(ffkg_serve(workdir / "data", ports["ffkg"]), f"{urls['ffkg']}?query=ASK%7B%7D") as ffkg,
        running(_oxigraph_serve(workdir / "engine", ports["engine"]), f"{urls['engine']}?query=ASK%7B%7D") as engine,
        running(bare, urls["uvicorn"]) as uvicorn,
        httpx.Client(timeout=600) as client,
    ):
        pids = {"ffkg": ffkg.pid, "engine": engine.pid, "uvicorn": uvicorn.pid}
        for name in ("ASK {}", *SPLIT):
            sparql = queries[name]
            cpu: dict[str, float] = {}
            for server, url in urls.items():
                for _ in range(10):
                    client.post(url, data={"query": sparql}, headers=ACCEPT).raise_for_status()
                tree_before, http_before = _tree_cpu_seconds(pids[server]), _cpu_seconds(pids[server])
                for _ in range(requests):
                    client.post(url, data={"query": sparql}, headers=ACCEPT)
                cpu[server] = (_tree_cpu_seconds(pids[server]) - tree_before) / requests
                cpu[f"{server} process"] = (_cpu_seconds(pids[server]) - http_before) / requests
            workers = cpu["ffkg"] - cpu["ffkg process"]
            rows.append(Split(name, cpu["uvicorn"], cpu["ffkg process"], workers, cpu["engine"]))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="100k")
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--requests", type=int, default=21)
    parser.add_argument(
        "--split", action="store_true", help="split each server's CPU per request by process, for short queries"
    )
    args = parser.parse_args()
    started, load_before = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), os.getloadavg()
    if args.split:
        split_rows = split(args.size, args.workdir, requests=args.requests)
        shutil.rmtree(args.workdir, ignore_errors=True)
        print(
            f"{args.size}, {started}, {args.requests} requests per query and server; load average "
            f"{load_before[0]:.1f} at start, {os.getloadavg()[0]:.1f} at end; µs of CPU per request\n"
        )
        print(
            "| query | uvicorn, fixed body | ffkg HTTP process | ffkg query workers | ffkg | engine | ffkg − engine |"
        )
        print("|---|---|---|---|---|---|---|")
        for r in split_rows:
            total = r.ffkg_http + r.ffkg_workers
            figures = (r.uvicorn, r.ffkg_http, r.ffkg_workers, total, r.engine, total - r.engine)
            print(f"| {r.query} | " + " | ".join(f"{value * 1e6:.0f}" for value in figures) + " |")
        return
    rows = run(args.size, args.workdir, requests=args.requests)
    shutil.rmtree(args.workdir, ignore_errors=True)
    load_after = os.getloadavg()
    print(
        f"{args.size}, {started}, {args.requests} requests per query and server; load average "
        f"{load_before[0]:.1f} at start, {load_after[0]:.1f} at end\n"
    )
    print(
        "| query | ffkg p50 ms | bare p50 ms | engine p50 ms | ffkg ÷ bare, p50 | ffkg ÷ engine, p50 "
        "| ffkg CPU ms/req (HTTP process + query workers) | bare CPU | engine CPU | ffkg ÷ bare, CPU "
        "| ffkg ÷ engine, CPU | answer KB |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        workers_cpu = row.ffkg_cpu - row.ffkg_http_cpu
        figures = [
            f"{row.ffkg_p50 * 1e3:.2f}",
            f"{row.bare_p50 * 1e3:.2f}",
            f"{row.engine_p50 * 1e3:.2f}",
            _ratio(row.ffkg_p50, row.bare_p50),
            _ratio(row.ffkg_p50, row.engine_p50),
            f"{row.ffkg_cpu * 1e3:.2f} ({row.ffkg_http_cpu * 1e3:.2f} + {workers_cpu * 1e3:.2f})",
            f"{row.bare_cpu * 1e3:.2f}",
            f"{row.engine_cpu * 1e3:.2f}",
            _ratio(row.ffkg_cpu, row.bare_cpu),
            _ratio(row.ffkg_cpu, row.engine_cpu),
            f"{row.answer_bytes / 1e3:,.0f}",
        ]
        print(f"| {row.query} | " + " | ".join(figures) + " |")


def _ratio(ours: float, theirs: float) -> str:
    return f"{ours / theirs:.2f}" if theirs else "n/a"


if __name__ == "__main__":
    main()
