"""Import a table file into its own named graph: read, check, map, and replace that graph in one write.

A file whose cells could not all be read is refused whole (`TableImportError`, nothing stored)
unless the caller accepts the loss with `skip_problems`; either way the report lists every
problem with its sheet and cell. Importing the same bytes with the same mapping again is a
no-op; a corrected file replaces only its own graph.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from kg.documents import another_existing_file
from kg.errors import BadInputError, TableImportError
from kg.iris import ONTOLOGY
from kg.store import BaseStore
from kg.tables.extract import file_year, read_table
from kg.tables.rdf import DCTERMS, TableSource, table_triples
from kg.tables.sheets import read_sheet
from kg.tables.spec import TableSpec


def import_table(
    store: BaseStore,
    path: Path,
    spec: TableSpec,
    *,
    year: int | None = None,
    retrieved: date | None = None,
    skip_problems: bool = False,
) -> dict[str, Any]:
    """Store one table file's flow observations and say what was stored, checked and refused.

    `year` overrides the mapping's year; `retrieved` defaults to the file's modification date.
    """
    if not path.is_file():
        raise BadInputError(f"{path}: no such file")
    sheet = read_sheet(path, spec.sheet)
    if year is None and spec.year == "filename":
        year = file_year(path)
    elif year is None and isinstance(spec.year, int):
        year = spec.year
    retrieved = retrieved or datetime.fromtimestamp(path.stat().st_mtime, UTC).date()
    digest = hashlib.sha256(path.read_bytes())
    digest.update(f"\x1f{spec.digest_text()}\x1f{year}\x1f{retrieved.isoformat()}".encode())
    source = TableSource(path.name, str(path.resolve()), spec.name, spec.publisher, retrieved, digest.hexdigest())
    read = read_table(sheet, spec, year=year)
    report: dict[str, Any] = {
        "file": path.name,
        "graph": source.graph,
        "profile": spec.name,
        "sheet": sheet.name,
        "publisher": spec.publisher,
        "retrieved": retrieved.isoformat(),
        "observations": len(read.observations),
        "local": sum(1 for o in read.observations if o.local),
        "totals": {str(y): t for y, t in read.totals.items()},
        "totals_checked": read.checked,
        "mismatches": read.mismatches,
        "problems": read.problems,
        "notes": read.notes,
    }
    if read.problems and not skip_problems:
        raise TableImportError(path.name, read.problems)
    stored_digest, stored_path = _stored_source(store, source.graph)
    if another_existing_file(stored_path, source.path):
        raise BadInputError(
            f"{path}: its table graph {source.graph} holds {stored_path}, imported before and still there; "
            "a table's graph is named by its file name, so rename one of the two files"
        )
    if stored_digest == source.digest:
        return {**report, "status": "unchanged"}
    replaced = store.has_graph(source.graph)
    store.replace_graph(source.graph, list(table_triples(source, read)))
    return {**report, "status": "replaced" if replaced else "imported"}


def _stored_source(store: BaseStore, graph: str) -> tuple[str | None, str]:
    """The digest and the file path of the table stored in `graph` (path empty if none was recorded)."""
    rows = list(
        store.query(
            f"SELECT ?d ?p WHERE {{ GRAPH <{graph}> {{ ?t <{ONTOLOGY}tableDigest> ?d "
            f"OPTIONAL {{ ?t <{DCTERMS}source> ?p }} }} }}"
        )
    )
    if not rows:
        return None, ""
    return rows[0]["d"].value, rows[0]["p"].value if rows[0]["p"] else ""
