"""The app factory: settings in, a FastAPI app out; no module-level app or store.

The OpenAPI pages (/docs, /redoc) come with their scripts (fastapi-offline), so they work
with no internet like the rest of the service.

Each surface is a router of its own; adding one is one entry in `ROUTERS`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, closing
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from api import problems
from api.query_runner import QueryRunner
from api.reads import ReadRunner
from api.routers import (
    analytics,
    curation,
    documents,
    exports,
    graph_store,
    query_page,
    rest,
    search,
    sparql,
    views,
)
from kg import __version__
from kg.served_snapshot import PUBLISH_INTERVAL, Publisher
from kg.settings import Settings
from kg.store import BaseStore, Store, open_store

STATIC_DIR = Path(__file__).resolve().parent / "static"
log = logging.getLogger("ffkg.api")
ROUTERS = (
    sparql.router,
    graph_store.router,
    rest.router,
    analytics.router,
    query_page.router,
    views.router,
    search.router,
    exports.router,
    documents.router,
    curation.router,
)


class ReadCORS:
    """CORS for the read surfaces only (so YASGUI and notebooks in a browser work); writes get none."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        common = {"allow_origins": ["*"], "allow_headers": ["*"], "max_age": 3600}
        self.sparql = CORSMiddleware(app, allow_methods=["GET", "POST"], **common)
        self.rest = CORSMiddleware(app, allow_methods=["GET"], **common)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if path == "/sparql":
            await self.sparql(scope, receive, send)
        elif path.startswith("/api/") or path == "/health":
            await self.rest(scope, receive, send)
        else:
            await self.app(scope, receive, send)


def _drop_snapshots(store: BaseStore) -> None:
    """The query workers are gone: their snapshots can go now, even if the process is then killed
    by the signal uvicorn re-raises after shutting down, before whoever opened the store closes it."""
    if isinstance(store, Store):
        store.drop_snapshots()


@asynccontextmanager
async def _publishing(store: BaseStore) -> AsyncIterator[None]:
    """While an on-disk store is served, keep a snapshot of its current revision published, so read-only
    commands (`ffkg query`, `documents`, `flows`...) can read while this process holds the store."""
    if not (isinstance(store, Store) and store.path is not None):
        yield
        return
    publisher = Publisher(store)

    async def keep_publishing() -> None:
        while True:
            try:
                await asyncio.to_thread(publisher.refresh)
            except OSError:
                log.exception("could not publish a snapshot of %s for read-only commands", store.path)
            await asyncio.sleep(PUBLISH_INTERVAL)

    task = asyncio.create_task(keep_publishing())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        publisher.close()


def create_app(settings: Settings, store: BaseStore | None = None) -> FastAPI:
    """Build the service; with no `store` the lifespan opens the one `settings` names and closes it after."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if store is not None:
            try:
                with closing(app.state.runner):
                    async with _publishing(store):
                        yield
            finally:
                _drop_snapshots(store)
            return
        opened = open_store(settings)
        app.state.store = opened
        app.state.runner.start_for(opened)
        try:
            with closing(app.state.runner):
                async with _publishing(opened):
                    yield
        finally:
            app.state.store = None
            opened.close()

    app = FastAPIOffline(
        title="ffkg",
        version=__version__,
        description="A firearms-flow knowledge graph: SPARQL 1.1 endpoint, Graph Store protocol and REST.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.store = store
    app.state.runner = QueryRunner(settings)
    app.state.reads = ReadRunner(settings)
    problems.install(app)
    for router in ROUTERS:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.add_middleware(sparql.QueryEndpoint)
    app.add_middleware(ReadCORS)
    return app


def app_from_environment() -> FastAPI:
    """The app of one `ffkg serve --workers N` worker process, configured from FFKG_* variables."""
    return create_app(Settings())
