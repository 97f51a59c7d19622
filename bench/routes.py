"""What the read routes cost per request now that their figures are cached per store revision.

    python -m bench.routes --triples 100000 --repeats 5

On a store from the seeded synthetic generator, in memory, same run:
- an unknown name (a 404 with close matches): today's index (read once per revision, rapidfuzz)
  against what it replaced, every name read and difflib run on each miss;
- a page of `/api/triples` over HTTP (the app, in process): today's (the total counted once per
  revision) against the count alone that every page used to run first.
"""

from __future__ import annotations

import argparse
import difflib

from fastapi.testclient import TestClient

from api.app import create_app
from bench.generate import generate_dataset
from bench.timing import interleaved_medians
from kg import lookup
from kg.errors import NotFoundError
from kg.settings import Settings
from kg.store import Store

MISSING = "Sinaloa Cartell"


def _unknown_now(store: Store) -> None:
    try:
        lookup.resolve_entity(store, MISSING)
    except NotFoundError:
        return
    raise AssertionError(f"{MISSING!r} should be unknown")


def _unknown_before(store: Store) -> list[str]:
    """The replaced path: every (entity, name) read, then difflib over all of them."""
    names = store.query(
        lookup.PREFIXES + "SELECT DISTINCT ?e ?key ?label ?name WHERE { ?e ffkg:key ?key ; rdfs:label ?label ."
        " { ?e rdfs:label ?name } UNION { ?e skos:altLabel ?name } }"
    )
    known = {row["name"].value.lower(): row["name"].value for row in names}
    return difflib.get_close_matches(MISSING.lower(), list(known), n=lookup.CLOSE_MATCHES)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--triples", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    store = Store.memory()
    store.write_quads(generate_dataset(args.triples, seed=0))
    entities = int(next(iter(store.query(lookup.PREFIXES + "SELECT (COUNT(*) AS ?n) { ?e ffkg:key ?k }")))["n"].value)
    count = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"
    with TestClient(create_app(Settings(in_memory=True), store)) as client:
        medians = interleaved_medians(
            {
                "unknown name, index + rapidfuzz": lambda: _unknown_now(store),
                "unknown name, every name + difflib (before)": lambda: _unknown_before(store),
                "/api/triples page, total cached": lambda: client.get("/api/triples?limit=100&offset=500").json(),
                "count per page alone (before)": lambda: list(store.query(count, substitutions={})),
            },
            repeats=args.repeats,
        )
    print(f"{len(store.engine)} quads, {entities} keyed entities; median of {args.repeats} interleaved rounds")
    for name, seconds in medians.items():
        print(f"{name:<48} {seconds * 1000:10.2f} ms")


if __name__ == "__main__":
    main()
