"""Schemathesis against the app's own OpenAPI schema, in process: no generated request may get a 500.

Every operation is fuzzed, writes included (with the token, so the fuzz reaches past the guard).
The schema is read once from a throw-away app; each test sends its cases to its own app over
its own store holding the small two-document world. Bounded: a few dozen examples per operation.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from conftest import TOKEN, app_settings
from hypothesis import HealthCheck, settings

from api.app import create_app
from kg.store import Store

EXAMPLES = 15


@schemathesis.serializer("application/sparql-query", "application/sparql-update")
def sparql_text(ctx: Any, value: Any) -> bytes:
    """The SPARQL media types carry the query text itself; generated values become that text."""
    return (value if isinstance(value, str) else str(value)).encode("utf-8", errors="surrogatepass")


schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(app_settings(), Store.memory()))


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture],
)
def test_no_request_gets_a_500(case: schemathesis.Case, small_store: Store) -> None:
    app = create_app(app_settings(write_token=TOKEN, query_timeout=5.0, max_body_bytes=100_000), small_store)
    response = case.call(app=app, headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code < 500, f"{case.method} {case.formatted_path} {case.query}: {response.text[:500]}"
