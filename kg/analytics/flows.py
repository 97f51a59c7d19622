"""Firearms-flow routes: every stated flow, reified (ffkg:FirearmsFlow) or direct (ffkg:firearmsFlow),
aggregated into origin -> destination routes with how many documents, distinct stories (near-duplicate
documents once) and publishers attest each.

A statement's date is the period the text gives for the flow, else its document's date;
date filters and the first/last date of a route use it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from kg.analytics.projection import RDF, date_window, node_info, overlaps, period, project, select_rows
from kg.curation.resolver import resolution
from kg.iris import ONTOLOGY, fact_iri, key_of
from kg.store import BaseStore

_ROLES = ("origin", "destination", "via")
_DETAILS = {"method": "methods", "share": "shares", "quantity": "quantities", "period": "periods"}
_DOCUMENT_DETAILS = (
    f"OPTIONAL {{ ?d <{ONTOLOGY}title> ?t }} OPTIONAL {{ ?d <{ONTOLOGY}date> ?date }} "
    f"OPTIONAL {{ ?d <{ONTOLOGY}story> ?story }} OPTIONAL {{ ?d <{ONTOLOGY}publisher> ?publisher }}"
)


@dataclass(frozen=True)
class Statement:
    """One document saying guns move from an origin to a destination."""

    origin: str | None
    destination: str | None
    via: tuple[str, ...]
    details: tuple[tuple[str, str], ...]
    document: str
    title: str | None
    document_date: str | None
    story: str | None = None
    publisher: str | None = None
    status: str = "extracted"

    @property
    def date(self) -> str | None:
        periods = [value for name, value in self.details if name == "period"]
        return min(periods) if periods else self.document_date


def statements(store: BaseStore, *, include_rejected: bool = False) -> list[Statement]:
    """Every flow statement in the store, reified flows and direct place-to-place facts alike.

    Curators' decisions apply: places merged into another count as it, and flows (or their
    origin, destination or via facts) a curator rejected are left out unless `include_rejected`.
    """
    resolved = resolution(store)
    rejected = frozenset() if include_rejected else resolved.rejected()
    roles: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for flow, role, place in select_rows(
        store,
        f"SELECT ?f ?r ?p WHERE {{ ?f a <{ONTOLOGY}FirearmsFlow> . "
        f"VALUES ?r {{ {' '.join(f'<{ONTOLOGY}{r}>' for r in _ROLES)} }} ?f ?r ?p }}",
    ):
        if fact_iri(flow, role, place) not in rejected:
            roles[flow][role[len(ONTOLOGY) :]].append(resolved.find(place))
    details: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for flow, name, value in select_rows(
        store,
        f"SELECT ?f ?p ?v WHERE {{ ?f a <{ONTOLOGY}FirearmsFlow> . "
        f"VALUES ?p {{ {' '.join(f'<{ONTOLOGY}{d}>' for d in _DETAILS)} }} ?f ?p ?v }}",
    ):
        details[flow].add((name[len(ONTOLOGY) :], value))
    found = []
    for flow, document, title, published, story, publisher in select_rows(
        store,
        f"SELECT ?f ?d ?t ?date ?story ?publisher WHERE {{ ?f a <{ONTOLOGY}FirearmsFlow> ; "
        f"<{ONTOLOGY}mentionedIn> ?d . {_DOCUMENT_DETAILS} }}",
    ):
        if flow in rejected:
            continue
        places = roles[flow]
        via = tuple(sorted(set(places["via"])))
        for origin in sorted(set(places["origin"])) or [None]:
            for destination in sorted(set(places["destination"])) or [None]:
                found.append(
                    Statement(
                        origin,
                        destination,
                        via,
                        tuple(sorted(details[flow])),
                        document,
                        title,
                        published,
                        story,
                        publisher,
                        resolved.status_of(flow),
                    )
                )
    for origin, destination, document, title, published, story, publisher in select_rows(
        store,
        f"SELECT DISTINCT ?s ?o ?d ?t ?date ?story ?publisher WHERE {{ ?e a <{ONTOLOGY}Evidence> ; "
        f"<{RDF}subject> ?s ; <{RDF}predicate> <{ONTOLOGY}firearmsFlow> ; <{RDF}object> ?o ; "
        f"<{ONTOLOGY}document> ?d . {_DOCUMENT_DETAILS} }}",
    ):
        fact = fact_iri(origin, f"{ONTOLOGY}firearmsFlow", destination)
        if fact in rejected:
            continue
        ends = resolved.find(origin), resolved.find(destination)
        status = resolved.status_of(fact)
        found.append(Statement(*ends, (), (), document, title, published, story, publisher, status))
    return found


def routes(
    store: BaseStore,
    *,
    places: set[str] | None = None,
    date_from: str | date | None = None,
    date_to: str | date | None = None,
    min_documents: int = 1,
    min_corroboration: int = 1,
    include_rejected: bool = False,
    status: str | None = None,
) -> list[dict[str, Any]]:
    """Origin -> destination routes, the best attested first.

    `places` keeps routes whose origin, destination or a via place is one of them (pass a
    country and everything located in it); the date range keeps statements whose date can
    fall in it. Each route lists its via places, methods, shares, quantities, periods, the
    documents behind it, its `corroboration` (distinct stories: near-duplicate documents count
    once) and `publishers`, and the first and last date stated. `min_documents` and
    `min_corroboration` leave out routes fewer documents or stories state; flows a curator
    rejected are left out unless `include_rejected`; `status` keeps only statements of that claim
    status, and each route lists the `statuses` of the statements behind it.

    >>> from kg.store import Store
    >>> routes(Store.memory())
    []
    """
    window = date_window(date_from, date_to)
    grouped: dict[tuple[str | None, str | None], list[Statement]] = defaultdict(list)
    for statement in statements(store, include_rejected=include_rejected or status == "rejected"):
        if status is not None and statement.status != status:
            continue
        if not overlaps(statement.date, window):
            continue
        if places is not None and not places & {statement.origin, statement.destination, *statement.via}:
            continue
        grouped[(statement.origin, statement.destination)].append(statement)
    names = _place_names(store, {p for key, group in grouped.items() for s in group for p in (*key, *s.via) if p})
    found = []
    for (origin, destination), group in grouped.items():
        documents = {s.document: {"document": s.document, "title": s.title, "date": s.document_date} for s in group}
        stories = {s.story or s.document for s in group}
        if len(documents) < min_documents or len(stories) < min_corroboration:
            continue
        dates = [s.date for s in group if s.date]
        route: dict[str, Any] = {
            "origin": names.get(origin),
            "destination": names.get(destination),
            "via": [names[p] for p in sorted({p for s in group for p in s.via})],
        }
        for name, plural in _DETAILS.items():
            route[plural] = sorted({value for s in group for detail, value in s.details if detail == name})
        route.update(
            documents=len(documents),
            corroboration=len(stories),
            publishers=len({s.publisher for s in group if s.publisher}),
            statements=len(group),
            statuses=sorted({s.status for s in group}),
            first_date=min(dates, key=lambda d: period(d)[0]) if dates else None,
            last_date=max(dates, key=lambda d: period(d)[1]) if dates else None,
            sources=sorted(documents.values(), key=lambda d: (d["date"] or "", d["document"])),
        )
        found.append(route)
    found.sort(
        key=lambda r: (
            -r["corroboration"],
            -r["documents"],
            -r["statements"],
            _label(r["origin"]),
            _label(r["destination"]),
        )
    )
    return found


def places_within(store: BaseStore, place: str) -> set[str]:
    """A place and everything located in it, transitively (a country, its states and cities)."""
    rows = select_rows(store, f"SELECT DISTINCT ?p WHERE {{ ?p <{ONTOLOGY}locatedIn>* <{place}> }}")
    return {place} | {row[0] for row in rows}


def _place_names(store: BaseStore, places: set[str]) -> dict[str, dict[str, Any]]:
    graph = project(store)
    return {
        p: node_info(graph, p) if p in graph else {"iri": p, "key": key_of(p), "label": key_of(p), "type": None}
        for p in places
    }


def _label(place: dict[str, Any] | None) -> str:
    return place["label"] if place else ""
