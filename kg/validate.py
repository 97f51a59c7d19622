"""SHACL validation of stored data against `ontology/shapes.ttl` (pyshacl)."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox
import rdflib
from pyshacl import validate

from kg.iris import ENTITIES_GRAPH, FACTS_GRAPH, ONTOLOGY
from kg.ontology import SHAPES_FILE, load_ontology
from kg.store import BaseStore

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


@dataclass(frozen=True)
class ValidationReport:
    conforms: bool
    text: str
    graph: rdflib.Graph


def _to_rdflib(quads: list[ox.Quad | ox.Triple]) -> rdflib.Graph:
    """Merge the quads into one rdflib graph (SHACL validates a data graph, not a dataset)."""
    buffer = ox.serialize([ox.Triple(q.subject, q.predicate, q.object) for q in quads], format=ox.RdfFormat.N_TRIPLES)
    graph = rdflib.Graph()
    graph.parse(data=buffer, format="nt")
    return graph


def validate_graph(data: rdflib.Graph) -> ValidationReport:
    """Validate a data graph with the ontology's class hierarchy taken into account (RDFS inference)."""
    shapes = rdflib.Graph().parse(SHAPES_FILE, format="turtle")
    conforms, report_graph, text = validate(
        data, shacl_graph=shapes, ont_graph=load_ontology(), inference="none", advanced=True, allow_warnings=True
    )
    return ValidationReport(bool(conforms), str(text), report_graph)


def validate_store(store: BaseStore, graph: str | None = None) -> ValidationReport:
    """Validate every graph of the store, or one source graph with what it relies on: the descriptions
    of the entities it mentions and the facts its evidence supports, which live once in their own graphs."""
    if graph is None:
        return validate_graph(_to_rdflib(list(store.quads())))
    stated = f"<{RDF}subject> ?x ; <{RDF}predicate> ?p ; <{RDF}object> ?o"
    relied_on = store.query(
        f"CONSTRUCT {{ ?x ?p ?o }} WHERE {{ {{ GRAPH <{graph}> {{ ?x <{ONTOLOGY}mentionedIn> ?d }} "
        f"GRAPH <{ENTITIES_GRAPH}> {{ ?x ?p ?o }} }} UNION {{ GRAPH <{graph}> {{ ?ev <{ONTOLOGY}supports> ?f }} "
        f"GRAPH <{FACTS_GRAPH}> {{ ?f {stated} }} }} }}"
    )
    return validate_graph(_to_rdflib([*store.quads(graph), *relied_on]))
