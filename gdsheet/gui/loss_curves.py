"""The loss against iteration, drawn so it does not mislead, and each variable against iteration.

One curve per multistart start, each in its own colour, the start that was kept drawn bold. The x-axis spans the
run (ten iterations at least, so one point is a point). A loss that changes by a tiny fraction of its size is
drawn as the change since the start, labelled with the starting value, rather than as a cliff of axis labels that
all read 0.1442271493. A log scale has one label per decade (or per few), and plain values inside one decade.
"""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QLabel, QStackedWidget, QVBoxLayout, QWidget

from gdsheet.gui.plot_common import colour, new_plot
from gdsheet.gui.trace import Trace

TINY = 1e-6  # a change below this fraction of the loss's size is drawn as the change since the start
MIN_SPAN = 10  # iterations the x-axis spans at least
SYMBOLS_UP_TO = 40  # points per curve drawn with a marker each, so a Step's single point shows
MAX_TRAJECTORIES = 30  # variables drawn in the trajectories tab (their legend shows the first ones)


def _placeholder(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet("color: #666; padding: 24px;")
    return label


class LossCurves(QStackedWidget):
    """The Loss tab: a placeholder until the first point, then the curves and a one-line summary above them."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.addWidget(_placeholder("No run yet. Press Solve or Step in the Solver dialog (Data → Solver…) and the "
                                    "loss is drawn here, iteration by iteration."))
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("color: #333;")
        self.plot = new_plot("iteration", "loss")
        self.plot.setClipToView(True)
        self.plot.setDownsampling(auto=True, mode="peak")
        layout.addWidget(self.summary)
        layout.addWidget(self.plot, 1)
        self.addWidget(body)
        self.curves: list[pg.PlotDataItem] = []
        self.log = False
        self.offset: float | None = None  # the value subtracted when the change is drawn instead of the loss
        self.legend: pg.LegendItem | None = None

    @property
    def curve(self) -> pg.PlotDataItem | None:
        return self.curves[0] if self.curves else None

    def clear(self) -> None:
        for c in self.curves:
            self.plot.removeItem(c)
        self.curves = []
        if self.legend is not None:
            self.legend.clear()
        self.summary.setText("")
        self.setCurrentIndex(0)

    def set_log(self, on: bool) -> None:
        self.log = on
        self.plot.setLogMode(y=on)

    def redraw(self, trace: Trace) -> None:
        if trace.n == 0:
            self.clear()
            return
        self.setCurrentIndex(1)
        it, loss = trace.iterations, trace.losses
        finite = np.isfinite(loss)
        shown = finite & (loss > 0) if self.log else finite
        self.offset = None
        y = loss
        if not self.log and finite.any():
            lo, hi = float(loss[finite].min()), float(loss[finite].max())
            size = max(abs(lo), abs(hi))
            if 0 < hi - lo < TINY * size:
                self.offset = float(loss[finite][0])
                y = loss - self.offset
        self.plot.setLabel("left", "loss" if self.offset is None else
                           f"change in loss since the start (start {self.offset:.10g})")
        segments = trace.segments()
        while len(self.curves) < len(segments):
            self.curves.append(self.plot.plot())
        while len(self.curves) > len(segments):
            self.plot.removeItem(self.curves.pop())
        self._legend(segments, trace.best_start)
        few = trace.n <= SYMBOLS_UP_TO
        for curve, (start, a, b) in zip(self.curves, segments):
            keep = shown[a:b]
            best = trace.best_start is not None and start == trace.best_start and len(segments) > 1
            width = 3 if best else (2 if len(segments) == 1 else 1.5)
            curve.setPen(pg.mkPen(colour(start), width=width))
            if few:
                curve.setSymbol("o")
                curve.setSymbolSize(6 if b - a > 1 else 9)
                curve.setSymbolBrush(pg.mkBrush(colour(start)))
                curve.setSymbolPen(pg.mkPen(colour(start)))
            else:
                curve.setSymbol(None)
            curve.setData(it[a:b][keep], y[a:b][keep])
            curve.setZValue(2 if best else 1)
        first, last = float(it[0]), float(it[-1])
        self.plot.setXRange(first, max(last, first + MIN_SPAN), padding=0.02)
        self.plot.enableAutoRange(axis="y")
        self.summary.setText(self._summary(trace, finite, shown))

    def _legend(self, segments: list, best: int | None) -> None:
        """Name the starts when there are several (up to ten of them), the kept one first."""
        if self.legend is not None:
            self.legend.clear()
        if len(segments) < 2:
            return
        if self.legend is None:
            self.legend = self.plot.addLegend(offset=(-10, 10), labelTextColor="#222",
                                              brush=pg.mkBrush(255, 255, 255, 200))
        for curve, (start, _, _) in list(zip(self.curves, segments))[:10]:
            self.legend.addItem(curve, f"start {start + 1}" + (" (kept)" if start == best else ""))

    def _summary(self, trace: Trace, finite: np.ndarray, shown: np.ndarray) -> str:
        loss = trace.losses
        if not finite.any():
            return "Every loss so far is an error or infinite: nothing to draw."
        first, last = float(loss[finite][0]), float(loss[-1])
        parts = [f"start {first:.6g}"]
        if math.isfinite(last):
            change = last - first
            parts.append(f"now {last:.6g} (change {change:+.3g})")
        else:
            drawn = loss[finite]
            parts.append(f"the last step gave an infinite or error loss (not drawn); the largest drawn is "
                         f"{drawn.max():.3g}")
        if self.offset is not None:
            parts.append("too small a change to see on the loss's own scale: drawn as the change since the start")
        if self.log and (finite & ~shown).any():
            parts.append("losses of 0 or below cannot be drawn on a log scale")
        positive = loss[shown & (loss > 0)]
        if not self.log and len(positive) > 1 and positive.max() / positive.min() > 1e4:
            parts.append("it spans many powers of ten: tick Log scale to see every step")
        starts = len(trace.segments())
        if starts > 1:
            kept = f"; start {trace.best_start + 1} (bold) was kept" if trace.best_start is not None else ""
            parts.append(f"{starts} starts, one colour each{kept}")
        return " · ".join(parts)


class Trajectories(QStackedWidget):
    """The Variables tab: each variable cell's value against iteration, a legend naming the cells."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.addWidget(_placeholder("Each variable cell's value, iteration by iteration, appears here during a "
                                    "run or a Step."))
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        self.note = QLabel("")
        self.note.setStyleSheet("color: #555;")
        self.plot = new_plot("iteration", "value")
        self.plot.setClipToView(True)
        self.plot.setDownsampling(auto=True, mode="peak")
        self.legend = self.plot.addLegend(offset=(-10, 10), labelTextColor="#222", brush=pg.mkBrush(255, 255, 255, 200))
        layout.addWidget(self.note)
        layout.addWidget(self.plot, 1)
        self.addWidget(body)
        self.curves: list[pg.PlotDataItem] = []
        self.names: list[str] = []

    def clear(self, names: list[str] | None = None) -> None:
        for c in self.curves:
            self.plot.removeItem(c)
        self.legend.clear()
        self.curves = []
        self.names = list(names or [])
        self.setCurrentIndex(0)

    def redraw(self, trace: Trace) -> None:
        if trace.n == 0 or trace.variables == 0:
            self.setCurrentIndex(0)
            return
        self.setCurrentIndex(1)
        n = min(trace.variables, MAX_TRAJECTORIES)
        if len(self.curves) != n:
            for c in self.curves:
                self.plot.removeItem(c)
            self.legend.clear()
            self.curves = []
            for i in range(n):
                name = self.names[i] if i < len(self.names) else f"variable {i + 1}"
                curve = self.plot.plot(pen=pg.mkPen(colour(i), width=1.5), name=name if i < 12 else None)
                self.curves.append(curve)
        it = trace.iterations
        starts = trace.starts
        connect = np.ones(len(it), dtype=bool)
        connect[:-1] = starts[1:] == starts[:-1]  # a new start is a jump, not a step: no line across it
        few = trace.n <= SYMBOLS_UP_TO
        for i, curve in enumerate(self.curves):
            curve.setSymbol("o" if few else None)
            if few:
                curve.setSymbolSize(5)
                curve.setSymbolBrush(pg.mkBrush(colour(i)))
                curve.setSymbolPen(pg.mkPen(colour(i)))
            curve.setData(it, trace.values(i), connect=connect)
        first, last = float(it[0]), float(it[-1])
        self.plot.setXRange(first, max(last, first + MIN_SPAN), padding=0.02)
        more = trace.variables - n
        self.note.setText(f"{trace.variables} variable cells" + (f"; the first {n} drawn" if more else "")
                          + ("; the legend names the first 12" if n > 12 else ""))
