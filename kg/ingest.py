"""Ingest: read documents, extract, map to RDF and write one named graph per document.

Idempotent by content: a document whose stored graph already carries the same content
hash is skipped; changed content replaces that document's graph atomically, so a crash
or a failed file never leaves a half-written document behind.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pyoxigraph as ox
from spacy.language import Language

from kg.documents import iter_documents
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

    def record(self, outcome: Outcome, name: str, error: str | None = None) -> None:
        self.outcomes[outcome].append(name)
        if error:
            self.errors.append(error)

    @property
    def ok(self) -> bool:
        return not self.outcomes["failed"]

    def summary(self) -> str:
        counts = ", ".join(f"{len(names)} {outcome}" for outcome, names in self.outcomes.items())
        return f"documents: {counts}"


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
    batch: list[tuple[DocumentInfo, Outcome, list[ox.Triple]]] = []
    for (info, outcome), result in zip(pending, results, strict=True):
        if isinstance(result, ExtractionFailure):
            report.record("failed", info.source, result.message)
            notify(info.source, "failed")
            continue
        batch.append((info, outcome, extraction_triples(result)))
        if len(batch) == WRITE_BATCH:
            _write_batch(store, batch, report, notify)
            batch = []
    _write_batch(store, batch, report, notify)
    return report


def _write_batch(
    store: Store,
    batch: list[tuple[DocumentInfo, Outcome, list[ox.Triple]]],
    report: IngestReport,
    notify: Callable[[str, Outcome], None],
) -> None:
    """Write a batch of documents' graphs together; each document is still whole or absent."""
    if not batch:
        return
    try:
        store.replace_graphs({graph_iri(info.id): triples for info, _, triples in batch})
    except FfkgError as error:
        for info, _, _ in batch:
            report.record("failed", info.source, f"{info.source}: {error}")
            notify(info.source, "failed")
        return
    for info, outcome, _ in batch:
        report.record(outcome, info.source)
        notify(info.source, outcome)


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
