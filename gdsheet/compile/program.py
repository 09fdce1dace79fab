"""compile_program: the blocks feeding the outputs lowered, ahead of time, into a flat list of tensor steps."""
from __future__ import annotations

import math
from typing import Sequence

import torch

from gdsheet.compile import logic, regions, tensor_functions  # noqa: F401  (they fill the lowering table)
from gdsheet.compile.batch import NotRowWise, RowBatch
from gdsheet.compile.cone import Block, Cone, cell_label
from gdsheet.compile.gradients import blockers as find_blockers
from gdsheet.compile.lower import Lowerer
from gdsheet.compile.lval import CompileError, LVal, Spill
from gdsheet.compile.regions import Loader
from gdsheet.compile.walk import block_regions
from gdsheet.errors import ExcelError
from gdsheet.formula import ast as A
from gdsheet.values import to_number

CellId = tuple[str, int, int]
BATCHABLE = {"AVERAGE": "mean", "SUM": "sum", "SUMSQ": "sumsq"}


class Program:
    """Variables in, output cells out, as one torch computation (see compile_program)."""

    def __init__(self, builder: "_Builder", outputs: list[CellId], variables: list[CellId]) -> None:
        self.outputs, self.variables = outputs, variables
        self.dtype, self.device = builder.dtype, builder.device
        self.x0 = builder.x0
        self._steps = builder.steps
        self._size = builder.size
        self._outs = builder.out_getters
        self._batched = builder.batched
        self._row_batch = builder.row_batch
        self.batch_rows: int | None = builder.batch_rows
        self._blocks = [b for b in builder.blocks if b.dep]
        self._blockers = builder.blocker_sentences

    def forward(self, x: torch.Tensor, rows: torch.Tensor | None = None) -> list[torch.Tensor]:
        """One 0-d tensor per output cell. With `rows` (0-based row indexes, on the program's device) and a
        batchable outputs[0], the first output is the mean over those rows only (a sum: scaled up to all rows,
        so both are unbiased estimates). Where the per-row formulas are purely row-wise (see batch.py) only the
        sampled rows are computed; otherwise every row is, and the same estimate is taken from them."""
        env = [None] * self._size
        env[0] = x
        if rows is not None and self._row_batch is not None:
            got = self._row_batch(env, rows)
            if got is not None:
                return [got] + [g(env) for g in self._outs[1:]]
        for slot, fn in self._steps:
            env[slot] = fn(env)
        if rows is not None and self._batched is not None:
            return [self._batched(env, rows)] + [g(env) for g in self._outs[1:]]
        return [g(env) for g in self._outs]

    @property
    def row_wise(self) -> bool:
        """Whether forward(x, rows) computes the per-row formulas at the sampled rows only."""
        return self._row_batch is not None

    def blockers(self) -> list[str]:
        return list(self._blockers)

    def cells(self, x: torch.Tensor, within: Sequence[tuple[str, int, int, int, int]] | None = None
              ) -> dict[CellId, float]:
        """The values of the compiled formula cells at x; with `within`, rectangles (sheet, r1, c1, r2, c2), only
        those inside them (what a window shows of a million-row run), without making a number of every other row."""
        env = [None] * self._size
        env[0] = x
        with torch.no_grad():
            for slot, fn in self._steps:
                env[slot] = fn(env)
        out: dict[CellId, float] = {}
        for rect in within if within is not None else [None]:
            self._read_cells(env, rect, out)
        return out

    def _read_cells(self, env: list, rect: tuple[str, int, int, int, int] | None, out: dict) -> None:
        sheet, r1, c1, r2, c2 = rect if rect is not None else ("", 1, 1, math.inf, math.inf)
        sheet = sheet.lower()
        for b in self._blocks:
            if rect is not None and b.sheet.lower() != sheet:
                continue
            if b.area is None:
                if not c1 <= b.col <= c2:
                    continue
                lo, hi = max(r1 - b.r0, 0), min(r2 - b.r0 + 1, b.n)
                if lo >= hi:
                    continue
                vals = env[b.slot].reshape(b.shape)[lo:hi].tolist()
                for i in range(hi - lo):
                    out[(b.sheet, b.r0 + lo + i, b.col)] = vals[i][0][0]
            else:
                vals = env[b.slot].whole().tolist()
                for i, r in enumerate(range(b.area.r1, b.area.r2 + 1)):
                    for j, c in enumerate(range(b.area.c1, b.area.c2 + 1)):
                        if r1 <= r <= r2 and c1 <= c <= c2:
                            out[(b.sheet, r, c)] = vals[0][i][j]


def compile_program(wb, outputs: Sequence[CellId], variables: Sequence[CellId], *, device="cpu",
                    dtype: torch.dtype = torch.float64) -> Program:
    """Compile the formulas that lead from `variables` to `outputs` into one torch program.

    Formulas filled down a column become one operation over the column; what does not depend on the variables is
    computed once, or read from the workbook's current values (so recalculate a freshly loaded workbook first).
    Raises CompileError naming the cell and the construct when something cannot be compiled."""
    tensor_functions.attach()
    outputs = [(wb.sheet(s).name, r, c) for s, r, c in outputs]
    variables = [(wb.sheet(s).name, r, c) for s, r, c in variables]
    b = _Builder(wb, variables, torch.device(device), dtype)
    regions.dynamic_cache = {}
    try:
        b.build(outputs)
    finally:
        regions.dynamic_cache = None
    return Program(b, outputs, variables)


class _Builder:
    def __init__(self, wb, variables: list[CellId], device, dtype) -> None:
        self.wb, self.variables, self.device, self.dtype = wb, variables, device, dtype
        self.cone = Cone(wb, variables)
        self.cone._resolve = lambda blk: block_regions(wb, blk)
        self.loader = Loader(self.cone, dtype, device, len(variables))
        self.size = 1
        self.steps: list = []
        self.out_getters: list = []
        self.batched = None
        self.batch_rows = None
        self.row_batch: RowBatch | None = None

    def scratch(self) -> int:
        self.size += 1
        return self.size - 1

    def build(self, outputs: list[CellId]) -> None:
        self.x0 = torch.tensor([self._start(v) for v in self.variables], dtype=self.dtype, device=self.device)
        self.blocks = self.cone.discover(outputs)
        for blk in self.blocks:
            for p in blk.preds:
                self.cone.blocks[p].referenced = True
        for blk in self.blocks:
            if blk.dep:
                blk.slot = self.scratch()
                self.steps.append((blk.slot, self._lower_block(blk)))
        self.out_getters = [self._output(cid) for cid in outputs]
        if outputs:
            self._batchable(outputs)
            self.blocker_sentences = find_blockers(self.wb, self.cone, self.blocks, outputs[0], self.variables)
        else:
            self.blocker_sentences = []

    def _start(self, cid: CellId) -> float:
        s, r, c = cid
        if (r, c) in self.wb.sheet(s).formulas:
            raise CompileError(f"the variable cell {cell_label(cid)} holds a formula; variable cells must hold "
                               "constants")
        v = to_number(self.wb.get(s, r, c))
        if isinstance(v, ExcelError):
            raise CompileError(f"the variable cell {cell_label(cid)} holds {self.wb.get(s, r, c)!r}, not a number")
        return v

    def _lower_block(self, blk: Block):
        lw = Lowerer(self, blk)
        try:
            v = lw.lower(blk.formula.ast)
        except CompileError as exc:
            raise CompileError(f"{blk.label()}: {exc}") from None
        if v.kind == "text":
            raise CompileError(f"{blk.label()}: its value is text, which depends on the variables")
        blk.kind = v.kind
        v = lw.num(v)
        B, h, w = v.shape
        want = blk.shape
        if blk.area is None and (h, w) != (1, 1):
            v = lw.first(v)  # a legacy formula shows the top-left value of an array
        if blk.area is not None and not all(s in (1, t) for s, t in zip(v.shape, want)):
            raise CompileError(f"{blk.label()}: its array is {h}x{w}, its range {want[1]}x{want[2]}")
        if blk.area is not None:
            return self._spill_step(blk, v)
        plain = {want, (blk.n,)} | ({()} if blk.n == 1 else set())
        if v.dep and v.shape == want and tuple(v.raw_shape) in plain:
            blk.raw = tuple(v.raw_shape)  # kept as computed: readers know its layout, no view op
            return v.getter()
        blk.raw = want
        g = v.get3() if v.dep else (lambda env, c=v.const3(): c)
        if v.shape == want:
            return g
        return lambda env: g(env).expand(want)

    def _spill_step(self, blk: Block, v: LVal):
        """The step of a block filling an area: its value as a Spill, kept in the form the lowering computed (its
        columns, or one tensor in whatever row-major shape), so that no view is made that no reader needs."""
        want = blk.shape
        _, h, w = blk.raw = want
        if v.columns is not None and v.shape == want:
            cols = v.columns
            return lambda env: Spill(h, w, cols=cols(env))
        if not v.dep:
            c = v.const3().expand(want)
            return lambda env: Spill(h, w, c)
        if v.shape == want:
            g = v.getter()
            return lambda env: Spill(h, w, g(env))
        g = v.get3()
        return lambda env: Spill(h, w, g(env).expand(want))

    def _output(self, cid: CellId):
        s, r, c = cid
        if cid in self.cone.var_index:
            i = self.cone.var_index[cid]
            return lambda env: env[0][i]
        blk = self.cone.block_at(s, r, c)
        if blk is not None and blk.dep:
            slot = blk.slot
            if blk.area is not None:
                i, j = r - blk.area.r1, c - blk.area.c1
                return lambda env: env[slot].at(i, j)
            if blk.n == 1:
                return (lambda env: env[slot]) if blk.raw == () else (lambda env: env[slot].reshape(()))
            i = r - blk.r0
            if blk.raw == (blk.n,):
                return lambda env: env[slot][i]
            return lambda env: env[slot][i, 0, 0]
        v = to_number(self.wb.get(s, r, c))
        t = torch.tensor(math.nan if isinstance(v, ExcelError) else v, dtype=self.dtype, device=self.device)
        return lambda env: t

    def _batchable(self, outputs: list[CellId]) -> None:
        """An objective AVERAGE/SUM/SUMSQ(range) over a dependent column can be estimated from sampled rows."""
        blk = self.cone.block_at(*outputs[0])
        if blk is None or not blk.dep or blk.area is not None:
            return
        node = blk.formula.ast
        if not (isinstance(node, A.Call) and node.name in BATCHABLE and len(node.args) == 1):
            return
        lw = Lowerer(self, blk)
        try:
            v: LVal = lw.lower(node.args[0])
        except CompileError:
            return
        if not (v.ref and v.dep and v.mask is None and v.B == 1 and v.shape[1] > 1):
            return
        g, m, op = v.get3(), v.shape[1], BATCHABLE[node.name]

        def batched(env, rows):
            t = g(env).index_select(1, rows)
            if op == "mean":
                return t.mean()
            s = t.sum() if op == "sum" else (t * t).sum()
            return s * (m / rows.numel())

        self.batched, self.batch_rows = batched, m
        self.row_batch = self._row_batch(v.region, op, outputs[1:])

    def _row_batch(self, reg, op: str, others: list[CellId]) -> RowBatch | None:
        """The sampled-rows-only pass, when the objective reduces exactly one block's column and it is row-wise."""
        if reg is None or reg.varying or reg.w != 1:
            return None
        blocks, variables = self.cone.sources(reg, 1)
        if variables or len(blocks) != 1:
            return None
        top = self.cone.blocks[blocks.pop()]
        if (top.r0, top.n, top.col) != (reg.r, reg.h, reg.c):
            return None
        extra = set()
        for cid in others:
            b = self.cone.block_at(*cid) if cid not in self.cone.var_index else None
            if b is not None and b.dep:
                extra.add(b.id)
        try:
            return RowBatch(self, top, op, extra)
        except NotRowWise:
            return None

