"""The data model's writes as SPARQL Update text, the same on every backend.

Each triple lives in exactly one graph: a document's graph holds its node, mentions and
evidence; entity descriptions live once in the entities graph and facts once in the facts
graph. So the union of the graphs is a set without any copy kept of it. What a document
supports is read from its own graph before it goes; after it is dropped, those of its facts
no evidence supports and those of its entities no document mentions go too, in the same
update. Every step names what that document touched, never a pass over the whole store.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pyoxigraph as ox

from kg.iris import ENTITIES_GRAPH, FACTS_GRAPH, ID, ONTOLOGY

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_F = f"<{ONTOLOGY}"
SUPPORTS = f"{_F}supports>"
MENTIONED_IN = f"{_F}mentionedIn>"
_MENTIONED_IN_IRI = ONTOLOGY + "mentionedIn"
DOCUMENT, STORY, PUBLISHER = f"{_F}document>", f"{_F}story>", f"{_F}publisher>"
_COUNTS = (f"{_F}documentCount>", f"{_F}corroboration>", f"{_F}publisherCount>")


_DATASET_OPTIONS = ("default_graph", "named_graphs", "use_default_graph_as_union")


def union_default(options: Mapping[str, Any]) -> dict[str, Any]:
    """Query options for the engine: without a dataset of their own, the default graph is the union.

    Query workers that open a snapshot with pyoxigraph directly use this too, so they read what
    `Store.query` reads.
    """
    if any(options.get(name) is not None for name in _DATASET_OPTIONS):
        return dict(options)
    return {**options, "use_default_graph_as_union": True}


def n_triples(triples: Iterable[ox.Triple]) -> str:
    return (ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES) or b"").decode()


def group_by_graph(quads: Iterable[ox.Quad]) -> dict[str, list[ox.Quad]]:
    """Quads by the IRI of their graph, default-graph quads under ""."""
    by_graph: dict[str, list[ox.Quad]] = {}
    for quad in quads:
        key = "" if isinstance(quad.graph_name, ox.DefaultGraph) else quad.graph_name.value
        by_graph.setdefault(key, []).append(quad)
    return by_graph


def insert_data(quads: Iterable[ox.Quad]) -> str:
    """`INSERT DATA` of quads, grouped by graph."""
    grouped = group_by_graph(quads)
    triples = {name: [ox.Triple(q.subject, q.predicate, q.object) for q in qs] for name, qs in grouped.items()}
    return insert_triples(triples)


def insert_triples(by_graph: Mapping[str, Iterable[ox.Triple]]) -> str:
    """`INSERT DATA` of triples by the IRI of their graph ("" for the default graph).

    Writers that hold triples per graph already (a document's `DocumentTriples`) come here
    directly: making a quad of every triple only to take it apart again was a third of the
    cost of writing a batch of documents.
    """
    blocks = [
        (text if not name else f"GRAPH <{name}> {{ {text} }}")
        for name, triples in by_graph.items()
        if (text := n_triples(triples))
    ]
    return f"INSERT DATA {{ {' '.join(blocks)} }}"


def touched_query(graph: str) -> str:
    """The fact nodes a graph's evidence supports and the entities it mentions: what its removal may orphan."""
    either = f"{{ ?ev {SUPPORTS} ?f }} UNION {{ ?e {MENTIONED_IN} ?d }}"
    return f"SELECT DISTINCT ?f ?e WHERE {{ GRAPH <{graph}> {{ {either} }} }}"


def collect(facts: Iterable[str], entities: Iterable[str]) -> str:
    """Remove, of the facts and entities named, those no evidence supports and no document mentions now.

    Run after the graphs that supported them were dropped (and any new versions inserted): the
    candidates are named, so the check is an index lookup each, never a pass over the store.
    """
    steps = []
    if facts := sorted(facts):
        steps.append(
            f"DELETE {{ GRAPH <{FACTS_GRAPH}> {{ ?s ?p ?o . ?f ?fp ?fo }} }} WHERE {{ {_values('f', facts)} "
            f"GRAPH <{FACTS_GRAPH}> {{ ?f <{_RDF}subject> ?s ; <{_RDF}predicate> ?p ; <{_RDF}object> ?o ; ?fp ?fo }} "
            f"FILTER NOT EXISTS {{ GRAPH ?g {{ ?ev {SUPPORTS} ?f }} }} }}"
        )
    if entities := sorted(entities):
        steps.append(
            f"DELETE {{ GRAPH <{ENTITIES_GRAPH}> {{ ?e ?p ?o }} }} WHERE {{ {_values('e', entities)} "
            f"GRAPH <{ENTITIES_GRAPH}> {{ ?e ?p ?o }} FILTER NOT EXISTS {{ GRAPH ?g {{ ?e {MENTIONED_IN} ?d }} }} }}"
        )
    return " ;\n".join(steps)


def _values(variable: str, iris: Iterable[str]) -> str:
    return f"VALUES ?{variable} {{ {' '.join(f'<{iri}>' for iri in iris)} }}"


#: One piece of evidence a write is about to add, as the recount reads it from a stored graph:
#: (fact, document, story, publisher), the story the document itself when it has none.
Support = tuple[ox.NamedNode, ox.NamedNode, Any, Any]


def supports(triples: Iterable[ox.Triple]) -> list[Support]:
    """What the recount would read from a graph holding `triples`: a row per piece of evidence, story and publisher."""
    by_predicate: dict[str, dict[Any, list[Any]]] = {
        ONTOLOGY + name: {} for name in ("supports", "document", "story", "publisher")
    }
    for triple in triples:
        if (values := by_predicate.get(triple.predicate.value)) is not None:
            values.setdefault(triple.subject, []).append(triple.object)
    facts, documents, stories, publishers = by_predicate.values()
    return [
        (fact, document, story, publisher)
        for evidence, supported in facts.items()
        for fact in supported
        for document in documents.get(evidence, ())
        for story in stories.get(document, [document])
        for publisher in publishers.get(document, [None])
    ]


def mentioned(triples: Iterable[ox.Triple]) -> set[str]:
    """The entities `triples` say are mentioned in a document."""
    return {triple.subject.value for triple in triples if triple.predicate.value == _MENTIONED_IN_IRI}


def recount(facts: Iterable[str] | None, fresh: Iterable[Support] = ()) -> str:
    """Set each fact's document, story and publisher counts from the evidence that supports it now.

    `facts` None recounts every fact (migration); otherwise only those named, a targeted update
    (none named: no text). `fresh` is evidence the same update inserts after this step: a writer
    counts it here rather than inserting first, because a read after the writes of a large
    insert in one transaction costs the embedded engine more than the insert itself (0.6 s per
    72 documents, where the insert took 0.9 s). One operation, so it reads before it writes too.
    """
    if facts is not None and not (facts := sorted(facts)):
        return ""
    values = "" if facts is None else _values("f", facts) + " "
    named = None if facts is None else set(facts)
    rows = sorted({row for row in fresh if named is None or row[0].value in named}, key=str)
    documents, stories, publishers = _COUNTS
    held = f"?f {documents} ?a ; {stories} ?b ; {publishers} ?c"
    old = f"?f {documents} ?a0 ; {stories} ?b0 ; {publishers} ?c0"
    stored = (
        f"{values}GRAPH ?g {{ ?ev {SUPPORTS} ?f ; {DOCUMENT} ?d . OPTIONAL {{ ?d {STORY} ?s0 }} "
        f"OPTIONAL {{ ?d {PUBLISHER} ?pub }} }} BIND(COALESCE(?s0, ?d) AS ?story)"
    )
    if rows:
        # a sub-select of its own: Virtuoso matches nothing in a UNION branch that is only VALUES
        given = f"VALUES (?f ?d ?story ?pub) {{ {' '.join(map(_row, rows))} }}"
        stored = f"{{ {stored} }} UNION {{ SELECT * WHERE {{ {given} }} }}"
    return (
        f"DELETE {{ GRAPH <{FACTS_GRAPH}> {{ {old} }} }} INSERT {{ GRAPH <{FACTS_GRAPH}> {{ {held} }} }} WHERE {{ "
        f"{{ {values}GRAPH <{FACTS_GRAPH}> {{ {old} }} }} UNION "
        f"{{ SELECT ?f (COUNT(DISTINCT ?d) AS ?a) (COUNT(DISTINCT ?story) AS ?b) (COUNT(DISTINCT ?pub) AS ?c) WHERE {{ "
        f"{stored} }} GROUP BY ?f }} }}"
    )


def _row(row: Support) -> str:
    return "(" + " ".join("UNDEF" if term is None else str(term) for term in row) + ")"


def migrate_from_restated(*, had_union_copy: bool) -> str:
    """Rewrite a data dir of the earlier layout (every document graph restating its entities and facts,
    and perhaps a set copy of the union in the default graph) into one where each triple lives once."""
    doc_graph = f"GRAPH ?g {{ ?doc a {_F}Document> }}"
    fact = (
        f'BIND(IRI(CONCAT("{ID}fact/", SUBSTR(SHA1(CONCAT(STR(?s), "\\u001F", STR(?p), "\\u001F", STR(?o))), 1, 20)))'
        " AS ?f)"
    )
    stated = f"GRAPH ?g {{ ?ev a {_F}Evidence> ; <{_RDF}subject> ?s ; <{_RDF}predicate> ?p ; <{_RDF}object> ?o }}"
    described = f"GRAPH ?g {{ ?e {MENTIONED_IN} ?doc . ?e ?p ?o FILTER(?p != {MENTIONED_IN}) }}"
    steps = [
        "DELETE { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }" if had_union_copy else "",
        f"INSERT {{ GRAPH <{FACTS_GRAPH}> {{ ?s ?p ?o . ?f a {_F}Fact> ; <{_RDF}subject> ?s ; <{_RDF}predicate> ?p ; "
        f"<{_RDF}object> ?o }} GRAPH ?g {{ ?ev {SUPPORTS} ?f }} }} WHERE {{ {doc_graph} {stated} {fact} }}",
        f"DELETE {{ GRAPH ?g {{ ?s ?p ?o }} }} WHERE {{ {doc_graph} {stated} GRAPH ?g {{ ?s ?p ?o }} }}",
        f"INSERT {{ GRAPH <{ENTITIES_GRAPH}> {{ ?e ?p ?o }} }} WHERE {{ {doc_graph} {described} }}",
        f"DELETE {{ GRAPH ?g {{ ?e ?p ?o }} }} WHERE {{ {doc_graph} {described} }}",
        f"INSERT {{ GRAPH ?g {{ ?doc {_F}story> ?story }} }} WHERE {{ {doc_graph} "
        f'BIND(IRI(REPLACE(STR(?doc), "^{ID}doc/", "{ID}story/")) AS ?story) }}',
        recount(None),
    ]
    return " ;\n".join(step for step in steps if step)
