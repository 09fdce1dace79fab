"""The formula bar: a name box (where you are, or type where to go) and the current cell's formula or value."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QWidget


class _Edit(QLineEdit):
    """A line edit that reverts on Escape and tells when it is done."""

    cancelled = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.cancelled.emit()
            return
        super().keyPressEvent(event)


class FormulaBar(QWidget):
    """`goto_requested(text)` when a reference or name is typed in the name box; `committed(text)` when the
    formula line is confirmed with Enter; `cancelled` on Escape."""

    goto_requested = Signal(str)
    committed = Signal(str)
    cancelled = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.name_box = _Edit()
        self.name_box.setFixedWidth(130)
        self.name_box.setToolTip("Name box: type a cell (B7), a range (A1:C5), Sheet2!A1, a defined name or a "
                                 "table name, then Enter, to go there")
        self.name_box.returnPressed.connect(lambda: self.goto_requested.emit(self.name_box.text().strip()))
        fx = QLabel("fx")
        italic = QFont()
        italic.setItalic(True)
        italic.setBold(True)
        fx.setFont(italic)
        fx.setStyleSheet("color: #666; padding: 0 6px;")
        self.edit = _Edit()
        self.edit.setToolTip("The current cell's formula or value; Enter puts it in the cell, Escape cancels")
        self.edit.returnPressed.connect(lambda: self.committed.emit(self.edit.text()))
        self.edit.cancelled.connect(self.cancelled)
        self.name_box.cancelled.connect(self.cancelled)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.setSpacing(4)
        layout.addWidget(self.name_box)
        layout.addWidget(fx)
        layout.addWidget(self.edit, 1)

    def show_typing(self, text: str) -> None:
        """Mirror what is being typed in the cell, as Excel's formula bar does."""
        if not self.edit.hasFocus():
            self.edit.setText(text)

    def show_cell(self, address: str, text: str) -> None:
        self.name_box.setText(address)
        self.edit.setText(text)
        self.edit.setCursorPosition(0)
