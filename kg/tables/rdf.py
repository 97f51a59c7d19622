"""Flow observations -> RDF triples for the table file's own named graph.

Pure: the same file, mapping and retrieval date give the same IRIs and triples, so importing
again changes nothing. Each observation points at its table source, which carries the file,
sheet, publisher, retrieval date and the digest that makes re-imports no-ops.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pyoxigraph as ox

from kg.iris import entity_iri, graph_iri, local_iri
from kg.mapping import RDF_TYPE, RDFS_LABEL, XSD_DATE, XSD_GYEAR, XSD_INTEGER, ffkg
from kg.tables.extract import TableRead

DCTERMS = "http://purl.org/dc/terms/"
DCTERMS_SOURCE = ox.NamedNode(DCTERMS + "source")
RDFS_COMMENT = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment")


@dataclass(frozen=True)
class TableSource:
    """Where a table came from: one imported file, read with one mapping."""

    file: str
    path: str
    profile: str
    publisher: str
    retrieved: date
    digest: str

    @property
    def key(self) -> str:
        return self.file

    @property
    def iri(self) -> str:
        return entity_iri("table", self.key)

    @property
    def graph(self) -> str:
        """One named graph per imported file, so a corrected file replaces only its own observations."""
        return graph_iri(f"table {self.key}")


def table_triples(source: TableSource, read: TableRead) -> Iterator[ox.Triple]:
    """The table source node, each observation with its cell, and a label for every place named."""
    node = ox.NamedNode(source.iri)
    yield ox.Triple(node, RDF_TYPE, ffkg("TableSource"))
    yield ox.Triple(node, ox.NamedNode(DCTERMS + "title"), ox.Literal(source.file))
    yield ox.Triple(node, DCTERMS_SOURCE, ox.Literal(source.path))
    yield ox.Triple(node, ox.NamedNode(DCTERMS + "publisher"), ox.Literal(source.publisher))
    yield ox.Triple(node, ffkg("sourceSheet"), ox.Literal(read.sheet))
    yield ox.Triple(node, ffkg("tableProfile"), ox.Literal(source.profile))
    yield ox.Triple(node, ffkg("retrievedOn"), ox.Literal(source.retrieved.isoformat(), datatype=XSD_DATE))
    yield ox.Triple(node, ffkg("tableDigest"), ox.Literal(source.digest))
    for note in read.notes:
        yield ox.Triple(node, RDFS_COMMENT, ox.Literal(note))
    labels = {}
    for observation in read.observations:
        subject = ox.NamedNode(local_iri(source.key, "observation", read.sheet, observation.cell))
        origin, destination = ox.NamedNode(observation.origin.iri), ox.NamedNode(observation.destination.iri)
        yield ox.Triple(subject, RDF_TYPE, ffkg("FlowObservation"))
        yield ox.Triple(subject, ffkg("observedOrigin"), origin)
        yield ox.Triple(subject, ffkg("observedDestination"), destination)
        yield ox.Triple(subject, ffkg("year"), ox.Literal(str(observation.year), datatype=XSD_GYEAR))
        yield ox.Triple(subject, ffkg("firearmsCount"), ox.Literal(str(observation.firearms), datatype=XSD_INTEGER))
        yield ox.Triple(subject, ffkg("sourceCell"), ox.Literal(observation.cell))
        yield ox.Triple(subject, ffkg("fromTable"), node)
        labels[observation.origin.iri] = observation.origin.label
        labels[observation.destination.iri] = observation.destination.label
    for iri, label in sorted(labels.items()):
        yield ox.Triple(ox.NamedNode(iri), RDFS_LABEL, ox.Literal(label))
