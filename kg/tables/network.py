"""The tables' flow network: places as nodes, routes as directed edges weighted by firearms.

Centrality and paths here read the weights (the article network counts relations instead):
a place's strength is the firearms it sends and receives, PageRank follows the guns, and a
path's hops are shorter the more firearms move along them (distance = 1 / firearms), so the
best path is the chain of the heaviest routes.
"""

from __future__ import annotations

from itertools import islice
from typing import Any

import networkx as nx

from kg.errors import BadInputError
from kg.settings import Settings
from kg.store import BaseStore
from kg.tables.flows import FlowFilter, select, table_data

METRICS = ("strength", "in_strength", "out_strength", "pagerank", "betweenness")
DAMPING = 0.85


def flow_network(store: BaseStore, *, year: int | None = None, include_local: bool = False) -> nx.DiGraph:
    """Routes of the selected year (all years summed when None) with `firearms` and `distance` per edge.

    >>> from kg.store import Store
    >>> flow_network(Store.memory()).number_of_nodes()
    0
    """
    data = table_data(store)
    graph = nx.DiGraph()
    for flow in select(data, FlowFilter(year=year, include_local=include_local)):
        for place in (flow.origin, flow.destination):
            graph.add_node(place, **data.places[place])
        if graph.has_edge(flow.origin, flow.destination):
            graph.edges[flow.origin, flow.destination]["firearms"] += flow.firearms
        else:
            graph.add_edge(flow.origin, flow.destination, firearms=flow.firearms)
    for _, _, edge in graph.edges(data=True):
        edge["distance"] = 1.0 / edge["firearms"] if edge["firearms"] else float("inf")
    return graph


def weighted_centrality(graph: nx.DiGraph, *, metric: str) -> dict[str, float]:
    """One score per place, by firearms.

    >>> g = nx.DiGraph()
    >>> g.add_edge("a", "b", firearms=3, distance=1 / 3)
    >>> weighted_centrality(g, metric="out_strength")["a"]
    3.0
    """
    if metric not in METRICS:
        raise BadInputError(f"unknown metric {metric!r} for tables; choose one of: {', '.join(METRICS)}")
    if graph.number_of_nodes() == 0:
        return {}
    if metric == "strength":
        return {n: float(s) for n, s in graph.degree(weight="firearms")}
    if metric == "in_strength":
        return {n: float(s) for n, s in graph.in_degree(weight="firearms")}
    if metric == "out_strength":
        return {n: float(s) for n, s in graph.out_degree(weight="firearms")}
    if metric == "pagerank":
        return nx.pagerank(graph, alpha=DAMPING, weight="firearms")
    return nx.betweenness_centrality(graph, weight="distance")


def centrality_report(
    store: BaseStore, *, metric: str = "pagerank", year: int | None = None, limit: int | None = 20
) -> dict[str, Any]:
    """The places that matter most in the tables' flow network by `metric`, same-place cells left out."""
    graph = flow_network(store, year=year)
    scores = weighted_centrality(graph, metric=metric)
    ranked = sorted(scores, key=lambda n: (-scores[n], graph.nodes[n]["label"], n))
    return {
        "source": "tables",
        "metric": metric,
        "weight": "firearms",
        "year": year,
        "nodes": graph.number_of_nodes(),
        "edges": graph.number_of_edges(),
        "results": [
            {"rank": i, **graph.nodes[n], "score": scores[n]}
            for i, n in enumerate(ranked[:limit] if limit is not None else ranked, start=1)
        ],
    }


def path_report(
    store: BaseStore, settings: Settings, source: str, target: str, *, k: int = 1, year: int | None = None
) -> dict[str, Any]:
    """The `k` chains of heaviest routes from `source` to `target`, each hop with its firearms
    (`k` at most the server's `max_path_k`: the simple paths of a dense network are countless)."""
    if not 1 <= k <= settings.max_path_k:
        raise BadInputError(f"k must be from 1 to {settings.max_path_k} (FFKG_MAX_PATH_K), not {k}")
    data = table_data(store)
    start, end = data.place(source), data.place(target)
    graph = flow_network(store, year=year)
    found = []
    if start in graph and end in graph and start != end and nx.has_path(graph, start, end):
        for nodes in islice(nx.shortest_simple_paths(graph, start, end, weight="distance"), k):
            hops = [
                {"origin": graph.nodes[a], "destination": graph.nodes[b], "firearms": graph.edges[a, b]["firearms"]}
                for a, b in zip(nodes, nodes[1:], strict=False)
            ]
            found.append(
                {
                    "length": len(hops),
                    "nodes": [graph.nodes[n] for n in nodes],
                    "hops": hops,
                    "bottleneck": min(h["firearms"] for h in hops),
                }
            )
    report: dict[str, Any] = {
        "source": "tables",
        "weight": "firearms",
        "year": year,
        "from": data.places[start],
        "to": data.places[end],
        "found": bool(found),
        "paths": found,
    }
    if not found:
        report["message"] = (
            f"no flow in the tables leads from {data.places[start]['label']} to {data.places[end]['label']}"
        )
    return report
