"""The population's spread behind the loss curve (Evolutionary engine): a shaded band between the 10th and 90th
percentile objective of each generation. Kept apart from loss_plot.py: it only needs the plot widget."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg


class PopulationBand:
    """`append(iteration, low, high)` per generation; `clear()` for a new run. Drawn behind the loss curve."""

    def __init__(self, plot: pg.PlotWidget):
        self._x: list[float] = []
        self._lo: list[float] = []
        self._hi: list[float] = []
        self._low = pg.PlotDataItem([], [], pen=pg.mkPen("#9ecae1", width=1))
        self._high = pg.PlotDataItem([], [], pen=pg.mkPen("#9ecae1", width=1))
        self._fill = pg.FillBetweenItem(self._low, self._high, brush=pg.mkBrush(31, 119, 180, 40))
        for item in (self._fill, self._low, self._high):
            item.setZValue(-10)
            plot.addItem(item)
        self._show(False)

    def _show(self, on: bool) -> None:
        """Hidden while empty: an empty fill still reports bounds at 0, which would pull the loss axis down to 0."""
        for item in (self._fill, self._low, self._high):
            item.setVisible(on)

    def clear(self) -> None:
        self._x.clear(), self._lo.clear(), self._hi.clear()
        self._low.setData([], [])
        self._high.setData([], [])
        self._show(False)

    def append(self, iteration: float, low: float, high: float) -> None:
        if not (np.isfinite(low) and np.isfinite(high)):
            return
        self._x.append(float(iteration))
        self._lo.append(float(low))
        self._hi.append(float(high))
        self._low.setData(self._x, self._lo)
        self._high.setData(self._x, self._hi)
        self._show(True)

    @property
    def points(self) -> int:
        return len(self._x)
