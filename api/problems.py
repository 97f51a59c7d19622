"""Every error as `application/problem+json` (RFC 9457): our own with their status, the rest as 500.

Messages of `FfkgError` are written for the caller; anything else is a bug, so its traceback
goes to the log and the client only learns that it happened.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.routing import BaseRoute, Match

from kg.errors import FfkgError, MethodNotAllowedError, UnauthorizedError

PROBLEM = "application/problem+json"
log = logging.getLogger("ffkg.api")


#: The body every error answer has (RFC 9457), plus members some problems add (limit, candidates...).
PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
    },
    "required": ["type", "title", "status", "detail"],
}


def problem_responses(described: dict[int, str], *, page: bool = False) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entries for error statuses answered as problem+json (and, with `page`, as an
    HTML page for browsers), so the document lists every status a route can return (schemathesis checks)."""
    content: dict[str, Any] = {PROBLEM: {"schema": PROBLEM_SCHEMA}}
    if page:
        content["text/html"] = {"schema": {"type": "string"}}
    return {status: {"description": description, "content": content} for status, description in described.items()}


def problem(request: Request, status: int, title: str, detail: str, **extra: Any) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, "instance": request.url.path}
    return JSONResponse(jsonable_encoder({**body, **extra}), status_code=status, media_type=PROBLEM)


async def _ffkg_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, FfkgError)
    response = problem(request, error.status, error.title, str(error), **error.details())
    if isinstance(error, UnauthorizedError):
        response.headers["WWW-Authenticate"] = 'Bearer realm="ffkg"'
    if isinstance(error, MethodNotAllowedError):
        response.headers["Allow"] = ", ".join(error.allow)
    return response


async def _http_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, HTTPException)
    detail = error.detail if isinstance(error.detail, str) else "request failed"
    title = {404: "Not found", 405: "Method not allowed"}.get(error.status_code, "HTTP error")
    response = problem(request, error.status_code, title, detail)
    response.headers.update(error.headers or {})
    if error.status_code == 405:
        response.headers["Allow"] = ", ".join(_allowed(request))
    return response


def _allowed(request: Request) -> list[str]:
    """Every method some route serves at this path; the router's 405 names only the first route's."""
    methods: set[str] = set()
    for route in request.app.router.routes:
        if isinstance(route, BaseRoute) and route.matches(request.scope)[0] != Match.NONE:
            methods |= getattr(route, "methods", None) or set()
    return sorted(methods)


async def _validation_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    errors = [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in error.errors()]
    where = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors)
    return problem(request, 422, "Invalid parameters", where, errors=errors)


async def _unexpected(request: Request, error: Exception) -> JSONResponse:
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=error)
    return problem(request, 500, "Internal error", "the server failed on this request; the error has been logged")


def _problem_openapi(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """`app.openapi` with FastAPI's default 422 declared as the problem+json the handler really sends."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        document = generate()
        for operations in document.get("paths", {}).values():
            for operation in operations.values():
                invalid = operation.get("responses", {}).get("422")
                if invalid is not None and PROBLEM not in invalid.get("content", {}):
                    invalid["content"] = {PROBLEM: {"schema": PROBLEM_SCHEMA}}
        return document

    return openapi


def install(app: FastAPI) -> None:
    """Register the handlers on `app`, and declare their answers in its OpenAPI document."""
    app.openapi = _problem_openapi(app)  # type: ignore[method-assign]
    app.add_exception_handler(FfkgError, _ffkg_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _unexpected)
