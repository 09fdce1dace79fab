"""The grid's row and column headers: the sections of the selected cells highlighted as Excel does, found from the
selection's few rectangles. Qt's own highlighting asks the selection model whether each painted section is wholly
selected, which walks every cell of the column: a second per column at a million rows, a minute for Select All."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHeaderView, QStyle, QStyleOptionHeader, QStyleOptionHeaderV2


class SheetHeader(QHeaderView):
    def __init__(self, orientation: Qt.Orientation, parent=None):
        super().__init__(orientation, parent)
        self.setHighlightSections(False)  # highlighted here instead, see paintSection
        self._spans: list[tuple[int, int]] = []  # the sections the selection covers, (first, last), while painting
        self._hovered = -1  # the section under the mouse: hover feedback, which initStyleOptionForIndex gave

    def selected_spans(self) -> list[tuple[int, int]]:
        """(first, last) sections of each rectangle of the selection."""
        sm = self.selectionModel()
        if sm is None:
            return []
        across = self.orientation() == Qt.Orientation.Horizontal
        return [(r.left(), r.right()) if across else (r.top(), r.bottom()) for r in sm.selection()]

    def paintEvent(self, event) -> None:
        self._spans = self.selected_spans()
        super().paintEvent(event)

    def paintSection(self, painter, rect, logical: int) -> None:
        # the option made here, not by initStyleOptionForIndex: that one asks whether the sections on either side
        # are wholly selected (its selectedPosition), the walk this class exists to avoid
        if not rect.isValid():
            return
        opt = QStyleOptionHeaderV2()
        self.initStyleOption(opt)
        opt.rect = rect
        opt.section = logical
        model = self.model()
        text = model.headerData(logical, self.orientation(), Qt.ItemDataRole.DisplayRole) if model else None
        opt.text = "" if text is None else str(text)
        opt.textAlignment = Qt.AlignmentFlag.AlignCenter
        opt.position = self._position(logical)
        if self.isEnabled():
            opt.state |= QStyle.StateFlag.State_Enabled
        if self.window().isActiveWindow():
            opt.state |= QStyle.StateFlag.State_Active
        if self.sectionsClickable() and logical == self._hovered:
            opt.state |= QStyle.StateFlag.State_MouseOver
        if any(first <= logical <= last for first, last in self._spans):
            opt.state |= QStyle.StateFlag.State_On  # the style sheet's :checked look
        origin = painter.brushOrigin()
        self.style().drawControl(QStyle.ControlElement.CE_Header, opt, painter, self)
        painter.setBrushOrigin(origin)

    def _position(self, logical: int):
        visual, last = self.visualIndex(logical), self.count() - 1
        if last == 0:
            return QStyleOptionHeader.SectionPosition.OnlyOneSection
        if visual == 0:
            return QStyleOptionHeader.SectionPosition.Beginning
        return QStyleOptionHeader.SectionPosition.End if visual == last else QStyleOptionHeader.SectionPosition.Middle

    def mouseMoveEvent(self, event) -> None:
        hovered = self.logicalIndexAt(event.position().toPoint())
        if hovered != self._hovered:
            self._hovered = hovered
            self.viewport().update()
        super().mouseMoveEvent(event)

    def leaveEvent(self, event) -> None:
        self._hovered = -1
        self.viewport().update()
        super().leaveEvent(event)
