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

import re
from pathlib import Path
from typing import Any

import schemathesis
from conftest import TOKEN, World, app_settings, fill
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS, load_all_checks

from api.app import create_app
from api.routers.analytics import DATE_PATTERN
from kg.analytics.centrality import METRICS
from kg.analytics.projection import date_window
from kg.errors import BadInputError
from kg.store import Store
from kg.tables.network import METRICS as TABLE_METRICS

EXAMPLES = 8
TIMEOUT = 120
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


def whole(value: Any) -> bool:
    """An integer as generated: a number, or its digits in the query string."""
    return isinstance(value, int) and not isinstance(value, bool) or isinstance(value, str) and value.isdigit()


def obeying_cross_rules(case: schemathesis.Case) -> None:
    """Make a generated request obey the rules JSON Schema cannot state, so "a schema-valid request is
    accepted" checks everything else (done here, not in a hook, so every generation phase gets it).
    Each rule is a documented 400 whose problem names it, tested on its own in `test_analytics_api.py`,
    `test_tables_flows.py` and `test_search*.py`: a date range must not end before it starts; `k` and
    `depth` are capped by the server's settings (FFKG_MAX_PATH_K, FFKG_MAX_DEPTH); a metric belongs to its
    network; on `/api/flows`, `top` ranks the tables' firearms, `country` filters articles, and a year and
    a date range exclude each other; a search needs a word. Only schema-valid values are changed, so an
    invalid request stays invalid."""
    if not isinstance(case.query, dict):
        return
    query = dict(case.query)
    caps = app_settings()
    for name, cap in (("k", caps.max_path_k), ("depth", caps.max_depth)):
        if whole(query.get(name)) and int(query[name]) > cap:
            query[name] = cap
    dates = [query.get(name) for name in ("date_from", "date_to")]
    if all(isinstance(value, str) and value and re.fullmatch(DATE_PATTERN, value) for value in dates):
        try:
            date_window(*dates)
        except BadInputError:
            query["date_from"], query["date_to"] = dates[1], dates[0]
    metrics = TABLE_METRICS if query.get("network") == "tables" else METRICS
    if isinstance(query.get("metric"), str) and query["metric"] in {*METRICS, *TABLE_METRICS} - set(metrics):
        del query["metric"]
    if case.operation.path == "/api/flows":
        source = query.get("source", "articles")
        if source == "articles" and whole(query.get("top")) and int(query["top"]) >= 1:
            del query["top"]
        if source in ("tables", "all") and isinstance(query.get("country"), str) and query["country"]:
            del query["country"]
        if whole(query.get("year")) and any(isinstance(value, str) and value for value in dates):
            del query["year"]
    search = (case.path_parameters or {}).get("table") == "search"
    if search and isinstance(query.get("q", ""), str) and not re.search(r"[^\W_]", query.get("q", "")):
        query["q"] = "rifles"
    case.query = query


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
    obeying_cross_rules(case)
    # Schemathesis' own 10 s read timeout is not a deadline of ours: a loaded machine must not fail the test.
    response = case.call(app=app, headers=AUTH, timeout=TIMEOUT)
    transport = {"app": app, "timeout": TIMEOUT}
    case.validate_response(response, checks=ALL_CHECKS, headers=AUTH, transport_kwargs=transport)
