"""The "marching ants" around copied cells: a dashed border that moves until the copy is pasted away or cancelled.

A transparent overlay on the grid's viewport, so the grid's own painting (cells, formats, spans) stays untouched;
it repaints only its own border, a few times a second, while a copy is pending.
"""
from __future__ import annotations

from PySide6.QtCore import QRect, Qt, QTimer
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QTableView, QWidget

from gdsheet.refs import Area

STEP_MS = 120  # Excel's ants move about eight times a second


class CopyMarquee(QWidget):
    def __init__(self, view: QTableView):
        super().__init__(view.viewport())
        self.view = view
        self.area: Area | None = None
        self.sheet: str | None = None
        self._offset = 0
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self._timer = QTimer(self)
        self._timer.setInterval(STEP_MS)
        self._timer.timeout.connect(self._march)
        for bar in (view.horizontalScrollBar(), view.verticalScrollBar()):
            bar.valueChanged.connect(self.update)
        for header in (view.horizontalHeader(), view.verticalHeader()):
            header.sectionResized.connect(self.update)
        self.hide()

    def show_area(self, sheet: str, area: Area) -> None:
        self.sheet, self.area = sheet, area
        self.setGeometry(self.view.viewport().rect())
        self.raise_()
        self.show()
        self._timer.start()
        self.update()

    def clear(self) -> None:
        self.area = self.sheet = None
        self._timer.stop()
        self.hide()

    @property
    def active(self) -> bool:
        return self.area is not None

    def border_rect(self) -> QRect | None:
        """The copied range's outline in viewport pixels, or None when it is on another sheet."""
        model = self.view.model()
        if self.area is None or model is None or getattr(model, "sheet_name", None) != self.sheet:
            return None
        a = self.area
        top_left = self.view.visualRect(model.index(a.r1 - 1, a.c1 - 1))
        bottom_right = self.view.visualRect(model.index(a.r2 - 1, a.c2 - 1))
        if not top_left.isValid() or not bottom_right.isValid():
            return None
        return top_left.united(bottom_right).adjusted(0, 0, -1, -1)

    def _march(self) -> None:
        self._offset = (self._offset + 1) % 8
        self.update()

    def paintEvent(self, event) -> None:
        if self.geometry() != self.view.viewport().rect():
            self.setGeometry(self.view.viewport().rect())
        rect = self.border_rect()
        if rect is None:
            return
        painter = QPainter(self)
        painter.setPen(QPen(QColor("white"), 2))
        painter.drawRect(rect)
        ants = QPen(QColor("#217346"), 2, Qt.PenStyle.CustomDashLine)  # Excel's green dashes on white
        ants.setDashPattern([2, 2])
        ants.setDashOffset(self._offset)
        painter.setPen(ants)
        painter.drawRect(rect)
        painter.end()
