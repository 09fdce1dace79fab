"""The dependency graph: which cells each formula reads, and which formulas read each cell.

Precedents are found statically from the tree (references, names, structured references); a formula that calls a
volatile function (RAND, NOW, OFFSET, INDIRECT...) is recalculated every time instead. Areas are indexed by
interval on a few grids of growing coarseness (256 rows x 1 column, 2048 x 8, ... one block for the whole sheet):
each area goes in the finest grid where it covers at most MAX_KEYS blocks, so a whole-column or whole-sheet
reference costs a handful of entries, not one per cell, and "who reads this cell" is one dict lookup per grid.
"""
from __future__ import annotations

import bisect
import dataclasses
from collections import defaultdict
from dataclasses import dataclass

from gdsheet.errors import ExcelError
from gdsheet.formula import ast as A
from gdsheet.functions import FUNCTIONS
from gdsheet.refs import MAX_COL, MAX_ROW, Area, sheet_span
from gdsheet.sheet.references import sheets_between

CellId = tuple[str, int, int]
# grid level -> (row shift, column shift): blocks of 256 x 1 cells, then 8x coarser both ways at each level
_SHIFTS = tuple((8 + 3 * level, 3 * level) for level in range(6))
MAX_KEYS = 64
_DYNAMIC_REFERENCE_FUNCTIONS = {"OFFSET", "INDIRECT"}
_SPECIAL_FORMS = {"LET", "LAMBDA", "ISOMITTED", A.APPLY}  # calls that are not in the table but read no names


@dataclass(slots=True)
class Precedents:
    cells: tuple[CellId, ...]
    areas: tuple[Area, ...]
    volatile: bool


@dataclass(slots=True)
class BlockNode:
    """A FormulaBlock as one node of the graph: rows r1..r2 of a column, computed together. Its id is its first
    cell; its precedents are the union, over its rows, of what each row reads."""

    sheet: str
    col: int
    r1: int
    r2: int
    ast: A.Node

    @property
    def area(self) -> Area:
        return Area(self.sheet, self.r1, self.col, self.r2, self.col)

    @property
    def n(self) -> int:
        return self.r2 - self.r1 + 1


class Graph:
    def __init__(self) -> None:
        self.precedents: dict[CellId, Precedents] = {}
        # most cells have one reader: store it bare and make a set only for the second (saves ~200 bytes a cell)
        self.cell_readers: dict[CellId, CellId | set[CellId]] = {}
        self.area_readers: dict[Area, set[CellId]] = defaultdict(set)
        self.buckets: dict[tuple[str, int, int, int], set[Area]] = defaultdict(set)  # (sheet, level, col b, row b)
        self.levels: set[int] = set()  # grid levels holding any area
        self.volatile: set[CellId] = set()
        self.formula_rows: dict[tuple[str, int], list[int]] = defaultdict(list)  # (sheet, col) -> sorted rows
        self.formula_cols: dict[str, set[int]] = defaultdict(set)  # sheet -> columns with formulas
        self.full_order: tuple | None = None  # (spill ranges, order, cycle cells) of the last full recalculation
        self.blocks: dict[CellId, BlockNode] = {}  # block id (its first cell) -> the block
        self._block_index: dict[tuple[str, int], tuple[list[int], list[CellId]]] = {}  # (sheet, col) -> first rows, ids

    def add_block(self, node: BlockNode, prec: Precedents) -> CellId:
        bid = (node.sheet, node.r1, node.col)
        self.add(bid, prec, block=node)
        return bid

    def block_of(self, sheet: str, row: int, col: int) -> CellId | None:
        """The id of the block holding a cell, or None."""
        index = self._block_index.get((sheet, col))
        if index is None:
            return None
        i = bisect.bisect_right(index[0], row) - 1
        if i >= 0:
            bid = index[1][i]
            if row <= self.blocks[bid].r2:
                return bid
        return None

    def add(self, cid: CellId, prec: Precedents, block: BlockNode | None = None) -> None:
        if cid in self.precedents:
            self.remove(cid)
        self.full_order = None
        self.precedents[cid] = prec
        cell_readers = self.cell_readers
        for c in prec.cells:
            have = cell_readers.get(c)
            if have is None:
                cell_readers[c] = cid
            elif type(have) is set:
                have.add(cid)
            elif have != cid:
                cell_readers[c] = {have, cid}
        for a in prec.areas:
            readers = self.area_readers.get(a)
            if readers is None:
                readers = self.area_readers[a] = set()
                buckets = self.buckets
                for key in _bucket_keys(a):
                    buckets[key].add(a)
                    self.levels.add(key[1])
            readers.add(cid)
        if prec.volatile:
            self.volatile.add(cid)
        if block is not None:
            self.blocks[cid] = block
            starts, ids = self._block_index.setdefault((cid[0], cid[2]), ([], []))
            i = bisect.bisect(starts, cid[1])
            starts.insert(i, cid[1])
            ids.insert(i, cid)
            self.formula_cols[cid[0]].add(cid[2])
            return
        rows = self.formula_rows[(cid[0], cid[2])]
        r = cid[1]
        if not rows:
            self.formula_cols[cid[0]].add(cid[2])
        if not rows or rows[-1] < r:  # formulas mostly arrive row by row
            rows.append(r)
        else:
            i = bisect.bisect_left(rows, r)
            if i == len(rows) or rows[i] != r:
                rows.insert(i, r)

    def remove(self, cid: CellId) -> None:
        prec = self.precedents.pop(cid, None)
        if prec is None:
            return
        self.full_order = None
        for c in prec.cells:
            have = self.cell_readers.get(c)
            if have == cid:
                del self.cell_readers[c]
            elif type(have) is set:
                have.discard(cid)
        for a in prec.areas:
            readers = self.area_readers.get(a)
            if readers is not None:
                readers.discard(cid)
                if not readers:
                    del self.area_readers[a]
                    for key in _bucket_keys(a):
                        self.buckets[key].discard(a)
        self.volatile.discard(cid)
        if self.blocks.pop(cid, None) is not None:
            starts, ids = self._block_index[(cid[0], cid[2])]
            i = ids.index(cid)
            del starts[i], ids[i]
            return
        rows = self.formula_rows.get((cid[0], cid[2]))
        if rows:
            i = bisect.bisect_left(rows, cid[1])
            if i < len(rows) and rows[i] == cid[1]:
                rows.pop(i)
                if not rows:
                    self.formula_cols[cid[0]].discard(cid[2])

    def readers(self, cid: CellId) -> set[CellId]:
        """Formula cells that read cid directly."""
        sheet, r, c = cid
        have = self.cell_readers.get(cid)
        out = set() if have is None else set(have) if type(have) is set else {have}
        buckets = self.buckets
        for level in self.levels:
            rs, cs = _SHIFTS[level]
            for a in buckets.get((sheet, level, c >> cs, r >> rs), ()):
                if a.r1 <= r <= a.r2 and a.c1 <= c <= a.c2:
                    out |= self.area_readers[a]
        return out

    def readers_of_area(self, area: Area) -> set[CellId]:
        """Formula cells that read any cell of an area (for a spill range)."""
        out: set[CellId] = set()
        if area.size <= 4096:
            for r, c in area.cells():
                out |= self.readers((area.sheet, r, c))
            return out
        sheet = area.sheet  # a large area: look at what is indexed, not at every cell it names
        for (s, r, c), have in self.cell_readers.items():
            if s == sheet and area.r1 <= r <= area.r2 and area.c1 <= c <= area.c2:
                out |= have if type(have) is set else {have}
        for a, readers in self.area_readers.items():
            if a.sheet == sheet and a.r1 <= area.r2 and area.r1 <= a.r2 and a.c1 <= area.c2 and area.c1 <= a.c2:
                out |= readers
        return out

    def formulas_in(self, area: Area) -> list[CellId]:
        """Formula cells inside an area."""
        out = []
        cols = self.formula_cols.get(area.sheet)
        if not cols:
            return out
        c2 = min(area.c2, MAX_COL)
        if c2 - area.c1 >= len(cols):  # a wide area: visit the few columns that have formulas
            cols = sorted(c for c in cols if area.c1 <= c <= c2)
        else:
            cols = range(area.c1, c2 + 1)
        for c in cols:
            rows = self.formula_rows.get((area.sheet, c))
            if rows:
                lo, hi = bisect.bisect_left(rows, area.r1), bisect.bisect_right(rows, area.r2)
                out.extend((area.sheet, r, c) for r in rows[lo:hi])
            index = self._block_index.get((area.sheet, c))
            if index and index[0]:
                starts, ids = index
                i = max(bisect.bisect_right(starts, area.r1) - 1, 0)
                while i < len(ids) and starts[i] <= area.r2:
                    if self.blocks[ids[i]].r2 >= area.r1:
                        out.append(ids[i])
                    i += 1
        return out

    def formula_precedents(self, cid: CellId) -> list[CellId]:
        """Formula cells that cid reads directly (through its cells and areas)."""
        prec = self.precedents.get(cid)
        if prec is None:
            return []
        out = [c for c in prec.cells if c in self.precedents]
        if self.blocks and len(out) < len(prec.cells):  # a cell inside a block: the block is the node
            out += [b for b in (self.block_of(*c) for c in prec.cells if c not in self.precedents) if b]
        for a in prec.areas:
            out.extend(self.formulas_in(a))
        return out


def block_precedents(node: BlockNode, engine) -> Precedents | None:
    """What the rows of a block read, as areas: each reference's place in the first row and in the last, spanned.
    None when the block cannot be one node: its tree names something resolved per cell (names, tables, 3-D
    references), or a row reads a cell of the block itself (a running total, computed row by row)."""
    tree = node.ast
    template = _TEMPLATES.get(id(tree))
    if template is None or template[1] is None:
        find_precedents(tree, node.sheet, node.r1, node.col, engine)
        template = _TEMPLATES.get(id(tree))
    if template[1] is None:  # names or structured references (a Table's calculated column): as plain references
        from gdsheet.sheet.vectorised import block_tree

        tree = block_tree(tree, node.sheet, node.col, node.r1, node.r2, engine)
        if tree is None or _template(tree) is None:
            return None
    first = find_precedents(tree, node.sheet, node.r1, node.col, engine)
    last = find_precedents(tree, node.sheet, node.r2, node.col, engine)
    if len(first.cells) != len(last.cells) or len(first.areas) != len(last.areas):
        return None  # a reference leaves the grid in some rows
    areas = [Area(a[0], min(a[1], b[1]), min(a[2], b[2]), max(a[1], b[1]), max(a[2], b[2]))
             for a, b in zip(first.cells, last.cells)]
    areas += [Area(a.sheet, min(a.r1, b.r1), min(a.c1, b.c1), max(a.r2, b.r2), max(a.c2, b.c2))
              for a, b in zip(first.areas, last.areas)]
    own = node.area
    if any(a.sheet == own.sheet and a.r1 <= own.r2 and own.r1 <= a.r2 and a.c1 <= own.c2 and own.c1 <= a.c2
           for a in areas):
        return None
    return Precedents((), tuple(dict.fromkeys(areas)), first.volatile)


def _bucket_keys(a: Area):
    """The blocks of the finest grid on which `a` covers at most MAX_KEYS of them (at most 64 keys whatever the size;
    the coarsest grid is one block)."""
    if a.sheet is None:
        return
    for level, (rs, cs) in enumerate(_SHIFTS):
        b1, b2, k1, k2 = a.r1 >> rs, a.r2 >> rs, a.c1 >> cs, a.c2 >> cs
        if (b2 - b1 + 1) * (k2 - k1 + 1) <= MAX_KEYS or level == len(_SHIFTS) - 1:
            for k in range(k1, k2 + 1):
                for b in range(b1, b2 + 1):
                    yield a.sheet, level, k, b
            return


_TEMPLATES: dict[int, tuple[A.Node, tuple | None]] = {}  # id(tree) -> (tree, its references); trees are interned
_TEMPLATES_LIMIT = 100_000


def find_precedents(node: A.Node, sheet: str, row: int, col: int, engine) -> Precedents:
    """The references a formula makes when written in (sheet, row, col)."""
    hit = _TEMPLATES.get(id(node))
    if hit is None:
        if len(_TEMPLATES) >= _TEMPLATES_LIMIT:
            _TEMPLATES.clear()
        hit = _TEMPLATES[id(node)] = (node, _template(node))
    if hit[1] is None:
        return _walk_precedents(node, sheet, row, col, engine)
    cell_refs, area_refs, calls, volatile = hit[1]
    cells: list[CellId] = []
    areas: list[Area] = []
    for r, c, r_abs, c_abs, s in cell_refs:
        s = _sheet_of(engine, s) if s else sheet
        if not r_abs:
            r += row
        if not c_abs:
            c += col
        if s and 1 <= r <= MAX_ROW and 1 <= c <= MAX_COL:
            cells.append((s, r, c))
    for n in area_refs:
        s = _sheet_of(engine, n.sheet) if n.sheet else sheet
        area = _area_in(n, s, row, col)
        if area is not None:
            areas.append(area)
    for name in calls:
        spec = FUNCTIONS.get(name)
        if name in _DYNAMIC_REFERENCE_FUNCTIONS or (spec is not None and spec.volatile):
            volatile = True
    return Precedents(tuple(cells), tuple(areas), volatile)


def _template(node: A.Node) -> tuple | None:
    """A tree's cell references, area references and function names in the order find_precedents meets them, and
    whether it has a spill reference; None when it names something (names, tables) resolved per workbook."""
    cell_refs, area_refs, calls = [], [], []
    volatile = False
    todo = [node]
    while todo:
        n = todo.pop()
        t = type(n)
        if (t is A.CellRef or t is A.AreaRef) and n.sheet is not None and ":" in n.sheet:
            return None  # a 3-D reference: which sheets it spans depends on the workbook's order of sheets
        if t is A.CellRef:
            cell_refs.append((n.row, n.col, n.row_abs, n.col_abs, n.sheet))
        elif t is A.AreaRef:
            area_refs.append(n)
        elif t is A.Binary:
            todo += (n.right, n.left)
        elif t is A.Unary:
            todo.append(n.operand)
        elif t is A.SpillRef:
            todo.append(n.target)
            volatile = True  # the spill range is known only after its anchor is computed
        elif t is A.Call:
            if n.name not in FUNCTIONS and n.name not in _SPECIAL_FORMS:
                return None  # a LAMBDA called by name: what it reads depends on the workbook's names
            calls.append(n.name)
            todo += reversed(n.args)
        elif t is A.Name or t is A.StructRef:
            return None
    return tuple(cell_refs), tuple(area_refs), tuple(calls), volatile


def _sheet_of(engine, name: str) -> str | None:
    try:
        return engine.wb.sheet(name).name
    except KeyError:
        return None


def _area_in(n: A.AreaRef, s: str | None, row: int, col: int) -> Area | None:
    """The area an area reference means in (row, col) on sheet s; None outside the grid or on no sheet."""
    if n.r1 is None:
        r1, r2 = 1, MAX_ROW
    else:
        r1, r2 = (n.r1 if n.r1_abs else n.r1 + row), (n.r2 if n.r2_abs else n.r2 + row)
    if n.c1 is None:
        c1, c2 = 1, MAX_COL
    else:
        c1, c2 = (n.c1 if n.c1_abs else n.c1 + col), (n.c2 if n.c2_abs else n.c2 + col)
    r1, r2, c1, c2 = min(r1, r2), max(r1, r2), min(c1, c2), max(c1, c2)
    if s and r1 >= 1 and c1 >= 1 and r2 <= MAX_ROW and c2 <= MAX_COL:
        return Area(s, r1, c1, r2, c2)
    return None


def _walk_precedents(node: A.Node, sheet: str, row: int, col: int, engine) -> Precedents:
    """find_precedents for a tree with names or structured references, which are followed as the workbook has them."""
    cells: list[CellId] = []
    areas: list[Area] = []
    volatile = False
    seen_names: set = set()

    def walk(n, host_sheet):
        nonlocal volatile
        t = type(n)
        if (t is A.CellRef or t is A.AreaRef) and sheet_span(n.sheet) is not None:
            for s in sheets_between(engine.wb, *sheet_span(n.sheet)) or ():  # each sheet of a 3-D reference
                walk(dataclasses.replace(n, sheet=s), host_sheet)
        elif t is A.CellRef:
            s = _sheet_of(engine, n.sheet) if n.sheet else host_sheet
            r = n.row if n.row_abs else n.row + row
            c = n.col if n.col_abs else n.col + col
            if s and 1 <= r <= MAX_ROW and 1 <= c <= MAX_COL:
                cells.append((s, r, c))
        elif t is A.AreaRef:
            area = _area_in(n, _sheet_of(engine, n.sheet) if n.sheet else host_sheet, row, col)
            if area is not None:
                areas.append(area)
        elif t is A.Binary:
            walk(n.left, host_sheet)
            walk(n.right, host_sheet)
        elif t is A.Unary:
            walk(n.operand, host_sheet)
        elif t is A.SpillRef:
            walk(n.target, host_sheet)
            volatile = True  # the spill range is known only after its anchor is computed
        elif t is A.Call:
            spec = FUNCTIONS.get(n.name)
            if n.name in _DYNAMIC_REFERENCE_FUNCTIONS or (spec is not None and spec.volatile):
                volatile = True
            if spec is None and n.name not in _SPECIAL_FORMS:  # ADD1(5): what the name's LAMBDA reads
                walk(A.Name(n.name), host_sheet)
            for a in n.args:
                walk(a, host_sheet)
        elif t is A.ArrayLit:
            pass
        elif t is A.Name:
            dn = engine.wb.get_name(n.name, n.sheet or host_sheet)
            key = (dn.scope, dn.name.upper()) if dn else None
            if dn is not None and key not in seen_names:
                seen_names.add(key)
                tree = engine.name_tree(dn)
                if not isinstance(tree, ExcelError):
                    walk(tree, dn.scope or host_sheet)
            elif dn is None:
                table = engine.wb.tables.get(n.name.upper())
                if table is not None:
                    areas.append(table.data_area)
        elif t is A.StructRef:
            from gdsheet.sheet.structured import structured_area

            area = structured_area(n, engine.wb, sheet, row, col)
            if area is not None:
                areas.append(area)

    walk(node, sheet)
    return Precedents(tuple(cells), tuple(areas), volatile)


def strongly_connected(graph: dict[CellId, list[CellId]]) -> list[list[CellId]]:
    """Tarjan's strongly connected components, iteratively; each component comes after every component it points
    to, so with edges pointing at precedents the result is an evaluation order (cycles as components)."""
    index: dict[CellId, int] = {}
    low: dict[CellId, int] = {}
    on_stack: set[CellId] = set()
    stack: list[CellId] = []
    out: list[list[CellId]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(graph.get(root, ())))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(graph.get(child, ()))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                out.append(component)
    return out
