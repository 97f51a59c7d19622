"""Curators' decisions as records and as RDF in their own graph, so they are data: exported, restored, queried.

The decisions graph is the source of truth; the curated graph beside it holds only what the
decisions mean for the data (`owl:sameAs`, claim statuses, curated labels and types) and is
rewritten from them in the same update, so undoing a decision restores both graphs exactly.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

import pyoxigraph as ox

from kg.backends.model import insert_data
from kg.iris import GRAPH, ID, ONTOLOGY
from kg.store import BaseStore

#: The decisions, one `ffkg:Decision` node each.
DECISIONS_GRAPH = GRAPH + "_decisions"
#: What the decisions mean for the data, derived from them on every change.
CURATED_GRAPH = GRAPH + "_curated"
DECISION_PREFIX = ID + "decision/"
ACTIONS = ("merge", "distinct", "split", "reject", "confirm", "retype", "relabel")

_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_COMMENT = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment")
_CREATOR = ox.NamedNode("http://purl.org/dc/terms/creator")
_CREATED = ox.NamedNode("http://purl.org/dc/terms/created")
_DATETIME = ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime")


def _term(name: str) -> ox.NamedNode:
    return ox.NamedNode(ONTOLOGY + name)


@dataclass(frozen=True)
class Decision:
    """One judgement: `target` is the entity or fact it is about (for a merge, the one kept)."""

    action: str
    target: str
    other: str | None = None
    label: str | None = None
    type: str | None = None
    documents: tuple[str, ...] = ()
    split_entity: str | None = None
    author: str = "anonymous"
    note: str = ""
    created: str = ""
    id: str = ""

    @property
    def iri(self) -> str:
        return DECISION_PREFIX + self.id

    def subjects(self) -> list[str]:
        """The entities or facts that must exist for the decision to mean anything."""
        return [self.target, *filter(None, [self.other])]

    def as_dict(self) -> dict[str, object]:
        """The decision as the CLI and the REST API show it."""
        found: dict[str, object] = {"id": self.id, "action": self.action, "target": self.target}
        optional = {"other": self.other, "label": self.label, "type": self.type, "split_entity": self.split_entity}
        found.update({name: value for name, value in optional.items() if value})
        if self.documents:
            found["documents"] = list(self.documents)
        return {**found, "author": self.author, "note": self.note, "created": self.created}


def stamped(decision: Decision, *, now: datetime | None = None) -> Decision:
    """The decision with a fresh id and the time it was taken (UTC)."""
    moment = (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return replace(decision, id=uuid.uuid4().hex[:12], created=moment)


def decision_triples(decision: Decision) -> list[ox.Triple]:
    node = ox.NamedNode(decision.iri)
    triples = [
        ox.Triple(node, _RDF_TYPE, _term("Decision")),
        ox.Triple(node, _term("key"), ox.Literal(f"decision/{decision.id}")),
        ox.Triple(node, _term("action"), ox.Literal(decision.action)),
        ox.Triple(node, _term("decisionTarget"), ox.NamedNode(decision.target)),
        ox.Triple(node, _CREATOR, ox.Literal(decision.author)),
        ox.Triple(node, _CREATED, ox.Literal(decision.created, datatype=_DATETIME)),
    ]
    if decision.note:
        triples.append(ox.Triple(node, _COMMENT, ox.Literal(decision.note)))
    if decision.other:
        triples.append(ox.Triple(node, _term("decisionOther"), ox.NamedNode(decision.other)))
    if decision.label:
        triples.append(ox.Triple(node, _term("newLabel"), ox.Literal(decision.label)))
    if decision.type:
        triples.append(ox.Triple(node, _term("newType"), _term(decision.type)))
    if decision.split_entity:
        triples.append(ox.Triple(node, _term("splitEntity"), ox.NamedNode(decision.split_entity)))
    triples += [ox.Triple(node, _term("splitDocument"), ox.NamedNode(d)) for d in decision.documents]
    return triples


@dataclass
class _Fields:
    values: dict[str, str] = field(default_factory=dict)
    documents: list[str] = field(default_factory=list)


def read_decisions(store: BaseStore) -> list[Decision]:
    """Every decision in the store, oldest first (the order they are applied in)."""
    found: dict[str, _Fields] = {}
    rows = store.query(f"SELECT ?d ?p ?v WHERE {{ GRAPH <{DECISIONS_GRAPH}> {{ ?d ?p ?v }} }}")
    for row in rows:
        fields = found.setdefault(row["d"].value, _Fields())
        predicate, value = row["p"].value, row["v"].value
        name = predicate[len(ONTOLOGY) :] if predicate.startswith(ONTOLOGY) else predicate
        if name == "splitDocument":
            fields.documents.append(value)
        else:
            fields.values[name] = value
    decisions = [_decision(node, fields) for node, fields in found.items() if node.startswith(DECISION_PREFIX)]
    return sorted(decisions, key=lambda d: (d.created, d.id))


def _decision(node: str, fields: _Fields) -> Decision:
    v = fields.values
    new_type = v.get("newType")
    return Decision(
        action=v.get("action", ""),
        target=v.get("decisionTarget", ""),
        other=v.get("decisionOther"),
        label=v.get("newLabel"),
        type=new_type[len(ONTOLOGY) :] if new_type else None,
        documents=tuple(sorted(fields.documents)),
        split_entity=v.get("splitEntity"),
        author=v.get(_CREATOR.value, ""),
        note=v.get(_COMMENT.value, ""),
        created=v.get(_CREATED.value, ""),
        id=node[len(DECISION_PREFIX) :],
    )


def write_decisions(store: BaseStore, decisions: Iterable[Decision], effects: Iterable[ox.Triple]) -> None:
    """Make the decisions graph hold exactly `decisions` and the curated graph exactly `effects`, in one
    atomic update; with nothing to hold, neither graph exists (as before the first decision)."""
    quads = [
        ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(DECISIONS_GRAPH))
        for d in decisions
        for t in decision_triples(d)
    ]
    quads += [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(CURATED_GRAPH)) for t in effects]
    steps = [f"DROP SILENT GRAPH <{DECISIONS_GRAPH}>", f"DROP SILENT GRAPH <{CURATED_GRAPH}>"]
    if quads:
        steps.append(insert_data(quads))
    store.update(" ;\n".join(steps))
