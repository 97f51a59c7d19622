"""`ffkg extract` and `ffkg eval` through click's runner."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from shared_data import shared_path

from kg.cli import main
from kg.records import ENTITY_TYPES, EVENT_ROLES, EVENT_TYPES, RELATION_PREDICATES

ARTICLE = (
    "date 2023-04-18 Rifles bound for the Sinaloa Cartel seized in Arizona\n\n"
    "Agents of Homeland Security Investigations (HSI) seized 12 Colt rifles in Tucson, Ariz., "
    "that were to be smuggled to Mexico for the Sinaloa Cartel, said Marta Ibarra, a spokeswoman.\n"
)


def test_extract_prints_the_json_contract(tmp_path: Path) -> None:
    path = tmp_path / "tucson-rifles.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    result = CliRunner().invoke(main, ["extract", str(path)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == {"document", "entities", "relations", "flows"}
    assert data["document"] == {
        "id": "tucson-rifles",
        "title": "Rifles bound for the Sinaloa Cartel seized in Arizona",
        "date": "2023-04-18",
    }
    for entity in data["entities"]:
        assert set(entity) >= {"id", "label", "type", "mentions"}
        for mention in entity["mentions"]:
            assert set(mention) == {"start", "end", "text"}
            assert ARTICLE[mention["start"] : mention["end"]] == mention["text"]
    for relation in data["relations"]:
        assert set(relation) == {"subject", "predicate", "object", "confidence", "evidence"}
        evidence = relation["evidence"]
        assert ARTICLE[evidence["start"] : evidence["end"]] == evidence["text"]
    named = {(e["label"], e["type"]) for e in data["entities"] if e["type"] in ENTITY_TYPES}
    assert {
        ("Sinaloa Cartel", "CriminalGroup"),
        ("Tucson", "City"),
        ("Colt", "Gunmaker"),
        ("Homeland Security Investigations", "GovernmentBody"),
        ("Marta Ibarra", "Person"),
    } <= named


def test_extract_reads_stdin_and_prints_a_table() -> None:
    result = CliRunner().invoke(main, ["extract", "--format", "table", "-"], input=ARTICLE)
    assert result.exit_code == 0, result.output
    assert "Sinaloa Cartel" in result.output and "CriminalGroup" in result.output


def test_extract_reports_a_bad_file_on_one_line(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = CliRunner().invoke(main, ["extract", str(empty)])
    assert result.exit_code == 1
    assert "empty.txt" in result.output and "empty" in result.output


def test_extract_rejects_an_unknown_format() -> None:
    result = CliRunner().invoke(main, ["extract", "--format", "xml", "-"], input=ARTICLE)
    assert result.exit_code == 2
    assert "xml" in result.output


def test_eval_prints_a_table_and_json(tmp_path: Path) -> None:
    name = "2022-01-27-us-embassy-salazar-arms-trafficking-statement"
    corpus = shared_path("corpus")
    for suffix in (".txt", ".gold.json"):
        (tmp_path / (name + suffix)).write_bytes((corpus / (name + suffix)).read_bytes())
    table = CliRunner().invoke(main, ["eval", str(tmp_path)])
    assert table.exit_code == 0, table.output
    assert "entities (typed)" in table.output and "F1" in table.output
    report = json.loads(CliRunner().invoke(main, ["eval", str(tmp_path), "--format", "json"]).output)
    assert report["totals"]["entities (typed)"]["gold"] == 10
    assert report["files"][0]["name"] == name


def test_eval_scores_a_split_of_the_corpus() -> None:
    result = CliRunner().invoke(main, ["eval", "--split", "dev", "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert len(report["files"]) == 27
    assert {"affiliatedWith", "locatedIn", "firearmsFlow", "manufactures"} <= set(report["predicates"])
    assert "relations: firearmsFlow" in report["totals"]
    assert {"Lawsuit", "Smuggling", "Seizure"} <= set(report["event_types"])


def test_eval_wants_exactly_one_of_a_folder_a_split_or_cross_validation(tmp_path: Path) -> None:
    both = CliRunner().invoke(main, ["eval", str(tmp_path), "--split", "dev"])
    assert both.exit_code == 2 and "exactly one of GOLD_DIR, --split or --cv" in both.output
    none = CliRunner().invoke(main, ["eval"])
    assert none.exit_code == 2
    one_fold = CliRunner().invoke(main, ["eval", "--cv", "1"])
    assert one_fold.exit_code == 2 and "--cv" in one_fold.output


def test_eval_names_a_missing_split_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["eval", "--split", "dev", "--root", str(tmp_path)])
    assert result.exit_code == 1
    assert str(tmp_path / "corpus" / "split.json") in result.output


def test_extract_json_keeps_to_the_contract_and_lists_flows_under_their_own_key(tmp_path: Path) -> None:
    path = tmp_path / "route.txt"
    path.write_text(
        "date 2023-05-02 Rifles from Texas\n\n"
        "Between January and October 2022, about 300 rifles bought in Texas were smuggled into Mexico "
        "by straw purchasers.\n",
        encoding="utf-8",
    )
    data = json.loads(CliRunner().invoke(main, ["extract", str(path)]).output)
    assert {e["type"] for e in data["entities"]} <= set(ENTITY_TYPES) | set(EVENT_TYPES)
    predicates = set(RELATION_PREDICATES) | set(EVENT_ROLES)
    assert {r["predicate"] for r in data["relations"]} <= predicates
    labels = {e["id"]: e["label"] for e in data["entities"]}
    (flow,) = data["flows"]
    assert (labels[flow["origin"]], labels[flow["destination"]]) == ("Texas", "Mexico")
    assert set(flow) == {
        "id",
        "label",
        "origin",
        "destination",
        "via",
        "method",
        "share",
        "quantity",
        "period",
        "evidence",
    }
    assert flow["period"] == "2022-01"
    assert flow["evidence"][0]["text"].startswith("Between January")
    assert ("Texas", "firearmsFlow", "Mexico") in {
        (labels[r["subject"]], r["predicate"], labels[r["object"]]) for r in data["relations"]
    }


def test_train_rebuilds_the_models_from_train_and_dev_and_reports_what_they_learned(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["train", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    written = {p.name for p in tmp_path.glob("*.json")}
    assert {"event_triggers.json", "event_roles.json"} <= written
    assert "== event_triggers" in result.output and "Lawsuit:" in result.output
    shipped = Path(__file__).resolve().parents[1] / "kg" / "data" / "models" / "event_triggers.json"
    assert (tmp_path / "event_triggers.json").read_bytes() == shipped.read_bytes()
