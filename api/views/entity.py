"""The entity view: the ego network of one entity, depth 1 to `max_depth`, with the evidence of each fact."""

from __future__ import annotations

from typing import Any

from api.views import params
from api.views.graph import MAX_NODES
from api.views.network import network_payload
from kg.analytics.projection import project
from kg.analytics.reports import neighbors_report
from kg.errors import BadInputError
from kg.lookup import resolve_entity, summary
from kg.settings import Settings
from kg.store import BaseStore


def allowed(max_depth: int) -> dict[str, str]:
    return {
        "key": "an entity's key (org/sinaloa-cartel), IRI, name or alias",
        "depth": f"how many hops out to draw: a whole number from 1 to {max_depth} (max_depth)",
    }


def find(store: BaseStore, name: str | None) -> str:
    """The key of the entity a search box names (IRI, key, label or alias)."""
    if not params.text(name):
        raise BadInputError("type the name, alias or key of an entity to open its view")
    return summary(store, resolve_entity(store, name))["key"]


def entity_page(store: BaseStore, settings: Settings, key: str, *, depth: str | None) -> dict[str, Any]:
    """The entity's neighbourhood to `depth` hops, the entity itself drawn larger, cut at `MAX_NODES`."""
    hops = params.integer("depth", depth, low=1, high=settings.max_depth, default=1)
    report = neighbors_report(store, settings, key, depth=hops, limit=MAX_NODES)
    center = report["center"]
    shown = project(store).subgraph(node["iri"] for node in report["nodes"])
    notices = []
    if report["truncated"]:
        notices.append(
            f"The neighbourhood is larger than {MAX_NODES} nodes; the nearest and best connected are drawn. "
            "Lower the depth to see all of the closest ones."
        )
    return {
        "view": "entity",
        "title": center["label"],
        "subtitle": f"{shown.number_of_nodes() - 1} neighbours within {hops} hop(s); {shown.number_of_edges()} facts",
        "entity": center,
        "depth": hops,
        "max_depth": settings.max_depth,
        "notices": notices,
        "network": network_payload(shown, focus=center["iri"]),
        "empty": f"{center['label']} has no facts in the graph.",
        "back": {"url": "/", "text": "Back to the overview"},
    }
