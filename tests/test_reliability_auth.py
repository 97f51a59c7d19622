"""Auth on every write route: found from the app's own routes, so a new write endpoint cannot slip past.

Each write is tried with no token configured (read-only server), with no header, a wrong token,
the right token under another scheme, and the right one; only the last may change the store.
A live server's own output and every answer are then searched for the token.
"""

from __future__ import annotations

import hmac
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from conftest import JOHN_SMITH, SMITH_WESSON, app_settings
from fastapi.testclient import TestClient

from api import deps
from api.app import create_app
from bench.load import serve
from kg.curation import actions
from kg.store import Store

TOKEN = "auth-test-token-9d2b4e"
WRONG = TOKEN[:-1] + "X"
GRAPH = "urn:ffkg-test:auth"
NT = "application/n-triples"
#: A SPARQL query by POST reads; every other non-GET route writes.
READ_ROUTES = {("POST", "/sparql")}
#: A request per write route that succeeds with the token; the test fails when a route is missing here.
WRITES: dict[tuple[str, str], dict] = {
    ("POST", "/update"): {
        "content": f'INSERT DATA {{ GRAPH <{GRAPH}> {{ <urn:a> <urn:b> "by update" }} }}',
        "headers": {"Content-Type": "application/sparql-update"},
    },
    ("PUT", "/graph-store"): {
        "params": {"graph": GRAPH},
        "content": '<urn:a> <urn:b> "by put" .\n',
        "headers": {"Content-Type": NT},
    },
    ("POST", "/graph-store"): {
        "params": {"graph": GRAPH},
        "content": '<urn:a> <urn:b> "by post" .\n',
        "headers": {"Content-Type": NT},
    },
    ("DELETE", "/graph-store"): {"params": {"graph": "https://w3id.org/ffkg/graph/sonora-seizure"}},
    ("POST", "/api/curation/decisions"): {
        "json": {"action": "relabel", "target": JOHN_SMITH, "label": "John Q. Smith", "author": "auth test"},
    },
    ("DELETE", "/api/curation/decisions/{decision_id}"): {},
}
#: Undo needs a decision to take back: `prepare` takes this one directly in the store before the test.
EARLIER_DECISION = {"target": SMITH_WESSON, "label": "Smith and Wesson Brands", "author": "auth test"}


def write_operations(app) -> set[tuple[str, str]]:
    """Every operation of the app's OpenAPI schema that is not a read."""
    return {
        (method.upper(), path)
        for path, operations in app.openapi()["paths"].items()
        for method in operations
        if method.upper() not in {"GET", "HEAD", "OPTIONS"} and (method.upper(), path) not in READ_ROUTES
    }


def state(store: Store) -> tuple[set, int]:
    return set(store.quads()), store.revision()


def prepare(store: Store) -> str:
    """An earlier decision in the store, so undoing it is a real write; its id goes in the undo's path."""
    return actions.decide(store, actions.named(store, "relabel", **EARLIER_DECISION)).id


def send(
    client: TestClient | httpx.Client, write: tuple[str, str], authorization: str | None, decision_id: str = "unknown"
) -> httpx.Response:
    method, path = write
    path = path.replace("{decision_id}", decision_id)
    options = {**WRITES[write], "headers": dict(WRITES[write].get("headers", {}))}
    if authorization is not None:
        options["headers"]["Authorization"] = authorization
    return client.request(method, path, **options)


def test_every_write_operation_has_a_request_here(small_store: Store) -> None:
    """So the tests below, which try each of them without the token, cover every write the app offers."""
    assert write_operations(create_app(app_settings(), small_store)) == set(WRITES)


@pytest.mark.parametrize("write", sorted(WRITES))
def test_without_a_configured_token_the_server_is_read_only(small_store: Store, write: tuple[str, str]) -> None:
    decision_id = prepare(small_store)
    before = state(small_store)
    with TestClient(create_app(app_settings(write_token=None), small_store)) as client:
        for authorization in (None, f"Bearer {TOKEN}", "Bearer "):
            response = send(client, write, authorization, decision_id)
            assert response.status_code == 403
            assert "FFKG_WRITE_TOKEN" in response.json()["detail"]
    assert state(small_store) == before


@pytest.mark.parametrize("write", sorted(WRITES))
def test_missing_or_wrong_tokens_change_nothing_and_the_right_one_writes(
    small_store: Store, write: tuple[str, str]
) -> None:
    decision_id = prepare(small_store)
    before = state(small_store)
    with TestClient(create_app(app_settings(write_token=TOKEN), small_store)) as client:
        refusals = {
            None: 401,
            "": 401,
            "Bearer": 401,
            f"Basic {TOKEN}": 401,
            f"Bearer {WRONG}": 403,
            f"Bearer {TOKEN}{TOKEN}": 403,
            f"Bearer {TOKEN[:-1]}": 403,
        }
        for authorization, status in refusals.items():
            response = send(client, write, authorization, decision_id)
            assert response.status_code == status, (authorization, response.text)
            assert TOKEN not in response.text
            if status == 401:
                assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert state(small_store) == before
        assert send(client, write, f"Bearer {TOKEN}", decision_id).status_code in (200, 201, 204)
    assert state(small_store) != before


def test_the_token_is_compared_in_constant_time(small_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    compared: list[tuple[bytes, bytes]] = []
    compare = hmac.compare_digest

    def spy(left: bytes, right: bytes) -> bool:
        compared.append((left, right))
        return compare(left, right)

    monkeypatch.setattr(deps.hmac, "compare_digest", spy)
    with TestClient(create_app(app_settings(write_token=TOKEN), small_store)) as client:
        assert send(client, ("POST", "/update"), f"Bearer {WRONG}").status_code == 403
    assert compared == [(WRONG.encode(), TOKEN.encode())]


def test_a_live_server_never_prints_or_answers_the_token(tmp_path: Path) -> None:
    with Store.open(tmp_path / "store") as store:
        store.replace_graph(GRAPH, [ox.Triple(ox.NamedNode("urn:a"), ox.NamedNode("urn:b"), ox.Literal("seed"))])
    answers: list[str] = []
    server = serve(tmp_path, log_level="debug", write_token=TOKEN, max_body_bytes="2000")
    with server as (url, process), httpx.Client(base_url=url, timeout=30) as client:
        for write in sorted(WRITES):
            for authorization in (None, f"Bearer {WRONG}", f"Basic {TOKEN}"):
                answers.append(send(client, write, authorization).text)
        right = {"Authorization": f"Bearer {TOKEN}"}
        update = {**right, "Content-Type": "application/sparql-update"}
        for response in (
            client.post("/update", content="INSERT DATA {", headers=update),
            client.post("/update", content="x" * 5000, headers=update),
            client.put("/graph-store", params={"graph": GRAPH}, content="<a>", headers={**right, "Content-Type": NT}),
            client.get("/sparql", headers=right),
            client.get("/openapi.json", headers=right),
        ):
            assert response.status_code < 500
            answers.append(response.text)
    output = process.stdout.read().decode(errors="replace")
    assert "GET /sparql" in output, "the access log should be on for this test to mean anything"
    for secret in (TOKEN, WRONG):
        assert secret not in output
        assert not any(secret in answer for answer in answers)
