"""`ffkg ingest-table`: flow tables (the ATF trace matrix, or any CSV/XLSX with a mapping file) into the store."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import click

from kg.cli_store import data_dir_option, store_from
from kg.errors import FfkgError, TableImportError
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
