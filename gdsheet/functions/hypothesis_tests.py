"""Significance tests that return a probability: T.TEST, Z.TEST, F.TEST, CHISQ.TEST and their older names."""
from __future__ import annotations

import math

import numpy as np

from gdsheet import errors as E
from gdsheet.errors import ExcelError
from gdsheet.functions.registry import excel
from gdsheet.lazy_modules import lazy_module
from gdsheet.values import is_number

st = lazy_module("scipy.stats")

CAT = "Statistical"


def _numbers(a: np.ndarray) -> np.ndarray | ExcelError:
    """The numbers of an array or range: text, booleans and blanks are skipped, the first error is the result."""
    out = []
    for v in a.ravel():
        if isinstance(v, ExcelError):
            return v
        if is_number(v):
            out.append(float(v))
    return np.array(out, dtype=float)


def _paired(a: np.ndarray, b: np.ndarray) -> np.ndarray | ExcelError:
    """The differences of pairs in which both values are numbers; arrays of different sizes are #N/A."""
    if a.size != b.size:
        return E.NA.because("a paired test needs two arrays of the same size")
    for v in (*a.ravel(), *b.ravel()):
        if isinstance(v, ExcelError):
            return v
    return np.array([float(x) - float(y) for x, y in zip(a.ravel(), b.ravel()) if is_number(x) and is_number(y)])


def _probability(p) -> float | ExcelError:
    p = float(p)
    return p if math.isfinite(p) else E.DIV0.because("the data do not vary")


@excel("T.TEST", "values", "values", "num", "num", category=CAT, aliases=("TTEST",),
       syntax="T.TEST(array1, array2, tails, type)",
       summary="The probability from Student's t-test that two samples come from populations with the same mean "
               "(type 1 paired, 2 equal variances, 3 unequal variances).")
def t_test(a: np.ndarray, b: np.ndarray, tails: float, kind: float):
    # tails and type are truncated: tails other than 1 or 2, or type other than 1 to 3, is #NUM!
    tails, kind = math.trunc(tails), math.trunc(kind)
    if tails not in (1, 2) or kind not in (1, 2, 3):
        return E.NUM.because("tails must be 1 or 2 and type 1, 2 or 3")
    if kind == 1:
        d = _paired(a, b)
        if isinstance(d, ExcelError):
            return d
        if len(d) < 2:
            return E.DIV0.because("at least two pairs of numbers are needed")
        sd = d.std(ddof=1)
        if sd == 0:
            return E.DIV0.because("the differences do not vary")
        t, df = d.mean() / (sd / math.sqrt(len(d))), len(d) - 1
    else:
        x, y = _numbers(a), _numbers(b)
        for v in (x, y):
            if isinstance(v, ExcelError):
                return v
        if len(x) < 2 or len(y) < 2:
            return E.DIV0.because("each array needs at least two numbers")
        n1, n2, v1, v2 = len(x), len(y), x.var(ddof=1), y.var(ddof=1)
        if kind == 2:
            df = n1 + n2 - 2
            se = math.sqrt(((n1 - 1) * v1 + (n2 - 1) * v2) / df * (1 / n1 + 1 / n2))
        else:  # Welch's test, with Welch-Satterthwaite's (fractional) degrees of freedom
            q1, q2 = v1 / n1, v2 / n2
            se = math.sqrt(q1 + q2)
            df = (q1 + q2) ** 2 / (q1 * q1 / (n1 - 1) + q2 * q2 / (n2 - 1)) if se else 1.0
        if se == 0:
            return E.DIV0.because("the samples do not vary")
        t = (x.mean() - y.mean()) / se
    return _probability(tails * st.t.sf(abs(t), df))


@excel("Z.TEST", "values", "num", "num", category=CAT, min_args=2, aliases=("ZTEST",),
       syntax="Z.TEST(array, x, [sigma])",
       summary="The one-tailed probability of a z-test: that the mean of a population with the array's values as a "
               "sample is above x (sigma defaults to the sample's standard deviation).")
def z_test(a: np.ndarray, x: float, sigma=None):
    # no numbers is #N/A; one number without sigma, or a sigma of 0, is #DIV/0!
    xs = _numbers(a)
    if isinstance(xs, ExcelError):
        return xs
    if not len(xs):
        return E.NA.because("the array has no numbers")
    if sigma is None:
        if len(xs) < 2:
            return E.DIV0.because("a standard deviation needs at least two numbers")
        sigma = xs.std(ddof=1)
    if sigma == 0:
        return E.DIV0.because("the standard deviation is 0")
    return _probability(st.norm.sf((xs.mean() - x) / (sigma / math.sqrt(len(xs)))))


@excel("F.TEST", "values", "values", category=CAT, aliases=("FTEST",), syntax="F.TEST(array1, array2)",
       summary="The two-tailed probability of an F-test: that two samples' variances are not significantly different.")
def f_test(a: np.ndarray, b: np.ndarray):
    # fewer than two numbers in either array, or a variance of 0, is #DIV/0!
    x, y = _numbers(a), _numbers(b)
    for v in (x, y):
        if isinstance(v, ExcelError):
            return v
    if len(x) < 2 or len(y) < 2:
        return E.DIV0.because("each array needs at least two numbers")
    v1, v2 = x.var(ddof=1), y.var(ddof=1)
    if v1 == 0 or v2 == 0:
        return E.DIV0.because("a sample does not vary")
    d = st.f(len(x) - 1, len(y) - 1)
    f = v1 / v2
    return _probability(min(2 * min(d.cdf(f), d.sf(f)), 1.0))


@excel("CHISQ.TEST", "values", "values", category=CAT, aliases=("CHITEST",),
       syntax="CHISQ.TEST(actual_range, expected_range)",
       summary="The probability of the chi-squared test of independence: how likely the actual counts are if the "
               "expected ones hold.")
def chisq_test(actual: np.ndarray, expected: np.ndarray):
    # ranges of different shapes are #N/A; an expected value of 0 is #DIV/0!, a negative one #NUM!; degrees of
    # freedom are (rows-1)(columns-1), or count-1 for a single row or column
    if actual.shape != expected.shape:
        return E.NA.because("actual_range and expected_range have different shapes")
    rows, cols = actual.shape
    df = (rows - 1) * (cols - 1) if rows > 1 and cols > 1 else rows * cols - 1
    if df < 1:
        return E.NA.because("a single value leaves no degrees of freedom")
    chi = 0.0
    for o, e in zip(actual.ravel(), expected.ravel()):
        for v in (o, e):
            if isinstance(v, ExcelError):
                return v
        if not (is_number(o) and is_number(e)):
            continue
        if e < 0:
            return E.NUM.because("an expected value is negative")
        if e == 0:
            return E.DIV0.because("an expected value is 0")
        chi += (o - e) ** 2 / e
    return _probability(st.chi2.sf(chi, df))
