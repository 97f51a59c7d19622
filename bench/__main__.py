"""`python -m bench`: run the benchmarks and write their tables into BENCHMARKS.md.

    python -m bench                                 # in-process SPARQL, load, HTTP, analytics at 10k and 100k
    python -m bench --sizes 1M --only inprocess load
    python -m bench --smoke                         # 10k, one repetition: what CI runs

BENCHMARKS.md is made of blocks fenced by `<!-- bench:KEY -->` comments, one per benchmark
and size; a run replaces the blocks it measured and keeps the others, so a long 1M run can be
done on its own. Each block records the command, the date and the machine it was measured on.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import platform
import re
import shlex
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from bench import analytics, bulk, http, ingest, sparql_inprocess
from bench.generate import SIZES, generate_dataset
from bench.sparql_inprocess import RDFLIB_MAX_TRIPLES
from bench.table import Table

BENCHMARKS = ("inprocess", "load", "http", "analytics", "ingest")
PACKAGES = ("pyoxigraph", "rdflib", "fastapi", "uvicorn", "httpx", "spacy", "networkx", "igraph", "rdflib-endpoint")
OUTPUT = Path(__file__).resolve().parent.parent / "BENCHMARKS.md"


def machine() -> str:
    """One line saying where the figures come from, including how busy the machine was."""
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    versions = []
    for name in PACKAGES:
        try:
            versions.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            continue
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{os.cpu_count()} cores ({cpu}), {mem_kb / 2**20:.0f} GiB RAM, load average {load} at start; "
        f"Python {platform.python_version()}; {'; '.join(versions)}"
    )


def block(key: str, tables: list[Table], command: str) -> str:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    body = "\n".join(table.markdown() for table in tables)
    return f"<!-- bench:{key} -->\n`{command}` — {stamp}\n\n_Machine: {machine()}_\n\n{body}<!-- /bench:{key} -->\n"


def merge(document: str, key: str, new_block: str) -> str:
    """`document` with the block `key` replaced by `new_block`, or with it appended."""
    fence = re.compile(rf"<!-- bench:{re.escape(key)} -->.*?<!-- /bench:{re.escape(key)} -->\n", re.DOTALL)
    if fence.search(document):
        return fence.sub(lambda _: new_block, document)
    return document.rstrip("\n") + "\n\n" + new_block


def plan(
    sizes: list[str], only: list[str], repeats: int, workdir: Path, rdflib_max: int = RDFLIB_MAX_TRIPLES
) -> list[tuple[str, Callable[[], list[Table]]]]:
    """(block key, benchmark) pairs in the order they run; datasets are generated once per size."""
    datasets: dict[str, list[ox.Quad]] = {}

    def data(size: str) -> list[ox.Quad]:
        if size not in datasets:
            datasets[size] = generate_dataset(SIZES[size], seed=0)
        return datasets[size]

    steps: list[tuple[str, Callable[[], list[Table]]]] = []
    for size in sizes:
        if "inprocess" in only:
            steps.append(
                (
                    f"inprocess-{size}",
                    lambda s=size: sparql_inprocess.run(
                        data(s), workdir, label=s, repeats=repeats, rdflib_max=rdflib_max
                    ),
                )
            )
        if "load" in only:
            steps.append((f"load-{size}", lambda s=size: bulk.run(data(s), workdir, label=s, rdflib_max=rdflib_max)))
        if "http" in only:
            steps.append((f"http-{size}", lambda s=size: http.run(data(s), workdir, label=s, repeats=repeats)))
    if "analytics" in only:
        steps.append(("analytics", lambda: analytics.run({s: data(s) for s in sizes}, workdir)))
    if "ingest" in only:
        steps.append(("ingest", lambda: ingest.run(workdir, repeats=repeats)))
    return steps


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", choices=list(SIZES), default=["10k", "100k"])
    parser.add_argument("--only", nargs="+", choices=BENCHMARKS, default=list(BENCHMARKS))
    parser.add_argument("--repeats", type=int, default=5, help="rounds per measurement (medians over them)")
    parser.add_argument("--smoke", action="store_true", help="smallest size, one repetition")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="Markdown file to update")
    parser.add_argument(
        "--rdflib-max-triples",
        type=int,
        default=RDFLIB_MAX_TRIPLES,
        help="largest dataset rdflib is loaded and queried on (it takes minutes and GBs at 1M)",
    )
    args = parser.parse_args(argv)
    sizes, repeats = (["10k"], 1) if args.smoke else (args.sizes, args.repeats)
    command = "python -m bench " + shlex.join(sys.argv[1:] if argv is None else argv)
    with tempfile.TemporaryDirectory(prefix="ffkg-bench-") as scratch:
        for key, step in plan(sizes, args.only, repeats, Path(scratch), args.rdflib_max_triples):
            tables = step()
            document = args.output.read_text() if args.output.exists() else "# Benchmarks\n"
            args.output.write_text(merge(document, key, block(key, tables, command)))
            print(f"{key}: written to {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
