"""The open workbook as the window sees it: the Workbook, its undo stack, its file, and change notifications."""
from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
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
    changed.update((wb.sheet(s).name, r, c) for s, r, c, _ in states)  # in place: a recalculation's set can be huge
    return changed


class Roles(Mapping):
    """cell -> VARIABLE / OBJECTIVE / DEPENDENT, looked up layer by layer (the objective, the variables, the cells
    they drive, another model's cells shown aside) instead of merged into one dict: a million-row model drives
    millions of cells, and merging them would cost seconds and hundreds of MB every time the roles change."""

    def __init__(self, objective: CellId | None = None, variables: frozenset = frozenset(), driven: set = frozenset(),
                 spilled: set = frozenset(), aside: dict | None = None):
        self.objective, self.variables, self.driven, self.spilled = objective, variables, driven, spilled
        self.aside = aside or {}

    def get(self, cell, default=None):
        if cell == self.objective:
            return OBJECTIVE
        if cell in self.variables:
            return VARIABLE
        if cell in self.driven or cell in self.spilled:
            return DEPENDENT
        return self.aside.get(cell, default)

    def __getitem__(self, cell) -> str:
        role = self.get(cell)
        if role is None:
            raise KeyError(cell)
        return role

    def __contains__(self, cell) -> bool:
        return self.get(cell) is not None

    def _keys(self) -> dict:
        keys = dict.fromkeys(self.aside)
        keys.update(dict.fromkeys(self.driven))
        keys.update(dict.fromkeys(self.spilled))
        keys.update(dict.fromkeys(self.variables))
        if self.objective is not None:
            keys[self.objective] = None
        return keys

    def __iter__(self) -> Iterator[CellId]:
        return iter(self._keys())

    def __len__(self) -> int:
        return len(self._keys())

    def __bool__(self) -> bool:
        return bool(self.objective is not None or self.variables or self.driven or self.spilled or self.aside)


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
        self._driven: set[CellId] = set()  # every formula cell that depends on a variable
        self._shown_aside: dict[CellId, str] = {}  # another sheet's model, shown while a solve owns the roles

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
        self._driven = wb.engine.dependents_of_many(set(self._variables)) if self._variables else set()
        self._shown_aside = {}
        self._restyle()

    def show_roles_aside(self, objective: CellId | None, variables: list[CellId]) -> None:
        """Also colour another model's cells (the stored model of a sheet looked at while a solve runs), without
        replacing the roles of the model being solved, which edits keep up to date."""
        wb = self.wb
        variables = {(wb.sheet(s).name, r, c) for s, r, c in variables}
        aside = dict.fromkeys(self._with_spills(wb.engine.dependents_of_many(variables) if variables else set()),
                              DEPENDENT)
        aside.update(dict.fromkeys(variables, VARIABLE))
        if objective is not None:
            aside[(wb.sheet(objective[0]).name, *objective[1:])] = OBJECTIVE
        self._shown_aside = aside
        self._restyle()

    def _with_spills(self, cells: set[CellId]) -> set[CellId]:
        """`cells` and every cell their dynamic arrays spill into: an MMULT result is coloured whole, not just its
        anchor."""
        return set(cells) | self._spilled(cells)

    def _spilled(self, cells: set[CellId]) -> set[CellId]:
        """The cells that the arrays anchored in `cells` fill, found from the sheets' arrays (a few), not by
        looking at each of `cells` (millions, in a large model)."""
        out: set[CellId] = set()
        if not cells:
            return out
        self.wb.engine.ensure_graph()  # which records every array formula's range in `spills`, recalculated or not
        for sheet in self.wb.sheets:
            for (r, c), area in sheet.spills.items():
                if (sheet.name, r, c) in cells:
                    out.update((sheet.name, rr, cc) for rr, cc in area.cells())
        return out

    def formulas_edited(self, cells) -> None:
        """Update the roles after the formulas in `cells` were written or removed, looking only downstream of them:
        a cell's role depends on the formulas above it, so only the edited cells and their dependents can change."""
        if not self._variables or not cells:
            return
        wb = self.wb
        edited = {(wb.sheet(s).name, r, c) for s, r, c in cells}
        affected = edited | wb.engine.dependents_of_many(edited)
        driven = self._driven - affected
        outside = self._variables | driven
        # an affected cell is driven when it reads a variable or a driven cell outside `affected` directly, or
        # reads such a cell through other affected cells: those are the dependents of the first kind
        seeds = {cell for cell in affected if wb.formula(*cell) is not None
                 and not outside.isdisjoint(wb.precedents(*cell))}
        driven |= seeds | wb.engine.dependents_of_many(seeds)
        if driven != self._driven:
            self._driven = driven
            self._restyle()

    def _restyle(self) -> None:
        self.roles = Roles(self._objective, self._variables, self._driven, self._spilled(self._driven),
                           self._shown_aside)
        self.roles_changed.emit()
