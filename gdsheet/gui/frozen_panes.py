"""Frozen panes: Qt has no native ones, so the frozen rows and columns are drawn by SheetTables laid over the grid's
top and left edges, sharing its model and selection and following its scrolling (Qt's 'frozen column' technique,
in both directions: a top band, a left band and their corner).

The grid underneath scrolls as usual; the bands cover what scrolls under them, so after scrolling by n rows the
first row below the frozen ones is the (n+1)th unfrozen row, as in Excel.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter, QPen
from PySide6.QtWidgets import QAbstractItemView, QFrame

from gdsheet.gui.grid_view import FREEZE_LINE, SheetTable


class FrozenPane(SheetTable):
    """One band of frozen cells. Keys and focus go to the grid; an edit started here stays here (it is visible)."""

    def __init__(self, grid, top: bool, left: bool):
        super().__init__(grid)
        self.grid = grid
        self.edge_bottom, self.edge_right = top, left
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self.verticalHeader().setVisible(top)
        self.horizontalHeader().setVisible(left)
        self.horizontalHeader().setSectionsClickable(True)
        self.setModel(grid.model())
        self.setSelectionModel(grid.selectionModel())
        # a header edge dragged here resizes the grid's section (which the bands follow) and ends as the grid's
        # undoable width or height
        for header, grid_header in ((self.horizontalHeader(), grid.horizontalHeader()),
                                    (self.verticalHeader(), grid.verticalHeader())):
            header.sectionResized.connect(lambda i, _old, new, g=grid_header: self._dragged(g, i, new))
            header.viewport().installEventFilter(grid)

    def _dragged(self, grid_header, index: int, size: int) -> None:
        from PySide6.QtWidgets import QApplication

        if QApplication.mouseButtons() & Qt.MouseButton.LeftButton and grid_header.sectionSize(index) != size:
            grid_header.resizeSection(index, size)

    def mousePressEvent(self, event) -> None:
        super().mousePressEvent(event)
        self.grid.setFocus()

    def keyPressEvent(self, event) -> None:
        self.grid.keyPressEvent(event)

    def closeEditor(self, editor, hint) -> None:
        from PySide6.QtWidgets import QAbstractItemDelegate

        super().closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)
        self.grid.setFocus()
        self.grid.after_edit(hint)

    def scrollTo(self, index, hint=QAbstractItemView.ScrollHint.EnsureVisible) -> None:
        pass  # a band never scrolls by itself: it follows the grid

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        painter = QPainter(self.viewport())
        painter.setPen(QPen(FREEZE_LINE, 1))
        vp = self.viewport().rect()
        if self.edge_bottom:
            painter.drawLine(vp.left(), vp.bottom(), vp.right(), vp.bottom())
        if self.edge_right:
            painter.drawLine(vp.right(), vp.top(), vp.right(), vp.bottom())
        painter.end()


class FrozenPanes:
    """The bands of one grid, made when its sheet has frozen panes and removed when it has none."""

    def __init__(self, grid):
        self.grid = grid
        self.rows = self.cols = 0
        self._last = {True: 0, False: 0}  # the scroll bars' last values, to snap in the direction of travel
        self._snapping = False
        grid.horizontalScrollBar().valueChanged.connect(lambda v: self._snap(True, v))
        grid.verticalScrollBar().valueChanged.connect(lambda v: self._snap(False, v))
        self.top: FrozenPane | None = None  # rows 1..rows, scrolling sideways with the grid
        self.left: FrozenPane | None = None  # columns 1..cols, scrolling up and down with the grid
        self.corner: FrozenPane | None = None

    @property
    def panes(self) -> list[FrozenPane]:
        return [p for p in (self.top, self.left, self.corner) if p is not None]

    def follow(self, freeze: tuple[int, int] | None) -> None:
        """Show the sheet's frozen panes: `freeze` is the first scrolling cell (row, col), or None."""
        rows, cols = (freeze[0] - 1, freeze[1] - 1) if freeze else (0, 0)
        model = self.grid.model()
        rows, cols = min(max(rows, 0), model.rowCount()), min(max(cols, 0), model.columnCount())
        wanted = {"top": rows > 0, "left": cols > 0, "corner": rows > 0 and cols > 0}
        for name, want in wanted.items():
            pane = getattr(self, name)
            if pane is not None and (not want or pane.model() is not model):
                pane.hide()
                pane.setParent(None)
                pane.deleteLater()
                setattr(self, name, None)
                pane = None
            if want and pane is None:
                pane = FrozenPane(self.grid, top=name in ("top", "corner"), left=name in ("left", "corner"))
                setattr(self, name, pane)
                self._connect(pane, name)
        self.rows, self.cols = rows, cols
        # by pixel, snapped to whole rows and columns: the first one below and right of the bands is never cut
        per_pixel, per_item = QAbstractItemView.ScrollMode.ScrollPerPixel, QAbstractItemView.ScrollMode.ScrollPerItem
        self.grid.setVerticalScrollMode(per_pixel if rows else per_item)
        for pane in self.panes:
            pane.setVerticalScrollMode(self.grid.verticalScrollMode())
            self._copy_layout(pane)
            pane.show()
        if self.corner is not None:
            self.corner.raise_()
        self.place()

    def _snap(self, horizontal: bool, value: int) -> None:
        """Keep a whole row (column) right under (beside) the frozen ones, as Excel scrolls by rows and columns."""
        frozen = self.cols if horizontal else self.rows
        if not frozen or self._snapping:
            self._last[horizontal] = value
            return
        header = self.grid.horizontalHeader() if horizontal else self.grid.verticalHeader()
        edge = self.width() if horizontal else self.height()
        forward = value >= self._last[horizontal]
        # the first section whose start, scrolled by `value`, lies at or past the bands' edge
        index = header.logicalIndexAt(edge)  # under the edge now (viewport coordinates at the current offset)
        index = max(index, frozen) if index >= 0 else frozen
        start = header.sectionPosition(index)  # in content coordinates
        if start < value + edge and forward:
            nxt = index + 1
            while nxt < header.count() and header.isSectionHidden(nxt):
                nxt += 1
            start = header.sectionPosition(nxt) if nxt < header.count() else start
        target = max(start - edge, 0)
        if not forward and target > value:
            target = max(header.sectionPosition(index) - edge, 0)
        self._last[horizontal] = target
        if target != value:
            self._snapping = True
            try:
                bar = self.grid.horizontalScrollBar() if horizontal else self.grid.verticalScrollBar()
                bar.setValue(target)
            finally:
                self._snapping = False

    def _connect(self, pane: FrozenPane, name: str) -> None:
        grid = self.grid
        # the grid's value read when the signal arrives: a snap may have moved it since the signal was sent
        if name == "top":
            grid.horizontalScrollBar().valueChanged.connect(
                lambda _v: pane.horizontalScrollBar().setValue(grid.horizontalScrollBar().value()))
        if name == "left":
            grid.verticalScrollBar().valueChanged.connect(
                lambda _v: pane.verticalScrollBar().setValue(grid.verticalScrollBar().value()))
        grid.horizontalHeader().sectionResized.connect(lambda i, _o, n: self._resized(pane, True, i, n))
        grid.verticalHeader().sectionResized.connect(lambda i, _o, n: self._resized(pane, False, i, n))

    def _resized(self, pane: FrozenPane, horizontal: bool, index: int, size: int) -> None:
        if pane is not getattr(self, "top") and pane is not self.left and pane is not self.corner:
            return  # a pane already removed
        header = pane.horizontalHeader() if horizontal else pane.verticalHeader()
        if header.sectionSize(index) != size:
            header.resizeSection(index, size)
        self.place()

    def _copy_layout(self, pane: FrozenPane) -> None:
        """The grid's sizes, hidden sections, spans and fonts, as the pane's own."""
        grid = self.grid
        pane.setFont(grid.font())
        for mine, theirs in ((pane.horizontalHeader(), grid.horizontalHeader()),
                             (pane.verticalHeader(), grid.verticalHeader())):
            mine.setFont(theirs.font())
            mine.setDefaultSectionSize(theirs.defaultSectionSize())
        pane.apply_sheet_layout()
        hh, gh = pane.horizontalHeader(), grid.horizontalHeader()
        for c in range(min(self.cols + 64, grid.model().columnCount())):
            if hh.sectionSize(c) != gh.sectionSize(c):
                hh.resizeSection(c, gh.sectionSize(c))
        vh, gv = pane.verticalHeader(), grid.verticalHeader()
        for r in range(self.rows):
            if vh.sectionSize(r) != gv.sectionSize(r):
                vh.resizeSection(r, gv.sectionSize(r))

    def height(self) -> int:
        """Pixels the frozen rows take."""
        vh = self.grid.verticalHeader()
        return sum(vh.sectionSize(r) for r in range(self.rows) if not self.grid.isRowHidden(r))

    def width(self) -> int:
        hh = self.grid.horizontalHeader()
        return sum(hh.sectionSize(c) for c in range(self.cols) if not self.grid.isColumnHidden(c))

    def place(self) -> None:
        """Lay the bands over the grid's headers and viewport edges."""
        if not self.panes:
            return
        grid = self.grid
        fw = grid.frameWidth()
        vh_w = grid.verticalHeader().width() if grid.verticalHeader().isVisible() else 0
        hh_h = grid.horizontalHeader().height() if grid.horizontalHeader().isVisible() else 0
        vp = grid.viewport()
        fh, fwid = self.height(), self.width()
        for pane in self.panes:
            pane.verticalHeader().setFixedWidth(vh_w)
            pane.horizontalHeader().setFixedHeight(hh_h)
        if self.top is not None:
            self.top.setGeometry(fw, fw + hh_h, vh_w + vp.width(), min(fh, vp.height()))
            self.top.verticalScrollBar().setValue(0)
            self.top.horizontalScrollBar().setValue(grid.horizontalScrollBar().value())
        if self.left is not None:
            self.left.setGeometry(fw + vh_w, fw, min(fwid, vp.width()), hh_h + vp.height())
            self.left.horizontalScrollBar().setValue(0)
            self.left.verticalScrollBar().setValue(grid.verticalScrollBar().value())
        if self.corner is not None:
            self.corner.setGeometry(fw, fw, vh_w + min(fwid, vp.width()), hh_h + min(fh, vp.height()))
            self.corner.verticalScrollBar().setValue(0)
            self.corner.horizontalScrollBar().setValue(0)

    def pane_of(self, index):
        """The band that shows the cell at `index`, or None for a cell of the scrolling part."""
        r, c = index.row(), index.column()
        if r < self.rows and c < self.cols:
            return self.corner
        if r < self.rows:
            return self.top
        if c < self.cols:
            return self.left
        return None
