"""The embedded store: Oxigraph on disk (or in memory), one named graph per source.

The pyoxigraph `Store` is the engine: SPARQL goes straight to it, and results can be
serialised by it without passing through rdflib terms. `Store.dataset` gives the same
data through rdflib's Dataset API (oxrdflib) for code that wants rdflib.

Writes of a source are all-or-nothing: a file is parsed completely before anything is
written, and replacing a graph is one engine transaction, so a crash leaves either the
old or the new version and a concurrent reader never sees both.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import rdflib
from oxrdflib import OxigraphStore

from kg.backends.base import STAGING_PREFIX, BaseStore, file_graph_iri, parse_rdf
from kg.backends.sparql import SparqlStore
from kg.errors import NotFoundError, StoreBusyError, StoreLockedError
from kg.settings import Settings

__all__ = ["STAGING_PREFIX", "BaseStore", "Store", "file_graph_iri", "open_store", "parse_rdf"]

REVISION_FILE = "REVISION"


class Store(BaseStore):
    """A dataset of named graphs with a SPARQL engine; open with `Store.open` or `Store.memory`."""

    def __init__(self, engine: ox.Store, *, path: Path | None = None) -> None:
        self.engine = engine
        self.path = path
        self._write_lock = threading.Lock()
        self._revision = 0
        self._dataset: rdflib.Dataset | None = None
        self._drop_staging_graphs()

    @classmethod
    def open(cls, path: Path) -> Store:
        """Open (creating if needed) the on-disk store at `path`."""
        path.mkdir(parents=True, exist_ok=True)
        try:
            engine = ox.Store(str(path))
        except OSError as error:
            if "lock" in str(error).lower():
                raise StoreLockedError(
                    f"the store at {path} is in use by another ffkg process (a running `ffkg serve` or "
                    "ingest); stop it or point --data-dir elsewhere"
                ) from None
            raise
        return cls(engine, path=path)

    @classmethod
    def memory(cls) -> Store:
        """A throw-away in-memory store (tests, one-off runs)."""
        return cls(ox.Store())

    def close(self) -> None:
        self.engine.flush()
        self._dataset = None
        del self.engine

    @property
    def dataset(self) -> rdflib.Dataset:
        """The same data through rdflib's API; queries see the union of the named graphs."""
        if self._dataset is None:
            self._dataset = rdflib.Dataset(store=OxigraphStore(store=self.engine), default_union=True)
        return self._dataset

    # -- reading -----------------------------------------------------------------------------------------

    def query(self, sparql: str, **options: Any) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """Run SPARQL on the engine; without explicit dataset options the default graph is the union."""
        if "default_graph" not in options and "named_graphs" not in options:
            options.setdefault("use_default_graph_as_union", True)
        return self.engine.query(sparql, **options)

    def graphs(self) -> list[str]:
        """IRIs of the source graphs (bookkeeping graphs left out), sorted."""
        return sorted(
            g.value
            for g in self.engine.named_graphs()
            if isinstance(g, ox.NamedNode) and not g.value.startswith(STAGING_PREFIX)
        )

    def has_graph(self, graph: str) -> bool:
        return self.engine.contains_named_graph(ox.NamedNode(graph))

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        graph_node = None if graph is None else ox.NamedNode(graph)
        yield from self.engine.quads_for_pattern(None, None, None, graph_node)

    def revision(self) -> int:
        """A number that grows with every write, seen by every process on the same data dir.

        Caches key on it so that no process serves stale answers after another one wrote.
        """
        if self.path is None:
            return self._revision
        try:
            return int((self.path / REVISION_FILE).read_text())
        except (FileNotFoundError, ValueError):
            return 0

    def _count_quads(self) -> int:
        return len(self.engine)

    # -- writing -----------------------------------------------------------------------------------------

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """Serialise writers within this process; a second concurrent writer is told the store is busy."""
        if not self._write_lock.acquire(timeout=60):
            raise StoreBusyError("another write to the store has been running for over a minute; try again later")
        try:
            yield
            self._bump_revision()
        finally:
            self._write_lock.release()

    def _bump_revision(self) -> None:
        self._revision = self.revision() + 1
        if self.path is not None:
            scratch = self.path / f"{REVISION_FILE}.{uuid.uuid4().hex}"
            scratch.write_text(str(self._revision))
            scratch.replace(self.path / REVISION_FILE)

    def replace_graph(self, graph: str, triples: Iterable[ox.Triple | ox.Quad]) -> int:
        """Atomically make `graph` hold exactly `triples`; returns how many were written.

        A graph the store does not hold yet is written by one atomic `extend`. An existing one is
        swapped by one SPARQL Update (drop, then insert the data), which the engine runs as one
        transaction: a staging graph moved into place would be visible to readers of the union
        default graph next to the old content until the `MOVE`.
        """
        target = ox.NamedNode(graph)
        rows = [(t.subject, t.predicate, t.object) for t in triples]
        with self._writing():
            if rows and not self.engine.contains_named_graph(target):
                self.engine.extend([ox.Quad(*row, target) for row in rows])
            else:
                data = ox.serialize([ox.Triple(*row) for row in rows], format=ox.RdfFormat.N_TRIPLES) or b""
                self.engine.update(
                    f"DROP SILENT GRAPH <{graph}> ; INSERT DATA {{ GRAPH <{graph}> {{ {data.decode()} }} }}"
                )
        return len(rows)

    def replace_graphs(self, graphs: Mapping[str, Iterable[ox.Triple | ox.Quad]]) -> int:
        """Write graphs the store does not hold yet in one transaction and one revision bump.

        Ingest writes documents in batches this way: a transaction per document cost a tenth of
        its time. Graphs that already exist are swapped one by one, as `replace_graph` does.
        """
        written = 0
        existing = {}
        with self._writing():
            quads = []
            for graph, triples in graphs.items():
                target = ox.NamedNode(graph)
                if self.engine.contains_named_graph(target):
                    existing[graph] = triples
                    continue
                quads += [ox.Quad(t.subject, t.predicate, t.object, target) for t in triples]
            self.engine.extend(quads)
            written += len(quads)
        for graph, triples in existing.items():
            written += self.replace_graph(graph, triples)
        return written

    def remove_graph(self, graph: str) -> None:
        if not self.has_graph(graph):
            raise NotFoundError(f"no graph {graph} in the store; `ffkg stats` lists what is there")
        with self._writing():
            self.engine.update(f"DROP SILENT GRAPH <{graph}>")

    def update(self, sparql: str) -> None:
        """Run a SPARQL Update in one transaction."""
        with self._writing():
            self.engine.update(sparql)

    def _add_default_quads(self, quads: list[ox.Quad]) -> None:
        with self._writing():
            self.engine.extend(quads)

    def _replace_all(self, quads: list[ox.Quad]) -> None:
        with self._writing():
            self.engine.update("DROP ALL")
            self.engine.extend(quads)

    def _drop_staging_graphs(self) -> None:
        """Remove half-written staging graphs a crashed writer left behind."""
        for graph in list(self.engine.named_graphs()):
            if isinstance(graph, ox.NamedNode) and graph.value.startswith(STAGING_PREFIX):
                self.engine.remove_graph(graph)


def open_store(settings: Settings) -> BaseStore:
    """The store the settings ask for: a remote SPARQL server, in memory, or on disk under the data dir.

    A remote server is checked here, so a wrong URL or password fails at start-up, not mid-request.
    """
    if settings.store == "sparql":
        return SparqlStore.connect(settings)
    if settings.in_memory:
        return Store.memory()
    return Store.open(settings.store_path)
