"""One block's syntax tree -> LVal: operators, literals, references, names, LET, and calls through the one table.

What does not depend on the variables is computed once, here: by torch where a lowering exists, else by the
engine itself, cell by cell (text, lookups, dates...), so a dependent formula may use anything Excel has as long as
the variables do not flow through it. A function that the variables do flow through needs a lowering (see
tensor_functions.py) or a kernel in the table; otherwise CompileError names the cell and the function.
"""
from __future__ import annotations

import dataclasses
import logging
import operator

import numpy as np
import torch

from gdsheet.compile.cone import Block, Region
from gdsheet.compile.lval import CompileError, LVal, broadcast_shape, combine, const, dyn, without_ref
from gdsheet.compile.regions import excel_numbers, resolve_areas
from gdsheet.compile.walk import REF_OPS, REF_TYPES, each_name_or_tree, is_ref_tree, walk_refs
from gdsheet.errors import ExcelError
from gdsheet.formula import ast as A
from gdsheet.formula.unparse import is_optional_parameter
from gdsheet.functions import FUNCTIONS
from gdsheet.functions.registry import SCALAR_KINDS
from gdsheet.refs import Area, sheet_span
from gdsheet.sheet.evaluate import Context, evaluate, to_value
from gdsheet.sheet.references import sheets_between
from gdsheet.sheet.isolation import internal_error

ARITH = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv, "^": torch.pow}
# operator's comparisons, not torch.eq & co: a literal on the left reaches them as a Python float (0<=x)
COMPARE = {"=": operator.eq, "<>": operator.ne, "<": operator.lt, ">": operator.gt, "<=": operator.le,
           ">=": operator.ge}
log = logging.getLogger("gdsheet.compile")
LOWERINGS: dict = {}  # Excel name -> lower(lw, args) -> LVal; filled by tensor_functions


class Lowerer:
    """Lowers the formula of one block; `builder` supplies the workbook, loader, dtype and scratch slots."""

    def __init__(self, builder, block: Block) -> None:
        self.bld = builder
        self.wb = builder.wb
        self.block = block
        self.n, self.r0, self.col = block.n, block.r0, block.col
        self.sheet = block.sheet
        f = block.formula
        self.array = f.dynamic or f.array is not None
        self.locals: dict[str, LVal] = {}
        self.guards: list = []  # (getter, negate, shape) of IF conditions around the current branch
        self.names_lowering: set = set()  # (scope, NAME) of the defined names whose trees are being lowered

    # ---- helpers ------------------------------------------------------------------------------------------

    def tensor(self, a, dtype=None) -> torch.Tensor:
        return self.bld.loader.tensor(a, dtype)

    def number(self, x: float) -> LVal:
        return const(self.tensor(np.full((1, 1, 1), x)), (1, 1, 1), scalar=float(x))

    def num(self, v: LVal) -> LVal:
        """Booleans as 1/0 (TRUE+1 is 2); numbers and coerced text as they are."""
        if v.kind != "bool":
            return v
        dt = self.bld.dtype
        return combine(lambda t: t.to(dt), [v], v.shape)

    def truth(self, v: LVal) -> LVal:
        if v.kind == "bool":
            return v
        if v.kind == "text":
            raise CompileError("text used as a condition")
        return combine(lambda t: t != 0, [v], v.shape, "bool")

    def arg(self, node: A.Node, kind: str) -> LVal:
        """An argument as a parameter of `kind` receives it (the engine's rules: 'values' in array mode, a
        multi-cell reference in a scalar place of a legacy formula meets the host row or column)."""
        if type(node) is A.Missing:
            return self.number(0.0)
        if kind == "values" and not self.array:
            self.array = True
            try:
                v = self.lower(node)
            finally:
                self.array = False
        else:
            v = self.lower(node)
        if kind in SCALAR_KINDS:
            v = self.scalar(v)
        return v

    def scalar(self, v: LVal) -> LVal:
        if v.ref and v.cells > 1 and not self.array:
            return self.intersect(v)
        return v

    def intersect(self, v: LVal) -> LVal:
        """Legacy implicit intersection: a column range meets the host row, a row range the host column; where
        there is no such cell the value is #VALUE! (NaN)."""
        reg = v.region
        if reg is None:
            raise CompileError("an array where one value is expected")
        if reg.w == 1:
            last = self.r0 + self.n - 1 if not reg.varying else self.r0
            if reg.r <= self.r0 and last <= reg.r + reg.h - 1:
                return self.load(Region(reg.sheet, self.r0, reg.c, 1, 1, self.n > 1))
            if reg.varying or last < reg.r or self.r0 > reg.r + reg.h - 1:
                return self.number(float("nan"))
            raise CompileError("a range meets some rows of the block and not others")
        if reg.h == 1 and reg.c <= self.col < reg.c + reg.w:
            return self.load(Region(reg.sheet, reg.r, self.col, 1, 1, reg.varying))
        return self.number(float("nan"))

    def load(self, reg: Region) -> LVal:
        v = self.bld.loader.load(reg, self.n)
        if v.dep and self.guards:
            v = self.guard(v)
        return v

    def guard(self, v: LVal) -> LVal:
        """The 'double where': inside an IF branch a dependent input keeps its gradient only where the branch
        is taken, so a branch undefined elsewhere (SQRT of a negative) cannot poison the gradient with NaN."""
        f = v.get3()
        shape = v.shape
        for g, neg, gshape in self.guards:
            f = _guarded(f, g, neg)
            shape = broadcast_shape(shape, gshape)
        return dyn(f, shape, v.kind, ref=v.ref, mask=v.mask if shape == v.shape else None, region=v.region)

    def scratch(self) -> int:
        return self.bld.scratch()

    # ---- dispatch -----------------------------------------------------------------------------------------

    def lower(self, node: A.Node) -> LVal:
        try:
            return self._lower(node)
        except CompileError:
            if type(node) in (A.Call, A.Binary, A.Unary) and not self.depends(node):
                return self.fold(node)
            raise
        except Exception as exc:  # noqa: BLE001 - a bug in one lowering: name the function, not a traceback
            log.warning("internal error compiling %s: %s: %s", _what(node), type(exc).__name__, exc)
            log.debug("traceback", exc_info=exc)
            raise CompileError(f"{_what(node)} cannot be compiled (an internal error in gdsheet; it was logged)") \
                from None

    def _lower(self, node: A.Node) -> LVal:
        t = type(node)
        if t is A.Number:
            return self.number(node.value)
        if t in REF_TYPES or (t is A.Binary and node.op in REF_OPS):
            return self.ref(node, self.sheet)
        if t is A.Binary:
            return self.binary(node)
        if t is A.Call:
            return self.call(node)
        if t is A.Unary:
            return self.unary(node)
        if t is A.Name:
            return self.name(node)
        if t is A.Bool:
            return const(self.tensor(np.full((1, 1, 1), node.value), torch.bool), (1, 1, 1), "bool")
        if t is A.Text:
            return self.constant_values(np.array([[[node.value]]], dtype=object), ref=False)
        if t is A.ErrorLit:
            return self.number(float("nan"))
        if t is A.Missing:
            return self.number(0.0)
        if t is A.ArrayLit:
            obj = np.array([[evaluate(v, None) for v in row] for row in node.rows], dtype=object)
            return self.constant_values(obj[None], ref=True)
        raise CompileError(f"cannot compile {type(node).__name__}")

    def constant_values(self, obj: np.ndarray, ref: bool) -> LVal:
        """A constant from Excel values (B, h, w): numbers (text coerced), which are numbers, and its kind."""
        flat = obj.ravel().tolist()
        nums, mask = excel_numbers(flat)
        if flat and all(isinstance(x, bool) for x in flat):
            return const(self.tensor(np.array(flat, dtype=bool).reshape(obj.shape), torch.bool), obj.shape, "bool")
        kind = "text" if any(isinstance(x, str) for x in flat) else "num"
        m = None if mask is None or not ref else self.tensor(mask.reshape(obj.shape), torch.bool)
        return const(self.tensor(nums.reshape(obj.shape)), obj.shape, kind, ref=ref, mask=m)

    def ref(self, node: A.Node, sheet: str) -> LVal:
        res = resolve_areas(self.wb, node, sheet, self.r0, self.col, self.n, self.array)
        if isinstance(res, ExcelError):
            return self.number(float("nan"))
        if not isinstance(res, list):
            return self.constant_values(np.array([[[res]]], dtype=object), ref=False)
        if len(res) != 1:
            raise CompileError("a union of ranges")
        return self.load(res[0])

    def name(self, node: A.Name) -> LVal:
        key = node.name.upper()
        if node.sheet is None and key in self.locals:
            return self.locals[key]
        dn = self.wb.get_name(node.name, node.sheet or self.sheet)
        tree = self.wb.engine.name_tree(dn) if dn is not None else None
        if tree is None or isinstance(tree, ExcelError) or is_ref_tree(tree):
            return self.ref(node, self.sheet)
        within = self.names_lowering
        name_key = (dn.scope, dn.name.upper())
        if name_key in within:  # X = X+1: the engine shows #REF!, so there is nothing to compile
            raise CompileError(f"the name {dn.name} refers to itself")
        within.add(name_key)
        saved, self.sheet = self.sheet, dn.scope or self.sheet
        try:
            return self.lower(tree)
        finally:
            self.sheet = saved
            within.discard(name_key)

    def unary(self, node: A.Unary) -> LVal:
        if node.op == "@":
            v = self.lower(node.operand)
            if v.ref and v.cells > 1:
                return self.intersect(v)
            return v if v.cells == 1 else self.first(v)
        v = self.scalar(self.lower(node.operand))
        if node.op == "+":
            return v
        v = self.num(without_ref(v))
        f = operator.neg if node.op == "-" else (lambda t: t / 100.0)
        return combine(f, [v], v.shape)

    def first(self, v: LVal) -> LVal:
        g = v.get3()
        if not v.dep:
            return const(v.const3()[:, :1, :1], (v.B, 1, 1), v.kind)
        return dyn(lambda env: g(env)[:, :1, :1], (v.B, 1, 1), v.kind)

    def binary(self, node: A.Binary) -> LVal:
        op = node.op
        a = without_ref(self.scalar(self.lower(node.left)))
        b = without_ref(self.scalar(self.lower(node.right)))
        shape = broadcast_shape(a.shape, b.shape, where=f" at '{op}'")
        if op in ARITH:  # constant text is already its number ("3"+x is 3+x), or NaN (#VALUE!)
            return combine(ARITH[op], [self.num(a), self.num(b)], shape)
        if op in COMPARE:
            if a.kind != b.kind and not (a.kind != "text" and b.kind != "text" and not (a.dep or b.dep)):
                raise CompileError(f"a comparison '{op}' of a {a.kind} with a {b.kind}")
            if a.kind == "text":
                raise CompileError("a comparison of text")
            return combine(COMPARE[op], [a, b], shape, "bool")
        raise CompileError(f"the operator '{op}' (text)")

    def call(self, node: A.Call) -> LVal:
        name = node.name
        if name == "LET":
            return self.let(node)
        inlined = self.inline_lambda(node)
        if inlined is not None:
            return self.let(inlined) if inlined.name == "LET" else self.lower(inlined)
        spread = self.spread_3d(node)
        if spread is not None:
            return self.call(spread)
        if name == "ISOMITTED":  # only LAMBDA calls with every value given are inlined: nothing is ever omitted
            return const(self.tensor(np.zeros((1, 1, 1), dtype=bool), torch.bool), (1, 1, 1), "bool")
        spec = FUNCTIONS.get(name)
        lowering = LOWERINGS.get(name)
        if lowering is not None or (spec is not None and spec.kernel is not None):
            nargs = len(node.args)
            if spec is not None and (nargs < spec.min_args or (spec.max_args is not None and nargs > spec.max_args)):
                return self.number(float("nan"))  # #VALUE!, as the engine gives
            if lowering is not None:
                return lowering(self, node.args)
            return self.kernel(spec, node.args)
        if spec is None and name != A.APPLY and name.upper() not in self.locals \
                and self.wb.get_name(name, self.sheet) is None:
            return self.number(float("nan"))  # #NAME?, as the engine shows it
        if not self.depends(node):
            return self.fold(node)
        areas = self.fold_reference(node)
        if areas is not None:
            return areas
        raise CompileError(f"the function {name} has no differentiable form and the variables flow through it")

    def kernel(self, spec, args) -> LVal:
        """A smooth numeric function from the table: its kernel applied to tensors, broadcast per element."""
        vals = [self.num(without_ref(self.arg(a, spec.kind_of(i)))) for i, a in enumerate(args)]
        vals = [v if v.scalar is None else const(v.const, v.shape) for v in vals]
        shape = broadcast_shape(*[v.shape for v in vals], where=f" in {spec.name}")
        k = spec.kernel
        return combine(lambda *ts: k(torch, *ts), vals, shape)

    def spread_3d(self, node: A.Call) -> A.Call | None:
        """SUM(Sheet1:Sheet3!A1) as SUM(Sheet1!A1, Sheet2!A1, Sheet3!A1): an aggregate reads a 3-D reference as
        the same cells on each sheet, which is what one argument per sheet gives; None when nothing to spread."""
        spec = FUNCTIONS.get(node.name)
        if spec is None or spec.max_args is not None:
            return None
        args, spread = [], False
        for i, a in enumerate(node.args):
            span = sheet_span(a.sheet) if isinstance(a, (A.CellRef, A.AreaRef)) else None
            names = sheets_between(self.wb, *span) if span is not None else None
            if names and spec.kind_of(i) in ("nums", "numsa"):
                args.extend(dataclasses.replace(a, sheet=n) for n in names)
                spread = True
            else:
                args.append(a)
        return A.Call(node.name, tuple(args)) if spread and len(args) <= 255 else None

    def inline_lambda(self, node: A.Call) -> A.Node | None:
        """A LAMBDA called in place or by a defined name, as the LET that binds its parameters to the call's
        arguments (so the solver differentiates through it); None when the call is anything else."""
        if node.name == A.APPLY and isinstance(node.args[0], A.Call) and node.args[0].name == "LAMBDA":
            lam, args = node.args[0], node.args[1:]
        elif node.name not in FUNCTIONS and node.name != A.APPLY and node.name.upper() not in self.locals:
            dn = self.wb.get_name(node.name, self.sheet)
            lam = self.wb.engine.name_tree(dn) if dn is not None else None
            if not (isinstance(lam, A.Call) and lam.name == "LAMBDA" and dn.scope in (None, self.sheet)):
                return None
            args = node.args
        else:
            return None
        params = [A.Name(p.col1) if is_optional_parameter(p) else p for p in lam.args[:-1]]
        if not lam.args or len(params) != len(args) or any(type(a) is A.Missing for a in args) \
                or not all(type(p) is A.Name and p.sheet is None for p in params):
            return None  # values left out, wrong counts: the engine's value (or error) stands
        if not params:
            return lam.args[-1]
        pairs = [x for p, a in zip(params, args) for x in (p, a)]
        return A.Call("LET", (*pairs, lam.args[-1]))

    def let(self, node: A.Call) -> LVal:
        args = node.args
        if len(args) < 3 or len(args) % 2 == 0 or not all(isinstance(a, A.Name) for a in args[:-1:2]):
            return self.number(float("nan"))
        saved = dict(self.locals)
        sets = []
        try:
            for i in range(0, len(args) - 1, 2):
                v = self.lower(args[i + 1])
                if v.dep:  # computed once per pass, then read from a scratch slot at each use
                    k, g = self.scratch(), v.getter()
                    sets.append((k, g))
                    v = dyn(lambda env, k=k: env[k], v.shape, v.kind, raw_shape=v.raw_shape, ref=v.ref,
                            mask=v.mask, region=v.region)
                self.locals[args[i].name.upper()] = v
            body = self.lower(args[-1])
        finally:
            self.locals = saved
        if not body.dep or not sets:
            return body
        bg = body.getter()

        def fn(env):
            for k, g in sets:
                env[k] = g(env)
            return bg(env)

        return dyn(fn, body.shape, body.kind, raw_shape=body.raw_shape)

    # ---- what the variables reach, and the engine's values for the rest ------------------------------------

    def depends(self, node: A.Node) -> bool:
        """Whether a subtree reads a variable or a dependent block (statically)."""
        found = []

        def on_ref(ref, sheet):
            if found:
                return
            res = resolve_areas(self.wb, ref, sheet, self.r0, self.col, self.n, self.array)
            if isinstance(res, list):
                for reg in res:
                    blocks, reads_vars = self.bld.cone.sources(reg, self.n)
                    if reads_vars or any(self.bld.cone.blocks[b].dep for b in blocks):
                        found.append(True)
                        return

        def visit(n):
            if isinstance(n, A.Name) and n.sheet is None and n.name.upper() in self.locals:
                if self.locals[n.name.upper()].dep:
                    found.append(True)
                return
            walk_refs(self.wb, n, self.sheet, on_ref)

        each_name_or_tree(node, visit)
        return bool(found)

    def _contexts(self):
        engine = self.wb.engine
        return [Context(engine, self.sheet, r, self.col, self.array) for r in range(self.r0, self.r0 + self.n)]

    def fold(self, node: A.Node) -> LVal:
        """The engine's value of a subtree that does not depend on the variables, in every host cell."""
        if self.locals:
            raise CompileError("a LET name inside a part the compiler hands to the engine")
        values = []
        for ctx in self._contexts():
            try:
                v = to_value(evaluate(node, ctx), ctx)
            except Exception as exc:  # noqa: BLE001 - as in a cell: the engine's error value, not an exception
                v = internal_error("the formula", exc, (ctx.sheet, ctx.row, ctx.col))
            values.append(v if isinstance(v, np.ndarray) else np.array([[v]], dtype=object))
        shapes = {v.shape for v in values}
        if len(shapes) != 1:
            raise CompileError("arrays of different sizes in different rows")
        obj = np.stack(values)
        if len(values) > 1 and all(_same(values[0], v) for v in values[1:]):
            obj = obj[:1]
        return self.constant_values(obj, ref=False)

    def fold_reference(self, node: A.Call) -> LVal | None:
        """A function that returns a reference (INDEX, OFFSET...) whose position does not depend on the
        variables: the engine finds the area in each host cell, and the areas are read like any reference (a
        slice when they move with the rows, else a gather from the box around them)."""
        if self.locals:
            return None
        moving = POSITIONS.get(node.name, ())
        if any(self.depends(a) for i, a in enumerate(node.args) if i in moving):
            raise CompileError(f"{node.name}'s position depends on the variable cells, so the reference it returns "
                               "would move during the solve; the solver holds such references fixed: compute the "
                               "position from cells that are not variable cells")
        contexts = self._contexts()
        ends = [evaluate(node, c) for c in (contexts[0], contexts[-1])]
        if not all(isinstance(e, Area) for e in ends):
            return None
        a, b = ends
        if self.n == 1 or a == b:
            return self.load(Region(a.sheet, a.r1, a.c1, a.rows, a.cols, False))
        if (a.sheet, a.c1, a.c2, a.rows) == (b.sheet, b.c1, b.c2, b.rows) and b.r1 - a.r1 == self.n - 1:
            return self.load(Region(a.sheet, a.r1, a.c1, a.rows, a.cols, True))
        areas = [evaluate(node, c) for c in contexts]
        if not all(isinstance(x, Area) and (x.sheet, x.rows, x.cols) == (a.sheet, a.rows, a.cols) for x in areas):
            return None
        r1, c1 = min(x.r1 for x in areas), min(x.c1 for x in areas)
        box = Region(a.sheet, r1, c1, max(x.r2 for x in areas) - r1 + 1, max(x.c2 for x in areas) - c1 + 1, False)
        whole = self.load(box)
        rr, cc = np.meshgrid(np.arange(a.rows), np.arange(a.cols), indexing="ij")
        idx = np.stack([(x.r1 - r1 + rr) * box.w + (x.c1 - c1 + cc) for x in areas])
        ti = self.tensor(idx, torch.long)
        shape = (self.n, a.rows, a.cols)
        g = whole.get_as((box.h * box.w,))
        if not whole.dep:
            return const(g(None)[ti], shape)
        return dyn(lambda env: g(env)[ti], shape)

# the arguments that say where a reference-returning function points (not what it reads)
POSITIONS = {"OFFSET": (1, 2, 3, 4), "INDIRECT": (0, 1), "INDEX": (1, 2, 3), "CHOOSE": (0,),
             "XLOOKUP": (0, 1, 3, 4, 5)}


def _what(node: A.Node) -> str:
    """A syntax node in a user's words, for a message: 'the function VLOOKUP', "the operator '&'"."""
    if isinstance(node, A.Call):
        return f"the function {node.name}"
    if isinstance(node, (A.Binary, A.Unary)):
        return f"the operator '{node.op}'"
    return f"a {type(node).__name__.lower()}"


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and all(type(x) is type(y) and x == y for x, y in zip(a.flat, b.flat))


def _guarded(f, g, neg: bool):
    if neg:
        def fn(env):
            t = f(env)
            return torch.where(g(env), t.detach(), t)
    else:
        def fn(env):
            t = f(env)
            return torch.where(g(env), t, t.detach())
    return fn
