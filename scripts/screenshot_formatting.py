"""What a workbook's formatting looks like in gdsheet: screenshots to compare with Excel's rendering.

Starts the real app under Xvfb (1600x900, no remembered layout) and saves the window to
- docs/formatting-styled.png: an Excel-styled workbook (tests/styled_book.py: a merged title, bold white headers on
  a theme-coloured fill, banded rows, thin and double borders, number formats, wrapped and indented text, a frozen
  header, a 5.63-character column showing 0.144, a number too wide for its column);
- docs/formatting-styled-scrolled.png: the same sheet scrolled down and right, the frozen rows and column kept;
- docs/formatting-titanic.png, docs/formatting-titanic-linear.png: the bundled Titanic example's data and linear
  sheets (the instructions' long text overflows into the empty cells beside it).
Usage: python scripts/screenshot_formatting.py
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCREEN = (1600, 900)


def main() -> int:
    if os.environ.get("GDSHEET_IN_XVFB"):
        return shoot()
    if not shutil.which("xvfb-run"):
        print("xvfb-run is needed (Debian: xvfb xauth)", file=sys.stderr)
        return 1
    env = dict(os.environ, GDSHEET_IN_XVFB="1", QT_QPA_PLATFORM="xcb")
    return subprocess.call(["xvfb-run", "-a", "-s", f"-screen 0 {SCREEN[0]}x{SCREEN[1]}x24", sys.executable,
                            __file__], env=env)


def shoot() -> int:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())
    app = QApplication(["gdsheet"])
    sys.path.insert(0, str(ROOT / "tests"))
    from styled_book import build

    from gdsheet.gui.window import MainWindow

    win = MainWindow()
    win.move(0, 0)
    win.resize(*SCREEN)
    win.show()
    win.loss_plot.hide()
    book = build(Path(tempfile.mkdtemp()) / "Quarterly sales.xlsx")

    def save(name: str) -> None:
        for _ in range(10):
            app.processEvents()
        win.repaint()
        picture = app.primaryScreen().grabWindow(win.winId())
        if picture.isNull() or picture.width() < win.width():
            picture = win.grab()
        out = ROOT / "docs" / name
        picture.save(str(out))
        print(out)

    win.load(str(book))
    win.view.go_to(5, 2)
    save("formatting-styled.png")
    win.view.go_to(24, 2)
    win.view.verticalScrollBar().setValue(win.view.verticalScrollBar().value() + 60)
    win.view.go_to(9, 4)
    win.view.horizontalScrollBar().setValue(140)
    save("formatting-styled-scrolled.png")
    win.load(str(ROOT / "resources" / "examples" / "titanic.xlsx"))
    win.show_sheet(0)
    save("formatting-titanic.png")
    win.show_sheet(1)
    save("formatting-titanic-linear.png")
    win.doc.undo.setClean()
    win.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
