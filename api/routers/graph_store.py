"""Writes: SPARQL 1.1 Update at `/update` and the Graph Store HTTP Protocol at `/graph-store`.

Both are off unless a write token is configured, and need it as a bearer token. Graph Store
writes go through `Store.replace_graph` / `Store.remove_graph`, so each is all-or-nothing;
the default graph is the union of the named graphs, readable but not writable here.
"""

from __future__ import annotations

import uuid
from typing import Annotated
from urllib.parse import parse_qs

import anyio
import pyoxigraph as ox
from fastapi import APIRouter, Query, Request, Response

from api.deps import RunnerDep, SettingsDep, StoreDep, WriterDep, read_body
from api.negotiation import GRAPH_FORMATS
from api.query_runner import syntax_error
from kg import formats
from kg.errors import BadInputError, MethodNotAllowedError, NotFoundError, UnsupportedFormatError
from kg.iris import GRAPH
from kg.store import BaseStore, parse_rdf

router = APIRouter()

FORM = "application/x-www-form-urlencoded"
SPARQL_UPDATE = "application/sparql-update"
EVERYTHING = "CONSTRUCT WHERE { ?s ?p ?o }"
_WRITE_ERRORS: dict[int | str, dict[str, str]] = {
    401: {"description": "No bearer token."},
    403: {"description": "Wrong token, or writes are switched off (no FFKG_WRITE_TOKEN)."},
    413: {"description": "The body is larger than max_body_bytes."},
}
GraphParam = Annotated[str | None, Query(description="IRI of the named graph to act on.")]
DefaultParam = Annotated[str | None, Query(description="Present (`?default`) to act on the default graph.")]


@router.post(
    "/update",
    status_code=204,
    tags=["SPARQL 1.1 Update"],
    dependencies=[WriterDep],
    responses={400: {"description": "The update does not parse."}, **_WRITE_ERRORS},
    summary="SPARQL 1.1 Update, form-encoded or as application/sparql-update",
    openapi_extra={
        "requestBody": {
            "content": {
                FORM: {"schema": {"type": "object", "properties": {"update": {"type": "string"}}}},
                SPARQL_UPDATE: {"schema": {"type": "string"}},
            }
        }
    },
)
async def update(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    body = await read_body(request, settings.max_body_bytes)
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type == FORM:
        form = parse_qs(body.decode("utf-8", errors="replace"), keep_blank_values=True)
        if "using-graph-uri" in form or "using-named-graph-uri" in form:
            raise BadInputError("using-graph-uri and using-named-graph-uri are not supported; put USING in the update")
        texts = form.get("update", [])
        if len(texts) != 1:
            raise BadInputError("a form-encoded SPARQL Update needs exactly one `update` field")
        text = texts[0]
    elif media_type == SPARQL_UPDATE:
        text = body.decode("utf-8", errors="replace")
    else:
        raise UnsupportedFormatError(f"send the update as {FORM} or {SPARQL_UPDATE}, not {media_type or 'untyped'}")
    try:
        await anyio.to_thread.run_sync(store.update, text)
    except SyntaxError as error:
        raise syntax_error(error, text, expect_update=True) from None
    return Response(status_code=204)


def _target(request: Request, graph: str | None) -> str | None:
    """The named graph addressed, or None for `?default`; exactly one of the two must be given."""
    is_default = "default" in request.query_params
    if is_default == (graph is not None):
        raise BadInputError("name the graph with exactly one of ?graph=<IRI> or ?default")
    if graph is None:
        return None
    try:
        return ox.NamedNode(graph).value
    except ValueError as error:
        raise BadInputError(f"?graph= must be an absolute IRI: {error}") from None


def _read_only_default() -> MethodNotAllowedError:
    return MethodNotAllowedError(
        "the default graph is the union of the named graphs and cannot be written; use ?graph=<IRI>",
        ["GET", "HEAD"],
    )


async def _payload(request: Request, limit: int, graph: str) -> list[ox.Triple]:
    fmt = formats.by_media_type(request.headers.get("content-type", ""))
    data = await read_body(request, limit)
    parsed = parse_rdf(data, fmt, source="request body", base_iri=graph)
    return [ox.Triple(t.subject, t.predicate, t.object) for t in parsed]


def _merge(store: BaseStore, graph: str, triples: list[ox.Triple]) -> None:
    existing = [ox.Triple(q.subject, q.predicate, q.object) for q in store.quads(graph)]
    store.replace_graph(graph, [*existing, *triples])


@router.get(
    "/graph-store",
    tags=["Graph Store Protocol"],
    responses={200: {"content": {fmt.media_type: {} for fmt in GRAPH_FORMATS}}, 404: {"description": "No such graph."}},
    summary="Read a named graph (?graph=) or the default graph (?default)",
)
async def graph_get(
    request: Request, store: StoreDep, runner: RunnerDep, graph: GraphParam = None, default: DefaultParam = None
) -> Response:
    target = _target(request, graph)
    options = {}
    if target is not None:
        if not store.has_graph(target):
            raise NotFoundError(f"no graph {target} in the store; GET /api/documents lists the document graphs")
        options = {"default_graph": [ox.NamedNode(target)]}
    return await runner.respond(store, EVERYTHING, options, request.headers.get("accept"))


router.add_api_route("/graph-store", graph_get, methods=["HEAD"], include_in_schema=False)


@router.put(
    "/graph-store",
    tags=["Graph Store Protocol"],
    dependencies=[WriterDep],
    responses={201: {"description": "Graph created."}, 204: {"description": "Graph replaced."}, **_WRITE_ERRORS},
    summary="Replace a named graph with the body, atomically",
)
async def graph_put(
    request: Request, store: StoreDep, settings: SettingsDep, graph: GraphParam = None, default: DefaultParam = None
) -> Response:
    target = _target(request, graph)
    if target is None:
        raise _read_only_default()
    triples = await _payload(request, settings.max_body_bytes, target)
    existed = store.has_graph(target)
    await anyio.to_thread.run_sync(store.replace_graph, target, triples)
    return Response(status_code=204 if existed else 201)


@router.post(
    "/graph-store",
    tags=["Graph Store Protocol"],
    dependencies=[WriterDep],
    responses={
        201: {"description": "Graph created (Location names it)."},
        204: {"description": "Merged."},
        **_WRITE_ERRORS,
    },
    summary="Add the body's triples to a named graph, or to a new graph when no graph is named",
)
async def graph_post(
    request: Request, store: StoreDep, settings: SettingsDep, graph: GraphParam = None, default: DefaultParam = None
) -> Response:
    if graph is None and "default" not in request.query_params:
        target = f"{GRAPH}upload/{uuid.uuid4().hex}"
        triples = await _payload(request, settings.max_body_bytes, target)
        await anyio.to_thread.run_sync(store.replace_graph, target, triples)
        return Response(status_code=201, headers={"Location": target})
    target = _target(request, graph)
    if target is None:
        raise _read_only_default()
    triples = await _payload(request, settings.max_body_bytes, target)
    existed = store.has_graph(target)
    await anyio.to_thread.run_sync(_merge, store, target, triples)
    return Response(status_code=204 if existed else 201)


@router.delete(
    "/graph-store",
    status_code=204,
    tags=["Graph Store Protocol"],
    dependencies=[WriterDep],
    responses={404: {"description": "No such graph."}, **_WRITE_ERRORS},
    summary="Remove a named graph",
)
async def graph_delete(
    request: Request, store: StoreDep, graph: GraphParam = None, default: DefaultParam = None
) -> Response:
    target = _target(request, graph)
    if target is None:
        raise _read_only_default()
    await anyio.to_thread.run_sync(store.remove_graph, target)
    return Response(status_code=204)
