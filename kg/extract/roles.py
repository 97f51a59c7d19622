"""Who plays which role around an event trigger, read from the dependency tree.

Subjects and objects of the trigger's clause, "by" agents of passives, possessors of
nominal triggers, and the places the trigger's phrase names. Each event type has one
function that maps a trigger to its role -> mentions table.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Token

from kg.extract.base import ResolvedMention
from kg.extract.context import (
    PLACE_TYPES,
    Sentence,
    governing_preposition,
    head_token,
    in_phrase,
    inside_another,
    is_within,
    lemma_of,
    phrase_head,
)
from kg.extract.flows import find_route
from kg.extract.lexicon import words
from kg.records import EntityRecord

_CLIMB = frozenset({"xcomp", "pcomp", "pobj", "prep", "advcl", "acl", "conj"})
_ACTORS = frozenset({"Person", "GovernmentBody", "Organization", "Country"})
_ALIAS_WORDS = words("event_rules", "alias_words")
#: "participate in the U.S.-CARICOM Dialogue": who is named in the gathering takes part in it.
_JOIN = words("event_rules", "join")
_COURT_TITLES = words("event_rules", "court_titles")
_COURT_BODIES = words("event_rules", "court_bodies")
#: "a federal judge in Phoenix", "a jury in Tucson": the town of the court.
_BENCH = words("event_rules", "bench")
#: Nouns that place an event by the town after "of" ("on the outskirts of Reynosa").
_VICINITY = frozenset(
    {"outskirt", "outskirts", "edge", "suburb", "suburbs", "vicinity", "center", "centre"}
    | {"port", "city", "town", "state", "municipality", "province", "department"}
)


def _mentions_under(
    doc: Doc, sentence: Sentence, root: Token, types: frozenset[str] | set[str], *, phrase: bool = False
) -> list[ResolvedMention]:
    """Mentions inside `root`'s subtree; with `phrase`, leaving out what is only conjoined to it."""
    inside = in_phrase if phrase else is_within
    return [m for m in sentence.mentions if m.entity.type in types and inside(head_token(doc, m), root)]


def _subjects(
    doc: Doc, sentence: Sentence, trigger: Token, types: set[str], *, doer: bool = False
) -> list[ResolvedMention]:
    """Named subjects of the trigger's clause, climbing to the governing verb when it has none.

    Nouns ("trafficking") only take their possessor or "by" agent: the subject of a
    sentence that merely mentions trafficking did not traffic. Climbing stops at
    reported speech, so "said X" never makes X the actor. With `doer`, a passive
    trigger's actor is its "by" agent ("was killed by soldiers"), not its subject.
    """
    passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in trigger.children)
    if trigger.pos_ != "VERB" or (doer and passive):
        owners = [c for c in trigger.children if c.dep_ == "poss" and trigger.pos_ != "VERB"]
        owners += [g for c in trigger.children if c.lower_ == "by" for g in c.children]
        return [m for o in owners for m in _mentions_under(doc, sentence, o, types)]
    token = trigger
    for _ in range(6):
        subjects = [c for c in token.children if c.dep_ in ("nsubj", "nsubjpass")]
        if subjects:
            return [m for s in subjects for m in _named_or_antecedent(doc, sentence, s, types)]
        if token.dep_ not in _CLIMB or token.head.i == token.i:
            break
        token = token.head
    return []


def _named_or_antecedent(doc: Doc, sentence: Sentence, subject: Token, types: set[str]) -> list[ResolvedMention]:
    """The mentions in a subject, or for "he"/"she" the last person named before it in the sentence."""
    named = _mentions_under(doc, sentence, subject, types)
    if named or subject.lower_ not in ("he", "she") or "Person" not in types:
        return named
    before = [m for m in sentence.of_types(["Person"]) if m.token_end <= subject.i]
    return before[-1:]


def _objects(doc: Doc, sentence: Sentence, trigger: Token, types: set[str]) -> list[ResolvedMention]:
    objects = [c for c in trigger.children if c.dep_ in ("dobj", "attr")]
    return [m for o in objects for m in _mentions_under(doc, sentence, o, types)]


def event_places(doc: Doc, sentence: Sentence, root: Token) -> list[ResolvedMention]:
    """Places the scope locates the event in ("in Tucson federal court", "to Guyana"); a place
    that only names the event itself ("the Canada-CARICOM Summit") does not locate it."""
    found = []
    dateline_end = _dateline_end(doc, sentence)
    for place in _mentions_under(doc, sentence, root, PLACE_TYPES, phrase=True):
        if place.token_end <= dateline_end or inside_another(sentence, place):
            continue
        head = head_token(doc, place)
        governed = governing_preposition(doc, place)
        naming = phrase_head(head).i == root.i
        if governed and _locating(*governed) and head.dep_ != "appos" and not naming:
            found.append(place)
    return found


def _dateline_end(doc: Doc, sentence: Sentence) -> int:
    """Token index of the dash after an opening dateline ("NOGALES, Ariz. – Rifles were found"),
    or the sentence start: the dateline says where the release comes from, not where things happened."""
    for token in sentence.span[:8]:
        if token.text in ("–", "—", "-") and token.i > sentence.span.start:
            return token.i
    return sentence.span.start


def _locating(word: str, prep: Token) -> bool:
    """ "in Tucson", "near Reynosa", "on the outskirts of Reynosa": a preposition that places."""
    if word in ("in", "at", "to", "near", "outside"):
        return True
    return word == "of" and lemma_of(prep.head) in _VICINITY


#: Nouns that name a suit, whose bringer is its plaintiff.
_SUITS = ("lawsuit", "suit", "case", "complaint")


def lawsuit_roles(doc: Doc, sentence: Sentence, trigger: Token, root: Token) -> dict[str, list[ResolvedMention]]:
    people = {"Person"}
    parties = {"Person", "Gunmaker", "Organization", "CriminalGroup"}
    lemma = lemma_of(trigger)
    passive = _passive(trigger)
    takes_object = ("sue", "charge", "sentence", "convict", "acquit", "indict", "prosecute", "find", "accuse")
    if lemma in takes_object and not passive:
        defendants = _objects(doc, sentence, trigger, parties if lemma in ("sue", "charge", "accuse") else people)
        if not defendants and lemma == "charge":
            accused = [g for c in trigger.children if c.lower_ == "against" for g in c.children]
            defendants = [m for a in accused for m in _mentions_under(doc, sentence, a, parties)]
            defendants = defendants or _mentions_under(doc, sentence, trigger, {"Gunmaker"})
        defendants = defendants or _among_those(doc, sentence, trigger, people)
        defendants = defendants or _found_guilty(doc, sentence, trigger, people)
    else:
        defendants = _subjects(doc, sentence, trigger, people)
        defendants = defendants or _nominal_parties(doc, sentence, trigger, parties)
        if lemma in ("appearance", "hearing"):
            defendants = defendants or _bringers(doc, sentence, trigger, people)
    plaintiffs = []
    if (lemma in ("sue", *_SUITS) or _files_a_suit(trigger)) and not passive:
        plaintiffs = _subjects(doc, sentence, trigger, {"Country", "Organization", "Person", "GovernmentBody"})
        plaintiffs = plaintiffs or _bringers(doc, sentence, trigger, {"Country", "Organization", "Person"})
        plaintiffs += [
            m for c in trigger.children if c.dep_ == "poss" for m in _mentions_under(doc, sentence, c, {"Country"})
        ]
    officers = [m for m in sentence.mentions if is_court_officer(doc, m, sentence.mentions)]
    officer_ids = {m.entity.id for m in officers}
    return {
        "plaintiff": plaintiffs,
        "defendant": [m for m in defendants if m.entity.id not in officer_ids],
        "participant": officers,
        "occurredIn": _court_towns(doc, sentence, trigger),
    }


def _files_a_suit(trigger: Token) -> bool:
    """ "X filed a lawsuit", "the lawsuit X filed": a verb whose object is the suit has the plaintiff as subject."""
    if trigger.pos_ != "VERB":
        return False
    if trigger.dep_ == "relcl" and lemma_of(trigger.head) in _SUITS:
        return True
    return any(c.dep_ == "dobj" and lemma_of(c) in _SUITS for c in trigger.children)


def _found_guilty(doc: Doc, sentence: Sentence, trigger: Token, types: set[str]) -> list[ResolvedMention]:
    """ "found Elias Moreno guilty": the parser makes the accused the subject of "guilty"."""
    verdicts = [c for c in trigger.children if lemma_of(c) == "guilty"]
    accused = [g for v in verdicts for g in v.children if g.dep_ == "nsubj"]
    return [m for a in accused for m in _mentions_under(doc, sentence, a, types)]


def _passive(trigger: Token) -> bool:
    """ "was extradited and charged with": a verb conjoined to a passive shares its voice."""
    if any(c.dep_ in ("nsubjpass", "auxpass") for c in trigger.children):
        return True
    own = any(c.dep_ in ("nsubj", "dobj") for c in trigger.children)
    return trigger.dep_ == "conj" and not own and any(c.dep_ == "auxpass" for c in trigger.head.children)


def _nominal_parties(doc: Doc, sentence: Sentence, trigger: Token, types: set[str]) -> list[ResolvedMention]:
    """ "the indictment of X", "the arrest and indictment of X", "(filed) a lawsuit against X": the
    accused hang off the noun, the noun it is conjoined to, or the verb that brings it."""
    holders = [trigger]
    if trigger.dep_ == "conj" and trigger.head.pos_ == "NOUN":
        holders.append(trigger.head)
    if trigger.dep_ == "dobj":
        holders.append(trigger.head)
    accused = [
        g
        for h in holders
        for c in h.children
        if (c.lower_ == "against" or (c.lower_ == "of" and h.pos_ == "NOUN"))
        for g in c.children
        if g.dep_ == "pobj"
    ]
    return [m for a in accused for m in _mentions_under(doc, sentence, a, types)]


def _bringers(doc: Doc, sentence: Sentence, trigger: Token, types: set[str]) -> list[ResolvedMention]:
    """ "Mexico filed a lawsuit", "Senator X held a hearing": the subject of the verb whose object
    the nominal trigger is; "X questioned Y at a hearing": who acted at it and on whom."""
    if trigger.pos_ != "NOUN":
        return []
    if trigger.dep_ == "dobj":
        return _subjects(doc, sentence, trigger.head, types)
    prep = trigger.head
    if trigger.dep_ == "pobj" and prep.lower_ in ("at", "during") and prep.head.pos_ == "VERB":
        verb = prep.head
        return _subjects(doc, sentence, verb, types) + _objects(doc, sentence, verb, types)
    return []


def _among_those(doc: Doc, sentence: Sentence, trigger: Token, types: set[str]) -> list[ResolvedMention]:
    """ "X and Y are two of the people charged": the subjects of the clause the group is named in."""
    group = trigger.head
    if trigger.dep_ != "acl" or group.dep_ != "pobj" or group.head.lower_ not in ("among", "of"):
        return []
    clause = group.head.head
    subjects = [c for c in clause.children if c.dep_ in ("nsubj", "nsubjpass")]
    return [m for s in subjects for m in _mentions_under(doc, sentence, s, types)]


def _court_towns(doc: Doc, sentence: Sentence, trigger: Token) -> list[ResolvedMention]:
    """The town of the court: "in Tucson federal court", "a judge in Phoenix", "filed in a court in Mesa", "In
    Denver, a judge ruled" (an opening "In X," sets the scene of the whole sentence)."""
    found = []
    for town in sentence.of_types(["City"]):
        governed = governing_preposition(doc, town)
        if governed is None or governed[0] not in ("in", "at"):
            continue
        prep = governed[1]
        opening = prep.i == sentence.span.start
        court = lemma_of(prep.head) in _BENCH or lemma_of(phrase_head(head_token(doc, town))) == "court"
        court = court or any(lemma_of(g) == "court" for c in prep.head.children if c.dep_ == "prep" for g in c.children)
        if opening or court or prep.head.i == trigger.i:
            found.append(town)
    return found


def _receivers(doc: Doc, sentence: Sentence) -> list[ResolvedMention]:
    """Cartels in the sentence and the people named as their members ("a member of the X cartel, Y")."""
    groups = sentence.of_types(["CriminalGroup"])
    members = []
    for person in sentence.of_types(["Person"]):
        for group in groups:
            between = doc[group.token_end : person.token_start]
            verbs = [t for t in between if t.pos_ in ("VERB", "AUX") and t.lower_ not in _ALIAS_WORDS]
            if group.token_end <= person.token_start and len(between) <= 6 and not verbs:
                members.append(person)
                break
    return groups + members


def smuggling_roles(doc: Doc, sentence: Sentence, trigger: Token, root: Token) -> dict[str, list[ResolvedMention]]:
    receivers = _receivers(doc, sentence)
    doers = _subjects(doc, sentence, trigger, {"Person", "CriminalGroup"}, doer=True)
    doers = doers or _bringers(doc, sentence, trigger, {"Person"})
    perpetrators = [m for m in doers if m.entity.type == "Person" and not court_title(doc, m)]
    perpetrator_ids = {m.entity.id for m in perpetrators}
    route = find_route(doc, sentence)
    return {
        "perpetrator": perpetrators,
        "participant": [m for m in receivers if m.entity.id not in perpetrator_ids],
        "weaponFrom": sentence.of_types(["Gunmaker"]),
        "occurredIn": route.origins + route.destinations + route.via,
    }


def violence_roles(doc: Doc, sentence: Sentence, trigger: Token, root: Token, kind: str) -> dict:
    """Where and with whose guns; an attack also has targets and attackers. The agency that seizes
    is not an argument of a seizure (the guidelines give it place and weaponFrom only)."""
    args: dict[str, list[ResolvedMention]] = {
        "weaponFrom": sentence.of_types(["Gunmaker"]),
        "occurredIn": event_places(doc, sentence, root),
    }
    if kind == "Attack":
        targets = [c for c in trigger.children if c.dep_ in ("dobj", "nsubjpass")]
        targets += [g for c in trigger.children if c.lower_ in ("on", "against") for g in c.children]
        named = {"Person", "GovernmentBody", "Organization"}
        hit = [m for t in targets for m in _mentions_under(doc, sentence, t, named)]
        args["target"] = [m for m in hit if m.entity.type == "Person"] or hit
        args["perpetrator"] = _subjects(doc, sentence, trigger, {"Person", "CriminalGroup"}, doer=True)
    return args


def gathering_roles(doc: Doc, sentence: Sentence, trigger: Token, root: Token, kind: str) -> dict:
    """Policy actions and meetings: the actors in the trigger's phrase take part, places locate it.
    A country takes part in a policy action when it acts ("Canada froze ..."); named only in
    the phrase ("signed into U.S. law"), it is where the action happened."""
    scope = root
    joined: list[ResolvedMention] = []
    doers: list[ResolvedMention] = []
    if trigger.pos_ == "VERB":
        doers = _subjects(doc, sentence, trigger, set(_ACTORS), doer=True)
        actors = list(doers)
        actors += _objects(doc, sentence, trigger, {"Person", "GovernmentBody", "Organization"})
        partners = [g for c in trigger.children if c.lower_ in ("with", "before") for g in c.children]
        actors += [m for p in partners for m in _mentions_under(doc, sentence, p, _ACTORS)]
        if lemma_of(trigger) in _JOIN:
            gatherings = [g for c in trigger.children if c.lower_ == "in" for g in c.children]
            joined = [m for g in gatherings for m in _mentions_under(doc, sentence, g, _ACTORS)]
    else:
        actors = _mentions_under(doc, sentence, scope, _ACTORS, phrase=True)
        actors += _bringers(doc, sentence, trigger, set(_ACTORS))
    joined_ids = {m.entity.id for m in joined}
    places = [p for p in event_places(doc, sentence, scope) if p.entity.id not in joined_ids]
    if kind == "PolicyAction":
        places = [p for p in places if _close_to(doc, p, trigger)]
    place_ids = {p.entity.id for p in places}
    actors = [a for a in actors if a.entity.id not in place_ids and not _placed(doc, a)] + joined
    actors = [a for a in actors if not inside_another(sentence, a)]
    if kind == "PolicyAction":
        people = any(d.entity.type == "Person" for d in doers)
        actors = [a for a in actors if not (people and a.entity.type == "Country" and _possessor(doc, a))]
        acting = {d.entity.id for d in doers if d in actors}
        countries = [a for a in actors if a.entity.type == "Country" and a.entity.id not in acting]
        actors = [a for a in actors if a.entity.type != "Country" or a.entity.id in acting]
        named = _mentions_under(doc, sentence, scope, {"Country"})
        places += countries or [
            m
            for m in named
            if m.entity.id not in acting
            and _close_to(doc, m, trigger)
            and not _possessor(doc, m)
            and not inside_another(sentence, m)
        ]
    return {"participant": actors, "occurredIn": places}


def _possessor(doc: Doc, mention: ResolvedMention) -> bool:
    """ "Ecuador's President Daniel Noboa": the country only says whose president acts."""
    return head_token(doc, mention).dep_ == "poss"


def _close_to(doc: Doc, mention: ResolvedMention, trigger: Token) -> bool:
    """A policy action happens where its own phrase says ("signed into U.S. law"), not where a
    deeper phrase points ("agreed to pool records of rifles taken in Peru")."""
    node, steps = head_token(doc, mention), 0
    while node.i != trigger.i and node.head.i != node.i and steps < 4 and node.pos_ not in ("VERB", "AUX"):
        node, steps = node.head, steps + 1
    return node.i == trigger.i


def _placed(doc: Doc, mention: ResolvedMention) -> bool:
    governed = governing_preposition(doc, mention)
    return governed is not None and governed[0] in ("in", "at", "to", "into")


def programme_runners(doc: Doc, sentence: Sentence, head: Token, started: bool) -> list[ResolvedMention]:
    """Who runs a programme: "the ATF's Project X", "X is a project of the ATF", "the ATF began X",
    "X, an investigation that the ATF began"."""
    bodies = {"GovernmentBody", "Organization", "Country"}
    owners = [c for c in head.children if c.dep_ == "poss"]
    if started:
        owners += [c for c in head.head.children if c.dep_ in ("nsubj", "agent")]
    for apposition in (c for c in head.children if c.dep_ == "appos"):
        owners += [
            g for v in apposition.children if v.dep_ in ("relcl", "acl") for g in v.children if g.dep_ == "nsubj"
        ]
    if head.dep_ == "nsubj" and lemma_of(head.head) == "be":
        for attr in (c for c in head.head.children if c.dep_ == "attr"):
            owners += [g for p in attr.children if p.lower_ in ("of", "by") for g in p.children]
    found = [m for o in owners for m in _mentions_under(doc, sentence, o, bodies)]
    return [m for m in found if head_token(doc, m).dep_ != "poss" or head_token(doc, m).head.i == head.i]


def court_title(doc: Doc, mention: ResolvedMention) -> bool:
    """Judges and prosecutors (not an Attorney General) by the title written right before the name."""
    words = [t.lower_ for t in doc[mention.token_start : mention.token_end]]
    index = mention.token_start - 1
    while index >= 0 and mention.token_start - index <= 5 and doc[index].pos_ in ("PROPN", "NOUN", "ADJ"):
        words.insert(0, doc[index].lower_)
        index -= 1
    if _COURT_TITLES & set(words):
        return True
    return any(w == "attorney" and (i + 1 == len(words) or words[i + 1] != "general") for i, w in enumerate(words))


def court_body(entity: EntityRecord) -> bool:
    """ "Maidstone Crown Court", "Birmingham Magistrates Court": a court named as a body, which takes
    part in the case it hears as its judges do."""
    return entity.type == "GovernmentBody" and bool(_COURT_BODIES & set(re.findall(r"[a-z]+", entity.label.lower())))


def prosecutor_body(entity: EntityRecord) -> bool:
    """ "U.S. Attorney", "U.S. Attorney's Office ...": the prosecuting office."""
    return bool(re.search(r"\battorney\b(?!\s+general)|\bprosecutor", entity.label, re.I))


def is_court_officer(doc: Doc, mention: ResolvedMention, mentions: list[ResolvedMention]) -> bool:
    """A titled judge or prosecutor, or a prosecuting office not used as a person's title."""
    if mention.entity.type == "Person":
        return court_title(doc, mention)
    if mention.entity.type != "GovernmentBody" or not prosecutor_body(mention.entity):
        return False
    return not any(m.entity.type == "Person" and m.token_start == mention.token_end for m in mentions)
