"""Exports for the tools researchers already use: the network as GEXF (Gephi) or GraphML, tables as CSV.

The network is the projection the views draw (`kg.analytics.projection.project`), with the
same filters: node types, a time range, least confidence, and least documents (which, as on
the graph view, also keeps only nodes mentioned by that many documents). With documents, each
document is a node carrying what is needed to cite it: title, date, URL, outlet, author, language.
"""

from __future__ import annotations

import csv
import io
import json
from typing import IO, Any

import networkx as nx

from kg.analytics.projection import project, select_rows
from kg.errors import BadInputError
from kg.iris import ONTOLOGY
from kg.store import BaseStore

GEXF_VERSION = "1.3"
GEXF_NAMESPACE = "http://gexf.net/1.3"
#: Network formats: name -> (media type, file extension).
NETWORK_FORMATS = {"gexf": ("application/gexf+xml", ".gexf"), "graphml": ("application/graphml+xml", ".graphml")}
#: The document fields a citation needs, by the ontology property that holds each.
CITATION = {"date": "date", "url": "url", "outlet": "publisher", "author": "author", "language": "language"}
#: Node attributes renamed on export: networkx's GEXF reader takes `key` for its own.
_NODE_NAMES = {"key": "ffkg_key"}
#: networkx writes the XML Schema instance namespace without `www.`; schema validators need it exact.
_XSI_WRONG, _XSI = (
    b'xmlns:xsi="http://w3.org/2001/XMLSchema-instance"',
    b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"',
)
#: The list that is "the table" of each analytics report (centrality, communities, neighbours, paths, flows).
TABLE_KEYS = ("results", "communities", "nodes", "routes", "paths", "rows", "items")


def network(
    store: BaseStore,
    *,
    types: list[str] | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    min_confidence: float = 0.0,
    min_documents: int = 1,
    with_documents: bool = False,
) -> nx.MultiDiGraph:
    """The network as the views filter it, as a plain graph whose attributes every format can write.

    >>> from kg.store import Store
    >>> network(Store.memory()).number_of_nodes()
    0
    """
    graph = project(
        store,
        types=types or None,
        date_from=date_from,
        date_to=date_to,
        min_confidence=min_confidence,
        min_documents=min_documents,
        with_documents=with_documents,
    )
    cited = _citations(store) if with_documents else {}
    out = nx.MultiDiGraph()
    for node, data in graph.nodes(data=True):
        is_document = data.get("type") == "Document"
        if not is_document and data.get("documents", 0) < min_documents:
            continue
        attributes = {"iri": node, **{_NODE_NAMES.get(k, k): v for k, v in data.items() if v is not None}}
        attributes.update(cited.get(node, {}))
        out.add_node(node, **attributes)
    for source, target, key, data in graph.edges(keys=True, data=True):
        if source in out and target in out:
            attributes = {name: value for name, value in data.items() if value is not None}
            out.add_edge(source, target, key=key, label=key, **attributes)
    return out


def _citations(store: BaseStore) -> dict[str, dict[str, str]]:
    """Each document's date, URL, outlet, author and language, where known."""
    found: dict[str, dict[str, str]] = {}
    for field, prop in CITATION.items():
        for document, value in select_rows(
            store,
            f"SELECT ?d (MIN(STR(?v)) AS ?m) WHERE {{ ?d <{ONTOLOGY}{prop}> ?v ; a <{ONTOLOGY}Document> }} GROUP BY ?d",
        ):
            if document and value:
                found.setdefault(document, {})[field] = value
    return found


def write_network(graph: nx.MultiDiGraph, out: IO[bytes], format_name: str) -> None:
    """Write the network as GEXF 1.3 or GraphML."""
    if format_name == "gexf":
        buffer = io.BytesIO()
        nx.write_gexf(graph, buffer, version=GEXF_VERSION)
        out.write(buffer.getvalue().replace(_XSI_WRONG, _XSI, 1))
    elif format_name == "graphml":
        nx.write_graphml(graph, out)
    else:
        raise BadInputError(f"unknown network format {format_name!r}; use one of: {', '.join(NETWORK_FORMATS)}")


def table(report: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """The rows of a report's table as text cells, with a column per field; nested values are flattened."""
    parts = [(name, report[name]) for name in ("articles", "tables") if isinstance(report.get(name), dict)]
    items: list[dict[str, Any]] = []
    for source, part in parts or [(None, report)]:
        key = next((name for name in TABLE_KEYS if isinstance(part.get(name), list)), None)
        if key is None:
            raise BadInputError("this report has no table to write; use --format json")
        items += [{"source": source, **row} if source else row for row in part[key]]
    columns = list(dict.fromkeys(name for row in items for name in row))
    return columns, [[_cell(row.get(name)) for name in columns] for row in items]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):
        return str(value.get("label") or value.get("key") or value.get("iri") or json.dumps(value, ensure_ascii=False))
    if isinstance(value, list):
        return "; ".join(_cell(item) for item in value)
    return str(value)


def write_csv(report: dict[str, Any], out: IO[str]) -> None:
    """The report's table as CSV with a header row."""
    columns, rows = table(report)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
