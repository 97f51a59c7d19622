"""SPARQL in process: ffkg's query path vs bare pyoxigraph vs rdflib's own engine, same data, same run.

Each subject answers the query *and serialises the answer* (SPARQL JSON results for
SELECT/ASK, N-Triples for CONSTRUCT), because that is the work a researcher waits for:

- (a) ffkg: `api.query_runner.QueryRunner.respond`, exactly what `/sparql` runs (worker
  thread, deadline, row cap, the engine's own serialisation), minus the HTTP layer;
- (b) pyoxigraph: `pyoxigraph.Store.query` + `serialize` on the very same engine and data
  (its own union of the graphs as the default graph: a set, since each triple lives in one graph);
- (c) rdflib: `rdflib.Dataset(default_union=True)` parsed from the same quads, its SPARQL
  engine and its JSON serialiser (skipped at 1M triples: loading alone takes minutes and GBs).
"""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import rdflib
from fastapi.responses import StreamingResponse

from api.query_runner import QueryRunner
from bench.table import Table, geometric_mean, ms, ratio
from bench.timing import interleaved_medians
from kg.iris import ONTOLOGY
from kg.settings import Settings
from kg.store import Store

PREFIXES = f"""PREFIX ffkg: <{ONTOLOGY}>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""
#: rdflib is not run above this many triples: its load alone takes minutes and gigabytes there.
RDFLIB_MAX_TRIPLES = 200_000
#: Time the query worker processes need to start (import pyoxigraph) on a busy 2-core machine.
WORKER_START_SECONDS = 2.0


def research_queries(store: Store) -> dict[str, str]:
    """The query mix, with constants (a popular entity, a document graph) picked from the data itself.

    The picking queries count mentions, to find an entity many documents mention, and one of them.
    """
    top = next(
        iter(
            store.query(
                PREFIXES + "SELECT ?e (COUNT(?d) AS ?n) WHERE { ?e a ffkg:Person ; ffkg:mentionedIn ?d } "
                "GROUP BY ?e ORDER BY DESC(?n) ?e LIMIT 1",
            )
        )
    )
    entity = top["e"].value
    found = next(
        iter(
            store.query(
                PREFIXES + f"SELECT ?label ?g WHERE {{ <{entity}> rdfs:label ?label . "
                f"GRAPH ?g {{ <{entity}> ffkg:mentionedIn ?d }} }} ORDER BY ?g LIMIT 1",
            )
        )
    )
    label, graph = found["label"].value, found["g"].value
    queries = {
        "trivial ASK": "ASK { ?s a ffkg:Lawsuit }",
        "label lookup": f'SELECT DISTINCT ?e ?type WHERE {{ ?e rdfs:label "{label}" ; a ?type }}',
        "type listing": "SELECT DISTINCT ?e ?label WHERE { ?e a ffkg:CriminalGroup ; rdfs:label ?label }",
        "count by type": "SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class } "
        "GROUP BY ?class ORDER BY DESC(?n)",
        "top mentioned": "SELECT ?e ?label (COUNT(DISTINCT ?d) AS ?n) WHERE { ?e ffkg:mentionedIn ?d ; "
        "rdfs:label ?label } GROUP BY ?e ?label ORDER BY DESC(?n) LIMIT 20",
        "2-hop join": "SELECT DISTINCT ?event ?group ?person WHERE { ?event ffkg:perpetrator ?group . "
        "?person ffkg:affiliatedWith ?group ; a ffkg:Person }",
        "flows aggregate": "SELECT ?origin ?destination (COUNT(DISTINCT ?flow) AS ?n) WHERE { "
        "?flow a ffkg:FirearmsFlow ; ffkg:origin ?origin ; ffkg:destination ?destination } "
        "GROUP BY ?origin ?destination ORDER BY DESC(?n)",
        "property path": "SELECT DISTINCT ?place ?country WHERE { ?place ffkg:locatedIn+ ?country . "
        "?country a ffkg:Country }",
        "CONTAINS filter": "SELECT DISTINCT ?e ?alias WHERE { ?e skos:altLabel ?alias "
        'FILTER(CONTAINS(LCASE(?alias), "ar")) }',
        "regex filter": "SELECT ?m ?text WHERE { ?m a ffkg:Mention ; ffkg:text ?text "
        'FILTER(REGEX(?text, "^ma", "i")) }',
        "date range": "SELECT ?event ?date WHERE { ?event ffkg:startDate ?date ; a ffkg:Seizure "
        'FILTER(?date >= "2015-01-01"^^xsd:date && ?date < "2019-01-01"^^xsd:date) } ORDER BY ?date',
        "evidence for entity": "SELECT ?evidence ?predicate ?subject ?sentence ?doc ?confidence WHERE { "
        f"?evidence rdf:object <{entity}> ; rdf:predicate ?predicate ; rdf:subject ?subject ; "
        "ffkg:sentence ?sentence ; ffkg:document ?doc ; ffkg:confidence ?confidence } ORDER BY DESC(?confidence)",
        "provenance by graph": f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}",
        "NOT EXISTS": "SELECT DISTINCT ?person WHERE { ?person a ffkg:Person "
        "FILTER NOT EXISTS { ?event ffkg:perpetrator|ffkg:participant|ffkg:defendant ?person } }",
        "CONSTRUCT entity": f"CONSTRUCT {{ <{entity}> ?p ?o }} WHERE {{ <{entity}> ?p ?o }}",
    }
    return {name: PREFIXES + sparql for name, sparql in queries.items()}


ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9"


class ApiQueryPath:
    """ffkg's `/sparql` query path called in process: the app's `QueryRunner` on a private event loop."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.runner = QueryRunner(Settings(max_result_rows=10**9, query_timeout=3600))
        self.loop = asyncio.new_event_loop()

    def __call__(self, sparql: str) -> bytes:
        return self.loop.run_until_complete(self._answer(sparql))

    def warm_up(self) -> None:
        """Start the query worker processes and let them finish importing before anything is timed:
        otherwise the first query in the table is measured against their start-up on the same cores."""
        self("ASK {}")
        time.sleep(WORKER_START_SECONDS)

    async def _answer(self, sparql: str) -> bytes:
        response = await self.runner.respond(self.store, sparql, {}, ACCEPT)
        if isinstance(response, StreamingResponse):
            return b"".join([chunk async for chunk in response.body_iterator])
        return bytes(response.body)

    def close(self) -> None:
        self.loop.close()


def pyoxigraph_query(engine: ox.Store, sparql: str) -> bytes:
    """Bare pyoxigraph with its own union of the graphs as the default graph, as the store asks for it."""
    return _serialise(engine.query(sparql, use_default_graph_as_union=True))


def _serialise(result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples) -> bytes:
    if isinstance(result, ox.QueryTriples):
        return result.serialize(format=ox.RdfFormat.N_TRIPLES)
    return result.serialize(format=ox.QueryResultsFormat.JSON)


def rdflib_query(dataset: rdflib.Dataset, sparql: str) -> bytes:
    result = dataset.query(sparql)
    return result.serialize(format="nt" if result.type == "CONSTRUCT" else "json")


def rdflib_dataset(quads: list[ox.Quad]) -> rdflib.Dataset:
    """rdflib's in-memory dataset holding the same quads, queried as the union of its graphs."""
    buffer = io.BytesIO()
    ox.serialize(quads, buffer, ox.RdfFormat.N_QUADS)
    dataset = rdflib.Dataset(default_union=True)
    dataset.parse(data=buffer.getvalue(), format="nquads")
    return dataset


def _rows(result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples) -> int:
    return int(bool(result)) if isinstance(result, ox.QueryBoolean) else sum(1 for _ in result)


def _rdflib_rows(dataset: rdflib.Dataset, sparql: str) -> int:
    result = dataset.query(sparql)
    return int(bool(result.askAnswer)) if result.type == "ASK" else len(result)


def run(
    quads: list[ox.Quad], workdir: Path, *, label: str, repeats: int, rdflib_max: int = RDFLIB_MAX_TRIPLES
) -> list[Table]:
    """Median latency of every research query on `quads`, loaded into on-disk stores in `workdir`."""
    with Store.open(workdir / f"inprocess-{label}") as store:
        store.write_quads(quads)
        dataset = rdflib_dataset(quads) if len(quads) <= rdflib_max else None
        api_path = ApiQueryPath(store)
        api_path.warm_up()
        table = Table(
            f"SPARQL in process, {label} ({len(quads):,} quads), median of {repeats}",
            ["query", "rows", "(a) ffkg ms", "(b) pyoxigraph ms", "(c) rdflib ms", "a−b ms", "a/b", "c/a"],
        )
        slowdowns, speedups = [], []
        for name, sparql in research_queries(store).items():
            rows = _rows(store.query(sparql))
            counts = {}
            subjects: dict[str, Callable[[], object]] = {
                "a": lambda q=sparql: api_path(q),
                "b": lambda q=sparql: pyoxigraph_query(store.engine, q),
            }
            if dataset is not None:
                counts["(c) rdflib"] = _rdflib_rows(dataset, sparql)
                subjects["c"] = lambda q=sparql: rdflib_query(dataset, q)
            table.notes += [f"{name}: {who} returned {n} rows, ffkg {rows}" for who, n in counts.items() if n != rows]
            medians = interleaved_medians(subjects, repeats=repeats)
            a, b, c = medians["a"], medians["b"], medians.get("c")
            slowdowns.append(a / b)
            if c is not None:
                speedups.append(c / a)
            table.add(name, rows, ms(a), ms(b), ms(c), ms(a - b), ratio(a / b), ratio(None if c is None else c / a))
        table.add(
            "**geometric mean**", "", "", "", "", "", ratio(geometric_mean(slowdowns)), ratio(geometric_mean(speedups))
        )
        table.notes.append(
            f"Targets: a/b <= 1.5 on every query (worst here: {max(slowdowns):.2f}); c/a >= 20 on the geometric mean. "
            "Calls over 10 s are timed once."
        )
        if dataset is None:
            table.notes.append(
                f"rdflib not run above {rdflib_max:,} triples: parsing 1M quads into its memory store takes "
                "minutes and over a gigabyte, and its slowest queries here take tens of seconds each."
            )
        api_path.close()
    return [table]
