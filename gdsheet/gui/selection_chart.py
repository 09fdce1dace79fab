"""Insert → Chart of Selection (Alt+F1): the selected cells as a line or scatter chart in a dock, exportable.

As Excel reads a selection: a first row of text names the series; with two or more columns the first one is x
and each other column is a series; one column is a series over its position. Cells that are not numbers are gaps.
The chart is a picture of the selection when it was made (Excel's charts follow edits; here Refresh redraws it).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import (QComboBox, QDockWidget, QFileDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout,
                               QWidget)

from gdsheet.gui.plot_common import colour, export_plot, new_plot
from gdsheet.refs import Area, col_letter

MAX_POINTS = 1_000_000  # a chart of more cells than this would only freeze the window


@dataclass
class ChartData:
    x: np.ndarray
    series: list[tuple[str, np.ndarray]]
    x_label: str


def _number(v) -> float:
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else math.nan


def chart_data(wb, area: Area) -> ChartData:
    """The numbers of `area` as x and named series, read as Excel reads a selection for a chart."""
    sheet = wb.sheet(area.sheet)
    rows = [[sheet.cells.get((r, c)) for c in range(area.c1, area.c2 + 1)] for r in range(area.r1, area.r2 + 1)]
    header = None
    if len(rows) > 1 and any(isinstance(v, str) for v in rows[0]):
        header, rows = rows[0], rows[1:]
    names = [str(h) if h not in (None, "") else f"Column {col_letter(area.c1 + i)}"
             for i, h in enumerate(header or [None] * (area.c2 - area.c1 + 1))]
    grid = np.array([[_number(v) for v in row] for row in rows], dtype=float).reshape(len(rows), -1)
    if grid.shape[1] >= 2:
        return ChartData(grid[:, 0], [(names[i], grid[:, i]) for i in range(1, grid.shape[1])], names[0])
    return ChartData(np.arange(1, len(grid) + 1, dtype=float), [(names[0], grid[:, 0])], "Row")


class SelectionChart(QDockWidget):
    def __init__(self, window):
        super().__init__("Chart", window)
        self.setObjectName("selection_chart")
        self.window = window
        self.area: Area | None = None
        self.kind = QComboBox()
        self.kind.addItems(["Line", "Scatter"])
        self.kind.currentIndexChanged.connect(self.redraw)
        refresh = QPushButton("Refresh")
        refresh.setToolTip("Draw the chart again from the cells as they are now")
        refresh.clicked.connect(self.redraw)
        export = QPushButton("Export…")
        export.setToolTip("Save the chart as PNG or SVG")
        export.clicked.connect(self.export_dialog)
        self.title = QLabel()
        self.plot = new_plot("", "")
        self.plot.addLegend(offset=(-10, 10), labelTextColor="#222", brush=pg.mkBrush(255, 255, 255, 220))
        bar = QHBoxLayout()
        bar.addWidget(self.title, 1)
        bar.addWidget(self.kind)
        bar.addWidget(refresh)
        bar.addWidget(export)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(self.plot, 1)
        self.setWidget(body)

    def show_area(self, area: Area, kind: str | None = None) -> bool:
        if area.size > MAX_POINTS:
            self.window.statusBar().showMessage("The selection is too large to chart.", 5000)
            return False
        self.area = area
        if kind is not None:
            self.kind.setCurrentText(kind)
        self.redraw()
        self.show()
        self.raise_()
        return True

    def redraw(self) -> None:
        if self.area is None or not self.window.doc.wb.has_sheet(self.area.sheet):
            return
        data = chart_data(self.window.doc.wb, self.area)
        self.plot.clear()
        scatter = self.kind.currentText() == "Scatter"
        for k, (name, y) in enumerate(data.series):
            ok = np.isfinite(data.x) & np.isfinite(y)
            pen = None if scatter else pg.mkPen(colour(k), width=2)
            self.plot.plot(data.x[ok], y[ok], pen=pen, name=name, symbol="o" if scatter else None, symbolSize=6,
                           symbolBrush=colour(k), symbolPen=None)
        self.plot.setLabel("bottom", data.x_label)
        self.title.setText(self.area.a1())
        self.plot.enableAutoRange()

    def export_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export Chart", "chart.png", "PNG image (*.png);;SVG (*.svg)")
        if path:
            export_plot(self.plot, path)
