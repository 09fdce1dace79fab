"""Start the real app on the Titanic example, run a solve, and save a screenshot mid-run (docs/screenshot.png).

Runs under Xvfb (the script re-executes itself inside `xvfb-run` when there is no display) and grabs the window's
pixels from the X server; without Xvfb it falls back to Qt's offscreen platform and the window's own rendering.
The solve is the one a learner starts from the Solver dialog: Adam at learning rate 0.01 from the sheet's stored
starting weights, one start; the picture is taken just after a live grid update, so the cells, the loss cell and
the plot agree.
Usage: python scripts/screenshot.py [--sheet nnet] [--iteration 300] [--out PATH]
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WIDTH, HEIGHT = 1600, 900
GRID_COLUMNS = 14  # A..N: the data, both units' weights (B1:K2) and the loss cell N1


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sheet", default="nnet", help="the Titanic sheet to solve (linear, nnet, mmult)")
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshot.png"))
    parser.add_argument("--iteration", type=int, default=300, help="take the picture at the first grid update "
                        "from this iteration on")
    args = parser.parse_args(argv)
    if "DISPLAY" not in os.environ and "QT_QPA_PLATFORM" not in os.environ:
        if shutil.which("xvfb-run") and not os.environ.get("GDSHEET_IN_XVFB"):
            env = dict(os.environ, GDSHEET_IN_XVFB="1", QT_QPA_PLATFORM="xcb")
            cmd = ["xvfb-run", "-a", "-s", f"-screen 0 {WIDTH}x{HEIGHT}x24", sys.executable, __file__, *argv]
            return subprocess.call(cmd, env=env)
        print("xvfb-run not found: rendering offscreen instead", file=sys.stderr)
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    return shoot(args.sheet, Path(args.out), args.iteration)


def shoot(sheet: str, out: Path, iteration: int) -> int:
    from PySide6.QtCore import QEventLoop, QObject, QSettings, Slot
    from PySide6.QtWidgets import QApplication

    # a fresh settings folder: the picture must not depend on the layout someone left behind
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())
    app = QApplication(["gdsheet"])
    from gdsheet.gui.examples import EXAMPLES
    from gdsheet.gui.window import MainWindow

    win = MainWindow()
    win.move(0, 0)
    win.resize(WIDTH, HEIGHT)
    win.show()
    if not win.open_example(next(e for e in EXAMPLES if e.sheet == sheet)):  # the objective cell selected
        return 1
    dialog = win.solver.open_dialog(win.current_id())
    win.solver.ask_results = False
    win.loss_plot.log.setChecked(True)
    win.loss_plot.show()
    fit_grid(app, win)
    dialog.method.setCurrentIndex(dialog.method.findData("adam"))
    dialog.lr.setValue(0.01)
    dialog.multistart.setValue(1)
    dialog.tolerance.setValue(0.0)  # run to the iteration limit, so the picture catches it mid-run
    dialog.iterations.setValue(5000)
    loop = QEventLoop()

    class Probe(QObject):
        """Receives the worker's updates in the GUI thread, queued after the window's own slot: when it runs, the
        grid already shows the update (a plain function would be called in the worker thread, too early)."""

        @Slot(object)
        def stepped(self, update) -> None:
            if update.cells is not None and update.progress.iteration >= iteration:
                loop.quit()

    probe = Probe()

    def started(running: bool) -> None:
        if running:
            win.solver.runner.stepped.connect(probe.stepped)

    win.solver.running_changed.connect(started)
    win.solver.run_finished.connect(lambda _: loop.quit())
    dialog.solve_button.click()
    loop.exec()
    running = win.solver.running
    if running:
        win.solver.runner.stepped.disconnect(probe.stepped)
    fit_grid(app, win)  # again: the plot's new title may have widened its dock
    win.view.horizontalScrollBar().setValue(0)
    win.view.verticalScrollBar().setValue(0)
    for _ in range(5):  # let the layout catch up
        app.processEvents()
    win.repaint()  # every widget painted now, so the X server holds the current pixels
    out.parent.mkdir(parents=True, exist_ok=True)
    picture = app.primaryScreen().grabWindow(win.winId())  # the X server's pixels
    if picture.isNull() or picture.width() < win.width():  # offscreen: no server to ask
        picture = win.grab()
    picture.save(str(out))
    win.solver.shutdown()
    win.doc.undo.setClean()
    win.close()
    print(f"saved {out} ({picture.width()}x{picture.height()}, {'mid-run' if running else 'after the run'})")
    return 0


def fit_grid(app, win) -> None:
    """Give the loss plot every pixel the grid does not need to show columns A..N whole."""
    from PySide6.QtCore import Qt

    view = win.view
    wanted = sum(view.columnWidth(c) for c in range(GRID_COLUMNS))
    for _ in range(3):  # the dock's width is a request the layout rounds: measure and correct
        app.processEvents()
        shown = view.viewport().width()
        if shown == wanted:
            return
        win.resizeDocks([win.loss_plot], [win.loss_plot.width() + shown - wanted], Qt.Orientation.Horizontal)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
