"""What reading the engine's union of graphs costs, against a set copy of it in the default graph.

    python -m bench.union_scan --triples 200000 --workdir /tmp/ffkg-union [--repeats 5]

The facts-once model keeps no copy of the union: queries without GRAPH read the engine's
union of the per-graph indexes (`use_default_graph_as_union`). The layout before it read a
materialised set copy in the default graph. This loads the same triples both ways, on disk,
in the same run, and times the research queries on each by CPU time (the machine is shared;
sub-50 ms queries are repeated within a sample), alternating which goes first. The ratio is
the price of the union itself, apart from any difference in the data the two layouts hold.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from bench.generate import generate_dataset
from bench.sparql_inprocess import research_queries
from kg.store import Store

QUERIES = (
    "count by type",
    "CONTAINS filter",
    "flows aggregate",
    "evidence for entity",
    "property path",
    "2-hop join",
    "top mentioned",
    "type listing",
    "label lookup",
)
SAMPLE_SECONDS = 0.05


def cpu_per_call(action: Callable[[], object], calls: int) -> float:
    """Process CPU seconds per call over `calls` calls."""
    start = time.process_time()
    for _ in range(calls):
        action()
    return (time.process_time() - start) / calls


def run(n_triples: int, workdir: Path, *, repeats: int) -> dict[str, tuple[float, float]]:
    """Median CPU seconds per query: (the union of per-graph indexes, a set copy in the default graph)."""
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    quads = generate_dataset(n_triples, seed=0)
    store = Store.open(workdir / "union")
    copy = ox.Store(str(workdir / "copy"))
    try:
        store.write_quads(quads)
        triples = {ox.Triple(q.subject, q.predicate, q.object) for q in quads}
        copy.bulk_extend([ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples])
        queries = research_queries(store)
        samples: dict[str, dict[str, list[float]]] = {name: {"union": [], "copy": []} for name in QUERIES}
        for round_ in range(repeats):
            for name in QUERIES:
                subjects = {
                    "union": lambda q=queries[name]: list(store.query(q)),
                    "copy": lambda q=queries[name]: list(copy.query(q)),
                }
                calls = max(1, int(SAMPLE_SECONDS / max(cpu_per_call(subjects["union"], 1), 1e-6)))
                for subject in ("union", "copy") if round_ % 2 == 0 else ("copy", "union"):
                    samples[name][subject].append(cpu_per_call(subjects[subject], calls))
    finally:
        store.close()
    return {name: (statistics.median(s["union"]), statistics.median(s["copy"])) for name, s in samples.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, default=200_000)
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    started, load_before = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), os.getloadavg()[0]
    figures = run(args.triples, args.workdir, repeats=args.repeats)
    shutil.rmtree(args.workdir, ignore_errors=True)
    print(f"{args.triples:,} triples, {started}, median of {args.repeats}; load average {load_before:.1f} at start\n")
    print("| query | union of graphs, CPU ms | set copy in the default graph, CPU ms | union ÷ copy |")
    print("|---|---|---|---|")
    for name, (union, copy) in figures.items():
        print(f"| {name} | {union * 1e3:.2f} | {copy * 1e3:.2f} | {union / copy:.2f} |")


if __name__ == "__main__":
    main()
