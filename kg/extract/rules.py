"""Word lists and keyword rules the entity layer types unknown names with.

The vocabulary itself is data (`kg/data/lexicon/entity_rules.json`, read once); this module
names the lists and holds the keyword rules that read them. Every list is lower-case except
the capitalised unit and area words.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from spacy.tokens import Doc

from kg.extract.lexicon import lexicon, words

_LEXICON = "entity_rules"

CRIMINAL_WORDS = words(_LEXICON, "criminal_words")
GOVERNMENT_WORDS = words(_LEXICON, "government_words")
GUNMAKER_WORDS = words(_LEXICON, "gunmaker_words")
#: Words that, beside "Committee", make it a legislature's committee ("House Oversight Committee").
LEGISLATIVE_WORDS = words(_LEXICON, "legislative_words")
#: Words in an apposition that describe a criminal group ("Los Salazar, a trafficking group ...").
GROUP_DESCRIPTION_WORDS = words(_LEXICON, "group_description_words")
#: Words in a sentence that make an "X Organization" a drug-trafficking organisation.
CRIME_CONTEXT_WORDS = words(_LEXICON, "crime_context_words")
#: Verbs that, a few words before "at X" or "from X", make X a shop ("bought the rifles at Lone Wolf").
PURCHASE_LEMMAS = words(_LEXICON, "purchase_lemmas")
#: First words of "Los Cachiros", "Las Flores": a group's name, not a person's.
GROUP_ARTICLES = words(_LEXICON, "group_articles")
#: Words that make an unlisted name a gun shop, pawn shop or show ("Miller Guns and Ammo", "Guns Unlimited"):
#: places of sale, not entities. Makers named "... Guns" are in the gazetteer.
STORE_WORDS = words(_LEXICON, "store_words")
#: Words that make an "Arms" name a watchdog or campaign rather than a maker ("Arms Trade Monitoring Network").
NOT_A_MAKER_WORDS = words(_LEXICON, "not_a_maker_words")

#: Words in a sentence that make a maker's name mean the maker ("Colt rifles").
GUN_WORDS = words(_LEXICON, "gun_words")
#: Words before a one-word city that show it is used as a place.
LOCATION_PREPOSITIONS = words(_LEXICON, "location_prepositions")
#: "Houston Division": a sub-unit named after its city is not an entity; the city is.
SUB_UNIT_WORDS = words(_LEXICON, "sub_unit_words")
SUB_UNIT_LOWER = frozenset(w.lower() for w in SUB_UNIT_WORDS)
#: "San Diego County": a place name plus one of these names a wider area (a Region).
AREA_WORDS = words(_LEXICON, "area_words")
REGION_WORDS = words(_LEXICON, "region_words")
PERSON_TITLES = words(_LEXICON, "person_titles")
#: First words of names that are events or programmes, not entities ("Operation Fast and Furious").
NON_ENTITY_STARTS = words(_LEXICON, "non_entity_starts")
#: Last words (singular) of names that are laws, documents, facilities or headings, not entities.
NON_ENTITY_HEADS = words(_LEXICON, "non_entity_heads")
#: Lone words that name no particular body ("State" in "Secretary of State", "Division").
GENERIC_WORDS = GOVERNMENT_WORDS | SUB_UNIT_LOWER | {w.lower() for w in AREA_WORDS} | words(_LEXICON, "generic_words")
#: Lower-case words inside personal names ("Romain le Cour", "Oscar de la Hoya").
NAME_PARTICLES = words(_LEXICON, "name_particles")
#: Words that make a capitalised phrase an organisation rather than a person.
ORG_HINT_WORDS = (
    GOVERNMENT_WORDS | CRIMINAL_WORDS | GUNMAKER_WORDS | SUB_UNIT_LOWER | words(_LEXICON, "organisation_hints")
)
#: Words shortly before a name that mark a person ("47-year-old", "his girlfriend, ...").
PERSON_BEFORE = words(_LEXICON, "person_before")
#: Words right after a name (or after its comma) that mark a person.
PERSON_AFTER = words(_LEXICON, "person_after")
#: Demonyms that, before a body word, name the country's body ("the Mexican Attorney General").
DEMONYMS: dict[str, str] = lexicon(_LEXICON)["demonyms"]
#: Generic body words a country or demonym can stand before; "government" names the country itself.
BODY_KINDS: tuple[str, ...] = tuple(lexicon(_LEXICON)["body_kinds"])
#: Body words a city, county or state (not a country) can stand before: its own force or office.
LOCAL_BODY_KINDS = frozenset(
    kind
    for kind in BODY_KINDS
    if kind.startswith(("police", "state ", "county", "sheriff", "highway", "department of"))
)
_KIND_TOKENS = sorted(((kind, kind.replace("'s", " 's").split()) for kind in BODY_KINDS), key=lambda kt: -len(kt[1]))


def classify_org(text: str) -> str | None:
    """The entity type keywords give an organisation-like name, or None when they say nothing."""
    tokens = [w.lower() for w in re.findall(r"[\w.]+", text)]
    # "National Anti-Gangs Squad", "Anti-Mafia Directorate": a body against the group, not the group.
    if any(w in CRIMINAL_WORDS and tokens[i - 1 : i] != ["anti"] for i, w in enumerate(tokens)):
        return "CriminalGroup"
    if GOVERNMENT_WORDS.intersection(tokens):
        return "GovernmentBody"
    if "committee" in tokens and LEGISLATIVE_WORDS.intersection(tokens):
        return "GovernmentBody"
    if GUNMAKER_WORDS.intersection(tokens) and not NOT_A_MAKER_WORDS.intersection(tokens):
        return "Gunmaker"
    return None


def generic_body_kinds(doc: Doc, start: int) -> Iterator[tuple[str, int]]:
    """Body words starting at token `start`, longest first, with their token length."""
    lowered = [t.lower_.replace("’", "'") for t in doc[start : start + 5]]
    for kind, tokens in _KIND_TOKENS:
        if lowered[: len(tokens)] == tokens:
            yield kind, len(tokens)
