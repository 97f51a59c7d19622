"""Full-text search: snippets, facets, pages, safe user text, and an index that follows every write."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import app_settings, fill, lawsuit_extraction, seizure_extraction
from fastapi.testclient import TestClient

from api.app import create_app
from kg.ingest import remove_document
from kg.search import SearchIndex, index_for, index_path, match_expression
from kg.store import BaseStore, Store


@pytest.fixture
def store() -> Iterator[Store]:
    with fill(Store.memory(), lawsuit_extraction(), seizure_extraction()) as filled:
        yield filled


@pytest.fixture
def client(store: Store) -> Iterator[TestClient]:
    with TestClient(create_app(app_settings(), store)) as test_client:
        yield test_client


def test_a_search_finds_documents_evidence_and_entities_with_marked_snippets(client: TestClient) -> None:
    body = client.get("/api/search", params={"q": "Sonora"}).json()
    kinds = {hit["kind"] for hit in body["items"]}
    assert kinds == {"document", "evidence", "entity"}
    evidence = next(hit for hit in body["items"] if hit["kind"] == "evidence")
    assert "<mark>Sonora</mark>" in evidence["snippet_html"]
    assert evidence["url"] == f"/view/document/{evidence['document']}#at-{evidence['start']}-{evidence['end']}"
    assert body["facets"]["type"]["Region"] == 1
    assert body["facets"]["year"] == {"2019": sum(1 for hit in body["items"] if hit["date"] == "2019-05-10")}


def test_the_last_word_is_a_prefix_for_typeahead_and_aliases_are_searched(client: TestClient) -> None:
    labels = {hit["label"] for hit in client.get("/api/search", params={"q": "Smith & Wes"}).json()["items"]}
    assert "Smith & Wesson" in labels
    hits = client.get("/api/search", params={"q": "Cartel de Sinaloa"}).json()["items"]
    assert hits[0]["label"] == "Sinaloa Cartel"


def test_facets_filter_and_pages_split_the_hits(client: TestClient) -> None:
    everything = client.get("/api/search", params={"q": "Mexico", "limit": 100}).json()
    only = client.get("/api/search", params={"q": "Mexico", "type": "Evidence"}).json()
    assert only["total"] == everything["facets"]["type"]["Evidence"]
    assert {hit["type"] for hit in only["items"]} == {"Evidence"}
    first = client.get("/api/search", params={"q": "Mexico", "limit": 2}).json()
    second = client.get("/api/search", params={"q": "Mexico", "limit": 2, "offset": 2}).json()
    assert len(first["items"]) == 2 and first["total"] == everything["total"] > 2
    assert first["items"] + second["items"] == everything["items"][:4]


@pytest.mark.parametrize("q", ['"unclosed', "NEAR(", "a AND", "col:umn", "*", "^"])
def test_any_text_is_safe_as_words(client: TestClient, q: str) -> None:
    response = client.get("/api/search", params={"q": q})
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert "no words" in response.json()["detail"]


def test_a_malformed_fts5_query_is_a_400_naming_it(client: TestClient) -> None:
    response = client.get("/api/search", params={"q": '"unclosed', "syntax": "fts5"})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "not a valid FTS5 query" in response.json()["detail"]
    good = client.get("/api/search", params={"q": "Colt NOT Mexico", "syntax": "fts5"}).json()
    assert good["total"] >= 1


def test_bad_parameters_are_refused_by_name(client: TestClient) -> None:
    assert client.get("/api/search", params={"q": "!!!"}).json()["detail"].startswith("q='!!!' has no words")
    assert client.get("/api/search", params={"q": "x", "year": "19"}).status_code == 422
    assert client.get("/api/search", params={"q": "x", "limit": 0}).status_code == 422
    assert client.get("/api/search").status_code == 422


def test_the_index_follows_every_write(store: Store) -> None:
    index = index_for(store)
    assert index.search(store, "Hermosillo")["total"] == 0
    store.update(
        "INSERT DATA { <https://w3id.org/ffkg/id/place/hermosillo> a <https://w3id.org/ffkg/ontology#City> ; "
        "<http://www.w3.org/2000/01/rdf-schema#label> 'Hermosillo' ; "
        "<https://w3id.org/ffkg/ontology#key> 'place/hermosillo' }"
    )
    assert index.search(store, "Hermosillo")["items"][0]["key"] == "place/hermosillo"
    assert index.search(store, "Boston")["total"] > 0
    remove_document(store, "mexico-sues-gunmakers")
    assert {hit["kind"] for hit in index.search(store, "Boston")["items"]} <= {"entity"}


def test_an_on_disk_index_lives_beside_the_data_dir_and_survives_a_restart(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with fill(Store.open(data), seizure_extraction()) as store:
        assert index_path(store) == tmp_path / "data.search.sqlite3"
        first = SearchIndex(index_path(store))
        assert first.search(store, "rifles")["total"] > 0
        first.close()
        fill(store, lawsuit_extraction())
        again = SearchIndex(index_path(store))
        assert again.search(store, "Boston")["total"] > 0
        again.close()
    assert (tmp_path / "data.search.sqlite3").exists()


def test_words_become_quoted_phrases_and_the_last_a_prefix() -> None:
    assert match_expression("Smith & Wes") == '"Smith" "Wes"*'
    assert match_expression("Colt ") == '"Colt"'


def test_the_search_page_shows_snippets_and_facets_and_every_page_has_the_box(client: TestClient) -> None:
    page = client.get("/search", params={"q": "rifles"}).text
    assert "<mark>rifles</mark>" in page and "By type" in page
    landing = client.get("/").text
    assert 'class="search fulltext"' in landing and "/static/search.js" in landing
    assert client.get("/static/search.js").status_code == 200
    assert client.get("/search", params={"q": "   "}).status_code == 200
    bad = client.get("/search", params={"q": "!!!"})
    assert bad.status_code == 400 and "no words" in bad.text


def test_past_the_limits_the_page_is_unranked_and_facets_are_a_sample(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    exact = client.get("/api/search", params={"q": "Mexico"}).json()
    assert exact["ranked"] and exact["facets_counted"] == exact["total"]
    monkeypatch.setattr("kg.search.RANK_LIMIT", 2)
    monkeypatch.setattr("kg.search.FACET_LIMIT", 3)
    sampled = client.get("/api/search", params={"q": "Mexico"}).json()
    assert not sampled["ranked"] and sampled["total"] == exact["total"]
    assert sampled["facets_counted"] == 3 == sum(sampled["facets"]["type"].values())
    assert exact["total_exact"] and sampled["total_exact"]
    monkeypatch.setattr("kg.search.COUNT_LIMIT", 4)
    capped = client.get("/api/search", params={"q": "Mexico"}).json()
    assert capped["total"] == 4 and not capped["total_exact"]


def test_search_works_on_every_backend(small_store: BaseStore) -> None:
    index = SearchIndex()
    found = index.search(small_store, "Sonora")
    assert {hit["kind"] for hit in found["items"]} == {"document", "evidence", "entity"}
    assert index.search(small_store, "Cartel de Sinaloa")["items"][0]["label"] == "Sinaloa Cartel"
