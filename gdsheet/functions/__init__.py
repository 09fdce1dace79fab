"""Excel's functions: importing this package fills the one table, gdsheet.functions.registry.FUNCTIONS."""
import importlib
import pkgutil

from gdsheet.functions.registry import FUNCTIONS, FunctionSpec, elementwise, excel

for _module in pkgutil.iter_modules(__path__):
    if _module.name not in ("registry", "datetime_parse"):
        importlib.import_module(f"{__name__}.{_module.name}")

__all__ = ["FUNCTIONS", "FunctionSpec", "excel", "elementwise"]
