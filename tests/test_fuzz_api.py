"""Schemathesis against the app's own OpenAPI schema, in process, with every check it has.

Every operation is fuzzed, writes included (with the token, so the fuzz reaches past the guard),
and every answer must be what the document says: no 500, only declared statuses, content types,
headers and bodies, invalid requests refused, valid ones accepted (`schemathesis.toml` says
where JSON Schema cannot tell a valid SPARQL text or RDF payload from an invalid one). The schema
is read once from a throw-away app; each example gets its own app over a fresh store holding the
small two-document world, with a deadline no busy machine misses (a 503 counts as a server error).
Bounded: a few examples per operation, under three minutes in all.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import schemathesis
from conftest import TOKEN, World, app_settings, fill
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS, load_all_checks

from api.app import create_app
from kg.store import Store

EXAMPLES = 8
AUTH = {"Authorization": f"Bearer {TOKEN}"}
CONFIG = schemathesis.Config.from_path(Path(__file__).resolve().parents[1] / "schemathesis.toml")


@schemathesis.serializer(
    "application/sparql-query",
    "application/sparql-update",
    "application/n-triples",
    "application/n-quads",
    "application/trig",
)
def plain_text(ctx: Any, value: Any) -> bytes:
    """SPARQL and line-based RDF media types carry the text itself; generated values become that text."""
    return (value if isinstance(value, str) else str(value)).encode("utf-8", errors="surrogatepass")


load_all_checks()
ALL_CHECKS = CHECKS.get_all()
schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(app_settings(), Store.memory()), config=CONFIG)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture],
)
def test_every_answer_is_what_the_openapi_document_says(case: schemathesis.Case, world: World) -> None:
    store = fill(Store.memory(), world.lawsuit, world.seizure)
    app = create_app(app_settings(write_token=TOKEN, query_timeout=60.0, max_body_bytes=100_000), store)
    response = case.call(app=app, headers=AUTH)
    case.validate_response(response, checks=ALL_CHECKS, headers=AUTH, transport_kwargs={"app": app})
