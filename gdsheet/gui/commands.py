"""Undoable edits (QUndoCommand): cell contents, solver results, and sheets added, renamed or removed."""
from __future__ import annotations

import copy

from PySide6.QtGui import QUndoCommand

from gdsheet.gui.document import CellState, Document, capture, restore

SOLVER_STEP_ID = 1001  # consecutive Step presses merge into one undoable change


class SetCells(QUndoCommand):
    """Replace the contents of some cells; undo puts the old contents back. `after` is (sheet, row, col, state)."""

    def __init__(self, doc: Document, text: str, after: list[tuple[str, int, int, CellState]],
                 merge_id: int = -1, before: list[tuple[str, int, int, CellState]] | None = None):
        super().__init__(text)
        self.doc = doc
        self.after = after
        # `before` given: what undo restores when the cells show something transient now (a run in progress)
        self.before = before if before is not None else [(s, r, c, capture(doc.wb, s, r, c)) for s, r, c, _ in after]
        self.merge_id = merge_id
        self.also: QUndoCommand | None = None  # done and undone with the cells (a first Step stores its model)

    def redo(self) -> None:
        if self.also is not None:
            self.also.redo()
        self._apply(self.after)

    def undo(self) -> None:
        self._apply(self.before)
        if self.also is not None:
            self.also.undo()

    def _apply(self, states) -> None:
        self.doc.notify(restore(self.doc.wb, states))
        # only formulas link cells: an edit that writes constants over constants leaves every role as it was
        self.doc.formulas_edited([(s, r, c) for (s, r, c, a), (_, _, _, b) in zip(self.after, self.before)
                                  if a.formula is not None or b.formula is not None])

    def id(self) -> int:
        return self.merge_id

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, SetCells) or other.merge_id != self.merge_id or self.merge_id < 0 or other.also:
            return False
        if [k[:3] for k in other.after] != [k[:3] for k in self.after]:
            return False
        self.after = other.after
        return True


def set_values_command(doc: Document, text: str, cells, values, merge_id: int = -1, before=None) -> SetCells:
    """A SetCells that writes numbers into cells (solver results, random starts), keeping their formats;
    `before`, when given, are the numbers undo puts back."""

    def states(numbers):
        return [(s, r, c, CellState(float(v), number_format=sheets[s].number_formats.get((r, c))))
                for (s, r, c), v in zip(cells, numbers)]

    sheets = {s: doc.wb.sheet(s) for s, _, _ in cells}
    return SetCells(doc, text, states(values), merge_id, None if before is None else states(before))


class SetSolverModel(QUndoCommand):
    """Store a solver model on a sheet (Excel's hidden names); undo puts the previous one back."""

    def __init__(self, doc: Document, sheet: str, model):
        super().__init__("Set solver model")
        from gdsheet.solver.model import read_model

        self.doc, self.sheet, self.model = doc, sheet, model
        self.previous = read_model(doc.wb, sheet)

    def redo(self) -> None:
        self._store(self.model)

    def undo(self) -> None:
        self._store(self.previous)

    def _store(self, model) -> None:
        from gdsheet.solver.model import write_model

        wb = self.doc.wb
        if model is None:
            for scope, key in list(wb.names):
                if scope is not None and scope.lower() == self.sheet.lower() and key.startswith(
                        ("SOLVER_", "GDSHEET_")):
                    wb.remove_name(key, scope)
        else:
            write_model(wb, self.sheet, model)


class AddSheet(QUndoCommand):
    def __init__(self, doc: Document, name: str | None = None, index: int | None = None):
        super().__init__("Insert sheet")
        self.doc, self.name, self.index = doc, name, index

    def redo(self) -> None:
        sheet = self.doc.wb.add_sheet(self.name, self.index)
        self.name = sheet.name
        self.doc.wb.active = self.doc.wb.sheets.index(sheet)
        self.doc.sheets_changed.emit()

    def undo(self) -> None:
        self.doc.wb.remove_sheet(self.name)
        self.doc.sheets_changed.emit()


class RenameSheet(QUndoCommand):
    def __init__(self, doc: Document, old: str, new: str):
        super().__init__(f"Rename sheet {old} to {new}")
        self.doc, self.old, self.new = doc, old, new

    def redo(self) -> None:
        self.doc.wb.rename_sheet(self.old, self.new)
        self.doc.sheets_changed.emit()

    def undo(self) -> None:
        self.doc.wb.rename_sheet(self.new, self.old)
        self.doc.sheets_changed.emit()


class _Detached:
    """A sheet taken out of its workbook with its sheet-scoped names and tables, ready to be put back as it was."""

    def __init__(self, doc: Document, name: str):
        wb = doc.wb
        self.sheet = wb.sheet(name)
        self.index = wb.sheets.index(self.sheet)
        low = self.sheet.name.lower()
        self.names = {k: v for k, v in wb.names.items() if k[0] is not None and k[0].lower() == low}
        self.tables = {k: t for k, t in wb.tables.items() if t.sheet.lower() == low}

    def take_out(self, doc: Document) -> None:
        doc.wb.remove_sheet(self.sheet.name)
        doc.sheets_changed.emit()

    def put_back(self, doc: Document) -> None:
        wb = doc.wb
        wb.sheets.insert(self.index, self.sheet)
        wb.names.update(self.names)
        wb.tables.update(self.tables)
        wb.active = self.index
        wb.engine.invalidate()
        wb.recalculate()
        doc.sheets_changed.emit()


class RemoveSheet(QUndoCommand):
    """Delete a sheet; undo puts the same sheet object back with its names and tables, and recalculates."""

    def __init__(self, doc: Document, name: str):
        super().__init__(f"Delete sheet {name}")
        self.doc = doc
        self.detached = _Detached(doc, name)

    def redo(self) -> None:
        self.detached.take_out(self.doc)

    def undo(self) -> None:
        self.detached.put_back(self.doc)


class BuildSheet(QUndoCommand):
    """A new sheet written by `build(wb) -> sheet name` (a report, an imported CSV). It is built here, so a
    failure (an unreadable file) raises before anything is pushed; undo takes the sheet out, redo puts it back."""

    def __init__(self, doc: Document, text: str, build):
        super().__init__(text)
        self.doc = doc
        wb = doc.wb
        self.detached = _Detached(doc, build(wb))
        self._pushed = False

    def redo(self) -> None:
        if self._pushed:
            self.detached.put_back(self.doc)
            return
        self._pushed = True  # the first redo (the push) shows the sheet built in __init__
        self.doc.wb.active = self.detached.index
        self.doc.sheets_changed.emit()

    def undo(self) -> None:
        self.detached.take_out(self.doc)


class ShiftCells(QUndoCommand):
    """Insert or delete rows or columns (gdsheet.sheet.shift); undo puts back the workbook's cells, formulas,
    names, tables and layout exactly as they were (a deletion's #REF! cannot be shifted back)."""

    def __init__(self, doc: Document, text: str, sheet: str, axis: str, at: int, count: int):
        super().__init__(text)
        self.doc, self.sheet, self.axis, self.at, self.count = doc, sheet, axis, at, count
        self.before = _Snapshot(doc)

    def redo(self) -> None:
        from gdsheet.sheet import shift

        doc = self.doc
        (shift.insert if self.count > 0 else shift.delete)(doc.wb, self.sheet, self.axis, self.at, abs(self.count))
        move = shift.Shift(doc.wb.sheet(self.sheet).name, self.axis, self.at, self.count)

        def moved(cell):
            if cell is None or not move.on(cell[0]):
                return cell
            new = shift.shift_cell(move, cell[1], cell[2])
            return None if new is None else (cell[0], *new)
        objective, variables = self.before.roles
        doc.set_roles(moved(objective), [v for v in map(moved, variables) if v is not None])
        doc.sheets_changed.emit()

    def undo(self) -> None:
        self.before.restore(self.doc)


class _Snapshot:
    """What a structural edit can change, copied (the dicts, not the values: edits replace objects, never mutate
    them), so undo restores it in one step."""

    _SHEET_FIELDS = ("cells", "formulas", "number_formats", "style_ids", "row_heights", "col_widths", "hidden_rows",
                     "hidden_cols", "merged", "freeze", "spills", "spilled_from")

    def __init__(self, doc: Document):
        wb = doc.wb
        self.sheets = [(s, {f: copy.copy(getattr(s, f)) for f in self._SHEET_FIELDS}) for s in wb.sheets]
        self.names = {k: (dn, dn.formula) for k, dn in wb.names.items()}
        self.tables = {k: (t, t.area) for k, t in wb.tables.items()}
        self.roles = (doc._objective, sorted(doc._variables))

    def restore(self, doc: Document) -> None:
        wb = doc.wb
        for sheet, fields in self.sheets:
            for name, value in fields.items():
                setattr(sheet, name, copy.copy(value))
            sheet.forget_bounds()
        wb.names.clear()
        for key, (dn, formula) in self.names.items():
            dn.formula = formula
            wb.names[key] = dn
        wb.tables.clear()
        for key, (table, area) in self.tables.items():
            table.area = area
            wb.tables[key] = table
        wb.engine.invalidate()
        wb.recalculate()
        doc.set_roles(*self.roles)
        doc.sheets_changed.emit()
