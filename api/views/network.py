"""A projected graph -> the vis-network data a view draws (and its JSON twin returns).

pyvis builds the node and edge records; the page template (not pyvis's, which pulls
Bootstrap from a CDN) draws them with the vis-network copy served from `api/static/`.
Everything here is plain data: labels and sentences stay text and are escaped where the
page puts them, tooltips are plain strings that vis-network shows as text, never as HTML.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection, Mapping
from typing import Any

import networkx as nx
from pyvis.network import Network

from api.views.style import legend, predicate_label, style_of
from kg.iris import key_of

Evidence = Mapping[tuple[str, str, str], list[dict[str, Any]]]
Position = tuple[float, float]

#: Longest label drawn on the canvas; the full label is in the tooltip and the side panel.
LABEL_CHARS = 36
#: Sentences quoted in an edge tooltip; the side panel lists up to `PANEL_SENTENCES`, strongest first.
TOOLTIP_SENTENCES = 2
PANEL_SENTENCES = 8
HIGHLIGHT = "#d62728"
EDGE_GREY = "#9aa3ad"


def entity_url(key: str) -> str:
    return f"/view/entity/{key}"


def count(value: Any) -> int:
    """A count from an attribute that may be a number or a collection of document keys."""
    if isinstance(value, Collection) and not isinstance(value, str):
        return len(value)
    return int(value or 0)


def short(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _sourced(record: Mapping[str, Any]) -> dict[str, Any]:
    """An evidence record as a page shows it: the document by key and title."""
    document = key_of(record["document"])
    return {
        "sentence": record["sentence"],
        "document": document,
        "title": record.get("title") or document,
        "date": record.get("date"),
        "confidence": record.get("confidence"),
    }


def _confidence(value: float | None) -> str:
    return "confidence not recorded" if value is None else f"confidence {value:.2f}"


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


def _edge_tooltip(
    source: str, label: str, target: str, evidence: list[dict[str, Any]], documents: int, notes: list[str]
) -> str:
    lines = [f"{source} \u2014 {label} \u2192 {target}"]
    if documents:
        lines.append(f"attested by {documents} document{'s' if documents != 1 else ''}")
    lines += notes
    for record in evidence[:TOOLTIP_SENTENCES]:
        lines += [
            "",
            f"\u201c{record['sentence']}\u201d",
            f"  \u2014 {record['title']} ({_confidence(record['confidence'])})",
        ]
    if len(evidence) > TOOLTIP_SENTENCES:
        lines += ["", f"+ {len(evidence) - TOOLTIP_SENTENCES} more: click the edge"]
    return "\n".join(lines)


def edge_width(documents: int) -> float:
    """Wider for facts more documents attest; logarithmic so one heavily cited fact does not swamp the view."""
    return round(1.0 + 2.0 * math.log2(1 + documents), 2)


def vis_options(*, size: int, physics: bool = True) -> dict[str, Any]:
    """vis-network options: physics that settles quickly and then stops, lighter work for big graphs."""
    big = size > 150
    return {
        "autoResize": True,
        "physics": {
            "enabled": physics,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -80, "springLength": 130, "avoidOverlap": 0.5},
            "stabilization": {"enabled": physics, "iterations": 150 if big else 400, "fit": True},
            "minVelocity": 1.0,
        },
        "nodes": {
            "size": 14,
            "font": {"size": 13, "face": "system-ui, sans-serif", "strokeWidth": 4, "strokeColor": "#ffffff"},
            "borderWidth": 1,
        },
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
            "color": {"color": EDGE_GREY, "highlight": HIGHLIGHT, "hover": "#555555"},
            "font": {"size": 10, "color": "#444444", "strokeWidth": 3, "align": "middle"},
            "smooth": {"enabled": physics and not big, "type": "continuous"},
            "selectionWidth": 2,
        },
        "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": big, "keyboard": False},
    }


def network_payload(
    graph: nx.MultiDiGraph,
    evidence: Evidence,
    *,
    highlight: Collection[tuple[str, str, str]] = (),
    focus: str | None = None,
    positions: Mapping[str, Position] | None = None,
) -> dict[str, Any]:
    """Nodes, edges, options and legend for one drawn graph.

    `highlight` marks (source, predicate, target) hops to draw in colour (a path);
    `focus` is a node drawn larger (the entity a view is about);
    `positions` pins nodes at fixed x/y and turns physics off (a map, a path on a line);
    A `notes` attribute (lines of text) of a node or an edge goes into its tooltip (and an edge's
    into the side panel).
    """
    net = Network(directed=True)
    for node, attrs in graph.nodes(data=True):
        style = style_of(attrs.get("type", ""))
        label = attrs.get("label") or attrs.get("key") or str(node)
        extra: dict[str, Any] = {}
        if positions is not None and node in positions:
            extra.update(x=positions[node][0], y=positions[node][1], fixed=True, physics=False)
        if node == focus:
            extra.update(size=28, borderWidth=3, font={"size": 17, "bold": True})
        net.add_node(
            node,
            label=short(label),
            shape=style.shape,
            color=style.color,
            title=_node_tooltip(attrs),
            full_label=label,
            key=attrs.get("key", ""),
            type=style.name,
            type_label=style.label,
            date=attrs.get("date"),
            documents=count(attrs.get("documents")),
            url=entity_url(attrs["key"]) if attrs.get("key") else None,
            **extra,
        )
    parallel: Counter[frozenset[str]] = Counter()
    marked = set(highlight)
    for index, (source, target, attrs) in enumerate(graph.edges(data=True)):
        predicate = attrs["predicate"]
        hop = (source, predicate, target)
        records = [_sourced(r) for r in evidence.get(hop, [])[:PANEL_SENTENCES]]
        label = predicate_label(predicate)
        documents = count(attrs.get("documents"))
        notes = list(attrs.get("notes", ()))
        pair = frozenset((source, target))
        bend = parallel[pair]
        parallel[pair] += 1
        options: dict[str, Any] = {
            "id": f"e{index}",
            "label": label,
            "predicate": predicate,
            "title": _edge_tooltip(
                graph.nodes[source].get("label", source),
                label,
                graph.nodes[target].get("label", target),
                records,
                documents,
                notes,
            ),
            "evidence": records,
            "notes": notes,
            "documents": documents,
            "confidence": attrs.get("confidence"),
            "width": edge_width(documents),
            "highlighted": hop in marked,
        }
        if bend:
            options["smooth"] = {"enabled": True, "type": "curvedCW", "roundness": 0.2 * bend}
        if hop in marked:
            options.update(color={"color": HIGHLIGHT}, width=max(options["width"], 4))
        net.add_edge(source, target, **options)
    return {
        "nodes": net.nodes,
        "edges": net.edges,
        "options": vis_options(size=len(net.nodes), physics=positions is None),
        "legend": legend({n["type"] for n in net.nodes}),
    }
