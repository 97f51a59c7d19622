"""The store's data-model targets at one size, on disk, each beside bare pyoxigraph in the same run.

    python -m bench.store_model --size 1M --workdir /tmp/ffkg-bench [--repeats 3]

Every step runs twice per round, through ffkg and through the bare engine (`pyoxigraph.Store`)
doing the same work on the same data, in an order that alternates between rounds: bulk load
(`Store.write_quads` into a fresh store, `bulk_extend` into another), three read queries
(`Store.query`, the engine's own union), a no-op `DELETE WHERE` and an `INSERT DATA` of 1,500
triples (`Store.update`, `engine.update` of the same kind of text), writing new documents as
ingest does (`Store.write_documents`: their graphs, entities and facts, and the facts'
recounts, in one update; bare: one `extend` of the same quads), and removing a document
(`kg.ingest.remove_document`, bare: `DROP GRAPH` of another document). Each figure is the
median of wall time and of process CPU time (`time.process_time`, every thread of this
process): on a shared machine the wall time measures the other jobs as much as ours, the CPU
time does not. The load average is printed at the start and at the end.

Runs only through interfaces the facts-once releases have (`generate_dataset`, `Store.write_quads`,
`Store.query`, `Store.update`, `Store.write_documents`, `Store.engine`, `kg.ingest.remove_document`
and `WRITE_BATCH`), so the same file times the code before and after a change: run it with
`PYTHONPATH` set to each checkout and compare. Prints a Markdown table and one JSON line.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import pyoxigraph as ox

from bench.generate import SIZES, generate_dataset, more_documents
from bench.sparql_inprocess import research_queries
from kg.ingest import WRITE_BATCH, remove_document
from kg.store import Store

QUERIES = ("label lookup", "2-hop join", "property path")
NO_OP_DELETE = "DELETE WHERE { <urn:ffkg:bench:nothing> ?p ?o }"
INSERTED_TRIPLES = 1_500
DOCUMENT = "https://w3id.org/ffkg/ontology#Document"


class Sample(NamedTuple):
    """Seconds of one call: elapsed, and CPU time of this process (all its threads)."""

    wall: float
    cpu: float


class Step(NamedTuple):
    """Median seconds of a step through ffkg and through the bare engine."""

    ffkg: Sample
    bare: Sample


def measure(action: Callable[[], object]) -> Sample:
    """Wall and process CPU seconds of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    action()
    return Sample(time.perf_counter() - wall, time.process_time() - cpu)


def alternating(ffkg: Callable[[int], object], bare: Callable[[int], object], *, repeats: int) -> Step:
    """Median wall and CPU time of each subject over `repeats` rounds; who goes first alternates.

    Each call gets its round number, for subjects that must not repeat themselves (inserts, removals).
    """
    samples: dict[str, list[Sample]] = {"ffkg": [], "bare": []}
    subjects = {"ffkg": ffkg, "bare": bare}
    for round_ in range(repeats):
        order = ("ffkg", "bare") if round_ % 2 == 0 else ("bare", "ffkg")
        for name in order:
            samples[name].append(measure(lambda name=name, r=round_: subjects[name](r)))
    return Step(*(_median(samples[name]) for name in ("ffkg", "bare")))


def _median(samples: list[Sample]) -> Sample:
    return Sample(statistics.median(s.wall for s in samples), statistics.median(s.cpu for s in samples))


def _insert_data(tag: str) -> str:
    rows = " ".join(f'<urn:ffkg:bench:{tag}:s{i}> <urn:ffkg:bench:p> "value {i}" .' for i in range(INSERTED_TRIPLES))
    return f"INSERT DATA {{ {rows} }}"


def _bulk_load_bare(path: Path, quads: list[ox.Quad]) -> None:
    engine = ox.Store(str(path))
    engine.bulk_extend(quads)
    engine.flush()
    del engine


def _bulk_load_ffkg(path: Path, quads: list[ox.Quad]) -> None:
    with Store.open(path) as store:
        store.write_quads(quads)


def run(size: str, workdir: Path, *, repeats: int) -> dict[str, Step]:
    """Median seconds per step, through ffkg and bare, on fresh on-disk stores of `size` triples."""
    quads = generate_dataset(SIZES[size], seed=0)
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    fresh = itertools.count()

    def load(loader: Callable[[Path, list[ox.Quad]], None]) -> None:
        path = workdir / f"load-{next(fresh)}"
        loader(path, quads)
        shutil.rmtree(path)

    steps = {
        "bulk load": alternating(lambda _: load(_bulk_load_ffkg), lambda _: load(_bulk_load_bare), repeats=repeats)
    }
    store = Store.open(workdir / "store")
    try:
        store.write_quads(quads)
        engine = store.engine
        queries = research_queries(store)
        for name in QUERIES:
            steps[name] = alternating(
                lambda _, q=queries[name]: list(store.query(q)),
                lambda _, q=queries[name]: list(engine.query(q, use_default_graph_as_union=True)),
                repeats=repeats,
            )
        steps["no-op DELETE WHERE"] = alternating(
            lambda _: store.update(NO_OP_DELETE), lambda _: engine.update(NO_OP_DELETE), repeats=repeats
        )
        steps[f"INSERT DATA of {INSERTED_TRIPLES:,} triples"] = alternating(
            lambda r: store.update(_insert_data(f"ffkg{r}")),
            lambda r: engine.update(_insert_data(f"bare{r}")),
            repeats=repeats,
        )
        held = int(next(iter(store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?d a <{DOCUMENT}> }}")))["n"].value)
        fresh_documents = more_documents(SIZES[size], start=held, count=2 * repeats * WRITE_BATCH, seed=0)
        per_call = len(fresh_documents) // (2 * repeats)  # WRITE_BATCH, unless a small dataset runs short
        batches = iter(fresh_documents)
        steps[f"write {per_call} new documents (bare: `extend` of their quads)"] = alternating(
            lambda _: store.write_documents(list(itertools.islice(batches, per_call))),
            lambda _: engine.extend([q for d in itertools.islice(batches, per_call) for q in d.quads()]),
            repeats=repeats,
        )
        documents = [
            row["g"].value
            for row in store.query(
                f"SELECT ?g WHERE {{ GRAPH ?g {{ ?d a <{DOCUMENT}> }} }} ORDER BY ?g LIMIT {2 * repeats}"
            )
        ]
        steps["remove one document (bare: DROP GRAPH)"] = alternating(
            lambda r: remove_document(store, documents[2 * r]),
            lambda r: engine.update(f"DROP GRAPH <{documents[2 * r + 1]}>"),
            repeats=repeats,
        )
    finally:
        store.close()
    steps["quads"] = Step(Sample(len(quads), len(quads)), Sample(len(quads), len(quads)))
    return steps


def _load_average() -> str:
    return ", ".join(f"{value:.1f}" for value in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="1M")
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    started, load_before = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), _load_average()
    steps = run(args.size, args.workdir, repeats=args.repeats)
    shutil.rmtree(args.workdir, ignore_errors=True)
    n = int(steps.pop("quads").ffkg.wall)
    print(
        f"{args.size}, {n:,} quads, {started}, median of {args.repeats}; "
        f"load average {load_before} at start, {_load_average()} at end\n"
    )
    print("| step | ffkg wall s | ffkg CPU s | bare wall s | bare CPU s | ffkg ÷ bare, wall | ffkg ÷ bare, CPU |")
    print("|---|---|---|---|---|---|---|")
    for name, (ffkg, bare) in steps.items():
        print(
            f"| {name} | {ffkg.wall:.4f} | {ffkg.cpu:.4f} | {bare.wall:.4f} | {bare.cpu:.4f} "
            f"| {ffkg.wall / bare.wall:.2f} | {ffkg.cpu / max(bare.cpu, 1e-9):.2f} |"
        )
    ffkg, bare = steps["bulk load"]
    print(
        f"\nbulk load, quads/s by wall / by CPU time: ffkg {n / ffkg.wall:,.0f} / {n / ffkg.cpu:,.0f}, "
        f"bare {n / bare.wall:,.0f} / {n / bare.cpu:,.0f}"
    )
    print(
        json.dumps({name: {"ffkg": step.ffkg._asdict(), "bare": step.bare._asdict()} for name, step in steps.items()})
    )


if __name__ == "__main__":
    main()
