"""A non-editable install works away from the source tree: ontology, shapes, word lists and example
queries ship in the wheel and are read as package data.

The wheel is built from a copy of the sources without build isolation, and installed into a fresh
venv that sees this venv's site-packages through a `.pth` file, so no network is needed.
"""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
from pathlib import Path

import httpx
from conftest import ffkg_serve

REPOSITORY = Path(__file__).resolve().parents[1]
#: What a wheel is built from; tests, benchmarks and the corpus stay behind.
SOURCES = ("kg", "api", "ontology", "examples", "pyproject.toml", "README.md")
GENEROUS = 300.0
ARTICLE = (
    "date 2021-08-04 Mexico sues US gunmakers\n\n"
    "Mexico sued Smith & Wesson and Colt in a federal court in Boston. "
    "The suit says guns flow from the United States to Mexico.\n"
)


def run(*command: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [str(part) for part in command], cwd=cwd, env=env, capture_output=True, text=True, timeout=GENEROUS
    )
    assert done.returncode == 0, f"{command}: {done.stdout}\n{done.stderr}"
    return done.stdout


def build_wheel(tmp_path: Path) -> Path:
    source = tmp_path / "source"
    source.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "build", "*.egg-info")
    for name in SOURCES:
        if (REPOSITORY / name).is_dir():
            shutil.copytree(REPOSITORY / name, source / name, symlinks=True, ignore=ignore)
        else:
            shutil.copy2(REPOSITORY / name, source / name)
    dist = tmp_path / "dist"
    pip = [sys.executable, "-m", "pip"]
    run(*pip, "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", dist, "./source", cwd=tmp_path)
    (wheel,) = dist.glob("ffkg-*.whl")
    return wheel


def install(wheel: Path, venv: Path) -> Path:
    """A fresh venv holding the wheel, with this venv's packages (not its editable ffkg) for the dependencies."""
    run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=venv.parent)
    python = venv / "bin" / "python"
    (target,) = (venv / "lib").glob("python3*/site-packages")
    (target / "dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    run(python, "-m", "pip", "install", "--no-deps", "--no-index", "--ignore-installed", wheel, cwd=venv.parent)
    return venv / "bin"


def test_the_wheel_ingests_serves_and_answers_without_the_source_tree(tmp_path: Path) -> None:
    bin_dir = install(build_wheel(tmp_path), tmp_path / "venv")
    work = tmp_path / "work"
    work.mkdir()
    shipped = "from kg.ontology import ONTOLOGY_FILE, SHAPES_FILE; from kg.settings import Settings; print(" + (
        "ONTOLOGY_FILE.read_text()[:1], SHAPES_FILE.read_text()[:1], Settings().example_queries_dir)"
    )
    where = run(bin_dir / "python", "-c", f"import kg, api; print(kg.__file__, api.__file__); {shipped}", cwd=work)
    assert str(REPOSITORY) not in where and str(tmp_path / "venv") in where

    (work / "article.txt").write_text(ARTICLE)
    env = {k: v for k, v in os.environ.items() if not k.startswith("FFKG_")}
    run(bin_dir / "ffkg", "ingest", "article.txt", "--data-dir", "data", "-j", "1", cwd=work, env=env)

    with ffkg_serve(bin_dir / "ffkg", "data", cwd=work, env=env) as url:
        answer = httpx.get(
            f"{url}/sparql",
            params={"query": "SELECT ?t WHERE { ?d <https://w3id.org/ffkg/ontology#title> ?t }"},
            headers={"Accept": "application/sparql-results+json"},
            timeout=GENEROUS,
        )
        assert answer.status_code == 200, answer.text
        titles = [row["t"]["value"] for row in answer.json()["results"]["bindings"]]
        assert titles == ["Mexico sues US gunmakers"]
        page = httpx.get(f"{url}/query", timeout=GENEROUS)
        assert page.status_code == 200 and "gunmakers-sued" in page.text  # example queries from package data
