"""The grid: a QTableView with a spreadsheet's keys (Enter/Tab move, Delete clears, Ctrl+arrows jump, F2 edits)."""
from __future__ import annotations

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemDelegate, QAbstractItemView, QHeaderView, QLineEdit, QTableView

from gdsheet.gui.grid_model import SheetModel
from gdsheet.gui.numfmt import GENERAL_WIDTH

ROW_HEIGHT = 22
COL_WIDTH = 84
CHAR_PX = 7  # Excel's column width unit is one '0' of the default font: about 7 px


class GridView(QTableView):
    """Signals carry 1-based (row, col) of the current cell; the window turns them into commands."""

    clear_requested = Signal()
    current_moved = Signal(int, int)
    editor_text = Signal(str)  # the in-cell editor's text as it is typed, for the formula bar to show
    escape_pressed = Signal()  # outside an edit: cancels a pending copy

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
                             | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setWordWrap(False)
        self.setCornerButtonEnabled(True)
        vh, hh = self.verticalHeader(), self.horizontalHeader()
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        vh.setDefaultSectionSize(ROW_HEIGHT)
        vh.setMinimumSectionSize(14)
        hh.setDefaultSectionSize(COL_WIDTH)
        hh.setHighlightSections(True)
        vh.setHighlightSections(True)
        self._anchor: QPersistentModelIndex | None = None  # where a Shift-extended selection starts
        hh.sectionResized.connect(self._column_resized)
        self.setStyleSheet(
            "QTableView { gridline-color: #d4d4d4; selection-background-color: #cfe3fa; selection-color: black; }"
            "QHeaderView::section { background: #f3f3f3; color: #444; border: 0; border-right: 1px solid #d4d4d4;"
            " border-bottom: 1px solid #d4d4d4; padding: 0 4px; }"
            "QHeaderView::section:checked { background: #dde8f5; color: #1a4f8b; font-weight: bold; }")

    def grid_model(self) -> SheetModel:
        model = self.model()
        assert isinstance(model, SheetModel)
        return model

    def apply_sheet_layout(self) -> None:
        """Column widths and row heights saved in the workbook."""
        model = self.grid_model()
        sheet = model.doc.wb.sheet(model.sheet_name)
        hh, vh = self.horizontalHeader(), self.verticalHeader()
        for c, width in sheet.col_widths.items():
            if c <= model.columnCount():
                hh.resizeSection(c - 1, max(int(width * CHAR_PX + 5), 12))
        for r, height in sheet.row_heights.items():
            if r <= model.rowCount():
                vh.resizeSection(r - 1, max(int(height * 4 / 3), 12))  # points -> pixels at 96 dpi
        model.col_chars.clear()
        for c in range(model.columnCount()):
            self._column_resized(c, 0, hh.sectionSize(c))

    def _column_resized(self, index: int, _old: int, new: int) -> None:
        """Tell the model how many characters fit, so General numbers round to the column as in Excel."""
        model = self.model()
        if isinstance(model, SheetModel):
            digit = max(self.fontMetrics().horizontalAdvance("0"), 1)
            chars = max((new - 8) // digit, 1)
            if model.col_chars.get(index + 1, GENERAL_WIDTH) != chars:
                model.col_chars[index + 1] = chars
                if model.rowCount():
                    model.dataChanged.emit(model.index(0, index), model.index(model.rowCount() - 1, index))

    def current_cell(self) -> tuple[int, int]:
        idx = self.currentIndex()
        return (idx.row() + 1, idx.column() + 1) if idx.isValid() else (1, 1)

    def go_to(self, row: int, col: int, extend: bool = False) -> None:
        """Make (row, col) current (1-based), selecting it, or extending the selection from the anchor to it."""
        model = self.grid_model()
        model.grow_to(row, col)
        idx = model.index(row - 1, col - 1)
        sm = self.selectionModel()
        if extend and self._anchor is not None and self._anchor.isValid():
            sm.setCurrentIndex(idx, QItemSelectionModel.SelectionFlag.NoUpdate)
            top, bottom = sorted((self._anchor.row(), idx.row()))
            left, right = sorted((self._anchor.column(), idx.column()))
            sm.select(QItemSelection(model.index(top, left), model.index(bottom, right)),
                      QItemSelectionModel.SelectionFlag.ClearAndSelect)
        else:
            sm.setCurrentIndex(idx, QItemSelectionModel.SelectionFlag.ClearAndSelect)
            self._anchor = QPersistentModelIndex(idx)
        self.scrollTo(idx)

    def select_area(self, r1: int, c1: int, r2: int, c2: int) -> None:
        self.go_to(r1, c1)
        if (r1, c1) != (r2, c2):
            self.go_to(r2, c2, extend=True)
            self.selectionModel().setCurrentIndex(self.grid_model().index(r1 - 1, c1 - 1),
                                                  QItemSelectionModel.SelectionFlag.NoUpdate)

    def currentChanged(self, current, previous) -> None:
        super().currentChanged(current, previous)
        if current.isValid():
            self.current_moved.emit(current.row() + 1, current.column() + 1)

    def mousePressEvent(self, event) -> None:
        super().mousePressEvent(event)
        if not event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self._anchor = QPersistentModelIndex(self.currentIndex())

    # ---- keys -----------------------------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, mods = event.key(), event.modifiers()
        ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
        shift = bool(mods & Qt.KeyboardModifier.ShiftModifier)
        row, col = self.current_cell()
        arrows = {Qt.Key.Key_Up: (-1, 0), Qt.Key.Key_Down: (1, 0), Qt.Key.Key_Left: (0, -1),
                  Qt.Key.Key_Right: (0, 1)}
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.state() != QAbstractItemView.State.EditingState:  # else closeEditor moves, once the edit lands
                self._step(row, col, -1 if shift else 1, 0)
        elif key == Qt.Key.Key_Tab:
            self._step(row, col, 0, 1)
        elif key == Qt.Key.Key_Backtab:
            self._step(row, col, 0, -1)
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and not ctrl:
            self.clear_requested.emit()
        elif ctrl and key in arrows:
            self.go_to(*self.jump_target(row, col, *arrows[key]), extend=shift)
        elif shift and key in arrows:
            dr, dc = arrows[key]
            model = self.grid_model()
            self.go_to(min(max(row + dr, 1), model.rowCount()), min(max(col + dc, 1), model.columnCount()),
                       extend=True)
        elif key == Qt.Key.Key_Escape and self.state() != QAbstractItemView.State.EditingState:
            self.escape_pressed.emit()
        elif ctrl and key == Qt.Key.Key_Home:
            self.go_to(1, 1)
        elif key in arrows and not ctrl:
            dr, dc = arrows[key]
            self._step(row, col, dr, dc)
        else:
            super().keyPressEvent(event)

    def _step(self, row: int, col: int, dr: int, dc: int) -> None:
        model = self.grid_model()
        r = min(max(row + dr, 1), model.rowCount())
        c = min(max(col + dc, 1), model.columnCount())
        self.go_to(r, c)

    def edit(self, index, trigger=QAbstractItemView.EditTrigger.AllEditTriggers, event=None) -> bool:
        """Open the in-cell editor as Excel does: a typed key replaces the content, but F2 and a double click
        put the caret at the end of it (Qt selects it all, so the next key would wipe a formula). The formula
        bar follows what is typed."""
        if not super().edit(index, trigger, event):
            return False
        editor = self.focusWidget() if self.state() == QAbstractItemView.State.EditingState else None
        if isinstance(editor, QLineEdit):
            if trigger in (QAbstractItemView.EditTrigger.EditKeyPressed, QAbstractItemView.EditTrigger.DoubleClicked):
                editor.deselect()
                editor.end(False)
            editor.textChanged.connect(self.editor_text)
            self.editor_text.emit(editor.text())
        return True

    def closeEditor(self, editor, hint) -> None:
        """Enter commits and moves down, Tab moves right, as in Excel."""
        super().closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)
        row, col = self.current_cell()
        if hint == QAbstractItemDelegate.EndEditHint.SubmitModelCache:
            self._step(row, col, 1, 0)
        elif hint == QAbstractItemDelegate.EndEditHint.EditNextItem:
            self._step(row, col, 0, 1)
        elif hint == QAbstractItemDelegate.EndEditHint.EditPreviousItem:
            self._step(row, col, 0, -1)

    def jump_target(self, row: int, col: int, dr: int, dc: int) -> tuple[int, int]:
        """Ctrl+arrow: to the edge of the block of filled cells, or to the next filled cell, or to the sheet edge."""
        model = self.grid_model()
        cells = model.doc.wb.sheet(model.sheet_name).cells
        n_rows, n_cols = model.rowCount(), model.columnCount()

        def inside(r: int, c: int) -> bool:
            return 1 <= r <= n_rows and 1 <= c <= n_cols

        def filled(r: int, c: int) -> bool:
            return cells.get((r, c)) is not None

        r, c = row + dr, col + dc
        if not inside(r, c):
            return row, col
        if filled(row, col) and filled(r, c):
            while inside(r + dr, c + dc) and filled(r + dr, c + dc):
                r, c = r + dr, c + dc
            return r, c
        while inside(r, c) and not filled(r, c):
            if not inside(r + dr, c + dc):
                return r, c
            r, c = r + dr, c + dc
        return r, c
