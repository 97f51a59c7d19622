"""The review page in a real headless Chromium against the real app on 127.0.0.1: merge from the queue,
reject a weak fact and undo it from the log, then the graph view draws one node for the merged two."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import test_views_browser
from conftest import COLT, TOKEN, LiveServer, app_settings, fill, lawsuit_extraction, seizure_extraction
from test_curation import COLTS, report_extraction
from test_views_browser import View

from api.app import create_app
from kg.store import Store

#: The views' browser tests' Chromium and page fixtures, here over this module's `server`.
browser = test_views_browser.browser
view = test_views_browser.view


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    store = fill(Store.memory(), lawsuit_extraction(), seizure_extraction(), report_extraction())
    with LiveServer(create_app(app_settings(write_token=TOKEN), store)) as live:
        yield live


def graph_nodes(view: View) -> set[str]:
    view.open("/view/graph")
    return {node["key"] for node in view.data()["nodes"]}


def test_merge_from_the_review_queue_then_the_graph_draws_one_node(view: View) -> None:
    assert {"org/colt", "org/colts-manufacturing"} <= graph_nodes(view)
    view.open("/view/review")
    page = view.page
    pair = page.locator("section.pair[data-a='org/colt'][data-b='org/colts-manufacturing']")
    pair.wait_for()
    assert "Colt's Manufacturing Company" in pair.inner_text() and "Mexico sued" in pair.inner_text()
    page.fill("#write-token", TOKEN)
    page.fill("#review-author", "ana")
    page.fill("#review-note", "one company")
    with page.expect_navigation():
        pair.locator("button[data-action='merge']").click()
    page.wait_for_selector("body[data-settled='true']")
    row = page.locator("table.decisions tr[data-decision]")
    assert row.count() == 1
    assert "merge" in row.inner_text() and "ana" in row.inner_text() and COLTS in row.inner_text()
    assert page.locator("section.pair[data-b='org/colts-manufacturing']").count() == 0
    view.shot("review-after-merge")

    weak = page.locator("section.weak-fact").first
    fact = weak.get_attribute("data-fact")
    with page.expect_navigation():
        weak.locator("button[data-action='reject']").click()
    page.wait_for_selector("body[data-settled='true']")
    assert page.locator(f"section.weak-fact[data-fact='{fact}']").count() == 0
    newest = page.locator("table.decisions tr[data-decision]").first
    assert "reject" in newest.inner_text()
    with page.expect_navigation():
        newest.locator("button[data-action='undo']").click()
    page.wait_for_selector("body[data-settled='true']")
    assert page.locator(f"section.weak-fact[data-fact='{fact}']").count() == 1
    assert page.locator("table.decisions tr[data-decision]").count() == 1

    keys = graph_nodes(view)
    assert "org/colt" in keys and "org/colts-manufacturing" not in keys
    merged = [node for node in view.data()["nodes"] if node["key"] == "org/colt"]
    assert len(merged) == 1 and merged[0]["id"] == COLT
    view.assert_clean()
