"""The live loss curve: a dockable pyqtgraph plot fed from growing numpy buffers, with a log-scale toggle."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QDockWidget, QHBoxLayout, QLabel, QVBoxLayout, QWidget


class GrowingBuffer:
    """Points appended in batches; capacity doubles, so appending n points costs O(n) overall."""

    def __init__(self, capacity: int = 1024):
        self._x = np.empty(capacity)
        self._y = np.empty(capacity)
        self.n = 0

    def append(self, x: np.ndarray, y: np.ndarray) -> None:
        need = self.n + len(x)
        if need > len(self._x):
            size = max(need, 2 * len(self._x))
            self._x = np.resize(self._x, size)
            self._y = np.resize(self._y, size)
        self._x[self.n:need] = x
        self._y[self.n:need] = y
        self.n = need

    def clear(self) -> None:
        self.n = 0

    @property
    def x(self) -> np.ndarray:
        return self._x[:self.n]

    @property
    def y(self) -> np.ndarray:
        return self._y[:self.n]


class LossPlot(QDockWidget):
    """Loss against iteration; `append(iterations, losses)` adds a batch, `reset()` starts a new run."""

    def __init__(self, parent=None):
        super().__init__("Loss", parent)
        self.setObjectName("loss_plot")  # saveState needs a name to restore the dock's place
        self.buffer = GrowingBuffer()
        pg.setConfigOptions(antialias=True)
        self.plot = pg.PlotWidget(background="w")
        self.plot.setLabel("bottom", "iteration")
        self.plot.setLabel("left", "loss")
        self.plot.showGrid(x=True, y=True, alpha=0.25)
        self.plot.getAxis("left").enableAutoSIPrefix(False)  # "loss (x0.001)" confuses more than it helps
        self.plot.setClipToView(True)
        self.plot.setDownsampling(auto=True, mode="peak")
        self.curve = self.plot.plot(pen=pg.mkPen("#1f77b4", width=2))
        self.log = QCheckBox("Log scale")
        self.log.setToolTip("Show the loss on a logarithmic axis: equal steps are equal ratios, so slow late "
                            "progress stays visible")
        self.log.toggled.connect(self.set_log)
        self.label = QLabel("")
        self.label.setStyleSheet("color: #555;")
        top = QHBoxLayout()
        top.addWidget(self.label, 1)
        top.addWidget(self.log)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.plot, 1)
        self.setWidget(body)
        self.setAllowedAreas(Qt.DockWidgetArea.AllDockWidgetAreas)

    def reset(self, title: str = "") -> None:
        self.buffer.clear()
        self.curve.setData([], [])
        self.label.setText(title)

    def append(self, iterations: np.ndarray, losses: np.ndarray) -> None:
        self.buffer.append(np.asarray(iterations, dtype=float), np.asarray(losses, dtype=float))
        self._redraw()

    def set_log(self, on: bool) -> None:
        self.plot.setLogMode(y=on)
        self._redraw()

    def _redraw(self) -> None:
        x, y = self.buffer.x, self.buffer.y
        keep = np.isfinite(y)
        if self.log.isChecked():
            keep &= y > 0  # a log axis cannot show zero or negative losses
        self.curve.setData(x[keep], y[keep])
