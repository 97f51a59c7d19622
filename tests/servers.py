"""Real SPARQL servers for tests and benchmarks, started on free 127.0.0.1 ports in a private folder.

`oxigraph serve` comes with the `oxigraph` PyPI package and runs everywhere. Virtuoso comes
from Debian (`bash .ci/virtuoso.sh`); without it its tests skip, except under `CI=true`,
where a Virtuoso that cannot start fails the run.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from kg.backends.sparql import SparqlStore
from kg.settings import Settings

VIRTUOSO_INI = Path(__file__).resolve().parents[1] / ".ci" / "virtuoso.ini"
#: Above Virtuoso's default of 10,000 (which cuts results silently) yet low enough for a test to exceed.
VIRTUOSO_MAX_ROWS = 50_000


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def oxigraph_server(folder: Path, *, read_only: bool = False, union: bool = False) -> Iterator[dict[str, Any]]:
    """`oxigraph serve` on disk in `folder` (or `serve-read-only` on an existing one); yields ffkg's settings for it.

    `union` makes the server's default graph the union of its graphs, and tells ffkg so.
    """
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    mode = "serve-read-only" if read_only else "serve"
    command = [_binary("oxigraph"), mode, "--location", str(folder / "oxigraph"), "--bind", f"127.0.0.1:{port}"]
    if union:
        command.append("--union-default-graph")
    with running(command, folder, f"{base}/query?query=ASK%7B%7D", log=folder / "oxigraph.log", wait=30):
        yield {
            "store": "sparql",
            "sparql_query_url": f"{base}/query",
            "sparql_update_url": f"{base}/update",
            "sparql_graph_store_url": f"{base}/store",
            **({"sparql_union_default_graph": True} if union else {}),
        }


@contextmanager
def virtuoso_server(folder: Path, *, max_rows: int = VIRTUOSO_MAX_ROWS) -> Iterator[dict[str, Any]]:
    """Virtuoso with a private database in `folder`, HTTP and SQL on loopback, writes via digest auth."""
    http_port, sql_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    text = VIRTUOSO_INI.read_text().replace("@DIR@", str(folder))
    for key, value in {"@HTTP_PORT@": http_port, "@SQL_PORT@": sql_port, "@MAX_ROWS@": max_rows}.items():
        text = text.replace(key, str(value))
    ini.write_text(text)
    base = f"http://127.0.0.1:{http_port}"
    command = [_binary("virtuoso-t"), "+configfile", str(ini), "+foreground"]
    with running(command, folder, f"{base}/sparql?query=ASK%7B%7D", log=folder / "virtuoso.out", wait=90):
        yield {
            "store": "sparql",
            "sparql_query_url": f"{base}/sparql-auth",
            "sparql_graph_store_url": f"{base}/sparql-graph-crud-auth",
            "sparql_auth": "digest",
            "sparql_user": "dba",
            "sparql_password": "dba",
        }


def virtuoso_missing() -> str | None:
    """Why Virtuoso tests cannot run here, or None when they can."""
    if shutil.which("virtuoso-t"):
        return None
    return "Virtuoso is not installed; run `bash .ci/virtuoso.sh` (installs virtuoso-opensource) to enable these tests"


def fresh(settings: dict[str, Any]) -> SparqlStore:
    """A store on the server with none of an earlier test's graphs left."""
    store = SparqlStore.connect(Settings(**settings))
    store._replace_all([])
    return store


@pytest.fixture(scope="session")
def oxigraph_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph")) as settings:
        yield settings


@pytest.fixture(scope="session")
def virtuoso_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    reason = virtuoso_missing()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI needs Virtuoso: {reason}")
        pytest.skip(reason)
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso")) as settings:
        yield settings


def _binary(name: str) -> str:
    """A program installed with this Python (an unactivated venv's bin), else one on PATH."""
    beside = Path(sys.executable).with_name(name)
    if beside.is_file():
        return str(beside)
    found = shutil.which(name)
    if found is None:
        raise FileNotFoundError(f"{name} is neither beside {sys.executable} nor on PATH")
    return found


@contextmanager
def running(
    command: list[str], folder: Path, ready_url: str, *, log: Path, wait: float, env: dict[str, str] | None = None
) -> Iterator[None]:
    """Run a server until the block ends; fail with its log if it does not answer within `wait` seconds."""
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=folder, stdout=out, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.monotonic() + wait
        while not _answers(ready_url):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{command[0]} did not start (exit {process.poll()}):\n{log.read_text()[-2000:]}")
            time.sleep(0.2)
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False
