"""One contract every store backend keeps: embedded (memory, disk), `oxigraph serve` and Virtuoso.

The remote stores read in pages of a few rows here, so paging is exercised by every test.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic
from servers import fresh, oxigraph_settings, virtuoso_settings  # noqa: F401 (fixtures)

from kg.backends.base import BaseStore
from kg.errors import NotFoundError, RdfParseError
from kg.iris import ENTITIES_GRAPH, graph_iri
from kg.mapping import DocumentTriples, extraction_triples
from kg.records import DocumentInfo, EntityRecord, Extraction, RelationRecord, Span
from kg.store import Store

EX = "http://example.org/"
G1, G2 = "https://w3id.org/ffkg/graph/one", "https://w3id.org/ffkg/graph/two"

TURTLE = textwrap.dedent(
    """\
    @prefix ex: <http://example.org/> .
    @prefix ffkg: <https://w3id.org/ffkg/ontology#> .
    @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
    ex:colt a ffkg:Gunmaker ; ex:label "Colt" , "Colt's Manufacturing"@en .
    ex:doc a ffkg:Document ; ex:date "2021-08-04"^^xsd:date .
    ex:flow ex:from ex:us ; ex:to ex:mx ; ex:share "70–90 por ciento"@es ; ex:n 42 ; ex:w 0.5 .
    ex:flow ex:note [ ex:text "a blank node" ] .
    """
)
TRIG = textwrap.dedent(
    """\
    @prefix ex: <http://example.org/> .
    ex:s ex:p "in the default graph" .
    <https://w3id.org/ffkg/graph/one> { ex:a ex:p ex:b . ex:b ex:p "x" . }
    <https://w3id.org/ffkg/graph/two> { ex:c ex:p ex:d . }
    """
)


@pytest.fixture(params=["memory", "disk", "oxigraph", "virtuoso"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[BaseStore]:
    if request.param == "memory":
        opened: BaseStore = Store.memory()
    elif request.param == "disk":
        opened = Store.open(tmp_path / "store")
    else:
        opened = fresh({**request.getfixturevalue(f"{request.param}_settings"), "sparql_page_size": 3})
    yield opened
    opened.close()


def triple(s: str, p: str, o: ox.NamedNode | ox.Literal) -> ox.Triple:
    return ox.Triple(ox.NamedNode(EX + s), ox.NamedNode(EX + p), o)


def as_dataset(store: BaseStore, fmt: str = "nquads") -> rdflib.Dataset:
    out = io.BytesIO()
    store.export(out, fmt)
    dataset = rdflib.Dataset()
    dataset.parse(data=out.getvalue(), format=fmt)
    return dataset


def parsed(text: str, fmt: str) -> rdflib.Dataset:
    dataset = rdflib.Dataset()
    dataset.parse(data=text, format=fmt)
    return dataset


def same_dataset(left: rdflib.Dataset, right: rdflib.Dataset) -> bool:
    """Graph by graph isomorphic (rdflib's `isomorphic` compares one graph)."""
    names = {g.identifier for g in left.graphs() if len(g)} | {g.identifier for g in right.graphs() if len(g)}
    return all(isomorphic(left.graph(name), right.graph(name)) for name in names)


def test_a_replaced_graph_holds_exactly_the_new_triples(store: BaseStore) -> None:
    first = [triple("a", "p", ox.Literal("old")), triple("a", "q", ox.NamedNode(EX + "b"))]
    assert store.replace_graph(G1, first) == 2
    assert store.replace_graph(G1, [triple("a", "p", ox.Literal("new"))]) == 1
    assert store.graphs() == [G1]
    assert store.has_graph(G1) and not store.has_graph(G2)
    assert {(q.subject, q.predicate, q.object, q.graph_name) for q in store.quads(G1)} == {
        (ox.NamedNode(EX + "a"), ox.NamedNode(EX + "p"), ox.Literal("new"), ox.NamedNode(G1))
    }


def test_replacing_with_nothing_removes_the_graph(store: BaseStore) -> None:
    store.replace_graph(G1, [triple("a", "p", ox.Literal("x"))])
    assert store.replace_graph(G1, []) == 0
    assert store.graphs() == [] and not store.has_graph(G1)


def test_more_triples_than_a_page_all_come_back(store: BaseStore) -> None:
    many = [triple(f"s{i}", "p", ox.Literal(i)) for i in range(25)]
    store.replace_graph(G1, many)
    assert {ox.Triple(q.subject, q.predicate, q.object) for q in store.quads()} == set(many)
    assert len(list(store.query("SELECT ?s WHERE { ?s ?p ?o }"))) == 25


def test_every_write_moves_the_revision(store: BaseStore) -> None:
    seen = [store.revision()]
    store.replace_graph(G1, [triple("a", "p", ox.Literal("x"))])
    seen.append(store.revision())
    store.update(f"INSERT DATA {{ GRAPH <{G2}> {{ <{EX}c> <{EX}p> <{EX}d> }} }}")
    seen.append(store.revision())
    store.remove_graph(G1)
    seen.append(store.revision())
    assert seen == sorted(set(seen))


def test_removing_a_graph_leaves_the_others(store: BaseStore) -> None:
    store.replace_graph(G1, [triple("a", "p", ox.Literal("x"))])
    store.replace_graph(G2, [triple("b", "p", ox.Literal("y"))])
    store.remove_graph(G1)
    assert store.graphs() == [G2]
    with pytest.raises(NotFoundError):
        store.remove_graph(G1)


def test_queries_see_the_union_of_our_graphs_and_only_ours(store: BaseStore) -> None:
    store.replace_graph(G1, [triple("a", "p", ox.NamedNode(EX + "b"))])
    store.replace_graph(G2, [triple("b", "p", ox.NamedNode(EX + "c"))])
    path = list(store.query(f"SELECT ?end WHERE {{ <{EX}a> <{EX}p>/<{EX}p> ?end }}"))
    assert [row["end"] for row in path] == [ox.NamedNode(EX + "c")]
    graphs = {row["g"].value for row in store.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")}
    assert graphs == {G1, G2}
    assert len(list(store.query("SELECT * WHERE { ?s ?p ?o }"))) == 2


def test_results_have_the_engine_types_and_serialise(store: BaseStore) -> None:
    store.replace_graph(G1, [triple("a", "p", ox.Literal("x", language="en"))])
    assert isinstance(store.query("ASK { ?s ?p ?o }"), ox.QueryBoolean)
    assert bool(store.query("ASK { ?s ?p ?o }")) and not bool(store.query("ASK { ?s ?p 'nope' }"))
    solutions = store.query("SELECT ?o WHERE { ?s ?p ?o }")
    assert isinstance(solutions, ox.QuerySolutions)
    assert b'"x"@en' in solutions.serialize(format=ox.QueryResultsFormat.TSV)
    triples = store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    assert isinstance(triples, ox.QueryTriples)
    assert triples.serialize(format=ox.RdfFormat.N_TRIPLES) == f'<{EX}a> <{EX}p> "x"@en .\n'.encode()


def test_query_options_work_as_on_the_engine(store: BaseStore) -> None:
    store.replace_graph(G1, [triple("a", "p", ox.Literal("x"))])
    store.replace_graph(G2, [triple("b", "p", ox.Literal("y"))])
    found = store.query(
        "ASK { GRAPH ?g { ?s ex:p ?o } }",
        prefixes={"ex": EX},
        substitutions={ox.Variable("g"): ox.NamedNode(G2), ox.Variable("o"): ox.Literal("y")},
    )
    assert bool(found)
    only_two = store.query("SELECT ?o WHERE { ?s ?p ?o }", default_graph=[ox.NamedNode(G2)])
    assert [row["o"] for row in only_two] == [ox.Literal("y")]


def test_a_bad_query_is_a_syntax_error(store: BaseStore) -> None:
    with pytest.raises(SyntaxError):
        store.query("SELECT ?s WHERE { ?s ?p }")


def test_updates_and_queries_do_not_pass_for_each_other(store: BaseStore) -> None:
    with pytest.raises(SyntaxError):
        store.query(f"INSERT DATA {{ GRAPH <{G1}> {{ <{EX}a> <{EX}p> 'x' }} }}")
    with pytest.raises(SyntaxError):
        store.update("SELECT * WHERE { ?s ?p ?o }")
    assert store.graphs() == []


def test_a_loaded_file_round_trips_with_its_literals_and_blank_nodes(store: BaseStore, tmp_path: Path) -> None:
    source = tmp_path / "facts.ttl"
    source.write_text(TURTLE, encoding="utf-8")
    graph, count = store.load_file(source)
    assert (graph, count) == ("https://w3id.org/ffkg/graph/file/facts-ttl", 12)
    out = io.BytesIO()
    store.export(out, "turtle", graph=graph)
    expected = rdflib.Graph().parse(data=TURTLE, format="turtle")
    assert isomorphic(rdflib.Graph().parse(data=out.getvalue(), format="turtle"), expected)


def test_quad_files_keep_their_graphs_and_the_default_graph(store: BaseStore, tmp_path: Path) -> None:
    source = tmp_path / "data.trig"
    source.write_text(TRIG, encoding="utf-8")
    store.load_file(source)
    assert store.graphs() == [G1, G2]
    assert same_dataset(as_dataset(store), parsed(TRIG, "trig"))
    assert bool(store.query(f"ASK {{ <{EX}s> <{EX}p> 'in the default graph' }}"))


def test_restore_replaces_everything_with_the_backup(store: BaseStore, tmp_path: Path) -> None:
    store.replace_graph("https://w3id.org/ffkg/graph/old", [triple("old", "p", ox.Literal("gone"))])
    backup = parsed(TRIG, "trig").serialize(format="nquads").encode()
    assert store.restore(io.BytesIO(backup), "nquads") == 4
    assert store.graphs() == [G1, G2]
    assert same_dataset(as_dataset(store), parsed(TRIG, "trig"))
    with pytest.raises(RdfParseError):
        store.restore(io.BytesIO(b"<broken"), "nquads")
    assert store.graphs() == [G1, G2]


def test_stats_count_triples_graphs_documents_and_classes(store: BaseStore, tmp_path: Path) -> None:
    source = tmp_path / "facts.ttl"
    source.write_text(TURTLE, encoding="utf-8")
    store.load_file(source)
    stats = store.stats()
    assert (stats["triples"], stats["graphs"], stats["documents"]) == (12, 1, 1)
    assert stats["classes"] == {
        "https://w3id.org/ffkg/ontology#Gunmaker": 1,
        "https://w3id.org/ffkg/ontology#Document": 1,
    }


def test_updates_that_name_a_graph_make_it_one_of_ours(store: BaseStore) -> None:
    store.update(f"INSERT DATA {{ GRAPH <{G1}> {{ <{EX}a> <{EX}p> 'x' }} }}")
    assert store.graphs() == [G1]
    store.update(f"DROP SILENT GRAPH <{G1}>")
    assert store.graphs() == []


def test_data_updates_without_a_graph_go_to_the_default_graph(store: BaseStore) -> None:
    store.update(f"INSERT DATA {{ <{EX}a> <{EX}p> 'x' }}")
    assert bool(store.query(f"ASK {{ <{EX}a> <{EX}p> 'x' }}"))
    assert [q.graph_name for q in store.quads()] == [ox.DefaultGraph()]
    assert store.graphs() == []
    store.update(f"DELETE DATA {{ <{EX}a> <{EX}p> 'x' }}")
    assert not bool(store.query(f"ASK {{ <{EX}a> <{EX}p> 'x' }}"))


# -- documents: each triple in one graph, users' triples theirs ---------------------------------------

FFKG = "https://w3id.org/ffkg/ontology#"
COLT = "https://w3id.org/ffkg/id/org/colt"
MEXICO = "https://sws.geonames.org/3996063/"
SUIT = "https://w3id.org/ffkg/id/event/mexico-v-smith"
DEFENDANT = ox.Triple(ox.NamedNode(SUIT), ox.NamedNode(FFKG + "defendant"), ox.NamedNode(COLT))
#: What a user writes into the default graph, equal to a triple a document states.
USERS_LABEL = f'INSERT DATA {{ <{COLT}> <http://www.w3.org/2000/01/rdf-schema#label> "Colt" }}'
USERS_FACT = f"INSERT DATA {{ <{SUIT}> <{FFKG}defendant> <{COLT}> }}"


def lawsuit_document(
    doc_id: str, *, text: str = "", story: str | None = None, plaintiff: bool = True, outlet: str | None = None
) -> DocumentTriples:
    """A document stating that Colt is a defendant in Mexico's suit (the same fact in every copy)."""
    sentence = text or f"In {doc_id}, Mexico sued Colt."
    start = sentence.index("Colt")
    entities = [
        EntityRecord(COLT, "Colt", "Gunmaker", [Span(start, start + 4, "Colt")]),
        EntityRecord(
            MEXICO, "Mexico", "Country", [Span(sentence.index("Mexico"), sentence.index("Mexico") + 6, "Mexico")]
        ),
        EntityRecord(SUIT, "Mexico v. Colt", "Lawsuit", [Span(0, 2, sentence[:2])], date="2021-08"),
    ]
    relations = [
        RelationRecord(SUIT, "defendant", COLT, 0.9, Span(0, len(sentence), sentence)),
        RelationRecord(SUIT, "plaintiff", MEXICO, 0.8, Span(0, len(sentence), sentence)),
    ][: 2 if plaintiff else 1]
    info = DocumentInfo(
        doc_id, f"Report {doc_id}", "2021-08-04", sentence, f"{doc_id}.txt", f"hash-{doc_id}-{text}", outlet=outlet
    )
    return extraction_triples(Extraction(info, entities, relations, "test/1"), story=story)


def count(store: BaseStore, where: str) -> int:
    return int(next(iter(store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")))["n"].value)


def fact_counts(store: BaseStore, triple_: ox.Triple) -> tuple[int, int, int]:
    """(documents, corroboration, publishers) of a fact, read through the ontology in SPARQL."""
    rows = list(
        store.query(
            f"SELECT ?d ?c ?p WHERE {{ ?f a <{FFKG}Fact> ; <http://www.w3.org/1999/02/22-rdf-syntax-ns#subject> "
            f"{triple_.subject} ; <http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate> {triple_.predicate} ; "
            f"<http://www.w3.org/1999/02/22-rdf-syntax-ns#object> {triple_.object} ; <{FFKG}documentCount> ?d ; "
            f"<{FFKG}corroboration> ?c ; <{FFKG}publisherCount> ?p }}"
        )
    )
    assert len(rows) <= 1
    return tuple(int(rows[0][name].value) for name in ("d", "c", "p")) if rows else (0, 0, 0)  # type: ignore[return-value]


def test_a_fact_two_documents_state_is_stored_once_and_counted_twice(store: BaseStore) -> None:
    one, two = lawsuit_document("one"), lawsuit_document("two")
    store.write_documents([one, two])
    store.update(USERS_FACT)
    assert count(store, f"GRAPH ?g {{ {DEFENDANT.subject} ?p {DEFENDANT.object} }}") == 1  # the facts graph only
    assert count(store, f"GRAPH ?g {{ {DEFENDANT.subject} a ?t }}") == 1  # described once
    assert count(store, f"{DEFENDANT.subject} {DEFENDANT.predicate} {DEFENDANT.object}") == 2  # the facts' + the user's
    assert count(store, f"SELECT DISTINCT ?t WHERE {{ <{COLT}> a ?t }}") == 1
    assert fact_counts(store, DEFENDANT) == (2, 2, 0)
    assert count(store, f"?ev <{FFKG}supports> ?f") == 4


def test_removing_documents_keeps_what_others_state_and_what_users_wrote(store: BaseStore) -> None:
    store.write_documents([lawsuit_document("one"), lawsuit_document("two")])
    store.update(USERS_FACT)
    store.update(USERS_LABEL)
    store.remove_graph(graph_iri("one"))
    assert fact_counts(store, DEFENDANT) == (1, 1, 0)
    assert count(store, f"GRAPH <{ENTITIES_GRAPH}> {{ <{COLT}> a ?t }}") == 1
    store.remove_graph(graph_iri("two"))
    assert fact_counts(store, DEFENDANT) == (0, 0, 0)
    assert count(store, "GRAPH ?g { ?s ?p ?o }") == 0  # no entity, fact or evidence left behind
    assert {ox.Triple(q.subject, q.predicate, q.object) for q in store.quads(None)} == {
        DEFENDANT,
        ox.Triple(ox.NamedNode(COLT), ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), ox.Literal("Colt")),
    }


def test_a_replaced_document_takes_out_only_the_facts_it_alone_stated(store: BaseStore) -> None:
    store.write_documents([lawsuit_document("one"), lawsuit_document("two")])
    store.write_documents([lawsuit_document("one", plaintiff=False)])
    plaintiff = ox.Triple(ox.NamedNode(SUIT), ox.NamedNode(FFKG + "plaintiff"), ox.NamedNode(MEXICO))
    assert fact_counts(store, plaintiff) == (1, 1, 0)  # document two still states it
    assert fact_counts(store, DEFENDANT) == (2, 2, 0)
    store.remove_graph(graph_iri("two"))
    assert fact_counts(store, plaintiff) == (0, 0, 0)
    assert count(store, f"{plaintiff.subject} {plaintiff.predicate} ?o") == 0


def test_a_document_stating_no_fact_is_stored_and_may_state_one_later(store: BaseStore) -> None:
    stating = lawsuit_document("one")
    evidence = {t.subject for t in stating.document if t.object == ox.NamedNode(FFKG + "Evidence")}
    kept = [t for t in stating.document if t.subject not in evidence]
    quiet = DocumentTriples(stating.graph, kept, stating.entities, [])
    store.write_documents([quiet])
    assert store.has_graph(graph_iri("one")) and fact_counts(store, DEFENDANT) == (0, 0, 0)
    store.write_documents([stating])
    assert fact_counts(store, DEFENDANT) == (1, 1, 0)


def test_near_duplicates_count_once_and_their_story_is_visible(store: BaseStore) -> None:
    story = "https://w3id.org/ffkg/id/story/one"
    store.write_documents([lawsuit_document("one", story=story), lawsuit_document("copy", story=story)])
    store.write_documents([lawsuit_document("other")])
    assert fact_counts(store, DEFENDANT) == (3, 2, 0)
    members = {row["d"].value for row in store.query(f"SELECT ?d WHERE {{ ?d <{FFKG}story> <{story}> }}")}
    assert members == {"https://w3id.org/ffkg/id/doc/one", "https://w3id.org/ffkg/id/doc/copy"}


def test_the_users_triple_equal_to_an_extracted_one_survives_export_removal_and_updates(
    store: BaseStore, tmp_path: Path
) -> None:
    """The three ways the earlier model lost it: export, removing the document, a combined update."""
    store.write_documents([lawsuit_document("one")])
    store.update(USERS_FACT)
    users = ox.Quad(DEFENDANT.subject, DEFENDANT.predicate, DEFENDANT.object, ox.DefaultGraph())
    before = as_dataset(store)
    assert (DEFENDANT.subject, DEFENDANT.predicate, DEFENDANT.object) in [
        (q.subject, q.predicate, q.object) for q in store.quads(None) if q.graph_name == ox.DefaultGraph()
    ]
    store.update(
        f"DELETE WHERE {{ GRAPH <{graph_iri('one')}> {{ ?ev <{FFKG}supports> ?f }} }} ; "
        f"INSERT DATA {{ <{EX}note> <{EX}says> 'x' }}"
    )
    assert users in list(store.quads(None))
    store.remove_graph(graph_iri("one"))
    assert users in list(store.quads(None))
    backup = io.BytesIO()
    store.export(backup, "nquads")
    assert f"{DEFENDANT.subject} {DEFENDANT.predicate} {DEFENDANT.object} ." in backup.getvalue().decode()
    store.restore(io.BytesIO(as_bytes(before)), "nquads")
    assert same_dataset(as_dataset(store), before)


def as_bytes(dataset: rdflib.Dataset) -> bytes:
    return dataset.serialize(format="nquads").encode()


def test_export_and_restore_are_exact_per_graph(store: BaseStore) -> None:
    store.write_documents([lawsuit_document("one"), lawsuit_document("two")])
    store.update(USERS_LABEL)
    store.update(f"INSERT DATA {{ GRAPH <{EX}mine> {{ <{EX}a> <{EX}b> 'c' }} }}")
    before = as_dataset(store)
    store.remove_graph(graph_iri("one"))
    backup = io.BytesIO()
    before.serialize(backup, format="nquads")
    store.restore(io.BytesIO(backup.getvalue()), "nquads")
    assert same_dataset(as_dataset(store), before)
    assert fact_counts(store, DEFENDANT) == (2, 2, 0)


def test_an_updates_relative_iris_resolve_against_the_base_given(store: BaseStore) -> None:
    store.update(f"INSERT DATA {{ GRAPH <{G1}> {{ <rel> <p> 'x' }} }}", base_iri=EX + "base/")
    assert bool(store.query(f"ASK {{ <{EX}base/rel> <{EX}base/p> 'x' }}"))


def test_publishers_are_counted_once_each_where_documents_name_them(store: BaseStore) -> None:
    store.write_documents(
        [
            lawsuit_document("one", outlet="Reuters"),
            lawsuit_document("two", outlet="Reuters"),
            lawsuit_document("three", outlet="El Universal"),
            lawsuit_document("four"),
        ]
    )
    assert fact_counts(store, DEFENDANT) == (4, 4, 2)
    store.remove_graph(graph_iri("three"))
    assert fact_counts(store, DEFENDANT) == (3, 3, 1)
