"""RefEdit, Excel's reference box: click or drag in the grid and the box fills with the range, as in Excel's Solver.

A QLineEdit (code reading `.text()` sees no difference) that, once the user has put the cursor in it, takes the
grid's selection whenever the user selects cells in the grid. Its collapse button hides the dialogs it sits in, so
the whole sheet can be reached even from a modal dialog (Add Constraint), and shows a small bar with the reference
instead; Enter, Escape or the bar's button bring the dialogs back, as Excel's collapsed RefEdit does.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QHBoxLayout, QLineEdit, QStyle, QToolButton, QWidget

from gdsheet.refs import Area

_armed: "RefEdit | None" = None  # the box the grid's selection goes into: the last one the user focused


def main_window(widget: QWidget):
    """The gdsheet window a dialog belongs to (the first parent with a grid), or None."""
    w = widget.parentWidget()
    while w is not None and not (hasattr(w, "view") and hasattr(w, "selected_areas")):
        w = w.parentWidget()
    return w


class RefEdit(QLineEdit):
    def __init__(self, text: str = "", parent: QWidget | None = None, single_cell: bool = False):
        super().__init__(text, parent)
        self.single_cell = single_cell  # the objective is one cell: a dragged range gives its first cell
        icon = self.style().standardIcon(QStyle.StandardPixmap.SP_TitleBarShadeButton)
        self.collapse_action = self.addAction(icon, QLineEdit.ActionPosition.TrailingPosition)
        self.collapse_action.setToolTip("Collapse the dialog to select the cells in the sheet")
        self.collapse_action.triggered.connect(self.collapse)
        self._hidden: list[QWidget] = []
        self._bar: QWidget | None = None
        self._connected = None

    # ---- taking the grid's selection ------------------------------------------------------------------------

    def focusInEvent(self, event) -> None:
        super().focusInEvent(event)
        self.arm()

    def focusOutEvent(self, event) -> None:
        super().focusOutEvent(event)
        QApplication.instance().focusChanged.connect(self._focus_moved, Qt.ConnectionType.SingleShotConnection)

    def _focus_moved(self, _old, new) -> None:
        """Focus went to another field of the same dialog: that one, not this box, is being worked on now."""
        global _armed
        if _armed is self and new is not None and new.window() is self.window():
            _armed = None

    def arm(self) -> None:
        global _armed
        _armed = self
        win = main_window(self)
        if win is not None and self._connected is not win:
            win.view.selectionModel().selectionChanged.connect(self._grid_selected)
            win.view.current_moved.connect(self._grid_moved)
            self._connected = win

    def _grid_moved(self, _row: int, _col: int) -> None:
        self._grid_selected()

    def _grid_selected(self, *_) -> None:
        win = self._connected
        if _armed is not self or win is None or not self.isVisible() and not self._hidden:
            return
        if not (win.view.hasFocus() or self._hidden):  # the user is working in the grid, not moving by code
            return
        self.take(win.selected_areas(), win.model.sheet_name)

    def take(self, areas: list[Area], sheet: str) -> None:
        """Show the selected ranges (Ctrl+click adds ranges, as Excel's variable cells allow), sheet-qualified."""
        if self.single_cell:
            areas = [Area(areas[0].sheet or sheet, areas[0].r1, areas[0].c1, areas[0].r1, areas[0].c1)]
        areas = [a if a.sheet else Area(sheet, a.r1, a.c1, a.r2, a.c2) for a in areas]
        text = ", ".join(a.a1(absolute=True) for a in areas)
        self.setText(text)
        if self._bar is not None:
            self._bar.line.setText(text)

    # ---- collapsing -----------------------------------------------------------------------------------------

    def collapse(self) -> None:
        win = main_window(self)
        if win is None:
            return
        self.arm()
        w = self.window()
        while isinstance(w, QDialog):  # this dialog and the dialogs under it (Add Constraint over Solver)
            self._hidden.append(w)
            w = w.parentWidget().window() if w.parentWidget() is not None else None
        for d in self._hidden:
            d.hide()
        self._bar = _CollapsedBar(self, win)
        self._bar.show()
        win.view.setFocus()

    def expand(self) -> None:
        if self._bar is not None:
            self.setText(self._bar.line.text())
            self._bar.close()
            self._bar.deleteLater()
            self._bar = None
        for d in reversed(self._hidden):
            d.show()
        self._hidden = []
        self.setFocus()

    @property
    def collapsed(self) -> bool:
        return bool(self._hidden)


class _CollapsedBar(QWidget):
    """What shows while the dialogs are collapsed: the reference, and the button that brings them back."""

    def __init__(self, owner: RefEdit, win: QWidget):
        super().__init__(win, Qt.WindowType.Tool)
        self.owner = owner
        self.setWindowTitle("Select cells")
        self.line = QLineEdit(owner.text())
        self.line.returnPressed.connect(owner.expand)
        button = QToolButton()
        button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_TitleBarUnshadeButton))
        button.setToolTip("Back to the dialog")
        button.clicked.connect(owner.expand)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.line, 1)
        layout.addWidget(button)
        self.resize(360, self.sizeHint().height())
        self.move(win.mapToGlobal(win.rect().topLeft()) + win.rect().center() / 4)

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Escape, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.owner.expand()
            return
        super().keyPressEvent(event)
