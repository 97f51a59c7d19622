"""Writing an answer under the row cap, and worker processes that evaluate SPARQL on the on-disk store.

pyoxigraph cannot stop a query that aggregates or sorts: it serialises nothing until the end, so
no deadline check in a serialiser ever runs. A thread cannot be killed either, so on an on-disk
store each query runs in one of a few worker processes that open a snapshot of the store
read-only; one that runs past its deadline is killed and replaced, and the runaway query costs
nobody else anything.

Workers never open the live store: pyoxigraph's read-only open is undefined while the server
process writes it. Each request names the snapshot (`Store.snapshot`, one per revision) to read,
so a query sent after a write sees the write. This module only
needs pyoxigraph and the negotiation table, so a fresh worker starts in a fraction of a second.
"""

from __future__ import annotations

import asyncio
import math
import os
import pickle
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from multiprocessing.connection import Connection
from typing import Any, NamedTuple

import pyoxigraph as ox

from api.negotiation import GRAPH_FORMATS, SOLUTION_FORMATS, ResultFormat, negotiate
from kg.backends.model import union_default
from kg.errors import ResultTooLargeError

STREAM_AFTER = 1 << 20
STREAM_CHUNK = 1 << 18
#: Messages after which a worker waits for its next request.
FINAL = frozenset({"whole", "done", "refused", "error"})
WORKER_PROGRAM = "import sys\nfrom api.query_processes import serve\nserve(int(sys.argv[1]))\n"

#: (kind, content type, body): "whole" or "stream" (first batch) carry the content type, then "more", "done".
Message = tuple[str, str | None, Any]
#: A worker's first message: it has started and imported the engine, so a query sent now is not
#: charged for a Python start-up (seconds on a loaded machine) against its deadline.
READY: Message = ("ready", None, None)


class Cancelled(Exception):
    """Raised inside the engine's serialiser to stop a query nobody waits for any more."""


class WorkersBusy(Exception):
    """No worker became free before the query's deadline."""


class AnswerWriter:
    """The file the engine serialises an answer into: counts rows against the cap, hands bytes on in batches.

    The first `STREAM_AFTER` bytes are held back, so a small answer (or an error) goes out whole
    with a proper status; after that, batches of `STREAM_CHUNK` bytes are streamed. `stopped` is
    asked before each write, so a query that does write as it goes stops at once when it says so.
    Rows are counted only once the bytes written could hold more than the cap (at most one row
    per `shortest_row` bytes) or are handed on: counting the markers cost a worker more than the
    engine took for a 55 KB answer, and an answer below the cap needs no count.
    """

    def __init__(self, emit: Callable[[Message], None], max_rows: int, stopped: Callable[[], bool] | None = None):
        self._emit = emit
        self._max_rows = max_rows
        self._stopped = stopped
        self._markers: tuple[bytes, ...] = ()
        self._keep = 0
        self._tail = b""
        self._rows = 0
        self._uncapped = math.inf
        self._written = 0
        self._counted = 0
        self._content_type = ""
        self._pending: list[bytes] = []
        self._pending_size = 0
        self._streaming = False

    def serialise(self, results: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples, accept: str | None) -> None:
        """Write `results` in the format `accept` asks for, as the engine serialises it."""
        try:
            table = GRAPH_FORMATS if isinstance(results, ox.QueryTriples) else SOLUTION_FORMATS
            fmt: ResultFormat = negotiate(accept, table)
            if isinstance(results, ox.QuerySolutions):
                self._markers = fmt.row_markers
                self._keep = fmt.marker_overlap
                self._rows = -fmt.header_rows
                self._uncapped = (self._max_rows + fmt.header_rows) * fmt.shortest_row
            self._content_type = fmt.content_type
            results.serialize(self, fmt.engine_format)
        finally:
            del results  # the engine's iterator must be dropped on this thread, not with a traceback handed on
        if self._streaming:
            self._hand_over()
            self._emit(("done", None, b""))
        else:
            self._emit(("whole", self._content_type, b"".join(self._pending)))

    def write(self, data: bytes) -> int:
        if self._stopped is not None and self._stopped():
            raise Cancelled
        self._pending.append(data)
        self._pending_size += len(data)
        self._written += len(data)
        if self._written > self._uncapped:
            self._count()
        if self._pending_size >= (STREAM_CHUNK if self._streaming else STREAM_AFTER):
            self._hand_over()
        return len(data)

    def _count(self) -> None:
        """Count the rows in the bytes held and not counted yet; refuse the answer once they pass the cap."""
        for data in self._pending[self._counted :]:
            window = self._tail + data
            for marker in self._markers:
                self._rows += window.count(marker)
            self._tail = window[-self._keep :] if self._keep else b""
        self._counted = len(self._pending)
        if self._rows > self._max_rows:
            raise ResultTooLargeError(
                f"the answer has more than {self._max_rows} rows (max_result_rows); add a LIMIT or page with "
                "OFFSET, or raise FFKG_MAX_RESULT_ROWS",
                "max_result_rows",
                self._max_rows,
            )

    def flush(self) -> None:
        """The engine flushes its writer; we hand bytes over in large batches of our own."""

    def _hand_over(self) -> None:
        """Pass the bytes written so far on, counted (later ones may pass the cap); the first batch opens the stream."""
        if self._markers:
            self._count()
        body = b"".join(self._pending)
        self._pending, self._pending_size, self._counted = [], 0, 0
        self._emit(("more", None, body) if self._streaming else ("stream", self._content_type, body))
        self._streaming = True


class Request(NamedTuple):
    """One query for a worker: the snapshot to read and its revision, and how to answer."""

    path: str
    revision: int
    sparql: str
    options: dict[str, Any]
    accept: str | None
    max_rows: int


def portable(error: BaseException) -> tuple[type[BaseException], tuple[Any, ...], dict[str, Any]]:
    """An exception as plain parts: ours take more constructor arguments than they keep in `args`."""
    return type(error), error.args, dict(getattr(error, "__dict__", {}))


def rebuild(parts: tuple[type[BaseException], tuple[Any, ...], dict[str, Any]]) -> BaseException:
    """The exception `portable` took apart, without calling its constructor."""
    cls, args, state = parts
    error = cls.__new__(cls, *args)
    error.args = args
    error.__dict__.update(state)
    return error


def sender(conn: Connection) -> Callable[[Message], None]:
    """`conn.send`, writing each message with its length in one go. multiprocessing writes a message
    over 16 KB as two writes, its length then its bytes: the server woke for the length alone, then
    blocked reading the rest until this process was scheduled again (two wake-ups per answer)."""
    fd = conn.fileno()

    def send(message: Message) -> None:
        payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        framed = memoryview(struct.pack("!i", len(payload)) + payload)
        while framed:
            framed = framed[os.write(fd, framed) :]

    return send


#: Seconds between a worker's checks that the process that started it is still there.
PARENT_CHECK_SECONDS = 1.0


def _exit_without_parent(parent: int) -> None:
    """End this worker once its parent is gone: a server or `ffkg query` killed with SIGKILL cannot kill
    it, and a query that never ends would keep a core busy for ever (the engine lets this thread run)."""
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(1)


def serve(fd: int) -> None:
    """A worker process: answer the requests that come over `fd` one by one until the server hangs up."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the server, which kills us itself
    threading.Thread(target=_exit_without_parent, args=(os.getppid(),), daemon=True).start()
    conn = Connection(fd)
    send = sender(conn)
    send(READY)
    engine: ox.Store | None = None
    opened_at: tuple[str, int] | None = None
    while True:
        try:
            request: Request = conn.recv()
        except EOFError:
            return
        try:
            if engine is None or opened_at != (request.path, request.revision):
                engine = None  # let go of the old snapshot before opening the new one
                engine, opened_at = ox.Store.read_only(request.path), (request.path, request.revision)
            results = engine.query(request.sparql, **union_default(request.options))
        except (SyntaxError, RuntimeError) as error:
            send(("refused", None, portable(error)))
            continue
        except Exception as error:  # an unreadable store: report it and open afresh next time
            engine, opened_at = None, None
            send(("error", None, portable(error)))
            continue
        try:
            AnswerWriter(send, request.max_rows).serialise(results, request.accept)
        except Exception as error:
            send(("error", None, portable(error)))


async def _readable(conn: Connection, deadline: float) -> None:
    """Wait on the event loop until `conn` has a message; `TimeoutError` once `deadline` passes.

    The deadline is a timer that fails the future (half the cost of `asyncio.timeout` per message)."""
    loop = asyncio.get_running_loop()
    ready = loop.create_future()
    fd = conn.fileno()
    loop.add_reader(fd, _settle, ready, None)
    timer = loop.call_later(max(0.0, deadline - time.monotonic()), _settle, ready, TimeoutError())
    try:
        await ready
    finally:
        timer.cancel()
        loop.remove_reader(fd)
        os.set_blocking(fd, True)  # uvloop made it non-blocking; `recv` reads a whole message


def _settle(future: asyncio.Future[None], error: BaseException | None) -> None:
    if future.done():
        return
    if error is None:
        future.set_result(None)
    else:
        future.set_exception(error)


class QueryWorker:
    """One worker process and our end of its socket."""

    def __init__(self) -> None:
        ours, theirs = socket.socketpair()
        with theirs:
            self.process = subprocess.Popen(
                [sys.executable, "-c", WORKER_PROGRAM, str(theirs.fileno())], pass_fds=[theirs.fileno()]
            )
        self.conn = Connection(ours.detach())
        self._killing = threading.Lock()

    def ready(self, timeout: float | None = None) -> bool:
        """Wait for the worker's ready message: False if it died starting or `timeout` seconds passed."""
        try:
            if timeout is not None and not self.conn.poll(timeout):
                return False
            return self.conn.recv() == READY
        except (EOFError, OSError):
            return False

    def kill(self) -> None:
        """Stop the process and close our end, once: the pool's shutdown and the thread that owns the
        worker (a query past its deadline, a start-up awaited) may both get here."""
        with self._killing:
            if self.conn.closed:
                return
            self.process.kill()
            self.process.wait()
            self.conn.close()


class WorkerPool:
    """`size` worker processes; each one killed at a deadline is replaced at once, so capacity never shrinks.

    A worker joins the free list once it says it is ready, so no query waits on a process still
    starting while another could answer. The free list is a stack: the worker that answered last
    answers next, with its caches warm.
    """

    def __init__(self, size: int) -> None:
        self._free: deque[QueryWorker] = deque()
        self._workers: set[QueryWorker] = set()
        self._freed = threading.Condition()
        self._closed = False
        for _ in range(size):
            self._add()

    async def run(self, request: Request, deadline: float) -> AsyncIterator[Message]:
        """The worker's messages for `request`, awaited on the event loop without a relay thread.

        The worker is killed and replaced if the caller stops listening (a client that went away,
        an error) or the deadline passes (`TimeoutError`). Raises `WorkersBusy` when no worker is
        free before the deadline.
        """
        worker = self._pop_free() or await asyncio.to_thread(self._take, deadline)
        finished = False
        try:
            worker.conn.send(request)
            while not finished:
                await _readable(worker.conn, deadline)
                message: Message = worker.conn.recv()
                finished = message[0] in FINAL
                yield message
        finally:
            if finished:
                with self._freed:
                    self._free.append(worker)
                    self._freed.notify()
            else:
                with self._freed:
                    self._workers.discard(worker)
                worker.kill()
                self._add()

    def close(self) -> None:
        """Kill every worker, busy or not; requests still waiting on one end with an error."""
        with self._freed:
            self._closed = True
            workers, self._workers = list(self._workers), set()
        for worker in workers:
            worker.kill()

    @property
    def processes(self) -> list[int]:
        """Process ids of the running workers."""
        with self._freed:
            return sorted(worker.process.pid for worker in self._workers)

    def _pop_free(self) -> QueryWorker | None:
        with self._freed:
            return self._free.pop() if self._free else None

    def _take(self, deadline: float) -> QueryWorker:
        with self._freed:
            if not self._freed.wait_for(lambda: self._free, timeout=max(0.0, deadline - time.monotonic())):
                raise WorkersBusy
            return self._free.pop()

    def _add(self) -> None:
        """Start a worker; it joins the bottom of the free list when ready (none once the pool is closed)."""
        with self._freed:
            if self._closed:
                return
            worker = QueryWorker()
            self._workers.add(worker)
        threading.Thread(target=self._welcome, args=(worker,), daemon=True).start()

    def _welcome(self, worker: QueryWorker) -> None:
        """Wait for the worker's ready message; a worker that dies starting leaves the pool (no restart loop)."""
        ready = worker.ready()
        with self._freed:
            ours = worker in self._workers  # else the pool was closed, and closing killed it
            if ready and ours and not self._closed:
                self._free.appendleft(worker)
                self._freed.notify()
                return
            self._workers.discard(worker)
        if ours:
            worker.kill()
