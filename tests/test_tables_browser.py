"""The flows view with tables beside articles, in a real headless Chromium against the real app on 127.0.0.1:
it draws both kinds of route apart, filters by source and year, shows a table route's cells, stays offline
and logs no errors."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from analytics_world import build_world
from conftest import LiveServer, app_settings
from playwright.sync_api import Page, sync_playwright

from api.app import create_app
from api.views.flows_tables import TABLE_COLOR
from kg.store import Store
from kg.tables.ingest import import_table
from kg.tables.spec import load_spec

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "tables"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-background-networking", "--disable-gpu", "--no-first-run"]


@pytest.fixture(scope="module")
def page() -> Iterator[tuple[Page, str, list[str], list[str]]]:
    """One page on a live server over the article world and the example table; errors and offsite requests kept."""
    store = build_world(Store.memory())
    import_table(store, EXAMPLES / "iron-pipeline-2017.csv", load_spec(EXAMPLES / "iron-pipeline-2017.yaml"))
    errors: list[str] = []
    offsite: list[str] = []
    with LiveServer(create_app(app_settings(), store)) as live, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        tab = browser.new_page(viewport={"width": 1400, "height": 900})
        tab.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        tab.on("pageerror", lambda error: errors.append(str(error)))
        tab.on("request", lambda r: None if r.url.startswith((live.url, "data:")) else offsite.append(r.url))
        yield tab, live.url, errors, offsite
        browser.close()


def _open(page: Page, url: str) -> dict[str, int]:
    response = page.goto(url)
    assert response is not None and response.status == 200
    page.wait_for_selector("body[data-settled='true']", timeout=60_000)
    colours = page.evaluate(
        "window.ffkg.graph.edges().map(e => window.ffkg.graph.getEdgeAttribute(e, 'record').source)"
    )
    return {source: colours.count(source) for source in set(colours)}


def test_the_flows_view_draws_article_and_table_routes_apart(page: tuple[Page, str, list[str], list[str]]) -> None:
    tab, base, errors, offsite = page
    assert _open(tab, base + "/view/flows") == {"articles": 1, "tables": 12}
    blue = tab.evaluate(
        "window.ffkg.graph.edges().filter(e => window.ffkg.graph.getEdgeAttribute(e, 'color') === "
        f"'{TABLE_COLOR}').length"
    )
    assert blue == 12
    assert "counted by tables" in tab.inner_text("#legend")
    key = tab.evaluate(
        "window.ffkg.graph.edges().find(e => window.ffkg.graph.getEdgeAttribute(e, 'record').label === '207 firearms')"
    )
    tab.evaluate(f"window.ffkg.showEdge({key!r})")
    panel = tab.locator("#panel")
    panel.get_by_text("2017: 207", exact=False).wait_for()
    assert "iron-pipeline-2017.csv" in panel.inner_text()
    assert errors == [] and offsite == []


def test_the_source_and_year_filters_apply(page: tuple[Page, str, list[str], list[str]]) -> None:
    tab, base, errors, offsite = page
    _open(tab, base + "/view/flows")
    tab.select_option("select[name=source]", "tables")
    tab.fill("input[name=year]", "2017")
    tab.click("form.controls button[type=submit]")
    tab.wait_for_selector("body[data-settled='true']", timeout=60_000)
    assert "source=tables" in tab.url and "year=2017" in tab.url
    drawn = tab.evaluate("window.ffkg.graph.edges().map(e => window.ffkg.graph.getEdgeAttribute(e, 'record').source)")
    assert set(drawn) == {"tables"} and len(drawn) == 12
    response = tab.goto(base + "/view/flows?source=tables&year=2010")
    assert response is not None and response.status == 200
    assert "No firearms-flow route matches these filters." in tab.inner_text("main")
    assert errors == [] and offsite == []
