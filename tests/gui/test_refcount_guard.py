"""PySide6 6.12 takes a reference from None or a bool on every void call under CPython < 3.12: the guard makes
those singletons as good as immortal, so a long session cannot abort."""
import sys

import pytest

import gdsheet.gui  # noqa: F401  (importing the package installs the guard)
from gdsheet.gui.refcount_guard import RESERVE


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="CPython 3.12+ has immortal singletons of its own")
def test_singletons_hold_a_reserve(qapp):
    from PySide6.QtWidgets import QLabel

    label = QLabel()
    for _ in range(10_000):
        label.setText("x")  # each call may take one reference from None
    assert min(sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False)) > RESERVE // 2
