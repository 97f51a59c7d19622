"""The mapping file: how a CSV or spreadsheet turns into flow observations, declared, not coded.

In the spirit of FollowTheMoney's mappings, a YAML or JSON file names the sheet, the layout
(a matrix whose two axes are places, or one row per flow), which axis or column is the
origin and which the destination, where the counts and years are, who published the table
and how its place names resolve. The built-in profiles (`profiles/*.yaml`, e.g. the ATF
source-state x recovery-state matrix) are written in the same format. The format is
documented in `examples/tables/README.md`.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator

from kg.errors import TableSpecError

PROFILES = Path(__file__).resolve().parent / "profiles"
SUFFIXES = (".yaml", ".yml", ".json")


def _column(value: Any) -> Any:
    """A column as a spreadsheet letter ("B") or a 1-based number, kept as the number."""
    if isinstance(value, str) and value.isalpha():
        try:
            return column_index_from_string(value.upper())
        except ValueError:
            raise ValueError(f"{value!r} is not a spreadsheet column") from None
    return value


def cell_position(value: Any) -> tuple[int, int]:
    """A cell reference ("A2") kept as (row, column), both 1-based."""
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a cell reference like A2")
    try:
        letters, row = coordinate_from_string(value.upper())
    except ValueError:
        raise ValueError(f"{value!r} is not a cell reference like A2") from None
    return (row, column_index_from_string(letters))


Column = Annotated[int, BeforeValidator(_column), Field(ge=1)]
Role = Literal["origin", "destination"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Places(_Strict):
    """How the table's place names find the gazetteer's places (and so the articles' IRIs)."""

    country: str | None = Field(None, description="ISO code of the country whose places win a tie (US).")
    types: tuple[Literal["Region", "Country", "City"], ...] = Field(
        ("Region", "Country", "City"), description="Gazetteer place types allowed, preferred in this order."
    )
    aliases: dict[str, str] = Field(
        {}, description="A name as the table writes it -> the gazetteer's name for it (case-insensitive)."
    )


class Matrix(_Strict):
    """A table whose row labels and column labels are both places, a count in each cell."""

    layout: Literal["matrix"]
    rows: Role = Field(description="What the row labels are; the column labels are the other end.")
    header_row: int = Field(ge=1, description="The row holding the column labels.")
    label_column: Column = Field(description="The column holding the row labels.")
    first_row: int = Field(ge=1, description="The first row of counts.")
    first_column: Column = Field(description="The first column of counts.")
    expect: dict[str, str] = Field({}, description="Cells that must hold this text (case-insensitive), e.g. A2.")
    totals: tuple[str, ...] = Field((), description="Labels of the total row and column; empty when none.")
    footnote_prefix: str | None = Field(None, description="Rows below the table starting with this are notes.")

    @field_validator("expect")
    @classmethod
    def _cells(cls, expect: dict[str, str]) -> dict[str, str]:
        for reference in expect:
            cell_position(reference)
        return expect


class Rows(_Strict):
    """A table with one flow per row, columns named in a header row."""

    layout: Literal["rows"]
    header_row: int = Field(1, ge=1, description="The row holding the column names.")
    origin: str = Field(description="Column name of the origin place.")
    destination: str = Field(description="Column name of the destination place.")
    count: str = Field(description="Column name of the number of firearms.")
    year: str | None = Field(None, description="Column name of the year; else the mapping's `year`.")


class TableSpec(_Strict):
    """One mapping file: which sheet, which layout, whose numbers, which year."""

    name: str = Field(description="Short name, stored with every import as the profile used.")
    description: str = ""
    publisher: str = Field(description="Who published the table, stored as its provenance.")
    sheet: str | int | None = Field(None, description="Sheet name or 1-based position; the first by default.")
    year: int | Literal["filename"] | None = Field(
        None, description="The year of every cell, or `filename` to read it from the file name."
    )
    places: Places = Places()
    origin_places: Places | None = Field(None, description="Rules for the origins alone; else `places`.")
    destination_places: Places | None = Field(None, description="Rules for the destinations alone; else `places`.")
    table: Matrix | Rows = Field(discriminator="layout")

    def digest_text(self) -> str:
        """The spec as canonical JSON, so a changed mapping re-imports even an unchanged file."""
        return json.dumps(self.model_dump(mode="json"), sort_keys=True)


def parse_spec(data: Any, source: str) -> TableSpec:
    """A spec from parsed YAML/JSON, or a `TableSpecError` listing every field that is wrong."""
    try:
        return TableSpec.model_validate(data)
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'top level'}: {e['msg']}" for e in error.errors())
        raise TableSpecError(f"{source}: not a valid mapping file: {problems}") from None


def load_spec(path: Path) -> TableSpec:
    """Read a mapping file (YAML or JSON, by suffix)."""
    if path.suffix.lower() not in SUFFIXES:
        raise TableSpecError(f"{path}: a mapping file ends in {', '.join(SUFFIXES)}")
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise TableSpecError(f"{path}: cannot read the mapping file ({error.strerror})") from None
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as error:
        raise TableSpecError(f"{path}: does not parse: {error}") from None
    return parse_spec(data, str(path))


def profile_names() -> list[str]:
    return sorted(p.stem for p in PROFILES.glob("*.yaml"))


@cache
def builtin(name: str) -> TableSpec:
    """A built-in profile by name (`atf-trace`)."""
    path = PROFILES / f"{name}.yaml"
    if not path.is_file():
        raise TableSpecError(f"no built-in table profile {name!r}; built in: {', '.join(profile_names())}")
    return load_spec(path)
