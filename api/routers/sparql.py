"""The SPARQL 1.1 Protocol query operation at `/sparql`, and its service description.

The query text goes to the engine untouched and its answer comes back in the engine's own
serialisation (see `api.query_runner`); the table in `api.negotiation` picks the format.
"""

from __future__ import annotations

import codecs
from typing import Any
from urllib.parse import parse_qs, unquote

import pyoxigraph as ox
from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import URL
from starlette.types import ASGIApp, Receive, Scope, Send

from api.deps import read_body
from api.negotiation import GRAPH_FORMATS, SOLUTION_FORMATS, negotiate
from api.problems import problem_responses
from api.query_runner import INLINE_TEXT_LIMIT, classified, update_sent_here
from kg.errors import BadInputError, FfkgError, ForbiddenError, UnsupportedFormatError
from kg.settings import Settings

router = APIRouter(tags=["SPARQL 1.1 Protocol"])

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SD = "http://www.w3.org/ns/sparql-service-description#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")

_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "SELECT/ASK answers or CONSTRUCT/DESCRIBE graphs, in the format the Accept header picks.",
        "content": {fmt.media_type: {} for fmt in (*SOLUTION_FORMATS, *GRAPH_FORMATS)},
    },
    **problem_responses(
        {
            400: "The query does not parse (message and position), an update was sent here, a dataset IRI is not "
            "absolute, or the request carries no query or more than one.",
            403: "The query uses SERVICE and FFKG_ALLOW_SERVICE is off.",
            406: "No offered format matches the Accept header; the problem lists the offered ones.",
            413: "The body is larger than max_body_bytes.",
            422: "The answer has more rows than max_result_rows, or a parameter is malformed.",
            503: "The query ran past query_timeout, or every query worker is busy.",
        }
    ),
}


def _query_parameter(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


_GRAPHS = {"type": "array", "items": {"type": "string"}, "default": []}
_GET_PARAMETERS = [
    _query_parameter("query", {"type": "string"}, "The SPARQL 1.1 query."),
    _query_parameter("default-graph-uri", _GRAPHS, "Graphs whose merge is the query's default graph."),
    _query_parameter("named-graph-uri", _GRAPHS, "Graphs the query may name in GRAPH."),
]


async def checked(query: str, settings: Settings) -> str:
    """The query, once it is known to call no other endpoint unless allowed, and (if long) to be a query.

    A short text that does not spell `service` in any case cannot use SERVICE, and whether it is
    an update the engine's parser says when it refuses it (`api.query_runner.refusal`), so the
    scan is saved on every everyday query; a long one is scanned off the event loop before the
    engine sees it, as before.
    """
    if len(query) <= INLINE_TEXT_LIMIT and "service" not in query.lower():
        return query
    shape = await classified(query)
    if shape.kind == "update":
        raise update_sent_here()
    if "SERVICE" in shape.fetches and not settings.allow_service:
        raise ForbiddenError(
            "SERVICE (federated query) is switched off: it would make this server fetch URLs for anonymous "
            "clients; set FFKG_ALLOW_SERVICE=true to allow it"
        )
    return query


def text_of(body: bytes) -> str:
    """The body as text: the protocol sends UTF-8, and anything else is refused rather than garbled."""
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BadInputError(f"the body is not UTF-8 (byte {error.start}); send SPARQL requests as UTF-8") from None


async def form_of(body: bytes) -> dict[str, list[str]]:
    """The fields of a form-encoded body, parsed off the event loop when it is long (seconds for 20 MB)."""
    if len(body) <= INLINE_TEXT_LIMIT:
        return _fields(body)
    return await run_in_threadpool(_fields, body)


def _fields(body: bytes) -> dict[str, list[str]]:
    """The fields of a form-encoded body, whose percent-encoded values must be UTF-8 too; read as
    `parse_qs(..., keep_blank_values=True)` reads them."""
    fields: dict[str, list[str]] = {}
    try:
        for pair in text_of(body).split("&"):
            if pair:
                name, _, value = pair.partition("=")
                fields.setdefault(_unquoted(name), []).append(_unquoted(value))
    except UnicodeDecodeError as error:
        raise BadInputError(f"a form field is not UTF-8 once percent-decoded: {error.reason}") from None
    return fields


def _unquoted(field: str) -> str:
    """`urllib.parse.unquote_plus(field, errors="strict")`, decoded by C code: urllib's own decoder
    works escape by escape in Python, and a query's prefixes hold a hundred escapes (more server
    time than the rest of the request's reading). Malformed escapes, which urllib keeps as they
    are, take urllib's path."""
    spaced = field.replace("+", " ")
    if "%" not in spaced:
        return spaced
    escaped = spaced.replace("\\", "\\\\").replace("%", "\\x").encode("utf-8")
    try:
        decoded = codecs.escape_decode(escaped)[0]
    except ValueError:
        return unquote(spaced, errors="strict")
    return decoded.decode("utf-8")


def the_query(texts: list[str], params: dict[str, list[str]]) -> str:
    """The one query of a request: a second one (URL and body, or repeated) or an update is a 400."""
    if "update" in params:
        raise BadInputError("/sparql only answers queries; send SPARQL Update to /update")
    if len(texts) != 1:
        raise BadInputError(f"a SPARQL request carries exactly one query; this one has {len(texts)}")
    return texts[0]


def url_parameters(request: Request) -> dict[str, list[str]]:
    """The parameters in the request's URL (a POST usually has none, and then no URL is built)."""
    return parse_qs(request.url.query, keep_blank_values=True) if request.scope["query_string"] else {}


def endpoint_url(request: Request) -> str:
    """The URL the request was sent to, without its query string (a third of the cost of `request.url.replace`)."""
    return str(URL(scope={**request.scope, "query_string": b""}))


def query_options(request: Request, default_graphs: list[str], named_graphs: list[str]) -> dict[str, Any]:
    """The protocol's dataset parameters as engine options (without them the default graph is the union),
    and the endpoint's URL as the base of the query's relative IRIs."""
    try:
        options: dict[str, Any] = {"base_iri": endpoint_url(request)}
        if default_graphs:
            options["default_graph"] = [ox.NamedNode(iri) for iri in default_graphs]
        if named_graphs:
            options["named_graphs"] = [ox.NamedNode(iri) for iri in named_graphs]
    except ValueError as error:
        raise BadInputError(f"default-graph-uri and named-graph-uri must be absolute IRIs: {error}") from None
    return options


def service_description(endpoint: str, *, writable: bool, federated: bool) -> list[ox.Triple]:
    """SPARQL 1.1 Service Description of this endpoint: languages, result formats, union default graph."""
    service = ox.BlankNode()

    def sd(name: str) -> ox.NamedNode:
        return ox.NamedNode(SD + name)

    triples = [
        ox.Triple(service, RDF_TYPE, sd("Service")),
        ox.Triple(service, sd("endpoint"), ox.NamedNode(endpoint)),
        ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(service, sd("feature"), sd("UnionDefaultGraph")),
    ]
    if federated:
        triples.append(ox.Triple(service, sd("feature"), sd("BasicFederatedQuery")))
    if writable:
        triples.append(ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Update")))
    for fmt in (*SOLUTION_FORMATS, *GRAPH_FORMATS):
        triples.append(ox.Triple(service, sd("resultFormat"), ox.NamedNode(fmt.engine_format.iri)))
    return triples


@router.get(
    "/sparql",
    responses=_RESPONSES,
    summary="SPARQL query by GET (service description without a query)",
    openapi_extra={"parameters": _GET_PARAMETERS},
)
async def query_get(request: Request) -> Response:
    state = request.app.state
    settings: Settings = state.settings
    accept = request.headers.get("accept")
    params = url_parameters(request)
    if "query" not in params and "update" not in params:
        fmt = negotiate(accept, GRAPH_FORMATS)
        endpoint = endpoint_url(request)
        writable = settings.write_token is not None
        description = service_description(endpoint, writable=writable, federated=settings.allow_service)
        body = ox.serialize(description, format=fmt.engine_format)
        return Response(body, media_type=fmt.content_type, headers={"Vary": "Accept"})
    text = await checked(the_query(params.get("query", []), params), settings)
    options = query_options(request, params.get("default-graph-uri", []), params.get("named-graph-uri", []))
    return await state.runner.respond(state.store, text, options, accept)


@router.post(
    "/sparql",
    responses={**_RESPONSES, **problem_responses({415: "The body is neither a form nor application/sparql-query."})},
    summary="SPARQL query by POST, form-encoded or as application/sparql-query",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                FORM: {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "query": {"type": "string"},
                            "default-graph-uri": {"type": "array", "items": {"type": "string"}},
                            "named-graph-uri": {"type": "array", "items": {"type": "string"}},
                        },
                        "required": ["query"],
                    }
                },
                SPARQL_QUERY: {"schema": {"type": "string"}},
            },
        }
    },
)
async def query_post(request: Request) -> Response:
    state = request.app.state
    settings: Settings = state.settings
    body = await read_body(request, settings.max_body_bytes)
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    params = url_parameters(request)
    if media_type == FORM:
        form = await form_of(body)
        for name in ("default-graph-uri", "named-graph-uri", "update"):
            if name in form:
                params.setdefault(name, []).extend(form[name])
        texts = params.get("query", []) + form.get("query", [])
    elif media_type == SPARQL_QUERY:
        texts = params.get("query", []) + [text_of(body)]
    else:
        raise UnsupportedFormatError(
            f"cannot read a query from {media_type or 'a body without Content-Type'}; send {FORM} or {SPARQL_QUERY}"
        )
    query = await checked(the_query(texts, params), settings)
    options = query_options(request, params.get("default-graph-uri", []), params.get("named-graph-uri", []))
    return await state.runner.respond(state.store, query, options, request.headers.get("accept"))


class QueryEndpoint:
    """ASGI middleware that answers GET and POST /sparql itself, and passes every other request on.

    Every query takes this path, and the router, FastAPI's dependency solving and parameter
    validation and the response plumbing around an endpoint cost more server time per query than
    the engine spends on many everyday ones. The endpoints above are the same functions the routes
    declare (so the OpenAPI document describes what answers); an `FfkgError` is answered by the
    app's own handler (problem+json), anything else reaches the server-error handler as on any
    route. Installed inside the CORS middleware, so CORS applies as before.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        endpoint = _ENDPOINTS.get(scope["method"]) if scope["type"] == "http" and scope["path"] == "/sparql" else None
        if endpoint is None:
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive, send)
        try:
            response = await endpoint(request)
        except FfkgError as error:
            response = await request.app.exception_handlers[FfkgError](request, error)
        await response(scope, receive, send)


_ENDPOINTS = {"GET": query_get, "POST": query_post}
