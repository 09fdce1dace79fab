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

Each node evaluates to a `_Rows(v, ok, err)`: its values, the rows where they are known numbers, and the rows where
the engine certainly gives an error (needed by IFERROR and by IF's branch not taken); a row in neither is unknown
(it read something that is not a number). Arrays are (n,) or 0-d for what every row shares.

The source of cell values (the engine's column store, or `WorkbookSource` over a Workbook) offers:

  source.numbers(sheet, col, r1, r2) -> (float64 (n,), bool (n,))   rows r1..r2 of a column; mask: a plain number
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
from typing import NamedTuple

import numpy as np

from gdsheet.errors import ExcelError
from gdsheet.formula import ast as A
from gdsheet.functions import FUNCTIONS
from gdsheet.functions.math import _log_guard, _power_guard
from gdsheet.functions.operators import KERNELS
from gdsheet.refs import MAX_COL, MAX_ROW, Area
from gdsheet.sheet import row_reductions as R
from gdsheet.sheet import vector_rounding as VR
from gdsheet.sheet.model import column_numbers
from gdsheet.sheet.structured import structured_area
from gdsheet.sheet.vector_kinds import (AGGREGATES, ARRAY_GUARDS, BOOL, COMPARE, INTEGER_PARTS, NUM, ROUND_DIGITS,
                                        SCALAR, array_form, digits, expand_names, kind_of, row_independent,
                                        text_comparison, vectorisable)

__all__ = ["vectorisable", "evaluate_rows", "block_tree", "result_kind", "cells_read", "reads_own_rows",
           "WorkbookSource", "NUM", "BOOL"]
T, F = np.True_, np.False_  # masks are numpy booleans or arrays: ~ on a Python bool would give an int
CHUNK_FLOATS = 1 << 22  # floats of temporaries per chunk (32 MB): rows in a chunk = this / the cells a row reads
MIN_CHUNK_ROWS, MAX_CHUNK_ROWS = 1024, 1 << 16
_ROUND15_CLOSE = 1e-13  # two numbers this close (relatively) may be equal at 15 digits: the engine decides


# ---- evaluation ---------------------------------------------------------------------------------------------

def cells_read(node: A.Node, sheet: str, col: int, r1: int, r2: int, names=None) -> list[Area]:
    """The rectangles of cells the formula reads placed in rows r1..r2 of `col` (its precedents as a block, clipped
    to the grid): one entry per reference, for a dependency graph that holds the block as one node. Defined names
    are read through `names` (the source's `name`), as in vectorisable."""
    if names is not None:
        node = expand_names(node, names, sheet)
        if node is None:
            raise ValueError("a name in the formula has no array form")
    out = []
    stack = [node]
    while stack:
        n = stack.pop()
        t = type(n)
        if t is A.CellRef or t is A.AreaRef:
            ends = [(n.row, n.row_abs, n.col, n.col_abs)] * 2 if t is A.CellRef else \
                [(n.r1, n.r1_abs, n.c1, n.c1_abs), (n.r2, n.r2_abs, n.c2, n.c2_abs)]
            # each end moves with the host row or stays; the block's rows span both ends at its first and last row
            # (a whole column A:A has no rows: all of them; a whole row 3:5 no columns)
            rows = [1, MAX_ROW] if ends[0][0] is None else \
                [r if r_abs else host + r for r, r_abs, _, _ in ends for host in (r1, r2)]
            cols = [1, MAX_COL] if ends[0][2] is None else [c if c_abs else col + c for _, _, c, c_abs in ends]
            lo, hi = max(min(rows), 1), min(max(rows), MAX_ROW)
            left, right = max(min(cols), 1), min(max(cols), MAX_COL)
            if lo <= hi and left <= right:
                out.append(Area(n.sheet or sheet, lo, left, hi, right))
        elif t is A.Unary:
            stack.append(n.operand)
        elif t is A.Binary:
            stack += [n.left, n.right]
        elif t is A.Call:
            stack += n.args
    return out


def reads_own_rows(node: A.Node, sheet: str, col: int, r1: int, r2: int, names=None) -> bool:
    """Whether the block reads cells of itself (a running total =C3+B4 down column C, or =SUM(C$4:C4)): such a
    column is a recurrence, not one array operation, and must stay cell by cell."""
    low = sheet.lower()
    return any((a.sheet or sheet).lower() == low and a.c1 <= col <= a.c2 and a.r1 <= r2 and r1 <= a.r2
               for a in cells_read(node, sheet, col, r1, r2, names))


class _Rows(NamedTuple):
    v: object  # float64 (or bool for BOOL nodes) array (n,) or 0-d
    ok: object  # bool array or bool: the value is a known number (or truth value)
    err: object  # bool array or bool: the engine gives an error here


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
            values[rows] = np.where(ok[rows], _num(out.v), np.nan)
    return values, ok


def _row_width(node: A.Node) -> int:
    """About how many arrays a row's evaluation holds: the cells of relative ranges, and one per other node."""
    width, stack = 0, [node]
    while stack:
        n = stack.pop()
        t = type(n)
        if t is A.AreaRef and not n.r1_abs and None not in (n.r1, n.r2, n.c1, n.c2):
            width += (n.r2 - n.r1 + 1) * (n.c2 - n.c1 + 1)
        else:
            width += 1
        if t is A.Unary:
            stack.append(n.operand)
        elif t is A.Binary:
            stack += [n.left, n.right]
        elif t is A.Call:
            stack += n.args
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
        self.memo: dict[A.Node, _Rows] = {}  # =EXP(-D4)/(1+EXP(-D4)) computes EXP(-D4) once
        self.shared = shared

    def area(self, area: Area):
        """An absolute rectangle's values and mask, read from the source once for the whole block."""
        hit = self.shared.get(area)
        if hit is None:
            hit = self.shared[area] = self.source.area(area)
        return hit

    def eval(self, n: A.Node) -> _Rows:
        hit = self.memo.get(n)
        if hit is None:
            hit = self.memo[n] = self._eval(n)
        return hit

    def _eval(self, n: A.Node) -> _Rows:
        t = type(n)
        if t is A.Number:
            return _Rows(np.float64(n.value), T, F)
        if t is A.Bool:
            return _Rows(np.bool_(n.value), T, F)
        if t is A.CellRef:
            return self.cell(n)
        if t is A.Unary:
            return _unary(n.op, self.eval(n.operand))
        if t is A.Binary:
            if text_comparison(n):
                return self.text_comparison(n)
            return _binary(n.op, self.eval(n.left), self.eval(n.right))
        return self.call(n)

    def text_comparison(self, n: A.Binary) -> _Rows:
        """A cell = or <> a text: Excel compares texts ignoring case (as values.compare, with str.lower); a number
        is never equal to a text. Rows whose cell is neither (empty, TRUE, an error) are left to the engine."""
        ref, text = (n.left, n.right.value) if type(n.right) is A.Text else (n.right, n.left.value)
        texts = getattr(self.source, "texts", None)
        if texts is None:
            return _Rows(F, F, F)
        number = self.eval(ref).ok
        sheet, size = ref.sheet or self.sheet, self.r2 - self.r1 + 1
        c = ref.col if ref.col_abs else self.col + ref.col
        lo, hi = (ref.row, ref.row) if ref.row_abs else (self.r1 + ref.row, self.r2 + ref.row)
        if not (1 <= c <= MAX_COL and 1 <= lo and hi <= MAX_ROW):
            return _Rows(F, F, F)
        values, is_text = texts(sheet, c, lo, hi)
        if ref.row_abs:
            values, is_text = np.broadcast_to(values, (size,)), np.broadcast_to(is_text, (size,))
        lowered = np.char.lower(np.where(is_text, values, "").astype(str))
        equal = is_text & (lowered == text.lower())
        return _Rows(equal if n.op == "=" else ~equal, number | is_text, F)

    # ---- references

    def cell(self, n: A.CellRef) -> _Rows:
        sheet = n.sheet or self.sheet
        c = n.col if n.col_abs else self.col + n.col
        if n.row_abs:
            v, m = self.area(Area(sheet, n.row, c, n.row, c)) if _in_grid(n.row, c) else (0.0, F)
            return _Rows(np.float64(np.asarray(v).flat[0]), np.bool_(np.asarray(m).flat[0]), F)
        return self.column(sheet, c, n.row)

    def column(self, sheet: str, c: int, dr: int) -> _Rows:
        """Column c read at each row + dr; rows whose cell is outside the grid are unknown (#REF!)."""
        n = self.r2 - self.r1 + 1
        lo, hi = max(self.r1 + dr, 1), min(self.r2 + dr, MAX_ROW)
        if not 1 <= c <= MAX_COL or lo > hi:
            return _Rows(np.zeros(n), F, F)
        v, m = self.source.numbers(sheet, c, lo, hi)
        if lo == self.r1 + dr and hi == self.r2 + dr:
            return _Rows(v, m, F)
        values, mask = np.zeros(n), np.zeros(n, dtype=bool)
        values[lo - self.r1 - dr:hi - self.r1 - dr + 1] = v
        mask[lo - self.r1 - dr:hi - self.r1 - dr + 1] = m
        return _Rows(values, mask, F)

    def cells(self, n: A.Node) -> list[_Rows]:
        """An aggregate argument's cells in the order the scalar function reads them (row-major)."""
        if type(n) is not A.AreaRef:
            return [self.eval(n)]
        sheet = n.sheet or self.sheet
        c1 = n.c1 if n.c1_abs else self.col + n.c1
        c2 = n.c2 if n.c2_abs else self.col + n.c2
        if n.r1_abs:
            if not (_in_grid(n.r1, c1) and _in_grid(n.r2, c2)):
                return [_Rows(np.float64(0), F, F)]
            v, m = self.area(Area(sheet, n.r1, c1, n.r2, c2))
            return [_Rows(x, k, F) for x, k in zip(np.ravel(v), np.ravel(m))]
        return [self.column(sheet, c, dr) for dr in range(n.r1, n.r2 + 1) for c in range(c1, c2 + 1)]

    # ---- functions

    def call(self, n: A.Call) -> _Rows:
        name = n.name
        if name in AGGREGATES:
            return self.aggregate(name, n.args)
        if name in ("TRUE", "FALSE"):
            return _Rows(np.bool_(name == "TRUE"), T, F)
        if name == "PI":
            return _Rows(np.float64(self.fx[name].impl()), T, F)
        args = [self.eval(a) for a in n.args]
        if name == "IF":
            c, a, b = args
            test = _truth(c.v)
            return _Rows(np.where(test, a.v, b.v), c.ok & np.where(test, a.ok, b.ok),
                         c.err | (c.ok & np.where(test, a.err, b.err)))
        if name == "IFERROR":
            a, b = args
            return _Rows(np.where(a.ok, a.v, b.v), a.ok | (a.err & b.ok), a.err & b.err)
        if name in ("AND", "OR", "NOT"):
            truths = [_truth(a.v) for a in args]
            v = np.logical_not(truths[0]) if name == "NOT" else (np.all if name == "AND" else np.any)(
                np.broadcast_arrays(*truths), axis=0)
            return _Rows(v, _all([a.ok for a in args]) & ~_any([a.err for a in args]), _any([a.err for a in args]))
        return self.apply(n, args)

    def apply(self, n: A.Call, args: list[_Rows]) -> _Rows:
        """An elementwise function (vector_kinds.elementwise) of its evaluated arguments."""
        name = n.name
        if name in ROUND_DIGITS:
            x = args[0]
            v, sure = VR.round_digits(_num(x.v), digits(n.args[1]) if len(n.args) == 2 else 0, ROUND_DIGITS[name])
            return _Rows(v, x.ok & sure, x.err)
        if name in INTEGER_PARTS:
            return _integer_part(name, args)
        spec = self.fx[name]
        # a value every row shares goes in as the engine's numpy float (LOG's kernel takes math.log of a float)
        xs = [np.float64(x) if np.ndim(x) == 0 else x for x in (_num(a.v) for a in args)]
        known, failed = _all([a.ok for a in args]), _any([a.err for a in args])
        guard = spec.extra.get("guard")
        if guard is _power_guard:
            return _power(_Rows(None, known, failed), _Rows(None, T, F), *xs, square=False)
        try:
            if guard is _log_guard and len(xs) == 2 and np.ndim(xs[1]) > 0:
                r = np.log(xs[0]) / _math_log(xs[1])  # the kernel, with the engine's math.log of each base
            else:
                r = np.asarray(spec.kernel(np, *xs), dtype=float)
        except Exception:  # noqa: BLE001 - a kernel with no array form after all: every row to the engine
            return _Rows(np.float64(np.nan), F, F)
        bad = ~np.isfinite(r)
        if guard is not None:
            bad = bad | ARRAY_GUARDS[guard](*xs)
        return _Rows(r, known & ~bad, failed | (known & bad))

    def elements(self, n: A.Node) -> list[_Rows] | None:
        """A SUMPRODUCT argument's values element by element (row-major), as the engine lifts operators and
        functions over arrays; None for a single value per row (it repeats over the array)."""
        if array_form(n, self.fx)[0] == SCALAR:
            return None
        t = type(n)
        if t is A.AreaRef:
            return self.cells(n)
        if t is A.Unary:
            return [_unary(n.op, a) for a in self.elements(n.operand)]
        parts = [n.left, n.right] if t is A.Binary else list(n.args)
        lists = [self.elements(p) for p in parts]
        size = max(len(e) for e in lists if e is not None)
        lists = [[self.eval(p)] * size if e is None else e for p, e in zip(parts, lists)]
        if t is A.Binary:
            return [_binary(n.op, a, b) for a, b in zip(*lists)]
        return [self.apply(n, list(args)) for args in zip(*lists)]

    def aggregate(self, name: str, args) -> _Rows:
        if all(row_independent(a) for a in args):
            return self.constant_aggregate(name, args)
        if name == "SUMPRODUCT":
            per_arg = [self.elements(a) or [self.eval(a)] for a in args]
            # SUMPRODUCT counts a TRUE or FALSE element as 0 (hence --(A4:C4>0)); it reads no other non-number here
            per_arg = [[_Rows(np.float64(0), t.ok, t.err) if _is_bool(t.v) else t for t in cells] for cells in per_arg]
        else:
            per_arg = [self.cells(a) for a in args]
        terms = [t for cells in per_arg for t in cells]
        known = _all([t.ok for t in terms])
        failed = _any([t.err for t in terms])  # a direct argument's error; cells in ranges are never claimed
        if name == "COUNT":  # the number of cells holding numbers; only a cell outside the grid is unknown
            count = sum(np.asarray(t.ok, dtype=float) for t in terms)
            return _Rows(count * 1.0, self.in_grid(args), F)
        xs = [_num(t.v) for t in terms]
        if name == "SUMPRODUCT":
            r = R.sum_of_products([[_num(t.v) for t in cells] for cells in per_arg])
        elif name == "AVERAGE":
            r, proven = R.fsum_mean(xs)
            return _Rows(r, known & ~failed & proven, failed)  # a non-finite mean: left to the engine
        else:
            r = R.REDUCTIONS[name](xs)
        bad = ~np.isfinite(r)
        return _Rows(r, known & ~failed & ~bad, failed | (known & bad))

    def constant_aggregate(self, name: str, args) -> _Rows:
        """An aggregate of what every row shares, reduced once by the table's own function (SUM($A$4:$A$9999))."""
        key = (name, args)
        if key not in self.shared:
            self.shared[key] = self._constant_aggregate(name, args)
        return self.shared[key]

    def _constant_aggregate(self, name: str, args) -> _Rows:
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
                    return _Rows(np.float64(np.nan), F, F)
                v, m = self.area(Area(a.sheet or self.sheet, r1, c1, r2, c2))
            blocks.append((np.asarray(v, dtype=float), np.asarray(m, dtype=bool)))
        if name == "COUNT":
            return _Rows(np.float64(sum(int(m.sum()) for _, m in blocks)), T, F)
        if not all(m.all() for _, m in blocks):
            return _Rows(np.float64(np.nan), F, F)
        spec = self.fx[name]
        if name == "SUMPRODUCT":
            result = spec.impl(*(v.astype(object) for v, _ in blocks))
        else:
            result = spec.impl(*(v.ravel().tolist() for v, _ in blocks))
        if isinstance(result, float) and math.isfinite(result):
            return _Rows(np.float64(result), T, F)
        return _Rows(np.float64(np.nan), F, np.bool_(isinstance(result, ExcelError)))

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


# ---- operators --------------------------------------------------------------------------------------------

def _num(v):
    """A truth value used as a number (TRUE+1 is 2), as to_number reads it."""
    return v.astype(float) if isinstance(v, np.ndarray) and v.dtype == bool else (
        np.float64(v) if isinstance(v, (bool, np.bool_)) else v)


def _is_bool(v) -> bool:
    return isinstance(v, (bool, np.bool_)) or getattr(v, "dtype", None) == bool


def _truth(v):
    """A value used as a condition: a number is TRUE when it is not 0."""
    return v if _is_bool(v) else v != 0


def _all(masks):
    out = T
    for m in masks:
        out = out & m
    return out


def _any(masks):
    out = F
    for m in masks:
        out = out | m
    return out


def _in_grid(r: int, c: int) -> bool:
    return 1 <= r <= MAX_ROW and 1 <= c <= MAX_COL


def _unary(op: str, a: _Rows) -> _Rows:
    if op == "+":
        return a  # Excel's unary + leaves its operand as it is
    x = _num(a.v)
    return _arith(a, a, -x if op == "-" else KERNELS["%"](np, x))


def _binary(op: str, a: _Rows, b: _Rows) -> _Rows:
    if op in COMPARE:
        return _compare(op, a, b)
    x, y = _num(a.v), _num(b.v)
    if op == "^":
        return _power(a, b, x, y, square=True)
    return _arith(a, b, KERNELS[op](np, x, y))


def _arith(a: _Rows, b: _Rows, r) -> _Rows:
    """The result of an arithmetic operation on a and b: an error where it is not finite (as the engine says)."""
    known = a.ok & b.ok
    fine = np.isfinite(r)
    return _Rows(r, known & fine, a.err | b.err | (known & ~fine))


def _compare(op: str, a: _Rows, b: _Rows) -> _Rows:
    """Excel compares numbers rounded to 15 significant digits; rounding is monotonic, so the plain comparison
    agrees except between two numbers that close, which are left to the engine."""
    x, y = a.v, b.v
    r = COMPARE[op](x, y)
    known = a.ok & b.ok
    if getattr(x, "dtype", None) != bool and not isinstance(x, (bool, np.bool_)):
        close = (x != y) & (np.abs(x - y) <= _ROUND15_CLOSE * np.maximum(np.abs(x), np.abs(y)))
        known = known & ~close
    return _Rows(r, known, a.err | b.err)


def _integer_part(name: str, args: list[_Rows]) -> _Rows:
    """INT, MOD and QUOTIENT as functions/math computes them (MOD and QUOTIENT judge n/d at 15 digits)."""
    if name == "INT":
        return _Rows(np.floor(_num(args[0].v)), args[0].ok, args[0].err)
    a, b = args
    n, d = _num(a.v), _num(b.v)
    q = n / d
    q15, sure = VR.round15(q)
    if name == "MOD":
        r, sure2 = VR.round15(n - d * np.floor(q15))
        r, sure = r + 0.0, sure & sure2
    else:
        r = np.trunc(q15) + 0.0
    known = a.ok & b.ok
    bad = (d == 0) | ~np.isfinite(q)  # #DIV/0!, #NUM!
    return _Rows(r, known & ~bad & sure, a.err | b.err | (known & bad))


_POW = np.frompyfunc(math.pow, 2, 1)
_LOG = np.frompyfunc(math.log, 1, 1)


def _math_log(x: np.ndarray) -> np.ndarray:
    """math.log per element (numpy's log differs from libm's in the last bit); NaN where there is none."""
    out = np.full(x.shape, np.nan)
    positive = x > 0
    out[positive] = _LOG(x[positive]).astype(float)
    return out
_POW_SAFE_LOG2 = 1023.0  # y*log2|x| under this cannot overflow (2^1024 does): math.pow raises on overflow


def _power(a: _Rows, b: _Rows, x, y, square: bool) -> _Rows:
    """x^y as the engine computes it (operators.arithmetic; POWER's kernel on numpy floats is the same libm pow):
    x*x for a square when `square` (the operator), else libm's pow itself: numpy's array pow differs from libm's in
    the last bit, so pow is called per row (~100 ns a row); 0^0 and 0^negative are errors."""
    known = a.ok & b.ok
    if square and np.ndim(y) == 0 and y == 2.0:  # (L4-A4)^2: no guard can apply to a square
        r = x * x
        bad = ~np.isfinite(r)
        return _Rows(r, known & ~bad, a.err | b.err | (known & bad))
    x, y = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
    guard = ARRAY_GUARDS[_power_guard](x, y) | ((x < 0) & (y != np.trunc(y)))  # 0^0, 0^-1, (-8)^(1/3)
    unsure = ~guard & ~(y * np.log2(np.abs(x)) < _POW_SAFE_LOG2)  # may overflow: the engine says #NUM! or not
    fine = ~guard & ~unsure
    two = fine & (y == 2.0) if square else F
    if x.ndim == 0:
        r = np.float64(x * x if two else math.pow(float(x), float(y)) if fine else np.nan)
    else:
        r = np.full(x.shape, np.nan)
        pow_rows = fine & ~two
        r[pow_rows] = _POW(x[pow_rows], y[pow_rows]).astype(float)
        if square:
            r[two] = x[two] * x[two]
    bad = ~np.isfinite(r) | guard
    return _Rows(r, known & ~bad & ~unsure, a.err | b.err | (known & bad & ~unsure))


# ---- a source over a workbook's cells -------------------------------------------------------------------------

class WorkbookSource:
    """The source protocol over a Workbook's cell dicts (model.column_numbers): for tests and small books."""

    def __init__(self, workbook):
        self.workbook = workbook

    def numbers(self, sheet: str, col: int, r1: int, r2: int) -> tuple[np.ndarray, np.ndarray]:
        try:
            s = self.workbook.sheet(sheet)
        except KeyError:
            return np.zeros(r2 - r1 + 1), np.zeros(r2 - r1 + 1, dtype=bool)
        return column_numbers(s, col, r1, r2)

    def name(self, node: A.Name, sheet: str) -> tuple[A.Node, str | None] | None:
        """A defined name's tree as the engine reads it (Engine.name_tree) and the sheet it is scoped to."""
        dn = self.workbook.get_name(node.name, node.sheet or sheet)
        if dn is None:
            return None
        tree = self.workbook.engine.name_tree(dn)
        return None if isinstance(tree, ExcelError) else (tree, dn.scope)

    def texts(self, sheet: str, col: int, r1: int, r2: int) -> tuple[np.ndarray, np.ndarray]:
        """Rows r1..r2 of a column's texts: an object array (None where the cell holds no text) and its mask."""
        values, mask = np.full(r2 - r1 + 1, None, dtype=object), np.zeros(r2 - r1 + 1, dtype=bool)
        try:
            get = self.workbook.sheet(sheet).cells.get
        except KeyError:
            return values, mask
        for i, r in enumerate(range(r1, r2 + 1)):
            v = get((r, col))
            if type(v) is str:
                values[i], mask[i] = v, True
        return values, mask

    def structured(self, node: A.StructRef, sheet: str, row: int, col: int) -> Area | None:
        """The range a structured reference means from a cell (sheet/structured.py, as the engine resolves it)."""
        return structured_area(node, self.workbook, sheet, row, col)

    def area(self, area: Area) -> tuple[np.ndarray, np.ndarray]:
        columns = [self.numbers(area.sheet, c, area.r1, area.r2) for c in range(area.c1, area.c2 + 1)]
        return np.stack([v for v, _ in columns], axis=1), np.stack([m for _, m in columns], axis=1)
