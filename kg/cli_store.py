"""Store commands: load, export, restore, stats, validate; how commands open the store."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import click
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from kg import exports, formats
from kg.errors import FfkgError, NotFoundError, StoreLockedError
from kg.served_snapshot import SnapshotStore, served_snapshot
from kg.settings import Settings
from kg.store import BaseStore, Snapshot, Store, open_store

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
    """The store a command that adds data works on, honouring --data-dir (created if missing)."""
    return open_store(settings_from(data_dir))


def existing_store_from(data_dir: Path | None) -> BaseStore:
    """The store a command that changes what is stored works on (remove, curate): never created, since
    a mistyped --data-dir would otherwise become an empty store that holds nothing to change."""
    settings = settings_from(data_dir)
    if settings.on_disk:
        must_exist(settings.store_path)
    return open_store(settings)


def must_exist(path: Path) -> None:
    """Refuse, naming the path, a store folder that is not there (a command must not create one by mistake)."""
    if not path.is_dir():
        raise NotFoundError(
            f"no ffkg store at {path}: check --data-dir or FFKG_DATA_DIR (`ffkg ingest` or `ffkg load` create one)"
        )


@contextmanager
def readable_copy(settings: Settings) -> Iterator[Snapshot]:
    """A store folder another process may open read-only, and its revision, for a command that only reads.

    Never creates a store: a missing data dir is an error naming the path. While another process
    (`ffkg serve`) holds the store, this is a private copy of the snapshot it publishes; otherwise a
    snapshot taken here, so the reader never opens a store someone writes.
    """
    path = settings.store_path
    must_exist(path)
    try:
        store = Store.open(path)
    except StoreLockedError as locked:
        with served_snapshot(path, locked) as copy:
            yield copy
        return
    with store:
        snapshot = store.acquire_snapshot()
        try:
            yield snapshot
        finally:
            store.release_snapshot(snapshot)


@contextmanager
def reading_store(data_dir: Path | None) -> Iterator[BaseStore]:
    """The store for a command that only reads: never created, and readable while `ffkg serve` holds it."""
    settings = settings_from(data_dir)
    if not settings.on_disk:
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
    with readable_copy(settings) as copy, SnapshotStore.open_read_only(copy.path) as snapshot:
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


#: The network options of `export`: parameter -> (flag, default).
_NETWORK_OPTIONS = {
    "types": ("--type", ()),
    "date_from": ("--from", None),
    "date_to": ("--to", None),
    "min_documents": ("--min-documents", 1),
    "min_confidence": ("--min-confidence", 0.0),
    "with_documents": ("--with-documents", False),
}


@click.command()
@click.option(
    "--format",
    "format_name",
    default="nquads",
    show_default=True,
    type=click.Choice([f.name for f in formats.FORMATS] + list(exports.NETWORK_FORMATS)),
    help="Serialisation; triple formats (turtle, ntriples, rdfxml) merge the graphs unless --graph is given; "
    "gexf (Gephi) and graphml write the network the graph view draws.",
)
@click.option("--graph", default=None, help="Export only this named graph (RDF formats).")
@click.option("--type", "types", multiple=True, help="Network: keep only nodes of this class (repeatable).")
@click.option("--from", "date_from", default=None, help="Network: earliest event date (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--to", "date_to", default=None, help="Network: latest event date (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option(
    "--min-documents",
    default=1,
    type=click.IntRange(1),
    help="Network: keep facts and nodes at least this many documents state.",
)
@click.option("--min-confidence", default=0.0, type=click.FloatRange(0, 1), help="Network: drop less sure facts.")
@click.option("--with-documents", is_flag=True, help="Network: add documents as nodes, with URL, outlet and author.")
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None, help="File (default stdout)."
)
@data_dir_option
def export(
    format_name: str,
    graph: str | None,
    output: Path | None,
    data_dir: Path | None,
    **network_options: Any,
) -> None:
    """Export the dataset (a full backup with nquads/trig), one graph, or the network (gexf, graphml)."""
    is_network = format_name in exports.NETWORK_FORMATS
    given = [_NETWORK_OPTIONS[name][0] for name, value in network_options.items() if value != _NETWORK_OPTIONS[name][1]]
    if is_network and graph:
        raise click.UsageError("--graph picks an RDF graph; the network formats take --type, --from, --to instead")
    if given and not is_network:
        raise click.UsageError(f"{given[0]} applies to --format gexf or graphml only")

    def write(out: IO[bytes]) -> None:
        if is_network:
            network_options["types"] = list(network_options["types"])
            exports.write_network(exports.network(store, **network_options), out, format_name)
        else:
            store.export(out, format_name, graph=graph)

    with reading_store(data_dir) as store:
        if output is None:
            write(sys.stdout.buffer)
            return
        scratch = output.with_name(output.name + ".part")
        with scratch.open("wb") as out:
            write(out)
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
@click.option(
    "--format", "format_name", default="table", type=click.Choice(["table", "json", "csv"]), show_default=True
)
@data_dir_option
def stats(format_name: str, data_dir: Path | None) -> None:
    """Triples, documents, named graphs and entities per class."""
    with reading_store(data_dir) as store:
        figures = store.stats()
    if format_name == "json":
        click.echo(json.dumps(figures, indent=2))
        return
    rows = [[cls.rsplit("#", 1)[-1].rsplit("/", 1)[-1], str(n)] for cls, n in figures["classes"].items()]
    if format_name == "csv":
        print_rows(["class", "count"], rows, "csv")
        return
    click.echo(f"triples: {figures['triples']}\ngraphs: {figures['graphs']}\ndocuments: {figures['documents']}")
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
