"""The function table: every module is imported by the package, and every entry is complete."""
from pathlib import Path

import gdsheet.functions as functions
from gdsheet.functions.registry import ALL_KINDS, FUNCTIONS, catalog

PACKAGE = Path(functions.__file__).parent


def test_every_function_module_is_imported_by_the_package():
    modules = {p.stem for p in PACKAGE.glob("*.py")} - {"__init__", "registry", "datetime_parse"}
    listed = {name for name in modules if hasattr(functions, name)}
    assert modules == listed, f"add to gdsheet/functions/__init__.py: {sorted(modules - listed)}"


def test_at_least_240_functions_each_with_syntax_summary_and_category():
    assert len(catalog()) >= 240
    for name, spec in FUNCTIONS.items():
        assert spec.syntax.startswith(spec.name) or spec.syntax.startswith(name), name
        assert spec.summary and spec.category, name
        assert all(kind in ALL_KINDS for kind in spec.params), name
