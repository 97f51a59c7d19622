"""Read a CSV or XLSX file into a grid of cell values, with the only formula tables like ours use computed.

Spreadsheets are read by openpyxl (never by unzipping them ourselves). A formula cell keeps its
text ("=SUM(C57:BD57)") as written; `Sheet.number` computes `SUM` over a range, the way ATF
stores a grand total, and says so when a formula is anything else.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.cell import column_index_from_string, get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from kg.errors import BadInputError, UnsupportedFormatError

SPREADSHEETS = (".xlsx", ".xlsm")
TEXT_TABLES = (".csv",)
#: `=SUM(C3:BD3)`: two plain cell references, nothing nested, so matching is linear.
_SUM = re.compile(r"=SUM\(([A-Z]{1,3})([0-9]{1,7}):([A-Z]{1,3})([0-9]{1,7})\)")
_THOUSANDS = re.compile(r"[0-9]{1,3}(,[0-9]{3})+")
#: A date written as text at any precision: the year is what a flow observation keeps.
_DATE_TEXT = re.compile(r"([0-9]{4})(-[0-9]{2}){0,2}")


class NotANumber(ValueError):
    """A cell that should hold a count holds something else; the message says what."""


@dataclass(frozen=True)
class Sheet:
    """One sheet's values by (row, column), both 1-based as in the spreadsheet."""

    file: str
    name: str
    rows: tuple[tuple[Any, ...], ...]

    @property
    def height(self) -> int:
        return len(self.rows)

    def value(self, row: int, column: int) -> Any:
        if 1 <= row <= len(self.rows) and 1 <= column <= len(self.rows[row - 1]):
            return self.rows[row - 1][column - 1]
        return None

    def text(self, row: int, column: int) -> str:
        """The cell as trimmed text with runs of spaces made one ("US VIRGIN  ISLANDS")."""
        value = self.value(row, column)
        return " ".join(str(value).split()) if value is not None else ""

    def width(self, row: int) -> int:
        return len(self.rows[row - 1]) if 1 <= row <= len(self.rows) else 0

    def number(self, row: int, column: int) -> int:
        """The cell as a whole count: numbers, digit strings ("1,234") and `=SUM(range)` formulas."""
        value = self.value(row, column)
        if isinstance(value, bool):
            raise NotANumber(f"holds {value!r}, not a count")
        if isinstance(value, int | float) and value < 0:
            raise NotANumber(f"holds {value!r}; a count is never negative")
        if isinstance(value, int):
            return value
        if isinstance(value, float):
            if value.is_integer():
                return int(value)
            raise NotANumber(f"holds {value!r}, not a whole number")
        text = self.text(row, column)
        if not text:
            raise NotANumber("is empty")
        if text.startswith("="):
            return self._formula(text)
        if text.isdigit() or _THOUSANDS.fullmatch(text):
            return int(text.replace(",", ""))
        raise NotANumber(f"holds {text!r}, not a count")

    def year(self, row: int, column: int) -> int:
        """The cell as a year: a number (2016), a spreadsheet date, or date text (2016-05, 2016-05-01)."""
        value = self.value(row, column)
        if isinstance(value, date):
            return value.year
        if isinstance(value, int | float) and not isinstance(value, bool):
            return self.number(row, column)
        text = self.text(row, column)
        if match := _DATE_TEXT.fullmatch(text):
            return int(match[1])
        raise NotANumber(f"holds {text!r}, not a year or a date" if text else "is empty")

    def _formula(self, text: str) -> int:
        match = _SUM.fullmatch(text.upper().replace(" ", ""))
        if match is None:
            raise NotANumber(f"holds the formula {text!r}; only =SUM(FIRST:LAST) is computed")
        left, top, right, bottom = match.groups()
        columns = range(column_index_from_string(left), column_index_from_string(right) + 1)
        cells = [(r, c) for r in range(int(top), int(bottom) + 1) for c in columns]
        if any(str(self.value(r, c)).startswith("=") for r, c in cells):
            raise NotANumber(f"holds {text!r}, which sums other formulas; only sums of values are computed")
        return sum(self.number(r, c) for r, c in cells if self.value(r, c) is not None)


def cell_name(row: int, column: int) -> str:
    """The spreadsheet name of a cell: (3, 2) -> "B3"."""
    return f"{get_column_letter(column)}{row}"


def read_sheet(path: Path, sheet: str | int | None = None) -> Sheet:
    """The chosen sheet of an XLSX (by name or 1-based position; the first by default) or a CSV's rows."""
    suffix = path.suffix.lower()
    if suffix in SPREADSHEETS:
        return _read_xlsx(path, sheet)
    if suffix in TEXT_TABLES:
        return _read_csv(path)
    raise UnsupportedFormatError(
        f"{path}: a table is a {', '.join(SPREADSHEETS + TEXT_TABLES)} file, not {suffix or 'extensionless'}"
    )


def _read_xlsx(path: Path, sheet: str | int | None) -> Sheet:
    try:
        workbook = load_workbook(path, read_only=True, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as error:
        raise BadInputError(f"{path}: not a readable spreadsheet ({error})") from None
    try:
        names = workbook.sheetnames
        if sheet is None:
            chosen = names[0]
        elif isinstance(sheet, int):
            if not 1 <= sheet <= len(names):
                raise BadInputError(f"{path}: has {len(names)} sheet(s), no sheet number {sheet}")
            chosen = names[sheet - 1]
        elif sheet in names:
            chosen = sheet
        else:
            raise BadInputError(f"{path}: no sheet called {sheet!r}; sheets: {', '.join(names)}")
        rows = tuple(tuple(row) for row in workbook[chosen].iter_rows(values_only=True))
    finally:
        workbook.close()
    return Sheet(path.name, chosen, rows)


def _read_csv(path: Path) -> Sheet:
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise BadInputError(f"{path}: cannot read ({error.strerror})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise BadInputError(f"{path}: not UTF-8 text (byte {error.start})") from None
    rows = tuple(tuple(cell if cell.strip() else None for cell in row) for row in csv.reader(io.StringIO(text)))
    return Sheet(path.name, path.name, rows)
