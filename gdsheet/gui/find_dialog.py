"""Find and Replace (Ctrl+F, Ctrl+H), Excel's dialog: Find Next / Find All, Replace / Replace All as one undo step.

The matching itself is gdsheet.sheet.find (no Qt); this is the dialog and the moves it makes in the window.
"""
from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QFormLayout, QGridLayout, QHBoxLayout, QLabel,
                               QLineEdit, QPushButton, QTreeWidget, QTreeWidgetItem, QVBoxLayout)

from gdsheet.gui.document import capture
from gdsheet.gui.editing import typed_state
from gdsheet.refs import cell_name
from gdsheet.sheet.find import FindOptions, Pattern, cell_text, find_all, find_listed, find_next, replace_in

_LISTED = 10_000  # Find All lists this many cells at most


class FindDialog(QDialog):
    """Non-modal, like Excel's: the grid stays usable while it is open."""

    def __init__(self, window, replace: bool = False):
        super().__init__(window)
        self.window = window
        self.setWindowTitle("Find and Replace")
        self.find_text = QLineEdit()
        self.replace_text = QLineEdit()
        self.within = QComboBox()
        self.within.addItems(["Sheet", "Workbook"])
        self.search = QComboBox()
        self.search.addItems(["By Rows", "By Columns"])
        self.look_in = QComboBox()
        self.look_in.addItems(["Formulas", "Values"])
        self.match_case = QCheckBox("Match case")
        self.whole = QCheckBox("Match entire cell contents")
        form = QFormLayout()
        form.addRow("Fi&nd what:", self.find_text)
        self.replace_label = QLabel("R&eplace with:")
        self.replace_label.setBuddy(self.replace_text)
        form.addRow(self.replace_label, self.replace_text)
        options = QGridLayout()
        options.addWidget(QLabel("Within:"), 0, 0)
        options.addWidget(self.within, 0, 1)
        options.addWidget(self.match_case, 0, 2)
        options.addWidget(QLabel("Search:"), 1, 0)
        options.addWidget(self.search, 1, 1)
        options.addWidget(self.whole, 1, 2)
        options.addWidget(QLabel("Look in:"), 2, 0)
        options.addWidget(self.look_in, 2, 1)
        self.results = QTreeWidget()
        self.results.setHeaderLabels(["Sheet", "Cell", "Value", "Formula"])
        self.results.setRootIsDecorated(False)
        self.results.itemActivated.connect(self._go_to_item)
        self.results.itemClicked.connect(self._go_to_item)
        self.results.hide()
        self.message = QLabel()
        buttons = QHBoxLayout()
        self.replace_all_button = QPushButton("Replace &All")
        self.replace_button = QPushButton("&Replace")
        self.find_all_button = QPushButton("F&ind All")
        self.find_next_button = QPushButton("&Find Next")
        close = QPushButton("Close")
        for b in (self.replace_all_button, self.replace_button, self.find_all_button, self.find_next_button, close):
            buttons.addWidget(b)
        self.find_next_button.setDefault(True)
        self.replace_all_button.clicked.connect(self.replace_all)
        self.replace_button.clicked.connect(self.replace_one)
        self.find_all_button.clicked.connect(self.show_all)
        self.find_next_button.clicked.connect(self.find_next)
        close.clicked.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(options)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(self.results, 1)
        self.set_replace_mode(replace)

    def set_replace_mode(self, replace: bool) -> None:
        for w in (self.replace_label, self.replace_text, self.replace_all_button, self.replace_button):
            w.setVisible(replace)
        if replace:
            self.look_in.setCurrentText("Formulas")  # Excel replaces in what the cells hold, never in values
        self.look_in.setEnabled(not replace)
        self.find_text.setFocus()
        self.find_text.selectAll()

    def options(self) -> FindOptions:
        return FindOptions(self.find_text.text(), self.match_case.isChecked(), self.whole.isChecked(),
                           self.look_in.currentText().lower(), self.search.currentIndex() == 0,
                           self.within.currentIndex() == 1)

    def _no_text(self) -> bool:
        if self.find_text.text():
            return False
        self.message.setText("Type what to find.")
        return True

    def _not_found(self) -> None:
        self.message.setText(f"gdsheet cannot find what you are searching for ({self.find_text.text()!r}).")

    def find_next(self) -> tuple[str, int, int] | None:
        """The next match after the current cell in the search order, wrapping around, made current. The walk
        stops at it: the cells after it are never looked at."""
        if self._no_text():
            return None
        row, col = self.window.view.current_cell()
        target = find_next(self.window.doc.wb, self.options(), self.window.model.sheet_name, row, col)
        if target is None:
            self._not_found()
            return None
        self.message.setText("")
        self._go_to(target)
        return target

    def show_all(self) -> list[tuple[str, int, int]]:
        """List the matches (the first 10,000: a list the user can read; the message says how many in all)."""
        if self._no_text():
            return []
        total, found = find_listed(self.window.doc.wb, self.options(), self.window.model.sheet_name, _LISTED)
        if not total:
            self._not_found()
        else:
            shown = "" if total <= len(found) else f" (the first {len(found):,} listed)"
            self.message.setText(f"{total:,} cell(s) found{shown}.")
        wb = self.window.doc.wb
        self.results.clear()
        for s, r, c in found:
            sheet = wb.sheet(s)
            value = cell_text(wb, sheet, r, c, "values") or ""
            formula = sheet.formulas.get((r, c))
            item = QTreeWidgetItem([s, cell_name(r, c), value, formula.text if formula else ""])
            item.setData(0, Qt.ItemDataRole.UserRole, (s, r, c))
            self.results.addTopLevelItem(item)
        self.results.setVisible(bool(found))
        return found

    def replace_one(self) -> None:
        """Replace in the current cell when it matches, then move to the next match (Excel's Replace)."""
        sheet = self.window.model.sheet_name
        row, col = self.window.view.current_cell()
        edit = self._replacement(sheet, row, col)
        if edit is not None:
            self.window.push_edits("Replace", [edit])
        self.find_next()

    def replace_all(self) -> int:
        if self._no_text():
            return 0
        found = find_all(self.window.doc.wb, self.options(), self.window.model.sheet_name)
        if not found:
            self._not_found()
            return 0
        edits = [e for cell in found if (e := self._replacement(*cell)) is not None]
        if edits and self.window.push_edits("Replace All", edits):
            self.message.setText(f"All done. gdsheet made {len(edits)} replacement(s).")
            return len(edits)
        return 0

    def _replacement(self, sheet: str, row: int, col: int):
        """The edit that replaces the matches in one cell (its formula, or its constant as typed), or None."""
        wb = self.window.doc.wb
        sh = wb.sheet(sheet)
        opts = dataclasses.replace(self.options(), look_in="formulas")
        text = cell_text(wb, sh, row, col, "formulas")
        if text is None or Pattern(opts.text, opts.match_case, opts.whole_cell).search(text) is None:
            return None
        new = replace_in(text, opts, self.replace_text.text())
        if new == text:
            return None
        before = capture(wb, sheet, row, col)
        typed = typed_state(new)
        if before.formula is not None and typed.formula is not None:  # an array stays an array
            typed = dataclasses.replace(typed, array=before.array, dynamic=before.dynamic)
        return sheet, row, col, dataclasses.replace(typed, number_format=before.number_format)

    def _go_to_item(self, item) -> None:
        self._go_to(item.data(0, Qt.ItemDataRole.UserRole))

    def _go_to(self, cell: tuple[str, int, int]) -> None:
        s, r, c = cell
        self.window.show_sheet_named(s)
        self.window.view.go_to(r, c)
