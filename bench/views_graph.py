"""Graph view benchmark: how fluid the sigma.js drawing stays at 5,000 nodes and 20,000 edges.

    python -m bench.views_graph --nodes 5000 --edges 20000 [--before REV]

A seeded synthetic network (preferential attachment, every node class of the ontology) goes
through the same `server_layout`, `network_payload` and `views/graph.html` template the server
renders, served with our static files from 127.0.0.1 to the headless Chromium the browser tests
use (software WebGL, no GPU). It reports the server's layout time; the time until the page's
script has rendered the first frame (parse, any layout on the page, sigma's first render) and
until the harness sees the page settled (that frame presented); the frames rendered per second
while the camera moves, set by script (sigma does not count that as moving, so edges stay drawn)
and dragged or wheel-zoomed with real mouse events, as a person moves it; the latency from a
camera step to its rendered frame, and from a click on a node to its facts in the side panel.
`--before REV` measures, in the same run, the page as it was at git revision REV (its `views.js`,
and a payload without positions, so the page lays it out).
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import random
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import networkx as nx
from playwright.sync_api import Page, sync_playwright

from api.routers.views import templates
from api.views.network import network_payload, server_layout
from api.views.style import class_styles
from kg.ontology import edge_properties

ROOT = Path(__file__).resolve().parents[1]
STATIC = ROOT / "api" / "static"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-background-networking", "--disable-gpu", "--no-first-run"]
#: Seconds of continuous camera motion the frame rate is counted over.
MOTION_SECONDS = 4.0
#: Camera steps and node clicks timed one by one.
STEPS = 30


def synthetic_network(nodes: int, edges: int, *, seed: int = 0) -> nx.MultiDiGraph:
    """A scale-free-ish directed multigraph labelled like ours: `nodes` nodes, exactly `edges` edges."""
    rng = random.Random(seed)
    classes = list(class_styles())
    predicates = list(edge_properties())
    graph = nx.MultiDiGraph()
    for index in range(nodes):
        kind = classes[index % len(classes)]
        graph.add_node(f"urn:n{index}", label=f"{kind} {index}", key=f"x/n{index}", type=kind, documents=1)
    targets = [f"urn:n{i}" for i in range(min(nodes, 5))]
    added = 0
    while added < edges:
        source = f"urn:n{rng.randrange(nodes)}"
        target = rng.choice(targets) if rng.random() < 0.5 else f"urn:n{rng.randrange(nodes)}"
        predicate = rng.choice(predicates)
        if source == target or graph.has_edge(source, target, key=predicate):
            continue
        graph.add_edge(source, target, key=predicate, predicate=predicate, documents=rng.randint(1, 4))
        targets.append(target)
        added += 1
    return graph


def page_html(graph: nx.MultiDiGraph, positions: dict[str, tuple[float, float]] | None) -> str:
    """The graph view's HTML for `graph`, as the server renders it (`positions` None: laid out on the page)."""
    page = {
        "view": "graph",
        "title": "The graph",
        "subtitle": f"{graph.number_of_nodes()} nodes and {graph.number_of_edges()} relations drawn",
        "filters": {"type": [], "date_from": "", "date_to": "", "min_confidence": 0.0, "min_documents": 1},
        "classes": [{"type": s.name, "label": s.label} for s in class_styles().values()],
        "metrics": ["degree"],
        "notices": [],
        "network": network_payload(graph, positions=positions),
        "empty": "",
        "back": {"url": "/", "text": ""},
    }
    page["filters"].update(top=graph.number_of_nodes(), centrality="degree")
    return templates().env.get_template("views/graph.html").render(page=page)


class _Handler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the benchmark prints its own table."""


def serve(folder: Path) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Handler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


MOTION = """seconds => new Promise(done => {
  const renderer = window.ffkg.renderer, camera = renderer.getCamera();
  let frames = 0; const start = performance.now();
  const count = () => { frames += 1; };
  renderer.on("afterRender", count);
  const tick = now => {
    const t = (now - start) / 1000;
    const ratio = 0.35 + 0.3 * (1 + Math.sin(t * 0.7));
    camera.setState({x: 0.5 + 0.2 * Math.sin(t * 1.3), y: 0.5 + 0.2 * Math.cos(t), ratio: ratio});
    if (t < seconds) requestAnimationFrame(tick);
    else { renderer.off("afterRender", count); done(frames / t); }
  };
  requestAnimationFrame(tick);
})"""
SETTLED_AT = """new MutationObserver((changes, observer) => {
  if (document.body && document.body.dataset.settled) { window.__settledAt = performance.now(); observer.disconnect(); }
}).observe(document, {subtree: true, attributes: true, attributeFilter: ["data-settled"]});"""
FRAMES_FROM_NOW = """() => {
  if (window.__frames === undefined) window.ffkg.renderer.on("afterRender", () => { window.__frames += 1; });
  window.__frames = 0; window.__since = performance.now();
}"""
FRAMES_PER_SECOND = "() => window.__frames / ((performance.now() - window.__since) / 1000)"


def mouse_fps(page: Page, seconds: float, *, wheel: bool) -> float:
    """Frames rendered per second while a person drags the drawing around (or turns the wheel over it):
    real input events, so sigma knows the camera is moving, as the scripted motion above does not."""
    page.locator("#network").scroll_into_view_if_needed()
    box = page.locator("#network").bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.evaluate(FRAMES_FROM_NOW)
    if not wheel:
        page.mouse.down()
    start, step = time.monotonic(), 0
    while time.monotonic() - start < seconds:
        step += 1
        if wheel:
            page.mouse.wheel(0, 120 if (step // 8) % 2 else -120)
            page.wait_for_timeout(30)
        else:
            page.mouse.move(x + 200 * math.cos(step / 10), y + 120 * math.sin(step / 10))
    if not wheel:
        page.mouse.up()
    return page.evaluate(FRAMES_PER_SECOND)


STEP = """() => new Promise(done => {
  const renderer = window.ffkg.renderer, camera = renderer.getCamera();
  const start = performance.now();
  renderer.once("afterRender", () => done(performance.now() - start));
  camera.setState({x: Math.random(), y: Math.random(), ratio: 0.2 + Math.random()});
})"""
CLICK = """() => {
  const ids = window.ffkg.graph.nodes();
  const id = ids[Math.floor(Math.random() * ids.length)];
  const start = performance.now();
  window.ffkg.showNode(id);
  return new Promise(done => requestAnimationFrame(() => done(performance.now() - start)));
}"""


def measure(nodes: int, edges: int, before: str | None = None) -> dict[str, float]:
    """The figures for the page as it is now, or (`before`) for `views.js` at that git revision."""
    graph = synthetic_network(nodes, edges)
    started = time.perf_counter()
    positions = None if before else server_layout(graph)
    layout_ms = (time.perf_counter() - started) * 1000
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        shutil.copytree(STATIC, root / "static")
        if before:
            old = subprocess.run(
                ["git", "show", f"{before}:api/static/views.js"], cwd=ROOT, check=True, capture_output=True
            )
            (root / "static" / "views.js").write_bytes(old.stdout)
        (root / "index.html").write_text(page_html(graph, positions), encoding="utf-8")
        server = serve(root)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                page = browser.new_page(viewport={"width": 1400, "height": 900})
                offsite: list[str] = []
                page.on("request", lambda r: None if r.url.startswith("http://127.0.0.1") else offsite.append(r.url))
                page.add_init_script(SETTLED_AT)
                page.goto(f"http://127.0.0.1:{server.server_port}/index.html")
                page.wait_for_selector("body[data-settled='true']", timeout=300_000)
                first = page.evaluate("performance.now()")
                rendered = page.evaluate("window.__settledAt")
                drawn = page.evaluate("[window.ffkg.graph.order, window.ffkg.graph.size]")
                fps = page.evaluate(MOTION, MOTION_SECONDS)
                dragging = mouse_fps(page, MOTION_SECONDS, wheel=False)
                zooming = mouse_fps(page, MOTION_SECONDS, wheel=True)
                steps = [page.evaluate(STEP) for _ in range(STEPS)]
                clicks = [page.evaluate(CLICK) for _ in range(STEPS)]
                browser.close()
        finally:
            server.shutdown()
    assert drawn == [nodes, edges], drawn
    assert not offsite, offsite
    return {
        "page": f"views.js at {before}" if before else "current",
        "nodes": nodes,
        "edges": edges,
        "server_layout_ms": round(layout_ms),
        "first_render_js_ms": round(rendered),
        "first_drawing_ms": round(first),
        "fps_camera_moved_by_script": round(fps, 1),
        "fps_while_dragging": round(dragging, 1),
        "fps_while_wheel_zooming": round(zooming, 1),
        "camera_step_ms_median": round(statistics.median(steps), 1),
        "camera_step_ms_p95": round(sorted(steps)[int(0.95 * len(steps)) - 1], 1),
        "node_click_to_panel_ms_median": round(statistics.median(clicks), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=5000)
    parser.add_argument("--edges", type=int, default=20000)
    parser.add_argument("--before", metavar="REV", help="also measure the page at this git revision, first")
    options = parser.parse_args()
    runs = [options.before, None] if options.before else [None]
    print(json.dumps([measure(options.nodes, options.edges, before) for before in runs], indent=2))


if __name__ == "__main__":
    main()
