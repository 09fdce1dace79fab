"""Dynamic-array and reshaping functions through the engine: SEQUENCE, FILTER, SORT, UNIQUE, TAKE, VSTACK..."""
import numpy as np
import pytest

from gdsheet import errors as E

from oracle import new_workbook

NA = E.NA


@pytest.fixture(scope="module")
def wb(wb):
    # A1:B4: names and scores, with a blank in A3
    for r, (a, b) in enumerate([("b", 3.0), ("A", 1.0), (None, 2.0), ("c", 1.0)], start=1):
        wb.set_value("Sheet1", r, 1, a)
        wb.set_value("Sheet1", r, 2, b)
    return wb


TABLE = [
    # SEQUENCE
    ("=SEQUENCE(3)", [[1.0], [2.0], [3.0]]),
    ("=SEQUENCE(2,3)", [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]),
    ("=SEQUENCE(2,2,0,-0.5)", [[0.0, -0.5], [-1.0, -1.5]]),
    ("=SEQUENCE(,3)", [[1.0, 2.0, 3.0]]),  # an empty argument takes its default
    ("=SEQUENCE(0)", E.CALC),
    ("=SEQUENCE(-1)", E.VALUE),
    ("=SEQUENCE(1048576,16384)", E.NUM),  # refused before it fills memory
    ("=SUM(SEQUENCE(100))", 5050.0),
    # FILTER
    ("=FILTER({1;2;3},{TRUE;FALSE;TRUE})", [[1.0], [3.0]]),
    ("=FILTER({1,2;3,4;5,6},{1;0;2})", [[1.0, 2.0], [5.0, 6.0]]),
    ("=FILTER({1,2,3},{0,1,1})", [[2.0, 3.0]]),
    ("=FILTER(A1:B4,B1:B4=1)", [["A", 1.0], ["c", 1.0]]),
    ("=FILTER({1;2},{0;0})", E.CALC),
    ('=FILTER({1;2},{0;0},"none")', "none"),
    ("=FILTER({1;2},{1;1;1})", E.VALUE),
    ('=FILTER({1;2},{"x";1})', E.VALUE),
    ("=FILTER({1;2},{1;#N/A})", E.NA),
    # SORT / SORTBY
    ("=SORT({3;1;2})", [[1.0], [2.0], [3.0]]),
    ("=SORT({3;1;2},,-1)", [[3.0], [2.0], [1.0]]),
    ('=SORT({"b";"A";"c";TRUE;2})', [[2.0], ["A"], ["b"], ["c"], [True]]),  # numbers, text, booleans
    ("=SORT({1,9;2,8;3,7},2)", [[3.0, 7.0], [2.0, 8.0], [1.0, 9.0]]),
    ("=SORT({1,2;1,1;0,5},{1,2},{1,-1})", [[0.0, 5.0], [1.0, 2.0], [1.0, 1.0]]),
    ("=SORT({3,1,2},,,TRUE)", [[1.0, 2.0, 3.0]]),
    ("=SORT({3;1},3)", E.VALUE),
    ("=SORT({3;1},1,2)", E.VALUE),
    ("=SORT(A1:A4)", [["A"], ["b"], ["c"], [0.0]]),  # blanks last (a spilled blank shows as 0)
    ("=SORT(A1:A4,,-1)", [["c"], ["b"], ["A"], [0.0]]),  # last either way
    ("=SORT({2,1;1,1;1,0})", [[1.0, 1.0], [1.0, 0.0], [2.0, 1.0]]),  # stable
    ('=SORTBY({"a";"b";"c"},{3;1;2})', [["b"], ["c"], ["a"]]),
    ('=SORTBY({"a";"b";"c"},{3;1;2},-1)', [["a"], ["c"], ["b"]]),
    ('=SORTBY({"a";"b";"c"},{1;2;1},1,{1;2;3},-1)', [["c"], ["a"], ["b"]]),
    ('=SORTBY({"a","b"},{2,1})', [["b", "a"]]),
    ('=SORTBY({"a";"b";"c"},{1;2})', E.VALUE),
    ('=SORTBY({"a";"b"},{2;1},0)', E.VALUE),
    ("=SORTBY(A1:A4,B1:B4)", [["A"], ["c"], [0.0], ["b"]]),
    # UNIQUE
    ('=UNIQUE({1;1;"a";"A";2})', [[1.0], ["a"], [2.0]]),  # text ignores case
    ("=UNIQUE({1;1;2},,TRUE)", [[2.0]]),
    ("=UNIQUE({1;1},,TRUE)", E.CALC),
    ("=UNIQUE({1,1;1,1;1,2})", [[1.0, 1.0], [1.0, 2.0]]),
    ("=UNIQUE({1,1,2},TRUE)", [[1.0, 2.0]]),
    ('=UNIQUE({1;"1";TRUE})', [[1.0], ["1"], [True]]),  # types never mix
    ("=UNIQUE(B1:B4)", [[3.0], [1.0], [2.0]]),
    # CHOOSECOLS / CHOOSEROWS
    ("=CHOOSECOLS({1,2,3;4,5,6},3,1)", [[3.0, 1.0], [6.0, 4.0]]),
    ("=CHOOSECOLS({1,2,3},-1)", [[3.0]]),
    ("=CHOOSECOLS({1,2,3},{1,2})", [[1.0, 2.0]]),
    ("=CHOOSECOLS({1,2,3},4)", E.VALUE),
    ("=CHOOSECOLS({1,2,3},0)", E.VALUE),
    ("=CHOOSEROWS({1;2;3},2,2)", [[2.0], [2.0]]),
    ("=CHOOSEROWS({1;2;3},-3)", [[1.0]]),
    # HSTACK / VSTACK
    ("=HSTACK({1;2},3)", [[1.0, 3.0], [2.0, NA]]),
    ("=HSTACK({1,2},{3,4})", [[1.0, 2.0, 3.0, 4.0]]),
    ("=VSTACK({1,2},3)", [[1.0, 2.0], [3.0, NA]]),
    ("=VSTACK({1,2},{3,4})", [[1.0, 2.0], [3.0, 4.0]]),
    # TAKE / DROP
    ("=TAKE({1,2;3,4;5,6},2)", [[1.0, 2.0], [3.0, 4.0]]),
    ("=TAKE({1,2;3,4;5,6},-1)", [[5.0, 6.0]]),
    ("=TAKE({1,2;3,4;5,6},,-1)", [[2.0], [4.0], [6.0]]),
    ("=TAKE({1,2;3,4},9,9)", [[1.0, 2.0], [3.0, 4.0]]),
    ("=TAKE({1,2;3,4},0)", E.CALC),
    ("=DROP({1,2;3,4;5,6},1)", [[3.0, 4.0], [5.0, 6.0]]),
    ("=DROP({1,2;3,4;5,6},-2,1)", [[2.0]]),
    ("=DROP({1,2;3,4},2)", E.CALC),
    # TOCOL / TOROW
    ("=TOCOL({1,2;3,4})", [[1.0], [2.0], [3.0], [4.0]]),
    ("=TOCOL({1,2;3,4},0,TRUE)", [[1.0], [3.0], [2.0], [4.0]]),
    ("=TOROW({1,2;3,4})", [[1.0, 2.0, 3.0, 4.0]]),
    ("=TOCOL(A1:A4,1)", [["b"], ["A"], ["c"]]),  # 1 skips blanks
    ("=TOROW({1,#N/A,3},2)", [[1.0, 3.0]]),  # 2 skips errors
    ("=TOCOL({1,2},4)", E.VALUE),
    # WRAPROWS / WRAPCOLS / EXPAND
    ("=WRAPROWS({1,2,3,4,5},2)", [[1.0, 2.0], [3.0, 4.0], [5.0, NA]]),
    ("=WRAPROWS({1;2;3},3)", [[1.0, 2.0, 3.0]]),
    ("=WRAPCOLS({1,2,3,4,5},2,0)", [[1.0, 3.0, 5.0], [2.0, 4.0, 0.0]]),
    ("=WRAPROWS({1,2;3,4},2)", E.VALUE),
    ("=WRAPROWS({1,2},0)", E.NUM),
    ("=EXPAND({1,2},2)", [[1.0, 2.0], [NA, NA]]),
    ('=EXPAND({1,2},2,3,"x")', [[1.0, 2.0, "x"], ["x", "x", "x"]]),
    ("=EXPAND({1,2;3,4},1)", E.VALUE),
    ("=EXPAND(1,1048576,16384)", E.NUM),
    # errors in the array argument propagate
    ("=SORT(1/0)", [[E.DIV0]]),
]


@pytest.mark.parametrize("formula, expected", TABLE)
def test_formula(wb, formula, expected):
    got = wb.evaluate(formula)
    if isinstance(expected, list):
        assert isinstance(got, np.ndarray) and got.tolist() == expected, f"{formula}: {got!r}"
    else:
        assert got == expected and type(got) is type(expected), f"{formula}: {got!r}"


def test_sorted_results_spill_and_follow_edits():
    book = new_workbook()
    for r, v in enumerate([3.0, 1.0, 2.0], start=1):
        book.set_value("Sheet1", r, 1, v)
    book.set_formula("Sheet1", 1, 3, "=SORT(A1:A3)", dynamic=True)
    assert [book.get("Sheet1", r, 3) for r in (1, 2, 3)] == [1.0, 2.0, 3.0]
    book.set_value("Sheet1", 2, 1, 9.0)
    assert [book.get("Sheet1", r, 3) for r in (1, 2, 3)] == [2.0, 3.0, 9.0]
