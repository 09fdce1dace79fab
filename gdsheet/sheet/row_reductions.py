"""The aggregates a vectorised formula applies along each row (SUM, SUMPRODUCT, AVERAGE...), bit-exact with the
scalar functions of the table when every input is a number.

Each reduction takes `terms`: the values of one row's cells in the order the scalar function sees them (row-major
over each argument, arguments left to right), each a float64 array over the rows of the block (or a 0-d value for a
cell every row shares). The loops here run over the terms (a row's cells, a handful), never over the rows.

Why these agree with the scalar definitions when every input is a number: floating-point addition is not
associative, so agreeing means doing the same additions in the same order, which is what each function below
mirrors, and says what it mirrors:

- SUM, SUMSQ: Python's built-in `sum` over the numbers (math_aggregate.sum_): sequential from the integer 0 up to
  Python 3.11; from 3.12 `sum` compensates (Neumaier), mirrored step for step.
- PRODUCT: `math.prod`, sequential from 1.
- SUMPRODUCT: the element products in argument order (`np.prod(..., axis=0)`), then numpy's `sum`: numpy's
  pairwise sum (8 accumulators in blocks of up to 128, halves above that), checked against numpy in the tests.
- AVERAGE: `math.fsum(xs) / len(xs)`, the correctly rounded sum. Computed as an error-free cascade with its
  compensation, which proves the rounding correct on all but near-tie rows (one in millions); those few rows are
  summed by math.fsum itself.
- MIN, MAX: any order gives the same number (only the sign of a zero could differ, and 0.0 == -0.0).
"""
from __future__ import annotations

import math
import sys

import numpy as np

_NEUMAIER_SUM = sys.version_info >= (3, 12)  # CPython 3.12 made sum() of floats compensated
_EPS = np.finfo(float).eps / 2  # unit roundoff


def python_sum(terms: list) -> np.ndarray:
    """Python's sum(xs) of floats, row by row (from the integer 0: 0 + -0.0 is 0.0)."""
    acc = 0.0 + terms[0]
    if not _NEUMAIER_SUM:
        for x in terms[1:]:
            acc = acc + x
        return acc
    c = 0.0
    for x in terms[1:]:  # CPython's builtin_sum_impl: Neumaier's improved Kahan-Babuska summation
        t = acc + x
        c = c + np.where(np.abs(acc) >= np.abs(x), (acc - t) + x, (x - t) + acc)
        acc = t
    # CPython adds the compensation only when it is nonzero and finite (an overflowed sum stays infinite)
    return np.where((c != 0) & np.isfinite(c), acc + c, acc)


def python_prod(terms: list) -> np.ndarray:
    """math.prod(xs) of floats, row by row."""
    acc = 1.0 * terms[0]
    for x in terms[1:]:
        acc = acc * x
    return acc


def numpy_sum(terms: list) -> np.ndarray:
    """float(np.sum(row)) of a contiguous row, row by row: numpy's pairwise sum from its identity 0
    (DOUBLE_pairwise_sum: 8 accumulators in blocks of up to 128 elements, halves above that)."""
    return _pairwise(terms)


def _pairwise(a: list):
    n = len(a)
    if n < 8:
        res = 0.0
        for x in a:
            res = res + x
        return res
    if n <= 128:
        r = list(a[:8])
        i = 8
        while i < n - n % 8:
            for j in range(8):
                r[j] = r[j] + a[i + j]
            i += 8
        res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
        for x in a[i:]:
            res = res + x
        return res
    n2 = n // 2
    n2 -= n2 % 8
    return _pairwise(a[:n2]) + _pairwise(a[n2:])


def sum_of_products(args: list[list]) -> np.ndarray:
    """SUMPRODUCT's arithmetic: each argument a list of terms of the same length."""
    products = []
    for k in range(len(args[0])):
        p = args[0][k]
        for a in args[1:]:
            p = p * a[k]
        products.append(p)
    return numpy_sum(products)


def fsum_mean(terms: list) -> tuple[np.ndarray, np.ndarray]:
    """(math.fsum(xs) / len(xs), finite) row by row; `finite` is False where an intermediate sum overflowed (fsum
    raises or gives inf there: the engine says which)."""
    if len(terms) == 1:
        t = terms[0] * 1.0
        return t, np.isfinite(t)
    # two error-free passes (Ogita, Rump and Oishi's VecSum): the sum of the vector never changes, and after the
    # second pass the errors left are about eps^2 of the terms, so a plain sum of them is all but exact
    vec = list(terms)
    for _ in range(2):
        out = []
        t = vec[0] * 1.0
        for x in vec[1:]:
            s, e = _two_sum(t, x)
            out.append(e)
            t = s
        vec = out + [t]
    errors, t = vec[:-1], vec[-1]
    c, left = errors[0], 0.0  # c: the errors' sum; left: the size of what adding them up rounded away
    for e in errors[1:]:
        c, lost = _two_sum(c, e)
        left = left + np.abs(lost)
    s, d = _two_sum(t, c)
    # the true sum is t + c + (what was rounded away) = s + d + (at most `left`): where nothing was rounded away,
    # s = fl(t + c) is the correctly rounded sum, ties included; else it is when |d| + left stays under half an ulp
    half_ulp = np.spacing(np.abs(s)) / 2
    half_ulp = np.where(np.frexp(s)[0] == 0.5, half_ulp / 2, half_ulp)  # a power of two: the ulp below is half
    finite = np.isfinite(s) & np.isfinite(left)
    unsure = finite & (left != 0) & ~(np.abs(d) + left * 1.01 < half_ulp)
    if unsure.any():  # a near tie, one row in millions: math.fsum itself for those rows
        shape = np.broadcast_shapes(np.shape(s), *(np.shape(x) for x in terms))
        s = np.array(np.broadcast_to(s, shape))
        for i in np.flatnonzero(np.broadcast_to(unsure, shape)):
            s.flat[i] = math.fsum(float(np.broadcast_to(x, shape).flat[i]) for x in terms)
    return s / len(terms), finite


def _two_sum(a, b):
    """(s, e) with s = fl(a + b) and a + b == s + e exactly (Knuth)."""
    s = a + b
    bp = s - a
    return s, (a - (s - bp)) + (b - bp)


def maximum(terms: list) -> np.ndarray:
    acc = terms[0] * 1.0
    for x in terms[1:]:
        acc = np.maximum(acc, x)
    return acc


def minimum(terms: list) -> np.ndarray:
    acc = terms[0] * 1.0
    for x in terms[1:]:
        acc = np.minimum(acc, x)
    return acc


def sum_of_squares(terms: list) -> np.ndarray:
    return python_sum([x * x for x in terms])


# name -> reduction over a row's numbers; the scalar function in math_aggregate/stats says the same
REDUCTIONS = {
    "SUM": python_sum,
    "SUMSQ": sum_of_squares,
    "PRODUCT": python_prod,
    "MAX": maximum,
    "MIN": minimum,
}
