"""A label-level view of a real end-to-end extraction, for the relation and event tests."""

from __future__ import annotations

from dataclasses import dataclass

from kg.extract import extract, load_pipeline
from kg.records import EVENT_TYPES, DocumentInfo, EntityRecord, Extraction


@dataclass
class View:
    """An extraction read by labels: what a user of `ffkg extract` sees."""

    extraction: Extraction

    def entity(self, entity_id: str) -> EntityRecord:
        return next(e for e in self.extraction.entities if e.id == entity_id)

    def label(self, entity_id: str) -> str:
        return self.entity(entity_id).label

    def triples(self, predicate: str) -> set[tuple[str, str]]:
        return {
            (self.label(r.subject), self.label(r.object)) for r in self.extraction.relations if r.predicate == predicate
        }

    def events(self, kind: str | None = None) -> list[EntityRecord]:
        return [e for e in self.extraction.entities if e.type in EVENT_TYPES and kind in (None, e.type)]

    def args(self, event: EntityRecord) -> dict[str, set[str]]:
        found: dict[str, set[str]] = {}
        for relation in self.extraction.relations:
            if relation.subject == event.id:
                found.setdefault(relation.predicate, set()).add(self.label(relation.object))
        return found

    def flows(self) -> list[EntityRecord]:
        return [e for e in self.extraction.entities if e.type == "FirearmsFlow"]


def run(text: str, date: str | None = "2021-06-15") -> View:
    """Extract `text` with the real pipeline, dated `date`."""
    info = DocumentInfo(id="test-doc", title=text.split("\n", 1)[0], date=date, text=text)
    return View(extract(info, load_pipeline()))
