"""Scale-out: the embedded store vs `oxigraph serve` vs Virtuoso on the same data, and Dask ingest throughput.

    python -m bench.scaleout [--size 100k] [--repeats 3] [--documents 40]

Every backend gets the same synthetic dataset (`bench.generate`), written the way ingest
writes it: one `replace_graph` per document graph. The query set is the research mix of
`bench.sparql_inprocess`, run through each store's `query()` and consumed fully, so the
remote numbers include HTTP, the server and parsing the answer back. Dask ingest runs
the real extraction on copies of `examples/articles` into `oxigraph serve`, with warmed
workers, so the numbers are documents per second of steady work.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pyoxigraph as ox
from distributed import Client, LocalCluster

from bench.generate import SIZES, generate_dataset
from bench.sparql_inprocess import research_queries
from bench.table import Table, geometric_mean, ms, ratio
from bench.timing import interleaved_medians, timed
from kg.backends.base import BaseStore
from kg.distributed import ingest_distributed
from kg.errors import RemoteStoreError
from kg.extract import load_pipeline
from kg.settings import Settings
from kg.store import Store
from tests.servers import fresh, oxigraph_server, virtuoso_missing, virtuoso_server

ARTICLES = Path(__file__).resolve().parents[1] / "examples" / "articles"
#: A query slower than this on a remote store is reported as timed out rather than waited for.
REMOTE = {"sparql_timeout": 20.0}


def run(quads: list[ox.Quad], workdir: Path, *, label: str, repeats: int, documents: int) -> list[Table]:
    """Bulk load and the query set on each backend, then ingest with 1 and 2 Dask workers."""
    with ExitStack() as stack:
        stores = {name: stack.enter_context(opener(workdir / name)) for name, opener in _backends().items()}
        load = _bulk_load(stores, quads, label)
        queries = _query_set(stores, repeats, label)
        settings = Settings(**stack.enter_context(oxigraph_server(_folder(workdir / "ingest"), union=True)))
        ingest = _dask_ingest(settings, workdir / "corpus", documents)
    return [load, queries, ingest]


def _backends() -> dict[str, Callable[[Path], Iterator[BaseStore]]]:
    backends = {"embedded": _embedded, "oxigraph union": _oxigraph_union, "oxigraph listed": _oxigraph}
    if virtuoso_missing() is None:
        backends["Virtuoso listed"] = _virtuoso
    return backends


@contextmanager
def _embedded(folder: Path) -> Iterator[BaseStore]:
    with Store.open(_folder(folder)) as store:
        yield store


@contextmanager
def _oxigraph(folder: Path) -> Iterator[BaseStore]:
    with oxigraph_server(_folder(folder)) as settings, fresh({**settings, **REMOTE}) as store:
        yield store


@contextmanager
def _oxigraph_union(folder: Path) -> Iterator[BaseStore]:
    with oxigraph_server(_folder(folder), union=True) as settings, fresh({**settings, **REMOTE}) as store:
        yield store


@contextmanager
def _virtuoso(folder: Path) -> Iterator[BaseStore]:
    with virtuoso_server(_folder(folder), max_rows=1_000_000) as settings, fresh({**settings, **REMOTE}) as store:
        yield store


def _folder(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def _bulk_load(stores: dict[str, BaseStore], quads: list[ox.Quad], label: str) -> Table:
    by_graph: dict[ox.NamedNode, list[ox.Quad]] = {}
    for quad in quads:
        by_graph.setdefault(quad.graph_name, []).append(quad)
    table = Table(
        f"Bulk load, {label} ({len(quads):,} triples in {len(by_graph)} document graphs)",
        ["backend", "seconds", "triples/s", "vs embedded"],
    )
    first = None
    for name, store in stores.items():
        seconds, _ = timed(lambda store=store: [store.replace_graph(g.value, m) for g, m in by_graph.items()])
        first = first or seconds
        table.add(name, f"{seconds:.2f}", f"{len(quads) / seconds:,.0f}", ratio(seconds / first))
    table.notes.append(
        "One `replace_graph` per document, as ingest writes: remote stores PUT each graph to a staging graph "
        "(Graph Store Protocol), count it, then MOVE it in place and bump the revision."
    )
    return table


def _query_set(stores: dict[str, BaseStore], repeats: int, label: str) -> Table:
    queries = research_queries(next(iter(stores.values())))
    names = list(stores)
    table = Table(
        f"Query set, {label}: median ms per query", ["query", *names, *(f"{n} / embedded" for n in names[1:])]
    )
    slowdowns: dict[str, list[float]] = {name: [] for name in names[1:]}
    for title, sparql in queries.items():
        subjects = {name: (lambda s=store, q=sparql: _consume(s.query(q))) for name, store in stores.items()}
        failed = {name for name, action in subjects.items() if not _answers(action)}
        medians = interleaved_medians({n: a for n, a in subjects.items() if n not in failed}, repeats=repeats)
        base = medians[names[0]]
        for name in set(names[1:]) - failed:
            slowdowns[name].append(medians[name] / base)
        table.add(
            title,
            *("timeout" if n in failed else ms(medians[n]) for n in names),
            *("–" if n in failed else ratio(medians[n] / base) for n in names[1:]),
        )
    table.add("geometric mean", *("" for _ in names), *(ratio(geometric_mean(slowdowns[n])) for n in names[1:]))
    table.notes += [
        "*listed*: each query names ffkg's graphs in protocol `default-graph-uri`/`named-graph-uri` lists "
        "(a server also holds graphs that are not ours, e.g. Virtuoso's system graphs), after a revision check. "
        "*union*: `oxigraph serve --union-default-graph` with `FFKG_SPARQL_UNION_DEFAULT_GRAPH=true`, no lists.",
        f"Remote answers are parsed back into pyoxigraph objects; 'timeout' = over {REMOTE['sparql_timeout']:.0f} s.",
    ]
    return table


def _dask_ingest(settings: Settings, corpus: Path, documents: int) -> Table:
    articles = sorted(ARTICLES.glob("*.txt"))
    corpus.mkdir(parents=True, exist_ok=True)
    for n in range(documents):
        shutil.copy(articles[n % len(articles)], corpus / f"{n:04d}-{articles[n % len(articles)].name}")
    table = Table(
        f"Distributed ingest: {documents} articles into oxigraph serve",
        ["Dask workers", "seconds", "documents/s", "speed-up"],
    )
    first = None
    for workers in (1, 2):
        fresh(settings.model_dump()).close()
        with (
            LocalCluster(n_workers=workers, threads_per_worker=1, host="127.0.0.1", dashboard_address=None) as cluster,
            Client(cluster) as client,
        ):
            client.run(load_pipeline)
            seconds, report = timed(lambda: ingest_distributed(settings, [corpus], scheduler=cluster.scheduler_address))
        assert report.ok, report.errors
        first = first or seconds
        table.add(workers, f"{seconds:.1f}", f"{documents / seconds:.2f}", ratio(first / seconds))
    table.notes.append(
        "Workers are started and their spaCy pipeline loaded before timing; each opens the shared store once. "
        "This machine has 2 cores shared with everything else, so 2 workers can at best double throughput."
    )
    return table


def _answers(action: Callable[[], object]) -> bool:
    """Run once (which also warms the store up); False if the server gave up on it."""
    try:
        action()
    except RemoteStoreError:
        return False
    return True


def _consume(result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples) -> int:
    return int(bool(result)) if isinstance(result, ox.QueryBoolean) else sum(1 for _ in result)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="100k")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--documents", type=int, default=40)
    args = parser.parse_args(argv)
    quads = generate_dataset(SIZES[args.size], seed=0)
    with tempfile.TemporaryDirectory() as workdir:
        tables = run(quads, Path(workdir), label=args.size, repeats=args.repeats, documents=args.documents)
    command = "python -m bench.scaleout " + " ".join(sys.argv[1:] if argv is None else argv)
    print(f"## Scale-out\n\nCommand: `{command.strip()}`\n")
    for table in tables:
        print(table.markdown())


if __name__ == "__main__":
    main()
