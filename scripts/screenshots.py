"""Screenshots of every view at 1400x900 for the README, from the examples, so they stay current.

    python scripts/screenshots.py            # writes docs/views-*.png

It ingests `examples/articles` and the example table with the `ffkg` command into a scratch
store, serves it with `ffkg serve` on 127.0.0.1, and photographs each view in the headless
Chromium the browser tests use. A view that logs a console error or asks another host for
anything stops the script: the pictures show only what a user gets offline.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
FFKG = Path(sys.executable).with_name("ffkg")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-background-networking", "--disable-gpu", "--no-first-run"]
SIZE = {"width": 1400, "height": 900}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def served(data_dir: Path) -> Iterator[str]:
    """`ffkg serve` over `data_dir` until the block ends; yields its URL once it answers."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([str(FFKG), "serve", "--data-dir", str(data_dir), "--port", str(port)], cwd=ROOT)
    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                urllib.request.urlopen(url + "/health", timeout=5)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("ffkg serve did not start") from None
                time.sleep(0.5)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=60)


def _settled(page: Page) -> None:
    page.wait_for_selector("body[data-settled='true']", timeout=120_000)


def _query(page: Page) -> None:
    _settled(page)
    page.select_option("#example", index=2)
    page.wait_for_selector(".yasr table tbody tr", timeout=60_000)


def _graph_panel(page: Page) -> None:
    _settled(page)
    page.fill("#focus input", "Smith & Wesson")
    page.click("#focus button")
    page.wait_for_timeout(800)


def _timeline(page: Page) -> None:
    _settled(page)
    page.click(".vis-item >> nth=0")


def views(base: str, page: Page) -> list[tuple[str, str, Callable[[Page], None] | None]]:
    """(file name, path, what to do before the picture) for each view, read from the landing page."""
    page.goto(base + "/")
    first, second = (a.get_attribute("href") or "" for a in page.query_selector_all("#starting-points a")[:2])
    path = f"/view/path?source={first.removeprefix('/view/entity/')}&target={second.removeprefix('/view/entity/')}"
    return [
        ("landing", "/", None),
        ("graph", "/view/graph", _graph_panel),
        ("entity", first + "?depth=2", _settled),
        ("path", path, _settled),
        ("flows", "/view/flows", _settled),
        ("timeline", "/view/timeline", _timeline),
        ("query", "/query", _query),
        ("search", "/search?q=straw+purchases", None),
    ]


def main() -> None:
    DOCS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        data = Path(scratch) / "data"
        run = [str(FFKG), "ingest", str(ROOT / "examples" / "articles"), "--data-dir", str(data)]
        subprocess.run(run, check=True, cwd=ROOT)
        table = ROOT / "examples" / "tables" / "iron-pipeline-2017"
        subprocess.run(
            [str(FFKG), "ingest-table", f"{table}.csv", "--mapping", f"{table}.yaml", "--data-dir", str(data)],
            check=True,
            cwd=ROOT,
        )
        with served(data) as base, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page(viewport=SIZE)
            problems: list[str] = []
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda error: problems.append(str(error)))
            page.on("request", lambda r: None if r.url.startswith((base, "data:", "blob:")) else problems.append(r.url))
            for name, path, prepare in views(base, page):
                page.goto(base + path)
                if prepare is not None:
                    prepare(page)
                page.mouse.move(0, 0)
                page.screenshot(path=str(DOCS / f"views-{name}.png"))
                print(f"docs/views-{name}.png  {path}")
            browser.close()
            if problems:
                raise SystemExit(f"the views logged errors or left 127.0.0.1: {problems}")


if __name__ == "__main__":
    main()
