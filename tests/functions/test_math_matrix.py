"""Matrix, sum-of-products and aggregate functions (SUM, SUMPRODUCT, MMULT, SUBTOTAL, AGGREGATE...)."""
from functools import partial

import numpy as np
import pytest

from gdsheet import errors as E

import oracle

CASES = [
    # SUM and friends: direct arguments are coerced, inside ranges only numbers count (A1:A6 below)
    ("=SUM(1,2,3)", 6.0), ("=SUM(TRUE,2)", 3.0), ("=SUM(\"3\",1)", 4.0), ("=SUM(\"x\",1)", E.VALUE),
    ("=SUM(A1:A6)", 6.0), ("=SUM(A1:A6,TRUE)", 7.0), ("=SUM(1E308,1E308)", E.NUM), ("=SUM(A1,1/0)", E.DIV0),
    ("=SUMSQ(3,4)", 25.0), ("=SUMSQ(A1:A6)", 14.0), ("=SUMSQ(1,\"2\",TRUE)", 6.0), ("=PRODUCT(2,3,4)", 24.0),
    ("=PRODUCT(A1:A6)", 6.0), ("=PRODUCT(D1:D3)", 0.0), ("=PRODUCT(A1:A6,0.5)", 3.0),
    ("=SERIESSUM(2,1,2,{1,2})", 18.0), ("=SERIESSUM(1,0,1,{1,2,3})", 6.0), ("=SERIESSUM(2,1,2,{1,\"a\"})", E.VALUE),
    ("=SERIESSUM(0,0,1,{1,2})", E.NUM), ("=SERIESSUM(-8,0.5,1,{1,2})", E.NUM),
    # SUMPRODUCT: non-numbers are 0, shapes must match
    ("=SUMPRODUCT({1,2},{3,4})", 11.0), ("=SUMPRODUCT({1,\"a\"},{3,4})", 3.0), ("=SUMPRODUCT({1,2},{3;4})", E.VALUE),
    ("=SUMPRODUCT({1,#N/A},{1,2})", E.NA), ("=SUMPRODUCT(A1:A6)", 6.0), ("=SUMPRODUCT(A1:A6,B1:B6)", 23.0),
    ("=SUMPRODUCT((A1:A6>1)*1)", 4.0), ("=SUMPRODUCT(A1:A6,B1:B5)", E.VALUE), ("=SUMPRODUCT({TRUE,2})", 2.0),
    ("=SUMX2MY2({1,2},{3,4})", -20.0), ("=SUMX2PY2({1,2},{3,4})", 30.0), ("=SUMXMY2({1,\"a\",3},{3,4,5})", 8.0),
    ("=SUMXMY2({1,2;3,4},{1,2,3,4})", 0.0), ("=SUMX2MY2({1,2},{3,4,5})", E.NA), ("=SUMXMY2({1,#DIV/0!},{1,2})", E.DIV0),
    # matrices
    ("=MDETERM({1,2;3,4})", -2.0), ("=MDETERM({3,6,1;1,1,0;3,10,2})", 1.0), ("=MDETERM({1,2;3,4;5,6})", E.VALUE),
    ("=MDETERM({1,2;3,\"a\"})", E.VALUE), ("=MDETERM({1,#N/A;1,2})", E.NA), ("=MINVERSE({1,2;2,4})", E.NUM),
    ("=MINVERSE(4)", 0.25), ("=MMULT(2,3)", 6.0), ("=MMULT({1,\"a\"},{1;1})", E.VALUE),
    ("=MMULT({1,2},{1;1;1})", E.VALUE), ("=MMULT({1,#N/A},{1;1})", E.NA), ("=MUNIT(0)", E.VALUE),
    # SUBTOTAL skips cells that are themselves subtotals (C1:C4 holds one); errors propagate except for COUNT
    ("=SUBTOTAL(9,C1:C4)", 6.0), ("=SUBTOTAL(109,C1:C4)", 6.0), ("=SUBTOTAL(1,C1:C4)", 2.0),
    ("=SUBTOTAL(2,C1:C4)", 3.0), ("=SUBTOTAL(3,A1:A6)", 5.0), ("=SUBTOTAL(4,C1:C4)", 3.0), ("=SUBTOTAL(5,C1:C4)", 1.0),
    ("=SUBTOTAL(6,C1:C4)", 6.0), ("=SUBTOTAL(7,C1:C4)", 1.0), ("=SUBTOTAL(8,C1:C4)", 0.816496580927726),
    ("=SUBTOTAL(10,C1:C4)", 1.0), ("=SUBTOTAL(11,C1:C4)", 2 / 3), ("=SUBTOTAL(9,A1:A6,C1:C4)", 12.0),
    ("=SUBTOTAL(9,E1:E3)", E.DIV0), ("=SUBTOTAL(2,E1:E3)", 2.0), ("=SUBTOTAL(3,E1:E3)", 3.0),
    ("=SUBTOTAL(12,C1:C4)", E.VALUE), ("=SUBTOTAL(9,{1,2})", E.VALUE), ("=SUBTOTAL(1,D1:D3)", E.DIV0),
    ("=SUBTOTAL(4,D1:D3)", 0.0), ("=SUBTOTAL(7,A1)", E.DIV0),
    # AGGREGATE: options 2, 3, 6, 7 ignore errors; 14-19 take an array and k
    ("=AGGREGATE(9,6,E1:E3)", 4.0), ("=AGGREGATE(9,4,E1:E3)", E.DIV0), ("=AGGREGATE(9,0,C1:C4)", 6.0),
    ("=AGGREGATE(9,4,C1:C4)", 12.0), ("=AGGREGATE(3,6,E1:E3)", 2.0), ("=AGGREGATE(12,0,{1,5,3,9})", 4.0),
    ("=AGGREGATE(13,0,{1,2,2,3})", 2.0), ("=AGGREGATE(13,0,{1,2,3})", E.NA),
    ("=AGGREGATE(14,6,{1,2,3}/{1,0,1},1)", 3.0), ("=AGGREGATE(14,6,{1,2,3}/{1,0,1},2)", 1.0),
    ("=AGGREGATE(15,6,{4,2,3},1)", 2.0), ("=AGGREGATE(15,6,{4,2,3},4)", E.NUM), ("=AGGREGATE(14,6,A1:A6,B1)", 3.0),
    ("=AGGREGATE(16,0,{1,2,3,4},0.3)", 1.9), ("=AGGREGATE(17,0,{1,2,3,4},1)", 1.75),
    ("=AGGREGATE(18,0,{1,2,3,4},0.3)", 1.5), ("=AGGREGATE(18,0,{1,2,3,4},0.1)", E.NUM),
    ("=AGGREGATE(19,0,{1,2,3,4},1)", 1.25), ("=AGGREGATE(19,0,{1,2,3,4},0)", E.NUM),
    ("=AGGREGATE(14,6,{1,2})", E.VALUE), ("=AGGREGATE(20,0,A1:A6)", E.VALUE), ("=AGGREGATE(9,8,A1:A6)", E.VALUE),
]


same = partial(oracle.same, abs=1e-15, unwrap=True)  # this module's tolerance


@pytest.fixture(scope="module")
def wb(wb):
    # A1:A6 = 1, 2, TRUE, "4", blank, 3 ; B1:B6 = 1..6 ; C1:C4 = 1, 2, 3 and a subtotal of them
    wb.set_values([("Sheet1", r, 1, v) for r, v in enumerate([1.0, 2.0, True, "4", None, 3.0], 1)])
    wb.set_values([("Sheet1", r, 2, float(r)) for r in range(1, 7)])
    wb.set_values([("Sheet1", r, 3, float(r)) for r in range(1, 4)])
    wb.set_formula("Sheet1", 4, 3, "=SUBTOTAL(9,C1:C3)")
    wb.set_values([("Sheet1", 1, 4, "x")])  # D1:D3 has no numbers
    wb.set_values([("Sheet1", 1, 5, 1.0), ("Sheet1", 3, 5, 3.0)])
    wb.set_formula("Sheet1", 2, 5, "=1/0")  # E1:E3 = 1, #DIV/0!, 3
    return wb


@pytest.mark.parametrize("formula, expected", CASES)
def test_formula(wb, formula, expected):
    got = wb.evaluate(formula, "Sheet1", 10, 10)
    assert same(got, expected), f"{formula} gave {got!r}, expected {expected!r}"


def test_mmult_returns_the_product_array(wb):
    got = wb.evaluate("=MMULT({1,2;3,4},{5,6;7,8})")
    assert got.tolist() == [[19.0, 22.0], [43.0, 50.0]]
    assert all(type(v) is float for v in got.flat)


def test_mmult_of_ranges_spills(wb):
    wb.set_formula("Sheet1", 20, 1, "=MMULT(B1:B2,TRANSPOSE(B1:B2))", dynamic=True)
    assert [wb.get("Sheet1", r, c) for r in (20, 21) for c in (1, 2)] == [1.0, 2.0, 2.0, 4.0]


def test_minverse_times_matrix_is_identity(wb):
    got = wb.evaluate("=MMULT(MINVERSE({4,7;2,6}),{4,7;2,6})")
    assert np.allclose(got.astype(float), np.eye(2))
    assert wb.evaluate("=MINVERSE({1,2;3,4})").tolist() == [[-2.0, 1.0], [1.5, -0.5]]


def test_transpose_and_munit(wb):
    assert wb.evaluate("=TRANSPOSE({1,2,3;4,5,6})").tolist() == [[1.0, 4.0], [2.0, 5.0], [3.0, 6.0]]
    assert wb.evaluate("=TRANSPOSE({1,#N/A})")[1, 0] == E.NA
    assert wb.evaluate("=MUNIT(3)").tolist() == np.eye(3).tolist()
