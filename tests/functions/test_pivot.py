"""GROUPBY and PIVOTBY over a small sales table (values worked by hand from Microsoft's description of the
arguments; IronCalc has neither function, so there is no oracle to run)."""
from __future__ import annotations

import numpy as np
import pytest

from oracle import check, new_workbook

DATA = [("Year", "Region", "Product", "Sales"), (2023.0, "East", "A", 10.0), (2023.0, "West", "B", 20.0),
        (2024.0, "East", "A", 5.0), (2024.0, "East", "B", 7.0), (2023.0, "East", "B", 1.0),
        (2024.0, "West", "A", 100.0)]


@pytest.fixture(scope="module")
def wb():
    return new_workbook([(i + 1, j + 1, v) for i, row in enumerate(DATA) for j, v in enumerate(row)])


CASES = [
    ("=GROUPBY(A2:A7,D2:D7,SUM)", [[2023.0, 31.0], [2024.0, 112.0], ["Total", 143.0]]),
    # automatic headers: the values start with text then a number; one level, so they are not shown
    ("=GROUPBY(A1:A7,D1:D7,SUM)", [[2023.0, 31.0], [2024.0, 112.0], ["Total", 143.0]]),
    ("=GROUPBY(A1:A7,D1:D7,SUM,3)", [["Year", "Sales"], [2023.0, 31.0], [2024.0, 112.0], ["Total", 143.0]]),
    ("=GROUPBY(A2:A7,D2:D7,SUM,2,0)", [["Row Field 1", "Value"], [2023.0, 31.0], [2024.0, 112.0]]),
    ("=GROUPBY(B2:B7,D2:D7,SUM,,,-2)", [["West", 120.0], ["East", 23.0], ["Total", 143.0]]),  # by sales, descending
    ("=GROUPBY(A2:A7,D2:D7,SUM,,-1)", [["Total", 143.0], [2023.0, 31.0], [2024.0, 112.0]]),  # the total on top
    # two levels: subtotals by default, the parent's key on its subtotal row
    ("=GROUPBY(A2:B7,D2:D7,SUM)", [[2023.0, "East", 11.0], [2023.0, "West", 20.0], [2023.0, "", 31.0],
                                   [2024.0, "East", 12.0], [2024.0, "West", 100.0], [2024.0, "", 112.0],
                                   ["Total", "", 143.0]]),
    ("=GROUPBY(A2:B7,D2:D7,SUM,,-2)", [["Total", "", 143.0], [2023.0, "", 31.0], [2023.0, "East", 11.0],
                                       [2023.0, "West", 20.0], [2024.0, "", 112.0], [2024.0, "East", 12.0],
                                       [2024.0, "West", 100.0]]),
    ("=GROUPBY(A2:B7,D2:D7,SUM,,1,{-1,2},,1)", [[2024.0, "East", 12.0], [2024.0, "West", 100.0],
                                               [2023.0, "East", 11.0], [2023.0, "West", 20.0], ["Total", "", 143.0]]),
    ("=GROUPBY(A2:A7,D2:D7,HSTACK(SUM,AVERAGE,COUNT),0,0)",
     [[2023.0, 31.0, 31 / 3, 3.0], [2024.0, 112.0, 112 / 3, 3.0]]),
    ("=GROUPBY(A2:A7,D2:D7,PERCENTOF)", [[2023.0, 31 / 143], [2024.0, 112 / 143], ["Total", 1.0]]),
    ("=GROUPBY(A2:A7,D2:D7,LAMBDA(x,MAX(x)-MIN(x)),0,0)", [[2023.0, 19.0], [2024.0, 95.0]]),
    ('=GROUPBY(A2:A7,D2:D7,SUM,,,,B2:B7="East")', [[2023.0, 11.0], [2024.0, 12.0], ["Total", 23.0]]),
    ("=PIVOTBY(A2:A7,B2:B7,D2:D7,SUM)", [["", "East", "West", "Total"], [2023.0, 11.0, 20.0, 31.0],
                                        [2024.0, 12.0, 100.0, 112.0], ["Total", 23.0, 120.0, 143.0]]),
    ("=PIVOTBY(A2:A7,C2:C7,D2:D7,SUM,,0,,0,-1)", [["", "B", "A"], [2023.0, 21.0, 10.0], [2024.0, 7.0, 105.0]]),
    ("=PIVOTBY(A2:A7,B2:B7,D2:D7,PERCENTOF,,0,,0,,,2)", [["", "East", "West"], [2023.0, 11 / 143, 20 / 143],
                                                        [2024.0, 12 / 143, 100 / 143]]),
    ("=PIVOTBY(B2:B7,A2:A7,D2:D7,COUNT,,0,,0)", [["", 2023.0, 2024.0], ["East", 2.0, 2.0], ["West", 1.0, 1.0]]),
    # several functions: a column each within every column group, named on a row of their own
    ("=PIVOTBY(A2:A7,B2:B7,D2:D7,HSTACK(SUM,COUNT),,0)",
     [["", "East", "East", "West", "West", "Total", "Total"], ["", "SUM", "COUNT", "SUM", "COUNT", "SUM", "COUNT"],
      [2023.0, 11.0, 2.0, 20.0, 1.0, 31.0, 3.0], [2024.0, 12.0, 2.0, 100.0, 1.0, 112.0, 3.0]]),
    # several value columns: named by their headers
    ("=PIVOTBY(A1:A7,B1:B7,HSTACK(D1:D7,C1:C7),HSTACK(SUM,COUNTA),,0,,0)",
     [["", "East", "East", "East", "East", "West", "West", "West", "West"],
      [""] + ["Sales SUM", "Sales COUNTA", "Product SUM", "Product COUNTA"] * 2,
      [2023.0, 11.0, 2.0, 0.0, 2.0, 20.0, 1.0, 0.0, 1.0], [2024.0, 12.0, 2.0, 0.0, 2.0, 100.0, 1.0, 0.0, 1.0]]),
]


@pytest.mark.parametrize("formula,expected", CASES)
def test_summaries(wb, formula, expected):
    got = wb.evaluate(formula)
    assert isinstance(got, np.ndarray), (formula, got)
    assert got.shape == (len(expected), len(expected[0])), (formula, got)
    for row, want in zip(got.tolist(), expected):
        assert row == [pytest.approx(w) if isinstance(w, float) else w for w in want], (formula, row)


ERRORS = [
    ("=GROUPBY(A2:A7,D2:D6,SUM)", "#VALUE!"),  # different heights
    ("=GROUPBY(A2:A7,D2:D7,5)", "#VALUE!"),  # not a function
    ("=GROUPBY(A2:A7,D2:D7,SUM,,5)", "#VALUE!"),  # deeper than the fields
    ("=GROUPBY(A2:A7,D2:D7,SUM,,,9)", "#VALUE!"),  # no such column to sort by
    ('=GROUPBY(A2:A7,D2:D7,SUM,,,,B2:B7="North")', "#CALC!"),  # nothing left
]


@pytest.mark.parametrize("formula,expected", ERRORS)
def test_errors(wb, formula, expected):
    check(wb, formula, expected)
