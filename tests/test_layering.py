"""The pipeline's layering: core packages never import Qt; the parser, the engine and xlsx I/O need no torch; and
start-up stays light: scipy's statistics, special functions and optimisers and `regex` are imported only when a
formula calls a function that needs them (gdsheet/lazy_modules.py)."""
import subprocess
import sys

import pytest

CHECKS = [
    ("gdsheet.formula", ("torch", "PySide6", "pyqtgraph", "openpyxl")),
    ("gdsheet.sheet", ("torch", "PySide6", "pyqtgraph")),
    ("gdsheet.io", ("torch", "PySide6", "pyqtgraph")),
    ("gdsheet.compile", ("PySide6", "pyqtgraph")),
    ("gdsheet.solver", ("PySide6", "pyqtgraph")),
    ("gdsheet.cli", ("torch", "PySide6", "pyqtgraph")),
    ("gdsheet.functions", ("scipy.stats", "scipy.special", "scipy.optimize", "regex")),
    ("gdsheet.io", ("scipy.stats", "scipy.special", "scipy.optimize", "regex")),
    ("gdsheet.solver.run", ("scipy.optimize", "scipy.sparse")),  # constrained and bounded solves import them
]


@pytest.mark.parametrize("module,forbidden", CHECKS)
def test_package_does_not_import(module, forbidden):
    code = (f"import sys, {module}; bad = [m for m in {forbidden!r} if m in sys.modules]; "
            "print(','.join(bad)); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"{module} imports {result.stdout.strip() or result.stderr[-500:]}"
