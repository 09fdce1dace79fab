"""Inserting and deleting rows and columns: the cells move, and every reference to them follows, as in Excel.

Formulas on every sheet, defined names (Excel's Solver model included), tables, merged cells, formats, row heights
and column widths, hidden rows and columns and frozen panes are all moved by one rule, `Shift.place`: a row (or
column) at or past the insertion point moves by the count inserted; one inside a deleted band is gone. A single
cell reference into a deleted band becomes #REF!; a range loses the deleted part, and is #REF! only when nothing
of it is left. Whole-row/column references (A:A for rows) are unbounded on that axis and do not change.

Formula trees hold relative references as offsets from their cell (see formula/ast.py), so a reference is first
made absolute at the formula's old place, shifted, and made relative again at its new place.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from gdsheet.sheet.cellstore import CellStore
from gdsheet.sheet.formulastore import FormulaStore
from gdsheet.errors import FormulaSyntaxError, GdsheetError
from gdsheet.formula import ast as A
from gdsheet.formula import parse, unparse
from gdsheet.refs import Area
from gdsheet.sheet.model import Formula

MAX_ROW, MAX_COL = 1_048_576, 16_384
_REF = A.ErrorLit("#REF!")


@dataclass(frozen=True)
class Shift:
    """Rows (axis 'row') or columns ('col') of `sheet`: `count` > 0 inserted before index `at`; < 0, -count
    deleted starting at `at`."""

    sheet: str
    axis: str
    at: int
    count: int

    def place(self, i: int) -> int | None:
        """Where index `i` of the shifted axis goes; None when it is deleted."""
        if i < self.at:
            return i
        if self.count > 0:
            return i + self.count
        if i < self.at - self.count:
            return None
        return i + self.count

    def span(self, lo: int, hi: int) -> tuple[int, int] | None:
        """Where the band lo..hi goes: the part left of it, grown when rows are inserted strictly inside it."""
        if self.count > 0:
            return (self.place(lo), self.place(hi)) if lo < self.at else (lo + self.count, hi + self.count)
        first = lo if self.place(lo) is not None else self.at - self.count  # the first row after the deleted band
        last = hi if self.place(hi) is not None else self.at - 1
        if first > last:
            return None
        return self.place(first), self.place(last)

    @property
    def limit(self) -> int:
        return MAX_ROW if self.axis == "row" else MAX_COL

    def on(self, sheet_name: str | None) -> bool:
        return sheet_name is not None and sheet_name.lower() == self.sheet.lower()


def shift_cell(shift: Shift, row: int, col: int) -> tuple[int, int] | None:
    if shift.axis == "row":
        r = shift.place(row)
        return None if r is None else (r, col)
    c = shift.place(col)
    return None if c is None else (row, c)


def shift_area(shift: Shift, area: Area) -> Area | None:
    """An area on the shifted sheet moved; None when all of it was deleted."""
    if shift.axis == "row":
        band = shift.span(area.r1, area.r2)
        return None if band is None else dataclasses.replace(area, r1=band[0], r2=band[1])
    band = shift.span(area.c1, area.c2)
    return None if band is None else dataclasses.replace(area, c1=band[0], c2=band[1])


# ---- formula trees ----------------------------------------------------------------------------------------------

class _TreeShifter:
    """Moves the references of one formula from its old cell (on sheet `host`) to its new one."""

    def __init__(self, shift: Shift, host: str, old: tuple[int, int], new: tuple[int, int]):
        self.shift, self.host, self.old, self.new = shift, host, old, new

    def targets_shifted_sheet(self, sheet: str | None) -> bool:
        return self.shift.on(sheet if sheet is not None else self.host)

    def node(self, n: A.Node) -> A.Node:
        if isinstance(n, A.CellRef):
            return self.cell(n)
        if isinstance(n, A.AreaRef):
            return self.area(n)
        if not dataclasses.is_dataclass(n):
            return n
        changes = {}
        for f in dataclasses.fields(n):
            v = getattr(n, f.name)
            if isinstance(v, A.Node):
                nv = self.node(v)
            elif isinstance(v, tuple) and v and all(isinstance(x, (A.Node, tuple)) for x in v):
                nv = tuple(self.node(x) if isinstance(x, A.Node) else
                           tuple(self.node(y) if isinstance(y, A.Node) else y for y in x) for x in v)
            else:
                continue
            if nv != v:
                changes[f.name] = nv
        return dataclasses.replace(n, **changes) if changes else n

    def _abs(self, value: int, absolute: bool, axis: str) -> int:
        return value if absolute else value + (self.old[0] if axis == "row" else self.old[1])

    def _rel(self, value: int, absolute: bool, axis: str) -> int:
        return value if absolute else value - (self.new[0] if axis == "row" else self.new[1])

    def cell(self, n: A.CellRef) -> A.Node:
        row, col = self._abs(n.row, n.row_abs, "row"), self._abs(n.col, n.col_abs, "col")
        if self.targets_shifted_sheet(n.sheet) and (n.sheet is None or ":" not in n.sheet):
            moved = shift_cell(self.shift, row, col)
            if moved is None:
                return _REF
            row, col = moved
        return dataclasses.replace(n, row=self._rel(row, n.row_abs, "row"), col=self._rel(col, n.col_abs, "col"))

    def area(self, n: A.AreaRef) -> A.Node:
        vals = {}
        for name, absolute, axis in (("r1", n.r1_abs, "row"), ("r2", n.r2_abs, "row"), ("c1", n.c1_abs, "col"),
                                     ("c2", n.c2_abs, "col")):
            v = getattr(n, name)
            vals[name] = None if v is None else self._abs(v, absolute, axis)
        lo, hi = ("r1", "r2") if self.shift.axis == "row" else ("c1", "c2")
        if self.targets_shifted_sheet(n.sheet) and (n.sheet is None or ":" not in n.sheet) \
                and vals[lo] is not None and vals[hi] is not None:
            a, b = sorted((vals[lo], vals[hi]))
            band = self.shift.span(a, b)
            if band is None:
                return _REF
            if vals[lo] <= vals[hi]:
                vals[lo], vals[hi] = band
            else:
                vals[hi], vals[lo] = band
        out = {}
        for name, absolute, axis in (("r1", n.r1_abs, "row"), ("r2", n.r2_abs, "row"), ("c1", n.c1_abs, "col"),
                                     ("c2", n.c2_abs, "col")):
            v = vals[name]
            out[name] = None if v is None else self._rel(v, absolute, axis)
        return dataclasses.replace(n, **out)


def shift_tree(node: A.Node, shift: Shift, host: str, old: tuple[int, int], new: tuple[int, int]) -> A.Node:
    return _TreeShifter(shift, host, old, new).node(node)


# ---- the workbook ---------------------------------------------------------------------------------------------

def insert(wb, sheet: str, axis: str, at: int, count: int) -> None:
    """Insert `count` empty rows (axis 'row') or columns ('col') before index `at` of `sheet`."""
    shift = Shift(sheet, axis, at, count)
    if count <= 0 or not 1 <= at <= shift.limit:
        raise GdsheetError(f"cannot insert {count} {axis}s at {at}")
    held = wb.sheet(sheet).cells.keys() | wb.sheet(sheet).formulas.keys()
    index = 0 if axis == "row" else 1
    if any(k[index] >= at and k[index] + count > shift.limit for k in held):
        # Excel's own refusal: nothing may be pushed off the end of the sheet
        raise GdsheetError("To prevent possible loss of data, gdsheet can't shift nonblank cells off of the "
                           "worksheet.")
    shift_workbook(wb, shift)


def delete(wb, sheet: str, axis: str, at: int, count: int) -> None:
    """Delete `count` rows or columns of `sheet` starting at index `at`; references into them become #REF!."""
    shift = Shift(sheet, axis, at, -count)
    if count <= 0 or not 1 <= at or at + count - 1 > shift.limit:
        raise GdsheetError(f"cannot delete {count} {axis}s at {at}")
    shift_workbook(wb, shift)


def shift_workbook(wb, shift: Shift) -> None:
    """Apply `shift` to every part of `wb` that holds a place on the shifted sheet, then recalculate."""
    target = wb.sheet(shift.sheet)
    shift = dataclasses.replace(shift, sheet=target.name)
    for sheet in wb.sheets:
        moved_formulas = {}
        for (r, c), f in sheet.formulas.items():
            new = shift_cell(shift, r, c) if sheet is target else (r, c)
            if new is None:
                continue  # deleted with its row or column
            moved_formulas[new] = _moved_formula(f, shift, sheet.name, (r, c), new)
        sheet.formulas = FormulaStore(moved_formulas)
    _move_keys(target, shift)
    for dn in wb.names.values():
        dn.formula = _shift_name(dn.formula, shift, dn.scope or target.name)
    for key, table in list(wb.tables.items()):
        if shift.on(table.sheet):
            area = shift_area(shift, table.area)
            if area is None:
                del wb.tables[key]
            else:
                table.area = area
    wb.engine.invalidate()
    wb.recalculate()


def _moved_formula(f: Formula, shift: Shift, host: str, old: tuple[int, int], new: tuple[int, int]) -> Formula:
    array = f.array
    if array is not None and shift.on(array.sheet or host):
        array = shift_area(shift, array) or Area(array.sheet, *new, *new)
    if f.ast is None:
        return dataclasses.replace(f, array=array)
    tree = shift_tree(f.ast, shift, host, old, new)
    text = unparse(tree, *new)
    keep_source = f.source if text == f.text else None  # the file's spelling only while it still says the same
    return Formula(text, tree, f.error, array, f.dynamic, keep_source) if (tree, text, array) != (
        f.ast, f.text, f.array) else f


def _shift_name(formula: str, shift: Shift, scope_sheet: str) -> str:
    if not formula:
        return formula
    try:
        tree = parse("=" + formula)
    except FormulaSyntaxError:
        return formula  # a name we cannot read is kept as written
    moved = shift_tree(tree, shift, scope_sheet, (1, 1), (1, 1))
    return formula if moved == tree else unparse(moved)[1:]


def _move_keys(sheet, shift: Shift) -> None:
    """The cells, formats and layout of the shifted sheet itself."""
    def moved_dict(d: dict) -> dict:
        out = {}
        for (r, c), v in d.items():
            new = shift_cell(shift, r, c)
            if new is not None:
                out[new] = v
        return out

    sheet.cells = CellStore(moved_dict(sheet.cells))
    sheet.number_formats = moved_dict(sheet.number_formats)
    sheet.style_ids = moved_dict(sheet.style_ids)
    sheet.spills, sheet.spilled_from = {}, {}  # the recalculation lays them out again
    lines, hidden = ("row_heights", "hidden_rows") if shift.axis == "row" else ("col_widths", "hidden_cols")
    setattr(sheet, lines, {shift.place(i): v for i, v in getattr(sheet, lines).items()
                           if shift.place(i) is not None})
    setattr(sheet, hidden, {shift.place(i) for i in getattr(sheet, hidden) if shift.place(i) is not None})
    sheet.merged = [a for a in (shift_area(shift, m) for m in sheet.merged) if a is not None and a.size > 1]
    if sheet.freeze is not None:
        r, c = sheet.freeze
        if shift.axis == "row" and r > shift.at:
            r = max(shift.place(r) or shift.at, 1)
        if shift.axis == "col" and c > shift.at:
            c = max(shift.place(c) or shift.at, 1)
        sheet.freeze = (r, c)
    sheet.forget_bounds()
