"""Firearms flows: guns said to move from an origin place to a destination place.

A sentence states a flow when it has a movement trigger (smuggle, traffic, export,
flow, transport, trace ...), talks about weapons, and names an origin ("from the
United States", "U.S.-sourced", a purchase place "bought in Phoenix") and a
destination ("into Mexico", "recovered in Mexico"). Habitual and statistical
statements count. Every origin/destination pair of a document also becomes one
reified `FirearmsFlow` node carrying what the text says about it (method, share,
quantity, period).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from kg.extract.base import ResolvedMention
from kg.extract.context import (
    PLACE_TYPES,
    Sentence,
    dependency_path,
    doc_text,
    governing_preposition,
    head_token,
    inside_another,
    is_within,
    lemma_of,
    locates_previous,
    phrase_head,
    sentences,
)
from kg.extract.dates import DateMention, sentence_dates
from kg.extract.lexicon import lexicon, words
from kg.extract.multiclass import MulticlassModel
from kg.iris import local_iri
from kg.records import FLOW_TYPE, DocumentInfo, EntityRecord, RelationRecord, Span

FLOW_TRIGGERS = words("flows", "triggers")
#: Verbs whose dates are when something was said or started, not when guns moved (issue 14 item 5).
_SAYING_OR_STARTING = words("event_rules", "reporting") | words("event_rules", "start_verbs")
WEAPON_WORDS = words("flows", "weapons")
_WEAPON_PARTS = words("flows", "weapon_parts")
_CUES = words("flows", "cues")
_ACQUISITION = words("flows", "acquisition")
_FOUND = words("flows", "found")
_SOURCE_NOUNS = words("flows", "source_nouns")
#: "destined for Haiti", "bound for Mexico": a destination after "for".
_BOUND = words("flows", "bound")
_DESTINATIONS = words("flows", "destinations")
#: Prepositions that mark either end of a route: a destination's, or "from".
_ROUTE_ENDS = _DESTINATIONS | {"from"}
_NEGATIONS = words("flows", "negations")
#: "mailed them to Jamaica": words by which a sentence carries on with the guns of the one before.
_ANAPHORS = words("flows", "anaphors")
#: "to the Caribbean, including Haiti": words that name a place as part of the place before them.
_EXAMPLES = words("flows", "examples")
#: Words a place's preposition may hang off that the model sees by name; any other by part of speech,
#: so it learns the language of movement, not the nouns of the training stories.
_ATTACH_WORDS = FLOW_TRIGGERS | _CUES | _ACQUISITION | _FOUND | WEAPON_WORDS | _SOURCE_NOUNS | _BOUND
FLOW_MODEL = "flows"
#: The feature of a candidate whose movement verb is negated.
NEGATED = "negated:movement"
FLOW = "flow"
#: The feature of a pair of places named in one list ("Georgia, Virginia and Ohio").
COORDINATED = "coordinated"
#: How many sentences apart, in one paragraph, a flow's two places may be (the guidelines carry an
#: origin into a later sentence by "them"); cross-validated: 2 finds more flows than 1, 3 no more.
WINDOW = 2
#: Confidence of a flow the wording rules accept.
RULE_CONFIDENCE = 0.8
_CLAUSE_DEPS = frozenset({"conj", "ccomp", "advcl", "relcl", "xcomp", "acl", "parataxis"})
#: "LEMMA PREP" (or "* PREP") -> the role it gives the place it governs: origin, destination, via.
_PLACE_CUES = {
    phrase: role for role, phrases in lexicon("flows")["place_cues"].items() if role != "_about" for phrase in phrases
}
#: "exit the United States", "entered Mexico": verb lemma -> the role it gives the place it takes as object.
_OBJECT_CUES = {
    verb: role for role, verbs in lexicon("flows")["object_cues"].items() if role != "_about" for verb in verbs
}
_ORIGIN_SUFFIX = re.compile(r"[- ](?:sourced|origin)\b|-(?:made|manufactured|bought|purchased)\b")

#: (pattern, method name or None to take the quoted name the pattern captures), first match wins.
_METHODS = tuple((re.compile(item["pattern"], re.I), item["name"]) for item in lexicon("flows")["methods"]["patterns"])
_SHARE_RANGE = re.compile(r"(\d+(?:\.\d+)?)\s*(?:percent|%)?\s*(?:and|to|-|–)\s*(\d+(?:\.\d+)?)\s*(?:percent|%)", re.I)
_SHARE = re.compile(r"(\d+(?:\.\d+)?)\s*(?:percent|%)", re.I)
_QUANTITY = re.compile(
    r"\b((?:\d{1,3}(?:,\d{3})+|\d+|hundreds|thousands|tens of thousands|dozens)(?: of)?(?: (?!\d)[\w.-]+){0,2}? "
    r"(?:firearms|guns|weapons|rifles|pistols|handguns))\b",
    re.I,
)


@dataclass
class Route:
    """The places one sentence gives for a movement of guns."""

    origins: list[ResolvedMention] = field(default_factory=list)
    destinations: list[ResolvedMention] = field(default_factory=list)
    via: list[ResolvedMention] = field(default_factory=list)
    trigger: Token | None = None


def _near_trigger(prep: Token, triggers: list[Token]) -> bool:
    """A preposition belongs to the movement when it hangs off a trigger or a weapon noun."""
    head = prep.head
    if lemma_of(head) in WEAPON_WORDS or lemma_of(head) in FLOW_TRIGGERS or head.lower_ == "in":
        return True
    return any(is_within(head, trigger) or is_within(trigger, head) for trigger in triggers)


def _role(word: str, prep: Token, triggers: list[Token], *, tracing: bool, acquiring: bool) -> str | None:
    """What a place governed by preposition `word` is to the movement: origin, destination, via.
    A place inside the phrase of another preposition takes that one's role ("to buyers in Lima")."""
    head = lemma_of(_attachment(prep))
    outer = prep.head.head
    if word in ("in", "at") and prep.head.dep_ == "pobj" and outer.lower_ in _ROUTE_ENDS:
        nested = _role(outer.lower_, outer, triggers, tracing=tracing, acquiring=acquiring)
        if nested is not None:
            return nested
    if word in ("from", "out of") and _near_trigger(prep, triggers):
        return "origin"
    if word == "to" and tracing and (head == "trace" or head in _FOUND):
        return "origin"
    if (word in _DESTINATIONS and _near_trigger(prep, triggers)) or (word == "for" and head in _BOUND):
        return "destination"
    if word in ("through", "via"):
        return "via"
    if word == "between" and _moving(prep.head):
        return "between"  # "a smuggling scheme between Texas and Mexico", not "a taskforce between ..."
    if word in ("in", "at") and head in _FOUND:
        return "destination"
    if word in ("in", "at") and acquiring:
        return "origin"
    if word == "in" and head in WEAPON_WORDS:
        return "destination"
    return None


def _attachment(prep: Token) -> Token:
    """The word a preposition tells about, past a particle or "up"/"back" ("traced back to X" is
    "traced to X", "ended up in X" is "ended in X")."""
    attach = prep.head
    while attach.dep_ == "prt" or (attach.lower_ in ("up", "back") and attach.head.i != attach.i):
        attach = attach.head
    return attach


def _moving(token: Token) -> bool:
    """The word names a movement of guns, or guns: "flow", "rifles", "smuggling scheme"."""
    words = FLOW_TRIGGERS | WEAPON_WORDS
    modifiers = (c for c in token.children if c.dep_ in ("compound", "amod"))
    return lemma_of(token) in words or any(lemma_of(c) in words for c in modifiers)


def find_route(doc: Doc, sentence: Sentence) -> Route:
    """Origins, destinations and transit places of the guns a sentence moves (may be empty)."""
    tokens = list(sentence.span)
    triggers = [t for t in tokens if lemma_of(t) in FLOW_TRIGGERS or t.lower_ in FLOW_TRIGGERS]
    weapons = any(lemma_of(t) in WEAPON_WORDS for t in tokens) or bool(sentence.of_types(["WeaponType"]))
    route = Route(trigger=triggers[0] if triggers else None)
    if not triggers or not weapons:
        return route
    acquiring = any(lemma_of(t) in _ACQUISITION for t in tokens)
    tracing = any(lemma_of(t) == "trace" for t in triggers)
    places = sentence.of_types(PLACE_TYPES)
    for previous, place in zip([None, *places], places, strict=False):
        if locates_previous(previous, place, doc_text(doc)) or inside_another(sentence, place):
            continue
        if _is_source(doc, sentence, place):
            route.origins.append(place)
            continue
        governed = _governed(doc, place)
        role = _role(*governed, triggers, tracing=tracing, acquiring=acquiring) if governed else None
        example_of = _example_of(sentence, place, governed)
        if example_of is not None:
            role = next((r for r, found in _route_roles(route) if example_of in found), None)
        if role == "between":
            role = "destination" if route.origins else "origin"
        if role is not None:
            dict(_route_roles(route))[role].append(place)
    destination_ids = {m.entity.id for m in route.destinations}
    route.origins = [m for m in route.origins if m.entity.id not in destination_ids]
    return route


def _route_roles(route: Route) -> tuple[tuple[str, list[ResolvedMention]], ...]:
    """Each role of a route with the places the route gives it."""
    return (("origin", route.origins), ("destination", route.destinations), ("via", route.via))


def _example_of(
    sentence: Sentence, place: ResolvedMention, governed: tuple[str, Token] | None
) -> ResolvedMention | None:
    """The place named just before one the text gives as an example of it ("from the United States
    to the Caribbean, including Haiti": the Caribbean), whose role in the movement it shares."""
    if governed is None or governed[0] not in _EXAMPLES:
        return None
    before = [m for m in sentence.of_types(PLACE_TYPES) if m.token_end <= governed[1].i]
    return before[-1] if before else None


def _governed(doc: Doc, place: ResolvedMention) -> tuple[str, Token] | None:
    """The preposition governing a place, the first of coordinated ones ("to addresses in Lima and
    in Cusco": the second "in" hangs off the first, and the first tells what the phrase is to)."""
    governed = governing_preposition(doc, place)
    if governed is None:
        return None
    word, prep = governed
    while prep.dep_ == "conj" and prep.head.pos_ == "ADP":
        prep = prep.head
    return word, prep


def _is_source(doc: Doc, sentence: Sentence, place: ResolvedMention) -> bool:
    """The place is named as where guns come from: "the source in Texas", "U.S.-sourced rifles",
    "Florida and Georgia are the main states of origin"."""
    top = phrase_head(head_token(doc, place))
    if lemma_of(top) in _SOURCE_NOUNS or _ORIGIN_SUFFIX.match(sentence.text, place.end_char - sentence.span.start_char):
        return True
    if top.dep_ != "nsubj" or lemma_of(top.head) != "be":
        return False
    stated = (c for c in top.head.children if c.dep_ == "attr")
    return any(lemma_of(t) in _SOURCE_NOUNS for c in stated for t in c.subtree)


def _one_route(doc: Doc, origin: ResolvedMention, destination: ResolvedMention) -> bool:
    """Origin and destination of one movement: "bought in Detroit and carried to Windsor" is one
    route, but "..., while a second route ran from Buffalo into Fort Erie" tells another one, in a
    clause with a subject of its own between the place and what the two places share."""
    first, second = head_token(doc, origin), head_token(doc, destination)
    shared = next((a for a in [first, *first.ancestors] if is_within(second, a)), None)
    if shared is None:
        return False
    return not (_own_clause_below(first, shared) or _own_clause_below(second, shared))


def _leg(doc: Doc, origin: ResolvedMention, destination: ResolvedMention) -> str | None:
    """How a pair stands to a route told in legs by coordinated verbs ("trucked from A to B and
    carried across the border to C"): "next" when the origin is where the first verb took the guns
    and the second verb, with no origin of its own, takes them on to the destination (B to C);
    "skipped" when the origin is the first verb's and the destination the second's (A to C, which
    the text tells as two legs). None for any other pair."""
    first, second = _governed(doc, origin), _governed(doc, destination)
    if first is None or second is None or first[0] not in _ROUTE_ENDS:
        return None
    carrier, onward = first[1].head, second[1].head
    if onward.dep_ != "conj" or onward.head.i != carrier.i or second[0] not in _DESTINATIONS:
        return None
    if any(c.dep_ == "prep" and c.lower_ in ("from", "out") for c in onward.children):
        return None
    if first[0] in _DESTINATIONS:
        return "next"
    first_leg = any(c.dep_ == "prep" and c.lower_ in _DESTINATIONS for c in carrier.children)
    return "skipped" if first_leg else None


def _own_clause_below(token: Token, top: Token) -> bool:
    """A coordinate or adverbial clause with a subject of its own (not a pronoun for what came
    before) lies between `token` and its ancestor `top`."""
    node = token
    while node.i != top.i:
        subjects = [c for c in node.children if c.dep_ in ("nsubj", "nsubjpass")]
        if node.dep_ in ("conj", "advcl") and any(c.pos_ != "PRON" for c in subjects):
            return True
        node = node.head
    return False


def _attributes(text: str) -> dict[str, str]:
    """What a flow sentence says about method, share, quantity."""
    found: dict[str, str] = {}
    for pattern, name in _METHODS:
        match = pattern.search(text)
        if match:
            found["method"] = name or match.group(1).strip()
            break
    share = _SHARE_RANGE.search(text)
    if share:
        found["share"] = f"{share.group(1)}-{share.group(2)} percent"
    elif single := _SHARE.search(text):
        found["share"] = f"{single.group(1)} percent"
    quantity = _QUANTITY.search(text)
    if quantity:
        found["quantity"] = quantity.group(1)
    return found


@dataclass
class Candidate:
    """An ordered pair of places in one sentence that may be a flow, with the features that decide it."""

    origin: ResolvedMention
    destination: ResolvedMention
    sentence: Sentence
    features: dict[str, float]
    #: The wording rules accept the pair (`find_route`'s roles, or "came from X" / "ended up in Y" cues).
    rule: bool
    #: Both places belong to one clause's movement (`_one_route`).
    one_route: bool
    #: The two places stand in different sentences (`_across`).
    across: bool = False


@dataclass(frozen=True)
class FlowClassifier:
    """The trained pair model (classes `flow` / `none`) and the probability from which a pair is a flow."""

    model: MulticlassModel
    threshold: float

    def probability(self, candidate: Candidate) -> float:
        return self.model.probabilities(candidate.features).get(FLOW, 0.0)

    def accepts(self, candidate: Candidate, threshold: float | None = None) -> bool:
        """A pair is a flow when the rules or the model accept it: the rules are more precise
        (cross-validated 0.74 vs 0.60), the model finds flows they miss."""
        return candidate.rule or self.probability(candidate) >= (self.threshold if threshold is None else threshold)


def decide(found: list[Candidate], accepts: Callable[[Candidate], bool]) -> list[Candidate]:
    """The accepted candidates whose movement is not denied ("were not smuggled from Spain": too few
    denials in the corpus for the model to learn them), less two places of one list that the wording
    rules do not make a route ("between the Netherlands, Slovakia, Belgium and Spain": 1 of the 226
    such pairs in train and dev is a flow, and that one a "between" the rules accept), less a pair
    that crosses into another clause when both its places have an accepted partner in their own
    clause ("from Tucson into Nogales, while a second crew ran pistols from Phoenix into Hermosillo"
    is two routes, not four), less a pair over two sentences whose destination has an accepted
    origin in its own sentence, which starts a leg of its own ("He bought rifles in Ohio. A courier
    flew them from Miami to Quito")."""
    chosen = [
        c for c in found if accepts(c) and NEGATED not in c.features and (c.rule or COORDINATED not in c.features)
    ]
    local: dict[int, set[str]] = {}
    for c in chosen:
        if c.one_route:
            local.setdefault(c.sentence.span.start, set()).update((c.origin.entity.id, c.destination.entity.id))
    led = {(c.destination.entity.id, c.destination.token_start) for c in chosen if not c.across}
    return [
        c
        for c in chosen
        if (c.one_route or not {c.origin.entity.id, c.destination.entity.id} <= local.get(c.sentence.span.start, set()))
        and not (c.across and (c.destination.entity.id, c.destination.token_start) in led)
    ]


def _places(doc: Doc, sentence: Sentence) -> list[ResolvedMention]:
    """Place mentions that stand for a place of their own (not "Texas" in "Laredo, Texas", not
    "Jamaica" in "Parliament of Jamaica"), the first mention of each entity, or a later one the wording
    gives a role when the first has none ("The United States works to stem the flow of guns from the
    United States": the second)."""
    text = doc_text(doc)
    kept: dict[str, ResolvedMention] = {}
    places = sentence.of_types(PLACE_TYPES)
    dateline = _dateline_end(sentence)
    for previous, place in zip([None, *places], places, strict=False):
        if locates_previous(previous, place, text) or inside_another(sentence, place) or place.token_end <= dateline:
            continue
        first = kept.get(place.entity.id)
        if first is None or (_cue(doc, first) == "none" and _cue(doc, place) != "none"):
            kept[place.entity.id] = place
    return list(kept.values())


def _dateline_end(sentence: Sentence) -> int:
    """The token index after a dateline ("ORLANDO, Fla. –" opening a paragraph): where the story
    was filed is no end of a route. The sentence start when there is none."""
    for token in sentence.span[:8]:
        spaced = token.whitespace_ and token.nbor(-1).whitespace_ if token.i > sentence.span.start else False
        if token.text in ("–", "—", "--") or (token.text == "-" and spaced):
            return token.i
    return sentence.span.start


def _place_features(doc: Doc, sentence: Sentence, place: ResolvedMention, route: Route) -> dict[str, str]:
    """What the syntax says about one place: its preposition, what that hangs off, its rule role."""
    governed = _governed(doc, place)
    top = phrase_head(head_token(doc, place))
    role = next(
        (name for name, found in _route_roles(route) if any(m.entity.id == place.entity.id for m in found)),
        "none",
    )
    example_of = _example_of(sentence, place, governed)
    features = {
        "prep": governed[0] if governed else f"dep:{top.dep_}",
        "role": role,
        "cue": _cue(doc, example_of or place),
        "type": place.entity.type,
    }
    attach = _attachment(governed[1]) if governed else top.head
    lemma = lemma_of(attach)
    features["attach"] = lemma if lemma in _ATTACH_WORDS else attach.pos_
    if _is_source(doc, sentence, place):
        features["sourced"] = "yes"
    return features


def _cue(doc: Doc, place: ResolvedMention) -> str:
    """The role the wording gives a place: "came from X", "traced to X", "ended up in X", "bound for X",
    "X rifles".

    A place inside another preposition's phrase ("destined for gangs in Toronto", "from dealers in
    Ohio") takes the role of the outer phrase when the inner one gives none of its own ("via couriers
    from Slovenia": from).
    """
    governed = _governed(doc, place)
    head = head_token(doc, place)
    if governed is None and head.dep_ in ("compound", "nmod", "amod") and lemma_of(head.head) in WEAPON_WORDS:
        return "origin"  # "Texas rifles", "U.S. guns": the place the weapons come from
    if governed is None and head.dep_ == "dobj":
        return _OBJECT_CUES.get(lemma_of(head.head), "none")
    for _ in range(3):
        if governed is None:
            return "none"
        word, prep = governed
        attach = _attachment(prep)
        role = _PLACE_CUES.get(f"{lemma_of(attach)} {word}") or _PLACE_CUES.get(f"{attach.lower_} {word}")
        if role is None and attach.pos_ in ("VERB", "AUX", "ADJ"):
            role = _PLACE_CUES.get(f"* {word}")
        if role is not None:
            return role
        outer = phrase_head(attach)
        if outer.dep_ != "pobj" or f"* {word}" in _PLACE_CUES:
            return _PLACE_CUES.get(f"* {word}", "none")
        governed = (outer.head.lower_, outer.head)
    return "none"


def _path_features(first: Token, second: Token) -> dict[str, float]:
    """How far apart two places sit in the parse, and which clause boundaries the path between them
    crosses (a coordinated or subordinate clause often starts another story)."""
    path = dependency_path(first, second)
    if path is None:
        return {"path:none": 1.0}
    rising, common, falling = path
    steps = rising + falling
    features = {f"path:len={min(len(steps), 6)}": 1.0}
    features.update({f"path:crosses={t.dep_}": 1.0 for t in steps if t.dep_ in _CLAUSE_DEPS})
    features[f"path:top={common.pos_}"] = 1.0
    return features


def _coordinated(doc: Doc, first: ResolvedMention, second: ResolvedMention) -> bool:
    """Two places in one list ("Georgia, Virginia and Ohio", which the parser chains conjunct to
    conjunct): a list is never a route on its own."""
    a, b = head_token(doc, first), head_token(doc, second)
    return a.i != b.i and (a.dep_ == "conj" or b.dep_ == "conj") and _list_head(a).i == _list_head(b).i


def _list_head(token: Token) -> Token:
    """The first item of the list a token is a conjunct in (the token itself when it is none)."""
    while token.dep_ == "conj" and token.head.i != token.i:
        token = token.head
    return token


@dataclass
class _Reading:
    """What the flow decision reads from one sentence about guns: its places, what the syntax says
    about each, and the sentence's own features (triggers, cues, weapons, negation, headline)."""

    sentence: Sentence
    places: list[ResolvedMention]
    views: dict[str, dict[str, str]]
    common: dict[str, float]
    armed: bool


def _read(doc: Doc, sentence: Sentence, *, headline: bool, weapons_before: bool) -> _Reading | None:
    """The sentence's reading, or None when it names no place or talks neither of guns nor of movement."""
    places = _places(doc, sentence)
    if not places:
        return None
    tokens = list(sentence.span)
    lemmas = {lemma_of(t) for t in tokens} | {t.lower_ for t in tokens}
    weapon = bool(lemmas & WEAPON_WORDS) or bool(sentence.of_types(["WeaponType"]))
    parts = bool(lemmas & _WEAPON_PARTS)
    triggers = sorted(lemmas & FLOW_TRIGGERS)
    anaphor = bool(lemmas & _ANAPHORS)
    if not (weapon or parts or triggers or headline or (anaphor and weapons_before)):
        return None
    route = find_route(doc, sentence)
    views = {m.entity.id: _place_features(doc, sentence, m, route) for m in places}
    common: dict[str, float] = {"bias:any": 1.0}
    common[
        "weapon" if weapon else "weapon:parts" if parts else "weapon:before" if weapons_before else "weapon:none"
    ] = 1
    common.update({f"trigger={t}": 1.0 for t in triggers} or {"trigger:none": 1.0})
    common.update({f"cue={c}": 1.0 for c in sorted(lemmas & _CUES)})
    if headline:
        common["headline"] = 1.0
    moving = [t for t in tokens if lemma_of(t) in FLOW_TRIGGERS or t.lower_ in FLOW_TRIGGERS]
    denials = (t for t in tokens if t.dep_ == "neg" or lemma_of(t) in _NEGATIONS or t.lower_ in _NEGATIONS)
    if any(_denies(t, moving) for t in denials):
        common["negated"] = 1.0
    if any(c.dep_ == "neg" for t in tokens if lemma_of(t) in FLOW_TRIGGERS for c in t.children):
        common[NEGATED] = 1.0
    if anaphor:
        common["anaphor"] = 1.0
    common[f"places={min(len(places), 5)}"] = 1.0
    return _Reading(sentence, places, views, common, weapon or parts or (anaphor and weapons_before))


def _denies(negation: Token, triggers: list[Token]) -> bool:
    """A negation denies the movement when its clause holds a movement word ("were not smuggled",
    "denied that guns were smuggled"), not when it sits in a clause below or beside every one of
    them ("traced back to the United States, where the kits were sold with no background check").
    Without a movement word any negation counts."""
    clause = negation
    while clause.dep_ not in _CLAUSE_DEPS and clause.head.i != clause.i:
        clause = clause.head
    return not triggers or any(is_within(t, clause) for t in triggers)


def _pair_features(o: dict[str, str], d: dict[str, str]) -> dict[str, float]:
    """Each end's view and the pairings of their prepositions, roles, cues and types."""
    features = {f"{side}.{k}={v}": 1.0 for side, view in (("o", o), ("d", d)) for k, v in view.items()}
    features[f"preps={o['prep']}>{d['prep']}"] = 1.0
    features[f"roles={o['role']}>{d['role']}"] = 1.0
    features[f"cues={o['cue']}>{d['cue']}"] = 1.0
    features[f"types={o['type']}>{d['type']}"] = 1.0
    return features


def candidates(doc: Doc, reading: _Reading) -> list[Candidate]:
    """Every ordered pair of distinct places of a sentence that talks about guns or their movement,
    each with readable features for the flow classifier (`ffkg train` fits it)."""
    found = []
    views, sentence = reading.views, reading.sentence
    for origin in reading.places:
        for destination in reading.places:
            if origin is destination:
                continue
            o, d = views[origin.entity.id], views[destination.entity.id]
            if d["cue"] == "via":
                continue  # guns pass through a transit place; a stated crossing may start the last leg
            features = {**reading.common, **_pair_features(o, d)}
            features.update(_path_features(head_token(doc, origin), head_token(doc, destination)))
            features["order=" + ("o<d" if origin.token_start < destination.token_start else "d<o")] = 1.0
            gap = abs(origin.token_start - destination.token_start)
            features[f"gap={next(b for b in (2, 4, 8, 16, 10**6) if gap <= b)}"] = 1.0
            if _coordinated(doc, origin, destination):
                features[COORDINATED] = 1.0
            one_route = _one_route(doc, origin, destination)
            if not one_route:
                features["separate_clauses"] = 1.0
            leg = _leg(doc, origin, destination)
            if leg is not None:
                features[f"leg={leg}"] = 1.0
            along = one_route and leg != "skipped"
            rule = along and ((o["role"] == "origin" and d["role"] == "destination") or leg == "next")
            worded = along and o["cue"] == "origin" and d["cue"] == "destination" and COORDINATED not in features
            if rule:
                features["rule"] = 1.0
            if worded:
                features["worded"] = 1.0
            rule = (rule or (worded and reading.armed)) and "negated" not in features
            found.append(Candidate(origin, destination, sentence, features, rule, one_route))
    return found


def _across(doc: Doc, first: _Reading, second: _Reading, distance: int) -> list[Candidate]:
    """Pairs split over two adjacent sentences: an origin the wording marks in one and a destination
    it marks in the other, `distance` sentences apart in one paragraph ("bought guns from dealers in
    Ohio. He then mailed them to Jamaica."); the guidelines count an origin carried into the next
    sentence by "them" or "the firearms"."""
    span = doc[first.sentence.span.start : second.sentence.span.end]
    text = doc_text(doc)[span.start_char : span.end_char]
    mentions = first.sentence.mentions + second.sentence.mentions
    joined = Sentence(span, text, mentions, {**first.sentence.by_token, **second.sentence.by_token})
    common = {k: v for reading in (first, second) for k, v in reading.common.items() if not k.startswith("places=")}
    common["across"] = 1.0
    common[f"across={distance}"] = 1.0
    found = []
    for one, other in ((first, second), (second, first)):
        for origin in one.places:
            o = one.views[origin.entity.id]
            if "origin" not in (o["cue"], o["role"]) and "sourced" not in o:
                continue
            for destination in other.places:
                d = other.views[destination.entity.id]
                if origin.entity.id == destination.entity.id or "destination" not in (d["cue"], d["role"]):
                    continue
                features = {**common, **_pair_features(o, d), "order=" + ("o<d" if one is first else "d<o"): 1.0}
                carried = distance == 1 and "anaphor" in second.common and second.armed and "negated" not in common
                worded = carried and o["cue"] == "origin" and d["cue"] == "destination"
                if worded:
                    features["worded"] = 1.0
                found.append(Candidate(origin, destination, joined, features, worded, False, across=True))
    return found


def document_candidates(doc: Doc, mentions: list[ResolvedMention]) -> list[Candidate]:
    """The flow candidates of every sentence of a document, the title line counted as a headline,
    and of every two adjacent sentences about guns; never a place and the area the text locates it in."""
    found: list[Candidate] = []
    weapons_before = False
    recent: list[tuple[Sentence, _Reading | None]] = []
    first_break = doc_text(doc).find("\n")
    listed = list(sentences(doc, mentions))
    located = _located(doc, listed)
    for sentence in listed:
        headline = first_break < 0 or sentence.span.start_char < first_break
        reading = _read(doc, sentence, headline=headline, weapons_before=weapons_before)
        if recent and recent[-1][0].span.end != sentence.span.start:
            recent = []  # a paragraph ends: its guns are not the next paragraph's "them"
        if reading is not None:
            found.extend(candidates(doc, reading))
            for distance, (_, before) in enumerate(reversed(recent), start=1):
                if before is not None:
                    found.extend(_across(doc, before, reading, distance))
        recent = [*recent, (sentence, reading)][-WINDOW:]
        weapons_before = any(lemma_of(t) in WEAPON_WORDS for t in sentence.span)
    return [c for c in found if frozenset((c.origin.entity.id, c.destination.entity.id)) not in located]


def _located(doc: Doc, listed: list[Sentence]) -> set[frozenset[str]]:
    """The pairs of places of which the document writes one as where the other lies ("Montreal,
    Quebec"): a place and the area it lies in are never the two ends of one route (none of the 14
    such candidate pairs in train and dev is a flow)."""
    text = doc_text(doc)
    pairs = set()
    for sentence in listed:
        places = sentence.of_types(PLACE_TYPES)
        for previous, place in zip([None, *places], places, strict=False):
            if previous is not None and locates_previous(previous, place, text):
                pairs.add(frozenset((previous.entity.id, place.entity.id)))
    return pairs


def _period(doc: Doc, dates: list[DateMention], published: str | None) -> str | None:
    """The period a flow's sentence states: its first date that is not the day of publication (when
    the article says it, not when guns moved) and does not hang off a verb of saying or starting
    ("the office said Tuesday", "a programme launched in 2006"). None when the text states none."""
    for mention in dates:
        if published and mention.value == published[:10]:
            continue
        span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
        if span is not None and _said_or_started(span.root):
            continue
        return mention.value
    return None


def _said_or_started(token: Token) -> bool:
    """The verb a date belongs to (through its preposition, "in 2006") is one of saying or starting."""
    verb = token.head
    while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i and verb.dep_ in ("prep", "pobj", "npadvmod"):
        verb = verb.head
    return verb.pos_ in ("VERB", "AUX") and verb.lemma_.lower() in _SAYING_OR_STARTING


def extract_flows(
    doc: Doc, mentions: list[ResolvedMention], info: DocumentInfo, classifier: FlowClassifier
) -> tuple[list[EntityRecord], list[RelationRecord]]:
    """`firearmsFlow` relations between places and one `FirearmsFlow` node per place pair."""
    nodes: dict[tuple[str, str], EntityRecord] = {}
    relations: list[RelationRecord] = []
    seen: set[tuple[str, ...]] = set()
    by_sentence: dict[int, list[Candidate]] = {}
    for candidate in decide(document_candidates(doc, mentions), classifier.accepts):
        by_sentence.setdefault(candidate.sentence.span.start, []).append(candidate)
    for chosen in by_sentence.values():
        sentence = chosen[0].sentence
        route = find_route(doc, sentence)
        attributes = _attributes(sentence.text)
        period = _period(doc, sentence_dates(sentence.span, info.date, sentence.text), info.date)
        if period is not None:
            attributes["period"] = period
        evidence = sentence.evidence
        trigger = route.trigger
        for candidate in chosen:
            origin, destination = candidate.origin, candidate.destination
            pair = (origin.entity.id, destination.entity.id)
            key = (*pair, str(evidence.start))
            if key in seen:
                continue
            seen.add(key)
            confidence = round(max(classifier.probability(candidate), RULE_CONFIDENCE * candidate.rule), 3)
            relations.append(RelationRecord(pair[0], "firearmsFlow", pair[1], confidence, evidence))
            node = nodes.get(pair)
            if node is None:
                label = f"firearms flow {origin.entity.label} → {destination.entity.label}"
                node = EntityRecord(local_iri(info.id, "flow", *pair), label, FLOW_TYPE)
                nodes[pair] = node
                relations.append(RelationRecord(node.id, "origin", pair[0], confidence, evidence))
                relations.append(RelationRecord(node.id, "destination", pair[1], confidence, evidence))
            for place in route.via:
                if place.entity.id not in pair:
                    relations.append(RelationRecord(node.id, "via", place.entity.id, 0.7, evidence))
            for name, value in attributes.items():
                node.attributes.setdefault(name, value)
            if trigger is not None:
                node.mentions.append(Span(trigger.idx, trigger.idx + len(trigger.text), trigger.text))
    return list(nodes.values()), relations
