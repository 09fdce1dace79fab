"""Conditional aggregates: COUNTIF(S), SUMIF(S), AVERAGEIF(S), MAXIFS, MINIFS, over Excel's criteria language."""
from __future__ import annotations

from typing import Callable

import numpy as np

from gdsheet import errors as E
from gdsheet.errors import ExcelError
from gdsheet.functions.criteria import criterion, matches
from gdsheet.functions.registry import excel
from gdsheet.refs import MAX_COL, MAX_ROW, Area
from gdsheet.values import MultiArea, array2d, is_number

CAT = "Statistical"
Reducer = Callable[[np.ndarray, np.ndarray], object]  # (mask, values) -> result


# ---- argument handling ----------------------------------------------------------------------------------------

def _read(ctx, v) -> np.ndarray | ExcelError:
    """A range argument as a 2-D array (the *IF functions take ranges; arrays are accepted too)."""
    if isinstance(v, Area):
        return ctx.read(v)
    if isinstance(v, MultiArea):
        return E.VALUE.because("a range made of several areas cannot be used here")
    return array2d(v)


def _resized(ctx, v, shape: tuple[int, int]) -> np.ndarray | ExcelError:
    """SUMIF/AVERAGEIF's sum range: only its top-left cell counts, extended to the criteria range's shape."""
    if isinstance(v, Area):
        h, w = shape
        area = Area(v.sheet, v.r1, v.c1, min(v.r1 + h - 1, MAX_ROW), min(v.c1 + w - 1, MAX_COL))
        out = ctx.read(area)
        if out.shape != shape:  # ran off the grid's edge: Excel's cells beyond it do not exist
            pad = np.full(shape, None, dtype=object)
            pad[:out.shape[0], :out.shape[1]] = out
            out = pad
        return out
    arr = _read(ctx, v)
    if isinstance(arr, np.ndarray) and arr.shape != shape:
        return E.VALUE.because("the ranges have different shapes")
    return arr


def _criterion_value(ctx, v):
    """A criterion argument as a value: a range reads as the evaluator reads any scalar argument (implicit
    intersection in a legacy formula, an array to lift over in an array or dynamic formula)."""
    if isinstance(v, (Area, MultiArea)):
        v = ctx.value(v)
    return v[0, 0] if isinstance(v, np.ndarray) and v.shape == (1, 1) else v


def _lift(criteria: list, evaluate: Callable[[list], object]):
    """evaluate(scalars) once, or once per element when some criteria are arrays (dynamic-array Excel spills)."""
    arrays = [c for c in criteria if isinstance(c, np.ndarray)]
    if not arrays:
        return evaluate(criteria)
    try:
        shape = np.broadcast_shapes(*(a.shape for a in arrays))
    except ValueError:
        return E.VALUE.because("the criteria arrays have different shapes")
    wide = [np.broadcast_to(c, shape) if isinstance(c, np.ndarray) else c for c in criteria]
    out = np.empty(shape, dtype=object)
    for idx in np.ndindex(*shape):
        out[idx] = evaluate([c[idx] if isinstance(c, np.ndarray) else c for c in wide])
    return out


def _ifs(ctx, target, pairs: tuple, reduce: Reducer, need_target: bool):
    """The *IFS functions: ranges of one shape (else #VALUE!), each with a criterion; cells meeting all count."""
    if len(pairs) % 2:
        return E.VALUE.because("each criteria range needs its criteria")
    ranges = [_read(ctx, r) for r in pairs[0::2]]
    data = _read(ctx, target) if need_target else None
    for arr in (*ranges, data):
        if isinstance(arr, ExcelError):
            return arr
    shapes = {a.shape for a in ranges} | ({data.shape} if need_target else set())
    if len(shapes) != 1:
        return E.VALUE.because("the ranges have different shapes")
    criteria = [_criterion_value(ctx, c) for c in pairs[1::2]]

    def evaluate(scalars: list):
        mask = np.ones(ranges[0].shape, dtype=bool)
        for arr, c in zip(ranges, scalars):
            mask &= matches(criterion(c), arr)
        return reduce(mask, data)

    return _lift(criteria, evaluate)


# ---- reducers: a mask of the cells that met the criteria, and the values to aggregate ------------------------

def _picked(mask: np.ndarray, data: np.ndarray) -> list[float] | ExcelError:
    """Numbers of data where mask holds; text, booleans and blanks are ignored, an error there is the result."""
    out = []
    for v in data[mask]:
        if isinstance(v, ExcelError):
            return v
        if is_number(v):
            out.append(float(v))
    return out


def _count(mask, _data) -> float:
    return float(mask.sum())


def _sum(mask, data):
    nums = _picked(mask, data)
    return nums if isinstance(nums, ExcelError) else float(sum(nums))


def _average(mask, data):
    nums = _picked(mask, data)
    if isinstance(nums, ExcelError):
        return nums
    return sum(nums) / len(nums) if nums else E.DIV0.because("no cell meets the criteria")


def _extreme(pick: Callable) -> Reducer:
    def reduce(mask, data):
        nums = _picked(mask, data)
        # MAXIFS/MINIFS of no matching number is 0, as MAX of nothing is
        return nums if isinstance(nums, ExcelError) else float(pick(nums)) if nums else 0.0

    return reduce


# ---- the functions --------------------------------------------------------------------------------------------

@excel("COUNTIF", "values", "scalar", category=CAT, syntax="COUNTIF(range, criteria)",
       summary="Counts the cells of a range that meet a criterion such as \">5\", \"apple\" or \"a*\".")
def countif(rng: np.ndarray, crit) -> float:
    # errors inside the range never propagate: they simply do not match (unless the criterion is that error)
    return float(matches(criterion(crit), rng).sum())


def _with_target(ctx, rng: np.ndarray, crit, target, reduce):
    data = rng if target is None else _resized(ctx, target, rng.shape)
    if isinstance(data, ExcelError):
        return data
    return reduce(matches(criterion(crit), rng), data)


@excel("SUMIF", "values", "scalar", "any", category=CAT, min_args=2, needs_context=True,
       syntax="SUMIF(range, criteria, [sum_range])",
       summary="Adds the cells of sum_range (or of range) whose matching cell in range meets a criterion.")
def sumif(ctx, rng, crit, sum_range=None):
    # Excel reads sum_range from its top-left cell with range's shape, whatever size it was given
    return _with_target(ctx, rng, crit, sum_range, _sum)


@excel("AVERAGEIF", "values", "scalar", "any", category=CAT, min_args=2, needs_context=True,
       syntax="AVERAGEIF(range, criteria, [average_range])",
       summary="Averages the cells whose matching cell in range meets a criterion; #DIV/0! when none does.")
def averageif(ctx, rng, crit, average_range=None):
    # like SUMIF, average_range is resized to range's shape from its top-left cell
    return _with_target(ctx, rng, crit, average_range, _average)


@excel("COUNTIFS", "any", category=CAT, min_args=2, max_args=None, needs_context=True,
       syntax="COUNTIFS(criteria_range1, criteria1, [criteria_range2, criteria2], ...)",
       summary="Counts the positions where every criteria range meets its criterion.")
def countifs(ctx, *pairs):
    # all criteria ranges must have one shape (else #VALUE!); a criterion given as an array spills
    return _ifs(ctx, None, pairs, _count, need_target=False)


@excel("SUMIFS", "any", category=CAT, min_args=3, max_args=None, needs_context=True,
       syntax="SUMIFS(sum_range, criteria_range1, criteria1, [criteria_range2, criteria2], ...)",
       summary="Adds the cells of sum_range at the positions where every criteria range meets its criterion.")
def sumifs(ctx, sum_range, *pairs):
    # unlike SUMIF, sum_range is not resized: a different shape is #VALUE!
    return _ifs(ctx, sum_range, pairs, _sum, need_target=True)


@excel("AVERAGEIFS", "any", category=CAT, min_args=3, max_args=None, needs_context=True,
       syntax="AVERAGEIFS(average_range, criteria_range1, criteria1, [criteria_range2, criteria2], ...)",
       summary="Averages the cells of average_range where every criteria range meets its criterion.")
def averageifs(ctx, average_range, *pairs):
    # no matching number is #DIV/0!, as AVERAGE of nothing is
    return _ifs(ctx, average_range, pairs, _average, need_target=True)


@excel("MAXIFS", "any", category=CAT, min_args=3, max_args=None, needs_context=True,
       syntax="MAXIFS(max_range, criteria_range1, criteria1, [criteria_range2, criteria2], ...)",
       summary="The largest number in max_range where every criteria range meets its criterion (0 if none).")
def maxifs(ctx, max_range, *pairs):
    # no matching number gives 0, not an error
    return _ifs(ctx, max_range, pairs, _extreme(max), need_target=True)


@excel("MINIFS", "any", category=CAT, min_args=3, max_args=None, needs_context=True,
       syntax="MINIFS(min_range, criteria_range1, criteria1, [criteria_range2, criteria2], ...)",
       summary="The smallest number in min_range where every criteria range meets its criterion (0 if none).")
def minifs(ctx, min_range, *pairs):
    # no matching number gives 0, not an error
    return _ifs(ctx, min_range, pairs, _extreme(min), need_target=True)
