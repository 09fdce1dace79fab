"""Evaluate a syntax tree in a cell, with Excel's rules for references, arrays, implicit intersection and errors."""
from __future__ import annotations

import datetime as _dt
import math
import operator
from typing import Callable

import numpy as np

from gdsheet import errors as E
from gdsheet.errors import ExcelError, FormulaSyntaxError
from gdsheet.formula import ast as A
from gdsheet.formula import parse_cached
from gdsheet.functions import FUNCTIONS
from gdsheet.functions.operators import BINARY_OPS, UNARY_OPS
from gdsheet.functions.registry import SCALAR_KINDS, FunctionSpec
from gdsheet.refs import MAX_COL, MAX_ROW, Area
from gdsheet.sheet.isolation import internal_error
from gdsheet.sheet.references import (_area, _intersect, _on_sheet, _range_op, _union, intersect_implicitly,
                                       to_value)
from gdsheet.sheet import lambdas
from gdsheet.sheet.structured import resolve_structured
from gdsheet.values import Lambda, MultiArea, to_bool, to_number, to_text

MAX_NAME_DEPTH = 64  # names defined through other names, as deep as Excel nests functions
_SCALAR_COERCE = {"num": to_number, "text": to_text, "bool": to_bool}
# an empty cell given where a scalar kind is expected reads as Excel reads it: 0 for a number, "" for text, FALSE
_EMPTY_AS = {"num": 0.0, "int": 0.0, "text": "", "bool": False}


class Context:
    """Where a formula is being evaluated: the host cell, array or legacy mode, LET variables. Functions that
    declare needs_context receive it."""

    __slots__ = ("engine", "sheet", "row", "col", "array", "locals", "names")

    def __init__(self, engine, sheet: str, row: int, col: int, array: bool, local_names=None, names=()):
        self.engine, self.sheet, self.row, self.col = engine, sheet, row, col
        self.array, self.locals = array, local_names
        self.names = names  # the defined names being evaluated, outermost first (a name met again is a cycle)

    def derive(self, array: bool | None = None, local_names=None) -> "Context":
        return Context(self.engine, self.sheet, self.row, self.col, self.array if array is None else array,
                       self.locals if local_names is None else local_names, self.names)

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
        if isinstance(node, (A.CellRef, A.AreaRef)) and node.sheet is not None and ":" in node.sheet:
            return E.REF.because("INDIRECT does not take 3-D references (Sheet1:Sheet3!A1), as in Excel")
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


# ---- names ------------------------------------------------------------------------------------------------

_UNDEFINED = object()

def _name(n: A.Name, ctx: Context, missing=_UNDEFINED):
    if n.sheet is None and ctx.locals and n.name.upper() in ctx.locals:
        v = ctx.locals[n.name.upper()]
        return None if v is lambdas.OMITTED else v
    wb = ctx.engine.wb
    dn = wb.get_name(n.name, n.sheet or ctx.sheet)
    if dn is None:
        table = wb.tables.get(n.name.upper())
        if table is not None:  # a bare table name means its data
            return table.data_area
        if missing is not _UNDEFINED:
            return missing
        spec = FUNCTIONS.get(n.name.upper()) if n.sheet is None else None
        if spec is not None:  # a function passed by name: GROUPBY(A2:A9, B2:B9, SUM)
            return lambdas.function_value(spec, ctx, _call_with_values)
        return E.NAME.because(f"{n.name} is not a defined name")
    node = ctx.engine.name_tree(dn)
    if isinstance(node, ExcelError):
        return node
    key = (dn.scope, dn.name.upper())
    if key in ctx.names:  # X = X+1, or P = Q with Q = P: no value exists (Excel reports a circular reference)
        return E.REF.because(f"the name {dn.name} refers to itself (a circular reference)")
    if len(ctx.names) >= MAX_NAME_DEPTH:
        return E.REF.because(f"names refer to names more than {MAX_NAME_DEPTH} deep")
    # a name's references are relative to A1, as Excel stores them; evaluate on the name's sheet if scoped
    sub = Context(ctx.engine, dn.scope or ctx.sheet, ctx.row, ctx.col, ctx.array, names=(*ctx.names, key))
    return evaluate(node, sub)


# ---- evaluation: each distinct tree is compiled once into a closure over the context ----------------------
#
# Trees are interned (a filled-down column shares one), so a recalculation compiles a handful of trees and then
# calls closures: no per-node type dispatch, arguments prepared by a plan made once per call site.

_COMPILED: dict[int, tuple[A.Node, Callable]] = {}  # id(tree) -> (tree, closure); the tree is kept so ids stay unique
_COMPILED_LIMIT = 100_000


def evaluate(n: A.Node, ctx: Context):
    """The value of a node: scalar, 2-D object array, or a reference (Area / MultiArea) left unread."""
    hit = _COMPILED.get(id(n))
    if hit is None:
        if len(_COMPILED) >= _COMPILED_LIMIT:
            _COMPILED.clear()
        hit = _COMPILED[id(n)] = (n, _compile(n))
    return hit[1](ctx)


def _compile(n: A.Node) -> Callable:
    """A closure ctx -> the node's value, as described in evaluate."""
    t = type(n)
    if t is A.Number or t is A.Text or t is A.Bool:
        value = n.value
        return lambda ctx: value
    if t is A.CellRef:
        return _compile_cell(n, False)
    if t is A.Binary:
        return _compile_binary(n)
    if t is A.Call:
        return _compile_call(n)
    if t is A.AreaRef:
        return lambda ctx: _area(n, ctx)
    if t is A.Unary:
        return _compile_unary(n)
    if t is A.Name:
        return lambda ctx: _name(n, ctx)
    if t is A.StructRef:
        return lambda ctx: resolve_structured(n, ctx)
    if t is A.ErrorLit:
        return lambda ctx: E.error_from_code(n.code)
    if t is A.ArrayLit:
        rows = [[_compile(v) for v in r] for r in n.rows]

        def array(ctx):
            out = np.empty((len(rows), len(rows[0])), dtype=object)
            for i, r in enumerate(rows):
                for j, f in enumerate(r):
                    out[i, j] = f(ctx)
            return out
        return array
    if t is A.SpillRef:
        target = _compile(n.target)

        def spill(ctx):
            v = target(ctx)
            return ctx.engine.spill_area(v) if isinstance(v, Area) else v
        return spill
    if t is A.Missing:
        return lambda ctx: None

    def unknown(ctx):
        raise TypeError(f"cannot evaluate {n!r}")
    return unknown


def _compile_value(n: A.Node) -> Callable:
    """A closure ctx -> to_value(the node's value): a cell reference reads the cell without building an Area."""
    t = type(n)
    if t is A.Number or t is A.Text or t is A.Bool or t is A.Missing:
        return _compile(n)
    if t is A.CellRef:
        return _compile_cell(n, True)
    if (t is A.Binary and n.op not in _REFERENCE_OPS) or (t is A.Unary and n.op != "@"):
        return _compile(n)  # operators give values, never references
    f = _compile(n)
    return lambda ctx: to_value(f(ctx), ctx)


def _compile_cell(n: A.CellRef, value: bool) -> Callable:
    row, col, row_abs, col_abs, sheet = n.row, n.col, n.row_abs, n.col_abs, n.sheet
    if value and sheet is None:
        def cell_value(ctx):
            r = row if row_abs else row + ctx.row
            c = col if col_abs else col + ctx.col
            if 1 <= r <= MAX_ROW and 1 <= c <= MAX_COL:
                return ctx.engine.cell_value(ctx.sheet, r, c)
            return E.REF.because("the reference points outside the grid")
        return cell_value

    def cell(ctx):
        r = row if row_abs else row + ctx.row
        c = col if col_abs else col + ctx.col
        if not (1 <= r <= MAX_ROW and 1 <= c <= MAX_COL):
            return E.REF.because("the reference points outside the grid")
        area = _on_sheet(sheet, ctx, r, c, r, c)
        return to_value(area, ctx) if value else area
    return cell


_REFERENCE_OPS = {":": _range_op, " ": lambda a, b, ctx: _intersect(a, b), ",": lambda a, b, ctx: _union(a, b)}
# float op float needs none of the coercions: the same arithmetic as operators.arithmetic, without the calls
_FLOAT_OPS = {"+": operator.add, "-": operator.sub, "*": operator.mul}


def _compile_binary(n: A.Binary) -> Callable:
    op = n.op
    if op in _REFERENCE_OPS:
        combine, left, right = _REFERENCE_OPS[op], _compile(n.left), _compile(n.right)
        return lambda ctx: combine(left(ctx), right(ctx), ctx)
    fn, left, right = BINARY_OPS[op], _compile_value(n.left), _compile_value(n.right)
    fast = _FLOAT_OPS.get(op)

    def binary(ctx):
        a = left(ctx)
        b = right(ctx)
        if type(a) is float and type(b) is float:
            if fast is not None:
                r = fast(a, b)
                return r if math.isfinite(r) else E.NUM
            if op == "/" and b != 0.0:
                r = a / b
                return r if math.isfinite(r) else E.NUM
        try:
            if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
                return lift(fn, (a, b))
            return fn(a, b)
        except Exception as exc:  # noqa: BLE001 - one cell's failure must not stop the recalculation
            return internal_error(f"the operator '{op}'", exc, (ctx.sheet, ctx.row, ctx.col))
    return binary


def _compile_unary(n: A.Unary) -> Callable:
    if n.op == "@":
        operand = _compile(n.operand)

        def at(ctx):
            v = operand(ctx)
            return intersect_implicitly(v, ctx) if isinstance(v, (Area, MultiArea)) else _first(v)
        return at
    fn, operand, negate = UNARY_OPS[n.op], _compile_value(n.operand), n.op == "-"

    def unary(ctx):
        v = operand(ctx)
        if negate and type(v) is float:
            return -v
        try:
            return lift(fn, (v,)) if isinstance(v, np.ndarray) else fn(v)
        except Exception as exc:  # noqa: BLE001 - one cell's failure must not stop the recalculation
            return internal_error(f"the operator '{n.op}'", exc, (ctx.sheet, ctx.row, ctx.col))
    return unary


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
            v = fn(*(_element(a, i, j) if k in arrays else a for k, a in enumerate(args)))
            if isinstance(v, np.ndarray):  # an array per element: Excel keeps its first value (SEQUENCE({2,3}))
                v = v[0, 0] if v.size else E.CALC.because("the result is an empty array")
            out[i, j] = v
    return out


def _element(a, i: int, j: int):
    if not isinstance(a, np.ndarray):
        return a
    h, w = a.shape
    ii = 0 if h == 1 else i
    jj = 0 if w == 1 else j
    return a[ii, jj] if ii < h and jj < w else E.NA


def _compile_call(n: A.Call) -> Callable:
    name = n.name.upper()
    special = _SPECIAL_FORMS.get(name)
    if special is not None:  # forms whose arguments are names, not values
        return lambda ctx: special(n, ctx)
    spec = FUNCTIONS.get(name)
    body = _call_body(n, name, spec)

    def call(ctx):
        nonlocal spec, body
        if FUNCTIONS.get(name) is not spec:  # the table changed since this was compiled (a test's stand-in)
            spec = FUNCTIONS.get(name)
            body = _call_body(n, name, spec)
        return body(ctx)
    return call


# how call_body prepares each argument (from the parameter kinds)
_SCALAR, _ANY, _NUMS, _NUMSA, _VALUES, _REF, _LAZY, _NONE, _EMPTY, _NO_NUMBERS = range(10)
_STEP_OF_KIND = {"nums": _NUMS, "numsa": _NUMSA, "values": _VALUES, "ref": _REF, "any": _ANY}


def _call_body(n: A.Call, name: str, spec: FunctionSpec | None) -> Callable:
    """The closure for a call to a known function: each argument evaluated and prepared as its kind says.

    Empty and missing arguments are read here, as the registry's docstring describes."""
    if spec is None:  # a LAMBDA called by name or in place: ADD1(5), LAMBDA(x,x+1)(2)
        return lambda ctx: lambdas.call_by_name(n, ctx, evaluate, _name)
    nargs = len(n.args)
    if nargs < spec.min_args or (spec.max_args is not None and nargs > spec.max_args):
        arity = _arity(spec)
        noun = "argument" if arity == "1" else "arguments"
        return lambda ctx: E.VALUE.because(f"{name} takes {arity} {noun}, not {nargs}")
    steps = []
    for i, node in enumerate(n.args):
        kind = spec.kind_of(i)
        if kind == "lazy":
            steps.append((_LAZY, _compile(node)))
        elif type(node) is A.Missing:
            if kind in ("nums", "numsa"):
                steps.append((_NO_NUMBERS, None))
            else:
                # an optional parameter's default; a repeat of a variadic one has none (IMSUM(1,,2))
                default = spec.keeps_missing if kind in SCALAR_KINDS else spec.min_args <= i < len(spec.params)
                steps.append((_NONE if default else _EMPTY, None))
        elif kind in SCALAR_KINDS:
            steps.append((_SCALAR, _compile_value(node)))
        else:
            steps.append((_STEP_OF_KIND[kind], _compile(node)))
    # scalar coercions: (position, kind, coercion, value of an empty cell); an optional missing one stays None
    plan = [(i, kind, _SCALAR_COERCE.get(kind), None if step == _NONE else _EMPTY_AS.get(kind))
            for i, (step, _) in enumerate(steps) if (kind := spec.kind_of(i)) in SCALAR_KINDS and kind != "scalar?"]
    scalar_positions = [i for i in range(len(steps)) if spec.kind_of(i) in SCALAR_KINDS]

    def call(ctx):
        args = []
        lifted = False
        for i, (step, f) in enumerate(steps):
            if step == _SCALAR:
                v = f(ctx)
                if isinstance(v, np.ndarray):
                    if v.shape == (1, 1):
                        v = v[0, 0]
                    else:
                        lifted = True
            elif step == _ANY:
                v = f(ctx)
            elif step == _NUMS or step == _NUMSA:
                v = collect_numbers(f(ctx), ctx, step == _NUMSA)
                if isinstance(v, ExcelError):
                    return v
                if type(v) is np.ndarray and not spec.bulk:
                    v = v.tolist()
            elif step == _LAZY:
                v = _thunk(f, ctx)
            elif step == _VALUES:
                v = f(ctx if ctx.array else ctx.derive(array=True))
                if isinstance(v, (Area, MultiArea)):
                    v = ctx.read(v)
                elif not isinstance(v, np.ndarray):
                    v = np.array([[v]], dtype=object)
            elif step == _REF:
                v = f(ctx)
                if not isinstance(v, (Area, MultiArea)):
                    return v if isinstance(v, ExcelError) else E.VALUE.because(f"{name} needs a reference")
            elif step == _NO_NUMBERS:
                v = []
            elif step == _EMPTY:
                kind = spec.kind_of(i)
                if kind == "ref":
                    return E.VALUE.because(f"{name} needs a reference")
                v = np.array([[None]], dtype=object) if kind == "values" else None
            else:
                v = None
            args.append(v)
        if lifted:
            return lift(lambda *xs: _invoke(spec, ctx, _prepare(plan, list(xs))), args, scalar_positions)
        return _invoke(spec, ctx, _prepare(plan, args))
    return call


def _thunk(f: Callable, ctx: Context):
    return lambda: f(ctx)


def _arity(spec: FunctionSpec) -> str:
    if spec.max_args is None:
        return f"at least {spec.min_args}"
    return str(spec.min_args) if spec.min_args == spec.max_args else f"{spec.min_args} to {spec.max_args}"


def _prepare(plan, args: list):
    """Coerce scalar arguments (in place) to their kinds, an empty cell to 0, "" or FALSE; the first error (left to
    right) is returned instead. This is the one place where Excel's reading of an argument happens: function
    bodies receive a float, str or bool for num/int/text/bool parameters (None only for an omitted optional one)."""
    for i, kind, coerce, empty in plan:
        v = args[i]
        if coerce is to_number and type(v) is float:
            continue  # already what to_number would give
        if v is None:
            args[i] = empty
            continue
        if isinstance(v, ExcelError):
            return v
        if isinstance(v, (Area, MultiArea)):  # a reference where one value is expected (an 'any' result)
            return E.VALUE.because("a reference where one value is expected")
        if coerce is not None:
            v = coerce(v)
        elif kind == "int":
            v = to_number(v)
            if not isinstance(v, ExcelError):
                v = float(math.trunc(v)) if math.isfinite(v) else E.NUM
        if isinstance(v, ExcelError):
            return v
        args[i] = v
    return args


def _invoke(spec: FunctionSpec, ctx: Context, args):
    """Call the function; whatever it raises becomes an error value in this cell (it cannot stop the
    recalculation): a numeric library's refusal is Excel's #NUM!, anything else an internal error, logged."""
    if isinstance(args, ExcelError):
        return args
    try:
        result = spec.impl(ctx, *args) if spec.needs_context else spec.impl(*args)
    except (ValueError, ArithmeticError):  # math.sqrt(-1), exp(1000), int(inf): Excel says #NUM!
        return E.NUM.because(f"{spec.name} has no result for these arguments")
    except Exception as exc:  # noqa: BLE001 - a bug in one function must not take the workbook down
        return internal_error(spec.name, exc, (ctx.sheet, ctx.row, ctx.col) if ctx is not None else None)
    return normalise(result)


def normalise(v):
    """Function results in the value model: numpy scalars and ints -> float, NaN/inf -> #NUM!; anything that is
    not an Excel value (a nested or 3-D array, a stray Python object) is #CALC!, as Excel says of nested arrays."""
    if isinstance(v, float):
        return v if math.isfinite(v) else E.NUM
    if isinstance(v, (bool, str, ExcelError, Area, MultiArea, Lambda)) or v is None:
        return v
    if isinstance(v, np.ndarray):
        if v.ndim != 2:
            if v.ndim > 2:
                return E.CALC.because("the result is an array of arrays, which a cell cannot hold")
            v = v.reshape(1, -1) if v.ndim == 1 else v.reshape(1, 1)
        if v.dtype != object:
            v = v.astype(object)
        return v
    if isinstance(v, (int, np.integer, np.floating)):
        return normalise(float(v))
    if isinstance(v, np.bool_):
        return bool(v)
    if isinstance(v, np.str_):
        return str(v)
    return E.CALC.because("the result is not a value a cell can hold")


def collect_numbers(v, ctx: Context, count_text: bool):
    """The numbers an aggregate (SUM, AVERAGE...) sees in one argument: inside references and arrays only numbers
    (…A variants: text 0, booleans 1/0); a direct argument is coerced; the first error is returned. A list, or a
    float64 array for a big range of nothing but numbers."""
    if isinstance(v, Area) and v.size > 64:
        numbers = ctx.engine.area_numbers(v)  # a range of numbers only: read in bulk from the column store
        if numbers is not None:
            return numbers
    if isinstance(v, Area) and v.size > 100_000:
        v = ctx.engine.read_present(v)  # SUM(A:A): the cells that exist, not the million the reference names
    elif isinstance(v, (Area, MultiArea)):
        v = ctx.read(v)
    if isinstance(v, (np.ndarray, list)):
        out = []
        for x in (v.flat if isinstance(v, np.ndarray) else v):
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


_SPECIAL_FORMS = {
    "LET": _let,
    "LAMBDA": lambda n, ctx: lambdas.make_lambda(n, ctx, evaluate),
    "ISOMITTED": lambdas.is_omitted,
}
_ETA_CALLS: dict[tuple[str, int], A.Call] = {}  # one tree per (function, argument count): compiled once


def _call_with_values(spec: FunctionSpec, values, ctx: Context):
    """A table function called with values already computed (a function passed by name, then called by GROUPBY,
    MAP...): the values are bound as locals, so they are prepared exactly as the arguments of a written call."""
    key = (spec.name, len(values))
    node = _ETA_CALLS.get(key)
    if node is None:
        node = _ETA_CALLS[key] = A.Call(spec.name, tuple(A.Name(f"_ETA.{i}") for i in range(len(values))))
    local = dict(ctx.locals or {})
    local.update((f"_ETA.{i}", v) for i, v in enumerate(values))
    return evaluate(node, ctx.derive(local_names=local))
