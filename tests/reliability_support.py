"""Parts the reliability tests share: a corpus of distinct articles, versioned graphs, RDF comparison.

Kept out of the test modules so that each of them builds its own world from the same parts.
"""

from __future__ import annotations

import queue
import subprocess
import threading
import time
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.compare import isomorphic

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "articles"
PREDICATE = ox.NamedNode("urn:ffkg-test:value")


def write_corpus(folder: Path, count: int) -> list[Path]:
    """`count` distinct articles (the examples, each copy with its own closing line), one file each."""
    folder.mkdir(parents=True, exist_ok=True)
    sources = sorted(EXAMPLES.glob("*.txt"))
    paths = []
    for number in range(count):
        text = sources[number % len(sources)].read_text(encoding="utf-8")
        path = folder / f"article-{number:03d}.txt"
        path.write_text(f"{text.rstrip()}\n\nThis was report number {number} in the series.\n", encoding="utf-8")
        paths.append(path)
    return paths


def versioned_graph(graph: int) -> str:
    return f"urn:ffkg-test:graph/{graph}"


def versioned_triples(graph: int, version: str, size: int) -> list[ox.Triple]:
    """What writer loops put in graph number `graph`: `size` triples, every one tagged with `version`."""
    return [
        ox.Triple(ox.NamedNode(f"urn:ffkg-test:g{graph}/s{index}"), PREDICATE, ox.Literal(f"{version}-{index}"))
        for index in range(size)
    ]


def versions_in(quads: Iterable[ox.Quad]) -> tuple[set[str], int]:
    """The versions a graph's triples carry, and how many triples it has."""
    seen, count = set(), 0
    for quad in quads:
        seen.add(quad.object.value.rsplit("-", 1)[0])
        count += 1
    return seen, count


def as_rdflib(quads: Iterable[ox.Quad | ox.Triple]) -> rdflib.Graph:
    """The triples as an rdflib graph, for `isomorphic` comparisons."""
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
    return rdflib.Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"", format="nt")


def same_graph(left: Iterable[ox.Quad | ox.Triple], right: Iterable[ox.Quad | ox.Triple]) -> bool:
    return isomorphic(as_rdflib(left), as_rdflib(right))


def wait_for_lines(process: subprocess.Popen, wanted: int, *, marker: str, timeout: float) -> list[str]:
    """Read the process's output until `wanted` lines contain `marker`; fail if it ends or stalls first."""
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        for raw in process.stdout:
            lines.put(raw.decode(errors="replace"))
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    while sum(marker in line for line in seen) < wanted:
        line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
        if line is None:
            raise AssertionError(f"the process ended before {wanted} lines with {marker!r}:\n{''.join(seen)}")
        seen.append(line)
    return seen
