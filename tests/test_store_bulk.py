"""Bulk loading (`Store.write_quads`, what `ffkg load` runs): fast, and all or nothing across a crash.

The engine's bulk loader has no transaction. These tests kill a real loading process part-way and
reopen the store: it must hold what it held before the load, or the whole load, never a part. The
engine ingests a load of under a million quads in one step, so a kill there leaves nothing to undo;
bigger loads land in steps, and what a load cut short between them left is made by hand below (the
engine's own bulk loader, then the marker a loader leaves until it is done) and must go on reopen.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox

from kg.store import BULK_LOAD_FILE, Store

#: Enough quads that a load takes a noticeable while, so the kill lands during it.
CRASH_QUADS = 200_000
GRAPHS = 400

LOADER = f"""
import sys
from pathlib import Path
import pyoxigraph as ox
from kg.store import Store

store = Store.open(Path(sys.argv[1]))
quads = [
    ox.Quad(ox.NamedNode(f"http://x/s{{i}}"), ox.NamedNode("http://x/p"), ox.Literal(str(i)),
            ox.NamedNode(f"http://x/new/{{i % {GRAPHS}}}"))
    for i in range({CRASH_QUADS})
]
print("loading", flush=True)
store.write_quads(quads)
store.close()
"""


def quad(s: str, o: str, graph: str | None) -> ox.Quad:
    name = ox.DefaultGraph() if graph is None else ox.NamedNode(graph)
    return ox.Quad(ox.NamedNode(f"http://x/{s}"), ox.NamedNode("http://x/p"), ox.Literal(o), name)


def count(store: Store, graph: str | None = None) -> int:
    return sum(1 for _ in store.quads(graph))


def test_a_fresh_store_takes_every_quad_in_one_revision(tmp_path: Path) -> None:
    quads = [quad(f"s{i}", str(i), f"http://g/{i % 3}") for i in range(30)] + [quad("mine", "1", None)]
    with Store.open(tmp_path / "store") as store:
        store.write_quads(quads)
        assert set(store.quads()) == set(quads)
        assert store.revision() == 1
    assert not (tmp_path / "store" / BULK_LOAD_FILE).exists()


def test_new_graphs_join_what_the_store_holds_and_named_graphs_are_replaced(tmp_path: Path) -> None:
    with Store.open(tmp_path / "store") as store:
        store.write_quads(
            [quad("old", "1", "http://g/kept"), quad("old", "2", "http://g/replaced"), quad("u", "1", None)]
        )
        store.write_quads(
            [quad("new", "1", "http://g/new"), quad("new", "2", "http://g/replaced"), quad("u", "2", None)]
        )
        held = {
            (q.object.value, None if isinstance(q.graph_name, ox.DefaultGraph) else q.graph_name.value)
            for q in store.quads()
        }
    assert held == {
        ("1", "http://g/kept"),
        ("2", "http://g/replaced"),
        ("1", "http://g/new"),
        ("1", None),
        ("2", None),
    }


def _kill_mid_load(store_dir: Path) -> bool:
    """Start a loader process and kill it once its bulk load has begun; True if the load was cut short
    (its marker is still there), False if it finished in the instant before the kill."""
    loader = subprocess.Popen(
        [sys.executable, "-c", LOADER, str(store_dir)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert loader.stdout is not None and loader.stderr is not None
    assert loader.stdout.readline().strip() == "loading", loader.stderr.read()
    deadline = time.monotonic() + 300
    while not (store_dir / BULK_LOAD_FILE).exists() and loader.poll() is None and time.monotonic() < deadline:
        time.sleep(0.001)
    os.kill(loader.pid, signal.SIGKILL)
    loader.wait()
    return (store_dir / BULK_LOAD_FILE).exists()


def test_a_load_into_an_empty_store_killed_part_way_leaves_it_empty(tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    cut_short = _kill_mid_load(store_dir)
    with Store.open(store_dir) as store:
        assert count(store) == (0 if cut_short else CRASH_QUADS)
        assert store.graphs() == ([] if cut_short else sorted(f"http://x/new/{i}" for i in range(GRAPHS)))
    assert not (store_dir / BULK_LOAD_FILE).exists()
    assert cut_short, "the loader finished before it could be killed; CRASH_QUADS is too small to test a crash"


def test_a_load_of_new_graphs_killed_part_way_leaves_what_was_there(tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    before = [quad("old", "1", "http://g/kept"), quad("mine", "1", None)]
    with Store.open(store_dir) as store:
        store.write_quads(before)
        revision = store.revision()
    cut_short = _kill_mid_load(store_dir)
    with Store.open(store_dir) as store:
        assert set(before) <= set(store.quads())
        assert count(store) == len(before) + (0 if cut_short else CRASH_QUADS)
        assert store.revision() > revision
    assert cut_short, "the loader finished before it could be killed; CRASH_QUADS is too small to test a crash"


def _leave_unfinished_load(store_dir: Path, quads: list[ox.Quad], graphs: list[str] | None) -> None:
    """What a loader killed between two of the engine's steps leaves: part of its quads and its marker."""
    engine = ox.Store(str(store_dir))
    engine.bulk_extend(quads)
    engine.flush()
    del engine
    (store_dir / BULK_LOAD_FILE).write_text(json.dumps({"graphs": graphs}))


def test_opening_removes_the_part_of_a_load_into_an_empty_store(tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    Store.open(store_dir).close()
    _leave_unfinished_load(store_dir, [quad("s", "1", "http://g/a"), quad("s", "2", None)], None)
    with Store.open(store_dir) as store:
        assert count(store) == 0
        assert store.revision() == 1
    assert not (store_dir / BULK_LOAD_FILE).exists()


def test_opening_removes_the_part_of_a_load_of_new_graphs_and_keeps_the_rest(tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    before = [quad("old", "1", "http://g/kept"), quad("mine", "1", None)]
    with Store.open(store_dir) as store:
        store.write_quads(before)
    _leave_unfinished_load(store_dir, [quad("new", "1", "http://g/new1")], ["http://g/new1", "http://g/new2"])
    with Store.open(store_dir) as store:
        assert set(store.quads()) == set(before)
        assert store.revision() == 2
    assert not (store_dir / BULK_LOAD_FILE).exists()
