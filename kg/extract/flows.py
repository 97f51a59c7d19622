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
from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from kg.extract.base import ResolvedMention
from kg.extract.context import (
    PLACE_TYPES,
    Sentence,
    doc_text,
    governing_preposition,
    head_token,
    inside_another,
    is_within,
    locates_previous,
    phrase_head,
    sentences,
)
from kg.extract.dates import sentence_dates
from kg.iris import local_iri
from kg.records import FLOW_TYPE, DocumentInfo, EntityRecord, RelationRecord, Span

FLOW_TRIGGERS = frozenset(
    [
        "smuggle",
        "smuggling",
        "smuggler",
        "traffic",
        "trafficking",
        "trafficker",
        "export",
        "exporter",
        "flow",
        "transport",
        "ship",
        "shipment",
        "mail",
        "take",
        "move",
        "send",
        "carry",
        "bring",
        "deliver",
        "supply",
        "funnel",
        "trace",
        "cross",
        "gunrunning",
        "gunrunner",
        "pipeline",
        "route",
        "walk",
        "divert",
        "transfer",
        "import",
        "drive",
        "haul",
        "sneak",
        "conceal",
        "destine",
        "bind",
        "bound",
    ]
)
WEAPON_WORDS = frozenset(
    [
        "gun",
        "firearm",
        "weapon",
        "rifle",
        "pistol",
        "handgun",
        "arm",
        "ammunition",
        "revolver",
        "shotgun",
        "carbine",
        "gunrunning",
        "gunrunner",
    ]
)
_ACQUISITION = frozenset(["buy", "purchase", "purchaser", "buyer", "obtain", "acquire", "dealer", "straw"])
_FOUND = frozenset(["recover", "seize", "find", "confiscate", "collect", "interdict"])
_SOURCE_NOUNS = frozenset(["source", "origin", "dealer", "seller", "store", "shop", "market"])
#: "destined for Haiti", "bound for Mexico": a destination after "for".
_BOUND = frozenset({"destine", "destined", "bind", "bound", "head"})
_DESTINATIONS = frozenset({"to", "into", "toward", "towards"})
_ORIGIN_SUFFIX = re.compile(r"-(?:sourced|made|manufactured|origin|bought|purchased)\b")

_METHODS = (
    (re.compile(r"(?:dubbed|called|known as|so-called)\s+[“\"‘']([^”\"’']{3,40})[”\"’']", re.I), None),
    (re.compile(r"\bstraw[- ](?:purchas|buy)", re.I), "straw purchasing"),
    (re.compile(r"\bghost guns?\b", re.I), "ghost guns"),
    (re.compile(r"\bgun-?walking\b", re.I), "gunwalking"),
    (re.compile(r"\b(?:by|through|via|in the) (?:the )?mail\b|\bmailed\b", re.I), "mail"),
)
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


def _lemma(token: Token) -> str:
    return token.lemma_.lower()


def _near_trigger(prep: Token, triggers: list[Token]) -> bool:
    """A preposition belongs to the movement when it hangs off a trigger or a weapon noun."""
    head = prep.head
    if _lemma(head) in WEAPON_WORDS or _lemma(head) in FLOW_TRIGGERS or head.lower_ == "in":
        return True
    return any(is_within(head, trigger) or is_within(trigger, head) for trigger in triggers)


def _role(word: str, prep: Token, triggers: list[Token], *, tracing: bool, acquiring: bool) -> str | None:
    """What a place governed by preposition `word` is to the movement: origin, destination, via.
    A place inside the phrase of another preposition takes that one's role ("to buyers in Lima")."""
    head = _lemma(prep.head)
    outer = prep.head.head
    if word in ("in", "at") and prep.head.dep_ == "pobj" and outer.lower_ in _DESTINATIONS | {"from"}:
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
    if word == "between":
        return "between"
    if word in ("in", "at") and head in _FOUND:
        return "destination"
    if word in ("in", "at") and acquiring:
        return "origin"
    if word == "in" and head in WEAPON_WORDS:
        return "destination"
    return None


def find_route(doc: Doc, sentence: Sentence) -> Route:
    """Origins, destinations and transit places of the guns a sentence moves (may be empty)."""
    tokens = list(sentence.span)
    triggers = [t for t in tokens if _lemma(t) in FLOW_TRIGGERS or t.lower_ in FLOW_TRIGGERS]
    weapons = any(_lemma(t) in WEAPON_WORDS for t in tokens) or bool(sentence.of_types(["WeaponType"]))
    route = Route(trigger=triggers[0] if triggers else None)
    if not triggers or not weapons:
        return route
    acquiring = any(_lemma(t) in _ACQUISITION for t in tokens)
    tracing = any(_lemma(t) == "trace" for t in triggers)
    text, offset = sentence.text, sentence.span.start_char
    places = sentence.of_types(PLACE_TYPES)
    for previous, place in zip([None, *places], places, strict=False):
        if locates_previous(previous, place, doc_text(doc)) or inside_another(sentence, place):
            continue
        phrase = phrase_head(head_token(doc, place))
        if _lemma(phrase) in _SOURCE_NOUNS or _ORIGIN_SUFFIX.match(text, place.end_char - offset):
            route.origins.append(place)
            continue
        governed = governing_preposition(doc, place)
        role = _role(*governed, triggers, tracing=tracing, acquiring=acquiring) if governed else None
        if role == "between":
            role = "destination" if route.origins else "origin"
        if role is not None:
            getattr(route, {"origin": "origins", "destination": "destinations", "via": "via"}[role]).append(place)
    destination_ids = {m.entity.id for m in route.destinations}
    route.origins = [m for m in route.origins if m.entity.id not in destination_ids]
    return route


def _one_route(doc: Doc, origin: ResolvedMention, destination: ResolvedMention) -> bool:
    """Origin and destination of one movement: "bought in Detroit and carried to Windsor" is one
    route, but "..., while a second route ran from Buffalo into Fort Erie" tells another one, in a
    clause with a subject of its own between the place and what the two places share."""
    first, second = head_token(doc, origin), head_token(doc, destination)
    shared = next((a for a in [first, *first.ancestors] if is_within(second, a)), None)
    if shared is None:
        return False
    return not (_own_clause_below(first, shared) or _own_clause_below(second, shared))


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


def extract_flows(
    doc: Doc, mentions: list[ResolvedMention], info: DocumentInfo
) -> tuple[list[EntityRecord], list[RelationRecord]]:
    """`firearmsFlow` relations between places and one `FirearmsFlow` node per place pair."""
    nodes: dict[tuple[str, str], EntityRecord] = {}
    relations: list[RelationRecord] = []
    seen: set[tuple[str, ...]] = set()
    for sentence in sentences(doc, mentions):
        route = find_route(doc, sentence)
        if not route.origins or not route.destinations:
            continue
        attributes = _attributes(sentence.text)
        dates = sentence_dates(sentence.span, info.date, sentence.text)
        if dates:
            attributes["period"] = dates[0].value
        evidence = sentence.evidence
        trigger = route.trigger
        for origin in route.origins:
            for destination in route.destinations:
                pair = (origin.entity.id, destination.entity.id)
                if pair[0] == pair[1] or not _one_route(doc, origin, destination):
                    continue
                key = (*pair, str(evidence.start))
                if key in seen:
                    continue
                seen.add(key)
                relations.append(RelationRecord(*pair[:1], "firearmsFlow", pair[1], 0.8, evidence))
                node = nodes.get(pair)
                if node is None:
                    label = f"firearms flow {origin.entity.label} → {destination.entity.label}"
                    node = EntityRecord(local_iri(info.id, "flow", *pair), label, FLOW_TYPE)
                    nodes[pair] = node
                    relations.append(RelationRecord(node.id, "origin", pair[0], 0.8, evidence))
                    relations.append(RelationRecord(node.id, "destination", pair[1], 0.8, evidence))
                for place in route.via:
                    relations.append(RelationRecord(node.id, "via", place.entity.id, 0.7, evidence))
                for name, value in attributes.items():
                    node.attributes.setdefault(name, value)
                if trigger is not None:
                    node.mentions.append(Span(trigger.idx, trigger.idx + len(trigger.text), trigger.text))
    return list(nodes.values()), relations
