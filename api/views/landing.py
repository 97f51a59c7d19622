"""The landing page: what is in the graph, and the ways into it."""

from __future__ import annotations

from typing import Any

from api.reads import cached_stats
from api.views.network import entity_url
from api.views.style import style_of
from kg.analytics.centrality import centrality, ranking
from kg.analytics.projection import period, project
from kg.iris import ONTOLOGY
from kg.ontology import node_classes
from kg.store import BaseStore

#: How many of the best-connected entities the page offers as starting points.
STARTING_POINTS = 12

VIEWS = (
    {"url": "/view/graph", "text": "Graph", "about": "the whole network, or its most central nodes, with filters"},
    {"url": "/view/flows", "text": "Flows", "about": "firearms-flow routes between places, drawn like a map"},
    {"url": "/view/timeline", "text": "Timeline", "about": "dated events on a time axis, linked to the graph"},
    {"url": "/view/path", "text": "Paths", "about": "how two entities are connected, hop by hop, with evidence"},
    {"url": "/query", "text": "SPARQL query", "about": "ask the store anything in SPARQL 1.1"},
    {"url": "/docs", "text": "API docs", "about": "the REST and SPARQL endpoints (OpenAPI)"},
)


def date_span(store: BaseStore) -> dict[str, str] | None:
    """Earliest and latest date of any document or event, each as precise as the text gave it."""
    dates = {row["d"].value for row in store.query(f"SELECT DISTINCT ?d WHERE {{ ?x <{ONTOLOGY}date> ?d }}")}
    if not dates:
        return None
    return {"from": min(dates, key=lambda d: period(d)[0]), "to": max(dates, key=lambda d: period(d)[1])}


def landing_page(store: BaseStore) -> dict[str, Any]:
    """Counts by type, documents, date span and the best-connected entities as starting points."""
    stats = cached_stats(store)
    types = []
    for name, term in node_classes().items():
        if stats["classes"].get(term.iri):
            style = style_of(name)
            types.append(
                {
                    "type": name,
                    "label": term.label,
                    "count": stats["classes"][term.iri],
                    "color": style.color,
                    "glyph": style.glyph,
                }
            )
    graph = project(store)
    ranked = ranking(graph, centrality(graph, metric="degree"), limit=STARTING_POINTS)
    return {
        "view": "landing",
        "title": "Firearms-flow knowledge graph",
        "documents": stats["documents"],
        "triples": stats["triples"],
        "nodes": graph.number_of_nodes(),
        "edges": graph.number_of_edges(),
        "types": types,
        "date_span": date_span(store),
        "starting_points": [
            {"label": row["label"], "type": style_of(row["type"]).label, "url": entity_url(row["key"])}
            for row in ranked
        ],
        "views": list(VIEWS),
    }
