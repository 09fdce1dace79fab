"""Evaluate a syntax tree in a cell, with Excel's rules for references, arrays, implicit intersection and errors."""
from __future__ import annotations

import datetime as _dt
import math

import numpy as np

from gdsheet import errors as E
from gdsheet.errors import ExcelError, FormulaSyntaxError
from gdsheet.formula import ast as A
from gdsheet.formula import parse_cached
from gdsheet.functions import FUNCTIONS
from gdsheet.functions.operators import BINARY_OPS, UNARY_OPS
from gdsheet.functions.registry import SCALAR_KINDS, FunctionSpec
from gdsheet.refs import MAX_COL, MAX_ROW, Area
from gdsheet.sheet.structured import resolve_structured
from gdsheet.values import MultiArea, to_bool, to_number, to_text

_SCALAR_COERCE = {"num": to_number, "text": to_text, "bool": to_bool}


class Context:
    """Where a formula is being evaluated: the host cell, array or legacy mode, LET variables. Functions that
    declare needs_context receive it."""

    __slots__ = ("engine", "sheet", "row", "col", "array", "locals")

    def __init__(self, engine, sheet: str, row: int, col: int, array: bool, local_names=None):
        self.engine, self.sheet, self.row, self.col = engine, sheet, row, col
        self.array, self.locals = array, local_names

    def derive(self, array: bool | None = None, local_names=None) -> "Context":
        return Context(self.engine, self.sheet, self.row, self.col, self.array if array is None else array,
                       self.locals if local_names is None else local_names)

    @property
    def workbook(self):
        return self.engine.wb

    def read(self, ref) -> np.ndarray:
        """A reference's values as a 2-D object array (a union of areas: the areas side by side, flattened)."""
        if isinstance(ref, MultiArea):
            parts = [self.engine.read_area(a).ravel() for a in ref.areas]
            return np.concatenate(parts).reshape(1, -1) if parts else np.empty((0, 0), dtype=object)
        return self.engine.read_area(ref)

    def value(self, v):
        """A (lazily evaluated) argument read as the evaluator reads a scalar argument: one cell's value; several
        cells as an array in array formulas, the implicitly intersected cell in legacy ones."""
        return to_value(v, self)

    @staticmethod
    def lift(fn, args):
        """fn applied element by element over the array arguments, broadcast as Excel does."""
        return lift(fn, args)

    def value_at(self, sheet: str, row: int, col: int):
        return self.engine.cell_value(sheet, row, col)

    def resolve(self, text: str):
        """INDIRECT's reading of a reference text ('B2', 'Sheet2!A1:B3', a defined name) -> Area or an error."""
        try:
            node = parse_cached("=" + text.strip(), self.row, self.col)
        except FormulaSyntaxError:
            return E.REF.because(f"{text!r} is not a reference")
        if not isinstance(node, (A.CellRef, A.AreaRef, A.Name, A.StructRef, A.Binary)):
            return E.REF.because(f"{text!r} is not a reference")
        v = evaluate(node, self)
        return v if isinstance(v, (Area, MultiArea, ExcelError)) else E.REF.because(f"{text!r} is not a reference")

    def random(self) -> float:
        return self.engine.rng.random()

    def now(self) -> _dt.datetime:
        return _dt.datetime.now()

    def sheet_bounds(self, sheet: str) -> tuple[int, int]:
        return self.engine.wb.sheet(sheet).used_bounds

    def is_formula(self, sheet: str, row: int, col: int) -> bool:
        return (row, col) in self.engine.wb.sheet(sheet).formulas


# ---- references -------------------------------------------------------------------------------------------

def _cell_area(n: A.CellRef, ctx: Context):
    r = n.row if n.row_abs else n.row + ctx.row
    c = n.col if n.col_abs else n.col + ctx.col
    if not (1 <= r <= MAX_ROW and 1 <= c <= MAX_COL):
        return E.REF.because("the reference points outside the grid")
    return _on_sheet(n.sheet, ctx, r, c, r, c)


def _area(n: A.AreaRef, ctx: Context):
    if n.r1 is None:
        r1, r2 = 1, MAX_ROW
    else:
        r1, r2 = (n.r1 if n.r1_abs else n.r1 + ctx.row), (n.r2 if n.r2_abs else n.r2 + ctx.row)
    if n.c1 is None:
        c1, c2 = 1, MAX_COL
    else:
        c1, c2 = (n.c1 if n.c1_abs else n.c1 + ctx.col), (n.c2 if n.c2_abs else n.c2 + ctx.col)
    if not (1 <= min(r1, r2) and max(r1, r2) <= MAX_ROW and 1 <= min(c1, c2) and max(c1, c2) <= MAX_COL):
        return E.REF.because("the reference points outside the grid")
    return _on_sheet(n.sheet, ctx, min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2))


def _on_sheet(sheet: str | None, ctx: Context, r1: int, c1: int, r2: int, c2: int):
    if sheet is None:
        return Area(ctx.sheet, r1, c1, r2, c2)
    try:
        name = ctx.engine.wb.sheet(sheet).name
    except KeyError:
        return E.REF.because(f"there is no sheet named {sheet!r}")
    return Area(name, r1, c1, r2, c2)


def _name(n: A.Name, ctx: Context):
    if n.sheet is None and ctx.locals and n.name.upper() in ctx.locals:
        return ctx.locals[n.name.upper()]
    wb = ctx.engine.wb
    dn = wb.get_name(n.name, n.sheet or ctx.sheet)
    if dn is None:
        table = wb.tables.get(n.name.upper())
        if table is not None:  # a bare table name means its data
            return table.data_area
        return E.NAME.because(f"{n.name} is not a defined name")
    node = ctx.engine.name_tree(dn)
    if isinstance(node, ExcelError):
        return node
    # a name's references are relative to A1, as Excel stores them; evaluate on the name's sheet if scoped
    sub = Context(ctx.engine, dn.scope or ctx.sheet, ctx.row, ctx.col, ctx.array)
    return evaluate(node, sub)


def _range_op(left, right, ctx: Context):
    """A:B — the bounding box of two references on one sheet."""
    if isinstance(left, ExcelError):
        return left
    if isinstance(right, ExcelError):
        return right
    if not (isinstance(left, Area) and isinstance(right, Area)) or left.sheet != right.sheet:
        return E.VALUE.because("':' needs two references on one sheet")
    return Area(left.sheet, min(left.r1, right.r1), min(left.c1, right.c1), max(left.r2, right.r2),
                max(left.c2, right.c2))


def _intersect(left, right):
    if isinstance(left, ExcelError):
        return left
    if isinstance(right, ExcelError):
        return right
    if not (isinstance(left, Area) and isinstance(right, Area)):
        return E.VALUE.because("a space between references means intersection; these are not references")
    if left.sheet != right.sheet:
        return E.NULL
    r1, c1, r2, c2 = max(left.r1, right.r1), max(left.c1, right.c1), min(left.r2, right.r2), min(left.c2, right.c2)
    if r1 > r2 or c1 > c2:
        return E.NULL.because("the references do not intersect")
    return Area(left.sheet, r1, c1, r2, c2)


def _union(left, right):
    if isinstance(left, ExcelError):
        return left
    if isinstance(right, ExcelError):
        return right
    areas = []
    for v in (left, right):
        if isinstance(v, Area):
            areas.append(v)
        elif isinstance(v, MultiArea):
            areas.extend(v.areas)
        else:
            return E.VALUE.because("',' between references means union; these are not references")
    return MultiArea(tuple(areas))


def intersect_implicitly(ref, ctx: Context):
    """Legacy Excel's reading of a multi-cell reference where one value is expected: the cell in the host's row
    (for a column) or column (for a row); #VALUE! when there is none."""
    if isinstance(ref, MultiArea):
        return E.VALUE.because("a union of references cannot give one value")
    if ref.is_cell:
        return ctx.engine.cell_value(ref.sheet, ref.r1, ref.c1)
    row = ref.r1 if ref.rows == 1 else ctx.row if ref.r1 <= ctx.row <= ref.r2 else None
    col = ref.c1 if ref.cols == 1 else ctx.col if ref.c1 <= ctx.col <= ref.c2 else None
    if row is None or col is None:
        return E.VALUE.because(f"{ref.a1(False)} has no cell in this formula's row or column")
    return ctx.engine.cell_value(ref.sheet, row, col)


def to_value(v, ctx: Context):
    """A reference made into the value(s) it holds: one cell -> scalar, several -> array (array mode) or the
    implicitly intersected cell (legacy mode)."""
    if isinstance(v, Area):
        if v.is_cell:
            return ctx.engine.cell_value(v.sheet, v.r1, v.c1)
        return ctx.read(v) if ctx.array else intersect_implicitly(v, ctx)
    if isinstance(v, MultiArea):
        return E.VALUE.because("a union of references cannot be used as a value")
    return v


# ---- evaluation -------------------------------------------------------------------------------------------

def evaluate(n: A.Node, ctx: Context):
    """The value of a node: scalar, 2-D object array, or a reference (Area / MultiArea) left unread."""
    t = type(n)
    if t is A.Number:
        return n.value
    if t is A.CellRef:
        return _cell_area(n, ctx)
    if t is A.Binary:
        op = n.op
        if op == ":":
            return _range_op(evaluate(n.left, ctx), evaluate(n.right, ctx), ctx)
        if op == " ":
            return _intersect(evaluate(n.left, ctx), evaluate(n.right, ctx))
        if op == ",":
            return _union(evaluate(n.left, ctx), evaluate(n.right, ctx))
        a = to_value(evaluate(n.left, ctx), ctx)
        b = to_value(evaluate(n.right, ctx), ctx)
        return lift(BINARY_OPS[op], (a, b))
    if t is A.Call:
        return call(n, ctx)
    if t is A.AreaRef:
        return _area(n, ctx)
    if t is A.Text:
        return n.value
    if t is A.Bool:
        return n.value
    if t is A.Unary:
        v = evaluate(n.operand, ctx)
        if n.op == "@":
            return intersect_implicitly(v, ctx) if isinstance(v, (Area, MultiArea)) else _first(v)
        return lift(UNARY_OPS[n.op], (to_value(v, ctx),))
    if t is A.Name:
        return _name(n, ctx)
    if t is A.StructRef:
        return resolve_structured(n, ctx)
    if t is A.ErrorLit:
        return E.error_from_code(n.code)
    if t is A.ArrayLit:
        out = np.empty((len(n.rows), len(n.rows[0])), dtype=object)
        for i, r in enumerate(n.rows):
            for j, v in enumerate(r):
                out[i, j] = evaluate(v, ctx)
        return out
    if t is A.SpillRef:
        target = evaluate(n.target, ctx)
        return ctx.engine.spill_area(target) if isinstance(target, Area) else target
    if t is A.Missing:
        return None
    raise TypeError(f"cannot evaluate {n!r}")


def _first(v):
    return v[0, 0] if isinstance(v, np.ndarray) and v.size else v


def lift(fn, args, positions=None):
    """Apply a scalar function, element by element over the arguments at `positions` (all by default) that are
    arrays (Excel's broadcasting: a single row or column repeats; cells outside a smaller array are #N/A)."""
    positions = range(len(args)) if positions is None else positions
    arrays = [i for i in positions if isinstance(args[i], np.ndarray)]
    if not arrays:
        return fn(*args)
    shapes = [args[i].shape for i in arrays]
    rows, cols = max(s[0] for s in shapes), max(s[1] for s in shapes)
    out = np.empty((rows, cols), dtype=object)
    for i in range(rows):
        for j in range(cols):
            out[i, j] = fn(*(_element(a, i, j) if k in arrays else a for k, a in enumerate(args)))
    return out


def _element(a, i: int, j: int):
    if not isinstance(a, np.ndarray):
        return a
    h, w = a.shape
    ii = 0 if h == 1 else i
    jj = 0 if w == 1 else j
    return a[ii, jj] if ii < h and jj < w else E.NA


def call(n: A.Call, ctx: Context):
    name = n.name.upper()
    if name == "LET":
        return _let(n, ctx)
    spec = FUNCTIONS.get(name)
    if spec is None:
        return E.NAME.because(f"{name} is not a function gdsheet knows")
    nargs = len(n.args)
    if nargs < spec.min_args or (spec.max_args is not None and nargs > spec.max_args):
        return E.VALUE.because(f"{name} takes {_arity(spec)} arguments, not {nargs}")
    args: list = []
    lifted = False
    for i, node in enumerate(n.args):
        kind = spec.kind_of(i)
        if kind == "lazy":
            args.append(_thunk(node, ctx))
            continue
        if type(node) is A.Missing:
            if kind in ("nums", "numsa"):
                continue
            args.append(None)
            continue
        v = evaluate(node, ctx.derive(array=True) if kind == "values" and not ctx.array else ctx)
        if kind in SCALAR_KINDS:
            v = to_value(v, ctx)
            if isinstance(v, np.ndarray):
                if v.shape == (1, 1):
                    v = v[0, 0]
                else:
                    lifted = True
        elif kind == "nums" or kind == "numsa":
            v = collect_numbers(v, ctx, kind == "numsa")
            if isinstance(v, ExcelError):
                return v
        elif kind == "values":
            if isinstance(v, (Area, MultiArea)):
                v = ctx.read(v)
            elif not isinstance(v, np.ndarray):
                v = np.array([[v]], dtype=object)
        elif kind == "ref":
            if not isinstance(v, (Area, MultiArea)):
                return v if isinstance(v, ExcelError) else E.VALUE.because(f"{name} needs a reference")
        args.append(v)
    if lifted:
        scalar_positions = [i for i in range(len(args)) if spec.kind_of(i) in SCALAR_KINDS]
        return lift(lambda *xs: _invoke(spec, ctx, _prepare(spec, xs)), args, scalar_positions)
    return _invoke(spec, ctx, _prepare(spec, args))


def _arity(spec: FunctionSpec) -> str:
    if spec.max_args is None:
        return f"at least {spec.min_args}"
    return str(spec.min_args) if spec.min_args == spec.max_args else f"{spec.min_args} to {spec.max_args}"


def _prepare(spec: FunctionSpec, args):
    """Coerce scalar arguments to their kinds; the first error (left to right) is returned instead."""
    out = list(args)
    for i, v in enumerate(out):
        kind = spec.kind_of(i)
        if kind not in SCALAR_KINDS or kind == "scalar?":
            continue
        if isinstance(v, ExcelError):
            return v
        if kind in _SCALAR_COERCE:
            if v is None:
                continue  # a missing/blank scalar stays None: each function knows its default
            v = _SCALAR_COERCE[kind](v)
        elif kind == "int" and v is not None:
            v = to_number(v)
            if not isinstance(v, ExcelError):
                v = float(math.trunc(v))
        if isinstance(v, ExcelError):
            return v
        out[i] = v
    return out


def _invoke(spec: FunctionSpec, ctx: Context, args):
    if isinstance(args, ExcelError):
        return args
    try:
        result = spec.impl(ctx, *args) if spec.needs_context else spec.impl(*args)
    except (ValueError, ArithmeticError, OverflowError) as exc:  # a numeric library refused: Excel says #NUM!
        return E.NUM.because(f"{spec.name}: {exc}")
    except (TypeError, IndexError) as exc:
        return E.VALUE.because(f"{spec.name}: {exc}")
    return normalise(result)


def normalise(v):
    """Function results in the value model: numpy scalars and ints -> float, NaN/inf -> #NUM!."""
    if isinstance(v, float):
        return v if math.isfinite(v) else E.NUM
    if isinstance(v, (bool, str, ExcelError, Area, MultiArea)) or v is None:
        return v
    if isinstance(v, np.ndarray):
        if v.ndim != 2:
            v = v.reshape(1, -1) if v.ndim == 1 else v.reshape(1, 1)
        if v.dtype != object:
            v = v.astype(object)
        return v
    if isinstance(v, (int, np.integer, np.floating)):
        return normalise(float(v))
    if isinstance(v, np.bool_):
        return bool(v)
    return v


def _thunk(node: A.Node, ctx: Context):
    def value():
        if type(node) is A.Missing:
            return None
        return evaluate(node, ctx)
    return value


def collect_numbers(v, ctx: Context, count_text: bool):
    """The numbers an aggregate (SUM, AVERAGE...) sees in one argument: inside references and arrays only numbers
    (…A variants: text 0, booleans 1/0); a direct argument is coerced; the first error is returned."""
    if isinstance(v, (Area, MultiArea)):
        v = ctx.read(v)
    if isinstance(v, np.ndarray):
        out = []
        for x in v.flat:
            if type(x) is float or (isinstance(x, (int, float)) and not isinstance(x, bool)):
                out.append(float(x))
            elif isinstance(x, ExcelError):
                return x
            elif count_text and isinstance(x, bool):
                out.append(1.0 if x else 0.0)
            elif count_text and isinstance(x, str):
                out.append(0.0)
        return out
    if v is None:
        return []
    if isinstance(v, ExcelError):
        return v
    x = to_number(v)
    return x if isinstance(x, ExcelError) else [x]


def _let(n: A.Call, ctx: Context):
    """LET(name1, value1, [name2, value2, ...], calculation): names bound left to right."""
    args = n.args
    if len(args) < 3 or len(args) % 2 == 0:
        return E.VALUE.because("LET takes name/value pairs and a final calculation")
    local = dict(ctx.locals or {})
    inner = ctx
    for i in range(0, len(args) - 1, 2):
        if not isinstance(args[i], A.Name):
            return E.VALUE.because("LET's names must be plain names")
        local[args[i].name.upper()] = evaluate(args[i + 1], inner)
        inner = ctx.derive(local_names=dict(local))
    return evaluate(args[-1], inner)
