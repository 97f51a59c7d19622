"""Curation benchmark: what decisions cost the readers, and what the review queue and a decision cost.

    python -m bench.curation --sizes 10k 100k --decisions 100

For each synthetic dataset (`bench.generate`, in-memory store) it times, cold: the network
projection with no decisions, then with `--decisions` merges and rejections (half each) applied
at read time; the review queue (duplicates and weak facts); taking one more merge and undoing it.
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Iterator

from bench.generate import SIZES, generate_dataset
from bench.table import Table, ms, ratio
from bench.timing import timed
from kg.analytics.projection import project
from kg.curation import actions, candidates
from kg.curation.decisions import Decision, stamped, write_decisions
from kg.curation.resolver import resolve
from kg.iris import ONTOLOGY, fact_iri
from kg.store import Store


def _decisions(store: Store, count: int, *, seed: int) -> list[Decision]:
    """`count` decisions a curator could take: merges of same-type entities, rejections of facts."""
    graph = project(store)
    rng = random.Random(seed)
    by_type: dict[str, list[str]] = {}
    for node, kind in graph.nodes(data="type"):
        by_type.setdefault(kind, []).append(node)
    pairs = [tuple(sorted(nodes)[i : i + 2]) for nodes in by_type.values() for i in range(0, len(nodes) - 1, 2)]
    edges = [(u, k, v) for u, v, k in graph.edges(keys=True)]
    merges = [Decision("merge", a, b) for a, b in rng.sample(pairs, min(len(pairs), count // 2))]
    rejects = [Decision("reject", fact_iri(u, ONTOLOGY + k, v)) for u, k, v in rng.sample(edges, count - len(merges))]
    return [stamped(d) for d in [*merges, *rejects]]


def run(sizes: list[str], count: int) -> Table:
    columns = ["triples", "nodes", "projection, no decisions", f"projection, {count} decisions", "ratio"]
    table = Table("Curation: decisions at read time, review queue, one decision", [*columns, "queue", "merge", "undo"])
    for size in sizes:
        table.add(*_measure(SIZES[size], count))
    return table


def _measure(n_triples: int, count: int) -> list[object]:
    """One row: each figure cold, on a fresh in-memory store of `n_triples`."""
    with Store.memory() as store:
        store.write_quads(generate_dataset(n_triples, seed=0))
        plain, graph = timed(lambda: project(store))
        decisions = _decisions(store, count, seed=0)
        write_decisions(store, decisions, resolve(decisions).effects())
        curated, _ = timed(lambda: project(store))
        queue, _ = timed(lambda: candidates.queue(store, limit=50))
        kept, merged = next(_same_type(store))
        took, decision = timed(lambda: actions.decide(store, Decision("merge", kept, merged)))
        undone, _ = timed(lambda: actions.undo(store, decision.id))
    nodes = graph.number_of_nodes()
    return [n_triples, nodes, ms(plain), ms(curated), ratio(curated / plain), ms(queue), ms(took), ms(undone)]


def _same_type(store: Store) -> Iterator[tuple[str, str]]:
    """Pairs of entities of one type, as a merge needs them."""
    graph = project(store)
    seen: dict[str, str] = {}
    for node, kind in graph.nodes(data="type"):
        if kind in seen:
            yield seen.pop(kind), node
        else:
            seen[kind] = node


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", nargs="+", default=["10k", "100k"], choices=list(SIZES))
    parser.add_argument("--decisions", type=int, default=100)
    arguments = parser.parse_args()
    print(run(arguments.sizes, arguments.decisions).markdown())


if __name__ == "__main__":
    main()
