"""Shared helpers of the compiler tests: small workbooks, and the compiled program checked against the engine."""
from __future__ import annotations

import math

import torch

from gdsheet.compile import compile_program
from gdsheet.errors import ExcelError
from gdsheet.sheet.workbook import Workbook

ROWS = range(4, 12)
# data: A, B numbers (A has a zero in row 7), C small positives, D an index 1..3, E a mix of blank/text/bool/number
DATA = {
    "A": [0.5, -1.25, 2.0, 0.0, 3.5, -0.75, 1.5, -2.5],
    "B": [1.0, 2.0, -3.0, 0.25, 4.0, -1.5, 0.5, 2.5],
    "C": [0.1, 0.7, 1.3, 0.4, 2.2, 0.9, 1.1, 0.6],
    "D": [1.0, 2.0, 3.0, 1.0, 2.0, 3.0, 1.0, 2.0],
    "E": [None, "x", True, 4.0, "3", False, "y", 2.0],
}
VARIABLES = [("S", 1, 8), ("S", 1, 9), ("S", 1, 10)]  # H1:J1
START = [0.7, -0.4, 1.3]


def book(formulas: dict[str, str] | None = None, dynamic: bool = False) -> Workbook:
    """Sheet S with DATA in A4:E11, variables in H1:J1 (and H2:J2 as more data), and each formula (written with
    {r} for the row) filled down its column over rows 4..11."""
    wb = Workbook()
    wb.add_sheet("S")
    wb.add_sheet("Other")
    updates = []
    for j, (col, values) in enumerate(DATA.items()):
        updates += [("S", r, j + 1, v) for r, v in zip(ROWS, values)]
        updates.append(("S", 3, j + 1, col))
    updates += [("S", 1, 8 + j, v) for j, v in enumerate(START)]
    updates += [("S", 2, 8 + j, v) for j, v in enumerate((0.2, 0.5, -0.3))]
    updates += [("Other", r, 1, 0.25 * r) for r in ROWS]
    wb.set_values(updates)
    for col, text in (formulas or {}).items():
        c = ord(col) - 64
        for r in ROWS:
            wb.set_formula("S", r, c, text.format(r=r, p=r - 1, n=r + 1), dynamic=dynamic)
    return wb


def same(compiled: float, engine) -> bool:
    """A compiled value equals the engine's: an error is a non-finite number; TRUE/FALSE are 1/0; empty is 0."""
    if isinstance(engine, ExcelError):
        return not math.isfinite(compiled)
    if isinstance(engine, bool):
        return compiled == float(engine)
    if engine is None:
        return compiled == 0
    return isinstance(engine, float) and math.isclose(compiled, engine, rel_tol=1e-9, abs_tol=1e-12)


def check(wb: Workbook, outputs, variables=VARIABLES, **kw):
    """Compile, and assert that every output and every compiled cell equals the engine's value."""
    prog = compile_program(wb, outputs, variables, **kw)
    x0 = prog.x0
    values = [float(t) for t in prog.forward(x0)]
    wrong = [(cid, v, wb.get(*cid)) for cid, v in zip(outputs, values) if not same(v, wb.get(*cid))]
    wrong += [(cid, v, wb.get(*cid)) for cid, v in prog.cells(x0).items() if not same(v, wb.get(*cid))]
    assert not wrong, wrong[:5]
    return prog


def column(col: str) -> list[tuple[str, int, int]]:
    return [("S", r, ord(col) - 64) for r in ROWS]


def stacked(prog):
    """The program's outputs as one vector function of x (for gradcheck)."""
    return lambda x: torch.stack(prog.forward(x))
