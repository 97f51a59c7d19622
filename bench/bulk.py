"""Load and memory: bulk load into the on-disk store, `ffkg load`, reopen time, peak RSS of `ffkg serve`.

The baseline is pyoxigraph's own bulk loader on the same N-Quads file in the same run;
ffkg's own load (`Store.write_quads`, what `ffkg load` runs after parsing the whole file)
goes through the engine's bulk loader into a store with no graphs yet, otherwise in
transactions of whole graphs; it writes nothing beside the quads given.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import httpx
import pyoxigraph as ox

from bench.server import FFKG, ffkg_serve, free_port, peak_rss_bytes, running
from bench.sparql_inprocess import RDFLIB_MAX_TRIPLES, rdflib_dataset, research_queries
from bench.table import Table
from bench.timing import timed
from kg.store import Store

#: What a notebook session typically asks; each query is bounded by the server's own query timeout.
SERVE_QUERIES = (
    "trivial ASK",
    "label lookup",
    "count by type",
    "flows aggregate",
    "CONTAINS filter",
    "evidence for entity",
    "provenance by graph",
    "CONSTRUCT entity",
)


def _rate(quads: int, seconds: float) -> str:
    return f"{quads / seconds:,.0f}"


def _size_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def run(quads: list[ox.Quad], workdir: Path, *, label: str, rdflib_max: int = RDFLIB_MAX_TRIPLES) -> list[Table]:
    """One load of each kind into fresh stores under `workdir`, then reopen and serve the bulk-loaded one."""
    source = workdir / f"bulk-{label}.nq"
    ox.serialize(quads, str(source), ox.RdfFormat.N_QUADS)
    n = len(quads)
    table = Table(
        f"Load and memory, {label} ({n:,} quads, N-Quads {source.stat().st_size / 1e6:,.0f} MB)",
        ["step", "seconds", "quads/s", "vs bulk load", "notes"],
    )

    bulk_dir = workdir / f"bulk-{label}"
    bulk_seconds = timed(lambda: _bulk_load(bulk_dir / "store", source))[0]
    table.add(
        "pyoxigraph `bulk_load` of the file, on disk (baseline)",
        f"{bulk_seconds:.2f}",
        _rate(n, bulk_seconds),
        "1.00",
        f"store {_size_mb(bulk_dir):,.0f} MB on disk",
    )

    extend_seconds = timed(lambda: _extend(workdir / f"extend-{label}", quads))[0]
    table.add(
        "pyoxigraph `bulk_extend` of in-memory quads, on disk",
        f"{extend_seconds:.2f}",
        _rate(n, extend_seconds),
        f"{extend_seconds / bulk_seconds:.2f}",
        "what benchmarks use",
    )

    ffkg_dir = workdir / f"ffkg-{label}"
    store_seconds = timed(lambda: _store_load(ffkg_dir / "store", quads))[0]
    table.add(
        "ffkg `Store.write_quads`, on disk",
        f"{store_seconds:.2f}",
        _rate(n, store_seconds),
        f"{store_seconds / bulk_seconds:.2f}",
        f"what `ffkg load` does into a new store; {_size_mb(ffkg_dir):,.0f} MB",
    )

    cli_dir = workdir / f"cli-{label}"
    command = [FFKG, "load", "--data-dir", str(cli_dir), str(source)]
    cli_seconds = timed(lambda: subprocess.run(command, check=True, capture_output=True))[0]
    graphs = len({q.graph_name for q in quads})
    table.add(
        "`ffkg load file.nq` (CLI, whole process)",
        f"{cli_seconds:.2f}",
        _rate(n, cli_seconds),
        f"{cli_seconds / bulk_seconds:.2f}",
        f"{graphs:,} graphs; parse, then the line above",
    )

    startup_seconds = timed(lambda: subprocess.run([FFKG, "--version"], check=True, capture_output=True))[0]
    table.add(
        "`ffkg --version` (CLI start-up alone, part of the line above)",
        f"{startup_seconds:.2f}",
        "",
        "",
        "imports every subcommand's modules",
    )

    reopen_seconds = timed(lambda: Store.open(ffkg_dir / "store").close())[0]
    table.add("reopen: `Store.open` + close", f"{reopen_seconds:.3f}", "", "", "target < 1 s")

    if n <= rdflib_max:
        rdflib_seconds = timed(lambda: rdflib_dataset(quads))[0]
        table.add(
            "rdflib `Dataset.parse` into memory",
            f"{rdflib_seconds:.2f}",
            _rate(n, rdflib_seconds),
            f"{rdflib_seconds / bulk_seconds:.2f}",
            "for scale; not run at 1M",
        )

    rss, answered = _serve_rss(ffkg_dir)
    table.add(
        "`ffkg serve` peak RSS after a notebook's worth of queries",
        "",
        "",
        "",
        f"{rss / 1e6:,.0f} MB ({answered} of {len(SERVE_QUERIES)} answered)",
    )
    table.notes.append(f"Target: bulk load >= 70,000 quads/s on disk (here {n / bulk_seconds:,.0f}/s).")
    return [table]


def _bulk_load(path: Path, source: Path) -> None:
    path.mkdir(parents=True)
    engine = ox.Store(str(path))
    engine.bulk_load(path=str(source), format=ox.RdfFormat.N_QUADS)
    engine.flush()


def _extend(path: Path, quads: list[ox.Quad]) -> None:
    engine = ox.Store(str(path))
    engine.bulk_extend(quads)
    engine.flush()


def _store_load(path: Path, quads: list[ox.Quad]) -> None:
    with Store.open(path) as store:
        store.write_quads(quads)


def _serve_rss(data_dir: Path) -> tuple[int, int]:
    """Peak RSS of `ffkg serve` on `data_dir` once it has answered the SERVE_QUERIES."""
    with Store.open(data_dir / "store") as store:
        queries = [sparql for name, sparql in research_queries(store).items() if name in SERVE_QUERIES]
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}/sparql"
    with running(ffkg_serve(data_dir, port), f"{endpoint}?query=ASK%7B%7D") as process, httpx.Client() as client:
        answered = sum(
            client.post(
                endpoint, data={"query": q}, headers={"accept": "application/sparql-results+json, */*"}, timeout=300
            ).status_code
            == 200
            for q in queries
        )
        return peak_rss_bytes(process.pid), answered
