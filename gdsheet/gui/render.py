"""The descent plots drawn without a window, for `gdsheet solve --plot` and `--landscape`: the app's own widgets,
fed a finished run, exported as PNG or SVG. Imported only when one of those options is given (it needs Qt)."""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Sequence

import numpy as np

SIZE = (900, 600)  # the widget's size when drawn: the export scales it to plot_common.EXPORT_WIDTH


def application():
    """The QApplication, made on first use; with no display to draw on, Qt's offscreen platform (whose notes about
    window hints it cannot honour are not the user's concern)."""
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        app = QApplication(["gdsheet"])
        if os.environ.get("QT_QPA_PLATFORM") == "offscreen":
            qInstallMessageHandler(_quiet_offscreen)
    return app


def _quiet_offscreen(kind, context, message: str) -> None:
    if "propagateSizeHints" not in message:
        print(message, file=sys.stderr)


def trace_of(records: Sequence, best_start: int | None):
    """A Trace of a run's progress records (the final record excluded)."""
    from gdsheet.gui.trace import Trace

    trace = Trace()
    if records:
        trace.append([r.iteration for r in records], [r.loss for r in records], [r.start for r in records],
                     np.array([r.values for r in records]))
    trace.best_start = best_start
    return trace


def _settle(widget) -> None:
    app = application()
    widget.resize(*SIZE)
    widget.show()
    for _ in range(3):  # layout, then the plot's geometry, then its axes
        app.processEvents()


def render_loss(records: Sequence, best_start: int | None, title: str, path: str | Path, log: bool = False) -> Path:
    """The Loss tab's picture of a run: one curve per start, the kept one bold."""
    application()
    from gdsheet.gui.loss_curves import LossCurves
    from gdsheet.gui.plot_common import export_plot

    view = LossCurves()
    view.set_log(log)
    view.plot.setTitle(title, color="#222")
    view.redraw(trace_of(records, best_start))
    _settle(view)
    view.redraw(trace_of(records, best_start))  # again, now that the axes know their size
    out = export_plot(view.plot, path)
    view.close()
    return out


def render_landscape(solve, names: Sequence[str], values: Sequence[float], records: Sequence,
                     best_start: int | None, cells: Sequence[int], path: str | Path) -> Path:
    """The Landscape tab's picture for two variables (cells = [i, j]), or the Along one variable tab's for one,
    at `values` with the run's path on it."""
    application()
    from gdsheet.gui.landscape_view import LandscapeView, ProfileView
    from gdsheet.gui.plot_common import export_plot
    from gdsheet.gui.view_source import ViewSource

    source = ViewSource(solve, tuple(names), tuple(float(v) for v in values))
    trace = trace_of(records, best_start)
    if len(cells) == 2:
        view = LandscapeView(lambda: source)
        view.refresh(trace)
        view.choose(*cells)
        title = f"Loss over {names[cells[0]]} and {names[cells[1]]}"
        if len(names) > 2:
            title += ", the other variables at the result"
    else:
        view = ProfileView(lambda: source)
        view.refresh(trace)
        view.choose(cells[0])
        title = f"Loss along {names[cells[0]]}, the tangent and the gradient-descent step (lr {solve.options.lr:g})"
    view.plot.setTitle(title, color="#222")
    _settle(view)
    view.refresh(trace, force=True)
    _settle(view)
    out = export_plot(view.plot, path)
    view.close()
    return out
