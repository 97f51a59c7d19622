"""Ingest fanned out over Dask distributed: many machines extract, one shared SPARQL server stores.

Documents are read where `ffkg ingest` runs and sent to the workers, so workers need no
shared file system. Each worker opens the shared store once (a worker plugin) and, per
document, checks whether it is already stored, extracts it and replaces its graph.
Replacing a graph is atomic and content-addressed, so when a worker dies and Dask runs
its documents again elsewhere, the store ends up exactly as if it had not died.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from distributed import Client, Future, KilledWorker, LocalCluster, WorkerPlugin, as_completed, get_worker

from kg import stories
from kg.backends.base import BaseStore
from kg.errors import BadInputError, FfkgError
from kg.extract import extract, load_pipeline
from kg.ingest import IngestReport, Outcome, assign_story, read_batch, stored_state, story_index, write_extraction
from kg.records import DocumentInfo
from kg.settings import Settings
from kg.store import open_store

PLUGIN = "ffkg-store"
#: Documents sent ahead of the workers: enough to keep a cluster busy, few enough that a big corpus
#: is never read into memory at once.
IN_FLIGHT = 256


class StorePlugin(WorkerPlugin):
    """Opens the shared store when a worker starts and closes it when the worker stops."""

    name = PLUGIN

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.store: BaseStore | None = None

    def setup(self, worker: object) -> None:
        self.store = open_store(self.settings)

    def teardown(self, worker: object) -> None:
        if self.store is not None:
            self.store.close()


def ingest_distributed(
    settings: Settings,
    paths: Iterable[str | Path],
    *,
    scheduler: str,
    on_document: Callable[[str, Outcome], None] | None = None,
    local_workers: int = 2,
) -> IngestReport:
    """Ingest files and folders on a Dask cluster (`scheduler` address, or "local" for a `LocalCluster`).

    Same report and callbacks as `kg.ingest.ingest_paths`; needs the shared SPARQL store,
    since the embedded one belongs to a single process.
    """
    if settings.store != "sparql":
        raise BadInputError(
            "distributed ingest writes from many processes, so it needs the shared store: "
            "set FFKG_STORE=sparql and the FFKG_SPARQL_* URLs"
        )
    with open_store(settings) as store:  # fails here, naming the URL, if the store is not reachable
        index = story_index(store)
    report = IngestReport()
    notify = on_document or (lambda name, outcome: None)
    documents = read_batch(paths, max_bytes=settings.max_document_bytes, report=report)
    with _client(scheduler, local_workers) as client:
        client.register_plugin(StorePlugin(settings))
        sources: dict[Future, str] = {}
        extracted: set[str] = set()
        window = as_completed()

        def submit(info: DocumentInfo) -> None:
            sketch = stories.sketch(info.text)
            future = client.submit(ingest_one, info, assign_story(index, info, sketch), sketch, pure=False)
            sources[future] = info.source
            window.add(future)

        for info in itertools.islice(documents, IN_FLIGHT):
            submit(info)
        for future in window:
            source = sources.pop(future)
            try:
                outcome, error = future.result()
            except KilledWorker:
                outcome, error = "failed", f"{source}: the workers extracting it kept dying; see the Dask worker logs"
            report.record(outcome, source, error)
            notify(source, outcome)
            extracted.add(source)
            for info in itertools.islice(documents, 1):
                submit(info)
    for unreadable in set(report.outcomes["failed"]) - extracted:
        notify(unreadable, "failed")
    if report.outcomes["added"] or report.outcomes["updated"]:
        with open_store(settings) as store:
            store.recount_facts()
    return report


def ingest_one(info: DocumentInfo, story: str, sketch: stories.Sketch) -> tuple[Outcome, str | None]:
    """On a worker: skip the document if stored unchanged, else extract it and replace it (in `story`,
    which the coordinator assigns in reading order, as one process would, from the text's `sketch`)."""
    store = get_worker().plugins[PLUGIN].store
    try:
        state = stored_state(store, info)
        if state == "same":
            return "unchanged", None
        write_extraction(store, extract(info, load_pipeline()), story=story, sketch=sketch)
    except FfkgError as error:
        return "failed", f"{info.source}: {error}"
    return ("added" if state == "new" else "updated"), None


@contextmanager
def _client(scheduler: str, local_workers: int) -> Iterator[Client]:
    """A client of the named scheduler, or of a `LocalCluster` on this machine that ends with the block."""
    if scheduler != "local":
        with Client(scheduler) as client:
            yield client
        return
    cluster = LocalCluster(n_workers=local_workers, threads_per_worker=1, host="127.0.0.1", dashboard_address=None)
    with cluster, Client(cluster) as client:
        yield client
