"""The example table (a CSV with its mapping file) imports from the command line and shows up in the same
places as the ATF tables and the articles: `ffkg flows`, `/api/flows` and the flows view, told apart."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from analytics_world import MX, US, build_world
from click.testing import CliRunner
from fastapi.testclient import TestClient

from api.app import create_app
from api.views.flows_tables import TABLE_COLOR
from kg.cli import main
from kg.settings import Settings
from kg.store import Store
from kg.tables.ingest import import_table
from kg.tables.spec import load_spec

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "tables"
CSV = EXAMPLES / "iron-pipeline-2017.csv"
MAPPING = EXAMPLES / "iron-pipeline-2017.yaml"


@pytest.fixture(scope="module")
def client() -> TestClient:
    store = build_world(Store.memory())
    import_table(store, CSV, load_spec(MAPPING))
    with TestClient(create_app(Settings(in_memory=True), store=store)) as client:
        yield client


def test_the_csv_example_imports_from_the_command_line(tmp_path: Path) -> None:
    data = ["--data-dir", str(tmp_path / "data")]
    runner = CliRunner()
    result = runner.invoke(main, ["ingest-table", "--mapping", str(MAPPING), str(CSV), *data])
    assert result.exit_code == 0, result.output
    assert "iron-pipeline-2017.csv: imported, 12 observations" in result.output
    shown = runner.invoke(main, ["flows", "--source", "tables", "--to", "Massachusetts", "--json", *data])
    routes = json.loads(shown.output)["routes"]
    assert [(r["origin"]["label"], r["firearms"]) for r in routes] == [
        ("New Hampshire", 207),
        ("Maine", 145),
        ("Florida", 75),
        ("Georgia", 75),
    ]
    assert routes[0]["file"] == "iron-pipeline-2017.csv" and routes[0]["cell"] == "D10"
    again = runner.invoke(main, ["ingest-table", "--mapping", str(MAPPING), str(CSV), *data])
    assert "unchanged" in again.output
    both = runner.invoke(main, ["ingest-table", "--profile", "atf-trace", "--mapping", str(MAPPING), str(CSV), *data])
    assert both.exit_code == 2 and "not both" in both.output


def test_the_example_shows_up_in_the_rest_answer_beside_the_articles(client: TestClient) -> None:
    body = client.get("/api/flows", params={"source": "all", "year": 2017}).json()
    assert body["tables"]["count"] == 12 and body["tables"]["firearms"] == 3581
    assert body["articles"]["year"] == 2017
    everything = client.get("/api/flows", params={"source": "all"}).json()
    assert [(r["origin"]["iri"], r["destination"]["iri"]) for r in everything["articles"]["routes"]][:1] == [(US, MX)]


def test_the_flows_view_draws_articles_and_tables_apart(client: TestClient) -> None:
    page = client.get("/view/flows", params={"format": "json"}).json()
    kinds = {(e["source"], e.get("color") == TABLE_COLOR) for e in page["network"]["edges"]}
    assert kinds == {("articles", False), ("tables", True)}
    table_edges = [e for e in page["network"]["edges"] if e["source"] == "tables"]
    assert len(table_edges) == 12 and table_edges[0]["label"].endswith(" firearms")
    assert any("iron-pipeline-2017.csv" in note for note in table_edges[0]["notes"])
    assert page["filters"]["source"] == "all"
    only_tables = client.get("/view/flows", params={"format": "json", "source": "tables", "year": "2017"}).json()
    assert {e["source"] for e in only_tables["network"]["edges"]} == {"tables"}
    none = client.get("/view/flows", params={"format": "json", "source": "tables", "year": "2010"}).json()
    assert none["network"]["edges"] == []


def test_the_flows_page_has_the_source_and_year_filters(client: TestClient) -> None:
    html = client.get("/view/flows", params={"source": "tables", "year": "2017"})
    assert html.status_code == 200
    assert '<option value="tables" selected>' in html.text and 'name="year" value="2017"' in html.text
    assert "counted by tables" in html.text
    bad = client.get("/view/flows", params={"year": "next"})
    assert bad.status_code == 400 and "year must be a whole number" in bad.text
    clash = client.get("/view/flows", params={"year": "2017", "date_from": "2016"})
    assert clash.status_code == 400 and "year or a date range" in clash.text
