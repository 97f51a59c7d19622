"""The `/query` page: a SPARQL editor with the example research questions and a results table.

Everything it needs is served from `api/static/`, so it works with no internet.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from api.deps import SettingsDep

router = APIRouter(tags=["query page"])
TEMPLATES = Jinja2Templates(directory=Path(__file__).resolve().parent.parent / "templates")


@dataclass(frozen=True)
class ExampleQuery:
    name: str
    question: str
    text: str


def load_examples(directory: Path) -> list[ExampleQuery]:
    """The `.rq` files of `directory`, each with its question: the text of its first comment line."""
    examples = []
    for path in sorted(directory.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        first = text.lstrip().splitlines()[0] if text.strip() else ""
        question = first.lstrip("#").strip() if first.startswith("#") else path.stem
        examples.append(ExampleQuery(path.stem, question, text))
    return examples


@router.get("/query", response_class=HTMLResponse, summary="SPARQL editor with example queries")
def query_page(request: Request, settings: SettingsDep) -> HTMLResponse:
    examples = [asdict(example) for example in load_examples(settings.example_queries_dir)]
    return TEMPLATES.TemplateResponse(request, "query.html", {"examples": examples})
