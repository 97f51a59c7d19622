"""Who matters in the network: degree, betweenness (brokers), PageRank and eigenvector centrality.

All metrics read the projection undirected. Betweenness is exact up to `exact_max_nodes`
and estimated from `k` seeded source samples above it (the result states which). Large
graphs are computed by igraph on a cached copy; the numbers match NetworkX's (tested).
"""

from __future__ import annotations

import math
import random
import warnings
from dataclasses import dataclass
from typing import Any

import networkx as nx

from kg.analytics.backend import IGraphView, igraph_view
from kg.analytics.projection import derived, is_a, node_info, node_type, undirected
from kg.errors import BadInputError

METRICS = ("degree", "betweenness", "pagerank", "eigenvector")
BACKENDS = ("auto", "networkx", "igraph")
#: From this many nodes on, "auto" hands betweenness, PageRank and eigenvector to igraph.
IGRAPH_MIN_NODES = 1000
DAMPING = 0.85


@dataclass(frozen=True)
class Scores:
    """One metric's value per node, and how it was computed."""

    metric: str
    values: dict[str, float]
    exact: bool
    k: int | None
    seed: int | None
    backend: str


def centrality(
    graph: nx.MultiDiGraph,
    *,
    metric: str,
    k: int | None = None,
    exact_max_nodes: int = 5000,
    default_k: int = 256,
    seed: int = 0,
    backend: str = "auto",
) -> Scores:
    """Score every node of the projection with `metric`; cached with the projection.

    Betweenness samples `k` sources (seeded) when `k` is given, or `default_k` when the graph
    has more than `exact_max_nodes` nodes; otherwise it is exact.

    >>> star = nx.MultiDiGraph([("hub", leaf, "x") for leaf in "abc"])
    >>> centrality(star, metric="betweenness").values["hub"]
    1.0
    """
    if metric not in METRICS:
        raise BadInputError(f"unknown metric {metric!r}; choose one of: {', '.join(METRICS)}")
    if backend not in BACKENDS:
        raise BadInputError(f"unknown backend {backend!r}; choose one of: {', '.join(BACKENDS)}")
    simple = undirected(graph)
    n = simple.number_of_nodes()
    if metric == "betweenness" and k is None and n > exact_max_nodes:
        k = default_k
    if metric != "betweenness" or (k is not None and k >= n):
        k = None
    if k is not None and k < 2:
        raise BadInputError(f"k must be at least 2 sampled sources, not {k}")
    if backend == "auto":
        backend = "igraph" if n >= IGRAPH_MIN_NODES else "networkx"
    if metric == "degree":
        backend = "networkx"
    seed_used = seed if k is not None else None
    values = derived(
        simple, ("centrality", metric, k, seed_used, backend), lambda: _compute(simple, metric, k, seed, backend)
    )
    return Scores(metric, values, k is None, k, seed_used, backend)


def ranking(
    graph: nx.MultiDiGraph, scores: Scores, *, type: str | None = None, limit: int | None = None
) -> list[dict[str, Any]]:
    """Nodes best first (ties by label), optionally only those of one class and its subclasses."""
    if type is not None:
        type = node_type(type)
    nodes = [n for n in scores.values if type is None or is_a(graph.nodes[n].get("type"), type)]
    nodes.sort(key=lambda n: (-scores.values[n], graph.nodes[n].get("label") or "", n))
    return [
        {"rank": i, **node_info(graph, n), "score": scores.values[n]}
        for i, n in enumerate(nodes[:limit] if limit is not None else nodes, start=1)
    ]


def _compute(simple: nx.Graph, metric: str, k: int | None, seed: int, backend: str) -> dict[str, float]:
    if simple.number_of_nodes() == 0:
        return {}
    if metric == "degree":
        return nx.degree_centrality(simple)
    if backend == "networkx":
        if metric == "betweenness":
            return nx.betweenness_centrality(simple, k=k, seed=seed)
        if metric == "pagerank":
            return nx.pagerank(simple, alpha=DAMPING)
        return _eigenvector_networkx(simple)
    view = igraph_view(simple)
    if metric == "betweenness":
        sources = None if k is None else random.Random(seed).sample(view.nodes, k)
        raw = view.graph.betweenness(directed=False, sources=None if sources is None else _indices(view, sources))
        return _rescale_betweenness(dict(zip(view.nodes, raw, strict=True)), sources)
    if metric == "pagerank":
        # ARPACK, not the default PRPACK: PRPACK's OpenMP threads spin and run 10-20x slower on a busy server.
        return dict(zip(view.nodes, view.graph.pagerank(damping=DAMPING, implementation="arpack"), strict=True))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        vector = view.graph.eigenvector_centrality(scale=False)
    return _unit(dict(zip(view.nodes, vector, strict=True)))


def _indices(view: IGraphView, nodes: list[str]) -> list[int]:
    position = {node: i for i, node in enumerate(view.nodes)}
    return [position[node] for node in nodes]


def _rescale_betweenness(raw: dict[str, float], sources: list[str] | None) -> dict[str, float]:
    """NetworkX's normalisation of igraph's pair counts, sampled sources included.

    igraph counts each unordered pair once; NetworkX's normalised value divides the ordered
    pair count by the number of (source, target) pairs that could pass through the node.
    """
    n = len(raw)
    if n <= 2:
        return dict.fromkeys(raw, 0.0)
    if sources is None:
        return {node: 2 * value / ((n - 1) * (n - 2)) for node, value in raw.items()}
    k, sampled = len(sources), set(sources)
    return {node: 2 * value / (((k - 1) if node in sampled else k) * (n - 2)) for node, value in raw.items()}


def _eigenvector_networkx(simple: nx.Graph) -> dict[str, float]:
    """Power iteration, which (unlike the numpy solver) accepts the disconnected graphs real data gives."""
    if simple.number_of_edges() == 0:
        return dict.fromkeys(simple, 0.0)
    return _unit(nx.eigenvector_centrality(simple, max_iter=1000, tol=1e-9))


def _unit(values: dict[str, float]) -> dict[str, float]:
    """Scale to unit length with non-negative entries, as NetworkX reports eigenvector centrality."""
    norm = math.sqrt(sum(v * v for v in values.values())) or 1.0
    sign = -1.0 if sum(values.values()) < 0 else 1.0
    return {node: sign * value / norm for node, value in values.items()}
