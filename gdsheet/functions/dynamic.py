"""Dynamic-array functions that compute new arrays: SEQUENCE, FILTER, SORT, SORTBY and UNIQUE."""
from __future__ import annotations

from functools import cmp_to_key

import numpy as np

from gdsheet import errors as E
from gdsheet.errors import ExcelError
from gdsheet.functions.registry import excel
from gdsheet.refs import MAX_COL, MAX_ROW
from gdsheet.values import compare, round15, to_bool, to_number

CAT = "Dynamic arrays"
MAX_CELLS = 1 << 24  # a guard: a whole sheet's worth of numbers would exhaust memory before it could spill


@excel("SEQUENCE", "int", "int", "num", "num", category=CAT, min_args=1, keeps_missing=True,
       syntax="SEQUENCE(rows, [columns], [start], [step])",
       summary="An array of evenly spaced numbers, filled row by row.")
def sequence(rows, cols=1.0, start=1.0, step=1.0):
    # An omitted or empty argument takes its default (1); 0 rows or columns is #CALC!, negative #VALUE!.
    r, c = int(1 if rows is None else rows), int(1 if cols is None else cols)
    if r < 0 or c < 0 or r > MAX_ROW or c > MAX_COL:
        return E.VALUE.because("SEQUENCE's size is negative or larger than a sheet")
    if r == 0 or c == 0:
        return E.CALC.because("SEQUENCE of an empty array")
    if r * c > MAX_CELLS:
        return E.NUM.because("SEQUENCE would make more values than memory allows")
    start, step = 1.0 if start is None else start, 1.0 if step is None else step
    return (start + step * np.arange(r * c, dtype=float)).reshape(r, c).astype(object)


def _truthy(v):
    """FILTER's include value: numbers nonzero, booleans, blank FALSE; text is #VALUE!, errors pass through."""
    if isinstance(v, str):
        return E.VALUE.because("FILTER's include must hold TRUE/FALSE or numbers, not text")
    return to_bool(v)


@excel("FILTER", "values", "values", "any", category=CAT, min_args=2, syntax="FILTER(array, include, [if_empty])",
       summary="The rows (or columns) of an array for which include is TRUE.")
def filter_(arr, include, if_empty=None):
    # include is one column as tall as the array (keeps rows) or one row as wide (keeps columns); nothing kept and
    # no if_empty is #CALC!.
    h, w = arr.shape
    if include.shape == (h, 1):
        by_row = True
    elif include.shape == (1, w):
        by_row = False
    else:
        return E.VALUE.because("FILTER's include must be one column as tall, or one row as wide, as the array")
    keep = []
    for v in include.ravel():
        t = _truthy(v)
        if isinstance(t, ExcelError):
            return t
        keep.append(t)
    out = arr[np.array(keep, dtype=bool), :] if by_row else arr[:, np.array(keep, dtype=bool)]
    if out.size == 0:
        return E.CALC.because("FILTER kept nothing") if if_empty is None else if_empty
    return out


# ---- sorting ------------------------------------------------------------------------------------------------

def _rank(v) -> int:
    # Excel's sort order: numbers, text, booleans, errors, then blanks (blanks stay last either way).
    if isinstance(v, bool):
        return 2
    if isinstance(v, (int, float)):
        return 0
    if isinstance(v, str):
        return 1
    return 3 if isinstance(v, ExcelError) else 4


def _cmp_value(a, b, order: int) -> int:
    ra, rb = _rank(a), _rank(b)
    if ra == 4 or rb == 4:
        return (ra == 4) - (rb == 4)
    if ra != rb:
        return order * ((ra > rb) - (ra < rb))
    return 0 if ra == 3 else order * compare(a, b)


def _sorted_positions(keys: list[list], orders: list[int], n: int) -> list[int]:
    """Positions 0..n-1 stably sorted by several key vectors, each ascending (1) or descending (-1)."""
    def cmp(i, j):
        for key, order in zip(keys, orders):
            c = _cmp_value(key[i], key[j], order)
            if c:
                return c
        return 0
    return sorted(range(n), key=cmp_to_key(cmp))


def _ints(arr) -> list | ExcelError:
    out = []
    for v in ([] if arr is None else arr.ravel()):
        n = to_number(v)
        if isinstance(n, ExcelError):
            return n
        out.append(int(n))
    return out


@excel("SORT", "values", "values", "values", "bool", category=CAT, min_args=1,
       syntax="SORT(array, [sort_index], [sort_order], [by_col])",
       summary="An array sorted by one or more of its columns (or rows), ascending (1) or descending (-1).")
def sort(arr, sort_index=None, sort_order=None, by_col=False):
    # Stable; text compares case-insensitively; numbers < text < booleans < errors, blanks last.
    idx, orders = _ints(sort_index) or [1], _ints(sort_order) or [1]
    for v in (idx, orders):
        if isinstance(v, ExcelError):
            return v
    data = arr.T if by_col else arr
    if len(orders) == 1:
        orders = orders * len(idx)
    if len(orders) != len(idx) or any(o not in (1, -1) for o in orders) \
            or any(not 1 <= k <= data.shape[1] for k in idx):
        return E.VALUE.because("SORT's sort_index is outside the array or sort_order is not 1 or -1")
    pos = _sorted_positions([list(data[:, k - 1]) for k in idx], orders, data.shape[0])
    out = data[pos, :]
    return out.T if by_col else out


@excel("SORTBY", "values", "values", "values", category=CAT, min_args=2, max_args=None,
       syntax="SORTBY(array, by_array1, [sort_order1], [by_array2, sort_order2], ...)",
       summary="An array sorted by the values of other rows or columns.")
def sortby(arr, *pairs):
    # Each by_array is one column as tall as the array (sorts rows) or one row as wide (sorts columns), all alike.
    keys, orders, by_row = [], [], None
    for k in range(0, len(pairs), 2):
        by = pairs[k]
        order = _ints(pairs[k + 1]) if k + 1 < len(pairs) else [1]
        if isinstance(order, ExcelError):
            return order
        if by is None or len(order) > 1 or (order and order[0] not in (1, -1)):
            return E.VALUE.because("SORTBY's sort orders must be 1 or -1")
        if by.shape == (arr.shape[0], 1) and by_row is not False:
            by_row = True
        elif by.shape == (1, arr.shape[1]) and by_row is not True:
            by_row = False
        else:
            return E.VALUE.because("SORTBY's by_arrays must line up with the array, all in one direction")
        keys.append(list(by.ravel()))
        orders.append(order[0] if order else 1)
    pos = _sorted_positions(keys, orders, arr.shape[0] if by_row else arr.shape[1])
    return arr[pos, :] if by_row else arr[:, pos]


def _key(v):
    # UNIQUE's sameness: text ignores case; numbers compare at 15 significant digits; types never mix.
    if isinstance(v, bool):
        return ("b", v)
    if isinstance(v, (int, float)):
        return ("n", round15(float(v)))
    if isinstance(v, str):
        return ("s", v.lower())
    return ("e", v.code) if isinstance(v, ExcelError) else ("z", None)


@excel("UNIQUE", "values", "bool", "bool", category=CAT, min_args=1,
       syntax="UNIQUE(array, [by_col], [exactly_once])",
       summary="The distinct rows (or columns) of an array, or those that occur exactly once.")
def unique(arr, by_col=False, exactly_once=False):
    data = arr.T if by_col else arr
    counts: dict[tuple, int] = {}
    first: dict[tuple, int] = {}
    for i, row in enumerate(data):
        k = tuple(_key(v) for v in row)
        counts[k] = counts.get(k, 0) + 1
        first.setdefault(k, i)
    keep = [i for k, i in first.items() if not exactly_once or counts[k] == 1]
    if not keep:
        return E.CALC.because("no value occurs exactly once")
    out = data[keep, :]
    return out.T if by_col else out
