"""A guard against PySide6 6.12's refcount bug on CPython < 3.12, which otherwise crashes a long session.

PySide6 6.12.0 returns None, True and False from Qt calls without taking a reference (it assumes the immortal
singletons of CPython 3.12+). On 3.11 every `label.setText(...)` or `signal.emit(...)` then takes one reference
from None or a bool; a solve of the Titanic example costs ~3,600 a second, and when the count reaches zero the
interpreter aborts ("Fatal Python error: none_dealloc"). Adding a vast number of references once makes the three
singletons as good as immortal, which is what CPython 3.12 does itself. Nothing changes on 3.12 and later.
"""
from __future__ import annotations

import ctypes
import sys

RESERVE = 1 << 60  # leaked at 10^6 a second, this lasts 36,000 years


def guard() -> bool:
    """Make None, True and False effectively immortal on CPython < 3.12; True when it did."""
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    for obj in (None, True, False):
        # ob_refcnt is the first field of every object on CPython; id() is the object's address
        ctypes.c_ssize_t.from_address(id(obj)).value += RESERVE
    return True
