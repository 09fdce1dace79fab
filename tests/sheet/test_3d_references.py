"""3-D references (Sheet1:Sheet3!A1): parsing and writing, the functions that take them, recalculation when a sheet
in the middle changes, renames, inserted sheets, and the compiler."""
from __future__ import annotations

import pytest

from gdsheet.errors import ExcelError
from gdsheet.formula import parse
from gdsheet.formula.unparse import unparse
from gdsheet.sheet.workbook import Workbook

SHEETS = ["Sheet1", "Sheet2", "My Sheet", "Sheet3", "Summary"]


@pytest.fixture
def wb():
    book = Workbook()
    for n in SHEETS:
        book.add_sheet(n)
    updates = [(n, 1, 1, float(i + 1)) for i, n in enumerate(SHEETS[:4])]  # A1: 1, 2, 3, 4
    updates += [("Sheet2", 2, 2, "text"), ("Sheet3", 2, 2, True), ("Sheet1", 2, 1, 10.0)]
    book.set_values(updates)
    return book


@pytest.mark.parametrize("text", ["=SUM(Sheet1:Sheet3!A1)", "=SUM(Sheet1:Sheet3!$A$1:B2)", "=SUM('My Sheet:Other'!A1)",
                                  "=SUM('It''s:Other'!A:A)", "=COUNT(Sheet1:Sheet3!1:2)"])
def test_parse_and_write_round_trip(text):
    tree = parse(text)
    assert unparse(tree) == text and unparse(tree, for_file=True) == text and parse(unparse(tree)) == tree


CASES = [
    ("=SUM(Sheet1:Sheet3!A1)", 10.0), ("=SUM(Sheet3:Sheet1!A1)", 10.0),  # sheets by position, either order
    ("=SUM(Sheet2:Sheet3!A1:B2)", 9.0), ("=SUM('Sheet2:My Sheet'!A1)", 5.0), ("=SUM(Sheet1:Sheet1!A1:A2)", 11.0),
    ("=AVERAGE(Sheet1:Sheet3!A1)", 2.5), ("=COUNT(Sheet1:Sheet3!A1:B2)", 5.0), ("=COUNTA(Sheet1:Sheet3!A1:B2)", 7.0),
    ("=MAX(Sheet1:Sheet3!A1)", 4.0), ("=MIN(Sheet1:Sheet3!A1)", 1.0), ("=PRODUCT(Sheet1:Sheet3!A1)", 24.0),
    ("=STDEV(Sheet1:Sheet3!A1)", 1.2909944487358056), ("=STDEV.P(Sheet1:Sheet3!A1)", 1.118033988749895),
    ("=VAR(Sheet1:Sheet3!A1)", 1.6666666666666667), ("=VAR.P(Sheet1:Sheet3!A1)", 1.25),
    ("=AVERAGEA(Sheet1:Sheet3!B2)", 0.5), ("=MAXA(Sheet1:Sheet3!B2)", 1.0), ("=SUM(Sheet1:Sheet3!A:A)", 20.0),
    ("=SUM(Sheet1:Sheet3!A1,5)", 15.0),
    ("=Sheet1:Sheet3!A1", "#VALUE!"),  # not one value
    ("=SUM(Sheet1:Nowhere!A1)", "#REF!"),
    ('=SUM(INDIRECT("Sheet1:Sheet3!A1"))', "#REF!"),  # Excel's INDIRECT takes no 3-D references
]


@pytest.mark.parametrize("formula,expected", CASES)
def test_functions_that_take_3d_references(wb, formula, expected):
    got = wb.evaluate(formula, "Summary")
    if isinstance(expected, str):
        assert isinstance(got, ExcelError) and got.code == expected
    else:
        assert got == pytest.approx(expected)


def test_a_change_on_a_middle_sheet_recalculates(wb):
    wb.set_formula("Summary", 1, 1, "=SUM(Sheet1:Sheet3!A1)")
    wb.set_formula("Summary", 2, 1, "=SUM(Sheet1:Sheet3!A1:B2)")
    wb.recalculate()
    assert wb.get("Summary", 1, 1) == 10.0
    wb.set_value("My Sheet", 1, 1, 30.0)
    assert wb.get("Summary", 1, 1) == 37.0 and wb.get("Summary", 2, 1) == 47.0
    wb.set_value("My Sheet", 2, 2, 1.0)
    assert wb.get("Summary", 2, 1) == 48.0
    assert ("My Sheet", 1, 1) in wb.precedents("Summary", 1, 1)


def test_renames_and_inserted_sheets(wb):
    wb.set_formula("Summary", 1, 1, "=SUM(Sheet1:Sheet3!A1)")
    wb.recalculate()
    wb.rename_sheet("Sheet3", "Last Year")
    assert wb.formula("Summary", 1, 1).text == "=SUM('Sheet1:Last Year'!A1)"
    wb.set_value("Last Year", 1, 1, 100.0)
    assert wb.get("Summary", 1, 1) == 106.0
    wb.add_sheet("Inserted", index=1)
    wb.set_value("Inserted", 1, 1, 1000.0)
    assert wb.get("Summary", 1, 1) == 1106.0


def test_the_compiler_spreads_a_3d_reference_over_its_sheets():
    import torch

    from gdsheet.compile import compile_program

    book = Workbook()
    for n in ("A", "B", "C", "Model"):
        book.add_sheet(n)
    book.set_values([("A", 1, 1, 1.0), ("B", 1, 1, 2.0), ("C", 1, 1, 0.5), ("Model", 1, 2, 3.0)])
    book.set_formula("Model", 1, 1, "=SUM(A:C!A1)*Model!B1+AVERAGE(A:C!A1)")
    book.recalculate()
    prog = compile_program(book, [("Model", 1, 1)], [("B", 1, 1), ("Model", 1, 2)])
    x = prog.x0.clone().requires_grad_(True)
    (y,) = prog.forward(x)
    assert float(y.detach()) == pytest.approx(book.get("Model", 1, 1))
    y.backward()
    assert x.grad.tolist() == pytest.approx([3.0 + 1 / 3, 3.5])
