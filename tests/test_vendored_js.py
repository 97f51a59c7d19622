"""The vendored JavaScript is what package-lock.json pins, every page's assets are shipped, and none
of them names a CDN or a tile server: the views must work from a clone or a wheel, offline."""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STATIC = ROOT / "api" / "static"
VENDOR = STATIC / "vendor"
TEMPLATES = ROOT / "api" / "templates" / "views"


def test_vendored_versions_are_the_locked_ones() -> None:
    locked = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))["packages"]
    shipped = json.loads((VENDOR / "VERSIONS.json").read_text(encoding="utf-8"))
    assert shipped, "VERSIONS.json lists nothing: run `npm ci && npm run vendor`"
    for name, described in shipped.items():
        assert described.split()[0] == locked[f"node_modules/{name}"]["version"], name
        assert (VENDOR / "licenses" / f"{name.replace('/', '__')}.txt").is_file(), name


def test_every_asset_a_page_loads_is_shipped() -> None:
    wanted = set()
    for template in TEMPLATES.glob("*.html"):
        wanted |= set(re.findall(r'(?:src|href)="/static/([^"]+)"', template.read_text(encoding="utf-8")))
    for script in STATIC.glob("*.js"):
        wanted |= {f"vendor/atlas/{name}" for name in re.findall(r'atlas\("([^"]+)"\)', script.read_text("utf-8"))}
    assert {"vendor/graph.js", "vendor/map.js", "vendor/yasgui.min.js", "vendor/atlas/countries-50m.json"} <= wanted
    missing = sorted(path for path in wanted if not (STATIC / path).is_file())
    assert missing == []


def test_no_shipped_script_loads_from_a_cdn() -> None:
    hosts = re.compile(r"(cdn\.jsdelivr|unpkg\.com|cdnjs|googleapis|gstatic|tile\.openstreetmap|prefix\.cc/popular)")
    for path in [*STATIC.glob("*.js"), *VENDOR.glob("*.js")]:
        assert not hosts.search(path.read_text(encoding="utf-8")), path.name
    assert not list(VENDOR.rglob("*.map")), "source maps are not shipped"
