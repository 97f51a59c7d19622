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


# -- helpers for the snapshot test ---------------------------------------------------------------------

EX = "http://example.org/"
SHARED = ox.Triple(ox.NamedNode(EX + "colt"), ox.NamedNode(EX + "label"), ox.Literal("Colt"))


def own(name: str) -> ox.Triple:
    return ox.Triple(ox.NamedNode(EX + name), ox.NamedNode(EX + "in"), ox.Literal(name))


def test_a_syntax_error_in_an_update_points_into_the_text_sent(tmp_path: Path) -> None:
    with Store.open(tmp_path / "store") as store, pytest.raises(SyntaxError) as raised:
        store.update(f"DELETE DATA {{ <{EX}a> <{EX}b> }}")
    assert "1:" in str(raised.value)


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
        assert (
            len(
                list(
                    ox.Store.read_only(str(first.path)).query("SELECT * { ?s ?p ?o }", use_default_graph_as_union=True)
                )
            )
            == 1
        )  # its revision's
        assert (
            len(
                list(
                    ox.Store.read_only(str(second.path)).query("SELECT * { ?s ?p ?o }", use_default_graph_as_union=True)
                )
            )
            == 2
        )
        store.release_snapshot(first)
        assert first.path.exists()  # one reader still holds it
        store.release_snapshot(first)
        assert not first.path.exists()  # superseded and unread
        store.release_snapshot(second)
        assert second.path.exists()  # unread, but still the current revision's
    assert not second.path.parent.exists()  # closing the store removes them all
