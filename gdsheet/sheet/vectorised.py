"""One relative formula computed for a block of rows of a column as numpy array operations (issue 13).

A column filled with one formula shares one relative tree (formula.parse_cached). `vectorisable(tree)` says, from
the tree alone, whether every node has an array form here; `evaluate_rows(tree, sheet, col, r1, r2, source)` then
gives the formula's value in each cell (row, col), r1 <= row <= r2, and a mask `ok` of the rows the array path
vouches for. A row is not ok when a cell it reads is not a plain number (text, TRUE, an error, empty) or when its
result is an Excel error (a non-finite number: #DIV/0!, #NUM!...): the engine computes those rows cell by cell and
gets the exact value or error. On ok rows the value is bit for bit the engine's: the same floating-point operations
in the same order (the functions' own kernels; row_reductions for aggregates; libm's pow for ^).

Also: `block_tree(tree, sheet, col, r1, r2, source)` (defined names and structured references written as plain
references for the block: what the other functions take); `result_kind(tree)` (NUM; BOOL for a TRUE/FALSE
formula, which evaluate_rows gives as 1.0/0.0; or None); `cells_read(tree, sheet, col, r1, r2)` (a block's
precedents as rectangles, for the dependency graph); `reads_own_rows(...)` (a running total =C3+B4 reads its own
block: not one array operation).

Each node evaluates to a `Rows(v, ok, err)`: its values, the rows where they are known numbers, and the rows where
the engine certainly gives an error (needed by IFERROR and by IF's branch not taken); a row in neither is unknown
(it read something that is not a number). Arrays are (n,) or 0-d for what every row shares.

The source of cell values (the engine's column store, or sheet/vector_source.WorkbookSource over a Workbook) offers:

  source.numbers(sheet, col, r1, r2) -> (float64 (n,), bool (n,))   rows r1..r2 of a column; mask: a plain number
                                         (or the scalar True when every row holds one)
  source.area(area: refs.Area)        -> (float64 (h, w), bool (h, w)) an absolute rectangle, same convention
  source.name(node: ast.Name, sheet)  -> (tree, scope sheet or None) | None   optional: a defined name's tree
                                         (Engine.name_tree), None for what is not a defined name
  source.structured(node: ast.StructRef, sheet, row, col) -> refs.Area | None   optional: the range a structured
                                         reference means from a cell (sheet/structured.structured_area)
  source.texts(sheet, col, r1, r2)    -> (object (n,), bool (n,))   optional: a column's texts (None elsewhere) and
                                         where they are, for a cell compared with a text ([@Sex]="male")
  A sheet that does not exist reads as no numbers (mask all False). Arrays returned are never written to.
"""
from __future__ import annotations

import math

import numpy as np

from gdsheet.errors import ExcelError
from gdsheet.formula import ast as A
from gdsheet.functions import FUNCTIONS
from gdsheet.functions.math import _log_guard, _power_guard
from gdsheet.refs import MAX_COL, MAX_ROW, Area
from gdsheet.sheet import row_reductions as R
from gdsheet.sheet import vector_rounding as VR
from gdsheet.sheet.vector_kinds import (AGGREGATES, ARRAY_GUARDS, BOOL, ERROR, INTEGER_PARTS, NUM, OTHER,
                                        ROUND_DIGITS, SCALAR, array_form, cells_read, digits, expand_names, if_kinds,
                                        kind_of, operands, reads_own_rows, row_independent, text_comparison, vectorisable)
from gdsheet.sheet.vector_ops import (F, T, Rows, all_of, any_of, binary, integer_part, is_bool, math_log, num,
                                      power, truth, unary)
from gdsheet.sheet.vector_source import WorkbookSource

__all__ = ["vectorisable", "evaluate_rows", "block_tree", "result_kind", "cells_read", "reads_own_rows",
           "WorkbookSource", "NUM", "BOOL"]
CHUNK_FLOATS = 1 << 22  # floats of temporaries per chunk (32 MB): rows in a chunk = this / the cells a row reads
MIN_CHUNK_ROWS, MAX_CHUNK_ROWS = 1024, 1 << 16


# ---- evaluation ---------------------------------------------------------------------------------------------

def evaluate_rows(node: A.Node, sheet: str, col: int, r1: int, r2: int, source,
                  spec_lookup=FUNCTIONS) -> tuple[np.ndarray, np.ndarray]:
    """The formula's values in cells (r1..r2, col) of `sheet` as float64 (n,), and the bool (n,) mask of rows the
    array path vouches for (elsewhere the values are NaN: compute those cells one by one). For a formula whose
    result is TRUE/FALSE (result_kind BOOL, =A4>0) the values are 1.0 and 0.0 for TRUE and FALSE: the caller stores
    booleans. The caller must not pass a block that reads its own cells (=C3+B4 down column C: see cells_read)."""
    node = block_tree(node, sheet, col, r1, r2, source)
    if node is None or kind_of(node, spec_lookup) not in (NUM, BOOL):
        raise ValueError("the formula has no array form (check vectorisable first)")
    n = r2 - r1 + 1
    values, ok = np.empty(max(n, 0)), np.empty(max(n, 0), dtype=bool)
    # rows in chunks: the temporaries of a chunk stay in cache, and a formula reading hundreds of cells a row
    # (SUMPRODUCT over 784 pixels) holds hundreds of chunk-long arrays, not of block-long ones
    step = max(MIN_CHUNK_ROWS, min(MAX_CHUNK_ROWS, CHUNK_FLOATS // _row_width(node)))
    shared: dict = {}  # what every row reads the same (absolute cells and ranges), read once for all chunks
    with np.errstate(all="ignore"):  # inf and NaN are Excel errors here, found by isfinite, not warnings
        for start in range(r1, r2 + 1, step):
            stop = min(start + step - 1, r2)
            out = _Evaluator(source, sheet, col, start, stop, spec_lookup, shared).eval(node)
            rows = slice(start - r1, stop - r1 + 1)
            ok[rows] = np.broadcast_to(np.asarray(out.ok, dtype=bool), (stop - start + 1,))
            values[rows] = np.where(ok[rows], num(out.v), np.nan)
    return values, ok


def _row_width(node: A.Node) -> int:
    """About how many arrays a row's evaluation holds: the cells of relative ranges, and one per other node."""
    width = 0
    for n in operands(node):
        if type(n) is A.AreaRef and not n.r1_abs and None not in (n.r1, n.r2, n.c1, n.c2):
            width += (n.r2 - n.r1 + 1) * (n.c2 - n.c1 + 1)
        else:
            width += 1
    return width


def block_tree(node: A.Node, sheet: str, col: int, r1: int, r2: int, source) -> A.Node | None:
    """The tree with its defined names (source.name) and structured references (source.structured) written as
    the plain references they mean for this block, or None where one cannot be (an unknown name, a [#This Row]
    reference from rows outside the table's data). The functions here take the tree it gives."""
    names = getattr(source, "name", None)
    resolve = getattr(source, "structured", None)
    if names is None and resolve is None:
        return node

    def structured(n: A.StructRef, on: str) -> A.Node | None:
        # what the reference means from the block's first and last rows: the same range (Table1[Col]) or a range
        # moving with the row (Table1[[#This Row],[Col]]), written as an absolute or a row-relative reference
        first, last = (resolve(n, on, r, col) if resolve is not None else None for r in (r1, r2))
        if first is None or last is None:
            return None
        fixed = first == last
        if not fixed and (last.r1 - first.r1, last.r2 - first.r2) != (r2 - r1, r2 - r1):
            return None
        top, bottom = (first.r1, first.r2) if fixed else (first.r1 - r1, first.r2 - r1)
        if first.r1 == first.r2 and first.c1 == first.c2:
            return A.CellRef(top, first.c1, fixed, True, first.sheet)
        return A.AreaRef(top, first.c1, bottom, first.c2, fixed, True, fixed, True, first.sheet)

    return expand_names(node, names, sheet, structured=structured)


def result_kind(node: A.Node, spec_lookup=FUNCTIONS, names=None, sheet: str | None = None) -> str | None:
    """NUM for a formula evaluate_rows computes as numbers, BOOL for one it computes as TRUE/FALSE (as 1.0/0.0),
    None for one it cannot compute."""
    if names is not None:
        node = expand_names(node, names, sheet)
    kind = kind_of(node, spec_lookup) if node is not None else None
    return kind if kind in (NUM, BOOL) else None


class _Evaluator:
    def __init__(self, source, sheet: str, col: int, r1: int, r2: int, fx, shared: dict):
        self.source, self.sheet, self.col, self.r1, self.r2, self.fx = source, sheet, col, r1, r2, fx
        self.memo: dict[A.Node, Rows] = {}  # =EXP(-D4)/(1+EXP(-D4)) computes EXP(-D4) once
        self.shared = shared

    def area(self, area: Area):
        """An absolute rectangle's values and mask, read from the source once for the whole block."""
        hit = self.shared.get(area)
        if hit is None:
            v, m = self.source.area(area)
            hit = self.shared[area] = np.asarray(v, dtype=float), np.asarray(m, dtype=bool)
        return hit

    def eval(self, n: A.Node) -> Rows:
        hit = self.memo.get(n)
        if hit is None:
            hit = self.memo[n] = self._eval(n)
        return hit

    def _eval(self, n: A.Node) -> Rows:
        t = type(n)
        if t is A.Number:
            return Rows(np.float64(n.value), T, F)
        if t is A.Bool:
            return Rows(np.bool_(n.value), T, F)
        if t is A.CellRef:
            return self.cell(n)
        if t is A.Unary:
            return unary(n.op, self.eval(n.operand))
        if t is A.Binary:
            if text_comparison(n):
                return self.text_comparison(n)
            return binary(n.op, self.eval(n.left), self.eval(n.right))
        return self.call(n)

    def text_comparison(self, n: A.Binary) -> Rows:
        """A cell = or <> a text: Excel compares texts ignoring case (as values.compare, with str.lower); a number
        is never equal to a text. Rows whose cell is neither (empty, TRUE, an error) are left to the engine."""
        ref, text = (n.left, n.right.value) if type(n.right) is A.Text else (n.right, n.left.value)
        texts = getattr(self.source, "texts", None)
        if texts is None:
            return Rows(F, F, F)
        number = self.eval(ref).ok
        sheet, size = ref.sheet or self.sheet, self.r2 - self.r1 + 1
        c = ref.col if ref.col_abs else self.col + ref.col
        lo, hi = (ref.row, ref.row) if ref.row_abs else (self.r1 + ref.row, self.r2 + ref.row)
        if not (1 <= c <= MAX_COL and 1 <= lo and hi <= MAX_ROW):
            return Rows(F, F, F)
        values, is_text = texts(sheet, c, lo, hi)
        if ref.row_abs:
            values, is_text = np.broadcast_to(values, (size,)), np.broadcast_to(is_text, (size,))
        lowered = np.char.lower(np.where(is_text, values, "").astype(str))
        equal = is_text & (lowered == text.lower())
        return Rows(equal if n.op == "=" else ~equal, number | is_text, F)

    # ---- references

    def cell(self, n: A.CellRef) -> Rows:
        sheet = n.sheet or self.sheet
        c = n.col if n.col_abs else self.col + n.col
        if n.row_abs:
            v, m = self.area(Area(sheet, n.row, c, n.row, c)) if _in_grid(n.row, c) else (0.0, F)
            return Rows(np.float64(np.asarray(v).flat[0]), np.bool_(np.asarray(m).flat[0]), F)
        return self.column(sheet, c, n.row)

    def column(self, sheet: str, c: int, dr: int) -> Rows:
        """Column c read at each row + dr; rows whose cell is outside the grid are unknown (#REF!)."""
        n = self.r2 - self.r1 + 1
        lo, hi = max(self.r1 + dr, 1), min(self.r2 + dr, MAX_ROW)
        if not 1 <= c <= MAX_COL or lo > hi:
            return Rows(np.zeros(n), F, F)
        v, m = self.source.numbers(sheet, c, lo, hi)
        v, m = np.asarray(v, dtype=float), np.asarray(m, dtype=bool)  # no copy when they are what the protocol says
        if lo == self.r1 + dr and hi == self.r2 + dr:
            return Rows(v, m, F)
        values, mask = np.zeros(n), np.zeros(n, dtype=bool)
        values[lo - self.r1 - dr:hi - self.r1 - dr + 1] = v
        mask[lo - self.r1 - dr:hi - self.r1 - dr + 1] = m
        return Rows(values, mask, F)

    def cells(self, n: A.Node) -> list[Rows]:
        """An aggregate argument's cells in the order the scalar function reads them (row-major)."""
        if type(n) is not A.AreaRef:
            return [self.eval(n)]
        sheet = n.sheet or self.sheet
        c1 = n.c1 if n.c1_abs else self.col + n.c1
        c2 = n.c2 if n.c2_abs else self.col + n.c2
        if n.r1_abs:
            if not (_in_grid(n.r1, c1) and _in_grid(n.r2, c2)):
                return [Rows(np.float64(0), F, F)]
            v, m = self.area(Area(sheet, n.r1, c1, n.r2, c2))
            return [Rows(x, k, F) for x, k in zip(np.ravel(v), np.ravel(m))]
        return [self.column(sheet, c, dr) for dr in range(n.r1, n.r2 + 1) for c in range(c1, c2 + 1)]

    # ---- functions

    def call(self, n: A.Call) -> Rows:
        name = n.name
        if name in AGGREGATES:
            return self.aggregate(name, n.args)
        if name in ("TRUE", "FALSE"):
            return Rows(np.bool_(name == "TRUE"), T, F)
        if name == "PI":
            return Rows(np.float64(self.fx[name].impl()), T, F)
        if name == "IF":
            _, *kinds = if_kinds(n, self.fx)
            c = self.eval(n.args[0])
            a, b = (self.branch(node, kind) for node, kind in zip((*n.args[1:], None), kinds))
            test = truth(c.v)
            return Rows(np.where(test, a.v, b.v), c.ok & np.where(test, a.ok, b.ok),
                         c.err | (c.ok & np.where(test, a.err, b.err)))
        args = [self.eval(a) for a in n.args]
        if name == "IFERROR":
            a, b = args
            return Rows(np.where(a.ok, a.v, b.v), a.ok | (a.err & b.ok), a.err & b.err)
        if name in ("AND", "OR", "NOT"):
            truths = [truth(a.v) for a in args]
            v = np.logical_not(truths[0]) if name == "NOT" else (np.all if name == "AND" else np.any)(
                np.broadcast_arrays(*truths), axis=0)
            return Rows(v, all_of([a.ok for a in args]) & ~any_of([a.err for a in args]), any_of([a.err for a in args]))
        return self.apply(n, args)

    def branch(self, n: A.Node | None, kind: str) -> Rows:
        """An IF branch: its value, 0 for an empty one; an error (NA()); or, of another kind, the engine's rows."""
        if kind == ERROR:
            return Rows(np.float64(0), F, T)
        if kind == OTHER:
            return Rows(np.float64(0), F, F)
        return Rows(np.float64(0), T, F) if type(n) is A.Missing else self.eval(n)

    def apply(self, n: A.Call, args: list[Rows]) -> Rows:
        """An elementwise function (vector_kinds.elementwise) of its evaluated arguments."""
        name = n.name
        if name in ROUND_DIGITS:
            x = args[0]
            v, sure = VR.round_digits(num(x.v), digits(n.args[1]) if len(n.args) == 2 else 0, ROUND_DIGITS[name])
            return Rows(v, x.ok & sure, x.err)
        if name in INTEGER_PARTS:
            return integer_part(name, args)
        spec = self.fx[name]
        # a value every row shares goes in as the engine's numpy float (LOG's kernel takes math.log of a float)
        xs = [np.float64(x) if np.ndim(x) == 0 else x for x in (num(a.v) for a in args)]
        known, failed = all_of([a.ok for a in args]), any_of([a.err for a in args])
        guard = spec.extra.get("guard")
        if guard is _power_guard:
            return power(Rows(None, known, failed), Rows(None, T, F), *xs, square=False)
        try:
            if guard is _log_guard and len(xs) == 2 and np.ndim(xs[1]) > 0:
                r = np.log(xs[0]) / math_log(xs[1])  # the kernel, with the engine's math.log of each base
            else:
                r = np.asarray(spec.kernel(np, *xs), dtype=float)
        except Exception:  # noqa: BLE001 - a kernel with no array form after all: every row to the engine
            return Rows(np.float64(np.nan), F, F)
        bad = ~np.isfinite(r)
        if guard is not None:
            bad = bad | ARRAY_GUARDS[guard](*xs)
        return Rows(r, known & ~bad, failed | (known & bad))

    def elements(self, n: A.Node) -> list[Rows] | None:
        """A SUMPRODUCT argument's values element by element (row-major), as the engine lifts operators and
        functions over arrays; None for a single value per row (it repeats over the array)."""
        if array_form(n, self.fx)[0] == SCALAR:
            return None
        t = type(n)
        if t is A.AreaRef:
            return self.cells(n)
        if t is A.Unary:
            return [unary(n.op, a) for a in self.elements(n.operand)]
        parts = [n.left, n.right] if t is A.Binary else list(n.args)
        lists = [self.elements(p) for p in parts]
        size = max(len(e) for e in lists if e is not None)
        lists = [[self.eval(p)] * size if e is None else e for p, e in zip(parts, lists)]
        if t is A.Binary:
            return [binary(n.op, a, b) for a, b in zip(*lists)]
        return [self.apply(n, list(args)) for args in zip(*lists)]

    def aggregate(self, name: str, args) -> Rows:
        if all(row_independent(a) for a in args):
            return self.constant_aggregate(name, args)
        if name == "SUMPRODUCT":
            per_arg = [self.elements(a) or [self.eval(a)] for a in args]
            # SUMPRODUCT counts a TRUE or FALSE element as 0 (hence --(A4:C4>0)); it reads no other non-number here
            per_arg = [[Rows(np.float64(0), t.ok, t.err) if is_bool(t.v) else t for t in cells] for cells in per_arg]
        else:
            per_arg = [self.cells(a) for a in args]
        terms = [t for cells in per_arg for t in cells]
        known = all_of([t.ok for t in terms])
        failed = any_of([t.err for t in terms])  # a direct argument's error; cells in ranges are never claimed
        if name == "COUNT":  # the number of cells holding numbers; only a cell outside the grid is unknown
            count = sum(np.asarray(t.ok, dtype=float) for t in terms)
            return Rows(count * 1.0, self.in_grid(args), F)
        xs = [num(t.v) for t in terms]
        if name == "SUMPRODUCT":
            r = R.sum_of_products([[num(t.v) for t in cells] for cells in per_arg])
        elif name == "AVERAGE":
            r, proven = R.fsum_mean(xs)
            return Rows(r, known & ~failed & proven, failed)  # a non-finite mean: left to the engine
        else:
            r = R.REDUCTIONS[name](xs)
        bad = ~np.isfinite(r)
        return Rows(r, known & ~failed & ~bad, failed | (known & bad))

    def constant_aggregate(self, name: str, args) -> Rows:
        """An aggregate of what every row shares, reduced once by the table's own function (SUM($A$4:$A$9999))."""
        key = (name, args)
        if key not in self.shared:
            self.shared[key] = self._constant_aggregate(name, args)
        return self.shared[key]

    def _constant_aggregate(self, name: str, args) -> Rows:
        blocks = []
        for a in args:
            if type(a) is A.Number:
                v, m = np.array([[a.value]]), np.array([[True]])
            else:
                r1, r2 = (a.row, a.row) if type(a) is A.CellRef else (a.r1, a.r2)
                c1 = a.col if type(a) is A.CellRef else a.c1
                c2 = a.col if type(a) is A.CellRef else a.c2
                abs1 = a.col_abs if type(a) is A.CellRef else a.c1_abs
                c1, c2 = (c1, c2) if abs1 else (self.col + c1, self.col + c2)
                if not (_in_grid(r1, c1) and _in_grid(r2, c2)):
                    return Rows(np.float64(np.nan), F, F)
                v, m = self.area(Area(a.sheet or self.sheet, r1, c1, r2, c2))
            blocks.append((np.asarray(v, dtype=float), np.asarray(m, dtype=bool)))
        if name == "COUNT":
            return Rows(np.float64(sum(int(m.sum()) for _, m in blocks)), T, F)
        if not all(m.all() for _, m in blocks):
            return Rows(np.float64(np.nan), F, F)
        spec = self.fx[name]
        if name == "SUMPRODUCT":
            result = spec.impl(*(v.astype(object) for v, _ in blocks))
        else:
            result = spec.impl(*(v.ravel().tolist() for v, _ in blocks))
        if isinstance(result, float) and math.isfinite(result):
            return Rows(np.float64(result), T, F)
        return Rows(np.float64(np.nan), F, np.bool_(isinstance(result, ExcelError)))

    def in_grid(self, args):
        """Rows where every relative reference among args stays inside the grid."""
        ok = T
        rows = np.arange(self.r1, self.r2 + 1)
        for a in args:
            if type(a) is A.CellRef and not a.row_abs:
                ok = ok & (rows + a.row >= 1) & (rows + a.row <= MAX_ROW)
            elif type(a) is A.AreaRef and not a.r1_abs:
                ok = ok & (rows + a.r1 >= 1) & (rows + a.r2 <= MAX_ROW)
        return ok


def _in_grid(r: int, c: int) -> bool:
    return 1 <= r <= MAX_ROW and 1 <= c <= MAX_COL
