"""CORREL, COVARIANCE, SLOPE, INTERCEPT, RSQ, STEYX, FORECAST, TREND and LINEST."""
import numpy as np
import pytest

from gdsheet import errors as E

Y7, X7 = "{2,3,9,1,8,7,5}", "{6,5,11,7,5,4,4}"  # Microsoft's SLOPE/STEYX/RSQ example


@pytest.fixture(scope="module")
def wb(wb):
    # A1:A5 known y with a text cell, B1:B5 known x
    wb.set_values([("Sheet1", r, 1, v) for r, v in enumerate([1.0, 3.0, "n/a", 5.0, 4.0], start=1)]
                  + [("Sheet1", r, 2, float(r)) for r in range(1, 6)])
    return wb


@pytest.mark.parametrize("formula,expected", [
    (f"=SLOPE({Y7},{X7})", 0.305555556), (f"=STEYX({Y7},{X7})", 3.305718950), (f"=RSQ({Y7},{X7})", 0.05795),
    ("=INTERCEPT({2,3,9,1,8},{6,5,11,7,5})", 0.0483871), ("=CORREL({3,2,4,5,6},{9,7,12,15,17})", 0.997054486),
    ("=PEARSON({9,7,5,3,1},{10,6,1,5,3})", 0.699379), ("=COVARIANCE.P({3,2,4,5,6},{9,7,12,15,17})", 5.2),
    ("=COVAR({3,2,4,5,6},{9,7,12,15,17})", 5.2), ("=COVARIANCE.S({2,4,8},{5,11,12})", 9.666666667),
    ("=FORECAST.LINEAR(30,{6,7,9,15,21},{20,28,31,38,40})", 10.607253),
    ("=FORECAST(30,{6,7,9,15,21},{20,28,31,38,40})", 10.607253),
])
def test_documented_examples(wb, formula, expected):
    assert wb.evaluate(formula) == pytest.approx(expected, rel=1e-5)


@pytest.mark.parametrize("formula,expected", [
    ("=SLOPE(A1:A5,B1:B5)", 0.8), ("=INTERCEPT(A1:A5,B1:B5)", 0.85),  # the pair holding text is skipped
    ("=SLOPE({1,2},{1,2,3})", E.NA), ("=SLOPE({1,2},{3,3})", E.DIV0), ("=CORREL({1,2,3},{5,5,5})", E.DIV0),
    ("=STEYX({1,2},{1,2})", E.DIV0), ("=COVARIANCE.S({1},{2})", E.DIV0), ("=SLOPE({1,2},{1,#N/A})", E.NA),
    ("=FORECAST(1,{1,2},{3,3})", E.DIV0), ("=LINEST(A1:A5,B1:B5)", E.VALUE), ("=LINEST({1,2,3},{1,2})", E.REF),
])
def test_quirks(wb, formula, expected):
    got = wb.evaluate(formula)
    assert got == (pytest.approx(expected) if isinstance(expected, float) else expected)


def test_linest_with_stats_is_the_five_row_block(wb):
    out = wb.evaluate("=LINEST({1,3,2,5,4},{1,2,3,4,5},TRUE,TRUE)")
    assert out.shape == (5, 2)
    expected = [[0.8, 0.6], [0.346410162, 1.148912529], [0.64, 1.095445115], [5.333333333, 3.0], [6.4, 3.6]]
    assert out.astype(float) == pytest.approx(np.array(expected), rel=1e-8)


def test_linest_multiple_regression_matches_numpy(wb):
    rng = np.random.default_rng(3)
    x = rng.normal(size=(12, 3))
    y = x @ [1.5, -2.0, 0.5] + 4 + rng.normal(scale=0.1, size=12)
    rows = ";".join(",".join(repr(float(v)) for v in r) for r in x)
    ys = ";".join(repr(float(v)) for v in y)
    out = wb.evaluate(f"=LINEST({{{ys}}},{{{rows}}},TRUE,TRUE)")
    a = np.column_stack([x, np.ones(12)])
    beta, ss_resid = np.linalg.lstsq(a, y, rcond=None)[:2]
    assert out[0].astype(float) == pytest.approx([beta[2], beta[1], beta[0], beta[3]], rel=1e-10)
    sigma2 = ss_resid[0] / 8
    se = np.sqrt(np.diag(sigma2 * np.linalg.inv(a.T @ a)))
    assert out[1].astype(float) == pytest.approx([se[2], se[1], se[0], se[3]], rel=1e-8)
    assert out[3, 1] == 8.0 and out[2, 2] == E.NA and out[4, 3] == E.NA
    assert out[4, 1] == pytest.approx(ss_resid[0], rel=1e-9)


def test_linest_without_constant_and_with_collinear_columns(wb):
    out = wb.evaluate("=LINEST({1;3;2;5;4},{1,2;2,4;3,6;4,8;5,10},TRUE,TRUE)")
    # the second column is twice the first: Excel gives it a coefficient and standard error of 0
    assert out[0].astype(float) == pytest.approx([0.0, 0.8, 0.6])
    assert out[1, 0] == 0.0 and out[3, 1] == 3.0
    out = wb.evaluate("=LINEST({2,4,6.5},{1,2,3},FALSE,TRUE)")
    assert float(out[0, 0]) == pytest.approx((2 + 8 + 19.5) / 14) and out[0, 1] == 0.0 and out[1, 1] == E.NA


@pytest.mark.parametrize("formula,expected", [
    ("=TREND({1,2,4})", [[5 / 6, 14 / 6, 23 / 6]]),  # a row in, a row out
    ("=TREND({1;2;4})", [[5 / 6], [14 / 6], [23 / 6]]),
    ("=TREND({1;2;4},{1;2;3},{4;5})", [[32 / 6], [41 / 6]]),
    ("=TREND({1;2;4},{1;2;3},{4,5})", [[32 / 6, 41 / 6]]),  # one variable: the shape of new_xs
    ("=TREND({3;5;8;9},{1,0;2,0;3,1;4,1},{5,1})", [[10.75]]),
    ("=TREND({2;4;6},{1;2;3},{4},FALSE)", [[8.0]]),
])
def test_trend(wb, formula, expected):
    got = wb.evaluate(formula)
    assert got.astype(float) == pytest.approx(np.array(expected))


# ---- GROWTH and LOGEST: Microsoft's example, units sold in months 11 to 16 -----------------------------------

MONTHS, UNITS = "{11;12;13;14;15;16}", "{33100;47300;69000;102000;150000;220000}"


def test_logest_documented_example(wb):
    got = wb.evaluate(f"=LOGEST({UNITS},{MONTHS},TRUE,TRUE)")
    expected = [[1.463275628, 495.3047702], [0.002633403, 0.035834282], [0.99980862, 0.011016315],
                [20896.8011, 4.0], [2.536018830, 0.000485437]]
    # Microsoft's page prints ssreg as 2.536260454, which does not add up: ssreg + ssresid must be the total sum of
    # squares of ln(y), 2.536504267, and F = ssreg / (ssresid / 4) = 20896.8011 (as printed) needs 2.536018830
    assert got.shape == (5, 2)
    for row, want in zip(got.tolist(), expected):
        assert row == pytest.approx(want, rel=1e-6)


def test_growth_documented_example(wb):
    fitted = wb.evaluate(f"=GROWTH({UNITS},{MONTHS})")
    assert fitted.shape == (6, 1)
    assert [v for (v,) in fitted.tolist()] == pytest.approx(
        [32618.20377, 47729.42261, 69841.30086, 102197.0734, 149542.4867, 218821.8762], rel=1e-9)
    predicted = wb.evaluate(f"=GROWTH({UNITS},{MONTHS},{{17;18}})")
    assert predicted[0, 0] == pytest.approx(320196.7184, rel=1e-9)
    # Microsoft prints 468536.3104 for month 18, but the fitted m is 1.463275628 and 320196.7184 * m = 468536.054:
    # the page's last digits are not consistent with its own other numbers
    assert predicted[1, 0] == pytest.approx(468536.3104, rel=1e-6)


@pytest.mark.parametrize("formula,expected", [
    ("=LOGEST({2,4,8,16})", [[2.0, 1.0]]),  # known_xs default to 1, 2, 3 ...
    # b forced to 1: ln m = sum(x ln y) / sum(x^2)
    ("=LOGEST({3,6,12},{1,2,3},FALSE)", [[np.exp((np.log(3) + 2 * np.log(6) + 3 * np.log(12)) / 14), 1.0]]),
    ("=GROWTH({2,4,8,16},,{5,6})", [[32.0, 64.0]]),
    ("=LOGEST({1,0,4})", E.NUM), ("=GROWTH({1,-2,4})", E.NUM), ("=LOGEST({1,\"a\",4})", E.VALUE),
    ("=GROWTH({1,2},{1,2,3})", E.REF), ("=GROWTH({1,2,4},{1,2,3},{10000})", [[E.NUM]]),
])
def test_growth_logest_rules(wb, formula, expected):
    got = wb.evaluate(formula)
    if isinstance(expected, list):
        assert got.tolist() == [[pytest.approx(v) if isinstance(v, float) else v for v in row] for row in expected]
    else:
        assert got == expected


def test_logest_statistics_are_linest_of_ln_y(wb):
    # Excel documents that LOGEST's statistics rows are those of the line through ln(y)
    logest = wb.evaluate("=LOGEST({3,7,8,20,41},{1,2,3,4,5},TRUE,TRUE)")
    linest = wb.evaluate("=LINEST(LN({3,7,8,20,41}),{1,2,3,4,5},TRUE,TRUE)")
    assert np.exp(linest[0].astype(float)).tolist() == pytest.approx(logest[0].astype(float).tolist())
    assert logest[1:, :].tolist() == [[pytest.approx(v) if isinstance(v, float) else v for v in row]
                                     for row in linest[1:, :].tolist()]
