"""`ffkg query`: SPARQL from the command line, under the query timeout, stoppable with Ctrl-C.

pyoxigraph cannot stop a running query, and a thread cannot be killed, so on the on-disk store
the query runs in a worker process (the server's, `api.query_processes`) that reads a snapshot:
at the timeout or on Ctrl-C the worker is killed and the store is never left held by a runaway
query. The snapshot also lets the command read while `ffkg serve` holds the store.
"""

from __future__ import annotations

import io
import json
import sys
import time
from pathlib import Path
from typing import Any

import click
import pyoxigraph as ox

from kg.cli_store import data_dir_option, print_rows, readable_copy, settings_from
from kg.errors import BadInputError, FfkgError, QueryTimeoutError
from kg.settings import Settings
from kg.store import open_store, union_default

#: What the worker is asked to answer in: JSON results for SELECT and ASK, Turtle for CONSTRUCT and DESCRIBE.
ACCEPT = "application/sparql-results+json, text/turtle"
#: Answers a terminal shows: no row cap beyond what fits in memory.
NO_ROW_CAP = sys.maxsize


@click.command()
@click.argument("sparql")
@click.option(
    "--format", "format_name", default="table", type=click.Choice(["table", "csv", "tsv", "json"]), show_default=True
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    help="Seconds the query may run (default: $FFKG_QUERY_TIMEOUT or 30).",
)
@data_dir_option
def query(sparql: str, format_name: str, timeout: float | None, data_dir: Path | None) -> None:
    """Run a SPARQL query (text, a .rq file, or - for stdin) over the union of all graphs.

    Works while `ffkg serve` runs (it reads the snapshot the server publishes); stops at the
    timeout or on Ctrl-C.
    """
    if sparql == "-":
        sparql = sys.stdin.read()
    elif sparql.endswith((".rq", ".sparql")) and Path(sparql).is_file():
        sparql = Path(sparql).read_text(encoding="utf-8")
    try:
        ox.Store().query(sparql)  # parsed on an empty store first: a typo is a usage error, whatever the store
    except SyntaxError as error:
        raise click.UsageError(f"SPARQL syntax error: {error}") from None
    settings = settings_from(data_dir)
    if timeout is not None:
        settings = settings.model_copy(update={"query_timeout": timeout})
    try:
        answer = _in_process(settings, sparql) if _no_files(settings) else _in_worker(settings, sparql)
    except KeyboardInterrupt:
        click.echo("Error: query interrupted; it was stopped and the store is free", err=True)
        sys.exit(130)
    _print_answer(answer, format_name)


def _no_files(settings: Settings) -> bool:
    """Stores no worker process can open: a remote server (it times out its own calls) or one in memory."""
    return not settings.on_disk


def _in_process(settings: Settings, sparql: str) -> tuple[str, bytes]:
    with open_store(settings) as store:
        result = store.query(sparql)
        buffer = io.BytesIO()
        if isinstance(result, ox.QueryTriples):
            result.serialize(buffer, ox.RdfFormat.TURTLE)
            return "text/turtle", buffer.getvalue()
        result.serialize(buffer, ox.QueryResultsFormat.JSON)
        return "application/sparql-results+json", buffer.getvalue()


def _in_worker(settings: Settings, sparql: str) -> tuple[str, bytes]:
    """The answer from a worker process reading a snapshot, killed at the deadline or on Ctrl-C."""
    from api.query_processes import FINAL, QueryWorker, Request, rebuild

    deadline = time.monotonic() + settings.query_timeout
    timed_out = QueryTimeoutError(
        f"the query ran past the {settings.query_timeout:g} s limit; make it more selective, or "
        "give --timeout (or FFKG_QUERY_TIMEOUT) more seconds",
        "query_timeout",
        settings.query_timeout,
    )
    with readable_copy(settings) as snapshot:
        worker = QueryWorker()
        try:
            if not worker.ready(max(0.0, deadline - time.monotonic())):
                raise timed_out
            request = Request(str(snapshot.path), snapshot.revision, sparql, union_default({}), ACCEPT, NO_ROW_CAP)
            worker.conn.send(request)
            content_type, parts, kind = "", [], ""
            while kind not in FINAL:
                if not worker.conn.poll(max(0.0, deadline - time.monotonic())):
                    raise timed_out
                kind, media, body = worker.conn.recv()
                if kind in ("refused", "error"):
                    raise _as_ours(rebuild(body))
                content_type = media or content_type
                parts.append(body)
        finally:
            worker.kill()
    return content_type, b"".join(parts)


def _as_ours(error: BaseException) -> BaseException:
    """A worker's failure as one of our errors: the engine's own (an unreachable SERVICE...) as a 400."""
    if isinstance(error, FfkgError):
        return error
    return BadInputError(f"the engine cannot evaluate this query: {error}")


def _term_text(term: dict[str, Any] | None) -> str:
    return "" if term is None else term["value"]


def _print_answer(answer: tuple[str, bytes], format_name: str) -> None:
    content_type, body = answer
    if content_type.startswith("text/turtle"):
        click.echo(body.decode())
        return
    results = json.loads(body)
    if "boolean" in results:
        click.echo("true" if results["boolean"] else "false")
        return
    columns = results["head"]["vars"]
    rows = [[_term_text(binding.get(c)) for c in columns] for binding in results["results"]["bindings"]]
    print_rows(columns, rows, format_name)
