"""Array reshaping: CHOOSECOLS/ROWS, HSTACK/VSTACK, TAKE/DROP, TOCOL/TOROW, WRAPROWS/COLS and EXPAND."""
from __future__ import annotations

import numpy as np

from gdsheet import errors as E
from gdsheet.errors import ExcelError
from gdsheet.functions.dynamic import MAX_CELLS
from gdsheet.functions.registry import excel
from gdsheet.values import to_number

CAT = "Lookup & reference"


def _picks(args, n: int, what: str):
    """CHOOSECOLS/CHOOSEROWS numbers (arrays allowed) as 0-based positions; negatives count from the end."""
    out = []
    for a in args:
        for v in ([None] if a is None else a.ravel()):
            k = to_number(v)
            if isinstance(k, ExcelError):
                return k
            k = int(k)
            if k == 0 or abs(k) > n:
                return E.VALUE.because(f"{what} number {k} is outside the array")
            out.append(k - 1 if k > 0 else n + k)
    return out


@excel("CHOOSECOLS", "values", "values", category=CAT, min_args=2, max_args=None,
       syntax="CHOOSECOLS(array, col_num1, [col_num2], ...)", summary="The chosen columns of an array.")
def choosecols(arr, *nums):
    pos = _picks(nums, arr.shape[1], "column")
    return pos if isinstance(pos, ExcelError) else arr[:, pos]


@excel("CHOOSEROWS", "values", "values", category=CAT, min_args=2, max_args=None,
       syntax="CHOOSEROWS(array, row_num1, [row_num2], ...)", summary="The chosen rows of an array.")
def chooserows(arr, *nums):
    pos = _picks(nums, arr.shape[0], "row")
    return pos if isinstance(pos, ExcelError) else arr[pos, :]


def _pad(arr: np.ndarray, rows: int, cols: int, fill) -> np.ndarray:
    out = np.empty((rows, cols), dtype=object)
    out[:, :] = fill
    out[:arr.shape[0], :arr.shape[1]] = arr
    return out


@excel("HSTACK", "values", category=CAT, min_args=1, max_args=None, syntax="HSTACK(array1, [array2], ...)",
       summary="Arrays placed side by side; shorter ones are padded with #N/A.")
def hstack(*arrays):
    arrays = [a for a in arrays if a is not None]
    h = max(a.shape[0] for a in arrays)
    return np.hstack([_pad(a, h, a.shape[1], E.NA) for a in arrays])


@excel("VSTACK", "values", category=CAT, min_args=1, max_args=None, syntax="VSTACK(array1, [array2], ...)",
       summary="Arrays stacked one above the other; narrower ones are padded with #N/A.")
def vstack(*arrays):
    arrays = [a for a in arrays if a is not None]
    w = max(a.shape[1] for a in arrays)
    return np.vstack([_pad(a, a.shape[0], w, E.NA) for a in arrays])


def _span(n: int, k) -> slice | ExcelError:
    """TAKE's slice of n items: k from the start, -k from the end, all when omitted."""
    if k is None:
        return slice(0, n)
    k = int(k)
    if k == 0:
        return E.CALC.because("TAKE of 0 rows or columns is an empty array")
    return slice(0, min(k, n)) if k > 0 else slice(max(n + k, 0), n)


@excel("TAKE", "values", "int", "int", category=CAT, min_args=2, keeps_missing=True,
       syntax="TAKE(array, rows, [columns])",
       summary="The first rows/columns of an array (the last ones when negative).")
def take(arr, rows, cols=None):
    rs, cs = _span(arr.shape[0], rows), _span(arr.shape[1], cols)
    for s in (rs, cs):
        if isinstance(s, ExcelError):
            return s
    return arr[rs, cs]


def _drop(n: int, k) -> slice:
    k = 0 if k is None else int(k)
    return slice(min(k, n), n) if k >= 0 else slice(0, max(n + k, 0))


@excel("DROP", "values", "int", "int", category=CAT, min_args=2, keeps_missing=True,
       syntax="DROP(array, rows, [columns])",
       summary="An array without its first rows/columns (the last ones when negative).")
def drop(arr, rows, cols=None):
    out = arr[_drop(arr.shape[0], rows), _drop(arr.shape[1], cols)]
    return out if out.size else E.CALC.because("DROP removed everything")


def _flatten(arr: np.ndarray, ignore, by_col):
    ignore = 0 if ignore is None else int(ignore)
    if ignore not in (0, 1, 2, 3):
        return E.VALUE.because("ignore must be 0, 1, 2 or 3")
    vals = (arr.T if by_col else arr).ravel()
    # 1 skips blanks, 2 skips errors, 3 both.
    kept = [v for v in vals if not (ignore & 1 and v is None) and not (ignore & 2 and isinstance(v, ExcelError))]
    if not kept:
        return E.CALC.because("nothing is left")
    out = np.empty(len(kept), dtype=object)
    out[:] = kept
    return out


@excel("TOCOL", "values", "int", "bool", category=CAT, min_args=1,
       syntax="TOCOL(array, [ignore], [scan_by_column])", summary="An array as one column.")
def tocol(arr, ignore=0.0, by_col=False):
    flat = _flatten(arr, ignore, by_col)
    return flat if isinstance(flat, ExcelError) else flat.reshape(-1, 1)


@excel("TOROW", "values", "int", "bool", category=CAT, min_args=1,
       syntax="TOROW(array, [ignore], [scan_by_column])", summary="An array as one row.")
def torow(arr, ignore=0.0, by_col=False):
    flat = _flatten(arr, ignore, by_col)
    return flat if isinstance(flat, ExcelError) else flat.reshape(1, -1)


def _wrap(vector: np.ndarray, count, pad, by_col: bool):
    if 1 not in vector.shape:
        return E.VALUE.because("only a single row or column can be wrapped")
    count = 0 if count is None else int(count)
    if count < 1:
        return E.NUM.because("wrap_count must be at least 1")
    vals = list(vector.ravel())
    lines = -(-len(vals) // count)
    out = np.empty((lines, count), dtype=object)
    out[:, :] = E.NA if pad is None else pad
    out.ravel()[:len(vals)] = vals
    return out.T if by_col else out


@excel("WRAPROWS", "values", "int", "scalar?", category=CAT, min_args=2,
       syntax="WRAPROWS(vector, wrap_count, [pad_with])",
       summary="A row or column cut into rows of a given length (padded with #N/A).")
def wraprows(vector, count, pad=None):
    return _wrap(vector, count, pad, by_col=False)


@excel("WRAPCOLS", "values", "int", "scalar?", category=CAT, min_args=2,
       syntax="WRAPCOLS(vector, wrap_count, [pad_with])",
       summary="A row or column cut into columns of a given length (padded with #N/A).")
def wrapcols(vector, count, pad=None):
    return _wrap(vector, count, pad, by_col=True)


@excel("EXPAND", "values", "int", "int", "scalar?", category=CAT, keeps_missing=True, min_args=2,
       syntax="EXPAND(array, rows, [columns], [pad_with])",
       summary="An array enlarged to a number of rows and columns (padded with #N/A).")
def expand(arr, rows, cols=None, pad=None):
    h = arr.shape[0] if rows is None else int(rows)
    w = arr.shape[1] if cols is None else int(cols)
    if h < arr.shape[0] or w < arr.shape[1]:
        return E.VALUE.because("EXPAND cannot make an array smaller")
    if h * w > MAX_CELLS:
        return E.NUM.because("EXPAND would make more values than memory allows")
    return _pad(arr, h, w, E.NA if pad is None else pad)
