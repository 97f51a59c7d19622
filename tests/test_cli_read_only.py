"""Commands that only read: they never create a store, work while `ffkg serve` holds it, and
`ffkg query` stops at its timeout or on Ctrl-C. Real CLI, real on-disk store, a real server process."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from conftest import TOKEN, ffkg_serve, fill, interruptible, lawsuit_extraction, seizure_extraction

from kg.cli import main
from kg.store import Store

GENEROUS = 120.0
#: A join no engine finishes within hours on the small world: 60 triples to the 12th power.
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(f"?s{i} ?p{i} ?o{i} ." for i in range(12)) + " }"
#: The installed command, beside this interpreter.
FFKG = [str(Path(sys.executable).with_name("ffkg"))]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """An on-disk store holding the small world's two documents."""
    with Store.open(tmp_path / "data" / "store") as store:
        fill(store, lawsuit_extraction(), seizure_extraction())
    return tmp_path / "data"


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    "command",
    [
        ["query", "ASK { ?s ?p ?o }"],
        ["documents"],
        ["stats"],
        ["flows"],
        ["neighbors", "Mexico"],
        ["export"],
        ["centrality"],
        ["communities"],
        ["show", "Mexico"],
        ["path", "Mexico", "Glock"],
        ["validate"],
        ["curate", "list"],
        ["remove", "doc/lawsuit"],
        ["curate", "merge", "Glock", "Glock Inc"],
        ["curate", "undo", "1"],
    ],
)
def test_a_command_on_a_missing_data_dir_names_it_and_creates_nothing(tmp_path: Path, command: list[str]) -> None:
    """Commands that read, and those that change what is stored (remove, curate), need a store to exist."""
    missing = tmp_path / "mistyped"
    code, _, err = invoke(*command, "--data-dir", str(missing))
    assert code == 1
    assert f"no ffkg store at {missing / 'store'}" in err
    assert "--data-dir" in err
    assert not missing.exists()


def test_query_stops_at_its_timeout_and_frees_the_store(data_dir: Path) -> None:
    code, _, err = invoke("query", ENDLESS, "--timeout", "1", "--data-dir", str(data_dir))
    assert code == 1
    assert "ran past the 1 s limit" in err and "--timeout" in err
    Store.open(data_dir / "store").close()  # nobody holds the store any more


def test_query_honours_the_timeout_setting(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FFKG_QUERY_TIMEOUT", "1")
    code, _, err = invoke("query", ENDLESS, "--data-dir", str(data_dir))
    assert code == 1
    assert "ran past the 1 s limit" in err


def _children(pid: int) -> list[int]:
    """Child processes of `pid` (Linux /proc); a thread that ends while it is read has none."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            children = (task / "children").read_text().split()
        except FileNotFoundError:
            continue
        found += [int(child) for child in children]
    return found


def test_ctrl_c_stops_a_running_query_and_its_worker(data_dir: Path) -> None:
    command = [*FFKG, "query", ENDLESS, "--timeout", str(GENEROUS), "--data-dir", str(data_dir)]
    process = interruptible(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + GENEROUS
        while not _children(process.pid):  # the worker process is running the query
            assert time.monotonic() < deadline and process.poll() is None, (
                process.stderr.read() if process.stderr else ""
            )
            time.sleep(0.05)
        (worker,) = _children(process.pid)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=GENEROUS)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130
    assert "interrupted" in err
    assert not Path(f"/proc/{worker}").exists() or "zombie" in Path(f"/proc/{worker}/status").read_text()
    Store.open(data_dir / "store").close()


def _running(pid: int) -> bool:
    """The process exists and has not ended (a zombie has ended; its parent has yet to reap it)."""
    try:
        return "zombie" not in Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False


def _reads_under(pid: int, folder: Path) -> bool:
    """The process has a file under `folder` open."""
    try:
        return any(os.readlink(fd).startswith(str(folder)) for fd in Path(f"/proc/{pid}/fd").iterdir())
    except FileNotFoundError:
        return False


def test_a_query_worker_ends_when_its_command_is_killed_outright(data_dir: Path) -> None:
    """SIGKILL leaves `ffkg query` no chance to stop its worker: the worker notices it lost its parent."""
    command = [*FFKG, "query", ENDLESS, "--timeout", str(GENEROUS), "--data-dir", str(data_dir)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + GENEROUS
        while not (workers := _children(process.pid)) or not _reads_under(workers[0], data_dir):
            assert time.monotonic() < deadline and process.poll() is None
            time.sleep(0.05)
        (worker,) = workers  # it has opened the store's snapshot: it is running the query
    finally:
        process.kill()
        process.wait()
    deadline = time.monotonic() + GENEROUS
    while _running(worker):
        assert time.monotonic() < deadline, f"worker {worker} still runs the query its killed parent started"
        time.sleep(0.1)


@pytest.fixture
def served(data_dir: Path) -> Iterator[str]:
    """`ffkg serve` in its own process, holding the store, with writes enabled."""
    with ffkg_serve(Path(FFKG[0]), data_dir, cwd=data_dir, env={**os.environ, "FFKG_WRITE_TOKEN": TOKEN}) as url:
        yield url


def test_read_only_commands_work_while_serve_holds_the_store(data_dir: Path, served: str) -> None:
    with pytest.raises(Exception, match="in use by another ffkg process"):
        Store.open(data_dir / "store")
    code, out, err = invoke(
        "query",
        "SELECT ?t WHERE { ?d <https://w3id.org/ffkg/ontology#title> ?t }",
        "--format",
        "json",
        "--data-dir",
        str(data_dir),
    )
    assert code == 0, err
    assert sorted(row["t"] for row in json.loads(out)) == [
        "Cartel rifles seized in Sonora",
        "Mexico sues US gunmakers in Boston",
    ]
    code, out, err = invoke("documents", "--data-dir", str(data_dir))
    assert code == 0, err
    assert "mexico-sues-gunmakers" in out and "sonora-seizure" in out
    for command in (["stats"], ["flows"], ["neighbors", "Colt"], ["path", "Colt", "Mexico"]):
        code, out, err = invoke(*command, "--data-dir", str(data_dir))
        assert code == 0, (command, err)


def test_a_command_run_after_a_write_over_http_reads_the_write(data_dir: Path, served: str) -> None:
    written = httpx.post(
        f"{served}/update",
        data={"update": 'INSERT DATA { <urn:x:new> <http://www.w3.org/2000/01/rdf-schema#label> "written" }'},
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=GENEROUS,
    )
    assert written.status_code in (200, 204), written.text
    code, out, err = invoke("query", 'ASK { <urn:x:new> ?p "written" }', "--data-dir", str(data_dir))
    assert code == 0, err
    assert out.strip() == "true"


def test_a_store_held_by_a_process_that_publishes_no_snapshot_is_a_clear_error(data_dir: Path) -> None:
    (data_dir / "store.served.json").write_text(json.dumps({"path": str(data_dir / "gone"), "revision": 1}))
    with Store.open(data_dir / "store"):  # held, like an ingest would, and the pointer a crashed server left
        code, _, err = invoke("documents", "--data-dir", str(data_dir))
    assert code == 1
    assert "in use by another ffkg process" in err and "publishes no snapshot" in err
