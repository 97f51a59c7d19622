"""The embedded store: persistence, named graphs, formats, round trips and bad input."""

from __future__ import annotations

import io
import subprocess
import sys
import textwrap
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from kg.errors import NotFoundError, RdfParseError, StoreLockedError, UnsupportedFormatError
from kg.store import Store

TURTLE = textwrap.dedent(
    """\
    @prefix ex: <http://example.org/> .
    @prefix ffkg: <https://w3id.org/ffkg/ontology#> .
    ex:colt a ffkg:Gunmaker ; ex:label "Colt" .
    ex:doc a ffkg:Document .
    ex:flow ex:from ex:us ; ex:to ex:mx ; ex:share "70-90 percent"@en ; ex:n 42 .
    """
)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def as_dataset(store: Store) -> rdflib.Dataset:
    data = io.BytesIO()
    store.export(data, "nquads")
    dataset = rdflib.Dataset()
    dataset.parse(data=data.getvalue(), format="nquads")
    return dataset


def test_data_survives_a_process_restart(tmp_path: Path) -> None:
    source = write(tmp_path, "facts.ttl", TURTLE)
    store_dir = tmp_path / "store"
    script = (
        "import sys; from pathlib import Path; from kg.store import Store; "
        "s = Store.open(Path(sys.argv[1])); print(s.load_file(Path(sys.argv[2]))[1]); s.close()"
    )
    loaded = subprocess.run([sys.executable, "-c", script, str(store_dir), str(source)], capture_output=True, text=True)
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip() == "7"
    with Store.open(store_dir) as store:
        assert store.graphs() == ["https://w3id.org/ffkg/graph/file/facts-ttl"]
        assert bool(store.query("ASK { <http://example.org/colt> a <https://w3id.org/ffkg/ontology#Gunmaker> }"))
        assert store.stats()["triples"] == 7
        assert store.revision() == 1


def test_replacing_a_named_graph_leaves_the_others_alone(tmp_path: Path) -> None:
    store = Store.memory()
    store.load_file(write(tmp_path, "a.ttl", "<http://x/a> <http://x/p> 1 ."), graph="http://g/a")
    store.load_file(write(tmp_path, "b.ttl", "<http://x/b> <http://x/p> 2 ."), graph="http://g/b")
    store.load_file(write(tmp_path, "a2.ttl", "<http://x/a> <http://x/p> 3 ."), graph="http://g/a")
    rows = {(r["g"].value, r["o"].value) for r in store.query("SELECT ?g ?o WHERE { GRAPH ?g { ?s ?p ?o } }")}
    assert rows == {("http://g/a", "3"), ("http://g/b", "2")}
    store.remove_graph("http://g/a")
    assert store.graphs() == ["http://g/b"]
    with pytest.raises(NotFoundError, match="no graph http://g/a"):
        store.remove_graph("http://g/a")


def test_queries_see_the_union_of_graphs(tmp_path: Path) -> None:
    store = Store.memory()
    store.load_file(write(tmp_path, "a.ttl", "<http://x/a> <http://x/p> <http://x/b> ."))
    store.load_file(write(tmp_path, "b.ttl", "<http://x/b> <http://x/p> <http://x/c> ."))
    hops = store.query("SELECT ?c WHERE { <http://x/a> <http://x/p>/<http://x/p> ?c }")
    assert [row["c"].value for row in hops] == ["http://x/c"]


@pytest.mark.parametrize("format_name", ["nquads", "trig", "jsonld"])
def test_export_import_round_trip_is_isomorphic(tmp_path: Path, format_name: str) -> None:
    store = Store.memory()
    store.load_file(write(tmp_path, "facts.ttl", TURTLE + "ex:colt ex:knows [ ex:name 'anon' ] .\n"))
    store.load_file(write(tmp_path, "more.ttl", "<http://x/a> <http://x/p> 'é ü' ."))
    backup = io.BytesIO()
    store.export(backup, format_name)
    copy = Store.memory()
    backup.seek(0)
    copy.restore(backup, format_name)
    assert copy.graphs() == store.graphs()
    for graph in store.graphs():
        original = as_dataset(store).graph(rdflib.URIRef(graph))
        restored = as_dataset(copy).graph(rdflib.URIRef(graph))
        assert len(original) > 0
        assert isomorphic(original, restored)


@pytest.mark.parametrize("format_name", ["turtle", "ntriples", "rdfxml"])
def test_single_graph_export_in_triple_formats_parses_back(tmp_path: Path, format_name: str) -> None:
    store = Store.memory()
    graph, _ = store.load_file(write(tmp_path, "facts.ttl", TURTLE))
    out = io.BytesIO()
    store.export(out, format_name, graph=graph)
    rdflib_format = {"turtle": "turtle", "ntriples": "nt", "rdfxml": "xml"}[format_name]
    expected = rdflib.Graph().parse(data=TURTLE, format="turtle")
    assert isomorphic(rdflib.Graph().parse(data=out.getvalue(), format=rdflib_format), expected)


def test_malformed_file_names_file_and_line_and_stores_nothing(tmp_path: Path) -> None:
    store = Store.memory()
    store.load_file(write(tmp_path, "good.ttl", TURTLE), graph="http://g/keep")
    before = set(store.quads())
    bad = write(tmp_path, "bad.ttl", "@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:a ex:b [ .\n")
    with pytest.raises(RdfParseError) as caught:
        store.load_file(bad, graph="http://g/keep")
    assert "bad.ttl:3" in str(caught.value)
    assert caught.value.line == 3
    assert set(store.quads()) == before
    assert store.revision() == 1


def test_unknown_extension_lists_the_supported_formats(tmp_path: Path) -> None:
    with pytest.raises(UnsupportedFormatError) as caught:
        Store.memory().load_file(write(tmp_path, "facts.xyz", TURTLE))
    message = str(caught.value)
    assert "'.xyz'" in message and "turtle (.ttl)" in message and "nquads (.nq)" in message


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="nope.ttl: no such file"):
        Store.memory().load_file(tmp_path / "nope.ttl")


def test_a_locked_data_dir_gives_a_clear_message(tmp_path: Path) -> None:
    hold = (
        "import sys, time; from pathlib import Path; from kg.store import Store; "
        "store = Store.open(Path(sys.argv[1])); print('ready', flush=True); time.sleep(60)"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", hold, str(tmp_path / "store")],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        with pytest.raises(StoreLockedError, match="in use by another ffkg process"):
            Store.open(tmp_path / "store")
    finally:
        holder.kill()
        holder.wait()


def test_a_crashed_replace_leaves_no_staging_graph(tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    engine = ox.Store(str(store_dir))
    engine.add(
        ox.Quad(
            ox.NamedNode("http://x/a"),
            ox.NamedNode("http://x/p"),
            ox.Literal("half"),
            ox.NamedNode("https://w3id.org/ffkg/graph/_staging/dead"),
        )
    )
    engine.flush()
    del engine
    with Store.open(store_dir) as store:
        assert store.graphs() == []
        assert list(store.quads()) == []


def test_stats_count_entities_per_class(tmp_path: Path) -> None:
    store = Store.memory()
    store.load_file(write(tmp_path, "facts.ttl", TURTLE))
    figures = store.stats()
    assert figures["documents"] == 1
    assert figures["classes"]["https://w3id.org/ffkg/ontology#Gunmaker"] == 1
    assert figures["graphs"] == 1


# -- the union default graph is a set ------------------------------------------------------------------

EX = "http://example.org/"
SHARED = ox.Triple(ox.NamedNode(EX + "colt"), ox.NamedNode(EX + "label"), ox.Literal("Colt"))


def own(name: str) -> ox.Triple:
    return ox.Triple(ox.NamedNode(EX + name), ox.NamedNode(EX + "in"), ox.Literal(name))


def union_rows(store: Store) -> list[tuple[str, str, str]]:
    """Every match of `?s ?p ?o` over the default graph, duplicates kept."""
    return sorted((r["s"].value, r["p"].value, r["o"].value) for r in store.query("SELECT * { ?s ?p ?o }"))


def test_a_triple_stated_by_several_documents_matches_once(tmp_path: Path) -> None:
    with Store.open(tmp_path / "store") as store:
        store.replace_graphs({EX + "doc1": [SHARED, own("one")], EX + "doc2": [SHARED, own("two")]})
        store.replace_graph(EX + "doc3", [SHARED])
        assert union_rows(store).count((EX + "colt", EX + "label", "Colt")) == 1
        count = next(iter(store.query(f"SELECT (COUNT(*) AS ?n) {{ <{EX}colt> ?p ?o }}")))["n"].value
        assert count == "1"
        assert len(list(store.query(f"SELECT ?g {{ GRAPH ?g {{ <{EX}colt> ?p ?o }} }}"))) == 3


def test_removing_or_replacing_a_document_keeps_what_others_still_state(tmp_path: Path) -> None:
    with Store.open(tmp_path / "store") as store:
        store.replace_graphs({EX + "doc1": [SHARED, own("one")], EX + "doc2": [SHARED, own("two")]})
        store.remove_graph(EX + "doc1")
        assert union_rows(store) == sorted([(EX + "colt", EX + "label", "Colt"), (EX + "two", EX + "in", "two")])
        store.replace_graph(EX + "doc2", [own("changed")])
        assert union_rows(store) == [(EX + "changed", EX + "in", "changed")]
        store.remove_graph(EX + "doc2")
        assert union_rows(store) == []


def test_updates_keep_the_union_in_step_and_direct_triples_apart(tmp_path: Path) -> None:
    with Store.open(tmp_path / "store") as store:
        store.replace_graph(EX + "doc1", [SHARED])
        store.update(f"INSERT DATA {{ <{EX}note> <{EX}says> 'direct' }}")
        store.update(f"INSERT DATA {{ GRAPH <{EX}doc2> {{ <{EX}colt> <{EX}label> 'Colt' . <{EX}x> <{EX}y> 'z' }} }} ;")
        assert len(union_rows(store)) == 3
        store.update(f"DELETE DATA {{ <{EX}colt> <{EX}label> 'Colt' }}")  # a union triple, not one of the default's
        assert len(union_rows(store)) == 3
        store.update(f"DROP GRAPH <{EX}doc1> ; DELETE WHERE {{ GRAPH <{EX}doc2> {{ <{EX}colt> ?p ?o }} }}")
        assert union_rows(store) == sorted([(EX + "note", EX + "says", "direct"), (EX + "x", EX + "y", "z")])
        assert [q.graph_name for q in store.quads() if q.subject.value == EX + "note"] == [ox.DefaultGraph()]
        assert store.stats()["triples"] == 2
        store.update(f"DELETE DATA {{ <{EX}note> <{EX}says> 'direct' }}")
        assert union_rows(store) == [(EX + "x", EX + "y", "z")]


def test_a_syntax_error_in_an_update_points_into_the_text_sent(tmp_path: Path) -> None:
    with Store.open(tmp_path / "store") as store, pytest.raises(SyntaxError) as raised:
        store.update(f"DELETE DATA {{ <{EX}a> <{EX}b> }}")
    assert "1:" in str(raised.value)


def test_backups_hold_sources_and_restore_rebuilds_the_union(tmp_path: Path) -> None:
    with Store.open(tmp_path / "store") as store:
        store.replace_graphs({EX + "doc1": [SHARED], EX + "doc2": [SHARED, own("two")]})
        store.update(f"INSERT DATA {{ <{EX}note> <{EX}says> 'direct' }}")
        backup = io.BytesIO()
        store.export(backup, "nquads")
        assert len(backup.getvalue().decode().splitlines()) == 4
        store.remove_graph(EX + "doc2")
        store.restore(io.BytesIO(backup.getvalue()), "nquads")
        assert len(union_rows(store)) == 3


def test_a_data_dir_from_before_the_set_union_gets_it_on_open(tmp_path: Path) -> None:
    engine = ox.Store(str(tmp_path / "store"))
    for graph in ("doc1", "doc2"):
        engine.add(ox.Quad(SHARED.subject, SHARED.predicate, SHARED.object, ox.NamedNode(EX + graph)))
    engine.flush()
    del engine
    with Store.open(tmp_path / "store") as store:
        assert union_rows(store) == [(EX + "colt", EX + "label", "Colt")]
        assert (tmp_path / "store" / "LAYOUT").exists()


def test_loading_quads_into_a_fresh_store_builds_the_union(tmp_path: Path) -> None:
    nquads = (
        "".join(f'<{EX}colt> <{EX}label> "Colt" <{EX}{graph}> .\n' for graph in ("doc1", "doc2"))
        + f'<{EX}note> <{EX}says> "direct" .\n'
    )
    source = write(tmp_path, "data.nq", nquads)
    with Store.open(tmp_path / "store") as store:
        store.load_file(source)
        assert len(union_rows(store)) == 2
        assert store.graphs() == [EX + "doc1", EX + "doc2"]
        store.load_file(source)  # a second load replaces the graphs through transactions
        assert len(union_rows(store)) == 2


def test_snapshots_are_per_revision_and_go_when_superseded_and_unread(tmp_path: Path) -> None:
    """Reader processes open snapshots, never the store this process writes."""
    with Store.open(tmp_path / "store") as store:
        store.replace_graph(EX + "doc1", [SHARED])
        assert store.acquire_taken_snapshot() is None
        first = store.acquire_snapshot()
        assert store.acquire_taken_snapshot() == first == (first.path, store.revision())
        store.replace_graph(EX + "doc2", [own("two")])
        assert store.acquire_taken_snapshot() is None
        second = store.acquire_snapshot()
        assert len(list(ox.Store.read_only(str(first.path)).query("SELECT * { ?s ?p ?o }"))) == 1  # its revision's
        assert len(list(ox.Store.read_only(str(second.path)).query("SELECT * { ?s ?p ?o }"))) == 2
        store.release_snapshot(first)
        assert first.path.exists()  # one reader still holds it
        store.release_snapshot(first)
        assert not first.path.exists()  # superseded and unread
        store.release_snapshot(second)
        assert second.path.exists()  # unread, but still the current revision's
    assert not second.path.parent.exists()  # closing the store removes them all


def test_data_updates_keep_the_union_in_step_triple_by_triple(tmp_path: Path) -> None:
    """INSERT DATA / DELETE DATA get steps for the triples they name, judged after the whole update."""
    with Store.open(tmp_path / "store") as store:
        store.replace_graphs({EX + "doc1": [SHARED], EX + "doc2": [SHARED, own("two")]})
        store.update(f"DELETE DATA {{ GRAPH <{EX}doc1> {{ <{EX}colt> <{EX}label> 'Colt' }} }}")
        assert (EX + "colt", EX + "label", "Colt") in union_rows(store)  # doc2 still states it
        store.update(
            f"PREFIX ex: <{EX}> INSERT DATA {{ GRAPH ex:doc3 {{ ex:a ex:b 'temp'@en, 7 }} }} ;"
            f" DELETE DATA {{ GRAPH ex:doc3 {{ ex:a ex:b 'temp'@en }} }}"
        )
        rows = union_rows(store)
        assert (EX + "a", EX + "b", "7") in rows and (EX + "a", EX + "b", "temp") not in rows
        store.update(f'DELETE DATA {{ <{EX}two> <{EX}in> "two" }}')  # direct delete of a stated triple
        assert (EX + "two", EX + "in", "two") in union_rows(store)
        store.update(f'INSERT DATA {{ GRAPH <{EX}doc4> {{ _:x <{EX}b> "blank" }} }}')  # blank node: whole pass
        assert (EX + "b", "blank") in [(p, o) for _, p, o in union_rows(store)]
        store.update(f"DELETE DATA {{ GRAPH <{EX}doc2> {{ <{EX}colt> <{EX}label> 'Colt' }} }}")
        assert (EX + "colt", EX + "label", "Colt") not in union_rows(store)
