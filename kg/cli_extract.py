"""Extraction commands: `ffkg extract` prints what one article yields; `ffkg eval` scores gold files.

Neither touches the store. The NLP stack is imported inside the commands so that
`ffkg --help` starts fast.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from kg.cli_store import settings_from
from kg.records import Extraction


@click.command()
@click.argument("file", type=click.Path(path_type=Path, allow_dash=True))
@click.option(
    "--format",
    "format_name",
    type=click.Choice(["json", "table"]),
    default="json",
    show_default=True,
    help="json: the extraction contract; table: entities and relations for reading.",
)
def extract(file: Path, format_name: str) -> None:
    """Extract entities, events and relations from FILE (text or HTML; "-" reads stdin)."""
    from kg.documents import parse_document, read_document
    from kg.extract import extract as run_extract
    from kg.extract import load_pipeline

    max_bytes = settings_from(None).max_document_bytes
    if str(file) == "-":
        info = parse_document(sys.stdin.buffer.read(), name="stdin.txt", source="stdin", max_bytes=max_bytes)
    else:
        info = read_document(file, max_bytes=max_bytes)
    result = run_extract(info, load_pipeline())
    if format_name == "json":
        click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    else:
        _print_extraction(result)


@click.command("eval")
@click.argument("gold_dir", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option(
    "--format",
    "format_name",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="table: the summary; json: the full report with per-file misses.",
)
def evaluate(gold_dir: Path, format_name: str) -> None:
    """Run the extractor on every NAME.txt next to a NAME.gold.json in GOLD_DIR and score it."""
    from kg.evaluate import evaluate_with_pipeline, table_rows

    report = evaluate_with_pipeline(gold_dir)
    if format_name == "json":
        click.echo(json.dumps(report, indent=2))
        return
    table = Table("metric", "gold", "sys", "tp", "P", "R", "F1", title=f"ffkg eval {gold_dir}")
    for row in table_rows(report):
        table.add_row(*row)
    Console(width=100).print(table)


def _print_extraction(result: Extraction) -> None:
    console = Console(width=120)
    names = {e.id: e.label for e in result.entities}
    entities = Table("type", "label", "mentions", "id", title=f"{result.document.id} ({result.document.date})")
    for entity in result.entities:
        entities.add_row(entity.type, entity.label, str(len(entity.mentions)), entity.id)
    relations = Table("subject", "predicate", "object", "confidence", title="relations")
    for r in result.relations:
        relations.add_row(
            names.get(r.subject, r.subject), r.predicate, names.get(r.object, r.object), f"{r.confidence:.2f}"
        )
    console.print(entities)
    console.print(relations)
