"""The app's first start at several screen scale factors, as a user with a HiDPI screen sees it.

Starts the real app under Xvfb on a 1600x1000 screen with no remembered layout, at each QT_SCALE_FACTOR given,
opens the Titanic example on its `linear` sheet with the Solver dialog, and saves the whole screen to
docs/hidpi-<scale>.png, so one can check that the window fits the screen and everything is legible.
Usage: python scripts/screenshot_hidpi.py [1 1.5 2]
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCREEN = (1600, 1000)


def main(argv: list[str]) -> int:
    scales = argv or ["1", "1.5", "2"]
    if os.environ.get("GDSHEET_SHOT_SCALE"):
        return shoot(Path(os.environ["GDSHEET_SHOT_OUT"]))
    if not shutil.which("xvfb-run"):
        print("xvfb-run is needed (Debian: xvfb xauth)", file=sys.stderr)
        return 1
    for scale in scales:
        out = ROOT / "docs" / f"hidpi-{scale}.png"
        env = dict(os.environ, GDSHEET_SHOT_SCALE=scale, GDSHEET_SHOT_OUT=str(out), QT_SCALE_FACTOR=scale,
                   QT_QPA_PLATFORM="xcb")
        code = subprocess.call(["xvfb-run", "-a", "-s", f"-screen 0 {SCREEN[0]}x{SCREEN[1]}x24", sys.executable,
                                __file__], env=env)
        if code:
            return code
        print(out)
    return 0


def shoot(out: Path) -> int:
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())  # a first start
    app = QApplication(["gdsheet"])
    from gdsheet.gui.examples import EXAMPLES
    from gdsheet.gui.window import MainWindow

    win = MainWindow()
    win.show()
    win.open_example(next(e for e in EXAMPLES if e.sheet == "linear"))
    dialog = win.solver.open_dialog(win.current_id())
    dialog.move(win.geometry().center() - dialog.rect().center())

    def grab():
        app.primaryScreen().grabWindow(0).save(str(out))
        win.doc.undo.setClean()
        dialog.close()
        win.close()
        app.quit()
    QTimer.singleShot(1500, grab)
    app.exec()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
