"""Information functions: IS* tests, N, T, TYPE, ERROR.TYPE, SHEET, SHEETS, CELL."""
import pytest

from gdsheet import errors as E

from oracle import same

CASES = [
    ("=ISBLANK(A4)", True), ("=ISBLANK(A1)", False), ("=ISBLANK(B1)", False), ("=ISERR(1/0)", True),
    ("=ISERR(NA())", False), ("=ISERROR(NA())", True), ("=ISERROR(1)", False), ("=ISNA(NA())", True),
    ("=ISNA(1/0)", False), ("=ISNUMBER(A1)", True), ("=ISNUMBER(A3)", False), ("=ISNUMBER(\"1\")", False),
    ("=ISTEXT(A5)", True), ("=ISTEXT(A4)", False), ("=ISNONTEXT(A4)", True), ("=ISNONTEXT(A5)", False),
    ("=ISLOGICAL(A3)", True), ("=ISLOGICAL(1)", False), ("=ISEVEN(2.5)", True), ("=ISEVEN(-3)", False),
    ("=ISODD(-3)", True), ("=ISEVEN(A4)", True), ("=ISEVEN(TRUE)", E.VALUE), ("=ISODD(\"x\")", E.VALUE),
    ("=ISODD(\"3\")", True), ("=ISREF(A1:B2)", True), ("=ISREF(1)", False), ("=ISREF(#REF!)", False),
    ("=ISREF(Sheet2!A1)", True), ("=ISFORMULA(B1)", True), ("=ISFORMULA(A1)", False), ("=ISFORMULA(1)", E.VALUE),
    ("=NA()", E.NA), ("=N(7)", 7.0), ("=N(TRUE)", 1.0), ("=N(\"a\")", 0.0), ("=N(A4)", 0.0), ("=N(1/0)", E.DIV0),
    ("=T(\"a\")", "a"), ("=T(1)", ""), ("=T(NA())", E.NA),
    ("=TYPE(1)", 1.0), ("=TYPE(\"a\")", 2.0), ("=TYPE(TRUE)", 4.0), ("=TYPE(1/0)", 16.0), ("=TYPE({1,2})", 64.0),
    ("=TYPE(A1:A2)", 64.0), ("=TYPE(A4)", 1.0), ("=TYPE(A5)", 2.0),
    ("=ERROR.TYPE(#NULL!)", 1.0), ("=ERROR.TYPE(1/0)", 2.0), ("=ERROR.TYPE(#VALUE!)", 3.0), ("=ERROR.TYPE(#REF!)", 4.0),
    ("=ERROR.TYPE(#NAME?)", 5.0), ("=ERROR.TYPE(#NUM!)", 6.0), ("=ERROR.TYPE(NA())", 7.0),
    ("=ERROR.TYPE(#SPILL!)", 9.0), ("=ERROR.TYPE(#CALC!)", 14.0), ("=ERROR.TYPE(1)", E.NA),
    ("=SHEET()", 1.0), ("=SHEET(Sheet2!A1)", 2.0), ("=SHEET(\"sheet2\")", 2.0), ("=SHEET(\"nope\")", E.NA),
    ("=SHEETS()", 2.0), ("=SHEETS(A1:B3)", 1.0),
    ("=CELL(\"address\",B5)", "$B$5"), ("=CELL(\"address\",C2:D9)", "$C$2"),
    ("=CELL(\"address\",Sheet2!A1)", "Sheet2!$A$1"), ("=CELL(\"row\",C5)", 5.0), ("=CELL(\"col\",C5)", 3.0),
    ("=CELL(\"contents\",A5)", "text"), ("=CELL(\"contents\",A4)", 0.0), ("=CELL(\"type\",A4)", "b"),
    ("=CELL(\"type\",A5)", "l"), ("=CELL(\"type\",A1)", "v"), ("=CELL(\"row\")", 10.0),
    ("=CELL(\"filename\",A1)", ""), ("=CELL(\"nonsense\",A1)", E.VALUE),
]


@pytest.fixture(scope="module")
def wb(wb):
    wb.add_sheet("Sheet2")
    # A1:A5 = 1, 2, TRUE, blank, "text" ; B1 a formula
    wb.set_values([("Sheet1", r, 1, v) for r, v in enumerate([1.0, 2.0, True, None, "text"], 1)])
    wb.set_formula("Sheet1", 1, 2, "=A1*2")
    return wb


@pytest.mark.parametrize("formula, expected", CASES)
def test_formula(wb, formula, expected):
    got = wb.evaluate(formula, "Sheet1", 10, 4)
    assert same(got, expected), f"{formula} gave {got!r}, expected {expected!r}"


def test_is_functions_test_each_element_of_an_array(wb):
    assert wb.evaluate("=ISNUMBER(A1:A3)", "Sheet1", 10, 4).tolist() == [[True], [True], [False]]
    assert wb.evaluate("=ISERROR({1,#N/A})").tolist() == [[False, True]]


def test_cell_filename_of_a_saved_workbook(wb, tmp_path):
    wb.path = str(tmp_path / "book.xlsx")
    try:
        assert wb.evaluate("=CELL(\"filename\",A1)") == f"{tmp_path}/[book.xlsx]Sheet1"
    finally:
        wb.path = None


def test_sheet_counts_from_another_sheet(wb):
    assert wb.evaluate("=SHEET()", "Sheet2") == 2.0
    assert wb.evaluate("=CELL(\"address\",Sheet1!A1)", "Sheet2") == "Sheet1!$A$1"
