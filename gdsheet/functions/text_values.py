"""Values written as text (ARRAYTOTEXT, VALUETOTEXT), PERCENTOF, and TRIMRANGE with the trim references A1:.C9
(trailing blanks trimmed), A1.:C9 (leading) and A1.:.C9 (both), which files spell _xlfn._TRO_TRAILING(A1:C9),
_xlfn._TRO_LEADING(...) and _xlfn._TRO_ALL(...)."""
from __future__ import annotations

import math

import numpy as np

from gdsheet import errors as E
from gdsheet.errors import ExcelError
from gdsheet.functions.registry import excel
from gdsheet.refs import Area
from gdsheet.values import MultiArea, format_number, to_number

TEXT = "Text"


def _as_text(v, strict: bool) -> str:
    """One value as ARRAYTOTEXT and VALUETOTEXT write it: numbers in General format, TRUE/FALSE, errors by their
    code, blanks empty; text as it is, or in double quotes (doubled inside) in the strict format."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, (int, float)):
        return format_number(float(v))
    if isinstance(v, ExcelError):
        return v.code
    text = str(v)
    return '"' + text.replace('"', '""') + '"' if strict else text


def _format(fmt) -> bool | ExcelError:
    """The format argument: 0 (concise, the default) or 1 (strict); anything else is #VALUE!."""
    if isinstance(fmt, ExcelError):
        return fmt
    n = 0.0 if fmt is None else to_number(fmt)
    if isinstance(n, ExcelError):
        return n
    if math.trunc(n) not in (0, 1):
        return E.VALUE.because("format must be 0 (concise) or 1 (strict)")
    return math.trunc(n) == 1


@excel("VALUETOTEXT", "scalar?", "scalar", category=TEXT, min_args=1, syntax="VALUETOTEXT(value, [format])",
       summary="A value as text: format 0 as shown (concise), 1 with text in quotes (strict, as a formula "
               "would write it).")
def valuetotext(value, fmt=None):
    # Excel quirk: an error value is written as its code, not passed on.
    strict = _format(fmt)
    return strict if isinstance(strict, ExcelError) else _as_text(value, strict)


@excel("ARRAYTOTEXT", "values", "scalar", category=TEXT, min_args=1, syntax="ARRAYTOTEXT(array, [format])",
       summary="An array as text: format 0 lists the values separated by ', ' (concise); 1 writes an array "
               "constant, {1,2;\"a\",TRUE} (strict).")
def arraytotext(arr, fmt=None):
    strict = _format(fmt)
    if isinstance(strict, ExcelError):
        return strict
    if arr.shape == (1, 1) and isinstance(arr[0, 0], ExcelError):
        return arr[0, 0]  # a single error argument propagates (an error inside an array is written out)
    if strict:
        return "{" + ";".join(",".join(_as_text(v, True) for v in row) for row in arr) + "}"
    return ", ".join(_as_text(v, False) for v in arr.ravel())


@excel("PERCENTOF", "nums", "nums", category="Math & trig", syntax="PERCENTOF(data_subset, data_all)",
       summary="The share of a total: SUM(data_subset) / SUM(data_all).")
def percentof(subset: list[float], everything: list[float]):
    # Excel: the sums follow SUM's rules (text and booleans in ranges ignored); a zero total is #DIV/0!.
    total = math.fsum(everything)
    if total == 0:
        return E.DIV0.because("data_all sums to 0")
    return math.fsum(subset) / total


# ---- TRIMRANGE and the trim references ------------------------------------------------------------------------

def _bounds(values, rows: int, cols: int):
    """(first row, last row, first col, last col) kept of a 2-D array, trimming empty (None) outer rows at the
    start (1), the end (2) or both (3), and columns likewise; None when everything is empty."""
    filled = np.argwhere(np.vectorize(lambda v: v is not None, otypes=[bool])(values)) if values.size else []
    if len(filled) == 0:
        return None
    h, w = values.shape
    top, left = filled.min(axis=0)
    bottom, right = filled.max(axis=0)
    return (int(top) if rows in (1, 3) else 0, int(bottom) if rows in (2, 3) else h - 1,
            int(left) if cols in (1, 3) else 0, int(right) if cols in (2, 3) else w - 1)


def trimmed(ctx, ref, rows: int, cols: int):
    """A range (or array) without its empty outer rows / columns. Only the sheet's used part of a range is read, so
    A:A costs what its filled cells cost. Nothing left is #REF! (there is no empty reference)."""
    if isinstance(ref, np.ndarray):
        b = _bounds(ref, rows, cols)
        return E.REF.because("TRIMRANGE found only blank cells") if b is None else ref[b[0]:b[1] + 1, b[2]:b[3] + 1]
    if not isinstance(ref, Area):
        return ref
    max_r, max_c = ctx.sheet_bounds(ref.sheet)
    clipped = Area(ref.sheet, ref.r1, ref.c1, min(ref.r2, max(max_r, ref.r1)), min(ref.c2, max(max_c, ref.c1)))
    b = _bounds(ctx.read(clipped), rows, cols)
    if b is None:
        return E.REF.because("TRIMRANGE found only blank cells")
    top, bottom, left, right = b
    return Area(ref.sheet, ref.r1 + top, ref.c1 + left, ref.r1 + bottom if rows in (2, 3) else ref.r2,
                ref.c1 + right if cols in (2, 3) else ref.c2)


def _mode(v, name: str):
    n = 3.0 if v is None else to_number(v)
    if isinstance(n, ExcelError):
        return n
    n = math.trunc(n)
    return n if n in (0, 1, 2, 3) else E.VALUE.because(f"{name} must be 0, 1, 2 or 3")


@excel("TRIMRANGE", "any", "scalar", "scalar", category="Lookup & reference", min_args=1, needs_context=True,
       syntax="TRIMRANGE(range, [trim_rows], [trim_cols])",
       summary="A range without its blank outer rows and columns: 0 none, 1 leading, 2 trailing, 3 both (the "
               "default). A1:.C9 trims trailing blanks, A1.:C9 leading, A1.:.C9 both.")
def trimrange(ctx, ref, trim_rows=None, trim_cols=None):
    rows, cols = _mode(trim_rows, "trim_rows"), _mode(trim_cols, "trim_cols")
    for v in (rows, cols):
        if isinstance(v, ExcelError):
            return v
    if isinstance(ref, MultiArea):
        return E.VALUE.because("TRIMRANGE needs one rectangular range")
    return trimmed(ctx, ref, rows, cols)


def _trim_operator(name: str, mode: int, summary: str) -> None:
    def impl(ctx, ref):
        if not isinstance(ref, Area):
            return E.VALUE.because("a trim reference needs one rectangular range")
        return trimmed(ctx, ref, mode, mode)

    excel(name, "ref", category="Lookup & reference", needs_context=True, syntax=f"{name}(range)",
          summary=summary)(impl)


_trim_operator("_TRO_ALL", 3, "How files store the trim reference A1.:.C9 (blank rows and columns dropped at both "
                                "ends).")
_trim_operator("_TRO_LEADING", 1, "How files store the trim reference A1.:C9 (leading blank rows and columns dropped).")
_trim_operator("_TRO_TRAILING", 2, "How files store the trim reference A1:.C9 (trailing blank rows and columns "
                                   "dropped).")
