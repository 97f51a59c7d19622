"""The scorer: normalisation, one-to-one matching, triples over aligned entities, and the real corpus."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from shared_data import shared_path

from kg.corpus import REPOSITORY_ROOT, SPLITS, folds, split_names, split_texts
from kg.errors import BadInputError
from kg.evaluate import (
    CachedExtractor,
    evaluate,
    evaluate_split,
    evaluate_texts,
    evaluate_with_pipeline,
    fold_spread,
    match_entities,
    normalise,
    score_file,
    variants,
)
from kg.extract.training import train_all, using
from kg.records import DocumentInfo, EntityRecord, Extraction, RelationRecord, Span

CORPUS = shared_path("corpus")
TESTS = Path(__file__).resolve().parent
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


def test_scores_are_broken_down_by_type_predicate_event_type_and_role() -> None:
    mexico = EntityRecord("mx", "Mexico", "Country", [span("Mexico")])
    us = EntityRecord("us", "United States", "Country", [span("United States")])
    colt = EntityRecord("colt", "Colt", "Gunmaker", [span("Colt")])
    suit = EntityRecord("ev", "suit", "Lawsuit", [span("sued")])
    relations = [
        RelationRecord("us", "firearmsFlow", "mx", 0.9, span("guns flow")),
        RelationRecord("mx", "firearmsFlow", "us", 0.9, span("guns flow")),
        RelationRecord("ev", "plaintiff", "mx", 0.9, span("sued")),
        RelationRecord("ev", "defendant", "mx", 0.9, span("sued")),
    ]
    result = score_file("d", GOLD, extraction([mexico, us, colt, suit], relations))
    flows = result.groups["predicates"]["firearmsFlow"]
    assert (flows.gold, flows.sys, flows.tp) == (1, 2, 1)
    assert result.scores["relations: firearmsFlow"] is flows
    assert result.groups["predicates"]["manufactures"].gold == 0
    lawsuits = result.groups["event_types"]["Lawsuit"]
    assert (lawsuits.gold, lawsuits.sys, lawsuits.tp) == (1, 1, 1)
    roles = result.groups["roles"]
    assert (roles["plaintiff"].tp, roles["defendant"].tp, roles["defendant"].sys) == (1, 0, 1)
    assert roles["place"].gold == 1
    assert result.groups["entity_types"]["Gunmaker"].tp == 1


def test_reified_flow_nodes_are_not_scored_as_entities_or_relations() -> None:
    mexico = EntityRecord("mx", "Mexico", "Country", [span("Mexico")])
    us = EntityRecord("us", "United States", "Country", [span("United States")])
    flow = EntityRecord("f", "flow", "FirearmsFlow", [span("flow")])
    relations = [
        RelationRecord("f", "origin", "us", 0.9, span("guns flow")),
        RelationRecord("f", "destination", "mx", 0.9, span("guns flow")),
    ]
    result = score_file("d", GOLD, extraction([mexico, us, flow], relations))
    assert result.scores["entities (typed)"].sys == 2
    assert result.scores["relations"].sys == 0


def test_match_entities_names_the_gold_label_of_each_system_entity() -> None:
    us = EntityRecord("us", "U.S.", "Country", [span("U.S.")])
    colt = EntityRecord("colt", "Colt", "Person", [span("Colt")])
    stray = EntityRecord("boston", "Bostonia", "City", [])
    assert match_entities([us, colt, stray], GOLD["entities"]) == {"us": "United States", "colt": "Colt"}


def test_the_split_file_lists_each_corpus_text_once_with_heldout_and_blind_as_dev() -> None:
    names = split_names()
    listed = [n for split in SPLITS for n in names[split]]
    assert len(listed) == len(set(listed)) == 86
    on_disk = {str(p.relative_to(REPOSITORY_ROOT)) for p in (REPOSITORY_ROOT / "corpus").rglob("*.txt")}
    on_disk |= {str(p.relative_to(REPOSITORY_ROOT)) for d in ("heldout", "blind") for p in (TESTS / d).glob("*.txt")}
    assert set(listed) == on_disk
    assert all(n.startswith(("tests/heldout/", "tests/blind/")) for n in listed if n.startswith("tests/"))
    assert {n for n in listed if n.startswith("tests/")} <= set(names["dev"])
    assert not [n for n in names["test"] if n.startswith("corpus/news/")]
    texts = split_texts("dev")
    assert [t.path for t in texts] == [REPOSITORY_ROOT / n for n in names["dev"]]
    assert texts[0].gold["entities"]


def test_a_missing_split_file_or_an_unknown_split_is_named(tmp_path: Path) -> None:
    from kg.errors import BadInputError, DocumentError

    with pytest.raises(DocumentError, match="split.json"):
        split_texts("dev", tmp_path)
    with pytest.raises(BadInputError, match="unknown split 'holdout'"):
        split_texts("holdout")


def test_folds_are_seeded_disjoint_and_cover_every_text() -> None:
    texts = split_texts("train")
    first = folds(texts, 5, seed=7)
    assert first == folds(texts, 5, seed=7) != folds(texts, 5, seed=8)
    assert sorted(t.name for part in first for t in part) == sorted(t.name for t in texts)
    assert max(map(len, first)) - min(map(len, first)) <= 1
    with pytest.raises(BadInputError, match="k=1"):
        folds(texts, 1, seed=7)


def test_the_spread_of_fold_scores_is_their_mean_and_sample_deviation() -> None:
    scores = [
        {"gold": 2, "sys": 2, "tp": 1, "p": 0.5, "r": 0.5, "f1": 0.5},
        {"gold": 2, "sys": 2, "tp": 2, "p": 1.0, "r": 1.0, "f1": 1.0},
        {"gold": 0, "sys": 0, "tp": 0, "p": 0.0, "r": 0.0, "f1": 0.0},
        None,
    ]
    spread = fold_spread(scores)
    assert spread["folds"] == 2 and spread["gold"] == 4
    assert spread["f1"] == 0.75 and spread["f1_sd"] == pytest.approx(0.3536, abs=1e-4)


def test_a_split_is_scored_with_the_real_extractor_and_cached_parses() -> None:
    texts = split_texts("dev")[:2]
    report = evaluate_texts(texts, CachedExtractor(texts))
    assert len(report["files"]) == 2
    assert report["totals"]["entities (typed)"]["gold"] == sum(len(t.gold["entities"]) for t in texts)
    assert set(report) >= {"totals", "entity_types", "predicates", "event_types", "roles"}
    assert report["totals"]["document date"]["f1"] == 1.0


def _small_corpus(root: Path) -> None:
    """A repository root whose split file lists twelve train texts and two dev texts of the real corpus."""
    names = split_names()
    chosen = {"train": names["train"][:12], "dev": names["dev"][:2], "test": []}
    for name in chosen["train"] + chosen["dev"]:
        for source in (REPOSITORY_ROOT / name, (REPOSITORY_ROOT / name).with_suffix(".gold.json")):
            target = root / source.relative_to(REPOSITORY_ROOT)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    (root / "corpus" / "split.json").write_text(json.dumps(chosen), encoding="utf-8")


def test_dev_is_scored_by_models_trained_on_train_alone_while_train_uses_the_shipped_ones(tmp_path: Path) -> None:
    _small_corpus(tmp_path)
    dev, train = split_texts("dev", tmp_path), split_texts("train", tmp_path)
    extractor = CachedExtractor([*train, *dev])
    trained = train_all(extractor.examples(train))
    with using({name: result.model for name, result in trained.items()}):
        expected = evaluate_texts(dev, extractor)
    assert evaluate_split("dev", tmp_path) == expected
    assert evaluate_split("train", tmp_path) == evaluate_texts(train, extractor)
