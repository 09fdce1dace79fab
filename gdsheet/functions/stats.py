"""Descriptive statistics: AVERAGE, COUNT, MAX, MIN, MEDIAN, MODE, STDEV, VAR, moments, LARGE, SMALL and kin."""
from __future__ import annotations

import math
from collections import Counter
from itertools import chain

import numpy as np

from gdsheet import errors as E
from gdsheet.errors import ExcelError
from gdsheet.functions import summing
from gdsheet.functions.registry import excel
from gdsheet.refs import Area
from gdsheet.values import MultiArea, is_number, parse_number_text

CAT = "Statistical"


def _all(groups) -> list[float]:
    """The numbers of every aggregate argument, in order."""
    return list(chain.from_iterable(groups))


def mean(xs: list[float]) -> float:
    return math.fsum(xs) / len(xs)


def devsq(xs: list[float]) -> float:
    """Sum of squared deviations from the mean, two-pass for accuracy."""
    m = mean(xs)
    return math.fsum((x - m) ** 2 for x in xs)


# ---- counting (COUNT and COUNTA look at arguments themselves, so they take them unprepared) --------------------

def _arguments(ctx, args):
    """(value, direct) for every value of every argument: direct means typed into the call, not read from a range."""
    for a in args:
        if isinstance(a, Area):
            yield from ((v, False) for v in ctx.read(a).ravel())
        elif isinstance(a, MultiArea):
            for area in a.areas:
                yield from ((v, False) for v in ctx.read(area).ravel())
        elif isinstance(a, np.ndarray):
            yield from ((v, False) for v in a.ravel())
        else:
            yield a, True


@excel("COUNT", "any", category=CAT, min_args=1, max_args=None, needs_context=True,
       syntax="COUNT(value1, [value2], ...)", summary="Counts how many numbers there are in the arguments.")
def count(ctx, *args) -> float:
    # numbers only; typed-in TRUE and numeric text count too, errors are never counted nor propagated
    n = 0
    for v, direct in _arguments(ctx, args):
        if is_number(v) or direct and (isinstance(v, bool) or isinstance(v, str) and parse_number_text(v) is not None):
            n += 1
    return float(n)


@excel("COUNTA", "any", category=CAT, min_args=1, max_args=None, needs_context=True,
       syntax="COUNTA(value1, [value2], ...)", summary="Counts the cells and values that are not empty.")
def counta(ctx, *args) -> float:
    # anything but a truly empty cell counts, errors and empty text ("") included
    return float(sum(v is not None for v, _ in _arguments(ctx, args)))


@excel("COUNTBLANK", "values", category=CAT, syntax="COUNTBLANK(range)",
       summary="Counts the empty cells of a range, including cells whose formula returns empty text.")
def countblank(rng: np.ndarray) -> float:
    # a formula returning "" counts as blank; zero does not
    return float(sum(v is None or v == "" for v in rng.ravel()))


# ---- averages and extremes -------------------------------------------------------------------------------------

def _average(*groups):
    n = summing.count(groups)
    # no numbers at all is #DIV/0!, not 0
    return summing.exact_sum(groups) / n if n else E.DIV0.because("there are no numbers to average")


def _extreme(groups, pick, pick_array) -> float:
    """The largest or smallest number (`pick` of a list, `pick_array` of an array read in bulk); 0 when there is
    none, as Excel's MAX and MIN say."""
    if summing.is_bulk(groups):
        xs = summing.as_array(groups)
        return float(pick_array(xs)) + 0.0 if len(xs) else 0.0
    xs = _all(groups)
    return float(pick(xs)) if xs else 0.0


def _max(*groups):
    return _extreme(groups, max, np.max)


def _min(*groups):
    return _extreme(groups, min, np.min)


for _name, _kind, _fn, _what in (
        ("AVERAGE", "nums", _average, "The arithmetic mean of the numbers; text and logical values in ranges are ignored."),
        ("AVERAGEA", "numsa", _average, "The arithmetic mean, counting text in ranges as 0 and TRUE as 1."),
        ("MAX", "nums", _max, "The largest number; 0 when there is none."),
        ("MAXA", "numsa", _max, "The largest value, counting text in ranges as 0 and TRUE as 1."),
        ("MIN", "nums", _min, "The smallest number; 0 when there is none."),
        ("MINA", "numsa", _min, "The smallest value, counting text in ranges as 0 and TRUE as 1.")):
    excel(_name, _kind, category=CAT, min_args=1, max_args=None, syntax=f"{_name}(number1, [number2], ...)",
          summary=_what, bulk=True)(_fn)


@excel("MEDIAN", "nums", category=CAT, min_args=1, max_args=None, syntax="MEDIAN(number1, [number2], ...)",
       summary="The middle number of the data (the mean of the two middle ones when their count is even).")
def median(*groups):
    xs = sorted(_all(groups))
    if not xs:
        return E.NUM.because("there are no numbers")
    h = len(xs) // 2
    return xs[h] if len(xs) % 2 else (xs[h - 1] + xs[h]) / 2


def _modes(xs: list[float]) -> list[float]:
    """Values of highest frequency (> 1) in order of first appearance."""
    counts = Counter(xs)
    top = max(counts.values(), default=0)
    return [] if top < 2 else [x for x in dict.fromkeys(xs) if counts[x] == top]


@excel("MODE", "nums", category=CAT, min_args=1, max_args=None, aliases=("MODE.SNGL",),
       syntax="MODE(number1, [number2], ...)", summary="The most frequent number; #N/A when no number repeats.")
def mode(*groups):
    # a tie goes to the value that appears first in the data
    modes = _modes(_all(groups))
    return modes[0] if modes else E.NA.because("no number repeats")


@excel("MODE.MULT", "nums", category=CAT, min_args=1, max_args=None, syntax="MODE.MULT(number1, [number2], ...)",
       summary="A vertical array of the most frequent numbers, in the order they first appear.")
def mode_mult(*groups):
    modes = _modes(_all(groups))
    if not modes:
        return E.NA.because("no number repeats")
    return np.array(modes, dtype=object).reshape(-1, 1)


# ---- spread ----------------------------------------------------------------------------------------------------

def _variance(sample: bool, root: bool):
    def fn(*groups):
        xs = _all(groups)
        n = len(xs) - (1 if sample else 0)
        if n < 1:  # a sample needs two numbers, a population one
            return E.DIV0.because("too few numbers")
        v = devsq(xs) / n
        return math.sqrt(v) if root else v

    return fn


_SPREAD = (("VAR.S", "nums", True, False, "variance of a sample"), ("VAR.P", "nums", False, False,
           "variance of a whole population"), ("STDEV.S", "nums", True, True, "standard deviation of a sample"),
           ("STDEV.P", "nums", False, True, "standard deviation of a whole population"),
           ("VARA", "numsa", True, False, "sample variance"), ("VARPA", "numsa", False, False, "population variance"),
           ("STDEVA", "numsa", True, True, "sample standard deviation"),
           ("STDEVPA", "numsa", False, True, "population standard deviation"))
_OLD_NAMES = {"VAR.S": ("VAR",), "VAR.P": ("VARP",), "STDEV.S": ("STDEV",), "STDEV.P": ("STDEVP",)}

for _name, _kind, _sample, _root, _what in _SPREAD:
    _note = "; text in ranges counts 0 and TRUE 1" if _kind == "numsa" else "; text and logical values in ranges are ignored"
    excel(_name, _kind, category=CAT, min_args=1, max_args=None, aliases=_OLD_NAMES.get(_name, ()),
          syntax=f"{_name}(number1, [number2], ...)",
          summary=f"The {_what} of the numbers{_note}.")(_variance(_sample, _root))


@excel("DEVSQ", "nums", category=CAT, min_args=1, max_args=None, syntax="DEVSQ(number1, [number2], ...)",
       summary="The sum of squared deviations of the numbers from their mean.")
def devsq_fn(*groups):
    xs = _all(groups)
    return devsq(xs) if xs else E.NUM.because("there are no numbers")


@excel("AVEDEV", "nums", category=CAT, min_args=1, max_args=None, syntax="AVEDEV(number1, [number2], ...)",
       summary="The average absolute deviation of the numbers from their mean.")
def avedev(*groups):
    xs = _all(groups)
    if not xs:
        return E.NUM.because("there are no numbers")
    m = mean(xs)
    return math.fsum(abs(x - m) for x in xs) / len(xs)


@excel("GEOMEAN", "nums", category=CAT, min_args=1, max_args=None, syntax="GEOMEAN(number1, [number2], ...)",
       summary="The geometric mean of positive numbers.")
def geomean(*groups):
    xs = _all(groups)
    if not xs or min(xs) <= 0:  # zero or a negative number is #NUM!
        return E.NUM.because("GEOMEAN needs positive numbers")
    return math.exp(math.fsum(math.log(x) for x in xs) / len(xs))


@excel("HARMEAN", "nums", category=CAT, min_args=1, max_args=None, syntax="HARMEAN(number1, [number2], ...)",
       summary="The harmonic mean of positive numbers: the reciprocal of the mean of reciprocals.")
def harmean(*groups):
    xs = _all(groups)
    if not xs or min(xs) <= 0:  # zero or a negative number is #NUM!
        return E.NUM.because("HARMEAN needs positive numbers")
    return len(xs) / math.fsum(1 / x for x in xs)


def _standardised(xs: list[float], sample: bool) -> list[float] | ExcelError:
    """(x - mean) / sd for each x; #DIV/0! when sd is 0."""
    ss = devsq(xs)
    if ss == 0:
        return E.DIV0.because("the numbers do not vary")
    sd = math.sqrt(ss / (len(xs) - 1 if sample else len(xs)))
    m = mean(xs)
    return [(x - m) / sd for x in xs]


@excel("SKEW", "nums", category=CAT, min_args=1, max_args=None, syntax="SKEW(number1, [number2], ...)",
       summary="The sample skewness: how far the distribution leans to one side of its mean.")
def skew(*groups):
    xs = _all(groups)
    n = len(xs)
    if n < 3:  # fewer than three numbers is #DIV/0!
        return E.DIV0.because("SKEW needs three numbers")
    z = _standardised(xs, sample=True)
    return z if isinstance(z, ExcelError) else n / ((n - 1) * (n - 2)) * math.fsum(t ** 3 for t in z)


@excel("SKEW.P", "nums", category=CAT, min_args=1, max_args=None, syntax="SKEW.P(number1, [number2], ...)",
       summary="The skewness of a whole population.")
def skew_p(*groups):
    xs = _all(groups)
    if not xs:
        return E.DIV0.because("there are no numbers")
    z = _standardised(xs, sample=False)
    return z if isinstance(z, ExcelError) else math.fsum(t ** 3 for t in z) / len(xs)


@excel("KURT", "nums", category=CAT, min_args=1, max_args=None, syntax="KURT(number1, [number2], ...)",
       summary="The sample excess kurtosis: how heavy the tails are compared with a normal distribution.")
def kurt(*groups):
    xs = _all(groups)
    n = len(xs)
    if n < 4:  # fewer than four numbers is #DIV/0!
        return E.DIV0.because("KURT needs four numbers")
    z = _standardised(xs, sample=True)
    if isinstance(z, ExcelError):
        return z
    s4 = math.fsum(t ** 4 for t in z)
    return n * (n + 1) / ((n - 1) * (n - 2) * (n - 3)) * s4 - 3 * (n - 1) ** 2 / ((n - 2) * (n - 3))


@excel("TRIMMEAN", "nums", "num", category=CAT, syntax="TRIMMEAN(array, percent)",
       summary="The mean after dropping a fraction of the data points, half from each end.")
def trimmean(data: list[float], percent: float):
    if not data or not 0 <= percent < 1:
        return E.NUM.because("percent must be in [0, 1)")
    k = int(len(data) * percent / 2)  # the number dropped is rounded down to an even count, half from each end
    xs = sorted(data)[k:len(data) - k]
    return mean(xs)


def _kth(data: list[float], k: float, largest: bool):
    i = int(k)  # k is truncated
    if not 1 <= i <= len(data):
        return E.NUM.because(f"k must be between 1 and the number of values ({len(data)})")
    return sorted(data, reverse=largest)[i - 1]


@excel("LARGE", "nums", "num", category=CAT, syntax="LARGE(array, k)",
       summary="The k-th largest number of the data.")
def large(data: list[float], k: float):
    return _kth(data, k, largest=True)


@excel("SMALL", "nums", "num", category=CAT, syntax="SMALL(array, k)",
       summary="The k-th smallest number of the data.")
def small(data: list[float], k: float):
    return _kth(data, k, largest=False)
