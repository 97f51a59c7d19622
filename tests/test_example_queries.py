"""The research questions in examples/queries/*.rq, asked over HTTP of the small world and of the example corpus.

The corpus is the ten articles of examples/articles, ingested once per module the way
`ffkg ingest` does; the assertions there are facts the articles state plainly.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ATF, COLT, JOHN_SMITH, LAWSUIT, SEIZURE, SINALOA, SMITH_WESSON, SONORA, app_settings
from fastapi.testclient import TestClient

from api.app import create_app
from api.views.query import load_examples
from kg.extract import load_pipeline
from kg.ingest import ingest_paths
from kg.store import Store

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "examples" / "queries"
ARTICLES = ROOT / "examples" / "articles"
EXAMPLES = {example.name: example for example in load_examples(QUERIES)}


def ask(client: TestClient, name: str) -> list[dict[str, str]]:
    """Run one example query over /sparql and return its rows as {variable: value}."""
    response = client.post(
        "/sparql", data={"query": EXAMPLES[name].text}, headers={"accept": "application/sparql-results+json"}
    )
    assert response.status_code == 200, response.text
    bindings = json.loads(response.content)["results"]["bindings"]
    return [{name: term["value"] for name, term in row.items()} for row in bindings]


def column(rows: list[dict[str, str]], name: str) -> list[str]:
    return [row[name] for row in rows if name in row]


def test_there_are_at_least_ten_questions_each_saying_what_it_asks() -> None:
    assert len(EXAMPLES) >= 10
    for example in EXAMPLES.values():
        assert example.question.endswith("?"), example.name
        assert example.question != example.name


# -- the small world ------------------------------------------------------------------------------------


def test_gunmakers_sued(client: TestClient) -> None:
    rows = ask(client, "01-gunmakers-sued")
    assert sorted(column(rows, "gunmaker")) == sorted([COLT, SMITH_WESSON])
    assert set(column(rows, "plaintiffLabel")) == {"Mexico"}
    assert set(column(rows, "lawsuit")) == {LAWSUIT}
    assert set(column(rows, "date")) == {"2021-08-04"}


def test_flow_routes(client: TestClient) -> None:
    rows = ask(client, "02-flow-routes")
    assert [(r["originLabel"], r["destinationLabel"], r["documents"]) for r in rows] == [
        ("United States", "Mexico", "1")
    ]


def test_people_and_organisations(client: TestClient) -> None:
    rows = ask(client, "03-people-and-organisations")
    assert {(r["personLabel"], r["organisationLabel"]) for r in rows} == {
        ("Alejandro Celorio", "Mexican Foreign Ministry"),
        ("John Smith", "ATF"),
    }
    assert all(r["personLabel"] in r["sentence"] for r in rows)


def test_events_in_a_date_range(client: TestClient) -> None:
    rows = ask(client, "04-events-in-a-date-range")
    assert column(rows, "event") == [SEIZURE, LAWSUIT]
    assert column(rows, "places") == ["Sonora", "Boston"]


def test_weapons_traced_to_gunmakers(client: TestClient) -> None:
    rows = ask(client, "05-weapons-traced-to-gunmakers")
    assert [(r["gunmakerLabel"], r["eventLabel"]) for r in rows] == [("Colt", "Seizure in Sonora")]


def test_gunmaker_products(client: TestClient) -> None:
    assert ask(client, "06-gunmaker-products") == [{"gunmakerLabel": "Smith & Wesson", "weaponLabel": "AR-15"}]


def test_how_guns_cross(client: TestClient) -> None:
    rows = ask(client, "07-how-guns-cross")
    assert [(r["originLabel"], r["destinationLabel"], r["method"], r["share"]) for r in rows] == [
        ("United States", "Mexico", "straw purchasing", "70 to 90 percent")
    ]


def test_criminal_groups(client: TestClient) -> None:
    rows = ask(client, "08-criminal-groups")
    assert [(r["groupLabel"], r["eventLabel"], r["places"]) for r in rows] == [
        ("Sinaloa Cartel", "Seizure in Sonora", "Sonora")
    ]


def test_no_fact_of_the_small_world_has_two_sources(client: TestClient) -> None:
    assert ask(client, "09-best-attested-facts") == []


def test_most_mentioned(client: TestClient) -> None:
    rows = ask(client, "10-most-mentioned")
    assert rows[0]["actor"] == COLT
    assert rows[0]["documents"] == "2"
    assert {SMITH_WESSON, SINALOA, ATF, JOHN_SMITH} <= set(column(rows, "actor"))


def test_policy_actions_absent_from_the_small_world(client: TestClient) -> None:
    assert ask(client, "11-policy-actions") == []


def test_located_in_a_country(client: TestClient) -> None:
    rows = ask(client, "12-located-in-a-country")
    assert [(r["countryLabel"], r["thing"]) for r in rows] == [("Mexico", SONORA)]


def test_sources_of_a_claim(client: TestClient) -> None:
    rows = ask(client, "13-sources-of-a-claim")
    assert column(rows, "gunmakerLabel") == ["Colt", "Smith & Wesson"]
    assert {r["sentence"] for r in rows} == {
        "Mexico sued Smith & Wesson and Colt in a federal court in Boston on August 4, 2021."
    }
    assert [float(r["confidence"]) for r in rows] == [0.8, 0.9]


# -- the example corpus ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus() -> Iterator[TestClient]:
    """The example articles ingested into a fresh store, served by a fresh app."""
    with Store.memory() as store:
        report = ingest_paths(store, sorted(ARTICLES.glob("*.txt")), load_pipeline(), max_bytes=1_000_000)
        assert report.ok, report.errors
        with TestClient(create_app(app_settings(), store)) as client:
            yield client


def test_corpus_every_question_parses_and_runs(corpus: TestClient) -> None:
    answered = {name for name in EXAMPLES if ask(corpus, name)}
    assert len(answered) == len(EXAMPLES)


def test_corpus_the_seven_gunmakers_mexico_sued(corpus: TestClient) -> None:
    rows = ask(corpus, "01-gunmakers-sued")
    sued = set(column(rows, "gunmakerLabel"))
    assert {"Smith & Wesson", "Colt", "Glock", "Barrett", "Beretta", "Century Arms", "Ruger"} <= sued
    assert "Mexico" in column(rows, "plaintiffLabel")


def test_corpus_the_main_route_runs_from_the_united_states_to_mexico(corpus: TestClient) -> None:
    top = ask(corpus, "02-flow-routes")[0]
    assert (top["originLabel"], top["destinationLabel"]) == ("United States", "Mexico")
    assert int(top["documents"]) >= 2


def test_corpus_who_speaks_for_whom(corpus: TestClient) -> None:
    pairs = {(r["personLabel"], r["organisationLabel"]) for r in ask(corpus, "03-people-and-organisations")}
    assert ("Joly Germine", "400 Mawozo gang") in pairs
    assert ("Lawrence Keane", "National Shooting Sports Foundation") in pairs


def test_corpus_events_fall_in_the_range(corpus: TestClient) -> None:
    rows = ask(corpus, "04-events-in-a-date-range")
    assert rows
    assert all("2019" <= row["date"][:4] <= "2022" for row in rows)
    assert any(row["type"].endswith("#Attack") and row["date"].startswith("2020-06") for row in rows)


def test_corpus_makers_and_their_weapons(corpus: TestClient) -> None:
    pairs = {(r["gunmakerLabel"], r["weaponLabel"]) for r in ask(corpus, "06-gunmaker-products")}
    assert {("Barrett", ".50 caliber rifle"), ("Century Arms", "AK-47")} <= pairs


def test_corpus_the_route_share(corpus: TestClient) -> None:
    rows = ask(corpus, "07-how-guns-cross")
    assert any(
        r["originLabel"] == "United States" and r["destinationLabel"] == "Mexico" and r.get("share") == "70-90 percent"
        for r in rows
    )


def test_corpus_congress_passed_and_biden_signed_the_june_2022_law(corpus: TestClient) -> None:
    rows = ask(corpus, "11-policy-actions")
    assert any(r.get("date", "").startswith("2022-06") and "Congress" in r.get("participants", "") for r in rows)
    assert any(r.get("date") == "2022-06-25" and "Joe Biden" in r.get("participants", "") for r in rows)
