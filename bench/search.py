"""Full-text search at scale: `python -m bench.search --documents 10000`.

Builds an in-memory store of synthetic documents (words drawn, by frequency, from the example
articles, so common and rare words are as skewed as in real text), each with its content,
title, date and a few evidence sentences, plus entities with aliases; indexes it once, then
times searches of several shapes (50 words drawn at random from the vocabulary, as whole words,
3-letter typeahead prefixes, pairs and with a type filter; and the worst case, the most common
word) and the catch-up after one document changes. Prints p50 and p95 of the wall-clock time per
shape, and the p50 of the CPU time the searching thread used, which a busy machine does not inflate.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import re
import statistics
import time
from collections import Counter
from pathlib import Path

import pyoxigraph as ox

from kg.iris import document_iri, entity_iri, graph_iri, key_of, local_iri
from kg.mapping import RDF_TYPE, RDFS_LABEL, SKOS_ALT, date_literal, ffkg
from kg.search import SearchIndex
from kg.store import Store

ROOT = Path(__file__).resolve().parent.parent
SENTENCES_PER_DOCUMENT = 6
WORDS_PER_SENTENCE = 24
ENTITY_TYPES = ("Person", "Gunmaker", "CriminalGroup", "City", "WeaponType")
XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")


def _integer(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=XSD_INTEGER)


def vocabulary() -> tuple[list[str], list[int]]:
    """The words of the example articles and how often each occurs."""
    counts: Counter[str] = Counter()
    for path in sorted((ROOT / "examples" / "articles").glob("*.txt")):
        counts.update(re.findall(r"[A-Za-z]{3,}", path.read_text(encoding="utf-8")))
    words = sorted(counts)
    return words, [counts[word] for word in words]


def document_triples(number: int, rng: random.Random, words: list[str], weights: list[int]) -> list[ox.Triple]:
    """One synthetic document's node and evidence records, shaped as the mapping writes them."""
    key = f"bench-{number:06d}"
    doc = ox.NamedNode(document_iri(key))
    sentences = [
        " ".join(rng.choices(words, weights, k=WORDS_PER_SENTENCE)) + "." for _ in range(SENTENCES_PER_DOCUMENT)
    ]
    content = " ".join(sentences)
    title = " ".join(rng.choices(words, weights, k=6))
    date = f"{rng.randint(2005, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    triples = [
        ox.Triple(doc, RDF_TYPE, ffkg("Document")),
        ox.Triple(doc, ffkg("key"), ox.Literal(key_of(doc.value))),
        ox.Triple(doc, ffkg("title"), ox.Literal(title)),
        ox.Triple(doc, ffkg("date"), date_literal(date)),
        ox.Triple(doc, ffkg("content"), ox.Literal(content)),
        ox.Triple(doc, ffkg("contentHash"), ox.Literal(hashlib.sha256(content.encode()).hexdigest())),
    ]
    start = 0
    for index, sentence in enumerate(sentences):
        evidence = ox.NamedNode(local_iri(key, "evidence", str(index)))
        triples += [
            ox.Triple(evidence, RDF_TYPE, ffkg("Evidence")),
            ox.Triple(evidence, ffkg("document"), doc),
            ox.Triple(evidence, ffkg("sentence"), ox.Literal(sentence)),
            ox.Triple(evidence, ffkg("startOffset"), _integer(start)),
            ox.Triple(evidence, ffkg("endOffset"), _integer(start + len(sentence))),
        ]
        start += len(sentence) + 1
    return triples


def entity_triples(count: int, rng: random.Random, words: list[str]) -> list[ox.Triple]:
    """Entities with a label, two aliases and a type, as the entities graph describes them."""
    triples = []
    for number in range(count):
        label = " ".join(rng.choices(words, k=2)).title() + f" {number}"
        node = ox.NamedNode(entity_iri("bench", label))
        triples += [
            ox.Triple(node, RDF_TYPE, ffkg(ENTITY_TYPES[number % len(ENTITY_TYPES)])),
            ox.Triple(node, RDFS_LABEL, ox.Literal(label)),
            ox.Triple(node, ffkg("key"), ox.Literal(key_of(node.value))),
            *(ox.Triple(node, SKOS_ALT, ox.Literal(" ".join(rng.choices(words, k=2)))) for _ in range(2)),
        ]
    return triples


def build(documents: int, *, seed: int) -> Store:
    rng = random.Random(seed)
    words, weights = vocabulary()
    store = Store.memory()
    batch: dict[str, list[ox.Triple]] = {}
    for number in range(documents):
        batch[graph_iri(f"bench-{number:06d}")] = document_triples(number, rng, words, weights)
        if len(batch) == 1000:
            store.replace_graphs(batch)
            batch = {}
    if batch:
        store.replace_graphs(batch)
    store.replace_graph(graph_iri("bench-entities"), entity_triples(max(documents // 5, 10), rng, words))
    return store


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered) * 1000, ordered[int(0.95 * (len(ordered) - 1))] * 1000


def run(documents: int, *, repeats: int, seed: int) -> None:
    started = time.perf_counter()
    store = build(documents, seed=seed)
    print(f"store: {documents:,} documents in {time.perf_counter() - started:.1f} s")
    index = SearchIndex()
    started = time.perf_counter()
    index.sync(store)
    print(f"index built in {time.perf_counter() - started:.1f} s")
    words, weights = vocabulary()
    ranked = sorted(words, key=lambda word: -weights[words.index(word)])
    picker = random.Random(seed + 2)
    mix = picker.sample(words, 50)
    shapes = {
        "mix: 50 words of the vocabulary": [{"text": word} for word in mix],
        "mix: typeahead, their first 3 letters": [{"text": word[:3]} for word in mix],
        "mix: two words": [{"text": f"{a} {b}"} for a, b in zip(mix, reversed(mix), strict=True)],
        "mix: a word, type=Evidence": [{"text": word, "types": ["Evidence"]} for word in mix],
        "worst: the most common word": [{"text": ranked[0]}],
        "worst: most common word, type=Evidence": [{"text": ranked[0], "types": ["Evidence"]}],
    }
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"| search ({documents:,} documents) | searches | p50 ms | p95 ms | CPU p50 ms | median matches |")
    print("|---|---|---|---|---|---|")
    for name, queries in shapes.items():
        samples, cpu, totals = [], [], []
        for round_ in range(repeats):
            shape = queries[round_ % len(queries)]
            begin, begin_cpu = time.perf_counter(), time.thread_time()
            totals.append(index.search(store, **shape)["total"])
            samples.append(time.perf_counter() - begin)
            cpu.append(time.thread_time() - begin_cpu)
        p50, p95 = percentiles(samples)
        print(
            f"| {name} | {repeats} | {p50:.2f} | {p95:.2f} | {statistics.median(cpu) * 1000:.2f} "
            f"| {statistics.median(totals):,.0f} |"
        )
    rng = random.Random(seed + 1)
    changed = document_triples(0, rng, words, weights)
    store.replace_graph(graph_iri("bench-000000"), changed)
    begin = time.perf_counter()
    index.search(store, ranked[0])
    print(f"catch-up after one document changed, with the search: {(time.perf_counter() - begin) * 1000:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    run(args.documents, repeats=args.repeats, seed=args.seed)


if __name__ == "__main__":
    main()
