"""Limits and paths: bodies past max_body_bytes are 413 however they are sent; nothing reads outside the data dir.

Traversal attempts go over a raw socket (http.client sends the path as written, `..` and all)
to a live server whose store is on disk next to a secret file, and through every route with a
path parameter, the static files, Graph Store and triple-pattern IRIs, SPARQL SERVICE and LOAD.
"""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import TOKEN, LiveServer, app_settings, fill, lawsuit_extraction
from fastapi.testclient import TestClient

from api.app import create_app
from kg.store import Store

LIMIT = 4_000
SECRET = "ffkg-secret-marker-5b1f"
UPDATE = "application/sparql-update"
BODY_ROUTES = [
    ("POST", "/sparql", {}, "application/sparql-query"),
    ("POST", "/sparql", {}, "application/x-www-form-urlencoded"),
    ("POST", "/update", {}, UPDATE),
    ("PUT", "/graph-store", {"graph": "urn:ffkg-test:big"}, "application/n-triples"),
    ("POST", "/graph-store", {"graph": "urn:ffkg-test:big"}, "application/n-triples"),
    ("POST", "/graph-store", {}, "text/turtle"),
]
TRAVERSALS = [
    "../../../../../../../../etc/passwd",
    "..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
    "%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "%252e%252e%252f%252e%252e%252fetc%252fpasswd",
    "..\\..\\..\\..\\etc\\passwd",
    "....//....//....//etc/passwd",
    "/etc/passwd",
    "file:///etc/passwd",
    "../../secret.txt",
    "..%2f..%2fsecret.txt",
    "../../../secret.txt",
]


def chunks(size: int) -> Iterator[bytes]:
    """A body sent without Content-Length (chunked), so only counting while reading can stop it."""
    line = b'<urn:s> <urn:p> "' + b"x" * 90 + b'" .\n'
    for _ in range(size // len(line) + 1):
        yield line


@pytest.mark.parametrize(("method", "path", "params", "media_type"), BODY_ROUTES)
@pytest.mark.parametrize("chunked", [True, False], ids=["chunked", "declared"])
def test_a_body_past_the_limit_is_413_and_changes_nothing(
    small_store: Store, method: str, path: str, params: dict, media_type: str, chunked: bool
) -> None:
    before = (set(small_store.quads()), small_store.revision())
    app = create_app(app_settings(write_token=TOKEN, max_body_bytes=LIMIT), small_store)
    content = chunks(LIMIT * 3) if chunked else b"".join(chunks(LIMIT * 3))
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": media_type}
    with TestClient(app) as client:
        response = client.request(method, path, params=params, content=content, headers=headers)
    assert response.status_code == 413, response.text
    assert response.json()["limit"] == "max_body_bytes"
    assert (set(small_store.quads()), small_store.revision()) == before


@pytest.fixture(scope="module")
def exposed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, Store]]:
    """A live server over an on-disk store, with a secret file beside the data dir and one inside it."""
    root = tmp_path_factory.mktemp("exposed")
    (root / "secret.txt").write_text(SECRET)
    store = fill(Store.open(root / "data" / "store"), lawsuit_extraction())
    (root / "data" / "secret.txt").write_text(SECRET)
    with LiveServer(create_app(app_settings(write_token=TOKEN, data_dir=root / "data"), store)) as server:
        yield server, store
    store.close()


def raw_get(server: LiveServer, target: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    try:
        connection.request("GET", target, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read().decode(errors="replace")
    finally:
        connection.close()


def path_routes(server: LiveServer) -> list[str]:
    """Every GET route with a path parameter, from the app's schema, plus the static files."""
    status, text = raw_get(server, "/openapi.json")
    assert status == 200
    schema = json.loads(text)
    routes = [path for path, operations in schema["paths"].items() if "{" in path and "get" in operations]
    return [*routes, "/static/{file}"]


@pytest.mark.parametrize("attempt", TRAVERSALS)
def test_no_path_parameter_reads_a_file(exposed: tuple[LiveServer, Store], attempt: str) -> None:
    server, _ = exposed
    routes = path_routes(server)
    assert len(routes) >= 4
    for route in routes:
        target = route[: route.index("{")] + attempt
        for suffix in ("", "?format=json"):
            status, body = raw_get(server, target + suffix)
            assert status in (200, 400, 404, 405, 409, 422), (target, status)
            assert SECRET not in body and "root:x:0:0" not in body, target


@pytest.mark.parametrize(
    "target",
    [
        "/graph-store?graph=file:///etc/passwd",
        "/graph-store?graph=file:///proc/self/environ",
        "/api/triples?graph=file:///etc/passwd",
        "/api/triples?s=file:///etc/passwd",
        "/sparql?query=SELECT%20*%20WHERE%20%7B%20SERVICE%20%3Cfile%3A%2F%2F%2Fetc%2Fpasswd%3E%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D%20%7D",
        "/sparql?query=SELECT%20*%20FROM%20%3Cfile%3A%2F%2F%2Fetc%2Fpasswd%3E%20WHERE%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D",
    ],
)
def test_file_iris_are_names_never_files(exposed: tuple[LiveServer, Store], target: str) -> None:
    server, _ = exposed
    _, body = raw_get(server, target)
    assert SECRET not in body and "root:x:0:0" not in body and "PATH=/" not in body


def test_sparql_load_of_a_file_reads_nothing(exposed: tuple[LiveServer, Store]) -> None:
    server, store = exposed
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    for source in ("file:///etc/passwd", f"file://{Path(store.path).parent.parent / 'secret.txt'}"):
        connection.request(
            "POST",
            "/update",
            body=f"LOAD SILENT <{source}> INTO GRAPH <urn:ffkg-test:loaded>",
            headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": UPDATE},
        )
        response = connection.getresponse()
        assert response.status < 500, response.read()
        response.read()
    connection.close()
    assert not store.has_graph("urn:ffkg-test:loaded")
    assert not any(SECRET in q.object.value or "root:x" in q.object.value for q in store.quads())


def test_a_huge_query_string_is_refused_cleanly(exposed: tuple[LiveServer, Store]) -> None:
    server, _ = exposed
    try:
        status: int | None = raw_get(server, "/sparql?query=" + "A" * 200_000)[0]
    except ConnectionError:
        status = None
    assert status is None or 400 <= status < 500
    assert raw_get(server, "/health")[0] == 200
