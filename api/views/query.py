"""The `/query` page: YASGUI against our own `/sparql`, with our prefixes, examples and vocabulary.

The editor completes classes and properties from the ontology this server ships (not from an
online vocabulary service), so it works offline and proposes only terms our data uses.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import Any

import rdflib
from rdflib.namespace import OWL, RDF

from kg.iris import GEONAMES, ID
from kg.ontology import ONTOLOGY_FILE

#: What the ontology calls a property, in any of its kinds.
PROPERTY_KINDS = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property)


@dataclass(frozen=True)
class ExampleQuery:
    name: str
    question: str
    text: str


def load_examples(directory: Path) -> list[ExampleQuery]:
    """The `.rq` files of `directory`, each with its question: the text of its first comment line."""
    examples = []
    for path in sorted(directory.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        first = text.lstrip().splitlines()[0] if text.strip() else ""
        question = first.lstrip("#").strip() if first.startswith("#") else path.stem
        examples.append(ExampleQuery(path.stem, question, text))
    return examples


@cache
def vocabulary() -> dict[str, Any]:
    """Prefixes the ontology declares (plus our identifier spaces), and its classes and properties."""
    graph = rdflib.Graph(bind_namespaces="none").parse(ONTOLOGY_FILE, format="turtle")
    declared = {str(prefix): str(namespace) for prefix, namespace in graph.namespaces() if prefix}
    prefixes = {**declared, "ffkgid": ID, "geonames": GEONAMES}
    classes = sorted({str(s) for s in graph.subjects(RDF.type, OWL.Class)})
    properties = sorted({str(s) for kind in PROPERTY_KINDS for s in graph.subjects(RDF.type, kind)})
    return {
        "prefixes": dict(sorted(prefixes.items())),
        "classes": [iri for iri in classes if iri.startswith("http")],
        "properties": [iri for iri in properties if iri.startswith("http")],
    }


def query_page(examples_dir: Path) -> dict[str, Any]:
    """Everything the page hands YASGUI: endpoint, prefixes, completions and the example questions."""
    return {
        "view": "query",
        "title": "SPARQL query",
        "endpoint": "/sparql",
        "examples": [asdict(example) for example in load_examples(examples_dir)],
        **vocabulary(),
    }
