"""The embedded store: Oxigraph on disk (or in memory), one named graph per source.

The pyoxigraph `Store` is the engine: SPARQL goes straight to it, and results can be
serialised by it without passing through rdflib terms. `Store.dataset` gives the same
data through rdflib's Dataset API (oxrdflib) for code that wants rdflib.

The default graph holds the union of the named graphs *as a set*, written alongside
every write. Oxigraph's own union default graph is a bag: a triple stated by N documents
(every document restates the type and label of the entities it mentions) matched N
times, so joins over shared entities multiplied rows and counts without DISTINCT came
out inflated. Triples written straight into the default graph (a SPARQL Update without
GRAPH) live there too; they are what `quads()` and backups keep of the default graph.

Writes of a source are all-or-nothing: a file is parsed completely before anything is
written, and replacing a graph is one engine transaction, so a crash leaves either the
old or the new version and a concurrent reader never sees both.
"""

from __future__ import annotations

import re
import shutil
import threading
import uuid
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

import pyoxigraph as ox
import rdflib
from oxrdflib import OxigraphStore

from kg.backends.base import STAGING_PREFIX, BaseStore, file_graph_iri, parse_rdf
from kg.backends.sparql import SparqlStore
from kg.errors import NotFoundError, StoreBusyError, StoreLockedError
from kg.settings import Settings

__all__ = ["STAGING_PREFIX", "BaseStore", "Store", "file_graph_iri", "open_store", "parse_rdf"]

REVISION_FILE = "REVISION"
#: Marks a data dir whose default graph holds the set union; older ones get it built on open.
LAYOUT_FILE = "LAYOUT"
LAYOUT = "union-default-graph 1"
#: Quads per transaction when many new graphs are written at once (ingest batches, `ffkg load`).
TRANSACTION_QUADS = 200_000

_UNION = "INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"
_UNION_MISSING = "INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } FILTER NOT EXISTS { ?s ?p ?o } }"
_UNSTATE = "DELETE { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"
#: An update that may add to named graphs: the union gains what they gained, after it.
_NAMES_GRAPHS = re.compile(r"\b(GRAPH|WITH|USING|DROP|CLEAR|CREATE|LOAD|ADD|MOVE|COPY)\b", re.IGNORECASE)
#: An update that may delete, or whose WHERE would read the union: it runs with the union set aside.
_REMOVES = re.compile(r"\b(DELETE|DROP|CLEAR|MOVE|COPY|WHERE)\b", re.IGNORECASE)
_TRAILING_SEPARATOR = re.compile(r";(\s|#[^\n]*)*$")
#: `INSERT DATA` / `DELETE DATA` up to this size are parsed to keep the union in step triple by triple.
DATA_UPDATE_MAX_CHARS = 100_000


def _retract(graph: str) -> str:
    """Update text removing from the union the triples only `graph` states."""
    return (
        f"DELETE {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} "
        f"FILTER NOT EXISTS {{ GRAPH ?other {{ ?s ?p ?o }} FILTER(?other != <{graph}>) }} }}"
    )


def _snapshot_root(path: Path) -> Path:
    """Where the read-only snapshots of the store at `path` go: beside it, not inside its files."""
    return path.with_name(path.name + ".snapshots")


def _n_triples(triples: list[ox.Triple]) -> str:
    return (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode()


def _union_copies(quads: list[ox.Quad]) -> list[ox.Quad]:
    """The named-graph quads' triples as default-graph quads (the engine keeps sets, repeats are free)."""
    return [ox.Quad(q.subject, q.predicate, q.object) for q in quads if not isinstance(q.graph_name, ox.DefaultGraph)]


def _with_union(quads: list[ox.Quad]) -> list[ox.Quad]:
    """Named-graph quads plus their copies in the union."""
    return quads + _union_copies(quads)


def _in_step_with_union(sparql: str) -> str:
    """The update followed (or surrounded) by what keeps the union in the default graph in step."""
    if not (_REMOVES.search(sparql) or _NAMES_GRAPHS.search(sparql)):
        return sparql
    operations = _TRAILING_SEPARATOR.sub("", sparql)
    steps = _data_update_steps(sparql)
    if steps is not None:
        return f"{operations}\n; {steps}" if steps else sparql
    if _REMOVES.search(sparql):
        return f"{_UNSTATE} ;\n{operations}\n; {_UNION}"
    return f"{operations}\n; {_UNION_MISSING}"


def _data_update_steps(sparql: str) -> str | None:
    """For an update made only of `INSERT DATA` / `DELETE DATA`, the steps that keep the union in step
    with the triples it names, judged on the state after it; None when that cannot be told (other
    operations, blank nodes, unparsable or long text), and the caller falls back to a whole pass."""
    if len(sparql) > DATA_UPDATE_MAX_CHARS:
        return None
    from rdflib.plugins.sparql.algebra import translateUpdate  # noqa: PLC0415 - only updates need the parser
    from rdflib.plugins.sparql.parser import parseUpdate  # noqa: PLC0415

    try:
        operations = translateUpdate(parseUpdate(sparql)).algebra
    except Exception:  # rdflib reads less than the engine does; the engine has the last word
        return None
    steps = []
    for operation in operations:
        if operation.name not in ("InsertData", "DeleteData"):
            return None
        named = [triple for triples in (operation.get("quads") or {}).values() for triple in triples]
        direct = list(operation.get("triples") or [])
        if any(isinstance(term, rdflib.BNode) for triple in named + direct for term in triple):
            return None
        if operation.name == "InsertData":
            steps += [_restate(triple) for triple in named]
        else:  # a direct delete must not take a stated triple out of the union
            steps += [_unstate(triple) for triple in named] + [_restate(triple) for triple in direct]
    return " ;\n".join(steps)


def _restate(triple: tuple[rdflib.term.Node, ...]) -> str:
    """Update step: the triple is in the union if some named graph states it."""
    pattern = " ".join(_nt_term(term) for term in triple)
    return f"INSERT {{ {pattern} }} WHERE {{ GRAPH ?g {{ {pattern} }} }}"


def _unstate(triple: tuple[rdflib.term.Node, ...]) -> str:
    """Update step: the triple leaves the union if no named graph states it."""
    pattern = " ".join(_nt_term(term) for term in triple)
    return f"DELETE {{ {pattern} }} WHERE {{ FILTER NOT EXISTS {{ GRAPH ?g {{ {pattern} }} }} }}"


def _nt_term(term: rdflib.term.Node) -> str:
    """An rdflib IRI or literal in N-Triples syntax, as pyoxigraph writes it (valid in SPARQL too)."""
    if isinstance(term, rdflib.Literal):
        if term.language:
            return str(ox.Literal(str(term), language=term.language))
        datatype = ox.NamedNode(str(term.datatype)) if term.datatype else None
        return str(ox.Literal(str(term), datatype=datatype))
    return str(ox.NamedNode(str(term)))


class Snapshot(NamedTuple):
    """A read-only copy of the store's files and the revision it holds."""

    path: Path
    revision: int


class Store(BaseStore):
    """A dataset of named graphs with a SPARQL engine; open with `Store.open` or `Store.memory`."""

    def __init__(self, engine: ox.Store, *, path: Path | None = None) -> None:
        self.engine = engine
        self.path = path
        self._write_lock = threading.Lock()
        self._snapshot_lock = threading.Lock()
        self._snapshot_of: dict[int, Path] = {}  # the current revision's snapshot, once taken
        self._readers: dict[Path, int] = {}  # snapshot -> readers holding it
        self._revision = 0
        self._dataset: rdflib.Dataset | None = None
        self._drop_staging_graphs()
        self._ensure_union_layout()
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
        self._dataset = None
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

    @property
    def dataset(self) -> rdflib.Dataset:
        """The same data through rdflib's API; its default graph is the union of the named graphs."""
        if self._dataset is None:
            self._dataset = rdflib.Dataset(store=OxigraphStore(store=self.engine), default_union=False)
        return self._dataset

    # -- reading -----------------------------------------------------------------------------------------

    def query(self, sparql: str, **options: Any) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """Run SPARQL on the engine; without explicit dataset options the default graph is the union
        (the set the store keeps there, not the engine's bag union)."""
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
        """Quads of one graph, or the whole dataset: the union's copies in the default graph are left
        out (they are derived), triples written straight into the default graph are kept."""
        if graph is not None:
            yield from self.engine.quads_for_pattern(None, None, None, ox.NamedNode(graph))
            return
        for quad in self.engine.quads_for_pattern(None, None, None, None):
            if not isinstance(quad.graph_name, ox.DefaultGraph) or not self._stated_in_a_graph(quad):
                yield quad

    def _stated_in_a_graph(self, quad: ox.Quad) -> bool:
        return any(
            not isinstance(q.graph_name, ox.DefaultGraph)
            for q in self.engine.quads_for_pattern(quad.subject, quad.predicate, quad.object, None)
        )

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
        """As many as `quads()` yields, counted by the engine: every quad but the union's copies, which
        are as many as the distinct triples of the named graphs (20 s -> 1.3 s at 1M against iterating)."""
        copies = self.engine.query("SELECT (COUNT(*) AS ?n) { SELECT DISTINCT ?s ?p ?o { GRAPH ?g { ?s ?p ?o } } }")
        return len(self.engine) - int(next(iter(copies))["n"].value)

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

        A graph the store does not hold yet is written by one atomic `extend`, with its triples'
        copies in the union. An existing one is swapped by one SPARQL Update (take out of the union
        what only this graph stated, drop it, insert the new data in the graph and the union), which
        the engine runs as one transaction, so readers see the old version or the new one.
        """
        target = ox.NamedNode(graph)
        rows = [(t.subject, t.predicate, t.object) for t in triples]
        with self._writing():
            if rows and not self.engine.contains_named_graph(target):
                self.engine.extend(_with_union([ox.Quad(*row, target) for row in rows]))
            else:
                text = _n_triples([ox.Triple(*row) for row in rows])
                self.engine.update(
                    f"{_retract(graph)} ; DROP SILENT GRAPH <{graph}> ; "
                    f"INSERT DATA {{ GRAPH <{graph}> {{ {text} }} {text} }}"
                )
        return len(rows)

    def replace_graphs(self, graphs: Mapping[str, Iterable[ox.Triple | ox.Quad]]) -> int:
        """Write graphs the store does not hold yet in few transactions and one revision bump.

        Ingest and `ffkg load` write many graphs this way: a transaction per document cost a
        tenth of ingest time. Each transaction holds whole graphs, up to `TRANSACTION_QUADS`
        quads. Graphs that already exist are swapped one by one, as `replace_graph` does.
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
                    self.engine.extend(_with_union(quads))
                    written, quads = written + len(quads), []
            self.engine.extend(_with_union(quads))
            written += len(quads)
        for graph, triples in existing.items():
            written += self.replace_graph(graph, triples)
        return written

    def remove_graph(self, graph: str) -> None:
        if not self.has_graph(graph):
            raise NotFoundError(f"no graph {graph} in the store; `ffkg stats` lists what is there")
        with self._writing():
            self.engine.update(f"{_retract(graph)} ; DROP SILENT GRAPH <{graph}>")

    def update(self, sparql: str) -> None:
        """Run a SPARQL Update in one transaction, keeping the union in the default graph in step.

        `INSERT DATA` / `DELETE DATA` are followed by steps for exactly the triples they name.
        Any other update that can delete or match patterns runs with the union taken out of the
        default graph, so it sees and changes only triples written there directly, as on any store
        whose default graph is a graph of its own; the union is written back in the same
        transaction, which costs a pass over the store. Other inserts add what named graphs gained.
        """
        text = _in_step_with_union(sparql)
        with self._writing():
            try:
                self.engine.update(text)
            except SyntaxError:
                ox.Store().update(sparql)  # the position of the error in the text the user sent
                raise

    def write_quads(self, quads: list[ox.Quad]) -> None:
        """As `BaseStore.write_quads`; into a store with no graphs yet, through the engine's bulk
        loader (no transaction: a failed load of a fresh store leaves a store to delete, not to repair)."""
        if self._has_named_graphs() or not self._write_lock.acquire(blocking=False):
            super().write_quads(quads)
            return
        try:
            self.engine.bulk_extend(quads)
            self.engine.bulk_extend(_union_copies(quads))
            self._bump_revision()
        finally:
            self._write_lock.release()

    def _add_default_quads(self, quads: list[ox.Quad]) -> None:
        with self._writing():
            self.engine.extend(quads)

    def _replace_all(self, quads: list[ox.Quad]) -> None:
        """One transaction: a crash mid-restore leaves the old dataset, never half of each."""
        by_graph: dict[ox.NamedNode | ox.BlankNode | ox.DefaultGraph, list[ox.Triple]] = {}
        for quad in quads:
            by_graph.setdefault(quad.graph_name, []).append(ox.Triple(quad.subject, quad.predicate, quad.object))
        blocks = [
            _n_triples(triples) if isinstance(graph, ox.DefaultGraph) else f"GRAPH {graph} {{ {_n_triples(triples)} }}"
            for graph, triples in by_graph.items()
        ]
        union = [
            triple
            for graph, triples in by_graph.items()
            if not isinstance(graph, ox.DefaultGraph)
            for triple in triples
        ]
        with self._writing():
            self.engine.update(f"DROP ALL ; INSERT DATA {{ {' '.join(blocks)} {_n_triples(union)} }}")

    def _ensure_union_layout(self) -> None:
        """Build the set union in the default graph of a data dir written before it was kept there."""
        if self.path is None or (self.path / LAYOUT_FILE).exists():
            return
        if self._has_named_graphs():
            self.engine.update(_UNION)
        (self.path / LAYOUT_FILE).write_text(LAYOUT + "\n")

    def _has_named_graphs(self) -> bool:
        return next(iter(self.engine.named_graphs()), None) is not None

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
