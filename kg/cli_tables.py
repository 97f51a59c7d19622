"""`ffkg ingest-table`: flow tables (the ATF trace matrix, or any CSV/XLSX with a mapping file) into the store."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from kg.cli_store import data_dir_option, store_from
from kg.errors import FfkgError, TableImportError
from kg.tables.flows import SOURCES
from kg.tables.ingest import import_table
from kg.tables.spec import builtin, load_spec, profile_names


@click.command("ingest-table")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--profile",
    default=None,
    help=f"A built-in mapping ({', '.join(profile_names())}); the default when no --mapping is given is atf-trace.",
)
@click.option(
    "--mapping",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="A mapping file (YAML or JSON) saying how the table reads; see examples/tables/README.md.",
)
@click.option(
    "--year", type=click.IntRange(1800, 2200), default=None, help="The year of every cell (overrides the mapping)."
)
@click.option(
    "--retrieved",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="When the file was retrieved from its publisher (YYYY-MM-DD; default: the file's modification date).",
)
@click.option(
    "--skip-problems",
    is_flag=True,
    help="Store the cells that read cleanly even when others do not; the report still lists every problem.",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON report per file.")
@data_dir_option
def ingest_table(
    files: tuple[Path, ...],
    profile: str | None,
    mapping: Path | None,
    year: int | None,
    retrieved: Any,
    skip_problems: bool,
    as_json: bool,
    data_dir: Path | None,
) -> None:
    """Import table FILES (.xlsx or .csv) as flow observations, each file into its own named graph.

    Every cell becomes an observation (origin, destination, year, firearms) with its file, sheet,
    cell, publisher and retrieval date. Totals are checked against the sheet's own; a file with
    unreadable cells or unknown places is refused whole, listing each, unless --skip-problems.
    Importing the same file again changes nothing; a corrected file replaces its own observations.
    """
    if profile and mapping:
        raise click.UsageError("give --profile or --mapping, not both")
    spec = load_spec(mapping) if mapping else builtin(profile or "atf-trace")
    when: date | None = retrieved.date() if retrieved else None
    failures = 0
    with store_from(data_dir) as store:
        for path in files:
            try:
                report = import_table(store, path, spec, year=year, retrieved=when, skip_problems=skip_problems)
            except TableImportError as error:
                failures += 1
                report = {"file": path.name, "status": "refused", "problems": error.problems, "error": str(error)}
            except FfkgError as error:
                failures += 1
                report = {"file": path.name, "status": "refused", "error": str(error)}
            _print(report, as_json)
    if failures:
        raise click.ClickException(f"{failures} of {len(files)} file(s) refused; nothing of them was stored")


def _print(report: dict[str, Any], as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False))
        return
    if report["status"] == "refused":
        click.echo(f"{report['file']}: refused: {report['error']}", err=True)
        for problem in report.get("problems", []):
            click.echo(f"  {problem['sheet']}!{problem['cell']}: {problem['problem']}", err=True)
        return
    totals = ", ".join(
        f"{year}: {t['stored']} firearms"
        + (f" (sheet total {t['grand_total']})" if t.get("grand_total") is not None else "")
        for year, t in report["totals"].items()
    )
    click.echo(
        f"{report['file']}: {report['status']}, {report['observations']} observations "
        f"({report['local']} same-place) in {report['graph']}; {totals}"
    )
    for kind, word in (("mismatches", "total mismatch"), ("problems", "skipped")):
        for problem in report[kind]:
            click.echo(f"  {word} {problem['sheet']}!{problem['cell']}: {problem['problem']}")


source_option = click.option(
    "--source",
    default="articles",
    show_default=True,
    type=click.Choice(SOURCES),
    help="Routes the articles state, the counts the imported tables give, or both.",
)
year_option = click.option("--year", type=click.IntRange(1800, 2200), default=None, help="Only this year.")


def place_or_date(value: str | None) -> tuple[str | None, str | None]:
    """`--from`/`--to` take a date (it starts with a digit: YYYY[-MM[-DD]]) or a place name: (place, date)."""
    if value is None:
        return None, None
    return (None, value) if value[:1].isdigit() else (value, None)


def render_table_flows(console: Console, report: dict[str, Any]) -> None:
    """Each observation with its year, firearms and cell, or the ranking when one was asked for."""
    if "top" in report:
        _render_ranking(console, report["top"])
        return
    years = report["years"]
    span = "no year" if not years else str(years[0]) if len(years) == 1 else f"{years[0]}-{years[-1]}"
    table = Table(
        "origin",
        "destination",
        "year",
        "firearms",
        "cell",
        title=f"tables: {report['count']} observations, {report['firearms']} firearms ({span})",
    )
    for route in report["routes"]:
        table.add_row(
            route["origin"]["label"],
            route["destination"]["label"],
            str(route["year"]),
            str(route["firearms"]),
            f"{route['file']} {route['sheet']}!{route['cell']}",
        )
    console.print(table)


def _render_ranking(console: Console, ranking: dict[str, Any]) -> None:
    top = Table("rank", ranking["by"], "firearms", "share", title=f"top by firearms ({ranking['firearms']} in all)")
    for row in ranking["results"]:
        name = (
            f"{row['origin']['label']} -> {row['destination']['label']}"
            if ranking["by"] == "route"
            else row[ranking["by"]]["label"]
        )
        top.add_row(str(row["rank"]), name, str(row["firearms"]), f"{row['share']:.1%}")
    console.print(top)


network_option = click.option(
    "--network",
    default="articles",
    show_default=True,
    type=click.Choice(["articles", "tables"]),
    help="The articles' entity network, or the tables' flow network weighted by firearms.",
)


def tables_network_chosen(network: str, year: int | None) -> bool:
    """Whether to analyse the tables; --year picks a table year, so it needs --network tables."""
    if year is not None and network != "tables":
        raise click.UsageError("--year picks a year of the tables; add --network tables (articles take --from/--to)")
    return network == "tables"


def render_table_centrality(console: Console, report: dict[str, Any]) -> None:
    title = f"{report['metric']} by firearms on {report['nodes']} places, {report['edges']} routes"
    table = Table(
        "rank", "place", "key", report["metric"], title=title + (f" ({report['year']})" if report["year"] else "")
    )
    for row in report["results"]:
        table.add_row(str(row["rank"]), row["label"], row["key"], f"{row['score']:.4f}".rstrip("0").rstrip("."))
    console.print(table)


def render_table_paths(console: Console, report: dict[str, Any]) -> None:
    if not report["found"]:
        console.print(report["message"])
        return
    for number, found in enumerate(report["paths"], start=1):
        console.print(
            f"[bold]Path {number}[/bold] ({found['length']} hops, at least {found['bottleneck']} firearms a hop)"
        )
        for hop in found["hops"]:
            console.print(f"  {hop['origin']['label']} -> {hop['destination']['label']}: {hop['firearms']} firearms")
