"""What the app remembers between runs (QSettings): recent files, window geometry and dock layout."""
from __future__ import annotations

import os

from PySide6.QtCore import QByteArray, QSettings

MAX_RECENT = 8


def settings() -> QSettings:
    return QSettings("gdsheet", "gdsheet")


def recent_files() -> list[str]:
    value = settings().value("recent", [])
    files = [value] if isinstance(value, str) else list(value or [])
    return [f for f in files if os.path.exists(f)]


def add_recent(path: str) -> list[str]:
    path = os.path.abspath(path)
    files = [path] + [f for f in recent_files() if f != path]
    settings().setValue("recent", files[:MAX_RECENT])
    return files[:MAX_RECENT]


def save_layout(geometry: QByteArray, state: QByteArray) -> None:
    s = settings()
    s.setValue("geometry", geometry)
    s.setValue("state", state)


def load_layout() -> tuple[QByteArray | None, QByteArray | None]:
    s = settings()
    return s.value("geometry"), s.value("state")
