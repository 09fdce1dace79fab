"""Matrix and sum-of-products functions: MMULT, TRANSPOSE, MDETERM, MINVERSE, MUNIT, SUMPRODUCT, SUMX2MY2..."""
from __future__ import annotations

import numpy as np

from gdsheet import errors as E
from gdsheet.errors import ExcelError
from gdsheet.functions.math import CAT
from gdsheet.functions.registry import excel
from gdsheet.values import is_number, round15

MAX_CELLS = 10_000_000  # a bigger array result could never spill onto a sheet anyway


def _first_error(arr: np.ndarray) -> ExcelError | None:
    for v in arr.flat:
        if isinstance(v, ExcelError):
            return v
    return None


def numeric_matrix(arr: np.ndarray) -> np.ndarray | ExcelError:
    """A float matrix, or the first error inside, or #VALUE! when a cell is blank, text or a boolean."""
    err = _first_error(arr)
    if err is not None:
        return err
    if not all(is_number(v) for v in arr.flat):
        return E.VALUE.because("the array holds a blank, text or a boolean")
    return arr.astype(float)


def _object(a: np.ndarray) -> np.ndarray:
    return a.astype(float).astype(object)  # Python floats, not numpy scalars


@excel("MMULT", "values", "values", category=CAT, syntax="MMULT(array1, array2)",
       summary="The matrix product of two arrays: as many rows as array1 and as many columns as array2.")
def mmult(a, b):
    # Quirk: any blank, text or boolean cell is #VALUE!, and so is a column count of array1 that differs from
    # the row count of array2; an error inside is returned as it is
    a, b = numeric_matrix(a), numeric_matrix(b)
    if isinstance(a, ExcelError):
        return a
    if isinstance(b, ExcelError):
        return b
    if a.shape[1] != b.shape[0]:
        return E.VALUE.because(f"array1 has {a.shape[1]} columns but array2 has {b.shape[0]} rows")
    out = a @ b
    return _object(out) if np.isfinite(out).all() else E.NUM


@excel("TRANSPOSE", "values", category=CAT, syntax="TRANSPOSE(array)",
       summary="An array turned on its side: rows become columns.")
def transpose(a):
    # Every value is kept as it is, errors included
    return a.T.copy()


@excel("MDETERM", "values", category=CAT, syntax="MDETERM(array)",
       summary="The determinant of a square matrix.")
def mdeterm(a):
    # Quirk: a non-square array, or a blank, text or boolean cell, is #VALUE!; Excel's LU has ~16 digits, so the
    # result is given at 15 significant digits (MDETERM({1,2;3,4}) is -2, not -2.0000000000000004)
    m = numeric_matrix(a)
    if isinstance(m, ExcelError):
        return m
    if m.shape[0] != m.shape[1]:
        return E.VALUE.because("the matrix is not square")
    d = float(np.linalg.det(m))
    return round15(d) + 0.0 if np.isfinite(d) else E.NUM


@excel("MINVERSE", "values", category=CAT, syntax="MINVERSE(array)",
       summary="The inverse of a square matrix (#NUM! when it has none).")
def minverse(a):
    # Quirk: a singular matrix is #NUM!; non-square or non-numeric is #VALUE!
    m = numeric_matrix(a)
    if isinstance(m, ExcelError):
        return m
    if m.shape[0] != m.shape[1]:
        return E.VALUE.because("the matrix is not square")
    try:
        inv = np.linalg.inv(m)
    except np.linalg.LinAlgError:
        return E.NUM.because("the matrix is singular")
    if round15(float(np.linalg.det(m))) == 0 or not np.isfinite(inv).all():
        return E.NUM.because("the matrix is singular")
    return _object(np.vectorize(round15)(inv))  # 15 digits, as for MDETERM: MINVERSE({1,2;3,4}) has -2, not -1.99...96


@excel("MUNIT", "int", category=CAT, syntax="MUNIT(dimension)",
       summary="The identity matrix of a size: ones on the diagonal, zeros elsewhere.")
def munit(n):
    # Quirk: a dimension below 1 is #VALUE!
    if n < 1 or n * n > MAX_CELLS:
        return E.VALUE
    return _object(np.eye(int(n)))


def _as_number_or_zero(arr: np.ndarray) -> np.ndarray:
    return np.array([[v if is_number(v) else 0.0 for v in row] for row in arr], dtype=float).reshape(arr.shape)


@excel("SUMPRODUCT", "values", category=CAT, max_args=None, syntax="SUMPRODUCT(array1, [array2], ...)",
       summary="Multiplies arrays of the same size element by element and adds up the products.")
def sumproduct(*arrays):
    # Quirk: text, booleans and blanks count as 0 (hence the --(A1:A9>0) idiom); shapes must match exactly, or
    # #VALUE!; the first error inside any array wins
    shape = arrays[0].shape
    if any(a.shape != shape for a in arrays):
        return E.VALUE.because("the arrays are not all the same size")
    for a in arrays:
        err = _first_error(a)
        if err is not None:
            return err
    total = float(np.prod([_as_number_or_zero(a) for a in arrays], axis=0).sum())
    return total if np.isfinite(total) else E.NUM


def _pairs(x: np.ndarray, y: np.ndarray):
    """Paired numbers of two arrays with the same count of values (pairs with a non-number are skipped)."""
    if x.size != y.size:
        return E.NA.because("the two arrays have different numbers of values")
    for a in (x, y):
        err = _first_error(a)
        if err is not None:
            return err
    keep = [(a, b) for a, b in zip(x.flat, y.flat) if is_number(a) and is_number(b)]
    xs = np.array([a for a, _ in keep], dtype=float)
    ys = np.array([b for _, b in keep], dtype=float)
    return xs, ys


def _sum_of_pairs(name: str, term, syntax: str, summary: str) -> None:
    def impl(x, y):
        # Quirk: a pair is skipped when either value is not a number; different counts of values are #N/A
        pairs = _pairs(x, y)
        if isinstance(pairs, ExcelError):
            return pairs
        with np.errstate(all="ignore"):  # an overflow is #NUM!, not a warning on the console
            total = float(term(*pairs).sum())
        return total if np.isfinite(total) else E.NUM

    excel(name, "values", "values", category=CAT, syntax=syntax, summary=summary)(impl)


_sum_of_pairs("SUMX2MY2", lambda x, y: x * x - y * y, "SUMX2MY2(array_x, array_y)",
              "The sum of the differences of squares of paired values: sum of x^2 - y^2.")
_sum_of_pairs("SUMX2PY2", lambda x, y: x * x + y * y, "SUMX2PY2(array_x, array_y)",
              "The sum of the sums of squares of paired values: sum of x^2 + y^2.")
_sum_of_pairs("SUMXMY2", lambda x, y: (x - y) ** 2, "SUMXMY2(array_x, array_y)",
              "The sum of squares of the differences of paired values: sum of (x - y)^2.")
