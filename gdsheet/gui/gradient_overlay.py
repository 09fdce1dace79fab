"""Gradients on the cells: each variable cell shaded by d(objective)/d(cell), blue below zero and red above, with
a legend in the status bar and the number in the cell's tooltip (micrograd's 'grad' on every node, in the grid)."""
from __future__ import annotations

import math
from typing import Sequence

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QLabel

from gdsheet.sheet.workbook import CellId

NEGATIVE, ZERO, POSITIVE = QColor("#2166ac"), QColor("#ffffff"), QColor("#b2182b")
STRONGEST = 0.8  # the share of the end colour at the largest |gradient| (full colour hides the number)


def shade(g: float, largest: float) -> QColor:
    """The diverging colour of a gradient g, the largest |gradient| of the model at full strength. The square root
    keeps small gradients visible next to one large one."""
    if not math.isfinite(g) or largest <= 0 or not math.isfinite(largest):
        return QColor(ZERO)
    t = STRONGEST * math.sqrt(min(abs(g) / largest, 1.0))
    end = POSITIVE if g > 0 else NEGATIVE
    return QColor(round(ZERO.red() + t * (end.red() - ZERO.red())),
                  round(ZERO.green() + t * (end.green() - ZERO.green())),
                  round(ZERO.blue() + t * (end.blue() - ZERO.blue())))


def note(g: float) -> str:
    if not math.isfinite(g):
        return "d objective / d cell: not a number here"
    way = "raising this cell raises the objective" if g > 0 else \
        "raising this cell lowers the objective" if g < 0 else "the objective does not change with this cell here"
    return f"d objective / d cell = {g:.6g}: {way}"


class GradientOverlay(QObject):
    """Owns the shading the grid's model shows (`model.shades`, `model.shade_notes`) and the legend."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.enabled = False
        self.gradient: dict[CellId, float] = {}
        self.legend = QLabel()
        self.legend.setToolTip("Gradients on the cells: d objective / d cell for each variable cell (View → "
                               "Gradients on Cells)")
        self.legend.hide()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)  # edits come in bursts (a paste, an undo): one recompute after them
        self._timer.timeout.connect(self.recompute)

    def set_enabled(self, on: bool) -> None:
        self.enabled = on
        runner = self.window.solver.runner
        if runner is not None:
            runner.want_gradient = on
        if on:
            self.recompute()
        else:
            self.clear()

    def clear(self) -> None:
        model = self.window.model
        cells = list(self.gradient)
        self.gradient = {}
        if model is not None:
            model.shades, model.shade_notes = {}, {}
            model.repaint_cells(cells)
        self.legend.hide()

    def cells_changed(self, _changed=None) -> None:
        if self.enabled and not self.window.solver.running:
            self._timer.start()

    def recompute(self) -> None:
        """Gradients at the cells' current values, from the model the views use."""
        if not self.enabled or self.window.solver.running:
            return
        src = self.window.solver.view_source()
        if isinstance(src, str):
            self.clear()
            self.window.statusBar().showMessage(src, 8000)
            return
        self.show(list(src.solve.variables), src.solve.gradient(src.values))

    def show(self, cells: Sequence[CellId], gradient: Sequence[float]) -> None:
        if not self.enabled:
            return
        model = self.window.model
        old = list(self.gradient)
        self.gradient = dict(zip(cells, (float(g) for g in gradient)))
        finite = [abs(g) for g in self.gradient.values() if math.isfinite(g)]
        largest = max(finite, default=0.0)
        model.shades = {c: QBrush(shade(g, largest)) for c, g in self.gradient.items()}
        model.shade_notes = {c: note(g) for c, g in self.gradient.items()}
        model.repaint_cells(old + list(cells))
        low, high = shade(-largest, largest).name(), shade(largest, largest).name()
        self.legend.setText(f"d objective / d cell: <span style='background:{low}; color:white'>&nbsp;−{largest:.3g}"
                            f"&nbsp;</span><span style='background:#ffffff'>&nbsp;0&nbsp;</span>"
                            f"<span style='background:{high}; color:white'>&nbsp;+{largest:.3g}&nbsp;</span>")
        self.legend.show()
