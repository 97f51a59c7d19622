"""The document page, `/view/document/{key}`: the article as stored, every fact marked at its sentence.

Offsets count characters (Unicode code points) of the document as its file gives it, the text
`ffkg:content` holds: for a text file, the decoded file with `\\n` line ends, header lines
included; for HTML, the extracted title and body. `content[start:end]` is the sentence.
The page and its JSON twin (`?format=json`) come from `document_page`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import ReadsDep, StoreDep
from api.reads import READ_RESPONSES
from api.routers.views import render
from kg import lookup
from kg.iris import ONTOLOGY
from kg.store import BaseStore

router = APIRouter(tags=["views"], responses=READ_RESPONSES)
Format = Annotated[Literal["html", "json"], Query(description="`json` returns the page's data instead of the page.")]


def document_page(store: BaseStore, key: str) -> dict[str, Any]:
    """The document card, its text cut into plain runs and marked sentences, and its facts by sentence."""
    iri = lookup.resolve_document(store, key)
    card = lookup.document_card(store, iri)
    rows = list(store.query(f"SELECT ?c WHERE {{ <{iri}> <{ONTOLOGY}content> ?c }} LIMIT 1"))
    content = rows[0]["c"].value if rows else None
    names: dict[str, dict[str, Any]] = {}

    def named(node: str) -> dict[str, Any]:
        if node not in names:
            found = lookup.summary(store, node)
            names[node] = {"key": found["key"], "label": found["label"]}
        return names[node]

    facts = [
        {
            "subject": named(fact["subject"]),
            "predicate": fact["predicate"],
            "object": named(fact["object"]),
            "sentence": fact["sentence"],
            "confidence": fact.get("confidence"),
            "start": fact.get("start"),
            "end": fact.get("end"),
            "anchor": f"at-{fact['start']}-{fact['end']}" if fact.get("start") is not None else None,
        }
        for fact in card["facts"]
    ]
    return {
        "view": "document",
        "title": card.get("title") or card.get("key") or iri,
        "document": {name: value for name, value in card.items() if name not in ("facts", "entities")},
        "entities": [{"key": e["key"], "label": e["label"], "mentions": e["mentions"]} for e in card["entities"]],
        "facts": facts,
        "content": content,
        "runs": runs(content, facts) if content is not None else [],
    }


def runs(content: str, facts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The text as plain runs and marked sentences, in order; a sentence that overlaps one before it
    is merged into that one's mark, so every character is shown once."""
    spans: dict[tuple[int, int], list[int]] = {}
    for number, fact in enumerate(facts):
        start, end = fact["start"], fact["end"]
        if start is not None and end is not None and 0 <= start < end <= len(content):
            spans.setdefault((start, end), []).append(number)
    pieces: list[dict[str, Any]] = []
    cursor = 0
    for (start, end), numbers in sorted(spans.items()):
        if start < cursor and pieces and pieces[-1]["facts"]:
            pieces[-1]["facts"] += numbers
            if end > cursor:
                pieces[-1]["text"] += content[cursor:end]
                cursor = end
            continue
        if start > cursor:
            pieces.append({"text": content[cursor:start], "facts": [], "anchor": None})
        pieces.append({"text": content[start:end], "facts": numbers, "anchor": f"at-{start}-{end}"})
        cursor = end
    if cursor < len(content):
        pieces.append({"text": content[cursor:], "facts": [], "anchor": None})
    return pieces


@router.get(
    "/view/document/{key:path}",
    response_class=HTMLResponse,
    summary="A document's text with every extracted fact marked at its sentence, and how to cite it",
    responses={
        200: {"content": {"application/json": {}}},
        404: {
            "description": "No such document: a page that says so (problem+json with format=json).",
            "content": {"text/html": {}, "application/problem+json": {}},
        },
    },
)
async def document_view(
    request: Request, reads: ReadsDep, store: StoreDep, key: str, format: Format = "html"
) -> Response:
    def build() -> dict[str, Any]:
        return document_page(store, key)

    back = {"url": "/search", "text": "Search the documents"}
    return await render(request, reads, "views/document.html", build, fmt=format, back=back)
