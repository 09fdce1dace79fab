"""Adding up and multiplying: SUM, SUMSQ, PRODUCT, SERIESSUM, and SUBTOTAL/AGGREGATE with their 19 functions."""
from __future__ import annotations

import math
import re

import numpy as np

from gdsheet import errors as E
from gdsheet.errors import ExcelError
from gdsheet.functions.math import CAT
from gdsheet.functions.registry import excel
from gdsheet.functions.summing import as_array, is_bulk, running_sum
from gdsheet.refs import Area
from gdsheet.values import MultiArea, is_number, to_number


def _finite(x: float):
    return x if math.isfinite(x) else E.NUM


@excel("SUM", "nums", category=CAT, max_args=None, syntax="SUM(number1, [number2], ...)",
       summary="Adds up numbers, ranges and arrays.", bulk=True)
def sum_(*lists):
    # Quirk: in ranges only numbers count (text and TRUE are skipped); a direct TRUE or "3" counts ('nums' kind)
    return _finite(running_sum(lists))


@excel("SUMSQ", "nums", category=CAT, max_args=None, syntax="SUMSQ(number1, [number2], ...)",
       summary="The sum of the squares of numbers.", bulk=True)
def sumsq(*lists):
    # Quirk: the same counting rules as SUM
    if is_bulk(lists):
        x = as_array(lists)
        with np.errstate(over="ignore"):  # an overflow is inf, then #NUM!, as in the list path
            return _finite(running_sum([x * x]))
    return _finite(float(sum(x * x for xs in lists for x in xs)))


@excel("PRODUCT", "nums", category=CAT, max_args=None, syntax="PRODUCT(number1, [number2], ...)",
       summary="Multiplies numbers, ranges and arrays together.")
def product(*lists):
    # Quirk: the same counting rules as SUM; no numbers at all gives 0, not 1
    xs = [x for xs in lists for x in xs]
    return _finite(float(math.prod(xs))) if xs else 0.0


@excel("SERIESSUM", "num", "num", "num", "values", category=CAT, syntax="SERIESSUM(x, n, m, coefficients)",
       summary="The power series a1*x^n + a2*x^(n+m) + a3*x^(n+2m) + ... for the coefficients a1, a2, ...")
def seriessum(x, n, m, coefficients):
    # Quirk: a coefficient that is not a number (text, blank, boolean) is #VALUE!
    total = 0.0
    for i, a in enumerate(coefficients.flat):
        if isinstance(a, ExcelError):
            return a
        if not is_number(a):
            return E.VALUE
        power = n + i * m
        if x == 0 and power <= 0:  # as POWER: 0^0 and 0 to a negative power have no value
            return E.NUM
        try:
            total += a * math.pow(x, power)
        except (ValueError, OverflowError):  # a negative base to a fractional power, or overflow
            return E.NUM
    return _finite(total)


# ---- the statistics SUBTOTAL and AGGREGATE choose from ----------------------------------------------------------

def _var(xs: list[float], sample: bool):
    n = len(xs)
    if n < (2 if sample else 1):
        return E.DIV0
    mean = sum(xs) / n
    return sum((x - mean) ** 2 for x in xs) / (n - 1 if sample else n)


def _sqrt(v):
    return v if isinstance(v, ExcelError) else math.sqrt(v)


def _mode(xs: list[float]):
    counts: dict[float, int] = {}
    for x in xs:
        counts[x] = counts.get(x, 0) + 1
    best = max(counts.values(), default=0)
    if best < 2:
        return E.NA.because("no value occurs more than once")
    return next(x for x in xs if counts[x] == best)  # ties: the value seen first


def percentile_inc(xs: list[float], k: float):
    if not xs or not 0 <= k <= 1:
        return E.NUM
    return _interpolate(sorted(xs), k * (len(xs) - 1))


def percentile_exc(xs: list[float], k: float):
    n = len(xs)
    rank = k * (n + 1) - 1  # 0-based
    if not xs or not 0 < k < 1 or rank < 0 or rank > n - 1:
        return E.NUM
    return _interpolate(sorted(xs), rank)


def _interpolate(s: list[float], rank: float) -> float:
    lo = math.floor(rank)
    return s[lo] if lo + 1 >= len(s) else s[lo] + (rank - lo) * (s[lo + 1] - s[lo])


def _kth(xs: list[float], k: float, largest: bool):
    k = math.trunc(k)
    if not 1 <= k <= len(xs):
        return E.NUM
    return sorted(xs, reverse=largest)[k - 1]


_REDUCERS = {
    1: lambda xs: sum(xs) / len(xs) if xs else E.DIV0,  # AVERAGE
    2: len,  # COUNT
    4: lambda xs: max(xs, default=0.0),  # MAX
    5: lambda xs: min(xs, default=0.0),  # MIN
    6: lambda xs: math.prod(xs) if xs else 0.0,  # PRODUCT
    7: lambda xs: _sqrt(_var(xs, True)),  # STDEV.S
    8: lambda xs: _sqrt(_var(xs, False)),  # STDEV.P
    9: sum,  # SUM
    10: lambda xs: _var(xs, True),  # VAR.S
    11: lambda xs: _var(xs, False),  # VAR.P
    12: lambda xs: float(np.median(xs)) if xs else E.NUM,  # MEDIAN
    13: _mode,  # MODE.SNGL
}
_WITH_K = {
    14: lambda xs, k: _kth(xs, k, True),  # LARGE
    15: lambda xs, k: _kth(xs, k, False),  # SMALL
    16: percentile_inc,  # PERCENTILE.INC
    17: lambda xs, q: percentile_inc(xs, math.trunc(q) / 4) if 0 <= q < 5 else E.NUM,  # QUARTILE.INC
    18: percentile_exc,  # PERCENTILE.EXC
    19: lambda xs, q: percentile_exc(xs, math.trunc(q) / 4) if 1 <= q < 4 else E.NUM,  # QUARTILE.EXC
}
_NESTED = re.compile(r"\b(?:_xlfn\.)?(?:SUBTOTAL|AGGREGATE)\s*\(", re.IGNORECASE)


def _cells(ctx, arg, skip_nested: bool) -> list:
    """The values an argument holds; cells whose formula is itself a SUBTOTAL or AGGREGATE are left out."""
    if isinstance(arg, MultiArea):
        return [v for a in arg.areas for v in _cells(ctx, a, skip_nested)]
    if isinstance(arg, Area):
        data = ctx.read(arg)
        sheet = arg.sheet or ctx.sheet
        nested = set()
        if skip_nested:
            formulas = ctx.workbook.sheet(sheet).formulas
            nested = {rc for rc, f in formulas.items() if rc in arg and _NESTED.search(f.text)}
        if not nested:
            return list(data.flat)
        return [v for (i, j), v in np.ndenumerate(data) if (arg.r1 + i, arg.c1 + j) not in nested]
    if isinstance(arg, np.ndarray):
        return list(arg.flat)
    return [arg]


def _aggregate(fn: int, values: list, ignore_errors: bool, k=None):
    if fn == 3:  # COUNTA counts every non-blank cell, errors included unless they are ignored
        return float(sum(v is not None and not (ignore_errors and isinstance(v, ExcelError)) for v in values))
    numbers = []
    for v in values:
        if isinstance(v, ExcelError):
            if not ignore_errors and fn != 2:  # COUNT never fails on an error, it just does not count it
                return v
        elif is_number(v):
            numbers.append(float(v))
    out = _REDUCERS[fn](numbers) if k is None else _WITH_K[fn](numbers, k)
    return out if isinstance(out, ExcelError) else _finite(float(out))


@excel("SUBTOTAL", "int", "ref", category=CAT, needs_context=True, max_args=None,
       syntax="SUBTOTAL(function_num, ref1, [ref2], ...)",
       summary="A subtotal of ranges by function_num: 1 AVERAGE, 2 COUNT, 3 COUNTA, 4 MAX, 5 MIN, 6 PRODUCT, "
               "7 STDEV, 8 STDEVP, 9 SUM, 10 VAR, 11 VARP (101-111: the same, skipping hidden rows).")
def subtotal(ctx, fn, *refs):
    # Quirk: cells that are themselves SUBTOTAL/AGGREGATE formulas are skipped, so subtotals are not counted
    # twice. gdsheet's sheets have no hidden rows, so 101-111 equal 1-11.
    fn = int(fn)
    base = fn - 100 if fn > 100 else fn
    if not 1 <= base <= 11:
        return E.VALUE.because(f"{fn} is not a SUBTOTAL function number (1-11 or 101-111)")
    values = [v for r in refs for v in _cells(ctx, r, skip_nested=True)]
    return _aggregate(base, values, ignore_errors=False)


@excel("AGGREGATE", "int", "int", "any", category=CAT, needs_context=True, max_args=None,
       syntax="AGGREGATE(function_num, options, ref1, [ref2], ...) or AGGREGATE(function_num, options, array, k)",
       summary="SUBTOTAL's 11 functions plus MEDIAN, MODE.SNGL, LARGE, SMALL, PERCENTILE and QUARTILE (12-19), "
               "optionally ignoring errors and nested subtotals.")
def aggregate(ctx, fn, options, *args):
    # Quirk: options 0-3 skip nested SUBTOTAL/AGGREGATE cells, 2, 3, 6, 7 ignore error values (the usual way to
    # take the LARGE of a range with errors); hidden rows (1, 3, 5, 7) are not modelled in gdsheet
    fn, options = int(fn), int(options)
    if not 1 <= fn <= 19 or not 0 <= options <= 7:
        return E.VALUE.because("AGGREGATE takes function_num 1-19 and options 0-7")
    skip_nested, ignore_errors = options <= 3, options in (2, 3, 6, 7)
    k = None
    if fn >= 14:
        if len(args) != 2:
            return E.VALUE.because(f"AGGREGATE function {fn} takes an array and k")
        k_values = _cells(ctx, args[1], skip_nested=False)
        k = to_number(k_values[0]) if len(k_values) == 1 else E.VALUE
        if isinstance(k, ExcelError):
            return k
        args = args[:1]
    values = [v for a in args for v in _cells(ctx, a, skip_nested)]
    return _aggregate(fn, values, ignore_errors, k)
