"""Text and tables side by side: `/api/flows` and `ffkg flows` answer for articles, tables or both;
the tables' flow network is ranked and walked by firearms; top source states for a recovery state."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest
from analytics_world import MX, US, build_world
from click.testing import CliRunner
from fastapi.testclient import TestClient
from shared_data import shared_path

from api.app import create_app
from kg.cli import main
from kg.settings import Settings
from kg.store import Store
from kg.tables.ingest import import_table
from kg.tables.network import flow_network, weighted_centrality
from kg.tables.spec import builtin

GEORGIA = "https://sws.geonames.org/4197000/"
NEW_YORK = "https://sws.geonames.org/5128638/"
#: Firearms first sold in Georgia and recovered in New York, 2010-2017, as the ATF sheets give them (cell AJ13).
GEORGIA_TO_NEW_YORK = {2010: 335, 2011: 332, 2012: 343, 2013: 331, 2014: 386, 2015: 401, 2016: 438, 2017: 558}


def trace(year: int) -> Path:
    return shared_path("data", "atf-trace", f"trace_{year}.xlsx")


@pytest.fixture(scope="module")
def store() -> Store:
    """The analytics test world (articles) with the 2015 and 2016 ATF tables beside it."""
    store = build_world(Store.memory())
    for year in (2015, 2016):
        import_table(store, trace(year), builtin("atf-trace"))
    return store


@pytest.fixture(scope="module")
def client(store: Store) -> TestClient:
    with TestClient(create_app(Settings(in_memory=True), store=store)) as client:
        yield client


def test_tables_list_every_observation_of_a_year_with_its_firearms(client: TestClient) -> None:
    response = client.get("/api/flows", params={"source": "tables", "year": 2016, "include_local": "true"})
    assert response.status_code == 200
    body = response.json()
    assert body["source"] == "tables" and body["count"] == len(body["routes"]) == 2916
    assert body["firearms"] == 211384
    assert {r["year"] for r in body["routes"]} == {2016}
    route = next(r for r in body["routes"] if (r["origin"]["iri"], r["destination"]["iri"]) == (GEORGIA, NEW_YORK))
    assert route["firearms"] == 438 and route["local"] is False
    assert (route["file"], route["sheet"], route["cell"]) == ("trace_2016.xlsx", "SOURCE AND RECOVERY STATES", "AJ13")
    assert route["publisher"] == "Bureau of Alcohol, Tobacco, Firearms and Explosives (ATF)"
    assert len(route["retrieved"]) == 10
    assert sum(r["local"] for r in body["routes"]) == 54


def test_same_place_cells_are_hidden_unless_asked_for(client: TestClient) -> None:
    body = client.get("/api/flows", params={"source": "tables", "year": 2016}).json()
    assert body["count"] == 2916 - 54 and not any(r["local"] for r in body["routes"])


def test_the_routes_listed_are_capped_but_counted_in_full(client: TestClient) -> None:
    body = client.get("/api/flows", params={"source": "tables", "limit": 5}).json()
    assert len(body["routes"]) == 5 and body["truncated"] is True
    full = client.get("/api/flows", params={"source": "tables"}).json()
    assert full["truncated"] is False and body["count"] == full["count"] == len(full["routes"]) == 2 * (2916 - 54)
    assert body["firearms"] == full["firearms"] == sum(r["firearms"] for r in full["routes"])


def test_articles_answer_as_before_and_all_gives_both_by_name(client: TestClient) -> None:
    articles = client.get("/api/flows").json()
    assert articles["source"] == "articles"
    assert [(r["origin"]["iri"], r["destination"]["iri"]) for r in articles["routes"]][:1] == [(US, MX)]
    assert "documents" in articles["routes"][0] and "firearms" not in articles["routes"][0]
    both = client.get("/api/flows", params={"source": "all", "origin": "Georgia", "destination": "New York"}).json()
    assert both["source"] == "all"
    assert both["articles"]["count"] == 0
    assert [(r["year"], r["firearms"]) for r in both["tables"]["routes"]] == [(2015, 401), (2016, 438)]


def test_top_source_states_of_a_recovery_state(client: TestClient) -> None:
    body = client.get(
        "/api/flows", params={"source": "tables", "destination": "New York", "year": 2016, "top": 3}
    ).json()
    top = body["top"]
    assert top["by"] == "origin" and top["firearms"] == body["firearms"]
    assert [(r["origin"]["label"], r["firearms"]) for r in top["results"]] == [
        ("Virginia", 644),
        ("Georgia", 438),
        ("Pennsylvania", 412),
    ]


def test_bad_flow_parameters_are_named(client: TestClient) -> None:
    unknown = client.get("/api/flows", params={"source": "tables", "origin": "Georgiaa"})
    assert unknown.status_code == 404 and "did you mean Georgia" in unknown.json()["detail"]
    assert client.get("/api/flows", params={"source": "tablez"}).status_code in (400, 422)
    both = client.get("/api/flows", params={"source": "tables", "year": 2016, "date_from": "2016"})
    assert both.status_code == 400 and "year or a date range" in both.json()["detail"]
    top = client.get("/api/flows", params={"top": 3})
    assert top.status_code == 400 and "source=tables" in top.json()["detail"]


def test_centrality_of_the_tables_network_is_weighted_by_firearms(client: TestClient) -> None:
    body = client.get(
        "/api/centrality", params={"network": "tables", "metric": "in_strength", "year": 2016, "limit": 3}
    ).json()
    assert body["weight"] == "firearms" and body["nodes"] == 54
    assert [r["label"] for r in body["results"]] == ["California", "Illinois", "New York"]
    assert body["results"][2]["score"] == 3945
    pagerank = client.get("/api/centrality", params={"network": "tables", "year": 2016}).json()
    assert pagerank["metric"] == "pagerank" and len(pagerank["results"]) == 20


def test_weighted_metrics_by_hand() -> None:
    """a -3-> b, a -1-> c, c -2-> b: the heavy direct route is shorter than the detour through c."""
    graph = nx.DiGraph()
    for origin, destination, firearms in (("a", "b", 3), ("a", "c", 1), ("c", "b", 2)):
        graph.add_edge(origin, destination, firearms=firearms, distance=1 / firearms)
    assert weighted_centrality(graph, metric="out_strength") == {"a": 4.0, "b": 0.0, "c": 2.0}
    assert weighted_centrality(graph, metric="in_strength") == {"a": 0.0, "b": 5.0, "c": 1.0}
    assert weighted_centrality(graph, metric="strength")["c"] == 3.0
    assert weighted_centrality(graph, metric="betweenness") == {"a": 0.0, "b": 0.0, "c": 0.0}
    ranks = weighted_centrality(graph, metric="pagerank")
    assert max(ranks, key=ranks.get) == "b"
    assert flow_network(Store.memory()).number_of_edges() == 0


def test_paths_in_the_tables_follow_the_heaviest_routes(client: TestClient) -> None:
    body = client.get(
        "/api/paths", params={"network": "tables", "source": "Georgia", "target": "New York", "k": 2, "year": 2016}
    ).json()
    first, second = body["paths"]
    assert [h["firearms"] for h in first["hops"]] == [438]
    assert second["length"] == 2 and second["bottleneck"] <= 438
    many = client.get("/api/paths", params={"network": "tables", "source": "Georgia", "target": "Ohio", "k": 10**6})
    assert many.status_code == 400 and "FFKG_MAX_PATH_K" in many.json()["detail"]


def test_ffkg_flows_shows_georgia_to_new_york_per_year_from_all_eight_files(tmp_path: Path) -> None:
    data = ["--data-dir", str(tmp_path / "data")]
    runner = CliRunner()
    files = [str(trace(year)) for year in GEORGIA_TO_NEW_YORK]
    imported = runner.invoke(main, ["ingest-table", *files, *data])
    assert imported.exit_code == 0, imported.output
    assert imported.output.count(": imported,") == 8 and "total mismatch Sheet1!BE7" in imported.output
    shown = runner.invoke(main, ["flows", "--source", "tables", "--from", "Georgia", "--to", "New York", *data])
    assert shown.exit_code == 0, shown.output
    for year, firearms in GEORGIA_TO_NEW_YORK.items():
        assert any(str(year) in line and f" {firearms} " in line for line in shown.output.splitlines()), year
    as_json = runner.invoke(
        main, ["flows", "--source", "tables", "--from", "Georgia", "--to", "New York", "--json", *data]
    )
    routes = json.loads(as_json.output)["routes"]
    assert {r["year"]: r["firearms"] for r in routes} == GEORGIA_TO_NEW_YORK
    top = runner.invoke(main, ["flows", "--source", "tables", "--to", "New York", "--top", "10", *data])
    assert top.exit_code == 0 and "Virginia" in top.output.splitlines()[4]
    central = runner.invoke(main, ["centrality", "--network", "tables", "--metric", "out_strength", *data])
    assert central.exit_code == 0 and "Georgia" in central.output
    path = runner.invoke(main, ["path", "--network", "tables", "Georgia", "New York", *data])
    assert path.exit_code == 0 and "Georgia -> New York: 3124 firearms" in path.output
    again = runner.invoke(main, ["ingest-table", str(trace(2016)), *data])
    assert "trace_2016.xlsx: unchanged" in again.output
    wrong = runner.invoke(main, ["centrality", "--year", "2016", *data])
    assert wrong.exit_code == 2 and "--network tables" in wrong.output


def test_blank_filters_are_no_filters(client: TestClient) -> None:
    """What an empty form field sends: no place, no country, no dates."""
    blank = {"origin": "", "destination": " ", "country": "", "date_from": "", "date_to": ""}
    articles = client.get("/api/flows", params=blank)
    assert articles.status_code == 200 and articles.json()["count"] == client.get("/api/flows").json()["count"]
    tables = client.get("/api/flows", params={"source": "tables", "year": 2016, "origin": "", "destination": ""})
    assert tables.status_code == 200 and tables.json()["count"] == 2916 - 54
