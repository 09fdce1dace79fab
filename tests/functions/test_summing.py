"""The aggregates' bulk path: a big range of numbers reaches SUM, AVERAGE, MIN, MAX and SUMSQ as a float64 array
and must give the bit-for-bit result of the list path (Python's sum, math.fsum, min, max)."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdsheet.functions.summing import exact_sum, running_sum
from gdsheet.sheet.workbook import Workbook

finite = st.floats(allow_nan=False, allow_infinity=False)
spread = st.builds(lambda m, e: m * 2.0 ** e, st.floats(-1, 1), st.integers(-1074, 1000))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(finite, spread), max_size=300))
def test_exact_sum_of_an_array_is_fsum(xs):
    try:
        expected = repr(math.fsum(xs))
    except OverflowError:
        with pytest.raises(OverflowError):
            exact_sum([np.array(xs)])
        return
    assert repr(exact_sum([np.array(xs)])) == expected
    assert repr(exact_sum([np.array(xs[:len(xs) // 2]), xs[len(xs) // 2:]])) == expected  # an array and a list


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(-1e300, 1e300), max_size=200))
def test_running_sum_of_an_array_is_pythons_sum(xs):
    assert repr(running_sum([np.array(xs)])) == repr(float(sum(xs)))


@pytest.mark.parametrize("values", [[math.inf, 1.0], [math.nan, 1.0], [-math.inf, math.inf]])
def test_exact_sum_keeps_fsums_rules_for_inf_and_nan(values):
    try:
        expected = repr(math.fsum(values))
    except ValueError:
        with pytest.raises(ValueError):
            exact_sum([np.array(values)])
        return
    assert repr(exact_sum([np.array(values)])) == expected


def test_a_million_numbers_with_cancellation_sum_exactly():
    rng = np.random.default_rng(1)
    x = np.concatenate([rng.standard_normal(500_000) * 1e12, [1e-3], -rng.standard_normal(500_000) * 1e12])
    assert exact_sum([x]) == math.fsum(x.tolist())


@pytest.mark.parametrize("formula", ["SUM", "AVERAGE", "MIN", "MAX", "SUMSQ", "AVERAGEA", "MINA", "MAXA", "COUNT"])
def test_aggregates_over_a_big_range_read_in_bulk_match_the_cell_by_cell_result(formula):
    # 2,000 numbers with gaps over two columns: big enough for the bulk read; the same numbers typed into the
    # call's arguments one by one go the list path
    rng = np.random.default_rng(7)
    wb = Workbook()
    sh = wb.add_sheet("s")
    numbers, first_hundred_rows = [], []
    for r in range(1, 1001):
        for c in (1, 2):
            if (r + c) % 7:
                v = float(rng.standard_normal() * 10.0 ** rng.integers(-5, 12))
                sh.cells[(r, c)] = v
                numbers.append(v)
                if r <= 100:
                    first_hundred_rows.append(v)
    wb.set_formula("s", 1, 4, f"={formula}(A1:B1000)")
    wb.set_formula("s", 2, 4, f"={formula}(" + ",".join(repr(v) for v in first_hundred_rows) + ")")
    wb.set_formula("s", 3, 4, f"={formula}(A1:B100)")
    wb.recalculate()
    assert repr(wb.get("s", 3, 4)) == repr(wb.get("s", 2, 4))
    expected = {"SUM": float(sum(numbers)), "AVERAGE": math.fsum(numbers) / len(numbers), "MIN": min(numbers),
                "MAX": max(numbers), "SUMSQ": float(sum(x * x for x in numbers)), "COUNT": float(len(numbers))}
    expected.update(AVERAGEA=expected["AVERAGE"], MINA=expected["MIN"], MAXA=expected["MAX"])
    assert repr(wb.get("s", 1, 4)) == repr(expected[formula])


def test_a_range_holding_text_still_reads_cell_by_cell():
    wb = Workbook()
    sh = wb.add_sheet("s")
    for r in range(1, 201):
        sh.cells[(r, 1)] = float(r)
    sh.cells[(50, 1)] = "text"
    wb.set_formula("s", 1, 3, "=AVERAGE(A1:A200)")
    wb.set_formula("s", 2, 3, "=AVERAGEA(A1:A200)")
    wb.recalculate()
    rest = [float(r) for r in range(1, 201) if r != 50]
    assert wb.get("s", 1, 3) == math.fsum(rest) / 199
    assert wb.get("s", 2, 3) == math.fsum(rest) / 200
