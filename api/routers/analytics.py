"""Network analytics over REST: explained paths, centrality, communities, neighbourhoods, flow routes.

Thin: each route validates nothing beyond types and hands over to `kg.analytics.reports`, which
resolves names (404 with close matches, 409 when ambiguous) and enforces the configured caps (400).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query

from api.deps import ReadsDep, SettingsDep, StoreDep
from api.reads import READ_RESPONSES
from kg.analytics.centrality import METRICS
from kg.analytics.reports import (
    Filters,
    centrality_report,
    communities_report,
    neighbors_report,
    path_report,
)
from kg.ontology import node_classes
from kg.tables import combined
from kg.tables import network as tables_network
from kg.tables.flows import FlowFilter
from kg.tables.network import METRICS as TABLE_METRICS

router = APIRouter(prefix="/api", tags=["Analytics"])
#: Most items (nodes, communities, members) one answer lists: the row cap of the analytics routes.
MAX_ITEMS = 10_000

_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {
        "description": "A bad parameter: unknown metric or type, a date that does not parse, k or depth over the cap."
    },
    404: {"description": "No entity by that name; the problem lists close matches."},
    409: {"description": "The name fits several entities; the problem lists them to choose from."},
    **READ_RESPONSES,
}
_YEAR = "(?:[1-9][0-9]{3}|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])"
_LEAP_YEAR = "(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)"
_MONTH_DAY = "(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])|(?:0[13-9]|1[0-2])-(?:29|30)|(?:0[13578]|1[02])-31)"
#: YYYY, YYYY-MM or a day the calendar has (29 February in leap years only), or empty: the schema says
#: exactly which dates the projection accepts, so a schema-valid date is never refused.
DATE_PATTERN = f"^(?:|{_YEAR}(?:-(?:0[1-9]|1[0-2]))?|{_YEAR}-{_MONTH_DAY}|{_LEAP_YEAR}-02-29)$"
DateFrom = Annotated[
    str | None, Query(pattern=DATE_PATTERN, description="Earliest date: YYYY, YYYY-MM or YYYY-MM-DD; empty: none.")
]
DateTo = Annotated[
    str | None,
    Query(pattern=DATE_PATTERN, description="Latest date: YYYY, YYYY-MM or YYYY-MM-DD (inclusive); empty: none."),
]
#: The ontology's node classes as its names spell them; the empty string (a form's blank field) means any class.
NodeClassOrAny = Literal[("", *sorted(node_classes()))]  # type: ignore[valid-type]
#: A name to resolve: an IRI, key or label, never blank.
EntityName = Query(min_length=1, pattern=r"\S", description="IRI, key or label.")
Metric = Annotated[
    Literal[tuple(dict.fromkeys((*METRICS, *TABLE_METRICS)))],  # type: ignore[valid-type]
    Query(description=f"Articles: one of {', '.join(METRICS)}. Tables: one of {', '.join(TABLE_METRICS)}."),
]
MinConfidence = Annotated[float, Query(ge=0, le=1, description="Drop facts whose best evidence is less sure.")]
MinDocuments = Annotated[int, Query(ge=1, description="Drop facts stated by fewer documents.")]
MinCorroboration = Annotated[
    int, Query(ge=1, description="Drop facts stated by fewer distinct stories (near-duplicates count once).")
]
ClaimStatus = Annotated[
    Literal["extracted", "confirmed", "rejected"] | None,
    Query(description="Only facts of this claim status (a curator confirmed or rejected them, or neither)."),
]
IncludeRejected = Annotated[
    bool, Query(description="Keep facts, flows and events a curator rejected (hidden by default).")
]
Seed = Annotated[int, Query(description="Seed for the randomised parts, so answers are reproducible.")]
Network = Annotated[
    Literal["articles", "tables"],
    Query(description="The articles' entity network, or the imported tables' flow network weighted by firearms."),
]
Year = Annotated[int | None, Query(ge=1800, le=2200, description="Only this year (tables; for articles: its dates).")]


def evidence_filters(
    date_from: DateFrom = None,
    date_to: DateTo = None,
    min_confidence: MinConfidence = 0.0,
    min_documents: MinDocuments = 1,
    min_corroboration: MinCorroboration = 1,
    status: ClaimStatus = None,
    include_rejected: IncludeRejected = False,
) -> Filters:
    """Event-date window, evidence strength and claim status; events outside the window leave the network.
    A blank date (an empty form field) is no bound."""
    return Filters(
        None,
        date_from or None,
        date_to or None,
        min_confidence,
        min_documents,
        min_corroboration=min_corroboration,
        include_rejected=include_rejected,
        status=status,
    )


def network_filters(
    evidence: Annotated[Filters, Depends(evidence_filters)],
    types: Annotated[
        list[NodeClassOrAny] | None,
        Query(description="Keep only nodes of these classes (and subclasses); blank entries are ignored."),
    ] = None,
    with_documents: Annotated[
        bool, Query(description="Add documents as nodes, linked from what they mention.")
    ] = False,
) -> Filters:
    """All projection filters: node classes and documents as well as dates and evidence strength.
    No class named (none given, or only a form's blank `types=`) means every class."""
    chosen = tuple(name for name in types or () if name)
    return replace(evidence, types=chosen or None, with_documents=with_documents)


NetworkFilters = Annotated[Filters, Depends(network_filters)]
EvidenceFilters = Annotated[Filters, Depends(evidence_filters)]


@router.get("/paths", responses=_ERRORS, summary="Shortest paths between two entities, with evidence per hop")
async def paths(
    store: StoreDep,
    reads: ReadsDep,
    settings: SettingsDep,
    filters: NetworkFilters,
    source: Annotated[str, EntityName],
    target: Annotated[str, EntityName],
    k: Annotated[int, Query(ge=1, description="How many shortest simple paths (at most max_path_k).")] = 1,
    network: Network = "articles",
    year: Year = None,
) -> dict[str, Any]:
    """The `k` shortest paths; each hop lists its relations, their direction and the sentences behind them.
    With `network=tables`, the chains of heaviest routes in the tables, each hop with its firearms.
    No path is an empty `paths` with a `message`, not an error."""
    if network == "tables":
        return await reads.run(tables_network.path_report, store, settings, source, target, k=k, year=year)
    return await reads.run(path_report, store, settings, source, target, k=k, filters=filters)


@router.get("/centrality", responses=_ERRORS, summary="The most central nodes by a metric")
async def centrality(
    store: StoreDep,
    reads: ReadsDep,
    settings: SettingsDep,
    filters: EvidenceFilters,
    metric: Metric = "pagerank",
    type: Annotated[
        NodeClassOrAny | None, Query(description="Rank only nodes of this class, e.g. Gunmaker; empty: all.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_ITEMS, description="How many nodes to return.")] = 20,
    seed: Seed = 0,
    network: Network = "articles",
    year: Year = None,
) -> dict[str, Any]:
    """Scores are computed on the whole (filtered) network; `exact` and `k` say whether betweenness was sampled.
    With `network=tables`, places ranked in the tables' flow network by firearms (metrics: strength,
    in_strength, out_strength, pagerank, betweenness)."""
    if network == "tables":
        return await reads.run(tables_network.centrality_report, store, metric=metric, year=year, limit=limit)
    return await reads.run(
        centrality_report,
        store,
        settings,
        metric=metric,
        type=type or None,
        limit=reads.rows(limit),
        seed=seed,
        filters=filters,
    )


@router.get("/communities", responses=_ERRORS, summary="Louvain communities, largest first")
async def communities(
    store: StoreDep,
    reads: ReadsDep,
    filters: NetworkFilters,
    seed: Seed = 0,
    resolution: Annotated[float, Query(gt=0, description="Above 1 favours smaller communities.")] = 1.0,
    limit: Annotated[int, Query(ge=1, le=MAX_ITEMS, description="How many communities to return.")] = 20,
    members: Annotated[int, Query(ge=1, le=MAX_ITEMS, description="Most members listed per community.")] = 50,
) -> dict[str, Any]:
    return await reads.run(
        communities_report,
        store,
        seed=seed,
        resolution=resolution,
        limit=reads.rows(limit),
        members=reads.rows(members),
        filters=filters,
    )


@router.get("/neighbors/{name:path}", responses=_ERRORS, summary="The neighbourhood of an entity")
async def neighbors(
    store: StoreDep,
    reads: ReadsDep,
    settings: SettingsDep,
    filters: NetworkFilters,
    name: Annotated[str, Path(min_length=1, pattern=r"\S", description="IRI, key or label.")],
    depth: Annotated[int, Query(ge=0, description="Hops out (at most max_depth).")] = 1,
    limit: Annotated[int, Query(ge=1, le=MAX_ITEMS, description="Most nodes returned, nearest first.")] = 500,
) -> dict[str, Any]:
    """The ego graph of the entity named by key, IRI or label: nodes with their distance, and the relations."""
    return await reads.run(
        neighbors_report, store, settings, name, depth=depth, limit=reads.rows(limit), filters=filters
    )


def flow_filter(
    year: Year = None,
    origin: Annotated[str | None, Query(description="Only routes from this place (name, key or IRI).")] = None,
    destination: Annotated[str | None, Query(description="Only routes to this place (name, key or IRI).")] = None,
    include_local: Annotated[
        bool, Query(description="Tables: keep same-place cells (recovered where first sold).")
    ] = False,
    top: Annotated[
        int | None, Query(ge=1, le=MAX_ITEMS, description="Tables: rank the other end's places by firearms.")
    ] = None,
    limit: Annotated[
        int, Query(ge=1, le=MAX_ITEMS, description="Tables: most observations listed; `truncated` says if more match.")
    ] = MAX_ITEMS,
) -> FlowFilter:
    """The year and the two ends (articles and tables alike), and the tables' own options; a blank end
    (an empty form field) is no filter."""
    return FlowFilter(year, origin or None, destination or None, include_local, top, limit)


@router.get("/flows", responses=_ERRORS, summary="Firearms-flow routes: stated by articles, counted by tables")
async def flows(
    store: StoreDep,
    reads: ReadsDep,
    chosen: Annotated[FlowFilter, Depends(flow_filter)],
    date_from: DateFrom = None,
    date_to: DateTo = None,
    country: Annotated[str | None, Query(description="Articles: only routes touching this place or within it.")] = None,
    min_documents: MinDocuments = 1,
    min_corroboration: Annotated[
        int, Query(ge=1, description="Articles: only routes this many distinct stories state (near-duplicates once).")
    ] = 1,
    source: Annotated[
        Literal["articles", "tables", "all"],
        Query(description="Routes the articles state, the firearms the imported tables count, or both."),
    ] = "articles",
    include_rejected: Annotated[
        bool, Query(description="Articles: also list flows a curator rejected (hidden by default).")
    ] = False,
    status: ClaimStatus = None,
) -> dict[str, Any]:
    """Articles: origin -> destination routes with via places, methods, shares, quantities, documents and
    first/last date. Tables: every observation with its `firearms`, year and cell. `all`: both, by name."""
    articles = {"country": country, "date_from": date_from, "date_to": date_to, "min_documents": min_documents}
    articles.update(include_rejected=include_rejected, status=status)
    return await reads.run(
        combined.flows_report, store, chosen, source=source, min_corroboration=min_corroboration, **articles
    )
