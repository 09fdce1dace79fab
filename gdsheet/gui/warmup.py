"""Heavy modules imported ahead of their first use, while the window first appears: torch on a thread of its own
(~1.5 s; loading its libraries keeps the interpreter for up to a third of a second at a time, whichever thread
does it, so done later it would hold the window still at the first Solve) and the file readers (gdsheet.io,
openpyxl, lxml: ~0.2 s) on the GUI thread once it is idle. The readers are not imported on another thread:
openpyxl's modules import each other, and two threads importing them at once can deadlock."""
from __future__ import annotations

import atexit
import importlib
import threading

from PySide6.QtCore import QTimer

_started = False


def start() -> None:
    """Begin the imports (once per process). A module asked for meanwhile waits for its import to end, as usual."""
    global _started
    if _started:
        return
    _started = True
    thread = threading.Thread(target=_import, args=("torch",), daemon=True, name="gdsheet-import-torch")
    thread.start()
    atexit.register(thread.join, 10)  # never tear the interpreter down under a library half loaded
    QTimer.singleShot(0, lambda: _import("gdsheet.io"))


def _import(name: str) -> None:
    try:
        importlib.import_module(name)
    except Exception:  # noqa: BLE001 - a failing import is reported where the module is first used
        pass
