"""What routes depend on: the app's settings, store, query and read runners, the write guard, bounded bodies."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request

from api.query_runner import QueryRunner
from api.reads import ReadRunner
from kg.errors import ForbiddenError, PayloadTooLargeError, UnauthorizedError
from kg.settings import Settings
from kg.store import BaseStore


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_store(request: Request) -> BaseStore:
    return request.app.state.store


async def get_runner(request: Request) -> QueryRunner:
    return request.app.state.runner


async def get_reads(request: Request) -> ReadRunner:
    return request.app.state.reads


SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[BaseStore, Depends(get_store)]
RunnerDep = Annotated[QueryRunner, Depends(get_runner)]
ReadsDep = Annotated[ReadRunner, Depends(get_reads)]


async def require_writer(request: Request, settings: SettingsDep) -> None:
    """Let a write through only with the configured bearer token, compared in constant time."""
    if settings.write_token is None:
        raise ForbiddenError("writes are switched off on this server; start it with FFKG_WRITE_TOKEN set to allow them")
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise UnauthorizedError("this write needs an `Authorization: Bearer <token>` header")
    expected = settings.write_token.get_secret_value().encode("utf-8")
    if not hmac.compare_digest(token.strip().encode("utf-8"), expected):
        raise ForbiddenError("the bearer token is not the one this server was started with")


WriterDep = Depends(require_writer)


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refused as soon as it grows past `limit` bytes (the max_body_bytes setting)."""
    declared = request.headers.get("content-length", "")
    too_large = PayloadTooLargeError(
        f"the request body is larger than {limit} bytes (max_body_bytes); send less or raise FFKG_MAX_BODY_BYTES",
        "max_body_bytes",
        limit,
    )
    if declared.isdigit() and int(declared) > limit:
        raise too_large
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)
