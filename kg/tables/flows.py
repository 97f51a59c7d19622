"""Flows as the tables count them: every stored observation with its firearms and provenance, by route and year.

The counterpart of `kg.analytics.flows` (what the articles say): the same places (GeoNames IRIs),
but a number of firearms per route and year instead of documents and evidence. Places are named
as the tables name them, so "Georgia" here is the US state the ATF sheets mean.
"""

from __future__ import annotations

import difflib
import threading
import weakref
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from kg.analytics.projection import select_rows
from kg.errors import AmbiguousNameError, BadInputError, NotFoundError
from kg.iris import ONTOLOGY, key_of, normalise_key
from kg.store import BaseStore

SOURCES = ("articles", "tables", "all")
DCTERMS = "http://purl.org/dc/terms/"
_QUERY = f"""SELECT ?origin ?destination ?year ?firearms ?file ?sheet ?cell ?publisher ?retrieved WHERE {{
  ?o a <{ONTOLOGY}FlowObservation> ; <{ONTOLOGY}observedOrigin> ?origin ; <{ONTOLOGY}observedDestination> ?destination ;
     <{ONTOLOGY}year> ?year ; <{ONTOLOGY}firearmsCount> ?firearms ; <{ONTOLOGY}sourceCell> ?cell ;
     <{ONTOLOGY}fromTable> ?t .
  ?t <{DCTERMS}title> ?file ; <{ONTOLOGY}sourceSheet> ?sheet ; <{DCTERMS}publisher> ?publisher ;
     <{ONTOLOGY}retrievedOn> ?retrieved }}"""
_LABELS = f"""SELECT ?p (MIN(?l) AS ?label) WHERE {{
  {{ ?o a <{ONTOLOGY}FlowObservation> ; <{ONTOLOGY}observedOrigin> ?p }}
  UNION {{ ?o a <{ONTOLOGY}FlowObservation> ; <{ONTOLOGY}observedDestination> ?p }}
  ?p <http://www.w3.org/2000/01/rdf-schema#label> ?l }} GROUP BY ?p"""


@dataclass(frozen=True)
class TableFlow:
    """One stored observation: firearms from origin to destination in a year, and the cell it came from."""

    origin: str
    destination: str
    year: int
    firearms: int
    file: str
    sheet: str
    cell: str
    publisher: str
    retrieved: str

    @property
    def local(self) -> bool:
        return self.origin == self.destination


@dataclass(frozen=True)
class TableData:
    """Every observation in the store and the name of every place they touch."""

    flows: tuple[TableFlow, ...]
    places: dict[str, dict[str, str]]

    def place(self, name: str) -> str:
        """The IRI of a table place named by IRI, key or label (any case): 404 with close names, 409 if several."""
        if name in self.places:
            return name
        wanted = normalise_key(name)
        found = [p for p, info in self.places.items() if wanted in (normalise_key(info["label"]), info["key"])]
        if len(found) == 1:
            return found[0]
        if found:
            raise AmbiguousNameError(name, [self.places[p] for p in sorted(found)])
        labels = {info["label"]: info for info in self.places.values()}
        close = difflib.get_close_matches(name.title(), list(labels), n=5, cutoff=0.6)
        hint = f"; did you mean {', '.join(close)}?" if close else "; import a table first (ffkg ingest-table)"
        raise NotFoundError(f"no place called {name!r} in the imported tables{hint}")


_cache: weakref.WeakKeyDictionary[BaseStore, tuple[int, TableData]] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def table_data(store: BaseStore) -> TableData:
    """Observations and place names, read once per store revision."""
    revision = store.revision()
    with _lock:
        cached = _cache.get(store)
    if cached is not None and cached[0] == revision:
        return cached[1]
    flows = tuple(
        TableFlow(o, d, int(y), int(n), f, s, c, p, r) for o, d, y, n, f, s, c, p, r in select_rows(store, _QUERY)
    )
    labels = dict(select_rows(store, _LABELS))
    places = {
        iri: {"iri": iri, "key": key_of(iri), "label": labels.get(iri) or key_of(iri)}
        for iri in {f.origin for f in flows} | {f.destination for f in flows}
    }
    data = TableData(flows, places)
    with _lock:
        _cache[store] = (revision, data)
    return data


def check_source(source: str) -> str:
    if source not in SOURCES:
        raise BadInputError(f"unknown source {source!r}; choose one of: {', '.join(SOURCES)}")
    return source


@dataclass(frozen=True)
class FlowFilter:
    """Which flows to answer with: a year and the two ends (articles and tables alike); for tables also
    same-place cells, a ranking of the other end (`top`) and a cap on the routes listed (`limit`)."""

    year: int | None = None
    origin: str | None = None
    destination: str | None = None
    include_local: bool = False
    top: int | None = None
    limit: int | None = None

    def __post_init__(self) -> None:
        for end in ("origin", "destination"):
            if not (getattr(self, end) or "").strip():
                object.__setattr__(self, end, None)  # a blank form field names no place
        for name in ("top", "limit"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise BadInputError(f"{name} must be at least 1, not {value}")


#: No filter: every year and place, same-place cells left out.
EVERY_FLOW = FlowFilter()


def select(data: TableData, filters: FlowFilter) -> list[TableFlow]:
    """The observations of a year (or all years), between the places named, same-place cells only if asked."""
    start = data.place(filters.origin) if filters.origin else None
    end = data.place(filters.destination) if filters.destination else None
    return [
        f
        for f in data.flows
        if (filters.year is None or f.year == filters.year)
        and (start is None or f.origin == start)
        and (end is None or f.destination == end)
        and (filters.include_local or not f.local)
    ]


def tables_report(store: BaseStore, filters: FlowFilter = EVERY_FLOW) -> dict[str, Any]:
    """Every observation matching the filters, each route with its `firearms` and the cell it was read from.

    `limit` caps the routes listed (in year order, heaviest first within a year); `count`,
    `firearms` and the ranking still cover every match, and `truncated` says whether routes were left out.

    With `top`, also the `top` places at the other end ranked by firearms summed over the selected
    years: the source states of a recovery state, the recovery states of a source state, or the
    heaviest routes when neither end is given.
    """
    data = table_data(store)
    chosen = select(data, filters)
    chosen.sort(
        key=lambda f: (f.year, -f.firearms, data.places[f.origin]["label"], data.places[f.destination]["label"])
    )
    limit = filters.limit
    report: dict[str, Any] = {
        "source": "tables",
        "year": filters.year,
        "origin": data.places[data.place(filters.origin)] if filters.origin else None,
        "destination": data.places[data.place(filters.destination)] if filters.destination else None,
        "include_local": filters.include_local,
        "count": len(chosen),
        "firearms": sum(f.firearms for f in chosen),
        "years": sorted({f.year for f in chosen}),
        "truncated": limit is not None and len(chosen) > limit,
        "routes": [_route(data, f) for f in (chosen[:limit] if limit is not None else chosen)],
    }
    if filters.top is not None:
        report["top"] = _ranking(data, chosen, filters)
    return report


def _route(data: TableData, flow: TableFlow) -> dict[str, Any]:
    return {
        "origin": data.places[flow.origin],
        "destination": data.places[flow.destination],
        "year": flow.year,
        "firearms": flow.firearms,
        "local": flow.local,
        "file": flow.file,
        "sheet": flow.sheet,
        "cell": flow.cell,
        "publisher": flow.publisher,
        "retrieved": flow.retrieved,
    }


def _ranking(data: TableData, chosen: list[TableFlow], filters: FlowFilter) -> dict[str, Any]:
    """Places (or routes) ranked by the firearms they account for in `chosen`, with their share."""
    origin, destination, limit = filters.origin, filters.destination, filters.top or 0
    if destination and not origin:
        by, key = "origin", lambda f: (f.origin,)
    elif origin and not destination:
        by, key = "destination", lambda f: (f.destination,)
    else:
        by, key = "route", lambda f: (f.origin, f.destination)
    sums: dict[tuple[str, ...], int] = defaultdict(int)
    for flow in chosen:
        sums[key(flow)] += flow.firearms
    total = sum(sums.values()) or 1
    ranked = sorted(sums.items(), key=lambda item: (-item[1], [data.places[p]["label"] for p in item[0]]))
    rows = []
    for rank, (places, firearms) in enumerate(ranked[:limit], start=1):
        named = (
            {"origin": data.places[places[0]], "destination": data.places[places[1]]}
            if by == "route"
            else {by: data.places[places[0]]}
        )
        rows.append({"rank": rank, **named, "firearms": firearms, "share": round(firearms / total, 4)})
    return {"by": by, "firearms": sum(sums.values()), "results": rows}
