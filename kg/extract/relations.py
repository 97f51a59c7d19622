"""Relations between named entities, each stated by one sentence.

Only what the text says counts: titles and appositions for `affiliatedWith` (also a title
that implies a body the text names, "Attorney General X" and "the Justice Department"),
"City, State" appositions and "X-based" for `locatedIn`, a maker written next to a
weapon for `manufactures`. World knowledge (a gazetteer saying Tucson is in Arizona)
is deliberately not used. These hand rules' readings are one feature of the trained
relation model (`kg.extract.relation_model`), which decides; firearms flows live in
`kg.extract.flows`.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Token

from kg.extract.base import ResolvedMention
from kg.extract.context import (
    BODY_TYPES,
    CONTAINERS,
    PLACE_TYPES,
    Sentence,
    doc_text,
    governing_preposition,
    head_token,
    sentences,
)
from kg.extract.flow_model import classifier
from kg.extract.flows import extract_flows
from kg.extract.lexicon import lexicon, words
from kg.extract.relation_model import candidates, relations, weapon_mentions
from kg.extract.relation_model import classifier as relation_classifier
from kg.iris import entity_iri, normalise_key
from kg.records import DocumentInfo, EntityRecord, RelationRecord, Span

#: Words that make a noun phrase a title or role ("ATF Special Agent", "gang leader").
TITLE_WORDS = words("relations", "titles")
#: Tokens that may sit inside a title chain besides nouns and adjectives.
_CHAIN_WORDS = frozenset({"of", "to", "in", "for", "at", "the", "'s", "’s", "(", ")", "-", "former", "then", "also"})
_APPOSITION_WORDS = _CHAIN_WORDS | {"a", "an", "with", "affiliated", "based", "who", "is", "was"}
_MAX_CHAIN = 12
WEAPON_NOUNS = words("relations", "weapon_nouns")
_MAKER_PASSIVE = words("relations", "made_verbs")
_BASED_WORDS = frozenset(lexicon("relations")["cues"]["base"])
_BASED_TYPES = BODY_TYPES | {"Gunmaker"}
_IMPLIED = {
    tuple(title.split()): frozenset(normalise_key(name) for name in names)
    for title, names in lexicon("relations")["implied_bodies"].items()
    if not title.startswith("_")
}
_NOT_IMPLIED_AFTER = words("relations", "implied_not_after")
#: The place keys and demonyms of the country whose bodies `_IMPLIED` names: any other is foreign.
_HOME_PLACES = frozenset(lexicon("relations")["implied_home"]["places"])
_HOME_DEMONYMS = frozenset(lexicon("relations")["implied_home"]["demonyms"])
#: What may stand between two persons of a list that share one title ("Senators A (D-VT) and B").
_SHARED_TITLE = re.compile(r"\s*(\([^()]{1,12}\))?,?\s*and\s*")


def _relation(subject: str, predicate: str, obj: str, confidence: float, sentence: Sentence) -> RelationRecord:
    return RelationRecord(subject, predicate, obj, confidence, sentence.evidence)


def _is_title(token: Token) -> bool:
    return token.lemma_.lower() in TITLE_WORDS or token.lower_ in TITLE_WORDS


def _walk(
    doc: Doc, sentence: Sentence, start: int, step: int, allowed: frozenset[str]
) -> tuple[list[ResolvedMention], list[Token]]:
    """Bodies and plain words of a title-like run from `start` in direction `step`.

    The run stops at a verb, a clause comma, another person, or after a dozen words.
    A comma right before a place ("University of California, San Diego") is crossed.
    """
    bodies: list[ResolvedMention] = []
    words: list[Token] = []
    index = start
    sent = sentence.span
    while sent.start <= index < sent.end and len(words) < _MAX_CHAIN:
        mention = sentence.by_token.get(index)
        if mention is not None:
            if mention.entity.type == "Person":
                break
            if mention.entity.type in BODY_TYPES:
                bodies.append(mention)
            index = mention.token_end if step > 0 else mention.token_start - 1
            continue
        token = doc[index]
        after = sentence.by_token.get(index + step)
        if token.text == "," and after is not None and after.entity.type in PLACE_TYPES:
            index += step
            continue
        if token.pos_ not in ("PROPN", "NOUN", "ADJ", "NUM") and token.lower_ not in allowed:
            break
        words.append(token)
        index += step
    return bodies, words


def _titled_office(doc: Doc, body: ResolvedMention, words: list[Token]) -> bool:
    """ "X, the U.S. Attorney for the District of Y": the apposition is a body named by its title."""
    named_by_title = any(_is_title(t) for t in doc[body.token_start : body.token_end])
    return named_by_title and all(w.lower_ in ("the", "a", "an", "former") for w in words)


def affiliations(doc: Doc, sentence: Sentence) -> list[RelationRecord]:
    """Person -> body from a title before the name or an apposition after it."""
    found = []
    for person in sentence.of_types(["Person"]):
        before = person.token_start - 1
        crossed = before >= sentence.span.start and doc[before].text == ","
        bodies, words = _walk(doc, sentence, before - crossed, -1, _CHAIN_WORDS)
        words += [t for t in doc[person.token_start : person.token_end] if _is_title(t)]
        titled = any(_is_title(word) for word in words)
        if bodies:
            nearest = bodies[0]
            adjacent = nearest.token_end == person.token_start
            if titled or (adjacent and not crossed and _is_title(doc[nearest.token_end - 1])):
                found.append(_relation(person.entity.id, "affiliatedWith", nearest.entity.id, 0.85, sentence))
                continue
        after = person.token_end
        if after < sentence.span.end and doc[after].text == ",":
            bodies, words = _walk(doc, sentence, after + 1, 1, _APPOSITION_WORDS)
            if bodies and (any(_is_title(word) for word in words) or _titled_office(doc, bodies[0], words)):
                found.append(_relation(person.entity.id, "affiliatedWith", bodies[0].entity.id, 0.75, sentence))
                continue
        if after + 1 < sentence.span.end and doc[after].lower_ in ("of", "at", "with"):
            offset = after + 1 + (doc[after + 1].lower_ == "the")
            body = sentence.by_token.get(offset)
            if body is not None and body.entity.type in BODY_TYPES and body.token_start == offset:
                found.append(_relation(person.entity.id, "affiliatedWith", body.entity.id, 0.7, sentence))
    return found


def _title_before(doc: Doc, sentence: Sentence, person: ResolvedMention) -> tuple[list[str], bool]:
    """The lemmas of the title run right before a person ("Deputy Attorney General"), and whether a
    foreign place stands in it ("Mexican Attorney General", "Mexico's Attorney General")."""
    lemmas: list[str] = []
    foreign = False
    index = person.token_start - 1
    while index >= sentence.span.start and len(lemmas) < _MAX_CHAIN:
        mention = sentence.by_token.get(index)
        token = doc[index]
        if mention is not None:
            if mention.entity.type == "Person":
                break
            tokens = list(doc[mention.token_start : mention.token_end])
            foreign |= mention.entity.type in PLACE_TYPES and normalise_key(mention.entity.label) not in _HOME_PLACES
            foreign |= any(_foreign_demonym(t) for t in tokens)
            lemmas[:0] = [t.lower_ for t in tokens]
            index = mention.token_start - 1
            continue
        if token.pos_ not in ("PROPN", "NOUN", "ADJ") and token.lower_ not in _CHAIN_WORDS:
            break
        foreign |= _foreign_demonym(token)
        lemmas.insert(0, token.lemma_.lower())
        index -= 1
    return lemmas, foreign


def _foreign_demonym(token: Token) -> bool:
    return token.ent_type_ == "NORP" and token.lower_ not in _HOME_DEMONYMS


def _implied_names(lemmas: list[str]) -> frozenset[str]:
    """The names of the body a title run implies (`implied_bodies`), none after "assistant"."""
    names: set[str] = set()
    for title, bodies in _IMPLIED.items():
        for start in range(len(lemmas) - len(title) + 1):
            if tuple(lemmas[start : start + len(title)]) == title and not (
                start and lemmas[start - 1] in _NOT_IMPLIED_AFTER
            ):
                names |= bodies
    return frozenset(names)


def implied_affiliations(doc: Doc, mentions: list[ResolvedMention]) -> list[RelationRecord]:
    """Person -> the body their title implies ("Attorney General X" -> the Justice Department) when
    the text names that body anywhere; persons listed after a titled one share the title
    ("Senators A and B"). The body may be named in another sentence, so these bypass the pair model."""
    bodies: dict[str, str] = {}
    for mention in mentions:
        if mention.entity.type in BODY_TYPES:
            for name in (mention.text, mention.entity.label, *mention.entity.attributes.get("aliases", [])):
                bodies.setdefault(normalise_key(name), mention.entity.id)
    if not bodies:
        return []
    text = doc_text(doc)
    found = []
    for sentence in sentences(doc, mentions):
        names: frozenset[str] = frozenset()
        previous: ResolvedMention | None = None
        for person in sentence.of_types(["Person"]):
            lemmas, foreign = _title_before(doc, sentence, person)
            listed = previous is not None and _SHARED_TITLE.fullmatch(text[previous.end_char : person.start_char])
            if lemmas or not listed:
                names = frozenset() if foreign else _implied_names(lemmas)
            implied = {bodies[name] for name in names if name in bodies}
            found.extend(_relation(person.entity.id, "affiliatedWith", body, 0.7, sentence) for body in sorted(implied))
            previous = person
    return found


def _locations(doc: Doc, sentence: Sentence, text: str) -> list[RelationRecord]:
    """ "City, State" appositions, "X-based Org" and "the Org in Place"; `text` is the document text."""
    found = []
    ordered = sentence.mentions
    for index, mention in enumerate(ordered):
        later = ordered[index + 1] if index + 1 < len(ordered) else None
        kind = mention.entity.type
        if kind in CONTAINERS and later is not None and later.entity.type in CONTAINERS[kind]:
            between = text[mention.end_char : later.start_char]
            following = doc[later.token_end].lower_ if later.token_end < len(doc) else ""
            preceding = doc[mention.token_start - 1].lower_ if mention.token_start > 0 else ""
            if (
                between.strip() == ","
                and following not in ("and", "or")
                and preceding not in ("and", "or")
                and later.entity.id != mention.entity.id
            ):
                found.append(_relation(mention.entity.id, "locatedIn", later.entity.id, 0.9, sentence))
        if kind in PLACE_TYPES and re.match(r"-?based\b", text[mention.end_char :]):
            after = next((m for m in ordered[index + 1 :] if m.start_char - mention.end_char <= 40), None)
            if after is not None and after.entity.type in _BASED_TYPES:  # the next name is what is based there
                found.append(_relation(after.entity.id, "locatedIn", mention.entity.id, 0.8, sentence))
        place = _based_in(doc, sentence, mention) if kind in _BASED_TYPES else None
        if place is not None:
            found.append(_relation(mention.entity.id, "locatedIn", place.entity.id, 0.75, sentence))
        if kind in BODY_TYPES | {"Gunmaker"} and mention.token_end + 1 < sentence.span.end:
            prep = doc[mention.token_end]
            offset = mention.token_end + 1 + (doc[mention.token_end + 1].lower_ == "the")
            place = sentence.by_token.get(offset)
            if (
                prep.lower_ == "in"
                and place is not None
                and place.entity.type in PLACE_TYPES
                and mention.token_start <= prep.head.i < mention.token_end
            ):
                found.append(_relation(mention.entity.id, "locatedIn", place.entity.id, 0.65, sentence))
    return found


def _based_in(doc: Doc, sentence: Sentence, body: ResolvedMention) -> ResolvedMention | None:
    """ "Acme Arms, a dealer based in Houston", "the group, headquartered in Tijuana": the place named
    under a participle of basing that hangs off the body or its apposition."""
    head = head_token(doc, body)
    for noun in (head, *(c for c in head.children if c.dep_ == "appos")):
        for verb in noun.children:
            if verb.dep_ not in ("acl", "relcl", "amod") or verb.lemma_.lower() not in _BASED_WORDS:
                continue
            for token in verb.subtree:
                place = sentence.by_token.get(token.i)
                governed = governing_preposition(doc, place) if place is not None else None
                if place is not None and place.entity.type in PLACE_TYPES and governed and governed[0] == "in":
                    return place
    return None


def _weapon_after(doc: Doc, sentence: Sentence, start: int) -> tuple[int, int] | None:
    """Token range of a weapon noun phrase right after a maker ("semi-automatic rifles")."""
    index = start
    while index < sentence.span.end and index - start < 5:
        token = doc[index]
        if token.lemma_.lower() in WEAPON_NOUNS and token.pos_ == "NOUN":
            following = doc[index + 1] if index + 1 < sentence.span.end else None
            if following is not None and following.lemma_.lower() in WEAPON_NOUNS:
                index += 1
                continue
            return start, index + 1
        if token.pos_ not in ("ADJ", "NUM", "NOUN", "PROPN") and token.text not in ("-", "."):
            return None
        if sentence.by_token.get(index) is not None:
            return None
        index += 1
    return None


def _weapon_label(doc: Doc, maker: ResolvedMention, start: int, end: int) -> str:
    """ "semi-automatic rifles" -> "semi-automatic rifle"; a model number keeps its maker ("Beretta 92")."""
    tokens = doc[start:end]
    first = tokens[0]
    calibre = end - start > 1 and doc[start + 1].lower_ in ("caliber", "calibre", "mm")
    if any(c.isdigit() for c in first.text) and not first.text.startswith(".") and not calibre:
        model = [t for t in tokens[:-1] if any(c.isdigit() for c in t.text) or t.pos_ == "PROPN"]
        return " ".join([maker.text, *(t.text for t in model)])
    words = [t.text_with_ws for t in tokens[:-1]] + [tokens[-1].lemma_.lower()]
    return "".join(words).strip()


def _makers(
    doc: Doc,
    sentence: Sentence,
    known_makers: list[EntityRecord],
    known_weapons: dict[str, EntityRecord],
    made_heads: set[int],
) -> tuple[list[EntityRecord], list[RelationRecord]]:
    """Gunmaker -> weapon when the text writes them together or names the maker in the model.

    A weapon the entity layer already resolved elsewhere in the document keeps its id;
    `made_heads` are the tokens a "made by" clause hangs off (`_made_heads`).
    """
    weapons: dict[str, EntityRecord] = {}

    def weapon_at(label: str, start: int, end: int) -> EntityRecord:
        span = doc[start:end]
        known = known_weapons.get(label.lower())
        entity_id = known.id if known else entity_iri("weapon", label)
        record = weapons.setdefault(label, EntityRecord(entity_id, known.label if known else label, "WeaponType"))
        record.mentions.append(Span(span.start_char, span.end_char, span.text))
        return record

    found = []
    makers = sentence.of_types(["Gunmaker"])
    grouped: set[int] = set()
    for position, maker in enumerate(makers):
        if maker.token_start in grouped:
            continue
        group = [maker]
        cursor = maker.token_end
        for other in makers[position + 1 :]:
            between = doc[cursor : other.token_start]
            if all(t.lower_ in (",", "and", "&", "or") for t in between) and len(between) <= 2:
                group.append(other)
                cursor = other.token_end
            else:
                break
        grouped.update(m.token_start for m in group)
        weapon = sentence.by_token.get(cursor)
        target: EntityRecord | None = weapon.entity if weapon and weapon.entity.type == "WeaponType" else None
        phrase = _weapon_after(doc, sentence, cursor) if target is None else None
        if phrase is not None:
            target = weapon_at(_weapon_label(doc, group[-1], *phrase), *phrase)
        if target is not None:
            found.extend(_relation(m.entity.id, "manufactures", target.id, 0.8, sentence) for m in group)
    for weapon in sentence.of_types(["WeaponType"]):
        for maker in known_makers:
            names = [maker.label, *maker.attributes.get("aliases", [])]
            if any(weapon.text.lower().startswith(name.lower() + " ") for name in names):
                found.append(_relation(maker.id, "manufactures", weapon.entity.id, 0.85, sentence))
    for head in sentence.span:
        if head.i not in made_heads:
            continue
        made = [c for c in head.children if c.lemma_ in _MAKER_PASSIVE and c.dep_ in ("acl", "relcl")]
        named = sentence.by_token.get(head.i) or _model_before(sentence, head)
        if not made or not (head.lemma_.lower() in WEAPON_NOUNS or (named and named.entity.type == "WeaponType")):
            continue
        for agent in (t for c in made for t in c.subtree):
            maker = sentence.by_token.get(agent.i)
            if maker is not None and maker.entity.type == "Gunmaker":
                target = named.entity if named else weapon_at(head.lemma_.lower(), head.i, head.i + 1)
                found.append(_relation(maker.entity.id, "manufactures", target.id, 0.75, sentence))
    return list(weapons.values()), found


def _made_heads(doc: Doc) -> set[int]:
    """Tokens with a "made" / "manufactured" clause below them ("pistols made by FN"), found in one
    pass over the document rather than by asking every token of every sentence for its children."""
    return {t.head.i for t in doc if t.lemma_ in _MAKER_PASSIVE and t.dep_ in ("acl", "relcl") and t.head.i != t.i}


def _model_before(sentence: Sentence, head: Token) -> ResolvedMention | None:
    """ "Five-seveN pistols made by FN Herstal": the named model the weapon noun is a kind of."""
    for child in head.children:
        mention = sentence.by_token.get(child.i)
        if child.dep_ in ("compound", "nmod", "amod", "nummod") and mention and mention.entity.type == "WeaponType":
            return mention
    return None


def _dedupe(relations: list[RelationRecord]) -> list[RelationRecord]:
    """One record per (subject, predicate, object, sentence), keeping the most confident."""
    best: dict[tuple[str, str, str, int], RelationRecord] = {}
    for relation in relations:
        key = (relation.subject, relation.predicate, relation.object, relation.evidence.start)
        if key not in best or relation.confidence > best[key].confidence:
            best[key] = relation
    return list(best.values())


def rule_relations(doc: Doc, mentions: list[ResolvedMention]) -> tuple[list[EntityRecord], list[RelationRecord]]:
    """What the hand rules read: weapon types tied to a maker, and the relations they state. The
    relation model (`kg.extract.relation_model`) takes them as one feature among many."""
    entities: list[EntityRecord] = []
    relations: list[RelationRecord] = []
    makers = list({m.entity.id: m.entity for m in mentions if m.entity.type == "Gunmaker"}.values())
    weapons = {m.entity.label.lower(): m.entity for m in mentions if m.entity.type == "WeaponType"}
    text = doc_text(doc)
    made_heads = _made_heads(doc)
    for sentence in sentences(doc, mentions):
        relations.extend(affiliations(doc, sentence))
        relations.extend(_locations(doc, sentence, text))
        found, made = _makers(doc, sentence, makers, weapons, made_heads)
        entities.extend(found)
        relations.extend(made)
    return _merge_entities(entities), _dedupe(relations)


def extract_relations(
    doc: Doc, mentions: list[ResolvedMention], info: DocumentInfo
) -> tuple[list[EntityRecord], list[RelationRecord]]:
    """New entities (tied weapon types, reified flows) and the relations the text states, as the
    relation model decides them over the sentence's mention pairs."""
    weapons, rules = rule_relations(doc, mentions)
    found = candidates(doc, [*mentions, *weapon_mentions(doc, weapons)], rules)
    stated = _dedupe([*relations(found, relation_classifier()), *implied_affiliations(doc, mentions)])
    used = {r.subject for r in stated} | {r.object for r in stated}
    flow_entities, flow_relations = extract_flows(doc, mentions, info, classifier())
    return [w for w in weapons if w.id in used] + flow_entities, stated + flow_relations


def _merge_entities(entities: list[EntityRecord]) -> list[EntityRecord]:
    """Weapon types found in several sentences become one record with all mentions."""
    merged: dict[str, EntityRecord] = {}
    for entity in entities:
        if entity.id in merged:
            merged[entity.id].mentions.extend(entity.mentions)
        else:
            merged[entity.id] = entity
    return list(merged.values())
