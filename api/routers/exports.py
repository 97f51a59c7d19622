"""Downloads for other tools: the network as GEXF (Gephi) or GraphML, and the views' tables as CSV.

The network takes the graph view's filters; each CSV is the table of the JSON route of the
same name (`/api/centrality`, `/api/communities`, `/api/flows`, `/api/documents`, `/api/search`)
with the same parameters, so a spreadsheet holds exactly what the page showed.
"""

from __future__ import annotations

import io
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.deps import ReadsDep, SettingsDep, StoreDep
from api.problems import problem_responses
from api.reads import READ_RESPONSES
from api.routers.analytics import MAX_ITEMS, NetworkFilters, NodeClassOrAny
from kg import exports, lookup
from kg.analytics.centrality import METRICS
from kg.analytics.reports import centrality_report, communities_report, flows_report
from kg.search import MAX_QUERY_CHARS, index_for

router = APIRouter(prefix="/api/export", tags=["Exports"])
_ERRORS = {
    **problem_responses(
        {
            400: "A bad filter: an unknown type, a date that does not parse, a malformed search.",
            404: "No place by the name given as `country` (flows); the problem lists close matches.",
        }
    ),
    **READ_RESPONSES,
}
Limit = Annotated[int, Query(ge=1, le=MAX_ITEMS, description="Most rows.")]


def _download(body: bytes, media_type: str, filename: str) -> Response:
    return Response(body, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@router.get(
    "/network.{format_name}",
    responses={200: {"content": {"application/gexf+xml": {}, "application/graphml+xml": {}}}, **_ERRORS},
    summary="The network as the graph view filters it, as GEXF 1.3 (Gephi) or GraphML",
)
async def network(
    store: StoreDep, reads: ReadsDep, filters: NetworkFilters, format_name: Literal["gexf", "graphml"]
) -> Response:
    """Nodes carry label, type, key, IRI and document count (places their coordinates, events their date);
    edges their predicate, best confidence, document count and corroboration. With `with_documents`, each
    document is a node with its title, date, URL, outlet, author and language."""

    def build() -> bytes:
        graph = exports.network(
            store,
            types=list(filters.types or ()),
            date_from=filters.date_from,
            date_to=filters.date_to,
            min_confidence=filters.min_confidence,
            min_documents=filters.min_documents,
            with_documents=filters.with_documents,
        )
        out = io.BytesIO()
        exports.write_network(graph, out, format_name)
        return out.getvalue()

    media_type, extension = exports.NETWORK_FORMATS[format_name]
    return _download(await reads.run(build), media_type, f"ffkg-network{extension}")


@router.get(
    "/{table}.csv",
    responses={200: {"content": {"text/csv": {}}}, **_ERRORS},
    summary="A table of the views as CSV: centrality, communities, flows, documents or search",
)
async def table_csv(
    store: StoreDep,
    reads: ReadsDep,
    settings: SettingsDep,
    filters: NetworkFilters,
    table: Literal["centrality", "communities", "flows", "documents", "search"],
    metric: Annotated[
        Literal[METRICS],  # type: ignore[valid-type]
        Query(description=f"centrality: one of {', '.join(METRICS)}."),
    ] = "pagerank",
    type: Annotated[NodeClassOrAny | None, Query(description="centrality: rank only this class; empty: all.")] = None,
    country: Annotated[str | None, Query(description="flows: only routes touching this place.")] = None,
    q: Annotated[str, Query(max_length=MAX_QUERY_CHARS, description="search: the words to find.")] = "",
    limit: Limit = 1000,
) -> Response:
    """The rows of the JSON route of the same name; nested values (a community's members, a route's
    documents) are joined with `; `."""

    def report() -> dict[str, Any]:
        if table == "centrality":
            return centrality_report(store, settings, metric=metric, type=type or None, limit=limit, filters=filters)
        if table == "communities":
            return communities_report(store, limit=limit, filters=filters)
        if table == "flows":
            return flows_report(
                store,
                country=country or None,
                date_from=filters.date_from,
                date_to=filters.date_to,
                min_documents=filters.min_documents,
            )
        if table == "documents":
            return lookup.list_documents(store, limit=limit)
        return index_for(store).search(store, q, limit=min(limit, 100))

    out = io.StringIO()
    exports.write_csv(await reads.run(report), out)
    return _download(out.getvalue().encode("utf-8"), "text/csv; charset=utf-8", f"ffkg-{table}.csv")
