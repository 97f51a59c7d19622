"""The /query and /docs pages work offline in a real browser; unexpected failures are 500 problems that leak nothing."""

from __future__ import annotations

import logging
import re
import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from urllib.parse import urlparse

import pytest
from conftest import COLT, SMITH_WESSON, LiveServer, app_settings, fill, lawsuit_extraction
from fastapi.testclient import TestClient
from playwright.sync_api import Page, sync_playwright

from api.app import create_app
from kg.store import Store

#: The system Chromium found on PATH (`make test` installs it); None lets Playwright use its own browser.
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


class AssetLinks(HTMLParser):
    """Every URL the page would load by itself: scripts, stylesheets, images."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag in ("script", "img") and found.get("src"):
            self.urls.append(found["src"] or "")
        if tag == "link" and found.get("href"):
            self.urls.append(found["href"] or "")


def test_the_page_offers_every_example_and_loads_only_local_assets(client: TestClient) -> None:
    response = client.get("/query")
    assert response.status_code == 200
    links = AssetLinks()
    links.feed(response.text)
    assert links.urls
    for url in links.urls:
        if url.startswith("data:"):
            continue
        assert urlparse(url).netloc in ("", "testserver"), url
        assert client.get(url).status_code == 200
    questions = re.findall(r"<option value=\"\d+\">([^<]+)</option>", response.text)
    assert "Which gunmakers are defendants in which lawsuits, who brought each suit, and when?" in questions
    assert len(questions) >= 10


@pytest.fixture
def page(small_store: Store) -> Iterator[tuple[Page, LiveServer, list[str]]]:
    with LiveServer(create_app(app_settings(), small_store)) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        requested: list[str] = []
        tab = browser.new_page()
        tab.on("request", lambda request: requested.append(request.url))
        yield tab, server, requested
        browser.close()


def test_running_an_example_in_yasgui_fills_the_table(page: tuple[Page, LiveServer, list[str]]) -> None:
    tab, server, requested = page
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.goto(f"{server.url}/query")
    tab.wait_for_selector("body[data-settled='true']")
    tab.select_option(
        "#example", label="Which gunmakers are defendants in which lawsuits, who brought each suit, and when?"
    )
    tab.wait_for_selector(".yasr table tbody tr")
    assert "ffkg:defendant" in tab.evaluate("window.ffkg.yasgui.getTab().getQuery()")
    headers = tab.locator(".yasr table thead th").all_inner_texts()
    column = [h.strip() for h in headers].index("gunmaker") + 1
    cells = tab.locator(f".yasr table tbody tr td:nth-child({column})").all_inner_texts()
    assert sorted(cells) == ["ffkgid:org/colt", "ffkgid:org/smith-and-wesson"]
    assert {COLT, SMITH_WESSON} == {
        row["gunmaker"]["value"] for row in tab.evaluate("window.ffkg.yasgui.getTab().getYasr().results.getBindings()")
    }
    assert "2 results" in tab.inner_text(".yasr")
    assert all(urlparse(url).netloc == f"127.0.0.1:{server.port}" for url in requested)
    assert errors == []


def test_yasgui_completes_our_classes_and_draws_a_chart(page: tuple[Page, LiveServer, list[str]]) -> None:
    tab, server, requested = page
    tab.goto(f"{server.url}/query")
    tab.wait_for_selector("body[data-settled='true']")
    query = (
        "PREFIX ffkg: <https://w3id.org/ffkg/ontology#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "SELECT ?label (COUNT(?d) AS ?documents) WHERE { ?x a ffkg:Gunm"
    )
    tab.evaluate("q => { window.ffkg.yasgui.getTab().setQuery(q); }", query)
    tab.evaluate(
        "() => { const e = window.ffkg.yasgui.getTab().getYasqe(); e.focus(); e.setCursor(e.lineCount(), 0); }"
    )
    tab.keyboard.press("Control+Space")
    tab.wait_for_selector(".CodeMirror-hints li")
    assert "ffkg:Gunmaker" in tab.locator(".CodeMirror-hints li").all_inner_texts()
    tab.keyboard.press("Escape")
    counted = query.replace(
        "?x a ffkg:Gunm", "?x a ffkg:Gunmaker ; rdfs:label ?label ; ffkg:mentionedIn ?d } GROUP BY ?label"
    )
    tab.evaluate("q => { const t = window.ffkg.yasgui.getTab(); t.setQuery(q); t.query(); }", counted)
    tab.wait_for_selector(".yasr table tbody tr")
    tab.click(".yasr .select_chart")
    bars = tab.locator(".yasr svg.ffkg-chart rect")
    bars.first.wait_for()
    assert bars.count() == 2
    assert all(urlparse(url).netloc == f"127.0.0.1:{server.port}" for url in requested)


def test_yasgui_maps_rows_with_latitude_and_longitude(page: tuple[Page, LiveServer, list[str]]) -> None:
    tab, server, requested = page
    tab.goto(f"{server.url}/query")
    tab.wait_for_selector("body[data-settled='true']")
    query = (
        "PREFIX geo: <http://www.w3.org/2003/01/geo/wgs84_pos#>\n"
        "SELECT ?place ?lat ?long WHERE { VALUES (?place ?lat ?long) { "
        '("Tijuana" "32.5" "-117.0") ("Phoenix" "33.4" "-112.1") ("Kingston" "18.0" "-76.8") } }'
    )
    tab.evaluate("q => { const t = window.ffkg.yasgui.getTab(); t.setQuery(q); t.query(); }", query)
    tab.wait_for_selector(".yasr table tbody tr")
    tab.click(".yasr .select_map")
    dots = tab.locator(".yasr svg.ffkg-map circle")
    dots.first.wait_for()
    assert dots.count() == 3
    assert tab.locator(".yasr svg.ffkg-map path").count() > 200
    assert all(urlparse(url).netloc == f"127.0.0.1:{server.port}" for url in requested)


def test_a_bad_query_in_yasgui_shows_the_problem(page: tuple[Page, LiveServer, list[str]]) -> None:
    tab, server, _ = page
    tab.goto(f"{server.url}/query")
    tab.wait_for_selector("body[data-settled='true']")
    tab.evaluate("() => { const t = window.ffkg.yasgui.getTab(); t.setQuery('SELECT ?s WHERE { ?s ?p }'); t.query(); }")
    tab.wait_for_selector(".yasr .errorResult")
    assert "400" in tab.inner_text(".yasr .errorResult")


def test_the_openapi_docs_render_from_local_assets(page: tuple[Page, LiveServer, list[str]]) -> None:
    tab, server, requested = page
    tab.goto(f"{server.url}/docs")
    tab.wait_for_selector(".opblock-summary-path")
    paths = tab.locator(".opblock-summary-path").evaluate_all("spans => spans.map(s => s.dataset.path)")
    assert {"/sparql", "/api/entities/{name}", "/graph-store"} <= set(paths)
    assert all(urlparse(url).netloc == f"127.0.0.1:{server.port}" for url in requested)


def test_an_unexpected_failure_is_a_500_problem_without_the_traceback(caplog: pytest.LogCaptureFixture) -> None:
    store = fill(Store.memory(), lawsuit_extraction())
    with TestClient(create_app(app_settings(), store), raise_server_exceptions=False) as client:
        store.close()
        response = client.get("/api/stats")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert "Traceback" not in response.text
    assert "engine" not in response.text
    assert any(record.levelno == logging.ERROR and record.exc_info for record in caplog.records)
