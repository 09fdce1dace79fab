"""Sheet tabs under the grid: switch sheets; add (+), rename (double-click) and delete from the tab's menu."""
from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QMenu, QTabBar, QToolButton, QWidget


class SheetTabs(QWidget):
    """Signals: `selected(index)`, `add_requested()`, `rename_requested(index)`, `delete_requested(index)`."""

    selected = Signal(int)
    add_requested = Signal()
    rename_requested = Signal(int)
    delete_requested = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.bar = QTabBar()
        self.bar.setShape(QTabBar.Shape.RoundedSouth)
        self.bar.setExpanding(False)
        self.bar.setDocumentMode(True)
        self.bar.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.bar.customContextMenuRequested.connect(self._menu)
        self.bar.currentChanged.connect(self._changed)
        self.bar.tabBarDoubleClicked.connect(lambda i: i >= 0 and self.rename_requested.emit(i))
        add = QToolButton()
        add.setText("+")
        add.setToolTip("Insert a new sheet")
        add.setAutoRaise(True)
        add.clicked.connect(self.add_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(add)
        layout.addWidget(self.bar)
        layout.addStretch(1)
        self._updating = False

    def set_sheets(self, names: list[str], active: int) -> None:
        """Show these tabs with `active` current, without emitting `selected`."""
        self._updating = True
        try:
            while self.bar.count():
                self.bar.removeTab(0)
            for name in names:
                self.bar.addTab(name)
            self.bar.setCurrentIndex(active)
        finally:
            self._updating = False

    def _changed(self, index: int) -> None:
        if not self._updating and index >= 0:
            self.selected.emit(index)

    def _menu(self, pos: QPoint) -> None:
        index = self.bar.tabAt(pos)
        menu = QMenu(self)
        menu.addAction("Insert sheet", self.add_requested.emit)
        if index >= 0:
            menu.addAction("Rename…", lambda: self.rename_requested.emit(index))
            menu.addAction("Delete", lambda: self.delete_requested.emit(index))
        menu.exec(self.bar.mapToGlobal(pos))
