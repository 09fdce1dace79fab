"""Opening a large file without freezing the window: progress and Cancel in the status bar, the first screen shown
as soon as the reader has begun the sheet, and the window kept answering while the rest is read.

The reader runs on the GUI thread and calls LoadProgress between pieces of the file; LoadProgress lets the event
loop run there, at most every EVERY_S. A worker thread was measured and rejected: the reader is Python that holds
the GIL, so every call the grid makes into Python while painting waits for the thread's switch interval (at
100,000 rows the window's worst delay was 587 ms, and 269 ms with a 0.5 ms switch interval, which also made the
load 1.8x slower). Reading on the GUI thread also means the grid only ever sees the sheet while the reader is
paused between pieces, so showing a half-read sheet needs no lock.
"""
from __future__ import annotations

import time

from PySide6.QtCore import QEventLoop, Signal
from PySide6.QtWidgets import QApplication, QHBoxLayout, QLabel, QProgressBar, QToolButton, QWidget

STEPS = 1000  # the bar's resolution


class LoadBar(QWidget):
    """'Opening NAME…', a progress bar and Cancel, shown in the status bar while a file opens."""

    cancel_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 0, 6, 0)
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setRange(0, STEPS)
        self.bar.setMaximumWidth(220)
        self.bar.setTextVisible(False)
        self.cancel = QToolButton()
        self.cancel.setText("Cancel")
        self.cancel.setToolTip("Stop opening the file; the workbook that was open stays")
        self.cancel.clicked.connect(self.cancel_requested)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel)
        self.hide()

    def begin(self, name: str) -> None:
        self.label.setText(f"Opening {name}…")
        self.bar.setValue(0)
        self.cancel.setEnabled(True)
        self.show()

    def show_fraction(self, fraction: float) -> None:
        self.bar.setValue(min(int(STEPS * fraction), STEPS - 1))

    def show_stage(self, text: str) -> None:
        """A step after reading (the calculation), which cannot be cancelled part way."""
        self.label.setText(text)
        self.bar.setRange(0, 0)  # busy: no fraction is known
        self.cancel.setEnabled(False)

    def end(self) -> None:
        self.bar.setRange(0, STEPS)
        self.hide()


class LoadProgress:
    """The reader's `progress(done, total)`: moves the bar and lets the window answer (at most every EVERY_S),
    and raises LoadCancelled once Cancel was pressed. A reader that supports it also calls
    `sheet_started(wb, sheet, active)` as it begins a worksheet (see READER-HOOK.patch): for the sheet that opens
    in front, `preview(wb, sheet)` shows it at once and the grid repaints as its rows arrive."""

    EVERY_S = 0.03
    REPAINT_S = 0.25  # the half-read sheet's repaint: a screen's worth of cells, not on every tick

    def __init__(self, bar: LoadBar, name: str, preview=None, repaint=None):
        self.bar, self.name = bar, name
        self.preview, self.repaint = preview, repaint
        self.cancelled = False
        self.previewing = False
        self.last = self.last_paint = 0.0
        bar.begin(name)
        bar.cancel_requested.connect(self.cancel)

    def cancel(self) -> None:
        self.cancelled = True

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last < self.EVERY_S:
            return
        self.last = now
        self.bar.show_fraction(done / max(total, 1))
        if self.previewing and self.repaint is not None and now - self.last_paint >= self.REPAINT_S:
            self.last_paint = now
            self.repaint()
        # the window answers here: scrolling, resizing, Cancel (input that would change the workbook is refused
        # by the window while it loads)
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
        if self.cancelled:
            from gdsheet.io.xlsx_read import LoadCancelled

            raise LoadCancelled(f"opening {self.name} was cancelled")

    def sheet_started(self, wb, sheet, active: bool = True) -> None:
        """The reader begins `sheet` of `wb` (the workbook it is filling): show it when it is the one in front."""
        if active and not self.previewing and self.preview is not None:
            self.previewing = True
            self.preview(wb, sheet)
            self.last_paint = time.monotonic()

    def stage(self, text: str) -> None:
        self.bar.show_stage(text)
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)

    def close(self) -> None:
        self.bar.cancel_requested.disconnect(self.cancel)
        self.bar.end()
