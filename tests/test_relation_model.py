"""The trained relation model: its candidates, its features, its trainer and the model it ships."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib.namespace import RDFS
from test_evaluate import _small_corpus

from kg.cli import main
from kg.extract import GAZETTEER_PIPE, load_pipeline, parse
from kg.extract.context import attach_text
from kg.extract.entities import resolve_entities
from kg.extract.multiclass import NONE
from kg.extract.relation_model import (
    MODES,
    PREDICATE_OF,
    PREDICATES,
    RELATION_MODEL,
    Candidate,
    RelationClassifier,
    candidates,
    classifier,
)
from kg.extract.relations import rule_relations
from kg.extract.training import trainers
from kg.iris import ONTOLOGY
from kg.ontology import FFKG, load_ontology, superclasses
from kg.records import DocumentInfo


def _candidates(text: str) -> dict[tuple[str, str, str], Candidate]:
    """The candidate pairs of `text` by (subject text, predicate, object text)."""
    nlp = load_pipeline()
    doc = parse(text, nlp)
    attach_text(doc, text)
    info = DocumentInfo(id="test-doc", title=text, date="2021-06-15", text=text)
    _, mentions = resolve_entities(doc, info, nlp.get_pipe(GAZETTEER_PIPE).gazetteer)
    _, rules = rule_relations(doc, mentions)
    return {(c.subject.text, c.predicate, c.object.text): c for c in candidates(doc, mentions, rules)}


def test_every_candidate_type_pair_fits_the_ontology_domain_and_range() -> None:
    graph = load_ontology()
    for (subject, obj), predicate in PREDICATE_OF.items():
        domain = graph.value(FFKG[predicate], RDFS.domain)
        range_ = graph.value(FFKG[predicate], RDFS.range)
        assert domain is None or str(domain)[len(ONTOLOGY) :] in superclasses(subject)
        assert range_ is None or str(range_)[len(ONTOLOGY) :] in superclasses(obj)
    assert set(PREDICATES) == {"affiliatedWith", "locatedIn", "manufactures"}


def test_pairs_are_candidates_only_where_the_types_allow_a_predicate() -> None:
    found = _candidates("Mark Ellis, an agent with the FBI in Houston, met Ana Soto.")
    assert ("Mark Ellis", "affiliatedWith", "FBI") in found
    assert ("FBI", "locatedIn", "Houston") in found
    assert not any(p == "affiliatedWith" and o in ("Houston", "Ana Soto") for _, p, o in found)
    assert not any(s == "Houston" and o == "FBI" for s, _, o in found)


def test_features_name_the_apposition_the_possessive_and_the_cue_words() -> None:
    apposition = _candidates("Mark Ellis, an agent with the FBI, said the pistols were seized.")
    features = apposition[("Mark Ellis", "affiliatedWith", "FBI")].features
    assert "affiliatedWith|path_class=title" in features
    assert any(name.startswith("affiliatedWith|path=>appos") for name in features)
    possessive = _candidates("Mexico's Sinaloa Cartel leader Ismael Zambada was arrested.")
    features = possessive[("Ismael Zambada", "affiliatedWith", "Sinaloa Cartel")].features
    assert "affiliatedWith|s.before_class=title" in features
    based = _candidates("Acme Arms Inc., a dealer based in Houston, sold the rifles.")
    assert "locatedIn|path_class=base" in based[("Acme Arms Inc.", "locatedIn", "Houston")].features


def test_the_relation_trainer_runs_after_the_type_model_it_reads() -> None:
    names = list(trainers())
    assert RELATION_MODEL in names
    assert names.index("entity_types") < names.index(RELATION_MODEL)


def test_the_shipped_model_loads_with_a_threshold_and_a_mode_per_predicate() -> None:
    shipped = classifier()
    assert isinstance(shipped, RelationClassifier)
    assert set(shipped.thresholds) == set(PREDICATES)
    assert set(shipped.model.classes) <= {*PREDICATES, NONE}
    assert set(shipped.modes) == set(PREDICATES)
    assert set(shipped.modes.values()) <= set(MODES)


@pytest.fixture(scope="module")
def small_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A repository root whose split file lists a few train and dev texts of the real corpus."""
    root = tmp_path_factory.mktemp("corpus-root")
    _small_corpus(root)
    return root


def test_ffkg_train_builds_the_relation_model_and_reports_its_features(small_root: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["train", "--root", str(small_root), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert f"== {RELATION_MODEL} ->" in result.output
    assert "inner CV F1" in result.output
    data = json.loads((tmp_path / f"{RELATION_MODEL}.json").read_text(encoding="utf-8"))
    assert set(data["thresholds"]) == set(PREDICATES)
    assert NONE in data["classes"]
    assert any(name.startswith("affiliatedWith|") for name in data["weights"])
