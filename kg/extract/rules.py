"""Word lists and keyword rules the entity layer types unknown names with.

Kept apart from `entities.py` so the vocabulary of the domain can be read (and
extended) in one place; every list is lower-case.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from spacy.tokens import Doc

# Word tables stay packed, many words a line: one word a line would triple this file.
# fmt: off
CRIMINAL_WORDS = frozenset({"cartel", "cartels", "cártel", "gang", "gangs", "mara", "posse", "mafia", "syndicate"})
GOVERNMENT_WORDS = frozenset(
    {
        "department", "ministry", "agency", "bureau", "police", "army", "navy", "military", "court",
        "attorney", "congress", "senate", "secretariat", "secretaría", "secretaria", "commission",
        "office", "administration", "service", "guard", "marshals", "sheriff", "patrol", "customs",
        "prosecutor", "prosecutors", "fiscalía", "fiscalia", "procuraduría", "procuraduria", "embassy",
        "consulate", "government", "legislature", "parliament", "assembly", "force", "corps", "marines",
        "constabulary", "directorate", "gendarmerie", "circuit", "forces", "command", "subcommittee",
        "policía", "policia", "polícia", "ministerio", "ministério", "ejército", "ejercito", "exército",
        "exercito", "guardia", "gobierno", "governo", "dirección", "direccion", "troopers", "unit", "cabinet"
    }
)
GUNMAKER_WORDS = frozenset({"arms", "firearms", "armory", "armoury", "munitions", "armaments"})
#: Words that, beside "Committee", make it a legislature's committee ("House Oversight Committee").
LEGISLATIVE_WORDS = frozenset(
    {"senate", "house", "congressional", "judiciary", "oversight", "appropriations", "legislative"}
)
#: Words in a sentence that make an "X Organization" a drug-trafficking organisation.
CRIME_CONTEXT_WORDS = frozenset(
    {"cartel", "cartels", "drug", "drugs", "trafficking", "criminal", "gang", "gangs", "narcotics"}
)
#: Verbs that, a few words before "at X" or "from X", make X a shop ("bought the rifles at Lone Wolf").
PURCHASE_LEMMAS = frozenset({"buy", "purchase", "sell", "acquire", "order"})
#: First words of "Los Cachiros", "Las Flores": a group's name, not a person's.
GROUP_ARTICLES = frozenset({"los", "las"})
#: Words that make an unlisted name a gun shop, pawn shop or show ("Miller Guns and Ammo", "Guns Unlimited"):
#: places of sale, not entities. Makers named "... Guns" are in the gazetteer.
STORE_WORDS = frozenset({"guns", "ammo", "pawn", "outfitters", "sporting", "gunsmith", "gunsmithing", "tactical"})
#: Words that make an "Arms" name a watchdog or campaign rather than a maker ("Arms Trade Monitoring Network").
NOT_A_MAKER_WORDS = frozenset(
    {
        "network", "trade", "control", "monitoring", "association", "coalition", "council", "institute",
        "foundation", "survey", "center", "centre", "campaign", "alliance", "project", "research", "society",
        "league", "committee", "treaty", "watch", "against", "reduction", "embargo", "office", "commission",
    }
)

#: Words in a sentence that make a maker's name mean the maker ("Colt rifles").
GUN_WORDS = frozenset(
    {
        "gun", "guns", "firearm", "firearms", "rifle", "rifles", "pistol", "pistols", "handgun",
        "handguns", "weapon", "weapons", "gunmaker", "gunmakers", "manufacturer", "manufacturers",
        "maker", "makers", "arms", "revolver", "revolvers", "shotgun", "shotguns", "ammunition"
    }
)
#: Words before a one-word city that show it is used as a place.
LOCATION_PREPOSITIONS = frozenset(
    {"in", "from", "to", "near", "at", "into", "outside", "across", "via", "toward", "towards", "through", "around"}
)
#: "Houston Division": a sub-unit named after its city is not an entity; the city is.
SUB_UNIT_WORDS = frozenset({"Division", "Field", "Sector", "Station", "Region", "Branch"})
SUB_UNIT_LOWER = frozenset(w.lower() for w in SUB_UNIT_WORDS)
#: "San Diego County": a place name plus one of these names a wider area (a Region).
AREA_WORDS = frozenset({"County", "Parish", "Province", "Municipality", "Valley", "Borough"})
REGION_WORDS = frozenset({"state", "province", "department", "region", "border", "northern", "southern", "western",
                          "eastern", "violent", "central"})
PERSON_TITLES = frozenset(
    {
        "judge", "chief", "special", "agent", "director", "president", "vice", "secretary", "ambassador",
        "sen", "senator", "rep", "representative", "gov", "governor", "mayor", "sgt", "sergeant",
        "officer", "dr", "mr", "mrs", "ms", "former", "prosecutor", "minister", "lt", "col", "gen",
        "capt", "det", "detective", "deputy", "assistant", "spokesman", "spokeswoman", "sheriff",
        "justice", "commissioner", "district", "magistrate", "then-president", "then", "leader", "boss",
        "kingpin", "co-defendant", "defendant", "charge",
        "general", "analyst", "expert", "researcher", "professor", "lawyer", "attorney", "investigator",
        "economist", "reporter", "journalist", "activist", "suspect", "trafficker", "smuggler", "superintendent",
        "inspector", "commander", "captain", "lieutenant", "colonel", "major", "corporal", "constable", "prime",
        "premier", "solicitor", "consul", "envoy", "congressman", "congresswoman", "marshal", "trooper",
        "administrator", "chairman", "chairwoman", "ceo", "founder", "sister", "father", "pastor", "rev"
    }
)
#: First words of names that are events or programmes, not entities ("Operation Fast and Furious").
NON_ENTITY_STARTS = frozenset({"operation", "project", "programme", "program", "plan"})
#: Last words (singular) of names that are laws, documents, facilities or headings, not entities.
NON_ENTITY_HEADS = frozenset(
    {
        "act", "law", "framework", "agreement", "treaty", "accord", "strategy", "initiative", "list",
        "form", "report", "plan", "program", "programme", "system", "database", "software", "port",
        "entry", "bridge", "airport", "river", "crossing", "highway", "fact", "found", "study",
        "dialogue", "anniversary", "summit", "conference", "meeting", "award", "prize", "day", "week",
        "war", "protocol", "convention", "resolution", "show", "store", "shop", "warehouse", "pawnshop",
        "outlet", "expo", "gunshop", "mall", "terminal", "licensee", "dealer"
    }
)
#: Lone words that name no particular body ("State" in "Secretary of State", "Division").
GENERIC_WORDS = GOVERNMENT_WORDS | SUB_UNIT_LOWER | {w.lower() for w in AREA_WORDS} | {
    "state", "states", "community", "group", "organization", "city", "district", "circuit"
}
#: Lower-case words inside personal names ("Romain le Cour", "Oscar de la Hoya").
NAME_PARTICLES = frozenset({"le", "la", "de", "del", "della", "di", "da", "dos", "van", "von", "der", "du", "y", "bin"})
#: Words that make a capitalised phrase an organisation rather than a person.
ORG_HINT_WORDS = GOVERNMENT_WORDS | CRIMINAL_WORDS | GUNMAKER_WORDS | frozenset(
    {
        "research", "institute", "university", "group", "center", "centre", "foundation", "company", "inc",
        "corp", "llc", "association", "council", "network", "party", "bank", "news", "times", "post", "journal",
        "community", "international", "society", "union", "club", "league", "committee", "alliance",
        "coalition", "fund", "trust", "partners", "holdings", "industries", "systems", "media", "press",
        "capital", "technologies", "services", "global", "church", "school", "college", "academy", "hospital",
        "museum", "watch", "federation", "organization", "organisation", "dialogue", "act", "charges",
        "guilty", "found", "national", "drug", "firearm", "engagement", "trafficking", "counter", "federal",
    }
) | SUB_UNIT_LOWER | {"unit", "task"}
#: Words shortly before a name that mark a person ("47-year-old", "his girlfriend, ...").
PERSON_BEFORE = frozenset(
    {
        "old", "girlfriend", "boyfriend", "wife", "husband", "brother", "sister", "son", "daughter", "father",
        "mother", "said", "says", "told", "named", "co-defendants", "defendants", "citizen", "resident",
        "expert", "analyst", "professor", "researcher",
    }
)
#: Words right after a name (or after its comma) that mark a person.
PERSON_AFTER = frozenset(
    {
        "a", "an", "who", "also", "said", "says", "told", "pleaded", "pled", "was", "is", "has", "had", "faces",
        "admitted", "added", "explained", "jr.", "jr",
    }
)
#: Demonyms that, before a body word, name the country's body ("the Mexican Attorney General").
DEMONYMS = {
    "mexican": "MX", "american": "US", "haitian": "HT", "dominican": "DO", "jamaican": "JM",
    "guatemalan": "GT", "honduran": "HN", "salvadoran": "SV", "salvadorean": "SV", "colombian": "CO",
    "canadian": "CA", "brazilian": "BR", "venezuelan": "VE", "cuban": "CU", "bahamian": "BS",
    "trinidadian": "TT", "guyanese": "GY", "nicaraguan": "NI", "panamanian": "PA", "ecuadorian": "EC",
    "peruvian": "PE", "chilean": "CL", "argentine": "AR", "argentinian": "AR", "british": "GB",
    "french": "FR", "german": "DE", "italian": "IT", "spanish": "ES", "austrian": "AT", "belgian": "BE",
    "russian": "RU", "chinese": "CN", "israeli": "IL", "turkish": "TR", "ukrainian": "UA", "czech": "CZ",
    "belizean": "BZ", "barbadian": "BB",
}
#: Generic body words a country or demonym can stand before; "government" names the country itself.
BODY_KINDS = (
    "attorney general's office", "attorney generals office", "attorney general", "foreign ministry",
    "ministry of foreign affairs", "foreign affairs ministry", "defense ministry", "defence ministry",
    "ministry of defense", "national guard", "national police", "supreme court", "prosecutor's office",
    "police department", "security ministry", "customs agency", "interior ministry", "ministry of interior",
    "army", "navy", "military", "police", "congress", "senate", "marines", "government",
    "county sheriff's office", "sheriff's office", "sheriff's department", "county sheriff's department",
    "state police", "state patrol", "highway patrol", "department of public safety", "state prosecutor's office",
)
# fmt: on
#: Body words a city, county or state (not a country) can stand before: its own force or office.
LOCAL_BODY_KINDS = frozenset(
    kind
    for kind in BODY_KINDS
    if kind.startswith(("police", "state ", "county", "sheriff", "highway", "department of"))
)
_KIND_TOKENS = sorted(((kind, kind.replace("'s", " 's").split()) for kind in BODY_KINDS), key=lambda kt: -len(kt[1]))


def classify_org(text: str) -> str | None:
    """The entity type keywords give an organisation-like name, or None when they say nothing."""
    words = [w.lower() for w in re.findall(r"[\w.]+", text)]
    if CRIMINAL_WORDS.intersection(words):
        return "CriminalGroup"
    if GOVERNMENT_WORDS.intersection(words):
        return "GovernmentBody"
    if "committee" in words and LEGISLATIVE_WORDS.intersection(words):
        return "GovernmentBody"
    if GUNMAKER_WORDS.intersection(words) and not NOT_A_MAKER_WORDS.intersection(words):
        return "Gunmaker"
    return None


def generic_body_kinds(doc: Doc, start: int) -> Iterator[tuple[str, int]]:
    """Body words starting at token `start`, longest first, with their token length."""
    words = [t.lower_.replace("’", "'") for t in doc[start : start + 5]]
    for kind, tokens in _KIND_TOKENS:
        if words[: len(tokens)] == tokens:
            yield kind, len(tokens)
