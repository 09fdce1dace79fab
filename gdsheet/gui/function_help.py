"""Help → Functions: every supported function, searchable by text and category; Insert puts =NAME( in the bar."""
from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QComboBox, QDialog, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPushButton,
                               QTreeWidget, QTreeWidgetItem, QVBoxLayout)

from gdsheet.functions.registry import FunctionSpec, catalog


class FunctionsDialog(QDialog):
    """The function table from the registry. `insert_requested(name)` on Insert or a double-click."""

    insert_requested = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Functions")
        specs = catalog()
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search names and descriptions, e.g. average, lookup, date")
        self.search.setClearButtonEnabled(True)
        self.category = QComboBox()
        self.category.addItem("All categories", None)
        for name in sorted({s.category for s in specs}):
            self.category.addItem(name, name)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Function", "Category", "Description"])
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        for spec in specs:
            item = QTreeWidgetItem([spec.name, spec.category, spec.summary])
            item.setData(0, Qt.ItemDataRole.UserRole, spec)
            item.setToolTip(0, spec.syntax)
            item.setToolTip(2, spec.summary)
            self.tree.addTopLevelItem(item)
        self.tree.setSortingEnabled(True)
        self.tree.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setMinimumHeight(64)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.count = QLabel()
        self.insert_button = QPushButton("Insert")
        self.insert_button.setDefault(True)
        self.insert_button.setToolTip("Start a formula with this function in the formula bar")
        close = QPushButton("Close")

        filters = QHBoxLayout()
        filters.addWidget(self.search, 1)
        filters.addWidget(self.category)
        buttons = QHBoxLayout()
        buttons.addWidget(self.count)
        buttons.addStretch(1)
        buttons.addWidget(close)
        buttons.addWidget(self.insert_button)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.details)
        layout.addLayout(buttons)
        self.resize(820, 600)

        self.search.textChanged.connect(self.apply_filter)
        self.category.currentIndexChanged.connect(self.apply_filter)
        self.tree.currentItemChanged.connect(self._show_details)
        self.tree.itemActivated.connect(lambda *_: self.insert())
        self.insert_button.clicked.connect(self.insert)
        close.clicked.connect(self.reject)
        self.apply_filter()
        self.search.setFocus()

    def _items(self) -> list[QTreeWidgetItem]:
        return [self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())]

    def apply_filter(self) -> None:
        """Show the functions of the chosen category whose name, syntax or description contains every word typed."""
        words = self.search.text().lower().split()
        category = self.category.currentData()
        shown = 0
        for item in self._items():
            spec: FunctionSpec = item.data(0, Qt.ItemDataRole.UserRole)
            text = f"{spec.name} {spec.syntax} {spec.summary}".lower()
            hide = (category is not None and spec.category != category) or not all(w in text for w in words)
            item.setHidden(hide)
            shown += not hide
        self.count.setText(f"{shown} of {self.tree.topLevelItemCount()} functions")
        current = self.tree.currentItem()
        if current is None or current.isHidden():
            first = next((i for i in self._items() if not i.isHidden()), None)
            self.tree.setCurrentItem(first)
            if first is None:
                self._show_details(None)

    def visible_names(self) -> list[str]:
        return [item.text(0) for item in self._items() if not item.isHidden()]

    def select(self, name: str) -> None:
        self.tree.setCurrentItem(next(i for i in self._items() if i.text(0) == name))

    def _show_details(self, item: QTreeWidgetItem | None, _previous=None) -> None:
        self.insert_button.setEnabled(item is not None)
        if item is None:
            self.details.setText("No function matches.")
            return
        spec: FunctionSpec = item.data(0, Qt.ItemDataRole.UserRole)
        self.details.setText(f"<p style='font-family: monospace; font-weight: bold'>{html.escape(spec.syntax)}</p>"
                             f"<p>{html.escape(spec.summary)}</p>")

    def insert(self) -> None:
        item = self.tree.currentItem()
        if item is not None and not item.isHidden():
            self.insert_requested.emit(item.text(0))
            self.accept()
