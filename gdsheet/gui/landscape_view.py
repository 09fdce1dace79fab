"""The Landscape tab (the loss over two variable cells, the path on it) and the Along one variable tab (the loss
along one cell, its tangent at the current value and the step gradient descent takes from there)."""
from __future__ import annotations

import math
import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QStackedWidget, QVBoxLayout, QWidget

from gdsheet.gui.plot_common import new_plot
from gdsheet.gui.trace import Trace
from gdsheet.gui.view_source import Provider, ViewSource
from gdsheet.solver import landscape

RESOLUTION, LIVE_RESOLUTION = 100, 40  # grid points per side at rest, and while a run moves the point
LIVE_EVERY = 1.0  # seconds between recomputed surfaces during a run (only when the path leaves the frame)
POINTS, LIVE_POINTS = 400, 150  # points along one variable, at rest and during a run
CONTOUR_QUANTILES = (0.02, 0.06, 0.12, 0.22, 0.35, 0.5, 0.7, 0.9)


class _SourceView(QStackedWidget):
    """A view over the solve's variables with a message page (why there is nothing to draw) and a content page."""

    def __init__(self, provider: Provider | None):
        super().__init__()
        self.provider = provider
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.message.setStyleSheet("color: #666; padding: 24px;")
        self.addWidget(self.message)
        self.names: tuple[str, ...] = ()

    def source(self) -> ViewSource | None:
        src = self.provider() if self.provider is not None else "Nothing to draw yet."
        if isinstance(src, str):
            self.message.setText(src)
            self.setCurrentIndex(0)
            return None
        return src

    def say(self, text: str) -> None:
        self.message.setText(text)
        self.setCurrentIndex(0)

    def _fill(self, combo: QComboBox, names: tuple[str, ...], pick: int) -> None:
        combo.blockSignals(True)
        combo.clear()
        combo.addItems(list(names))
        combo.setCurrentIndex(min(pick, len(names) - 1))
        combo.blockSignals(False)

    @staticmethod
    def current_point(src: ViewSource, trace: Trace) -> tuple[float, ...]:
        """During a run, the run's latest values (the grid shows them a few times a second only)."""
        last = trace.last_values() if src.running else None
        return last if last is not None and len(last) == len(src.values) else src.values

    @staticmethod
    def path(trace: Trace, i: int, n: int) -> np.ndarray:
        """Variable i along the path of the current start (after a run, of the start that was kept); empty when
        the trace holds another model's values."""
        if trace.variables != n or trace.n == 0:
            return np.empty(0)
        segments = trace.segments()
        kept = [seg for seg in segments if seg[0] == trace.best_start]
        _, a, b = kept[-1] if kept else segments[-1]
        return trace.values(i)[a:b]


class LandscapeView(_SourceView):
    """The objective over a grid of two variable cells, the others held; the descent path and the current point on
    it. A left click moves the two cells there (the window makes it an undoable edit)."""

    point_chosen = Signal(int, float, int, float)

    def __init__(self, provider: Provider | None = None):
        super().__init__(provider)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.x_combo, self.y_combo = QComboBox(), QComboBox()
        for label, combo in (("x:", self.x_combo), ("y:", self.y_combo)):
            row.addWidget(QLabel(label))
            row.addWidget(combo, 1)
            combo.currentIndexChanged.connect(lambda *_: self.refresh(self._trace, force=True))
        layout.addLayout(row)
        self.note = QLabel("")
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #555;")
        layout.addWidget(self.note)
        self.plot = new_plot("x", "y")
        self.image = pg.ImageItem()
        self.plot.addItem(self.image)
        cmap = pg.colormap.get("viridis")
        self.bar = pg.ColorBarItem(colorMap=cmap, interactive=False, width=14)
        self.bar.setImageItem(self.image, insert_in=self.plot.getPlotItem())
        self.bar.axis.setTextPen(pg.mkPen("#222"))
        self.bar.axis.setPen(pg.mkPen("#444"))
        self.bar.axis.enableAutoSIPrefix(False)
        self.contours = self.plot.plot(pen=pg.mkPen(255, 255, 255, 120, width=1), connect="finite")
        self.contours.setZValue(2)
        self.path_item = self.plot.plot(pen=pg.mkPen("#ffffff", width=2), symbol="o", symbolSize=4,
                                        symbolBrush=pg.mkBrush("#ffffff"), symbolPen=pg.mkPen("#333333"))
        self.path_item.setZValue(5)
        self.start_item = pg.ScatterPlotItem(symbol="s", size=11, brush=pg.mkBrush("#ffffff"),
                                             pen=pg.mkPen("#000000", width=1.5))
        self.current_item = pg.ScatterPlotItem(symbol="o", size=15, brush=pg.mkBrush("#e0202a"),
                                               pen=pg.mkPen("#ffffff", width=2))
        for item, z in ((self.start_item, 6), (self.current_item, 7)):
            item.setZValue(z)
            self.plot.addItem(item)
        self.plot.scene().sigMouseClicked.connect(self._clicked)
        layout.addWidget(self.plot, 1)
        self.addWidget(body)
        self.surface: landscape.Surface | None = None
        self._trace = Trace()
        self._computed_at = 0.0
        self._source: ViewSource | None = None
        self.compute_seconds = 0.0  # how long the last surface took (shown in the note, measured by the bench)

    def choose(self, i: int, j: int) -> None:
        """Show variables i (x) and j (y)."""
        self.x_combo.setCurrentIndex(i)
        self.y_combo.setCurrentIndex(j)

    def refresh(self, trace: Trace, force: bool = False) -> None:
        self._trace = trace
        src = self.source()
        self._source = src
        if src is None:
            return
        n = len(src.names)
        if n < 2:
            self.say("The landscape needs two variable cells, and this model changes one: the tab Along one "
                     "variable shows its loss curve.")
            return
        if src.names != self.names:
            self.names = src.names
            self._fill(self.x_combo, src.names, 0)
            self._fill(self.y_combo, src.names, 1)
        i, j = self.x_combo.currentIndex(), self.y_combo.currentIndex()
        if i == j:
            self.say("Pick two different variable cells for x and y.")
            self.setCurrentIndex(0)
            return
        self.setCurrentIndex(1)
        current = self.current_point(src, trace)
        px, py = self.path(trace, i, n), self.path(trace, j, n)
        xs_all, ys_all = [*px, current[i]], [*py, current[j]]
        s = self.surface
        stale = (s is None or (s.i_x, s.i_y) != (i, j) or not landscape.covers(s.xs[0], s.xs[-1], xs_all)
                 or not landscape.covers(s.ys[0], s.ys[-1], ys_all)
                 or (not src.running and _others(s.held, i, j) != _others(current, i, j)))
        if force or stale:
            if not src.running or time.perf_counter() - self._computed_at >= LIVE_EVERY or s is None:
                self._compute(src, current, i, j, xs_all, ys_all, LIVE_RESOLUTION if src.running else RESOLUTION)
        self.path_item.setData(px, py)
        self.start_item.setData([px[0]] if len(px) else [], [py[0]] if len(py) else [])
        self.current_item.setData([current[i]], [current[j]])

    def _compute(self, src: ViewSource, current, i: int, j: int, xs_all, ys_all, resolution: int) -> None:
        t = time.perf_counter()
        xs = landscape.grid(*landscape.span(xs_all), resolution)
        ys = landscape.grid(*landscape.span(ys_all), resolution)
        self.surface = s = landscape.surface(src.problem, current, i, j, xs, ys, src.rows, light=_light(src))
        self._computed_at = time.perf_counter()
        self.compute_seconds = self._computed_at - t
        z = s.z
        finite = np.isfinite(z)
        if not finite.any():
            self.say("The objective is an error or infinite everywhere in this window of values.")
            return
        lo, hi = float(np.nanmin(z)), float(np.nanpercentile(z, 95))
        hi = hi if hi > lo else float(np.nanmax(z)) if np.nanmax(z) > lo else lo + 1.0
        filled = np.where(finite, z, np.nanmax(z))
        self.image.setImage(filled.T, autoLevels=False)
        xs, ys = s.xs, s.ys  # fewer points on a very large sheet (see landscape.BUDGET)
        dx, dy = xs[1] - xs[0], ys[1] - ys[0]
        self.image.setRect(QRectF(xs[0] - dx / 2, ys[0] - dy / 2, xs[-1] - xs[0] + dx, ys[-1] - ys[0] + dy))
        self.bar.setLevels((lo, hi))
        self.contours.setData(*_contour_lines(xs, ys, filled, np.nanquantile(z, CONTOUR_QUANTILES)))
        self.plot.setLabel("bottom", self.names[i])
        self.plot.setLabel("left", self.names[j])
        self.plot.setRange(xRange=(xs[0], xs[-1]), yRange=(ys[0], ys[-1]), padding=0)
        held = (" with the other variable cells held where they are now (the descent moved them too, so its path "
                "need not cross these contours at right angles)" if len(self.names) > 2 else "")
        self.note.setText(f"The loss over {self.names[i]} and {self.names[j]}{held}; darker is lower, white lines "
                          f"join equal losses. The path is the descent (square: its start; red: now). Click to move "
                          f"both cells there. {len(xs)}×{len(ys)} points in {self.compute_seconds:.2f} s"
                          + (f", the loss estimated from {s.sampled:,} sampled rows." if s.sampled else "."))

    def _clicked(self, event) -> None:
        src = self._source
        if event.button() != Qt.MouseButton.LeftButton or src is None or src.running or self.surface is None:
            return
        vb = self.plot.getPlotItem().vb
        if not vb.sceneBoundingRect().contains(event.scenePos()):
            return
        p = vb.mapSceneToView(event.scenePos())
        self.point_chosen.emit(self.surface.i_x, float(p.x()), self.surface.i_y, float(p.y()))


class ProfileView(_SourceView):
    """The loss along one variable cell, the others held: f, the tangent at the current value x (slope f'(x)),
    and where gradient descent's step x - lr*f'(x) lands."""

    def __init__(self, provider: Provider | None = None):
        super().__init__(provider)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(QLabel("Variable:"))
        self.combo = QComboBox()
        self.combo.currentIndexChanged.connect(lambda *_: self.refresh(self._trace))
        row.addWidget(self.combo, 1)
        layout.addLayout(row)
        self.plot = new_plot("x", "loss")
        self.curve = self.plot.plot(pen=pg.mkPen("#1f77b4", width=2), name="loss")
        self.trail = pg.ScatterPlotItem(size=6, brush=pg.mkBrush(120, 120, 120, 160), pen=pg.mkPen(None))
        self.tangent = self.plot.plot(pen=pg.mkPen("#ff7f0e", width=2, style=Qt.PenStyle.DashLine))
        self.step_line = self.plot.plot(pen=pg.mkPen("#2ca02c", width=2))
        self.point = pg.ScatterPlotItem(size=13, brush=pg.mkBrush("#e0202a"), pen=pg.mkPen("#ffffff", width=2))
        self.target = pg.ScatterPlotItem(symbol="t1", size=13, brush=pg.mkBrush("#2ca02c"), pen=pg.mkPen("#fff"))
        for item in (self.trail, self.point, self.target):
            self.plot.addItem(item)
        self.point.setZValue(5)
        layout.addWidget(self.plot, 1)
        self.numbers = QLabel("")
        self.numbers.setWordWrap(True)
        self.numbers.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.numbers)
        self.addWidget(body)
        self._trace = Trace()
        self.profile: landscape.Profile | None = None

    def choose(self, i: int) -> None:
        self.combo.setCurrentIndex(i)

    def refresh(self, trace: Trace, force: bool = False) -> None:
        self._trace = trace
        src = self.source()
        if src is None:
            return
        if src.names != self.names:
            self.names = src.names
            self._fill(self.combo, src.names, 0)
        self.setCurrentIndex(1)
        i = max(self.combo.currentIndex(), 0)
        current = self.current_point(src, trace)
        x = current[i]
        lr = src.options.lr
        at = landscape.profile(src.problem, current, i, [x], src.rows, light=_light(src))
        target = x - lr * at.slope if math.isfinite(at.slope) else x
        path = self.path(trace, i, len(src.names))
        xs = landscape.grid(*landscape.span([*path, x, target]), LIVE_POINTS if src.running else POINTS)
        self.profile = p = landscape.profile(src.problem, current, i, xs, src.rows, light=_light(src))
        xs = p.xs  # fewer points on a very large sheet
        name = src.names[i]
        self.curve.setData(xs, p.f)
        self.point.setData([x], [p.fx])
        ft = float(np.interp(target, xs, p.f)) if np.isfinite(p.f).any() else math.nan
        self.target.setData([target], [ft])
        self.step_line.setData([x, target], [p.fx, ft])
        half = (xs[-1] - xs[0]) * 0.18
        self.tangent.setData([x - half, x + half], [p.fx - p.slope * half, p.fx + p.slope * half])
        if len(path):
            self.trail.setData(path, np.interp(path, xs, p.f))
        else:
            self.trail.setData([], [])
        self.plot.setLabel("bottom", name)
        finite = p.f[np.isfinite(p.f)]
        if finite.size:
            lo, hi = float(finite.min()), float(max(finite.max(), p.fx))
            pad = 0.08 * (hi - lo or abs(hi) or 1.0)
            self.plot.setRange(xRange=(xs[0], xs[-1]), yRange=(lo - pad, hi + pad), padding=0)
        method = src.options.method
        aside = "" if method == "gd" else (" (the step shown is plain gradient descent's; "
                                           f"{_METHOD_WORDS.get(method, method)} steps differently)")
        self.numbers.setText(
            f"{name} = {x:.6g}   loss f({name}) = {p.fx:.6g}   slope f′({name}) = {p.slope:.6g}\n"
            f"step: {name} − lr·f′ = {x:.6g} − {lr:g} × {p.slope:.6g} = {target:.6g}   (orange: the tangent, "
            f"green: where the step lands{aside}; grey: where the descent has been)"
            + (f"; the curve estimated from {p.sampled:,} sampled rows" if p.sampled else ""))


_METHOD_WORDS = {"momentum": "momentum", "adam": "Adam", "lbfgs": "L-BFGS, with its line search,"}


def _contour_lines(xs: np.ndarray, ys: np.ndarray, z: np.ndarray, levels) -> tuple[np.ndarray, np.ndarray]:
    """Lines of equal loss at `levels`, as one x and one y array with NaN between the pieces (one item draws them
    all)."""
    import contourpy

    gen = contourpy.contour_generator(xs, ys, z, line_type=contourpy.LineType.Separate)
    px, py = [], []
    for level in np.unique(levels):
        for line in gen.lines(float(level)):
            px += [line[:, 0], [np.nan]]
            py += [line[:, 1], [np.nan]]
    if not px:
        return np.empty(0), np.empty(0)
    return np.concatenate(px), np.concatenate(py)


def _light(src: ViewSource) -> bool:
    """On the CPU the views evaluate on their own thread in cache-sized chunks (landscape.evaluate_points): beside a
    running solve it leaves the solver its cores, and on a busy machine it is 2-3 times faster than the shared
    thread pool (0.25-0.4 s against 0.5-0.85 s for 100x100 points over 712 rows, measured under load)."""
    return src.running or src.problem.x0.device.type == "cpu"


def _others(values, i: int, j: int) -> tuple:
    return tuple(v for k, v in enumerate(values) if k not in (i, j))
