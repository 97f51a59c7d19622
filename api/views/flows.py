"""The flows view: firearms-flow routes between places, each place at its GeoNames coordinates."""

from __future__ import annotations

from typing import Any

import networkx as nx

from api.views import params
from api.views.geo import anchors
from api.views.graph import MAX_DOCUMENTS
from api.views.network import Position, network_payload
from kg.analytics.paths import fetch_evidence
from kg.analytics.projection import project
from kg.analytics.reports import flows_report
from kg.store import BaseStore

#: Screen pixels per degree of longitude/latitude (equirectangular: reads like a map at these latitudes).
SCALE = 14.0
#: Most routes drawn at once (the best attested); past this the map is a hairball anyway.
MAX_ROUTES = 400
#: Pixels between the places lined up west of the map.
ROW = 60.0
FLOW = "firearmsFlow"
APPROXIMATE = "position approximate: the population-weighted centre of the gazetteer's cities in it"
UNPLACED = "position unknown: lined up west of the map"

ALLOWED = {
    "country": "a place's name, alias, key or IRI: only routes touching it or a place within it",
    "date_from, date_to": "YYYY, YYYY-MM or YYYY-MM-DD, with date_from not after date_to",
    "min_documents": f"a whole number from 1 to {MAX_DOCUMENTS}",
}


def positions(graph: nx.MultiDiGraph) -> tuple[dict[str, Position], list[str]]:
    """Map positions: GeoNames points, else the centre of the place's cities; the rest lined up west of the map.

    Returns the positions and the places that had no point of their own (approximate or lined up).
    """
    points = {n: (d["lat"], d["lon"]) for n, d in graph.nodes(data=True) if "lat" in d and "lon" in d}
    estimated = {n: anchors()[n] for n in graph if n not in points and n in anchors()}
    placed = {n: (lon * SCALE, -lat * SCALE) for n, (lat, lon) in (points | estimated).items()}
    missing = sorted((n for n in graph if n not in placed), key=lambda n: graph.nodes[n].get("label", n))
    west = min((x for x, _ in placed.values()), default=0.0) - 2 * ROW
    top = min((y for _, y in placed.values()), default=0.0)
    placed.update({n: (west, top + i * ROW) for i, n in enumerate(missing)})
    return placed, [*estimated, *missing]


def _notes(route: dict[str, Any]) -> list[str]:
    """What the texts say about a route besides its ends: via places, methods, shares, quantities, periods."""
    notes = []
    if route["via"]:
        notes.append("via " + ", ".join(place["label"] for place in route["via"]))
    for name in ("methods", "shares", "quantities", "periods"):
        if route[name]:
            notes.append(f"{name}: " + "; ".join(route[name]))
    if route["first_date"]:
        span = (
            route["first_date"]
            if route["first_date"] == route["last_date"]
            else (f"{route['first_date']} to {route['last_date']}")
        )
        notes.append(f"stated for {span}")
    sources = [f"{s['title'] or s['document']}" + (f" ({s['date']})" if s["date"] else "") for s in route["sources"]]
    notes.append("sources: " + "; ".join(sources))
    return notes


def flows_page(
    store: BaseStore, *, country: str | None, date_from: str | None, date_to: str | None, min_documents: str | None
) -> dict[str, Any]:
    """Routes with both ends known, drawn at their coordinates; edge width grows with attesting documents."""
    documents = params.integer("min_documents", min_documents, low=1, high=MAX_DOCUMENTS, default=1)
    report = flows_report(
        store,
        country=params.text(country),
        date_from=params.text(date_from),
        date_to=params.text(date_to),
        min_documents=documents,
    )
    complete = [r for r in report["routes"] if r["origin"] and r["destination"]]
    shown = complete[:MAX_ROUTES]
    projection = project(store)
    graph = nx.MultiDiGraph()
    for route in shown:
        for end in (route["origin"], route["destination"]):
            attrs = projection.nodes[end["iri"]] if end["iri"] in projection else {}
            graph.add_node(end["iri"], **{"label": end["label"], "key": end["key"], "type": end["type"], **attrs})
        graph.add_edge(
            route["origin"]["iri"],
            route["destination"]["iri"],
            key=FLOW,
            predicate=FLOW,
            documents=route["documents"],
            notes=_notes(route),
        )
    placed, unpinned = positions(graph)
    for node in unpinned:
        graph.nodes[node]["notes"] = [APPROXIMATE if node in anchors() else UNPLACED]
    missing = [n for n in unpinned if n not in anchors()]
    notices = []
    if len(missing) < len(unpinned):
        notices.append(
            "Countries and states have no point of their own: each is drawn at the population-weighted centre "
            "of its cities (hover one to see)."
        )
    if missing:
        notices.append(
            f"{len(missing)} place(s) have no coordinates in the gazetteer and are lined up on the left: "
            + ", ".join(graph.nodes[n]["label"] for n in missing)
        )
    if len(shown) < len(complete):
        notices.append(
            f"Showing the {len(shown)} best attested of {len(complete)} routes; raise min_documents or pick a place "
            "to see the others."
        )
    partial = len(report["routes"]) - len(complete)
    if partial:
        notices.append(f"{partial} stated flow(s) name only an origin or only a destination and are not drawn.")
    evidence = fetch_evidence(store, {(s, FLOW, o) for s, o in graph.edges()})
    return {
        "view": "flows",
        "title": "Firearms-flow routes",
        "subtitle": f"{len(shown)} routes between {graph.number_of_nodes()} places; "
        "places sit at their coordinates, wider arrows are attested by more documents.",
        "filters": {
            "country": params.text(country) or "",
            "date_from": params.text(date_from) or "",
            "date_to": params.text(date_to) or "",
            "min_documents": documents,
        },
        "routes": shown,
        "notices": notices,
        "network": {**network_payload(graph, evidence, positions=placed), "map": {"scale": SCALE}},
        "empty": "No firearms-flow route matches these filters.",
        "back": {"url": "/view/flows", "text": "Show all routes"},
    }
