"""Markup inside an article never reaches a page as markup; JSON twins carry it as data, typed as JSON.

The article goes through the real reader and extractor, so the markup lands wherever ingest
puts document text (title, labels, evidence sentences). `tests/test_views_browser.py` checks the
same in a real Chromium; this sweeps every page and error page on the server side, cheaply.
"""

from __future__ import annotations

import itertools
from urllib.parse import quote

import pytest
from conftest import app_settings
from fastapi.testclient import TestClient

from api.app import create_app
from kg.extract import load_pipeline
from kg.ingest import ingest_paths
from kg.store import Store

MARKUP = ("<script>window.__pwned=1</script>", "<img src=x onerror=window.__pwned=1>", "<svg onload=window.__pwned=1>")
ARTICLE = f"""date 2023-05-01 Rifles seized {MARKUP[0]} in Sonora

Soldiers seized Colt rifles from the Sinaloa Cartel in Sonora, Mexico on May 1, 2023.
The crates were marked {MARKUP[1]} by the smugglers, said John Smith, an ATF agent.
The rifles were smuggled from Arizona into Mexico {MARKUP[2]} by straw buyers.
"""


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    article = tmp_path_factory.mktemp("hostile") / "hostile-article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    store = Store.memory()
    assert ingest_paths(store, [article], load_pipeline(), max_bytes=1_000_000).ok
    with TestClient(create_app(app_settings(), store)) as test_client:
        yield test_client


def pages(client: TestClient) -> list[str]:
    """Every page a person can reach: views of every entity and of paths between them, plus error pages."""
    keys = [item["key"] for item in client.get("/api/entities", params={"limit": 200}).json()["items"]]
    assert keys
    hostile = quote(MARKUP[0])
    return [
        "/",
        "/query",
        "/view/graph",
        "/view/flows",
        *[f"/view/entity/{key}" for key in keys],
        *[f"/view/path?source={a}&target={b}" for a, b in itertools.islice(itertools.combinations(keys, 2), 12)],
        f"/view/search?q={hostile}",
        f"/view/entity/{hostile}",
        f"/view/path?source={hostile}&target={keys[0]}",
        f"/view/graph?date_from={hostile}",
        f"/nowhere/{hostile}",
        f"/api/entities/{hostile}",
    ]


def test_no_page_carries_markup_from_the_article(client: TestClient) -> None:
    shown_escaped = 0
    for page in pages(client):
        for url in (page, page + ("&" if "?" in page else "?") + "format=json"):
            response = client.get(url)
            assert response.status_code < 500, url
            if "text/html" in response.headers["content-type"]:
                for markup in MARKUP:
                    assert markup not in response.text, f"{url} carries {markup!r} as markup"
            else:
                assert response.headers["content-type"].startswith(("application/json", "application/problem+json"))
            shown_escaped += "&lt;script&gt;window.__pwned" in response.text
    assert shown_escaped, "the article's markup should still be shown, as text"


def test_the_evidence_keeps_the_markup_as_text(client: TestClient) -> None:
    document = client.get("/api/documents").json()["items"][0]
    card = client.get(f"/api/documents/{document['key']}").json()
    assert MARKUP[0] in document["title"]
    assert MARKUP[1] in str(card) or MARKUP[2] in str(card)
