"""The GUI during a solve: the event loop's worst delay (a QTimer probe; target < 100 ms) and solver iterations per
second with the window against headless (target >= 80%), with the loss plot alone and with the live views open
(the Landscape tab in front, or the Along one variable tab, and gradients on the cells); and the landscape's
evaluation time, 100x100 points as one batched forward pass, at 712 rows (Titanic) and at 100,000 rows (the
course's model built as in bench_compile.py; target at 712 rows < 0.2 s). A benchmark, not a test: it prints its
figures.

With `--book PATH` (a large workbook, e.g. scale_books.titanic_linear at 1,000,000 rows) it times the window at
scale instead: the worst event-loop delay (a QTimer heartbeat every 10 ms) while the file opens (and when its first
screen shows), while the grid scrolls to the last row, while a cell is edited, and while the Solver runs on it with
the loss plot, and the process's peak memory (target: every delay < 100 ms, memory < 1.5 GB).

With `--why` it also says where the GUI thread was during each delay over 100 ms (its Python stack, sampled by a
thread every 5 ms; the line it waits at when another thread holds the interpreter).

Usage: python benchmarks/bench_gui.py [--sheet nnet] [--iterations 2000] [--repeat 3] [--landscape-rows 712,100000]
       python benchmarks/bench_gui.py --book /tmp/titanic_1000000.xlsx [--iterations 50] [--why]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "resources" / "examples" / "titanic.xlsx"
PROBE_MS = 10


def model_for(wb, sheet: str, iterations: int):
    from gdsheet.solver.model import read_model

    model = read_model(wb, sheet)
    # plain descent, no convergence test: both runs do exactly the same iterations
    options = replace(model.options, method="gd", lr=0.05, iterations=iterations, tolerance=0.0, time_limit=600,
                      multistart=1)
    return replace(model, options=options)


def headless(sheet: str, iterations: int) -> tuple[float, float]:
    """Iterations per second of the bare generator, wall clock."""
    from gdsheet.io import load_workbook
    from gdsheet.solver.run import prepare

    wb = load_workbook(BOOK)
    solve = prepare(wb, model_for(wb, sheet, iterations), sheet)
    start, cpu = time.perf_counter(), time.process_time()
    for p in solve.run():
        last = p
    return last.iteration / (time.perf_counter() - start), last.iteration / (time.process_time() - cpu)


def landscape_seconds(rows: int, grid: int = 100, repeat: int = 3) -> tuple[float, int | None]:
    """Seconds (best of `repeat`) for the landscape of the first two weights, grid x grid points, and the rows it
    was estimated from when they were sampled (past landscape.BUDGET)."""
    from gdsheet.solver import landscape
    from gdsheet.solver.run import prepare

    if rows == 712:
        from gdsheet.io import load_workbook
        from gdsheet.solver.model import read_model

        wb = load_workbook(BOOK)
        solve = prepare(wb, read_model(wb, "nnet"), "nnet")
    else:
        sys.path.insert(0, str(ROOT / "benchmarks"))
        from bench_compile import build

        from gdsheet.solver.model import SolverModel, SolverOptions

        wb, _, _, _, _ = build("nnet", rows)
        model = SolverModel("nnet!A1", variables=["nnet!M1:V2"], options=SolverOptions(method="gd"))
        solve = prepare(wb, model, "nnet")
    x = solve.start
    xs = landscape.grid(x[0] - 1, x[0] + 1, grid)
    ys = landscape.grid(x[1] - 1, x[1] + 1, grid)
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        surface = landscape.surface(solve.problem, x, 0, 1, xs, ys, rows, light=True)  # as the app draws it
        best = min(best, time.perf_counter() - start)
    return best, surface.sampled


def windowed(app, sheet: str, iterations: int, views: str = "") -> tuple[float, float, float, float]:
    """With the window showing the run: (iterations per second, the event loop's worst delay while the solver
    iterates in ms, the time the window then takes to write the result into the workbook in ms, iterations per
    second of the process's CPU time, every thread: the figure a busy shared machine disturbs least). `views`:
    'landscape' or 'profile' puts that tab in front of the loss, and turns on gradients on the cells."""
    from PySide6.QtCore import QEventLoop, QTimer

    from gdsheet.gui.window import MainWindow

    win = MainWindow()
    win.resize(1500, 900)
    win.show()
    win.load(str(BOOK))
    wb = win.doc.wb
    win.show_sheet([s.name for s in wb.sheets].index(sheet))
    win.solver.ask_results = False
    if views:
        win.loss_plot.show()
        win.loss_plot.tabs.setCurrentWidget(getattr(win.loss_plot, views))
        win.acts["gradients"].setChecked(True)
    gaps: list[tuple[float, float]] = []  # (when the gap ended, its length)
    last = [time.perf_counter()]
    ended: list[float] = []  # when the worker's loop ended and the window began applying the result
    win.solver.running_changed.connect(lambda running: running or ended.append(time.perf_counter()))
    cpu: list[float] = []  # the process's CPU time (every thread) when the run starts and when it ends
    win.solver.running_changed.connect(lambda running: cpu.append(time.process_time()))

    def tick() -> None:
        now = time.perf_counter()
        gaps.append((now, now - last[0]))
        last[0] = now
        # keep the window busy as a user would: scroll the grid while the solve runs
        win.view.verticalScrollBar().setValue((len(gaps) * 3) % 700)

    probe = QTimer()
    probe.setInterval(PROBE_MS)
    probe.timeout.connect(tick)
    done: list = []
    win.solver.run_finished.connect(done.append)
    model = model_for(wb, sheet, iterations)
    started: list[float] = []  # after compiling, when the worker starts: the headless figure excludes compiling too
    win.solver.running_changed.connect(lambda running: running and started.append(time.perf_counter()))
    win.solver.solve(model)
    start = started[0]
    last[0] = time.perf_counter()
    probe.start()
    if not done:
        loop = QEventLoop()
        win.solver.run_finished.connect(lambda _: loop.quit())
        loop.exec()
    finished = time.perf_counter()
    probe.stop()
    rate = done[0].iteration / (ended[0] - start)
    worst = max((g for t, g in gaps[1:] if t <= ended[0]), default=PROBE_MS / 1000) * 1000 - PROBE_MS
    if os.environ.get("BENCH_VERBOSE"):
        print(sorted(((round(g * 1000), round(t - start, 3)) for t, g in gaps if t <= ended[0]), reverse=True)[:8])
    win.doc.undo.setClean()
    win.close()
    win.deleteLater()
    return rate, worst, (finished - ended[0]) * 1000, done[0].iteration / (cpu[1] - cpu[0])


class Heartbeat:
    """A QTimer firing every PROBE_MS: the gaps between its ticks are the event loop's delays. `worst(start, end)`
    is the longest delay of a tick that ended in [start, end], beyond the timer's own interval."""

    def __init__(self):
        from PySide6.QtCore import QTimer

        self.ticks: list[float] = []
        self.timer = QTimer()
        self.timer.setInterval(PROBE_MS)
        self.timer.timeout.connect(lambda: self.ticks.append(time.perf_counter()))

    def start(self) -> None:
        self.ticks.append(time.perf_counter())
        self.timer.start()

    def worst(self, start: float, end: float, n: int = 1) -> list[tuple[float, float]]:
        """The `n` worst delays in ms, each with when it began in seconds after `start`."""
        gaps = sorted(((b - a, a) for a, b in zip(self.ticks, self.ticks[1:]) if start < b <= end + PROBE_MS / 1000),
                      reverse=True)[:n] or [(PROBE_MS / 1000, start)]
        return [(max(gap * 1000 - PROBE_MS, 0.0), max(at - start, 0.0)) for gap, at in gaps]


class StallSampler:
    """Where the GUI thread is while the heartbeat is late: a thread that, once no tick came for `after_ms`, takes
    the GUI thread's Python stack every 5 ms until the next tick. `report()` prints, for each delay over 100 ms, the
    innermost gdsheet lines seen most often (the GUI thread itself, or the line it waits at while another thread
    holds the interpreter)."""

    def __init__(self, beat: "Heartbeat", after_ms: float = 40.0):
        import threading

        self.beat, self.after = beat, after_ms / 1000
        self.main = threading.main_thread().ident
        self.stalls: list[tuple[float, list[str]]] = []  # (began, samples)
        self.thread = threading.Thread(target=self._watch, daemon=True)
        self.thread.start()

    def _watch(self) -> None:
        current: list[str] | None = None
        while True:
            time.sleep(0.005)
            last = self.beat.ticks[-1] if self.beat.ticks else time.perf_counter()
            late = time.perf_counter() - last > self.after
            if late:
                if current is None:
                    current = []
                    self.stalls.append((last, current))
                frame, ours, innermost = sys._current_frames().get(self.main), [], "?"
                while frame is not None and len(ours) < 3:  # the three innermost gdsheet lines
                    code = frame.f_code
                    if innermost == "?":
                        innermost = code.co_name
                    if "gdsheet" in code.co_filename:
                        ours.append(f"{Path(code.co_filename).name}:{frame.f_lineno} {code.co_name}")
                    frame = frame.f_back
                current.append(" < ".join(ours) or innermost)
                del frame
            else:
                current = None

    def report(self, since: float) -> None:
        from collections import Counter

        for began, samples in self.stalls:
            if began + len(samples) * 0.005 < since or len(samples) < 12:  # ~100 ms: the delays over the target
                continue
            top = Counter(samples).most_common(3)
            print(f"    stall at {began - since:.2f} s, {len(samples) * 5 + self.after * 1000:.0f} ms: "
                  + "; ".join(f"{n}x {where}" for where, n in top), flush=True)


def wait_until(condition, timeout_s: float, every_ms: int = 5) -> bool:
    """Run the event loop until `condition()` holds (or the timeout): a user's idle time, the heartbeat ticking."""
    from PySide6.QtCore import QEventLoop, QTimer

    end = time.perf_counter() + timeout_s
    while not condition():
        if time.perf_counter() > end:
            return False
        loop = QEventLoop()
        QTimer.singleShot(every_ms, loop.quit)
        loop.exec()
    return True


def peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def at_scale(path: str, iterations: int, shot: str | None, why: bool = False) -> int:
    """Open `path` in the window, scroll to its last row, edit cells, solve; print each activity's worst delay
    (with `why`, where the GUI thread was during each delay over 100 ms)."""
    from gdsheet.gui.window import MainWindow
    from gdsheet.solver.model import SolverModel, SolverOptions

    beat = Heartbeat()
    beat.start()
    sampler = StallSampler(beat) if why else None
    win = MainWindow()
    win.resize(1500, 900)
    win.show()
    win.solver.ask_results = False
    wait_until(lambda: False, 0.3)
    rows: dict[str, tuple] = {}

    def activity(name: str, start: float, extra: str = "") -> None:
        wait_until(lambda: False, 0.05)  # the heartbeat's next tick closes a delay the activity ended inside
        end = time.perf_counter()
        worst = beat.worst(start, end, 3)
        rows[name] = (end - start, worst, extra)
        others = ", ".join(f"{w:.0f} ms at {a:.2f} s" for w, a in worst[1:])
        print(f"  {name:30s} {end - start:7.2f} s  worst event-loop delay {worst[0][0]:7.1f} ms from {worst[0][1]:.2f} s"
              + (f" (next: {others})" if others else "") + (f"; {extra}" if extra else ""), flush=True)
        if sampler is not None:
            sampler.report(start)
            sampler.stalls.clear()

    print(f"{os.path.basename(path)} in the window (heartbeat every {PROBE_MS} ms; target: every delay < 100 ms, "
          "peak memory < 1.5 GB):", flush=True)
    start = time.perf_counter()
    first: list[float] = []  # when the window first shows the new file (a first screen while it is read)
    read: list[float] = []  # when reading ended and the calculation began (a file without cached values)
    beat.timer.timeout.connect(lambda: first or win.doc.path != path or first.append(time.perf_counter()))
    from gdsheet.gui import loading

    stage = loading.LoadProgress.stage
    loading.LoadProgress.stage = lambda self, text: (read.append(time.perf_counter()), stage(self, text))
    win.open_file(path)
    opened = wait_until(lambda: not win.loading, 3600)
    loading.LoadProgress.stage = stage
    extra = f"first screen at {first[0] - start:.2f} s" if first else "no first screen before the end"
    if read:
        extra += f", read in {read[0] - start:.2f} s, worst delay while reading {beat.worst(start, read[0])[0][0]:.1f} ms"
    activity("open" + ("" if opened else " (timed out)"), start, extra)
    sheet = win.doc.wb.active_sheet
    last_row, _ = sheet.used_bounds

    start = time.perf_counter()
    bar = win.view.verticalScrollBar()
    for k in range(1, 41):  # a drag of the scroll bar's thumb to the bottom, 40 moves, a screen painted each
        bar.setValue(bar.maximum() * k // 40)
        wait_until(lambda: False, 0.02)
    win.view.go_to(last_row, 12)  # Ctrl+End: the last cell, shown and current
    from PySide6.QtWidgets import QAbstractItemView

    win.view.scrollTo(win.model.index(last_row - 1, 11), QAbstractItemView.ScrollHint.PositionAtBottom)  # rows above
    wait_until(lambda: False, 0.2)
    activity("scroll to the last row", start, f"row {last_row:,}")
    if shot:  # the screen itself under a real X server (xvfb-run), else the window drawn offscreen
        from PySide6.QtGui import QGuiApplication

        screen = QGuiApplication.primaryScreen()
        (win.grab() if QGuiApplication.platformName() == "offscreen" else screen.grabWindow(0)).save(shot)

    start = time.perf_counter()
    win._edit_cell(last_row, 2, "3")  # a data cell: its row's two formulas and the loss follow
    wait_until(lambda: False, 0.2)
    activity("edit a data cell (B{:,})".format(last_row), start)
    start = time.perf_counter()
    win._edit_cell(1, 2, "0.125")  # a parameter: every row's formulas follow
    wait_until(lambda: False, 0.2)
    activity("edit a parameter (B1)", start)

    model = SolverModel(f"{sheet.name}!N1", variables=[f"{sheet.name}!B1:K1"],
                        options=SolverOptions(method="gd", lr=0.05, iterations=iterations, tolerance=0.0,
                                              time_limit=600))
    done: list = []
    win.solver.run_finished.connect(done.append)
    start = time.perf_counter()
    win.solver.solve(model)
    wait_until(lambda: bool(done), 3600)
    wait_until(lambda: False, 0.2)
    p = done[0] if done else None
    activity("solve (gd, loss plot)", start, f"{p.iteration} iterations, loss {p.best_loss:.6g}" if p else "failed")
    print(f"  peak memory (max RSS) {peak_mb():,.0f} MB", flush=True)
    win.doc.undo.setClean()
    win.close()
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sheet", default="nnet")
    parser.add_argument("--iterations", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--landscape-rows", default="712,100000", help="rows at which to time the landscape "
                        "(empty: skip)")
    parser.add_argument("--views", default="loss,landscape,profile", help="the window runs to time: the loss plot "
                        "alone (loss) and with a live view in front (landscape, profile)")
    parser.add_argument("--book", help="time the window at scale on this workbook instead (see the module's text)")
    parser.add_argument("--why", action="store_true", help="with --book: where the GUI thread was during each "
                        "delay over 100 ms (its stack, sampled)")
    parser.add_argument("--shot", help="with --book: save a picture of the window scrolled to the last row here")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())
    app = QApplication(["gdsheet-bench"])
    if args.book:
        return at_scale(args.book, args.iterations if args.iterations != 2000 else 50, args.shot, args.why)
    runs = [v for v in args.views.split(",") if v]
    heads: list[float] = []
    head_cpu: list[float] = []
    rates: dict[str, list[float]] = {v: [] for v in runs}
    cpus: dict[str, list[float]] = {v: [] for v in runs}
    worsts: dict[str, list[float]] = {v: [] for v in runs}
    applies: list[float] = []
    for _ in range(args.repeat):  # interleaved, so a busy moment of the machine falls on every figure alike
        wall, cpu = headless(args.sheet, args.iterations)
        heads.append(wall)
        head_cpu.append(cpu)
        for v in runs:
            rate, worst, apply_ms, rate_cpu = windowed(app, args.sheet, args.iterations, "" if v == "loss" else v)
            rates[v].append(rate)
            cpus[v].append(rate_cpu)
            worsts[v].append(worst)
            applies.append(apply_ms)
    h, hc = statistics.median(heads), statistics.median(head_cpu)
    print(f"titanic {args.sheet}, {args.iterations} iterations of gradient descent, median of {args.repeat} "
          "(it/s by the clock; in brackets per second of the process's CPU time):")
    print(f"  {'headless':44s} {h:8.0f} it/s [{hc:8.0f}]")
    words = {"loss": "with the window (loss plot)", "landscape": "with the Landscape tab + gradients on cells",
             "profile": "with the Along one variable tab + gradients"}
    for v in runs:
        w, wc = statistics.median(rates[v]), statistics.median(cpus[v])
        print(f"  {words.get(v, v):44s} {w:8.0f} it/s [{wc:8.0f}]  ({100 * w / h:.0f}% [{100 * wc / hc:.0f}%] of "
              f"headless; target >= 80%)  worst event-loop delay {max(worsts[v]):.1f} ms")
    print(f"  (event-loop probe every {PROBE_MS} ms; target < 100 ms)")
    print(f"  writing the result into the workbook at the end: {statistics.median(applies):.0f} ms (one "
          "recalculation by the engine)")
    for rows in [int(r) for r in args.landscape_rows.split(",") if r]:
        seconds, sampled = landscape_seconds(rows)
        print(f"  landscape, 100x100 points over {rows:,} rows (nnet, batched passes): {seconds:.3f} s"
              + (f", the loss estimated from {sampled:,} sampled rows" if sampled else "")
              + ("  (target < 0.2 s)" if rows == 712 else ""))
    return 0

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
