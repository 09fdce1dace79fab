"""Start the real app on the Titanic example, run a solve, and save a screenshot mid-run (docs/screenshot.png).

Runs under Xvfb when `xvfb-run` is installed (the script re-executes itself inside it), else on Qt's offscreen
platform, grabbing the window's own pixels. Usage: python scripts/screenshot.py [--sheet nnet] [--out PATH]
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


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sheet", default="nnet", help="the Titanic sheet to solve (linear, nnet, mmult)")
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshot.png"))
    parser.add_argument("--after", type=float, default=0.6, help="seconds into the solve to take the picture")
    args = parser.parse_args(argv)
    if "DISPLAY" not in os.environ and "QT_QPA_PLATFORM" not in os.environ:
        if shutil.which("xvfb-run") and not os.environ.get("GDSHEET_IN_XVFB"):
            env = dict(os.environ, GDSHEET_IN_XVFB="1")
            cmd = ["xvfb-run", "-a", "-s", "-screen 0 1600x1000x24", sys.executable, __file__, *argv]
            return subprocess.call(cmd, env=env)
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    return shoot(args.sheet, Path(args.out), args.after)


def shoot(sheet: str, out: Path, after: float) -> int:
    from PySide6.QtCore import QEventLoop, QSettings, Qt, QTimer
    from PySide6.QtWidgets import QApplication

    # a fresh settings folder: the picture must not depend on the layout someone left behind
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())
    app = QApplication(["gdsheet"])
    from gdsheet.gui.window import MainWindow

    win = MainWindow()
    win.resize(1720, 900)
    win.show()
    if not win.load(str(ROOT / "resources" / "examples" / "titanic.xlsx")):
        return 1
    wb = win.doc.wb
    win.show_sheet([s.name for s in wb.sheets].index(sheet))
    win.view.go_to(1, 14)
    dialog = win.solver.open_dialog(win.current_id())
    win.solver.ask_results = False
    win.loss_plot.log.setChecked(True)
    win.resizeDocks([win.loss_plot], [400], Qt.Orientation.Horizontal)
    dialog.tolerance.setValue(0.0)  # run to the iteration limit, so the picture catches it mid-run
    dialog.iterations.setValue(5000)
    loop = QEventLoop()
    # the clock starts when the worker does (compiling comes first, on the GUI thread)
    win.solver.running_changed.connect(lambda running: running and QTimer.singleShot(int(after * 1000), loop.quit))
    win.solver.run_finished.connect(lambda _: loop.quit())
    dialog.solve_button.click()
    loop.exec()
    win.view.go_to(1, 14)  # the loss cell, its formula in the bar
    win.view.horizontalScrollBar().setValue(0)
    for _ in range(3):  # let the layout catch up with the last status text
        app.processEvents()
    out.parent.mkdir(parents=True, exist_ok=True)
    picture = win.grab()
    picture.save(str(out))
    running = win.solver.running
    win.solver.shutdown()
    win.doc.undo.setClean()
    win.close()
    print(f"saved {out} ({picture.width()}x{picture.height()}, {'mid-run' if running else 'after the run'})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
