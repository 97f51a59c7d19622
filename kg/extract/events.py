"""Events: court cases, smuggling schemes, seizures, attacks, policy actions, meetings.

Each sentence is scanned for trigger words (lemmas, so "sentenced", "sentencing" and
"sentence" all count); the trigger's place in the dependency tree picks the
arguments among the sentence's resolved mentions. Candidates of one case are then
merged across sentences (`kg.extract.cases`): indictment, plea, trial and sentencing
of one case are one Lawsuit, and the scheme it is about is one Smuggling event.
Habitual and statistical statements are left to the flow rules.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from spacy.tokens import Doc, Span, Token

from kg.extract.base import ResolvedMention
from kg.extract.cases import Candidate, build_events
from kg.extract.context import (
    Sentence,
    doc_text,
    in_phrase,
    is_within,
    lemma_of,
    sentences,
)
from kg.extract.dates import DateMention, sentence_dates
from kg.extract.event_model import arguments, triggers
from kg.extract.lexicon import words
from kg.extract.roles import (
    event_places,
    programme_runners,
)
from kg.records import DocumentInfo, EntityRecord, RelationRecord

_FUTURE = words("event_rules", "future")
_REPORTING = words("event_rules", "reporting")
_PROGRAMME = re.compile(
    r"\b(?:Project|Operation|Programa|Plan)(?:\s+(?:and\s+|of\s+|the\s+|de\s+|del\s+)?[A-Z][\w'’-]*)+"
    r"|\b(?:[A-Z][\w-]+\s+){1,4}(?:Initiative|Program|Programme)\b"
)
_START_VERBS = words("event_rules", "start_verbs")


def _scope(token: Token) -> Token:
    """The phrase a trigger governs: "smuggling" in "a smuggling scheme" speaks for "scheme"."""
    if token.dep_ in ("compound", "amod", "nmod") and token.head.pos_ in ("NOUN", "PROPN"):
        return token.head
    return token


def _candidates(doc: Doc, sentence: Sentence, info: DocumentInfo, position: int) -> list[Candidate]:
    """The events the trained models find in one sentence, with their arguments and date."""
    found = []
    for kind, token, _ in triggers(sentence):
        args = arguments(doc, sentence, token, kind)
        future = any(lemma_of(a) in _FUTURE for a in token.ancestors) or any(c.lower_ == "will" for c in token.children)
        found.append(Candidate(kind, token, _scope(token), sentence, args, position, future=future))
    _date(found, sentence, info)
    return _one_per_kind(found)


def _date(found: list[Candidate], sentence: Sentence, info: DocumentInfo) -> None:
    """A date under the trigger's phrase dates it; else the sentence's first date no case claimed
    and no reporting verb holds ("..., the office said Wednesday" dates the statement)."""
    if not found:
        return
    dates = sentence_dates(sentence.span, info.date, sentence.text)
    spans = {d.start: sentence.span.doc.char_span(d.start, d.end, alignment_mode="expand") for d in dates}
    claimed: set[int] = set()
    for candidate in found:
        for mention in dates:
            token = spans[mention.start]
            if token is not None and is_within(token.root, candidate.root) and _may_date(token, candidate):
                candidate.date = mention.value
                if candidate.kind == "Lawsuit":
                    claimed.add(mention.start)
                break
    for candidate in found:
        if candidate.date is None:
            free = [
                d
                for d in dates
                if d.start not in claimed
                and not _reported_on(sentence, d, candidate)
                and (spans[d.start] is None or _may_date(spans[d.start], candidate))
            ]
            candidate.date = free[0].value if free else None


def _may_date(span: Span, candidate: Candidate) -> bool:
    """A date that modifies a noun ("linked to the March 3 incident") dates that noun's event and
    whatever it tells ("the March 3 incident involving the murder"), not the verb above it."""
    root = span.root
    while root.head.i != root.i and root.head.ent_type_ in ("DATE", "TIME"):
        root = root.head  # "On Friday afternoon": the whole time expression is the modifier
    modifying = root.dep_ in ("compound", "nmod", "amod", "npadvmod") and root.head.pos_ in ("NOUN", "PROPN")
    if not modifying or root.i > root.head.i:
        return True  # a date after a noun ("arrested in Luque last Friday") modifies the verb
    return is_within(candidate.trigger, root.head)


def _reported_on(sentence: Sentence, mention: DateMention, candidate: Candidate) -> bool:
    """The date hangs off a verb of saying that reports the event ("X was indicted, the office said
    Wednesday"); a saying the event only accompanies ("officers said Monday, when they announced
    charges") still dates it."""
    span = sentence.span.doc.char_span(mention.start, mention.end, alignment_mode="expand")
    if span is None:
        return False
    verb = span.root.head if span.root.dep_ != "pobj" else span.root.head.head
    trigger = candidate.trigger
    if lemma_of(verb) not in _REPORTING or verb.i == trigger.i:
        return False
    if not verb.is_ancestor(trigger):
        return True
    node = trigger
    while node.head.i != verb.i:
        node = node.head
    return node.dep_ in ("ccomp", "parataxis")


def _same_subject(first: Token, second: Token) -> bool:
    """ "declared a conflict and designated the gangs": conjoined verbs sharing one subject."""
    own_subject = any(c.dep_ in ("nsubj", "nsubjpass") for c in second.children)
    return second.dep_ == "conj" and second.head.i == first.i and second.pos_ == "VERB" and not own_subject


def _one_per_kind(found: list[Candidate]) -> list[Candidate]:
    """Two triggers of one kind in one phrase ("participation in the Anniversary") are one event."""
    kept: list[Candidate] = []
    for candidate in found:
        twin = next(
            (
                k
                for k in kept
                if k.kind == candidate.kind
                and (
                    in_phrase(candidate.trigger, k.root)
                    or in_phrase(k.trigger, candidate.root)
                    or _same_subject(k.trigger, candidate.trigger)
                )
            ),
            None,
        )
        if twin is None:
            kept.append(candidate)
            continue
        twin.absorb(candidate)
    return kept


def _begun_in_apposition(head: Token) -> bool:
    """ "Project X, an investigation that the police began last spring"."""
    appositions = [c for c in head.children if c.dep_ == "appos"]
    return any(lemma_of(v) in _START_VERBS for a in appositions for v in a.children if v.dep_ in ("relcl", "acl"))


def _programmes(doc: Doc, sentence: Sentence, info: DocumentInfo, position: int) -> list[Candidate]:
    """Named programmes and operations ("Project Gunrunner") are PolicyAction events named for themselves."""
    found = []
    text = sentence.text
    dates: list[DateMention] | None = None
    for match in _PROGRAMME.finditer(text):
        name = re.sub(r"^(?:The|A|An)\s+", "", match.group()).strip()
        start = sentence.span.start_char + match.start()
        span = doc.char_span(start, start + len(match.group()), alignment_mode="expand")
        if span is None:
            continue
        head = span.root
        if dates is None:
            dates = sentence_dates(sentence.span, info.date, text)
        dated = [d for d in dates if 0 <= d.start - span.end_char <= 3]
        started = (
            lemma_of(head.head) in _START_VERBS and head.dep_ in ("dobj", "nsubjpass") or _begun_in_apposition(head)
        )
        if started and not dated:
            dated = dates
        args = {
            "participant": programme_runners(doc, sentence, head, started),
            "occurredIn": [p for p in event_places(doc, sentence, head.head) if p.entity.type == "City"]
            if started
            else [],
        }
        candidate = Candidate("PolicyAction", head, head, sentence, args, position, name=name)
        candidate.date = dated[0].value if dated else None
        found.append(candidate)
    return found


def extract_events(
    doc: Doc, mentions: list[ResolvedMention], info: DocumentInfo, relations: Sequence[RelationRecord] = ()
) -> tuple[list[EntityRecord], list[RelationRecord]]:
    """Event records (types from EVENT_TYPES) and their argument relations; the document's
    firearmsFlow `relations` place the smuggling schemes that tell them."""
    candidates: list[Candidate] = []
    for position, sentence in enumerate(sentences(doc, mentions)):
        named = _programmes(doc, sentence, info, position)
        candidates.extend(named)
        candidates.extend(
            c for c in _candidates(doc, sentence, info, position) if not (named and c.kind == "PolicyAction")
        )
    flows = [r for r in relations if r.predicate == "firearmsFlow"]
    return build_events(doc, candidates, mentions, info, dateline=_dateline(doc, mentions), flows=flows)


def _dateline(doc: Doc, mentions: list[ResolvedMention]) -> ResolvedMention | None:
    """The city of a dateline ("EL PASO – A federal jury ..."), where a court release is issued."""
    text = doc_text(doc)
    for mention in mentions:
        line_start = text.rfind("\n", 0, mention.start_char) + 1
        if mention.entity.type == "City" and not text[line_start : mention.start_char].strip():
            rest = text[mention.end_char : mention.end_char + 40]
            if re.match(r"\s*(?:,[^–—\n]{1,25})?\s*[–—-]\s", rest):
                return mention
    return None
