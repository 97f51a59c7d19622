"""REST under `/api/curation`: the decision log, the review queue, and taking or undoing decisions.

Reads run in the read workers like every other route; writes need the write token, as `/update`
does, and run in a thread so the event loop keeps answering. The review page calls these routes.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import anyio.to_thread
from fastapi import APIRouter, Body, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from api.deps import ReadsDep, StoreDep, WriterDep
from api.problems import problem_responses
from api.reads import READ_RESPONSES
from kg.curation import actions, candidates
from kg.curation.decisions import read_decisions
from kg.curation.resolver import stale
from kg.ontology import node_classes
from kg.store import BaseStore

router = APIRouter(prefix="/api/curation", tags=["Curation"])

_WRITE_ERRORS = problem_responses(
    {
        400: "A name that is not a valid IRI.",
        401: "No bearer token.",
        403: "Wrong token, or writes are switched off (FFKG_WRITE_TOKEN unset).",
        404: "An entity, fact, document or decision that is not in the store.",
        409: "A label that names several entities, or a decision the store's state refuses: incompatible types, "
        "a contradiction with an earlier decision (named), nothing to do.",
        422: "A body that is not one of the decision shapes.",
        503: "Another write held the store for too long.",
    }
)


_Name = Annotated[str, Field(min_length=1, max_length=2000, pattern=r"\S", description="IRI, key or label.")]
_Author = Annotated[str, Field(max_length=200, description="Who decides.")]
_Note = Annotated[str, Field(max_length=5000, description="Why: shown in the decision log.")]
#: The classes an entity can be given, as the ontology names them.
NodeClass = Literal[tuple(sorted(node_classes()))]  # type: ignore[valid-type]


class _Decision(BaseModel):
    model_config = ConfigDict(extra="forbid")
    author: _Author = "anonymous"
    note: _Note = ""

    def fields(self) -> dict[str, Any]:
        """Keyword arguments of `kg.curation.actions.named`."""
        return self.model_dump(exclude={"action"})


class TwoEntities(_Decision):
    """merge: `other` is the same thing as `target` (which is kept); distinct: they are different things."""

    action: Literal["merge", "distinct"]
    target: _Name
    other: _Name


class Split(_Decision):
    """The mentions of `target` in `documents` are another entity, called `label`."""

    action: Literal["split"]
    target: _Name
    documents: list[_Name] = Field(min_length=1, max_length=1000, description="Document keys or IRIs.")
    label: _Name
    type: NodeClass | None = None


class NamedClaim(_Decision):
    """reject or confirm a fact (IRI or fact/... key), or a reified flow or event (by name)."""

    action: Literal["reject", "confirm"]
    target: _Name


class ClaimByParts(_Decision):
    """reject or confirm the fact `subject predicate object`."""

    action: Literal["reject", "confirm"]
    subject: _Name
    predicate: Annotated[str, Field(min_length=1, max_length=200, pattern=r"^\S+$")]
    object: _Name

    def fields(self) -> dict[str, Any]:
        return {"fact": (self.subject, self.predicate, self.object), "author": self.author, "note": self.note}


class Retype(_Decision):
    action: Literal["retype"]
    target: _Name
    type: NodeClass


class Relabel(_Decision):
    action: Literal["relabel"]
    target: _Name
    label: _Name


DecisionIn = TwoEntities | Split | NamedClaim | ClaimByParts | Retype | Relabel


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
async def decide(store: StoreDep, body: Annotated[DecisionIn, Body()]) -> dict[str, Any]:
    def take() -> dict[str, Any]:
        return actions.decide(store, actions.named(store, body.action, **body.fields())).as_dict()

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
