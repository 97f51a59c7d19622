"""The embedded store: Oxigraph on disk (or in memory), one named graph per source.

The pyoxigraph `Store` is the engine: SPARQL goes straight to it, updates as the user wrote
them, and results can be serialised by it without passing through rdflib terms.

Each triple lives in exactly one graph (`kg/backends/model.py`): a document's graph holds its
node, mentions and evidence, entity descriptions and facts live once in their own graphs,
and what users write (the default graph, their own graphs) is theirs alone. Queries without
FROM/GRAPH read the engine's union of all graphs, which is then a set by construction; a
triple a user and a document both state is the one case it holds twice (on every backend).

Writes of a source are all-or-nothing: a file is parsed completely before anything is
written, and replacing a graph is one engine transaction, so a crash leaves either the
old or the new version and a concurrent reader never sees both. Graphs new to the store go
through the engine's bulk loader, which has no transaction; a marker file lets the next open
remove a load that never finished, so after a crash the store is as it was before the load.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import threading
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

import pyoxigraph as ox

from kg.backends import model
from kg.backends.base import STAGING_PREFIX, BaseStore, file_graph_iri, parse_rdf
from kg.backends.model import union_default
from kg.backends.sparql import SparqlStore
from kg.errors import StoreBusyError, StoreLockedError
from kg.iris import DERIVED_GRAPHS
from kg.settings import Settings

__all__ = ["STAGING_PREFIX", "BaseStore", "Store", "file_graph_iri", "open_store", "parse_rdf", "union_default"]

REVISION_FILE = "REVISION"
#: Present while the engine's bulk loader (which has no transaction) writes; says what to remove if it never finished.
BULK_LOAD_FILE = "BULK-LOADING"
#: Names the data dir's layout; an older one is migrated on open, after a backup.
LAYOUT_FILE = "LAYOUT"
LAYOUT = "facts-once 2"
#: The layout that kept a set copy of the union in the default graph.
UNION_COPY_LAYOUT = "union-default-graph 1"
#: Quads per transaction when many new graphs are written at once (`ffkg load`).
TRANSACTION_QUADS = 200_000

_log = logging.getLogger(__name__)


def _snapshot_root(path: Path) -> Path:
    """Where the read-only snapshots of the store at `path` go: beside it, not inside its files."""
    return path.with_name(path.name + ".snapshots")


def stored_revision(path: Path) -> int:
    """The revision the store at `path` last wrote to its file: what other processes go by."""
    try:
        return int((path / REVISION_FILE).read_text())
    except (FileNotFoundError, ValueError):
        return 0


class Snapshot(NamedTuple):
    """A read-only copy of the store's files and the revision it holds."""

    path: Path
    revision: int


class Store(BaseStore):
    """A dataset of named graphs with a SPARQL engine; open with `Store.open` or `Store.memory`."""

    def __init__(self, engine: ox.Store, *, path: Path | None = None) -> None:
        self.engine = engine
        self.path = path
        self._write_lock = threading.RLock()
        self._snapshot_lock = threading.Lock()
        self._snapshot_of: dict[int, Path] = {}  # the current revision's snapshot, once taken
        self._readers: dict[Path, int] = {}  # snapshot -> readers holding it
        self._revision = stored_revision(path) if path is not None else 0
        self._recover_bulk_load()
        self._drop_staging_graphs()
        self._migrate_layout()
        self.drop_snapshots()  # left by a server that crashed; this process owns the store now

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
        del self.engine
        self.drop_snapshots()

    # -- snapshots for reader processes ----------------------------------------------------------------

    def drop_snapshots(self) -> None:
        """Delete every snapshot; for when no reader process is left (server shutdown, close)."""
        if self.path is None:
            return
        with self._snapshot_lock:
            self._snapshot_of, self._readers = {}, {}
            shutil.rmtree(_snapshot_root(self.path), ignore_errors=True)

    def acquire_taken_snapshot(self) -> Snapshot | None:
        """As `acquire_snapshot` when the current revision's snapshot was taken already (no I/O but
        reading the revision), else None: taking one is for a thread off the event loop."""
        with self._snapshot_lock:
            return self._acquire(self.revision(), take=False)

    def acquire_snapshot(self) -> Snapshot:
        """A read-only copy of the data as of now, for another process to open with `Store.read_only`;
        hand it back with `release_snapshot` when that process is done reading.

        pyoxigraph's read-only open is undefined behaviour while another process writes the same
        store, and it did misread live data here (an aggregate grew to 24 GB). A checkpoint (hard
        links, about 12 ms at 1M triples) is a store nobody writes. One is taken per revision, and
        a superseded one is deleted as soon as no reader holds it.
        """
        if self.path is None:
            raise ValueError("an in-memory store has no files for other processes to open")
        with self._snapshot_lock:
            snapshot = self._acquire(self.revision(), take=True)
            assert snapshot is not None
            return snapshot

    def _acquire(self, revision: int, *, take: bool) -> Snapshot | None:
        if revision not in self._snapshot_of:
            if not take or self.path is None:
                return None
            target = _snapshot_root(self.path) / f"{revision}-{uuid.uuid4().hex}"
            target.parent.mkdir(parents=True, exist_ok=True)
            self.engine.backup(str(target))
            superseded = list(self._snapshot_of.values())
            self._snapshot_of = {revision: target}
            for path in superseded:
                self._forget_if_unread(path)
        path = self._snapshot_of[revision]
        self._readers[path] = self._readers.get(path, 0) + 1
        return Snapshot(path, revision)

    def release_snapshot(self, snapshot: Snapshot) -> None:
        with self._snapshot_lock:
            self._readers[snapshot.path] -= 1
            self._forget_if_unread(snapshot.path)

    def _forget_if_unread(self, path: Path) -> None:
        if self._readers.get(path, 0) == 0 and path not in self._snapshot_of.values():
            self._readers.pop(path, None)
            shutil.rmtree(path, ignore_errors=True)

    # -- reading -----------------------------------------------------------------------------------------

    def query(self, sparql: str, **options: Any) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """Run SPARQL on the engine; without explicit dataset options the default graph is the union
        of every graph (a set, since each triple lives in one graph)."""
        return self.engine.query(sparql, **union_default(options))

    def graphs(self) -> list[str]:
        """IRIs of the source graphs (bookkeeping graphs left out), sorted."""
        return sorted(
            g.value
            for g in self.engine.named_graphs()
            if isinstance(g, ox.NamedNode) and not g.value.startswith(STAGING_PREFIX) and g.value not in DERIVED_GRAPHS
        )

    def has_graph(self, graph: str) -> bool:
        return self.engine.contains_named_graph(ox.NamedNode(graph))

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        """Quads of one graph, or of the whole dataset (the default graph holds only what users wrote there)."""
        if graph is not None:
            yield from self.engine.quads_for_pattern(None, None, None, ox.NamedNode(graph))
            return
        for quad in self.engine.quads_for_pattern(None, None, None, None):
            name = quad.graph_name
            if not (isinstance(name, ox.NamedNode) and name.value.startswith(STAGING_PREFIX)):
                yield quad

    def revision(self) -> int:
        """A number that grows with every write, seen by every process on the same data dir.

        Caches key on it so that no process serves stale answers after another one wrote. On disk
        it is kept in a file for processes that read snapshots while this one holds the store; no
        other process can write while this one holds it, so it is served from memory here (reading
        the file took a tenth of the server's own time per SPARQL query).
        """
        return self._revision

    def _count_quads(self) -> int:
        return len(self.engine)

    # -- writing -----------------------------------------------------------------------------------------

    @contextmanager
    def _exclusive(self) -> Iterator[None]:
        """Serialise writers within this process; a second concurrent writer is told the store is busy."""
        if not self._write_lock.acquire(timeout=60):
            raise StoreBusyError("another write to the store has been running for over a minute; try again later")
        try:
            yield
        finally:
            self._write_lock.release()

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """A write: exclusive, and the revision moves once it succeeded."""
        with self._exclusive():
            yield
            self._bump_revision()

    def _bump_revision(self) -> None:
        self._revision += 1
        if self.path is not None:
            scratch = self.path / f"{REVISION_FILE}.{uuid.uuid4().hex}"
            scratch.write_text(str(self._revision))
            scratch.replace(self.path / REVISION_FILE)

    def replace_graph(self, graph: str, triples: Iterable[ox.Triple | ox.Quad]) -> int:
        """Atomically make `graph` hold exactly `triples`; returns how many were written.

        A graph the store does not hold yet is written by one atomic `extend`. An existing one is
        swapped by one SPARQL Update (what only it supported goes, then the new triples), which the
        engine runs as one transaction, so readers see the old version or the new one.
        """
        target = ox.NamedNode(graph)
        quads = [ox.Quad(t.subject, t.predicate, t.object, target) for t in triples]
        with self._writing():
            if quads and not self.engine.contains_named_graph(target):
                self.engine.extend(quads)
            else:
                self.engine.update(self._replacing(graph, quads))
        return len(quads)

    def replace_graphs(self, graphs: Mapping[str, Iterable[ox.Triple | ox.Quad]]) -> int:
        """Write graphs the store does not hold yet in few transactions and one revision bump.

        `ffkg load` writes many graphs this way. Each transaction holds whole graphs, up to
        `TRANSACTION_QUADS` quads. Graphs that already exist are swapped one by one, as
        `replace_graph` does.
        """
        written = 0
        existing = {}
        with self._writing():
            quads: list[ox.Quad] = []
            for graph, triples in graphs.items():
                target = ox.NamedNode(graph)
                if self.engine.contains_named_graph(target):
                    existing[graph] = triples
                    continue
                quads += [ox.Quad(t.subject, t.predicate, t.object, target) for t in triples]
                if len(quads) >= TRANSACTION_QUADS:
                    self.engine.extend(quads)
                    written, quads = written + len(quads), []
            self.engine.extend(quads)
            written += len(quads)
        for graph, triples in existing.items():
            written += self.replace_graph(graph, triples)
        return written

    def update(self, sparql: str, *, base_iri: str | None = None) -> None:
        """Run a SPARQL Update on the engine as given, in one transaction."""
        with self._writing():
            self.engine.update(sparql, base_iri=base_iri)

    def _atomic_update(self, text: str, *, written: Sequence[str] = (), dropped: Sequence[str] = ()) -> None:
        with self._writing():
            self.engine.update(text)

    def write_quads(self, quads: list[ox.Quad]) -> None:
        """As `BaseStore.write_quads`, with what the store holds nothing of yet (every quad, into an
        empty store; else the graphs it does not hold) written by the engine's bulk loader.

        The bulk loader is several times faster than transactions but has none: a marker file names
        what it is writing until it is done, and if the process dies first (or the load fails),
        opening the store removes what was being written. So the load is all or nothing once the
        store is reopened, and what the store held before is never touched. Readers in this process
        could see the new graphs arrive part by part; `ffkg load`, the one caller, holds the store alone.
        """
        by_graph = model.group_by_graph(quads)
        with self._exclusive():
            if self._is_empty():
                bulk, new, by_graph = quads, None, {}
            else:
                new = [g for g in by_graph if g and not self.engine.contains_named_graph(ox.NamedNode(g))]
                bulk = [quad for graph in new for quad in by_graph.pop(graph)]
            if bulk:
                with self._writing():
                    self._bulk_extend(bulk, new)
            self._write_grouped(by_graph)

    def _bulk_extend(self, quads: list[ox.Quad], graphs: list[str] | None) -> None:
        """Bulk-load `quads`, which are all of `graphs` (None: of an empty store), undoable until done."""
        marker = None if self.path is None else self.path / BULK_LOAD_FILE
        if marker is not None:
            _write_durably(marker, json.dumps({"graphs": graphs}))
        try:
            self.engine.bulk_extend(quads)
        except BaseException:
            self._undo_bulk_load(graphs)
            raise
        if marker is not None:
            marker.unlink()

    def _undo_bulk_load(self, graphs: list[str] | None) -> None:
        if graphs is None:
            self.engine.clear()
        else:
            for graph in graphs:
                self.engine.remove_graph(ox.NamedNode(graph))
        if self.path is not None:
            (self.path / BULK_LOAD_FILE).unlink(missing_ok=True)

    def _recover_bulk_load(self) -> None:
        """Remove what a bulk load that never finished wrote (the process died mid-load)."""
        if self.path is None or not (marker := self.path / BULK_LOAD_FILE).exists():
            return
        graphs = json.loads(marker.read_text())["graphs"]
        _log.warning(
            "a bulk load into %s did not finish; removing what it wrote (%s)",
            self.path,
            "everything, as the store was empty" if graphs is None else f"{len(graphs)} new graphs",
        )
        self._undo_bulk_load(graphs)
        self._bump_revision()

    def _add_default_quads(self, quads: list[ox.Quad]) -> None:
        with self._writing():
            self.engine.extend(quads)

    def _replace_all(self, quads: list[ox.Quad]) -> None:
        """One transaction: a crash mid-restore leaves the old dataset, never half of each."""
        with self._writing():
            self.engine.update(f"DROP ALL ; {model.insert_data(quads)}")

    def _migrate_layout(self) -> None:
        """Bring a data dir of an earlier layout to this one, after a backup beside it.

        Earlier layouts restated every entity and fact in each document's graph, and the last one
        also kept a copy of their union in the default graph. A user's own default-graph triple
        that a document also stated cannot be told from that copy, so it does not survive: the
        backup keeps it.
        """
        if self.path is None:
            return
        marker = self.path / LAYOUT_FILE
        found = marker.read_text().strip() if marker.exists() else None
        if found == LAYOUT:
            return
        if self._has_named_graphs():
            backup = self.path.with_name(f"{self.path.name}.backup-before-{LAYOUT.split()[0]}-{uuid.uuid4().hex[:8]}")
            self.engine.backup(str(backup))
            self.engine.update(model.migrate_from_restated(had_union_copy=found == UNION_COPY_LAYOUT))
            self._bump_revision()
        marker.write_text(LAYOUT + "\n")

    def _is_empty(self) -> bool:
        return next(self.engine.quads_for_pattern(None, None, None, None), None) is None

    def _has_named_graphs(self) -> bool:
        return next(iter(self.engine.named_graphs()), None) is not None

    def _drop_staging_graphs(self) -> None:
        """Remove half-written staging graphs a crashed writer left behind."""
        for graph in list(self.engine.named_graphs()):
            if isinstance(graph, ox.NamedNode) and graph.value.startswith(STAGING_PREFIX):
                self.engine.remove_graph(graph)


def _write_durably(path: Path, text: str) -> None:
    """Put `text` in `path` all at once and on disk before returning (a marker others must be able to trust)."""
    scratch = path.with_name(f"{path.name}.{uuid.uuid4().hex}")
    with scratch.open("w") as file:
        file.write(text)
        file.flush()
        os.fsync(file.fileno())
    scratch.replace(path)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def open_store(settings: Settings) -> BaseStore:
    """The store the settings ask for: a remote SPARQL server, in memory, or on disk under the data dir.

    A remote server is checked here, so a wrong URL or password fails at start-up, not mid-request.
    """
    if settings.store == "sparql":
        return SparqlStore.connect(settings)
    if settings.in_memory:
        return Store.memory()
    return Store.open(settings.store_path)
