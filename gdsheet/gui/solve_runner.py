"""Runs a prepared solve in a QThread; throttles progress at the source to ~30 events a second.

The worker iterates the solver's plain generator on its own snapshot (the compiled program) and never touches the
workbook: it only emits immutable records, and the window writes values into the grid. Stop is a threading.Event
because the worker's thread is busy in the loop and has no event loop to receive a message.
"""
from __future__ import annotations

import os
import sys
import threading
import time
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QObject, QThread, Signal, Slot

from gdsheet.errors import GdsheetError

EVENTS_PER_SECOND = 24
SWITCH_INTERVAL_S = 0.001
_DEFAULT_SWITCH_INTERVAL_S = sys.getswitchinterval()
GRID_UPDATES_PER_SECOND = 3


@dataclass(frozen=True, slots=True)
class Update:
    """The latest progress record and every (iteration, loss) since the previous update, for the plot, with each
    iteration's multistart start and variable values; a few times a second also `cells`, the values of the
    compiled formula cells at the record's values, and (when asked for) `gradient`, d objective / d variable."""

    progress: object  # gdsheet.solver.run.Progress
    iterations: np.ndarray
    losses: np.ndarray
    cells: dict | None = None
    starts: np.ndarray | None = None
    values: np.ndarray | None = None
    gradient: tuple | None = None


def program_cells(solve, values, within=None) -> dict | None:
    """The formula cells between the variables and the objective at `values`, computed by the solve's compiled
    program (one forward pass), so the GUI thread need not recalculate them to show a run live; with `within`
    (rectangles (sheet, r1, c1, r2, c2)) only those in them: what the window shows of a million rows."""
    program = getattr(solve, "program", None)
    if program is None:
        return None
    import torch

    x0 = solve.problem.x0
    return program.cells(torch.tensor(values, dtype=x0.dtype, device=x0.device), within)


def _leave_a_core_to_the_window() -> int:
    """torch's threads for this solve: one core fewer than it would take, so that painting, scrolling and the
    live plot are never starved of CPU by the solve's own threads (a solve of a million rows on every core held the
    window still for a tenth of a second at a time). Returns the number to restore."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(max(1, min(threads, (os.cpu_count() or 1) - 1)))
    # and the interpreter changes hands every millisecond, not every five: a paint calls Python once per cell shown,
    # each call waiting for this thread to let go of the interpreter while it compiles or steps
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    return threads


def _restore_threads(threads: int) -> None:
    import torch

    torch.set_num_threads(threads)
    sys.setswitchinterval(_DEFAULT_SWITCH_INTERVAL_S)


class SolveRunner(QObject):
    """`start()` runs `solve.run(stop)` on a worker thread; given `prepare` instead of `solve`, the thread first
    makes the solve by calling it (compiling the model) and says so by `prepared(solve)`. Signals (past tense,
    queued to the GUI thread): `stepped(Update)` at most EVENTS_PER_SECOND times a second, then `finished(Update)`
    with the final record (done=True, the best values found) or `failed(message)`."""

    prepared = Signal(object)
    stepped = Signal(object)
    finished = Signal(object)
    failed = Signal(str)

    def __init__(self, solve=None, events_per_second: float = EVENTS_PER_SECOND,
                 grid_updates_per_second: float = GRID_UPDATES_PER_SECOND, prepare=None):
        super().__init__()
        self.solve = solve
        self._prepare = prepare
        self.stop_event = threading.Event()
        self.interval = 1.0 / events_per_second
        self.want_gradient = False  # the gradient overlay is on: send d objective / d variable with the cells
        # the rectangles the window shows, (sheet, r1, c1, r2, c2): only their cells are sent (None: every cell).
        # Replaced whole by the GUI thread as the grid scrolls; the worker reads it once per update.
        self.within: tuple | None = None
        self.grid_interval = 1.0 / grid_updates_per_second
        self.thread = QThread()
        self.thread.setObjectName("gdsheet-solve")
        self.moveToThread(self.thread)
        self.thread.started.connect(self._run)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        """Ask the loop to stop after its current iteration; `finished` follows with status 'stopped'."""
        self.stop_event.set()

    def wait(self, ms: int = 10_000) -> bool:
        """Stop and join the worker thread (before the runner is dropped)."""
        self.stop_event.set()
        self.thread.quit()
        return self.thread.wait(ms)

    @Slot()
    def _run(self) -> None:
        iterations: list[float] = []
        losses: list[float] = []
        starts: list[int] = []
        values: list[tuple] = []
        last_emit = last_cells = 0.0
        final = None
        threads = _leave_a_core_to_the_window()
        try:
            if self.solve is None:
                try:
                    self.solve = self._prepare()
                except ValueError as exc:  # the model code's refusals of a bad model: a message for the user
                    raise GdsheetError(str(exc)) from exc
                self.prepared.emit(self.solve)
            for progress in self.solve.run(self.stop_event):
                if progress.done:
                    final = progress
                    break
                iterations.append(progress.iteration)
                losses.append(progress.loss)
                starts.append(progress.start)
                values.append(progress.values)
                now = time.perf_counter()
                if now - last_emit >= self.interval:
                    cells = gradient = None
                    if now - last_cells >= self.grid_interval:
                        cells, last_cells = program_cells(self.solve, progress.values, self.within), now
                        if self.want_gradient:
                            gradient = self.solve.gradient(progress.values)
                    self.stepped.emit(Update(progress, np.array(iterations), np.array(losses), cells,
                                             np.array(starts), np.array(values), gradient))
                    iterations, losses, starts, values, last_emit = [], [], [], [], now
            if final is None:
                raise GdsheetError("the solver ended without a final result")
            self.finished.emit(Update(final, np.array(iterations), np.array(losses), None, np.array(starts),
                                      np.array(values)))
        except GdsheetError as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # a bug in a model or the solver must reach the user, not kill the thread silently
            self.failed.emit(f"the solve failed: {type(exc).__name__}: {exc}")
        finally:
            _restore_threads(threads)
            self.thread.quit()
