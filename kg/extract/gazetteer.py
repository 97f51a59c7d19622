"""Gazetteers of known names and the spaCy component that finds them in a Doc.

The names live in data files (`kg/data/gazetteer/*.jsonl`); this module only loads
them and matches them. Matching is case-insensitive on `LOWER` for names and
case-sensitive on `ORTH` for acronyms ("ICE" the agency, not "ice"); accents are
matched both ways by adding the folded spelling of every name. Every hit, even
overlapping ones, lands in `doc.spans["ffkg_gazetteer"]` with the entry type as label
and the entry id as `kb_id`; deciding which hit holds is `entities.py`'s job.
"""

from __future__ import annotations

import gzip
import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from kg.iris import entity_iri, geonames_iri, normalise_key

SPAN_KEY = "ffkg_gazetteer"
DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "gazetteer"
#: File name -> entity type, for the hand-curated files whose lines carry no type.
TYPED_FILES = {
    "gunmakers.jsonl": "Gunmaker",
    "criminal_groups.jsonl": "CriminalGroup",
    "government_bodies.jsonl": "GovernmentBody",
    "organizations.jsonl": "Organization",
    "weapons.jsonl": "WeaponType",
}
PLACE_FILE = "places.jsonl.gz"
#: The dot between two single-letter initials ("U.S.", "U.S.A."), which some texts write with a space.
_INITIALS = re.compile(r"(?<=\b[A-Z])\.(?=[A-Z]\.)")


@dataclass(frozen=True)
class Entry:
    """One known real-world thing with every name it goes by."""

    id: str
    type: str
    label: str
    aliases: tuple[str, ...] = ()
    acronyms: tuple[str, ...] = ()
    country: str = ""
    admin1: str = ""
    geonames_id: int | None = None
    lat: float | None = None
    lon: float | None = None
    population: int = 0
    ambiguous: bool = False
    generic: bool = False
    district: bool = False
    capital: bool = False
    kinds: tuple[str, ...] = ()

    @property
    def iri(self) -> str:
        """GeoNames for places that have an id, `id/<kind>/<key>` for everything else."""
        if self.geonames_id is not None:
            return geonames_iri(self.geonames_id)
        prefix, _, key = self.id.partition(":")
        if prefix in ("iso", "region"):
            return entity_iri("place", key)
        if self.type == "WeaponType":
            return entity_iri("weapon", self.label)
        return entity_iri("org", key)

    def names(self) -> tuple[str, ...]:
        return (self.label, *self.aliases)


@dataclass
class Gazetteer:
    """All entries by id, plus lookups: (country, body kind) -> body, (country, code) -> region
    ("US", "VT"), and organisation names."""

    entries: dict[str, Entry] = field(default_factory=dict)
    by_kind: dict[tuple[str, str], Entry] = field(default_factory=dict)
    by_region_code: dict[tuple[str, str], Entry] = field(default_factory=dict)
    by_org_name: dict[str, Entry] = field(default_factory=dict)

    def add(self, entry: Entry) -> None:
        self.entries[entry.id] = entry
        for kind in entry.kinds:
            self.by_kind.setdefault((entry.country, kind), entry)
        if entry.type == "Region" and entry.admin1:
            self.by_region_code.setdefault((entry.country, entry.admin1.rpartition("-")[2]), entry)
        if _PREFIX.get(entry.type) == "org":
            for name in entry.names():
                self.by_org_name.setdefault(normalise_key(name), entry)

    def organisation(self, name: str) -> Entry | None:
        """The organisation, agency, maker or group called `name` (any case, accents, punctuation)."""
        return self.by_org_name.get(normalise_key(name))


def _entry(raw: dict, kind: str | None) -> Entry:
    entry_type = raw.get("type") or kind
    if entry_type is None:
        raise ValueError(f"gazetteer entry {raw.get('id')!r} has no type")
    entry_id = raw["id"] if ":" in raw["id"] else f"{_PREFIX[entry_type]}:{raw['id']}"
    return Entry(
        id=entry_id,
        type=entry_type,
        label=raw["label"],
        aliases=tuple(raw.get("aliases", ())),
        acronyms=tuple(raw.get("acronyms", ())),
        country=raw.get("country", ""),
        admin1=raw.get("admin1", ""),
        geonames_id=raw.get("geonames_id"),
        lat=raw.get("lat"),
        lon=raw.get("lon"),
        population=raw.get("population", 0),
        ambiguous=raw.get("ambiguous", False),
        generic=raw.get("generic", False),
        district=raw.get("district", False),
        capital=raw.get("capital", False),
        kinds=tuple(raw.get("kinds", ())),
    )


_PREFIX = {
    "Gunmaker": "org",
    "CriminalGroup": "org",
    "GovernmentBody": "org",
    "Organization": "org",
    "WeaponType": "weapon",
}


@lru_cache(maxsize=4)
def load_gazetteer(data_dir: str | None = None) -> Gazetteer:
    """Read every gazetteer file once per process (the files are immutable package data)."""
    folder = Path(data_dir) if data_dir else DATA_DIR
    gazetteer = Gazetteer()
    for name in [*TYPED_FILES, PLACE_FILE]:
        for record in read_records(folder / name):
            gazetteer.add(_entry(record, TYPED_FILES.get(name)))
    return gazetteer


def read_records(path: Path) -> Iterator[dict]:
    """The JSON records of one gazetteer file; the large places file is gzip-compressed."""
    with gzip.open(path, "rt", encoding="utf-8") if path.suffix == ".gz" else path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


def fold(text: str) -> str:
    """Drop accents: "Juárez" -> "Juarez"."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _variants(name: str, plural: bool, curated: bool = False) -> set[str]:
    """Spellings the matcher should also accept: folded accents, curly apostrophes, plurals, initials
    written apart ("U. S. Attorney" for "U.S. Attorney"), and for the curated lists hyphens as spaces
    ("Beltrán-Leyva" is often written "Beltrán Leyva")."""
    out = {name, fold(name) or name}
    out |= {_INITIALS.sub(". ", v) for v in out if _INITIALS.search(v)}
    if curated and "-" in name and not any(ch.isdigit() for ch in name):
        out |= {v.replace("-", " ") for v in out}
    out |= {v.replace("'", "\u2019") for v in out if "'" in v}
    out |= {v.replace(" & ", " and ") for v in out if " & " in v}
    if plural:
        out |= {v + "s" for v in out if v[-1:].isalnum()}
    return out


class GazetteerMatcher:
    """Two PhraseMatchers built once per process; calling it returns every hit in a Doc."""

    def __init__(self, nlp: Language, gazetteer: Gazetteer):
        self.gazetteer = gazetteer
        self.lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.orth = PhraseMatcher(nlp.vocab, attr="ORTH")
        for entry in gazetteer.entries.values():
            plural = entry.type == "WeaponType"
            curated = entry.type in _PREFIX
            names = sorted({v for name in entry.names() for v in _variants(name, plural, curated)})
            self.lower.add(entry.id, list(nlp.tokenizer.pipe(names)))
            if entry.acronyms:
                acronyms = sorted({v for a in entry.acronyms for v in _variants(a, plural)})
                self.orth.add(entry.id, list(nlp.tokenizer.pipe(acronyms)))

    def __call__(self, doc: Doc) -> list[Span]:
        hits = {(s, e, m) for m, s, e in self.lower(doc)} | {(s, e, m) for m, s, e in self.orth(doc)}
        spans = []
        for start, end, match_id in sorted(hits):
            entry = self.gazetteer.entries[doc.vocab.strings[match_id]]
            span = Span(doc, start, end, label=entry.type, kb_id=entry.id)
            if _case_fits(span, entry):
                spans.append(span)
        return spans


def _case_fits(span: Span, entry: Entry) -> bool:
    """A proper name must be written with a capital somewhere: "turkey" is not Turkey."""
    if entry.type == "WeaponType":
        return True
    if any(ch.isupper() for ch in span.text):
        return True
    lowered = span.text.lower()
    return any(name.lower() == lowered and not any(ch.isupper() for ch in name) for name in entry.names())


@Language.factory("ffkg_gazetteer_v1", default_config={"data_dir": None})
def make_gazetteer(nlp: Language, name: str, data_dir: str | None) -> GazetteerComponent:
    return GazetteerComponent(GazetteerMatcher(nlp, load_gazetteer(data_dir)))


class GazetteerComponent:
    """Pipeline step: store every gazetteer hit of the Doc in `doc.spans["ffkg_gazetteer"]`."""

    def __init__(self, matcher: GazetteerMatcher):
        self.matcher = matcher

    @property
    def gazetteer(self) -> Gazetteer:
        return self.matcher.gazetteer

    def __call__(self, doc: Doc) -> Doc:
        doc.spans[SPAN_KEY] = self.matcher(doc)
        return doc
