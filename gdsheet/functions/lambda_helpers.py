"""LAMBDA and its helpers: MAP, REDUCE, SCAN, BYROW, BYCOL and MAKEARRAY call a LAMBDA over an array.

LAMBDA, LET and ISOMITTED take names, not values, so the engine evaluates them itself (gdsheet.sheet.lambdas,
gdsheet.sheet.evaluate); their entries here give Help and the README their syntax. A helper's LAMBDA may also be a
function of the table named bare (MAP(A1:A3, ABS), BYROW(A1:C3, SUM)), as Excel allows.
"""
from __future__ import annotations

import math

import numpy as np

from gdsheet import errors as E
from gdsheet.errors import ExcelError
from gdsheet.functions.registry import FUNCTIONS, excel
from gdsheet.values import Lambda, MultiArea, to_number
from gdsheet.refs import Area

CAT = "Logical"  # where Excel lists LAMBDA and its helpers
MAX_CELLS = 1 << 22  # MAKEARRAY's guard: one LAMBDA call per cell


# ---- the forms the engine evaluates (table entries for Help) --------------------------------------------------

def _form(name: str, syntax: str, summary: str) -> None:
    def evaluated_by_engine(*args):
        # Unreachable through a formula (the evaluator handles the form before the table); kept total anyway.
        return E.VALUE.because(f"{name} is part of the formula language and is evaluated in place")

    excel(name, "any", category=CAT, min_args=1, max_args=None, syntax=syntax, summary=summary)(evaluated_by_engine)
    FUNCTIONS[name].extra["special_form"] = True


_form("LAMBDA", "LAMBDA([parameter1, parameter2, ...], calculation)",
      "A function written in a formula: call it in place, LAMBDA(x, x+1)(2), or name it and call it by its name.")
_form("LET", "LET(name1, value1, [name2, value2, ...], calculation)",
      "Names the results of calculations so the final calculation can use them (each computed once).")
_form("ISOMITTED", "ISOMITTED(argument)", "TRUE when the LAMBDA call in progress left this parameter out.")


# ---- calling a LAMBDA over arrays -----------------------------------------------------------------------------

def _checked(fn, arity: int, name: str):
    """The LAMBDA argument of a helper: a LAMBDA with `arity` parameters (a table function named bare is let
    through, as Excel does), else #VALUE!."""
    if isinstance(fn, ExcelError):
        return fn
    if not isinstance(fn, Lambda):
        return E.VALUE.because(f"{name} needs a LAMBDA as its last argument")
    if fn.name == "LAMBDA" and len(fn.params) != arity:
        return E.VALUE.because(f"{name}'s LAMBDA must take {arity} parameter{'s' if arity > 1 else ''}, "
                               f"not {len(fn.params)}")
    return fn


def _value(ctx, v):
    """A LAMBDA's result as a value: a reference is read, a 1x1 array is its element."""
    if isinstance(v, (Area, MultiArea)):
        v = ctx.read(v)
    if isinstance(v, np.ndarray) and v.shape == (1, 1):
        return v[0, 0]
    return v


def _scalar(ctx, v):
    """One element of a helper's result: an array there would be an array of arrays, which Excel refuses."""
    v = _value(ctx, v)
    if isinstance(v, np.ndarray):
        return E.CALC.because("the LAMBDA gave an array where one value is expected (nested arrays)")
    if isinstance(v, Lambda):
        return E.CALC.because("the LAMBDA gave a LAMBDA where a value is expected")
    return v


def _array(ctx, v) -> np.ndarray:
    if isinstance(v, (Area, MultiArea)):
        return ctx.read(v)
    return v if isinstance(v, np.ndarray) else np.array([[v]], dtype=object)


def _element(a: np.ndarray, i: int, j: int):
    h, w = a.shape
    ii, jj = (0 if h == 1 else i), (0 if w == 1 else j)
    return a[ii, jj] if ii < h and jj < w else E.NA


@excel("MAP", "values", "any", category=CAT, min_args=2, max_args=None, needs_context=True,
       syntax="MAP(array1, [array2, ...], lambda)",
       summary="An array made by calling the LAMBDA on the elements of the arrays, position by position.")
def map_(ctx, *args):
    # Arrays of different sizes are broadcast as Excel does: a single row or column repeats, gaps are #N/A.
    *arrays, fn = args
    if not arrays:
        return E.VALUE.because("MAP needs an array and a LAMBDA")
    arrays = [_array(ctx, a) for a in arrays]  # past the first, the table hands them over as written
    fn = _checked(fn, len(arrays), "MAP")
    if isinstance(fn, ExcelError):
        return fn
    rows, cols = max(a.shape[0] for a in arrays), max(a.shape[1] for a in arrays)
    out = np.empty((rows, cols), dtype=object)
    for i in range(rows):
        for j in range(cols):
            out[i, j] = _scalar(ctx, fn(*(_element(a, i, j) for a in arrays)))
    return out


def _accumulate(ctx, initial, arr, fn, name: str, keep: bool):
    fn = _checked(fn, 2, name)
    if isinstance(fn, ExcelError):
        return fn
    acc = _value(ctx, initial)
    steps = []
    for v in arr.ravel():  # row by row, as Excel walks an array
        acc = _value(ctx, fn(acc, v))
        steps.append(_scalar(ctx, acc) if keep else None)
    return np.array(steps, dtype=object).reshape(arr.shape) if keep else acc


@excel("REDUCE", "any", "values", "any", category=CAT, needs_context=True,
       syntax="REDUCE([initial_value], array, lambda)",
       summary="Folds an array to one value: the LAMBDA(accumulator, value) is called on each element in turn.")
def reduce_(ctx, initial, arr, fn):
    # An omitted initial value starts the accumulator blank (0 to arithmetic); it may hold an array (VSTACK...).
    return _accumulate(ctx, initial, arr, fn, "REDUCE", keep=False)


@excel("SCAN", "any", "values", "any", category=CAT, needs_context=True,
       syntax="SCAN([initial_value], array, lambda)",
       summary="REDUCE's accumulator after each element, as an array the shape of the input.")
def scan(ctx, initial, arr, fn):
    return _accumulate(ctx, initial, arr, fn, "SCAN", keep=True)


def _by(ctx, arr, fn, name: str, by_row: bool):
    fn = _checked(fn, 1, name)
    if isinstance(fn, ExcelError):
        return fn
    lines = [arr[i:i + 1, :] for i in range(arr.shape[0])] if by_row else \
        [arr[:, j:j + 1] for j in range(arr.shape[1])]
    out = [_scalar(ctx, fn(line)) for line in lines]
    return np.array(out, dtype=object).reshape((-1, 1) if by_row else (1, -1))


@excel("BYROW", "values", "any", category=CAT, needs_context=True, syntax="BYROW(array, lambda)",
       summary="One value per row: the LAMBDA called on each row of the array.")
def byrow(ctx, arr, fn):
    # Excel: a LAMBDA that returns an array for a row is #CALC! in that row.
    return _by(ctx, arr, fn, "BYROW", by_row=True)


@excel("BYCOL", "values", "any", category=CAT, needs_context=True, syntax="BYCOL(array, lambda)",
       summary="One value per column: the LAMBDA called on each column of the array.")
def bycol(ctx, arr, fn):
    return _by(ctx, arr, fn, "BYCOL", by_row=False)


@excel("MAKEARRAY", "scalar", "scalar", "any", category=CAT, needs_context=True,
       syntax="MAKEARRAY(rows, cols, lambda)",
       summary="A rows x cols array whose elements are LAMBDA(row, col), counting from 1.")
def makearray(ctx, rows, cols, fn):
    # Excel: sizes are truncated; below 1 is #VALUE!.
    size = [to_number(v) for v in (rows, cols)]
    for v in size:
        if isinstance(v, ExcelError):
            return v
    r, c = (math.trunc(v) for v in size)
    if r < 1 or c < 1:
        return E.VALUE.because("MAKEARRAY's rows and cols must be at least 1")
    if r * c > MAX_CELLS:
        return E.NUM.because("MAKEARRAY would make more values than memory allows")
    fn = _checked(fn, 2, "MAKEARRAY")
    if isinstance(fn, ExcelError):
        return fn
    out = np.empty((r, c), dtype=object)
    for i in range(r):
        for j in range(c):
            out[i, j] = _scalar(ctx, fn(float(i + 1), float(j + 1)))
    return out
