"""Trigger words: which word of a sentence announces which kind of event.

Lemmas decide most kinds ("sentenced", "sentencing" and "sentence" all count); the
words around a trigger decide the ambiguous ones ("found 12 rifles" is a seizure,
"found guilty" a verdict; "moved 200 rifles" a scheme only when a crew or an
unlawful act moves them). `kg.extract.events` turns the triggers into candidates.
"""

from __future__ import annotations

from spacy.tokens import Token

from kg.extract.context import Sentence, lemma_of
from kg.extract.flows import WEAPON_WORDS
from kg.extract.lexicon import words

LAWSUIT = words("event_rules", "lawsuit")
SMUGGLING = words("event_rules", "smuggling")
SEIZURE = words("event_rules", "seizure")
ATTACK = words("event_rules", "attack")
POLICY = words("event_rules", "policy")
#: Policy verbs that are also verbs of saying ("declared that ...") or of plain agreement; they need
#: a government acting and a thing declared or agreed to, not a clause.
_POLICY_NEEDS_ACTOR = words("event_rules", "policy_needs_actor")
MEETING = words("event_rules", "meeting")
_LAW_WORDS = words("event_rules", "law_words")
_COURT_WORDS = words("event_rules", "court_words")
_PRISON_WORDS = words("event_rules", "prison_words")
#: Exports and imports are trade unless the sentence calls them unlawful (or the goods undeclared).
ILLEGAL = words("event_rules", "illegal")
_TRADE = words("event_rules", "trade")
#: Buying or moving guns is a scheme when the sentence calls it unlawful or reports it from a case
#: ("According to the indictment, X bought 30 rifles").
_ACQUIRE_OR_MOVE = words("event_rules", "acquire_or_move")
#: Verbs that move things; they tell a scheme only when their object is the guns ("shipped them to Kingston").
MOVE = words("event_rules", "move")
#: Verbs that find things; they tell a seizure only when their object is the guns ("rifles were found").
_FIND = words("event_rules", "find")
#: "got five years behind bars", "were given terms of two years": a sentencing.
_GET = words("event_rules", "get")
_TERMS = words("event_rules", "terms")
#: Collective nouns for a criminal crew: "the ring moved 200 rifles" reports a scheme, not trade.
_CREW = words("event_rules", "crew")
#: "a detention hearing", "the sentencing hearing": a step of a court case, not a committee's hearing.
_COURT_HEARINGS = words("event_rules", "court_hearings")
#: Authored documents; "a report by SEDENA found ..." is the report's release, an Event.
_REPORTS = words("event_rules", "reports")
#: "admitted that he ...": a plea, but only in a document that reports a case in other words too.
WEAK_LAWSUIT = words("event_rules", "weak_lawsuit")


def lawful_trade(lemma: str, words: set[str]) -> bool:
    """An export or import in a sentence (of lemmas `words`) that does not call it unlawful: trade, no event."""
    return lemma in _TRADE and not words & ILLEGAL


def trigger_type(token: Token, words: set[str], sentence: Sentence) -> str | None:
    """The event type a word announces in a sentence whose lemmas are `words`, if any."""
    lemma = lemma_of(token)
    lower = token.lower_
    if lemma in LAWSUIT or lower in LAWSUIT:
        if lemma == "charge" and token.pos_ != "VERB" and not any(c.lower_ == "against" for c in token.children):
            return None
        if lemma == "sentence" and token.pos_ == "NOUN" and lower != "sentencing":
            return None
        return "Lawsuit"
    if lemma in _GET:
        return "Lawsuit" if _names_a_term(token) else None
    if lemma in WEAK_LAWSUIT and token.pos_ == "VERB":
        return "Lawsuit"
    if lemma in MOVE:
        return "Smuggling" if _handles_guns(token, sentence, pronouns=True) else None
    if lemma == "arm" and token.pos_ == "VERB":
        return "Smuggling" if _arms_a_group(token, sentence) else None
    if lemma in _REPORTS and token.pos_ == "NOUN":
        return "Event" if _authored(token, sentence) else None
    if lemma == "find" and any(lemma_of(c) == "guilty" for c in token.children):
        return "Lawsuit"
    if lemma == "accuse" and token.pos_ == "VERB":
        return "Lawsuit" if _accuser_is_a_court_party(token) else None
    if lemma == "open" and any(c.dep_ == "dobj" and c.lower_ == "fire" for c in token.children):
        return "Attack"
    if lemma in ("create", "establish") and token.pos_ == "VERB":
        return "PolicyAction" if _creates_a_body(token, sentence) else None
    if lemma in _FIND:
        found_guns = _handles_guns(token, sentence, pronouns=lemma == "recover")
        return "Seizure" if found_guns and not _verdict(token) else None
    if lemma in ("file", "face"):
        return "Lawsuit" if words & (_COURT_WORDS if lemma == "file" else _PRISON_WORDS) else None
    if lemma in ("case", "complaint") and token.pos_ == "NOUN":
        return "Lawsuit" if any(c.lower_ == "against" for c in token.children) else None
    if lemma in ("appear", "appearance"):
        return _appearance(token)
    if lemma == "release" and token.pos_ == "VERB":
        return "Event" if any(c.dep_ == "dobj" and lemma_of(c) in _REPORTS for c in token.children) else None
    if lower.startswith("purchas") and token.i > 0 and token.doc[token.i - 1].lower_ == "straw":
        return "Smuggling"
    if lawful_trade(lemma, words):
        return None
    if lemma in _ACQUIRE_OR_MOVE:
        cited = "accord" in words and words & (LAWSUIT | _COURT_WORDS)
        return "Smuggling" if words & ILLEGAL or cited or (lemma == "transport" and words & LAWSUIT) else None
    if lemma in SMUGGLING or lower in SMUGGLING:
        return "Smuggling"
    if lemma in SEIZURE:
        return "Seizure"
    if lemma in ATTACK:
        return "Attack"
    if lemma in POLICY:
        if lemma in ("sign", "pass", "adopt", "approve") and not words & _LAW_WORDS:
            return None
        if lemma in _POLICY_NEEDS_ACTOR and not _government_acts(token, sentence):
            return None
        return "PolicyAction"
    if lemma == "hearing" and any(lemma_of(c) in _COURT_HEARINGS for c in token.children):
        return "Lawsuit"
    if lemma in MEETING or lower in MEETING:
        press = any(c.lower_ in ("press", "news") for c in token.children)
        unheld = lower == "talks" and token.dep_ != "dobj"
        saying = lemma == "testify" and any(c.dep_ == "ccomp" for c in token.children)
        return None if press or unheld or saying else "Event"
    return None


def _government_acts(token: Token, sentence: Sentence) -> bool:
    """ "Ecuador's President declared a state of emergency", "Peru and Chile agreed to share data":
    a named actor is the subject and the verb takes a thing or an action, not a reported clause."""
    if token.pos_ != "VERB" or any(c.dep_ == "ccomp" for c in token.children):
        return False
    subjects = [c for c in token.children if c.dep_ == "nsubj"]
    actors = ("Country", "GovernmentBody", "Person")
    named = [sentence.mention_at(t) for s in subjects for t in s.subtree]
    return any(m is not None and m.entity.type in actors for m in named)


def _names_a_term(token: Token) -> bool:
    """ "got five years behind bars", "imposed the sentence": the object is a prison term."""
    objects = [c for c in token.children if c.dep_ in ("dobj", "nsubjpass", "attr")]
    return any(lemma_of(t) in _TERMS for o in objects for t in o.subtree)


def _handles_guns(token: Token, sentence: Sentence, *, pronouns: bool) -> bool:
    """The verb's object (or passive subject) is guns: a weapon word, a named maker or model,
    or with `pronouns` "them" / "Twenty-nine of them" standing for guns just named."""
    objects = [c for c in token.children if c.dep_ in ("dobj", "nsubjpass")]
    if not objects and token.dep_ == "conj":
        objects = [c for c in token.head.children if c.dep_ in ("dobj", "nsubjpass")]
    span = sentence.span
    for phrase in objects:
        for word in (t for t in phrase.subtree if span.start <= t.i < span.end):
            mention = sentence.mention_at(word)
            if lemma_of(word) in WEAPON_WORDS or (mention and mention.entity.type in ("WeaponType", "Gunmaker")):
                return True
            if pronouns and word.lower_ in ("them", "they") and word.dep_ in ("dobj", "nsubjpass", "pobj"):
                return True
    return False


def _arms_a_group(token: Token, sentence: Sentence) -> bool:
    """ "armed the Sinaloa Cartel with rifles": the armed party is a criminal group."""
    objects = [c for c in token.children if c.dep_ in ("dobj", "nsubjpass")]
    named = [sentence.mention_at(t) for o in objects for t in o.subtree]
    return any(m is not None and m.entity.type == "CriminalGroup" for m in named)


def _authored(token: Token, sentence: Sentence) -> bool:
    """ "a report by SEDENA found", "the GAO's 2021 report concluded": a named body's report that
    did something, not one only cited ("according to a report")."""
    authors = [c for c in token.children if c.dep_ == "poss"]
    authors += [g for c in token.children if c.lower_ == "by" for g in c.children]
    named = [sentence.mention_at(t) for a in authors for t in a.subtree]
    bodies = ("GovernmentBody", "Organization")
    return token.dep_ == "nsubj" and token.head.tag_ == "VBD" and any(m and m.entity.type in bodies for m in named)


def _appearance(token: Token) -> str | None:
    """ "appeared in federal court", "appeared before a judge": a court date; "appeared before the
    House Judiciary Committee": a hearing."""
    places = [g for c in token.children if c.lower_ in ("in", "before") for g in c.children]
    if any(lemma_of(t) in _COURT_WORDS | {"magistrate"} for p in places for t in p.subtree):
        return "Lawsuit"
    return "Event" if any(c.lower_ == "before" for c in token.children) else None


def _accuser_is_a_court_party(token: Token) -> bool:
    """ "Prosecutors accused X of ...", "the indictment accuses X": an accusation in a case."""
    subjects = [c for c in token.children if c.dep_ == "nsubj"]
    return any(lemma_of(s) in ("prosecutor", "indictment", "complaint", "lawsuit", "prosecution") for s in subjects)


def _creates_a_body(token: Token, sentence: Sentence) -> bool:
    """ "the government created the National Guard": a new government body is a policy action."""
    objects = [c for c in token.children if c.dep_ in ("dobj", "nsubjpass")]
    named = [sentence.mention_at(t) for o in objects for t in o.subtree]
    return any(m is not None and m.entity.type == "GovernmentBody" for m in named)


def crew_subject(token: Token) -> bool:
    """ "The ring moved 200 rifles": a criminal crew is the subject of a verb of moving."""
    subjects = [c for c in token.children if c.dep_ == "nsubj"]
    if not subjects and token.dep_ == "conj":
        subjects = [c for c in token.head.children if c.dep_ == "nsubj"]
    return any(lemma_of(s) in _CREW for s in subjects)


def _verdict(token: Token) -> bool:
    """ "was found guilty", "found dead": a finding about people, not guns."""
    return any(c.dep_ in ("acomp", "oprd", "ccomp", "xcomp") for c in token.children)
