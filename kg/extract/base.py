"""The hand-over between the entity layer and the relation/event layer of extraction."""

from __future__ import annotations

from dataclasses import dataclass

from kg.records import EntityRecord


@dataclass(frozen=True)
class ResolvedMention:
    """One mention in the spaCy Doc, resolved to the document-level entity it names.

    Offsets are character offsets into the document text (end exclusive) and token
    offsets into the spaCy Doc (end exclusive), so rules can use either.
    """

    start_char: int
    end_char: int
    token_start: int
    token_end: int
    text: str
    entity: EntityRecord
