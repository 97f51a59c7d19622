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

from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan

from kg.extract.base import ResolvedMention
from kg.extract.gazetteer import SPAN_KEY, Entry, Gazetteer, fold
from kg.extract.mentions import Mention, model_mentions, strip_the
from kg.extract.rules import (
    DEMONYMS,
    GUN_WORDS,
    LOCATION_PREPOSITIONS,
    NON_ENTITY_HEADS,
    PERSON_TITLES,
    REGION_WORDS,
    SUB_UNIT_WORDS,
    generic_body_kinds,
)
from kg.iris import entity_iri
from kg.records import DocumentInfo, EntityRecord, Span

TYPE_RANK = {"Country": 0, "Region": 1, "City": 2}
_WEAK_PLACE_TYPES = frozenset({"City"})
_INDEX_KEY = "ffkg_gazetteer_index"
#: Which names may sit inside which: places in bodies, makers in weapon models.
NESTING = {"GovernmentBody": frozenset(TYPE_RANK), "WeaponType": frozenset({"Gunmaker"})}
ORG_LABELS = frozenset({"ORG", "FAC", "WORK_OF_ART", "LAW", "EVENT"})
NUMERIC_LABELS = frozenset({"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"})
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9&.\-]{1,9}$")


@dataclass
class _Entity:
    key: str
    type: str
    entry: Entry | None
    mentions: list[Mention] = field(default_factory=list)


def resolve_entities(doc: Doc, info: DocumentInfo, gazetteer: Gazetteer) -> tuple[
    list[EntityRecord], list[ResolvedMention]
]:
    """Type every named mention of `doc` and group the mentions into entities.

    `doc` must come from the pipeline of `kg.extract.load_pipeline` run on `info.text`,
    so its character offsets are offsets into `info.text`.
    """
    gaz = _gazetteer_mentions(doc, gazetteer)
    taken = {i for m in gaz for i in range(m.start, m.end)}
    places = {i for m in gaz if m.type in TYPE_RANK for i in range(m.start, m.end)}
    model = model_mentions(doc, taken, places)
    areas = {i for m in model if m.type == "Region" for i in range(m.start, m.end)}
    gaz = [m for m in gaz if not (m.type == "City" and m.start in areas)]
    mentions = sorted(gaz + model, key=lambda m: (m.start, -m.end))
    mentions = _body_phrases(doc, mentions, gazetteer)
    mentions = _place_cartels(doc, mentions, gazetteer)
    mentions = _drop_excluded_acronyms(doc, mentions)
    entities = _group(doc, mentions)
    return _records(doc, entities)


# --- gazetteer hits ---------------------------------------------------------------------


def _gazetteer_mentions(doc: Doc, gazetteer: Gazetteer) -> list[Mention]:
    """Pick one reading per gazetteer hit, keep the longest non-overlapping hits."""
    by_span: dict[tuple[int, int], list[Entry]] = {}
    for span in doc.spans[SPAN_KEY]:
        by_span.setdefault((span.start, span.end), []).append(gazetteer.entries[span.kb_id_])
    ent_at = {i: ent for ent in doc.ents for i in range(ent.start, ent.end)}
    chosen: list[Mention] = []
    for (start, end), entries in by_span.items():
        entry = _choose(doc, start, end, entries, ent_at)
        if entry is not None:
            chosen.append(Mention(start, end, entry.type, entry.id, entry))
    chosen = _longest_first(chosen)
    makers = [m for m in chosen if m.type == "Gunmaker"]
    chosen = [m for m in chosen if not (m.entry and m.entry.generic) or _made_by(doc, m, makers)]
    chosen = _extend_districts(doc, chosen)
    return chosen + _names_inside(doc, chosen, gazetteer)


def _names_inside(doc: Doc, chosen: list[Mention], gazetteer: Gazetteer) -> list[Mention]:
    """Names inside names are mentions too: the place in "Mexico City police" or "U.S. Army",
    the maker in "Barrett M82"."""
    outer_at = {i: m for m in chosen if m.type in NESTING for i in range(m.start, m.end)}
    inner: dict[tuple[int, int], Entry] = {}
    for span in doc.spans[SPAN_KEY]:
        entry = gazetteer.entries[span.kb_id_]
        o = outer_at.get(span.start)
        inside = (
            o is not None and span.end <= o.end and o.end - o.start > len(span) and entry.type in NESTING[o.type]
        )
        if not inside or (entry.type == "City" and len(span) == 1):
            continue
        known = inner.get((span.start, span.end))
        if known is None or TYPE_RANK.get(entry.type, 9) < TYPE_RANK.get(known.type, 9):
            inner[(span.start, span.end)] = entry
    return _longest_first([Mention(s, e, p.type, p.id, p) for (s, e), p in inner.items()])


def _choose(doc: Doc, start: int, end: int, entries: list[Entry], ent_at: dict[int, SpacySpan]) -> Entry | None:
    span = doc[start:end]
    person = ent_at.get(start)
    person = person if person is not None and person.label_ == "PERSON" and end <= person.end else None
    inside_person = person is not None and len(person) > end - start
    exact_person = person is not None and (person.start, person.end) == (start, end)
    viable = []
    for entry in entries:
        if entry.type == "Gunmaker" and entry.ambiguous and not _gun_context(doc, start, end):
            continue
        if entry.type in TYPE_RANK and inside_person:
            continue
        if entry.type in ("Gunmaker",) and entry.ambiguous and (inside_person or _after_title(doc, start)):
            continue
        if entry.type in _WEAK_PLACE_TYPES and end - start == 1 and not _place_cue(doc, span, ent_at):
            continue
        if entry.type in _WEAK_PLACE_TYPES and exact_person and end - start == 1:
            continue
        viable.append(entry)
    if not viable:
        return None
    types = {e.type for e in viable}
    if len(types) > 1 and types <= set(TYPE_RANK):
        capital = any(e.type == "City" and e.capital for e in viable)
        wanted = _place_reading(doc, span, types, capital)
        viable = [e for e in viable if e.type == wanted] or viable
    return max(viable, key=lambda e: (-TYPE_RANK.get(e.type, -1), e.population, -len(e.id)))


def _place_reading(doc: Doc, span: SpacySpan, types: set[str], capital: bool) -> str:
    """State or city or country, from the words around the name.

    Without a cue: a national capital is the city (its government acts there), else
    the widest reading wins, and a name listed with states is a state.
    """
    after = [t.lower_ for t in doc[span.end : span.end + 4]]
    before = [t.lower_ for t in doc[max(span.start - 3, 0) : span.start]]
    dateline = span.start == 0 or "\n" in doc[span.start - 1].text
    if "City" in types and dateline and after[:1] and after[0] in ("–", "—", "-", ","):
        return "City"
    if "Region" in types and (
        (after and after[0] in REGION_WORDS)
        or (before[-1:] == [","] and _place_ends_at(doc, span.start - 1, "City"))
        or (after[:1] in (["'s"], ["’s"]) and any(w in REGION_WORDS for w in after[1:]))
        or before[-2:] in (["state", "of"], ["province", "of"])
    ):
        return "Region"
    if "City" in types and (
        (after and after[0] == "city")
        or before[-2:] == ["city", "of"]
        or (after[:1] == [","] and _is_place_name(doc, span.end + 1))
        or capital
    ):
        return "City"
    if "Region" in types and _listed_with_regions(doc, span):
        return "Region"
    return min(types, key=lambda t: TYPE_RANK[t])


def _listed_with_regions(doc: Doc, span: SpacySpan) -> bool:
    """"Florida and Georgia": next to a state with only "and", "or" or a comma between."""
    starts, ends = _hit_index(doc)
    links = ("and", "or", ",")
    before = span.start >= 2 and doc[span.start - 1].lower_ in links and "Region" in ends.get(span.start - 1, ())
    after = span.end + 1 < len(doc) and doc[span.end].lower_ in links and "Region" in starts.get(span.end + 1, ())
    return before or after


def _hit_index(doc: Doc) -> tuple[dict[int, set[str]], dict[int, set[str]]]:
    """Types of the gazetteer hits starting and ending at each token, built once per Doc."""
    index = doc.user_data.get(_INDEX_KEY)
    if index is None:
        starts: dict[int, set[str]] = {}
        ends: dict[int, set[str]] = {}
        for span in doc.spans[SPAN_KEY]:
            starts.setdefault(span.start, set()).add(span.label_)
            ends.setdefault(span.end, set()).add(span.label_)
        index = doc.user_data[_INDEX_KEY] = (starts, ends)
    return index


def _place_ends_at(doc: Doc, index: int, kind: str) -> bool:
    return kind in _hit_index(doc)[1].get(index, ())


def _is_place_name(doc: Doc, index: int) -> bool:
    return bool(_hit_index(doc)[0].get(index, set()) & {"Region", "Country"})


def _place_cue(doc: Doc, span: SpacySpan, ent_at: dict[int, SpacySpan]) -> bool:
    """A one-word city name only counts where the text treats it as a place."""
    overlapping = [ent_at[i] for i in range(span.start, span.end) if i in ent_at]
    if any(e.label_ in ("GPE", "LOC") and e.start == span.start for e in overlapping):
        return True
    if any(e.label_ in NUMERIC_LABELS for e in overlapping):
        return False
    prev = doc[span.start - 1] if span.start > 0 else None
    nxt = doc[span.end] if span.end < len(doc) else None
    if any(o.label_ in ORG_LABELS and len(o) > len(span) for o in overlapping):
        return nxt is not None and nxt.text in SUB_UNIT_WORDS
    if nxt is not None and nxt.text == "," and _is_place_name(doc, span.end + 1):
        return True
    if prev is not None and (
        prev.lower_ in LOCATION_PREPOSITIONS
        or (prev.lower_ == "of" and span.start > 1 and doc[span.start - 2].text == ",")
    ):
        return True
    return nxt is not None and nxt.text in ("–", "—", "-") and (prev is None or "\n" in prev.text)


def _gun_context(doc: Doc, start: int, end: int) -> bool:
    sent = doc[start].sent
    words = {t.lemma_.lower() for t in sent} | {t.lower_ for t in sent}
    if words & GUN_WORDS:
        return True
    starts = _hit_index(doc)[0]
    return sum(1 for i in range(sent.start, sent.end) if "Gunmaker" in starts.get(i, ())) > 1


def _after_title(doc: Doc, start: int) -> bool:
    return start > 0 and doc[start - 1].lower_.rstrip(".") in PERSON_TITLES


def _made_by(doc: Doc, weapon: Mention, makers: list[Mention]) -> bool:
    """A generic weapon ("rifles") is only a WeaponType when a maker is written before it."""
    index = weapon.start - 1
    ends = {m.end - 1: m for m in makers}
    while index >= 0 and weapon.start - index <= 8:
        if index in ends:
            return True
        token = doc[index]
        if token.lower_ not in ("and", "or", ",", "&") and token.pos_ not in ("ADJ", "NUM"):
            return False
        index -= 1
    return False


def _longest_first(mentions: list[Mention]) -> list[Mention]:
    kept: list[Mention] = []
    used: set[int] = set()
    for m in sorted(mentions, key=lambda m: (-(m.end - m.start), m.start)):
        if not used.intersection(range(m.start, m.end)):
            kept.append(m)
            used.update(range(m.start, m.end))
    return sorted(kept, key=lambda m: m.start)


_DISTRICT = re.compile(
    r"^(?:for|in) the ((?:(?:Southern|Northern|Eastern|Western|Middle|Central) )?District of "
    r"(?:[A-Z][\w.]*)(?: [A-Z][\w.]*)?)"
)


def _extend_districts(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """"U.S. Attorney's Office for the Southern District of Texas" is its own body."""
    out = []
    for m in mentions:
        after = doc[m.end - 1].idx + len(doc[m.end - 1])
        match = _DISTRICT.match(doc[m.end : m.end + 12].text_with_ws) if m.entry and m.entry.district else None
        if m.entry and match and doc[m.end - 1].whitespace_:
            end_char = after + 1 + match.end()
            span = doc.char_span(doc[m.start].idx, end_char, alignment_mode="expand")
            if span is not None:
                key = entity_iri("org", f"{m.entry.id} {match.group(1)}")
                out.append(Mention(span.start, span.end, m.type, key, None))
                continue
        out.append(m)
    return out


# --- phrases built on top of mentions ---------------------------------------------------


def _body_phrases(doc: Doc, mentions: list[Mention], gazetteer: Gazetteer) -> list[Mention]:
    """"Mexico's foreign ministry", "the Mexican Attorney General", "Tucson police".

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
        if not code or i in covered:
            continue
        j = place.end if place else i + 1
        if j < len(doc) and doc[j].text in ("'s", "’s"):
            j += 1
        if j < len(doc) and doc[j].lower_ in ("federal", "national"):
            j += 1
        for kind, length in generic_body_kinds(doc, j):
            if place is not None and place.type != "Country":
                if kind.startswith("police"):
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
    kept = [m for m in mentions if m.start not in skip]
    return sorted(kept + extra, key=lambda m: (m.start, -m.end))


def _place_cartels(doc: Doc, mentions: list[Mention], gazetteer: Gazetteer) -> list[Mention]:
    """"the Sinaloa and Jalisco cartels": places before "cartel(s)" name criminal groups."""
    places = {m.start: m for m in mentions if m.type in ("Region", "City")}
    out = []
    for m in mentions:
        j = m.end
        while m.start in places and j < len(doc) and (doc[j].lower_ in ("and", ",", "drug") or j in places):
            j = places[j].end if j in places else j + 1
        if m.start in places and j < len(doc) and doc[j].lower_ in ("cartel", "cartels"):
            name = f"{doc[m.start : m.end].text} Cartel"
            entry = gazetteer.organisation(name)
            m = Mention(m.start, m.end, "CriminalGroup", entry.id if entry else entity_iri("org", name), entry)
        out.append(m)
    return out


def _country_mention(gazetteer: Gazetteer, code: str, start: int, end: int) -> Mention | None:
    for entry in gazetteer.entries.values():
        if entry.type == "Country" and entry.country == code:
            return Mention(start, end, "Country", entry.id, entry)
    return None


def _drop_excluded_acronyms(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """An acronym in parentheses after a law or programme is not an entity either."""
    excluded = {
        doc[i + 1].text
        for i in range(1, len(doc) - 2)
        if doc[i].text == "(" and doc[i + 2].text.startswith(")") and _ACRONYM.match(doc[i + 1].text)
        and doc[i - 1].lower_.rstrip("s") in NON_ENTITY_HEADS
    }
    return [m for m in mentions if m.entry is not None or doc[m.start : m.end].text not in excluded]


# --- grouping ---------------------------------------------------------------------------


def _group(doc: Doc, mentions: list[Mention]) -> list[_Entity]:
    """Mentions with the same key are one entity; surnames, nicknames and acronyms join theirs."""
    for m in mentions:
        m.text = strip_the(doc[m.start : m.end].text)
    aliases = _alias_links(doc, mentions)
    people: dict[str, list[Mention]] = {}
    for m in mentions:
        if m.type == "Person" and len(m.text.split()) > 1:
            for piece in set(_name_pieces(fold(m.text).lower())):
                people.setdefault(piece, []).append(m)
    entities: dict[str, _Entity] = {}
    for m in mentions:
        key = aliases.get(m.text, m.key)
        if m.type in ("Person", "City", "Organization") and len(m.text.split()) <= 2:
            full = _full_name(m, people)
            if full is not None:
                key, m.type, m.entry = full.key, "Person", None
        if key not in entities:
            entities[key] = _Entity(key, m.type, m.entry)
        entities[key].mentions.append(m)
    return list(entities.values())


def _alias_links(doc: Doc, mentions: list[Mention]) -> dict[str, str]:
    """`X (ACR)` and `X, also known as "Nick"`: the second form names the first."""
    links: dict[str, str] = {}
    for m in mentions:
        tail = doc[m.end : m.end + 6]
        if len(tail) >= 3 and tail[0].text == "(" and tail[2].text == ")" and _ACRONYM.match(tail[1].text):
            links.setdefault(tail[1].text, m.key)
        text = tail.text
        nick = re.match(r"^,?\s*(?:also known as|a\.k\.a\.|aka|alias)\s+[\"“']([^\"”']+)[\"”']", text)
        if nick and m.type == "Person":
            links.setdefault(nick.group(1).strip(" .,"), m.key)
    return links


def _full_name(m: Mention, people: dict[str, list[Mention]]) -> Mention | None:
    """The full-name Person a shorter name belongs to: nearest one before, else after."""
    short = [p for p in fold(m.text).lower().split() if not re.fullmatch(r"[a-z]\.", p)]
    candidates = [
        p for p in people.get(short[-1], []) if len(p.text) > len(m.text) and _name_part(short, fold(p.text).lower())
    ] if short else []
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


def _records(doc: Doc, entities: list[_Entity]) -> tuple[list[EntityRecord], list[ResolvedMention]]:
    records: list[EntityRecord] = []
    resolved: list[ResolvedMention] = []
    text = doc.text
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


def _label(entity: _Entity) -> str:
    """The fullest proper name the text uses; the gazetteer's name when the text only has
    one-word forms ("ATF", "Juarez", "Sinaloa" before "cartels") or descriptions."""
    texts = [m.text for m in entity.mentions if m.proper]
    entry = entity.entry
    if entry and (entry.type == "WeaponType" or not any(" " in t for t in texts)):
        return entry.label
    proper = [t for t in texts if not t.isupper()] or texts or [m.text for m in entity.mentions]
    return max(proper, key=lambda t: (len(t), t))


def _iri(entity: _Entity, label: str) -> str:
    if entity.entry is not None:
        return entity.entry.iri
    if entity.key.startswith("http"):
        return entity.key
    kind = {"Person": "person", "City": "place", "Region": "place", "Country": "place"}.get(entity.type, "org")
    return entity_iri(kind, label)


def _attributes(entity: _Entity, label: str) -> dict:
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
