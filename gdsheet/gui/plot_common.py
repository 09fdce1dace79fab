"""What every descent plot shares: a white pyqtgraph plot with readable axes, start colours, and PNG/SVG export."""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pyqtgraph as pg

# one colour per multistart start (and per variable in the trajectories), distinguishable and print-safe
COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
           "#17becf")
EXPORT_WIDTH = 1200  # pixels of an exported PNG: sharp on a slide, whatever size the dock had


METHOD_NAMES = {"adam": "Adam", "gd": "Gradient descent", "momentum": "Momentum", "lbfgs": "L-BFGS"}


def run_title(model) -> str:
    """'Adam: minimise nnet!$N$1': short, so the plot's dock can stay narrow."""
    method = METHOD_NAMES.get(model.options.method, model.options.method)
    method = {2: "Simplex LP", 3: "Evolutionary"}.get(getattr(model, "engine", 1), method)
    if model.sense == "value":
        return f"{method}: drive {model.objective} to {model.target:g}"
    return f"{method}: {'maximise' if model.sense == 'max' else 'minimise'} {model.objective}"


def colour(k: int) -> str:
    return COLOURS[k % len(COLOURS)]


def short(v: float) -> str:
    """A tick label: 3 significant digits, exponents without padding ('1e-05' -> '1e-5')."""
    text = f"{v:.3g}"
    if "e" in text:
        mant, exp = text.split("e")
        text = f"{mant}e{int(exp)}"
    return text


class ReadableAxis(pg.AxisItem):
    """An axis whose labels never overlap: on a log scale one label per decade or per few decades (as room allows),
    and inside less than a decade plain values, so a loss that barely moves still has numbers beside it."""

    def __init__(self, orientation: str, **kw):
        super().__init__(orientation, **kw)
        self.enableAutoSIPrefix(False)  # "loss (x0.001)" confuses more than it helps
        self._labelled: set[float] = set()

    def logTickValues(self, minVal, maxVal, size, stdTicks):
        if not (math.isfinite(minVal) and math.isfinite(maxVal)):
            return []
        if maxVal - minVal < 1:  # inside one decade: linear ticks at round values, placed on the log axis
            lo, hi = 10.0 ** minVal, 10.0 ** maxVal
            levels = []
            for spacing, offset in self.tickSpacing(lo, hi, size)[:2]:
                start = math.ceil((lo - offset) / spacing) * spacing + offset
                vals = np.arange(start, hi + spacing * 1e-9, spacing)
                levels.append([math.log10(v) for v in vals if v > 0])
            self._labelled = {round(v, 9) for v in (levels[0] if levels else [])}
            return [(None, lv) for lv in levels]
        room = max(2, int(size / (40 if self.orientation in ("left", "right") else 60)))
        need = max(1, math.ceil((maxVal - minVal) / room))
        step = next(k * 10 ** e for e in range(0, 6) for k in (1, 2, 5) if k * 10 ** e >= need)
        majors = [float(d) for d in range(math.ceil(minVal), math.floor(maxVal) + 1) if d % step == 0]
        self._labelled = {round(v, 9) for v in majors}
        minors = []
        if step == 1 and maxVal - minVal < 8:
            for d in range(math.floor(minVal), math.ceil(maxVal)):
                minors += [d + math.log10(k) for k in range(2, 10) if minVal < d + math.log10(k) < maxVal]
        return [(float(step), majors), (None, minors)]

    def logTickStrings(self, values, scale, spacing):
        return [short(10.0 ** v) if round(v, 9) in self._labelled else "" for v in values]

    def tickStrings(self, values, scale, spacing):
        if self.logMode:
            return self.logTickStrings(values, scale, spacing)
        return [short(v * scale) if abs(v * scale) >= 1e4 or 0 < abs(v * scale) < 1e-3 else s
                for v, s in zip(values, super().tickStrings(values, scale, spacing))]


def new_plot(bottom: str, left: str) -> pg.PlotWidget:
    """A white plot with a light grid and readable axes, labelled."""
    pg.setConfigOptions(antialias=True)
    plot = pg.PlotWidget(background="w", axisItems={"left": ReadableAxis("left"), "bottom": ReadableAxis("bottom")})
    plot.setLabel("bottom", bottom)
    plot.setLabel("left", left)
    plot.showGrid(x=True, y=True, alpha=0.25)
    for name in ("left", "bottom"):
        axis = plot.getAxis(name)
        axis.setPen(pg.mkPen("#444"))
        axis.setTextPen(pg.mkPen("#222"))
    return plot


def export_plot(plot: pg.PlotWidget | pg.PlotItem | pg.GraphicsLayoutWidget, path: str | Path) -> Path:
    """Save a plot as PNG (EXPORT_WIDTH pixels wide) or SVG, by the file's extension; returns the path."""
    from pyqtgraph.exporters import ImageExporter, SVGExporter

    path = Path(path)
    item = plot.getPlotItem() if isinstance(plot, pg.PlotWidget) else plot
    if isinstance(item, pg.GraphicsLayoutWidget):
        item = item.scene()
    suffix = path.suffix.lower()
    if suffix == ".svg":
        try:
            SVGExporter(item).export(str(path))
        except ValueError:  # pyqtgraph 0.14 cannot parse the paths newer Qt writes (pyqtgraph issue #3485)
            _qt_svg(item, path)
    elif suffix in (".png", ".jpg", ".jpeg", ".bmp"):
        exporter = ImageExporter(item)
        exporter.parameters()["width"] = EXPORT_WIDTH
        exporter.export(str(path))
    else:
        raise ValueError(f"a plot saves as .png or .svg, not {suffix or 'a file without an extension'!r}")
    return path


def _qt_svg(item, path: Path) -> None:
    """Draw the item's part of its scene into an SVG with Qt's own generator (vector lines and text)."""
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QColor, QPainter
    from PySide6.QtSvg import QSvgGenerator

    rect = item.sceneBoundingRect()
    generator = QSvgGenerator()
    generator.setFileName(str(path))
    generator.setSize(rect.size().toSize())
    generator.setViewBox(QRectF(0, 0, rect.width(), rect.height()))
    generator.setTitle("gdsheet plot")
    painter = QPainter(generator)
    painter.fillRect(QRectF(0, 0, rect.width(), rect.height()), QColor("white"))
    item.scene().render(painter, QRectF(0, 0, rect.width(), rect.height()), rect)
    painter.end()
