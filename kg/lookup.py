"""Find entities and documents by what people call them, and gather what the graph says about them.

Researchers name things by IRI, by key (`org/smith-wesson`) or by a label or alias ("S&W");
`resolve_entity` turns any of these into the one IRI meant, or says which ones were meant
(409) or what is close (404). The cards are plain dicts that the REST API, the analytics and
the views all render. Names and search text reach the engine as bound values
(`substitutions`), never pasted into query text.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import pyoxigraph as ox
from rapidfuzz import fuzz, process, utils

from kg.curation.resolver import OWL_SAME_AS, resolution
from kg.errors import AmbiguousNameError, BadInputError, NotFoundError
from kg.iris import ONTOLOGY, document_iri, fact_iri, key_of, normalise_key
from kg.ontology import node_classes, superclasses
from kg.revision_cache import RevisionCache
from kg.store import BaseStore

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
PREFIXES = f"""PREFIX ffkg: <{ONTOLOGY}>
PREFIX rdf: <{RDF}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""
#: Edges that are bookkeeping rather than facts about the world.
_NOT_RELATIONS = (RDF + "type", ONTOLOGY + "mentionedIn", ONTOLOGY + "refersTo", ONTOLOGY + "document", OWL_SAME_AS)
CLOSE_MATCHES = 5
#: Least similarity (rapidfuzz ratio, 0-100) of a name offered as a close match.
CLOSE_MATCH_SCORE = 60
_indexes = RevisionCache(limit=1)


def _value(term: Any) -> Any:
    if term is None:
        return None
    if isinstance(term, ox.Literal) and term.datatype.value.endswith(("#integer", "#decimal", "#double")):
        return float(term.value) if "." in term.value or "e" in term.value.lower() else int(term.value)
    return term.value


def _rows(store: BaseStore, sparql: str, **bound: ox.NamedNode | ox.Literal) -> list[dict[str, Any]]:
    """Run `sparql` with variables bound to values (each must be projected) and return plain rows."""
    substitutions = {ox.Variable(name): value for name, value in bound.items()}
    results = store.query(PREFIXES + sparql, substitutions=substitutions)
    names = [v.value for v in results.variables]
    return [{name: _value(row[name]) for name in names} for row in results]


def local_name(iri: str) -> str:
    return iri[len(ONTOLOGY) :] if iri.startswith(ONTOLOGY) else iri


@cache
def event_classes() -> frozenset[str]:
    """Local names of the classes that are events, read from the ontology."""
    return frozenset(name for name in node_classes() if "Event" in superclasses(name))


def class_names(type_name: str) -> list[str]:
    """A class and its subclasses (Organization -> Organization, Gunmaker, ...), or a 400 naming the valid ones."""
    classes = node_classes()
    match = next((name for name in classes if name.lower() == type_name.lower()), None)
    if match is None:
        raise BadInputError(f"unknown entity type {type_name!r}; known types: {', '.join(sorted(classes))}")
    return sorted(name for name in classes if match in superclasses(name))


def types_of(store: BaseStore, iri: str) -> list[str]:
    rows = _rows(store, "SELECT DISTINCT ?t ?e WHERE { ?e a ?t }", e=ox.NamedNode(iri))
    return sorted(local_name(row["t"]) for row in rows)


def _is_a(store: BaseStore, iri: str, type_iri: str | None = None) -> bool:
    bound = {"e": ox.NamedNode(iri)}
    if type_iri:
        bound["t"] = ox.NamedNode(type_iri)
    return bool(_rows(store, "SELECT ?e ?t WHERE { ?e a ?t } LIMIT 1", **bound))


def summary(store: BaseStore, iri: str) -> dict[str, Any]:
    """IRI, key, label and types of a node: how a card refers to its neighbours."""
    rows = _rows(
        store,
        "SELECT ?e (SAMPLE(?k) AS ?key) (MIN(?l) AS ?label) (MIN(?d) AS ?date) WHERE {"
        " OPTIONAL { ?e ffkg:key ?k } OPTIONAL { ?e rdfs:label ?l } OPTIONAL { ?e ffkg:date ?d } } GROUP BY ?e",
        e=ox.NamedNode(iri),
    )
    row = rows[0] if rows else {}
    item = {"iri": iri, "key": row.get("key") or key_of(iri), "label": row.get("label") or key_of(iri)}
    item["types"] = types_of(store, iri)
    if row.get("date"):
        item["date"] = row["date"]
    return item


# -- naming ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NameIndex:
    """Every way entities are named, read once per store revision instead of once per lookup."""

    by_key: dict[str, frozenset[str]]
    by_fold: dict[str, frozenset[str]]
    names: list[str]
    #: `names` as the fuzzy matcher compares them (lower case, no punctuation), prepared once.
    matchable: list[str]


def _read_index(store: BaseStore) -> NameIndex:
    rows = _rows(
        store,
        "SELECT DISTINCT ?e ?key ?name WHERE { ?e ffkg:key ?key ; rdfs:label ?label ."
        " { ?e rdfs:label ?name } UNION { ?e skos:altLabel ?name } UNION { ?e ffkg:curatedLabel ?name } }",
    )
    by_key: dict[str, set[str]] = defaultdict(set)
    by_fold: dict[str, set[str]] = defaultdict(set)
    names: dict[str, str] = {}
    for row in rows:
        by_key[row["key"]].add(row["e"])
        by_fold[_fold(row["name"])].add(row["e"])
        by_fold[_fold(row["key"].rsplit("/", 1)[-1])].add(row["e"])
        names.setdefault(row["name"].lower(), row["name"])
    known = list(names.values())
    return NameIndex(
        {k: frozenset(v) for k, v in by_key.items()},
        {k: frozenset(v) for k, v in by_fold.items()},
        known,
        [utils.default_process(name) for name in known],
    )


def name_index(store: BaseStore) -> NameIndex:
    """The store's `NameIndex` for its current revision."""
    return _indexes.get(store, "names", lambda: _read_index(store))


def close_names(index: NameIndex, name: str) -> list[str]:
    """Up to `CLOSE_MATCHES` known names that look like `name`, most alike first."""
    found = process.extract(
        utils.default_process(name),
        index.matchable,
        scorer=fuzz.ratio,
        limit=CLOSE_MATCHES,
        score_cutoff=CLOSE_MATCH_SCORE,
    )
    return [index.names[position] for _, _, position in found]


def _fold(name: str) -> str:
    """Letters and digits only, lower case, accents off: "Colt's" and "colts" fold alike."""
    return normalise_key(name).replace("-", "")


def resolve_entity(store: BaseStore, name: str) -> str:
    """The IRI of the entity `name` means: an IRI, a key, or a label/alias (case- and accent-insensitive).

    An entity a curator merged into another resolves to the one kept (`owl:sameAs`), so old keys,
    IRIs and labels keep working. Raises `AmbiguousNameError` (409) with the candidates when a label
    fits several entities, and `NotFoundError` (404) with close matches when nothing fits.
    """
    named = _named_entity(store, name.strip())
    kept = resolution(store).find(named)
    return kept if kept == named or _is_a(store, kept) else named


def _named_entity(store: BaseStore, name: str) -> str:
    if not name:
        raise BadInputError("name an entity by IRI, key or label")
    if "://" in name or name.startswith("urn:"):
        try:
            if _is_a(store, name):
                return name
        except ValueError:
            raise BadInputError(f"{name!r} is not a valid IRI") from None
        raise NotFoundError(f"no entity {name} in the store")
    index = name_index(store)
    by_key = index.by_key.get(name, frozenset())
    if len(by_key) == 1:
        return next(iter(by_key))
    found = sorted({resolution(store).find(iri) for iri in index.by_fold.get(_fold(name), frozenset())})
    if len(found) == 1:
        return found[0]
    if found:
        raise AmbiguousNameError(name, [_candidate(store, iri) for iri in found])
    close = close_names(index, name)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else "; GET /api/entities?q= searches"
    raise NotFoundError(f"no entity is called {name!r}{hint}")


def _candidate(store: BaseStore, iri: str) -> dict[str, Any]:
    """A `summary` plus where the entity is (the place it is located or happened in, else its coordinates),
    so that two entities of one name can be told apart."""
    item = summary(store, iri)
    rows = _rows(
        store,
        "SELECT ?e (MIN(?l) AS ?where) (MIN(?lat) AS ?la) (MIN(?lon) AS ?lo) WHERE {"
        " OPTIONAL { ?e ffkg:locatedIn|ffkg:occurredIn ?p . ?p rdfs:label ?l }"
        " OPTIONAL { ?e <http://www.w3.org/2003/01/geo/wgs84_pos#lat> ?lat ;"
        " <http://www.w3.org/2003/01/geo/wgs84_pos#long> ?lon } } GROUP BY ?e",
        e=ox.NamedNode(iri),
    )
    row = rows[0] if rows else {}
    if row.get("where"):
        item["where"] = f"in {row['where']}"
    elif row.get("la") is not None and row.get("lo") is not None:
        item["where"] = f"at {float(row['la']):.2f}, {float(row['lo']):.2f}"
    return item


def resolve_document(store: BaseStore, name: str) -> str:
    """The IRI of a document named by IRI, key (`doc/x`) or bare id (`x`)."""
    iri = name if "://" in name else document_iri(name.removeprefix("doc/"))
    try:
        if _is_a(store, iri, ONTOLOGY + "Document"):
            return iri
    except ValueError:
        raise BadInputError(f"{name!r} is neither a document key nor an absolute IRI") from None
    raise NotFoundError(f"no document {name!r} in the store; GET /api/documents lists them")


# -- searching ------------------------------------------------------------------------------------------


def search_entities(
    store: BaseStore, *, text: str | None = None, type_name: str | None = None, limit: int = 50, offset: int = 0
) -> dict[str, Any]:
    """Entities whose label or an alias contains `text` (any case), of `type_name` or a subclass; one page.

    The default graph is the union of the documents, a bag: an entity's key and label come once per
    document naming it, so joining them directly multiplies the copies. Each is made distinct on its
    own first, and the type and the text are tests on the entity, never joins.
    """
    where = "{ SELECT DISTINCT ?e ?k WHERE { ?e ffkg:key ?k } }"
    bound: dict[str, ox.Literal] = {}
    if type_name:
        allowed = " ".join(f"<{ONTOLOGY}{name}>" for name in class_names(type_name))
        where += f" FILTER EXISTS {{ ?e a ?t . VALUES ?t {{ {allowed} }} }}"
    if text:
        where += (
            " FILTER EXISTS { { ?e rdfs:label ?n } UNION { ?e skos:altLabel ?n }"
            " FILTER(CONTAINS(LCASE(STR(?n)), LCASE(?q))) }"
        )
        bound["q"] = ox.Literal(text)
    where += " { SELECT DISTINCT ?e ?l WHERE { ?e rdfs:label ?l } }"
    group = " ?q" if text else ""
    grouping = " GROUP BY ?q" if text else ""
    total = _rows(store, f"SELECT (COUNT(DISTINCT ?e) AS ?n){group} WHERE {{ {where} }}{grouping}", **bound)
    page = _rows(
        store,
        f"SELECT ?e (SAMPLE(?k) AS ?key) (MIN(?l) AS ?label){group} WHERE {{ {where} }} GROUP BY ?e{group}"
        f" ORDER BY LCASE(STR(MIN(?l))) ?e LIMIT {int(limit)} OFFSET {int(offset)}",
        **bound,
    )
    items = [{"iri": r["e"], "key": r["key"], "label": r["label"], "types": types_of(store, r["e"])} for r in page]
    return {"total": total[0]["n"] if total else 0, "limit": limit, "offset": offset, "items": items}


def list_documents(store: BaseStore, *, limit: int = 50, offset: int = 0) -> dict[str, Any]:
    """Documents, newest first, with how many entities each names."""
    where = "?d a ffkg:Document ; ffkg:key ?key ."
    total = _rows(store, f"SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE {{ {where} }}")
    page = _rows(
        store,
        "SELECT ?d (SAMPLE(?key) AS ?k) (SAMPLE(?t) AS ?title) (SAMPLE(?dt) AS ?date) (SAMPLE(?s) AS ?source)"
        " (SAMPLE(?u) AS ?url) (SAMPLE(?pub) AS ?outlet)"
        f" (COUNT(DISTINCT ?e) AS ?entities) WHERE {{ {where} OPTIONAL {{ ?d ffkg:title ?t }}"
        " OPTIONAL { ?d ffkg:date ?dt } OPTIONAL { ?d ffkg:startDate ?sd } OPTIONAL { ?d ffkg:source ?s }"
        " OPTIONAL { ?d ffkg:url ?u } OPTIONAL { ?d ffkg:publisher ?pub }"
        " OPTIONAL { ?e ffkg:mentionedIn ?d } } GROUP BY ?d"
        f" ORDER BY DESC(MAX(?sd)) ?d LIMIT {int(limit)} OFFSET {int(offset)}",
    )
    items = [
        {
            "iri": r["d"],
            "key": r["k"],
            "title": r["title"],
            "date": r["date"],
            "source": r["source"],
            "url": r["url"],
            "outlet": r["outlet"],
            "entities": r["entities"],
        }
        for r in page
    ]
    return {"total": total[0]["n"], "limit": limit, "offset": offset, "items": items}


# -- cards ----------------------------------------------------------------------------------------------

#: What a citation of a document gives besides its title: `ffkg:` property -> field.
CITATION_FIELDS = {"date": "date", "url": "url", "publisher": "outlet", "author": "author", "language": "language"}
_CITATION_VARIABLES = " ".join(f"?{field}" for field in CITATION_FIELDS.values())
_CITATION_PATTERNS = " ".join(
    f"OPTIONAL {{{{ ?doc ffkg:{prop} ?{field} }}}}" for prop, field in CITATION_FIELDS.items()
)
_EVIDENCE = (
    f"SELECT ?s ?p ?o ?doc ?title {_CITATION_VARIABLES} ?sentence ?confidence ?start ?end ?{{anchor}} WHERE {{{{"
    " ?ev a ffkg:Evidence ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; ffkg:document ?doc ;"
    " ffkg:sentence ?sentence . FILTER(?{side} = ?{anchor})"
    " OPTIONAL {{ ?ev ffkg:confidence ?confidence }} OPTIONAL {{ ?ev ffkg:startOffset ?start }}"
    f" OPTIONAL {{{{ ?ev ffkg:endOffset ?end }}}} OPTIONAL {{{{ ?doc ffkg:title ?title }}}} {_CITATION_PATTERNS} }}}}"
    " ORDER BY DESC(?confidence) ?doc ?start"
)


def citation(row: dict[str, Any]) -> dict[str, Any]:
    """A document as evidence cites it: key, title, and the date, URL, outlet, author, language it has."""
    cited = {"iri": row["doc"], "key": key_of(row["doc"]), "title": row["title"]}
    return cited | {field: row[field] for field in CITATION_FIELDS.values() if row.get(field) is not None}


def evidence_for(store: BaseStore, iri: str) -> dict[tuple[str, str, str], list[dict[str, Any]]]:
    """The sentences behind every fact with `iri` as subject or object, keyed by (s, p, o)."""
    found: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for side in ("s", "o"):
        for row in _rows(store, _EVIDENCE.format(side=side, anchor="x"), x=ox.NamedNode(iri)):
            found[(row["s"], row["p"], row["o"])].append(
                {
                    "document": citation(row),
                    "sentence": row["sentence"],
                    "confidence": row["confidence"],
                    "start": row["start"],
                    "end": row["end"],
                }
            )
    return found


_CORROBORATION = (
    "SELECT ?s ?p ?o ?documents ?stories ?publishers ?{anchor} WHERE {{"
    " ?f a ffkg:Fact ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; ffkg:documentCount ?documents ;"
    " ffkg:corroboration ?stories ; ffkg:publisherCount ?publishers . FILTER(?{side} = ?{anchor}) }}"
)
#: A fact only users wrote: no document states it, its only source is the user.
_UNATTESTED = {"documents": 0, "stories": 0, "publishers": 0}


def corroboration_for(store: BaseStore, iri: str) -> dict[tuple[str, str, str], dict[str, int]]:
    """How many documents, stories (near-duplicates once) and publishers state each fact about `iri`."""
    found = {}
    for side in ("s", "o"):
        for row in _rows(store, _CORROBORATION.format(side=side, anchor="x"), x=ox.NamedNode(iri)):
            found[(row["s"], row["p"], row["o"])] = {
                "documents": int(row["documents"]),
                "stories": int(row["stories"]),
                "publishers": int(row["publishers"]),
            }
    return found


def _relations(store: BaseStore, iri: str, outgoing: bool) -> list[tuple[str, str]]:
    pattern = "?x ?p ?other" if outgoing else "?other ?p ?x"
    excluded = ", ".join(f"<{p}>" for p in _NOT_RELATIONS)
    rows = _rows(
        store,
        f"SELECT DISTINCT ?p ?other ?x WHERE {{ {pattern} . FILTER(isIRI(?other) && ?p NOT IN ({excluded}))"
        " FILTER NOT EXISTS { ?other a ffkg:Evidence } FILTER NOT EXISTS { ?other a ffkg:Mention }"
        " FILTER NOT EXISTS { ?other a ffkg:Fact } FILTER NOT EXISTS { ?other a ffkg:Decision } }"
        " ORDER BY ?p ?other",
        x=ox.NamedNode(iri),
    )
    return [(row["p"], row["other"]) for row in rows]


def entity_card(store: BaseStore, iri: str, *, min_corroboration: int = 0) -> dict[str, Any]:
    """Everything about one entity: types, labels, facts both ways with their evidence and corroboration,
    events, documents. `min_corroboration` leaves out facts fewer distinct stories state."""
    card = _with_merged(store, _extracted_card(store, iri, min_corroboration), min_corroboration)
    return _with_splits(store, card, min_corroboration)


def _extracted_card(store: BaseStore, iri: str, min_corroboration: int) -> dict[str, Any]:
    """The card as extraction states it, with each fact's claim status; merges and splits are applied after."""
    card = summary(store, iri)
    card["aliases"] = [
        r["a"]
        for r in _rows(store, "SELECT DISTINCT ?a ?e WHERE { ?e skos:altLabel ?a } ORDER BY ?a", e=ox.NamedNode(iri))
    ]
    card["attributes"] = defaultdict(list)
    for row in _rows(
        store,
        "SELECT DISTINCT ?p ?v ?e WHERE { ?e ?p ?v FILTER(isLiteral(?v))"
        " FILTER(?p NOT IN (rdfs:label, skos:altLabel, ffkg:key)) } ORDER BY ?p ?v",
        e=ox.NamedNode(iri),
    ):
        card["attributes"][local_name(row["p"])].append(row["v"])
    evidence = evidence_for(store, iri)
    counts = corroboration_for(store, iri)

    resolved = resolution(store)

    def attested(fact: tuple[str, str, str]) -> dict[str, Any]:
        found = {"evidence": evidence.get(fact, []), "corroboration": counts.get(fact, _UNATTESTED)}
        return {**found, "status": resolved.status_of(fact_iri(*fact))}

    card["out"] = [
        {"predicate": local_name(p), "object": summary(store, o), **attested((iri, p, o))}
        for p, o in _relations(store, iri, outgoing=True)
        if counts.get((iri, p, o), _UNATTESTED)["stories"] >= min_corroboration
    ]
    card["in"] = [
        {"predicate": local_name(p), "subject": summary(store, s), **attested((s, p, iri))}
        for p, s in _relations(store, iri, outgoing=False)
        if counts.get((s, p, iri), _UNATTESTED)["stories"] >= min_corroboration
    ]
    card["events"] = _events(card["in"])
    card["documents"] = _rows(
        store,
        "SELECT ?iri (SAMPLE(?k) AS ?key) (SAMPLE(?t) AS ?title) (SAMPLE(?d) AS ?date) ?e WHERE {"
        " ?e ffkg:mentionedIn ?iri . OPTIONAL { ?iri ffkg:key ?k } OPTIONAL { ?iri ffkg:title ?t }"
        " OPTIONAL { ?iri ffkg:date ?d } } GROUP BY ?iri ?e ORDER BY ?iri",
        e=ox.NamedNode(iri),
    )
    for document in card["documents"]:
        del document["e"]
    card["attributes"] = dict(card["attributes"])
    return card


def _with_merged(store: BaseStore, card: dict[str, Any], min_corroboration: int) -> dict[str, Any]:
    """A merged entity's card keeps every mention and all evidence of the entities merged into it."""
    resolved = resolution(store)
    merged = resolved.members(card["iri"])[1:] if resolved.find(card["iri"]) == card["iri"] else []
    card["same_as"] = merged
    card["status"] = resolved.status_of(card["iri"])
    if card["iri"] in resolved.labels:
        card["label"] = resolved.labels[card["iri"]]
    if card["iri"] in resolved.types:
        card["types"] = [resolved.types[card["iri"]]]
    for iri in merged:
        other = entity_card(store, iri, min_corroboration=min_corroboration)
        for part in ("out", "in", "events", "documents"):
            card[part] += [item for item in other[part] if item not in card[part]]
        card["aliases"] = sorted({*card["aliases"], other["label"], *other["aliases"]} - {card["label"]})
    return card


def _with_splits(store: BaseStore, card: dict[str, Any], min_corroboration: int) -> dict[str, Any]:
    """A split gives the entity's mentions in some documents to a new entity: the facts those documents
    state, and the documents themselves, leave the entity's card for the new one's."""
    for split in resolution(store).splits:
        if split.entity == card["iri"]:
            _keep_documents(card, lambda document, gone=split.documents: document not in gone, unattested=True)
        elif split.into == card["iri"]:
            extracted = _extracted_card(store, split.entity, min_corroboration)
            moved = _keep_documents(extracted, split.documents.__contains__, unattested=False)
            for part in ("out", "in", "events"):
                card[part] += moved[part]
    return card


def _keep_documents(card: dict[str, Any], keep: Callable[[str], bool], *, unattested: bool) -> dict[str, Any]:
    """`card` with the evidence, facts and documents of the documents `keep` refuses taken out; facts no
    document states (a user wrote them) stay if `unattested`."""
    for part in ("out", "in"):
        facts = []
        for fact in card[part]:
            evidence = [e for e in fact["evidence"] if keep(e["document"]["iri"])]
            if evidence or (unattested and not fact["evidence"]):
                facts.append({**fact, "evidence": evidence})
        card[part] = facts
    card["events"] = _events(card["in"])
    card["documents"] = [d for d in card["documents"] if keep(d["iri"])]
    return card


def _events(facts_in: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The events among the facts pointing at an entity, with the entity's role in each."""
    events = event_classes()
    return [
        {"role": rel["predicate"], "event": rel["subject"]}
        for rel in facts_in
        if events.intersection(rel["subject"]["types"])
    ]


def document_card(store: BaseStore, iri: str) -> dict[str, Any]:
    """One document: its metadata and graph, the entities it names and the facts it states, with sentences."""
    node = ox.NamedNode(iri)
    meta = _rows(
        store,
        "SELECT (SAMPLE(?k) AS ?key) (SAMPLE(?t) AS ?title) (SAMPLE(?dt) AS ?date) (SAMPLE(?s) AS ?source)"
        " (SAMPLE(?h) AS ?contentHash) (SAMPLE(?u) AS ?url) (SAMPLE(?pub) AS ?outlet) (SAMPLE(?a) AS ?author)"
        " (SAMPLE(?lang) AS ?language) ?d WHERE { ?d a ffkg:Document OPTIONAL { ?d ffkg:key ?k }"
        " OPTIONAL { ?d ffkg:title ?t } OPTIONAL { ?d ffkg:date ?dt } OPTIONAL { ?d ffkg:source ?s }"
        " OPTIONAL { ?d ffkg:contentHash ?h } OPTIONAL { ?d ffkg:url ?u } OPTIONAL { ?d ffkg:publisher ?pub }"
        " OPTIONAL { ?d ffkg:author ?a } OPTIONAL { ?d ffkg:language ?lang } } GROUP BY ?d",
        d=node,
    )
    card: dict[str, Any] = {"iri": iri, **{k: v for k, v in meta[0].items() if k != "d"}}
    card["graphs"] = [
        row["g"]
        for row in _rows(store, "SELECT DISTINCT ?g ?d WHERE { GRAPH ?g { ?d a ffkg:Document } } ORDER BY ?g", d=node)
    ]
    card["entities"] = [
        {**summary(store, row["e"]), "mentions": row["mentions"]}
        for row in _rows(
            store,
            "SELECT ?e (COUNT(DISTINCT ?m) AS ?mentions) ?d WHERE { ?e ffkg:mentionedIn ?d ."
            " OPTIONAL { ?m ffkg:refersTo ?e ; ffkg:document ?d } } GROUP BY ?e ?d ORDER BY DESC(?mentions) ?e",
            d=node,
        )
    ]
    card["facts"] = [
        {k: v for k, v in row.items() if k != "d"}
        for row in _rows(
            store,
            "SELECT ?subject ?predicate ?object ?sentence ?confidence ?start ?end ?d WHERE {"
            " ?ev a ffkg:Evidence ; ffkg:document ?d ; rdf:subject ?subject ; rdf:predicate ?predicate ;"
            " rdf:object ?object ; ffkg:sentence ?sentence OPTIONAL { ?ev ffkg:confidence ?confidence }"
            " OPTIONAL { ?ev ffkg:startOffset ?start } OPTIONAL { ?ev ffkg:endOffset ?end } }"
            " ORDER BY ?start ?predicate",
            d=node,
        )
    ]
    for fact in card["facts"]:
        fact["predicate"] = local_name(fact["predicate"])
    return card
