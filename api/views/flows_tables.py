"""The tables' side of the flows view: routes counted by imported tables, drawn beside the articles' routes.

Table routes are edges of their own kind (`TABLE_FLOW`), blue and labelled with their firearms so
they never pass for what an article states; their width grows with the firearms counted, their
notes give the count per year and the cell each came from (a table has cells, not sentences).
Same-place cells are not drawn (a loop says nothing on a map).
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

import networkx as nx

from kg.store import BaseStore
from kg.tables.flows import FlowFilter, TableFlow, select, table_data

#: The edge key and predicate of a route the tables count (not an ontology edge: it never enters analytics).
TABLE_FLOW = "tableFlow"
TABLE_COLOR = "#1f77b4"
#: Most table routes drawn at once (the heaviest); a year of the ATF matrix has ~2,900.
MAX_TABLE_ROUTES = 150


def add_table_routes(graph: nx.MultiDiGraph, store: BaseStore, *, year: int | None) -> tuple[int, int]:
    """Add the heaviest table routes of `year` (all years summed when None) to `graph`.

    Returns how many routes were drawn and how many the tables have for the filter.
    """
    data = table_data(store)
    by_route: dict[tuple[str, str], list[TableFlow]] = defaultdict(list)
    for flow in select(data, FlowFilter(year=year)):
        by_route[(flow.origin, flow.destination)].append(flow)
    heaviest = sorted(by_route.items(), key=lambda item: -sum(f.firearms for f in item[1]))[:MAX_TABLE_ROUTES]
    for (origin, destination), flows in heaviest:
        for end in (origin, destination):
            if end not in graph:
                graph.add_node(end, **data.places[end], type="Place")
        firearms = sum(f.firearms for f in flows)
        notes = [f"counted by tables: {firearms} firearms" + ("" if year else " over the years listed")]
        notes += [
            f"{f.year}: {f.firearms} ({f.publisher}; {f.file} {f.sheet}!{f.cell})"
            for f in sorted(flows, key=lambda f: f.year)
        ]
        graph.add_edge(origin, destination, key=TABLE_FLOW, predicate=TABLE_FLOW, firearms=firearms, notes=notes)
    return len(heaviest), len(by_route)


def style_table_edges(graph: nx.MultiDiGraph, payload: dict[str, Any]) -> None:
    """Draw the tables' edges blue, labelled and sized by firearms, with their cells instead of sentences."""
    firearms = {(s, t): d["firearms"] for s, t, d in graph.edges(data=True) if d["predicate"] == TABLE_FLOW}
    for edge in payload["edges"]:
        if edge["predicate"] == TABLE_FLOW:
            count = firearms[(edge["from"], edge["to"])]
            edge.update(
                label=f"{count} firearms",
                firearms=count,
                source="tables",
                color=TABLE_COLOR,
                evidence=[],
                width=round(1.0 + 1.5 * math.log10(1 + count), 2),
            )
        else:
            edge["source"] = "articles"
