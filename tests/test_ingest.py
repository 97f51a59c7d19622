"""Ingest end to end with the real spaCy pipeline: idempotency, replacement, removal, bad files."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from servers import fresh, oxigraph_settings, virtuoso_settings  # noqa: F401 (fixtures)

from kg.cli import main
from kg.extract import load_pipeline
from kg.ingest import ingest_paths, remove_document
from kg.iris import graph_iri
from kg.store import BaseStore, Store
from kg.validate import validate_store

ARTICLE = """date 2023-03-14 Straw buyers sentenced in Tucson

Two men from Tucson, Arizona were sentenced on Monday for buying rifles for the Sinaloa Cartel.
Prosecutors said the guns were smuggled from Arizona into Mexico.
"""
CHANGED = ARTICLE.replace("Two men", "Three men")
OTHER = """date 2022-06-01 Guns seized in Laredo

Agents of Homeland Security Investigations seized Colt rifles in Laredo, Texas.
"""
MAX_BYTES = 1_000_000


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline()


@pytest.fixture(params=["embedded", "oxigraph", "virtuoso"])
def store(request: pytest.FixtureRequest) -> BaseStore:
    """An empty store on each backend: ingest must behave the same on a shared SPARQL server."""
    if request.param == "embedded":
        return Store.memory()
    return fresh(request.getfixturevalue(f"{request.param}_settings"))


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def test_reingesting_the_same_content_changes_nothing(tmp_path: Path, nlp, store: BaseStore) -> None:
    article = write(tmp_path, "tucson.txt", ARTICLE)
    first = ingest_paths(store, [article], nlp, max_bytes=MAX_BYTES)
    assert first.outcomes["added"] == [str(article)]
    snapshot, revision = set(store.quads()), store.revision()
    second = ingest_paths(store, [article], nlp, max_bytes=MAX_BYTES)
    assert second.outcomes["unchanged"] == [str(article)]
    assert set(store.quads()) == snapshot
    assert store.revision() == revision


def test_changed_content_replaces_only_that_document(tmp_path: Path, nlp, store: BaseStore) -> None:
    article = write(tmp_path, "tucson.txt", ARTICLE)
    other = write(tmp_path, "laredo.txt", OTHER)
    ingest_paths(store, [article, other], nlp, max_bytes=MAX_BYTES)
    other_quads = set(store.quads(graph_iri("laredo")))
    write(tmp_path, "tucson.txt", CHANGED)
    report = ingest_paths(store, [tmp_path], nlp, max_bytes=MAX_BYTES)
    assert report.outcomes["updated"] == [str(article)] and report.outcomes["unchanged"] == [str(other)]
    assert set(store.quads(graph_iri("laredo"))) == other_quads
    titles = [r["t"].value for r in store.query("SELECT ?t WHERE { ?d <https://w3id.org/ffkg/ontology#title> ?t }")]
    assert sorted(titles) == ["Guns seized in Laredo", "Straw buyers sentenced in Tucson"]
    sentences = {
        r["s"].value for r in store.query("SELECT ?s WHERE { ?e <https://w3id.org/ffkg/ontology#sentence> ?s }")
    }
    assert not any(s.startswith("Two men") for s in sentences)
    assert validate_store(store).conforms


def test_remove_drops_a_document_and_its_facts(tmp_path: Path, nlp, store: BaseStore) -> None:
    ingest_paths(
        store, [write(tmp_path, "tucson.txt", ARTICLE), write(tmp_path, "laredo.txt", OTHER)], nlp, max_bytes=MAX_BYTES
    )
    assert remove_document(store, "tucson") == graph_iri("tucson")
    assert store.graphs() == [graph_iri("laredo")]
    assert not bool(store.query("ASK { ?d <https://w3id.org/ffkg/ontology#title> 'Straw buyers sentenced in Tucson' }"))


def test_a_batch_goes_on_past_bad_files_and_reports_them(tmp_path: Path, nlp, store: BaseStore) -> None:
    ingest_paths(store, [write(tmp_path, "laredo.txt", OTHER)], nlp, max_bytes=MAX_BYTES)
    before = set(store.quads())
    batch = tmp_path / "batch"
    batch.mkdir()
    bad = [
        write(batch, "empty.txt", ""),
        write(batch, "binary.txt", b"\x00\x01\x02binary"),
    ]
    good = write(batch, "tucson.txt", ARTICLE)
    report = ingest_paths(store, [batch, tmp_path / "missing.txt"], nlp, max_bytes=MAX_BYTES)
    assert report.outcomes["added"] == [str(good)]
    assert str(bad[0]) in report.outcomes["failed"] and str(bad[1]) in report.outcomes["failed"]
    assert any("missing.txt" in error for error in report.errors)
    assert not report.ok
    assert before <= set(store.quads())
    assert set(store.quads(graph_iri("laredo"))) == before


def test_cli_ingest_exits_non_zero_on_failures_and_lists_documents(tmp_path: Path) -> None:
    data = ["--data-dir", str(tmp_path / "data")]
    article = write(tmp_path, "tucson.txt", ARTICLE)
    empty = write(tmp_path, "empty.txt", "")
    runner = CliRunner()
    result = runner.invoke(main, ["ingest", str(article), str(empty), *data])
    assert result.exit_code == 1
    assert f"Error: {empty}: " in result.output and "empty" in result.output
    assert "1 added" in result.output and "1 failed" in result.output
    listing = runner.invoke(main, ["documents", *data])
    assert "doc/tucson\t2023-03-14\tStraw buyers sentenced in Tucson" in listing.output
    removed = runner.invoke(main, ["remove", "tucson", *data])
    assert removed.exit_code == 0 and "removed" in removed.output
    missing = runner.invoke(main, ["remove", "tucson", *data])
    assert missing.exit_code == 1 and "no document 'tucson'" in missing.output
