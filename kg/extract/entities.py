"""Entity typing and resolution: spaCy's entities and the gazetteer hits become one typed
entity per real-world thing, with every mention and a stable IRI.

The small model mislabels much of this domain (makers as people, cities as people,
agencies as plain ORG), so a gazetteer hit beats a spaCy label, and context decides
between readings of one name (Chihuahua the state or the city, Colt the maker or a
man). Names nobody listed are typed by keywords. Within a document, surnames,
acronyms in parentheses and nicknames join their full name; across documents the
IRI (GeoNames, gazetteer id, or the normalised full name) does the joining.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from kg.extract.base import ResolvedMention
from kg.extract.context import doc_text
from kg.extract.gazetteer import SPAN_KEY, Entry, Gazetteer, fold
from kg.extract.lexicon import words
from kg.extract.mentions import (
    RESIDENT_NOUNS,
    Mention,
    model_mentions,
    person_title,
    strip_the,
    surface_key,
    weapon_mentions,
)
from kg.extract.multiclass import NONE
from kg.extract.readings import TYPE_RANK, gazetteer_mentions
from kg.extract.rules import (
    DEMONYMS,
    LOCAL_BODY_KINDS,
    NAME_PARTICLES,
    NON_ENTITY_HEADS,
    NON_ENTITY_STARTS,
    ORG_HINT_WORDS,
    REGION_WORDS,
    generic_body_kinds,
)
from kg.iris import entity_iri
from kg.records import DocumentInfo, EntityRecord, Span

_ACRONYM = re.compile(r"^[A-Z][A-Z0-9&.\-]{1,9}$")
#: "Latin American police", "Central American armies": a demonym of a region names no country's body.
_WIDER_THAN_A_COUNTRY = frozenset({"latin", "central", "south", "north", "ibero"})
#: Types of the bodies a text may also name in their own language or by a shorter form.
_BODY_TYPES = frozenset({"GovernmentBody", "Organization", "CriminalGroup"})
#: "(D-VT)", "(R-Tex.)": the party initials before a US legislator's state.
PARTY_INITIALS = words("entity_rules", "party_initials")
#: "the Sydney suburb of Dolls Point", "the provinces of Alicante and Valencia": the names after one of
#: these (and "of") are towns, or regions.
TOWN_NOUNS = words("entity_rules", "town_nouns")
DIVISION_NOUNS = words("entity_rules", "division_nouns")
#: "premises in Lane Cove": a name after one of these is a place, not a person.
PLACE_PREPOSITIONS = words("entity_rules", "place_prepositions")
_PLACE_TYPES = frozenset({"Country", "Region", "City"})


@dataclass
class Entity:
    """Mentions grouped into one thing, with its type and gazetteer entry, before it is a record."""

    key: str
    type: str
    entry: Entry | None
    mentions: list[Mention] = field(default_factory=list)


def resolve_entities(
    doc: Doc, info: DocumentInfo, gazetteer: Gazetteer
) -> tuple[list[EntityRecord], list[ResolvedMention]]:
    """Type every named mention of `doc` and group the mentions into entities.

    `doc` must come from the pipeline of `kg.extract.load_pipeline` run on `info.text`,
    so its character offsets are offsets into `info.text`.
    """
    return records(doc, retype(doc, rule_entities(doc, gazetteer)))


def retype(doc: Doc, entities: list[Entity]) -> list[Entity]:
    """Give each entity the type the trained type model (`kg.extract.type_model`) is sure of, and
    drop those it is sure the guidelines do not annotate."""
    from kg.extract.type_model import typer

    decide = typer()
    for entity in entities:
        entity.type = decide.type_of(doc, entity)
    return [entity for entity in entities if entity.type != NONE]


def rule_entities(doc: Doc, gazetteer: Gazetteer) -> list[Entity]:
    """The entities as the gazetteer, spaCy and the rules type them: what the type model corrects."""
    gaz = weapon_mentions(doc, gazetteer_mentions(doc, gazetteer))
    taken = {i for m in gaz for i in range(m.start, m.end)}
    places = {i for m in gaz if m.type in TYPE_RANK for i in range(m.start, m.end)}
    model = model_mentions(doc, taken, places)
    areas = {i for m in model if m.type == "Region" for i in range(m.start, m.end)}
    gaz = [m for m in gaz if not (m.type == "City" and m.start in areas)]
    mentions = sorted(gaz + model, key=lambda m: (m.start, -m.end))
    mentions = _foreign_bodies(doc, mentions)
    places = _place_hits(doc, gazetteer)
    mentions = _org_places(mentions, places)
    mentions = _place_phrases(doc, mentions, gazetteer)
    mentions = _body_phrases(doc, mentions, gazetteer)
    mentions = _towns_naming_bodies(doc, mentions, places)
    mentions = _party_states(doc, mentions, gazetteer)
    mentions = _committees(doc, mentions)
    mentions = _place_cartels(doc, mentions, gazetteer)
    mentions = _drop_excluded_acronyms(doc, mentions)
    mentions = _paren_acronyms(doc, mentions)
    return [e for e in _group(doc, mentions) if not _stray_name(doc, e)]


# --- phrases built on top of mentions ---------------------------------------------------


def _body_phrases(doc: Doc, mentions: list[Mention], gazetteer: Gazetteer) -> list[Mention]:
    """ "Mexico's foreign ministry", "the Mexican Attorney General", "Tucson police".

    A country (or its demonym) followed by a generic body word is that country's body,
    and followed by "government" the country itself; a city or state followed by
    "police" is its police force.
    """
    places = {m.start: m for m in mentions if m.type in TYPE_RANK}
    covered = {i for m in mentions if m.type not in TYPE_RANK for i in range(m.start, m.end)}
    extra: list[Mention] = []
    skip: set[int] = set()
    for i, token in enumerate(doc):
        place = places.get(i)
        code = place.entry.country if place and place.entry else DEMONYMS.get(token.lower_)
        if not code or i in covered or (i > 0 and not place and doc[i - 1].lower_ in _WIDER_THAN_A_COUNTRY):
            continue
        j = place.end if place else i + 1
        if j < len(doc) and doc[j].text in ("'s", "’s"):
            j += 1
        if j < len(doc) and doc[j].lower_ in ("federal", "national"):
            j += 1
        for kind, length in generic_body_kinds(doc, j):
            if place is not None and place.type != "Country":
                if kind in LOCAL_BODY_KINDS:
                    key = entity_iri("org", f"{place.key} {kind}")
                    extra.append(Mention(i, j + length, "GovernmentBody", key, None))
            elif kind == "government":
                target = place or _country_mention(gazetteer, code, i, j + length)
                if target:
                    extra.append(Mention(i, j + length, "Country", target.key, target.entry, proper=False))
                    skip.add(i)
            else:
                entry = gazetteer.by_kind.get((code, kind))
                key = entry.id if entry else entity_iri("org", f"{code} {kind}")
                extra.append(Mention(i, j + length, "GovernmentBody", key, entry))
            break
    inside = {i for e in extra if e.type == "GovernmentBody" for i in range(e.start, e.end)}
    kept = [
        m
        for m in mentions
        if m.start not in skip and (m.type in TYPE_RANK or not inside.issuperset(range(m.start, m.end)))
    ]
    return sorted(kept + extra, key=lambda m: (m.start, -m.end))


def _foreign_bodies(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """ "the Slovak National Crime Agency": a listed body of one country after another country's
    demonym is that country's own body of the same name, not the listed one."""
    out = []
    for m in mentions:
        code = DEMONYMS.get(doc[m.start - 1].lower_) if m.start > 0 else None
        listed = m.entry.country if m.entry is not None and m.type == "GovernmentBody" else ""
        if listed and code not in (None, listed):
            name = doc[m.start - 1 : m.end].text
            m = Mention(m.start - 1, m.end, "GovernmentBody", entity_iri("org", f"{code} {strip_the(name)}"))
        out.append(m)
    return out


def _place_cartels(doc: Doc, mentions: list[Mention], gazetteer: Gazetteer) -> list[Mention]:
    """ "the Sinaloa and Jalisco cartels", "the Los Lunas gang": places named as criminal groups."""
    places = {m.start: m for m in mentions if m.type in ("Region", "City")}
    out = []
    for m in mentions:
        j = m.end
        while m.start in places and j < len(doc) and (doc[j].lower_ in ("and", ",", "drug") or j in places):
            j = places[j].end if j in places else j + 1
        word = doc[j].lower_ if m.start in places and j < len(doc) else ""
        if word in ("cartel", "cartels") or (word == "gang" and j == m.end):
            name = f"{doc[m.start : m.end].text} {'Cartel' if word.startswith('cartel') else 'gang'}"
            entry = gazetteer.organisation(name)
            end = m.end + 1 if word == "gang" else m.end
            m = Mention(m.start, end, "CriminalGroup", entry.id if entry else entity_iri("org", name), entry)
        out.append(m)
    return out


def _org_places(mentions: list[Mention], places: dict[tuple[int, int], Entry]) -> list[Mention]:
    """ "controls Tijuana": a name the model calls ORG that the gazetteer only knows as a place
    is that place, even without the cue a bare city name otherwise needs; so is a name the rules
    found used as a place ("an Edinburg resident") that the gazetteer lists (`places`: `_place_hits`)."""
    out = []
    for m in mentions:
        entry = places.get((m.start, m.end)) if m.type in ("Organization", "City") and m.entry is None else None
        out.append(Mention(m.start, m.end, entry.type, entry.id, entry) if entry else m)
    return out


def _place_phrases(doc: Doc, mentions: list[Mention], gazetteer: Gazetteer) -> list[Mention]:
    """Names the syntax makes places, whatever the model or a bigger namesake says: those after
    "suburb of" or "provinces of", a name of several words before ", State" ("Derby Line, Vermont"),
    and a name the model calls a person right after "in" or "near" (or such a place and "and"), or
    after "a man from"."""
    out = list(mentions)
    for start, end, kind in _of_places(doc) + _appositive_towns(doc, mentions):
        inside = [m for m in out if start <= m.start and m.end <= end]
        if any(m.start < end and start < m.end for m in out if m not in inside) or any(
            m.entry is not None and m.type not in _PLACE_TYPES for m in inside
        ):
            continue
        hit = next((m for m in inside if (m.start, m.end) == (start, end) and m.type == kind), None)
        entry = hit.entry if hit else _listed_as(doc, gazetteer, start, end, kind)
        key = entry.id if entry else surface_key(kind, doc[start:end].text)
        out = [m for m in out if m not in inside] + [Mention(start, end, kind, key, entry, cued=True)]
    out = sorted(out, key=lambda m: (m.start, -m.end))
    for n, m in enumerate(out):
        before = out[n - 1] if n else None
        if m.type == "Person" and m.entry is None and m.start > 0 and not _possessed(doc, m.end):
            prev = doc[m.start - 1].lower_
            joined = prev == "and" and before is not None and before.end == m.start - 1 and before.type == "City"
            resident = prev == "from" and m.start > 1 and doc[m.start - 2].lower_ in RESIDENT_NOUNS
            if prev in PLACE_PREPOSITIONS or joined or resident:
                out[n] = Mention(m.start, m.end, "City", surface_key("City", doc[m.start : m.end].text), cued=True)
    return out


def _of_places(doc: Doc) -> list[tuple[int, int, str]]:
    """(start, end, type) of the names listed after a lower-case "suburb of", "provinces of"."""
    found = []
    for i in range(len(doc) - 2):
        noun = doc[i]
        kind = "City" if noun.text in TOWN_NOUNS else "Region" if noun.text in DIVISION_NOUNS else None
        if kind is None or doc[i + 1].lower_ != "of":
            continue
        j = i + 2
        while j < len(doc):
            end = _name_end(doc, j)
            if end == j:
                break
            found.append((j, end, kind))
            j = end + 1 if end < len(doc) and doc[end].text in (",", "and") else len(doc)
            j += j < len(doc) and doc[j].lower_ == "and"
    return found


def _appositive_towns(doc: Doc, mentions: list[Mention]) -> list[tuple[int, int, str]]:
    """ "in Derby Line, Vermont": a name of several proper nouns before a comma and a region or
    country is a town, even where part of it is a bigger town's name; not a name found as another
    type ("Robert Pitman, United States Attorney", "Texas, New Mexico, Arizona") unless it
    follows "in" or "near"."""
    found = []
    for m in mentions:
        end = m.start - 1 - (m.start > 0 and doc[m.start - 1].lower_ == "the")
        if m.type not in ("Region", "Country") or end < 2 or doc[end].text != ",":
            continue
        start = end
        while start > 1 and end - start < 4 and (_proper(doc[start - 1]) or _particle_inside(doc, start - 1)):
            start -= 1
        exact = [o for o in mentions if (o.start, o.end) == (start, end)]
        named = any(o.type != "City" for o in exact) and doc[start - 1].lower_ not in PLACE_PREPOSITIONS
        if end - start > 1 and _proper(doc[start]) and not (named or doc[start].is_sent_start or _proper(doc[m.end])):
            found.append((start, end, "City"))
    return found


def _name_end(doc: Doc, start: int) -> int:
    """The end of the proper name starting at `start` ("Hoek van Holland"), or `start` if none does."""
    end = start
    while end < len(doc) and (_proper(doc[end]) or (end > start and _particle_inside(doc, end))):
        end += 1
    return end


def _particle_inside(doc: Doc, i: int) -> bool:
    return doc[i].lower_ in NAME_PARTICLES and i + 1 < len(doc) and _proper(doc[i + 1])


def _proper(token: Token) -> bool:
    return token.is_alpha and token.text[:1].isupper() and token.lower_ not in ORG_HINT_WORDS and not token.is_stop


def _possessed(doc: Doc, end: int) -> bool:
    return end < len(doc) and doc[end].text in ("'s", "’s")


def _listed_as(doc: Doc, gazetteer: Gazetteer, start: int, end: int, kind: str) -> Entry | None:
    """The gazetteer's place of type `kind` named by exactly these tokens, if it lists one."""
    entries = [
        gazetteer.entries[span.kb_id_]
        for span in doc.spans[SPAN_KEY]
        if (span.start, span.end) == (start, end) and gazetteer.entries[span.kb_id_].type == kind
    ]
    return max(entries, key=lambda e: e.population, default=None)


def _place_hits(doc: Doc, gazetteer: Gazetteer) -> dict[tuple[int, int], Entry]:
    """The most populous place the gazetteer lists under each hit's tokens."""
    places: dict[tuple[int, int], Entry] = {}
    for span in doc.spans[SPAN_KEY]:
        entry = gazetteer.entries[span.kb_id_]
        known = places.get((span.start, span.end))
        if entry.type in TYPE_RANK and (known is None or entry.population > known.population):
            places[(span.start, span.end)] = entry
    return places


def _towns_naming_bodies(doc: Doc, mentions: list[Mention], places: dict[tuple[int, int], Entry]) -> list[Mention]:
    """ "Maidstone Crown Court", "Toronto Police Service": an unlisted body named after its town
    mentions the town, as a sub-unit or a facility named after one does. A word that is also a
    body word ("Federal", "National") is not read as a town, nor one before "State" or "County"."""
    starts = {m.start for m in mentions if m.type in TYPE_RANK}
    extra = []
    for m in mentions:
        if m.type != "GovernmentBody" or m.entry is not None or m.start in starts:
            continue
        start = m.start + (doc[m.start].lower_ == "the")
        towns = [(e.population, end, e) for (s, end), e in places.items() if s == start < end < m.end]
        if not towns:
            continue
        _, end, town = max(towns, key=lambda t: t[0])
        named = {t.lower_ for t in doc[start:end]}
        if town.type == "City" and doc[end].lower_ not in REGION_WORDS and not ORG_HINT_WORDS & named:
            extra.append(Mention(start, end, "City", town.id, town))
    return sorted(mentions + extra, key=lambda m: (m.start, -m.end))


def _party_states(doc: Doc, mentions: list[Mention], gazetteer: Gazetteer) -> list[Mention]:
    """ "Senator Patrick Leahy (D-VT)": a US legislator's party and state name the state, in the
    postal code (an abbreviation, "R-Tex.", is a gazetteer name already)."""
    covered = {i for m in mentions for i in range(m.start, m.end)}
    extra = []
    for i in range(1, len(doc) - 3):
        if doc[i - 1].text != "(" or doc[i].text not in PARTY_INITIALS or doc[i + 1].text not in ("-", "–"):
            continue
        code = doc[i + 2]
        entry = gazetteer.by_region_code.get(("US", code.text))
        if entry is not None and doc[i + 3].text == ")" and code.i not in covered:
            extra.append(Mention(code.i, code.i + 1, "Region", entry.id, entry))
    return sorted(mentions + extra, key=lambda m: (m.start, -m.end))


def _committees(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """ "Senate Banking Committee": a legislature followed by a committee name is one body, the committee.
    "CARICOM Crime Gun Intelligence Unit": a listed organisation followed by a body's name is one
    entity, the organisation's unit, typed like its parent (an intergovernmental unit is no government's
    body), and the parent named only inside it is no entity of its own."""
    out: list[Mention] = []
    for m in mentions:
        prev = out[-1] if out else None
        if prev is None or prev.end != m.start or prev.entry is None:
            out.append(m)
            continue
        name = doc[prev.start : m.end].text
        if {"senate", "congress"} & set(prev.entry.kinds) and doc[m.end - 1].lower_ in ("committee", "subcommittee"):
            out[-1] = Mention(prev.start, m.end, "GovernmentBody", entity_iri("org", strip_the(name)))
        elif prev.type == "Organization" and m.type == "GovernmentBody" and m.entry is None:
            out[-1] = Mention(prev.start, m.end, "Organization", entity_iri("org", strip_the(name)), cued=True)
        else:
            out.append(m)
    return out


def _paren_acronyms(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """ "the National Anti-Drug Secretariat (SENAD)": the acronym, there and wherever else it stands,
    names the body before it, even when nothing else found it."""
    covered = {i for m in mentions for i in range(m.start, m.end)}
    named: dict[str, Mention] = {}
    for m in mentions:
        k = m.end + 1
        if (
            m.type not in ("Person", "WeaponType")
            and k + 1 < len(doc)
            and doc[m.end].text == "("
            and doc[k + 1].text == ")"
            and _ACRONYM.match(doc[k].text)
            and k not in covered
        ):
            named.setdefault(doc[k].text, m)
    extra = [
        Mention(t.i, t.i + 1, named[t.text].type, named[t.text].key, named[t.text].entry)
        for t in doc
        if t.text in named and t.i not in covered
    ]
    return sorted(mentions + extra, key=lambda m: (m.start, -m.end))


def _stray_name(doc: Doc, entity: Entity) -> bool:
    """A lone capitalised word the model calls ORG, known nowhere ("Smith", "Cabela"), is more often
    a surname, a shop or a heading than an organisation; an acronym or a listed name is kept. A lone
    "name's" that owns nothing ("at Cabela's and", "Sportsman's Warehouse") is a shop, not a person,
    unless a title stands before it ("under President Trump's and ...")."""
    if entity.entry is not None or any(len(m.text.split()) > 1 for m in entity.mentions):
        return False
    if entity.type == "Organization":
        return not any(_ACRONYM.match(m.text) for m in entity.mentions)
    return entity.type == "Person" and all(
        _shop_possessive(doc, m.end) and not (m.start > 0 and person_title(doc[m.start - 1])) for m in entity.mentions
    )


def _shop_possessive(doc: Doc, end: int) -> bool:
    if end + 1 >= len(doc) or doc[end].text not in ("'s", "’s"):
        return False
    nxt = doc[end + 1]
    return nxt.text[:1].isupper() or nxt.is_punct or nxt.pos_ in ("ADP", "CCONJ")


def _country_mention(gazetteer: Gazetteer, code: str, start: int, end: int) -> Mention | None:
    for entry in gazetteer.entries.values():
        if entry.type == "Country" and entry.country == code:
            return Mention(start, end, "Country", entry.id, entry)
    return None


def _drop_excluded_acronyms(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """An acronym in parentheses after a law or a programme is not an entity either ("Arms Regulations
    (ITAR)", "Project Safe Neighborhoods (PSN)"), nor one that shortens lower-case words, a generic term
    ("transnational criminal organizations (TCOs)"), wherever it stands, in the singular or plural."""
    excluded = set()
    for i in range(1, len(doc) - 2):
        short = doc[i + 1].text.removesuffix("s")
        if doc[i].text != "(" or not doc[i + 2].text.startswith(")") or not _ACRONYM.match(short):
            continue
        if doc[i - 1].lower_.rstrip("s") in NON_ENTITY_HEADS or _generic_term(doc, i, short) or _programme(doc, i):
            excluded.add(short)
    return [m for m in mentions if m.entry is not None or doc[m.start : m.end].text.removesuffix("s") not in excluded]


def _generic_term(doc: Doc, paren: int, short: str) -> bool:
    """Whether the words before the parenthesis at `paren` are lower-case ones `short` is the initials of."""
    expansion = doc[max(paren - len(short), 0) : paren]
    return (
        len(expansion) == len(short)
        and all(t.is_alpha and t.is_lower for t in expansion)
        and "".join(t.text[0] for t in expansion) == short.lower()
    )


def _programme(doc: Doc, paren: int) -> bool:
    """Whether the capitalised name before the parenthesis at `paren` starts like a programme's."""
    start = paren
    while start > 0 and doc[start - 1].is_alpha and doc[start - 1].text[:1].isupper():
        start -= 1
    return start < paren and doc[start].lower_ in NON_ENTITY_STARTS


# --- grouping ---------------------------------------------------------------------------


def _group(doc: Doc, mentions: list[Mention]) -> list[Entity]:
    """Mentions with the same key are one entity; surnames, nicknames and acronyms join theirs."""
    for m in mentions:
        m.text = strip_the(doc[m.start : m.end].text)
    aliases = _alias_links(doc, mentions)
    people: dict[str, list[Mention]] = {}
    for m in mentions:
        if m.type == "Person" and len(m.text.split()) > 1:
            for piece in set(_name_pieces(fold(m.text).lower())):
                people.setdefault(piece, []).append(m)
    districts = _district_offices(mentions)
    entities: dict[str, Entity] = {}
    for m in mentions:
        key = aliases.get(m.text, m.key)
        if m.entry is not None and m.entry.id in districts:
            key, m.entry = districts[m.entry.id], None
        if m.type in ("Person", "City", "Organization") and len(m.text.split()) <= 2:
            full = _full_name(m, people)
            if full is not None:
                key, m.type, m.entry = full.key, "Person", None
        if key not in entities:
            entities[key] = Entity(key, m.type, m.entry)
        entities[key].mentions.append(m)
    return _join_short_names(_join_acronyms(list(entities.values())))


def _join_acronyms(entities: list[Entity]) -> list[Entity]:
    """ "NCA" after "the National Crime Agency", "NSWPF" after "NSW Police Force": an unlisted acronym
    made of the initials of a body's name in the same text is that body, even without the parentheses."""
    full: dict[str, Entity] = {}
    for entity in entities:
        if entity.type not in ("Person", "WeaponType"):
            for m in entity.mentions:
                full.setdefault(_initials(m.text), entity)
    kept = []
    for entity in entities:
        target = full.get(entity.mentions[0].text) if entity.entry is None else None
        if target is not None and target is not entity and all(_ACRONYM.match(m.text) for m in entity.mentions):
            target.mentions.extend(entity.mentions)
            target.mentions.sort(key=lambda m: m.start)
        else:
            kept.append(entity)
    return kept


def _join_short_names(entities: list[Entity]) -> list[Entity]:
    """ "Border Force" beside "the Australian Border Force", "Federal Police" beside "Brazil's Federal
    Police": an unlisted body named by the last words of one other body's name in the same text is
    that body (two owners, as "National Police" beside two countries' forces, leave it alone)."""
    kept = []
    for entity in entities:
        texts = {m.text for m in entity.mentions}
        if entity.type not in _BODY_TYPES or entity.entry is not None or any(len(t.split()) < 2 for t in texts):
            kept.append(entity)
            continue
        owners = [
            other
            for other in entities
            if other is not entity
            and other.type == entity.type
            and all(any(_tail_of(text, m.text) for m in other.mentions) for text in texts)
        ]
        if len(owners) == 1:
            owners[0].mentions.extend(entity.mentions)
            owners[0].mentions.sort(key=lambda m: m.start)
        else:
            kept.append(entity)
    return kept


def _tail_of(short: str, name: str) -> bool:
    return name.lower().endswith(" " + short.lower())


def _initials(name: str) -> str:
    """ "Australian Customs and Border Protection Service" -> "ACBPS"; a word in capitals counts whole."""
    words = [w for w in re.split(r"[\s\-]+", name) if w and w[0].isupper()]
    return "".join(w if w.isupper() else w[0] for w in words) if len(words) > 1 else ""


def _district_offices(mentions: list[Mention]) -> dict[str, str]:
    """Within a document "the U.S. Attorney" is the one district office it names, if only one."""
    prefixes = {entity_iri("org", m.entry.id) + "-": m.entry.id for m in mentions if m.entry and m.entry.district}
    found: dict[str, set[str]] = {}
    for m in mentions:
        for prefix, base in prefixes.items():
            if m.entry is None and m.key.startswith(prefix):
                found.setdefault(base, set()).add(m.key)
    return {base: keys.pop() for base, keys in found.items() if len(keys) == 1}


def _alias_links(doc: Doc, mentions: list[Mention]) -> dict[str, str]:
    """`X (ACR)` and `X, also known as "Nick"`: the second form names the first."""
    links: dict[str, str] = {}
    people: dict[str, list[Mention]] = {}
    for m in mentions:
        if m.type == "Person":
            people.setdefault(m.key, []).append(m)
    bodies = {(m.start, m.end): m for m in mentions if m.type in _BODY_TYPES}
    for m in mentions:
        if any(o.start <= m.start and m.end < o.end for o in people.get(m.key, ())):
            links.setdefault(m.text, m.key)
        tail = doc[m.end : m.end + 6]
        if len(tail) >= 3 and tail[0].text == "(" and tail[2].text == ")" and _ACRONYM.match(tail[1].text):
            links.setdefault(tail[1].text, m.key)
        if m.type in _BODY_TYPES and tail[:1].text == "(":
            # "the Slovak National Crime Agency (Národná kriminálna agentúra)": its own name in its language
            native = next((b for (s, e), b in bodies.items() if s == m.end + 1 and doc[e : e + 1].text == ")"), None)
            if native is not None and native.type == m.type:
                links.setdefault(native.text, m.key)
        text = tail.text
        nick = re.match(r"^,?\s*(?:also known as|a\.k\.a\.|aka|alias)\s+[\"“']([^\"”']+)[\"”']", text)
        if nick and m.type == "Person":
            links.setdefault(nick.group(1).strip(" .,"), m.key)
    return links


def _full_name(m: Mention, people: dict[str, list[Mention]]) -> Mention | None:
    """The full-name Person a shorter name belongs to: nearest one before, else after."""
    short = [p for p in fold(m.text).lower().split() if not re.fullmatch(r"[a-z]\.", p)]
    candidates = (
        [p for p in people.get(short[-1], []) if len(p.text) > len(m.text) and _name_part(short, fold(p.text).lower())]
        if short
        else []
    )
    if not candidates:
        return None
    before = [p for p in candidates if p.start < m.start]
    return before[-1] if before else candidates[0]


def _name_tokens(full: str) -> list[str]:
    """Tokens of a lower-cased full name without initials and "Jr."."""
    return [t for t in re.split(r"[\s,]+", full) if t and not re.fullmatch(r"[a-z]\.|jr\.?", t)]


def _name_pieces(full: str) -> list[str]:
    """The tokens of a name plus the parts of its hyphenated tokens ("Hernandez-Cordero")."""
    tokens = _name_tokens(full)
    return tokens + [p for t in tokens if "-" in t for p in t.split("-")]


def _name_part(short: list[str], full: str) -> bool:
    tokens = _name_tokens(full)
    if len(short) == 1:
        return short[0] in _name_pieces(full)[1:]
    n = len(short)
    return tokens[-n:] == short or (n == 2 and tokens[0] == short[0] and tokens[-1] == short[-1])


# --- records ----------------------------------------------------------------------------


def records(doc: Doc, entities: list[Entity]) -> tuple[list[EntityRecord], list[ResolvedMention]]:
    """One record per entity (label, IRI, mentions with offsets) and the mentions resolved to them."""
    records: list[EntityRecord] = []
    resolved: list[ResolvedMention] = []
    text = doc_text(doc)
    for entity in sorted(entities, key=lambda e: e.mentions[0].start):
        label = _label(entity)
        record = EntityRecord(
            id=_iri(entity, label),
            label=label,
            type=entity.type,
            mentions=[],
            attributes=_attributes(entity, label),
        )
        for m in entity.mentions:
            first, last = doc[m.start], doc[m.end - 1]
            start_char = first.idx
            if m.text != doc[m.start : m.end].text:
                start_char = last.idx + len(last) - len(m.text)
            end_char = last.idx + len(last)
            record.mentions.append(Span(start_char, end_char, text[start_char:end_char]))
            resolved.append(ResolvedMention(start_char, end_char, m.start, m.end, record.mentions[-1].text, record))
        records.append(record)
    resolved.sort(key=lambda r: (r.start_char, -r.end_char))
    return records, resolved


def _label(entity: Entity) -> str:
    """The fullest proper name the text uses; the gazetteer's name when the text only has
    one-word forms ("ATF", "Juarez", "Sinaloa" before "cartels") or descriptions."""
    texts = [m.text for m in entity.mentions if m.proper]
    entry = entity.entry
    if entry and (entry.type == "WeaponType" or not any(" " in t for t in texts)):
        return entry.label
    proper = [t for t in texts if not t.isupper()] or texts or [m.text for m in entity.mentions]
    return max(proper, key=lambda t: (len(t), t))


def _iri(entity: Entity, label: str) -> str:
    if entity.entry is not None:
        return entity.entry.iri
    if entity.key.startswith("http"):
        return entity.key
    kind = {"Person": "person", "City": "place", "Region": "place", "Country": "place", "WeaponType": "weapon"}.get(
        entity.type, "org"
    )
    return entity_iri(kind, label)


def _attributes(entity: Entity, label: str) -> dict:
    forms = sorted({m.text for m in entity.mentions} - {label})
    attributes: dict = {"aliases": forms} if forms else {}
    entry = entity.entry
    if entry is not None:
        attributes["gazetteer_id"] = entry.id
        if entry.geonames_id is not None:
            attributes["geonames_id"] = entry.geonames_id
        if entry.lat is not None:
            attributes["lat"], attributes["lon"] = entry.lat, entry.lon
        if entry.country:
            attributes["country"] = entry.country
    return attributes
