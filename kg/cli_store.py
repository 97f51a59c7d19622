"""Store commands: load, export, restore, stats, validate; how commands open the store."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from kg import formats
from kg.errors import FfkgError, NotFoundError, StoreLockedError
from kg.served_snapshot import SnapshotStore, served_snapshot
from kg.settings import Settings
from kg.store import BaseStore, Store, open_store

data_dir_option = click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder of the on-disk store (default: $FFKG_DATA_DIR or ./data).",
)


def settings_from(data_dir: Path | None) -> Settings:
    """Settings from the environment, with a --data-dir given on the command line taking precedence."""
    settings = Settings()
    return settings if data_dir is None else settings.model_copy(update={"data_dir": data_dir})


def store_from(data_dir: Path | None) -> BaseStore:
    """The store a command that writes works on, honouring --data-dir (created if missing)."""
    return open_store(settings_from(data_dir))


@contextmanager
def readable_copy(settings: Settings) -> Iterator[tuple[Path, int]]:
    """A store folder another process may open read-only, and its revision, for a command that only reads.

    Never creates a store: a missing data dir is an error naming the path. While another process
    (`ffkg serve`) holds the store, this is a private copy of the snapshot it publishes; otherwise a
    snapshot taken here, so the reader never opens a store someone writes.
    """
    path = settings.store_path
    if not path.is_dir():
        raise NotFoundError(
            f"no ffkg store at {path}: check --data-dir or FFKG_DATA_DIR (`ffkg ingest` or `ffkg load` create one)"
        )
    try:
        store = Store.open(path)
    except StoreLockedError as locked:
        with served_snapshot(path, locked) as copy:
            yield copy, -1
        return
    with store:
        snapshot = store.acquire_snapshot()
        try:
            yield snapshot.path, snapshot.revision
        finally:
            store.release_snapshot(snapshot)


@contextmanager
def reading_store(data_dir: Path | None) -> Iterator[BaseStore]:
    """The store for a command that only reads: never created, and readable while `ffkg serve` holds it."""
    settings = settings_from(data_dir)
    if settings.store == "sparql" or settings.in_memory:
        with open_store(settings) as store:
            yield store
        return
    try:
        store = Store.open(settings.store_path) if settings.store_path.is_dir() else None
    except StoreLockedError:
        store = None
    if store is not None:
        with store:
            yield store
        return
    with readable_copy(settings) as (copy, _), SnapshotStore.open_read_only(copy) as snapshot:
        yield snapshot


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--graph", default=None, help="Load every file into this named graph instead of one graph per file.")
@click.option("--format", "format_name", default=None, help="RDF format; default: from each file's extension.")
@data_dir_option
def load(files: tuple[Path, ...], graph: str | None, format_name: str | None, data_dir: Path | None) -> None:
    """Load RDF FILES into the store, each into a named graph of its own (all-or-nothing per file)."""
    failures = 0
    with store_from(data_dir) as store, Progress(transient=True) as progress:
        task = progress.add_task("loading", total=len(files))
        for path in files:
            try:
                target, count = store.load_file(path, graph=graph, format_name=format_name)
                progress.console.print(f"{path}: {count} triples -> {target}", soft_wrap=True, highlight=False)
            except FfkgError as error:
                failures += 1
                click.echo(f"Error: {error}", err=True)
            progress.advance(task)
    if failures:
        raise click.ClickException(f"{failures} of {len(files)} files failed; nothing from them was stored")


@click.command()
@click.option(
    "--format",
    "format_name",
    default="nquads",
    show_default=True,
    type=click.Choice([f.name for f in formats.FORMATS]),
    help="Serialisation; triple formats (turtle, ntriples, rdfxml) merge the graphs unless --graph is given.",
)
@click.option("--graph", default=None, help="Export only this named graph.")
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None, help="File (default stdout)."
)
@data_dir_option
def export(format_name: str, graph: str | None, output: Path | None, data_dir: Path | None) -> None:
    """Export the dataset (a full backup with nquads/trig) or one graph."""
    with reading_store(data_dir) as store:
        if output is None:
            store.export(sys.stdout.buffer, format_name, graph=graph)
            return
        scratch = output.with_name(output.name + ".part")
        with scratch.open("wb") as out:
            store.export(out, format_name, graph=graph)
        scratch.replace(output)


@click.command()
@click.argument("backup", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "format_name", default=None, help="nquads, trig or jsonld; default: from the extension.")
@click.option("--yes", is_flag=True, help="Do not ask before replacing everything in the store.")
@data_dir_option
def restore(backup: Path, format_name: str | None, yes: bool, data_dir: Path | None) -> None:
    """Replace the whole store with BACKUP (made by `ffkg export`); the backup is fully parsed first."""
    fmt = formats.by_name(format_name) if format_name else formats.by_path(backup)
    if not yes:
        click.confirm(f"Replace everything in the store with {backup}?", abort=True)
    with store_from(data_dir) as store, backup.open("rb") as source:
        count = store.restore(source, fmt.name, source_name=str(backup))
    click.echo(f"restored {count} quads from {backup}")


def print_rows(columns: list[str], rows: list[list[str]], format_name: str) -> None:
    if format_name == "json":
        click.echo(json.dumps([dict(zip(columns, row, strict=True)) for row in rows], indent=2, ensure_ascii=False))
    elif format_name in ("csv", "tsv"):
        writer = csv.writer(sys.stdout, delimiter="," if format_name == "csv" else "\t", lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
    else:
        table = Table(*columns)
        for row in rows:
            table.add_row(*row)
        Console().print(table)
        click.echo(f"{len(rows)} rows")


@click.command()
@click.option("--format", "format_name", default="table", type=click.Choice(["table", "json"]), show_default=True)
@data_dir_option
def stats(format_name: str, data_dir: Path | None) -> None:
    """Triples, documents, named graphs and entities per class."""
    with reading_store(data_dir) as store:
        figures = store.stats()
    if format_name == "json":
        click.echo(json.dumps(figures, indent=2))
        return
    click.echo(f"triples: {figures['triples']}\ngraphs: {figures['graphs']}\ndocuments: {figures['documents']}")
    rows = [[cls.rsplit("#", 1)[-1].rsplit("/", 1)[-1], str(n)] for cls, n in figures["classes"].items()]
    print_rows(["class", "count"], rows, "table")


@click.command()
@data_dir_option
def validate(data_dir: Path | None) -> None:
    """Check the stored data against the SHACL shapes in ontology/shapes.ttl."""
    from kg.validate import validate_store

    with reading_store(data_dir) as store:
        report = validate_store(store)
    if report.conforms:
        click.echo("conforms: the stored data satisfies every shape")
        return
    click.echo(report.text, err=True)
    raise click.ClickException("the stored data violates the SHACL shapes (report above)")
