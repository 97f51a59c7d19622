"""The RDF graph projected into NetworkX: entities and events as nodes, domain relations as edges.

Which classes are nodes and which properties are edges comes from the ontology
(`ffkg:graphNode`, `ffkg:graphEdge`). The projection is built with a handful of bulk
SPARQL SELECTs, frozen, and cached per store and revision, so an ingest (from this or
another process) is seen by the next call and nobody can mutate a shared cached graph.
"""

from __future__ import annotations

import calendar
import re
import threading
import weakref
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

import networkx as nx

from kg.curation.network import curate_network
from kg.curation.resolver import STATUSES
from kg.errors import BadInputError
from kg.iris import ONTOLOGY, key_of
from kg.ontology import edge_properties, most_specific, node_classes, superclasses
from kg.store import BaseStore

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
GEO = "http://www.w3.org/2003/01/geo/wgs84_pos#"
EVENT = "Event"
_CACHE_SIZE = 8
_DATE = re.compile(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")

T = TypeVar("T")


class _Memo:
    """Values computed once per key; concurrent askers wait for the first instead of computing again.

    Only the builder of one key waits on it, so a slow metric never blocks cache hits on others.
    With `limit`, the least recently used values are dropped.
    """

    def __init__(self, limit: int | None = None) -> None:
        self.values: OrderedDict[Any, Any] = OrderedDict()
        self.building: dict[Any, threading.Lock] = {}
        self.lock = threading.Lock()
        self.limit = limit

    def get(self, key: Any, build: Callable[[], T]) -> T:
        with self.lock:
            if key in self.values:
                self.values.move_to_end(key)
                return self.values[key]
            building = self.building.setdefault(key, threading.Lock())
        with building:
            with self.lock:
                if key in self.values:
                    return self.values[key]
            value = build()
            with self.lock:
                self.values[key] = value
                self.building.pop(key, None)
                while self.limit is not None and len(self.values) > self.limit:
                    self.values.popitem(last=False)
            return value

    def discard(self, stale: Callable[[Any], bool]) -> None:
        with self.lock:
            for key in [k for k in self.values if stale(k)]:
                del self.values[key]


_networks: weakref.WeakKeyDictionary[BaseStore, _Memo] = weakref.WeakKeyDictionary()
_projections: weakref.WeakKeyDictionary[BaseStore, _Memo] = weakref.WeakKeyDictionary()
_derived: weakref.WeakKeyDictionary[nx.Graph, _Memo] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def _memo(table: weakref.WeakKeyDictionary, owner: Any, limit: int | None = None) -> _Memo:
    with _lock:
        if owner not in table:
            table[owner] = _Memo(limit)
        return table[owner]


def period(value: str | date) -> tuple[date, date]:
    """First and last day a date of any precision allows: "2020" -> (2020-01-01, 2020-12-31)."""
    if isinstance(value, date):
        return value, value
    match = _DATE.fullmatch(value.strip())
    if not match:
        raise BadInputError(f"{value!r} is not a date; use YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = int(match[1]), match[2], match[3]
    try:
        if month is None:
            return date(year, 1, 1), date(year, 12, 31)
        if day is None:
            last = calendar.monthrange(year, int(month))[1]
            return date(year, int(month), 1), date(year, int(month), last)
        exact = date(year, int(month), int(day))
    except ValueError:
        raise BadInputError(f"{value!r} is not a valid date") from None
    return exact, exact


def date_window(date_from: str | date | None, date_to: str | date | None) -> tuple[date, date] | None:
    """The inclusive window two bounds describe ("2020".."2020" is all of 2020), or None if unbounded."""
    if date_from is None and date_to is None:
        return None
    start = period(date_from)[0] if date_from is not None else date.min
    end = period(date_to)[1] if date_to is not None else date.max
    if start > end:
        raise BadInputError(f"the date range is empty: {date_from} is after {date_to}")
    return start, end


def overlaps(value: str | None, window: tuple[date, date] | None) -> bool:
    """Whether a date at its own precision can fall in the window; undated things never do."""
    if window is None:
        return True
    if not value:
        return False
    start, end = period(value)
    return start <= window[1] and end >= window[0]


def node_type(name: str) -> str:
    """The ontology's name of a node class, given in any case ("gunmaker" -> "Gunmaker")."""
    classes = {cls.lower(): cls for cls in node_classes()}
    if name.lower() not in classes:
        raise BadInputError(f"unknown type {name!r}; node types are: {', '.join(sorted(node_classes()))}")
    return classes[name.lower()]


def check_types(types: Iterable[str] | None) -> frozenset[str] | None:
    """Class names checked against the ontology's node classes and spelled as it does."""
    return None if types is None else frozenset(node_type(name) for name in types)


def is_a(node_type: str | None, wanted: str) -> bool:
    """Whether a node of class `node_type` counts as `wanted` (a Gunmaker is an Organization)."""
    return node_type is not None and wanted in superclasses(node_type)


def project(
    store: BaseStore,
    *,
    types: Iterable[str] | None = None,
    date_from: str | date | None = None,
    date_to: str | date | None = None,
    min_confidence: float = 0.0,
    min_documents: int = 1,
    with_documents: bool = False,
    min_corroboration: int = 1,
    include_rejected: bool = False,
    status: str | None = None,
) -> nx.MultiDiGraph:
    """The store's entity-and-event network, frozen and cached until the store changes.

    Nodes are keyed by IRI with `label`, `type` (most specific ffkg class), `key` (from the IRI, as ffkg:key),
    `documents` (how many mention it), `date` for events and `lat`/`lon` for places.
    Edges are keyed by predicate name with `predicate`, `confidence` (the best evidence;
    None if the fact has none), `documents` (how many documents state it; 1 for a triple only
    a user wrote) and `corroboration` (distinct stories: near-duplicate documents count once).
    `types` keeps nodes of those classes and their subclasses; a date range keeps only
    events whose date can fall in it (other nodes stay); `min_confidence` and
    `min_documents` drop weakly attested edges. Documents are left out unless
    `with_documents` asks for them: then each is a `Document` node (label: its title) with a
    `mentionedIn` edge from every node it mentions. Curators' decisions apply (`kg.curation`):
    merged entities are one node, and claims they rejected are left out unless `include_rejected`;
    `status` keeps only edges of that claim status (extracted, confirmed or rejected), and
    `min_corroboration` those stated by at least that many distinct stories.

    >>> from kg.store import Store
    >>> store = Store.memory()
    >>> project(store).number_of_nodes()
    0
    """
    chosen = check_types(types)
    window = date_window(date_from, date_to)
    if not 0.0 <= min_confidence <= 1.0:
        raise BadInputError(f"min_confidence must be between 0 and 1, not {min_confidence}")
    revision = store.revision()
    for table in (_networks, _projections):
        _memo(table, store).discard(lambda cached: cached[0] != revision)
    if status is not None and status not in STATUSES:
        raise BadInputError(f"unknown claim status {status!r}; statuses are: {', '.join(STATUSES)}")
    if status == "rejected":
        include_rejected = True
    read = _memo(_networks, store)
    extracted = read.get((revision, "network"), lambda: _read_network(store))
    network = read.get(
        (revision, "curated", include_rejected),
        lambda: curate_network(store, extracted, include_rejected=include_rejected),
    )
    documents = read.get((revision, "documents"), lambda: _read_documents(store)) if with_documents else None
    evidence = (min_confidence, min_documents, min_corroboration, status)
    if (chosen, window, documents, *evidence) == (None, None, None, 0.0, 1, 1, None):
        return network
    key = (
        revision,
        chosen,
        window,
        float(min_confidence),
        int(min_documents),
        with_documents,
        include_rejected,
        status,
        int(min_corroboration),
    )
    return _memo(_projections, store, _CACHE_SIZE).get(
        key,
        lambda: _filtered(network, documents, chosen, window, min_confidence, min_documents, status, min_corroboration),
    )


def derived(graph: nx.Graph, name: Any, build: Callable[[], T]) -> T:
    """A value computed from a frozen projection once and kept as long as the projection lives."""
    return _memo(_derived, graph).get(name, build)


def undirected(graph: nx.MultiDiGraph) -> nx.Graph:
    """The projection as a simple undirected graph: relations read both ways, parallel ones merged.

    >>> g = nx.MultiDiGraph([("a", "b", "x"), ("b", "a", "y")])
    >>> undirected(g).number_of_edges()
    1
    """

    def build() -> nx.Graph:
        simple = nx.Graph()
        simple.add_nodes_from(graph.nodes(data=True))
        simple.add_edges_from((u, v) for u, v in graph.edges() if u != v)
        return nx.freeze(simple)

    return derived(graph, "undirected", build)


def node_info(graph: nx.Graph, node: str) -> dict[str, Any]:
    """The public description of a node: IRI, key, label and type."""
    data = graph.nodes[node]
    return {"iri": node, "key": data.get("key"), "label": data.get("label"), "type": data.get("type")}


def select_rows(store: BaseStore, sparql: str) -> list[tuple[str | None, ...]]:
    """A SELECT's solutions as tuples of plain strings (None where unbound), in variable order."""
    solutions = store.query(sparql)
    names = [v.value for v in solutions.variables]
    return [tuple(row[name].value if row[name] is not None else None for name in names) for row in solutions]


def _values(iris: Iterable[str]) -> str:
    return " ".join(f"<{iri}>" for iri in iris)


def _read_network(store: BaseStore) -> nx.MultiDiGraph:
    """Every entity, event and domain fact in the store, read with a few aggregated SELECTs."""
    classes = node_classes()
    node_types: dict[str, set[str]] = defaultdict(set)
    for node, cls in select_rows(
        store, f"SELECT DISTINCT ?n ?c WHERE {{ VALUES ?c {{ {_values(t.iri for t in classes.values())} }} ?n a ?c }}"
    ):
        node_types[node].add(cls[len(ONTOLOGY) :])
    literals: dict[str, dict[str, str]] = defaultdict(dict)
    for name, predicate in (
        ("label", RDFS_LABEL),
        ("date", ONTOLOGY + "date"),
        ("lat", GEO + "lat"),
        ("lon", GEO + "long"),
    ):
        for node, value in select_rows(store, f"SELECT ?n (MIN(?v) AS ?m) WHERE {{ ?n <{predicate}> ?v }} GROUP BY ?n"):
            if node in node_types:
                literals[node][name] = value
    mentions = dict(
        select_rows(
            store, f"SELECT ?n (COUNT(DISTINCT ?d) AS ?c) WHERE {{ ?n <{ONTOLOGY}mentionedIn> ?d }} GROUP BY ?n"
        )
    )

    graph = nx.MultiDiGraph()
    for node, found in node_types.items():
        values = literals[node]
        data: dict[str, Any] = {
            "label": values.get("label", key_of(node)),
            "type": most_specific(found),
            "key": key_of(node),
            "documents": int(mentions.get(node, 0)),
        }
        if "date" in values:
            data["date"] = values["date"]
        if "lat" in values and "lon" in values:
            data["lat"], data["lon"] = float(values["lat"]), float(values["lon"])
        graph.add_node(node, **data)

    best: dict[tuple[str, str, str], float] = {
        (subject, predicate, obj): float(value)
        for subject, predicate, obj, value in select_rows(
            store,
            f"SELECT ?s ?p ?o (MAX(?c) AS ?best) WHERE {{ ?e <{RDF}subject> ?s ; <{RDF}predicate> ?p ; "
            f"<{RDF}object> ?o ; <{ONTOLOGY}confidence> ?c }} GROUP BY ?s ?p ?o",
        )
    }
    predicates = _values(term.iri for term in edge_properties().values())
    for subject, predicate, obj, count, stories in select_rows(
        store,
        "SELECT ?s ?p ?o (MAX(COALESCE(?d, 1)) AS ?n) (MAX(COALESCE(?c, 1)) AS ?k) "
        f"WHERE {{ VALUES ?p {{ {predicates} }} ?s ?p ?o OPTIONAL {{ ?f <{RDF}subject> ?s ; <{RDF}predicate> ?p ; "
        f"<{RDF}object> ?o ; <{ONTOLOGY}documentCount> ?d ; <{ONTOLOGY}corroboration> ?c }} }} GROUP BY ?s ?p ?o",
    ):
        if subject in graph and obj in graph:
            name = predicate[len(ONTOLOGY) :]
            confidence = best.get((subject, predicate, obj))
            graph.add_edge(
                subject,
                obj,
                key=name,
                predicate=name,
                confidence=confidence,
                documents=int(count),
                corroboration=int(stories),
            )
    return nx.freeze(graph)


def _filtered(
    network: nx.MultiDiGraph,
    documents: _Documents | None,
    types: frozenset[str] | None,
    window: tuple[date, date] | None,
    min_confidence: float,
    min_documents: int,
    status: str | None = None,
    min_corroboration: int = 1,
) -> nx.MultiDiGraph:
    """The part of the full network the filters keep, plus documents when they are asked for."""

    def keep_node(data: dict[str, Any]) -> bool:
        wanted = types is None or any(is_a(data["type"], name) for name in types)
        return wanted and (window is None or not is_a(data["type"], EVENT) or overlaps(data.get("date"), window))

    def keep_edge(data: dict[str, Any]) -> bool:
        confidence = data["confidence"]
        strong = min_confidence == 0 or (confidence is not None and confidence >= min_confidence)
        stated = status is None or data.get("status", "extracted") == status
        stated = stated and data.get("corroboration", 1) >= min_corroboration
        return strong and stated and data["documents"] >= min_documents

    graph = nx.MultiDiGraph()
    graph.add_nodes_from((node, data) for node, data in network.nodes(data=True) if keep_node(data))
    graph.add_edges_from(
        (u, v, key, data)
        for u, v, key, data in network.edges(keys=True, data=True)
        if u in graph and v in graph and keep_edge(data)
    )
    if documents is not None:
        mentioned = [(node, document) for node, document in documents.mentions if node in graph]
        graph.add_nodes_from((document, documents.nodes[document]) for _, document in mentioned)
        graph.add_edges_from(
            (node, document, "mentionedIn", {"predicate": "mentionedIn", "confidence": None, "documents": 1})
            for node, document in mentioned
        )
    return nx.freeze(graph)


@dataclass(frozen=True)
class _Documents:
    """Document nodes (label: the title) and which node each mentions."""

    nodes: dict[str, dict[str, Any]]
    mentions: list[tuple[str, str]]


def _read_documents(store: BaseStore) -> _Documents:
    nodes = {}
    for document, title, published in select_rows(
        store,
        f"SELECT ?d (MIN(?t) AS ?title) (MIN(?date) AS ?published) WHERE {{ ?d a <{ONTOLOGY}Document> "
        f"OPTIONAL {{ ?d <{ONTOLOGY}title> ?t }} OPTIONAL {{ ?d <{ONTOLOGY}date> ?date }} }} GROUP BY ?d",
    ):
        data = {"label": title or key_of(document), "type": "Document", "key": key_of(document), "documents": 1}
        nodes[document] = {**data, **({"date": published} if published else {})}
    mentions = [
        (node, document)
        for node, document in select_rows(store, f"SELECT DISTINCT ?n ?d WHERE {{ ?n <{ONTOLOGY}mentionedIn> ?d }}")
        if document in nodes
    ]
    return _Documents(nodes, mentions)
