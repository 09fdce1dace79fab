"""The bundled examples, offered at first start and from Help → Examples…; each opens ready to solve."""
from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (QCheckBox, QDialog, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton,
                               QVBoxLayout)

from gdsheet.resources import examples


@dataclass(frozen=True, slots=True)
class Example:
    """One entry of the list: a bundled workbook and the sheet whose Solver model it shows (None: the first sheet
    that has one)."""

    title: str
    file: str
    sheet: str | None
    description: str

    def path(self) -> Path | None:
        """Where the workbook is (checkout, wheel or frozen app), or None when this build lacks it."""
        return next((p for p in examples() if p.name == self.file), None)


EXAMPLES = (
    Example("Parabola", "parabola.xlsx", None,
            "Minimise 1.2x² + 4 by plain gradient descent: ten steps small enough to follow one by one."),
    Example("Too large a learning rate", "too_large_lr.xlsx", None,
            "Every step jumps past the bottom of the valley and lands higher up. gdsheet stops such a run; untick "
            "Stop when the loss diverges in the Solver dialog to watch the loss grow step after step."),
    Example("Oscillation", "oscillation.xlsx", None,
            "Find x with x² = 9 by minimising (x² − 9)². Try a learning rate of 0.025 and the steps bounce "
            "from side to side."),
    Example("Curve fit (chapter 4)", "curve_fit.xlsx", None,
            "Fit a·t² + b·t + c to twenty noisy speed readings by least squares: three parameters, one loss."),
    Example("Titanic: linear model", "titanic.xlsx", "linear",
            "Predict who survived from ten passenger features with one weighted sum over 712 passengers."),
    Example("Titanic: neural net", "titanic.xlsx", "nnet",
            "Two ReLU units instead of one sum: a small neural network written as ordinary cell formulas."),
    Example("Titanic: neural net with MMULT", "titanic.xlsx", "mmult",
            "The same network with both units from one spilled MMULT: a matrix product as a single formula."),
)


def available() -> list[Example]:
    """The examples whose workbook this build carries."""
    return [e for e in EXAMPLES if e.path() is not None]


class _WrappingList(QListWidget):
    """A list of word-wrapped labels, each row as tall as its text at the list's current width."""

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        width = self.viewport().width() - 2 * self.spacing()
        for i in range(self.count()):
            item = self.item(i)
            item.setSizeHint(QSize(width, self.itemWidget(item).heightForWidth(width)))


class ExamplesDialog(QDialog):
    """Pick an example (Open, double-click or Enter) or start empty; `chosen()` is the pick once accepted.
    `at_start` words it as the welcome of a first run."""

    def __init__(self, at_start: bool, show_at_start: bool, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Welcome to gdsheet" if at_start else "Examples")
        intro = QLabel("<b>Gradient descent you can watch.</b> Open an example: its loss cell is selected and its "
                       "Solver model is ready. Press <b>Solve</b> on the toolbar and watch the loss fall while "
                       "the parameters change in the grid.")
        intro.setWordWrap(True)
        self.list = _WrappingList()
        self.list.setAlternatingRowColors(True)
        self.list.setSpacing(1)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # a light selection, so the grey description stays readable on it
        self.list.setStyleSheet("QListWidget::item:selected { background: #cfe3fa; }")
        for example in available():
            item = QListWidgetItem()
            item.setData(Qt.ItemDataRole.UserRole, example)
            item.setToolTip(f"{example.file}" + (f", sheet {example.sheet}" if example.sheet else ""))
            label = QLabel(f"<b>{html.escape(example.title)}</b><br>"
                           f"<span style='color:#555'>{html.escape(example.description)}</span>")
            label.setWordWrap(True)
            label.setContentsMargins(6, 5, 6, 5)
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)  # clicks select the item
            self.list.addItem(item)
            self.list.setItemWidget(item, label)
        self.list.setCurrentRow(0)
        self.list.itemActivated.connect(lambda _: self.accept())
        self.show_at_start = QCheckBox("Show this at start")
        self.show_at_start.setChecked(show_at_start)
        self.show_at_start.setToolTip("Offer these examples whenever gdsheet starts without a file "
                                      "(Help → Examples… shows them at any time)")
        self.open_button = QPushButton("Open")
        self.open_button.setDefault(True)
        self.open_button.clicked.connect(self.accept)
        self.empty_button = QPushButton("Empty Workbook" if at_start else "Close")
        self.empty_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.show_at_start)
        buttons.addStretch(1)
        buttons.addWidget(self.empty_button)
        buttons.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        self.resize(640, 430)

    def examples(self) -> list[Example]:
        return [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())]

    def select(self, title: str) -> None:
        self.list.setCurrentRow([e.title for e in self.examples()].index(title))

    def chosen(self) -> Example | None:
        item = self.list.currentItem()
        return None if item is None else item.data(Qt.ItemDataRole.UserRole)
