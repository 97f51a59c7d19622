"""The timeline view: dated events on a time axis, one row per kind of event, linked to the graph.

An event dated to a year or a month is drawn as the span that date allows (2021-08 is all of
August), never pinned to a day the text did not give. Each item links to its entity view and to
the graph view focused on it; the visible window links to the graph view filtered to those dates.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from api.views import params
from api.views.network import entity_url
from api.views.style import class_styles, predicate_label, style_of
from kg.analytics.projection import date_window, is_a, overlaps, period, project
from kg.lookup import resolve_entity, summary
from kg.store import BaseStore

#: The ontology class every kind of event falls under.
EVENT = "Event"
#: Participants named in an item's tooltip and panel.
PARTICIPANTS = 12

ALLOWED = {
    "entity": "an entity's key (org/sinaloa-cartel), IRI, name or alias: only the events it takes part in",
    "date_from, date_to": "YYYY, YYYY-MM or YYYY-MM-DD, with date_from not after date_to",
}


def _participants(graph: Any, event: str) -> list[dict[str, str]]:
    """Who and what the event involves, with the role (the relation) each plays."""
    rows = [(p, o) for _, o, p in graph.out_edges(event, keys=True)] + [
        (p, s) for s, _, p in graph.in_edges(event, keys=True)
    ]
    seen = []
    for predicate, other in rows:
        attrs = graph.nodes[other]
        seen.append(
            {"role": predicate_label(predicate), "label": attrs.get("label", other), "key": attrs.get("key", "")}
        )
    return sorted(seen, key=lambda row: (row["role"], row["label"]))[:PARTICIPANTS]


def timeline_page(
    store: BaseStore, *, entity: str | None, date_from: str | None, date_to: str | None
) -> dict[str, Any]:
    """Every dated event (of one entity, within the window), and the undated ones counted aside."""
    window = date_window(params.text(date_from), params.text(date_to))
    graph = project(store)
    center = summary(store, resolve_entity(store, params.text(entity))) if params.text(entity) else None
    if center is not None:
        around = set(graph.successors(center["iri"])) | set(graph.predecessors(center["iri"])) | {center["iri"]}
        candidates = [n for n in around if n in graph]
    else:
        candidates = list(graph)
    events = [n for n in candidates if is_a(graph.nodes[n].get("type"), EVENT)]
    dated = [n for n in events if graph.nodes[n].get("date") and overlaps(graph.nodes[n]["date"], window)]
    undated = [n for n in events if not graph.nodes[n].get("date")]
    items = []
    for node in sorted(dated, key=lambda n: (graph.nodes[n]["date"], graph.nodes[n].get("label", n))):
        attrs = graph.nodes[node]
        first, last = period(attrs["date"])
        style = style_of(attrs.get("type", ""))
        key = attrs.get("key", "")
        item = {
            "id": node,
            "content": attrs.get("label", key),
            "date": attrs["date"],
            "start": first.isoformat(),
            "group": style.name,
            "style": f"background-color: {style.color}33; border-color: {style.color};",
            "key": key,
            "url": entity_url(key),
            "graph_url": f"/view/graph?focus={key}",
            "type_label": style.label,
            "participants": _participants(graph, node),
        }
        if first != last:
            item.update(end=(last + timedelta(days=1)).isoformat(), type="range")
        else:
            item["type"] = "point"
        items.append(item)
    kinds = [s for s in class_styles().values() if any(i["group"] == s.name for i in items)]
    label = center["label"] if center else None
    notices = []
    if undated:
        notices.append(
            f"{len(undated)} event(s) have no date in their articles and are not on the timeline: "
            + ", ".join(sorted(graph.nodes[n].get("label", n) for n in undated)[:20])
        )
    return {
        "view": "timeline",
        "title": f"Timeline of {label}" if label else "Timeline of events",
        "subtitle": f"{len(items)} dated event(s); an event dated to a month or a year spans it. "
        "Click one for who took part, double-click to open it; drag or zoom to change the dates the graph link shows.",
        "filters": {
            "entity": params.text(entity) or "",
            "date_from": params.text(date_from) or "",
            "date_to": params.text(date_to) or "",
        },
        "entity": center,
        "notices": notices,
        "groups": [{"id": s.name, "content": s.label, "color": s.color} for s in kinds],
        "events": items,
        "empty": "No dated event matches these filters.",
        "back": {"url": "/view/timeline", "text": "Show every event"},
    }
