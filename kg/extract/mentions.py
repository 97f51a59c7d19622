"""Names the statistical model finds (or half-finds) that no gazetteer lists.

The small model misses or mislabels many people in press releases ("Romain le Cour",
"Eliande Tunis" as ORG, "Charge Fred Milanowski"), and headline case fools it into
tagging phrases like "Would Benefit". So its PERSON / ORG / GPE spans are trimmed of
titles and gazetteer hits, checked against what is not an entity, typed by keywords,
and runs of proper nouns in a person context become people.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from kg.extract.gazetteer import SPAN_KEY, Entry
from kg.extract.lexicon import words
from kg.extract.rules import (
    AREA_WORDS,
    CRIME_CONTEXT_WORDS,
    DEMONYMS,
    GENERIC_WORDS,
    GOVERNMENT_WORDS,
    GROUP_ARTICLES,
    GROUP_DESCRIPTION_WORDS,
    NAME_PARTICLES,
    NON_ENTITY_HEADS,
    NON_ENTITY_STARTS,
    ORG_HINT_WORDS,
    PERSON_AFTER,
    PERSON_BEFORE,
    PERSON_TITLES,
    PURCHASE_LEMMAS,
    STORE_WORDS,
    classify_org,
)
from kg.iris import normalise_key

#: Labels the small model sometimes gives people ("Charge Shane Folden" as a facility).
MISLABELLED_PEOPLE = frozenset({"FAC", "WORK_OF_ART", "PRODUCT", "EVENT", "LAW", "NORP"})
#: "12-gauge", ".50 caliber", "9mm": after a number, the words that give a weapon's calibre.
CALIBRE_WORDS = words("entity_rules", "calibre_words")
#: ".380 ACP", "9mm Luger": after a calibre, the words that name a cartridge (and so a weapon type).
CARTRIDGE_WORDS = words("entity_rules", "cartridge_words")
#: The nouns a weapon type ends in ("rifle", "shotgun").
WEAPON_NOUNS = words("relations", "weapon_nouns")
#: A model designation: capitals, then a digit ("GC3", "M240", "RF-15", "SIGM400", "M&P15").
_MODEL_CODE = re.compile(r"^[A-Z][A-Z&]*-?\d[\dA-Z]*$")
#: A model named by capitals alone ("KSG", "MCX"), a weapon type only right before a weapon noun.
_LETTER_CODE = re.compile(r"^[A-Z]{2,5}$")
#: "Bridge II", "Plan III": a numeral after a name's head word.
_ROMAN = re.compile(r"^[IVX]{1,4}$")
_NUMBER = re.compile(r"^\.?\d+(?:\.\d+)?$")
_NUMBER_CALIBRE = re.compile(r"^\.?\d+(?:\.\d+)?-?([a-z]+)$")
#: "a 33-year-old Georges Hall man", "an Edinburg resident": the name before one of these is a place.
RESIDENT_NOUNS = words("entity_rules", "resident_nouns")


@dataclass
class Mention:
    """A typed mention before resolution: `key` groups mentions of one entity."""

    start: int
    end: int
    type: str
    key: str
    entry: Entry | None = None
    text: str = ""
    #: False for descriptive forms ("the Mexican government") that should not become the label.
    proper: bool = True
    #: True where the syntax gave the type ("the suburb of X", "X, Vermont"): the type model keeps it.
    cued: bool = False


def model_mentions(doc: Doc, taken: set[int], places: set[int]) -> list[Mention]:
    """spaCy's PERSON / ORG / GPE entities the gazetteer did not cover, plus missed people.

    `taken` are the tokens of gazetteer mentions, `places` those of place mentions.
    """
    headlines = headline_tokens(doc)
    out = _nicknamed_people(doc, taken)
    nicknamed = {i for m in out for i in range(m.start, m.end)}
    used = set(taken) | nicknamed
    for ent in doc.ents:
        ent = _after_nicknamed(doc, ent, nicknamed)
        if ent is None:
            continue
        area = _named_area(doc, ent, taken)
        if area is not None:
            out.append(Mention(area.start, area.end, "Region", surface_key("Region", area.text)))
            used.update(range(area.start, area.end))
            continue
        if ent.label_ in MISLABELLED_PEOPLE:
            span = _trim(doc, ent, taken, person=True)
            if span is not None and person_like(span) and _person_context(doc, span) and not not_an_entity(doc, span):
                out.append(Mention(span.start, span.end, "Person", surface_key("Person", span.text)))
                used.update(range(span.start, span.end))
            continue
        if ent.label_ not in ("PERSON", "ORG", "GPE", "LOC"):
            continue
        named = _place_named(doc, ent, taken, places)
        if ent.label_ == "LOC" and classify_org(ent.text) != "GovernmentBody":
            continue
        if named is not None:
            span, kind = named
            out.append(Mention(span.start, span.end, kind, surface_key(kind, span.text)))
            continue
        span = _trim(doc, ent, taken)
        if span is None or not_an_entity(doc, span):
            continue
        kind = _model_type(doc, span, ent.label_)
        if kind == "Organization" and _bought_at(doc, span):
            continue
        if kind is None or (span.start in headlines and (kind != "Person" or not _person_context(doc, span))):
            continue
        if kind in ("Person", "Organization") and resident_of(doc, span):
            kind = "City"
        if span.end < len(doc) and doc[span.end].lower_ in ("gang", "cartel"):
            span, kind = doc[span.start : span.end + 1], "CriminalGroup"
        elif (
            _described_as_group(doc, span)
            or _trafficking_organization(doc, span, kind)
            or (kind in ("Person", "Organization") and span[0].lower_ in GROUP_ARTICLES)
        ):
            kind = "CriminalGroup"
        elif kind == "Person":
            span = _widen(doc, span, used)
        out.append(Mention(span.start, span.end, kind, surface_key(kind, span.text)))
        used.update(range(span.start, span.end))
    out.extend(_unlabelled_people(doc, used, headlines))
    out.extend(_unlabelled_bodies(doc, used | {i for m in out for i in range(m.start, m.end)}, headlines))
    return sorted(out, key=lambda m: m.start)


def headline_tokens(doc: Doc) -> set[int]:
    """Tokens of title-case lines without a full stop (headlines, section headings), where
    capitals say nothing."""
    out: set[int] = set()
    line: list[Token] = []
    for token in [*doc, None]:
        if token is None or "\n" in token.text:
            words = [t for t in line if t.is_alpha and len(t) > 3]
            sentence = bool(line) and line[-1].text in (".", "!", "?", "”", '"', "’", "'")
            if words and not sentence and sum(t.text[0].isupper() for t in words) >= 0.7 * len(words):
                out.update(t.i for t in line)
            line = []
        else:
            line.append(token)
    return out


def _place_named(doc: Doc, ent: SpacySpan, taken: set[int], places: set[int]) -> tuple[SpacySpan, str] | None:
    """ "Georgia Bureau of Investigation", "Tucson Police Department", "Parliament of Jamaica": a
    place and a body's name; "San Diego County": a place, then an area word, is a Region; a
    person's name before "of Place" is the person alone."""
    start = ent.start + (doc[ent.start].lower_ == "the")
    tail = ent.end
    while tail > start and (tail - 1) in places:
        tail -= 1
    head = doc[start : tail - 1]
    if (
        tail < ent.end
        and len(head)
        and doc[tail - 1].lower_ in ("of", "de", "del", "do", "da")
        and not taken.intersection(range(start, tail - 1))
        and head[0].text[:1].isupper()
        and head.text.lower() not in ("government", "governments")
        and classify_org(head.text) == "GovernmentBody"
    ):
        return doc[start : ent.end], "GovernmentBody"
    if (
        tail < ent.end
        and ent.label_ == "ORG"
        and len(head) > 1
        and doc[tail - 1].lower_ == "of"
        and not (taken.intersection(range(start, tail - 1)) or not_an_entity(doc, head))
    ):
        kind = classify_org(head.text)
        if kind is None and person_of_place(doc, head, ent):
            return head, "Person"  # "Tamika Rowe of Columbia": a person, and where she is from
        return doc[start : ent.end], kind or "Organization"
    split = start
    while split < ent.end and split in places:
        split += 1
    rest = doc[split : ent.end]
    if split == start or not len(rest) or any(i in taken for i in range(split, ent.end)):
        return None
    if ent.label_ in ("GPE", "LOC") and len(rest) == 1 and rest[0].text in AREA_WORDS:
        return doc[start : ent.end], "Region"
    if rest[0].text[:1].isupper() and classify_org(rest.text) == "GovernmentBody" and not not_an_entity(doc, rest):
        return doc[start : ent.end], "GovernmentBody"
    return None


def _named_area(doc: Doc, ent: SpacySpan, taken: set[int]) -> SpacySpan | None:
    """ "the Central Valley", "Queensland's Fraser Coast": a name of several words the
    model found (as a location, a facility, even a person) that ends in an area word is a region,
    unless a word of it names a body or the gazetteer lists all of it."""
    start = ent.start + (doc[ent.start].lower_ == "the")
    if start + 1 < ent.end and start in taken and doc[start + 1].text in ("'s", "’s"):
        start += 2
    span = doc[start : ent.end]
    if (
        ent.label_ not in ("LOC", "FAC", "GPE", "PERSON", "ORG")
        or len(span) < 2
        or span[-1].text not in AREA_WORDS
        or not span[0].text[:1].isupper()
        or taken.issuperset(range(span.start, span.end))
        or any(t.lower_ in ORG_HINT_WORDS for t in span)
    ):
        return None
    return span


def _trim(doc: Doc, ent: SpacySpan, taken: set[int], person: bool = False) -> SpacySpan | None:
    """The part of `ent` outside gazetteer hits and titles, without possessives and quotes, nor the
    "of the" left before a listed body ("the Criminal Division of the Justice Department")."""
    start, end = ent.start, ent.end
    person = person or ent.label_ == "PERSON"
    while start < end and (start in taken or doc[start].is_punct or _skippable_start(doc[start], person)):
        start += 1
    # A name ends where a parenthesis opens ("Spanish National Police (Policía Nacional") or a sentence ends.
    end = next((i for i in range(start + 1, end) if doc[i].text == "(" or doc[i].is_sent_start), end)
    while end > start and (
        (end - 1) in taken or doc[end - 1].is_punct or doc[end - 1].lower_ in ("'s", "’s", "of", "for", "and", "the")
    ):
        end -= 1
    if start >= end or any(i in taken for i in range(start, end)):
        return None
    if person and end < len(doc) - 1 and doc[end].text == "," and doc[end + 1].text == "Jr.":
        end += 2
    return doc[start:end]


def _skippable_start(token: Token, person: bool) -> bool:
    return token.lower_ in ("the", "a", "an", "'s", "’s") or (person and person_title(token))


def person_title(token: Token) -> bool:
    """A title before a person's name, also in the plural ("Senators Patrick Leahy and ...")."""
    word = token.lower_.rstrip(".")
    return word in PERSON_TITLES or (word.endswith("s") and word[:-1] in PERSON_TITLES)


def resident_of(doc: Doc, span: SpacySpan) -> bool:
    """ "A 33-year-old Georges Hall man", "the Tin Can Bay resident": a name used as where someone
    lives is a place, whatever the parser or a person context says; not "an ATF Houston man"."""
    return (
        span.end < len(doc)
        and doc[span.end].lower_ in RESIDENT_NOUNS
        and doc[span.end].pos_ == "NOUN"
        and classify_org(span.text) is None
        and not any(t.lower_ in ORG_HINT_WORDS for t in span)
    )


def not_an_entity(doc: Doc, span: SpacySpan) -> bool:
    """Laws, programmes, documents, facilities, demonyms and lone generic words are not entities."""
    words = [t.lower_ for t in span]
    if not any(t.text[:1].isupper() for t in span) or all(w in DEMONYMS for w in words):
        return True
    if all(w in GENERIC_WORDS for w in words) or STORE_WORDS.intersection(words):
        return True
    before = doc[span.start - 1].lower_ if span.start > 0 else ""
    if words[0] in NON_ENTITY_STARTS or before in NON_ENTITY_STARTS or _non_entity_head(span):
        return True
    digits = any(ch.isdigit() for ch in span.text)
    return digits and ("-" in span.text or (len(span) == 1 and any(ch.isalpha() for ch in span.text)))


def _non_entity_head(span: SpacySpan) -> bool:
    """ "Lincoln Juarez Bridge II", "Platform Against Criminal Threats", "Arms Regulations": the name's
    head word, last but for a numeral or before the first preposition (that starts its complement), is a
    law's, a document's or a facility's, so the name is no entity."""
    tokens = list(span)
    while len(tokens) > 1 and _ROMAN.match(tokens[-1].text):
        tokens.pop()
    first_preposition = next((k for k in range(1, len(tokens)) if tokens[k].pos_ == "ADP"), len(tokens))
    return any(t.lower_.rstrip("s") in NON_ENTITY_HEADS for t in (tokens[-1], tokens[first_preposition - 1]))


def _model_type(doc: Doc, span: SpacySpan, label: str) -> str | None:
    if label == "PERSON" and not any(t.lower_ in ORG_HINT_WORDS for t in span):
        return "Person"
    if label == "GPE":
        return "Region" if span[-1].text in AREA_WORDS else "City"
    kind = classify_org(span.text)
    if kind:
        return kind
    if person_like(span) and _person_context(doc, span):
        return "Person"
    if len(span) == 1 and span.text.isupper() and len(span.text) <= 2:
        return None
    return "Organization"


_GROUP_APPOSITION = re.compile(
    r"^, (?:a|an|the|one of) (?:[\w-]+ ){0,4}(?:gang|cartel|group|faction|organi[sz]ation|cell|militia)s?\b"
)


def _described_as_group(doc: Doc, span: SpacySpan) -> bool:
    """ "Los Salazar, a trafficking group allied with ...": the apposition says criminal group."""
    tail = doc[span.end : span.end + 8]
    match = _GROUP_APPOSITION.match(tail.text)
    return bool(match) and bool(GROUP_DESCRIPTION_WORDS & set(match.group(0).lower().replace(",", " ").split()))


def _bought_at(doc: Doc, span: SpacySpan) -> bool:
    """ "bought the rifles at Lone Wolf Trading Company": a place of sale, not an organisation."""
    if span.start == 0 or doc[span.start - 1].lower_ not in ("at", "from"):
        return False
    return any(t.lemma_ in PURCHASE_LEMMAS for t in doc[max(span.start - 6, 0) : span.start])


def _trafficking_organization(doc: Doc, span: SpacySpan, kind: str) -> bool:
    """ "the Carrillo Fuentes Organization" in a sentence about drugs or cartels, or beside a known
    cartel, is a cartel."""
    if kind != "Organization" or span[-1].lower_ not in ("organization", "organisation"):
        return False
    sent = span.sent
    return bool(CRIME_CONTEXT_WORDS & {t.lower_ for t in sent}) or any(
        hit.label_ == "CriminalGroup" and sent.start <= hit.start < sent.end for hit in doc.spans[SPAN_KEY]
    )


def person_of_place(doc: Doc, name: SpacySpan, whole: SpacySpan) -> bool:
    """ "Tamika Rowe of Columbia, a straw purchaser": `whole` is a person's name, "of", a place, if
    the name is person-like and the text treats `whole` as a person ("Gun Owners of America
    opposed the bill" is an organisation)."""
    return person_like(name) and (_person_context(doc, whole) or _person_context(doc, name))


def person_like(span: SpacySpan) -> bool:
    """Two to four capitalised words or initials, none of them an organisation word."""
    tokens = [t for t in span if t.lower_ not in NAME_PARTICLES]
    return (
        2 <= len(tokens) <= 4
        and all(re.fullmatch(r"[A-Z][a-zA-Z'’\-]*\.?", t.text) for t in tokens)
        and not any(t.lower_ in ORG_HINT_WORDS for t in tokens)
    )


def _person_context(doc: Doc, span: SpacySpan) -> bool:
    """A title, a relation or "-year-old" before; an age, an apposition or a verb of saying after."""
    before = {t.lower_.rstrip(".") for t in doc[max(span.start - 4, 0) : span.start]}
    if before & (PERSON_TITLES | PERSON_BEFORE):
        return True
    after = [t.lower_ for t in doc[span.end : span.end + 3]]
    if after[:1] and after[0] in PERSON_AFTER:
        return True
    return after[:1] == [","] and len(after) > 1 and (after[1] in PERSON_AFTER or after[1].isdigit())


def _widen(doc: Doc, span: SpacySpan, used: set[int]) -> SpacySpan:
    """ "Jesus Esquivel" -> "Jaime Jesus Esquivel" when the model cut a name short."""
    start, end = span.start, span.end
    while start > 0 and _name_token(doc[start - 1]) and (start - 1) not in used and not doc[start - 1].ent_type_:
        start -= 1
    while end < len(doc) and _name_token(doc[end]) and end not in used and not doc[end].ent_type_:
        end += 1
    while start < end and doc[start].lower_ in NAME_PARTICLES:
        start += 1
    return doc[start:end]


def _name_token(token: Token) -> bool:
    if person_title(token) or token.lower_ in ORG_HINT_WORDS:
        return False
    return (token.pos_ == "PROPN" and token.text[:1].isupper() and token.is_alpha) or (
        token.lower_ in NAME_PARTICLES and token.text.islower()
    )


_OPEN_QUOTES = frozenset({"'", "‘", "“", '"'})
_CLOSE_QUOTES = frozenset({"'", "’", "”", '"'})


def _nicknamed_people(doc: Doc, taken: set[int]) -> list[Mention]:
    """ "Joaquín “El Chapo” Guzmán": the model cuts such names at the quotes. The whole name is one
    person, and the nickname on its own is a second mention of them."""
    out: list[Mention] = []
    for q in range(1, len(doc) - 3):
        if doc[q].text not in _OPEN_QUOTES or not _capitalised_name(doc[q - 1]) or q - 1 in taken:
            continue
        close = next((k for k in range(q + 2, min(q + 5, len(doc))) if doc[k].text in _CLOSE_QUOTES), None)
        if close is None or not all(_capitalised_name(t) for t in doc[q + 1 : close]):
            continue
        start, end = q - 1, close + 1
        while start > 0 and _capitalised_name(doc[start - 1]) and start - 1 not in taken:
            start -= 1
        while end < len(doc) and _capitalised_name(doc[end]) and end not in taken and end - close <= 3:
            end += 1
        if end == close + 1 or (out and start < out[-1].end):
            continue
        key = surface_key("Person", f"{doc[start:q].text} {doc[close + 1 : end].text}")
        out += [Mention(start, end, "Person", key), Mention(q + 1, close, "Person", key)]
    return out


def _after_nicknamed(doc: Doc, ent: SpacySpan, nicknamed: set[int]) -> SpacySpan | None:
    """The part of a model entity after a nicknamed name it overlaps ("Guzman and Ovidio" -> "Ovidio")."""
    start = ent.start
    while start < ent.end and (start in nicknamed or doc[start].is_punct or doc[start].pos_ == "CCONJ"):
        start += 1
    if start == ent.start:
        return ent
    end = start
    while end < ent.end and end not in nicknamed:
        end += 1
    return SpacySpan(doc, start, end, label=ent.label_) if end > start else None


def _capitalised_name(token: Token) -> bool:
    return token.is_alpha and token.text[:1].isupper() and token.lower_ not in ORG_HINT_WORDS


def _unlabelled_people(doc: Doc, used: set[int], headlines: set[int]) -> list[Mention]:
    """Runs of proper nouns the model left unlabelled, kept when the context says person."""
    out = []
    i = 0
    while i < len(doc):
        if i in used or i in headlines or doc[i].ent_type_ or not _name_token(doc[i]) or doc[i].text.islower():
            i += 1
            continue
        j = i
        while j < len(doc) and j not in used and not doc[j].ent_type_ and _name_token(doc[j]):
            j += 1
        while j > i and doc[j - 1].lower_ in NAME_PARTICLES:
            j -= 1
        span = doc[i:j]
        if resident_of(doc, span) and not not_an_entity(doc, span):
            out.append(Mention(i, j, "City", surface_key("City", span.text)))
        elif person_like(span) and _person_context(doc, span) and not not_an_entity(doc, span):
            out.append(Mention(i, j, "Person", surface_key("Person", span.text)))
        i = max(j, i + 1)
    return out


def _unlabelled_bodies(doc: Doc, used: set[int], headlines: set[int]) -> list[Mention]:
    """ "the National Anti-Gangs Squad", "the Tactical Response Team": a run of capitalised words the
    model left unlabelled (or took for a law or a facility), inside a sentence and ending in a body's
    head word, is a body's name."""
    out = []
    i = 0
    while i < len(doc):
        j = i
        while j < len(doc) and j not in used and j not in headlines and _unnamed(doc[j]) and _body_word(doc, j):
            j += 1
        span = doc[i:j]
        if (
            j - i >= 2
            and not doc[i].is_sent_start
            and doc[j - 1].lower_ in GOVERNMENT_WORDS
            and doc[j - 1].text[:1].isupper()
            and not not_an_entity(doc, span)
        ):
            out.append(Mention(i, j, "GovernmentBody", surface_key("GovernmentBody", span.text)))
        i = max(j, i + 1)
    return out


def _unnamed(token: Token) -> bool:
    return not token.ent_type_ or (token.ent_type_ in MISLABELLED_PEOPLE and token.ent_type_ != "NORP")


def _body_word(doc: Doc, i: int) -> bool:
    """A capitalised word of a name, or a hyphen between two ("Anti-Gangs")."""
    token = doc[i]
    if token.text == "-":
        return 0 < i < len(doc) - 1 and doc[i - 1].text[:1].isupper() and doc[i + 1].text[:1].isupper()
    return token.is_alpha and token.text[:1].isupper() and not token.is_stop


def surface_key(kind: str, text: str) -> str:
    return f"{kind}:{normalise_key(strip_the(text))}"


def strip_the(text: str) -> str:
    return re.sub(r"^(?:the|The|THE)\s+", "", text)


def weapon_mentions(doc: Doc, known: list[Mention]) -> list[Mention]:
    """`known` (the gazetteer's mentions) with the weapon types the text names by their form
    rather than a listed name: a calibre before a weapon noun (".223 caliber semi-automatic assault
    rifles", "12-gauge shotgun"), a model designation after a maker ("Taurus GC3", "FN M240") or
    before a weapon noun ("RF-15 semiautomatic rifle", "KSG shotguns"), or an unlisted family name
    before one ("Skorpion submachine guns"). A listed weapon inside a longer calibre phrase gives
    way to it."""
    makers_end = {m.end for m in known if m.type == "Gunmaker"}
    unnamed = set(range(len(doc))) - {i for m in known for i in range(m.start, m.end)} - headline_tokens(doc)
    found: list[Mention] = []
    i = 0
    while i < len(doc):
        end = _calibre_phrase(doc, i) or _model_designation(doc, i, makers_end) or _family_name(doc, i, unnamed)
        if end is None:
            i += 1
            continue
        last = doc[end - 1]
        singular = last.lemma_.lower() if last.lemma_.lower() in WEAPON_NOUNS else last.text
        name = doc[i : end - 1].text_with_ws + singular
        found.append(Mention(i, end, "WeaponType", surface_key("WeaponType", name)))
        i = end
    kept = []
    for m in known:
        inside = [f for f in found if f.start <= m.start and m.end <= f.end and (f.start, f.end) != (m.start, m.end)]
        over = [f for f in found if f.start < m.end and m.start < f.end]
        if m.type == "WeaponType" and inside:
            continue
        if over and not inside:
            found = [f for f in found if f not in over]
        kept.append(m)
    return sorted(kept + found, key=lambda m: (m.start, -m.end))


def _calibre_phrase(doc: Doc, i: int) -> int | None:
    """The end of ".50 caliber sniper rifles" or ".380 ACP" starting at token `i`, if it is one."""
    token = doc[i]
    if _NUMBER.match(token.text):
        j = i + 1 + (i + 1 < len(doc) and doc[i + 1].text == "-")
        if j < len(doc) and doc[j].lower_ in CARTRIDGE_WORDS and doc[j].text[:1].isupper():
            return _weapon_noun_end(doc, j + 1, 1) or j + 1  # "a Bersa 380 ACP", ".45 ACP pistols"
        if j >= len(doc) or doc[j].lower_ not in CALIBRE_WORDS:
            return None
        j += 1
    else:
        glued = _NUMBER_CALIBRE.match(token.lower_)
        if glued is None or glued.group(1) not in CALIBRE_WORDS:
            return None
        j = i + 1
    return _weapon_noun_end(doc, j, 4)


def _model_designation(doc: Doc, i: int, makers_end: set[int]) -> int | None:
    """The end of a model designation at token `i`: after a maker, or before a weapon noun."""
    text = doc[i].text
    if _MODEL_CODE.match(text) and i in makers_end:
        return i + 1
    if _MODEL_CODE.match(text) or _LETTER_CODE.match(text):
        return i + 1 if _weapon_noun_end(doc, i + 1, 2) else None
    return None


def _family_name(doc: Doc, i: int, unnamed: set[int]) -> int | None:
    """The end of a weapon family's name at token `i`: one proper noun no list knows, inside a
    sentence and outside headlines, right before a weapon noun that ends the phrase ("two Flobert
    guns were", "a Skorpion submachine gun and"); not a demonym ("Czech pistols") or a body's word,
    nor the first word of a longer name ("Crime Gun Intelligence Unit")."""
    token = doc[i]
    if (
        i not in unnamed
        or token.is_sent_start
        or token.pos_ != "PROPN"
        or not (token.is_alpha and token.text[:1].isupper() and not token.text.isupper())
        or token.lower_ in DEMONYMS
        or token.lower_ in ORG_HINT_WORDS
        or token.ent_type_ == "NORP"
    ):
        return None
    end = _weapon_noun_end(doc, i + 1, 2)
    after = doc[end] if end is not None and end < len(doc) else None
    if end is None or (after is not None and (after.text[:1].isupper() or after.pos_ in ("NOUN", "PROPN"))):
        return None
    return i + 1


def _weapon_noun_end(doc: Doc, j: int, reach: int) -> int | None:
    """The end of the weapon noun at most `reach` modifiers after token `j` ("semi-automatic assault
    rifles", "machine gun"), or None when something else comes first."""
    for k in range(j, min(j + reach + 1, len(doc))):
        token = doc[k]
        if token.lemma_.lower() in WEAPON_NOUNS and (token.pos_ in ("NOUN", "PROPN") or _plural_read_as_verb(doc, k)):
            nxt = doc[k + 1] if k + 1 < len(doc) else None
            return k + 2 if nxt is not None and nxt.lemma_.lower() in WEAPON_NOUNS else k + 1
        if token.pos_ not in ("ADJ", "NOUN") and token.text != "-":
            return None
    return None


def _plural_read_as_verb(doc: Doc, k: int) -> bool:
    """A plural after a model code ("KSG shotguns", "M4 rifles") the tagger read as the code's verb."""
    code = doc[k - 1].text if k > 0 else ""
    return doc[k].tag_ == "VBZ" and (code.isupper() or any(ch.isdigit() for ch in code))
