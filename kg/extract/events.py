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

from spacy.tokens import Doc, Token

from kg.extract.base import ResolvedMention
from kg.extract.cases import Candidate, build_events
from kg.extract.context import (
    Sentence,
    doc_text,
    governing_preposition,
    in_phrase,
    is_within,
    sentences,
)
from kg.extract.dates import DateMention, sentence_dates
from kg.extract.flows import WEAPON_WORDS
from kg.extract.roles import (
    event_places,
    gathering_roles,
    lawsuit_roles,
    programme_runners,
    smuggling_roles,
    violence_roles,
)
from kg.extract.triggers import ILLEGAL, MOVE, WEAK_LAWSUIT, crew_subject, lemma_of, trigger_type
from kg.records import DocumentInfo, EntityRecord, RelationRecord

_FUTURE = frozenset(["schedule", "expect", "set", "due"])
_REPORTING = frozenset(["say", "announce", "tell", "state", "report", "confirm", "add"])
_STATISTICAL = re.compile(
    r"\b(?:percent|each year|every year|annually|per year|a year|majority|estimated|average)\b|%", re.I
)
_PROGRAMME = re.compile(
    r"\b(?:Project|Operation|Programa|Plan)(?:\s+(?:and\s+|of\s+|the\s+|de\s+|del\s+)?[A-Z][\w'’-]*)+"
    r"|\b(?:[A-Z][\w-]+\s+){1,4}(?:Initiative|Program|Programme)\b"
)
#: Nouns that make a trigger the name of a charge ("one count of trafficking"), not a scheme.
_CHARGE_NOUNS = frozenset({"count", "charge", "offense", "offence", "penalty", "law", "act", "conviction"})
_START_VERBS = frozenset(["begin", "launch", "start", "create", "establish", "initiate", "found", "announce"])


def _under_according_to(token: Token) -> bool:
    """ "According to the lawsuit" cites a source; it does not report a new case."""
    return any(a.lower_ == "according" for a in token.ancestors)


def _scope(token: Token) -> Token:
    """The phrase a trigger governs: "smuggling" in "a smuggling scheme" speaks for "scheme"."""
    if token.dep_ in ("compound", "amod", "nmod") and token.head.pos_ in ("NOUN", "PROPN"):
        return token.head
    return token


def _charge_name(token: Token) -> bool:
    """ "one count of trafficking in firearms": the name of a charge, a scheme only if it names more."""
    nearby = [token.head, token.head.head, token.head.head.head]
    return any(lemma_of(t) in _CHARGE_NOUNS for t in nearby)


def _past(token: Token) -> bool:
    """A finite past-tense report ("smuggled hundreds of firearms"), not an infinitive or a noun."""
    if token.tag_ == "VBD":
        return True
    auxes = [c for c in token.children if c.dep_ in ("aux", "auxpass")]
    return token.tag_ == "VBN" and any(a.tag_ == "VBD" or a.lemma_ == "have" for a in auxes)


def _about_guns(token: Token, sentence: Sentence, words: set[str]) -> bool:
    """Smuggling here means guns ("drug trafficking" does not count); supplying or delivering
    them is only a scheme when it is unlawful or goes to a criminal group."""
    if not (words & WEAPON_WORDS or sentence.of_types(["WeaponType", "Gunmaker"])):
        return False
    if lemma_of(token) in ("supply", "deliver"):
        return bool(words & ILLEGAL or sentence.of_types(["CriminalGroup"]))
    return True


def _habitual(sentence: Sentence, trigger: Token) -> bool:
    """Statistics and present-tense generalities are flows, not events."""
    if _STATISTICAL.search(sentence.text):
        return True
    if trigger.dep_ in ("acl", "amod"):
        return True
    auxes = [c for c in trigger.children if c.dep_ in ("aux", "auxpass") and lemma_of(c) != "have"]
    return trigger.tag_ in ("VBZ", "VBP") or any(a.tag_ in ("VBZ", "VBP") for a in auxes)


def _candidates(doc: Doc, sentence: Sentence, info: DocumentInfo, position: int) -> list[Candidate]:
    found: list[Candidate] = []
    tentative: list[Candidate] = []
    words = {lemma_of(t) for t in sentence.span}
    for token in sentence.span:
        kind = trigger_type(token, words, sentence)
        if kind is None or _under_according_to(token) or sentence.mention_at(token) is not None:
            continue
        if kind == "Smuggling" and not _about_guns(token, sentence, words):
            continue
        root = _scope(token)
        if kind == "Lawsuit":
            args = lawsuit_roles(doc, sentence, token, root)
        elif kind == "Smuggling":
            args = smuggling_roles(doc, sentence, token, root)
            named = args["perpetrator"] or args["participant"]
            if _charge_name(token) and not (args["participant"] or args["occurredIn"]):
                continue
            moved = lemma_of(token) in MOVE and not words & ILLEGAL and not crew_subject(token)
            if not named and (moved or _habitual(sentence, token) or not _past(token)):
                tentative.append(Candidate(kind, token, root, sentence, args, position))
                continue
        elif kind in ("Seizure", "Attack"):
            if _habitual(sentence, token):
                continue
            args = violence_roles(doc, sentence, token, root, kind)
            if kind == "Attack" and not (args["target"] or args["perpetrator"]):
                continue
        else:
            args = gathering_roles(doc, sentence, token, root, kind)
        future = any(lemma_of(a) in _FUTURE for a in token.ancestors) or any(c.lower_ == "will" for c in token.children)
        weak = kind == "Lawsuit" and lemma_of(token) in WEAK_LAWSUIT
        found.append(Candidate(kind, token, root, sentence, args, position, future=future, weak=weak))
    cases = [c for c in found if c.kind == "Lawsuit" and any(d.entity.type == "Person" for d in c.args["defendant"])]
    found.extend(t for t in tentative if any(is_within(t.trigger, c.root) for c in cases))
    if not any(c.kind == "Smuggling" for c in found):
        found.extend(_supply_to_cartel(doc, sentence, position))
    if any(c.kind != "Event" for c in found):
        found = [c for c in found if c.kind != "Event"]
    _date(found, sentence, info)
    return _one_per_kind(found)


def _supply_to_cartel(doc: Doc, sentence: Sentence, position: int) -> list[Candidate]:
    """Weapons made or sent "for the Cartel del Noreste" / "to the Gulf Cartel", or "destined for" it,
    are a smuggling scheme."""
    for group in sentence.of_types(["CriminalGroup"]):
        governed = governing_preposition(doc, group)
        if governed is None or governed[0] not in ("for", "to"):
            continue
        head = governed[1].head
        objects = [head] + [c for c in head.children if c.dep_ in ("dobj", "nsubjpass")]
        if any(lemma_of(t) in WEAPON_WORDS for t in objects) and not _charge_name(head):
            args = smuggling_roles(doc, sentence, head, head)
            return [Candidate("Smuggling", head, head, sentence, args, position)]
    return []


def _date(found: list[Candidate], sentence: Sentence, info: DocumentInfo) -> None:
    """A date under the trigger's phrase dates it; else the sentence's first date no case claimed
    and no reporting verb holds ("..., the office said Wednesday" dates the statement)."""
    if not found:
        return
    dates = sentence_dates(sentence.span, info.date, sentence.text)
    claimed: set[int] = set()
    for candidate in found:
        for mention in dates:
            token = sentence.span.doc.char_span(mention.start, mention.end, alignment_mode="expand")
            if token is not None and is_within(token.root, candidate.root):
                candidate.date = mention.value
                if candidate.kind == "Lawsuit":
                    claimed.add(mention.start)
                break
    for candidate in found:
        if candidate.date is None:
            free = [d for d in dates if d.start not in claimed and not _reported_on(sentence, d, candidate)]
            candidate.date = free[0].value if free else None


def _reported_on(sentence: Sentence, mention: DateMention, candidate: Candidate) -> bool:
    """The date hangs off a verb of saying that reports the event ("X was indicted, the office said
    Wednesday"); a saying the event only accompanies ("police said Tuesday, as they announced
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
    doc: Doc, mentions: list[ResolvedMention], info: DocumentInfo
) -> tuple[list[EntityRecord], list[RelationRecord]]:
    """Event records (types from EVENT_TYPES) and their argument relations."""
    candidates: list[Candidate] = []
    for position, sentence in enumerate(sentences(doc, mentions)):
        named = _programmes(doc, sentence, info, position)
        candidates.extend(named)
        candidates.extend(
            c for c in _candidates(doc, sentence, info, position) if not (named and c.kind == "PolicyAction")
        )
    return build_events(doc, candidates, mentions, info, dateline=_dateline(doc, mentions))


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
