"""FORECAST.ETS, .CONFINT, .SEASONALITY and .STAT.

Tolerance, stated honestly: Microsoft documents the model (additive error, trend and season, fitted by maximum
likelihood) and the argument rules, but publishes no worked numbers, and its initialisation and optimiser are not
documented. These tests therefore pin (1) exact results where any correct AAA smoothing must be exact (a straight
line, a noise-free line plus season), (2) Excel's documented argument rules and errors, and (3) on noisy data,
that forecasts stay within a few noise widths of the truth and the prediction interval widens with the horizon.
On noisy real data gdsheet's forecast can differ from Excel's in the second or third significant digit, and the
fitted alpha/beta/gamma more than that.
"""
import math
from datetime import date

import numpy as np
import pytest

from oracle import check, new_workbook

SEASON = [10.0, -4.0, 3.0, -9.0]  # a season of 4 summing to 0


def truth(t: float) -> float:
    return 100 + 2 * t + SEASON[int(t) % 4]


NOISE = np.random.default_rng(20240611).normal(0, 1.5, 40)


@pytest.fixture(scope="module")
def wb():
    cells = []
    for t in range(1, 25):  # A: time 1..24, B: noise-free line + season, C: with noise, D: a straight line
        cells += [(t, 1, float(t)), (t, 2, truth(t)), (t, 3, truth(t) + float(NOISE[t])), (t, 4, 5.0 - 0.5 * t)]
    # E/F: month starts (serial dates) from Jan 2015, 28 months, G: a timeline with a gap at 7 (H values)
    months = [(date(2015 + i // 12, 1 + i % 12, 1) - date(1899, 12, 30)).days for i in range(28)]
    cells += [(i + 1, 5, float(m)) for i, m in enumerate(months)] + [(i + 1, 6, 50.0 + i) for i in range(28)]
    gap = [t for t in range(1, 13) if t != 7]
    cells += [(i + 1, 7, float(t)) for i, t in enumerate(gap)] + [(i + 1, 8, 3.0 * t) for i, t in enumerate(gap)]
    return new_workbook(cells)


@pytest.mark.parametrize("target", [25, 26, 27, 28, 31.0])
def test_a_noise_free_season_is_forecast_exactly(wb, target):
    check(wb, f"=FORECAST.ETS({target},B1:B24,A1:A24)", truth(target), rel=1e-9)
    check(wb, f"=FORECAST.ETS({target},B1:B24,A1:A24,4)", truth(target), rel=1e-9)


def test_a_straight_line_continues(wb):
    check(wb, "=FORECAST.ETS(30,D1:D24,A1:A24)", 5.0 - 0.5 * 30, rel=1e-9)
    check(wb, "=FORECAST.ETS(30,D1:D24,A1:A24,0)", 5.0 - 0.5 * 30, rel=1e-9)
    check(wb, "=FORECAST.ETS(30.5,D1:D24,A1:A24,0)", 5.0 - 0.5 * 30.5, rel=1e-9)  # between two steps
    check(wb, "=FORECAST.ETS.CONFINT(30,D1:D24,A1:A24)", 0.0, abs=1e-6)  # no error, no uncertainty


def test_season_length_and_step_are_detected(wb):
    check(wb, "=FORECAST.ETS.SEASONALITY(B1:B24,A1:A24)", 4.0)
    check(wb, "=FORECAST.ETS.SEASONALITY(C1:C24,A1:A24)", 4.0)
    check(wb, "=FORECAST.ETS.SEASONALITY(D1:D24,A1:A24)", 0.0)  # a line has no season
    check(wb, "=FORECAST.ETS.STAT(C1:C24,A1:A24,8)", 1.0)
    # month starts are 28 to 31 days apart: the step is the commonest gap, 31 days (as Excel reports for them)
    check(wb, "=FORECAST.ETS.STAT(F1:F28,E1:E28,8)", 31.0)
    may_2017 = (date(2017, 5, 1) - date(1899, 12, 30)).days
    # 50, 51, ... 77 for Jan 2015 to Apr 2017: May 2017 is 30 days on, taken as one whole step
    check(wb, f"=FORECAST.ETS({may_2017},F1:F28,E1:E28,0)", 78.0, rel=1e-9)


def test_noisy_forecasts_stay_near_the_truth(wb):
    sigma = 1.5
    for target in (25, 26, 28):
        got = wb.evaluate(f"=FORECAST.ETS({target},C1:C24,A1:A24)")
        assert abs(got - truth(target)) < 3 * sigma, (target, got)
    widths = [wb.evaluate(f"=FORECAST.ETS.CONFINT({t},C1:C24,A1:A24)") for t in (25, 30, 40)]
    assert 0.5 * sigma < widths[0] < 4 * sigma and widths[0] <= widths[1] <= widths[2]
    narrow = wb.evaluate("=FORECAST.ETS.CONFINT(25,C1:C24,A1:A24,0.5)")
    assert narrow == pytest.approx(widths[0] * 0.6744897501960817 / 1.959963984540054)


def test_statistics(wb):
    for kind in (1, 2, 3):
        assert 0.0 <= wb.evaluate(f"=FORECAST.ETS.STAT(C1:C24,A1:A24,{kind})") <= 1.0
    mae, rmse = (wb.evaluate(f"=FORECAST.ETS.STAT(C1:C24,A1:A24,{k})") for k in (6, 7))
    assert 0 < mae <= rmse < 3 * 1.5
    check(wb, "=FORECAST.ETS.STAT(B1:B24,A1:A24,6)", 0.0, abs=1e-6)  # noise-free: no one-step error
    check(wb, "=FORECAST.ETS.STAT(B1:B24,A1:A24,4)", 0.0, abs=1e-6)
    assert 0 < wb.evaluate("=FORECAST.ETS.STAT(C1:C24,A1:A24,5)") < 0.05


def test_timeline_order_duplicates_and_gaps(wb):
    # the timeline need not be sorted
    check(wb, "=FORECAST.ETS(5,{3,4,1,2},{3,4,1,2})", 5.0, rel=1e-9)
    # equal times are aggregated: AVERAGE by default, SUM with aggregation 7
    check(wb, "=FORECAST.ETS(4,{1,2,2,3},{1,2,2,3})", 4.0, rel=1e-9)  # 2 and 2 average to 2
    check(wb, "=FORECAST.ETS(4,{1,1,1,3},{1,2,2,3},0,1,7)", 4.0, rel=1e-9)  # 1+1 = 2: 1, 2, 3 again
    # a missing point is completed from its neighbours (a line stays a line), or with 0 when data_completion is 0
    check(wb, "=FORECAST.ETS(13,H1:H11,G1:G11,0)", 39.0, rel=1e-9)
    check(wb, "=FORECAST.ETS.STAT(H1:H11,G1:G11,6,0)", 0.0, abs=1e-9)  # completed: a perfect line
    assert wb.evaluate("=FORECAST.ETS.STAT(H1:H11,G1:G11,6,0,0)") > 1.0  # a 0 at time 7: one-step errors


@pytest.mark.parametrize("formula,expected", [
    ("=FORECAST.ETS(25,B1:B24,A1:A23)", "#N/A"),  # sizes differ
    ("=FORECAST.ETS(5,{1,2,3,4},{1,2,3.5,4})", "#NUM!"),  # no consistent step
    ("=FORECAST.ETS(20,B1:B24,A1:A24)", "#NUM!"),  # before the end of the timeline
    ("=FORECAST.ETS(25,B1:B24,A1:A24,8761)", "#NUM!"), ("=FORECAST.ETS(25,B1:B24,A1:A24,2.5)", "#NUM!"),
    ("=FORECAST.ETS(25,B1:B24,A1:A24,13)", "#NUM!"),  # 24 points are less than two seasons of 13
    ("=FORECAST.ETS(25,B1:B24,A1:A24,1,2)", "#NUM!"), ("=FORECAST.ETS(25,B1:B24,A1:A24,1,1,8)", "#NUM!"),
    ("=FORECAST.ETS.CONFINT(25,B1:B24,A1:A24,1)", "#NUM!"), ("=FORECAST.ETS.CONFINT(25,B1:B24,A1:A24,0)", "#NUM!"),
    ("=FORECAST.ETS.STAT(B1:B24,A1:A24,9)", "#NUM!"), ("=FORECAST.ETS.STAT(B1:B24,A1:A24,0)", "#NUM!"),
    ("=FORECAST.ETS(5,{1,2},{1,2})", "#NUM!"), ('=FORECAST.ETS(5,{1,2,3},{1,"a",3})', "#VALUE!"),
    ("=FORECAST.ETS(5,{1,2,3},{1,2,#DIV/0!})", "#DIV/0!"), ("=FORECAST.ETS(20,{1,2,3},{1,5,20})", "#NUM!"),
    ("=FORECAST.ETS(5,{1,2,3},{1,2,1E+300})", "#NUM!"),  # refused before a series of 1E+300 points is made
])
def test_errors(wb, formula, expected):
    check(wb, formula, expected)


def test_a_far_horizon_is_computed_in_closed_form(wb):
    width = wb.evaluate("=FORECAST.ETS.CONFINT(1E+15,C1:C24,A1:A24)")
    assert isinstance(width, float) and width > wb.evaluate("=FORECAST.ETS.CONFINT(1E+6,C1:C24,A1:A24)")


def test_a_range_of_targets_spills(wb):
    got = wb.evaluate("=FORECAST.ETS({25;26},B1:B24,A1:A24)")
    assert [v for (v,) in got.tolist()] == pytest.approx([truth(25), truth(26)], rel=1e-9)
    assert not any(math.isnan(v) for (v,) in got.tolist())
