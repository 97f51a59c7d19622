"""`ffkg show NAME`: one entity's facts with the sentences that state them, ready to cite.

The same card as `GET /api/entities/{key}` (`kg.lookup.entity_card`), printed for people:
each fact, how many documents and distinct stories state it, then each sentence with its
document's title, date, outlet and URL, and where in the document it stands (character
offsets in the file as given).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from kg.cli_store import data_dir_option, reading_store
from kg.lookup import entity_card, resolve_entity


@click.command()
@click.argument("name")
@click.option(
    "--min-corroboration",
    default=0,
    show_default=True,
    type=click.IntRange(0),
    help="Leave out facts fewer distinct stories state.",
)
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text", show_default=True)
@data_dir_option
def show(name: str, min_corroboration: int, output: str, data_dir: Path | None) -> None:
    """Print the facts of the entity NAME (label, alias, key or IRI) with their evidence.

    An ambiguous name is refused with the candidates, their types and places; ask again by key.
    """
    with reading_store(data_dir) as store:
        card = entity_card(store, resolve_entity(store, name), min_corroboration=min_corroboration)
    if output == "json":
        click.echo(json.dumps(card, indent=2, ensure_ascii=False, default=str))
        return
    click.echo("\n".join(card_lines(card)))


def card_lines(card: dict[str, Any]) -> list[str]:
    """The card as text: heading, aliases, then each fact with its sentences and their citations."""
    lines = [f"{card['label']} ({', '.join(card['types'])}; key {card['key']})"]
    if card.get("aliases"):
        lines.append(f"also called: {', '.join(card['aliases'])}")
    facts = [(card["label"], fact["predicate"], fact["object"]["label"], fact) for fact in card["out"]]
    facts += [(fact["subject"]["label"], fact["predicate"], card["label"], fact) for fact in card["in"]]
    lines.append(f"{len(facts)} facts" if facts else "no facts stated about it")
    for subject, predicate, obj, fact in facts:
        counts = fact["corroboration"]
        lines.append(
            f"\n{subject} --{predicate}--> {obj}  "
            f"[{counts['documents']} documents, {counts['stories']} stories, {counts['publishers']} publishers]"
        )
        for evidence in fact["evidence"]:
            lines.append(f'  "{evidence["sentence"]}"')
            lines.append(f"    {cite(evidence)}")
        if not fact["evidence"]:
            lines.append("    (no sentence: a user wrote this fact)")
    if card.get("documents"):
        lines.append(f"\nmentioned in {len(card['documents'])} documents: " + "; ".join(
            f"{doc.get('title') or doc['key']} ({doc['key']})" for doc in card["documents"]
        ))  # fmt: skip
    return lines


def cite(evidence: dict[str, Any]) -> str:
    """One line that cites a sentence: document, date, outlet, author, URL, place in the file, confidence."""
    document = evidence["document"]
    parts = [document.get("title") or document["key"]]
    parts += [str(document[field]) for field in ("date", "outlet", "author", "url") if document.get(field)]
    if evidence.get("start") is not None:
        parts.append(f"{document['key']} chars {evidence['start']}-{evidence['end']}")
    if evidence.get("confidence") is not None:
        parts.append(f"confidence {float(evidence['confidence']):.2f}")
    return " · ".join(parts)
