"""`ffkg curate ...`: take, list and undo curators' decisions, and read the review queue.

Entities are named by IRI, key or label as everywhere else in the CLI; facts by their IRI or
`fact/...` key, or by `--subject/--predicate/--object`. Every decision prints its id, which
`ffkg curate undo ID` takes back.
"""

from __future__ import annotations

import getpass
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from kg.cli_store import data_dir_option, existing_store_from, reading_store
from kg.curation import actions, candidates
from kg.curation.decisions import Decision, read_decisions
from kg.curation.resolver import stale

_format = click.option("--format", "output", type=click.Choice(["text", "json"]), default="text", show_default=True)
_author = click.option("--author", default=None, help="Who decides (default: the login name).")
_note = click.option("--note", default="", help="Why: shown in the decision log.")


def _deciding(command: Callable[..., None]) -> Callable[..., None]:
    """The options every decision takes: who, why, and the data dir."""
    return _author(_note(data_dir_option(command)))


@click.group()
def curate() -> None:
    """Correct the graph with decisions that survive re-extraction, and undo them."""


def _take(data_dir: Path | None, action: str, author: str | None, **fields: Any) -> None:
    """Resolve the names, take the decision, and print its id."""
    with existing_store_from(data_dir) as store:
        decision = actions.decide(store, actions.named(store, action, author=author or getpass.getuser(), **fields))
    click.echo(f"{decision.id}  {_describe(decision)}")


@curate.command()
@click.argument("kept")
@click.argument("merged")
@_deciding
def merge(kept: str, merged: str, author: str | None, note: str, data_dir: Path | None) -> None:
    """Say MERGED is the same thing as KEPT: one node, KEPT's IRI; MERGED's IRI, key and label resolve to it."""
    _take(data_dir, "merge", author, target=kept, other=merged, note=note)


@curate.command()
@click.argument("first")
@click.argument("second")
@_deciding
def distinct(first: str, second: str, author: str | None, note: str, data_dir: Path | None) -> None:
    """Say FIRST and SECOND are different things: the review queue stops offering them, a merge is refused."""
    _take(data_dir, "distinct", author, target=first, other=second, note=note)


@curate.command()
@click.argument("name")
@click.option("--document", "documents", multiple=True, required=True, help="Document (key or IRI); repeatable.")
@click.option("--label", required=True, help="The new entity's label.")
@click.option("--type", "type_name", default=None, help="The new entity's type (default: NAME's).")
@_deciding
def split(
    name: str,
    documents: tuple[str, ...],
    label: str,
    type_name: str | None,
    author: str | None,
    note: str,
    data_dir: Path | None,
) -> None:
    """Say NAME's mentions in the given documents are another entity, called LABEL."""
    _take(data_dir, "split", author, target=name, documents=documents, label=label, type=type_name, note=note)


def _claim_command(action: str, help_text: str) -> click.Command:
    @click.argument("fact", required=False)
    @click.option("--subject", default=None, help="With --predicate and --object: the fact by its three parts.")
    @click.option("--predicate", default=None, help="Ontology property, e.g. firearmsFlow.")
    @click.option("--object", "obj", default=None)
    @_deciding
    def command(
        fact: str | None,
        subject: str | None,
        predicate: str | None,
        obj: str | None,
        author: str | None,
        note: str,
        data_dir: Path | None,
    ) -> None:
        parts = (subject, predicate, obj)
        if not ((fact and not any(parts)) or (fact is None and all(parts))):
            raise click.UsageError("name the fact (IRI, fact/... key, or a flow or event) or give all three parts")
        three = (subject, predicate, obj) if fact is None else None
        _take(data_dir, action, author, target=fact, fact=three, note=note)

    command.__doc__ = f"{help_text} (FACT: IRI, fact/... key, or the name of a flow or event)."
    return curate.command(name=action)(command)


reject = _claim_command("reject", "Reject FACT: analytics and views hide it unless asked")
confirm = _claim_command("confirm", "Confirm FACT as checked against its sources")


@curate.command()
@click.argument("name")
@click.argument("type_name", metavar="TYPE")
@_deciding
def retype(name: str, type_name: str, author: str | None, note: str, data_dir: Path | None) -> None:
    """Give the entity NAME the ontology class TYPE (e.g. Gunmaker)."""
    _take(data_dir, "retype", author, target=name, type=type_name, note=note)


@curate.command()
@click.argument("name")
@click.argument("label")
@_deciding
def relabel(name: str, label: str, author: str | None, note: str, data_dir: Path | None) -> None:
    """Show the entity NAME as LABEL."""
    _take(data_dir, "relabel", author, target=name, label=label, note=note)


@curate.command()
@click.argument("decision_id", metavar="ID")
@data_dir_option
def undo(decision_id: str, data_dir: Path | None) -> None:
    """Take back the decision ID: the store is as it was before it."""
    with existing_store_from(data_dir) as store:
        decision = actions.undo(store, decision_id)
    click.echo(f"undone {decision.id}  {_describe(decision)}")


@curate.command(name="list")
@click.option("--stale", "only_stale", is_flag=True, help="Only decisions whose entity, fact or document is gone.")
@_format
@data_dir_option
def list_decisions(only_stale: bool, output: str, data_dir: Path | None) -> None:
    """List the decisions, oldest first (with --stale: those whose subject the store no longer holds)."""
    with reading_store(data_dir) as store:
        if only_stale:
            rows = [{**d.as_dict(), "missing": missing} for d, missing in stale(store)]
        else:
            rows = [d.as_dict() for d in read_decisions(store)]
    if output == "json":
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    for row in rows:
        missing = f"  [gone: {', '.join(row['missing'])}]" if "missing" in row else ""
        click.echo(f"{row['id']}  {row['created']}  {row['author']}  {_describe_row(row)}{missing}")
    if not rows:
        click.echo("no stale decisions" if only_stale else "no decisions")


@curate.command(name="candidates")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000), help="Most items of each kind.")
@_format
@data_dir_option
def candidates_command(limit: int, output: str, data_dir: Path | None) -> None:
    """The review queue: likely duplicates, then facts resting on one low-confidence source."""
    with reading_store(data_dir) as store:
        found = candidates.queue(store, limit=limit)
    if output == "json":
        click.echo(json.dumps(found, indent=2, ensure_ascii=False, default=str))
        return
    click.echo(f"{len(found['duplicates'])} likely duplicates")
    for pair in found["duplicates"]:
        a, b = pair["a"], pair["b"]
        click.echo(f"  {pair['score']:.2f}  {a['label']} ({a['key']})  ~  {b['label']} ({b['key']})  [{a['type']}]")
    click.echo(f"{len(found['weak_facts'])} weak facts")
    for fact in found["weak_facts"]:
        click.echo(
            f"  {fact['confidence']:.2f}  {fact['subject']['label']} --{fact['predicate']}--> "
            f"{fact['object']['label']}  ({fact['fact']['key']})"
        )


def _describe(decision: Decision) -> str:
    return _describe_row(decision.as_dict())


def _describe_row(row: dict[str, Any]) -> str:
    """One line saying what a decision does."""
    details = [row["target"], *[f"{k}={row[k]}" for k in ("other", "label", "type", "split_entity") if k in row]]
    return f"{row['action']} " + " ".join(str(d) for d in details)
