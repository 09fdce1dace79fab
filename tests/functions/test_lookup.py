"""Lookup and reference functions through the engine, on a small sheet of data."""
import numpy as np
import pytest

from gdsheet import errors as E
from gdsheet.functions.lookup import bsearch, find_exact
from gdsheet.refs import Area

from oracle import new_workbook

# Sheet1:      A        B       C     D         E
#   1         10       "ten"    1     "apple"   5
#   2         20       "twenty" 2     "Banana"  4
#   3         30       "thirty" 3     "cherry"  3
#   4         40       "forty"  4     "date"    2
#   5         50       "fifty"  5     "a*b"     1
DATA = [
    [10.0, "ten", 1.0, "apple", 5.0],
    [20.0, "twenty", 2.0, "Banana", 4.0],
    [30.0, "thirty", 3.0, "cherry", 3.0],
    [40.0, "forty", 4.0, "date", 2.0],
    [50.0, "fifty", 5.0, "a*b", 1.0],
]


@pytest.fixture(scope="module")
def wb(wb):
    wb.add_sheet("Other Sheet")
    for r, row in enumerate(DATA, start=1):
        for c, v in enumerate(row, start=1):
            wb.set_value("Sheet1", r, c, v)
    wb.set_value("Other Sheet", 2, 2, 99.0)
    # G1:G6 mixes types for the binary search: numbers with text and a blank in between
    for r, v in enumerate([1.0, "x", 3.0, None, 5.0, "zz"], start=1):
        wb.set_value("Sheet1", r, 7, v)
    return wb


TABLE = [
    # MATCH
    ("=MATCH(30,A1:A5,0)", 3.0),
    ("=MATCH(35,A1:A5,0)", E.NA),
    ("=MATCH(35,A1:A5)", 3.0),
    ("=MATCH(35,A1:A5,1)", 3.0),
    ("=MATCH(5,A1:A5,1)", E.NA),  # below the first value
    ("=MATCH(99,A1:A5,1)", 5.0),
    ("=MATCH(3.5,E1:E5,-1)", 2.0),  # descending data: the smallest value >= 3.5
    ("=MATCH(9,E1:E5,-1)", E.NA),
    ('=MATCH("BANANA",D1:D5,0)', 2.0),  # case-insensitive
    ('=MATCH("c*",D1:D5,0)', 3.0),
    ('=MATCH("?ate",D1:D5,0)', 4.0),
    ('=MATCH("a~*b",D1:D5,0)', 5.0),
    ('=MATCH("30",A1:A5,0)', E.NA),  # text never equals a number
    ("=MATCH(2,{1,2,2,2,3},1)", 4.0),  # the last of equal values
    ("=MATCH(4,G1:G6,1)", 3.0),  # text and blanks are stepped over
    ("=MATCH(9E+307,G1:G6)", 5.0),  # the last number: a classic idiom
    ('=MATCH("zzzz",G1:G6)', 6.0),  # the last text
    ("=MATCH(1,A1:B2,0)", E.NA),  # two-dimensional lookup_array
    ("=MATCH(NA(),A1:A5,0)", E.NA),
    # XMATCH
    ("=XMATCH(30,A1:A5)", 3.0),
    ("=XMATCH(35,A1:A5)", E.NA),
    ("=XMATCH(35,A1:A5,-1)", 3.0),
    ("=XMATCH(35,A1:A5,1)", 4.0),
    ("=XMATCH(35,E1:E5,1)", E.NA),
    ("=XMATCH(3.5,E1:E5,1)", 2.0),  # the smallest value above 3.5 is the 4 in row 2
    ('=XMATCH("c*",D1:D5)', E.NA),  # no wildcards unless match_mode 2
    ('=XMATCH("c*",D1:D5,2)', 3.0),
    ("=XMATCH(2,{2,1,2},0,-1)", 3.0),  # searching from the end
    ("=XMATCH(40,A1:A5,0,2)", 4.0),  # binary search
    ("=XMATCH(45,A1:A5,1,2)", 5.0),
    ("=XMATCH(45,A1:A5,-1,2)", 4.0),
    ("=XMATCH(3,E1:E5,0,-2)", 3.0),
    ("=XMATCH(3.5,E1:E5,1,-2)", 2.0),
    ("=XMATCH(3.5,E1:E5,-1,-2)", 3.0),
    ("=XMATCH(1,A1:A5,3)", E.VALUE),
    # VLOOKUP / HLOOKUP
    ("=VLOOKUP(30,A1:C5,2,FALSE)", "thirty"),
    ("=VLOOKUP(35,A1:C5,2)", "thirty"),
    ("=VLOOKUP(35,A1:C5,2,TRUE)", "thirty"),
    ("=VLOOKUP(35,A1:C5,2,)", E.NA),  # an empty 4th argument means FALSE
    ("=VLOOKUP(5,A1:C5,2)", E.NA),
    ("=VLOOKUP(30,A1:C5,4,FALSE)", E.REF),
    ("=VLOOKUP(30,A1:C5,0,FALSE)", E.VALUE),
    ('=VLOOKUP("b*",D1:E5,2,FALSE)', 4.0),
    ('=VLOOKUP("th*",B1:C5,2,FALSE)', 3.0),
    ("=HLOOKUP(5,C1:E5,3,FALSE)", 3.0),
    ("=HLOOKUP(1,{1,2,3;4,5,6},2,FALSE)", 4.0),
    ("=HLOOKUP(2.5,{1,2,3;4,5,6},2)", 5.0),
    # LOOKUP
    ("=LOOKUP(35,A1:A5,B1:B5)", "thirty"),
    ("=LOOKUP(35,A1:A5,B1:B1)", "thirty"),  # a short result reference is extended
    ("=LOOKUP(2,1/(E1:E5>3),B1:B5)", "twenty"),  # the last row where a condition holds
    ("=LOOKUP(35,A1:B5)", "thirty"),  # taller than wide: first column in, last column out
    ("=LOOKUP(2.5,{1,2,3;10,20,30})", 20.0),  # wider than tall: first row in, last row out
    ("=LOOKUP(5,A1:A5,B1:B5)", E.NA),
    # XLOOKUP
    ("=XLOOKUP(30,A1:A5,B1:B5)", "thirty"),
    ('=XLOOKUP(35,A1:A5,B1:B5,"none")', "none"),
    ("=XLOOKUP(35,A1:A5,B1:B5)", E.NA),
    ("=XLOOKUP(35,A1:A5,B1:B5,,-1)", "thirty"),
    ("=XLOOKUP(35,A1:A5,B1:B5,,1)", "forty"),
    ('=XLOOKUP("cherry",D1:D5,A1:A5)', 30.0),
    ("=XLOOKUP(5,C1:E1,C3:E3)", 3.0),  # horizontal
    ("=SUM(XLOOKUP(20,A1:A5,A1:A5):XLOOKUP(40,A1:A5,A1:A5))", 90.0),  # it returns references
    ("=XLOOKUP(30,A1:A5,B1:B4)", E.VALUE),
    # INDEX
    ("=INDEX(A1:C5,2,3)", 2.0),
    ("=INDEX(A1:A5,4)", 40.0),
    ("=INDEX(A1:E1,4)", "apple"),  # one row: the single number picks the column
    ("=SUM(INDEX(A1:C5,0,1))", 150.0),
    ("=SUM(INDEX(A1:C5,2,0))", 22.0),
    ("=SUM(A1:INDEX(A1:A5,3))", 60.0),  # a reference, usable in a range
    ("=INDEX(A1:C5,6,1)", E.REF),
    ("=INDEX(A1:C5,-1,1)", E.VALUE),
    ("=INDEX({1,2;3,4},2,2)", 4.0),
    ("=INDEX({1,2,3},3)", 3.0),
    ("=INDEX((A1:A5,C1:C5),2,1,2)", 2.0),
    ("=INDEX((A1:A5,C1:C5),2,1,3)", E.REF),
    # positions, sizes, addresses
    ("=ROW()", 7.0),
    ("=COLUMN()", 8.0),
    ("=ROW(C3)", 3.0),
    ("=COLUMN(C3:C9)", 3.0),
    ("=ROWS(A1:C5)", 5.0),
    ("=COLUMNS(A1:C5)", 3.0),
    ("=ROWS({1,2;3,4;5,6})", 3.0),
    ("=COLUMNS(5)", 1.0),
    ("=ROW(1)", E.VALUE),
    ("=AREAS(A1:B2)", 1.0),
    ("=AREAS((A1:B2,C3,D4:E5))", 3.0),
    ("=ADDRESS(2,3)", "$C$2"),
    ("=ADDRESS(2,3,2)", "C$2"),
    ("=ADDRESS(2,3,3)", "$C2"),
    ("=ADDRESS(2,3,4)", "C2"),
    ("=ADDRESS(2,3,1,FALSE)", "R2C3"),
    ("=ADDRESS(2,3,4,FALSE)", "R[2]C[3]"),
    ('=ADDRESS(1,1,1,TRUE,"Sheet1")', "Sheet1!$A$1"),
    ('=ADDRESS(1,1,1,TRUE,"My Sheet")', "'My Sheet'!$A$1"),
    ("=ADDRESS(1,28)", "$AB$1"),
    ("=ADDRESS(0,1)", E.VALUE),
    ("=ADDRESS(1,1,5)", E.VALUE),
    ("=ADDRESS(1,1,,)", E.VALUE),  # an empty abs_num is 0
    # OFFSET and INDIRECT
    ("=OFFSET(A1,2,1)", "thirty"),
    ("=SUM(OFFSET(A1,1,0,3,1))", 90.0),
    ("=SUM(OFFSET(A1:A2,1,0))", 50.0),
    ("=SUM(OFFSET(A5,0,0,-2))", 90.0),  # a negative height extends upwards
    ("=OFFSET(A1,-1,0)", E.REF),
    ("=OFFSET(A1,0,0,0)", E.REF),
    ("=ROWS(OFFSET(A1,0,0,4,2))", 4.0),
    ('=INDIRECT("B2")', "twenty"),
    ('=SUM(INDIRECT("A1:A3"))', 60.0),
    ('=INDIRECT("\'Other Sheet\'!B2")', 99.0),
    ('=INDIRECT("R2C2",FALSE)', "twenty"),
    ('=INDIRECT("R[-5]C[-7]",FALSE)', 20.0),  # relative to the formula's cell, H7
    ('=SUM(INDIRECT("R1C1:R2C1",FALSE))', 30.0),
    ('=INDIRECT("nonsense")', E.REF),
    ('=INDIRECT("")', E.REF),
]


@pytest.mark.parametrize("formula, expected", TABLE)
def test_formula(wb, formula, expected):
    got = wb.evaluate(formula, "Sheet1", 7, 8)  # as if typed in H7
    assert got == expected and type(got) is type(expected), f"{formula}: {got!r}"


@pytest.mark.parametrize("formula, expected", [
    ("=ROW(A2:A4)", [[2.0], [3.0], [4.0]]),
    ("=COLUMN(B1:D1)", [[2.0, 3.0, 4.0]]),
    ("=INDEX(A1:C5,2,0)", [[20.0, "twenty", 2.0]]),
    ("=INDEX(A1:C5,2)", [[20.0, "twenty", 2.0]]),  # a missing column in a 2-D range: the whole row
    ("=INDEX(A1:C5,{1;3},{1,3})", [[10.0, 1.0], [30.0, 3.0]]),
    ("=XLOOKUP(40,A1:A5,A1:C5)", [[40.0, "forty", 4.0]]),
    ("=XLOOKUP({20;50;7},A1:A5,B1:B5)", [["twenty"], ["fifty"], [E.NA]]),
    ("=MATCH({20,40},A1:A5,0)", [[2.0, 4.0]]),  # the lookup value is lifted
    ("=VLOOKUP({10;30},A1:B5,2,FALSE)", [["ten"], ["thirty"]]),
])
def test_array_results(wb, formula, expected):
    got = wb.evaluate(formula, "Sheet1", 7, 8)
    assert isinstance(got, np.ndarray) and got.tolist() == expected, f"{formula}: {got!r}"


def test_row_spills_in_a_dynamic_formula():
    book = new_workbook()
    book.set_formula("Sheet1", 1, 1, "=ROW(B3:B5)*10", dynamic=True)
    assert [book.get("Sheet1", r, 1) for r in (1, 2, 3)] == [30.0, 40.0, 50.0]


def test_offset_and_indirect_are_volatile_and_follow_edits():
    book = new_workbook()
    book.set_value("Sheet1", 1, 1, 1.0)
    book.set_value("Sheet1", 1, 2, "A1")
    book.set_formula("Sheet1", 2, 1, "=INDIRECT(B1)+SUM(OFFSET(A1,0,0,1,1))")
    assert book.get("Sheet1", 2, 1) == 2.0
    book.set_value("Sheet1", 1, 1, 5.0)
    book.recalculate_volatile()
    assert book.get("Sheet1", 2, 1) == 10.0


def test_index_returns_a_reference_directly():
    from gdsheet.functions import FUNCTIONS
    got = FUNCTIONS["INDEX"].impl(None, Area("S", 2, 2, 6, 4), 2.0, 0.0)
    assert got == Area("S", 3, 2, 3, 4)


def test_binary_search_steps_over_other_types():
    vals = [1.0, E.DIV0, E.DIV0, 1.0, E.DIV0]
    assert bsearch(vals, 2.0) == 3
    assert bsearch([3.0, 2.0, 1.0], 2.5, descending=True) == 0
    assert bsearch([], 1.0) == -1
    assert find_exact(["a", "B", "b"], "b") == 1
    assert find_exact(["a", "B", "b"], "b", reverse=True) == 2


def test_whole_columns_line_up_although_reads_stop_at_the_last_used_row():
    book = new_workbook()
    book.set_values([("Sheet1", r, c, float(r * c)) for r in range(1, 4) for c in (1, 2)])
    assert book.evaluate("=XLOOKUP(2,A:A,B:B)") == 4.0
    assert book.evaluate("=MATCH(3,A:A,0)") == 3.0
    assert book.evaluate("=VLOOKUP(3,A:B,2,FALSE)") == 6.0
    assert book.evaluate("=INDEX(B:B,2)") == 4.0
