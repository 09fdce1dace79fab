"""References: INDEX, OFFSET, INDIRECT, ROW(S), COLUMN(S), ADDRESS and AREAS; they return references where Excel does."""
from __future__ import annotations

import re

import numpy as np

from gdsheet import errors as E
from gdsheet.errors import ExcelError
from gdsheet.functions.registry import excel
from gdsheet.refs import MAX_COL, MAX_ROW, Area, col_letter, quote_sheet
from gdsheet.values import MultiArea, array2d, to_number

CAT = "Lookup & reference"


def _shape(v) -> tuple[int, int]:
    return (v.rows, v.cols) if isinstance(v, Area) else v.shape if isinstance(v, np.ndarray) else (1, 1)


# ---- INDEX --------------------------------------------------------------------------------------------------

def _index_number(ctx, v):
    """A row/column/area number argument: None when omitted, a whole number, an array of them, or an error."""
    if v is None:
        return None
    if isinstance(v, (Area, MultiArea)):
        v = ctx.read(v)
        v = v[0, 0] if v.shape == (1, 1) else v
    if isinstance(v, np.ndarray):
        out = np.empty(v.shape, dtype=object)
        for idx, x in np.ndenumerate(v):
            n = to_number(x)
            out[idx] = n if isinstance(n, ExcelError) else int(n)
        return out
    n = to_number(v)
    return n if isinstance(n, ExcelError) else int(n)


def _pick(source, rows: int, cols: int, r, c):
    """INDEX of one area: (r, c) 1-based, 0 meaning the whole column/row; a reference stays a reference."""
    if r is None and c is None:
        r = 1
    if rows == 1 and c is None and r is not None:
        r, c = 1, r  # one row given one number: the number picks a column
    r, c = r or 0, c or 0
    if r < 0 or c < 0:
        return E.VALUE.because("INDEX's row and column numbers cannot be negative")
    if r > rows or c > cols:
        return E.REF.because("INDEX points outside the range")
    r1, r2 = (1, rows) if r == 0 else (r, r)
    c1, c2 = (1, cols) if c == 0 else (c, c)
    if isinstance(source, Area):
        return Area(source.sheet, source.r1 + r1 - 1, source.c1 + c1 - 1, source.r1 + r2 - 1, source.c1 + c2 - 1)
    part = source[r1 - 1:r2, c1 - 1:c2]
    return part[0, 0] if part.shape == (1, 1) else part


@excel("INDEX", "any", "any", "any", "any", category=CAT, min_args=2, needs_context=True,
       syntax="INDEX(array, row_num, [column_num], [area_num])",
       summary="The cell (or whole row or column, with 0) at a row and column of a range or array.")
def index(ctx, source, row_num, col_num=None, area_num=None):
    # Given a reference it returns a reference (so A1:INDEX(A1:A9,3) is a range); row or column 0 means all of it;
    # a one-row range accepts a single number as the column; a missing column in a 2-D range means the whole row.
    if isinstance(source, ExcelError):
        return source
    r, c, a = (_index_number(ctx, v) for v in (row_num, col_num, area_num))
    for v in (r, c, a):
        if isinstance(v, ExcelError):
            return v
    if isinstance(source, MultiArea):
        k = 1 if a is None else a
        if isinstance(k, np.ndarray) or not 1 <= k <= len(source.areas):
            return E.REF.because("INDEX's area_num is not one of the areas")
        source = source.areas[k - 1]
    elif a not in (None, 1):
        return E.REF.because("INDEX's area_num is not one of the areas")
    if not isinstance(source, (Area, np.ndarray)):
        source = array2d(source)
    rows, cols = _shape(source)
    if not isinstance(r, np.ndarray) and not isinstance(c, np.ndarray):
        return _pick(source, rows, cols, r, c)
    # Arrays of row/column numbers: one value per pair, broadcast against each other.
    ra, ca = (v if isinstance(v, np.ndarray) else array2d(v) for v in (r, c))
    h, w = max(ra.shape[0], ca.shape[0]), max(ra.shape[1], ca.shape[1])
    out = np.empty((h, w), dtype=object)
    for i in range(h):
        for j in range(w):
            ri, cj = _at(ra, i, j), _at(ca, i, j)
            v = ri if isinstance(ri, ExcelError) else cj if isinstance(cj, ExcelError) else \
                _pick(source, rows, cols, ri, cj)
            if isinstance(v, Area):
                v = ctx.value_at(v.sheet, v.r1, v.c1) if v.is_cell else E.VALUE
            elif isinstance(v, np.ndarray):
                v = E.VALUE
            out[i, j] = v
    return out


def _at(a: np.ndarray, i: int, j: int):
    """Element (i, j) with Excel's broadcasting: a single row or column repeats; beyond a smaller array, #N/A."""
    h, w = a.shape
    ii, jj = (0 if h == 1 else i), (0 if w == 1 else j)
    return a[ii, jj] if ii < h and jj < w else E.NA


# ---- OFFSET / INDIRECT --------------------------------------------------------------------------------------

@excel("OFFSET", "ref", "int", "int", "int", "int", category=CAT, min_args=3, volatile=True,
       syntax="OFFSET(reference, rows, cols, [height], [width])",
       summary="A reference moved by some rows and columns from a starting reference, optionally resized.")
def offset(ref, rows, cols, height=None, width=None):
    # Height/width default to the reference's; negative ones extend up/left from the moved corner, as Excel allows.
    if isinstance(ref, MultiArea):
        return E.VALUE.because("OFFSET needs a single area")
    h = ref.rows if height is None else int(height)
    w = ref.cols if width is None else int(width)
    if h == 0 or w == 0:
        return E.REF.because("OFFSET's height and width cannot be 0")
    r0, c0 = ref.r1 + int(rows or 0), ref.c1 + int(cols or 0)
    r1, r2 = (r0, r0 + h - 1) if h > 0 else (r0 + h + 1, r0)
    c1, c2 = (c0, c0 + w - 1) if w > 0 else (c0 + w + 1, c0)
    if r1 < 1 or c1 < 1 or r2 > MAX_ROW or c2 > MAX_COL:
        return E.REF.because("OFFSET points outside the grid")
    return Area(ref.sheet, r1, c1, r2, c2)


_R1C1 = re.compile(r"^R(\[-?\d+\]|\d+)?C(\[-?\d+\]|\d+)?$", re.IGNORECASE)


def _r1c1_part(token: str | None, host: int) -> int:
    if not token:
        return host
    return host + int(token[1:-1]) if token.startswith("[") else int(token)


def _r1c1(ctx, text: str):
    """An R1C1 reference text (R2C3, R[-1]C, Sheet!R1C1:R2C2) relative to the host cell -> Area or error."""
    sheet = None
    if "!" in text:
        sheet, text = text.rsplit("!", 1)
        sheet = sheet[1:-1].replace("''", "'") if sheet.startswith("'") else sheet
    corners = []
    for part in text.split(":"):
        m = _R1C1.match(part.strip())
        if m is None or len(corners) == 2:
            return E.REF.because(f"{text!r} is not an R1C1 reference")
        corners.append((_r1c1_part(m.group(1), ctx.row), _r1c1_part(m.group(2), ctx.col)))
    (ra, ca), (rb, cb) = corners[0], corners[-1]
    if min(ra, rb, ca, cb) < 1 or max(ra, rb) > MAX_ROW or max(ca, cb) > MAX_COL:
        return E.REF.because("the reference points outside the grid")
    if sheet is not None:
        try:
            sheet = ctx.workbook.sheet(sheet).name
        except KeyError:
            return E.REF.because(f"there is no sheet named {sheet!r}")
    return Area(sheet or ctx.sheet, min(ra, rb), min(ca, cb), max(ra, rb), max(ca, cb))


@excel("INDIRECT", "text", "bool", category=CAT, min_args=1, needs_context=True, volatile=True,
       syntax="INDIRECT(ref_text, [a1])",
       summary="The reference named by a text, such as \"B2\" or \"Sheet2!A1:C3\".")
def indirect(ctx, text, a1=True):
    # a1 FALSE reads R1C1 text relative to the formula's cell; anything that is not a reference is #REF!.
    text = (text or "").strip()
    if not text:
        return E.REF.because("INDIRECT of an empty text")
    ref = ctx.resolve(text) if a1 is None or a1 else _r1c1(ctx, text)
    # An unknown name or a bad sheet is #REF! here, whatever error resolving it gave.
    return ref if not isinstance(ref, ExcelError) else E.REF.because(ref.detail or f"{text!r} is not a reference")


# ---- positions and sizes ------------------------------------------------------------------------------------

def _positions(ctx, ref, along_rows: bool):
    if ref is None:
        return float(ctx.row if along_rows else ctx.col)
    if isinstance(ref, MultiArea):
        return E.REF.because("a union has no single row or column")
    first, last = (ref.r1, ref.r2) if along_rows else (ref.c1, ref.c2)
    if first == last:
        return float(first)
    # A taller (wider) reference gives every row (column) number: a column (row) of them that spills.
    out = np.arange(first, last + 1, dtype=float).astype(object)
    return out.reshape(-1, 1) if along_rows else out.reshape(1, -1)


@excel("ROW", "ref", category=CAT, min_args=0, needs_context=True, syntax="ROW([reference])",
       summary="The row number of a reference (of the formula's own cell when omitted).")
def row(ctx, ref=None):
    return _positions(ctx, ref, True)


@excel("COLUMN", "ref", category=CAT, min_args=0, needs_context=True, syntax="COLUMN([reference])",
       summary="The column number of a reference (of the formula's own cell when omitted).")
def column(ctx, ref=None):
    return _positions(ctx, ref, False)


def _size(v, axis: int):
    if isinstance(v, MultiArea):
        return E.REF.because("a union has no single size")
    if isinstance(v, ExcelError):
        return v
    return float(_shape(v)[axis])


@excel("ROWS", "any", category=CAT, syntax="ROWS(array)", summary="The number of rows in a range or array.")
def rows(v):
    return _size(v, 0)


@excel("COLUMNS", "any", category=CAT, syntax="COLUMNS(array)",
       summary="The number of columns in a range or array.")
def columns(v):
    return _size(v, 1)


@excel("AREAS", "ref", category=CAT, syntax="AREAS(reference)",
       summary="The number of separate areas in a reference, such as (A1:B2,D4).")
def areas(ref):
    return float(len(ref.areas)) if isinstance(ref, MultiArea) else 1.0


@excel("ADDRESS", "int", "int", "int", "bool", "text", category=CAT, min_args=2,
       syntax="ADDRESS(row_num, column_num, [abs_num], [a1], [sheet_text])",
       summary="A cell address as text, e.g. ADDRESS(2,3) is \"$C$2\".")
def address(row_num, col_num, abs_num=1.0, a1=True, sheet=None):
    # abs_num 1 $C$2, 2 C$2, 3 $C2, 4 C2; R1C1 style writes relative parts as R[2]C[3]; sheet names quoted as needed.
    r, c = int(row_num or 0), int(col_num or 0)
    mode = 0 if abs_num is None else int(abs_num)  # an empty abs_num (ADDRESS(1,1,,)) is 0: #VALUE!
    if mode not in (1, 2, 3, 4) or not (1 <= r <= MAX_ROW and 1 <= c <= MAX_COL):
        return E.VALUE.because("ADDRESS's row, column or abs_num is out of range")
    row_abs, col_abs = mode in (1, 2), mode in (1, 3)
    if a1 is None or a1:
        text = f"{'$' if col_abs else ''}{col_letter(c)}{'$' if row_abs else ''}{r}"
    else:
        text = f"R{r if row_abs else f'[{r}]'}C{c if col_abs else f'[{c}]'}"
    if sheet is None:
        return text
    return f"{quote_sheet(sheet) if sheet else ''}!{text}"
