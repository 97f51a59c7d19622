"""SHACL shapes accept what the mapping produces and reject broken provenance with a readable report."""

from __future__ import annotations

import pyoxigraph as ox

from kg.iris import entity_iri, geonames_iri, local_iri
from kg.mapping import extraction_triples
from kg.records import DocumentInfo, EntityRecord, Extraction, RelationRecord, Span
from kg.store import Store
from kg.validate import validate_store

TEXT = "Mexico sued Colt in Boston. Guns flow from the United States to Mexico."


def sample_extraction() -> Extraction:
    info = DocumentInfo(id="doc-1", title="Mexico sues Colt", date="2021-08-04", text=TEXT, content_hash="abc")
    mexico = EntityRecord(
        geonames_iri(3996063),
        "Mexico",
        "Country",
        [Span(0, 6, "Mexico")],
        attributes={"geonames_id": 3996063, "lat": 23.0, "lon": -102.0},
    )
    colt = EntityRecord(entity_iri("org", "colt"), "Colt", "Gunmaker", [Span(12, 16, "Colt")])
    usa = EntityRecord(geonames_iri(6252001), "United States", "Country", [Span(47, 60, "United States")])
    lawsuit = EntityRecord(local_iri("doc-1", "event", "lawsuit"), "Mexico sues Colt", "Lawsuit", [], date="2021-08")
    flow = EntityRecord(
        local_iri("doc-1", "flow", "us-mx"),
        "United States to Mexico",
        "FirearmsFlow",
        attributes={"method": "smuggling"},
    )
    sentence1, sentence2 = Span(0, 27, TEXT[0:27]), Span(28, 71, TEXT[28:71])
    relations = [
        RelationRecord(lawsuit.id, "plaintiff", mexico.id, 0.9, sentence1),
        RelationRecord(lawsuit.id, "defendant", colt.id, 0.9, sentence1),
        RelationRecord(usa.id, "firearmsFlow", mexico.id, 0.8, sentence2),
        RelationRecord(flow.id, "origin", usa.id, 0.8, sentence2),
        RelationRecord(flow.id, "destination", mexico.id, 0.8, sentence2),
    ]
    return Extraction(info, [mexico, colt, usa, lawsuit, flow], relations, "test/0")


def stored(triples: list[ox.Triple]) -> Store:
    store = Store.memory()
    store.replace_graph("https://w3id.org/ffkg/graph/doc-1", triples)
    return store


def test_mapped_extraction_conforms() -> None:
    report = validate_store(stored(extraction_triples(sample_extraction())))
    assert report.conforms, report.text


def test_broken_evidence_is_rejected_with_a_readable_report() -> None:
    triples = extraction_triples(sample_extraction())
    confidence = ox.NamedNode("https://w3id.org/ffkg/ontology#confidence")
    sentence = ox.NamedNode("https://w3id.org/ffkg/ontology#sentence")
    victim = next(t.subject for t in triples if t.predicate == confidence)
    broken = [t for t in triples if not (t.subject == victim and t.predicate in (confidence, sentence))]
    broken.append(
        ox.Triple(
            victim, confidence, ox.Literal("1.7", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal"))
        )
    )
    report = validate_store(stored(broken))
    assert not report.conforms
    assert "Constraint Violation" in report.text
    assert "sentence" in report.text and "confidence" in report.text
    assert "1.7" in report.text


def test_a_flow_without_destination_is_rejected() -> None:
    destination = ox.NamedNode("https://w3id.org/ffkg/ontology#destination")
    triples = [t for t in extraction_triples(sample_extraction()) if t.predicate != destination]
    report = validate_store(stored(triples))
    assert not report.conforms
    assert "destination" in report.text


def test_one_documents_graph_validates_with_the_entities_and_facts_it_relies_on() -> None:
    store = Store.memory()
    mapped = extraction_triples(sample_extraction())
    store.write_documents([mapped])
    report = validate_store(store, mapped.graph)
    assert report.conforms, report.text
