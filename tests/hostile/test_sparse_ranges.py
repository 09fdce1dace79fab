"""References of any size cost what exists, not what they name: the dependency graph indexes areas by interval,
arrays and spills larger than the sheet (or than memory) are refused with Excel's error."""
from __future__ import annotations

from gdsheet.errors import ExcelError
from gdsheet.refs import MAX_ARRAY_CELLS, Area
from gdsheet.sheet.workbook import Workbook


def _book() -> Workbook:
    wb = Workbook()
    wb.add_sheet("Data")
    wb.add_sheet("Calc")
    for r in (1, 2, 3):
        wb.set_value("Data", r, 1, float(r))
    return wb


def test_whole_sheet_column_and_row_references_are_a_few_index_entries_and_stay_live():
    wb = _book()
    wb.set_formula("Calc", 1, 1, "=SUM(Data!A1:XFD1048576)")
    wb.set_formula("Calc", 2, 1, "=SUM(Data!A:XFD)")
    wb.set_formula("Calc", 3, 1, "=SUM(Data!1:1048576)")
    wb.set_formula("Calc", 4, 1, "=SUM(Data!C:C)")
    wb.set_formula("Calc", 5, 1, "=SUM(Data!B5:H900000)")
    wb.recalculate()
    assert [wb.get("Calc", r, 1) for r in range(1, 6)] == [6.0, 6.0, 6.0, 0.0, 0.0]
    graph = wb.engine.ensure_graph()
    assert sum(len(keys) for keys in graph.buckets.values()) <= 5 * 64
    # a change far away is seen by every reader whose area covers it, on whichever grid it is indexed
    changed = wb.set_value("Data", 1_000_000, 3, 10.0)
    assert {("Calc", r, 1) for r in (1, 2, 3, 4)} <= changed
    assert [wb.get("Calc", r, 1) for r in range(1, 6)] == [16.0, 16.0, 16.0, 10.0, 0.0]
    changed = wb.set_value("Data", 800_000, 7, 1.0)
    assert ("Calc", 5, 1) in changed and ("Calc", 4, 1) not in changed and wb.get("Calc", 5, 1) == 1.0


def test_a_reader_of_an_area_is_found_for_cells_inside_it_only():
    wb = _book()
    wb.set_formula("Calc", 1, 1, "=SUM(Data!B2:Z3000)")
    graph = wb.engine.ensure_graph()
    assert graph.readers(("Data", 2, 2)) == {("Calc", 1, 1)} == graph.readers(("Data", 3000, 26))
    assert graph.readers(("Data", 1, 2)) == set() == graph.readers(("Data", 3001, 26)) == graph.readers(("Data", 5, 27))
    assert graph.readers_of_area(Area("Data", 1, 1, 1_048_576, 16_384)) == {("Calc", 1, 1)}


def test_an_array_formula_over_the_whole_sheet_is_an_error_naming_the_limit():
    wb = _book()
    wb.set_formula("Calc", 1, 1, "=Data!A1*2", array=Area("Calc", 1, 1, 1_048_576, 16_384))
    wb.recalculate()
    value = wb.get("Calc", 1, 1)
    assert isinstance(value, ExcelError) and value.code == "#NUM!" and f"{MAX_ARRAY_CELLS:,}" in value.detail
    assert len(wb.sheet("Calc").cells) == 1


def test_a_spill_beyond_the_edge_of_the_sheet_is_spill_error():
    wb = _book()
    wb.set_input("Calc", 2, 2, "=SEQUENCE(1048576)")
    value = wb.get("Calc", 2, 2)
    assert isinstance(value, ExcelError) and value.code == "#SPILL!" and "edge" in value.detail
    wb.set_input("Calc", 1, 3, "=SEQUENCE(1048576,3)")
    value = wb.get("Calc", 1, 3)
    assert isinstance(value, ExcelError) and value.code == "#SPILL!" and "limit" in value.detail
    wb.set_input("Calc", 1, 1, "=SEQUENCE(5)")
    assert [wb.get("Calc", r, 1) for r in range(1, 6)] == [1.0, 2.0, 3.0, 4.0, 5.0]


def test_a_range_too_large_to_read_as_an_array_is_num_error_naming_the_limit():
    wb = _book()
    wb.set_value("Data", 1_048_576, 16_384, 1.0)  # the used range is now the whole sheet
    wb.set_formula("Calc", 1, 1, "=COUNTIF(Data!A:XFD,1)")
    wb.set_formula("Calc", 2, 1, "=SUM(Data!A:XFD)")  # an aggregate reads only the cells that exist
    value = wb.get("Calc", 1, 1)
    assert isinstance(value, ExcelError) and value.code == "#NUM!" and "8,388,608" in value.detail
    assert wb.get("Calc", 2, 1) == 7.0
