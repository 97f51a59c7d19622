"""Place names in a table -> the GeoNames IRIs the articles use, so "TEXAS" in a sheet is the Texas of the news.

A table has no sentence around a name, so the extractor's context rules cannot apply; the names
are looked up in the same gazetteer (`kg.extract.gazetteer`, read-only) by label and alias,
case-, accent- and spacing-insensitive. The mapping says which place types a table holds and
which country wins a tie: in the ATF profile "GEORGIA" is the US state, not the country.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from kg.iris import normalise_key
from kg.tables.spec import Places

if TYPE_CHECKING:
    from kg.extract.gazetteer import Entry


@dataclass(frozen=True)
class Place:
    """A resolved place: its IRI, the gazetteer's label and type."""

    iri: str
    label: str
    type: str


@cache
def _by_name() -> dict[str, tuple[Entry, ...]]:
    """Every place entry of the gazetteer under each of its names, normalised."""
    # Imported here: the gazetteer module brings spaCy along, which only an import of a table needs.
    from kg.extract.gazetteer import load_gazetteer

    found: dict[str, list[Entry]] = defaultdict(list)
    for entry in load_gazetteer().entries.values():
        if entry.type in ("Country", "Region", "City"):
            for name in entry.names():
                found[normalise_key(name)].append(entry)
    return {name: tuple(entries) for name, entries in found.items()}


class PlaceResolver:
    """Resolves a table's place names under one mapping's rules, each name once."""

    def __init__(self, rules: Places) -> None:
        self.rules = rules
        self.aliases = {normalise_key(k): v for k, v in rules.aliases.items()}
        self.cache: dict[str, Place | None] = {}

    def __call__(self, name: str) -> Place | None:
        """The place `name` means, or None when the gazetteer knows no place of an allowed type by it."""
        key = normalise_key(name)
        if key not in self.cache:
            self.cache[key] = self._resolve(normalise_key(self.aliases.get(key, name)))
        return self.cache[key]

    def _resolve(self, key: str) -> Place | None:
        allowed = self.rules.types
        entries = [e for e in _by_name().get(key, ()) if e.type in allowed]
        if not entries:
            return None
        best = min(
            entries,
            key=lambda e: (e.country != self.rules.country, allowed.index(e.type), -e.population, e.id),
        )
        return Place(best.iri, best.label, best.type)
