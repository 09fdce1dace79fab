"""Lookups: MATCH, XMATCH, VLOOKUP, HLOOKUP, LOOKUP and XLOOKUP, with Excel's exact, wildcard and binary searches."""
from __future__ import annotations

import numpy as np

from gdsheet import errors as E
from gdsheet.errors import ExcelError
from gdsheet.functions.registry import excel
from gdsheet.functions.criteria import Wildcard
from gdsheet.refs import Area
from gdsheet.values import MultiArea, array2d, compare, round15, to_text

CAT = "Lookup & reference"


def _kind(v) -> int:
    """The comparable family of a value: 0 numbers, 1 text, 2 booleans, -1 blanks and errors (never matched)."""
    if isinstance(v, bool):
        return 2
    if isinstance(v, (int, float)):
        return 0
    if isinstance(v, str):
        return 1
    return -1


def _not_found(x) -> ExcelError:
    shown = "an empty cell" if x is None else f'"{x}"' if isinstance(x, str) else to_text(x)
    return E.NA.because(f"{shown} was not found")


def _approximate_key(x):
    """The value an approximate (binary) search looks for: an empty cell is 0, as Excel finds it
    (MATCH(empty, {-1.1,2.1}) is 1); an exact search finds nothing for it."""
    return 0.0 if x is None else x


def _equals(x):
    """A predicate for 'equal to x' as lookups compare: same type, text ignoring case, numbers at 15 digits."""
    kx = _kind(x)
    if kx == 0:
        x = float(x)
        rx, near = round15(x), 1e-13 * abs(x)
        # the cheap test first: round15 formats a string, too slow to run on every cell of a long column
        return lambda v: _kind(v) == 0 and (v == x or abs(v - x) <= near and round15(float(v)) == rx)
    if kx == 1:
        low = x.lower()
        return lambda v: isinstance(v, str) and v.lower() == low
    return lambda v: isinstance(v, bool) and v == x if kx == 2 else False


def find_exact(vals, x, wildcards: bool = False, reverse: bool = False) -> int:
    """Index of the first (last, if reverse) value equal to x, case-insensitively; -1 when none."""
    order = range(len(vals) - 1, -1, -1) if reverse else range(len(vals))
    if wildcards and isinstance(x, str) and any(ch in x for ch in "*?~"):
        wild = Wildcard(x)
        return next((i for i in order if isinstance(vals[i], str) and wild.fullmatch(vals[i])), -1)
    eq = _equals(x)
    return next((i for i in order if eq(vals[i])), -1)


def find_nearest(vals, x, mode: int, reverse: bool = False) -> int:
    """Linear search for x, else the largest value below it (mode -1) or the smallest above it (mode 1), in
    Excel's order of all values (numbers < text < FALSE < TRUE: XMATCH(TRUE,{1,2,3},-1) is 3); blanks and errors
    are never found."""
    kx, best = _kind(x), -1
    if kx < 0:
        return -1
    order = range(len(vals) - 1, -1, -1) if reverse else range(len(vals))
    for i in order:
        if _kind(vals[i]) < 0:
            continue
        c = compare(vals[i], x)
        if c == 0:
            return i
        if c == mode and (best < 0 or compare(vals[i], vals[best]) == -mode):
            best = i
    return best


def bsearch(vals, x, descending: bool = False) -> int:
    """Excel's binary search: the last position whose value is <= x (>= x when descending), on sorted data.

    Values of another type than x (and blanks, errors) are stepped over towards the start of the current window,
    which is what makes Excel's idioms work: LOOKUP(2, 1/(cond), ...) finds the last match, MATCH(9E307, A:A) the
    last number. On unsorted data the answer is whatever this bisection lands on, as in Excel.
    """
    kx, lo, hi, best = _kind(x), 0, len(vals) - 1, -1
    while lo <= hi:
        mid = (lo + hi) // 2
        m = mid
        while m >= lo and _kind(vals[m]) != kx:
            m -= 1
        if m < lo:
            lo = mid + 1
            continue
        c = compare(vals[m], x)
        if (c >= 0) if descending else (c <= 0):
            best, lo = m, mid + 1
        else:
            hi = m - 1
    return best


def _vector(arr: np.ndarray):
    """A one-row or one-column array as a flat list, or None for a 2-D block."""
    return list(arr.ravel()) if 1 in arr.shape else None


def _approx_ok(vals, i: int, x) -> bool:
    return i >= 0 and _kind(vals[i]) == _kind(x)


# ---- MATCH / XMATCH -----------------------------------------------------------------------------------------

@excel("MATCH", "scalar", "values", "num", category=CAT, min_args=2,
       syntax="MATCH(lookup_value, lookup_array, [match_type])",
       summary="The position of a value in a row or column: exact (0), or in sorted data (1 ascending, -1 descending).")
def match(x, arr, match_type=1.0):
    # 0: first exact match, wildcards in text, case-insensitive; 1/-1: binary search, last of equal values.
    vals = _vector(arr)
    if vals is None:
        return E.NA.because("MATCH looks in one row or one column")
    mt = 0 if match_type is None else (match_type > 0) - (match_type < 0)
    if x is None and mt == 0:
        return _not_found(x)
    i = find_exact(vals, x, wildcards=True) if mt == 0 else bsearch(vals, _approximate_key(x), descending=mt < 0)
    return float(i + 1) if i >= 0 else _not_found(x)


def xsearch(vals, x, match_mode: int, search_mode: int):
    """XMATCH/XLOOKUP's search: the 0-based position, -1 when not found, or an error for a bad mode."""
    if match_mode not in (0, -1, 1, 2) or search_mode not in (1, -1, 2, -2):
        return E.VALUE.because("match_mode must be 0, -1, 1 or 2 and search_mode 1, -1, 2 or -2")
    if abs(search_mode) == 2:
        if match_mode == 2:
            return E.VALUE.because("wildcards cannot be used with a binary search")
        desc = search_mode == -2
        i = bsearch(vals, x, descending=desc)
        if i >= 0 and _kind(vals[i]) == _kind(x) and compare(vals[i], x) == 0:
            return i
        # i is the last value on the near side of x; the value past it is on the far side.
        if match_mode == (1 if desc else -1):
            return i if _approx_ok(vals, i, x) else -1
        if match_mode == 0:
            return -1
        j = next((k for k in range(i + 1, len(vals)) if _kind(vals[k]) == _kind(x)), -1)
        return j
    reverse = search_mode == -1
    if match_mode in (0, 2):
        return find_exact(vals, x, wildcards=match_mode == 2, reverse=reverse)
    return find_nearest(vals, x, match_mode, reverse)


@excel("XMATCH", "scalar", "values", "int", "int", category=CAT, min_args=2,
       syntax="XMATCH(lookup_value, lookup_array, [match_mode], [search_mode])",
       summary="The position of a value in a row or column, with exact, nearest, wildcard and reverse searches.")
def xmatch(x, arr, match_mode=0.0, search_mode=1.0):
    # Exact by default and without wildcards unless match_mode is 2; text compares case-insensitively.
    vals = _vector(arr)
    if vals is None:
        return E.VALUE.because("XMATCH looks in one row or one column")
    i = xsearch(vals, x, int(match_mode or 0), int(1 if search_mode is None else search_mode))
    return i if isinstance(i, ExcelError) else float(i + 1) if i >= 0 else _not_found(x)


# ---- VLOOKUP / HLOOKUP / LOOKUP -----------------------------------------------------------------------------

def _table_lookup(x, table: np.ndarray, index, approximate, name: str):
    if index is None or index < 1:
        return E.VALUE.because(f"{name}'s index is less than 1")
    if index > table.shape[1]:
        return E.REF.because(f"{name}'s index is past the last column of the table")
    keys = list(table[:, 0])
    # An empty 4th argument (VLOOKUP(x,t,2,)) means FALSE; an omitted one TRUE.
    approx = approximate is not None and approximate
    if x is None and not approx:
        return _not_found(x)
    i = bsearch(keys, _approximate_key(x)) if approx else find_exact(keys, x, wildcards=True)
    return _not_found(x) if i < 0 else table[i, int(index) - 1]


@excel("VLOOKUP", "scalar", "values", "int", "bool", category=CAT, min_args=3,
       syntax="VLOOKUP(lookup_value, table_array, col_index_num, [range_lookup])",
       summary="Looks a value up in the first column of a table and returns the cell from another column.")
def vlookup(x, table, index, approximate=True):
    # range_lookup TRUE (default): binary search on a sorted first column; FALSE: exact, wildcards allowed.
    return _table_lookup(x, table, index, approximate, "VLOOKUP")


@excel("HLOOKUP", "scalar", "values", "int", "bool", category=CAT, min_args=3,
       syntax="HLOOKUP(lookup_value, table_array, row_index_num, [range_lookup])",
       summary="Looks a value up in the first row of a table and returns the cell from another row.")
def hlookup(x, table, index, approximate=True):
    return _table_lookup(x, table.T, index, approximate, "HLOOKUP")


@excel("LOOKUP", "scalar", "values", "any", category=CAT, min_args=2, needs_context=True,
       syntax="LOOKUP(lookup_value, lookup_vector, [result_vector])",
       summary="Finds a value in sorted data and returns the matching value from another row or column.")
def lookup(ctx, x, arr, result=None):
    # Always a binary search. Without result_vector a 2-D array is searched along its longer side (first row if
    # wider than tall, else first column) and the answer comes from its last row/column. A result_vector reference
    # shorter than the lookup vector is extended, as Excel does.
    if result is None:
        wide = arr.shape[1] > arr.shape[0]
        keys, out = (list(arr[0]), list(arr[-1])) if wide else (list(arr[:, 0]), list(arr[:, -1]))
        i = bsearch(keys, _approximate_key(x))
        return out[i] if i >= 0 else _not_found(x)
    vals = _vector(arr)
    if vals is None:
        return E.NA.because("LOOKUP's lookup_vector must be one row or one column")
    i = bsearch(vals, _approximate_key(x))
    if i < 0:
        return _not_found(x)
    if isinstance(result, ExcelError):
        return result
    if isinstance(result, Area):
        if result.rows > 1 and result.cols > 1:
            return E.NA.because("LOOKUP's result_vector must be one row or one column")
        along_rows = result.rows > 1 or (result.cols == 1 and len(vals) > 1 and arr.shape[0] > 1)
        r, c = (result.r1 + i, result.c1) if along_rows else (result.r1, result.c1 + i)
        return ctx.value_at(result.sheet, r, c)
    res = _vector(result if isinstance(result, np.ndarray) else array2d(result))
    if res is None or isinstance(result, MultiArea):
        return E.NA.because("LOOKUP's result_vector must be one row or one column")
    return res[i] if i < len(res) else E.NA


# ---- XLOOKUP ------------------------------------------------------------------------------------------------

def _as_values(ctx, v):
    if isinstance(v, Area):
        return ctx.read(v)
    return v if isinstance(v, np.ndarray) else array2d(v)


def _slice(ret, i: int, by_row: bool):
    """Row (or column) i of the return array: a reference when it is one, so XLOOKUP(...):XLOOKUP(...) works."""
    if isinstance(ret, Area):
        if by_row:
            return Area(ret.sheet, ret.r1 + i, ret.c1, ret.r1 + i, ret.c2)
        return Area(ret.sheet, ret.r1, ret.c1 + i, ret.r2, ret.c1 + i)
    part = ret[i:i + 1, :] if by_row else ret[:, i:i + 1]
    return part[0, 0] if part.size == 1 else part


@excel("XLOOKUP", "any", "any", "any", "any", "int", "int", category=CAT, min_args=3, needs_context=True,
       syntax="XLOOKUP(lookup_value, lookup_array, return_array, [if_not_found], [match_mode], [search_mode])",
       summary="Finds a value in a row or column and returns what is in the same position of another range.")
def xlookup(ctx, x, arr, ret, if_not_found=None, match_mode=0.0, search_mode=1.0):
    # Exact match by default (no wildcards unless match_mode 2); returns a whole row/column of a 2-D return array.
    for v in (arr, ret):
        if isinstance(v, ExcelError):
            return v
        if isinstance(v, MultiArea):
            return E.VALUE.because("XLOOKUP cannot look in a union of references")
    # Sizes come from the references themselves: reading A:A stops at the last used row, the reference does not.
    values = _as_values(ctx, arr)
    size = (arr.rows, arr.cols) if isinstance(arr, Area) else values.shape
    vals = _vector(values)
    if vals is None or 1 not in size:
        return E.VALUE.because("XLOOKUP's lookup_array must be one row or one column")
    if not isinstance(ret, (Area, np.ndarray)):
        ret = array2d(ret)
    shape = (ret.rows, ret.cols) if isinstance(ret, Area) else ret.shape
    by_row = size[1] == 1 and size[0] > 1 or (size == (1, 1) and shape[0] == 1)
    if (shape[0] if by_row else shape[1]) != (size[0] if by_row else size[1]):
        return E.VALUE.because("XLOOKUP's return_array does not line up with lookup_array")
    mm, sm = int(match_mode or 0), int(1 if search_mode is None else search_mode)

    def one(key):
        if isinstance(key, ExcelError):
            return key
        i = xsearch(vals, key, mm, sm)
        if isinstance(i, ExcelError):
            return i
        if i < 0:
            return _not_found(key) if if_not_found is None else if_not_found
        return _slice(ret, i, by_row)

    if isinstance(x, (Area, MultiArea)) and not (isinstance(x, Area) and x.is_cell):
        x = ctx.read(x)
    elif isinstance(x, Area):
        x = ctx.value_at(x.sheet, x.r1, x.c1)
    if not isinstance(x, np.ndarray):
        return one(x)
    # Several lookup values: one (single-cell) answer each, spilled in their shape.
    out = np.empty(x.shape, dtype=object)
    for idx, key in np.ndenumerate(x):
        v = one(key)
        if isinstance(v, Area):
            v = ctx.value_at(v.sheet, v.r1, v.c1) if v.is_cell else E.VALUE
        elif isinstance(v, np.ndarray):
            v = v[0, 0]
        out[idx] = v
    return out
