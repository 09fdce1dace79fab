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

from gdsheet.sheet.formulastore import FormulaBlock, FormulaStore
from gdsheet.errors import FormulaSyntaxError, GdsheetError
from gdsheet.formula import ast as A
from gdsheet.formula import parse, row_template, text_at, unparse
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
    index = 0 if axis == "row" else 1
    target = wb.sheet(sheet)
    last = max(target.cells.bounds()[index], target.formulas.bounds()[index])  # the last row (column) held
    if last >= at and last + count > shift.limit:
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
        sheet.formulas = _moved_formulas(sheet.formulas, shift, sheet.name, sheet is target)
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


def _moved_formulas(store: FormulaStore, shift: Shift, host: str, moves: bool) -> FormulaStore:
    """A sheet's formulas after `shift` (`moves`: the sheet is the shifted one, so its cells move too): a single
    cell's formula as `_moved_formula` moves it, a block as a few blocks (`_moved_block`)."""
    out = FormulaStore()
    for block in store.blocks():
        pieces, singles = _moved_block(block, shift, host, moves)
        for piece in pieces:
            out.add_block(piece)
        for key, f in singles.items():
            out[key] = f
    for (r, c), f in store.singles().items():
        new = shift_cell(shift, r, c) if moves else (r, c)
        if new is not None:  # else deleted with its row or column
            out[new] = _moved_formula(f, shift, host, (r, c), new)
    return out


def _moved_block(b: FormulaBlock, shift: Shift, host: str, moves: bool) -> tuple[list[FormulaBlock], dict]:
    """A block after `shift`: the blocks its rows make and, for rows that could not be kept as a block, the
    single formulas (`_moved_formula`'s, cell by cell).

    Its rows are cut where the shift treats them differently: around inserted or deleted rows of its own, and
    where one of its relative references (row + offset) reaches the inserted or deleted rows. Within a piece every
    row's shifted tree is then the same, so the tree is shifted once, for the piece's first row; its last row is
    shifted too, as a check, and a piece whose two ends disagree is moved cell by cell. That is the case only for
    rows whose range ends in deleted rows: the end stops at the deleted band, in another place relative to each
    row (so at most as many rows as were deleted, per such reference)."""
    col, rows = b.col, [(b.r1, b.r2)]
    if moves and shift.axis == "col":
        col = shift.place(b.col)
        if col is None:
            return [], {}
    elif moves and shift.count < 0:  # the block's own rows in the deleted band go with it
        end = shift.at - shift.count
        rows = [(a, z) for a, z in ((b.r1, min(b.r2, shift.at - 1)), (max(b.r1, end), b.r2)) if a <= z]
    cuts = _row_cuts(b.ast, shift, host, moves)
    pieces, singles = [], {}
    for a, z in rows:
        inner = sorted(x for x in cuts if a < x <= z)
        for lo, hi in zip([a, *inner], [*(x - 1 for x in inner), z]):
            piece = _moved_piece(b, lo, hi, col, shift, host, moves)
            if piece is not None:
                pieces.append(piece)
                continue
            for r in range(lo, hi + 1):
                new = (shift.place(r), col) if moves and shift.axis == "row" else (r, col)
                singles[new] = _moved_formula(b.formula(r), shift, host, (r, b.col), new)
    return pieces, singles


def _moved_piece(b: FormulaBlock, lo: int, hi: int, col: int, shift: Shift, host: str,
                 moves: bool) -> FormulaBlock | None:
    """Rows lo..hi of block `b` moved as one block, or None when they cannot be shown to move alike."""
    by = shift.count if moves and shift.axis == "row" and lo >= shift.at else 0  # how far the rows move
    tree = shift_tree(b.ast, shift, host, (lo, b.col), (lo + by, col))
    if hi > lo and shift_tree(b.ast, shift, host, (hi, b.col), (hi + by, col)) != tree:
        return None
    first, last = unparse(tree, lo + by, col), unparse(tree, hi + by, col)
    shown = row_template(first, lo + by)
    if shown is None or text_at(shown, hi + by) != last:
        return None
    # as _moved_formula: a text still the same (in each row: then both templates are the same but for the rows'
    # move) keeps the file's spelling; any other is unparse's and has none
    same = first == text_at(b.shown, lo) and last == text_at(b.shown, hi)
    source = (shown if b.source is b.shown else _rebased(b.source, by)) if same else None
    return FormulaBlock(col, lo + by, hi + by, tree, source, shown)


def _rebased(template: tuple | None, by: int) -> tuple | None:
    """A row template for the same texts in rows moved `by`."""
    if template is None or not by:
        return template
    fmt, offsets = template
    return fmt, tuple(o - by for o in offsets)


def _row_cuts(tree: A.Node, shift: Shift, host: str, moves: bool) -> set[int]:
    """The rows of a column holding `tree` where a piece of a block must start (see `_moved_block`). A column
    shift treats every row alike."""
    if shift.axis != "row":
        return set()
    at, end = shift.at, shift.at - shift.count if shift.count < 0 else shift.at
    cuts = {at} if moves else set()  # (a deletion has taken the block's own deleted rows out already)
    for ref in _references(tree):
        if not shift.on(ref.sheet if ref.sheet is not None else host) or (ref.sheet and ":" in ref.sheet):
            continue
        if isinstance(ref, A.CellRef):
            ends = [(ref.row, ref.row_abs)]
        elif ref.r1 is None or ref.r2 is None:
            continue  # whole columns: unbounded rows, unchanged
        else:
            # (a relative end passing an absolute one turns the range round, A$10:A9 being A9:A$10, which changes
            # how the shift moves the absolute end only when that end is in deleted rows: the relative end is
            # then in them too, in rows cut apart below)
            ends = [(ref.r1, ref.r1_abs), (ref.r2, ref.r2_abs)]
        for offset, absolute in ends:
            if not absolute:
                cuts.update((at - offset, end - offset))
    return cuts


def _references(node: A.Node):
    """The cell and range references of a tree."""
    if isinstance(node, (A.CellRef, A.AreaRef)):
        yield node
        return
    if not dataclasses.is_dataclass(node):
        return
    for f in dataclasses.fields(node):
        v = getattr(node, f.name)
        if isinstance(v, A.Node):
            yield from _references(v)
        elif isinstance(v, tuple):
            for x in v:
                if isinstance(x, A.Node):
                    yield from _references(x)
                elif isinstance(x, tuple):
                    for y in x:
                        if isinstance(y, A.Node):
                            yield from _references(y)


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


def _moved_dict(d: dict, shift: Shift) -> dict:
    """A dict by (row, col) with its keys moved (a style or number format per cell may be millions): one pass, a
    new key only for a cell that moves."""
    at, n = shift.at, shift.count
    end = at - n if n < 0 else at
    if shift.axis == "row":
        if n > 0:
            return {(k if k[0] < at else (k[0] + n, k[1])): v for k, v in d.items()}
        return {(k if k[0] < at else (k[0] + n, k[1])): v for k, v in d.items() if not at <= k[0] < end}
    if n > 0:
        return {(k if k[1] < at else (k[0], k[1] + n)): v for k, v in d.items()}
    return {(k if k[1] < at else (k[0], k[1] + n)): v for k, v in d.items() if not at <= k[1] < end}


def _move_keys(sheet, shift: Shift) -> None:
    """The cells, formats and layout of the shifted sheet itself."""
    sheet.cells = sheet.cells.moved(shift.axis, shift.at, shift.count)
    sheet.number_formats = _moved_dict(sheet.number_formats, shift)
    sheet.style_ids = _moved_dict(sheet.style_ids, shift)
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
