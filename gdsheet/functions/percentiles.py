"""Order statistics: PERCENTILE, QUARTILE, PERCENTRANK, RANK, FREQUENCY and PROB."""
from __future__ import annotations

import bisect
import math

import numpy as np

from gdsheet import errors as E
from gdsheet.errors import ExcelError
from gdsheet.functions.registry import excel
from gdsheet.values import is_number

CAT = "Statistical"


def _interpolate(xs: list[float], pos: float) -> float:
    """The value at 0-based fractional position pos of sorted xs, linearly interpolated."""
    i = int(math.floor(pos))
    frac = pos - i
    return xs[i] if frac == 0 or i + 1 >= len(xs) else xs[i] + frac * (xs[i + 1] - xs[i])


def _percentile_inc(data: list[float], k: float):
    if not data or not 0 <= k <= 1:
        return E.NUM.because("k must be between 0 and 1")
    return _interpolate(sorted(data), k * (len(data) - 1))


def _percentile_exc(data: list[float], k: float):
    n = len(data)
    pos = k * (n + 1)  # 1-based rank; it must land inside the data, so k cannot reach 0 or 1
    if not data or not 0 < k < 1 or pos < 1 or pos > n:
        return E.NUM.because(f"k must be between 1/(n+1) and n/(n+1) for n = {n}")
    return _interpolate(sorted(data), pos - 1)


@excel("PERCENTILE.INC", "nums", "num", category=CAT, aliases=("PERCENTILE",), syntax="PERCENTILE.INC(array, k)",
       summary="The k-th percentile (k from 0 to 1) of the data, interpolating between data points.")
def percentile_inc(data: list[float], k: float):
    # position k*(n-1) in the sorted data, k in [0, 1] inclusive
    return _percentile_inc(data, k)


@excel("PERCENTILE.EXC", "nums", "num", category=CAT, syntax="PERCENTILE.EXC(array, k)",
       summary="The k-th percentile (k strictly between 0 and 1) of the data, excluding the end points.")
def percentile_exc(data: list[float], k: float):
    # 1-based position k*(n+1) in the sorted data; outside 1..n is #NUM!
    return _percentile_exc(data, k)


@excel("QUARTILE.INC", "nums", "num", category=CAT, aliases=("QUARTILE",), syntax="QUARTILE.INC(array, quart)",
       summary="A quartile of the data: 0 minimum, 1 first quartile, 2 median, 3 third quartile, 4 maximum.")
def quartile_inc(data: list[float], quart: float):
    q = int(quart)  # quart is truncated
    return _percentile_inc(data, q / 4) if 0 <= q <= 4 else E.NUM.because("quart must be 0 to 4")


@excel("QUARTILE.EXC", "nums", "num", category=CAT, syntax="QUARTILE.EXC(array, quart)",
       summary="The first, second or third quartile of the data, computed as PERCENTILE.EXC does.")
def quartile_exc(data: list[float], quart: float):
    q = int(quart)  # quart is truncated; only 1, 2, 3 exist here
    return _percentile_exc(data, q / 4) if 1 <= q <= 3 else E.NUM.because("quart must be 1, 2 or 3")


def _percentrank(data: list[float], x: float, significance: float, inclusive: bool):
    digits = int(significance)
    if digits < 1:
        return E.NUM.because("significance must be at least 1")
    if not data:
        return E.NUM.because("there are no numbers")
    xs = sorted(data)
    n = len(xs)
    if x < xs[0] or x > xs[-1] or inclusive and n == 1:
        return E.NA.because("x is outside the data")

    def rank(i: int) -> float:  # the percent rank of the i-th (0-based) sorted value
        return i / (n - 1) if inclusive else (i + 1) / (n + 1)

    lo = bisect.bisect_left(xs, x)
    if xs[lo] == x:
        r = rank(lo)  # ties take the rank of their first position
    else:  # between xs[lo-1] (its last position) and xs[lo]
        r = rank(lo - 1) + (x - xs[lo - 1]) / (xs[lo] - xs[lo - 1]) * (rank(lo) - rank(lo - 1))
    scale = 10.0 ** digits
    return math.floor(r * scale + 1e-9) / scale  # truncated, never rounded, to `significance` digits


@excel("PERCENTRANK.INC", "nums", "num", "num", category=CAT, aliases=("PERCENTRANK",), min_args=2,
       syntax="PERCENTRANK.INC(array, x, [significance])",
       summary="The rank of x in the data as a fraction from 0 to 1, truncated to significance digits (3).")
def percentrank_inc(data: list[float], x: float, significance: float = 3.0):
    # the i-th smallest value ranks i/(n-1); x between two values is interpolated
    return _percentrank(data, x, significance, inclusive=True)


@excel("PERCENTRANK.EXC", "nums", "num", "num", category=CAT, min_args=2,
       syntax="PERCENTRANK.EXC(array, x, [significance])",
       summary="The rank of x in the data as a fraction strictly between 0 and 1, truncated to significance digits.")
def percentrank_exc(data: list[float], x: float, significance: float = 3.0):
    # the i-th smallest value (1-based) ranks i/(n+1); x between two values is interpolated
    return _percentrank(data, x, significance, inclusive=False)


def _rank(x: float, data: list[float], order, average: bool):
    ascending = bool(order) if order is not None else False
    ties = sum(v == x for v in data)
    if not ties:
        return E.NA.because("the number is not in the list")
    before = sum((v < x) if ascending else (v > x) for v in data)
    return before + (ties + 1) / 2 if average else float(before + 1)


@excel("RANK.EQ", "num", "nums", "num", category=CAT, aliases=("RANK",), min_args=2,
       syntax="RANK.EQ(number, ref, [order])",
       summary="The rank of a number in a list (1 for the largest, or the smallest when order is nonzero).")
def rank_eq(x: float, data: list[float], order=None):
    # equal numbers share the best rank; a number absent from the list is #N/A
    return _rank(x, data, order, average=False)


@excel("RANK.AVG", "num", "nums", "num", category=CAT, min_args=2, syntax="RANK.AVG(number, ref, [order])",
       summary="The rank of a number in a list; equal numbers get the average of their ranks.")
def rank_avg(x: float, data: list[float], order=None):
    # equal numbers share the mean of the ranks they span
    return _rank(x, data, order, average=True)


@excel("FREQUENCY", "nums", "nums", category=CAT, syntax="FREQUENCY(data_array, bins_array)",
       summary="A vertical array counting the data in each bin, plus one last count of the data above every bin.")
def frequency(data: list[float], bins: list[float]):
    # each bin counts values above the next lower bin up to itself; a repeated bin counts only once (the first)
    edges = sorted(set(bins))
    counts = np.zeros(len(edges) + 1, dtype=int)
    for v in data:
        counts[bisect.bisect_left(edges, v)] += 1
    out, seen = [], set()
    for b in bins:
        out.append(0.0 if b in seen else float(counts[edges.index(b)]))
        seen.add(b)
    out.append(float(counts[-1]))
    return np.array(out, dtype=object).reshape(-1, 1)


@excel("PROB", "values", "values", "num", "num", category=CAT, min_args=3,
       syntax="PROB(x_range, prob_range, lower_limit, [upper_limit])",
       summary="The probability that a value lies between two limits, given each value's probability.")
def prob(x_range: np.ndarray, prob_range: np.ndarray, lower: float, upper: float | None = None):
    # the probabilities must each be in [0, 1] and add up to 1 (else #NUM!); different sizes are #N/A
    xs, ps = x_range.ravel(), prob_range.ravel()
    if xs.size != ps.size:
        return E.NA.because("x_range and prob_range have different sizes")
    for v in (*xs, *ps):
        if isinstance(v, ExcelError):
            return v
    pairs = [(float(x), float(p)) for x, p in zip(xs, ps) if is_number(x) and is_number(p)]
    if any(not 0 <= p <= 1 for _, p in pairs) or abs(math.fsum(p for _, p in pairs) - 1) > 1e-12:
        return E.NUM.because("the probabilities must be between 0 and 1 and add up to 1")
    hi = lower if upper is None else upper
    return math.fsum(p for x, p in pairs if lower <= x <= hi)
