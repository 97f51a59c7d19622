"""The `ffkg` command line: one subcommand per job, each a thin layer over the library."""

from __future__ import annotations

import sys

import click

from kg import __version__
from kg.errors import FfkgError


class FfkgGroup(click.Group):
    """Turns our own errors into one clear line and exit code 1 instead of a traceback."""

    def invoke(self, ctx: click.Context):  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except FfkgError as error:
            click.echo(f"Error: {error}", err=True)
            sys.exit(1)


@click.group(cls=FfkgGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ffkg")
def main() -> None:
    """ffkg: a firearms-flow knowledge graph built from news and reports."""


def _register() -> None:
    """Each area keeps its commands in its own module; the group only lists them."""
    from kg import (
        cli_analytics,
        cli_curate,
        cli_extract,
        cli_ingest,
        cli_query,
        cli_serve,
        cli_show,
        cli_store,
        cli_tables,
    )

    for command in (
        cli_store.load,
        cli_store.export,
        cli_store.restore,
        cli_query.query,
        cli_store.stats,
        cli_store.validate,
    ):
        main.add_command(command)
    for command in (cli_ingest.ingest, cli_ingest.remove, cli_ingest.documents):
        main.add_command(command)
    for command in (cli_extract.extract, cli_extract.evaluate, cli_extract.train):
        main.add_command(command)
    for command in (
        cli_analytics.path,
        cli_analytics.centrality,
        cli_analytics.communities,
        cli_analytics.neighbors,
        cli_analytics.flows,
        cli_show.show,
    ):
        main.add_command(command)
    main.add_command(cli_tables.ingest_table)
    main.add_command(cli_curate.curate)
    main.add_command(cli_serve.serve)


_register()
