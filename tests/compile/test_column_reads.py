"""The compiler reads a column's constants in bulk (`column_values`: the sheet's numbers as one array, only the other
cells one by one) and must mean exactly what reading every cell means: Excel's arithmetic coercion, and the mask of
what aggregates count."""
import math

import numpy as np
import pytest

from gdsheet.compile.regions import column_values, excel_numbers
from gdsheet.errors import ExcelError
from gdsheet.sheet.workbook import Workbook

MIXED = [1.5, None, True, "2", "text", ExcelError("#DIV/0!"), 7, False, -0.0, "", 3.25]


def _sheet(values, top=3, col=2):
    wb = Workbook()
    sh = wb.add_sheet("S")
    for i, v in enumerate(values):
        if v is not None:
            sh.cells[(top + i, col)] = v
    return sh


def _same(got, want):
    (gn, gm), (wn, wm) = got, want
    assert np.array_equal(gn, wn, equal_nan=True)
    assert (gm is None) == (wm is None)
    if gm is not None:
        assert np.array_equal(gm, wm)


@pytest.mark.parametrize("values", [MIXED, [1.0, 2.0, 3.0], [None, None], [4, 5.5], ["a", 1.0, None]])
def test_a_bulk_read_means_what_reading_each_cell_means(values):
    sh = _sheet(values)
    want = excel_numbers([sh.cells.get((3 + i, 2)) for i in range(len(values))])
    _same(column_values(sh, 2, 3, 3 + len(values) - 1), want)


def test_the_coercions_of_a_mixed_column():
    nums, mask = column_values(_sheet(MIXED), 2, 3, 3 + len(MIXED) - 1)
    assert nums[:5].tolist()[:4] == [1.5, 0.0, 1.0, 2.0] and math.isnan(nums[4]) and math.isnan(nums[5])
    # numbers and errors are counted by aggregates; blanks, booleans and text are not
    assert mask.tolist() == [True, False, False, False, False, True, True, False, True, False, True]


def test_rows_beyond_the_data_read_as_blanks():
    nums, mask = column_values(_sheet([1.0, 2.0]), 2, 1, 6)
    assert nums.tolist() == [0.0, 0.0, 1.0, 2.0, 0.0, 0.0]
    assert mask.tolist() == [False, False, True, True, False, False]
