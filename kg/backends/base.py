"""What every store backend shares: parsing, loading files, export, restore and stats.

A backend only has to say how to read and write named graphs (`query`, `quads`,
`replace_graph`, ...); the format handling on top of that is written once here, so the
embedded store and a remote SPARQL server behave the same for `ffkg load`/`export`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import IO, Any, Self

import pyoxigraph as ox

from kg import formats
from kg.backends import model
from kg.errors import NotFoundError, RdfParseError
from kg.iris import ENTITIES_GRAPH, FACTS_GRAPH, GRAPH, ONTOLOGY, normalise_key
from kg.mapping import DocumentTriples

#: Graphs a writer fills before one atomic `MOVE` puts them in place; never listed as sources.
STAGING_PREFIX = GRAPH + "_staging/"

QueryResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples


class BaseStore(ABC):
    """A dataset of named graphs (one per source) with a SPARQL engine behind it."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @abstractmethod
    def close(self) -> None: ...

    # -- what a backend provides ------------------------------------------------------------------------

    @abstractmethod
    def query(self, sparql: str, **options: Any) -> QueryResult:
        """Run SPARQL; without explicit dataset options the default graph is the union of the sources."""

    @abstractmethod
    def graphs(self) -> list[str]:
        """IRIs of the source graphs (bookkeeping graphs left out), sorted."""

    @abstractmethod
    def has_graph(self, graph: str) -> bool: ...

    @abstractmethod
    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        """Every quad of one graph, or of the whole dataset (default-graph quads included)."""

    @abstractmethod
    def revision(self) -> int:
        """A number that grows with every write, seen by every process sharing the data.

        Caches key on it so that no process serves stale answers after another one wrote.
        """

    @abstractmethod
    def replace_graph(self, graph: str, triples: Iterable[ox.Triple | ox.Quad]) -> int:
        """Atomically make `graph` hold exactly `triples`; returns how many were written."""

    def replace_graphs(self, graphs: Mapping[str, Iterable[ox.Triple | ox.Quad]]) -> int:
        """Replace several graphs, each atomically; backends may write them in fewer transactions."""
        return sum(self.replace_graph(graph, triples) for graph, triples in graphs.items())

    @abstractmethod
    def update(self, sparql: str, *, base_iri: str | None = None) -> None:
        """Run a SPARQL Update as given, atomically; relative IRIs in it resolve against `base_iri`."""

    @abstractmethod
    def _atomic_update(self, text: str, *, written: Sequence[str] = (), dropped: Sequence[str] = ()) -> None:
        """Run our own update text as one write; `written`/`dropped` are the graphs it fills or removes."""

    def _exclusive(self) -> AbstractContextManager[object]:
        """Held while a write reads what it is about to change (the embedded store's write lock)."""
        return nullcontext()

    @abstractmethod
    def _add_default_quads(self, quads: list[ox.Quad]) -> None:
        """Add quads to the default graph, keeping what is there."""

    @abstractmethod
    def _replace_all(self, quads: list[ox.Quad]) -> None:
        """Make the dataset hold exactly `quads`."""

    @abstractmethod
    def _count_quads(self) -> int: ...

    # -- documents: each triple in one graph ------------------------------------------------------------

    def write_documents(self, documents: Sequence[DocumentTriples]) -> int:
        """Write documents (replacing stored versions of them) with their entities and facts, in one write.

        A replaced version's graph goes first, with the facts and entities only it supported; then
        the counts of every fact either version supports are set again, and the new triples go in.
        """
        by_graph: dict[str, list[ox.Triple]] = {ENTITIES_GRAPH: [], FACTS_GRAPH: []}
        for document in documents:
            by_graph[document.graph] = document.document
            by_graph[ENTITIES_GRAPH] += document.entities
            by_graph[FACTS_GRAPH] += document.facts
        for shared in (ENTITIES_GRAPH, FACTS_GRAPH):  # documents of a batch often describe the same entities
            by_graph[shared] = list(dict.fromkeys(by_graph[shared]))
        with self._exclusive():
            existing = [document.graph for document in documents if self.has_graph(document.graph)]
            text = self._rewriting(existing, [triple for document in documents for triple in document.document])
            self._atomic_update(
                " ;\n".join(filter(None, [text, model.insert_triples(by_graph)])),
                written=[*(document.graph for document in documents), ENTITIES_GRAPH, FACTS_GRAPH],
            )
        return sum(len(triples) for triples in by_graph.values())

    def remove_graph(self, graph: str) -> None:
        """Drop a graph; for a document's, also the facts and entities no other document supports."""
        if not self.has_graph(graph):
            raise NotFoundError(f"no graph {graph} in the store; `ffkg stats` lists what is there")
        with self._exclusive():
            self._atomic_update(self._replacing(graph, []), dropped=[graph])

    def recount_facts(self) -> None:
        """Set every fact's counts again from its evidence: a pass over the facts, for after writes from
        several processes at once, whose targeted recounts may each have missed the others' evidence."""
        self._atomic_update(model.recount(None))

    def _replacing(self, graph: str, quads: list[ox.Quad]) -> str:
        """Update text making `graph` hold exactly `quads`, and taking out what only its old content supported."""
        text = self._rewriting([graph], quads, recount_new=False)
        return " ;\n".join(filter(None, [text, model.insert_data(quads) if quads else ""]))

    def _rewriting(
        self, graphs: Sequence[str], adding: Sequence[ox.Triple | ox.Quad], *, recount_new: bool = True
    ) -> str:
        """Update text dropping `graphs`, what only they supported and `adding` will not, and recounting the
        facts they supported (and those `adding` supports, with `recount_new`), as if `adding` were stored.

        `adding` itself is for the caller to insert after this text: the counts take its evidence from
        it rather than from the store, so the update reads everything before its large insert.
        """
        facts, entities = self._touched(graphs)
        fresh = model.supports(adding)
        kept_facts = {row[0].value for row in fresh}
        steps = [
            *(f"DROP SILENT GRAPH <{graph}>" for graph in graphs),
            model.collect(facts - kept_facts, entities - model.mentioned(adding)),
            model.recount(facts | kept_facts if recount_new else facts, fresh),
        ]
        return " ;\n".join(step for step in steps if step)

    def _touched(self, graphs: Iterable[str]) -> tuple[set[str], set[str]]:
        """The facts the graphs' evidence supports and the entities they mention."""
        facts: set[str] = set()
        entities: set[str] = set()
        for graph in graphs:
            for row in self.query(model.touched_query(graph)):
                if row["f"] is not None:
                    facts.add(row["f"].value)
                if row["e"] is not None:
                    entities.add(row["e"].value)
        return facts, entities

    # -- shared on top ----------------------------------------------------------------------------------

    def stats(self) -> dict[str, Any]:
        """Triples, documents and entities per class, as a researcher's first look at the data."""
        per_class = {
            row["class"].value: int(row["n"].value)
            for row in self.query(
                "SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class } GROUP BY ?class ORDER BY DESC(?n)"
            )
        }
        count = f"SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE {{ ?d a <{ONTOLOGY}Document> }}"
        documents = int(next(iter(self.query(count)))["n"].value)
        return {
            "triples": self._count_quads(),
            "graphs": len(self.graphs()),
            "documents": documents,
            "classes": per_class,
        }

    def load_file(self, path: Path, *, graph: str | None = None, format_name: str | None = None) -> tuple[str, int]:
        """Load an RDF file into its own named graph (default: one derived from the file name).

        Quad formats keep their own graphs unless `graph` is given. Returns the graph and the count.
        """
        fmt = formats.by_name(format_name) if format_name else formats.by_path(path)
        if not path.is_file():
            raise NotFoundError(f"{path}: no such file")
        target = graph or file_graph_iri(path)
        parsed = parse_rdf(path.read_bytes(), fmt, source=str(path), base_iri=path.resolve().as_uri())
        if fmt.quads and graph is None:
            self.write_quads(parsed)
        else:
            self.replace_graph(target, parsed)
        return target, len(parsed)

    def write_quads(self, quads: list[ox.Quad]) -> None:
        """Quads that name their own graphs replace each of those graphs; default-graph ones are added."""
        self._write_grouped(model.group_by_graph(quads))

    def _write_grouped(self, by_graph: dict[str, list[ox.Quad]]) -> None:
        """As `write_quads`, for quads grouped by `model.group_by_graph` (the group is consumed)."""
        direct = by_graph.pop("", [])
        if by_graph:
            self.replace_graphs(by_graph)
        if direct:
            self._add_default_quads(direct)

    def export(self, out: IO[bytes], format_name: str = "nquads", *, graph: str | None = None) -> None:
        """Write the dataset (or one graph) in the given format; triple formats need `graph`."""
        fmt = formats.by_name(format_name)
        if graph is not None:
            if not self.has_graph(graph):
                raise NotFoundError(f"no graph {graph} in the store; `ffkg stats` lists what is there")
            quads = list(self.quads(graph))
            if fmt.quads:
                ox.serialize(quads, out, fmt.oxigraph)
            else:
                ox.serialize([ox.Triple(q.subject, q.predicate, q.object) for q in quads], out, fmt.oxigraph)
            return
        if not fmt.quads:
            triples = {ox.Triple(q.subject, q.predicate, q.object) for q in self.quads()}
            ox.serialize(sorted(triples, key=str), out, fmt.oxigraph)
            return
        ox.serialize(list(self.quads()), out, fmt.oxigraph)

    def restore(self, source: IO[bytes], format_name: str = "nquads", *, source_name: str = "backup") -> int:
        """Replace the whole dataset with a backup, after a full parse."""
        fmt = formats.by_name(format_name)
        if not fmt.quads:
            raise RdfParseError(source_name, f"a backup must be a quad format (nquads, trig, jsonld), not {fmt.name}")
        quads = parse_rdf(source.read(), fmt, source=source_name)
        self._replace_all(quads)
        return len(quads)


def file_graph_iri(path: Path) -> str:
    """The named graph a loaded file goes to: stable per file name."""
    return f"{GRAPH}file/{normalise_key(path.name)}"


def parse_rdf(data: bytes, fmt: formats.RdfFormat, *, source: str, base_iri: str | None = None) -> list[Any]:
    """Parse all of `data` or raise an error naming the source, line and problem."""
    try:
        return list(ox.parse(data, format=fmt.oxigraph, base_iri=base_iri))
    except SyntaxError as error:
        message = str(error.args[0] if error.args else error)
        raise RdfParseError(source, message, line=error.lineno, column=error.offset) from None
    except (ValueError, OSError) as error:
        raise RdfParseError(source, str(error)) from None
