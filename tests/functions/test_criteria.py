"""Excel's criteria language (COUNTIF and friends), cell by cell."""
import numpy as np
import pytest

from gdsheet import errors as E
from gdsheet.functions.criteria import criterion, matches

from oracle import new_workbook

# the cells every criterion is tried on, in order
CELLS = [1.0, "1", True, "TRUE", None, "", "abc", "ABC", E.NA, 10.0, "10", 0.0, "a*c", "1.0", E.DIV0, "ab", ">5",
         False]

# which of CELLS each criterion matches (1) or not (0); measured against IronCalc, which agrees on every row but
# '=' (Excel: truly empty cells only) and '<>abc' (Excel: every cell that is not abc, blanks and numbers included)
TABLE = [
    (1.0, "110000000000010000"),  # numeric text equal to the number matches too
    ("1", "110000000000010000"),
    ("=1", "110000000000010000"),
    ("1.0", "110000000000010000"),
    (">5", "000000000100000000"),  # ordered comparisons see numbers only, never numeric text
    (">=1", "100000000100000000"),
    ("<1", "000000000001000000"),  # a blank is not 0 here
    ("<=0", "000000000001000000"),
    ("<>1", "001111111111101111"),  # the exact complement of "=1": blanks and errors included
    (True, "001000000000000000"),  # booleans match booleans only
    ("TRUE", "001000000000000000"),
    ("<>TRUE", "110111111111111111"),
    (False, "000000000000000001"),
    ("", "000011000000000000"),  # empty cells and empty text
    ("=", "000010000000000000"),  # truly empty cells only
    ("<>", "111101111111111111"),  # anything not truly empty
    ("abc", "000000110000000000"),  # text equality ignores case
    ("=abc", "000000110000000000"),
    ("<>abc", "111111001111111111"),
    ("a*", "000000110000100100"),
    ("a?c", "000000110000100000"),
    ("~*", "000000000000000000"),  # ~ escapes a wildcard
    ("a~*c", "000000000000100000"),
    ("<>a*", "111111001111011011"),
    ("*", "010101110010110110"),  # any text, empty text included
    ("?*", "010100110010110110"),
    ("=a", "000000000000000000"),  # no wildcard, no prefix match
    (">a", "000100110000100100"),  # ordered text comparison sees text cells only
    ("<b", "010001110010110110"),
    (E.NA, "000000001000000000"),  # an error criterion matches that error
    ("#N/A", "000000001000000000"),
    ("#DIV/0!", "000000000000001000"),
    (None, "000000000001000000"),  # a blank criterion cell means 0
    (0.0, "000000000001000000"),
    ("=0", "000000000001000000"),
    (">", "000000000000000000"),  # an operator with nothing after it (other than = and <>) matches nothing
]


@pytest.mark.parametrize("crit,expected", TABLE)
def test_criterion_matches_cells_like_excel(crit, expected):
    pred = criterion(crit)
    assert "".join(str(int(pred(v))) for v in CELLS) == expected


def test_matches_keeps_the_shape():
    arr = np.array([[1.0, "a"], [None, 3.0]], dtype=object)
    assert matches(criterion(">0"), arr).tolist() == [[True, False], [False, True]]


def test_numbers_compare_at_15_digits():
    assert criterion(0.3)(0.1 + 0.2)
    assert criterion("<0.3")(0.1 + 0.2) is False


@pytest.mark.parametrize("crit,expected", [
    ('"<>1"', 15.0), ('"a*"', 4.0), ('""', 2.0), ('"="', 1.0), ("D1", 1.0), ('">"&E1', 1.0), ('"<=1"&""', 2.0),
])
def test_countif_over_a_range_in_the_engine(crit, expected):
    wb = new_workbook()
    for i, v in enumerate(CELLS, start=1):
        if v is not None:
            wb.set_value("Sheet1", i, 1, v)
    wb.set_value("Sheet1", 1, 5, 5.0)
    assert wb.evaluate(f"=COUNTIF(A1:A18,{crit})") == expected
