"""Taking and undoing decisions: each checked against the store and the earlier decisions first, so a
refused one changes nothing; then the decisions graph and the curated graph are rewritten together."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import pyoxigraph as ox

from kg import lookup
from kg.analytics.projection import node_type
from kg.curation.decisions import ACTIONS, Decision, read_decisions, stamped, write_decisions
from kg.curation.resolver import STATUS_OF, Resolution, exists, is_fact, resolve
from kg.errors import BadInputError, ContradictoryDecisionError, CurationError, IncompatibleTypesError, NotFoundError
from kg.iris import ID, ONTOLOGY, fact_iri, normalise_key
from kg.ontology import most_specific, node_classes, superclasses
from kg.store import BaseStore


def entity(store: BaseStore, name: str) -> str:
    """The entity `name` (IRI, key or label) means, as the rest of the CLI and API resolve names."""
    return lookup.resolve_entity(store, name)


def claim(store: BaseStore, name: str) -> str:
    """The claim `name` means: a fact node (IRI or `fact/...` key), else an entity such as a reified flow or event."""
    iri = name if "://" in name else ID + name if name.startswith("fact/") else None
    if iri is not None and is_fact(store, iri):
        return iri
    if name.startswith("fact/"):
        raise NotFoundError(f"no fact {name!r} in the store; `ffkg curate candidates` and /api/entities list facts")
    return entity(store, name)


def fact_of(store: BaseStore, subject: str, predicate: str, obj: str) -> str:
    """The fact node of `subject predicate object`, each end named as entities are."""
    s, o = entity(store, subject), entity(store, obj)
    iri = fact_iri(s, predicate if "://" in predicate else ONTOLOGY + predicate, o)
    if not is_fact(store, iri):
        raise NotFoundError(f"no extracted fact {subject!r} {predicate} {obj!r} in the store")
    return iri


def named(
    store: BaseStore,
    action: str,
    *,
    target: str | None = None,
    other: str | None = None,
    label: str | None = None,
    type: str | None = None,
    documents: Sequence[str] = (),
    fact: tuple[str, str, str] | None = None,
    author: str = "anonymous",
    note: str = "",
) -> Decision:
    """A decision from what people type (names, keys, labels; a fact as subject, predicate, object),
    with every name resolved as the CLI and the API resolve them elsewhere."""
    if action not in ACTIONS:
        raise BadInputError(f"unknown action {action!r}; decisions are: {', '.join(ACTIONS)}")
    if action in ("reject", "confirm"):
        if (target is None) == (fact is None):
            raise BadInputError(f"{action} names the fact (IRI, fact/... key, flow or event) or its three parts")
        iri = claim(store, target) if target is not None else fact_of(store, *fact)  # type: ignore[misc]
        return Decision(action, iri, author=author, note=note)
    if not target:
        raise BadInputError(f"{action} names an entity")
    if action in ("merge", "distinct") and not other:
        raise BadInputError(f"{action} names two entities")
    return Decision(
        action,
        entity(store, target),
        entity(store, other) if other else None,
        label=label,
        type=type,
        documents=tuple(sorted(lookup.resolve_document(store, d) for d in documents)),
        author=author,
        note=note,
    )


def most_specific_type(store: BaseStore, iri: str, resolution: Resolution) -> str | None:
    """The entity's class as curated (a retype), else the most specific node class extraction gave it."""
    if iri in resolution.types:
        return resolution.types[iri]
    classes = [t for t in lookup.types_of(store, iri) if t in node_classes()]
    return most_specific(classes) if classes else None


def compatible(a: str | None, b: str | None) -> bool:
    """One thing can have both types: the same class, or one a subclass of the other (Gunmaker, Organization)."""
    return a is None or b is None or a in superclasses(b) or b in superclasses(a)


def decide(store: BaseStore, decision: Decision) -> Decision:
    """Check `decision` (subjects already resolved to IRIs) against the store and earlier decisions, store it
    with an id and time, and return it. A `CurationError` (or `NotFoundError`) means nothing changed."""
    if decision.action not in ACTIONS:
        raise BadInputError(f"unknown action {decision.action!r}; decisions are: {', '.join(ACTIONS)}")
    decisions = read_decisions(store)
    resolution = resolve(decisions)
    decision = stamped(decision)
    for iri in decision.subjects():
        if iri not in resolution.split_off() and not exists(store, iri):
            raise NotFoundError(f"{iri} is not in the store; nothing was decided")
    decision = _checked(store, decision, resolution)
    _write(store, [*decisions, decision])
    return decision


def undo(store: BaseStore, decision_id: str) -> Decision:
    """Take back one decision: the store holds what it held before that decision was taken."""
    decisions = read_decisions(store)
    wanted = decision_id.removeprefix("decision/")
    found = next((d for d in decisions if d.id == wanted), None)
    if found is None:
        raise NotFoundError(f"no decision {decision_id!r}; `ffkg curate list` shows their ids")
    _write(store, [d for d in decisions if d.id != wanted])
    return found


def _write(store: BaseStore, decisions: list[Decision]) -> None:
    write_decisions(store, decisions, resolve(decisions).effects())


def _checked(store: BaseStore, decision: Decision, resolution: Resolution) -> Decision:
    """The decision ready to store (a split gets its new entity's IRI and type), or why it cannot be taken."""
    action, target = decision.action, decision.target
    if action in ("merge", "distinct"):
        other = decision.other
        if other is None:
            raise BadInputError(f"a {action} names two entities")
        same = resolution.find(target) == resolution.find(other)
        if action == "merge":
            if same:
                raise CurationError(f"{target} and {other} are already one entity; nothing to merge")
            earlier = resolution.kept_apart(target, other)
            if earlier:
                raise ContradictoryDecisionError(
                    f"decision {earlier} says {target} and {other} are different entities; undo it first", earlier
                )
            a, b = (most_specific_type(store, iri, resolution) for iri in (target, other))
            if not compatible(a, b):
                raise IncompatibleTypesError(
                    f"cannot merge a {a} ({target}) with a {b} ({other}): one thing has one type"
                )
        elif same:
            # Names resolve through merges, so both may arrive as the kept IRI: the merges into it are the cause.
            merges = [resolution.merged_by[m] for m in resolution.members(target)[1:]]
            earlier = resolution.merged_by.get(other) or resolution.merged_by.get(target)
            if earlier is None and not merges:
                raise BadInputError(f"a {action} names two entities, not {target} twice")
            cause = f"decision {earlier}" if earlier else f"decision(s) {', '.join(merges)}"
            raise ContradictoryDecisionError(
                f"{cause} merged {target} and {other} into one entity; undo it first", earlier or merges[-1]
            )
    elif action in ("reject", "confirm"):
        status, earlier = resolution.status.get(target, ("extracted", ""))
        if status == STATUS_OF[action]:
            raise CurationError(f"decision {earlier} already {status} {target}; nothing to do")
        if status != "extracted":
            raise ContradictoryDecisionError(f"decision {earlier} {status} {target}; undo it first", earlier)
    elif action == "relabel":
        if not (decision.label or "").strip():
            raise BadInputError("relabel needs a non-empty label")
        decision = replace(decision, label=decision.label.strip() if decision.label else None)
    elif action == "retype":
        if not decision.type:
            raise BadInputError("retype needs a type")
        decision = replace(decision, type=node_type(decision.type))
    elif action == "split":
        decision = _split(store, decision, resolution)
    return decision


def _split(store: BaseStore, decision: Decision, resolution: Resolution) -> Decision:
    label = (decision.label or "").strip()
    if not label:
        raise BadInputError("a split needs the new entity's label")
    if not decision.documents:
        raise BadInputError("a split names the documents whose mentions go to the new entity")
    rows = store.query(
        f"SELECT ?d ?e WHERE {{ ?e <{ONTOLOGY}mentionedIn> ?d }}",
        substitutions={ox.Variable("e"): ox.NamedNode(decision.target)},
    )
    mentioned = {row["d"].value for row in rows}
    strays = sorted(set(decision.documents) - mentioned)
    if strays:
        raise CurationError(f"{', '.join(strays)} do(es) not mention {decision.target}; split only its own mentions")
    kind = node_type(decision.type) if decision.type else most_specific_type(store, decision.target, resolution)
    slug = normalise_key(label) or "entity"
    return replace(decision, label=label, type=kind, split_entity=f"{ID}split/{slug}-{decision.id[:8]}")
