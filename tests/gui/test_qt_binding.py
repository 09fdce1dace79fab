"""The installed Qt binding keeps Python's reference counts: PySide6 6.12.0 under CPython 3.11 took a reference
from None on every call returning nothing, and a long solve aborted the app ("none_dealloc"). pyproject.toml pins
PySide6-Essentials below 6.12; this test fails if a binding with that bug is installed."""
import sys


def test_qt_calls_do_not_steal_references_from_none(qapp):
    from PySide6.QtWidgets import QLabel

    label = QLabel()
    before = sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False)
    for i in range(2_000):
        label.setText(str(i))
        label.isVisible()
    after = sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False)
    assert all(a >= b - 50 for a, b in zip(after, before)), f"references lost: {before} -> {after}"
