"""The store's data-model targets at one size, on disk: bulk load, three read queries, updates, removal.

    python -m bench.store_model --size 1M --workdir /tmp/ffkg-bench [--repeats 3]

Runs only through interfaces every release has (`generate_dataset`, `Store.write_quads`,
`Store.query`, `Store.update`, `kg.ingest.remove_document`), so the same file times the code
before and after a change to the data model: run it with `PYTHONPATH` set to each checkout, in
the same session, and compare the two tables. Prints a Markdown table and one JSON line.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import time
from pathlib import Path

from bench.generate import SIZES, generate_dataset
from bench.sparql_inprocess import research_queries
from bench.timing import interleaved_medians, timed
from kg.ingest import remove_document
from kg.store import Store

QUERIES = ("label lookup", "2-hop join", "property path")
NO_OP_DELETE = "DELETE WHERE { <urn:ffkg:bench:nothing> ?p ?o }"
INSERTED_TRIPLES = 1_500


def _insert_data(round_: int) -> str:
    rows = " ".join(
        f'<urn:ffkg:bench:r{round_}:s{i}> <urn:ffkg:bench:p> "value {i}" .' for i in range(INSERTED_TRIPLES)
    )
    return f"INSERT DATA {{ {rows} }}"


def run(size: str, workdir: Path, *, repeats: int) -> dict[str, float]:
    """Seconds per step (medians where repeated) on a fresh on-disk store of `size` triples."""
    quads = generate_dataset(SIZES[size], seed=0)
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    store = Store.open(workdir / "store")
    try:
        figures = {"quads": float(len(quads)), "bulk load": timed(lambda: store.write_quads(quads))[0]}
        queries = research_queries(store)
        medians = interleaved_medians(
            {name: lambda q=queries[name]: list(store.query(q)) for name in QUERIES}, repeats=repeats
        )
        figures.update(medians)
        figures["no-op DELETE WHERE"] = statistics.median(
            timed(lambda: store.update(NO_OP_DELETE))[0] for _ in range(repeats)
        )
        figures[f"INSERT DATA of {INSERTED_TRIPLES:,} triples"] = statistics.median(
            timed(lambda r=r: store.update(_insert_data(r)))[0] for r in range(repeats)
        )
        documents = [
            row["d"].value
            for row in store.query(
                "SELECT ?d WHERE { ?d a <https://w3id.org/ffkg/ontology#Document> } ORDER BY ?d LIMIT 100"
            )
        ][::33][:repeats]
        figures["remove one document"] = statistics.median(
            timed(lambda d=d: remove_document(store, d))[0] for d in documents
        )
    finally:
        store.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="1M")
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    figures = run(args.size, args.workdir, repeats=args.repeats)
    shutil.rmtree(args.workdir, ignore_errors=True)
    print(f"| step ({args.size}, {int(figures['quads']):,} quads, {started}) | seconds |")
    print("|---|---|")
    for name, seconds in figures.items():
        if name != "quads":
            print(f"| {name} | {seconds:.4f} |")
    print(f"| bulk load rate | {figures['quads'] / figures['bulk load']:,.0f} quads/s |")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
