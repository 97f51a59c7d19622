"""Seeded synthetic datasets shaped like ffkg's own extractions, for benchmarks.

The generator builds `kg.records.Extraction` records and maps them with
`kg.mapping.extraction_triples`, so the triples have exactly the shape ingest writes:
a named graph per document with the Document, its mentions and one Evidence node per
fact; typed entities with labels, aliases and keys once in the entities graph; dated
events with role edges, firearms flows and domain relations once in the facts graph.
Entities are drawn from a shared pool with power-law popularity, so a few (Mexico, the United
States, a big cartel) appear in most documents
and the graph is connected the way real data is.

Stable interface for other benchmarks (e.g. `bench/analytics.py`)::

    from bench.generate import SIZES, generate_dataset
    quads = generate_dataset(SIZES["100k"], seed=0)   # list[pyoxigraph.Quad]

The same `(n_triples, seed)` always gives the same quads. Whole documents are emitted
until at least `n_triples` quads exist, so the count overshoots by less than one document.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass

import pyoxigraph as ox

from kg.iris import FACTS_GRAPH, entity_iri, geonames_iri, local_iri
from kg.mapping import DocumentTriples, corroboration_triples, extraction_triples
from kg.records import DocumentInfo, EntityRecord, Extraction, RelationRecord, Span

SIZES = {"10k": 10_000, "100k": 100_000, "1M": 1_000_000}
EXTRACTOR_VERSION = "bench-synthetic/1"

_SYLLABLES = (
    "ar",
    "be",
    "ca",
    "do",
    "el",
    "fu",
    "ga",
    "ho",
    "is",
    "ju",
    "ka",
    "lo",
    "ma",
    "ne",
    "or",
    "pa",
    "que",
    "ro",
    "sa",
    "to",
    "ul",
    "va",
    "xi",
    "ye",
    "zu",
    "ri",
    "mon",
    "tel",
    "var",
    "gon",
)
_FIRST = (
    "José",
    "Maria",
    "John",
    "Luis",
    "Ana",
    "Carlos",
    "David",
    "Elena",
    "Jorge",
    "Laura",
    "Miguel",
    "Sarah",
    "Pedro",
    "Rosa",
    "James",
    "Omar",
    "Lucia",
    "Raul",
    "Karen",
    "Victor",
)
_SUFFIX = {
    "Organization": ("Institute", "Foundation", "Center", "Research", "Coalition"),
    "Gunmaker": ("Arms", "Firearms", "Manufacturing", "Defense", "Rifles"),
    "CriminalGroup": ("Cartel", "Gang", "Organization", "Network"),
    "GovernmentBody": ("Ministry", "Agency", "Police", "Prosecutor's Office", "Department"),
    "Region": ("State", "Province", "Department"),
    "City": ("", "City", "de la Sierra", "del Norte"),
    "WeaponType": ("rifle", "pistol", "carbine", "machine gun", "shotgun"),
}
#: Pool share and IRI kind per entity type; places get GeoNames IRIs.
_TYPES = {
    "Person": (0.40, "person"),
    "Organization": (0.08, "org"),
    "Gunmaker": (0.05, "org"),
    "CriminalGroup": (0.07, "org"),
    "GovernmentBody": (0.08, "org"),
    "Country": (0.02, None),
    "Region": (0.08, None),
    "City": (0.17, None),
    "WeaponType": (0.05, "weapon"),
}
_EVENTS = {
    "Seizure": (("participant", "Person"), ("weaponFrom", "Gunmaker"), ("occurredIn", "City")),
    "Smuggling": (("perpetrator", "Person"), ("perpetrator", "CriminalGroup"), ("occurredIn", "Country")),
    "Lawsuit": (("plaintiff", "Country"), ("defendant", "Gunmaker"), ("occurredIn", "City")),
    "Attack": (("perpetrator", "CriminalGroup"), ("target", "GovernmentBody"), ("occurredIn", "City")),
    "PolicyAction": (("participant", "GovernmentBody"), ("occurredIn", "Country")),
}
_RELATIONS = (
    ("affiliatedWith", "Person", "CriminalGroup"),
    ("affiliatedWith", "Person", "GovernmentBody"),
    ("locatedIn", "City", "Region"),
    ("locatedIn", "Region", "Country"),
    ("manufactures", "Gunmaker", "WeaponType"),
    ("firearmsFlow", "Country", "Country"),
)
_FILLER = (
    "authorities said",
    "according to court records",
    "officials reported",
    "the investigation found",
    "prosecutors said",
    "the report stated",
    "agents seized",
    "trafficking of firearms across the border",
)
_METHODS = ("straw purchase", "ant trafficking", "ghost guns", "diversion", "theft")


@dataclass(frozen=True)
class _Pool:
    """The shared entities, per type, ordered from most to least popular."""

    by_type: dict[str, list[EntityRecord]]
    weights: dict[str, list[float]]

    def draw(self, rng: random.Random, kind: str) -> EntityRecord:
        return rng.choices(self.by_type[kind], cum_weights=self.weights[kind])[0]


def _name(rng: random.Random, syllables: int) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(syllables)).capitalize()


def _entity(rng: random.Random, kind: str, index: int) -> EntityRecord:
    if kind == "Person":
        label = f"{rng.choice(_FIRST)} {_name(rng, 3)}"
        aliases = [label.split()[-1]]
    elif kind == "WeaponType":
        label = f"{_name(rng, 2).upper()}-{index} {rng.choice(_SUFFIX[kind])}"
        aliases = [label.split()[0]]
    else:
        label = " ".join(filter(None, (_name(rng, 3), rng.choice(_SUFFIX.get(kind, ("",))))))
        aliases = [label.split()[0]]
    share, iri_kind = _TYPES[kind]
    if iri_kind is None:
        geonames_id = 1_000_000 + index
        attributes = {"geonames_id": geonames_id, "lat": rng.uniform(-40, 50), "lon": rng.uniform(-120, 20)}
        iri = geonames_iri(geonames_id)
    else:
        attributes = {}
        iri = entity_iri(iri_kind, f"{label} {index}")
    return EntityRecord(id=iri, label=label, type=kind, attributes={**attributes, "aliases": aliases})


def _pool(rng: random.Random, n_docs: int) -> _Pool:
    """About 1.5 distinct entities per document, at least a handful of each type."""
    size = max(200, int(n_docs * 1.5))
    counter = itertools.count()
    by_type: dict[str, list[EntityRecord]] = {}
    weights: dict[str, list[float]] = {}
    for kind, (share, _) in _TYPES.items():
        count = max(5, int(size * share))
        by_type[kind] = [_entity(rng, kind, next(counter)) for _ in range(count)]
        weights[kind] = list(itertools.accumulate(1.0 / (rank + 1) ** 1.1 for rank in range(count)))
    return _Pool(by_type, weights)


class _Writer:
    """Accumulates one document's text so that every mention and fact has true offsets."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0

    def add(self, text: str) -> Span:
        start = self.length
        self.parts.append(text)
        self.length += len(text)
        return Span(start, start + len(text), text)

    def sentence(self, rng: random.Random, *labels: str) -> tuple[Span, list[Span]]:
        """A sentence naming `labels`; returns its span and each label's span."""
        start = self.length
        spans = []
        for label in labels:
            spans.append(self.add(label))
            self.add(f" {rng.choice(_FILLER)} ")
        self.add(". ")
        text = "".join(self.parts)[start : self.length]
        return Span(start, self.length, text), spans


def _document(rng: random.Random, pool: _Pool, number: int) -> Extraction:
    doc_key = f"bench-{number:07d}"
    writer = _Writer()
    writer.add(f"Synthetic report {number}. ")
    used: dict[str, EntityRecord] = {}

    def mention(entity: EntityRecord, span: Span) -> None:
        record = used.setdefault(
            entity.id, EntityRecord(entity.id, entity.label, entity.type, attributes=dict(entity.attributes))
        )
        record.mentions.append(span)

    relations: list[RelationRecord] = []
    for _ in range(rng.randint(3, 5)):
        predicate, subject_type, object_type = rng.choice(_RELATIONS)
        subject, obj = pool.draw(rng, subject_type), pool.draw(rng, object_type)
        if subject.id == obj.id:
            continue
        sentence, (s_span, o_span) = writer.sentence(rng, subject.label, obj.label)
        mention(subject, s_span)
        mention(obj, o_span)
        relations.append(RelationRecord(subject.id, predicate, obj.id, round(rng.uniform(0.5, 1.0), 2), sentence))

    year = rng.randint(2005, 2025)
    date = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    events: list[EntityRecord] = []
    for index in range(rng.randint(1, 2)):
        event_type = rng.choice(tuple(_EVENTS))
        roles = [(role, pool.draw(rng, kind)) for role, kind in _EVENTS[event_type]]
        trigger = f"{event_type.lower()} {index + 1}"
        sentence, spans = writer.sentence(rng, trigger, *(entity.label for _, entity in roles))
        event = EntityRecord(
            local_iri(doc_key, "event", event_type, str(index)),
            f"{event_type} in report {number}",
            event_type,
            mentions=[spans[0]],
            date=date[: rng.choice((4, 7, 10))],
        )
        events.append(event)
        for (role, entity), span in zip(roles, spans[1:], strict=True):
            mention(entity, span)
            relations.append(RelationRecord(event.id, role, entity.id, round(rng.uniform(0.5, 1.0), 2), sentence))

    origin, destination = pool.draw(rng, "Country"), pool.draw(rng, "Country")
    via = pool.draw(rng, "City")
    sentence, (flow_span, *place_spans) = writer.sentence(
        rng, "firearms flow", origin.label, destination.label, via.label
    )
    flow = EntityRecord(
        local_iri(doc_key, "flow", str(number)),
        f"Firearms flow {origin.label} to {destination.label}",
        "FirearmsFlow",
        mentions=[flow_span],
        attributes={"method": rng.choice(_METHODS), "share": f"{rng.randint(10, 90)}%", "period": str(year)},
    )
    for role, entity, span in zip(
        ("origin", "destination", "via"), (origin, destination, via), place_spans, strict=True
    ):
        mention(entity, span)
        relations.append(RelationRecord(flow.id, role, entity.id, round(rng.uniform(0.5, 1.0), 2), sentence))

    info = DocumentInfo(
        id=doc_key,
        title=f"Synthetic report {number} on firearms trafficking",
        date=date,
        text="".join(writer.parts),
        source=f"https://example.org/bench/{number}",
        content_hash=f"{number:040x}",
    )
    return Extraction(info, [*used.values(), *events, flow], relations, EXTRACTOR_VERSION)


def generate_extractions(n_docs: int, *, seed: int = 0) -> Iterator[Extraction]:
    """`n_docs` synthetic extractions over one shared entity pool, reproducible from `seed`."""
    rng = random.Random(seed)
    pool = _pool(rng, n_docs)
    for number in range(n_docs):
        yield _document(rng, pool, number)


#: Mean quads per synthetic document, measured; used to size the entity pool before generating.
_QUADS_PER_DOC = 330


def _extractions_for(n_triples: int, seed: int) -> Iterator[Extraction]:
    """The extractions `generate_dataset(n_triples, seed)` draws from, in order, and as many again."""
    return generate_extractions(max(1, n_triples // _QUADS_PER_DOC) * 2, seed=seed)


def more_documents(n_triples: int, *, start: int, count: int, seed: int = 0) -> list[DocumentTriples]:
    """Up to `count` documents from number `start` of the stream `generate_dataset(n_triples, seed=seed)`
    draws from: with `start` the number of documents that dataset holds, what an ingest would add to
    it next (new graphs over the same entities, facts to recount). The stream holds about twice the
    documents the dataset does."""
    return [extraction_triples(e) for e in itertools.islice(_extractions_for(n_triples, seed), start, start + count)]


def generate_dataset(n_triples: int, *, seed: int = 0) -> list[ox.Quad]:
    """At least `n_triples` distinct quads of whole synthetic documents, laid out as ingest stores them:
    each document's graph, the entities and facts graphs, and every fact's corroboration counts."""
    quads: dict[ox.Quad, None] = {}
    documents_per_fact: dict[str, int] = {}
    for extraction in _extractions_for(n_triples, seed):
        mapped = extraction_triples(extraction)
        quads.update(dict.fromkeys(mapped.quads()))
        for fact in set(mapped.fact_nodes()):
            documents_per_fact[fact] = documents_per_fact.get(fact, 0) + 1
        if len(quads) >= n_triples:
            facts = ox.NamedNode(FACTS_GRAPH)
            counts = [
                ox.Quad(t.subject, t.predicate, t.object, facts)
                for fact, n in documents_per_fact.items()
                for t in corroboration_triples(fact, documents=n, stories=n, publishers=0)
            ]
            return [*quads, *counts]
    raise AssertionError("the document budget is twice the expected need; _QUADS_PER_DOC is far off")
