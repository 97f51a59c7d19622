"""`ffkg show`: an entity's facts with their evidence and citations; ambiguous names listed with type and place."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import fill, lawsuit_extraction, seizure_extraction

from kg.cli import main
from kg.errors import AmbiguousNameError
from kg.lookup import resolve_entity
from kg.settings import Settings
from kg.store import Store


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    lawsuit = lawsuit_extraction()
    cited = dataclasses.replace(
        lawsuit.document, url="https://example.org/boston", outlet="Example Wire", author="A. Reporter"
    )
    with Store.open(Settings(data_dir=tmp_path).store_path) as disk:
        fill(disk, dataclasses.replace(lawsuit, document=cited), seizure_extraction())
    return tmp_path


def invoke(data_dir: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, [*args, "--data-dir", str(data_dir)])
    return result.exit_code, result.output


def test_show_prints_facts_with_sentences_and_citations(data_dir: Path) -> None:
    code, output = invoke(data_dir, "show", "Colt")
    assert code == 0, output
    assert "Colt (Gunmaker; key org/colt)" in output
    assert "--defendant--> Colt" in output and "--weaponFrom--> Colt" in output
    assert '"Mexico sued' in output
    assert "Example Wire · A. Reporter · https://example.org/boston" in output
    assert "chars " in output and "confidence 0.80" in output


def test_show_as_json_is_the_entity_card(data_dir: Path) -> None:
    code, output = invoke(data_dir, "show", "org/colt", "--format", "json")
    assert code == 0, output
    card = json.loads(output)
    cited = [e["document"] for fact in card["in"] for e in fact["evidence"] if e["document"].get("url")]
    assert cited and cited[0]["outlet"] == "Example Wire"


def test_an_ambiguous_name_lists_type_and_place_of_each_candidate(data_dir: Path) -> None:
    code, output = invoke(data_dir, "show", "Smith")
    assert code == 1
    assert "Smith & Wesson (Gunmaker, key org/smith-and-wesson)" in output
    assert "John Smith (Person, key person/john-smith)" in output


def test_an_unknown_name_suggests_close_ones(data_dir: Path) -> None:
    code, output = invoke(data_dir, "show", "Colr")
    assert code == 1 and "Colt" in output


def test_candidates_of_one_name_are_told_apart_by_the_place_they_are_in() -> None:
    store = fill(Store.memory(), lawsuit_extraction(), seizure_extraction())
    store.update(
        "PREFIX ffkg: <https://w3id.org/ffkg/ontology#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
        "INSERT DATA { <https://sws.geonames.org/5122520/> a ffkg:City ; rdfs:label 'Mexico' ; "
        "ffkg:key 'geonames/5122520' ; ffkg:locatedIn <https://sws.geonames.org/5128638/> . "
        "<https://sws.geonames.org/5128638/> rdfs:label 'New York' }"
    )
    with pytest.raises(AmbiguousNameError) as raised:
        resolve_entity(store, "Mexico")
    message = str(raised.value)
    assert "Mexico (Country, at 23.00, -102.00, key geonames/3996063)" in message
    assert "Mexico (City, in New York, key geonames/5122520)" in message
