"""The path view: how two entities are connected, the shortest path's hops highlighted."""

from __future__ import annotations

from typing import Any

import networkx as nx

from api.views import params
from api.views.network import Position, network_payload
from kg.analytics.projection import project
from kg.analytics.reports import path_report
from kg.errors import BadInputError
from kg.settings import Settings
from kg.store import BaseStore

ARROWS = {"forward": "\u2192", "backward": "\u2190"}
#: Pixels between hops on the drawn line, between the lines of alternative paths, and of the zigzag.
STEP_X, STEP_Y, ZIGZAG = 230.0, 150.0, 24.0


def allowed(max_k: int) -> dict[str, str]:
    return {
        "source, target": "an entity's name, alias, key or IRI (both are needed)",
        "k": f"how many alternative paths to draw: a whole number from 1 to {max_k} (max_path_k)",
    }


def _steps(found: dict[str, Any]) -> list[dict[str, Any]]:
    """A path in words: each hop's next node and the relations that link it, with their direction."""
    return [
        {
            "to": found["nodes"][i + 1]["label"],
            "relations": [f"{r['label']} ({ARROWS[r['direction']]})" for r in hop["relations"]],
        }
        for i, hop in enumerate(found["hops"])
    ]


def line_up(paths: list[list[str]]) -> dict[str, Position]:
    """The shortest path along a line, left to right; each alternative on a line of its own below or above.

    Every other node sits a little lower, so no hop runs exactly horizontal and the labels of a
    hop and its way back do not overlap.
    """
    placed: dict[str, Position] = {}
    width = (len(paths[0]) - 1) * STEP_X
    for number, nodes in enumerate(paths):
        offset = ((number + 1) // 2) * STEP_Y * (1 if number % 2 else -1)
        for index, node in enumerate(nodes):
            placed.setdefault(node, (width * index / max(len(nodes) - 1, 1), offset + (index % 2) * ZIGZAG))
    return placed


def path_page(
    store: BaseStore, settings: Settings, source: str | None, target: str | None, *, k: str | None
) -> dict[str, Any]:
    """The `k` shortest paths between two entities; the first one's hops are drawn in colour."""
    count = params.integer("k", k, low=1, high=settings.max_path_k, default=1)
    source, target = params.text(source), params.text(target)
    page: dict[str, Any] = {
        "view": "path",
        "title": "Paths",
        "subtitle": "How two entities are connected, hop by hop, with the sentences behind each hop.",
        "form": {"source": source or "", "target": target or "", "k": count, "max_k": settings.max_path_k},
        "notices": [],
        "paths": [],
        "network": {"nodes": [], "edges": [], "legend": []},
        "empty": "Name two entities above to see how they are connected.",
        "back": {"url": "/", "text": "Back to the overview"},
    }
    if source is None and target is None:
        return page
    if source is None or target is None:
        raise BadInputError("a path needs both a source and a target entity")
    report = path_report(store, settings, source, target, k=count)
    start, end = report["source"].get("label", source), report["target"].get("label", target)
    if report["source"]["iri"] == report["target"]["iri"]:
        raise BadInputError(f"{source!r} and {target!r} both name {start}; a path needs two different entities")
    page["title"] = f"Paths from {start} to {end}"
    if not report["found"]:
        page["empty"] = (
            f"No path connects {start} and {end}: no chain of facts in the graph leads from one to the other."
        )
        page["back"] = {"url": "/view/path", "text": "Try two other entities"}
        return page
    evidence: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    shortest: set[tuple[str, str, str]] = set()
    for number, found in enumerate(report["paths"]):
        for relation in (r for hop in found["hops"] for r in hop["relations"]):
            fact = (relation["subject"], relation["predicate"], relation["object"])
            evidence[fact] = relation["evidence"]
            if number == 0:
                shortest.add(fact)
        page["paths"].append({"length": found["length"], "start": start, "steps": _steps(found)})
    drawn = nx.MultiDiGraph(project(store).edge_subgraph((s, o, p) for s, p, o in evidence))
    lines = line_up([[node["iri"] for node in found["nodes"]] for found in report["paths"]])
    page["network"] = network_payload(drawn, evidence, highlight=shortest, positions=lines)
    page["subtitle"] = (
        f"{len(report['paths'])} path(s); the shortest has {report['paths'][0]['length']} hop(s), drawn in red. "
        "Click an edge or a node for the sentences behind it."
    )
    return page
