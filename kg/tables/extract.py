"""A sheet and its mapping -> flow observations, with every cell that could not be read listed.

Layout breaks (a header where the mapping says none, a table without its total column) stop
the read with a `TableLayoutError` naming the sheet and cell. Problems within a well-formed
table (a count that is not a number, a place the gazetteer does not know) are collected, each
with its cell, so the report can list all of them. A total that is not the sum of its cells is
a mismatch: reported with its cell, but the cells are what is stored (ATF's 2012 sheet has six
row totals that miss a few guns while its column and grand totals are right).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import BadInputError, TableLayoutError
from kg.tables.places import Place, PlaceResolver
from kg.tables.sheets import NotANumber, Sheet, cell_name
from kg.tables.spec import Matrix, Rows, TableSpec, cell_position

_OTHER = {"origin": "destination", "destination": "origin"}
_YEAR = re.compile(r"(?<![0-9])(1[89][0-9]{2}|2[01][0-9]{2})(?![0-9])")


@dataclass(frozen=True)
class Observation:
    """One cell: so many firearms from `origin` to `destination` in `year`, read at `cell`."""

    origin: Place
    destination: Place
    year: int
    firearms: int
    cell: str

    @property
    def local(self) -> bool:
        """Recovered where first sold (the matrix diagonal)."""
        return self.origin.iri == self.destination.iri


@dataclass
class TableRead:
    """What one sheet gave: its observations, the problems found, the totals compared, its notes."""

    file: str
    sheet: str
    observations: list[Observation] = field(default_factory=list)
    problems: list[dict[str, str]] = field(default_factory=list)
    mismatches: list[dict[str, str]] = field(default_factory=list)
    totals: dict[int, dict[str, int | None]] = field(default_factory=dict)
    checked: int = 0
    notes: list[str] = field(default_factory=list)

    def problem(self, cell: str, text: str, *, mismatch: bool = False) -> None:
        (self.mismatches if mismatch else self.problems).append({"sheet": self.sheet, "cell": cell, "problem": text})


def file_year(path: Path) -> int:
    """The one year written in a file name (`trace_2016.xlsx` -> 2016)."""
    years = set(_YEAR.findall(path.stem))
    if len(years) != 1:
        raise BadInputError(
            f"{path.name}: the mapping reads the year from the file name, which has "
            f"{'no year' if not years else 'several years'}; pass --year"
        )
    return int(years.pop())


def read_table(sheet: Sheet, spec: TableSpec, *, year: int | None) -> TableRead:
    """Observations of one sheet under `spec`; `year` is required unless the rows carry their own."""
    resolver = {
        "origin": PlaceResolver(spec.origin_places or spec.places),
        "destination": PlaceResolver(spec.destination_places or spec.places),
    }
    _check_expected(sheet, spec.table.expect if isinstance(spec.table, Matrix) else {})
    if isinstance(spec.table, Matrix):
        if year is None:
            raise BadInputError(f"{sheet.file}: the mapping gives no year for this matrix; pass --year")
        return _read_matrix(sheet, spec.table, resolver, year)
    return _read_rows(sheet, spec.table, resolver, year)


def _check_expected(sheet: Sheet, expect: dict[str, str]) -> None:
    for reference, wanted in expect.items():
        row, column = cell_position(reference)
        found = sheet.text(row, column)
        if found.casefold() != " ".join(wanted.split()).casefold():
            raise TableLayoutError(
                sheet.file, sheet.name, reference.upper(), f"expected {wanted!r}, found {found or 'an empty cell'!r}"
            )


def _is_total(text: str, layout: Matrix) -> bool:
    return text.casefold() in {t.casefold() for t in layout.totals}


def _axis(sheet: Sheet, layout: Matrix, *, across: bool) -> tuple[list[tuple[int, str]], int | None, int]:
    """The labels along the header row (`across`) or down the label column, up to the total.

    Returns (index, label) pairs, the index of the total (None when the mapping has none)
    and the index just past the last label.
    """
    labels: list[tuple[int, str]] = []
    start = layout.first_column if across else layout.first_row
    end = sheet.width(layout.header_row) if across else sheet.height
    for index in range(start, end + 1):
        row, column = (layout.header_row, index) if across else (index, layout.label_column)
        value = sheet.value(row, column)
        text = sheet.text(row, column)
        if layout.totals and _is_total(text, layout):
            return labels, index, index + 1
        if not text or (layout.footnote_prefix and text.startswith(layout.footnote_prefix)):
            if layout.totals:
                reason = "empty" if not text else "a note"
                raise TableLayoutError(
                    sheet.file,
                    sheet.name,
                    cell_name(row, column),
                    f"the {'header row' if across else 'label column'} is {reason} here before its total "
                    f"({' or '.join(layout.totals)}); this is not the layout the mapping describes",
                )
            return labels, None, index
        if not isinstance(value, str):
            raise TableLayoutError(
                sheet.file, sheet.name, cell_name(row, column), f"a place name was expected, found {value!r}"
            )
        labels.append((index, text))
    if layout.totals:
        row, column = (layout.header_row, end + 1) if across else (end + 1, layout.label_column)
        raise TableLayoutError(
            sheet.file,
            sheet.name,
            cell_name(row, column),
            f"the {'header row' if across else 'label column'} ends without a total ({' or '.join(layout.totals)})",
        )
    return labels, None, end + 1


def _read_matrix(sheet: Sheet, layout: Matrix, resolve: dict[str, PlaceResolver], year: int) -> TableRead:
    read = TableRead(sheet.file, sheet.name)
    columns, total_column, column_end = _axis(sheet, layout, across=True)
    rows, total_row, row_end = _axis(sheet, layout, across=False)
    if not columns or not rows:
        raise TableLayoutError(
            sheet.file, sheet.name, cell_name(layout.first_row, layout.first_column), "the table has no cells"
        )
    _check_below(sheet, layout, row_end, read)
    _check_right(sheet, layout, column_end, row_end)
    places = {}
    for index, text in columns:
        places[("c", index)] = _place(resolve[_OTHER[layout.rows]], text, cell_name(layout.header_row, index), read)
    for index, text in rows:
        places[("r", index)] = _place(resolve[layout.rows], text, cell_name(index, layout.label_column), read)
    row_sums: dict[int, int] = defaultdict(int)
    column_sums: dict[int, int] = defaultdict(int)
    for r, _ in rows:
        for c, _ in columns:
            try:
                count = sheet.number(r, c)
            except NotANumber as error:
                read.problem(cell_name(r, c), f"the count {error}")
                continue
            row_sums[r] += count
            column_sums[c] += count
            row_place, column_place = places[("r", r)], places[("c", c)]
            if row_place is None or column_place is None:
                continue
            origin, destination = (row_place, column_place) if layout.rows == "origin" else (column_place, row_place)
            read.observations.append(Observation(origin, destination, year, count, cell_name(r, c)))
    totals: dict[str, int | None] = {"stored": sum(o.firearms for o in read.observations)}
    if total_row is not None and total_column is not None:
        by_row = [_compare(sheet, read, r, total_column, row_sums[r], "row") for r, _ in rows]
        by_column = [_compare(sheet, read, total_row, c, column_sums[c], "column") for c, _ in columns]
        totals["grand_total"] = _compare(sheet, read, total_row, total_column, sum(row_sums.values()), "grand")
        totals["total_column_sum"] = None if None in by_row else sum(t for t in by_row if t is not None)
        totals["total_row_sum"] = None if None in by_column else sum(t for t in by_column if t is not None)
    read.totals[year] = totals
    return read


def _place(resolve: PlaceResolver, text: str, cell: str, read: TableRead) -> Place | None:
    place = resolve(text)
    if place is None:
        read.problem(cell, f"{text!r} is not a place the gazetteer knows (add an alias to the mapping)")
    return place


def _compare(sheet: Sheet, read: TableRead, row: int, column: int, computed: int, what: str) -> int | None:
    """Check one total cell against the sum of its cells; a mismatch is a problem at that cell."""
    cell = cell_name(row, column)
    try:
        total = sheet.number(row, column)
    except NotANumber as error:
        read.problem(cell, f"the {what} total {error}")
        return None
    read.checked += 1
    if total != computed:
        read.problem(cell, f"the {what} total is {total}, its cells sum to {computed}", mismatch=True)
    return total


def _check_below(sheet: Sheet, layout: Matrix, start: int, read: TableRead) -> None:
    """Below the table only empty rows and notes; anything else means the layout is not understood."""
    for row in range(start, sheet.height + 1):
        filled = [c for c in range(1, sheet.width(row) + 1) if sheet.text(row, c)]
        if not filled:
            continue
        text = sheet.text(row, filled[0])
        if len(filled) == 1 and layout.footnote_prefix and text.startswith(layout.footnote_prefix):
            read.notes.append(text[len(layout.footnote_prefix) :].strip())
            continue
        raise TableLayoutError(
            sheet.file, sheet.name, cell_name(row, filled[0]), f"found {text!r} below the table's total row"
        )


def _check_right(sheet: Sheet, layout: Matrix, start: int, end: int) -> None:
    """Nothing to the right of the total column: a wider table is a layout the mapping does not describe."""
    for row in range(layout.header_row, end):
        for column in range(start, sheet.width(row) + 1):
            if sheet.text(row, column):
                raise TableLayoutError(
                    sheet.file,
                    sheet.name,
                    cell_name(row, column),
                    f"found {sheet.text(row, column)!r} right of the table's last column",
                )


def _read_rows(sheet: Sheet, layout: Rows, resolve: dict[str, PlaceResolver], year: int | None) -> TableRead:
    read = TableRead(sheet.file, sheet.name)
    header = {sheet.text(layout.header_row, c).casefold(): c for c in range(1, sheet.width(layout.header_row) + 1)}
    wanted = {"origin": layout.origin, "destination": layout.destination, "count": layout.count}
    if layout.year is not None:
        wanted["year"] = layout.year
    elif year is None:
        raise BadInputError(f"{sheet.file}: the mapping names no year column and no year; pass --year")
    columns = {}
    for role, name in wanted.items():
        if name.casefold() not in header:
            raise TableLayoutError(
                sheet.file,
                sheet.name,
                cell_name(layout.header_row, 1),
                f"the header row has no column {name!r} (the {role}); it has: "
                + ", ".join(sheet.text(layout.header_row, c) for c in header.values()),
            )
        columns[role] = header[name.casefold()]
    sums: dict[int, int] = defaultdict(int)
    for row in range(layout.header_row + 1, sheet.height + 1):
        if not any(sheet.text(row, c) for c in range(1, sheet.width(row) + 1)):
            continue
        ends = [
            _place(resolve[role], sheet.text(row, columns[role]), cell_name(row, columns[role]), read)
            for role in ("origin", "destination")
        ]
        values = {}
        for role in ("count", "year") if layout.year is not None else ("count",):
            try:
                values[role] = sheet.number(row, columns[role]) if role == "count" else sheet.year(row, columns[role])
            except NotANumber as error:
                read.problem(cell_name(row, columns[role]), f"the {role} {error}")
        if len(values) < (2 if layout.year is not None else 1):
            continue
        count, row_year = values["count"], values.get("year", year)
        if ends[0] is not None and ends[1] is not None:
            read.observations.append(Observation(ends[0], ends[1], row_year, count, cell_name(row, columns["count"])))
            sums[row_year] += count
    read.totals = {y: {"stored": total} for y, total in sorted(sums.items())}
    return read
