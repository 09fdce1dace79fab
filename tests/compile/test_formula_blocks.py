"""A sheet whose formulas are kept as filled-down blocks (the column store's FormulaStore: `blocks()` and `singles()`)
is compiled block by block, never asked for its formulas cell by cell, into the same program as the same sheet
with a Formula per cell."""
import importlib.util
from dataclasses import dataclass
from pathlib import Path

import pytest
import torch

from gdsheet.compile import compile_program
from gdsheet.sheet.model import Formula

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_compile.py"


def _bench():
    spec = importlib.util.spec_from_file_location("bench_compile", BENCH)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    return bench


@dataclass
class _Block:
    col: int
    r1: int
    r2: int
    text: str
    ast: object

    @property
    def n(self) -> int:
        return self.r2 - self.r1 + 1

    def formula(self, row: int) -> Formula:
        return Formula(self.text.format(r=row), self.ast)


class _BlockStore:
    """The FormulaStore's reading interface: formulas by cell, runs kept as blocks. Being read cell by cell in bulk
    (items, iteration) fails the test: at a million rows that is what must not happen."""

    def __init__(self, cells: dict, runs: list[tuple[int, int, int]]):
        self._cells, self._blocks = {}, []
        texts = {}
        for (r, c), f in cells.items():
            texts.setdefault(c, (f.text, f.ast))
        inside = set()
        for col, r1, r2 in runs:
            first = cells[(r1, col)]
            text = first.text.replace(str(r1), "{r}")
            self._blocks.append(_Block(col, r1, r2, text, first.ast))
            inside.update((r, col) for r in range(r1, r2 + 1))
        self._cells = {k: f for k, f in cells.items() if k not in inside}

    def blocks(self):
        return list(self._blocks)

    def singles(self):
        return self._cells

    def _block_at(self, row, col):
        return next((b for b in self._blocks if b.col == col and b.r1 <= row <= b.r2), None)

    def get(self, key, default=None):
        if key in self._cells:
            return self._cells[key]
        b = self._block_at(*key)
        return b.formula(key[0]) if b is not None else default

    def __getitem__(self, key):
        got = self.get(key)
        if got is None:
            raise KeyError(key)
        return got

    def __contains__(self, key):
        return key in self._cells or self._block_at(*key) is not None

    def items(self):
        raise AssertionError("the compiler read the formulas cell by cell")

    __iter__ = keys = values = items


@pytest.mark.parametrize("model,runs", [
    ("linear", [(23, 4, 53), (24, 4, 53)]),  # each column one block
    ("linear", [(23, 4, 20), (23, 21, 53), (24, 4, 53)]),  # a column in two blocks that meet: one run
    ("nnet", [(23, 4, 53), (24, 10, 30), (25, 4, 53), (26, 4, 53)]),  # a block among single cells
])
def test_blocks_compile_to_the_program_cells_give(model, runs):
    bench = _bench()
    wb, objective, variables, _, _ = bench.build(model, 50)
    want = compile_program(wb, [objective], variables)
    sh = wb.sheets[0]
    sh.formulas = _BlockStore(dict(sh.formulas), runs)
    wb.engine.invalidate()
    got = compile_program(wb, [objective], variables)
    x = torch.linspace(-1, 1, len(variables), dtype=torch.float64)
    assert float(got.forward(x)[0]) == pytest.approx(float(want.forward(x)[0]), rel=1e-12)
    assert len(got._steps) == len(want._steps)  # the same blocks: one tensor op per column
