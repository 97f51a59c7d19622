"""Ingest: read documents, extract, map to RDF and write one named graph per document.

Idempotent by content: a document whose stored graph already carries the same content
hash is skipped; changed content replaces that document's graph atomically, so a crash
or a failed file never leaves a half-written document behind.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pyoxigraph as ox
from spacy.language import Language

from kg.documents import Skipped, iter_documents
from kg.errors import DocumentError, FfkgError, NotFoundError
from kg.extract import ExtractionFailure, extract_each
from kg.iris import GRAPH, document_iri, graph_iri
from kg.mapping import document_graph, extraction_triples, ffkg
from kg.records import DocumentInfo, Extraction
from kg.store import Store

Outcome = Literal["added", "updated", "unchanged", "failed"]
#: Below this many documents to extract, a second process costs more than it saves.
PARALLEL_THRESHOLD = 40
#: Documents written per store transaction: one transaction each cost a tenth of ingest time.
WRITE_BATCH = 32


@dataclass
class IngestReport:
    """What a batch did, file by file, for the end-of-run summary and the exit code."""

    outcomes: dict[str, list[str]] = field(
        default_factory=lambda: {"added": [], "updated": [], "unchanged": [], "failed": []}
    )
    errors: list[str] = field(default_factory=list)
    #: Files found in folders and left alone (`path: reason`); they do not fail the run.
    skipped: list[str] = field(default_factory=list)

    def record(self, outcome: Outcome, name: str, error: str | None = None) -> None:
        self.outcomes[outcome].append(name)
        if error:
            self.errors.append(error)

    @property
    def ok(self) -> bool:
        return not self.outcomes["failed"]

    def summary(self) -> str:
        counts = ", ".join(f"{len(names)} {outcome}" for outcome, names in self.outcomes.items())
        skipped = f"; {len(self.skipped)} other files skipped" if self.skipped else ""
        return f"documents: {counts}{skipped}"


def stored_state(store: Store, info: DocumentInfo) -> Literal["new", "same", "changed"]:
    """Whether the document is absent, stored with the same content, or stored with other content."""
    graph = graph_iri(info.id)
    if not store.has_graph(graph):
        return "new"
    same = store.query(
        "ASK { GRAPH ?g { ?doc ?hash ?value } }",
        substitutions={
            ox.Variable("g"): ox.NamedNode(graph),
            ox.Variable("doc"): ox.NamedNode(document_iri(info.id)),
            ox.Variable("hash"): ffkg("contentHash"),
            ox.Variable("value"): ox.Literal(info.content_hash),
        },
    )
    return "same" if bool(same) else "changed"


def write_extraction(store: Store, extraction: Extraction) -> int:
    """Replace the document's graph with the extraction's triples; returns the triple count."""
    return store.replace_graph(document_graph(extraction), extraction_triples(extraction))


def read_batch(paths: Iterable[str | Path], *, max_bytes: int, report: IngestReport) -> Iterator[DocumentInfo]:
    """Documents to read, with unreadable files and duplicate document ids reported instead."""
    seen: dict[str, str] = {}
    for item in iter_documents(paths, max_bytes=max_bytes):
        if isinstance(item, DocumentError):
            report.record("failed", item.path, str(item))
            continue
        if isinstance(item, Skipped):
            report.skipped.append(f"{item.path}: {item.reason}")
            continue
        if item.id in seen:
            message = f"{item.source}: same document id {item.id!r} as {seen[item.id]}; rename one of them"
            report.record("failed", item.source, message)
            continue
        seen[item.id] = item.source
        yield item


def ingest_paths(
    store: Store,
    paths: Iterable[str | Path],
    nlp: Language,
    *,
    max_bytes: int,
    n_process: int = 1,
    on_document: Callable[[str, Outcome], None] | None = None,
) -> IngestReport:
    """Ingest files and folders into the store, going on past bad files and reporting them at the end."""
    report = IngestReport()
    notify = on_document or (lambda name, outcome: None)
    pending: list[tuple[DocumentInfo, Outcome]] = []
    for info in read_batch(paths, max_bytes=max_bytes, report=report):
        state = stored_state(store, info)
        if state == "same":
            report.record("unchanged", info.source)
            notify(info.source, "unchanged")
        else:
            pending.append((info, "added" if state == "new" else "updated"))
    for failed in report.outcomes["failed"]:
        notify(failed, "failed")

    processes = n_process if len(pending) >= PARALLEL_THRESHOLD else 1
    results = extract_each([info for info, _ in pending], nlp, n_process=processes)
    with _BatchWriter(store, report, notify) as writer:
        for (info, outcome), result in zip(pending, results, strict=True):
            if isinstance(result, ExtractionFailure):
                report.record("failed", info.source, result.message)
                notify(info.source, "failed")
            else:
                writer.add(info, outcome, result)
    return report


Batch = list[tuple[DocumentInfo, Outcome, Extraction]]


class _BatchWriter:
    """Maps and writes batches of documents on a thread of its own, one batch in flight.

    pyoxigraph lets go of the GIL while it writes, so the store write of one batch overlaps
    the extraction of the next instead of adding to it. Outcomes are still recorded here, on
    the caller's thread, in document order.
    """

    def __init__(self, store: Store, report: IngestReport, notify: Callable[[str, Outcome], None]) -> None:
        self._store = store
        self._report = report
        self._notify = notify
        self._batch: Batch = []
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ffkg-ingest-writer")
        self._in_flight: tuple[Batch, Future[None]] | None = None

    def __enter__(self) -> _BatchWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            if exc[0] is None:
                self._submit()
            self._settle()
        finally:
            self._executor.shutdown(wait=True)

    def add(self, info: DocumentInfo, outcome: Outcome, extraction: Extraction) -> None:
        self._batch.append((info, outcome, extraction))
        if len(self._batch) == WRITE_BATCH:
            self._submit()

    def _submit(self) -> None:
        self._settle()
        if self._batch:
            batch, self._batch = self._batch, []
            self._in_flight = (batch, self._executor.submit(_write_batch, self._store, batch))

    def _settle(self) -> None:
        """Wait for the batch in flight and record how each of its documents went."""
        if self._in_flight is None:
            return
        batch, future = self._in_flight
        self._in_flight = None
        try:
            future.result()
        except FfkgError as error:
            for info, _, _ in batch:
                self._report.record("failed", info.source, f"{info.source}: {error}")
                self._notify(info.source, "failed")
            return
        for info, outcome, _ in batch:
            self._report.record(outcome, info.source)
            self._notify(info.source, outcome)


def _write_batch(store: Store, batch: Batch) -> None:
    """Write a batch of documents' graphs together; each document is still whole or absent."""
    store.replace_graphs({document_graph(extraction): extraction_triples(extraction) for _, _, extraction in batch})


def document_graph_for(key: str) -> str:
    """The graph of a document named by its id, its key (`doc/...`), its IRI or its graph IRI."""
    for prefix in (document_iri(""), "doc/"):
        if key.startswith(prefix):
            return graph_iri(key[len(prefix) :])
    return key if key.startswith(GRAPH) else graph_iri(key)


def remove_document(store: Store, key: str) -> str:
    """Remove one document's graph (all its facts); returns the graph removed."""
    graph = document_graph_for(key)
    if not store.has_graph(graph):
        raise NotFoundError(f"no document {key!r} in the store; `ffkg documents` lists them")
    store.remove_graph(graph)
    return graph
