"""Extraction records: the plain data that flows from the extractor to the RDF mapping.

They mirror the JSON contract of `ffkg extract --format json` one to one, so the
command, the mapping and the evaluator all read the same shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ENTITY_TYPES = (
    "Person",
    "Organization",
    "Gunmaker",
    "CriminalGroup",
    "GovernmentBody",
    "Country",
    "Region",
    "City",
    "WeaponType",
)
EVENT_TYPES = ("Lawsuit", "Attack", "Seizure", "Smuggling", "PolicyAction", "Event")
#: A reified firearms flow is an entity-like node with origin/destination/via relations. It is not a
#: contract entity type: `to_json` lists flows under their own key.
FLOW_TYPE = "FirearmsFlow"
RELATION_PREDICATES = ("affiliatedWith", "locatedIn", "firearmsFlow", "manufactures")
EVENT_ROLES = ("plaintiff", "defendant", "target", "perpetrator", "participant", "weaponFrom", "occurredIn")
FLOW_ROLES = ("origin", "destination", "via")
#: The literals a flow carries (`EntityRecord.attributes` of a flow node).
FLOW_DETAILS = ("method", "share", "quantity", "period")


@dataclass(frozen=True)
class Span:
    """A character range of the document text (end exclusive) and the text it covers."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class DocumentInfo:
    """What we know about a source document before extraction."""

    id: str
    title: str
    date: str | None
    text: str
    source: str = ""
    content_hash: str = ""
    #: Characters of the file before `text` starts (the `date YYYY-MM-DD ` prefix): a span of `text`
    #: plus `offset` is the same span of `as_given`, which is what the store keeps and cites.
    offset: int = 0
    #: The file as read (decoded, line ends as \n) when it differs from `text`; see `as_given`.
    given: str | None = None
    url: str | None = None
    outlet: str | None = None
    author: str | None = None
    language: str | None = None

    def as_given(self) -> str:
        """The document as its file gives it (for HTML: the extracted text), which stored offsets index."""
        return self.given if self.given is not None else self.text


@dataclass
class EntityRecord:
    """One resolved entity, event or flow of a document, with every mention of it.

    `attributes` carries type-specific literals: `geonames_id`, `lat`, `lon`, `aliases`
    (list) for places and organisations; `method`, `share`, `quantity`, `period` for flows.
    """

    id: str
    label: str
    type: str
    mentions: list[Span] = field(default_factory=list)
    date: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)


@dataclass
class RelationRecord:
    """A stated fact between two nodes, with the sentence that states it."""

    subject: str
    predicate: str
    object: str
    confidence: float
    evidence: Span


@dataclass
class Extraction:
    """Everything extracted from one document."""

    document: DocumentInfo
    entities: list[EntityRecord]
    relations: list[RelationRecord]
    extractor_version: str

    def to_json(self) -> dict[str, Any]:
        """The `ffkg extract --format json` shape: the contract's entity types, event types and
        predicates, and each reified flow under `flows` with its ends, details and evidence.

        Spans count in the file as given (`DocumentInfo.as_given`), as the store and every page cite them.
        """
        nodes = {e.id for e in self.entities if e.type in ENTITY_TYPES or e.type in EVENT_TYPES}
        entities = []
        for entity in self.entities:
            if entity.id not in nodes:
                continue
            item: dict[str, Any] = {"id": entity.id, "label": entity.label, "type": entity.type}
            if entity.date:
                item["date"] = entity.date
            item["mentions"] = [self._span(m) for m in entity.mentions]
            entities.append(item)
        predicates = set(RELATION_PREDICATES) | set(EVENT_ROLES)
        return {
            "document": {"id": self.document.id, "title": self.document.title, "date": self.document.date},
            "entities": entities,
            "relations": [
                {
                    "subject": r.subject,
                    "predicate": r.predicate,
                    "object": r.object,
                    "confidence": r.confidence,
                    "evidence": self._span(r.evidence),
                }
                for r in self.relations
                if r.predicate in predicates and r.subject in nodes and r.object in nodes
            ],
            "flows": self._flows(),
        }

    def _flows(self) -> list[dict[str, Any]]:
        flows: dict[str, dict[str, Any]] = {}
        for entity in self.entities:
            if entity.type == FLOW_TYPE:
                flow: dict[str, Any] = {"id": entity.id, "label": entity.label, "origin": None, "destination": None}
                flow["via"] = []
                flow.update({name: entity.attributes.get(name) for name in FLOW_DETAILS})
                flow["evidence"] = []
                flows[entity.id] = flow
        for r in self.relations:
            flow = flows.get(r.subject)
            if flow is None or r.predicate not in FLOW_ROLES:
                continue
            if r.predicate != "via":
                flow[r.predicate] = r.object
            elif r.object not in flow["via"]:
                flow["via"].append(r.object)
            evidence = self._span(r.evidence)
            if evidence not in flow["evidence"]:
                flow["evidence"].append(evidence)
        return list(flows.values())

    def _span(self, span: Span) -> dict[str, Any]:
        """`span` as offsets into the file as given, not into the text after its date prefix."""
        shift = self.document.offset
        return {"start": span.start + shift, "end": span.end + shift, "text": span.text}
