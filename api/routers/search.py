"""Full-text search: `GET /api/search` for programs and the typeahead, `/search` for people.

Both are rendered from the same `SearchIndex.search` dict; the index catches up with the store's
revision before answering, so a search never misses what was just written.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import ReadsDep, StoreDep
from api.problems import problem_responses
from api.reads import READ_RESPONSES
from api.routers.views import error_page, templates
from kg.errors import FfkgError
from kg.search import MAX_LIMIT, MAX_OFFSET, MAX_QUERY_CHARS, Syntax, index_for

router = APIRouter()

Q = Annotated[
    str,
    Query(
        max_length=MAX_QUERY_CHARS,
        description="Words to find (the last one also as a prefix). With syntax=fts5, an FTS5 query as written.",
    ),
]
Types = Annotated[
    list[str], Query(description="Only hits of these types (repeat the parameter): Document, Evidence, Person...")
]
Year = Annotated[str | None, Query(pattern=r"^\d{4}$", description="Only hits dated in this year (four digits).")]
SyntaxParam = Annotated[
    Syntax, Query(description="`words` (default: any text is safe) or `fts5` (AND, OR, NOT, NEAR, prefix*).")
]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size.")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Hits to skip.")]


@router.get(
    "/api/search",
    tags=["REST"],
    summary="Full-text search over document text, evidence sentences, entity labels and aliases",
    responses={
        **problem_responses({400: "q has no words, or is not a valid FTS5 query with syntax=fts5."}),
        **READ_RESPONSES,
    },
)
async def search(
    store: StoreDep,
    reads: ReadsDep,
    q: Q,
    type: Types = [],  # noqa: B006 - FastAPI reads the default, never mutates it
    year: Year = None,
    syntax: SyntaxParam = "words",
    limit: Limit = 20,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Hits best first, each with a snippet (`snippet_html` marks the matched words with <mark>), the page
    that shows it and, for evidence, its character offsets in the document; `facets` count every match by
    type and by year, whatever the filters."""
    index = index_for(store)
    return await reads.run(index.search, store, q, syntax=syntax, types=type, year=year, limit=limit, offset=offset)


@router.get(
    "/search",
    response_class=HTMLResponse,
    tags=["views"],
    summary="Full-text search results as a page",
    responses={
        400: {"description": "q has no words: a page that says so.", "content": {"text/html": {}}},
        503: {
            "description": "The search ran past the query_timeout setting, or every read slot stayed busy until "
            "then: a page that says so.",
            "content": {"text/html": {}},
        },
    },
)
async def search_page(
    request: Request,
    store: StoreDep,
    reads: ReadsDep,
    q: Annotated[str, Query(max_length=MAX_QUERY_CHARS)] = "",
    type: Types = [],  # noqa: B006 - FastAPI reads the default, never mutates it
    year: Year = None,
    offset: Offset = 0,
) -> Response:
    page: dict[str, Any] = {"view": "search", "title": "Search", "q": q.strip(), "types": type, "year": year}
    if page["q"]:
        try:
            found = await reads.run(index_for(store).search, store, q, types=type, year=year, offset=offset)
        except FfkgError as error:
            return error_page(request, error, back={"url": "/search", "text": "Search again"})
        page |= found
        page["title"] = f"Search: {q}"
    return templates().TemplateResponse(request, "views/search.html", {"page": page})
