"""How the aggregates add up many numbers, for a list or for a float64 array read from the column store in bulk
(a function registered with `bulk=True` may get either), with the same result to the bit:

- `running_sum`: Python's `sum`, left to right from 0 (SUM, SUMSQ). numpy's cumulative sum is the same sequence of
  additions; its reduce is pairwise, which is not.
- `exact_sum`: `math.fsum`, the correctly rounded sum (AVERAGE). For an array: every number split into its binary
  exponent and two integer halves of its mantissa, the halves added per exponent (sums that float64 holds exactly),
  then the few per-exponent totals added as one Python integer and rounded once. A million numbers take ~14 ms
  where `math.fsum` over the list takes ~50 ms, and making the list ~25 ms more.
"""
from __future__ import annotations

import math
from fractions import Fraction
from itertools import chain

import numpy as np

_PIECE = 1 << 25  # numbers per pass: a bin's total of 27-bit halves stays below 2**52, exact in float64
_OFFSET = 1100  # frexp's exponents run from -1073 (the smallest subnormal) to 1024; bins start at 0


def as_array(groups) -> np.ndarray:
    """The numbers of several groups (lists or arrays) as one float64 array, in order."""
    arrays = [g if isinstance(g, np.ndarray) else np.asarray(g, dtype=np.float64) for g in groups]
    return arrays[0] if len(arrays) == 1 else np.concatenate(arrays) if arrays else np.zeros(0)


def is_bulk(groups) -> bool:
    return any(isinstance(g, np.ndarray) for g in groups)


def running_sum(groups) -> float:
    """sum(x for g in groups for x in g) as a float."""
    if not is_bulk(groups):
        return float(sum(chain.from_iterable(groups)))
    x = as_array(groups)
    with np.errstate(over="ignore", invalid="ignore"):  # inf and NaN as Python's sum gives them
        return float(np.cumsum(x)[-1]) + 0.0 if len(x) else 0.0  # + 0.0: sum starts at 0, never gives -0.0


def exact_sum(groups) -> float:
    """math.fsum over every number of the groups (OverflowError and ValueError as fsum raises them)."""
    if not is_bulk(groups):
        return math.fsum(chain.from_iterable(groups))
    x = as_array(groups)
    total = 0
    for start in range(0, len(x), _PIECE):
        with np.errstate(invalid="ignore"):
            mantissa, exponent = np.frexp(x[start:start + _PIECE])  # x = m * 2**e exactly, 0.5 <= |m| < 1
            mantissa *= 2.0 ** 27
            high = np.floor(mantissa)  # the top 27 bits of the 53-bit mantissa, as an integer ...
            mantissa -= high
            mantissa *= 2.0 ** 26  # ... and the low 26 bits
        exponent += _OFFSET
        highs = np.bincount(exponent, weights=high, minlength=2048)
        lows = np.bincount(exponent, weights=mantissa, minlength=2048)
        if not (np.isfinite(highs).all() and np.isfinite(lows).all()):
            return math.fsum(x.tolist())  # an inf or NaN: fsum's own rules
        for k in np.flatnonzero((highs != 0) | (lows != 0)).tolist():
            total += ((int(highs[k]) << 26) + int(lows[k])) << k
    return float(Fraction(total, 1 << (_OFFSET + 53))) if total else 0.0


def count(groups) -> int:
    return sum(len(g) for g in groups)
