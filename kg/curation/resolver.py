"""The resolver: what the decisions mean, applied to whatever the extractor produced last.

Decisions name entities and facts by IRI, and extraction gives the same thing the same IRI in
every document, run and extractor version (`kg/iris.py`). So nothing extracted is ever
rewritten: re-ingesting a document, a new extractor or removing and re-adding documents leaves
the decisions standing, and readers see them through the `Resolution` (which IRI an entity
resolves to, each fact's status, curated labels and types, split-off entities). A decision
whose subject is no longer in the store is reported as stale, never dropped.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.curation.decisions import CURATED_GRAPH, DECISIONS_GRAPH, Decision, read_decisions
from kg.iris import FACTS_GRAPH, ONTOLOGY, key_of
from kg.revision_cache import RevisionCache
from kg.store import BaseStore

OWL_SAME_AS = "http://www.w3.org/2002/07/owl#sameAs"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
STATUSES = ("extracted", "confirmed", "rejected")
#: The status each claim decision gives.
STATUS_OF = {"confirm": "confirmed", "reject": "rejected"}
_STATUS_TERMS = {"confirmed": ONTOLOGY + "Confirmed", "rejected": ONTOLOGY + "Rejected"}
_resolutions = RevisionCache(limit=4)


@dataclass(frozen=True)
class Split:
    """Mentions of `entity` in `documents` belong to the new entity `into`."""

    entity: str
    into: str
    documents: frozenset[str]
    label: str
    type: str | None


@dataclass
class Resolution:
    """The decisions' combined meaning, in the order they were taken."""

    decisions: list[Decision] = field(default_factory=list)
    parent: dict[str, str] = field(default_factory=dict)
    status: dict[str, tuple[str, str]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)
    splits: list[Split] = field(default_factory=list)
    distinct: dict[frozenset[str], str] = field(default_factory=dict)
    merged_by: dict[str, str] = field(default_factory=dict)
    _clusters: dict[str, list[str]] | None = field(default=None, repr=False)

    def find(self, iri: str) -> str:
        """The IRI `iri` resolves to: the kept entity of its merges, or itself."""
        while iri in self.parent:
            iri = self.parent[iri]
        return iri

    def same_as(self) -> dict[str, str]:
        """Every merged-away IRI and the entity it resolves to."""
        return {iri: self.find(iri) for iri in self.parent}

    def members(self, iri: str) -> list[str]:
        """The IRIs merged into `iri`'s entity, itself first."""
        if self._clusters is None:
            self._clusters = {}
            for merged in sorted(self.parent):
                self._clusters.setdefault(self.find(merged), []).append(merged)
        kept = self.find(iri)
        return [kept, *self._clusters.get(kept, [])]

    def status_of(self, iri: str) -> str:
        """extracted, confirmed or rejected."""
        return self.status.get(iri, ("extracted", ""))[0]

    def split_off(self) -> frozenset[str]:
        """The entities splits created: they exist as long as their split stands."""
        return frozenset(split.into for split in self.splits)

    def rejected(self) -> frozenset[str]:
        return frozenset(iri for iri, (status, _) in self.status.items() if status == "rejected")

    def kept_apart(self, a: str, b: str) -> str | None:
        """The id of a decision saying the entities of `a` and `b` are different, if any."""
        if not self.distinct:
            return None
        ours, theirs = set(self.members(a)), set(self.members(b))
        for pair, decision in self.distinct.items():
            first, second = tuple(pair)
            if (first in ours and second in theirs) or (first in theirs and second in ours):
                return decision
        return None

    def apply(self, decision: Decision) -> None:
        """Take one decision into account (they are checked before they are stored; see `kg.curation.decide`)."""
        self.decisions.append(decision)
        self._clusters = None
        if decision.action == "merge" and decision.other:
            kept, gone = self.find(decision.target), self.find(decision.other)
            if kept != gone:
                self.parent[gone] = kept
                self.merged_by[gone] = decision.id
        elif decision.action == "distinct" and decision.other:
            self.distinct[frozenset((decision.target, decision.other))] = decision.id
        elif decision.action in STATUS_OF:
            self.status[decision.target] = (STATUS_OF[decision.action], decision.id)
        elif decision.action == "relabel" and decision.label:
            self.labels[decision.target] = decision.label
        elif decision.action == "retype" and decision.type:
            self.types[decision.target] = decision.type
        elif decision.action == "split" and decision.split_entity and decision.label:
            documents = frozenset(decision.documents)
            split = Split(decision.target, decision.split_entity, documents, decision.label, decision.type)
            self.splits.append(split)
            self.distinct[frozenset((decision.target, decision.split_entity))] = decision.id

    def effects(self) -> list[ox.Triple]:
        """The curated graph: `owl:sameAs` per merged IRI, claim statuses, curated labels and types, and
        split-off entities described so that lookups and the network find them."""
        triples = [ox.Triple(_n(iri), _n(OWL_SAME_AS), _n(kept)) for iri, kept in sorted(self.same_as().items())]
        triples += [
            ox.Triple(_n(iri), _n(ONTOLOGY + "claimStatus"), _n(_STATUS_TERMS[status]))
            for iri, (status, _) in sorted(self.status.items())
        ]
        triples += [ox.Triple(_n(i), _n(ONTOLOGY + "curatedLabel"), ox.Literal(v)) for i, v in self.labels.items()]
        triples += [ox.Triple(_n(i), _n(ONTOLOGY + "curatedType"), _n(ONTOLOGY + v)) for i, v in self.types.items()]
        for split in self.splits:
            triples += [
                ox.Triple(_n(split.into), _n(RDF_TYPE), _n(ONTOLOGY + (split.type or "Entity"))),
                ox.Triple(_n(split.into), _n(RDFS_LABEL), ox.Literal(split.label)),
                ox.Triple(_n(split.into), _n(ONTOLOGY + "key"), ox.Literal(key_of(split.into))),
                ox.Triple(_n(split.into), _n(ONTOLOGY + "splitFrom"), _n(split.entity)),
                *(ox.Triple(_n(split.into), _n(ONTOLOGY + "mentionedIn"), _n(d)) for d in sorted(split.documents)),
            ]
        return triples


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def resolve(decisions: Iterable[Decision]) -> Resolution:
    """The meaning of `decisions`, taken in order."""
    resolution = Resolution()
    for decision in decisions:
        resolution.apply(decision)
    return resolution


def resolution(store: BaseStore) -> Resolution:
    """The store's decisions resolved, once per revision (every reader asks)."""
    return _resolutions.get(store, "resolution", lambda: resolve(read_decisions(store)))


def exists(store: BaseStore, iri: str) -> bool:
    """Whether extraction or users (not the curated graph) still state anything about `iri`."""
    text = (
        "ASK { { GRAPH ?g { ?x ?p ?o } } UNION { GRAPH ?g { ?s ?p ?x } } "
        f"FILTER(?g NOT IN (<{CURATED_GRAPH}>, <{DECISIONS_GRAPH}>)) }}"
    )
    return bool(store.query(text, substitutions={ox.Variable("x"): ox.NamedNode(iri)}))


def is_fact(store: BaseStore, iri: str) -> bool:
    text = f"ASK {{ GRAPH <{FACTS_GRAPH}> {{ ?x a <{ONTOLOGY}Fact> }} }}"
    return bool(store.query(text, substitutions={ox.Variable("x"): ox.NamedNode(iri)}))


def stale(store: BaseStore, decisions: Iterable[Decision] | None = None) -> list[tuple[Decision, list[str]]]:
    """Decisions with a subject (entity, fact or split document) the store no longer holds, and which."""
    decisions = read_decisions(store) if decisions is None else list(decisions)
    created = resolve(decisions).split_off()
    found = []
    for decision in decisions:
        subjects = [*decision.subjects(), *decision.documents]
        missing = [iri for iri in subjects if iri not in created and not exists(store, iri)]
        if missing:
            found.append((decision, missing))
    return found
