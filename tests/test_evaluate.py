"""The scorer: normalisation, one-to-one matching, triples over aligned entities, and the real corpus."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from shared_data import shared_path

from kg.evaluate import evaluate, evaluate_with_pipeline, normalise, score_file, variants
from kg.records import DocumentInfo, EntityRecord, Extraction, RelationRecord, Span

CORPUS = shared_path("corpus")
TEXT = "Mexico sued Colt in Boston. The U.S. said guns flow from the United States to Mexico."


def test_normalisation_ignores_case_accents_punctuation_possessive_and_a_leading_the() -> None:
    assert normalise("The U.S.") == normalise("us")
    assert normalise("Ciudad Juárez") == normalise("ciudad juarez")
    assert normalise("Mexico’s foreign ministry") == normalise("Mexico's Foreign Ministry")
    assert normalise("Smith & Wesson") == normalise("Smith and Wesson")
    assert normalise("Barrett") != normalise("Beretta")


def test_variants_try_the_plural_jr_and_a_leading_title() -> None:
    assert normalise("AK-47") in variants("AK-47s")
    assert normalise("Richard L. Durbin") in variants("Richard L. Durbin, Jr.")
    assert normalise("Orlando Garcia") in variants("Judge Orlando Garcia")


def span(phrase: str, nth: int = 0) -> Span:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(phrase, start + 1)
    return Span(start, start + len(phrase), phrase)


def extraction(entities: list[EntityRecord], relations: list[RelationRecord]) -> Extraction:
    return Extraction(DocumentInfo("d", "t", "2021-08-04", TEXT), entities, relations, "test")


GOLD = {
    "document": {"id": "d", "date": "2021-08-04"},
    "entities": [
        {"label": "Mexico", "type": "Country", "aliases": []},
        {"label": "United States", "type": "Country", "aliases": ["U.S."]},
        {"label": "Colt", "type": "Gunmaker", "aliases": []},
        {"label": "Boston", "type": "City", "aliases": []},
    ],
    "relations": [{"subject": "United States", "predicate": "firearmsFlow", "object": "Mexico"}],
    "events": [
        {
            "label": "suit",
            "type": "Lawsuit",
            "date": None,
            "place": "Boston",
            "args": {"plaintiff": ["Mexico"], "defendant": ["Colt"]},
        }
    ],
}


def test_split_entities_score_one_hit_and_one_false_positive_and_triples_use_aligned_labels() -> None:
    mexico = EntityRecord("mx", "Mexico", "Country", [span("Mexico")])
    us_short = EntityRecord("us1", "U.S.", "Country", [span("U.S.")])
    us_long = EntityRecord("us2", "United States", "Country", [span("United States")])
    colt = EntityRecord("colt", "Colt", "Person", [span("Colt")])
    suit = EntityRecord("ev", "suit", "Lawsuit", [span("sued")])
    relations = [
        RelationRecord("us2", "firearmsFlow", "mx", 0.9, span("guns flow")),
        RelationRecord("ev", "plaintiff", "mx", 0.9, span("sued")),
        RelationRecord("ev", "defendant", "colt", 0.9, span("sued")),
        RelationRecord("ev", "occurredIn", "mx", 0.9, span("sued")),
    ]
    result = score_file("d", GOLD, extraction([mexico, us_short, us_long, colt, suit], relations))
    typed = result.scores["entities (typed)"]
    untyped = result.scores["entities (untyped)"]
    assert (typed.gold, typed.sys, typed.tp) == (4, 4, 2)
    assert (untyped.gold, untyped.sys, untyped.tp) == (4, 4, 3)
    assert "Gunmaker:Colt" in result.missed and "Person:Colt" in result.spurious
    relation_score = result.scores["relations"]
    assert (relation_score.gold, relation_score.sys) == (1, 1)
    events = result.scores["events"]
    assert (events.gold, events.sys, events.tp) == (1, 1, 1)
    arguments = result.scores["event arguments"]
    assert (arguments.gold, arguments.sys, arguments.tp) == (3, 3, 2)
    assert result.scores["document date"].tp == 1


def test_a_transitive_located_in_is_not_a_false_positive() -> None:
    text_gold = {
        **GOLD,
        "entities": [
            {"label": "Mesa", "type": "City", "aliases": []},
            {"label": "Arizona", "type": "Region", "aliases": []},
            {"label": "United States", "type": "Country", "aliases": []},
        ],
        "events": [],
        "relations": [
            {"subject": "Mesa", "predicate": "locatedIn", "object": "Arizona"},
            {"subject": "Arizona", "predicate": "locatedIn", "object": "United States"},
        ],
    }
    entities = [
        EntityRecord(k, k, t, [Span(0, 1, "M")])
        for k, t in [("Mesa", "City"), ("Arizona", "Region"), ("United States", "Country")]
    ]
    relations = [
        RelationRecord("Mesa", "locatedIn", "United States", 0.9, Span(0, 1, "M")),
        RelationRecord("Mesa", "locatedIn", "Arizona", 0.9, Span(0, 1, "M")),
    ]
    score = score_file("d", text_gold, extraction(entities, relations)).scores["relations"]
    assert (score.gold, score.sys, score.tp) == (2, 1, 1)


def test_evaluate_runs_the_extractor_on_each_text_next_to_its_gold(tmp_path: Path) -> None:
    name = "2024-05-10-usao-wdtx-el-paso-barrett-rifles-verdict"
    for suffix in (".txt", ".gold.json"):
        shutil.copy(CORPUS / (name + suffix), tmp_path / (name + suffix))
    seen: list[str] = []

    def run(path: Path) -> Extraction:
        seen.append(path.name)
        return extraction([], [])

    report = evaluate(tmp_path, run)
    assert seen == [name + ".txt"]
    gold_entities = len(json.loads((tmp_path / (name + ".gold.json")).read_text())["entities"])
    assert report["totals"]["entities (typed)"]["gold"] == gold_entities
    assert report["totals"]["entities (typed)"]["tp"] == 0


def test_the_real_extractor_on_the_shared_corpus_meets_the_entity_target() -> None:
    report = evaluate_with_pipeline(CORPUS)
    totals = report["totals"]
    assert totals["entities (typed)"]["gold"] == 120
    assert totals["entities (typed)"]["f1"] >= 0.90
    assert totals["document date"]["f1"] == 1.0
    assert set(report["entity_types"]) >= {"Person", "Gunmaker", "City"}
    assert len(report["files"]) == 9


def test_a_folder_without_gold_files_is_refused(tmp_path: Path) -> None:
    from kg.errors import DocumentError

    with pytest.raises(DocumentError, match="gold"):
        evaluate(tmp_path, lambda path: extraction([], []))
