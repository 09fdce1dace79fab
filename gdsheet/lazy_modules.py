"""Start-up cost kept down. Modules imported on first use. scipy's statistics, special functions and optimisers and the `regex` engine cost
seconds to import and serve a few functions each; binding them through `lazy_module("scipy.stats")` keeps them off the
start of `gdsheet calc`, `gdsheet solve` and the app until a formula calls one of those functions."""
from __future__ import annotations

import atexit
import gc
import importlib
from contextlib import contextmanager
from types import ModuleType


class LazyModule:
    """Stands for a module; the first attribute read imports it (the import's errors surface there)."""

    __slots__ = ("_name", "_module")

    def __init__(self, name: str) -> None:
        self._name = name
        self._module: ModuleType | None = None

    def __getattr__(self, attr: str):
        if self._module is None:
            self._module = importlib.import_module(self._name)
        return getattr(self._module, attr)

    def __repr__(self) -> str:
        return f"<lazy module {self._name!r}{'' if self._module is None else ' (imported)'}>"


def lazy_module(name: str) -> LazyModule:
    return LazyModule(name)


_own_process = False  # set by `own_process()`: a command runs as the process itself, not inside a caller's


def own_process() -> None:
    """Called by the `gdsheet` command when it is the process: at exit, freeze rather than collect what is still
    alive (a workbook of thousands of cells and formulas, torch's modules), since the memory goes back to the system
    with the process anyway and that last collection cost `gdsheet solve` 0.4 s; and let `collector_paused` work."""
    global _own_process
    _own_process = True
    atexit.register(gc.freeze)


@contextmanager
def collector_paused():
    """In the command's own process, pause Python's cyclic garbage collector while importing heavy modules, then
    freeze what they created. Importing torch creates hundreds of thousands of objects, none of them garbage, and
    the collector walks them again and again as they accumulate (0.2 s of `gdsheet solve`'s start); frozen, they
    are left out of every later collection, the solve's included. Inside another program (the tests, the app) it
    does nothing: freezing there would keep that program's cyclic garbage of the moment for good."""
    if not _own_process:
        yield
        return
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was:
            gc.enable()
