"""`ffkg serve`: the SPARQL endpoint, REST API and pages over the store, with uvicorn.

The web stack is imported when the command runs, so that other commands start fast.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from kg.cli_store import data_dir_option, must_exist, settings_from
from kg.store import open_store


@click.command()
@click.option("--host", default=None, help="Address to bind (default: $FFKG_HOST or 127.0.0.1).")
@click.option("--port", type=click.IntRange(0, 65535), default=None, help="Port (default: $FFKG_PORT or 8000).")
@data_dir_option
@click.option(
    "--workers",
    "processes",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="API server processes. More than one needs the shared store (FFKG_STORE=sparql); its revision "
    "keeps every process's caches current.",
)
@click.option(
    "--query-threads",
    "workers",
    type=click.IntRange(min=1),
    default=None,
    help="SPARQL queries evaluated at once per process (default: $FFKG_QUERY_WORKERS or 4).",
)
@click.option(
    "--access-log/--no-access-log",
    default=False,
    show_default=True,
    help="Log a line per request (uvicorn's access log). Off by default: it took a third of the HTTP layer's time "
    "per query.",
)
def serve(
    host: str | None, port: int | None, data_dir: Path | None, workers: int | None, processes: int, access_log: bool
) -> None:
    """Serve /sparql (SPARQL 1.1), /update and /graph-store (with FFKG_WRITE_TOKEN), /api, /query and /docs.

    The store is opened here, before the server starts, so a locked or missing store is
    reported as a one-line error instead of a failed start-up. A missing store is created only
    when writes are on: read-only, a mistyped --data-dir would serve an empty graph as if it were data.
    """
    import uvicorn

    from api.app import create_app

    settings = settings_from(data_dir)
    overrides = {"host": host, "port": port, "query_workers": workers}
    settings = settings.model_copy(update={k: v for k, v in overrides.items() if v is not None})
    writes = "on" if settings.write_token is not None else "off (set FFKG_WRITE_TOKEN to enable)"
    if processes > 1:
        if settings.store != "sparql":
            raise click.UsageError("--workers above 1 needs FFKG_STORE=sparql: the embedded store is one process's")
        open_store(settings).close()
        if workers is not None:
            os.environ["FFKG_QUERY_WORKERS"] = str(workers)
        click.echo(
            f"ffkg serving http://{settings.host}:{settings.port}/sparql with {processes} processes ; writes {writes}",
            err=True,
        )
        uvicorn.run(
            "api.app:app_from_environment",
            factory=True,
            workers=processes,
            host=settings.host,
            port=settings.port,
            log_level="info",
            access_log=access_log,
        )
        return
    if settings.on_disk and not settings.store_path.is_dir():
        if settings.write_token is None:
            must_exist(settings.store_path)
        click.echo(f"no ffkg store at {settings.store_path}: serving a new, empty one (writes are on)", err=True)
    with open_store(settings) as store:
        app = create_app(settings, store)
        app.state.runner.start_for(store)
        click.echo(f"ffkg serving http://{settings.host}:{settings.port}/sparql ; writes {writes}", err=True)
        uvicorn.run(app, host=settings.host, port=settings.port, log_level="info", access_log=access_log)
