"""Groups and surroundings: Louvain communities (seeded, so the same data gives the same groups)
and ego neighbourhoods of a node up to a depth."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import networkx as nx

from kg.analytics.backend import igraph_view, seeded
from kg.analytics.centrality import BACKENDS, IGRAPH_MIN_NODES
from kg.analytics.projection import derived, node_info, undirected
from kg.errors import BadInputError


@dataclass(frozen=True)
class Partition:
    """Communities largest first (members sorted), their modularity, and how they were found."""

    communities: list[list[str]]
    modularity: float
    seed: int
    resolution: float
    backend: str


def communities(graph: nx.MultiDiGraph, *, seed: int = 0, resolution: float = 1.0, backend: str = "auto") -> Partition:
    """Louvain communities of the projection read undirected; cached with the projection.

    >>> g = nx.MultiDiGraph([(a, b, "x") for a, b in ["ab", "bc", "ca", "de", "ef", "fd", "cd"]])
    >>> communities(g).communities
    [['a', 'b', 'c'], ['d', 'e', 'f']]
    """
    if backend not in BACKENDS:
        raise BadInputError(f"unknown backend {backend!r}; choose one of: {', '.join(BACKENDS)}")
    if resolution <= 0:
        raise BadInputError(f"resolution must be positive, not {resolution}")
    simple = undirected(graph)
    if backend == "auto":
        backend = "igraph" if simple.number_of_nodes() >= IGRAPH_MIN_NODES else "networkx"
    return derived(
        simple, ("communities", seed, resolution, backend), lambda: _louvain(simple, seed, resolution, backend)
    )


def describe(
    graph: nx.MultiDiGraph, partition: Partition, *, limit: int | None = None, members: int | None = None
) -> list[dict[str, Any]]:
    """Communities as dicts, each with its size and members (best connected first)."""
    simple = undirected(graph)
    described = []
    for index, group in enumerate(partition.communities[:limit] if limit is not None else partition.communities):
        ordered = sorted(group, key=lambda n: (-simple.degree(n), graph.nodes[n].get("label") or "", n))
        described.append(
            {
                "id": index,
                "size": len(group),
                "members": [node_info(graph, n) for n in (ordered[:members] if members is not None else ordered)],
            }
        )
    return described


def neighbourhood(graph: nx.MultiDiGraph, node: str, *, depth: int, limit: int | None = None) -> dict[str, Any]:
    """The ego graph of `node` to `depth` hops (either direction), nearest and best connected first.

    With `limit`, only that many nodes are kept and `truncated` says so.

    >>> g = nx.MultiDiGraph([("a", "b", "x"), ("c", "b", "y"), ("c", "d", "z")])
    >>> [n["iri"] for n in neighbourhood(g, "b", depth=1)["nodes"]]
    ['b', 'c', 'a']
    """
    if depth < 0:
        raise BadInputError(f"depth must be at least 0, not {depth}")
    simple = undirected(graph)
    if node not in simple:
        raise BadInputError(f"{node} is not in the analysed network (check the filters)")
    distance = nx.single_source_shortest_path_length(simple, node, cutoff=depth)
    ordered = sorted(distance, key=lambda n: (distance[n], -simple.degree(n), graph.nodes[n].get("label") or "", n))
    kept = ordered[:limit] if limit is not None else ordered
    inside = set(kept)
    edges = [
        {
            "source": u,
            "target": v,
            "predicate": key,
            "confidence": data.get("confidence"),
            "documents": data.get("documents"),
        }
        for u in kept
        for v, by_key in graph.succ[u].items()
        if v in inside
        for key, data in sorted(by_key.items())
    ]
    return {
        "center": node_info(graph, node),
        "depth": depth,
        "truncated": len(kept) < len(ordered),
        "nodes": [{**node_info(graph, n), "distance": distance[n]} for n in kept],
        "edges": edges,
    }


def _louvain(simple: nx.Graph, seed: int, resolution: float, backend: str) -> Partition:
    if simple.number_of_nodes() == 0:
        return Partition([], 0.0, seed, resolution, backend)
    if backend == "networkx":
        groups = nx.community.louvain_communities(simple, seed=seed, resolution=resolution)
        quality = nx.community.modularity(simple, groups, resolution=resolution) if simple.number_of_edges() else 0.0
    else:
        view = igraph_view(simple)
        with seeded(seed):
            clustering = view.graph.community_multilevel(resolution=resolution)
        groups = [{view.nodes[i] for i in members} for members in clustering]
        quality = (
            view.graph.modularity(clustering.membership, resolution=resolution) if simple.number_of_edges() else 0.0
        )
    ordered = sorted((sorted(group) for group in groups), key=lambda members: (-len(members), members[0]))
    return Partition(ordered, float(quality), seed, resolution, backend)
