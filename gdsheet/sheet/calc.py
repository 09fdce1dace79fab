"""Recalculation: a topological order over the formulas that need it, spills, circular references, iteration."""
from __future__ import annotations

import random
import sys
from collections import deque

import numpy as np

from gdsheet import errors as E
from gdsheet.errors import FormulaSyntaxError, ResourceLimit
from gdsheet.formula import parse_cached
from gdsheet.refs import MAX_ARRAY_CELLS, MAX_COL, MAX_ROW, Area
from gdsheet.sheet.changes import Changes
from gdsheet.sheet.evaluate import Context, evaluate, to_value
from gdsheet.sheet.formulas import make_formula
from gdsheet.sheet.graph import (BlockNode, CellId, Graph, Precedents, block_precedents, find_precedents,
                                 strongly_connected)
from gdsheet.sheet.isolation import internal_error
from gdsheet.sheet.rename import rename_sheet_everywhere
from gdsheet.values import Lambda, MultiArea

BIG_CHANGE = 4096  # a block changing more rows than this reports them as one area, not cell by cell
_DEEP = 256  # cells computed inside one another before a cycle is cut short instead of followed
MAX_READ_CELLS = 1 << 23  # one range read as an array (8.4 million cells): ~70 MB of pointers, more with its values

# a chain of formulas read out of order is computed by recursion; leave room for long ones
sys.setrecursionlimit(max(sys.getrecursionlimit(), 20_000))


class Engine:
    """Keeps every formula value of a workbook current. Owned by the Workbook; reached through its methods."""

    def __init__(self, wb) -> None:
        self.wb = wb
        self.rng = random.Random()
        self.graph: Graph | None = None
        self._names: dict = {}
        self._dirty: set[CellId] = set()
        self._busy: set[CellId] = set()
        self._changed: set[CellId] = set()
        self._changed_areas: list[Area] = []  # blocks whose rows changed in bulk (see BIG_CHANGE)
        self._cycles: set[CellId] = set()
        self._cycle_members: set[CellId] = set()  # cells of the graph's cycles (of 2 cells or more) in this pass
        self._blocked: dict[CellId, Area] = {}  # #SPILL! anchors -> the range they need, retried when it empties
        self._sheets: dict = {}
        self._reads: dict[Area, np.ndarray] = {}  # areas read in this pass whose formulas are all computed
        self._respilled: set[CellId] = set()  # anchors whose spill range changed in this pass
        self._stack: list[CellId] = []  # the formulas being computed, innermost last
        self._tainted: set[CellId] = set()  # computed in this pass from a cell on (or after) a cycle
        self._last_spill: Area | None = None
        self.circular: set[CellId] = set()  # cells on or after a circular reference (Excel shows them as 0)
        self.circular_note = ""

    # ---- the graph ------------------------------------------------------------------------------------------

    def invalidate(self) -> None:
        """Forget the dependency graph (names, tables or sheets changed); it is rebuilt when next needed."""
        self.graph = None
        self._names.clear()
        self._sheets = {}

    def sheet(self, name: str):
        """The sheet by its exact name, cached (asked for millions of times in a recalculation)."""
        sh = self._sheets.get(name)
        if sh is None:
            sh = self._sheets[name] = self.wb.sheet(name)
        return sh

    def ensure_graph(self) -> Graph:
        if self.graph is None:
            g = Graph()
            for sheet in self.wb.sheets:
                for (r, c), f in sheet.formulas.singles().items():
                    if f.array is not None:
                        self._claim(sheet, (r, c), f.array)
                    if f.ast is not None:
                        g.add((sheet.name, r, c), find_precedents(f.ast, sheet.name, r, c, self))
                    else:
                        g.add((sheet.name, r, c), _NO_PRECEDENTS)
                for b in sheet.formulas.blocks():
                    self._add_block(g, BlockNode(sheet.name, b.col, b.r1, b.r2, b.ast))
            self.graph = g
        return self.graph

    def _add_block(self, g: Graph, node: BlockNode) -> None:
        """A block of the sheet's FormulaStore as one node; cell by cell where it cannot be one (see
        block_precedents)."""
        prec = block_precedents(node, self)
        if prec is not None:
            g.add_block(node, prec)
            return
        for r in range(node.r1, node.r2 + 1):
            g.add((node.sheet, r, node.col), find_precedents(node.ast, node.sheet, r, node.col, self))

    def _split_blocks(self, bids) -> set[CellId]:
        """Turn blocks into a node per cell (a cycle runs through them); the new nodes are dirty where the block
        was. Returns the new nodes."""
        g = self.graph
        new: set[CellId] = set()
        for bid in bids:
            node = g.blocks.get(bid)
            if node is None:
                continue
            g.remove(bid)
            rows = [(node.sheet, r, node.col) for r in range(node.r1, node.r2 + 1)]
            for cid in rows:
                g.add(cid, find_precedents(node.ast, *cid, self))
            new.update(rows)
            if bid in self._dirty:
                self._dirty.discard(bid)
                self._dirty.update(rows)
        return new

    def _claim(self, sh, anchor, area: Area) -> None:
        """Record that the cells of an array formula's range (or a dynamic formula's last spill, as a file keeps
        it) come from its anchor, so readers of those cells are ordered after it."""
        if anchor in sh.spills:
            return
        sh.spills[anchor] = Area(sh.name, area.r1, area.c1, area.r2, area.c2)
        for cell in area.cells():
            if cell != anchor and cell not in sh.formulas:
                sh.spilled_from.setdefault(cell, anchor)

    def name_tree(self, dn):
        key = (dn.scope, dn.name.upper(), dn.formula)
        tree = self._names.get(key)
        if tree is None:
            try:
                tree = parse_cached("=" + dn.formula, 1, 1)
            except FormulaSyntaxError as exc:
                tree = E.NAME.because(f"the name {dn.name} cannot be read: {exc}")
            self._names[key] = tree
        return tree

    # ---- reading values during a calculation ---------------------------------------------------------------

    def cell_value(self, sheet: str, row: int, col: int):
        cid = (sheet, row, col)
        sh = self.sheet(sheet)
        if self._busy or self._dirty:
            if self.graph is not None and self.graph.blocks:
                cid = self.graph.block_of(sheet, row, col) or cid  # a cell of a block: the block is the node
            if cid in self._busy:  # the cell reads itself: its last value stands in until the cycle is resolved
                self._cycles.update(self._stack[self._stack.index(cid):])
            elif cid in self._dirty:
                if len(self._stack) >= _DEEP and cid in self._cycle_members:
                    # a long cycle (4,000 cells reading each other): stop following it here, as if it had closed
                    # (its last value stands in), rather than recursing once per cell
                    self._cycles.update(c for c in self._stack if c in self._cycle_members)
                    self._cycles.add(cid)
                else:
                    self._compute(cid)
            elif sh.spilled_from:
                anchor = sh.spilled_from.get((row, col))
                if anchor is not None and (sheet, *anchor) in self._dirty:
                    self._compute((sheet, *anchor))
        if self._stack and (self._cycles or self._tainted or self.circular) and (
                cid in self._cycles or cid in self._tainted or cid in self.circular):
            self._tainted.add(self._stack[-1])  # it read a cell Excel would not calculate: neither would Excel
        return sh.cells.get((row, col))

    # the source of cell values for gdsheet.sheet.vectorised: columns and areas in bulk, brought up to date first

    def numbers(self, sheet: str, col: int, r1: int, r2: int) -> tuple[np.ndarray, np.ndarray]:
        try:
            sh = self.sheet(sheet)
        except KeyError:
            return np.zeros(r2 - r1 + 1), np.zeros(r2 - r1 + 1, dtype=bool)
        self._bring_up_to_date(sh, Area(sh.name, r1, col, r2, col))
        dense = sh.cells.dense(col, r1, r2)
        return (dense, np.True_) if dense is not None else sh.cells.numbers(col, r1, r2)

    def name(self, node, sheet: str):
        """A defined name's tree and the sheet it is scoped to (None for an unknown name or one that does not parse)."""
        dn = self.wb.get_name(node.name, node.sheet or sheet)
        if dn is None:
            return None
        tree = self.name_tree(dn)
        return None if isinstance(tree, E.ExcelError) else (tree, dn.scope)

    def structured(self, node, sheet: str, row: int, col: int):
        """The range a structured reference (Table1[Col], [@Col]) means from a cell."""
        from gdsheet.sheet.structured import structured_area

        return structured_area(node, self.wb, sheet, row, col)

    def texts(self, sheet: str, col: int, r1: int, r2: int) -> tuple[np.ndarray, np.ndarray]:
        """Rows r1..r2 of a column's texts (None where a cell holds none) and their mask."""
        values = np.full(r2 - r1 + 1, None, dtype=object)
        try:
            sh = self.sheet(sheet)
        except KeyError:
            return values, np.zeros(r2 - r1 + 1, dtype=bool)
        self._bring_up_to_date(sh, Area(sh.name, r1, col, r2, col))
        if sh.cells.has_other(col, r1, r2):
            column = sh.cells.area(r1, col, r2, col)[:, 0]
            is_text = np.array([type(v) is str for v in column], dtype=bool)
            values[is_text] = column[is_text]
            return values, is_text
        return values, np.zeros(r2 - r1 + 1, dtype=bool)

    def area(self, area: Area) -> tuple[np.ndarray, np.ndarray]:
        try:
            sh = self.sheet(area.sheet)
        except KeyError:
            return np.zeros((area.rows, area.cols)), np.zeros((area.rows, area.cols), dtype=bool)
        self._bring_up_to_date(sh, area)
        columns = [sh.cells.numbers(c, area.r1, area.r2) for c in range(area.c1, area.c2 + 1)]
        return np.stack([v for v, _ in columns], axis=1), np.stack([m for _, m in columns], axis=1)

    def read_area(self, area: Area) -> np.ndarray:
        """The values of an area as a 2-D array, cut to the sheet's used range (formulas inside computed first).
        Raises ResourceLimit when even that holds more than MAX_READ_CELLS cells."""
        cached = self._reads.get(area)
        if cached is not None:
            return cached.copy()
        sh = self.sheet(area.sheet)
        r2, c2 = self._used_corner(sh, area)
        size = (r2 - area.r1 + 1) * (c2 - area.c1 + 1)
        if size > MAX_READ_CELLS:
            raise ResourceLimit(f"the range {area.a1()} spans {size:,} cells of the used range, more than "
                                f"gdsheet's limit of {MAX_READ_CELLS:,} for one array")
        final = self._bring_up_to_date(sh, Area(sh.name, area.r1, area.c1, r2, c2))
        out = sh.cells.area(area.r1, area.c1, r2, c2)
        final = self._note_cycle_reads(area) and final
        if final and self._dirty and out.size >= 16:
            # the same range read by every row (MAX(Table1[Age]), $B$1:$K$1) is read once per pass
            self._reads[area] = out.copy()
        return out

    def read_present(self, area: Area) -> list:
        """The values of the cells of an area that hold something, row by row: what an aggregate (SUM(A:A))
        needs, found in time proportional to the cells the sheet has, not to the cells the area names."""
        sh = self.sheet(area.sheet)
        r2, c2 = self._used_corner(sh, area)
        if (r2 - area.r1 + 1) * (c2 - area.c1 + 1) <= 4 * len(sh.cells):
            return [v for v in self.read_area(area).flat if v is not None]
        self._bring_up_to_date(sh, Area(sh.name, area.r1, area.c1, r2, c2))
        self._note_cycle_reads(area)
        columns = [c for c in sh.cells.columns() if area.c1 <= c <= c2]
        if not columns:
            return []
        values = sh.cells.area(area.r1, columns[0], r2, columns[-1])
        if len(columns) < values.shape[1]:
            values = values[:, [c - columns[0] for c in columns]]
        return [v for v in values.flat if v is not None]

    def area_numbers(self, area: Area) -> np.ndarray | None:
        """The numbers of an area as a 1-D float64 array in row order when it holds nothing but numbers and empty
        cells (what SUM, AVERAGE... then see), read from the column store in bulk; None when it holds anything else
        (text, TRUE, an error), for the caller to read the area cell by cell."""
        try:
            sh = self.sheet(area.sheet)
        except KeyError:
            return None
        r2, c2 = self._used_corner(sh, area)
        if r2 < area.r1 or c2 < area.c1:
            return np.zeros(0)
        self._bring_up_to_date(sh, Area(sh.name, area.r1, area.c1, r2, c2))
        if not self._note_cycle_reads(area):
            return None
        columns = [c for c in sh.cells.columns() if area.c1 <= c <= c2]  # an empty column adds nothing
        if len(columns) * (r2 - area.r1 + 1) > MAX_READ_CELLS:
            return None
        if len(columns) == 1 and (dense := sh.cells.dense(columns[0], area.r1, r2)) is not None:
            return dense  # read-only, as the bulk functions take it
        values, masks = [], []
        for c in columns:
            v, m = sh.cells.numbers(c, area.r1, r2)
            if sh.cells.has_other(c, area.r1, r2):
                return None
            values.append(v)
            masks.append(m)
        if len(values) == 1:
            return values[0] if masks[0].all() else values[0][masks[0]]
        if not values:
            return np.zeros(0)
        v, m = np.stack(values, axis=1), np.stack(masks, axis=1)
        return v[m]  # row by row, as a reference is read

    @staticmethod
    def _used_corner(sh, area: Area) -> tuple[int, int]:
        max_r, max_c = sh.used_bounds if area.rows * area.cols > 100_000 else (area.r2, area.c2)
        return min(area.r2, max(max_r, area.r1)), min(area.c2, max(max_c, area.c1))

    def _bring_up_to_date(self, sh, clipped: Area) -> bool:
        """Compute the dirty formulas (and spills) inside an area; constants need nothing. True when none of them
        is still being computed (the values cannot change again in this pass)."""
        final = True
        if self._dirty or self._busy:
            for cid in self.ensure_graph().formulas_in(clipped):
                if cid in self._dirty or cid in self._busy:
                    self.cell_value(*cid)
                    final = final and cid not in self._busy
            for anchor, spill in list(sh.spills.items()):
                if (sh.name, *anchor) in self._dirty and _overlaps(spill, clipped):
                    self._compute((sh.name, *anchor))
        return final

    def _clean(self, area: Area) -> bool:
        """Whether an area holds no cell of (or computed from) a circular reference."""
        return not any(cid[0] == area.sheet and (cid[1], cid[2]) in area
                       for cid in self._cycles | self._tainted | self.circular)

    def _note_cycle_reads(self, area: Area) -> bool:
        """Taint the formula being computed when the area holds a cell of a cycle; False when it did."""
        if self._stack and (self._cycles or self._tainted or self.circular):
            for cid in self._cycles | self._tainted | self.circular:
                if cid[0] == area.sheet and (cid[1], cid[2]) in area:
                    self._tainted.add(self._stack[-1])
                    return False
        return True

    def spill_area(self, cell: Area):
        sh = self.wb.sheet(cell.sheet)
        self.cell_value(sh.name, cell.r1, cell.c1)
        spill = sh.spills.get((cell.r1, cell.c1))
        if spill is None:
            f = sh.formulas.get((cell.r1, cell.c1))
            return cell if f is not None else E.REF.because(f"{cell.a1(False)} does not spill")
        return spill

    # ---- computing one cell ---------------------------------------------------------------------------------

    def _compute(self, cid: CellId) -> None:
        sheet_name, r, c = cid
        sh = self.sheet(sheet_name)
        if self.graph is not None and cid in self.graph.blocks:
            self._compute_block(sh, cid, self.graph.blocks[cid])
            return
        f = sh.formulas.get((r, c))
        self._dirty.discard(cid)
        if f is None:
            return
        if f.ast is None:
            self._store(sh, cid, f.error)
            return
        self._busy.add(cid)
        self._stack.append(cid)
        try:
            ctx = Context(self, sh.name, r, c, array=f.array is not None or f.dynamic)
            try:
                value = evaluate(f.ast, ctx)
                if f.dynamic:
                    self._spill(sh, cid, _as_array_result(value, ctx))
                elif f.array is not None:
                    self._fill_array(sh, f.array, _as_array_result(value, ctx))
                else:
                    self._store(sh, cid, _cell_result(value, ctx))
            except Exception as exc:  # noqa: BLE001 - one cell's failure is that cell's error, never the book's
                self._fail(sh, cid, f, exc)
        finally:
            self._busy.discard(cid)
            self._stack.pop()

    def _compute_block(self, sh, bid: CellId, node: BlockNode) -> None:
        """All rows of a block: as one array operation where gdsheet.sheet.vectorised vouches for a row, the rest
        cell by cell, exactly as a single formula is computed."""
        from gdsheet.sheet.vectorised import block_tree, evaluate_rows, vectorisable

        if (self._cycles or self._tainted or self.circular) and not all(
                self._clean(a) for a in self.graph.precedents[bid].areas):
            # it reads a cell of a circular reference: Excel shows 0 in just the rows that do, so row by row
            for cid in sorted(self._split_blocks({bid})):
                if cid in self._dirty:
                    self._compute(cid)
            return
        self._dirty.discard(bid)
        self._busy.add(bid)
        self._stack.append(bid)
        name, col, r1, r2 = sh.name, node.col, node.r1, node.r2
        try:
            ok = None
            tree = block_tree(node.ast, name, col, r1, r2, self)  # names and Table references as plain ones
            if tree is not None and vectorisable(tree):
                try:
                    values, ok = evaluate_rows(tree, name, col, r1, r2, self)
                except Exception as exc:  # noqa: BLE001 - the rows are then computed one by one
                    internal_error("the formula's array form", exc, bid)
                    ok = None
            if ok is not None and ok.any():
                old, held = sh.cells.numbers(col, r1, r2)
                changed = np.flatnonzero(ok & ~(held & (old == values)))
                if len(changed) > BIG_CHANGE:
                    self._changed_areas.append(Area(name, r1 + int(changed[0]), col, r1 + int(changed[-1]), col))
                else:
                    self._changed.update((name, r1 + i, col) for i in changed.tolist())
                sh.cells.set_numbers(col, r1, values, where=None if ok.all() else ok)
                sh.grow(r2, col)
                rest = (r1 + np.flatnonzero(~ok)).tolist()
            else:
                rest = range(r1, r2 + 1)
            for r in rest:
                cid = (name, r, col)
                ctx = Context(self, name, r, col, array=False)
                try:
                    self._store(sh, cid, _cell_result(evaluate(node.ast, ctx), ctx))
                except Exception as exc:  # noqa: BLE001 - one cell's failure is that cell's error
                    self._store(sh, cid, internal_error("the formula", exc, cid))
        finally:
            self._busy.discard(bid)
            self._stack.pop()

    def _fail(self, sh, cid: CellId, f, exc: Exception) -> None:
        """An unexpected exception in a reference, operator or spill: the cell (an array formula: its range)
        shows #VALUE! with the reason, and the recalculation goes on."""
        error = internal_error("the formula", exc, cid)
        if f.dynamic:
            self._clear_spill(sh, (cid[1], cid[2]))
        if f.array is not None and not f.dynamic:
            for r, c in f.array.cells():
                self._store(sh, (sh.name, r, c), error)
        self._store(sh, cid, error)

    def _store(self, sh, cid: CellId, value) -> None:
        key = (cid[1], cid[2])
        old = sh.cells.get(key, _ABSENT)
        if old is _ABSENT or type(old) is not type(value) or old != value:
            self._changed.add(cid)
        if value is None:
            sh.cells.pop(key, None)
        else:
            sh.cells[key] = value
            sh.grow(*key)

    def _fill_array(self, sh, area: Area, value) -> None:
        if not isinstance(value, np.ndarray):
            value = np.array([[value]], dtype=object)
        h, w = value.shape
        for i, r in enumerate(range(area.r1, area.r2 + 1)):
            for j, c in enumerate(range(area.c1, area.c2 + 1)):
                ii, jj = (0 if h == 1 else i), (0 if w == 1 else j)
                v = value[ii, jj] if ii < h and jj < w else E.NA
                self._store(sh, (sh.name, r, c), _result(v))

    def _spill(self, sh, cid: CellId, value) -> None:
        anchor = (cid[1], cid[2])
        self._last_spill = sh.spills.get(anchor)
        self._clear_spill(sh, anchor)
        if not isinstance(value, np.ndarray) or value.shape == (1, 1):
            self._store(sh, cid, _result(value[0, 0] if isinstance(value, np.ndarray) else value))
            return
        h, w = value.shape
        if h == 0 or w == 0:
            self._store(sh, cid, E.CALC.because("the result is an empty array"))
            return
        if anchor[0] + h - 1 > MAX_ROW or anchor[1] + w - 1 > MAX_COL:
            self._store(sh, cid, E.SPILL.because(f"the {h:,} x {w:,} result extends beyond the edge of the sheet"))
            return
        if h * w > MAX_ARRAY_CELLS:  # Excel's "#SPILL! out of memory"
            self._store(sh, cid, E.SPILL.because(f"the {h:,} x {w:,} result has more than {MAX_ARRAY_CELLS:,} "
                                                 "cells, gdsheet's limit for a spill"))
            return
        area = Area(sh.name, anchor[0], anchor[1], anchor[0] + h - 1, anchor[1] + w - 1)
        for r, c in area.cells():
            if (r, c) == anchor:
                continue
            if (r, c) in sh.formulas or (r, c) in sh.spilled_from or sh.cells.get((r, c)) is not None:
                self._blocked[cid] = area
                self._store(sh, cid, E.SPILL.because(f"the result needs {area.a1(False)}, which is not empty"))
                return
        self._blocked.pop(cid, None)
        if self._last_spill != area:
            self._respilled.add(cid)
        sh.spills[anchor] = area
        self._reads = {}
        for i, r in enumerate(range(area.r1, area.r2 + 1)):
            for j, c in enumerate(range(area.c1, area.c2 + 1)):
                if (r, c) != anchor:
                    sh.spilled_from[(r, c)] = anchor
                self._store(sh, (sh.name, r, c), _result(value[i, j]))

    def _clear_spill(self, sh, anchor) -> None:
        old = sh.spills.pop(anchor, None)
        if old is None:
            return
        for r, c in old.cells():
            if (r, c) != anchor and sh.spilled_from.get((r, c)) == anchor:
                del sh.spilled_from[(r, c)]
                self._store(sh, (sh.name, r, c), None)

    # ---- recalculation --------------------------------------------------------------------------------------

    def recalculate_all(self, progress=None) -> set[CellId]:
        """Every formula from scratch; `progress(done, total)`, when given, is called between formulas (a block
        of rows counts its rows) so that a window can answer while a big workbook is computed."""
        g = self.ensure_graph()
        return self._run(set(g.precedents), full=True, progress=progress)

    def recalculate_volatile(self) -> set[CellId]:
        g = self.ensure_graph()
        return self._run(self._with_dependents(set(g.volatile)))

    def _run(self, dirty: set[CellId], full: bool = False, progress=None) -> set[CellId]:
        self._reads = {}
        self.circular -= dirty
        self._changed = set()
        self._changed_areas = []
        self._cycles = set()
        self._cycle_members = set()
        self._tainted = set()
        self._dirty = set(dirty)
        order = self._order(dirty, full)
        blocks = self.graph.blocks
        done, total = 0, (sum(b.n for b in blocks.values()) + len(order) - len(blocks) if progress else 0)
        for cid in order:
            if cid in self._dirty:
                self._compute(cid)
            if progress is not None:
                block = blocks.get(cid)
                done += 1 if block is None else block.n
                progress(done, total)
        for _ in range(4):  # a spill that appeared or changed size: its readers may have read too early
            respilled, self._respilled = self._respilled, set()
            if not respilled:
                break
            again = self.dependents_of_many(respilled)
            self._dirty = set(again)
            for cid in self._order(again):
                if cid in self._dirty:
                    self._compute(cid)
        if self._cycles and self.wb.calc.iterate:
            self._iterate_cycles()
        elif self._cycles or self._tainted:
            self._zero_circular()
        self._dirty = set()
        self._reads = {}
        changed = Changes(self._changed, self._changed_areas)
        self._changed, self._changed_areas = set(), []
        return changed

    def _order(self, cells: set[CellId], full: bool = False) -> list[CellId]:
        """An evaluation order for `cells` (precedents first). A full recalculation's order is kept on the graph
        and reused until the graph or the spill ranges change."""
        g = self.graph
        spills = [(sh.name, a, (sh.name, *anchor)) for sh in self.wb.sheets for anchor, a in sh.spills.items()]
        if full:
            if g.full_order is not None and g.full_order[0] == spills:
                self._cycle_members |= g.full_order[2]
                return g.full_order[1]
            cells_in_order = g.precedents.keys()  # the same cells as `cells`, in a reproducible order
        else:
            cells_in_order = cells

        def preds(cid):
            out = [p for p in g.formula_precedents(cid) if p in cells]
            if spills:
                prec = g.precedents.get(cid)
                for sheet, area, anchor in spills:
                    if anchor in cells and anchor != cid and any(_overlaps(a, area) for a in prec.areas):
                        out.append(anchor)
            return out

        order = _depth_first(cells_in_order, preds)
        members: set[CellId] = set()
        if order is None:
            # cells on cycles come out as components, in dependency order; reading each other marks the cycle
            graph = {cid: preds(cid) for cid in cells_in_order}
            components = strongly_connected(graph)
            looped = {cid for component in components if len(component) > 1 or component[0] in graph[component[0]]
                      for cid in component if cid in g.blocks}
            if looped:  # blocks reading each other row by row need not be a cycle of cells: look cell by cell
                new = self._split_blocks(looped & cells)
                self._split_blocks(looped - cells)
                return self._order((cells - looped) | new, full)
            order = [cid for component in components for cid in sorted(component)]
            members = {cid for component in components if len(component) > 1 for cid in component}
        if full:
            g.full_order = (spills, order, members)
        self._cycle_members |= members
        return order

    def _zero_circular(self) -> None:
        """Iterative calculation off: do what Excel does. The cells found on a cycle, and the cells computed from
        them, show 0 rather than a value; `circular` and `circular_note` name them for the app and the CLI."""
        affected = self._cycles | self._tainted
        if self._cycles:
            members = ", ".join(f"{s}!{Area(s, r, c, r, c).a1(False)}" for s, r, c in sorted(self._cycles)[:6])
            self.circular_note = f"circular reference through {members}"
        for sheet, r, c in list(affected):  # an array formula on a cycle: all of its cells
            spill = self.sheet(sheet).spills.get((r, c))
            if spill is not None:
                affected |= {(sheet, rr, cc) for rr, cc in spill.cells()}
        self.circular |= affected
        for cid in affected:
            self._store(self.sheet(cid[0]), cid, 0.0)

    def _iterate_cycles(self) -> None:
        """Iterative calculation on (Excel's calcPr iterate): recompute the cycles and what depends on them until
        the largest change is below iterate_delta, at most iterate_count times."""
        cycle = set(self._cycles)
        self._reads = {}
        group = self._with_dependents(cycle)
        for _ in range(min(max(1, self.wb.calc.iterate_count), 32_767) - 1):  # Excel's limit, whatever was set
            before = {cid: self.wb.sheet(cid[0]).cells.get(cid[1:]) for cid in group}
            self._dirty = set(group)
            for cid in sorted(group):
                if cid in self._dirty:
                    self._compute(cid)
            delta = max((abs(_num(self.wb.sheet(cid[0]).cells.get(cid[1:])) - _num(before[cid]))
                         for cid in group), default=0.0)
            if delta < self.wb.calc.iterate_delta:
                break

    def _with_dependents(self, cells: set[CellId]) -> set[CellId]:
        return set(cells) | self.dependents_of_many(cells)

    # ---- edits ----------------------------------------------------------------------------------------------

    def set_constants(self, updates) -> set[CellId]:
        g = self.ensure_graph()
        sources: set[CellId] = set()
        self._changed = set()
        for sheet_name, r, c, value in updates:
            sh = self.wb.sheet(sheet_name)
            cid = (sh.name, r, c)
            self._leave_block(cid)
            self._drop_formula(sh, cid)
            anchor = sh.spilled_from.pop((r, c), None)
            if anchor is not None:
                sources.add((sh.name, *anchor))  # a value typed into a spill blocks it: #SPILL!
            self._store(sh, cid, value)
            sources.add(cid)
            sources.update(a for a, need in self._blocked.items() if need.sheet == sh.name and (r, c) in need)
        changed = self._changed
        dirty = self.dependents_of_many(sources) | g.volatile
        dirty |= {s for s in sources if s in g.precedents}
        return changed | self._run(self._with_dependents(dirty))

    def set_formula(self, sheet_name: str, r: int, c: int, text: str, array, dynamic: bool) -> set[CellId]:
        g = self.ensure_graph()
        sh = self.wb.sheet(sheet_name)
        cid = (sh.name, r, c)
        self._leave_block(cid)
        self._changed = set()
        self._drop_formula(sh, cid)
        f = make_formula(text, r, c, array, dynamic)
        sh.formulas[(r, c)] = f
        sh.grow(r, c)
        if f.array is not None and not dynamic:  # f.array: make_formula refuses a range too large to fill
            self._claim(sh, (r, c), f.array)
        g.add(cid, find_precedents(f.ast, sh.name, r, c, self) if f.ast is not None else _NO_PRECEDENTS)
        changed = self._changed
        anchor = sh.spilled_from.get((r, c))
        dirty = {cid} | ({(sh.name, *anchor)} if anchor else set())
        return changed | self._run(self._with_dependents(dirty | g.volatile))

    def _leave_block(self, cid: CellId) -> None:
        """Before a cell of a block is edited: its block is split in the graph into the rows above and below as
        blocks, and the cell on its own, as the sheet's FormulaStore splits it."""
        g = self.graph
        bid = g.block_of(*cid) if g is not None and g.blocks else None
        if bid is None:
            return
        node = g.blocks[bid]
        g.remove(bid)
        row = cid[1]
        for a, b in ((node.r1, row - 1), (row + 1, node.r2)):
            if a == b:
                g.add((node.sheet, a, node.col), find_precedents(node.ast, node.sheet, a, node.col, self))
            elif a < b:
                self._add_block(g, BlockNode(node.sheet, node.col, a, b, node.ast))
        g.add(cid, find_precedents(node.ast, node.sheet, row, node.col, self))

    def _drop_formula(self, sh, cid: CellId) -> None:
        key = cid[1:]
        if sh.formulas.pop(key, None) is not None:
            self.graph.remove(cid)
            self._blocked.pop(cid, None)
            self._clear_spill(sh, key)

    # ---- questions ------------------------------------------------------------------------------------------

    def dependents_of_many(self, cells: set[CellId]) -> set[CellId]:
        g = self.ensure_graph()
        out: set[CellId] = set()
        queue = deque(cells)
        seen = set(cells)
        while queue:
            cid = queue.popleft()
            readers = g.readers(cid)
            sh = self.wb.sheet(cid[0])
            spill = sh.spills.get(cid[1:])
            if spill is not None:
                readers |= g.readers_of_area(spill)
            block = g.blocks.get(cid)
            if block is not None:
                readers |= g.readers_of_area(block.area)
            for rd in readers:
                if rd not in out:
                    out.add(rd)
                    if rd not in seen:
                        seen.add(rd)
                        queue.append(rd)
        return out

    def dependents(self, cid: CellId, transitive: bool) -> set[CellId]:
        g = self.ensure_graph()
        found = self.dependents_of_many({cid}) if transitive else g.readers(cid)
        out = {d for d in found if d not in g.blocks}
        for bid in found - out:  # a block stands for its cells: those that read cid (all of them, once removed)
            node = g.blocks[bid]
            rows = range(node.r1, node.r2 + 1)
            if not transitive and node.n <= 2000:
                rows = [r for r in rows if _reads(find_precedents(node.ast, node.sheet, r, node.col, self), cid)]
            out.update((node.sheet, r, node.col) for r in rows)
        return out

    def _precedents_of(self, cid: CellId) -> Precedents | None:
        g = self.graph
        bid = g.block_of(*cid) if g.blocks else None
        if bid is None:
            return g.precedents.get(cid)
        return find_precedents(g.blocks[bid].ast, *cid, self)

    def precedents(self, cid: CellId, transitive: bool) -> set[CellId]:
        g = self.ensure_graph()
        out: set[CellId] = set()
        queue = deque([cid])
        while queue:
            prec = self._precedents_of(queue.popleft())
            if prec is None:
                continue
            cells = set(prec.cells)
            for a in prec.areas:
                sh = self.wb.sheet(a.sheet)
                max_r, max_c = sh.used_bounds if a.size > 100_000 else (a.r2, a.c2)
                cells.update((a.sheet, r, c) for r in range(a.r1, min(a.r2, max_r) + 1)
                             for c in range(a.c1, min(a.c2, max_c) + 1))
            for p in cells - out:
                out.add(p)
                if transitive and (p in g.precedents or g.blocks and g.block_of(*p)):
                    queue.append(p)
        return out

    def evaluate_text(self, text: str, sheet: str, row: int, col: int):
        f = make_formula(text, row, col, dynamic=True)
        if f.ast is None:
            return f.error
        ctx = Context(self, sheet, row, col, array=True)
        try:
            value = _as_array_result(evaluate(f.ast, ctx), ctx)
        except Exception as exc:  # noqa: BLE001 - as in a cell: an error value, never an exception
            return internal_error("the formula", exc, (sheet, row, col))
        if isinstance(value, np.ndarray):
            out = value.copy()
            for idx, v in np.ndenumerate(out):
                out[idx] = _result(v)
            return out
        return _result(value)

    def rename_sheet(self, old: str, new: str) -> None:
        rename_sheet_everywhere(self.wb, old, new)
        self.invalidate()


_ABSENT = object()
_NO_PRECEDENTS = Precedents((), (), False)


def _as_array_result(value, ctx: Context):
    """What an array or dynamic formula yields: a multi-cell reference is read whole."""
    if isinstance(value, Area) and not value.is_cell:
        return ctx.read(value)
    return _result(to_value(value, ctx)) if isinstance(value, Lambda) else to_value(value, ctx)


def _cell_result(value, ctx: Context):
    """What a formula (not an array formula) shows in its cell."""
    if type(value) is float:
        return value
    value = to_value(value, ctx)
    if isinstance(value, np.ndarray):
        value = value[0, 0] if value.size else E.VALUE
    return _result(value)


def _result(v):
    """A formula's shown value: a reference's empty cell shows 0, as in Excel; a LAMBDA never called is #CALC!, and
    so is an array inside an array (which Excel cannot show either)."""
    if v is None:
        return 0.0
    if isinstance(v, Lambda):
        return E.CALC.because("a LAMBDA must be called, as in =LAMBDA(x,x+1)(2)")
    if isinstance(v, (np.ndarray, Area, MultiArea)):
        return E.CALC.because("an array inside an array cannot be shown in one cell")
    return v


def _num(v) -> float:
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else 0.0


def _depth_first(cells, preds) -> list[CellId] | None:
    """The cells with each one after its precedents (depth-first, iteratively); None when there is a cycle."""
    order: list[CellId] = []
    done: dict[CellId, bool] = {}  # False while on the current path, True once placed
    for root in cells:
        if root in done:
            continue
        done[root] = False
        stack = [(root, iter(preds(root)))]
        while stack:
            cid, todo = stack[-1]
            for p in todo:
                state = done.get(p)
                if state is None:
                    done[p] = False
                    stack.append((p, iter(preds(p))))
                    break
                if state is False:
                    return None
            else:
                stack.pop()
                done[cid] = True
                order.append(cid)
    return order


def _reads(prec: Precedents, cid: CellId) -> bool:
    return cid in prec.cells or any(a.sheet == cid[0] and (cid[1], cid[2]) in a for a in prec.areas)


def _overlaps(a: Area, b: Area) -> bool:
    return a.sheet == b.sheet and a.r1 <= b.r2 and b.r1 <= a.r2 and a.c1 <= b.c2 and b.c1 <= a.c2
