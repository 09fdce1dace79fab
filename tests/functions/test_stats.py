"""Descriptive statistics and order statistics, against the examples in Microsoft's documentation."""
import numpy as np
import pytest

from gdsheet import errors as E
from gdsheet.sheet import Workbook

NUMS = "1345,1301,1368,1322,1310,1370,1318,1350,1303,1299"  # Microsoft's VAR/STDEV example
SKEWED = "3,4,5,2,3,4,5,6,4,7"


@pytest.fixture(scope="module")
def wb(wb):
    # A1:A6 = 1, TRUE, "3" (text), blank, 5, "x"
    wb.set_values([("Sheet1", 1, 1, 1.0), ("Sheet1", 2, 1, True), ("Sheet1", 3, 1, "3"), ("Sheet1", 5, 1, 5.0),
                   ("Sheet1", 6, 1, "x"), ("Sheet1", 1, 2, E.NA)])
    return wb


@pytest.mark.parametrize("formula,expected", [
    (f"=VAR.S({NUMS})", 754.2666667), (f"=VAR({NUMS})", 754.2666667), (f"=VAR.P({NUMS})", 678.84),
    (f"=VARP({NUMS})", 678.84), (f"=STDEV.S({NUMS})", 27.46391572), (f"=STDEV.P({NUMS})", 26.05455814),
    (f"=KURT({SKEWED})", -0.151799637), (f"=SKEW({SKEWED})", 0.359543071), (f"=SKEW.P({SKEWED})", 0.3031933394),
    ("=DEVSQ(4,5,8,7,11,4,3)", 48.0), ("=AVEDEV(4,5,6,7,5,4,3)", 1.020408163),
    ("=GEOMEAN(4,5,8,7,11,4,3)", 5.476986969), ("=HARMEAN(4,5,8,7,11,4,3)", 5.028375962),
    ("=TRIMMEAN({4,5,6,7,2,3,4,5,1,2,3},0.2)", 3.777777778), ("=MEDIAN(1,2,3,4,5,6)", 3.5),
    ("=MEDIAN(1,2,3,4,5)", 3.0), ("=MODE.SNGL(5.6,4,4,3,2,4)", 4.0), ("=LARGE({3,5,3,5,4,4,2,4,6,7},3)", 5.0),
    ("=SMALL({3,4,5,2,3,4,5,6,4,7},4)", 4.0), ("=PERCENTILE.INC({1,3,2,4},0.3)", 1.9),
    ("=PERCENTILE.EXC({1,2,3,6,6,6,7,8,9},0.25)", 2.5), ("=QUARTILE.INC({1,2,4,7,8,9,10,12},1)", 3.5),
    ("=QUARTILE.EXC({6,7,15,36,39,40,41,42,43,47,49},1)", 15.0),
    ("=QUARTILE.EXC({6,7,15,36,39,40,41,42,43,47,49},3)", 43.0),
    ("=PERCENTRANK.INC({13,12,11,8,4,3,2,1,1,1},2)", 0.333), ("=PERCENTRANK.INC({13,12,11,8,4,3,2,1,1,1},4)", 0.555),
    ("=PERCENTRANK.INC({13,12,11,8,4,3,2,1,1,1},5)", 0.583), ("=PERCENTRANK.EXC({1,2,3,6,6,6,7,8,9},7)", 0.7),
    ("=PERCENTRANK.EXC({1,2,3,6,6,6,7,8,9},5.43)", 0.381), ("=PERCENTRANK.EXC({1,2,3,6,6,6,7,8,9},5.43,1)", 0.3),
    ("=RANK.EQ(7,{7,3.5,3.5,1,2},1)", 5.0), ("=RANK(3.5,{7,3.5,3.5,1,2})", 2.0),
    ("=RANK.AVG(94,{89,88,92,101,94,97,95})", 4.0), ("=RANK.AVG(3.5,{7,3.5,3.5,1,2},1)", 3.5),
    ("=PROB({0,1,2,3},{0.2,0.3,0.1,0.4},2)", 0.1), ("=PROB({0,1,2,3},{0.2,0.3,0.1,0.4},1,3)", 0.8),
])
def test_documented_examples(wb, formula, expected):
    assert wb.evaluate(formula) == pytest.approx(expected, rel=1e-6)


@pytest.mark.parametrize("formula,expected", [
    # inside references only numbers count; typed-in arguments are coerced
    ("=AVERAGE(A1:A6)", 3.0), ('=AVERAGE(A1:A6,TRUE,"3")', 2.5), ("=AVERAGEA(A1:A6)", 1.4),
    ("=COUNT(A1:A6)", 2.0), ('=COUNT(A1:A6,TRUE,"3","x",1/0)', 4.0), ("=COUNTA(A1:A6)", 5.0),
    ("=COUNTA(A1:A6,1/0)", 6.0), ("=COUNTBLANK(A1:A6)", 1.0), ("=COUNT(A1:B6)", 2.0),  # COUNT skips errors
    ("=MAX(A1:A6)", 5.0), ("=MAXA(A1:A6,-1)", 5.0), ("=MINA(A1:A6)", 0.0), ("=MIN(A1:A6)", 1.0),
    ("=MAX(A6)", 0.0), ("=AVERAGE(A6)", E.DIV0), ("=MEDIAN(A6)", E.NUM), ("=AVERAGE(A1:B6)", E.NA),
    ('=SUM(1,"x")', E.VALUE), ('=AVERAGE(1,"x")', E.VALUE), ("=STDEV.S(A1:A6)", 2.8284271247461903),
    ("=STDEVA(A1:A6)", 2.073644135332772), ("=VARPA(A1:A6)", 3.44),
    ("=STDEV(5)", E.DIV0), ("=VAR.P(5)", 0.0), ("=SKEW(1,2)", E.DIV0), ("=SKEW(2,2,2)", E.DIV0),
    ("=KURT(1,2,3)", E.DIV0), ("=GEOMEAN(1,0)", E.NUM), ("=HARMEAN(-1,2)", E.NUM), ("=DEVSQ(A6)", E.NUM),
    ("=MODE(1,2,3)", E.NA), ("=LARGE({1,2,3},4)", E.NUM), ("=LARGE({1,2,3},1.9)", 3.0),
    ("=SMALL({1,2,3},0)", E.NUM), ("=TRIMMEAN({1,2},1)", E.NUM), ("=PERCENTILE.INC({1,2},1.1)", E.NUM),
    ("=PERCENTILE.EXC({1,2,3,4},0.1)", E.NUM), ("=QUARTILE.INC({1,2},5)", E.NUM), ("=QUARTILE.EXC({1,2,3},4)", E.NUM),
    ("=PERCENTRANK({1,2,3},4)", E.NA), ("=PERCENTRANK({1,2,3},2,0)", E.NUM), ("=RANK(4,{1,2,3})", E.NA),
    ("=PROB({1,2},{0.5,0.6},1)", E.NUM), ("=PROB({1,2},{1},1)", E.NA), ("=PERCENTRANK({1,2,2,4,10},3,4)", 0.625),
])
def test_excel_quirks(wb, formula, expected):
    got = wb.evaluate(formula)
    assert got == (pytest.approx(expected) if isinstance(expected, float) else expected)


@pytest.mark.parametrize("formula,expected", [
    ("=MODE.MULT({1,2,3,4,3,2,1,2,3,5,6,1})", [[1.0], [2.0], [3.0]]),
    ("=FREQUENCY({79,85,78,85,50,81,95,88,97},{70,79,89})", [[1.0], [2.0], [4.0], [2.0]]),
    ("=FREQUENCY({1,2,3,4,5},{4,2})", [[2.0], [2.0], [1.0]]),  # bins need not be sorted
    ("=FREQUENCY({1,2,3,4,5},{4;2;2})", [[2.0], [2.0], [0.0], [1.0]]),  # a repeated bin counts once
])
def test_array_results(wb, formula, expected):
    assert wb.evaluate(formula).tolist() == expected


def test_large_aggregates_agree_with_numpy():
    book = Workbook()
    book.add_sheet("S")
    xs = np.random.default_rng(1).normal(10, 3, 500)
    book.set_values([("S", i + 1, 1, float(x)) for i, x in enumerate(xs)])
    assert book.evaluate("=AVERAGE(A1:A500)") == pytest.approx(xs.mean(), rel=1e-12)
    assert book.evaluate("=STDEV.S(A1:A500)") == pytest.approx(xs.std(ddof=1), rel=1e-12)
    assert book.evaluate("=MEDIAN(A1:A500)") == pytest.approx(np.median(xs), rel=1e-12)
    assert book.evaluate("=PERCENTILE.INC(A1:A500,0.37)") == pytest.approx(np.percentile(xs, 37), rel=1e-12)
