"""COUNTIF(S), SUMIF(S), AVERAGEIF(S), MAXIFS, MINIFS through the engine."""
import numpy as np
import pytest

from gdsheet import errors as E
from gdsheet.sheet import Workbook

# A: region, B: sales, C: units, D: a column with text, a boolean, a blank and an error
DATA = [
    ("east", 10.0, 1.0, 1.0),
    ("west", 20.0, 2.0, "x"),
    ("East", 30.0, 3.0, True),
    ("north", 40.0, 4.0, None),
    ("west", 50.0, 5.0, E.DIV0),
    ("", 60.0, 6.0, 6.0),
]


@pytest.fixture(scope="module")
def wb(wb):
    wb.set_values([("Sheet1", r, c, v) for r, row in enumerate(DATA, start=1) for c, v in enumerate(row, start=1)
                   if v is not None])
    wb.set_value("Sheet1", 1, 6, "west")  # F1: a criterion in a cell
    return wb


@pytest.mark.parametrize("formula,expected", [
    ('=COUNTIF(A1:A6,"east")', 2.0),  # case-insensitive
    ('=COUNTIF(A1:A6,"*st")', 4.0),
    ('=COUNTIF(B1:B6,">=30")', 4.0),
    ('=COUNTIF(A1:A6,F1)', 2.0),
    ('=COUNTIF(D1:D6,"#DIV/0!")', 1.0),
    ('=COUNTIF(D1:D6,"<>")', 5.0),
    ('=COUNTIF(A1:A6,"")', 1.0),
    ('=SUMIF(A1:A6,"west",B1:B6)', 70.0),
    ('=SUMIF(B1:B6,">25")', 180.0),  # no sum_range: the range itself is summed
    ('=SUMIF(A1:A6,"west",C1)', 7.0),  # sum_range resized from its top-left cell to A1:A6's shape
    ('=SUMIF(A1:A6,"west",C1:C2)', 7.0),
    ('=SUMIF(A1:A6,"north",D1:D6)', 0.0),  # a blank is not summed
    ('=SUMIF(A1:A6,"west",D1:D6)', E.DIV0),  # an error in a summed cell is the result
    ('=SUMIF(A1:A6,"east",D1:D6)', 1.0),  # booleans are not summed, unmatched errors ignored
    ('=AVERAGEIF(A1:A6,"west",B1:B6)', 35.0),
    ('=AVERAGEIF(A1:A6,"south",B1:B6)', E.DIV0),
    ('=AVERAGEIF(B1:B6,"<35")', 20.0),
    ('=COUNTIFS(A1:A6,"west",B1:B6,">25")', 1.0),
    ('=COUNTIFS(A1:A6,"<>west")', 4.0),
    ('=SUMIFS(B1:B6,A1:A6,"e*",C1:C6,"<3")', 10.0),
    ('=SUMIFS(B1:B6,A1:A6,"e*",C1:C3,"<3")', E.VALUE),  # ranges of different shapes
    ('=SUMIFS(B1:B5,A1:A6,"e*")', E.VALUE),
    ('=AVERAGEIFS(B1:B6,C1:C6,">1",C1:C6,"<5")', 30.0),
    ('=AVERAGEIFS(B1:B6,C1:C6,">10")', E.DIV0),
    ('=MAXIFS(B1:B6,A1:A6,"west")', 50.0),
    ('=MINIFS(B1:B6,A1:A6,"west")', 20.0),
    ('=MAXIFS(B1:B6,A1:A6,"south")', 0.0),  # no match gives 0
    ('=MINIFS(C1:C6,B1:B6,">15",B1:B6,"<45")', 2.0),
    ('=COUNTIFS(A1:A6,"west",B1:B6)', E.VALUE),  # a criteria range without its criteria
])
def test_conditional_aggregates(wb, formula, expected):
    assert wb.evaluate(formula) == expected


def test_array_criteria_spill_one_result_each(wb):
    out = wb.evaluate('=COUNTIF(A1:A6,{"east","west","north"})')
    assert out.tolist() == [[2.0, 2.0, 1.0]]
    out = wb.evaluate('=SUMIFS(B1:B6,A1:A6,{"east";"west"},C1:C6,">1")')
    assert out.tolist() == [[30.0], [70.0]]


def test_a_criteria_range_is_intersected_in_a_legacy_formula_and_spills_in_a_dynamic_one(wb):
    wb.set_formula("Sheet1", 2, 8, "=COUNTIFS(A1:A6,A1:A6)")
    assert wb.get("Sheet1", 2, 8) == 2.0  # the criterion is A2, "west"
    wb.set_formula("Sheet1", 1, 9, "=COUNTIFS(A1:A6,A1:A6)", dynamic=True)
    assert [wb.get("Sheet1", r, 9) for r in range(1, 7)] == [2.0, 2.0, 2.0, 1.0, 2.0, 1.0]


def test_sumif_reads_a_large_range():
    book = Workbook()
    book.add_sheet("S")
    rng = np.random.default_rng(0)
    xs = rng.integers(0, 10, 2000).astype(float)
    book.set_values([("S", i + 1, 1, float(x)) for i, x in enumerate(xs)])
    assert book.evaluate('=SUMIF(A1:A2000,">4")') == float(xs[xs > 4].sum())
