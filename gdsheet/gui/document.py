"""The open workbook as the window sees it: the Workbook, its undo stack, its file, and change notifications."""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from gdsheet.refs import Area
from gdsheet.sheet.workbook import CellId, Workbook

VARIABLE, OBJECTIVE, DEPENDENT = "variable", "objective", "dependent"


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
    changed: set[CellId] = set()
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
    return changed | {(wb.sheet(s).name, r, c) for s, r, c, _ in states}


class Document(QObject):
    """A Workbook with its undo stack and file path. Every edit goes through a command pushed on `undo`; commands
    report the cells they changed through `cells_changed`, so views repaint just those."""

    cells_changed = Signal(object)  # set[CellId]
    sheets_changed = Signal()
    roles_changed = Signal()

    def __init__(self, wb: Workbook, path: str | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.wb = wb
        self.path = path
        self.undo = QUndoStack(self)
        self.roles: dict[CellId, str] = {}  # cell -> VARIABLE / OBJECTIVE / DEPENDENT, for styling

    def notify(self, changed: set[CellId]) -> None:
        if changed:
            self.cells_changed.emit(changed)

    def set_roles(self, objective: CellId | None, variables: list[CellId]) -> None:
        """Mark the solver's cells: the variables, the objective, and every formula that depends on a variable."""
        roles: dict[CellId, str] = {}
        for cell in variables:
            for dep in self.wb.dependents(*cell):
                roles[dep] = DEPENDENT
        roles.update({cell: VARIABLE for cell in variables})
        if objective is not None:
            roles[objective] = OBJECTIVE
        self.roles = {(self.wb.sheet(s).name, r, c): role for (s, r, c), role in roles.items()}
        self.roles_changed.emit()
