"""The Learning rate tab: the range test (loss against a growing rate), its suggestion, and one click to use it."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from gdsheet.errors import GdsheetError
from gdsheet.gui.plot_common import new_plot
from gdsheet.gui.view_source import Provider
from gdsheet.solver.lr_finder import LrFinding, find_lr

METHOD_NAMES = {"gd": "gradient descent", "momentum": "momentum", "adam": "Adam"}


class LrFinderView(QWidget):
    """`rate_chosen(rate, method)` when the learner clicks Use: the window puts both in the Solver dialog."""

    rate_chosen = Signal(float, str)

    def __init__(self, provider: Provider | None = None):
        super().__init__()
        self.provider = provider
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.find_button = QPushButton("Find a learning rate")
        self.find_button.setToolTip("A short trial run from the current values, each step with a larger rate than "
                                    "the last (1e-6 up to 10); the cells are not changed")
        self.find_button.clicked.connect(self.run)
        self.use_button = QPushButton("Use it in the Solver dialog")
        self.use_button.setEnabled(False)
        self.use_button.clicked.connect(self._use)
        row.addWidget(self.find_button)
        row.addWidget(self.use_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.note = QLabel("Finds a learning rate for gradient descent, momentum or Adam the way fastai's lr_find "
                           "does: the loss against the rate over a short trial run. The rate where the loss falls "
                           "fastest is suggested.")
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #444;")
        layout.addWidget(self.note)
        self.plot = new_plot("learning rate", "loss after the step")
        self.plot.setLogMode(x=True)
        self.raw = self.plot.plot(pen=pg.mkPen(150, 150, 150, 140, width=1), name="loss")
        self.smooth = self.plot.plot(pen=pg.mkPen("#1f77b4", width=2), name="smoothed")
        self.mark = pg.InfiniteLine(angle=90, pen=pg.mkPen("#d62728", width=2, style=Qt.PenStyle.DashLine),
                                    label="suggested", labelOpts={"position": 0.9, "color": "#d62728", "fill": "#ffffffcc"})
        self.mark.hide()
        self.plot.addItem(self.mark)
        layout.addWidget(self.plot, 1)
        self.finding: LrFinding | None = None
        self.method = "gd"

    def run(self) -> LrFinding | None:
        src = self.provider() if self.provider is not None else "Nothing to search yet."
        if isinstance(src, str):
            self.note.setText(src)
            return None
        if src.running:
            self.note.setText("A run is going: stop it first (the trial run starts from the cells' values).")
            return None
        method = src.options.method
        switched = method == "lbfgs"
        self.method = "adam" if switched else method
        try:
            found = find_lr(src.problem, self.method, src.values, src.options.momentum)
        except GdsheetError as exc:
            self.note.setText(str(exc))
            return None
        self.finding = found
        keep = np.isfinite(found.losses)
        self.raw.setData(found.rates[keep], found.losses[keep])
        ok = np.isfinite(found.smoothed)
        self.smooth.setData(found.rates[:len(found.smoothed)][ok], found.smoothed[ok])
        words = METHOD_NAMES[self.method]
        lead = ("L-BFGS picks its own steps, so this is the rate for Adam. " if switched else "")
        if found.suggested is None:
            self.mark.hide()
            self.use_button.setEnabled(False)
            self.note.setText(f"{lead}{words.capitalize()}: {found.note}. The cells were not changed.")
        else:
            self.mark.setValue(np.log10(found.suggested))
            self.mark.label.setFormat(f"suggested {found.suggested:.2g}")
            self.mark.label.valueChanged()
            self.mark.show()
            self.use_button.setEnabled(True)
            self.use_button.setText(f"Use {found.suggested:.2g} in the Solver dialog")
            self.note.setText(f"{lead}{words.capitalize()} from the current values, {len(found.rates)} trial steps: "
                              f"{found.note}, so {found.suggested:.2g} is suggested (the dashed line). The cells "
                              "were not changed.")
        finite = found.smoothed[ok]
        if finite.size:
            lo, hi = float(finite.min()), float(min(finite.max(), 4 * abs(finite[0]) + finite.min()))
            pad = 0.08 * (hi - lo or abs(hi) or 1.0)
            self.plot.setYRange(lo - pad, hi + pad, padding=0)
        return found

    def _use(self) -> None:
        if self.finding is not None and self.finding.suggested is not None:
            self.rate_chosen.emit(float(f"{self.finding.suggested:.2g}"), self.method)
