"""Information functions: the IS* tests, NA, N, T, TYPE, ERROR.TYPE, SHEET, SHEETS and CELL."""
from __future__ import annotations

import math
import os

import numpy as np

from gdsheet import errors as E
from gdsheet.errors import ERROR_TYPE_NUMBER, ExcelError
from gdsheet.functions.registry import excel
from gdsheet.refs import Area, quote_sheet
from gdsheet.values import MultiArea, is_number, is_reference, to_number

CAT = "Information"


def _is(name: str, test, summary: str) -> None:
    # 'scalar?' hands errors in as values, and an array argument is tested element by element
    excel(name, "scalar?", category=CAT, syntax=f"{name}(value)", summary=summary)(lambda v: bool(test(v)))


_is("ISBLANK", lambda v: v is None, "TRUE when the value is an empty cell (a formula giving \"\" is not empty).")
_is("ISERR", lambda v: isinstance(v, ExcelError) and v != E.NA, "TRUE when the value is an error other than #N/A.")
_is("ISERROR", lambda v: isinstance(v, ExcelError), "TRUE when the value is any error.")
_is("ISNA", lambda v: v == E.NA, "TRUE when the value is the #N/A error.")
_is("ISNUMBER", is_number, "TRUE when the value is a number (dates are numbers too; TRUE is not).")
_is("ISTEXT", lambda v: isinstance(v, str), "TRUE when the value is text.")
_is("ISNONTEXT", lambda v: not isinstance(v, str), "TRUE when the value is not text (an empty cell is not text).")
_is("ISLOGICAL", lambda v: isinstance(v, bool), "TRUE when the value is TRUE or FALSE.")


def _parity(v, remainder: int):
    # Quirk: the number is truncated first (ISEVEN(2.5) is TRUE); a boolean is #VALUE!, a blank counts as 0
    if isinstance(v, bool):
        return E.VALUE.because("ISEVEN and ISODD do not take TRUE or FALSE")
    n = to_number(v)
    return n if isinstance(n, ExcelError) else math.trunc(n) % 2 == remainder


@excel("ISEVEN", "scalar", category=CAT, syntax="ISEVEN(number)", summary="TRUE when the number is even.")
def iseven(v):
    return _parity(v, 0)


@excel("ISODD", "scalar", category=CAT, syntax="ISODD(number)", summary="TRUE when the number is odd.")
def isodd(v):
    return _parity(v, 1)


@excel("ISREF", "any", category=CAT, syntax="ISREF(value)", summary="TRUE when the value is a reference.")
def isref(v):
    # Quirk: an error, even #REF!, is not a reference
    return is_reference(v)


@excel("ISFORMULA", "ref", category=CAT, needs_context=True, syntax="ISFORMULA(reference)",
       summary="TRUE when the referenced cell holds a formula.")
def isformula(ctx, ref):
    # Quirk: a range is judged by its top-left cell; a non-reference argument is #VALUE!
    if isinstance(ref, MultiArea):
        return E.VALUE
    return ctx.is_formula(ref.sheet or ctx.sheet, ref.r1, ref.c1)


@excel("NA", category=CAT, syntax="NA()", summary="The #N/A error value, 'no value available'.")
def na():
    return E.NA


@excel("N", "scalar", category=CAT, syntax="N(value)",
       summary="A value as a number: numbers as they are, TRUE 1, anything else 0.")
def n_(v):
    # Quirk: text becomes 0 (not #VALUE!), errors pass through
    if isinstance(v, bool):
        return 1.0 if v else 0.0
    return float(v) if is_number(v) else 0.0


@excel("T", "scalar", category=CAT, syntax="T(value)", summary="The value if it is text, otherwise \"\".")
def t_(v):
    # Quirk: errors pass through; numbers and booleans become ""
    return v if isinstance(v, str) else ""


def _type_code(v) -> float:
    if isinstance(v, ExcelError):
        return 16.0
    if isinstance(v, bool):
        return 4.0
    if isinstance(v, str):
        return 2.0
    return 1.0  # numbers and blanks


@excel("TYPE", "any", category=CAT, needs_context=True, syntax="TYPE(value)",
       summary="The kind of a value: 1 number, 2 text, 4 logical, 16 error, 64 array.")
def type_(ctx, v):
    # Quirk: a blank is a number (1); a multi-cell range is an array (64)
    if isinstance(v, MultiArea):
        return 16.0
    if isinstance(v, Area):
        if not v.is_cell:
            return 64.0
        v = ctx.read(v)[0, 0]
    if isinstance(v, np.ndarray):
        return 64.0
    return _type_code(v)


@excel("ERROR.TYPE", "scalar?", category=CAT, syntax="ERROR.TYPE(error_val)",
       summary="The number of an error: 1 #NULL!, 2 #DIV/0!, 3 #VALUE!, 4 #REF!, 5 #NAME?, 6 #NUM!, 7 #N/A.")
def error_type(v):
    # Quirk: a value that is not an error is itself #N/A
    if isinstance(v, ExcelError) and v.code in ERROR_TYPE_NUMBER:
        return float(ERROR_TYPE_NUMBER[v.code])
    return E.NA


def _sheet_index(ctx, name: str):
    low = name.lower()
    for i, s in enumerate(ctx.workbook.sheets):
        if s.name.lower() == low:
            return float(i + 1)
    return E.NA.because(f"there is no sheet named {name!r}")


@excel("SHEET", "any", category=CAT, needs_context=True, min_args=0, syntax="SHEET([value])",
       summary="The position of a sheet in the workbook (1 is the first): this formula's sheet if omitted.")
def sheet(ctx, v=None):
    # Quirk: hidden sheets count; text names a sheet; a name that is no sheet is #N/A
    if v is None:
        return _sheet_index(ctx, ctx.sheet)
    if isinstance(v, MultiArea):
        v = v.areas[0]
    if isinstance(v, Area):
        return _sheet_index(ctx, v.sheet or ctx.sheet)
    if isinstance(v, ExcelError):
        return v
    return _sheet_index(ctx, v) if isinstance(v, str) else E.NA


@excel("SHEETS", "any", category=CAT, needs_context=True, min_args=0, syntax="SHEETS([reference])",
       summary="The number of sheets in the workbook, or in a reference.")
def sheets(ctx, v=None):
    # Quirk: gdsheet has no 3-D references, so a reference always spans one sheet
    if v is None:
        return float(len(ctx.workbook.sheets))
    if isinstance(v, ExcelError):
        return v
    return 1.0 if is_reference(v) else E.REF


@excel("CELL", "text", "ref", category=CAT, needs_context=True, min_args=1, syntax="CELL(info_type, [reference])",
       summary="Information about a cell: \"address\", \"row\", \"col\", \"contents\", \"type\" or \"filename\".")
def cell(ctx, info, ref=None):
    # Quirk: a range is judged by its top-left cell; without a reference gdsheet uses the formula's own cell
    # (Excel uses the cell changed last, which depends on editing history)
    if isinstance(ref, MultiArea):
        return E.VALUE
    area = ref if ref is not None else Area(ctx.sheet, ctx.row, ctx.col, ctx.row, ctx.col)
    sheet_name = area.sheet or ctx.sheet
    top_left = Area(sheet_name, area.r1, area.c1, area.r1, area.c1)
    kind = info.strip().lower()
    if kind == "address":
        text = top_left.a1(with_sheet=False, absolute=True)
        return text if sheet_name.lower() == ctx.sheet.lower() else f"{quote_sheet(sheet_name)}!{text}"
    if kind == "row":
        return float(area.r1)
    if kind == "col":
        return float(area.c1)
    if kind in ("contents", "type"):
        v = ctx.read(top_left)[0, 0]
        if kind == "contents":
            return 0.0 if v is None else v
        return "b" if v is None else "l" if isinstance(v, str) else "v"
    if kind == "filename":
        path = ctx.workbook.path
        if not path:
            return ""  # as Excel says for a workbook never saved
        folder, base = os.path.split(os.path.abspath(path))
        return f"{folder}{os.sep}[{base}]{sheet_name}"
    return E.VALUE.because(f"CELL does not know the info_type {info!r}")
