"""Backups: `ffkg export` of the whole dataset and `ffkg restore` give back an isomorphic dataset.

Runs the real command line in subprocesses on on-disk stores, and compares graph by graph
(every named graph and the default graph) with `rdflib.compare.isomorphic`.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import fill, lawsuit_extraction, seizure_extraction
from reliability_support import same_graph

from kg.store import Store

FFKG = str(Path(sys.executable).with_name("ffkg"))
AWKWARD = """
PREFIX ex: <urn:ffkg-test:>
INSERT DATA {
  GRAPH ex:awkward {
    ex:s ex:text "line one\\nline \\"two\\"\\ttabbed \\\\ back", "Ciudad Juárez 🔫", "fusil"@es, "fusil"@fr,
                 "1.50"^^<http://www.w3.org/2001/XMLSchema#decimal>, "<b>not markup</b>" .
    ex:s ex:has [ ex:name "an anonymous smuggler" ; ex:knows [ ex:name "another" ] ] .
  }
  GRAPH ex:empty-literal { ex:s ex:text "" }
  ex:in-default ex:text "a triple in the default graph" .
}
"""


def ffkg(*arguments: str) -> subprocess.CompletedProcess:
    result = subprocess.run([FFKG, *arguments], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result


def graph_names(store: Store) -> set[str]:
    return {g.value for g in store.engine.named_graphs() if isinstance(g, ox.NamedNode)}


def default_quads(store: Store) -> list[ox.Quad]:
    return list(store.engine.quads_for_pattern(None, None, None, ox.DefaultGraph()))


@pytest.fixture
def original(tmp_path: Path) -> Path:
    """A data dir with two extracted documents, awkward literals, blank nodes and a default-graph triple."""
    data_dir = tmp_path / "original"
    with fill(Store.open(data_dir / "store"), lawsuit_extraction(), seizure_extraction()) as store:
        store.update(AWKWARD)
    return data_dir


@pytest.mark.parametrize(("format_name", "suffix"), [("nquads", "nq"), ("trig", "trig")])
def test_export_then_restore_gives_an_isomorphic_dataset(tmp_path: Path, original: Path, format_name: str, suffix: str):
    backup = tmp_path / f"backup.{suffix}"
    ffkg("export", "--format", format_name, "-o", str(backup), "--data-dir", str(original))
    restored = tmp_path / "restored"
    with Store.open(restored / "store") as store:
        store.update('INSERT DATA { GRAPH <urn:ffkg-test:left-over> { <urn:a> <urn:b> "x" } }')
    ffkg("restore", str(backup), "--yes", "--data-dir", str(restored))

    with Store.open(original / "store") as before, Store.open(restored / "store") as after:
        assert graph_names(after) == graph_names(before)
        assert len(graph_names(before)) == 6  # two documents, their entities and facts, two of the user's
        for graph in graph_names(before):
            assert same_graph(after.quads(graph), before.quads(graph)), graph
        assert default_quads(before) and same_graph(default_quads(after), default_quads(before))
        assert after.stats() == before.stats()


def test_a_damaged_backup_is_refused_and_the_store_is_left_alone(tmp_path: Path, original: Path) -> None:
    backup = tmp_path / "backup.nq"
    ffkg("export", "-o", str(backup), "--data-dir", str(original))
    damaged = tmp_path / "damaged.nq"
    text = backup.read_text(encoding="utf-8")
    damaged.write_text(text[: len(text) // 2] + "\n<urn:cut-off> <urn:p\n", encoding="utf-8")
    with Store.open(original / "store") as store:
        snapshot = set(store.quads())

    result = subprocess.run(
        [FFKG, "restore", str(damaged), "--yes", "--data-dir", str(original)], capture_output=True, text=True
    )
    assert result.returncode == 1
    assert "damaged.nq" in result.stderr and "Traceback" not in result.stderr
    with Store.open(original / "store") as store:
        assert set(store.quads()) == snapshot
