"""The descent dock: the loss, the variables, the landscape, the loss along one variable and the learning-rate
finder as tabs over one record of the run (a Trace), with the arithmetic of the last Step above them."""
from __future__ import annotations

import time

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QCheckBox, QDockWidget, QHBoxLayout, QLabel, QTabWidget, QVBoxLayout, QWidget

from gdsheet.gui.landscape_view import LandscapeView, ProfileView
from gdsheet.gui.loss_curves import LossCurves, Trajectories
from gdsheet.gui.lr_view import LrFinderView
from gdsheet.gui.plot_common import export_plot
from gdsheet.gui.trace import GrowingBuffer, Trace  # noqa: F401  (GrowingBuffer: imported from here before)
from gdsheet.gui.view_source import Provider

VIEWS_PER_SECOND = 4  # redraws of the landscape and profile tabs during a run (the loss follows every update)


class LossPlot(QDockWidget):
    """`reset(title, names)` starts a new run; `append(...)` adds iterations; `finish(best_start)` marks the start
    that was kept; `show_step(text)` shows a Step's arithmetic. Hidden tabs redraw when they are shown."""

    def __init__(self, parent=None):
        super().__init__("Descent", parent)
        self.setObjectName("loss_plot")  # saveState needs a name to restore the dock's place
        self.trace = Trace()
        self.running = False
        self.loss = LossCurves()
        self.variables = Trajectories()
        self.landscape = LandscapeView()
        self.profile = ProfileView()
        self.lr = LrFinderView()
        self.tabs = QTabWidget()
        for widget, name, tip in (
                (self.loss, "Loss", "The loss against iteration, one colour per start"),
                (self.variables, "Variables", "Each variable cell against iteration"),
                (self.landscape, "Landscape", "The loss over two variable cells, with the descent's path"),
                (self.profile, "Along one variable", "The loss along one variable cell, its slope and the step"),
                (self.lr, "Learning rate", "Find a learning rate by a short trial run")):
            self.tabs.addTab(widget, name)
            self.tabs.setTabToolTip(self.tabs.count() - 1, tip)
        self.tabs.currentChanged.connect(lambda *_: self.refresh_views(force=False))
        for view in (self.loss, self.variables, self.landscape, self.profile, self.lr):
            # pyqtgraph's own Export… stays in the menu; this one saves the plot as the app draws it
            menu = view.plot.getPlotItem().vb.menu
            menu.addSeparator()
            menu.addAction("Save Plot as PNG or SVG…", lambda v=view: self.save_as(v))
        self.log = QCheckBox("Log scale")
        self.log.setToolTip("Show the loss on a logarithmic axis: equal steps are equal ratios, so slow late "
                            "progress stays visible")
        self.log.toggled.connect(self.set_log)
        self.label = QLabel("")
        self.label.setStyleSheet("color: #555;")
        self.step_text = QLabel("")
        mono = QFont("monospace")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        self.step_text.setFont(mono)
        self.step_text.setWordWrap(True)
        self.step_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.step_text.setStyleSheet("background: #f6f6ef; border: 1px solid #ddd; padding: 4px;")
        self.step_text.hide()
        top = QHBoxLayout()
        top.addWidget(self.label, 1)
        top.addWidget(self.log)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.step_text)
        layout.addWidget(self.tabs, 1)
        self.setWidget(body)
        self.setAllowedAreas(Qt.DockWidgetArea.AllDockWidgetAreas)
        self._views_at = 0.0

    # ---- compatibility: the loss plot itself ---------------------------------------------------------------

    @property
    def buffer(self):
        return self.trace.buffer

    @property
    def plot(self):
        return self.loss.plot

    @property
    def curve(self):
        return self.loss.curve

    # ---- feeding ------------------------------------------------------------------------------------------

    def set_provider(self, provider: Provider) -> None:
        for view in (self.landscape, self.profile, self.lr):
            view.provider = provider

    def reset(self, title: str = "", names: list[str] | None = None) -> None:
        """A new run (or a new workbook: title and names empty) starts from an empty record."""
        self.trace.clear()
        self.loss.clear()
        self.variables.clear(names)
        self.label.setText(title)
        self.show_step("")

    def append(self, iterations, losses, starts=None, values=None) -> None:
        self.trace.append(iterations, losses, starts, values)
        self.loss.redraw(self.trace)
        if self.tabs.currentWidget() is self.variables:
            self.variables.redraw(self.trace)
        now = time.perf_counter()
        if not self.running or now - self._views_at >= 1.0 / VIEWS_PER_SECOND:
            self._views_at = now
            self.refresh_views(force=False)

    def finish(self, best_start: int | None) -> None:
        """The run ended: draw the kept start bold and the views at rest (full resolution, final values)."""
        self.running = False
        self.trace.best_start = best_start
        self.loss.redraw(self.trace)
        self.refresh_views(force=False)

    def show_step(self, text: str | None) -> None:
        self.step_text.setText(text or "")
        self.step_text.setVisible(bool(text))

    def set_log(self, on: bool) -> None:
        self.loss.set_log(on)
        if self.trace.n:
            self.loss.redraw(self.trace)

    def refresh_views(self, force: bool = False) -> None:
        """Redraw the tab on show (the landscape, profile and variables draw only when seen)."""
        if self.isHidden():
            return
        current = self.tabs.currentWidget()
        if current is self.variables:
            self.variables.redraw(self.trace)
        elif current in (self.landscape, self.profile):
            current.refresh(self.trace, force=force)

    # ---- export -------------------------------------------------------------------------------------------

    def current_plot(self):
        """The plot of the tab in front (what File → Export Plot saves)."""
        return self.tabs.currentWidget().plot

    def save_as(self, view=None) -> str | None:
        """Ask for a file name and save a plot (the tab in front by default) as PNG or SVG."""
        from PySide6.QtWidgets import QFileDialog, QMessageBox

        if view is not None:
            self.tabs.setCurrentWidget(view)
        name = self.tabs.tabText(self.tabs.currentIndex()).lower().replace(" ", "_")
        path, _ = QFileDialog.getSaveFileName(self, "Save Plot", f"{name}.png",
                                              "PNG image (*.png);;SVG drawing (*.svg)")
        if not path:
            return None
        try:
            self.export(path)
        except (OSError, ValueError) as exc:
            QMessageBox.warning(self, "Save Plot", f"The plot could not be saved: {exc}")
            return None
        return path

    def export(self, path: str):
        self.refresh_views()
        return export_plot(self.current_plot(), path)


def tab_names(dock: LossPlot) -> list[str]:
    return [dock.tabs.tabText(i) for i in range(dock.tabs.count())]
