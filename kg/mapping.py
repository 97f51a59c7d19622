"""Extraction records -> RDF triples, each meant for exactly one graph.

A document's own graph gets only what is about that document: its node, which entities it
mentions and where, and one evidence record per fact it states. What is about the world is
meant to be stated once for every document that says it: entity descriptions go to the
entities graph, facts (and the `ffkg:Fact` node their evidence records support) to the facts
graph. The store keeps those two graphs in step as documents come and go.

Pure and deterministic: the same extraction always gives the same IRIs and triples,
so re-ingesting a document changes nothing.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

import pyoxigraph as ox

from kg import stories
from kg.iris import (
    ENTITIES_GRAPH,
    FACTS_GRAPH,
    ONTOLOGY,
    document_iri,
    fact_iri,
    graph_iri,
    key_of,
    local_iri,
    story_iri,
)
from kg.records import EVENT_TYPES, FLOW_TYPE, DocumentInfo, Extraction, Span

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDF_SUBJECT = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#subject")
RDF_PREDICATE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate")
RDF_OBJECT = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#object")
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
SKOS_ALT = ox.NamedNode("http://www.w3.org/2004/02/skos/core#altLabel")
GEO_LAT = ox.NamedNode("http://www.w3.org/2003/01/geo/wgs84_pos#lat")
GEO_LONG = ox.NamedNode("http://www.w3.org/2003/01/geo/wgs84_pos#long")
XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_INTEGER = ox.NamedNode(XSD + "integer")
XSD_DECIMAL = ox.NamedNode(XSD + "decimal")
XSD_DATE = ox.NamedNode(XSD + "date")
XSD_GYEAR = ox.NamedNode(XSD + "gYear")
XSD_GYEARMONTH = ox.NamedNode(XSD + "gYearMonth")
XSD_ANYURI = ox.NamedNode(XSD + "anyURI")

_FLOW_LITERALS = ("method", "share", "quantity", "period")


@lru_cache(maxsize=512)
def ffkg(name: str) -> ox.NamedNode:
    """The ontology term `name` (built once: a document's triples name a few dozen terms thousands of times)."""
    return ox.NamedNode(ONTOLOGY + name)


def date_literal(value: str) -> ox.Literal:
    """A date at the precision the text gives: xsd:gYear, xsd:gYearMonth or xsd:date."""
    if re.fullmatch(r"\d{4}", value):
        return ox.Literal(value, datatype=XSD_GYEAR)
    if re.fullmatch(r"\d{4}-\d{2}", value):
        return ox.Literal(value, datatype=XSD_GYEARMONTH)
    return ox.Literal(value, datatype=XSD_DATE)


def start_date(value: str) -> ox.Literal:
    """The first day a date of any precision allows, for range filters."""
    padded = value + "-01-01"[len(value) - 4 :] if len(value) < 10 else value
    return ox.Literal(padded, datatype=XSD_DATE)


def _integer(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=XSD_INTEGER)


def _decimal(value: float) -> ox.Literal:
    return ox.Literal(str(Decimal(str(round(value, 4)))), datatype=XSD_DECIMAL)


def _offsets(node: ox.NamedNode, span: Span, shift: int) -> list[ox.Triple]:
    """Offsets in the file as given (`ffkg:content`): the span's, past the `date` prefix the text leaves out."""
    return [
        ox.Triple(node, ffkg("startOffset"), _integer(span.start + shift)),
        ox.Triple(node, ffkg("endOffset"), _integer(span.end + shift)),
    ]


def citation_triples(doc: ox.NamedNode, info: DocumentInfo) -> list[ox.Triple]:
    """What a reader needs to cite the document: its text as given, and URL, outlet, author, language if known."""
    triples = [ox.Triple(doc, ffkg("content"), ox.Literal(info.as_given()))]
    if info.url:
        triples.append(ox.Triple(doc, ffkg("url"), ox.Literal(info.url, datatype=XSD_ANYURI)))
    fields = (("publisher", info.outlet), ("author", info.author), ("language", info.language))
    return triples + [ox.Triple(doc, ffkg(name), ox.Literal(value)) for name, value in fields if value]


def document_graph(extraction: Extraction) -> str:
    """The named graph that holds this document's facts."""
    return graph_iri(extraction.document.id)


@dataclass(frozen=True)
class DocumentTriples:
    """One document's triples by the graph each belongs in; iterating gives them all."""

    graph: str
    document: list[ox.Triple]
    entities: list[ox.Triple]
    facts: list[ox.Triple]

    def __iter__(self) -> Iterator[ox.Triple]:
        return itertools.chain(self.document, self.entities, self.facts)

    def quads(self) -> list[ox.Quad]:
        targets = ((self.graph, self.document), (ENTITIES_GRAPH, self.entities), (FACTS_GRAPH, self.facts))
        return [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(g)) for g, triples in targets for t in triples]

    def fact_nodes(self) -> list[str]:
        """The `ffkg:Fact` nodes this document supports."""
        return [t.subject.value for t in self.facts if t.predicate == RDF_TYPE]


def extraction_triples(
    extraction: Extraction, *, story: str | None = None, sketch: stories.Sketch | None = None
) -> DocumentTriples:
    """One document's triples: its node, mentions and evidence; its entities' descriptions; its facts.

    `story` names the group of near-duplicate documents this one belongs to (default: its own);
    `sketch` is the text's sketch if the caller made it already to find that story.
    """
    info = extraction.document
    sketch = stories.sketch(info.text) if sketch is None else sketch
    doc = ox.NamedNode(document_iri(info.id))
    triples = [
        ox.Triple(doc, RDF_TYPE, ffkg("Document")),
        ox.Triple(doc, ffkg("key"), ox.Literal(key_of(doc.value))),
        ox.Triple(doc, ffkg("title"), ox.Literal(info.title)),
        ox.Triple(doc, ffkg("contentHash"), ox.Literal(info.content_hash)),
        ox.Triple(doc, ffkg("story"), ox.NamedNode(story or story_iri(info.id))),
        ox.Triple(doc, ffkg("textSketch"), ox.Literal(stories.encode(sketch))),
    ]
    described: list[ox.Triple] = []
    facts: list[ox.Triple] = []
    if info.source:
        triples.append(ox.Triple(doc, ffkg("source"), ox.Literal(info.source)))
    triples += citation_triples(doc, info)
    if info.date:
        triples += [
            ox.Triple(doc, ffkg("date"), date_literal(info.date)),
            ox.Triple(doc, ffkg("startDate"), start_date(info.date)),
        ]

    for entity in extraction.entities:
        node = ox.NamedNode(entity.id)
        triples.append(ox.Triple(node, ffkg("mentionedIn"), doc))
        described += [
            ox.Triple(node, RDF_TYPE, ffkg(entity.type)),
            ox.Triple(node, RDFS_LABEL, ox.Literal(entity.label)),
            ox.Triple(node, ffkg("key"), ox.Literal(key_of(entity.id))),
        ]
        aliases = {m.text for m in entity.mentions} | set(entity.attributes.get("aliases", ()))
        described += [ox.Triple(node, SKOS_ALT, ox.Literal(a)) for a in sorted(aliases - {entity.label})]
        if entity.date and (entity.type in EVENT_TYPES):
            described += [
                ox.Triple(node, ffkg("date"), date_literal(entity.date)),
                ox.Triple(node, ffkg("startDate"), start_date(entity.date)),
            ]
        attributes = entity.attributes
        if "geonames_id" in attributes:
            described.append(ox.Triple(node, ffkg("geonamesId"), _integer(int(attributes["geonames_id"]))))
        if "lat" in attributes and "lon" in attributes:
            described += [
                ox.Triple(node, GEO_LAT, _decimal(float(attributes["lat"]))),
                ox.Triple(node, GEO_LONG, _decimal(float(attributes["lon"]))),
            ]
        if entity.type == FLOW_TYPE:
            for name in _FLOW_LITERALS:
                if attributes.get(name):
                    value = str(attributes[name])
                    literal = date_literal(value) if name == "period" else ox.Literal(value)
                    described.append(ox.Triple(node, ffkg(name), literal))
        for mention in entity.mentions:
            # one span can name several nodes (a flow and its smuggling event share the trigger word)
            mention_node = ox.NamedNode(local_iri(info.id, "mention", str(mention.start), str(mention.end), node.value))
            triples += [
                ox.Triple(mention_node, RDF_TYPE, ffkg("Mention")),
                ox.Triple(mention_node, ffkg("refersTo"), node),
                ox.Triple(mention_node, ffkg("document"), doc),
                ox.Triple(mention_node, ffkg("text"), ox.Literal(mention.text)),
                *_offsets(mention_node, mention, info.offset),
            ]

    for relation in extraction.relations:
        subject, predicate, obj = (
            ox.NamedNode(relation.subject),
            ffkg(relation.predicate),
            ox.NamedNode(relation.object),
        )
        evidence = ox.NamedNode(
            local_iri(
                info.id, "evidence", relation.subject, relation.predicate, relation.object, str(relation.evidence.start)
            )
        )
        fact = ox.NamedNode(fact_iri(relation.subject, predicate.value, relation.object))
        facts += [
            ox.Triple(subject, predicate, obj),
            ox.Triple(fact, RDF_TYPE, ffkg("Fact")),
            ox.Triple(fact, RDF_SUBJECT, subject),
            ox.Triple(fact, RDF_PREDICATE, predicate),
            ox.Triple(fact, RDF_OBJECT, obj),
        ]
        triples += [
            ox.Triple(evidence, RDF_TYPE, ffkg("Evidence")),
            ox.Triple(evidence, ffkg("supports"), fact),
            ox.Triple(evidence, RDF_SUBJECT, subject),
            ox.Triple(evidence, RDF_PREDICATE, predicate),
            ox.Triple(evidence, RDF_OBJECT, obj),
            ox.Triple(evidence, ffkg("document"), doc),
            ox.Triple(evidence, ffkg("sentence"), ox.Literal(relation.evidence.text)),
            ox.Triple(evidence, ffkg("confidence"), _decimal(relation.confidence)),
            ox.Triple(evidence, ffkg("extractorVersion"), ox.Literal(extraction.extractor_version)),
            *_offsets(evidence, relation.evidence, info.offset),
        ]
    unique = dict.fromkeys
    return DocumentTriples(
        document_graph(extraction), list(unique(triples)), list(unique(described)), list(unique(facts))
    )


def corroboration_triples(fact: str, *, documents: int, stories: int, publishers: int) -> list[ox.Triple]:
    """How well attested a fact is: documents, distinct stories (near-duplicates once), publishers."""
    node = ox.NamedNode(fact)
    return [
        ox.Triple(node, ffkg("documentCount"), _integer(documents)),
        ox.Triple(node, ffkg("corroboration"), _integer(stories)),
        ox.Triple(node, ffkg("publisherCount"), _integer(publishers)),
    ]
