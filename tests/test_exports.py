"""Exports for network tools and spreadsheets, and the CLI parity of issue 18: GEXF/GraphML that read
back, CSV of every analytics table, filters that keep the starting entity."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest
from analytics_world import CJNG, P, build_world
from click.testing import CliRunner
from fastapi.testclient import TestClient

from api.app import create_app
from kg.cli import main
from kg.exports import GEXF_NAMESPACE, network, table
from kg.settings import Settings
from kg.store import Store


@pytest.fixture
def store() -> Store:
    return build_world(Store.memory())


@pytest.fixture
def client(store: Store) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(in_memory=True, query_timeout=60.0), store=store)) as test_client:
        yield test_client


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    with Store.open(Settings(data_dir=tmp_path).store_path) as disk:
        build_world(disk)
    return tmp_path


def run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_the_gexf_is_gexf_1_3_and_reads_back_with_networkx(client: TestClient, store: Store) -> None:
    response = client.get("/api/export/network.gexf")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/gexf+xml")
    assert "attachment" in response.headers["content-disposition"]
    root = ET.fromstring(response.content)
    assert root.tag == f"{{{GEXF_NAMESPACE}}}gexf" and root.get("version") == "1.3"
    graph = nx.read_gexf(io.BytesIO(response.content), version="1.3")
    expected = network(store)
    assert graph.number_of_nodes() == expected.number_of_nodes() > 5
    assert graph.number_of_edges() == expected.number_of_edges()
    assert graph.nodes[CJNG]["label"] == "CJNG" and graph.nodes[CJNG]["type"] == "CriminalGroup"


def test_graphml_reads_back_and_filters_are_those_of_the_views(client: TestClient) -> None:
    whole = nx.read_graphml(io.BytesIO(client.get("/api/export/network.graphml").content))
    people = nx.read_graphml(io.BytesIO(client.get("/api/export/network.graphml", params={"types": "Person"}).content))
    assert set(people.nodes) == {P} and whole.number_of_nodes() > 1
    assert client.get("/api/export/network.gexf", params={"types": "Nonsense"}).status_code == 422
    assert client.get("/api/export/network.gexf", params={"date_from": "last year"}).status_code == 422


def test_documents_in_the_network_carry_their_citation(store: Store) -> None:
    graph = network(store, with_documents=True)
    documents = [data for _, data in graph.nodes(data=True) if data.get("type") == "Document"]
    assert documents and all("label" in data for data in documents)


def test_tables_download_as_csv(client: TestClient) -> None:
    response = client.get("/api/export/centrality.csv", params={"metric": "degree"})
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert rows and {"label", "type", "score"} <= set(rows[0])
    flows = list(csv.DictReader(io.StringIO(client.get("/api/export/flows.csv").text)))
    assert flows and "origin" in flows[0]
    assert client.get("/api/export/nothing.csv").status_code == 422
    assert client.get("/api/export/search.csv", params={"q": "!!"}).status_code == 400


def test_cli_exports_gexf_and_graphml_beside_the_rdf_formats(data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "net.gexf"
    run("export", "--format", "gexf", "--with-documents", "-o", str(out), "--data-dir", str(data_dir))
    assert nx.read_gexf(out, version="1.3").number_of_nodes() > 5
    graphml = run("export", "--format", "graphml", "--type", "Person", "--data-dir", str(data_dir))
    assert set(nx.parse_graphml(graphml).nodes) == {P}
    refused = CliRunner().invoke(
        main, ["export", "--format", "nquads", "--type", "Person", "--data-dir", str(data_dir)]
    )
    assert refused.exit_code == 2 and "--type applies to --format gexf or graphml only" in refused.output


@pytest.mark.parametrize(
    ("command", "column"),
    [
        (["centrality", "--metric", "degree"], "score"),
        (["communities"], "members"),
        (["neighbors", "CJNG"], "distance"),
        (["flows"], "origin"),
    ],
)
def test_every_analytics_table_prints_as_csv_and_json(data_dir: Path, command: list[str], column: str) -> None:
    rows = list(csv.DictReader(io.StringIO(run(*command, "--format", "csv", "--data-dir", str(data_dir)))))
    assert rows and column in rows[0]
    assert json.loads(run(*command, "--format", "json", "--data-dir", str(data_dir)))


def test_a_type_filter_keeps_the_starting_entity(data_dir: Path, store: Store) -> None:
    report = json.loads(run("neighbors", "CJNG", "--type", "Person", "--json", "--data-dir", str(data_dir)))
    assert {node["iri"] for node in report["nodes"]} == {CJNG, P}
    assert report["center"]["iri"] == CJNG


def test_csv_cells_flatten_nested_values() -> None:
    columns, rows = table({"results": [{"label": "A", "members": [{"label": "x"}, {"label": "y"}], "n": None}]})
    assert columns == ["label", "members", "n"] and rows == [["A", "x; y", ""]]


def test_the_document_list_and_the_stats_print_as_csv(data_dir: Path) -> None:
    listed = list(csv.DictReader(io.StringIO(run("documents", "--format", "csv", "--data-dir", str(data_dir)))))
    assert listed and set(listed[0]) == {"key", "date", "title", "url", "outlet"}
    assert json.loads(run("documents", "--format", "json", "--data-dir", str(data_dir)))[0]["key"] == listed[0]["key"]
    classes = list(csv.DictReader(io.StringIO(run("stats", "--format", "csv", "--data-dir", str(data_dir)))))
    assert {"class", "count"} == set(classes[0]) and any(row["class"] == "Document" for row in classes)
