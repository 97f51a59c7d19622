"""A projected graph -> the node and edge records a view draws with sigma.js (and its JSON twin returns).

Everything here is plain data: labels and sentences stay text and are escaped where the page puts
them. The sentences behind the edges are not sent with the drawing (at 20,000 edges they would
be most of the page); the panel asks `/view/evidence` for those of the node or edge clicked. A
view that already holds its evidence (a path) passes it in and it travels with the edges.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from typing import Any

import networkx as nx

from api.views.style import legend, predicate_label, style_of
from kg.analytics.backend import igraph_view, seeded
from kg.analytics.projection import undirected
from kg.iris import key_of

Evidence = Mapping[tuple[str, str, str], list[dict[str, Any]]]
Position = tuple[float, float]

#: Longest label drawn on the canvas; the full label is in the tooltip and the side panel.
LABEL_CHARS = 36
#: Sentences the side panel lists per fact, strongest first.
PANEL_SENTENCES = 8
#: Most neighbours one click on "expand" adds to a drawing.
EXPAND_CAP = 50
#: Fruchterman-Reingold passes of the server layout; at 5,000 nodes and 20,000 edges about a second.
LAYOUT_PASSES = 300
#: Above this many nodes the layout uses igraph's grid approximation (four times faster at 1,000 nodes).
GRID_ABOVE = 300
#: Seed of the server layout, so the same graph is always drawn the same way.
LAYOUT_SEED = 0
HIGHLIGHT = "#d62728"
EDGE_GREY = "#aab2bb"


def entity_url(key: str) -> str:
    return f"/view/entity/{key}"


def count(value: Any) -> int:
    """A count from an attribute that may be a number or a collection of document keys."""
    if isinstance(value, Collection) and not isinstance(value, str):
        return len(value)
    return int(value or 0)


def short(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def sourced(record: Mapping[str, Any]) -> dict[str, Any]:
    """An evidence record as a page shows it: the document by key and title, what cites it (outlet, URL)
    and where the sentence stands in it (character offsets, for the document page's anchor)."""
    document = key_of(record["document"])
    return {
        "sentence": record["sentence"],
        "document": document,
        "title": record.get("title") or document,
        "date": record.get("date"),
        "outlet": record.get("outlet"),
        "url": record.get("url"),
        "start": record.get("start"),
        "end": record.get("end"),
        "confidence": record.get("confidence"),
    }


def _node_tooltip(attrs: Mapping[str, Any]) -> str:
    lines = [attrs.get("label") or attrs.get("key", ""), style_of(attrs.get("type", "")).label]
    if attrs.get("date"):
        lines.append(f"date: {attrs['date']}")
    documents = count(attrs.get("documents"))
    if documents:
        lines.append(f"named in {documents} document{'s' if documents != 1 else ''}")
    lines += attrs.get("notes", [])
    lines.append("click for facts and evidence, double-click to open")
    return "\n".join(lines)


def _edge_tooltip(source: str, label: str, target: str, documents: int, notes: list[str]) -> str:
    lines = [f"{source} \u2014 {label} \u2192 {target}"]
    if documents:
        lines.append(f"attested by {documents} document{'s' if documents != 1 else ''}")
    return "\n".join(lines + notes + ["click for the sentences behind it"])


def edge_width(documents: int) -> float:
    """Wider for facts more documents attest; logarithmic so one heavily cited fact does not swamp the view."""
    return round(1.0 + 2.0 * math.log2(1 + documents), 2)


def node_size(documents: int) -> float:
    """Larger for entities more documents name, on the same logarithmic scale as edges."""
    return round(4.0 + 2.0 * math.log2(1 + documents), 2)


def server_layout(graph: nx.MultiDiGraph) -> dict[str, Position]:
    """Where each node is drawn, computed here so the page draws at once instead of running
    ForceAtlas2 for seconds on the browser's main thread (igraph's grid Fruchterman-Reingold, seeded,
    so a graph always gets the same picture; callers cache it per store revision and filter)."""
    if graph.number_of_nodes() == 0:
        return {}
    view = igraph_view(undirected(graph))
    with seeded(LAYOUT_SEED):
        coords = view.graph.layout_fruchterman_reingold(niter=LAYOUT_PASSES, grid=view.graph.vcount() > GRID_ABOVE)
    return {node: (round(x, 3), round(y, 3)) for node, (x, y) in zip(view.nodes, coords.coords, strict=True)}


def network_payload(
    graph: nx.MultiDiGraph,
    evidence: Evidence | None = None,
    *,
    highlight: Collection[tuple[str, str, str]] = (),
    focus: str | None = None,
    positions: Mapping[str, Position] | None = None,
) -> dict[str, Any]:
    """Nodes, edges and legend for one drawn graph.

    `evidence` (fact -> records) travels with the edges when given; otherwise the page fetches it;
    `highlight` marks (source, predicate, target) hops to draw in colour (a path);
    `focus` is a node drawn larger (the entity a view is about);
    `positions` pins nodes at fixed x/y (screen axes, y down) instead of a force layout;
    a `notes` attribute (lines of text) of a node or an edge goes into its tooltip and panel.
    """
    nodes = []
    for node, attrs in graph.nodes(data=True):
        style = style_of(attrs.get("type", ""))
        label = attrs.get("label") or attrs.get("key") or str(node)
        documents = count(attrs.get("documents"))
        record: dict[str, Any] = {
            "id": node,
            "label": short(label),
            "full_label": label,
            "key": attrs.get("key", ""),
            "type": style.name,
            "type_label": style.label,
            "color": style.color,
            "size": node_size(documents) * (2 if node == focus else 1),
            "title": _node_tooltip(attrs),
            "date": attrs.get("date"),
            "documents": documents,
            "url": entity_url(attrs["key"]) if attrs.get("key") else None,
            "focus": node == focus,
        }
        if positions is not None and node in positions:
            record.update(x=positions[node][0], y=positions[node][1], fixed=True)
        nodes.append(record)
    edges = []
    marked = set(highlight)
    for index, (source, target, attrs) in enumerate(graph.edges(data=True)):
        predicate = attrs["predicate"]
        hop = (source, predicate, target)
        label = predicate_label(predicate)
        documents = count(attrs.get("documents"))
        notes = list(attrs.get("notes", ()))
        edge: dict[str, Any] = {
            "id": f"e{index}",
            "from": source,
            "to": target,
            "label": label,
            "predicate": predicate,
            "title": _edge_tooltip(
                graph.nodes[source].get("label", source),
                label,
                graph.nodes[target].get("label", target),
                documents,
                notes,
            ),
            "notes": notes,
            "documents": documents,
            "confidence": attrs.get("confidence"),
            "width": edge_width(documents),
            "color": HIGHLIGHT if hop in marked else EDGE_GREY,
            "highlighted": hop in marked,
        }
        if hop in marked:
            edge["width"] = max(edge["width"], 4)
        if evidence is not None:
            edge["evidence"] = [sourced(r) for r in evidence.get(hop, [])[:PANEL_SENTENCES]]
        edges.append(edge)
    return {
        "nodes": nodes,
        "edges": edges,
        "legend": legend({n["type"] for n in nodes}),
        "layout": "fixed" if positions is not None else "force",
        "expand_cap": EXPAND_CAP,
    }
