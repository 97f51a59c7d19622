"""REST under `/api/curation`: the decision log, the review queue, and taking or undoing decisions.

Reads run in the read workers like every other route; writes need the write token, as `/update`
does, and run in a thread so the event loop keeps answering. The review page calls these routes.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import anyio.to_thread
from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from api.deps import ReadsDep, StoreDep, WriterDep
from api.problems import problem_responses
from api.reads import READ_RESPONSES
from kg.curation import actions, candidates
from kg.curation.decisions import read_decisions
from kg.curation.resolver import stale
from kg.store import BaseStore

router = APIRouter(prefix="/api/curation", tags=["Curation"])

_WRITE_ERRORS = problem_responses(
    {
        400: "A decision without what it needs (two entities for a merge, a label for a relabel...).",
        401: "No bearer token.",
        403: "Wrong token, or writes are switched off (FFKG_WRITE_TOKEN unset).",
        404: "An entity, fact, document or decision that is not in the store.",
        409: "A label that names several entities, or a decision that contradicts an earlier one (named).",
        422: "A decision that cannot be taken: incompatible types, nothing to do, invalid fields.",
        503: "Another write held the store for too long.",
    }
)


class DecisionIn(BaseModel):
    """A decision as people name things: entities by IRI, key or label; facts by IRI, key or three parts."""

    action: Literal["merge", "distinct", "split", "reject", "confirm", "retype", "relabel"]
    target: str | None = Field(None, description="The entity (for a merge: the one kept) or the fact.")
    other: str | None = Field(None, description="merge: the entity merged into target; distinct: the other one.")
    label: str | None = Field(None, description="relabel, split: the label given.")
    type: str | None = Field(None, description="retype, split: the ontology class given.")
    documents: list[str] = Field(default_factory=list, description="split: documents whose mentions move.")
    subject: str | None = Field(None, description="reject, confirm: the fact's subject (with predicate, object).")
    predicate: str | None = None
    object: str | None = None
    author: str = Field("anonymous", max_length=200)
    note: str = Field("", max_length=5000)


@router.get("/decisions", summary="The decision log, oldest first", responses=READ_RESPONSES)
async def decisions(
    store: StoreDep,
    reads: ReadsDep,
    only_stale: Annotated[
        bool, Query(alias="stale", description="Only decisions whose entity, fact or document is gone.")
    ] = False,
) -> list[dict[str, Any]]:
    return await reads.run(_decision_log, store, only_stale)


def _decision_log(store: BaseStore, only_stale: bool) -> list[dict[str, Any]]:
    if only_stale:
        return [{**d.as_dict(), "missing": missing} for d, missing in stale(store)]
    return [d.as_dict() for d in read_decisions(store)]


@router.get("/candidates", summary="The review queue: likely duplicates and weak facts", responses=READ_RESPONSES)
async def review_queue(
    store: StoreDep,
    reads: ReadsDep,
    limit: Annotated[int, Query(ge=1, le=500, description="Most items of each kind.")] = 50,
) -> dict[str, Any]:
    return await reads.run(candidates.queue, store, limit=reads.rows(limit))


@router.post(
    "/decisions",
    status_code=201,
    summary="Take a decision (needs the write token)",
    dependencies=[WriterDep],
    responses=_WRITE_ERRORS,
)
async def decide(store: StoreDep, body: DecisionIn) -> dict[str, Any]:
    parts = (body.subject, body.predicate, body.object)
    fact = parts if all(parts) else None

    def take() -> dict[str, Any]:
        fields = body.model_dump(include={"target", "other", "label", "type", "documents", "author", "note"})
        return actions.decide(store, actions.named(store, body.action, fact=fact, **fields)).as_dict()

    return await anyio.to_thread.run_sync(take)


@router.delete(
    "/decisions/{decision_id}",
    summary="Undo a decision: the store is as it was before it (needs the write token)",
    dependencies=[WriterDep],
    responses=_WRITE_ERRORS,
)
async def undo(
    store: StoreDep, decision_id: Annotated[str, Path(description="The id `ffkg curate list` shows.")]
) -> dict[str, Any]:
    return await anyio.to_thread.run_sync(lambda: actions.undo(store, decision_id).as_dict())
