"""The extracted network as the decisions say it is: merged entities one node, split-off mentions their own
node, curated labels and types, every edge with its claim status and rejected claims left out unless asked.

Read-time, so the stored facts stay once each and as extracted, and undoing a decision is exact.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import networkx as nx
import pyoxigraph as ox

from kg.curation.resolver import Resolution, Split, resolution
from kg.iris import ONTOLOGY, fact_iri
from kg.store import BaseStore

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


def curate_network(store: BaseStore, network: nx.MultiDiGraph, *, include_rejected: bool = False) -> nx.MultiDiGraph:
    """`network` (as `kg.analytics.projection` reads it) with the store's decisions applied, frozen."""
    resolved = resolution(store)
    if not resolved.decisions:
        return network
    moved = _split_edges(store, resolved.splits)
    rejected = resolved.rejected()
    drawn = _drawn_as(network, resolved)
    graph = nx.MultiDiGraph()
    for node, data in network.nodes(data=True):
        if drawn[node] != node or (node in rejected and not include_rejected):
            continue
        graph.add_node(node, **_curated_node(node, data, resolved, network))
    for u, v, key, data in network.edges(keys=True, data=True):
        status = resolved.status_of(fact_iri(u, ONTOLOGY + key, v))
        if resolved.status_of(u) == "rejected" or resolved.status_of(v) == "rejected":
            status = "rejected"
        if status == "rejected" and not include_rejected:
            continue
        for a, b in moved.get((u, key, v), [(u, v)]):
            source, target = drawn.get(a, a), drawn.get(b, b)
            if source not in graph or target not in graph or (source == target and a != b):
                continue
            _add_edge(graph, source, target, key, {**data, "status": status})
    return nx.freeze(graph)


def _drawn_as(network: nx.MultiDiGraph, resolved: Resolution) -> dict[str, str]:
    """The node each node is drawn as: the entity its merges kept, or while that one is gone from the
    store (its decision is stale), the first merged entity still there, so nothing disappears."""
    drawn = {}
    for node in network:
        members = [m for m in resolved.members(node) if m in network]
        drawn[node] = members[0] if members else node
    return drawn


def _curated_node(node: str, data: dict[str, Any], resolved: Resolution, network: nx.MultiDiGraph) -> dict[str, Any]:
    members = resolved.members(node)
    found = {**data, "status": resolved.status_of(node)}
    if len(members) > 1:
        found["same_as"] = [m for m in members if m != node]
        found["documents"] = sum(network.nodes[m].get("documents", 0) for m in members if m in network)
    if node in resolved.labels:
        found["label"] = resolved.labels[node]
    if node in resolved.types:
        found["type"] = resolved.types[node]
    return found


def _add_edge(graph: nx.MultiDiGraph, u: str, v: str, key: str, data: dict[str, Any]) -> None:
    """Parallel statements of one relation (two merged entities both had it) become one edge, best attested."""
    if graph.has_edge(u, v, key):
        held = graph.edges[u, v, key]
        for name in ("documents", "corroboration"):
            if name in data:
                held[name] = max(held.get(name) or 0, data[name] or 0)
        if data.get("confidence") is not None:
            held["confidence"] = max(held.get("confidence") or 0.0, data["confidence"])
        return
    graph.add_edge(u, v, key=key, **data)


def _split_edges(store: BaseStore, splits: list[Split]) -> dict[tuple[str, str, str], list[tuple[str, str]]]:
    """For each fact about a split entity, the ends it has once split: the new entity's where only the split
    documents state it, both where documents of each kind do."""
    moved: dict[tuple[str, str, str], list[tuple[str, str]]] = {}
    for split in splits:
        documents: dict[tuple[str, str, str], set[str]] = defaultdict(set)
        for role in ("subject", "object"):
            rows = store.query(
                f"SELECT ?s ?p ?o ?d ?x WHERE {{ ?ev <{RDF}{role}> ?x ; <{RDF}subject> ?s ; <{RDF}predicate> ?p ; "
                f"<{RDF}object> ?o ; <{ONTOLOGY}document> ?d }}",
                substitutions={ox.Variable("x"): ox.NamedNode(split.entity)},
            )
            for row in rows:
                predicate = row["p"].value
                if predicate.startswith(ONTOLOGY):
                    documents[(row["s"].value, predicate[len(ONTOLOGY) :], row["o"].value)].add(row["d"].value)
        for (s, p, o), stated_in in documents.items():
            ends = (split.into if s == split.entity else s, split.into if o == split.entity else o)
            moved[(s, p, o)] = [ends] if stated_in <= split.documents else [(s, o), ends]
            if not stated_in & split.documents:
                moved[(s, p, o)] = [(s, o)]
    return moved
