"""Writes: SPARQL 1.1 Update at `/update` and the Graph Store HTTP Protocol at `/graph-store`.

Both are off unless a write token is configured, and need it as a bearer token. Every write is
one atomic store operation, never a read-modify-write: `PUT ?graph=` is `Store.replace_graph`,
`POST` is one insert, the default graph (`?default`, the triples written to it directly;
documents' facts stay in their own graphs) is written by one update through `Store.update`.
An update's relative IRIs resolve against the endpoint's URL; `LOAD` and `SERVICE`, which make
the engine fetch URLs, are refused unless `allow_remote_fetch` is set.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import AsyncGenerator
from pathlib import Path
from typing import Annotated, Any, NamedTuple
from urllib.parse import parse_qs

import anyio
import pyoxigraph as ox
from fastapi import APIRouter, Depends, Query, Request, Response
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from api.deps import ReadsDep, RunnerDep, SettingsDep, StoreDep, WriterDep, read_body
from api.negotiation import GRAPH_FORMATS, negotiate
from api.problems import problem_responses
from api.query_runner import classified, syntax_error
from api.routers.sparql import form_of, text_of
from kg import formats
from kg.errors import BadInputError, ForbiddenError, NotFoundError, UnsupportedFormatError
from kg.iris import GRAPH
from kg.settings import Settings
from kg.sparql_syntax import Shape, with_dataset
from kg.store import BaseStore, parse_rdf

router = APIRouter()

FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
SPARQL_UPDATE = "application/sparql-update"
EVERYTHING = "CONSTRUCT WHERE { ?s ?p ?o }"
USING, USING_NAMED = "using-graph-uri", "using-named-graph-uri"
_WRITE_ERRORS = problem_responses(
    {
        400: "The request is malformed: the update or payload does not parse, a parameter is repeated or missing.",
        401: "No bearer token.",
        403: "Wrong token, writes are switched off (no FFKG_WRITE_TOKEN), or LOAD/SERVICE without "
        "FFKG_ALLOW_REMOTE_FETCH.",
        413: "The body is larger than max_body_bytes.",
        415: "The body's media type is not one this operation reads.",
        502: "The store's SPARQL server (remote backend) failed the write.",
        503: "The store is busy with another write.",
    }
)
GraphParam = Annotated[str | None, Query(description="IRI of the named graph to act on.")]
DefaultParam = Annotated[str | None, Query(description="Present (`?default`) to act on the default graph.")]
#: RDF payloads the Graph Store reads, one per format (JSON-LD is any JSON), plus multipart uploads of files.
_PAYLOADS = {
    fmt.media_type: {"schema": {} if fmt.name == "jsonld" else {"type": "string"}} for fmt in formats.FORMATS
} | {MULTIPART: {"schema": {"type": "object", "additionalProperties": {"type": "string", "format": "binary"}}}}


@router.post(
    "/update",
    status_code=204,
    tags=["SPARQL 1.1 Update"],
    dependencies=[WriterDep],
    responses={204: {"description": "The update ran."}, **_WRITE_ERRORS},
    summary="SPARQL 1.1 Update, form-encoded or as application/sparql-update",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                FORM: {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "update": {"type": "string"},
                            USING: {"type": "array", "items": {"type": "string"}},
                            USING_NAMED: {"type": "array", "items": {"type": "string"}},
                        },
                        "required": ["update"],
                    }
                },
                SPARQL_UPDATE: {"schema": {"type": "string"}},
            },
        }
    },
)
async def update(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    body = await read_body(request, settings.max_body_bytes)
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    params = parse_qs(request.url.query, keep_blank_values=True)
    if media_type == FORM:
        form = await form_of(body)
        for name in (USING, USING_NAMED, "query"):
            if name in form:
                params.setdefault(name, []).extend(form[name])
        texts = params.get("update", []) + form.get("update", [])
    elif media_type == SPARQL_UPDATE:
        texts = params.get("update", []) + [text_of(body)]
    else:
        raise UnsupportedFormatError(f"send the update as {FORM} or {SPARQL_UPDATE}, not {media_type or 'untyped'}")
    if "query" in params:
        raise BadInputError("/update only runs SPARQL Update; send queries to /sparql")
    if len(texts) != 1:
        raise BadInputError(f"a SPARQL Update request carries exactly one update; this one has {len(texts)}")
    shape = await classified(texts[0])
    text = await _checked(texts[0], shape, settings, params.get(USING, []), params.get(USING_NAMED, []))
    endpoint = str(request.url.replace(query=""))
    try:
        await anyio.to_thread.run_sync(functools.partial(store.update, text, base_iri=endpoint))
    except SyntaxError as error:
        raise syntax_error(error, shape, expect_update=True) from None
    except OSError as error:
        if not shape.fetches:
            raise
        raise BadInputError(f"{' or '.join(shape.fetches)} could not read what the update names: {error}") from None
    return Response(status_code=204)


async def _checked(text: str, shape: Shape, settings: Settings, using: list[str], using_named: list[str]) -> str:
    """The update to run: refused if it fetches URLs unless allowed; the protocol's dataset written in."""
    if shape.kind == "query":
        raise BadInputError("this is a SPARQL query: send it to /sparql, /update only runs SPARQL Update")
    if shape.fetches and not settings.allow_remote_fetch:
        raise ForbiddenError(
            f"{' and '.join(shape.fetches)} would make this server fetch URLs the update names; it is switched off, "
            "set FFKG_ALLOW_REMOTE_FETCH=true to allow it"
        )
    if not (using or using_named):
        return text
    if shape.dataset_clauses:
        raise BadInputError(
            f"{USING} / {USING_NAMED} cannot be combined with an update that picks its own dataset "
            f"({', '.join(shape.dataset_clauses)}); use one or the other"
        )
    using, using_named = [_iri(iri, USING) for iri in using], [_iri(iri, USING_NAMED) for iri in using_named]
    return await anyio.to_thread.run_sync(with_dataset, text, using, using_named)


def _iri(value: str, parameter: str) -> str:
    try:
        return ox.NamedNode(value).value
    except ValueError as error:
        raise BadInputError(f"{parameter} must be an absolute IRI: {error}") from None


class Addressed(NamedTuple):
    """Which graph a Graph Store request names: `?graph=<IRI>`, `?default`, or (to POST a new one) neither."""

    graph: str | None
    default: bool

    def target(self) -> str | None:
        """The named graph addressed, or None for `?default`; exactly one of the two must be given."""
        if self.default == (self.graph is not None):
            raise BadInputError("name the graph with exactly one of ?graph=<IRI> or ?default")
        return None if self.graph is None else _iri(self.graph, "?graph=")


async def addressed(request: Request, graph: GraphParam = None, default: DefaultParam = None) -> Addressed:
    return Addressed(graph, "default" in request.query_params)


AddressedDep = Annotated[Addressed, Depends(addressed)]


async def _payload(request: Request, limit: int, base: str) -> list[ox.Triple]:
    """The triples of the body: one RDF document, or the files of a multipart/form-data upload."""
    content_type = request.headers.get("content-type", "")
    data = await read_body(request, limit)
    if content_type.split(";")[0].strip().lower() != MULTIPART:
        return await _parsed(data, formats.by_media_type(content_type), "request body", base)
    triples: list[ox.Triple] = []
    for name, part in (await _multipart(request, data, limit)).multi_items():
        if not isinstance(part, UploadFile):
            raise BadInputError(f"multipart field {name!r} is not a file; send each RDF document as a file part")
        source = part.filename or name
        part_type = (part.content_type or "").split(";")[0].strip().lower()
        generic = part_type in ("", "application/octet-stream", "text/plain")
        fmt = formats.by_path(Path(source)) if generic else formats.by_media_type(part_type)
        triples += await _parsed(await part.read(), fmt, source, base)
    return triples


async def _multipart(request: Request, data: bytes, limit: int) -> Any:
    async def once() -> AsyncGenerator[bytes, None]:
        yield data

    try:
        return await MultiPartParser(request.headers, once(), max_part_size=limit).parse()
    except MultiPartException as error:
        raise BadInputError(f"the multipart/form-data body does not parse: {error}") from None


async def _parsed(data: bytes, fmt: formats.RdfFormat, source: str, base: str) -> list[ox.Triple]:
    """The payload's triples, parsed in a thread: a large upload would hold up the event loop for seconds."""

    def parse() -> list[ox.Triple]:
        return [ox.Triple(t.subject, t.predicate, t.object) for t in parse_rdf(data, fmt, source=source, base_iri=base)]

    return await anyio.to_thread.run_sync(parse)


async def _insert(triples: list[ox.Triple], graph: str | None) -> str:
    """One update adding `triples` to `graph` (None: the default graph), written in a thread for the same
    reason. Blank nodes go in an `INSERT { } WHERE {}` template, which makes them fresh just as
    `INSERT DATA` does, since some servers (Virtuoso) refuse blank nodes in `INSERT DATA`."""
    written = await anyio.to_thread.run_sync(functools.partial(ox.serialize, triples, format=ox.RdfFormat.N_TRIPLES))
    data = (written or b"").decode()
    block = data if graph is None else f"GRAPH <{graph}> {{ {data} }}"
    has_blank_nodes = any(isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in triples)
    return f"INSERT {{ {block} }} WHERE {{}}" if has_blank_nodes else f"INSERT DATA {{ {block} }}"


def _default_triples(store: BaseStore) -> list[ox.Triple]:
    """What users wrote to the default graph directly (`store.quads(None)`'s default-graph quads)."""
    return [
        ox.Triple(q.subject, q.predicate, q.object)
        for q in store.quads(None)
        if isinstance(q.graph_name, ox.DefaultGraph)
    ]


async def _write(store: BaseStore, update_text: str) -> None:
    await anyio.to_thread.run_sync(store.update, update_text)


@router.get(
    "/graph-store",
    tags=["Graph Store Protocol"],
    responses={
        200: {"content": {fmt.media_type: {} for fmt in GRAPH_FORMATS}, "description": "The graph."},
        **problem_responses(
            {
                400: "Neither or both of ?graph= and ?default, or ?graph= is not an absolute IRI.",
                404: "No such graph.",
                406: "No offered RDF format matches the Accept header.",
                503: "The read ran past query_timeout, or every query worker is busy.",
            }
        ),
    },
    summary="Read a named graph (?graph=) or the triples written directly to the default graph (?default)",
)
async def graph_get(
    request: Request, store: StoreDep, runner: RunnerDep, reads: ReadsDep, to: AddressedDep
) -> Response:
    target = to.target()
    accept = request.headers.get("accept")
    if target is None:
        fmt = negotiate(accept, GRAPH_FORMATS)
        triples = await reads.run(_default_triples, store)
        body = await anyio.to_thread.run_sync(functools.partial(ox.serialize, triples, format=fmt.engine_format))
        return Response(body, media_type=fmt.content_type, headers={"Vary": "Accept"})
    if not await reads.run(store.has_graph, target):
        raise NotFoundError(f"no graph {target} in the store; GET /api/documents lists the document graphs")
    return await runner.respond(store, EVERYTHING, {"default_graph": [ox.NamedNode(target)]}, accept)


router.add_api_route("/graph-store", graph_get, methods=["HEAD"], include_in_schema=False)


@router.put(
    "/graph-store",
    tags=["Graph Store Protocol"],
    dependencies=[WriterDep],
    responses={201: {"description": "Graph created."}, 204: {"description": "Graph replaced."}, **_WRITE_ERRORS},
    summary="Replace a named graph, or the default graph's own triples, with the body, atomically",
    openapi_extra={"requestBody": {"required": True, "content": _PAYLOADS}},
)
async def graph_put(
    request: Request, store: StoreDep, reads: ReadsDep, settings: SettingsDep, to: AddressedDep
) -> Response:
    target = to.target()
    triples = await _payload(request, settings.max_body_bytes, target or str(request.url.replace(query="")))
    if target is None:
        await _write(store, f"DROP SILENT DEFAULT ; {await _insert(triples, None)}")
        return Response(status_code=204)
    existed = await reads.run(store.has_graph, target)
    await anyio.to_thread.run_sync(store.replace_graph, target, triples)
    return Response(status_code=204 if existed else 201)


@router.post(
    "/graph-store",
    tags=["Graph Store Protocol"],
    dependencies=[WriterDep],
    responses={
        201: {"description": "Graph created (Location names it when no graph was named)."},
        204: {"description": "Merged."},
        **_WRITE_ERRORS,
    },
    summary="Add the body's triples to a named graph or the default graph, or to a new graph when none is named",
    openapi_extra={"requestBody": {"required": True, "content": _PAYLOADS}},
)
async def graph_post(
    request: Request, store: StoreDep, reads: ReadsDep, settings: SettingsDep, to: AddressedDep
) -> Response:
    if to.graph is None and not to.default:
        target = f"{GRAPH}upload/{uuid.uuid4().hex}"
        triples = await _payload(request, settings.max_body_bytes, target)
        await anyio.to_thread.run_sync(store.replace_graph, target, triples)
        return Response(status_code=201, headers={"Location": target})
    target = to.target()
    triples = await _payload(request, settings.max_body_bytes, target or str(request.url.replace(query="")))
    if target is None:
        await _write(store, await _insert(triples, None))
        return Response(status_code=204)
    existed = await reads.run(store.has_graph, target)
    await _write(store, await _insert(triples, target))
    return Response(status_code=204 if existed else 201)


@router.delete(
    "/graph-store",
    status_code=204,
    tags=["Graph Store Protocol"],
    dependencies=[WriterDep],
    responses={204: {"description": "Removed."}, **_WRITE_ERRORS, **problem_responses({404: "No such graph."})},
    summary="Remove a named graph, or the triples written directly to the default graph",
)
async def graph_delete(store: StoreDep, to: AddressedDep) -> Response:
    target = to.target()
    if target is None:
        await _write(store, "DROP SILENT DEFAULT")
    else:
        await anyio.to_thread.run_sync(store.remove_graph, target)
    return Response(status_code=204)
