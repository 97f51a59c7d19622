"""The whole-graph view: the filtered projection, cut to its most central nodes when it is large."""

from __future__ import annotations

from typing import Any

from api.views import params
from api.views.network import network_payload, server_layout
from api.views.style import class_styles
from kg.analytics.centrality import METRICS, centrality, ranking
from kg.analytics.projection import project
from kg.curation.resolver import STATUSES
from kg.revision_cache import RevisionCache
from kg.store import BaseStore

#: Most nodes a page draws (WebGL stays fluid at 5,000 nodes and 20,000 edges, see BENCHMARKS.md);
#: past it the view keeps the most central and says so.
MAX_NODES = 5000
MAX_DOCUMENTS = 1000
#: Node positions per store revision and filter set: the layout is the slow part of a large drawing.
_layouts = RevisionCache(limit=16)

ALLOWED = {
    "type": "any of the node classes: " + ", ".join(class_styles()),
    "date_from, date_to": "YYYY, YYYY-MM or YYYY-MM-DD, with date_from not after date_to",
    "min_confidence": "a number from 0 to 1",
    "min_documents": f"a whole number from 1 to {MAX_DOCUMENTS}",
    "min_corroboration": f"a whole number from 1 to {MAX_DOCUMENTS}",
    "status": ", ".join(STATUSES),
    "include_rejected": "true or false",
    "top": f"a whole number from 1 to {MAX_NODES}",
    "centrality": ", ".join(METRICS),
}


def graph_page(
    store: BaseStore,
    *,
    types: list[str],
    date_from: str | None,
    date_to: str | None,
    min_confidence: str | None,
    min_documents: str | None,
    top: str | None,
    metric: str | None,
    min_corroboration: str | None = None,
    status: str | None = None,
    include_rejected: str | None = None,
) -> dict[str, Any]:
    """The filtered network, its `top` most central nodes (at most `MAX_NODES`); evidence comes on click."""
    confidence = params.number("min_confidence", min_confidence, low=0.0, high=1.0, default=0.0)
    documents = params.integer("min_documents", min_documents, low=1, high=MAX_DOCUMENTS, default=1)
    limit = params.integer("top", top, low=1, high=MAX_NODES, default=MAX_NODES)
    chosen = params.choice("centrality", metric, options=METRICS, default="degree")
    stories = params.integer("min_corroboration", min_corroboration, low=1, high=MAX_DOCUMENTS, default=1)
    claim = params.choice("status", status, options=("", *STATUSES), default="") or None
    rejected = params.choice("include_rejected", include_rejected, options=("false", "true"), default="false")
    types = [name for name in types if name.strip()]
    graph = project(
        store,
        types=types or None,
        date_from=params.text(date_from),
        date_to=params.text(date_to),
        min_confidence=confidence,
        min_documents=documents,
        min_corroboration=stories,
        status=claim,
        include_rejected=rejected == "true",
    )
    attested = {node for node, count in graph.nodes(data="documents") if count >= documents}
    ranked = [row["iri"] for row in ranking(graph, centrality(graph, metric=chosen)) if row["iri"] in attested]
    keep = ranked[:limit]
    shown = graph.subgraph(keep)
    notices = []
    if len(keep) < len(attested):
        notices.append(
            f"Showing the {len(keep)} nodes with the highest {chosen} centrality out of {len(attested)} that match; "
            f"at most {MAX_NODES} are drawn at once. Narrow the filters or pick an entity to see the rest."
        )
    filters = {
        "type": sorted(types),
        "date_from": params.text(date_from) or "",
        "date_to": params.text(date_to) or "",
        "min_confidence": confidence,
        "min_documents": documents,
        "min_corroboration": stories,
        "status": claim or "",
        "include_rejected": rejected == "true",
        "top": limit,
        "centrality": chosen,
    }
    layout_key = ("graph", *((name, tuple(v) if isinstance(v, list) else v) for name, v in filters.items()))
    positions = _layouts.get(store, layout_key, lambda: server_layout(shown))
    return {
        "view": "graph",
        "title": "The graph",
        "subtitle": f"{shown.number_of_nodes()} nodes and {shown.number_of_edges()} relations drawn",
        "filters": filters,
        "classes": [{"type": s.name, "label": s.label} for s in class_styles().values()],
        "metrics": list(METRICS),
        "statuses": list(STATUSES),
        "notices": notices,
        "network": network_payload(shown, positions=positions),
        "empty": "No entity or event matches these filters.",
        "back": {"url": "/view/graph", "text": "Show the whole graph again"},
    }
