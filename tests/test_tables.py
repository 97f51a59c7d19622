"""Tables as sources: the eight ATF trace spreadsheets import, their totals hold, and every quirk of
their README is read right; re-imports are no-ops; other layouts and bad cells are refused by name."""

from __future__ import annotations

import csv
import json
import shutil
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from servers import fresh
from shared_data import shared_path

from kg.cli import main
from kg.errors import BadInputError, TableImportError, TableLayoutError, TableSpecError
from kg.extract.gazetteer import load_gazetteer
from kg.iris import ONTOLOGY
from kg.store import BaseStore, Store
from kg.tables.ingest import import_table
from kg.tables.spec import builtin, load_spec, parse_spec

YEARS = range(2010, 2018)
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
TEXAS = "https://sws.geonames.org/4736286/"
GEORGIA_STATE = "https://sws.geonames.org/4197000/"
GUAM = "https://sws.geonames.org/4043988/"
CANADA = "https://sws.geonames.org/6251999/"
US_VIRGIN_ISLANDS = "https://sws.geonames.org/4796775/"
#: The 2012 sheet's row totals that fall short of their cells (its column and grand totals are right).
SHORT_ROW_TOTALS_2012 = {"BE7", "BE13", "BE26", "BE37", "BE41", "BE42"}


def trace(year: int) -> Path:
    return shared_path("data", "atf-trace", f"trace_{year}.xlsx")


@pytest.fixture(scope="module")
def imported() -> tuple[Store, dict[int, dict]]:
    """All eight files imported once into one store, with each file's report."""
    store = Store.memory()
    reports = {year: import_table(store, trace(year), builtin("atf-trace")) for year in YEARS}
    return store, reports


def observations(store: BaseStore, year: int) -> dict[tuple[str, str], int]:
    """(origin, destination) -> firearms of one year, read back from the store."""
    rows = store.query(
        f"SELECT ?o ?d ?n WHERE {{ ?x a <{ONTOLOGY}FlowObservation> ; <{ONTOLOGY}observedOrigin> ?o ;"
        f' <{ONTOLOGY}observedDestination> ?d ; <{ONTOLOGY}firearmsCount> ?n ; <{ONTOLOGY}year> "{year}"^^'
        "<http://www.w3.org/2001/XMLSchema#gYear> }"
    )
    return {(r["o"].value, r["d"].value): int(r["n"].value) for r in rows}


def test_all_eight_files_import_each_into_its_own_graph(imported: tuple[Store, dict[int, dict]]) -> None:
    store, reports = imported
    assert {r["status"] for r in reports.values()} == {"imported"}
    assert len({r["graph"] for r in reports.values()}) == 8
    assert set(store.graphs()) >= {r["graph"] for r in reports.values()}
    assert all(r["problems"] == [] for r in reports.values())


def test_per_year_stored_sums_equal_the_sheets_own_totals(imported: tuple[Store, dict[int, dict]]) -> None:
    store, reports = imported
    for year in YEARS:
        totals = reports[year]["totals"][str(year)]
        stored = sum(observations(store, year).values())
        assert stored == totals["stored"] == totals["grand_total"] == totals["total_row_sum"], year
        if year != 2012:
            assert totals["total_column_sum"] == stored, year
            assert reports[year]["mismatches"] == []
    assert reports[2010]["totals"]["2010"]["grand_total"] == 145604
    assert reports[2017]["totals"]["2017"]["grand_total"] == 239175


def test_a_row_total_that_is_not_the_sum_of_its_cells_is_reported_with_sheet_and_cell(
    imported: tuple[Store, dict[int, dict]],
) -> None:
    mismatches = imported[1][2012]["mismatches"]
    assert {m["cell"] for m in mismatches} == SHORT_ROW_TOTALS_2012
    assert {m["sheet"] for m in mismatches} == {"Sheet1"}
    california = next(m for m in mismatches if m["cell"] == "BE7")
    assert "14813" in california["problem"] and "14814" in california["problem"]


def test_quirk_total_spelled_total_or_totals(imported: tuple[Store, dict[int, dict]]) -> None:
    reports = imported[1]
    header = {year: openpyxl.load_workbook(trace(year), read_only=True).active["BE2"].value for year in (2010, 2012)}
    assert header == {2010: "TOTALS", 2012: "TOTAL"}
    assert reports[2010]["totals_checked"] == reports[2012]["totals_checked"] - 1 == 109


def test_quirk_a_grand_total_stored_as_a_formula_is_computed(imported: tuple[Store, dict[int, dict]]) -> None:
    sheet = openpyxl.load_workbook(trace(2013)).active
    assert str(sheet["BE57"].value).startswith("=SUM(")
    assert imported[1][2013]["totals"]["2013"]["grand_total"] == 166426


def test_quirk_footnote_rows_are_notes_not_data(imported: tuple[Store, dict[int, dict]]) -> None:
    store, reports = imported
    notes = reports[2016]["notes"]
    assert len(notes) == 5 and any("April 11, 2017" in note for note in notes)
    assert not any(note.startswith("- ") for note in notes)
    comments = store.query(f"SELECT ?c WHERE {{ GRAPH <{reports[2016]['graph']}> {{ ?t <{RDFS}comment> ?c }} }}")
    assert len(list(comments)) == 5


def test_quirk_territories_named_inconsistently_resolve_to_one_place(imported: tuple[Store, dict[int, dict]]) -> None:
    store = imported[0]
    sheet = openpyxl.load_workbook(trace(2012), read_only=True).active
    assert any(row[1] == "US VIRGIN  ISLANDS" for row in sheet.iter_rows(values_only=True))
    for year in (2011, 2012):
        assert (US_VIRGIN_ISLANDS, US_VIRGIN_ISLANDS) in observations(store, year)
    # "GUAM" in 2010, "GUAM & NORTHERN MARIANA ISLANDS" from 2014, both in 2013 (one per axis).
    for year in (2010, 2013, 2016):
        assert (GUAM, GUAM) in observations(store, year), year


def test_quirk_a_source_row_that_is_not_a_us_state(imported: tuple[Store, dict[int, dict]]) -> None:
    store = imported[0]
    from_canada = {d: n for (o, d), n in observations(store, 2012).items() if o == CANADA}
    assert from_canada[GEORGIA_STATE] == 1 and sum(from_canada.values()) == 2
    assert not any(o == CANADA for o, _ in observations(store, 2013))


def test_quirk_sheet_names_and_the_title_cell_differ_across_years(imported: tuple[Store, dict[int, dict]]) -> None:
    reports = imported[1]
    assert reports[2015]["sheet"] == "SOURCE AND RECOVERY STATES" and reports[2014]["sheet"] == "Sheet1"
    assert openpyxl.load_workbook(trace(2013), read_only=True).active["C1"].value == "Recovery State"
    assert reports[2013]["observations"] == 55 * 53 + 1 == 2916


def test_state_names_in_capitals_are_the_articles_places(imported: tuple[Store, dict[int, dict]]) -> None:
    store = imported[0]
    texas = next(e for e in load_gazetteer().entries.values() if e.type == "Region" and e.label == "Texas")
    assert texas.iri == TEXAS
    flows = observations(store, 2016)
    assert flows[(GEORGIA_STATE, "https://sws.geonames.org/5128638/")] > 0  # Georgia (US) -> New York
    assert (TEXAS, TEXAS) in flows  # same-state cells are kept


def test_reimporting_changes_nothing(imported: tuple[Store, dict[int, dict]]) -> None:
    store = imported[0]
    before = store.revision(), sorted(map(str, store.quads(imported[1][2016]["graph"])))
    report = import_table(store, trace(2016), builtin("atf-trace"))
    assert report["status"] == "unchanged"
    assert (store.revision(), sorted(map(str, store.quads(report["graph"])))) == before


def test_a_corrected_sheet_replaces_that_files_observations_only(tmp_path: Path) -> None:
    store = Store.memory()
    for year in (2015, 2016):
        shutil.copy(trace(year), tmp_path / trace(year).name)
        import_table(store, tmp_path / trace(year).name, builtin("atf-trace"))
    graph_2015 = import_table(store, tmp_path / trace(2015).name, builtin("atf-trace"))["graph"]
    other = sorted(map(str, store.quads(graph_2015)))
    workbook = openpyxl.load_workbook(tmp_path / "trace_2016.xlsx")
    sheet = workbook.active
    sheet["C3"] = sheet["C3"].value + 10
    sheet["BE3"] = sheet["BE3"].value + 10
    sheet["C57"] = sheet["C57"].value + 10
    sheet["BE57"] = sheet["BE57"].value + 10
    workbook.save(tmp_path / "trace_2016.xlsx")
    report = import_table(store, tmp_path / "trace_2016.xlsx", builtin("atf-trace"))
    assert report["status"] == "replaced" and report["mismatches"] == []
    alabama = "https://sws.geonames.org/4829764/"
    assert observations(store, 2016)[(alabama, alabama)] == 3692 + 10
    assert sum(observations(store, 2016).values()) == 211384 + 10
    assert sorted(map(str, store.quads(graph_2015))) == other


def test_a_same_named_table_from_another_folder_is_refused_naming_both_files(tmp_path: Path) -> None:
    """Two files named flows.csv would share one graph: the second must not silently replace the first."""
    store = Store.memory()
    first, second = atf_like(tmp_path / "a_2019.xlsx"), tmp_path / "b" / "a_2019.xlsx"
    second.parent.mkdir()
    atf_like(second, {"C3": 7})
    graph = import_table(store, first, builtin("atf-trace"))["graph"]
    kept = sorted(map(str, store.quads(graph)))
    with pytest.raises(BadInputError, match=rf"{second}: .*holds {first}.*rename one of the two files"):
        import_table(store, second, builtin("atf-trace"))
    assert sorted(map(str, store.quads(graph))) == kept
    first.unlink()
    assert import_table(store, second, builtin("atf-trace"))["status"] == "replaced"
    assert observations(store, 2019)[(TEXAS, TEXAS)] == 7


def test_the_atf_matrix_also_reads_as_csv(tmp_path: Path) -> None:
    sheet = openpyxl.load_workbook(trace(2016), read_only=True).active
    path = tmp_path / "trace_2016.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows([["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)])
    store = Store.memory()
    report = import_table(store, path, builtin("atf-trace"))
    assert report["totals"]["2016"]["stored"] == report["totals"]["2016"]["grand_total"] == 211384
    assert report["observations"] == 2916


# -- bad input -----------------------------------------------------------------------------------------


def atf_like(path: Path, edit: dict[str, object] | None = None, *, drop_total_column: bool = False) -> Path:
    """A small sheet in the ATF layout: two states, their totals, a note; `edit` overrides cells."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Trace"
    rows = [
        ["Recovery State", None, None, None, None],
        ["Source State", None, "TEXAS", "NEW YORK", "TOTAL"],
        [None, "TEXAS", 100, 20, 120],
        [None, "GEORGIA", 5, 30, 35],
        [None, "TOTAL", 105, 50, 155],
        [None, None, None, None, None],
        [None, "- A note on the data.", None, None, None],
    ]
    for row in rows:
        sheet.append(row[:4] if drop_total_column else row)
    for cell, value in (edit or {}).items():
        sheet[cell] = value
    workbook.save(path)
    return path


def test_a_small_sheet_in_the_atf_layout_imports(tmp_path: Path) -> None:
    store = Store.memory()
    report = import_table(store, atf_like(tmp_path / "atf_2019.xlsx"), builtin("atf-trace"))
    assert report["observations"] == 4 and report["totals"]["2019"]["grand_total"] == 155
    assert observations(store, 2019)[(TEXAS, "https://sws.geonames.org/5128638/")] == 20


def test_a_sheet_of_another_layout_names_the_sheet_and_the_cell(tmp_path: Path) -> None:
    store = Store.memory()
    with pytest.raises(TableLayoutError, match=r"sheet 'Trace', cell A2: expected 'Source State'") as error:
        import_table(store, atf_like(tmp_path / "a_2019.xlsx", {"A2": "Origin"}), builtin("atf-trace"))
    assert error.value.details()["cell"] == "A2"
    with pytest.raises(TableLayoutError, match=r"cell E2: the header row ends without a total"):
        import_table(store, atf_like(tmp_path / "b_2019.xlsx", drop_total_column=True), builtin("atf-trace"))
    with pytest.raises(TableLayoutError, match=r"cell B4: the label column is empty here before its total"):
        import_table(store, atf_like(tmp_path / "c_2019.xlsx", {"B4": None}), builtin("atf-trace"))
    with pytest.raises(TableLayoutError, match=r"cell B8: found 'stray' below the table"):
        import_table(store, atf_like(tmp_path / "d_2019.xlsx", {"B8": "stray"}), builtin("atf-trace"))
    with pytest.raises(TableLayoutError, match=r"cell F3: found 'x' right of the table"):
        import_table(store, atf_like(tmp_path / "e_2019.xlsx", {"F3": "x"}), builtin("atf-trace"))
    assert store.graphs() == []


def test_non_numeric_cells_and_unknown_places_are_listed_and_nothing_is_stored(tmp_path: Path) -> None:
    store = Store.memory()
    path = atf_like(tmp_path / "f_2019.xlsx", {"D3": "n/a", "B4": "ATLANTIS"})
    with pytest.raises(TableImportError) as error:
        import_table(store, path, builtin("atf-trace"))
    problems = {(p["cell"], p["problem"]) for p in error.value.problems}
    assert ("D3", "the count holds 'n/a', not a count") in problems
    assert any(cell == "B4" and "'ATLANTIS' is not a place" in text for cell, text in problems)
    assert store.graphs() == []
    report = import_table(store, path, builtin("atf-trace"), skip_problems=True)
    assert report["observations"] == 1 and len(report["problems"]) == 2
    assert observations(store, 2019) == {(TEXAS, TEXAS): 100}


def test_a_negative_count_is_listed_not_stored(tmp_path: Path) -> None:
    path = atf_like(tmp_path / "h_2019.xlsx", {"C3": -5, "E3": 15, "C5": 0, "E5": 30})
    with pytest.raises(TableImportError) as error:
        import_table(Store.memory(), path, builtin("atf-trace"))
    assert {"sheet": "Trace", "cell": "C3", "problem": "the count holds -5; a count is never negative"} in (
        error.value.problems
    )


def test_a_file_that_is_not_a_table_is_refused_by_its_format(tmp_path: Path) -> None:
    """What `ffkg ingest-table folder/*` meets beside the sheets: a README is refused as not a table, by name."""
    readme = tmp_path / "README.md"
    readme.write_text("# Trace data\n", encoding="utf-8")
    good = atf_like(tmp_path / "good_2019.xlsx")
    result = CliRunner().invoke(main, ["ingest-table", str(readme), str(good), "--data-dir", str(tmp_path / "data")])
    assert result.exit_code == 1
    assert "README.md: refused" in result.output and "a table is a .xlsx, .xlsm, .csv file, not .md" in result.output
    assert "good_2019.xlsx: imported, 4 observations" in result.output


def test_a_year_must_come_from_somewhere(tmp_path: Path) -> None:
    with pytest.raises(BadInputError, match="no year"):
        import_table(Store.memory(), atf_like(tmp_path / "trace.xlsx"), builtin("atf-trace"))
    report = import_table(Store.memory(), atf_like(tmp_path / "trace.xlsx"), builtin("atf-trace"), year=2001)
    assert list(report["totals"]) == ["2001"]


def test_a_broken_mapping_names_every_wrong_field(tmp_path: Path) -> None:
    with pytest.raises(TableSpecError, match=r"publisher: Field required.*table.matrix.first_column"):
        parse_spec(
            {
                "name": "x",
                "table": {
                    "layout": "matrix",
                    "rows": "origin",
                    "header_row": 1,
                    "label_column": "A",
                    "first_row": 2,
                    "first_column": "1x",
                },
            },
            "m.yaml",
        )
    (tmp_path / "m.yaml").write_text("name: [unclosed", encoding="utf-8")
    with pytest.raises(TableSpecError, match="does not parse"):
        load_spec(tmp_path / "m.yaml")
    with pytest.raises(TableSpecError, match="no built-in table profile 'nope'; built in: atf-trace"):
        builtin("nope")


def test_the_stored_observations_pass_the_shapes(imported: tuple[Store, dict[int, dict]]) -> None:
    import pyshacl
    import rdflib

    from kg.ontology import SHAPES_FILE

    graph = imported[1][2016]["graph"]
    lines = "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in imported[0].quads(graph))
    data = rdflib.Graph().parse(data=lines, format="nt")
    conforms, _, text = pyshacl.validate(data, shacl_graph=rdflib.Graph().parse(SHAPES_FILE))
    assert conforms, text


def test_a_formula_other_than_a_sum_is_listed_not_guessed(tmp_path: Path) -> None:
    path = atf_like(tmp_path / "g_2019.xlsx", {"E3": "=C3*2", "D4": "=SUM(C4:C4)"})
    with pytest.raises(TableImportError) as error:
        import_table(Store.memory(), path, builtin("atf-trace"))
    problems = {p["cell"]: p["problem"] for p in error.value.problems}
    assert problems == {"E3": "the row total holds the formula '=C3*2'; only =SUM(FIRST:LAST) is computed"}
    report = import_table(Store.memory(), path, builtin("atf-trace"), skip_problems=True)
    assert report["observations"] == 4 and report["problems"] == error.value.problems
    assert report["totals"]["2019"]["grand_total"] == 155 and report["totals"]["2019"]["total_column_sum"] is None


def test_a_json_mapping_for_a_rows_table_and_its_header_checked(tmp_path: Path) -> None:
    mapping = tmp_path / "flows.json"
    mapping.write_text(
        json.dumps(
            {
                "name": "seizures",
                "publisher": "Example Agency",
                "year": 2021,
                "places": {"types": ["Country"]},
                "table": {"layout": "rows", "origin": "From", "destination": "To", "count": "Guns"},
            }
        ),
        encoding="utf-8",
    )
    table = tmp_path / "seizures.csv"
    table.write_text('From,To,Guns\nUnited States,Mexico,"1,200"\nUnited States,Guatemala,35\n', encoding="utf-8")
    store = Store.memory()
    report = import_table(store, table, load_spec(mapping))
    assert report["totals"] == {"2021": {"stored": 1235}} and report["publisher"] == "Example Agency"
    assert observations(store, 2021)[("https://sws.geonames.org/6252001/", "https://sws.geonames.org/3996063/")] == 1200
    table.write_text("Origin,To,Guns\nUnited States,Mexico,3\n", encoding="utf-8")
    with pytest.raises(TableLayoutError, match=r"cell A1: the header row has no column 'From' \(the origin\)"):
        import_table(store, table, load_spec(mapping))
    assert len(observations(store, 2021)) == 2


def test_the_command_refuses_a_bad_file_by_cell_and_still_imports_the_good_one(tmp_path: Path) -> None:
    bad = atf_like(tmp_path / "bad_2019.xlsx", {"D3": "n/a"})
    good = atf_like(tmp_path / "good_2019.xlsx")
    data = ["--data-dir", str(tmp_path / "data")]
    result = CliRunner().invoke(main, ["ingest-table", str(bad), str(good), *data])
    assert result.exit_code == 1
    assert "bad_2019.xlsx: refused" in result.output and "Trace!D3: the count holds 'n/a'" in result.output
    assert "good_2019.xlsx: imported, 4 observations" in result.output
    assert "1 of 2 file(s) refused; nothing of them was stored" in result.output
    listed = CliRunner().invoke(main, ["flows", "--source", "tables", "--include-local", "--json", *data])
    assert {r["file"] for r in json.loads(listed.output)["routes"]} == {"good_2019.xlsx"}


@pytest.mark.parametrize("backend", ["embedded", "oxigraph"])
def test_import_reimport_and_correction_on_every_backend(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """The same answers through the store interface alone, on the embedded store and a remote SPARQL server."""
    store = Store.memory() if backend == "embedded" else fresh(request.getfixturevalue("oxigraph_settings"))
    path = atf_like(tmp_path / "atf_2019.xlsx")
    first = import_table(store, path, builtin("atf-trace"))
    assert first["status"] == "imported" and observations(store, 2019)[(TEXAS, TEXAS)] == 100
    revision = store.revision()
    assert import_table(store, path, builtin("atf-trace"))["status"] == "unchanged"
    assert store.revision() == revision
    atf_like(path, {"C3": 101, "E3": 121, "C5": 106, "E5": 156})
    assert import_table(store, path, builtin("atf-trace"))["status"] == "replaced"
    assert observations(store, 2019)[(TEXAS, TEXAS)] == 101 and len(observations(store, 2019)) == 4
    with pytest.raises(TableImportError):
        import_table(store, atf_like(path, {"C3": "lots"}), builtin("atf-trace"))
    assert observations(store, 2019)[(TEXAS, TEXAS)] == 101


def test_a_rows_table_takes_its_years_from_dates_in_a_column(tmp_path: Path) -> None:
    spec = parse_spec(
        {
            "name": "dated",
            "publisher": "Example Agency",
            "places": {"country": "US", "types": ["Region", "Country"]},
            "table": {"layout": "rows", "origin": "from", "destination": "to", "count": "n", "year": "seized on"},
        },
        "dated.yaml",
    )
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in (
        ["from", "to", "n", "seized on"],
        ["TEXAS", "Mexico", 12, datetime(2019, 3, 4)],
        ["Georgia", "Jamaica", 3, "2020-07"],
        ["Arizona", "Mexico", 5, "sometime"],
    ):
        sheet.append(row)
    workbook.save(tmp_path / "dated.xlsx")
    with pytest.raises(TableImportError) as error:
        import_table(Store.memory(), tmp_path / "dated.xlsx", spec)
    assert error.value.problems == [
        {"sheet": "Sheet", "cell": "D4", "problem": "the year holds 'sometime', not a year or a date"}
    ]
    report = import_table(Store.memory(), tmp_path / "dated.xlsx", spec, skip_problems=True)
    assert report["totals"] == {"2019": {"stored": 12}, "2020": {"stored": 3}}


def test_origins_and_destinations_can_resolve_by_rules_of_their_own(tmp_path: Path) -> None:
    """US states sending guns abroad: "Georgia" is the state as an origin and the country as a destination."""
    table = tmp_path / "abroad.csv"
    table.write_text("from,to,guns\nGeorgia,Georgia,4\nTexas,Mexico,9\n", encoding="utf-8")
    spec = parse_spec(
        {
            "name": "abroad",
            "publisher": "Example Agency",
            "year": 2018,
            "origin_places": {"country": "US", "types": ["Region"]},
            "destination_places": {"types": ["Country"]},
            "table": {"layout": "rows", "origin": "from", "destination": "to", "count": "guns"},
        },
        "abroad.yaml",
    )
    store = Store.memory()
    import_table(store, table, spec)
    assert observations(store, 2018) == {
        (GEORGIA_STATE, "https://sws.geonames.org/614540/"): 4,
        (TEXAS, "https://sws.geonames.org/3996063/"): 9,
    }
