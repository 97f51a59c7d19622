"""The store commands through click's runner, on a real on-disk store."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import rdflib
from click.testing import CliRunner
from rdflib.compare import isomorphic

from kg.cli import main

TURTLE = """@prefix ex: <http://example.org/> .
@prefix ffkg: <https://w3id.org/ffkg/ontology#> .
ex:glock a ffkg:Gunmaker ; <http://www.w3.org/2000/01/rdf-schema#label> "Glock" .
ex:ruger a ffkg:Gunmaker ; <http://www.w3.org/2000/01/rdf-schema#label> "Ruger" .
"""


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def test_every_command_has_help() -> None:
    result = run("--help")
    assert result.exit_code == 0
    commands = [line.split()[0] for line in result.output.split("Commands:")[1].strip().splitlines()]
    assert {"load", "export", "query", "stats", "restore", "ingest", "remove"} <= set(commands)
    for command in commands:
        sub = run(command, "--help")
        assert sub.exit_code == 0, command
        assert "Usage:" in sub.output and "--help" in sub.output


def test_load_query_stats_export_restore(tmp_path: Path) -> None:
    data = ["--data-dir", str(tmp_path / "data")]
    source = tmp_path / "makers.ttl"
    source.write_text(TURTLE)
    loaded = run("load", str(source), *data)
    assert loaded.exit_code == 0, loaded.output
    assert "4 triples" in loaded.output

    sparql = (
        "SELECT ?label WHERE { ?m a <https://w3id.org/ffkg/ontology#Gunmaker> ; "
        "<http://www.w3.org/2000/01/rdf-schema#label> ?label } ORDER BY ?label"
    )
    as_csv = run("query", sparql, "--format", "csv", *data)
    assert list(csv.reader(io.StringIO(as_csv.output))) == [["label"], ["Glock"], ["Ruger"]]
    as_json = run("query", sparql, "--format", "json", *data)
    assert json.loads(as_json.output) == [{"label": "Glock"}, {"label": "Ruger"}]
    query_file = tmp_path / "makers.rq"
    query_file.write_text(sparql)
    as_table = run("query", str(query_file), *data)
    assert "Glock" in as_table.output and "2 rows" in as_table.output

    stats = json.loads(run("stats", "--format", "json", *data).output)
    assert stats["triples"] == 4
    assert stats["classes"]["https://w3id.org/ffkg/ontology#Gunmaker"] == 2

    backup = tmp_path / "backup.nq"
    assert run("export", "--format", "nquads", "-o", str(backup), *data).exit_code == 0
    restored_dir = ["--data-dir", str(tmp_path / "restored")]
    restored = run("restore", str(backup), "--yes", *restored_dir)
    assert restored.exit_code == 0, restored.output
    original = rdflib.Graph().parse(data=TURTLE, format="turtle")
    turtle = run("export", "--format", "turtle", *restored_dir).output
    assert isomorphic(rdflib.Graph().parse(data=turtle, format="turtle"), original)


def test_bad_files_are_reported_and_the_rest_still_loads(tmp_path: Path) -> None:
    data = ["--data-dir", str(tmp_path / "data")]
    good = tmp_path / "good.ttl"
    good.write_text(TURTLE)
    bad = tmp_path / "bad.nt"
    bad.write_text('<http://x/a> <http://x/b> <http://x/c> .\n<http://x/a> <http://x/b> "open .\n')
    odd = tmp_path / "facts.csv"
    odd.write_text("a,b")
    result = CliRunner().invoke(main, ["load", str(bad), str(good), str(odd), *data])
    assert result.exit_code == 1
    assert "bad.nt:2" in result.output
    assert "'.csv'" in result.output and "supported: turtle (.ttl)" in result.output
    assert "2 of 3 files failed" in result.output
    stats = json.loads(run("stats", "--format", "json", *data).output)
    assert stats["triples"] == 4


def test_a_malformed_query_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["query", "SELECT ?x WHERE {", "--data-dir", str(tmp_path)])
    assert result.exit_code == 2
    assert "SPARQL syntax error" in result.output


def test_unknown_export_format_lists_choices(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["export", "--format", "csv", "--data-dir", str(tmp_path)])
    assert result.exit_code == 2
    assert "turtle" in result.output and "nquads" in result.output
