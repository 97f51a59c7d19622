"""Reads the ontology: the single source of truth for classes, edges and their labels.

The files live in `ontology/` and ship in the package as `kg/ontology_data` (a link to that folder
in the repository, real files in a wheel), found through `importlib.resources` so an installed
ffkg reads its own copy.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import rdflib
from rdflib.namespace import OWL, RDF, RDFS

from kg.iris import ONTOLOGY

ONTOLOGY_DIR = Path(str(resources.files("kg").joinpath("ontology_data")))
ONTOLOGY_FILE = ONTOLOGY_DIR / "ffkg.ttl"
SHAPES_FILE = ONTOLOGY_DIR / "shapes.ttl"
FFKG = rdflib.Namespace(ONTOLOGY)


@dataclass(frozen=True)
class Term:
    iri: str
    name: str
    label: str
    comment: str


@cache
def load_ontology() -> rdflib.Graph:
    graph = rdflib.Graph()
    graph.parse(ONTOLOGY_FILE, format="turtle")
    return graph


def _terms(kind: rdflib.URIRef, marker: rdflib.URIRef | None = None) -> dict[str, Term]:
    graph = load_ontology()
    terms = {}
    for subject in graph.subjects(RDF.type, kind):
        if not str(subject).startswith(ONTOLOGY):
            continue
        if marker is not None and (subject, marker, rdflib.Literal(True)) not in graph:
            continue
        name = str(subject)[len(ONTOLOGY) :]
        terms[name] = Term(
            str(subject), name, str(graph.value(subject, RDFS.label) or name), str(graph.value(subject, RDFS.comment))
        )
    return terms


@cache
def edge_properties() -> dict[str, Term]:
    """Object properties that analytics turns into network edges, by local name."""
    return _terms(OWL.ObjectProperty, FFKG.graphEdge)


@cache
def node_classes() -> dict[str, Term]:
    """Classes whose members become network nodes, by local name."""
    return _terms(OWL.Class, FFKG.graphNode)


@cache
def all_terms() -> dict[str, Term]:
    """Every class and property the ontology defines, by local name."""
    terms: dict[str, Term] = {}
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty):
        terms.update(_terms(kind))
    return terms


@cache
def superclasses(name: str) -> tuple[str, ...]:
    """The ffkg classes a class falls under, itself first (Gunmaker -> Gunmaker, Organization)."""
    graph = load_ontology()
    chain = [name]
    for parent in graph.transitive_objects(FFKG[name], RDFS.subClassOf):
        parent_name = str(parent)[len(ONTOLOGY) :] if str(parent).startswith(ONTOLOGY) else None
        if parent_name and parent_name not in chain:
            chain.append(parent_name)
    return tuple(chain)


def most_specific(classes: Iterable[str]) -> str:
    """Of a node's classes, the one deepest in the hierarchy (Gunmaker over Organization); ties by name."""
    return max(sorted(classes), key=lambda name: len(superclasses(name)))
