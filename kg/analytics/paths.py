"""Explained paths: how one entity is connected to another, hop by hop, with the sentences that say so.

Paths are found on the projection read undirected (a lawsuit links its plaintiff and its
defendant whichever way the edges point); each hop then lists the relations behind it
with their true direction, and one SPARQL query fetches the evidence for every hop.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import islice
from typing import Any

import networkx as nx

from kg.analytics.projection import RDF, node_info, undirected
from kg.errors import BadInputError
from kg.iris import ONTOLOGY
from kg.ontology import edge_properties
from kg.store import BaseStore

#: A stated fact: subject IRI, predicate local name, object IRI.
Fact = tuple[str, str, str]


def shortest_paths(graph: nx.MultiDiGraph, source: str, target: str, *, k: int = 1) -> list[list[str]]:
    """Up to `k` shortest simple paths from `source` to `target` as node lists, shortest first.

    An empty list means there is no path (or an end is not in the graph).

    >>> g = nx.MultiDiGraph([("a", "b", "x"), ("c", "b", "y"), ("a", "c", "z")])
    >>> shortest_paths(g, "a", "b", k=2)
    [['a', 'b'], ['a', 'c', 'b']]
    """
    if k < 1:
        raise BadInputError(f"k must be at least 1, not {k}")
    simple = undirected(graph)
    if source not in simple or target not in simple or not nx.has_path(simple, source, target):
        return []
    if k == 1:
        return [nx.shortest_path(simple, source, target)]
    return list(islice(nx.shortest_simple_paths(simple, source, target), k))


def hop_relations(graph: nx.MultiDiGraph, left: str, right: str) -> list[dict[str, Any]]:
    """The relations between two adjacent nodes of a path, each with its direction along the path.

    `forward` means the fact reads left -> right (left is its subject), `backward` the reverse.
    """
    labels = edge_properties()
    relations = []
    for subject, obj, direction in ((left, right, "forward"), (right, left, "backward")):
        for name, data in sorted((graph.get_edge_data(subject, obj) or {}).items()):
            relations.append(
                {
                    "predicate": name,
                    "label": labels[name].label if name in labels else name,
                    "direction": direction,
                    "subject": subject,
                    "object": obj,
                    "confidence": data.get("confidence"),
                    "documents": data.get("documents"),
                    "evidence": [],
                }
            )
    return relations


def fetch_evidence(store: BaseStore, facts: set[Fact]) -> dict[Fact, list[dict[str, Any]]]:
    """Evidence records of many (subject, predicate name, object) facts with one query, best first."""
    found: dict[Fact, list[dict[str, Any]]] = defaultdict(list)
    if not facts:
        return found
    values = " ".join(f"(<{s}> <{ONTOLOGY}{p}> <{o}>)" for s, p, o in sorted(facts))
    query = f"""
        SELECT ?s ?p ?o ?sentence ?doc ?title ?date ?outlet ?url ?confidence ?start ?end WHERE {{
          VALUES (?s ?p ?o) {{ {values} }}
          ?e <{RDF}subject> ?s ; <{RDF}predicate> ?p ; <{RDF}object> ?o ;
             <{ONTOLOGY}sentence> ?sentence ; <{ONTOLOGY}document> ?doc .
          OPTIONAL {{ ?e <{ONTOLOGY}confidence> ?confidence }}
          OPTIONAL {{ ?e <{ONTOLOGY}startOffset> ?start }}
          OPTIONAL {{ ?e <{ONTOLOGY}endOffset> ?end }}
          OPTIONAL {{ ?doc <{ONTOLOGY}title> ?title }}
          OPTIONAL {{ ?doc <{ONTOLOGY}date> ?date }}
          OPTIONAL {{ ?doc <{ONTOLOGY}publisher> ?outlet }}
          OPTIONAL {{ ?doc <{ONTOLOGY}url> ?url }}
        }}"""
    for row in store.query(query):
        fact = (row["s"].value, row["p"].value[len(ONTOLOGY) :], row["o"].value)
        record = {
            "sentence": row["sentence"].value,
            "document": row["doc"].value,
            "title": _text(row["title"]),
            "date": _text(row["date"]),
            "confidence": float(row["confidence"].value) if row["confidence"] else None,
            "start": int(row["start"].value) if row["start"] else None,
            "end": int(row["end"].value) if row["end"] else None,
        }
        citation = {"outlet": _text(row["outlet"]), "url": _text(row["url"])}
        found[fact].append(record | {name: value for name, value in citation.items() if value})
    for records in found.values():
        records.sort(key=lambda r: (-(r["confidence"] or 0.0), r["document"], r["start"] or 0))
    return found


def explain_paths(store: BaseStore, graph: nx.MultiDiGraph, source: str, target: str, *, k: int = 1) -> dict[str, Any]:
    """The `k` shortest paths between two nodes, every hop with its relations and their evidence.

    When there is no path the answer says so in `message` and `paths` is empty.
    """
    paths = shortest_paths(graph, source, target, k=k)
    explained = []
    for path in paths:
        hops = [
            {"from": left, "to": right, "relations": hop_relations(graph, left, right)}
            for left, right in zip(path, path[1:], strict=False)
        ]
        explained.append({"length": len(hops), "nodes": [node_info(graph, n) for n in path], "hops": hops})
    relations = [r for p in explained for hop in p["hops"] for r in hop["relations"]]
    evidence = fetch_evidence(store, {(r["subject"], r["predicate"], r["object"]) for r in relations})
    for relation in relations:
        relation["evidence"] = evidence.get((relation["subject"], relation["predicate"], relation["object"]), [])
    message = None
    if not paths:
        missing = [name for name in (source, target) if name not in graph]
        message = (
            f"{' and '.join(missing)} not in the analysed network (check the filters)"
            if missing
            else f"no path between {source} and {target} in the analysed network"
        )
    return {
        "source": node_info(graph, source) if source in graph else {"iri": source},
        "target": node_info(graph, target) if target in graph else {"iri": target},
        "k": k,
        "found": bool(paths),
        "message": message,
        "paths": explained,
    }


def _text(term: Any) -> str | None:
    return term.value if term is not None else None
