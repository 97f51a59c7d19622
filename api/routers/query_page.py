"""The `/query` page: YASGUI against `/sparql`, with our prefixes, example questions and vocabulary.

Everything it needs is served from `api/static/`, so it works with no internet.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.deps import SettingsDep
from api.routers.views import templates
from api.views.query import query_page as query_page_model

router = APIRouter(tags=["query page"])


@router.get("/query", response_class=HTMLResponse, summary="SPARQL editor (YASGUI) with example queries")
def query_page(request: Request, settings: SettingsDep) -> HTMLResponse:
    page = query_page_model(settings.example_queries_dir)
    return templates().TemplateResponse(request, "views/query.html", {"page": page})
