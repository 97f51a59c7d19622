"""Search and the document page in a real headless Chromium: typeahead with snippets on every page,
a results page, and a document whose facts show their sentence in context when clicked."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from conftest import LiveServer, app_settings, fill
from playwright.sync_api import Browser, sync_playwright
from test_document_page import ARIZONA, ARMY, FILE, HERMOSILLO
from test_views_browser import CHROMIUM, CHROMIUM_ARGS, View

from api.app import create_app
from kg.documents import parse_document
from kg.records import EntityRecord, Extraction, RelationRecord, Span
from kg.store import Store


def extraction() -> Extraction:
    info = parse_document(FILE.encode(), name="sonora.txt", source="sonora.txt")
    first, second = "Soldiers seized rifles in Hermosillo.", "The rifles came from Arizona, an ATF agent said."
    spans = [Span(info.text.index(s), info.text.index(s) + len(s), s) for s in (first, second)]
    entities = [
        EntityRecord(ARMY, "Mexican Army", "GovernmentBody"),
        EntityRecord(HERMOSILLO, "Hermosillo", "City"),
        EntityRecord(ARIZONA, "Arizona", "Region"),
    ]
    relations = [
        RelationRecord(ARMY, "locatedIn", HERMOSILLO, 0.9, spans[0]),
        RelationRecord(ARIZONA, "firearmsFlow", HERMOSILLO, 0.8, spans[1]),
    ]
    return Extraction(info, entities, relations, "test-0")


@pytest.fixture(scope="module")
def view() -> Iterator[View]:
    store = fill(Store.memory(), extraction())
    with LiveServer(create_app(app_settings(), store)) as server, sync_playwright() as playwright:
        browser: Browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        yield View(context.new_page(), server.url)
        browser.close()


def test_the_typeahead_suggests_matches_with_snippets_from_any_page(view: View) -> None:
    view.open("/", drawn=False)
    view.page.fill("form.fulltext input[name=q]", "Hermos")
    view.page.wait_for_selector("form.fulltext .typeahead li", timeout=30_000)
    suggestions = view.page.inner_html("form.fulltext .typeahead")
    assert "<mark>Hermosillo</mark>" in suggestions
    view.page.keyboard.press("ArrowDown")
    assert view.page.evaluate("document.activeElement.closest('.typeahead') !== null")
    view.page.click("form.fulltext .typeahead li a >> text=Hermosillo")
    view.page.wait_for_url("**/view/**", timeout=30_000)
    view.assert_clean()


def test_a_search_page_shows_snippets_facets_and_leads_to_the_sentence(view: View) -> None:
    view.open("/search?q=rifles", drawn=False)
    snippets = [el.inner_html() for el in view.page.query_selector_all(".hit .snippet")]
    assert snippets and all("<mark>rifles</mark>" in s.lower() or "<mark>Rifles</mark>" in s for s in snippets)
    assert "Evidence" in view.page.inner_text(".facets")
    view.page.click(".hit-evidence a")
    view.page.wait_for_selector("mark.evidence.current", timeout=30_000)
    assert view.page.inner_text("mark.evidence.current").startswith(("Soldiers", "The rifles"))
    view.assert_clean()


def test_clicking_a_fact_shows_its_sentence_in_the_article(view: View) -> None:
    view.open("/view/document/doc/sonora", drawn=False)
    assert "El Diario" in view.page.inner_text(".citation")
    view.page.click(".facts li >> nth=1 >> a[data-anchor]")
    current = view.page.inner_text("mark.evidence.current")
    assert current == "The rifles came from Arizona, an ATF agent said."
    assert view.page.is_visible("#fact-1.current")
    view.shot("document")
    view.assert_clean()
