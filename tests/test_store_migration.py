"""A data dir written by the release before the facts-once model opens, migrated after a backup.

The fixture holds every quad of such a data dir as the engine kept it (see tests/fixtures/README.md):
two ingested examples whose graphs restate their entities and facts, the set copy of their union
in the default graph, a user's own default-graph triple and a user's named graph.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pyoxigraph as ox

from kg.iris import ENTITIES_GRAPH, FACTS_GRAPH, ONTOLOGY
from kg.store import LAYOUT, UNION_COPY_LAYOUT, Store

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "store-v1.nq.gz"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
DOCUMENTS = (
    "https://w3id.org/ffkg/graph/001-mexico-sues-us-gunmakers-in-boston",
    "https://w3id.org/ffkg/graph/002-supreme-court-ends-mexico-gun-suit",
)


def old_data_dir(path: Path) -> Path:
    """The fixture's quads in an on-disk store marked with the old layout, as the old release left it."""
    engine = ox.Store(str(path))
    engine.bulk_extend(ox.parse(gzip.decompress(FIXTURE.read_bytes()), format=ox.RdfFormat.N_QUADS))
    engine.flush()
    del engine
    (path / "LAYOUT").write_text(UNION_COPY_LAYOUT + "\n")
    return path


def count(store: Store, where: str) -> int:
    return int(next(iter(store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")))["n"].value)


def test_an_old_data_dir_is_backed_up_and_migrated_on_open(tmp_path: Path) -> None:
    path = old_data_dir(tmp_path / "store")
    raw = len(ox.Store.read_only(str(path)))
    with Store.open(path) as store:
        assert (path / "LAYOUT").read_text().strip() == LAYOUT
        backups = list(tmp_path.glob("store.backup-before-*"))
        assert len(backups) == 1 and len(ox.Store.read_only(str(backups[0]))) == raw

        default = {(q.subject.value, q.object.value) for q in store.quads() if q.graph_name == ox.DefaultGraph()}
        assert default == {("urn:user:note", "mine")}  # the union's copies are gone, the user's triple stays
        assert {ox.Triple(q.subject, q.predicate, q.object) for q in store.quads("urn:user:graph")} == {
            ox.Triple(ox.NamedNode("urn:user:a"), ox.NamedNode("urn:user:b"), ox.Literal("c"))
        }
        assert store.graphs() == sorted([*DOCUMENTS, "urn:user:graph"])

        for graph in DOCUMENTS:  # a document's graph keeps its node, mentions and evidence only
            assert count(store, f"GRAPH <{graph}> {{ ?e <http://www.w3.org/2000/01/rdf-schema#label> ?l }}") == 0
            assert count(store, f"GRAPH <{graph}> {{ ?ev a <{ONTOLOGY}Evidence> ; <{ONTOLOGY}supports> ?f }}") > 0
            assert count(store, f"GRAPH <{graph}> {{ ?d <{ONTOLOGY}story> ?s }}") == 1
        typed = f"GRAPH ?g {{ ?s a <{ONTOLOGY}Gunmaker> }} FILTER(?g != <{ENTITIES_GRAPH}>)"
        assert count(store, typed) == 0  # entities are described in the entities graph only
        # every evidence record supports a fact that exists once, with its counts
        assert (
            count(
                store,
                f"?ev <{ONTOLOGY}supports> ?f FILTER NOT EXISTS {{ GRAPH <{FACTS_GRAPH}> "
                f"{{ ?f <{RDF}subject> ?s ; <{ONTOLOGY}corroboration> ?c }} }}",
            )
            == 0
        )
        shared = count(store, f"GRAPH <{FACTS_GRAPH}> {{ ?f <{ONTOLOGY}documentCount> 2 }}")
        assert shared > 0  # both examples state some of the same facts
        duplicates = count(
            store,
            "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?s ?p ?o HAVING (COUNT(?g) > 1)",
        )
        assert duplicates == 0  # each triple lives in exactly one graph
    with Store.open(path):  # a second open finds the new layout and changes nothing
        assert len(list(tmp_path.glob("store.backup-before-*"))) == 1
