"""Which relative formula trees sheet/vectorised can compute as array operations: a static check of the tree.

Every node gets a kind: NUM (numbers), BOOL (truth values: comparisons, AND/OR/NOT), REF (a range, only as an
aggregate's argument), or None (no array form: the engine computes the formula cell by cell). SUMPRODUCT's arguments
are arrays evaluated element by element (SUMPRODUCT((B4:K4-$B$1:$K$1)^2)); `array_form` gives their shape.
"""
from __future__ import annotations

import dataclasses
import math

import numpy as np

from gdsheet.formula import ast as A
from gdsheet.functions import FUNCTIONS
from gdsheet.functions.math import _log_guard, _power_guard
from gdsheet.functions.operators import KERNELS
from gdsheet.functions.trig import TRIG_LIMIT, _atan2_guard, _reciprocal_guard, _trig_guard
from gdsheet.refs import MAX_COL, MAX_ROW, Area
from gdsheet.sheet import vector_rounding as VR

NUM, BOOL, REF = "num", "bool", "ref"
SCALAR = ()  # the shape of an array form that is one value per row
MAX_RANGE_CELLS = 1024  # a row's cells read by one relative range (B4:K4 is 10; MNIST's 784 pixels): arrays per cell
MAX_CONSTANT_TERMS = 1024  # cells of absolute ranges mixed into a per-row aggregate; alone they reduce once

# The scalar guards of table functions (functions/math.py, trig.py), written again over arrays: True where the
# scalar guard returns an error. tests/sheet/test_vectorised.py checks each against its scalar guard.
ARRAY_GUARDS = {
    _trig_guard: lambda x: np.abs(x) >= TRIG_LIMIT,
    _reciprocal_guard: lambda x: (np.abs(x) >= TRIG_LIMIT) | (x == 0),
    _log_guard: lambda x, base=10.0: (x <= 0) | (base <= 0) | (base == 1),
    _atan2_guard: lambda x, y: (x == 0) & (y == 0),
    _power_guard: lambda x, y: (x == 0) & (y <= 0),
}
COMPARE = {"=": np.equal, "<>": np.not_equal, "<": np.less, ">": np.greater, "<=": np.less_equal,
           ">=": np.greater_equal}
AGGREGATES = {"SUM", "SUMSQ", "PRODUCT", "AVERAGE", "MAX", "MIN", "COUNT", "SUMPRODUCT"}
# functions/math's decimal rounding, by digits given as a number in the formula (ROUND(A4,2)): the rounding mode
ROUND_DIGITS = {"ROUND": VR.HALF_UP, "ROUNDUP": VR.UP, "ROUNDDOWN": VR.DOWN, "TRUNC": VR.DOWN}
INTEGER_PARTS = {"INT": 1, "MOD": 2, "QUOTIENT": 2}  # name -> number of arguments
_VALUE = (NUM, BOOL)


MAX_NAME_DEPTH = 16  # names defined through names; deeper (or a cycle, X = X+1) is left to the engine


def vectorisable(node: A.Node, spec_lookup=FUNCTIONS, names=None, sheet: str | None = None) -> bool:
    """Whether evaluate_rows can compute this relative tree: every node has an array form and the result is a
    number (a formula giving TRUE/FALSE is left to the engine: a float array cannot say it is a boolean).
    Defined names are resolved by `names(name_node, sheet) -> (tree, scope) | None` (the source's `name`) for a
    formula on `sheet`; without it a formula naming one is not vectorisable."""
    if names is not None:
        node = expand_names(node, names, sheet)
    return node is not None and kind_of(node, spec_lookup) == NUM


def expand_names(n: A.Node, names, sheet: str, depth: int = 0, structured=None) -> A.Node | None:
    """The tree with each defined name replaced by its own tree, as the engine evaluates a name: in the host cell's
    row and column (a name's relative references move with the cell), on the name's sheet when it is
    sheet-scoped. None when a name is unknown to `names` (a table, a LAMBDA, text...) or nests too deep.
    `structured(node, sheet) -> tree | None`, when given, writes structured references (Table1[Col]) likewise."""
    t = type(n)
    if t is A.Name:
        found = names(n, sheet) if names is not None and depth < MAX_NAME_DEPTH else None
        if found is None:
            return None
        tree, scope = found
        tree = expand_names(tree, names, scope or sheet, depth + 1, structured)
        return tree if tree is None or scope is None else _on_sheet(tree, scope)
    if t is A.StructRef and structured is not None:
        return structured(n, sheet)
    if t is A.Unary:
        inner = expand_names(n.operand, names, sheet, depth, structured)
        return None if inner is None else (n if inner is n.operand else A.Unary(n.op, inner))
    if t is A.Binary:
        left = expand_names(n.left, names, sheet, depth, structured)
        right = expand_names(n.right, names, sheet, depth, structured)
        if left is None or right is None:
            return None
        return n if left is n.left and right is n.right else A.Binary(n.op, left, right)
    if t is A.Call:
        args = tuple(expand_names(a, names, sheet, depth, structured) for a in n.args)
        if None in args:
            return None
        return n if all(a is b for a, b in zip(args, n.args)) else A.Call(n.name, args)
    return n


def _on_sheet(n: A.Node, sheet: str) -> A.Node:
    """References without a sheet pinned to `sheet` (a sheet-scoped name's own references)."""
    t = type(n)
    if t in (A.CellRef, A.AreaRef):
        return n if n.sheet is not None else dataclasses.replace(n, sheet=sheet)
    if t is A.Unary:
        return A.Unary(n.op, _on_sheet(n.operand, sheet))
    if t is A.Binary:
        return A.Binary(n.op, _on_sheet(n.left, sheet), _on_sheet(n.right, sheet))
    if t is A.Call:
        return A.Call(n.name, tuple(_on_sheet(a, sheet) for a in n.args))
    return n


def kind_of(n: A.Node, fx=FUNCTIONS) -> str | None:
    """NUM, BOOL, REF or None, as the module docstring says."""
    t = type(n)
    if t is A.Number:
        return NUM
    if t is A.Bool:
        return BOOL
    if t is A.CellRef:
        return NUM if plain_sheet(n.sheet) else None
    if t is A.AreaRef:
        return REF if area_shape(n) is not None else None
    if t is A.Unary:
        k = kind_of(n.operand, fx)
        if n.op == "+":
            return k if k in _VALUE else None
        return NUM if n.op in ("-", "%") and k in _VALUE else None
    if t is A.Binary:
        if text_comparison(n):
            return BOOL
        a, b = kind_of(n.left, fx), kind_of(n.right, fx)
        if n.op in KERNELS:
            return NUM if a in _VALUE and b in _VALUE else None
        if n.op in COMPARE:  # numbers < text < TRUE/FALSE: a number against a boolean is left to the engine
            return BOOL if a == b and a in _VALUE else None
        return None
    if t is A.Call:
        return _call_kind(n, fx)
    return None


def text_comparison(n: A.Binary) -> bool:
    """A cell compared (= or <>) with a text written in the formula ([@Sex]="male"): computed from the source's
    texts where it has them (source.texts), else left to the engine row by row."""
    if n.op not in ("=", "<>"):
        return False
    sides = {type(n.left), type(n.right)}
    ref = n.left if type(n.left) is A.CellRef else n.right
    return sides == {A.CellRef, A.Text} and plain_sheet(ref.sheet)


def plain_sheet(sheet: str | None) -> bool:
    return sheet is None or ":" not in sheet  # Sheet1:Sheet3!A1 (3-D) is left to the engine


def area_shape(n: A.AreaRef) -> tuple[int, int] | None:
    """(rows, cols) of a range the array path reads: both rows absolute or both relative (A$1:A4 grows down the
    column), both columns alike; no whole rows or columns."""
    if None in (n.r1, n.c1, n.r2, n.c2) or not plain_sheet(n.sheet):
        return None
    if n.r1_abs != n.r2_abs or n.c1_abs != n.c2_abs:
        return None
    rows, cols = n.r2 - n.r1 + 1, n.c2 - n.c1 + 1
    if rows < 1 or cols < 1 or (not n.r1_abs and rows * cols > MAX_RANGE_CELLS):
        return None
    return rows, cols


def digits(n: A.Node) -> int | None:
    """A number of digits written as a number (2, -1), read as Excel's 'int' kind reads it, if -15..22."""
    if type(n) is A.Unary and n.op == "-" and type(n.operand) is A.Number:
        value = -n.operand.value
    elif type(n) is A.Number:
        value = n.value
    else:
        return None
    d = math.trunc(value)
    return d if -15 <= d <= 22 else None


def _call_kind(n: A.Call, fx) -> str | None:
    name, args = n.name, n.args
    if name == "IF":
        return if_kinds(n, fx)[0]
    if any(type(a) is A.Missing for a in args):
        return None
    kinds = [kind_of(a, fx) for a in args]
    if name in AGGREGATES:
        return NUM if _aggregate_ok(name, args, kinds, fx) else None
    if name == "IFERROR":
        return kinds[0] if len(args) == 2 and kinds[0] == kinds[1] and kinds[0] in _VALUE else None
    if name in ("AND", "OR"):
        return BOOL if args and all(k in _VALUE for k in kinds) else None
    if name == "NOT":
        return BOOL if len(args) == 1 and kinds[0] in _VALUE else None
    if name in ("TRUE", "FALSE"):
        return BOOL if not args else None
    if name == "PI":
        return NUM if not args else None
    return NUM if elementwise(n, fx) and all(k in _VALUE for k in kinds) else None


ERROR, OTHER = "error", "other"  # an IF branch that is an error (NA(), #N/A), or a value of another kind ("")


def if_kinds(n: A.Call, fx=FUNCTIONS) -> tuple[str | None, str | None, str | None]:
    """(kind of the IF, kind of its TRUE branch, kind of its FALSE branch). A branch of another kind than the IF's
    (IF(A4>0,A4,""), IF(A4>0,A4) whose FALSE is a boolean, IF(A4>0,A4,NA())) makes its rows the engine's, or
    errors; an empty branch (IF(A4,,1)) is the number 0, as the engine reads it."""
    args = n.args
    if not 2 <= len(args) <= 3 or kind_of(args[0], fx) not in _VALUE:
        return None, None, None
    branches = [_branch_kind(a, fx) for a in args[1:]] + ([BOOL] if len(args) == 2 else [])  # IF(c,x): FALSE
    values = [k for k in branches if k in _VALUE]
    if not values:
        return None, None, None
    kind = NUM if NUM in values else BOOL
    return kind, *(k if k in (kind, ERROR) else OTHER for k in branches)


def _branch_kind(a: A.Node, fx) -> str | None:
    t = type(a)
    if t is A.Missing:
        return NUM
    if t is A.ErrorLit or t is A.Call and a.name == "NA" and not a.args:
        return ERROR
    kind = kind_of(a, fx)
    return kind if kind in _VALUE else OTHER if t is A.Text else None


def elementwise(n: A.Call, fx=FUNCTIONS) -> bool:
    """Whether a call is of a scalar numeric function with an array form (a kernel, ROUND, MOD...): the engine
    lifts such functions over arrays element by element too."""
    name, args = n.name, n.args
    if name in ROUND_DIGITS:
        return len(args) == 2 and digits(args[1]) is not None or name == "TRUNC" and len(args) == 1
    if name in INTEGER_PARTS:
        return len(args) == INTEGER_PARTS[name]
    spec = fx.get(name)
    if spec is None or spec.volatile or spec.needs_context:
        return False
    if not (spec.extra.get("kernel_is_impl") or spec.extra.get("guard") in ARRAY_GUARDS):
        return False
    return spec.min_args <= len(args) <= len(spec.params) and all(p == "num" for p in spec.params)


def array_form(n: A.Node, fx=FUNCTIONS) -> tuple[tuple, str] | None:
    """(shape, kind) of a SUMPRODUCT argument computed element by element: shape SCALAR for one value per row;
    None where there is no array form (arrays of different shapes, which Excel pads with #N/A, included)."""
    t = type(n)
    if t is A.AreaRef:
        shape = area_shape(n)
        return (shape, NUM) if shape is not None else None
    if t is A.Unary and n.op in ("-", "%", "+"):
        inner = array_form(n.operand, fx)
        if inner is None or inner[1] not in _VALUE:
            return None
        return inner[0], inner[1] if n.op == "+" else NUM
    if t is A.Binary and (n.op in KERNELS or n.op in COMPARE):
        a, b = array_form(n.left, fx), array_form(n.right, fx)
        if a is None or b is None or not (a[0] == b[0] or SCALAR in (a[0], b[0])):
            return None
        shape = a[0] or b[0]
        if n.op in KERNELS:
            return (shape, NUM) if a[1] in _VALUE and b[1] in _VALUE else None
        return (shape, BOOL) if a[1] == b[1] and a[1] in _VALUE else None
    if t is A.Call and elementwise(n, fx):
        forms = [array_form(a, fx) for a in n.args]
        if None in forms or any(k not in _VALUE for _, k in forms):
            return None
        shapes = {s for s, _ in forms} - {SCALAR}
        return (shapes.pop() if shapes else SCALAR, NUM) if len(shapes) <= 1 else None
    kind = kind_of(n, fx)
    return (SCALAR, kind) if kind in _VALUE else None


def _aggregate_ok(name: str, args, kinds, fx) -> bool:
    if not args:
        return False
    if name == "COUNT":  # counts the numbers in its references: never fails
        return all(k == REF or type(a) is A.CellRef and k == NUM for a, k in zip(args, kinds))
    if name == "SUMPRODUCT":  # arrays of one shape (a single value is 1x1), else #VALUE!
        forms = [array_form(a, fx) for a in args]
        if None in forms:
            return False
        shapes = {s or (1, 1) for s, _ in forms}
        cells = math.prod(shapes.pop()) if len(shapes) == 1 else None
        plain = all(type(a) in (A.AreaRef, A.CellRef) for a in args)
        return cells is not None and (plain or cells <= MAX_RANGE_CELLS)
    if not all(k in (NUM, BOOL, REF) for k in kinds):
        return False
    if all(row_independent(a) for a in args):
        return True  # reduced once, by the table's own function
    constant = sum(math.prod(area_shape(a)) for a in args if type(a) is A.AreaRef and a.r1_abs)
    return constant <= MAX_CONSTANT_TERMS


def row_independent(a: A.Node) -> bool:
    """An aggregate argument every row of the block reads the same: a number, an absolute cell or range."""
    t = type(a)
    return t is A.Number or t is A.CellRef and a.row_abs or t is A.AreaRef and a.r1_abs


def cells_read(node: A.Node, sheet: str, col: int, r1: int, r2: int, names=None) -> list[Area]:
    """The rectangles of cells the formula reads placed in rows r1..r2 of `col` (its precedents as a block, clipped
    to the grid): one entry per reference, for a dependency graph that holds the block as one node. Defined names
    are read through `names` (the source's `name`), as in vectorisable."""
    if names is not None:
        node = expand_names(node, names, sheet)
        if node is None:
            raise ValueError("a name in the formula has no array form")
    out = []
    for n in operands(node):
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
    return out


def operands(node: A.Node):
    """The nodes of a tree as the array path reads it: operators and calls are walked into, anything else (a
    reference, a constant, a name) is a leaf."""
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        t = type(n)
        if t is A.Unary:
            stack.append(n.operand)
        elif t is A.Binary:
            stack += [n.left, n.right]
        elif t is A.Call:
            stack += n.args


def reads_own_rows(node: A.Node, sheet: str, col: int, r1: int, r2: int, names=None) -> bool:
    """Whether the block reads cells of itself (a running total =C3+B4 down column C, or =SUM(C$4:C4)): such a
    column is a recurrence, not one array operation, and must stay cell by cell."""
    low = sheet.lower()
    return any((a.sheet or sheet).lower() == low and a.c1 <= col <= a.c2 and a.r1 <= r2 and r1 <= a.r2
               for a in cells_read(node, sheet, col, r1, r2, names))
