"""Every benchmark runs at its smallest size, one repetition, and yields the tables BENCHMARKS.md expects.

No timing asserts: speed is measured by `python -m bench`, not judged here.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from bench import analytics, http, ingest
from bench.__main__ import main, merge
from bench.generate import SIZES, generate_dataset
from bench.sparql_inprocess import research_queries
from kg.store import Store


@pytest.fixture(scope="module")
def quads() -> list[ox.Quad]:
    return generate_dataset(SIZES["10k"], seed=0)


def test_generator_is_seeded_and_shaped_like_extractions(quads: list[ox.Quad]) -> None:
    assert generate_dataset(SIZES["10k"], seed=0) == quads
    assert generate_dataset(SIZES["10k"], seed=1) != quads
    assert len(quads) >= SIZES["10k"]
    store = Store.memory()
    store.write_quads(quads)
    shared = store.query(
        "SELECT ?e (COUNT(DISTINCT ?g) AS ?n) WHERE { ?e a <https://w3id.org/ffkg/ontology#Person> . "
        "GRAPH ?g { ?e <https://w3id.org/ffkg/ontology#mentionedIn> ?doc } } GROUP BY ?e ORDER BY DESC(?n) LIMIT 1"
    )
    assert int(next(iter(shared))["n"].value) > 1, "entities must be mentioned by several document graphs"
    evidence = store.query(
        "ASK { ?ev a <https://w3id.org/ffkg/ontology#Evidence> ; <https://w3id.org/ffkg/ontology#sentence> ?s }"
    )
    assert bool(evidence)


def test_runner_writes_in_process_and_load_blocks(tmp_path: Path, quads: list[ox.Quad]) -> None:
    out = tmp_path / "BENCHMARKS.md"
    out.write_text("# Benchmarks\n\nHand-written summary.\n")
    assert main(["--smoke", "--only", "inprocess", "load", "--output", str(out)]) == 0
    text = out.read_text()
    assert text.startswith("# Benchmarks\n\nHand-written summary.")
    for key in ("inprocess-10k", "load-10k"):
        assert f"<!-- bench:{key} -->" in text and f"<!-- /bench:{key} -->" in text
    assert "| query | rows | (a) ffkg ms | (b) pyoxigraph ms | (c) rdflib ms | a−b ms |" in text
    store = Store.memory()
    store.write_quads(quads)
    for name in research_queries(store):
        assert f"| {name} |" in text
    assert "returned" not in text, "every engine must give the same number of rows"
    for step in ("bulk_load", "ffkg load", "reopen", "rdflib", "peak RSS"):
        assert step in text
    assert "8 of 8 answered" in text


def test_merge_replaces_its_block_and_keeps_the_others() -> None:
    document = "# B\n\n<!-- bench:a -->\nold a\n<!-- /bench:a -->\n\n<!-- bench:b -->\nb\n<!-- /bench:b -->\n"
    updated = merge(document, "a", "<!-- bench:a -->\nnew a\n<!-- /bench:a -->\n")
    assert "new a" in updated and "old a" not in updated and "\nb\n" in updated
    appended = merge(updated, "c", "<!-- bench:c -->\nc\n<!-- /bench:c -->\n")
    assert appended.endswith("<!-- bench:c -->\nc\n<!-- /bench:c -->\n") and "new a" in appended


def test_http_benchmark_answers_every_request(tmp_path: Path, quads: list[ox.Quad]) -> None:
    (table,) = http.run(quads, tmp_path, label="10k", repeats=1)
    assert table.columns[0] == "query" and table.columns[-1] == "throughput ×"
    assert [(row[0], row[1]) for row in table.rows] == [(q, str(c)) for q in http.QUERIES for c in http.CONCURRENCY]
    assert not any("failed" in row[2] for row in table.rows)
    assert any("HTTP overhead" in note for note in table.notes)


def test_ingest_benchmark_compares_and_profiles(tmp_path: Path) -> None:
    throughput, stages = ingest.run(tmp_path, repeats=1)
    assert [row[0] for row in throughput.rows] == ["1", "2"]
    assert throughput.columns[-1] == "ffkg / bare"
    assert len(stages.rows) == 6 and {row[0] for row in stages.rows} >= {"RDF mapping"}


def test_analytics_benchmark_has_a_row_per_size(tmp_path: Path, quads: list[ox.Quad]) -> None:
    tables = analytics.run({"10k": quads}, tmp_path)
    assert tables and all(table.rows for table in tables)
