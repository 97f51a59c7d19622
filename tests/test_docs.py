"""Documentation cannot rot: every ontology term, setting and command explains itself."""

from __future__ import annotations

import re
from pathlib import Path

import rdflib
from rdflib.namespace import OWL, RDF, RDFS

from kg.cli import main
from kg.ontology import ONTOLOGY_FILE, all_terms
from kg.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def test_every_ontology_term_has_a_label_and_a_comment() -> None:
    graph = rdflib.Graph().parse(ONTOLOGY_FILE)
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    terms = [s for kind in kinds for s in graph.subjects(RDF.type, kind)]
    assert len(terms) > 40
    for term in terms:
        assert graph.value(term, RDFS.label), f"{term} has no rdfs:label"
        assert graph.value(term, RDFS.comment), f"{term} has no rdfs:comment"


def test_the_ontology_has_the_classes_and_properties_the_product_needs() -> None:
    names = set(all_terms())
    required = {
        "Person",
        "Organization",
        "Gunmaker",
        "CriminalGroup",
        "GovernmentBody",
        "Place",
        "Country",
        "Region",
        "City",
        "WeaponType",
        "Event",
        "Lawsuit",
        "Attack",
        "Seizure",
        "Smuggling",
        "PolicyAction",
        "FirearmsFlow",
        "Document",
        "Evidence",
        "affiliatedWith",
        "locatedIn",
        "occurredIn",
        "date",
        "plaintiff",
        "defendant",
        "target",
        "perpetrator",
        "participant",
        "weaponFrom",
        "manufactures",
        "origin",
        "destination",
        "via",
        "mentionedIn",
        "sentence",
        "startOffset",
        "endOffset",
        "confidence",
        "extractorVersion",
    }
    assert required <= names, required - names


def test_every_class_and_property_is_aligned_with_a_standard_vocabulary() -> None:
    graph = rdflib.Graph().parse(ONTOLOGY_FILE)
    ffkg = "https://w3id.org/ffkg/ontology#"
    for name in ("Person", "Organization", "Place", "Event", "Document", "Evidence"):
        parents = {str(p) for p in graph.objects(rdflib.URIRef(ffkg + name), RDFS.subClassOf)}
        assert any(not p.startswith(ffkg) for p in parents), f"{name} is not aligned: {parents}"
    for name in ("affiliatedWith", "locatedIn", "occurredIn", "participant", "document", "date"):
        parents = {str(p) for p in graph.objects(rdflib.URIRef(ffkg + name), RDFS.subPropertyOf)}
        assert any(not p.startswith(ffkg) for p in parents), f"{name} is not aligned: {parents}"


def test_every_setting_has_a_description() -> None:
    for name, field in Settings.model_fields.items():
        assert field.description, f"setting {name} is undocumented"


def test_readme_names_every_command_and_the_main_settings() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in main.commands:
        assert re.search(rf"ffkg {command}\b", readme), f"README does not show `ffkg {command}`"
    for name in ("data_dir", "write_token", "query_timeout", "max_result_rows"):
        assert f"FFKG_{name.upper()}" in readme
