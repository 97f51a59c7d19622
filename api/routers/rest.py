"""REST under `/api/` for everyday questions, plus `/health`.

Each route is a thin layer over `kg.lookup`; parameters reach the engine as bound values or
as integers, never as query text.
"""

from __future__ import annotations

import json
import re
from typing import Annotated, Any

import pyoxigraph as ox
from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, Field

from api.deps import ReadsDep, StoreDep
from api.problems import problem_responses
from api.reads import READ_RESPONSES, cached_stats, figures
from api.routers.analytics import NodeClassOrAny
from kg import __version__, lookup
from kg.errors import BadInputError, NotFoundError
from kg.store import BaseStore

router = APIRouter()

MAX_PAGE = 1000
#: Paging deeper than this is a job for /sparql or an export. Each page sorts OFFSET + LIMIT rows on the
#: server, and a shared Virtuoso refuses (past MaxSortedTopRows) or even fails on offsets in the millions.
MAX_OFFSET = 100_000
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description="Page size.")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Items to skip.")]
_IRI_TEXT = "(?:[A-Za-z0-9\\-._~!$&'()*+,;=:@/]|%[0-9A-Fa-f]{2})"
_IRI = f"[A-Za-z][A-Za-z0-9+.\\-]*:{_IRI_TEXT}*(?:\\?(?:{_IRI_TEXT}|\\?)*)?(?:#(?:{_IRI_TEXT}|\\?)*)?"
_LITERAL_TEXT = (
    '"(?:[^"\\\\\\x00-\\x1f]|\\\\["\\\\/bfnrt]|\\\\u(?:[0-9A-Ca-cEFef][0-9A-Fa-f]{3}|[Dd][0-7][0-9A-Fa-f]{2}))*"'
    "(?:@[A-Za-z]{2,3}(?:-[A-Za-z]{4})?(?:-(?:[A-Za-z]{2}|[0-9]{3}))?|\\^\\^<" + _IRI + ">)?"
)
#: What `parse_term` takes, stated in the schema: an absolute IRI (bare or in <>; ASCII, with %-escapes),
#: for objects also a literal in N-Triples syntax; empty is no filter. Any term matching it parses.
IRI_PATTERN = f"^(?:|{_IRI}|<{_IRI}>)$"
TERM_PATTERN = f"^(?:|{_IRI}|<{_IRI}>|{_LITERAL_TEXT})$"
_LITERAL = re.compile(
    r'"(?P<value>(?:[^"\\]|\\.)*)"(?:@(?P<lang>[A-Za-z]+(?:-[A-Za-z0-9]+)*)|\^\^<(?P<datatype>[^<>]*)>)?', re.S
)


class EntitySummary(BaseModel):
    iri: str
    key: str = Field(description="Short stable key; /api/entities/{key} fetches the card.")
    label: str
    types: list[str] = Field(description="Ontology classes (local names).")


class EntityPage(BaseModel):
    total: int = Field(description="Entities matching, over all pages.")
    limit: int
    offset: int
    items: list[EntitySummary]


class DocumentSummary(BaseModel):
    iri: str
    key: str
    title: str | None
    date: str | None
    source: str | None
    url: str | None = Field(default=None, description="Where it was published online, if known.")
    outlet: str | None = Field(default=None, description="Who published it (ffkg:publisher), if known.")
    entities: int = Field(description="Entities the document names.")


class DocumentPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[DocumentSummary]


class TriplePage(BaseModel):
    pattern: dict[str, str | None] = Field(description="The s, p, o asked for (None: any).")
    graph: str | None = Field(description="The graph searched; None means the union of all graphs.")
    total: int = Field(description="Distinct triples matching, over all pages.")
    limit: int
    offset: int
    next: str | None = Field(description="URL of the next page, if any.")
    triples: list[dict[str, dict[str, str]]] = Field(description="Terms as in SPARQL JSON results.")


@router.get(
    "/api/entities",
    response_model=EntityPage,
    tags=["REST"],
    summary="Search entities by name and type",
    responses={**problem_responses({400: "Unknown entity type."}), **READ_RESPONSES},
)
async def entities(
    store: StoreDep,
    reads: ReadsDep,
    q: Annotated[str | None, Query(description="Substring of a label or alias, any case.")] = None,
    type: Annotated[
        NodeClassOrAny | None, Query(description="Ontology class, e.g. Gunmaker; subclasses count; empty: any.")
    ] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    return await reads.run(
        lookup.search_entities, store, text=q or None, type_name=type or None, limit=reads.rows(limit), offset=offset
    )


@router.get(
    "/api/entities/{name:path}",
    tags=["REST"],
    summary="One entity: types, labels, relations in and out, events, documents and evidence",
    responses={
        404: {"description": "Unknown name (with close matches)."},
        409: {"description": "Ambiguous label."},
        **READ_RESPONSES,
    },
)
async def entity(
    store: StoreDep,
    reads: ReadsDep,
    name: Annotated[str, Path(description="IRI, key (org/smith-wesson) or label/alias.")],
    min_corroboration: Annotated[
        int, Query(ge=0, description="Only facts stated by at least this many distinct stories (near-duplicates once).")
    ] = 0,
) -> dict[str, Any]:
    return await reads.run(
        lambda: lookup.entity_card(store, lookup.resolve_entity(store, name), min_corroboration=min_corroboration)
    )


@router.get(
    "/api/documents",
    response_model=DocumentPage,
    tags=["REST"],
    summary="Documents, newest first",
    responses=READ_RESPONSES,
)
async def documents(store: StoreDep, reads: ReadsDep, limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
    return await reads.run(lookup.list_documents, store, limit=reads.rows(limit), offset=offset)


@router.get(
    "/api/documents/{key:path}",
    tags=["REST"],
    summary="One document: metadata, the entities it names, the facts it states with their sentences",
    responses={404: {"description": "No such document."}, **READ_RESPONSES},
)
async def document(
    store: StoreDep, reads: ReadsDep, key: Annotated[str, Path(description="Document key, id or IRI.")]
) -> dict[str, Any]:
    return await reads.run(lambda: lookup.document_card(store, lookup.resolve_document(store, key)))


def parse_term(text: str, position: str) -> ox.NamedNode | ox.Literal:
    """A pattern term: an IRI (bare or in <>), or a literal written as in N-Triples ("x", "x"@en, "1"^^<dt>)."""
    literal = _LITERAL.fullmatch(text)
    if literal and position == "o":
        try:
            value = json.loads(f'"{literal["value"]}"')
        except json.JSONDecodeError as error:
            raise BadInputError(f"{position}={text!r}: bad escape in the literal ({error.msg})") from None
        try:
            if literal["lang"]:
                return ox.Literal(value, language=literal["lang"])
            datatype = literal["datatype"]
            return ox.Literal(value, datatype=ox.NamedNode(datatype)) if datatype else ox.Literal(value)
        except ValueError as error:
            raise BadInputError(f"{position}={text!r}: not a valid literal ({error})") from None
    iri = text[1:-1] if text.startswith("<") and text.endswith(">") else text
    try:
        return ox.NamedNode(iri)
    except ValueError as error:
        allowed = "an absolute IRI"
        if position == "o":
            allowed += ' or a literal like "text", "text"@en, "1"^^<datatype>'
        raise BadInputError(f"{position}={text!r} is not {allowed}: {error}") from None


def _term(term: Any) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    item = {"type": "literal", "value": term.value}
    if term.language:
        item["xml:lang"] = term.language
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        item["datatype"] = term.datatype.value
    return item


def _triple_page(
    store: BaseStore, pattern: dict[str, str | None], graph: str | None, limit: int, offset: int
) -> tuple[int, list[dict[str, dict[str, str]]]]:
    """How many distinct triples match (counted once per store revision) and one page of them."""
    bound = {ox.Variable(name): parse_term(value, name) for name, value in pattern.items() if value}
    options: dict[str, Any] = {"substitutions": bound}
    if graph:
        graph_node = parse_term(graph, "graph")
        options["default_graph"] = [graph_node]
        if not store.has_graph(graph_node.value):
            raise NotFoundError(f"no graph {graph} in the store; GET /api/documents lists the document graphs")
    names = " ".join(f"?{v.value}" for v in bound)
    distinct = "SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o }"
    count = f"SELECT {names} (COUNT(*) AS ?n) WHERE {{ {distinct} }}" + (f" GROUP BY {names}" if names else "")

    def counted() -> int:
        return next((int(row["n"].value) for row in store.query(count, **options)), 0)

    total = figures.get(store, ("triples", tuple(pattern.items()), graph), counted)
    page = store.query(f"{distinct} LIMIT {limit} OFFSET {offset}", **options)
    return total, [{"s": _term(row["s"]), "p": _term(row["p"]), "o": _term(row["o"])} for row in page]


@router.get(
    "/api/triples",
    response_model=TriplePage,
    tags=["REST"],
    summary="Triple-pattern fragment with paging",
    responses={
        **problem_responses(
            {
                400: "A term is not an IRI or literal, or the graph is not an IRI.",
                404: "No such named graph in the store.",
            }
        ),
        **READ_RESPONSES,
    },
)
async def triples(
    request: Request,
    store: StoreDep,
    reads: ReadsDep,
    s: Annotated[str | None, Query(pattern=IRI_PATTERN, description="Subject IRI; empty: any.")] = None,
    p: Annotated[str | None, Query(pattern=IRI_PATTERN, description="Predicate IRI; empty: any.")] = None,
    o: Annotated[
        str | None,
        Query(pattern=TERM_PATTERN, description='Object: IRI or literal ("text", "text"@en, "1"^^<dt>); empty: any.'),
    ] = None,
    graph: Annotated[
        str | None, Query(pattern=IRI_PATTERN, description="Only this named graph (default or empty: all).")
    ] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    """The total is counted once per store revision and pattern, not on every page."""
    pattern = {"s": s, "p": p, "o": o}
    total, found = await reads.run(_triple_page, store, pattern, graph, reads.rows(limit), offset)
    following = offset + limit
    next_url = str(request.url.include_query_params(offset=following)) if following < total else None
    return {
        "pattern": pattern,
        "graph": graph,
        "total": total,
        "limit": limit,
        "offset": offset,
        "next": next_url,
        "triples": found,
    }


@router.get(
    "/api/stats",
    tags=["REST"],
    summary="Triples, graphs, documents and entities per class",
    responses=READ_RESPONSES,
)
async def stats(store: StoreDep, reads: ReadsDep) -> dict[str, Any]:
    """Computed once per store revision."""
    revision = store.revision()
    figures = await reads.run(cached_stats, store)
    return {**figures, "revision": revision}


@router.get("/health", tags=["REST"], summary="Liveness: the store answers")
def health(store: StoreDep) -> dict[str, Any]:
    return {"status": "ok", "version": __version__, "revision": store.revision(), "graphs": len(store.graphs())}
