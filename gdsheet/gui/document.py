"""The open workbook as the window sees it: the Workbook, its undo stack, its file, and change notifications."""
from __future__ import annotations

import os
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from gdsheet.refs import Area
from gdsheet.sheet.changes import Changes
from gdsheet.sheet.workbook import CellId, Workbook

from gdsheet.gui.roles import DEPENDENT, LISTED, OBJECTIVE, VARIABLE, Driven, Roles  # noqa: F401 (re-exported)


def empty_workbook() -> Workbook:
    """What File > New opens: one empty sheet."""
    wb = Workbook()
    wb.add_sheet()
    return wb


@dataclass(frozen=True, slots=True)
class CellState:
    """What an edit replaces in one cell: a constant or a formula, and its number format."""

    value: object = None
    formula: str | None = None
    array: Area | None = None
    dynamic: bool = False
    number_format: str | None = None


def capture(wb: Workbook, sheet: str, row: int, col: int) -> CellState:
    """The state of a cell, to restore on undo; a cell filled by another cell's spill counts as empty."""
    sh = wb.sheet(sheet)
    fmt = sh.number_formats.get((row, col))
    f = sh.formulas.get((row, col))
    if f is not None:
        return CellState(None, f.text, f.array, f.dynamic, fmt)
    if (row, col) in sh.spilled_from:
        return CellState(None, None, None, False, fmt)
    return CellState(sh.cells.get((row, col)), None, None, False, fmt)


def restore(wb: Workbook, states: list[tuple[str, int, int, CellState]]) -> set[CellId]:
    """Put cell states back: constants in one batch, then formulas. Returns the cells whose value changed."""
    changed: set[CellId] = Changes()
    constants = [(s, r, c, st.value) for s, r, c, st in states if st.formula is None]
    if constants:
        changed |= wb.set_values(constants)
    for s, r, c, st in states:
        sh = wb.sheet(s)
        if st.number_format is None:
            sh.number_formats.pop((r, c), None)
        else:
            sh.number_formats[(r, c)] = st.number_format
        if st.formula is not None:
            changed |= wb.set_formula(s, r, c, st.formula, st.array, st.dynamic)
    changed.update((wb.sheet(s).name, r, c) for s, r, c, _ in states)  # in place: a recalculation's set can be huge
    return changed


class Document(QObject):
    """A Workbook with its undo stack and file path. Every edit goes through a command pushed on `undo`; commands
    report the cells they changed through `cells_changed`, so views repaint just those."""

    cells_changed = Signal(object)  # set[CellId]
    sheets_changed = Signal()
    roles_changed = Signal()
    layout_changed = Signal(str)  # a sheet's column widths, row heights, hidden sections, merges or panes

    def __init__(self, wb: Workbook, path: str | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.wb = wb
        self.path = path
        self.undo = QUndoStack(self)
        self.name: str | None = None  # the title of a workbook with no file yet (an example opened as a copy)
        self.roles: Roles = Roles()  # cell -> VARIABLE / OBJECTIVE / DEPENDENT, for styling
        self._objective: CellId | None = None
        self._variables: frozenset[CellId] = frozenset()
        self._driven = Driven(wb, frozenset())  # which cells depend on a variable, found as they are asked about
        self._shown_aside: Roles | None = None  # another sheet's model, shown while a solve owns the roles

    @property
    def title(self) -> str:
        """What the window calls the workbook: its file name, else the name it was opened as, else Untitled."""
        return os.path.basename(self.path) if self.path else self.name or "Untitled"

    def notify(self, changed: set[CellId]) -> None:
        if changed:
            self.cells_changed.emit(changed)

    def set_roles(self, objective: CellId | None, variables: list[CellId]) -> None:
        """Mark the solver's cells: the variables, the objective, and every formula that depends on a variable."""
        wb = self.wb
        self._objective = None if objective is None else (wb.sheet(objective[0]).name, *objective[1:])
        self._variables = frozenset((wb.sheet(s).name, r, c) for s, r, c in variables)
        self._driven = Driven(wb, self._variables)
        self._shown_aside = None
        self._restyle()

    def show_roles_aside(self, objective: CellId | None, variables: list[CellId]) -> None:
        """Also colour another model's cells (the stored model of a sheet looked at while a solve runs), without
        replacing the roles of the model being solved, which edits keep up to date."""
        wb = self.wb
        variables = frozenset((wb.sheet(s).name, r, c) for s, r, c in variables)
        self._shown_aside = Roles(None if objective is None else (wb.sheet(objective[0]).name, *objective[1:]),
                                  variables, Driven(wb, variables))
        self._restyle()

    def formulas_edited(self, cells) -> None:
        """Update the roles after the formulas in `cells` were written or removed, looking only downstream of them:
        a cell's role depends on the formulas above it, so only the edited cells, the cells their arrays fill and
        their dependents can change."""
        aside = self._shown_aside.driven if self._shown_aside is not None else None
        if not cells or not (self._variables or aside is not None):
            return
        wb = self.wb
        edited = {(wb.sheet(s).name, r, c) for s, r, c in cells}
        affected = edited | wb.engine.dependents_of_many(edited)
        for s, r, c in edited:
            spill = wb.sheet(s).spills.get((r, c))
            if spill is not None:
                affected.update((s, rr, cc) for rr, cc in spill.cells())
        for known in (self._driven, aside):
            if known is not None and len(affected) > LISTED:
                known.known.clear()
            elif known is not None and known is aside:
                known.forget(affected)
        driven = self._driven
        if len(affected) > LISTED:
            driven.known.clear()
            self._restyle()
            return
        # the cells the grid has shown keep their answers unless the edit changed them (a cell not yet asked
        # about was shown as not driven)
        before = {cell: driven.known.get(cell, False) for cell in affected}
        driven.forget(affected)
        if any((cell in driven) != was for cell, was in before.items()):
            self._restyle()

    def _restyle(self) -> None:
        self.roles = Roles(self._objective, self._variables, self._driven, self._shown_aside)
        self.roles_changed.emit()
