"""The worker: throttled at the source, every iteration still reaches the plot, stop works, errors are reported."""
import time

import numpy as np
import pytest
from PySide6.QtCore import QObject, Slot

from gdsheet.errors import SolverModelError
from gdsheet.gui.solve_runner import SolveRunner
from gdsheet.solver.run import Progress


class FakeSolve:
    """Iterates as fast as Python can, for `seconds`, or until stopped."""

    def __init__(self, seconds=0.6, fail=False):
        self.seconds, self.fail = seconds, fail

    def run(self, stop=None):
        start, k = time.perf_counter(), 0
        while time.perf_counter() - start < self.seconds and not (stop and stop.is_set()):
            if self.fail and k == 100:
                raise SolverModelError("the objective has no gradient")
            yield Progress(k, 1.0 / (k + 1), 1.0 / (k + 1), time.perf_counter() - start, 0.0, 0.1, (float(k),))
            k += 1
        status = "stopped" if stop and stop.is_set() else "iteration limit"
        yield Progress(k - 1, 1.0 / k, 1.0 / k, time.perf_counter() - start, 0.0, 0.1, (float(k - 1),), True, status)


class Receiver(QObject):
    """Collects the runner's signals on the GUI thread (a plain callable would run on the worker's)."""

    def __init__(self, runner):
        super().__init__()
        self.stepped, self.finished, self.failed = [], [], []
        runner.stepped.connect(self.on_stepped)
        runner.finished.connect(self.on_finished)
        runner.failed.connect(self.on_failed)

    @Slot(object)
    def on_stepped(self, update):
        self.stepped.append(update)

    @Slot(object)
    def on_finished(self, update):
        self.finished.append(update)

    @Slot(str)
    def on_failed(self, message):
        self.failed.append(message)


def test_throttled_yet_every_iteration_arrives(qtbot):
    runner = SolveRunner(FakeSolve())
    got = Receiver(runner)
    start = time.perf_counter()
    runner.start()
    qtbot.waitUntil(lambda: bool(got.finished), timeout=10_000)
    elapsed = time.perf_counter() - start
    runner.wait()
    final, updates = got.finished[0], got.stepped
    assert final.progress.done and len(updates) <= 30 * elapsed + 2
    iterations = np.concatenate([u.iterations for u in updates] + [final.iterations])
    assert final.progress.iteration > 1000 and np.array_equal(iterations, np.arange(final.progress.iteration + 1))


def test_stop_ends_the_run(qtbot):
    runner = SolveRunner(FakeSolve(seconds=60))
    got = Receiver(runner)
    runner.start()
    qtbot.waitUntil(lambda: bool(got.stepped), timeout=10_000)
    runner.stop()
    qtbot.waitUntil(lambda: bool(got.finished), timeout=10_000)
    assert runner.wait() and got.finished[0].progress.status == "stopped"


@pytest.mark.parametrize("events_per_second", [5, 30])
def test_a_failure_is_reported_not_raised(qtbot, events_per_second):
    runner = SolveRunner(FakeSolve(fail=True), events_per_second)
    got = Receiver(runner)
    runner.start()
    qtbot.waitUntil(lambda: bool(got.failed), timeout=10_000)
    assert runner.wait() and got.failed == ["the objective has no gradient"] and not got.finished


class ThreadsSeen(FakeSolve):
    """Notes torch's thread count and the interpreter's switch interval while it runs."""

    def run(self, stop=None):
        import sys

        import torch

        self.seen = (torch.get_num_threads(), sys.getswitchinterval())
        yield from super().run(stop)


def test_a_run_leaves_a_core_to_the_window_and_gives_it_back(qtbot, monkeypatch):
    import sys

    import torch

    from gdsheet.gui import solve_runner

    monkeypatch.setattr(solve_runner.os, "cpu_count", lambda: 4)
    before = (torch.get_num_threads(), sys.getswitchinterval())
    torch.set_num_threads(4)
    try:
        solve = ThreadsSeen(seconds=0.1)
        runner = SolveRunner(solve)
        got = Receiver(runner)
        runner.start()
        qtbot.waitUntil(lambda: bool(got.finished), timeout=10_000)
        runner.wait()
        assert solve.seen == (3, solve_runner.SWITCH_INTERVAL_S)
        assert (torch.get_num_threads(), sys.getswitchinterval()) == (4, before[1])
    finally:
        torch.set_num_threads(before[0])
