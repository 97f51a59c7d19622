"""Analytics benchmark: projection, explained paths, betweenness, PageRank and communities by size.

    python -m bench.analytics --sizes 10k 100k 1M

For each synthetic dataset (`bench.generate`, on-disk store) it times, once and cold, what a
first request pays: building the projection, converting it for igraph, betweenness as served
(exact up to `exact_betweenness_max_nodes` nodes, else sampled with k sources), PageRank,
eigenvector and Louvain; then the median and worst of shortest-path-with-evidence queries
between seeded random pairs, on the cached projection. A second table puts NetworkX and igraph
side by side on the same graphs. Both end with the growth from the smallest to the largest size.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

import networkx as nx
import pyoxigraph as ox

from bench.generate import SIZES, generate_dataset
from bench.table import Table, ms, ratio
from bench.timing import timed
from kg.analytics.backend import igraph_view
from kg.analytics.centrality import centrality
from kg.analytics.communities import communities
from kg.analytics.paths import explain_paths
from kg.analytics.projection import project, undirected
from kg.settings import Settings
from kg.store import Store

PATH_QUERIES = 25
#: NetworkX's own betweenness and Louvain are only timed up to this many nodes (they take minutes above).
NETWORKX_MAX_NODES = 20_000


def run(datasets: Mapping[str, list[ox.Quad]], workdir: Path, *, seed: int = 0) -> list[Table]:
    """Both tables for the datasets given by label ("10k" -> quads), smallest first."""
    settings = Settings()
    served = Table(
        "Analytics as served (first request, cold), on-disk store",
        [
            "dataset",
            "triples",
            "nodes",
            "edges",
            "projection ms",
            "cached ms",
            "filtered ms",
            "igraph copy ms",
            "path+evidence p50 ms",
            "path+evidence max ms",
            "betweenness ms",
            "PageRank ms",
            "eigenvector ms",
            "Louvain ms",
        ],
    )
    backends = Table(
        "NetworkX vs igraph on the same projection (cold)",
        [
            "dataset",
            "nodes",
            "betweenness",
            "NetworkX ms",
            "igraph ms",
            "PageRank NetworkX ms",
            "PageRank igraph ms",
            "Louvain NetworkX ms",
            "Louvain igraph ms",
        ],
    )
    timings: dict[str, list[float | None]] = {}
    with Store.open(workdir / "analytics-warm-up") as store:  # first-call costs (lazy imports) are not the graph's
        store.write_quads(generate_dataset(2_000, seed=seed))
        _served(store, settings, seed)
        _backends(store, settings, seed)
    for label, quads in datasets.items():
        with Store.open(workdir / f"analytics-{label}") as store:
            store.write_quads(quads)
            row = _served(store, settings, seed)
            served.add(label, f"{len(quads):,}", *row["cells"])
            timings[label] = row["seconds"]
            backends.add(label, *_backends(store, settings, seed))
    if len(timings) > 1:
        first, last = timings[next(iter(timings))], timings[list(timings)[-1]]
        growth = [None if a is None or b is None or a == 0 else b / a for a, b in zip(first, last, strict=True)]
        served.add(
            f"growth {next(iter(timings))} -> {list(timings)[-1]}",
            "",
            "",
            "",
            *(f"x{ratio(g)}" if g else "–" for g in growth),
        )
    served.notes += [
        f"Betweenness is exact up to {settings.exact_betweenness_max_nodes:,} nodes, else estimated from "
        f"{settings.betweenness_samples} seeded source samples (the API states which, with k).",
        f"Paths: {PATH_QUERIES} seeded random connected pairs; each answer is the shortest path plus one SPARQL query "
        "for the evidence sentences of all its hops.",
        "Heavy metrics run in igraph from 1,000 nodes on ('auto' backend); values match NetworkX's (tested).",
        "filtered: events from 2015 on, facts with confidence >= 0.6, derived from the cached full network.",
    ]
    backends.notes.append(f"NetworkX betweenness and Louvain are not run above {NETWORKX_MAX_NODES:,} nodes.")
    return [served, backends]


def _served(store: Store, settings: Settings, seed: int) -> dict[str, list]:
    build, graph = timed(lambda: project(store))
    cached, _ = timed(lambda: project(store))
    filtered, _ = timed(lambda: project(store, date_from="2015", min_confidence=0.6))
    copy, _ = timed(lambda: igraph_view(undirected(graph)))
    paths = _path_latencies(store, graph, seed)
    heavy = [
        timed(
            lambda metric=metric: centrality(
                graph,
                metric=metric,
                seed=seed,
                exact_max_nodes=settings.exact_betweenness_max_nodes,
                default_k=settings.betweenness_samples,
            )
        )[0]
        for metric in ("betweenness", "pagerank", "eigenvector")
    ]
    louvain, _ = timed(lambda: communities(graph, seed=seed))
    seconds = [build, cached, filtered, copy, statistics.median(paths), max(paths), *heavy, louvain]
    cells = [f"{graph.number_of_nodes():,}", f"{graph.number_of_edges():,}", *(ms(s) for s in seconds)]
    return {"cells": cells, "seconds": seconds}


def _path_latencies(store: Store, graph: nx.MultiDiGraph, seed: int) -> list[float]:
    """Seconds per explained shortest path between seeded random pairs of the largest component."""
    rng = random.Random(seed)
    nodes = sorted(max(nx.connected_components(undirected(graph)), key=len))
    latencies = []
    for _ in range(PATH_QUERIES):
        source, target = rng.sample(nodes, 2)
        seconds, report = timed(lambda s=source, t=target: explain_paths(store, graph, s, t))
        assert report["found"], "pairs are drawn from one connected component"
        latencies.append(seconds)
    return latencies


def _backends(store: Store, settings: Settings, seed: int) -> list[str]:
    graph = nx.freeze(project(store).copy())  # a new object, so nothing cached from the first table is reused
    igraph_view(undirected(graph))
    n = graph.number_of_nodes()
    k = None if n <= settings.exact_betweenness_max_nodes else settings.betweenness_samples
    small = n <= NETWORKX_MAX_NODES

    def cold(action: Callable[[], object], allowed: bool = True) -> str:
        return ms(timed(action)[0]) if allowed else "–"

    return [
        f"{n:,}",
        "exact" if k is None else f"k={k}",
        cold(lambda: centrality(graph, metric="betweenness", k=k, seed=seed, backend="networkx"), small),
        cold(lambda: centrality(graph, metric="betweenness", k=k, seed=seed, backend="igraph")),
        cold(lambda: centrality(graph, metric="pagerank", backend="networkx")),
        cold(lambda: centrality(graph, metric="pagerank", backend="igraph")),
        cold(lambda: communities(graph, seed=seed, backend="networkx"), small),
        cold(lambda: communities(graph, seed=seed, backend="igraph")),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=list(SIZES), choices=list(SIZES))
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    datasets = {label: generate_dataset(SIZES[label], seed=args.seed) for label in args.sizes}
    with tempfile.TemporaryDirectory(prefix="ffkg-bench-analytics-") as workdir:
        for table in run(datasets, Path(workdir), seed=args.seed):
            print(table.markdown())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
