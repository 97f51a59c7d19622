"""The browser views: sigma.js graphs, a map and a timeline, each with a JSON twin (`?format=json`).

A page and its twin come from the same view-model dict (`api/views/`). Errors a person can
fix (an unknown entity, a filter out of range, no path) become an HTML page that says so in
words with a link back; the JSON twin answers them as problem+json like the rest of the API.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from api.deps import ReadsDep, SettingsDep, StoreDep
from api.problems import problem_responses
from api.reads import READ_RESPONSES, figures
from api.views import entity, evidence, flows, graph, landing, path, review, timeline
from kg.errors import FfkgError

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
Format = Annotated[Literal["html", "json"], Query(description="`json` returns the page's data instead of the page.")]
Raw = Annotated[str | None, Query()]

router = APIRouter(
    tags=["views"],
    responses={
        **READ_RESPONSES,
        200: {"content": {"application/json": {}}},  # the JSON twin (`?format=json`)
        **problem_responses(
            {
                400: "A parameter is out of range or malformed: a page that says so (problem+json for the JSON twin).",
                404: "No such entity, document or path.",
                409: "The name is ambiguous: a page listing the candidates.",
            },
            page=True,
        ),
    },
)


@cache
def templates() -> Jinja2Templates:
    return Jinja2Templates(directory=TEMPLATES_DIR)


async def render(
    request: Request,
    reads: ReadsDep,
    template: str,
    build: Callable[[], dict[str, Any]],
    *,
    fmt: str = "html",
    allowed: dict[str, str] | None = None,
    back: dict[str, str] | None = None,
) -> Response:
    """Build the view model off the event loop, under the deadline, and answer with the page or its JSON;
    our errors (a timeout included) become a page that explains."""
    if fmt == "json":
        return JSONResponse(await reads.run(build))
    try:
        page = await reads.run(build)
    except FfkgError as error:
        return error_page(request, error, allowed=allowed, back=back)
    return templates().TemplateResponse(request, template, {"page": page})


def error_page(
    request: Request, error: FfkgError, *, allowed: dict[str, str] | None = None, back: dict[str, str] | None = None
) -> Response:
    """The error in words, the allowed values when the input was out of range, close matches, a link back."""
    page = {
        "view": "error",
        "title": error.title,
        "message": str(error),
        "allowed": allowed if error.status == 400 else None,
        "candidates": error.details().get("candidates", []),
        "back": back or {"url": "/", "text": "Back to the overview"},
    }
    return templates().TemplateResponse(request, "views/message.html", {"page": page}, status_code=error.status)


@router.get("/", response_class=HTMLResponse, summary="Landing page: what is in the graph and the ways into it")
async def landing_view(request: Request, store: StoreDep, reads: ReadsDep, format: Format = "html") -> Response:
    """The page's figures are computed once per store revision."""

    def build() -> dict[str, Any]:
        return figures.get(store, "landing", lambda: landing.landing_page(store))

    return await render(request, reads, "views/landing.html", build, fmt=format)


@router.get("/view/search", summary="Open the view of the entity a name, alias, key or IRI names")
async def search_view(request: Request, store: StoreDep, reads: ReadsDep, q: Raw = None) -> Response:
    try:
        key = await reads.run(entity.find, store, q)
    except FfkgError as error:
        return error_page(request, error)
    return RedirectResponse(f"/view/entity/{key}", status_code=303)


@router.get("/view/graph", response_class=HTMLResponse, summary="The whole graph or its most central nodes")
async def graph_view(
    request: Request,
    reads: ReadsDep,
    store: StoreDep,
    type: Annotated[list[str], Query()] = [],  # noqa: B006 - FastAPI reads the default, never mutates it
    date_from: Raw = None,
    date_to: Raw = None,
    min_confidence: Raw = None,
    min_documents: Raw = None,
    top: Raw = None,
    centrality: Raw = None,
    min_corroboration: Raw = None,
    status: Raw = None,
    include_rejected: Raw = None,
    format: Format = "html",
) -> Response:
    def build() -> dict[str, Any]:
        return graph.graph_page(
            store,
            types=type,
            date_from=date_from,
            date_to=date_to,
            min_confidence=min_confidence,
            min_documents=min_documents,
            top=top,
            metric=centrality,
            min_corroboration=min_corroboration,
            status=status,
            include_rejected=include_rejected,
        )

    back = {"url": "/view/graph", "text": "Back to the unfiltered graph"}
    return await render(request, reads, "views/graph.html", build, fmt=format, allowed=graph.ALLOWED, back=back)


@router.get("/view/timeline", response_class=HTMLResponse, summary="Dated events on a time axis, linked to the graph")
async def timeline_view(
    request: Request,
    reads: ReadsDep,
    store: StoreDep,
    entity: Raw = None,
    date_from: Raw = None,
    date_to: Raw = None,
    format: Format = "html",
) -> Response:
    def build() -> dict[str, Any]:
        return timeline.timeline_page(store, entity=entity, date_from=date_from, date_to=date_to)

    back = {"url": "/view/timeline", "text": "Show every event"}
    return await render(request, reads, "views/timeline.html", build, fmt=format, allowed=timeline.ALLOWED, back=back)


@router.get("/view/evidence", summary="The sentences behind the facts of one drawn node (the views' side panel)")
async def evidence_view(store: StoreDep, reads: ReadsDep, node: Raw = None) -> JSONResponse:
    return JSONResponse(await reads.run(evidence.node_evidence, store, node))


@router.get("/view/review", response_class=HTMLResponse, summary="Review queue: likely duplicates and weak facts")
async def review_view(request: Request, store: StoreDep, reads: ReadsDep, format: Format = "html") -> Response:
    return await render(request, reads, "views/review.html", lambda: review.review_page(store), fmt=format)


@router.get("/view/entity/{key:path}", response_class=HTMLResponse, summary="The network around one entity")
async def entity_view(
    request: Request,
    reads: ReadsDep,
    key: str,
    store: StoreDep,
    settings: SettingsDep,
    depth: Raw = None,
    format: Format = "html",
) -> Response:
    def build() -> dict[str, Any]:
        return entity.entity_page(store, settings, key, depth=depth)

    allowed = entity.allowed(settings.max_depth)
    return await render(request, reads, "views/entity.html", build, fmt=format, allowed=allowed)


@router.get("/view/path", response_class=HTMLResponse, summary="Shortest paths between two entities")
async def path_view(
    request: Request,
    reads: ReadsDep,
    store: StoreDep,
    settings: SettingsDep,
    source: Raw = None,
    target: Raw = None,
    k: Raw = None,
    format: Format = "html",
) -> Response:
    def build() -> dict[str, Any]:
        return path.path_page(store, settings, source, target, k=k)

    back = {"url": "/view/path", "text": "Try two other entities"}
    return await render(
        request, reads, "views/path.html", build, fmt=format, allowed=path.allowed(settings.max_path_k), back=back
    )


@router.get("/view/flows", response_class=HTMLResponse, summary="Firearms-flow routes between places, like a map")
async def flows_view(
    request: Request,
    reads: ReadsDep,
    store: StoreDep,
    country: Raw = None,
    date_from: Raw = None,
    date_to: Raw = None,
    min_documents: Raw = None,
    source: Raw = None,
    year: Raw = None,
    min_corroboration: Raw = None,
    include_rejected: Raw = None,
    format: Format = "html",
) -> Response:
    def build() -> dict[str, Any]:
        return flows.flows_page(
            store,
            country=country,
            date_from=date_from,
            date_to=date_to,
            min_documents=min_documents,
            source=source,
            year=year,
            min_corroboration=min_corroboration,
            include_rejected=include_rejected,
        )

    back = {"url": "/view/flows", "text": "Back to all routes"}
    return await render(request, reads, "views/flows.html", build, fmt=format, allowed=flows.ALLOWED, back=back)
