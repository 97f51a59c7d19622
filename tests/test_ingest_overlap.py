"""One-process extraction parses the next batch on a thread while the rules run on this one.

Real spaCy pipeline, real store: the overlap must not change what is extracted or stored, a
document that fails (in the parsing thread or in the rules) is reported on its own, and an
abandoned extraction leaves no thread behind.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

import kg.extract
import kg.ingest
from kg.extract import ExtractionFailure, extract, extract_each, load_pipeline
from kg.ingest import ingest_paths
from kg.iris import DERIVED_GRAPHS, graph_iri
from kg.records import DocumentInfo, Extraction
from kg.store import Store

SENTENCES = [
    "Agents seized twelve rifles in Laredo, Texas, on Monday.",
    "Two men from Tucson, Arizona bought pistols for the Sinaloa Cartel.",
    "Police in Kingston, Jamaica recovered guns traced to Florida.",
    "Prosecutors said the rifles were smuggled from Arizona into Mexico.",
    "Customs officers in Dover found pistols hidden in a lorry from Belgium.",
]
MAX_BYTES = 1_000_000


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline()


def documents(count: int) -> list[DocumentInfo]:
    """Distinct short documents, so that a result out of order would show."""
    return [
        DocumentInfo(f"doc{i}", f"Report {i}", "2023-03-14", f"{SENTENCES[i % len(SENTENCES)]} Case number {i}.")
        for i in range(count)
    ]


def parse_failing_on(monkeypatch: pytest.MonkeyPatch, marker: str) -> None:
    """Documents containing `marker` are parsed on their own (they count as long) and that parse raises."""
    real = kg.extract.parse

    def parse(text, nlp):
        if marker in text:
            raise ValueError("the parser broke\non two lines")
        return real(text, nlp)

    monkeypatch.setattr(kg.extract, "parse", parse)
    monkeypatch.setattr(kg.extract, "CHUNK_CHARS", 90)


def parsing_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name.startswith("ffkg-parse")]


def test_overlapped_batches_give_what_one_document_at_a_time_gives_in_order(
    nlp, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(kg.extract, "PIPE_BATCH", 2)
    infos = documents(7)
    results = list(extract_each(infos, nlp))
    assert all(isinstance(result, Extraction) for result in results)
    assert [result.to_json() for result in results] == [extract(info, nlp).to_json() for info in infos]
    assert not parsing_threads()


def test_a_document_whose_parse_fails_on_the_parsing_thread_is_reported_alone(
    nlp, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(kg.extract, "PIPE_BATCH", 2)
    infos = documents(5)
    long = DocumentInfo("long", "Long", None, "Guns were seized in Laredo. " * 4 + "BROKEN", source="long.txt")
    infos.insert(3, long)
    parse_failing_on(monkeypatch, "BROKEN")
    results = list(extract_each(infos, nlp))
    assert [isinstance(result, ExtractionFailure) for result in results] == [False, False, False, True, False, False]
    message = results[3].message
    assert message.startswith("long.txt: extraction failed (ValueError: the parser broke on two lines)")
    assert "\n" not in message
    assert [result.document.id for result in results] == [info.id for info in infos]


def test_abandoning_a_one_process_extraction_stops_its_parsing_thread(nlp, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kg.extract, "PIPE_BATCH", 2)
    results = extract_each(documents(8), nlp)
    assert isinstance(next(results), Extraction)
    assert parsing_threads()
    results.close()
    assert not parsing_threads()


def test_ingest_stores_every_document_but_the_failing_one_and_names_it(
    tmp_path: Path, nlp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Parsing overlaps the rules and the store write overlaps both; a document that fails is
    reported with its file, nothing of it is stored, and the others are stored whole."""
    monkeypatch.setattr(kg.extract, "PIPE_BATCH", 2)
    monkeypatch.setattr(kg.ingest, "WRITE_BATCH", 2)
    files = []
    for i, info in enumerate(documents(5)):
        text = info.text + (" Guns were seized in Laredo." * 4 + " BROKEN" if i == 2 else "")
        files.append(tmp_path / f"{info.id}.txt")
        files[-1].write_text(f"date 2023-03-14 Report {i}\n\n{text}\n", encoding="utf-8")
    parse_failing_on(monkeypatch, "BROKEN")
    store = Store.memory()
    report = ingest_paths(store, [tmp_path], nlp, max_bytes=MAX_BYTES)
    assert report.outcomes["failed"] == [str(files[2])]
    assert report.outcomes["added"] == [str(f) for i, f in enumerate(files) if i != 2]
    [error] = report.errors
    assert error.startswith(f"{files[2]}: extraction failed (ValueError: the parser broke on two lines)")
    assert set(store.graphs()) - DERIVED_GRAPHS == {graph_iri(f.stem) for i, f in enumerate(files) if i != 2}
    clean = Store.memory()
    assert ingest_paths(clean, [f for i, f in enumerate(files) if i != 2], nlp, max_bytes=MAX_BYTES).ok
    assert set(store.quads()) == set(clean.quads())


def test_ctrl_c_in_the_rules_stops_the_extraction_and_its_parsing_thread(nlp, monkeypatch: pytest.MonkeyPatch) -> None:
    """An interrupt is not a document's failure: it ends the run, and the parsing thread ends with it."""
    monkeypatch.setattr(kg.extract, "PIPE_BATCH", 2)
    real = kg.extract._from_doc

    def from_doc(doc, info, nlp):
        if info.id == "doc3":
            raise KeyboardInterrupt
        return real(doc, info, nlp)

    monkeypatch.setattr(kg.extract, "_from_doc", from_doc)
    with pytest.raises(KeyboardInterrupt):
        list(extract_each(documents(8), nlp))
    assert not parsing_threads()
