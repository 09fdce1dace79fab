"""What the app remembers between runs (QSettings): recent files, window layout, the examples offer at start."""
from __future__ import annotations

import os

from PySide6.QtCore import QByteArray, QSettings, QStandardPaths

MAX_RECENT = 8


def settings() -> QSettings:
    # an INI file on every platform, never the registry: one format, and QSettings.setPath(IniFormat, ...) can
    # point tests and scripts at a scratch folder (setPath does not move native settings)
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "gdsheet", "gdsheet")


def recent_files() -> list[str]:
    value = settings().value("recent", [])
    files = [value] if isinstance(value, str) else list(value or [])
    return [f for f in files if os.path.exists(f)]


def add_recent(path: str) -> list[str]:
    path = os.path.abspath(path)
    files = [path] + [f for f in recent_files() if f != path]
    settings().setValue("recent", files[:MAX_RECENT])
    return files[:MAX_RECENT]


def last_folder() -> str:
    """Where a new file is offered: the folder of the most recent workbook, else Documents, else home."""
    recent = recent_files()
    if recent:
        return os.path.dirname(recent[0])
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return documents if documents and os.path.isdir(documents) else os.path.expanduser("~")


def save_layout(geometry: QByteArray, state: QByteArray) -> None:
    s = settings()
    s.setValue("geometry", geometry)
    s.setValue("state", state)


def load_layout() -> tuple[QByteArray | None, QByteArray | None]:
    s = settings()
    return s.value("geometry"), s.value("state")


def examples_at_start() -> bool:
    """Whether `gdsheet` without a file offers the bundled examples (until the user unticks it)."""
    return settings().value("examples_at_start", True, type=bool)


def set_examples_at_start(on: bool) -> None:
    settings().setValue("examples_at_start", on)
