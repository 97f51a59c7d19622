"""The gazetteer data files: they load, ids are unique, and the names the product promises are there."""

from __future__ import annotations

from kg.extract import extract, load_pipeline
from kg.extract.gazetteer import DATA_DIR, PLACE_FILE, TYPED_FILES, load_gazetteer, read_records
from kg.records import DocumentInfo


def test_every_file_parses_and_every_id_is_unique() -> None:
    ids = []
    for name in [*TYPED_FILES, PLACE_FILE]:
        for record in read_records(DATA_DIR / name):
            assert record["label"] and isinstance(record.get("aliases", []), list)
            ids.append(record["id"] if ":" in record["id"] else f"{name}:{record['id']}")
    assert len(ids) == len(set(ids))


def test_the_makers_sued_by_mexico_and_forty_more_are_known() -> None:
    gazetteer = load_gazetteer()
    makers = [e for e in gazetteer.entries.values() if e.type == "Gunmaker"]
    assert len(makers) >= 40
    for name in (
        "Smith & Wesson",
        "Barrett",
        "Beretta USA",
        "Beretta Holding",
        "Century International Arms",
        "Colt's Manufacturing Company",
        "Glock Inc.",
        "Glock Ges.m.b.H.",
        "Sturm, Ruger & Co.",
        "Interstate Arms",
        "Sig Sauer",
        "Daniel Defense",
        "Springfield Armory",
        "KelTec",
        "Taurus Armas",
        "Bushmaster Firearms",
        "FN Herstal",
        "Heckler and Koch",
        "Palmetto State Armory",
        "Anderson Manufacturing",
        "Zastava",
        "Imbel",
    ):
        entry = gazetteer.organisation(name)
        assert entry is not None and entry.type == "Gunmaker", name


def test_places_carry_geonames_ids_and_coordinates() -> None:
    gazetteer = load_gazetteer()
    juarez = gazetteer.entries["geonames:4013708"]
    assert (juarez.type, juarez.label) == ("City", "Ciudad Juárez")
    assert juarez.lat and juarez.lon
    arizona = [e for e in gazetteer.entries.values() if e.type == "Region" and e.label == "Arizona"][0]
    assert "Ariz." in arizona.aliases and arizona.geonames_id
    countries = [e for e in gazetteer.entries.values() if e.type == "Country"]
    assert len(countries) > 190
    assert gazetteer.entries["region:caribbean"].type == "Region"


def test_agencies_and_groups_resolve_by_any_name() -> None:
    gazetteer = load_gazetteer()
    assert gazetteer.organisation("Justice Department") is gazetteer.organisation("Department of Justice")
    assert gazetteer.organisation("Cártel del Golfo").id == "org:gulf-cartel"
    assert gazetteer.organisation("Caribbean Community").type == "Organization"
    assert gazetteer.by_kind[("MX", "foreign ministry")].id == "org:sre"


def test_a_hyphenated_curated_name_also_matches_with_a_space() -> None:
    info = DocumentInfo("h", "", "2024-01-01", "Members of the Beltrán Leyva Organization bought Kel Tec pistols.")
    found = {e.label: e.type for e in extract(info, load_pipeline()).entities}
    assert found.get("Beltrán Leyva Organization") == "CriminalGroup"
    assert found.get("Kel Tec") == "Gunmaker"


def test_european_and_australian_police_and_eu_bodies_are_listed_by_kind() -> None:
    gazetteer = load_gazetteer()
    assert gazetteer.organisation("Spanish Civil Guard") is gazetteer.organisation("Guardia Civil")
    assert gazetteer.organisation("Arma dei Carabinieri").type == "GovernmentBody"
    assert gazetteer.organisation("New South Wales Police Force").type == "GovernmentBody"
    assert gazetteer.organisation("Eurojust").type == "Organization"
    assert gazetteer.organisation("Hells Angels").type == "CriminalGroup"
    assert gazetteer.by_kind[("NL", "national police")].label == "Dutch National Police"


def test_us_territories_are_regions_and_regions_carry_english_labels() -> None:
    gazetteer = load_gazetteer()
    places = {e.label: e for e in gazetteer.entries.values() if e.type in ("Country", "Region")}
    for territory in ("Puerto Rico", "Guam", "U.S. Virgin Islands"):
        assert places[territory].type == "Region"
        assert places[territory].country == "US"
    assert "Bayern" in places["Bavaria"].aliases
    assert places["Catalonia"].type == "Region"


def test_british_and_irish_counties_are_regions_even_where_a_town_abroad_shares_the_name() -> None:
    gazetteer = load_gazetteer()
    regions = {e.label: e for e in gazetteer.entries.values() if e.type == "Region"}
    for county in ("Kent", "Essex", "Norfolk", "Surrey", "Cornwall", "Fife", "Gwent"):
        assert regions[county].country == "GB", county
    assert "Co. Wicklow" in regions["County Wicklow"].aliases
    assert "Bristol" not in regions and "Durham" not in regions
    assert "Andalucía" not in regions["Andalusia"].aliases


def test_european_weapon_families_and_makers_are_listed() -> None:
    gazetteer = load_gazetteer()
    weapons = {e.label for e in gazetteer.entries.values() if e.type == "WeaponType"}
    assert {"VZ-58", "Skorpion", "Sten gun", "Flobert gun", "Tokarev pistol"} <= weapons
    for maker in ("Zoraki", "Atak Arms", "Ekol", "Baikal", "Sarsilmaz"):
        entry = gazetteer.organisation(maker)
        assert entry is not None and entry.type == "Gunmaker", maker
