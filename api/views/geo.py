"""Map positions for places the store has no coordinates for.

GeoNames gives cities a point, but countries and states come without one. To draw them on
the flows map anyway, a country (or a state) is put at the population-weighted centre of
the gazetteer's cities inside it, and the view says the position is approximate.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache

#: Gazetteer place types: cities carry the points, the others are placed from them.
CITY, COUNTRY, REGION = "City", "Country", "Region"


@cache
def anchors() -> dict[str, tuple[float, float]]:
    """(lat, lon) by place IRI for every country and state of the gazetteer that has cities with points."""
    # Imported here: the gazetteer module brings spaCy along, which only a map view needs.
    from kg.extract.gazetteer import load_gazetteer

    entries = load_gazetteer().entries.values()
    sums: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for entry in entries:
        if entry.type == CITY and entry.lat is not None and entry.lon is not None and entry.country:
            weight = float(max(entry.population, 1))
            for area in ((entry.country, ""), (entry.country, entry.admin1)):
                total = sums[area]
                total[0] += weight * entry.lat
                total[1] += weight * entry.lon
                total[2] += weight
    found = {}
    for entry in entries:
        if entry.geonames_id is None or entry.lat is not None:
            continue
        if entry.type == COUNTRY:
            area = (entry.country, "")
        elif entry.type == REGION and entry.admin1:
            area = (entry.country, entry.admin1)
        else:
            continue
        if area in sums:
            lat, lon, weight = sums[area]
            found[entry.iri] = (round(lat / weight, 4), round(lon / weight, 4))
    return found
