"""The flows view: firearms-flow routes between places on a map (cities as points, countries and US
states as areas of the bundled atlases); places without geometry are listed beside it, not drawn."""

from __future__ import annotations

from typing import Any

import networkx as nx

from api.views import params
from api.views.flows_tables import add_table_routes, style_table_edges
from api.views.geo import geometry
from api.views.graph import MAX_DOCUMENTS
from api.views.network import network_payload
from kg.analytics.paths import fetch_evidence
from kg.analytics.projection import project
from kg.analytics.reports import flows_report
from kg.errors import BadInputError
from kg.store import BaseStore
from kg.tables.flows import SOURCES

#: Most routes drawn at once (the best attested); past this the map is a hairball anyway.
MAX_ROUTES = 400
FLOW = "firearmsFlow"

ALLOWED = {
    "country": "a place's name, alias, key or IRI: only routes touching it or a place within it",
    "date_from, date_to": "YYYY, YYYY-MM or YYYY-MM-DD, with date_from not after date_to",
    "min_documents": f"a whole number from 1 to {MAX_DOCUMENTS}",
    "min_corroboration": f"a whole number from 1 to {MAX_DOCUMENTS}: distinct stories (near-duplicates once)",
    "include_rejected": "true or false: also draw flows a curator rejected",
    "source": "articles, tables or all (the default): routes the articles state, firearms the tables count",
    "year": "a year from 1800 to 2200, instead of date_from and date_to",
}


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
    store: BaseStore,
    *,
    country: str | None,
    date_from: str | None,
    date_to: str | None,
    min_documents: str | None,
    source: str | None = None,
    year: str | None = None,
    min_corroboration: str | None = None,
    include_rejected: str | None = None,
) -> dict[str, Any]:
    """Routes with both ends known, drawn at their coordinates; edge width grows with attesting documents
    (articles) or with firearms counted (tables, blue)."""
    documents = params.integer("min_documents", min_documents, low=1, high=MAX_DOCUMENTS, default=1)
    chosen = params.choice("source", source, options=SOURCES, default="all")
    stories = params.integer("min_corroboration", min_corroboration, low=1, high=MAX_DOCUMENTS, default=1)
    rejected = params.choice("include_rejected", include_rejected, options=("false", "true"), default="false")
    only_year = params.integer("year", year, low=1800, high=2200, default=0) or None
    if only_year and (params.text(date_from) or params.text(date_to)):
        raise BadInputError("give a year or a date range, not both")
    report = (
        flows_report(
            store,
            country=params.text(country),
            date_from=str(only_year) if only_year else params.text(date_from),
            date_to=str(only_year) if only_year else params.text(date_to),
            min_documents=documents,
            min_corroboration=stories,
            include_rejected=rejected == "true",
        )
        if chosen != "tables"
        else {"routes": []}
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
    drawn, counted = add_table_routes(graph, store, year=only_year) if chosen != "articles" else (0, 0)
    located = {n: geometry(n, graph.nodes[n]) for n in graph}
    unplaced = sorted((n for n, geo in located.items() if geo is None), key=lambda n: graph.nodes[n].get("label", n))
    notices = []
    if unplaced:
        notices.append(
            f"{len(unplaced)} place(s) have no point or area in the bundled atlases and are listed beside the map "
            "with their routes, not drawn: " + ", ".join(graph.nodes[n].get("label", n) for n in unplaced)
        )
    if len(shown) < len(complete):
        notices.append(
            f"Showing the {len(shown)} best attested of {len(complete)} routes; raise min_documents or pick a place "
            "to see the others."
        )
    if drawn < counted:
        notices.append(f"Showing the {drawn} heaviest of {counted} table routes; pick a year to see others.")
    partial = len(report["routes"]) - len(complete)
    if partial:
        notices.append(f"{partial} stated flow(s) name only an origin or only a destination and are not drawn.")
    evidence = fetch_evidence(store, {(s, FLOW, o) for s, o, key in graph.edges(keys=True) if key == FLOW})
    network = network_payload(graph, evidence)
    style_table_edges(graph, network)
    for node in network["nodes"]:
        node["geo"] = located[node["id"]]
    return {
        "view": "flows",
        "title": "Firearms-flow routes",
        "subtitle": f"{len(shown)} routes stated by articles and {drawn} counted by tables, between "
        f"{graph.number_of_nodes()} places; cities are points, countries and states areas; wider arrows are "
        "attested by more documents (grey) or count more firearms (blue, labelled).",
        "filters": {
            "country": params.text(country) or "",
            "date_from": params.text(date_from) or "",
            "date_to": params.text(date_to) or "",
            "min_documents": documents,
            "min_corroboration": stories,
            "include_rejected": rejected == "true",
            "source": chosen,
            "year": only_year or "",
        },
        "routes": shown,
        "notices": notices,
        "network": network,
        "empty": "No firearms-flow route matches these filters.",
        "back": {"url": "/view/flows", "text": "Show all routes"},
    }
