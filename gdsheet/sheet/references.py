"""References in evaluation: areas from the tree, the reference operators, and reading a reference as a value."""
from __future__ import annotations

from typing import TYPE_CHECKING

from gdsheet import errors as E
from gdsheet.errors import ExcelError
from gdsheet.formula import ast as A
from gdsheet.refs import MAX_COL, MAX_ROW, Area, sheet_span
from gdsheet.values import MultiArea

if TYPE_CHECKING:
    from gdsheet.sheet.evaluate import Context


def _area(n: A.AreaRef, ctx: Context):
    if n.r1 is None:
        r1, r2 = 1, MAX_ROW
    else:
        r1, r2 = (n.r1 if n.r1_abs else n.r1 + ctx.row), (n.r2 if n.r2_abs else n.r2 + ctx.row)
    if n.c1 is None:
        c1, c2 = 1, MAX_COL
    else:
        c1, c2 = (n.c1 if n.c1_abs else n.c1 + ctx.col), (n.c2 if n.c2_abs else n.c2 + ctx.col)
    if not (1 <= min(r1, r2) and max(r1, r2) <= MAX_ROW and 1 <= min(c1, c2) and max(c1, c2) <= MAX_COL):
        return E.REF.because("the reference points outside the grid")
    return _on_sheet(n.sheet, ctx, min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2))


def _on_sheet(sheet: str | None, ctx: Context, r1: int, c1: int, r2: int, c2: int):
    if sheet is None:
        return Area(ctx.sheet, r1, c1, r2, c2)
    span = sheet_span(sheet)
    if span is not None:  # Sheet1:Sheet3!A1: the same cells on every sheet from the first to the last, in tab order
        names = sheets_between(ctx.engine.wb, *span)
        if names is None:
            return E.REF.because(f"there is no sheet named {span[0]!r} or {span[1]!r}")
        return MultiArea(tuple(Area(n, r1, c1, r2, c2) for n in names))
    try:
        name = ctx.engine.wb.sheet(sheet).name
    except KeyError:
        return E.REF.because(f"there is no sheet named {sheet!r}")
    return Area(name, r1, c1, r2, c2)


def sheets_between(wb, first: str, last: str) -> list[str] | None:
    """The names of the sheets from `first` to `last` by their position in the workbook (either may come first),
    or None when either does not exist."""
    names = [sh.name for sh in wb.sheets]
    lowered = [n.lower() for n in names]
    try:
        i, j = lowered.index(first.lower()), lowered.index(last.lower())
    except ValueError:
        return None
    return names[min(i, j):max(i, j) + 1]


def _range_op(left, right, ctx: Context):
    """A:B — the bounding box of two references on one sheet."""
    if isinstance(left, ExcelError):
        return left
    if isinstance(right, ExcelError):
        return right
    if not (isinstance(left, Area) and isinstance(right, Area)) or left.sheet != right.sheet:
        return E.VALUE.because("':' needs two references on one sheet")
    return Area(left.sheet, min(left.r1, right.r1), min(left.c1, right.c1), max(left.r2, right.r2),
                max(left.c2, right.c2))


def _intersect(left, right):
    if isinstance(left, ExcelError):
        return left
    if isinstance(right, ExcelError):
        return right
    if not (isinstance(left, Area) and isinstance(right, Area)):
        return E.VALUE.because("a space between references means intersection; these are not references")
    if left.sheet != right.sheet:
        return E.NULL
    r1, c1, r2, c2 = max(left.r1, right.r1), max(left.c1, right.c1), min(left.r2, right.r2), min(left.c2, right.c2)
    if r1 > r2 or c1 > c2:
        return E.NULL.because("the references do not intersect")
    return Area(left.sheet, r1, c1, r2, c2)


def _union(left, right):
    if isinstance(left, ExcelError):
        return left
    if isinstance(right, ExcelError):
        return right
    areas = []
    for v in (left, right):
        if isinstance(v, Area):
            areas.append(v)
        elif isinstance(v, MultiArea):
            areas.extend(v.areas)
        else:
            return E.VALUE.because("',' between references means union; these are not references")
    return MultiArea(tuple(areas))


def intersect_implicitly(ref, ctx: Context):
    """Legacy Excel's reading of a multi-cell reference where one value is expected: the cell in the host's row
    (for a column) or column (for a row); #VALUE! when there is none."""
    if isinstance(ref, MultiArea):
        return E.VALUE.because("a union of references cannot give one value")
    if ref.is_cell:
        return ctx.engine.cell_value(ref.sheet, ref.r1, ref.c1)
    row = ref.r1 if ref.rows == 1 else ctx.row if ref.r1 <= ctx.row <= ref.r2 else None
    col = ref.c1 if ref.cols == 1 else ctx.col if ref.c1 <= ctx.col <= ref.c2 else None
    if row is None or col is None:
        return E.VALUE.because(f"{ref.a1(False)} has no cell in this formula's row or column")
    return ctx.engine.cell_value(ref.sheet, row, col)


def to_value(v, ctx: Context):
    """A reference made into the value(s) it holds: one cell -> scalar, several -> array (array mode) or the
    implicitly intersected cell (legacy mode)."""
    if isinstance(v, Area):
        if v.is_cell:
            return ctx.engine.cell_value(v.sheet, v.r1, v.c1)
        return ctx.read(v) if ctx.array else intersect_implicitly(v, ctx)
    if isinstance(v, MultiArea):
        return E.VALUE.because("a union of references cannot be used as a value")
    return v
