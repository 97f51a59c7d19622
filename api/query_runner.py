"""Runs SPARQL on the engine in worker threads under a deadline and a row cap.

pyoxigraph has no per-query timeout, but it releases the GIL while it evaluates, so each
query gets its own daemon thread and a slot from a bounded semaphore: a query that keeps
computing past its deadline only holds its slot while the client already has its 503 and
every other request is still served. The engine serialises the answer itself into a sink
that stops it as soon as the deadline passes, the client goes away or the row cap is hit.

Answers that finish within `STREAM_AFTER` bytes are sent whole, so any error gets a proper
status; larger ones are streamed and, if a limit is hit midway, the connection is cut so
that no client mistakes a truncated answer for a complete one.
"""

from __future__ import annotations

import asyncio
import re
import threading
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import pyoxigraph as ox
from fastapi import Response
from fastapi.responses import StreamingResponse

from api.negotiation import GRAPH_FORMATS, SOLUTION_FORMATS, ResultFormat, negotiate
from kg.errors import BadInputError, LimitError, QueryTimeoutError, ResultTooLargeError, SparqlSyntaxError
from kg.settings import Settings
from kg.store import BaseStore

STREAM_AFTER = 1 << 20
STREAM_CHUNK = 1 << 18
_DONE = object()
_POSITION = re.compile(r"error at (\d+):(\d+)")
_UPDATE_START = re.compile(
    r"^\s*(?:(?:PREFIX\s+\S*\s*<[^>]*>|BASE\s*<[^>]*>|#[^\n]*)\s*)*(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b",
    re.IGNORECASE,
)


class _Cancelled(Exception):
    """Raised inside the engine's serialiser to stop a query nobody waits for any more."""


def syntax_error(error: SyntaxError, text: str, *, expect_update: bool = False) -> SparqlSyntaxError:
    """The engine's parse error as a 400 with its position, and a hint when the wrong endpoint was used."""
    message = str(error.args[0] if error.args else error)
    found = _POSITION.search(message)
    line, column = (int(found.group(1)), int(found.group(2))) if found else (None, None)
    is_update = bool(_UPDATE_START.match(text))
    if is_update and not expect_update:
        message += "; this is a SPARQL Update: send it to /update, /sparql only answers queries"
    elif expect_update and not is_update:
        message += "; /update only runs SPARQL Update: send queries to /sparql"
    return SparqlSyntaxError(f"SPARQL syntax error: {message}", line, column)


class _Job:
    """One query on its way through a worker thread; also the file the engine writes into."""

    def __init__(self, loop: asyncio.AbstractEventLoop, deadline: float, max_rows: int) -> None:
        self._loop = loop
        self._queue: asyncio.Queue[Any] = asyncio.Queue()
        self.deadline = deadline
        self._max_rows = max_rows
        self._cancelled = threading.Event()
        self._markers: tuple[bytes, ...] = ()
        self._keep = 0
        self._tail = b""
        self._rows = 0
        self._fmt: ResultFormat | None = None
        self._pending: list[bytes] = []
        self._pending_size = 0
        self._streaming = False

    def cancel(self) -> None:
        self._cancelled.set()

    def _put(self, item: Any) -> None:
        """Hand `item` to the request; once it gave up (timeout, disconnect, shutdown) nobody listens."""
        if self._cancelled.is_set():
            return
        try:
            self._loop.call_soon_threadsafe(self._queue.put_nowait, item)
        except RuntimeError:
            self.cancel()  # the event loop has closed: the server is shutting down

    def write(self, data: bytes) -> int:
        if self._cancelled.is_set() or time.monotonic() > self.deadline:
            raise _Cancelled
        if self._markers:
            window = self._tail + data
            self._rows += sum(window.count(marker) for marker in self._markers)
            self._tail = window[max(0, len(window) - self._keep) :]
            if self._rows > self._max_rows:
                raise ResultTooLargeError(
                    f"the answer has more than {self._max_rows} rows (max_result_rows); add a LIMIT or page with "
                    "OFFSET, or raise FFKG_MAX_RESULT_ROWS",
                    "max_result_rows",
                    self._max_rows,
                )
        self._pending.append(data)
        self._pending_size += len(data)
        if self._pending_size >= (STREAM_CHUNK if self._streaming else STREAM_AFTER):
            self._hand_over()
        return len(data)

    def flush(self) -> None:
        """The engine flushes its writer; we hand bytes over in large batches of our own."""

    def _hand_over(self) -> None:
        """Pass the bytes written so far to the request: the first batch opens the stream."""
        body = b"".join(self._pending)
        self._pending, self._pending_size = [], 0
        self._put(body if self._streaming else ("stream", self._fmt, body))
        self._streaming = True

    def work(
        self, slots: threading.BoundedSemaphore, workers: int, evaluate: Callable[[], Any], accept: str | None
    ) -> None:
        if not slots.acquire(timeout=max(0.0, self.deadline - time.monotonic())):
            busy = f"all {workers} query workers are busy (query_workers); try again shortly"
            self._put(LimitError(busy, "query_workers", workers))
            return
        results = None
        try:
            results = evaluate()
            table = GRAPH_FORMATS if isinstance(results, ox.QueryTriples) else SOLUTION_FORMATS
            fmt = negotiate(accept, table)
            if isinstance(results, ox.QuerySolutions):
                self._markers = fmt.row_markers
                self._keep = max(len(marker) for marker in fmt.row_markers) - 1
                self._rows = -fmt.header_rows
            self._fmt = fmt
            results.serialize(self, fmt.engine_format)
            if self._streaming:
                self._hand_over()
                self._put(_DONE)
            else:
                self._put(("whole", fmt, b"".join(self._pending)))
        except _Cancelled:
            pass
        except Exception as error:  # handed to the request, which reports or logs it
            results = None  # the engine's iterator must be dropped on this thread, not with the traceback
            self._put(error)
        finally:
            slots.release()

    async def next(self, limit: float) -> Any:
        try:
            item = await asyncio.wait_for(self._queue.get(), timeout=self.deadline - time.monotonic())
        except TimeoutError:
            self.cancel()
            raise QueryTimeoutError(
                f"the query ran past the {limit:g} s limit (query_timeout); make it more selective or raise "
                "FFKG_QUERY_TIMEOUT",
                "query_timeout",
                limit,
            ) from None
        if isinstance(item, BaseException):
            raise item
        return item


class QueryRunner:
    """The app's query workers: a bounded number of concurrent queries, each under the limits."""

    def __init__(self, settings: Settings) -> None:
        self.timeout = settings.query_timeout
        self.max_rows = settings.max_result_rows
        self.workers = settings.query_workers
        self._slots = threading.BoundedSemaphore(self.workers)

    async def respond(self, store: BaseStore, sparql: str, options: dict[str, Any], accept: str | None) -> Response:
        """Evaluate `sparql` and answer in the negotiated format, as the engine serialises it."""
        loop = asyncio.get_running_loop()
        job = _Job(loop, time.monotonic() + self.timeout, self.max_rows)

        def evaluate() -> Any:
            try:
                return store.query(sparql, **options)
            except SyntaxError as error:
                raise syntax_error(error, sparql) from None
            except RuntimeError as error:
                raise BadInputError(f"the engine cannot evaluate this query: {error}") from None

        threading.Thread(target=job.work, args=(self._slots, self.workers, evaluate, accept), daemon=True).start()
        try:
            kind, fmt, body = await job.next(self.timeout)
        except BaseException:
            job.cancel()
            raise
        headers = {"Vary": "Accept"}
        if kind == "whole":
            return Response(body, media_type=fmt.content_type, headers=headers)
        return StreamingResponse(self._rest(job, body), media_type=fmt.content_type, headers=headers)

    async def _rest(self, job: _Job, head: bytes) -> AsyncIterator[bytes]:
        try:
            yield head
            while (chunk := await job.next(self.timeout)) is not _DONE:
                yield chunk
        finally:
            job.cancel()
