"""Reading the on-disk store while another process (`ffkg serve`) holds it.

Only one process can open the store, and pyoxigraph's read-only open of a store another
process writes is undefined behaviour. So the server publishes a snapshot of each revision
(`Store.acquire_snapshot`: hard links, a store nobody writes) and names it in a small pointer
file beside the store. A read-only command that finds the store locked hard-links that
snapshot's files into a private folder (immune to the server deleting the snapshot when the
next revision supersedes it) and opens the copy read-only.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox

from kg.errors import StoreLockedError
from kg.store import Snapshot, Store, stored_revision

#: How long a reader waits for the server to publish the store's latest revision before reading an older one.
PUBLISH_WAIT = 10.0
#: How often the server checks whether the revision moved on and a new snapshot is due.
PUBLISH_INTERVAL = 0.5
_LINK_ATTEMPTS = 5


class SnapshotStore(Store):
    """A snapshot copy opened read-only as a store: queries as usual, nothing to flush on close."""

    @classmethod
    def open_read_only(cls, path: Path) -> SnapshotStore:
        return cls(ox.Store.read_only(str(path)))

    def close(self) -> None:
        del self.engine


def pointer_file(store_path: Path) -> Path:
    """Where the server names the snapshot it publishes for the store at `store_path`."""
    return store_path.with_name(store_path.name + ".served.json")


class Publisher:
    """Server side: keeps a snapshot of the store's current revision published for other processes."""

    def __init__(self, store: Store) -> None:
        if store.path is None:
            raise ValueError("an in-memory store cannot be read by other processes")
        self.store = store
        self.pointer = pointer_file(store.path)
        self.held: Snapshot | None = None
        self._lock = threading.Lock()

    def refresh(self) -> None:
        """Publish a snapshot of the current revision unless it is published already (blocking: a thread's job)."""
        with self._lock:
            if self.held is None or self.held.revision != self.store.revision():
                self._publish()

    def _publish(self) -> None:
        snapshot = self.store.acquire_snapshot()
        scratch = self.pointer.with_name(f"{self.pointer.name}.{uuid.uuid4().hex}")
        scratch.write_text(json.dumps({"path": str(snapshot.path.resolve()), "revision": snapshot.revision}))
        scratch.replace(self.pointer)
        previous, self.held = self.held, snapshot
        if previous is not None:
            self.store.release_snapshot(previous)

    def close(self) -> None:
        """Withdraw the pointer and hand the snapshot back (server shutdown)."""
        with self._lock:
            self.pointer.unlink(missing_ok=True)
            if self.held is not None:
                self.store.release_snapshot(self.held)
                self.held = None


def _published(store_path: Path) -> Snapshot | None:
    try:
        data = json.loads(pointer_file(store_path).read_text())
    except (FileNotFoundError, ValueError):
        return None
    return Snapshot(Path(data["path"]), int(data["revision"]))


def _latest(store_path: Path) -> Snapshot | None:
    """The published snapshot, after waiting a little for the server to publish the latest revision;
    None at once when nothing is published (the holder is no server, or one that crashed)."""
    deadline = time.monotonic() + PUBLISH_WAIT
    while True:
        published = _published(store_path)
        if published is None or not published.path.is_dir():
            return None
        if published.revision >= stored_revision(store_path):
            return published
        if time.monotonic() > deadline:
            print(
                f"Warning: reading revision {published.revision} of {store_path}; the server has not yet "
                "published the latest writes",
                file=sys.stderr,
            )
            return published
        time.sleep(PUBLISH_INTERVAL / 5)


def _link_tree(source: Path, target: Path) -> None:
    """Hard-link the snapshot's files into `target` (copy where links are not allowed)."""
    target.mkdir(parents=True)
    for file in source.iterdir():
        try:
            os.link(file, target / file.name)
        except OSError as error:
            if isinstance(error, FileNotFoundError):
                raise
            shutil.copy2(file, target / file.name)


@contextmanager
def served_snapshot(store_path: Path, locked: StoreLockedError) -> Iterator[Snapshot]:
    """A private read-only copy of the snapshot the process holding the store publishes; deleted after.

    Raises `locked` (the store is in use) with a hint when no snapshot is published, e.g. an ingest holds it.
    """
    copy: Snapshot | None = None
    for _ in range(_LINK_ATTEMPTS):
        published = _latest(store_path)
        if published is None:
            break
        candidate = store_path.with_name(f".{store_path.name}.read-{os.getpid()}-{uuid.uuid4().hex}")
        try:
            _link_tree(published.path, candidate)
        except FileNotFoundError:  # superseded and deleted while we linked: take the newer one
            shutil.rmtree(candidate, ignore_errors=True)
            continue
        copy = Snapshot(candidate, published.revision)
        break
    if copy is None:
        raise StoreLockedError(
            f"{locked}; read-only commands can read while `ffkg serve` runs, but this process publishes no snapshot"
        ) from None
    try:
        yield copy
    finally:
        shutil.rmtree(copy.path, ignore_errors=True)
