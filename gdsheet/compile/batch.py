"""Mini-batch passes that compute the per-row formulas at the sampled rows only.

An objective AVERAGE/SUM/SUMSQ over a column of per-row formulas is estimated from sampled rows (Program.forward
with `rows`). When every block that column reads, transitively, through relative references is a block over the
same rows that reads only the same row (of constant columns or of such blocks), plus absolute references (variables,
constants, other blocks that read no row block), the row blocks are lowered a second time for k host rows: their
per-row constant inputs become the sampled rows, gathered once per call, and nothing else is computed per row.
A spill =MMULT(rows, weights) over exactly those rows, read at the same row, is such a block too (row i of a
matrix product is row i of its left factor times the right one).
Anything else (a block reading another row, a running total split into cells, any other spill, a per-row text mask,
a part handed to the engine) raises NotRowWise and the program keeps the full pass, so results never change.
"""
from __future__ import annotations

from dataclasses import replace

import torch

from gdsheet.compile.cone import Block, Region
from gdsheet.compile.lval import CompileError, LVal, Spill, dyn
from gdsheet.compile.lower import Lowerer
from gdsheet.compile.regions import resolve_areas
from gdsheet.formula import ast as A

REDUCE = {
    "mean": lambda t, m: t.mean(),
    "sum": lambda t, m: t.sum() * (m / t.numel()),
    "sumsq": lambda t, m: (t * t).sum() * (m / t.numel()),
}


class NotRowWise(CompileError):
    """The blocks behind the objective are not purely row-wise (or k rows cannot be lowered): use the full pass."""


class RowBatch:
    """The objective over sampled rows, computing only those rows of the row-wise blocks.

    `column` is the block whose cells the objective reduces with `op`; `extra` are the blocks other outputs read
    (computed in full). Raises NotRowWise when the structure is not row-wise."""

    def __init__(self, builder, column: Block, op: str, extra: set[int]) -> None:
        self.bld, self.op = builder, op
        self.r0, self.n = column.r0, column.n
        self.top = column
        self.rows = _row_blocks(builder, column)
        ids = {b.id for b in self.rows}
        fixed: set[int] = set(extra)
        for b in self.rows:
            for reg in b.regions:
                if not reg.varying:
                    fixed |= _dep_sources(builder, reg, 1)
        full = _closure(builder, fixed)
        if full & ids:
            raise NotRowWise
        fns = dict(builder.steps)
        self.full_steps = [(b.slot, fns[b.slot]) for b in builder.blocks if b.id in full]
        try:  # lowered once now for two rows, so what cannot be lowered row-wise shows here
            two = self._plan(2)
        except CompileError:
            raise NotRowWise from None
        self._plans: dict[int, tuple | None] = {1: two, 2: two}

    def __call__(self, env: list, rows: torch.Tensor) -> torch.Tensor | None:
        """The reduced objective at `rows`, or None when k rows cannot be lowered row-wise (k > rows, or a
        construct met only now). `env` holds x; the blocks other outputs read are computed into it."""
        k = rows.numel()
        if not 0 < k <= self.n:
            return None
        if k not in self._plans:
            try:
                self._plans[k] = self._plan(max(k, 2))
            except (NotRowWise, CompileError):
                self._plans[k] = None
        plan = self._plans[k]
        if plan is None:
            return None
        size, gathers, steps, top = plan
        for slot, fn in self.full_steps:
            env[slot] = fn(env)
        env.extend([None] * (size - len(env)))
        idx = rows if k > 1 else rows.repeat(2)  # one row is lowered as two: k = 1 would read as absolute
        for slot, t, dim in gathers:
            env[slot] = t.index_select(dim, idx)
        for slot, fn in steps:
            env[slot] = fn(env)
        return REDUCE[self.op](env[top][:k], self.n)

    def _plan(self, k: int):
        bb = _BatchBuilder(self, k)
        steps = []
        for b in self.rows:
            slot = bb.slots[b.id]
            steps.append((slot, _lower_rows(bb, b, k)))
        return bb.size, bb.gathers, steps, bb.slots[self.top.id]


def _dep_sources(bld, reg: Region, n: int) -> set[int]:
    blocks, _ = bld.cone.sources(reg, n)
    return {i for i in blocks if bld.cone.blocks[i].dep}


def _closure(bld, ids: set[int]) -> set[int]:
    """The dependent blocks `ids` read, transitively, themselves included."""
    out, stack = set(), list(ids)
    while stack:
        i = stack.pop()
        if i in out:
            continue
        out.add(i)
        stack.extend(p for p in bld.cone.blocks[i].preds if bld.cone.blocks[p].dep)
    return out


def _row_blocks(bld, top: Block) -> list[Block]:
    """The blocks over top's rows that top reads through same-row references, in compute order."""
    cone = bld.cone
    if top.area is not None or top.kind == "bool" or not top.dep:
        raise NotRowWise
    a, b = top.r0, top.r0 + top.n - 1
    found, stack = {top.id}, [top]
    while stack:
        blk = stack.pop()
        for reg in blk.regions:
            if not reg.varying:
                continue
            if reg.h != 1 or reg.r != a:
                raise NotRowWise
            for c in range(reg.c, reg.c + reg.w):
                pid = _row_piece(bld, reg.sheet, c, a, b)
                if pid is not None and pid not in found:
                    found.add(pid)
                    stack.append(cone.blocks[pid])
    return [blk for blk in bld.blocks if blk.id in found]


def _row_piece(bld, sheet: str, c: int, a: int, b: int) -> int | None:
    """Rows a..b of a column: None when constant, a block id when one row block covers them; else NotRowWise."""
    pieces = bld.loader._pieces(sheet, c, a, b)
    if all(p[0] == "const" for p in pieces):
        return None
    if len(pieces) == 1 and pieces[0][0] == "block":
        blk = pieces[0][3]
        if blk.kind == "bool":
            raise NotRowWise
        if blk.area is None and (blk.r0, blk.n) == (a, b - a + 1):
            return blk.id
        if blk.area is not None and (blk.area.r1, blk.area.r2) == (a, b) and _row_factor(bld, blk) is not None:
            return blk.id
    raise NotRowWise


ROWS = "_ROWS"  # the LET-style local that stands for the sampled rows of a row spill's left factor


def _row_factor(bld, blk: Block) -> Region | None:
    """The left factor of a spill =MMULT(left, right) when it is a constant region over the spill's own rows (the
    right factor is read whole, as in the full pass)."""
    node = blk.formula.ast
    if not (isinstance(node, A.Call) and node.name == "MMULT" and len(node.args) == 2 and blk.area is not None):
        return None
    left = resolve_areas(bld.wb, node.args[0], blk.sheet, blk.r0, blk.col, 1)
    if not (isinstance(left, list) and len(left) == 1):
        return None
    reg = left[0]
    if (reg.r, reg.h) != (blk.area.r1, blk.area.rows):
        return None
    for c in range(reg.c, reg.c + reg.w):
        if bld.loader._pieces(reg.sheet, c, reg.r, reg.r + reg.h - 1) != [("const", reg.r, reg.r + reg.h - 1, None)]:
            return None
    return reg


class _BatchBuilder:
    """What a Lowerer needs from the program builder, with a loader that reads the sampled rows."""

    def __init__(self, batch: RowBatch, k: int) -> None:
        bld = batch.bld
        self.wb, self.cone, self.dtype, self.device = bld.wb, bld.cone, bld.dtype, bld.device
        self.size = bld.size
        self.slots = {b.id: self.scratch() for b in batch.rows}
        self.gathers: list[tuple[int, torch.Tensor, int]] = []  # slot, every row, the dimension of the rows
        self.loader = _RowLoader(batch, self, k)

    def scratch(self) -> int:
        self.size += 1
        return self.size - 1


class _RowLoader:
    def __init__(self, batch: RowBatch, bb: _BatchBuilder, k: int) -> None:
        self.base, self.batch, self.bb, self.k = batch.bld.loader, batch, bb, k
        self._gathered: dict[Region, int] = {}

    def tensor(self, a, dtype=None) -> torch.Tensor:
        return self.base.tensor(a, dtype)

    def gather(self, reg: Region, n: int, dim: int, shape) -> LVal:
        """A constant region's sampled rows (along `dim` of its tensor as the full pass loads it for n rows),
        gathered once per call into a slot."""
        slot = self._gathered.get(reg)
        if slot is None:
            v = self.base.load(reg, n)  # every row, as the full pass loaded it (cached there)
            if v.mask is not None:
                raise NotRowWise  # a per-row mask would need gathering too
            slot = self._gathered[reg] = self.bb.scratch()
            self.bb.gathers.append((slot, v.const3(), dim))
        return dyn(lambda env: env[slot], shape, ref=True, region=reg)

    def load(self, reg: Region, n: int) -> LVal:
        if not reg.varying:  # absolute: the same for every row, as the full pass reads it
            if _dep_sources(self.bb, reg, 1) & self.bb.slots.keys():
                raise NotRowWise
            return self.base.load(reg, n)
        r0, N = self.batch.r0, self.batch.n
        if reg.h != 1 or reg.r != r0:
            raise NotRowWise
        shape = (self.k, 1, reg.w)
        ids = [_row_piece(self.batch.bld, reg.sheet, c, r0, r0 + N - 1) for c in range(reg.c, reg.c + reg.w)]
        if all(i is None for i in ids):
            return self.gather(reg, N, 0, shape)
        if ids.count(ids[0]) == len(ids) and ids[0] in self.bb.slots:
            blk, slot = self.bb.cone.blocks[ids[0]], self.bb.slots[ids[0]]
            if blk.area is None:
                return dyn(lambda env: env[slot], shape, ref=True, region=reg)
            j, w = reg.c - blk.area.c1, reg.w  # a row spill's value is a Spill of (1, k, cols)
            if w == 1:
                return dyn(lambda env: env[slot].column(j), shape, raw_shape=(self.k,), ref=True, region=reg)
            return dyn(lambda env: env[slot].whole()[0, :, j:j + w].reshape(shape), shape, ref=True, region=reg)
        raise NotRowWise


class _RowLowerer(Lowerer):
    """A Lowerer for k sampled rows: the engine cannot evaluate parts at rows it does not know."""

    def fold(self, node):
        raise NotRowWise

    def fold_reference(self, node):
        raise NotRowWise


def _lower_rows(bb: _BatchBuilder, blk: Block, k: int):
    """The getter of a row block's values at k sampled rows, as a (k, 1, 1) tensor (what Builder._lower_block
    computes for all rows)."""
    if blk.area is not None:
        return _lower_spill(bb, blk, k)
    lw = _RowLowerer(bb, replace(blk, n=k))
    v = lw.lower(blk.formula.ast)
    if v.kind == "text" or v.B not in (1, k):
        raise NotRowWise
    v = lw.num(v)
    if v.shape[1:] != (1, 1):
        v = lw.first(v)
    g = v.get3() if v.dep else (lambda env, c=v.const3(): c)
    if v.B == k:
        return g
    return lambda env: g(env).expand(k, 1, 1)


def _lower_spill(bb: _BatchBuilder, blk: Block, k: int):
    """A row spill =MMULT(left, right) at k sampled rows: the gathered rows of left times right, a Spill of
    (1, k, cols), as the full pass keeps it."""
    left = _row_factor(bb.loader.batch.bld, blk)
    cols = blk.area.cols
    shape = (1, k, cols)
    lw = _RowLowerer(bb, blk)
    lw.locals[ROWS] = bb.loader.gather(left, 1, 1, (1, k, left.w))
    v = lw.num(lw.lower(A.Call("MMULT", (A.Name(ROWS), blk.formula.ast.args[1]))))
    if v.shape != shape:
        raise NotRowWise
    if v.columns is not None:
        columns = v.columns
        return lambda env: Spill(k, cols, cols=columns(env))
    g = v.getter() if v.dep else (lambda env, c=v.const3(): c)
    return lambda env: Spill(k, cols, g(env))
