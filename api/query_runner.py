"""Runs SPARQL on the engine under a deadline and a row cap, in a worker process or a worker thread.

pyoxigraph has no per-query timeout and cannot stop a query that aggregates or sorts. On an
on-disk store each query therefore goes to one of `query_workers` worker processes
(`api.query_processes`), and one that runs past its deadline is killed and replaced: the client
gets its 503 and nobody else loses anything. An in-memory store cannot be opened by another
process, and a remote SPARQL server times out its own HTTP calls, so there each query gets a
daemon thread and a slot of a bounded semaphore instead; the engine serialises into a sink that
stops it at the deadline when it writes as it goes, otherwise it keeps its slot until done.

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
from contextlib import aclosing
from typing import Any

from fastapi import Response
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from api.query_processes import AnswerWriter, Cancelled, Message, Request, WorkerPool, WorkersBusy, rebuild
from kg.errors import BadInputError, FfkgError, LimitError, QueryTimeoutError, SparqlSyntaxError
from kg.settings import Settings
from kg.sparql_syntax import Shape, classify
from kg.store import BaseStore, Store

_POSITION = re.compile(r"error at (\d+):(\d+)")
#: Request text up to this length is classified or parsed on the event loop (a few ms at worst); longer, in a thread.
INLINE_TEXT_LIMIT = 4_096


async def classified(text: str) -> Shape:
    """`classify(text)`, off the event loop when the text is long enough to hold it up."""
    if len(text) <= INLINE_TEXT_LIMIT:
        return classify(text)
    return await run_in_threadpool(classify, text)


def syntax_error(error: SyntaxError, shape: Shape, *, expect_update: bool = False) -> SparqlSyntaxError:
    """The engine's parse error as a 400 with its position, and a hint when a query was sent to /update."""
    message = str(error.args[0] if error.args else error)
    found = _POSITION.search(message)
    line, column = (int(found.group(1)), int(found.group(2))) if found else (None, None)
    if expect_update and shape.kind != "update":
        message += "; /update only runs SPARQL Update: send queries to /sparql"
    return SparqlSyntaxError(f"SPARQL syntax error: {message}", line, column)


def update_sent_here() -> BadInputError:
    return BadInputError("this is a SPARQL Update: send it to /update, /sparql only answers queries")


def refusal(error: BaseException, shape: Shape) -> FfkgError:
    """Why the engine would not evaluate a query of this shape at all, as a 400: an update sent to
    /sparql is only recognised here, when the engine's query parser refused it."""
    if shape.kind == "update":
        return update_sent_here()
    if isinstance(error, SyntaxError):
        return syntax_error(error, shape)
    return BadInputError(f"the engine cannot evaluate this query: {error}")


class _Job:
    """One query seen from the request: its deadline, and the messages its worker hands over."""

    def __init__(self, loop: asyncio.AbstractEventLoop, deadline: float) -> None:
        self._loop = loop
        self._queue: asyncio.Queue[Any] = asyncio.Queue()
        self.deadline = deadline
        self.cancelled = threading.Event()

    def cancel(self) -> None:
        self.cancelled.set()

    def stopped(self) -> bool:
        return self.cancelled.is_set() or time.monotonic() > self.deadline

    def put(self, item: Message | BaseException) -> None:
        """Hand `item` to the request; once it gave up (timeout, disconnect, shutdown) nobody listens."""
        if self.cancelled.is_set():
            return
        try:
            self._loop.call_soon_threadsafe(self._queue.put_nowait, item)
        except RuntimeError:
            self.cancel()  # the event loop has closed: the server is shutting down

    async def next(self, limit: float) -> Message:
        try:
            item = await asyncio.wait_for(self._queue.get(), timeout=self.deadline - time.monotonic())
        except TimeoutError:
            self.cancel()
            raise timed_out(limit) from None
        if isinstance(item, BaseException):
            raise item
        return item


def timed_out(limit: float) -> QueryTimeoutError:
    return QueryTimeoutError(
        f"the query ran past the {limit:g} s limit (query_timeout); make it more selective or raise FFKG_QUERY_TIMEOUT",
        "query_timeout",
        limit,
    )


class QueryRunner:
    """The app's query workers: a bounded number of concurrent queries, each under the limits."""

    def __init__(self, settings: Settings) -> None:
        self.timeout = settings.query_timeout
        self.max_rows = settings.max_result_rows
        self.workers = settings.query_workers
        self._slots = threading.BoundedSemaphore(self.workers)
        self._pool: WorkerPool | None = None
        self._pool_lock = threading.Lock()

    @property
    def pool(self) -> WorkerPool:
        """The worker processes, started with the first query on an on-disk store."""
        with self._pool_lock:
            if self._pool is None:
                self._pool = WorkerPool(self.workers)
            return self._pool

    def start_for(self, store: BaseStore) -> None:
        """Start the worker processes now if `store` is on disk, so the first query finds them ready."""
        if isinstance(store, Store) and store.path is not None:
            _ = self.pool

    def close(self) -> None:
        """Stop the worker processes (the app's lifespan calls this on shutdown)."""
        with self._pool_lock:
            if self._pool is not None:
                self._pool.close()
                self._pool = None

    async def respond(self, store: BaseStore, sparql: str, options: dict[str, Any], accept: str | None) -> Response:
        """Evaluate `sparql` and answer in the negotiated format, as the engine serialises it."""
        deadline = time.monotonic() + self.timeout
        if isinstance(store, Store) and store.path is not None:
            snapshot = store.acquire_taken_snapshot() or await asyncio.to_thread(store.acquire_snapshot)
            request = Request(str(snapshot.path), snapshot.revision, sparql, options, accept, self.max_rows)
            messages = self._from_process(request, deadline, lambda: store.release_snapshot(snapshot))
        else:
            job = _Job(asyncio.get_running_loop(), deadline)
            threading.Thread(target=self._in_thread, args=(job, store, sparql, options, accept), daemon=True).start()
            messages = self._from_thread(job)
        try:
            kind, content_type, body = await anext(messages)
        except BaseException:
            await messages.aclose()
            raise
        headers = {"Vary": "Accept"}
        if kind == "whole":
            await messages.aclose()
            return Response(body, media_type=content_type, headers=headers)
        return StreamingResponse(self._rest(body, messages), media_type=content_type, headers=headers)

    @staticmethod
    async def _rest(head: bytes, messages: AsyncIterator[Message]) -> AsyncIterator[bytes]:
        async with aclosing(messages):
            yield head
            async for kind, _, body in messages:
                if kind == "done":
                    return
                yield body

    def _busy(self) -> LimitError:
        busy = f"all {self.workers} query workers are busy (query_workers); try again shortly"
        return LimitError(busy, "query_workers", self.workers)

    async def _from_thread(self, job: _Job) -> AsyncIterator[Message]:
        """Messages of a query evaluated in a thread; stops the thread's job when the caller stops listening."""
        try:
            while True:
                yield await job.next(self.timeout)
        finally:
            job.cancel()

    async def _from_process(
        self, request: Request, deadline: float, done: Callable[[], None]
    ) -> AsyncIterator[Message]:
        """Messages of a query evaluated by a worker process, with its refusals and errors raised as ours;
        `done` is called when the worker has stopped reading the snapshot."""
        try:
            async with aclosing(self.pool.run(request, deadline)) as messages:
                async for kind, content_type, body in messages:
                    if kind == "refused":
                        raise refusal(rebuild(body), await classified(request.sparql))
                    if kind == "error":
                        raise rebuild(body)
                    yield kind, content_type, body
        except WorkersBusy:
            raise self._busy() from None
        except TimeoutError:
            raise timed_out(self.timeout) from None
        finally:
            done()

    def _in_thread(self, job: _Job, store: BaseStore, sparql: str, options: dict[str, Any], accept: str | None) -> None:
        """Evaluate in this thread, for stores no other process can open."""
        if not self._slots.acquire(timeout=max(0.0, job.deadline - time.monotonic())):
            job.put(self._busy())
            return
        results = None
        try:
            try:
                results = store.query(sparql, **options)
            except (SyntaxError, RuntimeError) as error:
                raise refusal(error, classify(sparql)) from None
            AnswerWriter(job.put, self.max_rows, job.stopped).serialise(results, accept)
        except Cancelled:
            pass
        except Exception as error:  # handed to the request, which reports or logs it
            results = None  # the engine's iterator must be dropped on this thread, not with the traceback
            job.put(error)
        finally:
            self._slots.release()
