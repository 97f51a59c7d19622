"""The analytics answers the CLI, the API and the views share: names resolved, caps enforced,
the projection filtered, and a JSON-ready dict out (one payload, several faces)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

import networkx as nx

from kg.analytics.centrality import centrality, ranking
from kg.analytics.communities import communities, describe, neighbourhood
from kg.analytics.flows import places_within, routes
from kg.analytics.paths import explain_paths
from kg.analytics.projection import node_info, project
from kg.errors import BadInputError, NotFoundError
from kg.lookup import resolve_entity
from kg.settings import Settings
from kg.store import BaseStore


@dataclass(frozen=True)
class Filters:
    """Which part of the graph to analyse; the defaults take every entity, event and fact a curator did not
    reject (`include_rejected` takes those too, `status` only facts of that claim status)."""

    types: tuple[str, ...] | None = None
    date_from: str | None = None
    date_to: str | None = None
    min_confidence: float = 0.0
    min_documents: int = 1
    with_documents: bool = False
    min_corroboration: int = 1
    include_rejected: bool = False
    status: str | None = None

    def project(self, store: BaseStore) -> nx.MultiDiGraph:
        return project(store, **asdict(self))


def path_report(
    store: BaseStore, settings: Settings, source: str, target: str, *, k: int = 1, filters: Filters = Filters()
) -> dict[str, Any]:
    """The `k` shortest paths between two entities named by IRI, key or label, with evidence per hop."""
    _cap("k", k, settings.max_path_k, "max_path_k")
    ends = resolve_entity(store, source), resolve_entity(store, target)
    return {**explain_paths(store, filters.project(store), *ends, k=k), "filters": asdict(filters)}


def centrality_report(
    store: BaseStore,
    settings: Settings,
    *,
    metric: str,
    type: str | None = None,
    limit: int | None = 20,
    seed: int = 0,
    filters: Filters = Filters(),
) -> dict[str, Any]:
    """The most central nodes by `metric`, of all types or one; states whether betweenness was sampled."""
    graph = filters.project(store)
    scores = centrality(
        graph,
        metric=metric,
        exact_max_nodes=settings.exact_betweenness_max_nodes,
        default_k=settings.betweenness_samples,
        seed=seed,
    )
    return {
        "metric": metric,
        "type": type,
        "nodes": graph.number_of_nodes(),
        "edges": graph.number_of_edges(),
        "exact": scores.exact,
        "k": scores.k,
        "seed": scores.seed,
        "backend": scores.backend,
        "results": ranking(graph, scores, type=type, limit=limit),
        "filters": asdict(filters),
    }


def communities_report(
    store: BaseStore,
    *,
    seed: int = 0,
    resolution: float = 1.0,
    limit: int | None = 20,
    members: int | None = 50,
    filters: Filters = Filters(),
) -> dict[str, Any]:
    """Louvain communities, largest first, each with its best connected members."""
    graph = filters.project(store)
    partition = communities(graph, seed=seed, resolution=resolution)
    return {
        "algorithm": "louvain",
        "seed": partition.seed,
        "resolution": partition.resolution,
        "backend": partition.backend,
        "modularity": partition.modularity,
        "count": len(partition.communities),
        "communities": describe(graph, partition, limit=limit, members=members),
        "filters": asdict(filters),
    }


def neighbors_report(
    store: BaseStore,
    settings: Settings,
    name: str,
    *,
    depth: int = 1,
    limit: int | None = 500,
    filters: Filters = Filters(),
) -> dict[str, Any]:
    """The ego graph of an entity named by IRI, key or label, to `depth` hops.

    The type and date filters choose the neighbours, never the starting entity: the neighbourhood
    of a cartel filtered to `Person` is the people around the cartel.
    """
    _cap("depth", depth, settings.max_depth, "max_depth")
    graph = filters.project(store)
    node = resolve_entity(store, name)
    if node not in graph:
        whole = replace(filters, types=None, date_from=None, date_to=None).project(store)
        if node not in whole:
            raise NotFoundError(
                f"{name} is in the store but not in the analysed network (it is not an entity or event)"
            )
        graph = whole.subgraph([*graph, node])
    return {**neighbourhood(graph, node, depth=depth, limit=limit), "filters": asdict(filters)}


def flows_report(
    store: BaseStore,
    *,
    country: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    min_documents: int = 1,
    min_corroboration: int = 1,
    include_rejected: bool = False,
    status: str | None = None,
) -> dict[str, Any]:
    """Firearms-flow routes, optionally only those touching a country (or any place) and a date range;
    flows a curator rejected only with `include_rejected`."""
    place = resolve_entity(store, country) if country is not None else None
    found = routes(
        store,
        places=places_within(store, place) if place is not None else None,
        date_from=date_from,
        date_to=date_to,
        min_documents=min_documents,
        min_corroboration=min_corroboration,
        include_rejected=include_rejected,
        status=status,
    )
    graph = project(store)
    return {
        "country": node_info(graph, place) if place in graph else place,
        "date_from": date_from,
        "date_to": date_to,
        "count": len(found),
        "routes": found,
    }


def _cap(name: str, value: int, cap: int, setting: str) -> None:
    if value > cap:
        raise BadInputError(
            f"{name}={value} is more than this server allows ({cap}); raise FFKG_{setting.upper()} to allow more"
        )
