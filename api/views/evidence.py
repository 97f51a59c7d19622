"""The sentences behind the facts of one node, fetched by the panel when a node or edge is clicked.

Drawings of thousands of edges do not carry their evidence; this answers for one node at a time.
"""

from __future__ import annotations

from typing import Any

from api.views.network import PANEL_SENTENCES, sourced
from api.views.params import text
from kg.analytics.paths import fetch_evidence
from kg.analytics.projection import project
from kg.errors import BadInputError, NotFoundError
from kg.store import BaseStore

#: Most facts of one node whose sentences one request returns (a hub can have thousands).
MAX_FACTS = 200


def node_evidence(store: BaseStore, node: str | None) -> dict[str, Any]:
    """Every fact touching `node` (an IRI) in the network, each with its best sentences."""
    iri = text(node)
    if iri is None:
        raise BadInputError("node must be the IRI of a node drawn in a view")
    graph = project(store)
    if iri not in graph:
        raise NotFoundError(f"no node of the graph has the IRI {iri!r}")
    facts = sorted(
        {(s, p, o) for s, o, p in graph.out_edges(iri, keys=True)}
        | {(s, p, o) for s, o, p in graph.in_edges(iri, keys=True)}
    )
    shown = facts[:MAX_FACTS]
    found = fetch_evidence(store, set(shown))
    return {
        "node": iri,
        "count": len(facts),
        "truncated": len(facts) > len(shown),
        "facts": [
            {
                "from": s,
                "predicate": p,
                "to": o,
                "evidence": [sourced(r) for r in found.get((s, p, o), [])[:PANEL_SENTENCES]],
            }
            for s, p, o in shown
        ],
    }
