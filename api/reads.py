"""Store reads of the REST, analytics and view routes: off the event loop, bounded, under the query deadline.

Each read runs in a worker thread holding one of `query_workers` slots of its own, so the event
loop (and `/health`, the threads of plain routes) keeps answering whatever the reads do. The
request waits at most `query_timeout` seconds for a slot and the answer together, then gets a
503 problem naming the setting. A thread cannot be killed: one past its deadline finishes its
current query in the background still holding its slot, so runaway reads never pile up beyond
`query_workers`; the heavy free-form ones belong on `/sparql`, whose worker processes are killed.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import anyio
import anyio.to_thread

from api.query_runner import timed_out
from kg.errors import ResultTooLargeError
from kg.revision_cache import RevisionCache
from kg.settings import Settings
from kg.store import BaseStore

T = TypeVar("T")
#: Figures the routes show (stats, landing page, triple-pattern totals), computed once per store revision.
figures = RevisionCache()

#: What every route that reads the store may answer besides its own statuses (OpenAPI `responses`).
READ_RESPONSES: dict[int | str, dict[str, Any]] = {
    422: {"description": "The answer would list more items than the max_result_rows setting allows."},
    503: {
        "description": "The read ran past the query_timeout setting, or every read slot (query_workers) stayed busy "
        "until then; application/problem+json naming the limit."
    },
}


class ReadRunner:
    """Runs blocking store reads for the async routes, at most `query_workers` at once, each under the deadline."""

    def __init__(self, settings: Settings) -> None:
        self.timeout = settings.query_timeout
        self.max_rows = settings.max_result_rows
        self._slots = anyio.CapacityLimiter(settings.query_workers)

    def rows(self, requested: int) -> int:
        """`requested` items for one answer, or a 422 naming the row cap (max_result_rows) it would pass."""
        if requested > self.max_rows:
            raise ResultTooLargeError(
                f"this answer could list {requested} items, over the {self.max_rows} of max_result_rows; ask for "
                "fewer or raise FFKG_MAX_RESULT_ROWS",
                "max_result_rows",
                self.max_rows,
            )
        return requested

    async def run(self, read: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """`read(*args, **kwargs)` in a worker thread; `QueryTimeoutError` (503) once the deadline passes."""
        call = functools.partial(read, *args, **kwargs)
        try:
            with anyio.fail_after(self.timeout):
                return await anyio.to_thread.run_sync(call, limiter=self._slots, abandon_on_cancel=True)
        except TimeoutError:
            raise timed_out(self.timeout) from None


def cached_stats(store: BaseStore) -> dict[str, Any]:
    """`store.stats()` once per revision: the landing page and `/api/stats` share it."""
    return figures.get(store, "stats", store.stats)
