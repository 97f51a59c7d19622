"""Ingest commands: ingest articles into the store, list and remove documents.

The NLP stack is imported inside the commands so that `ffkg --help` and the store commands start fast.
"""

from __future__ import annotations

from pathlib import Path

import click
from rich.progress import Progress

from kg.cli_store import data_dir_option, existing_store_from, print_rows, reading_store, settings_from, store_from


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--processes",
    "-j",
    default=2,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Extraction processes for large batches.",
)
@click.option(
    "--scheduler",
    default=None,
    metavar="ADDRESS|local",
    help="Fan extraction out over Dask: a scheduler address, or `local` for a cluster of --processes workers "
    "here. Needs the shared store (FFKG_STORE=sparql).",
)
@data_dir_option
def ingest(paths: tuple[Path, ...], processes: int, scheduler: str | None, data_dir: Path | None) -> None:
    """Extract articles (text, HTML, folders of them) and store one named graph per document.

    Unchanged documents are skipped, changed ones replaced; bad files are reported at the end
    and make the exit code non-zero, without touching what is already stored.
    """
    from kg.extract import load_pipeline
    from kg.ingest import ingest_paths

    settings = settings_from(data_dir)
    with Progress(transient=True) as progress:
        task = progress.add_task("ingesting", total=None)

        def advance(name: str, outcome: str) -> None:
            progress.advance(task)
            if outcome != "failed":
                progress.console.print(f"{outcome:>9}  {name}", soft_wrap=True, highlight=False)

        if scheduler:
            from kg.distributed import ingest_distributed

            report = ingest_distributed(
                settings, paths, scheduler=scheduler, on_document=advance, local_workers=processes
            )
        else:
            with store_from(data_dir) as store:
                report = ingest_paths(
                    store,
                    paths,
                    load_pipeline(),
                    max_bytes=settings.max_document_bytes,
                    n_process=processes,
                    on_document=advance,
                )
    for skipped in report.skipped:
        click.echo(f"Skipped: {skipped}", err=True)
    for warning in report.warnings:
        click.echo(f"Warning: {warning}", err=True)
    for error in report.errors:
        click.echo(f"Error: {error}", err=True)
    click.echo(report.summary())
    if not report.ok:
        raise click.ClickException(f"{len(report.outcomes['failed'])} documents failed; see the errors above")


@click.command()
@click.argument("documents", nargs=-1, required=True)
@data_dir_option
def remove(documents: tuple[str, ...], data_dir: Path | None) -> None:
    """Remove DOCUMENTS (by id, key or IRI) and every fact taken from them."""
    from kg.ingest import remove_document

    with existing_store_from(data_dir) as store:
        for key in documents:
            click.echo(f"removed {remove_document(store, key)}")


@click.command()
@click.option(
    "--format",
    "format_name",
    type=click.Choice(["text", "csv", "json"]),
    default="text",
    show_default=True,
    help="text: id, date and title per line; csv and json add each document's URL and outlet.",
)
@data_dir_option
def documents(format_name: str, data_dir: Path | None) -> None:
    """List the stored documents: id, date and title (and URL and outlet, where known)."""
    with reading_store(data_dir) as store:
        rows = store.query(
            "PREFIX ffkg: <https://w3id.org/ffkg/ontology#> SELECT ?key ?date ?title ?url ?outlet WHERE "
            "{ ?d a ffkg:Document ; ffkg:key ?key ; ffkg:title ?title OPTIONAL { ?d ffkg:date ?date } "
            "OPTIONAL { ?d ffkg:url ?url } OPTIONAL { ?d ffkg:publisher ?outlet } } ORDER BY ?key"
        )
        found = [[row[name].value if row[name] is not None else "" for name in _DOCUMENT_COLUMNS] for row in rows]
    if format_name != "text":
        print_rows(list(_DOCUMENT_COLUMNS), found, format_name)
        return
    for key, date, title, *_ in found:
        click.echo(f"{key}\t{date or 'date unknown'}\t{title}")


_DOCUMENT_COLUMNS = ("key", "date", "title", "url", "outlet")
