"""Ingest end to end with the real spaCy pipeline: idempotency, replacement, removal, bad files."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from servers import fresh, oxigraph_settings, virtuoso_settings  # noqa: F401 (fixtures)

import kg.extract
import kg.ingest
from kg.cli import main
from kg.errors import StoreBusyError
from kg.extract import ExtractionFailure, extract_each, load_pipeline
from kg.ingest import ingest_paths, remove_document
from kg.iris import graph_iri
from kg.records import DocumentInfo
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
EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "articles"


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
    assert set(store.quads(graph_iri("laredo"))) == {q for q in before if q.graph_name.value == graph_iri("laredo")}


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


def fail_in_workers(monkeypatch: pytest.MonkeyPatch, document_id: str, failure: str) -> None:
    """Make the extraction of one document raise (or its process die), but only in a worker process,
    so that the test also proves the work ran there; forked workers inherit the patch."""
    parent, real = os.getpid(), kg.extract._from_doc

    def from_doc(doc, info, nlp):
        if info.id == document_id and os.getpid() != parent:
            if failure == "die":
                os._exit(1)
            raise ValueError("a rule broke\non two lines")
        return real(doc, info, nlp)

    monkeypatch.setattr(kg.extract, "_from_doc", from_doc)
    monkeypatch.setattr(kg.ingest, "PARALLEL_THRESHOLD", 2)


def test_a_document_failing_in_a_worker_is_reported_on_one_line_and_the_others_are_stored(
    tmp_path: Path, nlp, monkeypatch: pytest.MonkeyPatch
) -> None:
    fail_in_workers(monkeypatch, "laredo", "raise")
    files = [write(tmp_path, "tucson.txt", ARTICLE), write(tmp_path, "laredo.txt", OTHER)]
    files += [write(tmp_path, f"copy{i}.txt", ARTICLE) for i in range(5)]
    store = Store.memory()
    report = ingest_paths(store, files, nlp, max_bytes=MAX_BYTES, n_process=2)
    assert report.outcomes["failed"] == [str(files[1])]
    assert report.outcomes["added"] == [str(f) for f in files if f != files[1]]
    [error] = report.errors
    assert error.startswith(f"{files[1]}: extraction failed") and "ValueError: a rule broke on two lines" in error
    assert "\n" not in error
    assert sorted(store.graphs()) == sorted(graph_iri(f.stem) for f in files if f != files[1])
    assert not multiprocessing.active_children()


def test_a_worker_process_that_dies_fails_its_documents_without_hanging(
    tmp_path: Path, nlp, monkeypatch: pytest.MonkeyPatch
) -> None:
    fail_in_workers(monkeypatch, "laredo", "die")
    files = [write(tmp_path, "tucson.txt", ARTICLE), write(tmp_path, "laredo.txt", OTHER)]
    report = ingest_paths(Store.memory(), files, nlp, max_bytes=MAX_BYTES, n_process=2)
    assert str(files[1]) in report.outcomes["failed"]
    assert sorted(report.outcomes["added"] + report.outcomes["failed"]) == sorted(str(f) for f in files)
    assert any(error.startswith(f"{files[1]}: extraction process failed") for error in report.errors)
    assert not multiprocessing.active_children()


def test_two_processes_store_exactly_what_one_process_stores(nlp, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kg.ingest, "PARALLEL_THRESHOLD", 2)
    stores = {processes: Store.memory() for processes in (1, 2)}
    for processes, store in stores.items():
        assert ingest_paths(store, [EXAMPLES], nlp, max_bytes=MAX_BYTES, n_process=processes).ok
    assert len(stores[1].graphs()) == len(list(EXAMPLES.glob("*.txt")))
    assert set(stores[2].quads()) == set(stores[1].quads())


def test_abandoning_a_batch_extraction_stops_its_worker_processes(nlp) -> None:
    infos = [DocumentInfo(f"d{i}", "", None, ARTICLE) for i in range(12)]
    results = extract_each(infos, nlp, n_process=2)
    assert not isinstance(next(results), ExtractionFailure)
    assert multiprocessing.active_children()
    results.close()
    assert not multiprocessing.active_children()


def test_a_batch_the_store_refuses_fails_its_documents_and_later_batches_are_stored(
    tmp_path: Path, nlp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Batches are written on a writer thread; a refused write still fails exactly its own documents."""
    monkeypatch.setattr(kg.ingest, "WRITE_BATCH", 1)
    first, second = write(tmp_path, "a-tucson.txt", ARTICLE), write(tmp_path, "b-laredo.txt", OTHER)
    store = Store.memory()
    real_write_documents = store.write_documents
    calls = []

    def refuse_first(documents):
        calls.append(list(documents))
        if len(calls) == 1:
            raise StoreBusyError("another write to the store has been running for over a minute")
        return real_write_documents(documents)

    monkeypatch.setattr(store, "write_documents", refuse_first)
    seen = []
    report = ingest_paths(store, [tmp_path], nlp, max_bytes=MAX_BYTES, on_document=lambda n, o: seen.append((n, o)))
    assert report.outcomes["failed"] == [str(first)]
    assert report.outcomes["added"] == [str(second)]
    assert "another write" in report.errors[0] and str(first) in report.errors[0]
    assert seen == [(str(first), "failed"), (str(second), "added")]
    assert store.graphs() == [calls[1][0].graph]


def test_two_files_with_one_name_in_different_folders_never_replace_each_other(tmp_path: Path, nlp) -> None:
    store = Store.memory()
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first, second = write(tmp_path / "a", "report.txt", ARTICLE), write(tmp_path / "b", "report.txt", OTHER)
    assert ingest_paths(store, [tmp_path / "a"], nlp, max_bytes=MAX_BYTES).outcomes["added"] == [str(first)]
    refused = ingest_paths(store, [tmp_path / "b"], nlp, max_bytes=MAX_BYTES)
    assert refused.outcomes["failed"] == [str(second)]
    assert str(first) in refused.errors[0] and str(second) in refused.errors[0]
    assert store.graphs() == [graph_iri("report")]
    both = ingest_paths(store, [tmp_path], nlp, max_bytes=MAX_BYTES)  # ids are paths relative to the folder given
    assert sorted(both.outcomes["added"]) == [str(first), str(second)]
    assert {graph_iri("a/report"), graph_iri("b/report")} <= set(store.graphs())


def test_the_same_story_under_another_header_is_one_story_and_corroborates_nothing(tmp_path: Path, nlp) -> None:
    store = Store.memory()
    again = ARTICLE.replace("date 2023-03-14 Straw buyers sentenced in Tucson", "date 2023-03-15 Tucson straw buyers")
    ingest_paths(
        store, [write(tmp_path, "tucson.txt", ARTICLE), write(tmp_path, "wire.txt", again)], nlp, max_bytes=MAX_BYTES
    )
    ingest_paths(store, [write(tmp_path, "laredo.txt", OTHER)], nlp, max_bytes=MAX_BYTES)
    ffkg = "https://w3id.org/ffkg/ontology#"
    stories = {row["d"].value: row["s"].value for row in store.query(f"SELECT ?d ?s WHERE {{ ?d <{ffkg}story> ?s }}")}
    doc = "https://w3id.org/ffkg/id/doc/"
    assert stories[doc + "tucson"] == stories[doc + "wire"] != stories[doc + "laredo"]
    counts = [
        (int(row["d"].value), int(row["c"].value))
        for row in store.query(f"SELECT ?d ?c WHERE {{ ?f <{ffkg}documentCount> ?d ; <{ffkg}corroboration> ?c }}")
    ]
    assert counts and all(documents >= 2 and stories == documents - 1 for documents, stories in counts if documents > 1)
    assert any(documents == 2 for documents, _ in counts)
