"""The desktop app (PySide6 + pyqtgraph): the only package that imports Qt."""
from gdsheet.gui.refcount_guard import guard as _guard

_guard()
