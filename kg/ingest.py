"""Ingest: read documents, extract, map to RDF and write each document with its entities and facts.

Idempotent by content: a document whose stored graph already carries the same content
hash is skipped; changed content replaces that document atomically, so a crash or a
failed file never leaves a half-written document behind. A document's id is its path
relative to the folder it was found in (its stem, for a file named on its own); a file
that would replace a stored document read from another file that still exists is refused.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from spacy.language import Language

from kg import stories
from kg.documents import Skipped, another_existing_file, iter_documents
from kg.errors import DocumentError, FfkgError, NotFoundError
from kg.extract import ExtractionFailure, extract_each
from kg.iris import GRAPH, document_iri, graph_iri, story_iri
from kg.mapping import DocumentTriples, extraction_triples, ffkg
from kg.records import DocumentInfo, Extraction
from kg.store import BaseStore

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
    #: Documents stored with something the reader should know (`path: what`), such as an unknown date.
    warnings: list[str] = field(default_factory=list)

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


def stored_state(store: BaseStore, info: DocumentInfo) -> Literal["new", "same", "changed"]:
    """Whether the document is absent, stored with the same content, or stored with other content.

    Raises `DocumentError` naming both files when the stored version was read from another file
    that still exists: two files with one id would silently replace each other.
    """
    graph = graph_iri(info.id)
    if not store.has_graph(graph):
        return "new"
    rows = store.query(
        f"SELECT ?hash ?source WHERE {{ GRAPH <{graph}> {{ <{document_iri(info.id)}> {ffkg('contentHash')} ?hash "
        f"OPTIONAL {{ <{document_iri(info.id)}> {ffkg('source')} ?source }} }} }}"
    )
    stored = [(row["hash"].value, row["source"].value if row["source"] else "") for row in rows]
    for _, source in stored:
        if another_existing_file(source, info.source):
            raise DocumentError(
                info.source,
                f"its document id {info.id!r} is that of {source}, already stored; ingest from a folder above "
                "both (ids are paths relative to it) or rename one of them",
            )
    return "same" if any(value == info.content_hash for value, _ in stored) else "changed"


def write_extraction(
    store: BaseStore, extraction: Extraction, *, story: str | None = None, sketch: stories.Sketch | None = None
) -> int:
    """Write (or replace) one document with its entities and facts; returns the quad count.

    `story` is the document's group of near-duplicates, if already assigned (`assign_story`), and
    `sketch` its text's sketch, if already made for that.
    """
    sketch = stories.sketch(extraction.document.text) if sketch is None else sketch
    chosen = story or assign_story(story_index(store), extraction.document, sketch)
    return store.write_documents([extraction_triples(extraction, story=chosen, sketch=sketch)])


def story_index(store: BaseStore) -> stories.StoryIndex:
    """The sketches of the stored documents, to group a new document with its near-duplicates."""
    rows = store.query(f"SELECT ?sketch ?story WHERE {{ ?doc {ffkg('textSketch')} ?sketch ; {ffkg('story')} ?story }}")
    return stories.StoryIndex((stories.decode(row["sketch"].value), row["story"].value) for row in rows)


def assign_story(index: stories.StoryIndex, info: DocumentInfo, sketch: stories.Sketch | None = None) -> str:
    """The story of the document's nearest near-duplicate seen so far (stored, or earlier in this run),
    or a story of its own. Documents are assigned in the order they are read, so a run gives the same
    stories in one process as on a cluster. `sketch` is the text's, if the caller has it (the mapping
    stores it too)."""
    sketch = stories.sketch(info.text) if sketch is None else sketch
    story = index.story_of(sketch) or story_iri(info.id)
    index.add(sketch, story)
    return story


def read_batch(paths: Iterable[str | Path], *, max_bytes: int, report: IngestReport) -> Iterator[DocumentInfo]:
    """Documents to read, with unreadable files and duplicate document ids reported instead."""
    seen: dict[str, str] = {}
    for item in _with_relative_ids(paths, max_bytes=max_bytes):
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
        if item.date is None:
            report.warnings.append(
                f"{item.source}: no date line, stored with the date unknown (a first line `date YYYY-MM-DD Title` "
                "gives it one)"
            )
        yield item


def _with_relative_ids(
    paths: Iterable[str | Path], *, max_bytes: int
) -> Iterator[DocumentInfo | DocumentError | Skipped]:
    """What `iter_documents` yields, each document found in a folder named by its path relative to it."""
    for root in map(Path, paths):
        for item in iter_documents([root], max_bytes=max_bytes):
            if isinstance(item, DocumentInfo) and root.is_dir():
                relative = Path(item.source).relative_to(root).with_suffix("")
                item = replace(item, id=relative.as_posix())
            yield item


def ingest_paths(
    store: BaseStore,
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
        try:
            state = stored_state(store, info)
        except DocumentError as error:
            report.record("failed", info.source, str(error))
            continue
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

    def __init__(self, store: BaseStore, report: IngestReport, notify: Callable[[str, Outcome], None]) -> None:
        self._store = store
        self._stories = story_index(store)
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
            documents = [self._mapped(info, extraction) for info, _, extraction in batch]
            self._in_flight = (batch, self._executor.submit(self._store.write_documents, documents))

    def _mapped(self, info: DocumentInfo, extraction: Extraction) -> DocumentTriples:
        """The document's triples in the story of its nearest near-duplicate, its text sketched once for both."""
        sketch = stories.sketch(info.text)
        return extraction_triples(extraction, story=assign_story(self._stories, info, sketch), sketch=sketch)

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


def document_graph_for(key: str) -> str:
    """The graph of a document named by its id, its key (`doc/...`), its IRI or its graph IRI."""
    for prefix in (document_iri(""), "doc/"):
        if key.startswith(prefix):
            return graph_iri(key[len(prefix) :])
    return key if key.startswith(GRAPH) else graph_iri(key)


def remove_document(store: BaseStore, key: str) -> str:
    """Remove one document's graph, and the facts and entities only it supported; returns the graph."""
    graph = document_graph_for(key)
    if not store.has_graph(graph):
        raise NotFoundError(f"no document {key!r} in the store; `ffkg documents` lists them")
    store.remove_graph(graph)
    return graph
