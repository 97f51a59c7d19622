"""Table import: the eight ATF trace spreadsheets (`../shared/data/atf-trace/`) into a fresh on-disk store.

Run with `python -m bench.tables`. Stages are timed apart (openpyxl read, layout/totals/places, RDF,
store write) over the eight files, then the whole import as `ffkg ingest-table` runs it, then a
re-import of the same files (a no-op: the digest matches).
"""

from __future__ import annotations

import tempfile
import time
from datetime import date
from pathlib import Path

from bench.table import Table
from kg.store import Store
from kg.tables.extract import file_year, read_table
from kg.tables.ingest import import_table
from kg.tables.rdf import TableSource, table_triples
from kg.tables.sheets import read_sheet
from kg.tables.spec import builtin

ATF = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "atf-trace"


def run() -> list[Table]:
    """Seconds per stage and for the whole import of the eight files, best of one cold run."""
    files = sorted(ATF.glob("trace_*.xlsx"))
    if len(files) != 8:
        raise SystemExit(f"expected the eight ATF files in {ATF}, found {len(files)}")
    spec = builtin("atf-trace")
    stages = {"read (openpyxl)": 0.0, "check and map cells": 0.0, "RDF triples": 0.0}
    observations = triples = 0
    for path in files:
        start = time.perf_counter()
        sheet = read_sheet(path)
        middle = time.perf_counter()
        read = read_table(sheet, spec, year=file_year(path))
        mapped = time.perf_counter()
        source = TableSource(path.name, str(path), spec.name, spec.publisher, date.today(), "bench")
        triples += len(list(table_triples(source, read)))
        done = time.perf_counter()
        observations += len(read.observations)
        stages["read (openpyxl)"] += middle - start
        stages["check and map cells"] += mapped - middle
        stages["RDF triples"] += done - mapped
    with tempfile.TemporaryDirectory() as folder, Store.open(Path(folder) / "data") as store:
        start = time.perf_counter()
        for path in files:
            import_table(store, path, spec)
        whole = time.perf_counter() - start
        start = time.perf_counter()
        for path in files:
            import_table(store, path, spec)
        again = time.perf_counter() - start
    table = Table("Importing the eight ATF trace files", ["stage", "seconds", "per second"])
    for name, seconds in stages.items():
        table.add(name, f"{seconds:.2f}", f"{observations / seconds:,.0f} observations")
    table.add("whole import into an on-disk store", f"{whole:.2f}", f"{triples / whole:,.0f} triples")
    table.add("re-import (unchanged: no write)", f"{again:.2f}", "")
    table.notes.append(f"{len(files)} files, {observations:,} observations, {triples:,} triples.")
    return [table]


if __name__ == "__main__":
    for result in run():
        print(result.markdown())
