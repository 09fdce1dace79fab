"""The GUI during a solve: the event loop's worst delay (a QTimer probe; target < 100 ms) and solver iterations per
second with the window against headless (target >= 80%), with the loss plot alone and with the live views open
(the Landscape tab in front, or the Along one variable tab, and gradients on the cells); and the landscape's
evaluation time, 100x100 points as one batched forward pass, at 712 rows (Titanic) and at 100,000 rows (the
course's model built as in bench_compile.py; target at 712 rows < 0.2 s). A benchmark, not a test: it prints its
figures.

Usage: python benchmarks/bench_gui.py [--sheet nnet] [--iterations 2000] [--repeat 3] [--landscape-rows 712,100000]
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


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sheet", default="nnet")
    parser.add_argument("--iterations", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--landscape-rows", default="712,100000", help="rows at which to time the landscape "
                        "(empty: skip)")
    parser.add_argument("--views", default="loss,landscape,profile", help="the window runs to time: the loss plot "
                        "alone (loss) and with a live view in front (landscape, profile)")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())
    app = QApplication(["gdsheet-bench"])
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
