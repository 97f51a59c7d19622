"""Where a place is drawn on the flow map: a point for a city, an area for a country or a US state.

Cities carry their GeoNames point. Countries and states have no point of their own, so they are
drawn as the areas the bundled atlases give (world-atlas countries by ISO 3166 numeric code,
us-atlas states by name) and routes end at the area's centre. A place with neither (a region such
as "the Caribbean", a state outside the US) gets no geometry: the map lists it beside the drawing
instead of inventing a position.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

import pycountry

#: Gazetteer place types, and the one country whose first-level regions the bundled atlas draws.
COUNTRY, REGION = "Country", "Region"
ATLAS_STATES_OF = "US"


@cache
def _places() -> dict[str, Any]:
    """Gazetteer place entries by IRI."""
    # Imported here: the gazetteer module brings spaCy along, which only the map view needs.
    from kg.extract.gazetteer import load_gazetteer

    return {e.iri: e for e in load_gazetteer().entries.values() if e.geonames_id is not None}


def _iso_numeric(alpha2: str) -> str | None:
    country = pycountry.countries.get(alpha_2=alpha2)
    return country.numeric if country is not None else None


def geometry(iri: str, attrs: Mapping[str, Any]) -> dict[str, Any] | None:
    """How the map draws the place `iri`: an atlas area ({"layer", "id"|"name"}) for a country or a US
    state, else {"point": [lon, lat]}, else None."""
    entry = _places().get(iri)
    if entry is not None and entry.type == COUNTRY and entry.country:
        numeric = _iso_numeric(entry.country)
        if numeric:
            return {"layer": "countries", "id": numeric}
    if entry is not None and entry.type == REGION and entry.country == ATLAS_STATES_OF:
        return {"layer": "states", "name": entry.label}
    if attrs.get("lat") is not None and attrs.get("lon") is not None:
        return {"point": [float(attrs["lon"]), float(attrs["lat"])]}
    if entry is not None and entry.lat is not None and entry.lon is not None:
        return {"point": [entry.lon, entry.lat]}
    return None
