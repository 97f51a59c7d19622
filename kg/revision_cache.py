"""Values computed from the store once per revision: the name index, stats, landing figures, page totals.

Every write bumps `store.revision()`, whether this process or another one on the same data dir
made it, so a value keyed on the revision is never stale; a store's values of an older revision
go as soon as a newer revision is asked for.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from kg.store import BaseStore

T = TypeVar("T")


class RevisionCache:
    """Per store, up to `limit` values of its current revision (least recently used go first)."""

    def __init__(self, limit: int = 256) -> None:
        self._limit = limit
        self._held: weakref.WeakKeyDictionary[BaseStore, tuple[int, OrderedDict[Hashable, Any]]] = (
            weakref.WeakKeyDictionary()
        )
        self._lock = threading.Lock()

    def get(self, store: BaseStore, key: Hashable, build: Callable[[], T]) -> T:
        """The value of `key` for the store's current revision, built (outside the lock) if not held."""
        revision = store.revision()
        with self._lock:
            held = self._held.get(store)
            if held is None or held[0] != revision:
                held = (revision, OrderedDict())
                self._held[store] = held
            values = held[1]
            if key in values:
                values.move_to_end(key)
                return values[key]
        value = build()
        with self._lock:
            if self._held.get(store) is held:
                values[key] = value
                while len(values) > self._limit:
                    values.popitem(last=False)
        return value
