"""The grid: a QTableView that draws a sheet as Excel does (its formats, sizes, merged cells, frozen panes, zoom) with
a spreadsheet's keys (Enter/Tab move, Delete clears, Ctrl+arrows jump, F2 edits)."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QItemSelection, QItemSelectionModel, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QFont, QKeyEvent
from PySide6.QtWidgets import (QAbstractItemDelegate, QAbstractItemView, QApplication, QHeaderView, QLineEdit,
                               QTableView)

from gdsheet.gui.cell_looks import TEXT_MARGIN, Looks
from gdsheet.gui.grid_header import SheetHeader
from gdsheet.gui.grid_model import SheetModel
from gdsheet.gui.grid_paint import paint_extras, visible_range
from gdsheet.gui.numfmt import GENERAL_WIDTH

SELECTION = QColor("#cfe3fa")
BASE = QColor("white")
FREEZE_LINE = QColor("#9a9a9a")
ZOOM_STEPS = (10, 25, 50, 75, 90, 100, 110, 125, 150, 175, 200, 250, 300, 400)
STYLE = ("QTableView { gridline-color: #d4d4d4; selection-background-color: #cfe3fa; selection-color: black;"
         " background: white; }"
         "QHeaderView::section { background: #f3f3f3; color: #444; border: 0; border-right: 1px solid #d4d4d4;"
         " border-bottom: 1px solid #d4d4d4; padding: 0 2px; }"
         "QHeaderView::section:checked { background: #dde8f5; color: #1a4f8b; font-weight: bold; }")


class SheetTable(QTableView):
    """A table over a SheetModel that shows the sheet's layout (column widths in Excel's units, row heights,
    hidden rows and columns, merged cells, zoom) and paints what Qt does not (borders, fills over gridlines,
    overflowing and wrapped text). The grid and its frozen panes are all SheetTables."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideNone)  # Excel cuts text at the next filled cell, no '…'
        self.setHorizontalHeader(SheetHeader(Qt.Orientation.Horizontal, self))
        self.setVerticalHeader(SheetHeader(Qt.Orientation.Vertical, self))
        vh, hh = self.verticalHeader(), self.horizontalHeader()
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        vh.setMinimumSectionSize(2)
        hh.setMinimumSectionSize(2)
        self._sized_cols: set[int] = set()  # sections this view gave a sheet's own size, reset for the next sheet
        self._sized_rows: set[int] = set()
        self._hidden_cols: set[int] = set()
        self._hidden_rows: set[int] = set()
        self.setStyleSheet(STYLE)

    def grid_model(self) -> SheetModel:
        model = self.model()
        assert isinstance(model, SheetModel)
        return model

    def apply_sheet_layout(self) -> None:
        """The sheet's column widths, row heights, hidden rows and columns and merged cells, at its zoom; every
        section the previous sheet sized is put back to the default first (sizes never leak between sheets)."""
        model = self.grid_model()
        sheet = model.doc.wb.sheet(model.sheet_name)
        looks = model.looks
        self.setFont(looks.base_font)
        header_font = QFont(QApplication.font())
        header_font.setPointSizeF(max(header_font.pointSizeF() * looks.zoom, 4))
        hh, vh = self.horizontalHeader(), self.verticalHeader()
        hh.setFont(header_font)
        vh.setFont(header_font)
        n_rows, n_cols = model.rowCount(), model.columnCount()
        col_px, row_px = looks.column_px(None), looks.row_px(None)
        hh.setDefaultSectionSize(col_px)
        vh.setDefaultSectionSize(row_px)
        for c in self._sized_cols - set(sheet.col_widths):
            if c <= n_cols:
                hh.resizeSection(c - 1, col_px)
        for r in self._sized_rows - set(sheet.row_heights):
            if r <= n_rows:
                vh.resizeSection(r - 1, row_px)
        for c, width in sheet.col_widths.items():
            if c <= n_cols:
                hh.resizeSection(c - 1, looks.column_px(width))
        for r, height in sheet.row_heights.items():
            if r <= n_rows:
                vh.resizeSection(r - 1, looks.row_px(height))
        fitted = looks.fitted_rows(sheet)
        for r, px in fitted.items():
            if r <= n_rows:
                vh.resizeSection(r - 1, px)
        self._sized_cols, self._sized_rows = set(sheet.col_widths), set(sheet.row_heights) | set(fitted)
        for c in self._hidden_cols - sheet.hidden_cols:
            self.setColumnHidden(c - 1, False)
        for r in self._hidden_rows - sheet.hidden_rows:
            self.setRowHidden(r - 1, False)
        for c in sheet.hidden_cols:
            if c <= n_cols:
                self.setColumnHidden(c - 1, True)
        for r in sheet.hidden_rows:
            if r <= n_rows:
                self.setRowHidden(r - 1, True)
        self._hidden_cols, self._hidden_rows = set(sheet.hidden_cols), set(sheet.hidden_rows)
        self.clearSpans()
        for area in sheet.merged:
            if area.size > 1 and area.r2 <= n_rows and area.c2 <= n_cols:
                self.setSpan(area.r1 - 1, area.c1 - 1, area.r2 - area.r1 + 1, area.c2 - area.c1 + 1)

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if isinstance(self.model(), SheetModel):
            paint_extras(self, SELECTION, BASE, event.rect())

    def selectionChanged(self, selected, deselected) -> None:
        super().selectionChanged(selected, deselected)
        for header in (self.horizontalHeader(), self.verticalHeader()):
            header.viewport().update()  # their highlight follows the selection (SheetHeader)


class GridView(SheetTable):
    """Signals carry 1-based (row, col) of the current cell; the window turns them into commands."""

    clear_requested = Signal()
    current_moved = Signal(int, int)
    editor_text = Signal(str)  # the in-cell editor's text as it is typed, for the formula bar to show
    escape_pressed = Signal()  # outside an edit: cancels a pending copy
    columns_resized = Signal(object)  # {column: (old chars or None, new chars)}, after a drag on the header
    rows_resized = Signal(object)  # {row: (old points or None, new points)}
    zoom_requested = Signal(int)  # percent

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
                             | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.setCornerButtonEnabled(True)
        self._anchor: QPersistentModelIndex | None = None  # where a Shift-extended selection starts
        hh, vh = self.horizontalHeader(), self.verticalHeader()
        hh.sectionResized.connect(self._column_resized)
        self._dragged: dict[str, dict[int, int]] = {"col": {}, "row": {}}  # section -> size before a header drag
        self._programmatic = 0  # >0 while the view sizes sections itself (not a user's drag)
        hh.sectionResized.connect(lambda i, old, new: self._section_dragged("col", i, old))
        vh.sectionResized.connect(lambda i, old, new: self._section_dragged("row", i, old))
        for header in (hh, vh):
            header.viewport().installEventFilter(self)
        from gdsheet.gui.frozen_panes import FrozenPanes

        self.frozen = FrozenPanes(self)

    def apply_sheet_layout(self) -> None:
        """Column widths, row heights, hidden rows and columns, merged cells, zoom and frozen panes of the sheet."""
        model = self.grid_model()
        wb = model.doc.wb
        sheet = wb.sheet(model.sheet_name)
        zoom = sheet.zoom / 100
        if model.looks.table is not wb.styles or model.looks.zoom != zoom:
            model.set_looks(Looks(wb.styles, zoom))
        self._programmatic += 1
        try:
            super().apply_sheet_layout()
        finally:
            self._programmatic -= 1
        model.col_chars.clear()
        model.col_px.clear()
        hh = self.horizontalHeader()
        for c in range(model.columnCount()):
            self._column_resized(c, 0, hh.sectionSize(c))
        self.frozen.follow(sheet.freeze)
        model.refresh()

    def _column_resized(self, index: int, _old: int, new: int) -> None:
        """Tell the model how wide the column is and how many characters fit, so General numbers round to the
        column and numbers that do not fit show ###, as in Excel."""
        model = self.model()
        if isinstance(model, SheetModel):
            # General rounds to the digits that fit; a '-' and a '.' take about one digit's width together
            chars = max(int(model.looks.column_chars(new)) + 2, 1)
            if new == model.default_col_px:
                model.col_px.pop(index + 1, None)
            else:
                model.col_px[index + 1] = new
            if model.col_chars.get(index + 1, GENERAL_WIDTH) != chars:
                model.col_chars[index + 1] = chars
                if model.rowCount() and not self._programmatic:
                    model.dataChanged.emit(model.index(0, index), model.index(model.rowCount() - 1, index))

    # ---- sizes dragged on the headers become undoable edits ------------------------------------------------

    def _section_dragged(self, kind: str, index: int, old: int) -> None:
        if self._programmatic or not QApplication.mouseButtons() & Qt.MouseButton.LeftButton:
            return
        self._dragged[kind].setdefault(index, old)

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.MouseButtonRelease:
            self.finish_drag()
        return super().eventFilter(obj, event)

    def finish_drag(self) -> None:
        """Report the sections resized by the drag that just ended, in Excel's units."""
        model = self.model()
        if not isinstance(model, SheetModel):
            return
        sheet = model.doc.wb.sheet(model.sheet_name)
        looks = model.looks
        cols, rows = self._dragged["col"], self._dragged["row"]
        self._dragged = {"col": {}, "row": {}}
        hh, vh = self.horizontalHeader(), self.verticalHeader()
        widths = {c + 1: (sheet.col_widths.get(c + 1), looks.column_chars(hh.sectionSize(c)))
                  for c, old in cols.items() if hh.sectionSize(c) != old}
        heights = {r + 1: (sheet.row_heights.get(r + 1), looks.row_points(vh.sectionSize(r)))
                   for r, old in rows.items() if vh.sectionSize(r) != old}
        if widths:
            self.columns_resized.emit(widths)
        if heights:
            self.rows_resized.emit(heights)

    def sized_programmatically(self):
        """A context in which section size changes are the view's own, not the user's."""
        view = self

        class _Guard:
            def __enter__(self):
                view._programmatic += 1

            def __exit__(self, *exc):
                view._programmatic -= 1

        return _Guard()

    # ---- zoom -----------------------------------------------------------------------------------------------

    def wheelEvent(self, event) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.step_zoom(1 if event.angleDelta().y() > 0 else -1)
            event.accept()
            return
        super().wheelEvent(event)

    def step_zoom(self, direction: int) -> None:
        model = self.grid_model()
        now = model.doc.wb.sheet(model.sheet_name).zoom
        steps = [z for z in ZOOM_STEPS if (z > now if direction > 0 else z < now)]
        if steps:
            self.zoom_requested.emit(steps[0] if direction > 0 else steps[-1])

    # ---- frozen panes ---------------------------------------------------------------------------------------

    def scrollTo(self, index, hint=QAbstractItemView.ScrollHint.EnsureVisible) -> None:
        """Bring a cell into view below and right of the frozen panes; a frozen cell is always in view."""
        rows, cols = self.frozen.rows, self.frozen.cols
        if not (rows or cols) or not index.isValid():
            super().scrollTo(index, hint)
            return
        vbar, hbar = self.verticalScrollBar(), self.horizontalScrollBar()
        v, h = vbar.value(), hbar.value()
        super().scrollTo(index, hint)
        r, c = index.row(), index.column()
        if r < rows:
            vbar.setValue(v)
        else:
            top = self.frozen.height()
            for _ in range(rows + 64):  # each step uncovers a row (snapped); bounded whatever the scroll mode
                if self.rowViewportPosition(r) >= top or vbar.value() <= vbar.minimum():
                    break
                vbar.setValue(vbar.value() - 1)
        if c < cols:
            hbar.setValue(h)
        else:
            left = self.frozen.width()
            x = self.columnViewportPosition(c)
            if x < left:
                hbar.setValue(max(hbar.value() - (left - x), hbar.minimum()))

    def edit(self, index, trigger=QAbstractItemView.EditTrigger.AllEditTriggers, event=None) -> bool:
        """Open the in-cell editor as Excel does: a typed key replaces the content, but F2 and a double click
        put the caret at the end of it (Qt selects it all, so the next key would wipe a formula). The formula
        bar follows what is typed. A cell under a frozen pane is edited there, where it can be seen."""
        pane = self.frozen.pane_of(index) if index.isValid() else None
        view = pane if pane is not None else self
        if not (pane.edit(index, trigger, event) if pane is not None else super().edit(index, trigger, event)):
            return False
        editor = view.focusWidget() if view.state() == QAbstractItemView.State.EditingState else None
        editor = editor or QApplication.focusWidget()
        if isinstance(editor, QLineEdit):
            if trigger in (QAbstractItemView.EditTrigger.EditKeyPressed, QAbstractItemView.EditTrigger.DoubleClicked):
                editor.deselect()
                editor.end(False)
            editor.textChanged.connect(self.editor_text)
            self.editor_text.emit(editor.text())
        return True

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if hasattr(self, "frozen"):
            self.frozen.place()

    def updateGeometries(self) -> None:
        super().updateGeometries()
        if hasattr(self, "frozen"):  # not yet while QTableView's constructor runs
            self.frozen.place()

    def shown_areas(self) -> list[tuple[str, int, int, int, int]]:
        """What the grid shows, as rectangles (sheet, r1, c1, r2, c2), 1-based: the viewport with a screen's
        margin above and below (a small scroll finds fresh values there), and the frozen rows and columns."""
        model = self.grid_model()
        span = visible_range(self)
        if span is None:
            return []
        r0, r1, c0, c1 = span
        margin = r1 - r0 + 1
        rows, cols = model.rowCount(), model.columnCount()
        areas = [(model.sheet_name, max(r0 + 1 - margin, 1), c0 + 1, min(r1 + 1 + margin, rows), c1 + 1)]
        freeze = model.doc.wb.sheet(model.sheet_name).freeze
        if freeze is not None:
            if freeze[0] > 1:
                areas.append((model.sheet_name, 1, 1, freeze[0] - 1, c1 + 1))
            if freeze[1] > 1:
                areas.append((model.sheet_name, 1, 1, r1 + 1, freeze[1] - 1))
        return areas

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

    def closeEditor(self, editor, hint) -> None:
        """Enter commits and moves down, Tab moves right, as in Excel."""
        super().closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)
        self.after_edit(hint)

    def after_edit(self, hint) -> None:
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
        if dc == 0 and 1 <= row + dr <= n_rows:
            return _jump_in_column(cells, row, col, dr, n_rows), col

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


def _jump_in_column(cells, row: int, col: int, dr: int, n_rows: int) -> int:
    """Ctrl+Up/Down in a column: the same rule as jump_target, read from the store in growing pieces (a block of a
    million filled rows is crossed in a few bulk reads, not a million lookups)."""
    start = row + dr
    want_filled = cells.get((row, col)) is not None and cells.get((start, col)) is not None
    # the first row from `start` on that breaks the run: an empty one inside a block, else a filled one
    r, size = start, 64
    while 1 <= r <= n_rows:
        end = min(r + size - 1, n_rows) if dr > 0 else max(r - size + 1, 1)
        lo, hi = min(r, end), max(r, end)
        held = cells.held(col, lo, hi)
        if dr < 0:
            held = held[::-1]
        breaks = np.flatnonzero(held != want_filled)
        if breaks.size:
            found = r + dr * int(breaks[0])
            return found - dr if want_filled else found  # the block's last filled row, or the next filled one
        r, size = end + dr, size * 4
    return n_rows if dr > 0 else 1  # no break before the edge: the block's end, or the sheet's edge

