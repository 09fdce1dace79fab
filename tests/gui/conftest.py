"""GUI tests run offscreen; a Qt warning fails the test; settings go to a temporary folder, not the user's."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402


def pytest_collection_modifyitems(config, items):
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(pytest.mark.gui)
            item.add_marker(pytest.mark.qt_log_level_fail("WARNING"))
            # the offscreen platform says these of every top-level window it shows or raises; not problems of ours
            item.add_marker(pytest.mark.qt_log_ignore("propagateSizeHints", "This plugin does not support raise"))


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path_factory, monkeypatch):
    from PySide6.QtCore import QSettings

    path = str(tmp_path_factory.mktemp("settings"))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, path)
    monkeypatch.setenv("XDG_CONFIG_HOME", path)


@pytest.fixture
def window(qtbot, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from gdsheet.gui.window import MainWindow

    # a modal box left open offscreen would hang the run: the fixture's window discards unsaved changes
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Discard)

    win = MainWindow()
    win.solver.ask_results = False
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.solver.shutdown()
    win.doc.undo.setClean()  # no "save changes?" question when the fixture closes it
