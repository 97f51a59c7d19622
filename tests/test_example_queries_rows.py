"""Every example query returns each row once: facts and descriptions are stored once, so no row repeats.

The earlier data model restated entities in every document's graph and `01-gunmakers-sued` gave 28
rows for 7 gunmakers; here each query runs on the small world and on the ingested example articles.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import app_settings
from fastapi.testclient import TestClient

from api.app import create_app
from kg.extract import load_pipeline
from kg.ingest import ingest_paths
from kg.store import Store

ROOT = Path(__file__).resolve().parent.parent
QUERIES = sorted((ROOT / "examples" / "queries").glob("*.rq"))


def rows(client: TestClient, query: Path) -> list[tuple[tuple[str, str], ...]]:
    response = client.post(
        "/sparql", data={"query": query.read_text()}, headers={"accept": "application/sparql-results+json"}
    )
    assert response.status_code == 200, response.text
    bindings = json.loads(response.content)["results"]["bindings"]
    return [tuple(sorted((name, term["value"]) for name, term in row.items())) for row in bindings]


@pytest.fixture(scope="module")
def corpus() -> Iterator[TestClient]:
    with Store.memory() as store:
        articles = sorted((ROOT / "examples" / "articles").glob("*.txt"))
        report = ingest_paths(store, articles, load_pipeline(), max_bytes=1_000_000)
        assert report.ok, report.errors
        with TestClient(create_app(app_settings(), store)) as client:
            yield client


@pytest.mark.parametrize("query", QUERIES, ids=[q.stem for q in QUERIES])
def test_no_example_query_repeats_a_row_on_the_small_world(client: TestClient, query: Path) -> None:
    found = rows(client, query)
    assert len(found) == len(set(found))


@pytest.mark.parametrize("query", QUERIES, ids=[q.stem for q in QUERIES])
def test_no_example_query_repeats_a_row_on_the_example_articles(corpus: TestClient, query: Path) -> None:
    found = rows(corpus, query)
    assert len(found) == len(set(found))


def test_each_gunmaker_mexico_sued_is_one_row_per_suit_and_plaintiff(corpus: TestClient) -> None:
    found = [dict(row) for row in rows(corpus, ROOT / "examples" / "queries" / "01-gunmakers-sued.rq")]
    keys = [(row["lawsuit"], row["gunmaker"], row.get("plaintiffLabel"), row.get("date")) for row in found]
    assert len(keys) == len(set(keys))
