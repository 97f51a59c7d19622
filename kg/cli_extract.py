"""Extraction commands: `ffkg extract` prints what one article yields, `ffkg eval` scores it against
gold files, `ffkg train` rebuilds the extraction models from the corpus.

None touches the store. The NLP stack is imported inside the commands so that
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
@click.argument("gold_dir", required=False, type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option(
    "--split",
    type=click.Choice(["train", "dev", "test", "all"]),
    help=(
        "Score one split of corpus/split.json instead of a folder: dev by models trained on train alone, "
        "the others by the shipped models. test is scored only when named here."
    ),
)
@click.option("--cv", "folds", type=click.IntRange(min=2), help="K-fold cross-validation over train+dev.")
@click.option("--seed", type=int, default=None, help="Seed of the folds and the training (default: the project's).")
@click.option(
    "--root",
    type=click.Path(path_type=Path, exists=True, file_okay=False),
    help="Repository root holding corpus/split.json (default: this checkout).",
)
@click.option(
    "--format",
    "format_name",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="table: the summary; json: the full report with per-file misses.",
)
def evaluate(
    gold_dir: Path | None, split: str | None, folds: int | None, seed: int | None, root: Path | None, format_name: str
) -> None:
    """Score the extractor against gold annotations: a GOLD_DIR of NAME.txt + NAME.gold.json,
    a --split of the corpus, or --cv K cross-validation over train+dev."""
    from kg import evaluate as scoring
    from kg.extract.training import SEED

    if sum(x is not None for x in (gold_dir, split, folds)) != 1:
        raise click.UsageError("give exactly one of GOLD_DIR, --split or --cv")
    if folds is not None:
        summary = scoring.cross_validate(folds, seed=SEED if seed is None else seed, root=root)
        title, header, rows = f"ffkg eval --cv {folds}", ("metric", "folds", "gold", "P", "R", "F1"), scoring.cv_rows
        report = summary
    else:
        seed = SEED if seed is None else seed
        report = scoring.evaluate_split(split, root, seed=seed) if split else scoring.evaluate_with_pipeline(gold_dir)
        title = f"ffkg eval --split {split}" if split else f"ffkg eval {gold_dir}"
        if split == "dev":
            title += " (models trained on train alone)"
        header, rows = ("metric", "gold", "sys", "tp", "P", "R", "F1"), scoring.table_rows
    if format_name == "json":
        click.echo(json.dumps(report, indent=2))
        return
    table = Table(*header, title=title)
    for row in rows(report):
        table.add_row(*row)
    Console(width=110).print(table)


@click.command()
@click.option("--seed", type=int, default=None, help="Seed of every trainer (default: the project's).")
@click.option(
    "--root",
    type=click.Path(path_type=Path, exists=True, file_okay=False),
    help="Repository root holding corpus/split.json (default: this checkout).",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    help="Where the models go (default: kg/data/models in the package).",
)
def train(seed: int | None, root: Path | None, out: Path | None) -> None:
    """Rebuild every extraction model from the corpus train and dev splits, and print what each learned.

    The shipped models see every text but the test split's; `ffkg eval --split dev` trains its own
    models on train alone, so dev stays a held-out figure."""
    from kg.corpus import tuning_texts
    from kg.evaluate import CachedExtractor
    from kg.extract import training

    texts = tuning_texts(root)
    extractor = CachedExtractor(texts)
    trained = training.train_all(extractor.examples(texts), seed=training.SEED if seed is None else seed)
    paths = training.save(trained, out or training.MODELS_DIR)
    for (name, result), path in zip(trained.items(), paths, strict=True):
        click.echo(f"== {name} -> {path}")
        for line in result.report:
            click.echo(f"  {line}")


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
