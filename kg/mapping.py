"""Extraction records -> RDF triples for one document's named graph.

Pure and deterministic: the same extraction always gives the same IRIs and triples,
so re-ingesting a document changes nothing.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

import pyoxigraph as ox

from kg.iris import ONTOLOGY, document_iri, graph_iri, key_of, local_iri
from kg.records import EVENT_TYPES, FLOW_TYPE, Extraction, Span

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


def _offsets(node: ox.NamedNode, span: Span) -> list[ox.Triple]:
    return [
        ox.Triple(node, ffkg("startOffset"), _integer(span.start)),
        ox.Triple(node, ffkg("endOffset"), _integer(span.end)),
    ]


def document_graph(extraction: Extraction) -> str:
    """The named graph that holds this document's facts."""
    return graph_iri(extraction.document.id)


def extraction_triples(extraction: Extraction) -> list[ox.Triple]:
    """All triples for one document: the document, its entities, events, flows, facts and evidence."""
    info = extraction.document
    doc = ox.NamedNode(document_iri(info.id))
    triples = [
        ox.Triple(doc, RDF_TYPE, ffkg("Document")),
        ox.Triple(doc, ffkg("key"), ox.Literal(key_of(doc.value))),
        ox.Triple(doc, ffkg("title"), ox.Literal(info.title)),
        ox.Triple(doc, ffkg("contentHash"), ox.Literal(info.content_hash)),
    ]
    if info.source:
        triples.append(ox.Triple(doc, ffkg("source"), ox.Literal(info.source)))
    if info.date:
        triples += [
            ox.Triple(doc, ffkg("date"), date_literal(info.date)),
            ox.Triple(doc, ffkg("startDate"), start_date(info.date)),
        ]

    for entity in extraction.entities:
        node = ox.NamedNode(entity.id)
        triples += [
            ox.Triple(node, RDF_TYPE, ffkg(entity.type)),
            ox.Triple(node, RDFS_LABEL, ox.Literal(entity.label)),
            ox.Triple(node, ffkg("key"), ox.Literal(key_of(entity.id))),
            ox.Triple(node, ffkg("mentionedIn"), doc),
        ]
        aliases = {m.text for m in entity.mentions} | set(entity.attributes.get("aliases", ()))
        triples += [ox.Triple(node, SKOS_ALT, ox.Literal(a)) for a in sorted(aliases - {entity.label})]
        if entity.date and (entity.type in EVENT_TYPES):
            triples += [
                ox.Triple(node, ffkg("date"), date_literal(entity.date)),
                ox.Triple(node, ffkg("startDate"), start_date(entity.date)),
            ]
        attributes = entity.attributes
        if "geonames_id" in attributes:
            triples.append(ox.Triple(node, ffkg("geonamesId"), _integer(int(attributes["geonames_id"]))))
        if "lat" in attributes and "lon" in attributes:
            triples += [
                ox.Triple(node, GEO_LAT, _decimal(float(attributes["lat"]))),
                ox.Triple(node, GEO_LONG, _decimal(float(attributes["lon"]))),
            ]
        if entity.type == FLOW_TYPE:
            for name in _FLOW_LITERALS:
                if attributes.get(name):
                    value = str(attributes[name])
                    literal = date_literal(value) if name == "period" else ox.Literal(value)
                    triples.append(ox.Triple(node, ffkg(name), literal))
        for mention in entity.mentions:
            # one span can name several nodes (a flow and its smuggling event share the trigger word)
            mention_node = ox.NamedNode(local_iri(info.id, "mention", str(mention.start), str(mention.end), node.value))
            triples += [
                ox.Triple(mention_node, RDF_TYPE, ffkg("Mention")),
                ox.Triple(mention_node, ffkg("refersTo"), node),
                ox.Triple(mention_node, ffkg("document"), doc),
                ox.Triple(mention_node, ffkg("text"), ox.Literal(mention.text)),
                *_offsets(mention_node, mention),
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
        triples += [
            ox.Triple(subject, predicate, obj),
            ox.Triple(evidence, RDF_TYPE, ffkg("Evidence")),
            ox.Triple(evidence, RDF_SUBJECT, subject),
            ox.Triple(evidence, RDF_PREDICATE, predicate),
            ox.Triple(evidence, RDF_OBJECT, obj),
            ox.Triple(evidence, ffkg("document"), doc),
            ox.Triple(evidence, ffkg("sentence"), ox.Literal(relation.evidence.text)),
            ox.Triple(evidence, ffkg("confidence"), _decimal(relation.confidence)),
            ox.Triple(evidence, ffkg("extractorVersion"), ox.Literal(extraction.extractor_version)),
            *_offsets(evidence, relation.evidence),
        ]
    return list(dict.fromkeys(triples))
