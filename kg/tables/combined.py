"""Text and tables side by side: one flows answer for `source` = articles, tables or all.

Articles answer as `kg.analytics.reports.flows_report` always has (documents and evidence per
route); tables answer with firearms per route and year; `all` gives both, each under its name.
The CLI, the REST route and the flows view all call `flows_report` here.
"""

from __future__ import annotations

from typing import Any

from kg.analytics import reports
from kg.errors import AmbiguousNameError, BadInputError, FfkgError, NotFoundError
from kg.lookup import resolve_entity
from kg.store import BaseStore
from kg.tables.flows import EVERY_FLOW, FlowFilter, check_source, table_data, tables_report


def flows_report(
    store: BaseStore,
    flows: FlowFilter = EVERY_FLOW,
    *,
    source: str = "articles",
    country: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    min_documents: int = 1,
    min_corroboration: int = 1,
    include_rejected: bool = False,
    status: str | None = None,
) -> dict[str, Any]:
    """Flow routes from the articles, the tables or both, filtered alike by year and by their two ends;
    `country`, the date range, `min_documents` and `min_corroboration` (distinct stories) filter the
    articles' routes, which leave out flows a curator rejected unless `include_rejected` (`status`: only
    those of that claim status). A blank filter (an empty form field) is no filter."""
    check_source(source)
    country, date_from, date_to = (
        value if value and value.strip() else None for value in (country, date_from, date_to)
    )
    if flows.year is not None and (date_from or date_to):
        raise BadInputError("give a year or a date range, not both")
    if flows.top is not None and source == "articles":
        raise BadInputError("top ranks places by firearms, which only tables count; add source=tables or all")
    if country is not None and source != "articles":
        raise BadInputError("country filters article routes; for tables name the ends (origin, destination)")
    answer: dict[str, Any] = {}
    if source in ("articles", "all"):
        answer["articles"] = _articles(
            store,
            flows,
            country=country,
            date_from=date_from,
            date_to=date_to,
            min_documents=min_documents,
            min_corroboration=min_corroboration,
            include_rejected=include_rejected,
            status=status,
        )
    if source in ("tables", "all"):
        answer["tables"] = tables_report(store, flows)
    if source == "all":
        return {"source": "all", **answer}
    return {"source": source, **answer[source]}


def _articles(store: BaseStore, flows: FlowFilter, **filters: Any) -> dict[str, Any]:
    if flows.year is not None:
        filters["date_from"] = filters["date_to"] = str(flows.year)
    report = reports.flows_report(store, **filters)
    for end, name in (("origin", flows.origin), ("destination", flows.destination)):
        if name is None:
            continue
        iri = _article_place(store, name)
        report["routes"] = [r for r in report["routes"] if r[end] and r[end]["iri"] == iri]
        report[end] = iri
    report["count"] = len(report["routes"])
    report["year"] = flows.year
    return report


def _article_place(store: BaseStore, name: str) -> str:
    """A place named for article routes; a name the articles do not know, or that is both a country and
    a state, means the place the tables give it (so `origin=Georgia` reads alike on both sides)."""
    try:
        return resolve_entity(store, name)
    except (AmbiguousNameError, NotFoundError) as error:
        try:
            iri = table_data(store).place(name)
        except FfkgError:
            raise error from None
        if isinstance(error, AmbiguousNameError) and iri not in {c["iri"] for c in error.candidates}:
            raise
        return iri
