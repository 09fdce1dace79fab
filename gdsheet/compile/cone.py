"""The formulas that feed the outputs, grouped into column blocks, and which of them depend on the variables.

A block is a run of consecutive cells in one column with the same relative formula (one syntax tree: the engine
interns it), or one cell whose formula returns an array (a spill anchor, a legacy array formula). Blocks are found
from the outputs backwards through the regions their references read. A block's regions are resolved once for the
whole block (see regions.py); one whose references do not move in step with its rows (SUM($A$1:A4) filled down), or
that reads itself (a running total), is split into single cells. Blocks that do not depend on the variables are
never compiled: their cells are constants, read from the engine's values.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from graphlib import CycleError, TopologicalSorter
from itertools import repeat
from operator import attrgetter, is_, is_not
from typing import Sequence

import numpy as np

from gdsheet.compile.lval import CompileError
from gdsheet.refs import Area, cell_name, quote_sheet
from gdsheet.sheet.model import Formula

CellId = tuple[str, int, int]


@dataclass(frozen=True, slots=True)
class Region:
    """Cells read by one reference of a block: rows r..r+h-1, cols c..c+w-1 for the block's first host row;
    `varying` regions move down one row per host row (relative references), the others stay put."""

    sheet: str
    r: int
    c: int
    h: int
    w: int
    varying: bool

    def span(self, n: int) -> tuple[int, int]:
        """First and last row read over all n host rows."""
        return self.r, self.r + (n - 1 if self.varying else 0) + self.h - 1


@dataclass(eq=False)
class Block:
    id: int
    sheet: str
    col: int
    r0: int
    n: int
    formula: Formula
    area: Area | None = None  # the array a single-cell block fills (spill or legacy array formula)
    regions: list[Region] = field(default_factory=list)
    preds: set[int] = field(default_factory=set)
    reads_vars: bool = False
    dep: bool = False
    slot: int = -1
    kind: str = "num"
    raw: tuple[int, ...] = ()  # the shape its output tensor has: shape, or (n,) / () for a column / one cell
    referenced: bool = False

    @property
    def shape(self) -> tuple[int, int, int]:
        if self.area is not None:
            return 1, self.area.rows, self.area.cols
        return self.n, 1, 1

    def label(self, home: str | None = None) -> str:
        """'C5' or 'C5:C715', sheet-qualified when not on `home`."""
        a = self.area if self.area is not None else Area(self.sheet, self.r0, self.col, self.r0 + self.n - 1,
                                                          self.col)
        return a.a1(with_sheet=self.sheet != home)


class NeedsSplit(Exception):
    """A reference does not move in step with the block's rows: compile the block cell by cell."""


def cell_label(cid: CellId, home: str | None = None) -> str:
    s, r, c = cid
    return cell_name(r, c) if s == home else f"{quote_sheet(s)}!{cell_name(r, c)}"


class Cone:
    """Blocks and column indexes of one workbook, for one set of variable cells."""

    def __init__(self, wb, variables: Sequence[CellId]) -> None:
        self.wb = wb
        self.var_index: dict[CellId, int] = {}
        for i, v in enumerate(variables):
            self.var_index.setdefault((wb.sheet(v[0]).name, v[1], v[2]), i)
        self.blocks: list[Block] = []
        self._columns: dict[tuple[str, int], tuple[np.ndarray, np.ndarray]] = {}
        self._sheet_index: dict[str, tuple[dict, dict]] = {}
        self._resolve = None  # set by the program builder: (block) -> list[Region], may raise NeedsSplit

    # ---- column indexes -------------------------------------------------------------------------------------

    def _index(self, sheet: str):
        """Per column of a sheet: its formulas cell by cell (rows, formulas) and its filled-down runs kept whole
        ((first row, rows, formula)), and cells filled by an array formula -> their anchor. One pass over the
        sheet's formulas, shared by every column the compile visits.

        A formula store that keeps a run filled down a column as one block (its `blocks()` and `singles()`, the
        column store's FormulaStore) is read block by block: asking it cell by cell would make a Formula for each
        of a million rows."""
        idx = self._sheet_index.get(sheet)
        if idx is None:
            sh = self.wb.sheet(sheet)
            formulas = sh.formulas
            blocks_of, singles_of = getattr(formulas, "blocks", None), getattr(formulas, "singles", None)
            whole = callable(blocks_of) and callable(singles_of)
            by_col: dict[int, tuple[list[int], list[Formula], list[tuple[int, int, Formula]]]] = {}
            filled: dict[int, dict[int, tuple[int, int]]] = {}
            for (r, c), anchor in sh.spilled_from.items():
                filled.setdefault(c, {})[r] = anchor
            for (r, c), f in (singles_of() if whole else formulas).items():
                got = by_col.get(c)
                if got is None:
                    got = by_col[c] = ([], [], [])
                got[0].append(r)
                got[1].append(f)
                if f.array is not None and not f.dynamic:
                    for rr, cc in f.array.cells():
                        if (rr, cc) != (r, c):
                            filled.setdefault(cc, {})[rr] = (r, c)
            for b in blocks_of() if whole else ():
                by_col.setdefault(b.col, ([], [], []))[2].append((b.r1, b.n, b.formula(b.r1)))
            idx = self._sheet_index[sheet] = (by_col, filled)
        return idx

    def _column_runs(self, sheet: str, col: int) -> list[tuple[int, int, Formula]]:
        """(first row, rows, formula) of the runs of one relative formula down a column, in row order; an array
        formula, a spill's anchor and a formula that does not parse stand alone."""
        by_col, _ = self._index(sheet)
        spills = self.wb.sheet(sheet).spills
        rs, fs, whole = by_col.get(col, ([], [], []))
        frows = np.asarray(rs, dtype=np.int64)
        if (np.diff(frows) < 0).any():  # the reader adds rows in order; an edited sheet may not
            order = np.argsort(frows, kind="stable")
            frows, fs = frows[order], [fs[i] for i in order.tolist()]
        runs = [(int(frows[i]), j - i, fs[i]) for i, j in _runs(frows, fs, col, spills)]
        if not whole:
            return runs
        anchors = {r for r, c in spills if c == col}
        for r1, n, f in whole:
            inside = sorted(a for a in anchors if r1 <= a < r1 + n) if anchors else ()
            if not inside:
                runs.append((r1, n, f))
                continue
            # a spill's anchor inside a stored run (not expected of a plain filled formula): that run cell by cell
            store = self.wb.sheet(sheet).formulas
            rows = np.arange(r1, r1 + n, dtype=np.int64)
            cells = [store.get((r, col)) for r in rows.tolist()]
            runs.extend((int(rows[i]), j - i, cells[i]) for i, j in _runs(rows, cells, col, spills))
        runs.sort(key=lambda run: run[0])
        merged: list[tuple[int, int, Formula]] = []
        for r0, n, f in runs:  # runs of one formula that meet (a block's end edited back, say) are one run
            if merged:
                p0, pn, pf = merged[-1]
                if (p0 + pn == r0 and not _alone(pf, p0, col, spills) and not _alone(f, r0, col, spills)
                        and pf.dynamic == f.dynamic and (pf.ast is f.ast or pf.ast == f.ast)):
                    merged[-1] = (p0, pn + n, pf)
                    continue
            merged.append((r0, n, f))
        return merged

    def column(self, sheet: str, col: int) -> tuple[np.ndarray, np.ndarray]:
        """(rows, ids) of the special cells of a column, sorted by row: id >= 0 a block, id < 0 variable -id-1."""
        key = (sheet, col)
        got = self._columns.get(key)
        if got is not None:
            return got
        sh = self.wb.sheet(sheet)
        _, filled = self._index(sheet)
        spills = sh.spills
        singles: dict[int, int] = {}  # row -> block id of an array formula in this column
        blocks: list[Block] = []
        for r0, n, f in self._column_runs(sheet, col):
            if f.ast is None:
                continue  # a formula that does not parse shows its error: a constant
            single = (r0, col) in spills or (f.array is not None and not f.dynamic)
            area = spills.get((r0, col)) or (Area(sh.name, f.array.r1, f.array.c1, f.array.r2, f.array.c2)
                                             if single else None)
            blk = self._new_block(sh.name, col, r0, n, f, area)
            blocks.append(blk)
            if single:
                singles[r0] = blk.id
        rows = [np.arange(blk.r0, blk.r0 + blk.n, dtype=np.int64) for blk in blocks]
        ids = [np.full(blk.n, blk.id, dtype=np.int64) for blk in blocks]
        extra_rows, extra_ids = [], []
        for r, (ar, ac) in filled.get(col, {}).items():
            anchor_id = singles.get(ar) if ac == col else getattr(self.block_at(sh.name, ar, ac), "id", None)
            if anchor_id is not None:
                extra_rows.append(r)
                extra_ids.append(anchor_id)
        for (s, r, c), i in self.var_index.items():
            if s == sh.name and c == col:
                if (r, col) in sh.formulas:
                    raise CompileError(f"the variable cell {cell_label((s, r, c))} holds a formula; variable "
                                       "cells must hold constants")
                extra_rows.append(r)
                extra_ids.append(-i - 1)
        all_rows = np.concatenate(rows + [np.asarray(extra_rows, dtype=np.int64)])
        all_ids = np.concatenate(ids + [np.asarray(extra_ids, dtype=np.int64)])
        order = np.argsort(all_rows, kind="stable")
        got = self._columns[key] = (all_rows[order], all_ids[order])
        return got

    def _new_block(self, sheet, col, r, n, f, area) -> Block:
        b = Block(len(self.blocks), sheet, col, r, n, f, area)
        self.blocks.append(b)
        return b

    def block_at(self, sheet: str, row: int, col: int) -> Block | None:
        rows, ids = self.column(sheet, col)
        i = np.searchsorted(rows, row)
        if i < len(rows) and rows[i] == row and ids[i] >= 0:
            return self.blocks[ids[i]]
        return None

    def special(self, sheet: str, col: int, a: int, b: int) -> tuple[np.ndarray, np.ndarray]:
        """Special rows and ids of column `col` within rows a..b."""
        rows, ids = self.column(sheet, col)
        i, j = np.searchsorted(rows, a, "left"), np.searchsorted(rows, b, "right")
        return rows[i:j], ids[i:j]

    def sources(self, reg: Region, n: int) -> tuple[set[int], set[int]]:
        """Blocks and variables (indexes) a region reads over n host rows."""
        a, b = reg.span(n)
        blocks: set[int] = set()
        variables: set[int] = set()
        for c in range(reg.c, reg.c + reg.w):
            _, ids = self.special(reg.sheet, c, a, b)
            if len(ids):
                # a block's rows are consecutive: the first id of each run of equal ids names every block read
                firsts = ids[np.r_[True, ids[1:] != ids[:-1]]]
                blocks.update(firsts[firsts >= 0].tolist())
                variables.update((-ids[ids < 0] - 1).tolist())
        return blocks, variables

    # ---- discovery ------------------------------------------------------------------------------------------

    def discover(self, outputs: Sequence[CellId]) -> list[Block]:
        """Blocks the outputs read (transitively), in dependency order, with `dep` set."""
        stack = []
        for s, r, c in outputs:
            b = self.block_at(self.wb.sheet(s).name, r, c)
            if b is not None:
                stack.append(b)
        active: dict[int, Block] = {}
        while True:
            while stack:
                b = stack.pop()
                if b.id in active:
                    continue
                try:
                    b.regions = self._resolve(b)
                except NeedsSplit:
                    stack.extend(self.split(b))
                    continue
                active[b.id] = b
                b.preds, b.reads_vars = set(), False
                for reg in b.regions:
                    preds, rv = self.sources(reg, b.n)
                    b.preds |= preds
                    b.reads_vars |= bool(rv)
                stack.extend(self.blocks[p] for p in b.preds if p not in active)
            try:
                order = list(TopologicalSorter({i: b.preds for i, b in active.items()}).static_order())
                break
            except CycleError as exc:
                cycle = [active[i] for i in dict.fromkeys(exc.args[1])]
                multi = [b for b in cycle if b.n > 1]
                if not multi:
                    raise CompileError("circular reference through "
                                       + ", ".join(b.label() for b in cycle[:6])) from None
                for b in multi:
                    del active[b.id]
                    stack.extend(self.split(b))
                for b in list(active.values()):  # their regions may read the split blocks: recompute sources
                    del active[b.id]
                    stack.append(b)
        blocks = [active[i] for i in order]
        for b in blocks:
            b.dep = b.reads_vars or any(self.blocks[p].dep for p in b.preds)
        return blocks

    def split(self, b: Block) -> list[Block]:
        """Replace a block by one block per cell (in the column index too)."""
        if b.n == 1:
            raise CompileError(f"{b.label()}: a reference in its formula cannot be compiled")
        rows, ids = self.column(b.sheet, b.col)
        singles = [b] + [self._new_block(b.sheet, b.col, b.r0 + i, 1, b.formula, None) for i in range(1, b.n)]
        for i, s in enumerate(singles):
            ids[np.searchsorted(rows, b.r0 + i)] = s.id
        b.n = 1
        return singles


def _alone(f: Formula, row: int, col: int, spills) -> bool:
    """Whether the formula at (row, col) makes a block of its own (see _runs)."""
    return (f.array is not None and not f.dynamic) or f.ast is None or (row, col) in spills


def _runs(rows: np.ndarray, fs: list[Formula], col: int, spills) -> list[tuple[int, int]]:
    """[i, j) index ranges of consecutive rows holding one relative formula (an array formula stands alone).
    The per-formula attributes are gathered by C-level maps: a column may hold a million formulas."""
    n = len(fs)
    if not n:
        return []
    asts = list(map(attrgetter("ast"), fs))
    trees = np.fromiter(map(id, asts), dtype=np.int64, count=n)
    dynamic = np.fromiter(map(attrgetter("dynamic"), fs), dtype=bool, count=n)
    legacy = np.fromiter(map(is_not, map(attrgetter("array"), fs), repeat(None)), dtype=bool, count=n) & ~dynamic
    lone = legacy | np.fromiter(map(is_, asts, repeat(None)), dtype=bool, count=n)
    anchors = [r for r, c in spills if c == col]
    if anchors:
        at = np.searchsorted(rows, anchors)
        at = at[(at < n) & (rows[np.minimum(at, n - 1)] == anchors)]
        lone[at] = True
    cut = (np.diff(rows) != 1) | (np.diff(dynamic) != 0) | lone[1:] | lone[:-1]
    differ = np.flatnonzero(~cut & (np.diff(trees) != 0))
    for k in differ.tolist():  # equal trees that are not one object (not interned) still belong together
        cut[k] = fs[k].ast != fs[k + 1].ast
    edges = np.r_[0, np.flatnonzero(cut) + 1, n].tolist()
    return list(zip(edges[:-1], edges[1:]))
