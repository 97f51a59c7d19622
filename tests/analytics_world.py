"""A tiny hand-built world for the analytics tests, stored exactly as ingest stores extractions.

    AR - SW - A - MXC - MX - US          d1: Smith & Wesson makes the M&P15; its guns were used in
              |          \\  /           the June 2020 attack in Mexico City (by CJNG, Juan Perez
    P  -  CJNG            F - AZ         is a member); Mexico City is in Mexico; guns flow US -> MX.
                                        d2: a reified flow US -> MX via Arizona, and US -> MX again.

By hand (undirected): the attack A is the most between node (24 of 36 pairs, normalised 2/3);
SW -> MX is SW <-weaponFrom- A -occurredIn-> MXC -locatedIn-> MX.
"""

from __future__ import annotations

from kg.iris import entity_iri, geonames_iri, local_iri
from kg.mapping import extraction_triples
from kg.records import DocumentInfo, EntityRecord, Extraction, RelationRecord, Span
from kg.store import Store

SW = entity_iri("org", "Smith & Wesson")
AR = entity_iri("weapon", "M&P15")
CJNG = entity_iri("org", "CJNG")
P = entity_iri("person", "Juan Perez")
MXC, MX, US, AZ = (geonames_iri(i) for i in (3530597, 3996063, 6252001, 5551752))
A = local_iri("d1", "event", "attack")
F = local_iri("d2", "flow", "us-mx")


def _relation(subject: str, predicate: str, obj: str, confidence: float, sentence: str, start: int) -> RelationRecord:
    return RelationRecord(subject, predicate, obj, confidence, Span(start, start + len(sentence), sentence))


def extractions() -> list[Extraction]:
    places = {
        MXC: ("Mexico City", "City", 19.43, -99.13),
        MX: ("Mexico", "Country", 23.0, -102.0),
        US: ("United States", "Country", 39.76, -98.5),
        AZ: ("Arizona", "Region", 34.5, -111.5),
    }

    def place(iri: str) -> EntityRecord:
        label, kind, lat, lon = places[iri]
        return EntityRecord(
            iri, label, kind, [], attributes={"lat": lat, "lon": lon, "geonames_id": iri.split("/")[-2]}
        )

    d1 = Extraction(
        DocumentInfo("d1", "Attack in Mexico City", "2020-07-01", "..."),
        [
            EntityRecord(SW, "Smith & Wesson", "Gunmaker", [Span(0, 14, "Smith & Wesson")]),
            EntityRecord(AR, "M&P15", "WeaponType"),
            EntityRecord(CJNG, "CJNG", "CriminalGroup"),
            EntityRecord(P, "Juan Perez", "Person"),
            EntityRecord(A, "Attack in Mexico City", "Attack", date="2020-06"),
            place(MXC),
            place(MX),
            place(US),
        ],
        [
            _relation(SW, "manufactures", AR, 0.9, "Smith & Wesson makes the M&P15.", 0),
            _relation(A, "weaponFrom", SW, 0.8, "The attackers used Smith & Wesson rifles.", 40),
            _relation(A, "occurredIn", MXC, 0.9, "The attack in Mexico City shocked the country.", 90),
            _relation(MXC, "locatedIn", MX, 0.95, "Mexico City, the capital of Mexico.", 140),
            _relation(A, "perpetrator", CJNG, 0.7, "CJNG carried out the attack.", 180),
            _relation(P, "affiliatedWith", CJNG, 0.6, "Juan Perez, a CJNG member.", 220),
            _relation(US, "firearmsFlow", MX, 0.85, "Guns flow from the United States to Mexico.", 260),
        ],
        "test/1",
    )
    d2 = Extraction(
        DocumentInfo("d2", "Arizona pipeline", "2021-03-15", "..."),
        [
            place(US),
            place(MX),
            place(AZ),
            EntityRecord(
                F,
                "Firearms flow",
                "FirearmsFlow",
                attributes={"method": "straw purchasing", "share": "70 percent", "period": "2019"},
            ),
        ],
        [
            _relation(F, "origin", US, 0.9, "Seventy percent of the guns, bought in the US,", 0),
            _relation(F, "destination", MX, 0.9, "end up in Mexico", 50),
            _relation(F, "via", AZ, 0.8, "after crossing Arizona.", 70),
            _relation(US, "firearmsFlow", MX, 0.9, "Straw purchasers move guns from the US to Mexico.", 100),
        ],
        "test/1",
    )
    return [d1, d2]


def build_world(store: Store) -> Store:
    """Write both documents into `store`, one named graph each, and return it."""
    for extraction in extractions():
        store.write_documents([extraction_triples(extraction)])
    return store
