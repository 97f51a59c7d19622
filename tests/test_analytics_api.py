"""The analytics surfaces end to end: the real app over HTTP, and the `ffkg` commands on an on-disk store."""

from __future__ import annotations

import json

import pytest
from analytics_world import AZ, MX, SW, US, A, build_world
from click.testing import CliRunner
from fastapi.testclient import TestClient

from api.app import create_app
from kg.analytics.centrality import METRICS
from kg.cli import main
from kg.iris import graph_iri
from kg.settings import Settings
from kg.store import Store


@pytest.fixture
def store() -> Store:
    return build_world(Store.memory())


@pytest.fixture
def client(store: Store) -> TestClient:
    settings = Settings(in_memory=True, max_path_k=3, max_depth=2)
    with TestClient(create_app(settings, store=store)) as client:
        yield client


def test_paths_by_label_and_key_with_evidence_on_every_hop(client):
    response = client.get("/api/paths", params={"source": "Smith & Wesson", "target": "geonames/3996063"})
    assert response.status_code == 200
    body = response.json()
    [path] = body["paths"]
    assert [n["label"] for n in path["nodes"]] == ["Smith & Wesson", "Attack in Mexico City", "Mexico City", "Mexico"]
    assert [r["direction"] for hop in path["hops"] for r in hop["relations"]] == ["backward", "forward", "forward"]
    assert all(r["evidence"][0]["title"] == "Attack in Mexico City" for hop in path["hops"] for r in hop["relations"])


def test_no_path_is_an_empty_answer_not_an_error(client):
    response = client.get("/api/paths", params={"source": "Smith & Wesson", "target": "Mexico", "date_to": "2020-05"})
    assert response.status_code == 200
    assert response.json()["paths"] == [] and "no path" in response.json()["message"]


def test_unknown_names_are_404_with_close_matches(client):
    response = client.get("/api/paths", params={"source": "Smith and Wessen", "target": "Mexico"})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "Smith & Wesson" in response.json()["detail"]
    assert client.get("/api/neighbors/org/no-such-thing").status_code == 404


def test_caps_are_400_and_unknown_metrics_and_types_are_refused_by_the_schema(client):
    too_many = client.get("/api/paths", params={"source": "Smith & Wesson", "target": "Mexico", "k": 4})
    assert too_many.status_code == 400 and "FFKG_MAX_PATH_K" in too_many.json()["detail"]
    too_deep = client.get("/api/neighbors/org/smith-and-wesson", params={"depth": 3})
    assert too_deep.status_code == 400 and "FFKG_MAX_DEPTH" in too_deep.json()["detail"]
    metric = client.get("/api/centrality", params={"metric": "closeness"})
    assert metric.status_code == 422 and all(name in metric.json()["detail"] for name in METRICS)
    bad_type = client.get("/api/centrality", params={"type": "Gunsmith"})
    assert bad_type.status_code == 422 and "Gunmaker" in bad_type.json()["detail"]


def test_centrality_names_the_broker_and_ranks_one_type(client):
    body = client.get("/api/centrality", params={"metric": "betweenness", "limit": 1}).json()
    assert body["exact"] is True and body["k"] is None
    assert body["results"][0]["iri"] == A and body["results"][0]["score"] == pytest.approx(2 / 3)
    places = client.get("/api/centrality", params={"metric": "degree", "type": "Country"}).json()["results"]
    assert [row["iri"] for row in places] == [MX, US]


def test_communities_are_reproducible_and_cover_every_node(client):
    first = client.get("/api/communities", params={"seed": 3}).json()
    assert first == client.get("/api/communities", params={"seed": 3}).json()
    assert sum(c["size"] for c in first["communities"]) == 10
    members = [{m["iri"] for m in c["members"]} for c in first["communities"]]
    assert any({US, MX, AZ} <= group for group in members)


def test_neighbors_by_key_with_slashes(client):
    body = client.get("/api/neighbors/org/smith-and-wesson", params={"depth": 1}).json()
    assert {n["label"]: n["distance"] for n in body["nodes"]} == {
        "Smith & Wesson": 0,
        "Attack in Mexico City": 1,
        "M&P15": 1,
    }
    assert {(e["source"], e["predicate"], e["target"]) for e in body["edges"]} >= {(A, "weaponFrom", SW)}


def test_flows_over_http_with_country_and_dates(client):
    body = client.get("/api/flows", params={"country": "Mexico"}).json()
    assert body["count"] == 1 and body["routes"][0]["documents"] == 2
    assert (body["routes"][0]["corroboration"], body["routes"][0]["publishers"]) == (2, 0)
    assert client.get("/api/flows", params={"min_corroboration": 2}).json()["count"] == 1
    assert client.get("/api/flows", params={"min_corroboration": 3}).json()["count"] == 0
    assert client.get("/api/flows", params={"min_corroboration": 0}).status_code == 422
    assert client.get("/api/flows", params={"country": "Mexico City"}).json()["routes"] == []
    assert client.get("/api/flows", params={"date_from": "2022"}).json()["count"] == 0
    assert client.get("/api/flows", params={"date_from": "last year"}).status_code == 422


def test_an_ingest_is_seen_by_the_next_request(client, store):
    assert client.get("/api/flows").json()["count"] == 1
    store.remove_graph(graph_iri("d2"))
    route = client.get("/api/flows").json()["routes"][0]
    assert route["documents"] == 1 and route["via"] == []


@pytest.fixture
def data_dir(tmp_path):
    with Store.open(Settings(data_dir=tmp_path).store_path) as disk:
        build_world(disk)
    return tmp_path


def test_cli_path_prints_hops_and_evidence(data_dir):
    result = CliRunner().invoke(main, ["path", "Smith & Wesson", "Mexico", "--data-dir", str(data_dir)])
    assert result.exit_code == 0, result.output
    assert "<--weaponFrom--" in result.output and "--locatedIn-->" in result.output
    assert "The attackers used Smith & Wesson rifles." in result.output


def test_cli_json_matches_the_api_payload_shape(data_dir):
    result = CliRunner().invoke(
        main, ["centrality", "--metric", "betweenness", "--limit", "1", "--json", "--data-dir", str(data_dir)]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["results"][0]["label"] == "Attack in Mexico City"


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (["communities"], "communities, modularity"),
        (["neighbors", "CJNG", "--depth", "1"], "Juan Perez"),
        (["flows", "--country", "United States"], "Arizona"),
        (["path", "Juan Perez", "Arizona", "--with-documents"], "--mentionedIn-->"),
        (["centrality", "--type", "country", "--metric", "degree"], "Mexico"),
    ],
)
def test_cli_commands_answer(data_dir, command, expected):
    result = CliRunner().invoke(main, [*command, "--data-dir", str(data_dir)])
    assert result.exit_code == 0, result.output
    assert expected in result.output


def test_cli_reports_bad_input_on_one_line(data_dir):
    result = CliRunner().invoke(main, ["path", "Smith & Wesson", "Mexico", "-k", "99", "--data-dir", str(data_dir)])
    assert result.exit_code == 1
    assert "FFKG_MAX_PATH_K" in result.output
