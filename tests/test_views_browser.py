"""The graph views in a real headless Chromium against the real app on 127.0.0.1.

Each test reads what a person would see: the drawn network (from the page's vis.js data),
the legend, the evidence shown after a click, the words of an error page, and the browser
console, which must stay free of errors. Screenshots go to `test-artifacts/views/`.
"""

from __future__ import annotations

import shutil
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from conftest import LiveServer, app_settings
from playwright.sync_api import Browser, Page, sync_playwright

from api.app import create_app
from bench.generate import generate_dataset
from kg.extract import load_pipeline
from kg.ingest import ingest_paths
from kg.iris import entity_iri, geonames_iri, local_iri
from kg.mapping import extraction_triples
from kg.records import DocumentInfo, EntityRecord, Extraction, RelationRecord, Span
from kg.store import Store

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts" / "views"
EXAMPLES = ROOT / "examples" / "articles"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# sigma reads any two clicks within 300 ms as a double click (which opens the node's page), wherever
# they land; a person's clicks on two different nodes are further apart than that.
DOUBLE_CLICK_WINDOW_S = 0.4
HOSTILE = '<script>window.__pwned = true</script><img src=x onerror="window.__pwned = true">'

MEXICO = geonames_iri(3996063)
USA = geonames_iri(6252001)
ARIZONA = geonames_iri(5551752)
GUATEMALA = geonames_iri(3595528)
CARTEL = entity_iri("crime", "Sinaloa Cartel")
MAKER = entity_iri("org", "Smith & Wesson")
RIFLE = entity_iri("weapon", "AR-15")
SMUGGLER = entity_iri("person", "Hostile Smuggler")
LONER = entity_iri("person", "Ana Loner")


def _place(iri: str, label: str, kind: str, lat: float, lon: float) -> EntityRecord:
    return EntityRecord(iri, label, kind, attributes={"lat": lat, "lon": lon})


def _fact(subject: str, predicate: str, obj: str, sentence: str, confidence: float = 0.9) -> RelationRecord:
    return RelationRecord(subject, predicate, obj, confidence, Span(0, len(sentence), sentence))


def world() -> list[Extraction]:
    """Three articles: a lawsuit and a flow, a hostile article with markup in it, and an isolated person."""
    lawsuit = local_iri("a1", "event", "lawsuit")
    flow = local_iri("a1", "flow", "us-mexico")
    first = Extraction(
        DocumentInfo("a1", "Mexico sues gunmakers", "2021-08-04", "text", content_hash="h1"),
        [
            _place(MEXICO, "Mexico", "Country", 23.0, -102.0),
            _place(USA, "United States", "Country", 39.76, -98.5),
            _place(ARIZONA, "Arizona", "Region", 34.5, -111.5),
            EntityRecord(CARTEL, "Sinaloa Cartel", "CriminalGroup"),
            EntityRecord(MAKER, "Smith & Wesson", "Gunmaker"),
            EntityRecord(RIFLE, "AR-15", "WeaponType"),
            EntityRecord(lawsuit, "Mexico v. Smith & Wesson", "Lawsuit", date="2021-08"),
            EntityRecord(
                flow, "US-Mexico flow", "FirearmsFlow", attributes={"method": "straw purchases", "share": "70 percent"}
            ),
        ],
        [
            _fact(lawsuit, "plaintiff", MEXICO, "Mexico filed the lawsuit in Boston."),
            _fact(lawsuit, "defendant", MAKER, "The suit names Smith & Wesson as a defendant.", 0.95),
            _fact(MAKER, "manufactures", RIFLE, "Smith & Wesson makes AR-15 style rifles.", 0.8),
            _fact(CARTEL, "locatedIn", MEXICO, "The Sinaloa Cartel is based in Mexico.", 0.7),
            _fact(ARIZONA, "locatedIn", USA, "Arizona borders Mexico.", 0.99),
            _fact(ARIZONA, "firearmsFlow", MEXICO, "Guns bought in Arizona are smuggled into Mexico.", 0.85),
            _fact(flow, "origin", USA, "Most guns come from the United States.", 0.9),
            _fact(flow, "destination", MEXICO, "Most guns come from the United States.", 0.9),
        ],
        "test/1",
    )
    second = Extraction(
        DocumentInfo("a2", f"Smuggling report {HOSTILE}", "2022", "text", content_hash="h2"),
        [
            _place(MEXICO, "Mexico", "Country", 23.0, -102.0),
            _place(ARIZONA, "Arizona", "Region", 34.5, -111.5),
            EntityRecord(GUATEMALA, "Guatemala", "Country"),
            EntityRecord(CARTEL, "Sinaloa Cartel", "CriminalGroup"),
            EntityRecord(SMUGGLER, f"Smuggler {HOSTILE}", "Person", attributes={"aliases": ["the courier"]}),
        ],
        [
            _fact(SMUGGLER, "affiliatedWith", CARTEL, f"The smuggler {HOSTILE} worked for the cartel.", 0.6),
            _fact(ARIZONA, "firearmsFlow", MEXICO, "Rifles from Arizona reached Mexico.", 0.8),
            _fact(MEXICO, "firearmsFlow", GUATEMALA, "Some guns moved on to Guatemala.", 0.75),
        ],
        "test/1",
    )
    third = Extraction(
        DocumentInfo("a3", "A quiet profile", "2023-01-02", "text", content_hash="h3"),
        [EntityRecord(LONER, "Ana Loner", "Person", attributes={"aliases": ["the courier"]})],
        [],
        "test/1",
    )
    return [first, second, third]


def load(store: Store, extractions: list[Extraction]) -> Store:
    for extraction in extractions:
        store.write_documents([extraction_triples(extraction)])
    return store


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    with LiveServer(create_app(app_settings(), load(Store.memory(), world()))) as live:
        yield live


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


class View:
    """One open page, with every console error and uncaught exception it produced."""

    def __init__(self, page: Page, base: str) -> None:
        self.page = page
        self.base = base
        self.errors: list[str] = []
        self.offsite: list[str] = []
        self.expected_failures: set[str] = set()
        self.last_click = 0.0
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("request", self._request)

    def _console(self, message: Any) -> None:
        """Console errors, except Chromium's note that a page we asked for with an error status had one."""
        if message.type == "error" and message.location.get("url") not in self.expected_failures:
            self.errors.append(message.text)

    def _request(self, request: Any) -> None:
        if not request.url.startswith(self.base) and not request.url.startswith("data:"):
            self.offsite.append(request.url)

    def open(self, path: str, *, status: int = 200, drawn: bool = True) -> View:
        if status != 200:
            self.expected_failures.add(self.base + path)
        response = self.page.goto(self.base + path)
        assert response is not None and response.status == status, f"{path}: {response and response.status}"
        if drawn:
            self.page.wait_for_selector("body[data-settled='true']", timeout=60_000)
        return self

    def data(self) -> dict[str, list[dict[str, Any]]]:
        """The network as the page's graphology graph holds it (the payload plus what was expanded)."""
        return self.page.evaluate("window.ffkg.data()")

    def click_node(self, node_id: str) -> None:
        """Click where the node is drawn on the canvas, as a person would (scrolling the drawing into view)."""
        self.page.locator("#network").scroll_into_view_if_needed()
        point = self.page.evaluate("id => window.ffkg.screenPosition(id)", node_id)
        since_last = time.monotonic() - self.last_click
        if since_last < DOUBLE_CLICK_WINDOW_S:
            self.page.wait_for_timeout((DOUBLE_CLICK_WINDOW_S - since_last) * 1000)
        self.page.mouse.click(point["x"], point["y"])
        self.last_click = time.monotonic()

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    def assert_clean(self) -> None:
        assert self.errors == [], self.errors
        assert self.offsite == [], f"requests left the server: {self.offsite}"
        assert self.page.evaluate("window.__pwned === undefined"), "markup from a document ran as script"


@pytest.fixture
def view(browser: Browser, server: LiveServer) -> Iterator[View]:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    opened = View(context.new_page(), server.url)
    yield opened
    context.close()


def labels(data: dict[str, list[dict[str, Any]]]) -> set[str]:
    return {node["full_label"] for node in data["nodes"]}


def test_landing_shows_counts_links_and_search(view: View) -> None:
    view.open("/", drawn=False)
    page = view.page
    assert page.inner_text("#summary .big") == "3"
    types = {row.get_attribute("data-type"): row.inner_text() for row in page.query_selector_all("#types tr")}
    assert types["Country"].split()[-1] == "3"
    assert types["Person"].split()[-1] == "2"
    assert "Dates from 2021-08 to 2023-01-02" in page.inner_text("#summary")
    hrefs = {a.get_attribute("href") for a in page.query_selector_all("#views a")}
    assert {"/view/graph", "/view/flows", "/view/path", "/query", "/docs"} <= hrefs
    view.open("/view/search?q=sinaloa%20cartel")
    assert page.url.endswith("/view/entity/crime/sinaloa-cartel")
    view.shot("landing-search-result")
    view.open("/", drawn=False).shot("landing")
    view.assert_clean()


def test_graph_view_draws_every_entity_with_legend_and_evidence_on_click(view: View) -> None:
    view.open("/view/graph")
    data = view.data()
    assert labels(data) == {
        "Mexico", "United States", "Arizona", "Guatemala", "Sinaloa Cartel", "Smith & Wesson", "AR-15",
        "Mexico v. Smith & Wesson", "US-Mexico flow", f"Smuggler {HOSTILE}", "Ana Loner",
    }  # fmt: skip
    predicates = sorted(edge["predicate"] for edge in data["edges"])
    assert predicates == sorted(
        ["plaintiff", "defendant", "manufactures", "locatedIn", "locatedIn", "firearmsFlow", "firearmsFlow", "origin",
         "destination", "affiliatedWith"]
    )  # fmt: skip
    assert {e["label"] for e in data["edges"] if e["predicate"] == "locatedIn"} == {"located in"}
    legend = {li.get_attribute("data-type") for li in view.page.query_selector_all("#legend li[data-type]")}
    assert legend == {
        "Country",
        "Region",
        "CriminalGroup",
        "Gunmaker",
        "WeaponType",
        "Lawsuit",
        "FirearmsFlow",
        "Person",
    }
    view.click_node(MAKER)
    panel = view.page.locator("#panel")
    panel.get_by_text("Smith & Wesson makes AR-15 style rifles.").wait_for()
    assert "Mexico sues gunmakers" in panel.inner_text()
    cited = panel.locator("a[href^='/view/document/']").first.get_attribute("href")
    document = view.page.request.get(view.base + cited.split("#")[0] + "?format=json")
    assert document.json()["title"] == "Mexico sues gunmakers"
    view.shot("graph")
    view.assert_clean()


def test_the_graph_view_draws_the_servers_positions_without_a_layout(view: View) -> None:
    view.open("/view/graph")
    assert view.page.evaluate("window.ffkg.layoutPasses") == 0
    drawn = view.page.evaluate(
        "() => window.ffkg.payload.nodes.map(n => [n.x, -n.y, window.ffkg.graph.getNodeAttribute(n.id, 'x'),"
        " window.ffkg.graph.getNodeAttribute(n.id, 'y')])"
    )
    assert len(drawn) == 11 and all(x == gx and y == gy for x, y, gx, gy in drawn)
    view.assert_clean()


def test_graph_filters_and_top_n(view: View) -> None:
    view.open("/view/graph?type=Country&type=Region")
    assert labels(view.data()) == {"Mexico", "United States", "Arizona", "Guatemala"}
    view.open("/view/graph?min_documents=2")
    data = view.data()
    assert labels(data) == {"Mexico", "Arizona", "Sinaloa Cartel"}
    assert [e["predicate"] for e in data["edges"]] == ["firearmsFlow"]
    view.open("/view/graph?min_confidence=0.9")
    assert sorted(e["predicate"] for e in view.data()["edges"]) == [
        "defendant",
        "destination",
        "locatedIn",
        "origin",
        "plaintiff",
    ]
    view.open("/view/graph?top=2&centrality=degree")
    assert labels(view.data()) == {"Mexico", "Arizona"}
    assert "Showing the 2 nodes" in view.page.inner_text(".notice")
    view.assert_clean()


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("min_confidence=7", "min_confidence must be a number from 0 to 1"),
        ("min_documents=-3", "min_documents must be a whole number from 1 to"),
        ("top=100000", "top must be a whole number from 1 to 5000"),
        ("centrality=astrology", "centrality must be one of"),
        ("type=Dragon", "unknown type"),
        ("date_from=2024&date_to=2020", "the date range is empty"),
    ],
)
def test_absurd_filters_get_a_400_page_with_the_allowed_range(view: View, query: str, words: str) -> None:
    view.open(f"/view/graph?{query}", status=400, drawn=False)
    assert words in view.page.inner_text(".message")
    assert "min_confidence" in view.page.inner_text("table.allowed")
    assert view.page.get_attribute("a.back", "href") == "/view/graph"
    view.assert_clean()


def test_entity_view_is_the_ego_network_and_grows_with_depth(view: View) -> None:
    view.open("/view/entity/crime/sinaloa-cartel")
    assert labels(view.data()) == {"Sinaloa Cartel", "Mexico", f"Smuggler {HOSTILE}"}
    center = next(n for n in view.data()["nodes"] if n["id"] == CARTEL)
    assert center["size"] > 14
    view.shot("entity-depth1")
    view.open("/view/entity/crime/sinaloa-cartel?depth=2")
    assert labels(view.data()) >= {"Sinaloa Cartel", "Mexico", "Arizona", "Guatemala", "Mexico v. Smith & Wesson"}
    view.click_node(MEXICO)
    view.page.locator("#panel").get_by_text("Mexico filed the lawsuit in Boston.").wait_for()
    view.shot("entity-depth2-panel")
    view.click_node(ARIZONA)
    view.page.locator("#panel").get_by_text("Open the network around Arizona").click()
    view.page.wait_for_url("**/view/entity/geonames/5551752")
    view.assert_clean()


def test_expand_adds_a_nodes_neighbours_and_every_view_saves_an_image(view: View) -> None:
    view.open("/view/entity/crime/sinaloa-cartel")
    assert labels(view.data()) == {"Sinaloa Cartel", "Mexico", f"Smuggler {HOSTILE}"}
    view.click_node(MEXICO)
    view.page.click("#panel button.expand")
    view.page.locator("#panel").get_by_text("Added 4 neighbour(s)", exact=False).wait_for()
    assert {"Arizona", "Guatemala", "Mexico v. Smith & Wesson", "US-Mexico flow"} <= labels(view.data())
    for button, name in (("#export-png", "ffkg-entity.png"), ("#export-svg", "ffkg-entity.svg")):
        with view.page.expect_download() as saved:
            view.page.click(button)
        assert saved.value.suggested_filename == name
        assert Path(saved.value.path()).stat().st_size > 1000
    svg = view.page.evaluate("window.ffkg.toSvg()")
    assert svg.count("<circle") == len(view.data()["nodes"]) and "Guatemala" in svg
    view.open("/view/timeline")
    with view.page.expect_download() as saved:
        view.page.click("#export-png")
    assert saved.value.suggested_filename == "ffkg-timeline.png"
    view.assert_clean()


def test_an_ambiguous_search_lists_the_candidates(view: View) -> None:
    view.open("/view/search?q=the%20courier", status=409, drawn=False)
    assert "names 2 entities" in view.page.inner_text(".message")
    candidates = {a.get_attribute("href") for a in view.page.query_selector_all(".candidates a")}
    assert candidates == {"/view/entity/person/ana-loner", "/view/entity/person/hostile-smuggler"}
    view.page.click(".candidates a:has-text('Ana Loner')")
    view.page.wait_for_selector("body[data-settled='true']")
    assert labels(view.data()) == {"Ana Loner"}
    view.assert_clean()


def test_unknown_entity_and_bad_depth_say_so_with_a_link_back(view: View) -> None:
    view.open("/view/entity/crime/sinaloa-cartell", status=404, drawn=False)
    assert "no entity is called 'crime/sinaloa-cartell'" in view.page.inner_text(".message")
    assert view.page.get_attribute("a.back", "href") == "/"
    view.shot("entity-unknown")
    view.open("/view/entity/crime/sinaloa-cartel?depth=9", status=400, drawn=False)
    assert "depth must be a whole number from 1 to 3" in view.page.inner_text(".message")
    view.open("/view/search?q=", status=400, drawn=False)
    assert "type the name" in view.page.inner_text(".message")
    view.assert_clean()


def test_path_view_highlights_the_hops_with_evidence_in_tooltips(view: View) -> None:
    view.open("/view/path?source=Smith%20%26%20Wesson&target=Guatemala")
    data = view.data()
    hops = {(e["from"], e["predicate"], e["to"]) for e in data["edges"] if e["highlighted"]}
    lawsuit = local_iri("a1", "event", "lawsuit")
    assert hops == {(lawsuit, "defendant", MAKER), (lawsuit, "plaintiff", MEXICO), (MEXICO, "firearmsFlow", GUATEMALA)}
    sentences = {e["predicate"]: [r["sentence"] for r in e["evidence"]] for e in data["edges"]}
    assert "Some guns moved on to Guatemala." in sentences["firearmsFlow"]
    assert "Mexico filed the lawsuit in Boston." in sentences["plaintiff"]
    view.click_node(GUATEMALA)
    view.page.locator("#panel").get_by_text("Some guns moved on to Guatemala.").wait_for()
    assert "3 hops" in view.page.inner_text("ol.paths")
    view.page.mouse.move(0, 0)
    view.shot("path")
    view.assert_clean()


def test_no_path_and_unknown_end_are_said_in_words(view: View) -> None:
    view.open("/view/path?source=Ana%20Loner&target=Mexico", drawn=False)
    assert "No path connects Ana Loner and Mexico" in view.page.inner_text(".empty")
    assert view.page.get_attribute(".empty + p a", "href") == "/view/path"
    view.shot("path-none")
    view.open("/view/path?source=Atlantis&target=Mexico", status=404, drawn=False)
    assert "no entity is called 'Atlantis'" in view.page.inner_text(".message")
    view.open("/view/path?source=Mexico&target=geonames/3996063", status=400, drawn=False)
    assert "a path needs two different entities" in view.page.inner_text(".message")
    view.open("/view/path?source=Mexico&target=Arizona&k=500", status=400, drawn=False)
    assert "k must be a whole number from 1 to" in view.page.inner_text(".message")
    view.assert_clean()


def test_flows_view_is_a_map_of_areas_and_points(view: View) -> None:
    view.open("/view/flows")
    nodes = {n["full_label"]: n for n in view.data()["nodes"]}
    assert set(nodes) == {"Arizona", "Mexico", "United States", "Guatemala"}
    assert nodes["Guatemala"]["geo"] == {"layer": "countries", "id": "320"}
    assert nodes["Arizona"]["geo"] == {"layer": "states", "name": "Arizona"}
    areas = {a.get_attribute("data-iri") for a in view.page.query_selector_all("#map path.area")}
    assert areas == {MEXICO, USA, ARIZONA, GUATEMALA}
    assert view.page.locator("#map path.land, #map g.land path").count() > 200
    routes = {a.get_attribute("data-key") for a in view.page.query_selector_all("#map path.route")}
    assert routes == {
        f"{ARIZONA} firearmsFlow {MEXICO}",
        f"{USA} firearmsFlow {MEXICO}",
        f"{MEXICO} firearmsFlow {GUATEMALA}",
    }
    centre = view.page.evaluate(f"window.ffkg.anchors.get({USA!r})")
    assert -125 < centre[0] < -66 and 24 < centre[1] < 50, "the US centre is in the lower 48"
    west, east = (view.page.evaluate(f"window.ffkg.anchors.get({iri!r})")[0] for iri in (ARIZONA, GUATEMALA))
    assert west < east
    assert view.page.is_hidden("#unplaced")
    middle = view.page.evaluate(
        "key => { const p = document.querySelector(`#map path.route[data-key='${key}']`);"
        " const m = p.getPointAtLength(p.getTotalLength() / 2).matrixTransform(p.getScreenCTM());"
        " return {x: m.x, y: m.y}; }",
        f"{USA} firearmsFlow {MEXICO}",
    )
    view.page.mouse.click(middle["x"], middle["y"])
    panel = view.page.locator("#panel")
    panel.get_by_text("straw purchases", exact=False).wait_for()
    assert "70 percent" in panel.inner_text() and "Mexico sues gunmakers" in panel.inner_text()
    view.shot("flows")
    with view.page.expect_download() as saved:
        view.page.click("#export-svg")
    assert saved.value.suggested_filename == "ffkg-flows.svg"
    view.open("/view/flows?country=Guatemala")
    assert view.page.locator("#map path.route").count() == 1
    view.open("/view/flows?min_documents=0", status=400, drawn=False)
    assert "min_documents must be a whole number from 1" in view.page.inner_text(".message")
    view.assert_clean()


def test_a_place_without_geometry_is_listed_beside_the_map_not_drawn(browser: Browser) -> None:
    caribbean = entity_iri("place", "Caribbean")
    florida = geonames_iri(4155751)
    story = Extraction(
        DocumentInfo("c1", "Guns to the islands", "2023-05-01", "text", content_hash="c1"),
        [
            EntityRecord(florida, "Florida", "Region"),
            EntityRecord(caribbean, "Caribbean", "Region"),
            EntityRecord(geonames_iri(3489940), "Jamaica", "Country"),
        ],
        [
            _fact(florida, "firearmsFlow", caribbean, "Guns bought in Florida reach the Caribbean."),
            _fact(florida, "firearmsFlow", geonames_iri(3489940), "Pistols from Florida turn up in Jamaica."),
        ],
        "test/1",
    )
    with LiveServer(create_app(app_settings(), load(Store.memory(), [story]))) as live:
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        view = View(context.new_page(), live.url)
        view.open("/view/flows")
        unplaced = view.page.locator("#unplaced")
        assert unplaced.is_visible()
        assert [li.get_attribute("data-iri") for li in unplaced.locator("> ul > li").element_handles()] == [caribbean]
        assert "from Florida" in unplaced.inner_text()
        assert "have no point or area" in view.page.inner_text(".notice")
        drawn = {a.get_attribute("data-key") for a in view.page.query_selector_all("#map path.route")}
        assert drawn == {f"{florida} firearmsFlow {geonames_iri(3489940)}"}
        assert view.page.evaluate(f"window.ffkg.anchors.has({caribbean!r})") is False
        jamaicas = [n for n in view.data()["nodes"] if n["full_label"] == "Jamaica"]
        assert len(jamaicas) == 1 and jamaicas[0]["geo"] == {"layer": "countries", "id": "388"}
        unplaced.get_by_text("from Florida").click()
        view.page.locator("#panel").get_by_text("Guns bought in Florida reach the Caribbean.").wait_for()
        view.shot("flows-unplaced")
        view.assert_clean()
        context.close()


def test_markup_from_documents_is_shown_as_text_and_never_runs(view: View) -> None:
    view.open(f"/view/entity/{quote('person/hostile-smuggler')}")
    view.click_node(SMUGGLER)
    panel = view.page.locator("#panel")
    panel.get_by_text(f"The smuggler {HOSTILE} worked for the cartel.").wait_for()
    assert HOSTILE in panel.inner_text()
    assert view.page.locator("#panel script, #panel img").count() == 0
    assert f"Smuggling report {HOSTILE}" in panel.inner_text()
    view.page.hover("#network")
    view.shot("hostile")
    view.open("/view/path?source=person/hostile-smuggler&target=Guatemala")
    view.open("/view/search?q=" + quote(HOSTILE), status=404, drawn=False)
    assert HOSTILE in view.page.inner_text(".message")
    view.assert_clean()


def test_timeline_links_both_ways_with_the_graph(view: View) -> None:
    view.open("/view/timeline")
    events = view.page.evaluate("window.ffkg.payload.events")
    assert [(e["content"], e["date"], e["start"], e["end"]) for e in events] == [
        ("Mexico v. Smith & Wesson", "2021-08", "2021-08-01", "2021-09-01")
    ]
    view.page.click(".vis-item:has-text('Mexico v. Smith & Wesson')")
    panel = view.page.locator("#panel")
    panel.get_by_text("Smith & Wesson").first.wait_for()
    assert "defendant" in panel.inner_text() and "plaintiff" in panel.inner_text()
    view.shot("timeline")
    panel.get_by_text("Find it in the graph").click()
    view.page.wait_for_selector("body[data-settled='true']")
    view.page.locator("#panel h2").get_by_text("Mexico v. Smith & Wesson").wait_for()
    view.open("/view/timeline")
    view.page.evaluate("window.ffkg.timeline.setWindow('2022-01-01', '2022-12-31', {animation: false})")
    link = view.page.locator("#graph-range")
    view.page.wait_for_function("document.getElementById('graph-range').href.includes('date_from=2022-01-01')")
    link.click()
    view.page.wait_for_selector("body[data-settled='true']")
    assert view.page.get_attribute("input[name=date_from]", "value") == "2022-01-01"
    assert "Mexico v. Smith & Wesson" not in labels(view.data())
    view.open("/view/graph?date_from=2021-08&date_to=2021-08")
    assert "Mexico v. Smith & Wesson" in labels(view.data())
    view.page.click("#timeline-range")
    view.page.wait_for_selector("body[data-settled='true']")
    assert len(view.page.evaluate("window.ffkg.payload.events")) == 1
    view.assert_clean()


def test_timeline_of_one_entity_and_its_bad_input(view: View) -> None:
    view.open("/view/entity/org/smith-and-wesson")
    view.page.click("text=Its events on the timeline")
    view.page.wait_for_selector("body[data-settled='true']")
    assert "Timeline of Smith & Wesson" in view.page.inner_text("h1")
    view.open("/view/timeline?entity=person/ana-loner", drawn=False)
    assert "No dated event matches" in view.page.inner_text(".empty")
    view.open("/view/timeline?date_from=2024&date_to=2020", status=400, drawn=False)
    assert "the date range is empty" in view.page.inner_text(".message")
    view.open("/view/timeline?entity=Atlantis", status=404, drawn=False)
    view.assert_clean()


def test_json_twin_is_the_page_payload(view: View, server: LiveServer) -> None:
    view.open("/view/entity/geonames/3996063?depth=2")
    drawn = view.page.evaluate("window.ffkg.payload")
    twin = view.page.request.get(f"{server.url}/view/entity/geonames/3996063?depth=2&format=json").json()
    assert twin["network"] == drawn
    assert twin["entity"]["label"] == "Mexico"
    problem = view.page.request.get(f"{server.url}/view/graph?min_confidence=2&format=json")
    assert problem.status == 400 and problem.headers["content-type"].startswith("application/problem+json")
    facts = view.page.request.get(f"{server.url}/view/evidence?node={quote(MAKER)}").json()
    assert {(f["predicate"], f["evidence"][0]["sentence"]) for f in facts["facts"]} == {
        ("defendant", "The suit names Smith & Wesson as a defendant."),
        ("manufactures", "Smith & Wesson makes AR-15 style rifles."),
    }
    for query, status, words in (("", 400, "node must be the IRI"), ("?node=urn%3Anothing", 404, "no node")):
        answer = view.page.request.get(f"{server.url}/view/evidence{query}")
        assert answer.status == status and words in answer.json()["detail"]


def test_a_large_graph_is_drawn_whole_and_cut_only_when_asked(browser: Browser) -> None:
    store = Store.memory()
    by_graph = defaultdict(list)
    for quad in generate_dataset(30_000, seed=1):
        by_graph[quad.graph_name.value].append(quad)
    for graph, quads in by_graph.items():
        store.replace_graph(graph, quads)
    with LiveServer(create_app(app_settings(), store)) as live:
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        view = View(context.new_page(), live.url)
        view.open("/view/graph")
        everything = len(view.data()["nodes"])
        assert 400 < everything <= 5000 and view.page.locator(".notice").count() == 0
        view.open("/view/graph?top=400")
        total = view.page.request.get(f"{live.url}/view/graph?format=json&top=400").json()
        assert len(view.data()["nodes"]) == 400
        notice = view.page.inner_text(".notice")
        assert f"Showing the 400 nodes with the highest degree centrality out of {everything}" in notice
        assert len(total["network"]["nodes"]) == 400
        view.page.fill("#focus input", total["network"]["nodes"][0]["full_label"])
        view.page.click("#focus button")
        view.page.locator("#panel h2").get_by_text(total["network"]["nodes"][0]["full_label"]).wait_for()
        view.shot("graph-large")
        view.assert_clean()
        context.close()


def test_every_view_renders_on_the_ingested_examples(browser: Browser) -> None:
    store = Store.memory()
    report = ingest_paths(store, [EXAMPLES], load_pipeline(), max_bytes=app_settings().max_document_bytes)
    assert report.ok and report.outcomes["added"], report.errors
    with LiveServer(create_app(app_settings(), store)) as live:
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        view = View(context.new_page(), live.url)
        view.open("/", drawn=False).shot("examples-landing")
        assert int(view.page.inner_text("#summary .big")) == len(report.outcomes["added"])
        first, second = (a.get_attribute("href") for a in view.page.query_selector_all("#starting-points a")[:2])
        drawn = {}
        for name, path in (
            ("graph", "/view/graph"),
            ("entity", first + "?depth=2"),
            (
                "path",
                f"/view/path?source={first.removeprefix('/view/entity/')}&target={second.removeprefix('/view/entity/')}",
            ),
        ):
            view.open(path).shot(f"examples-{name}")
            drawn[name] = view.data()
            assert view.page.locator("#legend li[data-type]").count() > 0
        assert len(drawn["graph"]["nodes"]) > len(drawn["entity"]["nodes"]) > 1
        assert any(edge["highlighted"] for edge in drawn["path"]["edges"])
        view.open("/view/flows").shot("examples-flows")
        flows = view.data()
        assert view.page.locator("#map path.route").count() > 0
        jamaicas = [n for n in flows["nodes"] if n["full_label"] == "Jamaica"]
        assert len(jamaicas) == 1 and jamaicas[0]["geo"] == {"layer": "countries", "id": "388"}
        unplaced = {li.get_attribute("data-iri") for li in view.page.query_selector_all("#unplaced > ul > li")}
        assert unplaced == {n["id"] for n in flows["nodes"] if n["geo"] is None}
        view.open("/view/timeline").shot("examples-timeline")
        assert view.page.locator(".vis-item").count() > 5
        view.assert_clean()
        context.close()
