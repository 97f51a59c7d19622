"""A country named in a list of places is the country, not a same-named town (issue 18: the second
"Jamaica" the flow map drew near New York was Jamaica, Queens, read from "Jamaica, Haiti")."""

from __future__ import annotations

import pytest

from kg.extract import extract, load_pipeline
from kg.iris import geonames_iri
from kg.records import DocumentInfo

JAMAICA = geonames_iri(3489940)
JAMAICA_QUEENS = geonames_iri(5122520)
KATY = geonames_iri(4702732)


def place_iris(text: str) -> set[str]:
    info = DocumentInfo("t", "", "2024-03-01", text)
    return {e.id for e in extract(info, load_pipeline()).entities if e.type in ("Country", "Region", "City")}


@pytest.mark.parametrize(
    "text",
    [
        "Rifles bought in Georgia were shipped by sea to Jamaica, Haiti and the Bahamas last spring.",
        "Customs officers in Jamaica, Barbados and Guyana seized pistols hidden in barrels.",
        "Officials from Jamaica said the pistols came from Florida.",
    ],
)
def test_jamaica_in_a_list_of_countries_is_the_country(text: str) -> None:
    found = place_iris(text)
    assert JAMAICA in found
    assert JAMAICA_QUEENS not in found


def test_a_town_named_by_its_state_is_still_the_town() -> None:
    assert KATY in place_iris("A dealer in Katy, Texas, sold the rifles to a straw buyer.")
