"""Screenshots of the descent views for the README's walk-through (docs/descent-*.png), taken from the real app.

Like scripts/screenshot.py it re-executes itself inside `xvfb-run` when there is no display and grabs the window's
pixels from the X server (without Xvfb: Qt's offscreen platform and the window's own rendering). Each picture is a
learner's step: the loss of a multistart run, the variables, the landscape with the path, the loss along one
variable after two Steps (with the Step's arithmetic), the learning-rate finder, gradients on the cells, and a
diverging run let go on.
Usage: python scripts/screenshot_views.py [--out docs] [--only landscape,profile]
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
SHOTS = ("loss", "variables", "landscape", "profile", "lr", "gradients", "divergence")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs"))
    parser.add_argument("--only", default=",".join(SHOTS), help="which pictures, comma-separated")
    args = parser.parse_args(argv)
    if "DISPLAY" not in os.environ and "QT_QPA_PLATFORM" not in os.environ:
        if shutil.which("xvfb-run") and not os.environ.get("GDSHEET_IN_XVFB"):
            env = dict(os.environ, GDSHEET_IN_XVFB="1", QT_QPA_PLATFORM="xcb")
            cmd = ["xvfb-run", "-a", "-s", f"-screen 0 {WIDTH}x{HEIGHT}x24", sys.executable, __file__, *argv]
            return subprocess.call(cmd, env=env)
        print("xvfb-run not found: rendering offscreen instead", file=sys.stderr)
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())
    app = QApplication(["gdsheet"])
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for name in args.only.split(","):
        shot = Shooter(app)
        try:
            globals()[f"shoot_{name}"](shot)
            shot.save(out / f"descent-{name}.png")
        finally:
            shot.close()
    return 0


class Shooter:
    """A fresh window per picture: the examples opened as a learner opens them, runs awaited, pixels grabbed."""

    def __init__(self, app):
        from gdsheet.gui.window import MainWindow

        self.app = app
        self.win = MainWindow()
        self.win.move(0, 0)
        self.win.resize(WIDTH, HEIGHT)
        self.win.show()
        self.win.solver.ask_results = False

    def open(self, title: str):
        from gdsheet.gui.examples import EXAMPLES

        assert self.win.open_example(next(e for e in EXAMPLES if e.title == title))
        return self.win.solver.open_dialog(self.win.current_id())

    def solve(self, dialog) -> None:
        from PySide6.QtCore import QEventLoop

        loop = QEventLoop()
        self.win.solver.run_finished.connect(lambda _: loop.quit())
        dialog.solve_button.click()
        loop.exec()

    def tab(self, widget) -> None:
        plot = self.win.loss_plot
        plot.show()
        plot.tabs.setCurrentWidget(widget)
        self.settle()

    def settle(self) -> None:
        for _ in range(6):
            self.app.processEvents()

    def dock_width(self, width: int) -> None:
        from PySide6.QtCore import Qt

        self.win.loss_plot.show()
        self.win.resizeDocks([self.win.loss_plot], [width], Qt.Orientation.Horizontal)
        self.settle()

    def save(self, path: Path) -> None:
        self.settle()
        self.win.repaint()
        picture = self.app.primaryScreen().grabWindow(self.win.winId())
        if picture.isNull() or picture.width() < self.win.width():
            picture = self.win.grab()
        picture.save(str(path))
        print(f"saved {path} ({picture.width()}x{picture.height()})")

    def close(self) -> None:
        self.win.solver.shutdown()
        if self.win.solver.dialog is not None:
            self.win.solver.dialog.close()
        self.win.doc.undo.setClean()
        self.win.close()
        self.win.deleteLater()
        self.settle()


def _adam(dialog, lr: float, starts: int = 1, iterations: int = 1000) -> None:
    dialog.method.setCurrentIndex(dialog.method.findData("adam"))
    dialog.lr.setValue(lr)
    dialog.multistart.setValue(starts)
    dialog.iterations.setValue(iterations)


def shoot_loss(s: Shooter) -> None:
    dialog = s.open("Titanic: linear model")
    _adam(dialog, 0.05, starts=3)
    s.solve(dialog)
    dialog.close()
    s.dock_width(760)
    s.tab(s.win.loss_plot.loss)


def shoot_variables(s: Shooter) -> None:
    dialog = s.open("Titanic: linear model")
    _adam(dialog, 0.05)
    s.solve(dialog)
    dialog.close()
    s.dock_width(760)
    s.tab(s.win.loss_plot.variables)


def shoot_landscape(s: Shooter) -> None:
    dialog = s.open("Titanic: linear model")
    _adam(dialog, 0.02)
    s.solve(dialog)
    dialog.close()
    s.dock_width(760)
    s.win.show_descent_view("landscape", 0, 1)
    s.settle()


def shoot_profile(s: Shooter) -> None:
    dialog = s.open("Parabola")
    for _ in range(2):
        dialog.step_button.click()
    dialog.close()
    s.dock_width(900)
    s.win.show_descent_view("profile", 0)
    s.win.view.go_to(1, 1)


def shoot_lr(s: Shooter) -> None:
    dialog = s.open("Titanic: linear model")
    _adam(dialog, 0.01)
    dialog.randomize_button.click()  # a fresh start, as the course begins
    dialog.close()
    s.dock_width(760)
    s.tab(s.win.loss_plot.lr)
    s.win.loss_plot.lr.run()


def shoot_gradients(s: Shooter) -> None:
    dialog = s.open("Titanic: linear model")
    dialog.randomize_button.click()
    dialog.close()
    s.win.acts["gradients"].setChecked(True)
    s.win.loss_plot.hide()
    s.win.view.go_to(1, 2)


def shoot_divergence(s: Shooter) -> None:
    dialog = s.open("Too large a learning rate")
    dialog.stop_on_divergence.setChecked(False)
    s.solve(dialog)
    dialog.close()
    s.dock_width(760)
    s.win.loss_plot.log.setChecked(True)
    s.tab(s.win.loss_plot.loss)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
