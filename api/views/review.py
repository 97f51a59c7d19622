"""The review page: the queue of likely duplicates and weak facts, each side with its evidence, and the
decision log with an undo per decision. The page's buttons call `/api/curation`, as any client would."""

from __future__ import annotations

from typing import Any

from kg.curation import candidates
from kg.curation.decisions import read_decisions
from kg.store import BaseStore

#: How many items of each kind the page lists.
SHOWN = 30


def review_page(store: BaseStore, *, limit: int = SHOWN) -> dict[str, Any]:
    """What the page shows, also its JSON twin."""
    queue = candidates.queue(store, limit=limit)
    decisions = [d.as_dict() for d in reversed(read_decisions(store))]
    return {"view": "review", "title": "Review queue", **queue, "decisions": decisions}
