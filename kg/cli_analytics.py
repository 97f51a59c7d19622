"""Analytics commands: path, centrality, communities, neighbors, flows.

Each prints a readable summary, its table as CSV (`--format csv`), or the payload the API returns
(`--format json`, or `--json`).
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from kg import exports
from kg.analytics.centrality import METRICS
from kg.analytics.reports import (
    Filters,
    centrality_report,
    communities_report,
    neighbors_report,
    path_report,
)
from kg.cli_store import data_dir_option, reading_store, settings_from
from kg.cli_tables import (
    network_option,
    place_or_date,
    render_table_centrality,
    render_table_flows,
    render_table_paths,
    source_option,
    tables_network_chosen,
    year_option,
)
from kg.tables import combined
from kg.tables import network as tables_network
from kg.tables.flows import FlowFilter


def output_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """`--format table|csv|json` (and `--json`, its shorthand); the command gets one `output` argument."""

    @functools.wraps(command)
    def with_output(*args: Any, as_json: bool, output: str, **kwargs: Any) -> Any:
        return command(*args, output="json" if as_json else output, **kwargs)

    with_output = click.option("--json", "as_json", is_flag=True, help="Same as --format json.")(with_output)
    return click.option(
        "--format",
        "output",
        type=click.Choice(["table", "csv", "json"]),
        default="table",
        show_default=True,
        help="table to read; csv: the rows of the table, for spreadsheets; json: the payload the API returns.",
    )(with_output)


from_option = click.option("--from", "date_from", default=None, help="Earliest date (YYYY, YYYY-MM or YYYY-MM-DD).")
to_option = click.option("--to", "date_to", default=None, help="Latest date (YYYY, YYYY-MM or YYYY-MM-DD).")


def network_filters(*, node_options: bool = True) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Add the projection filter options to a command and hand it one `filters` argument instead.

    Without `node_options` (centrality, where --type picks what to rank) only the date and
    evidence filters are offered.
    """
    options = [
        from_option,
        to_option,
        click.option(
            "--min-confidence",
            default=0.0,
            show_default=True,
            type=click.FloatRange(0, 1),
            help="Drop facts whose best evidence is less sure.",
        ),
        click.option(
            "--min-documents",
            default=1,
            show_default=True,
            type=click.IntRange(1),
            help="Drop facts stated by fewer documents.",
        ),
        click.option(
            "--min-corroboration",
            default=1,
            show_default=True,
            type=click.IntRange(1),
            help="Drop facts stated by fewer distinct stories (near-duplicates once).",
        ),
        click.option(
            "--status",
            type=click.Choice(["extracted", "confirmed", "rejected"]),
            default=None,
            help="Only facts of this claim status.",
        ),
        click.option("--include-rejected", is_flag=True, help="Keep facts a curator rejected (hidden by default)."),
    ]
    if node_options:
        options += [
            click.option("--type", "types", multiple=True, help="Keep only nodes of this class (repeatable)."),
            click.option(
                "--with-documents", is_flag=True, help="Add documents as nodes, linked from what they mention."
            ),
        ]

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(command)
        def with_filters(**kwargs: Any) -> Any:
            filters = Filters(
                tuple(kwargs.pop("types", ())) or None,
                kwargs.pop("date_from"),
                kwargs.pop("date_to"),
                kwargs.pop("min_confidence"),
                kwargs.pop("min_documents"),
                kwargs.pop("with_documents", False),
                kwargs.pop("min_corroboration"),
                kwargs.pop("include_rejected"),
                kwargs.pop("status"),
            )
            return command(filters=filters, **kwargs)

        for option in reversed(options):
            with_filters = option(with_filters)
        return with_filters

    return decorate


def _emit(report: dict[str, Any], output: str, render: Callable[[Console, dict[str, Any]], None]) -> None:
    if output == "json":
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
    elif output == "csv":
        exports.write_csv(report, sys.stdout)
    else:
        render(Console(soft_wrap=True, highlight=False), report)


@click.command()
@click.argument("source")
@click.argument("target")
@click.option("-k", default=1, show_default=True, type=int, help="How many shortest paths to list.")
@network_option
@year_option
@network_filters()
@output_option
@data_dir_option
def path(
    source: str,
    target: str,
    k: int,
    network: str,
    year: int | None,
    filters: Filters,
    output: str,
    data_dir: Path | None,
) -> None:
    """How SOURCE is connected to TARGET (each named by IRI, key or label), with the evidence for each hop;
    with --network tables, the chains of heaviest routes in the tables, with firearms per hop."""
    with reading_store(data_dir) as store:
        if tables_network_chosen(network, year):
            report = tables_network.path_report(store, settings_from(data_dir), source, target, k=k, year=year)
        else:
            report = path_report(store, settings_from(data_dir), source, target, k=k, filters=filters)
    _emit(report, output, render_table_paths if network == "tables" else _render_paths)


def _render_paths(console: Console, report: dict[str, Any]) -> None:
    if not report["found"]:
        console.print(report["message"])
        return
    for number, found in enumerate(report["paths"], start=1):
        console.print(f"[bold]Path {number}[/bold] ({found['length']} hops)")
        console.print(f"  {_name(found['nodes'][0])}")
        for hop, node in zip(found["hops"], found["nodes"][1:], strict=True):
            for relation in hop["relations"]:
                arrow = (
                    f"--{relation['predicate']}-->"
                    if relation["direction"] == "forward"
                    else f"<--{relation['predicate']}--"
                )
                console.print(f"    {arrow}  (confidence {relation['confidence']}, {relation['documents']} doc(s))")
                for evidence in relation["evidence"]:
                    console.print(
                        f'      "{evidence["sentence"]}" [dim]{evidence["title"] or evidence["document"]}[/dim]'
                    )
            console.print(f"  {_name(node)}")


@click.command()
@click.option(
    "--metric",
    default="pagerank",
    show_default=True,
    type=click.Choice(sorted({*METRICS, *tables_network.METRICS})),
    help=f"What to rank by; the tables' network also by {', '.join(tables_network.METRICS[:3])} (firearms).",
)
@click.option("--type", "rank_type", default=None, help="Rank only nodes of this class (e.g. Gunmaker).")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1), help="How many nodes to list.")
@click.option("--seed", default=0, show_default=True, type=int, help="Seed for sampled betweenness.")
@network_option
@year_option
@network_filters(node_options=False)
@output_option
@data_dir_option
def centrality(
    metric: str,
    rank_type: str | None,
    limit: int,
    seed: int,
    network: str,
    year: int | None,
    filters: Filters,
    output: str,
    data_dir: Path | None,
) -> None:
    """The most central entities and events by a metric, of all types or one (computed on the whole network);
    with --network tables, the places of the tables' flow network weighted by firearms."""
    with reading_store(data_dir) as store:
        if tables_network_chosen(network, year):
            report = tables_network.centrality_report(store, metric=metric, year=year, limit=limit)
        else:
            report = centrality_report(
                store, settings_from(data_dir), metric=metric, type=rank_type, limit=limit, seed=seed, filters=filters
            )
    _emit(report, output, render_table_centrality if network == "tables" else _render_centrality)


def _render_centrality(console: Console, report: dict[str, Any]) -> None:
    how = "exact" if report["exact"] else f"sampled from k={report['k']} sources (seed {report['seed']})"
    table = Table(
        "rank",
        "label",
        "type",
        "key",
        report["metric"],
        title=f"{report['metric']} on {report['nodes']} nodes, {report['edges']} edges ({how})",
    )
    for row in report["results"]:
        table.add_row(str(row["rank"]), row["label"], row["type"], row["key"], f"{row['score']:.4f}")
    console.print(table)


@click.command()
@click.option("--seed", default=0, show_default=True, type=int, help="Seed, so the same data gives the same groups.")
@click.option(
    "--resolution",
    default=1.0,
    show_default=True,
    type=click.FloatRange(0, min_open=True),
    help="Above 1 favours smaller communities.",
)
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1), help="How many communities to list.")
@network_filters()
@output_option
@data_dir_option
def communities(
    seed: int,
    resolution: float,
    limit: int,
    filters: Filters,
    output: str,
    data_dir: Path | None,
) -> None:
    """Louvain communities of the network, largest first."""
    with reading_store(data_dir) as store:
        report = communities_report(store, seed=seed, resolution=resolution, limit=limit, filters=filters)
    _emit(report, output, _render_communities)


def _render_communities(console: Console, report: dict[str, Any]) -> None:
    console.print(f"{report['count']} communities, modularity {report['modularity']:.3f} (seed {report['seed']})")
    for community in report["communities"]:
        names = ", ".join(member["label"] for member in community["members"][:8])
        more = " ..." if community["size"] > 8 else ""
        console.print(f"[bold]{community['id']}[/bold] ({community['size']}): {names}{more}")


@click.command()
@click.argument("name")
@click.option("--depth", default=1, show_default=True, type=int, help="How many hops out.")
@click.option("--limit", default=500, show_default=True, type=click.IntRange(1), help="Most nodes to return.")
@network_filters()
@output_option
@data_dir_option
def neighbors(
    name: str,
    depth: int,
    limit: int,
    filters: Filters,
    output: str,
    data_dir: Path | None,
) -> None:
    """The neighbourhood of NAME (IRI, key or label) up to --depth hops."""
    with reading_store(data_dir) as store:
        report = neighbors_report(store, settings_from(data_dir), name, depth=depth, limit=limit, filters=filters)
    _emit(report, output, _render_neighbors)


def _render_neighbors(console: Console, report: dict[str, Any]) -> None:
    table = Table(
        "distance",
        "label",
        "type",
        "key",
        title=f"{_name(report['center'])}, depth {report['depth']}" + (" (truncated)" if report["truncated"] else ""),
    )
    for node in report["nodes"]:
        table.add_row(str(node["distance"]), node["label"], node["type"], node["key"])
    console.print(table)
    console.print(f"{len(report['edges'])} relations among them")


@click.command()
@source_option
@click.option("--country", default=None, help="Articles: only routes touching this place or anything located in it.")
@click.option("--from", "date_from", default=None, help="A date (YYYY[-MM[-DD]]) to start at, or the origin place.")
@click.option("--to", "date_to", default=None, help="A date (inclusive) to end at, or the destination place.")
@year_option
@click.option("--include-local", is_flag=True, help="Tables: keep same-place cells (recovered where first sold).")
@click.option(
    "--top",
    default=None,
    type=click.IntRange(1),
    help="Tables: rank the places at the other end by firearms (e.g. the top source states of --to).",
)
@click.option(
    "--min-documents",
    default=1,
    show_default=True,
    type=click.IntRange(1),
    help="Only routes stated by at least this many documents.",
)
@click.option(
    "--min-corroboration",
    default=1,
    show_default=True,
    type=click.IntRange(1),
    help="Only routes stated by at least this many distinct stories (near-duplicate documents count once).",
)
@click.option("--include-rejected", is_flag=True, help="Articles: also list flows a curator rejected.")
@click.option(
    "--status",
    type=click.Choice(["extracted", "confirmed", "rejected"]),
    default=None,
    help="Articles: only flows of this claim status.",
)
@output_option
@data_dir_option
def flows(
    source: str,
    country: str | None,
    date_from: str | None,
    date_to: str | None,
    year: int | None,
    include_local: bool,
    top: int | None,
    min_documents: int,
    min_corroboration: int,
    include_rejected: bool,
    status: str | None,
    output: str,
    data_dir: Path | None,
) -> None:
    """Firearms-flow routes: stated by the articles (best attested first), counted by the tables
    (firearms per route and year), or both."""
    origin, date_from = place_or_date(date_from)
    destination, date_to = place_or_date(date_to)
    chosen = FlowFilter(year, origin, destination, include_local, top)
    articles = {"country": country, "date_from": date_from, "date_to": date_to, "min_documents": min_documents}
    articles.update(include_rejected=include_rejected, status=status)
    with reading_store(data_dir) as store:
        report = combined.flows_report(store, chosen, source=source, min_corroboration=min_corroboration, **articles)
    _emit(report, output, _render_flows)


def _render_flows(console: Console, report: dict[str, Any]) -> None:
    """Article routes with their documents; table routes with their firearms per year."""
    if report["source"] in ("articles", "all"):
        _render_article_flows(console, report.get("articles", report))
    if report["source"] in ("tables", "all"):
        render_table_flows(console, report.get("tables", report))


def _render_article_flows(console: Console, report: dict[str, Any]) -> None:
    table = Table(
        "origin",
        "destination",
        "via",
        "docs",
        "first",
        "last",
        "methods",
        "shares / quantities",
        title=f"{report['count']} routes",
    )
    for route in report["routes"]:
        table.add_row(
            _label(route["origin"]),
            _label(route["destination"]),
            ", ".join(_label(p) for p in route["via"]),
            str(route["documents"]),
            route["first_date"] or "",
            route["last_date"] or "",
            ", ".join(route["methods"]),
            ", ".join(route["shares"] + route["quantities"]),
        )
    console.print(table)


def _name(node: dict[str, Any]) -> str:
    return f"{node.get('label') or node['iri']} [{node.get('type') or '?'}]"


def _label(place: dict[str, Any] | None) -> str:
    return place["label"] if place else "?"
