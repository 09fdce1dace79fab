"""Modules imported on first use. scipy's statistics, special functions and optimisers and the `regex` engine cost
seconds to import and serve a few functions each; binding them through `lazy_module("scipy.stats")` keeps them off the
start of `gdsheet calc`, `gdsheet solve` and the app until a formula calls one of those functions."""
from __future__ import annotations

import importlib
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
