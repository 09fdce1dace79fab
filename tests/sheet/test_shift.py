"""Inserting and deleting rows and columns: cells move and every reference follows, as in Excel."""
import pytest

from gdsheet.errors import GdsheetError
from gdsheet.refs import Area
from gdsheet.sheet.model import DefinedName, Table
from gdsheet.sheet.shift import Shift, delete, insert
from gdsheet.sheet.workbook import Workbook


def book():
    wb = Workbook()
    wb.add_sheet("S")
    wb.add_sheet("T")
    wb.set_values([("S", r, 1, float(r)) for r in range(1, 6)])
    wb.set_formula("S", 6, 1, "=SUM(A1:A5)")
    wb.set_formula("S", 1, 2, "=A3*2")
    wb.set_formula("S", 2, 2, "=$A$4+A$5")
    wb.set_formula("T", 1, 1, "=S!A2+SUM(S!A1:A5)")
    return wb


def text(wb, s, r, c):
    return wb.formula(s, r, c).text


@pytest.mark.parametrize("at, count, place", [(3, 2, {1: 1, 2: 2, 3: 5, 9: 11}), (3, -2, {1: 1, 3: None,
                                                                                          4: None, 5: 3})])
def test_place(at, count, place):
    shift = Shift("S", "row", at, count)
    assert {i: shift.place(i) for i in place} == place


def test_insert_rows_moves_cells_and_every_reference():
    wb = book()
    insert(wb, "S", "row", 3, 2)
    assert wb.get("S", 5, 1) == 3.0 and wb.get("S", 3, 1) is None
    assert text(wb, "S", 8, 1) == "=SUM(A1:A7)" and wb.get("S", 8, 1) == 15.0  # the range grew around them
    assert text(wb, "S", 1, 2) == "=A5*2" and text(wb, "S", 2, 2) == "=$A$6+A$7"
    assert text(wb, "T", 1, 1) == "=S!A2+SUM(S!A1:A7)"  # another sheet's references follow
    wb.set_value("S", 3, 1, 100.0)  # a value typed into the new rows counts in the grown range
    assert wb.get("S", 8, 1) == 115.0


def test_delete_rows_shrinks_ranges_and_breaks_single_references():
    wb = book()
    delete(wb, "S", "row", 3, 1)
    assert text(wb, "S", 5, 1) == "=SUM(A1:A4)" and wb.get("S", 5, 1) == 12.0
    assert text(wb, "S", 1, 2) == "=#REF!*2" and wb.get("S", 1, 2).code == "#REF!"
    assert text(wb, "S", 2, 2) == "=$A$3+A$4"
    delete(wb, "S", "row", 1, 5)  # all of A1:A4 goes, with the SUM's own row
    assert text(wb, "T", 1, 1) == "=#REF!+SUM(#REF!)"


def test_insert_and_delete_columns():
    wb = book()
    insert(wb, "S", "col", 1, 1)
    assert wb.get("S", 1, 2) == 1.0 and text(wb, "S", 1, 3) == "=B3*2" and text(wb, "T", 1, 1) == "=S!B2+SUM(S!B1:B5)"
    delete(wb, "S", "col", 1, 1)
    assert text(wb, "S", 1, 2) == "=A3*2" and text(wb, "T", 1, 1) == "=S!A2+SUM(S!A1:A5)"


def test_names_tables_and_layout_follow():
    wb = book()
    wb.names[("S", "SOLVER_ADJ")] = DefinedName("solver_adj", "S!$A$2:$A$4", "S", hidden=True)
    wb.names[(None, "DATA")] = DefinedName("Data", "S!$A$1:$A$5")
    wb.tables["T1"] = Table("T1", "S", Area("S", 1, 1, 5, 1), ["A"])
    sheet = wb.sheet("S")
    sheet.row_heights[4] = 30.0
    sheet.hidden_rows.add(5)
    sheet.number_formats[(4, 1)] = "0%"
    sheet.style_ids[(4, 1)] = 3
    sheet.merged.append(Area("S", 4, 3, 5, 4))
    sheet.freeze = (2, 1)
    insert(wb, "S", "row", 2, 1)
    assert wb.names[("S", "SOLVER_ADJ")].formula == "S!$A$3:$A$5"
    assert wb.names[(None, "DATA")].formula == "S!$A$1:$A$6"
    assert wb.tables["T1"].area == Area("S", 1, 1, 6, 1)
    assert sheet.row_heights == {5: 30.0} and sheet.hidden_rows == {6}
    assert sheet.number_formats == {(5, 1): "0%"} and sheet.style_ids == {(5, 1): 3}
    assert sheet.merged == [Area("S", 5, 3, 6, 4)] and sheet.freeze == (2, 1)  # a row inserted at the split scrolls


def test_pushing_cells_off_the_sheet_is_refused():
    wb = book()
    wb.set_value("S", 1_048_576, 1, 1.0)
    with pytest.raises(GdsheetError, match="off of the worksheet"):
        insert(wb, "S", "row", 2, 1)


def test_array_formula_moves_with_its_range():
    wb = Workbook()
    wb.add_sheet("S")
    wb.set_values([("S", r, 1, float(r)) for r in range(1, 4)])
    wb.set_formula("S", 1, 3, "=A1:A3*2", array=Area("S", 1, 3, 3, 3))
    insert(wb, "S", "row", 1, 1)
    f = wb.formula("S", 2, 3)
    assert f.text == "=A2:A4*2" and f.array == Area("S", 2, 3, 4, 3) and wb.get("S", 4, 3) == 6.0


@pytest.mark.parametrize("axis, at, count", [("row", 1, 1), ("row", 3, 4), ("row", 7, 2), ("col", 1, 2),
                                             ("col", 2, 1)])
def test_insert_then_delete_gives_back_every_formula(axis, at, count):
    wb = book()
    before = {(s.name, k): f.text for s in wb.sheets for k, f in s.formulas.items()}
    values = {(s.name, k): v for s in wb.sheets for k, v in s.cells.items()}
    insert(wb, "S", axis, at, count)
    delete(wb, "S", axis, at, count)
    assert {(s.name, k): f.text for s in wb.sheets for k, f in s.formulas.items()} == before
    assert {(s.name, k): v for s in wb.sheets for k, v in s.cells.items()} == values
