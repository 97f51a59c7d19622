"""Which reading of each gazetteer hit holds, from the words around it.

A name can be a state or a city (Chihuahua), a country or a state (Georgia), a
maker or a man (Colt), a city or a month (August). The gazetteer component reports
every reading; these rules keep the one the context supports, or none.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan

from kg.extract.gazetteer import SPAN_KEY, Entry, Gazetteer, fold
from kg.extract.mentions import Mention, person_of_place
from kg.extract.rules import (
    GENERIC_WORDS,
    GUN_WORDS,
    LOCATION_PREPOSITIONS,
    NON_ENTITY_HEADS,
    PERSON_TITLES,
    REGION_WORDS,
    SUB_UNIT_WORDS,
)
from kg.iris import entity_iri

TYPE_RANK = {"Country": 0, "Region": 1, "City": 2}
_WEAK_PLACE_TYPES = frozenset({"City"})
#: A city this big is meant by its bare name even when its state shares it (São Paulo, Rio de Janeiro).
BIG_CITY = 2_000_000
_INDEX_KEY = "ffkg_gazetteer_index"
#: Which names may sit inside which: places in bodies, makers in weapon models.
NESTING = {"GovernmentBody": frozenset(TYPE_RANK), "WeaponType": frozenset({"Gunmaker"})}
ORG_LABELS = frozenset({"ORG", "FAC", "WORK_OF_ART", "LAW", "EVENT"})
NUMERIC_LABELS = frozenset({"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"})


def gazetteer_mentions(doc: Doc, gazetteer: Gazetteer) -> list[Mention]:
    """Pick one reading per gazetteer hit, keep the longest non-overlapping hits.

    One sense per document: a name read with a cue somewhere ("Katy, Texas", "Florida
    and Georgia") keeps that reading where it stands without one.
    """
    by_span: dict[tuple[int, int], list[Entry]] = {}
    for span in doc.spans[SPAN_KEY]:
        by_span.setdefault((span.start, span.end), []).append(gazetteer.entries[span.kb_id_])
    ent_at = {i: ent for ent in doc.ents for i in range(ent.start, ent.end)}
    choices = {key: _choose(doc, *key, entries, ent_at) for key, entries in by_span.items()}
    first = _longest_first([Mention(s, e, c[0].type, c[0].id, c[0]) for (s, e), c in choices.items() if c[0]])
    senses = {_surface(doc, m.start, m.end): m.entry for m in first if choices[(m.start, m.end)][1]}
    chosen: list[Mention] = []
    for (start, end), (entry, cued) in choices.items():
        sense = senses.get(_surface(doc, start, end))
        if not cued and sense in by_span[(start, end)] and not _inside_person(ent_at, start, end):
            entry = sense
        if entry is not None:
            chosen.append(Mention(start, end, entry.type, entry.id, entry))
    chosen = _longest_first(chosen)
    makers = [m for m in chosen if m.type == "Gunmaker"]
    chosen = [m for m in chosen if not (m.entry and m.entry.generic) or _made_by(doc, m, makers)]
    chosen = _extend_districts(doc, chosen)
    return chosen + _names_inside(doc, chosen, gazetteer, senses)


def _surface(doc: Doc, start: int, end: int) -> str:
    return fold(doc[start:end].text).lower()


def _inside_person(ent_at: dict[int, SpacySpan], start: int, end: int) -> bool:
    person = ent_at.get(start)
    return person is not None and person.label_ == "PERSON" and end <= person.end and len(person) > end - start


def _names_inside(doc: Doc, chosen: list[Mention], gazetteer: Gazetteer, senses: dict[str, Entry]) -> list[Mention]:
    """Names inside names are mentions too: the place in "Mexico City police" or "U.S. Army",
    the maker in "Barrett M82"."""
    outer_at = {i: m for m in chosen if m.type in NESTING for i in range(m.start, m.end)}
    inner: dict[tuple[int, int], Entry] = {}
    for span in doc.spans[SPAN_KEY]:
        entry = gazetteer.entries[span.kb_id_]
        o = outer_at.get(span.start)
        inside = o is not None and span.end <= o.end and o.end - o.start > len(span) and entry.type in NESTING[o.type]
        if not inside or (entry.type == "City" and len(span) == 1):
            continue
        known = inner.get((span.start, span.end))
        sense = senses.get(_surface(doc, span.start, span.end))
        if known is None or (
            known is not sense and (entry is sense or TYPE_RANK.get(entry.type, 9) < TYPE_RANK.get(known.type, 9))
        ):
            inner[(span.start, span.end)] = entry
    return _longest_first([Mention(s, e, p.type, p.id, p) for (s, e), p in inner.items()])


def _choose(
    doc: Doc, start: int, end: int, entries: list[Entry], ent_at: dict[int, SpacySpan]
) -> tuple[Entry | None, bool]:
    """The reading of one hit and whether the context picked it (rather than a default)."""
    span = doc[start:end]
    person = ent_at.get(start)
    exact_person = person is not None and person.label_ == "PERSON" and (person.start, person.end) == (start, end)
    inside_person = _inside_person(ent_at, start, end)
    before_weapon = "WeaponType" in _hit_index(doc)[0].get(end, ())
    viable = []
    cued = False
    for entry in entries:
        if entry.type == "Gunmaker" and entry.ambiguous:
            if not before_weapon and (inside_person or _after_title(doc, start) or not _gun_context(doc, start, end)):
                continue
        elif entry.type in TYPE_RANK and inside_person:
            continue
        elif entry.type in _WEAK_PLACE_TYPES and end - start == 1:
            if span[0].lower_ in GENERIC_WORDS or not _place_cue(doc, span, ent_at):
                continue
            if exact_person and not _strong_place_cue(doc, span):
                continue
            cued = True
        viable.append(entry)
    if not viable:
        return None, False
    types = {e.type for e in viable}
    if len(types) > 1 and types <= set(TYPE_RANK):
        capital = any(e.type == "City" and (e.capital or e.population >= BIG_CITY) for e in viable)
        wanted, cued = _place_reading(doc, span, types, capital)
        viable = [e for e in viable if e.type == wanted] or viable
    else:
        cued = True
    return max(viable, key=lambda e: (-TYPE_RANK.get(e.type, -1), e.population, -len(e.id))), cued


def _strong_place_cue(doc: Doc, span: SpacySpan) -> bool:
    """ "Katy, Texas", ", of Katy" or "in Compton" (one word, owning nothing): cues that beat the
    model calling the name a person."""
    nxt = doc[span.end] if span.end < len(doc) else None
    if nxt is not None and nxt.text == "," and _is_place_name(doc, span.end + 1):
        return True
    if len(span) == 1 and span.start > 0 and doc[span.start - 1].lower_ in ("in", "near", "outside", "through"):
        return nxt is None or nxt.text not in ("'s", "’s")
    return span.start > 1 and doc[span.start - 1].lower_ == "of" and doc[span.start - 2].text == ","


def _place_reading(doc: Doc, span: SpacySpan, types: set[str], capital: bool) -> tuple[str, bool]:
    """State or city or country, from the words around the name.

    "Katy, Texas" names the city by its state, but a country's name before a comma and a place
    starts a list ("from Florida to Jamaica, Haiti and Trinidad"), not a city in that place.

    Returns the reading and whether a cue chose it. Without a cue a national capital
    is the city (its government acts there), and so is a very big city, else the widest
    reading wins.
    """
    after = [t.lower_ for t in doc[span.end : span.end + 4]]
    before = [t.lower_ for t in doc[max(span.start - 3, 0) : span.start]]
    dateline = span.start == 0 or "\n" in doc[span.start - 1].text
    if "City" in types and dateline and after[:1] and after[0] in ("–", "—", "-", ","):
        return "City", True
    if "Region" in types and (
        (after and after[0] in REGION_WORDS)
        or (before[-1:] == [","] and _place_ends_at(doc, span.start - 1, "City"))
        or (after[:1] in (["'s"], ["’s"]) and any(w in REGION_WORDS for w in after[1:]))
        or before[-2:] in (["state", "of"], ["province", "of"])
        or _listed_with_regions(doc, span)
    ):
        return "Region", True
    if "City" in types and (
        (after and after[0] == "city")
        or before[-2:] == ["city", "of"]
        or (after[:1] == [","] and "Country" not in types and _is_place_name(doc, span.end + 1))
    ):
        return "City", True
    if capital:
        return "City", False
    return min(types, key=lambda t: TYPE_RANK[t]), False


def _listed_with_regions(doc: Doc, span: SpacySpan) -> bool:
    """ "Florida and Georgia": next to a state with only "and", "or" or a comma between."""
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
        return (
            (nxt is not None and nxt.text in SUB_UNIT_WORDS)
            or any(o.start == span.start and _named_facility(o) for o in overlapping)
            or _person_of_place(doc, span, overlapping)
        )
    if nxt is not None and nxt.text == "," and _is_place_name(doc, span.end + 1):
        return True
    if prev is not None and (
        prev.lower_ in LOCATION_PREPOSITIONS
        or (prev.lower_ == "of" and span.start > 1 and doc[span.start - 2].text == ",")
    ):
        return True
    return nxt is not None and nxt.text in ("–", "—", "-") and (prev is None or "\n" in prev.text)


def _named_facility(name: SpacySpan) -> bool:
    """ "Brisbane Airport", "Chatswood Police Station": a facility is no entity, but the town that
    names it is mentioned, as a sub-unit's town is ("Police", a town in Poland, is a body word)."""
    last = name[-1]
    return last.text in SUB_UNIT_WORDS or last.lower_.rstrip("s") in NON_ENTITY_HEADS


def _person_of_place(doc: Doc, span: SpacySpan, overlapping: list[SpacySpan]) -> bool:
    """ "Tamika Rowe of Columbia" read as one ORG: a person's name, "of", and the place at its end."""
    return any(
        o.end == span.end
        and span.start - o.start >= 3
        and doc[span.start - 1].lower_ == "of"
        and person_of_place(doc, doc[o.start : span.start - 1], o)
        for o in overlapping
    )


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
    r"(?:[A-Z]\w*)(?: [A-Z]\w*)?"  # a full stop ends the name: "District of Ohio. Several ..."
    r"|(?:First|Second|Third|Fourth|Fifth|Sixth|Seventh|Eighth|Ninth|Tenth|Eleventh|D\.C\.|Federal) Circuit)"
)


def _extend_districts(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """ "U.S. Attorney's Office for the Southern District of Texas" is its own body."""
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
