"""Torch lowerings of Excel's aggregates, products and rounding, stored on the one function table.

Each lowering is `lower(lw, args) -> LVal` (lw: the block's Lowerer, args: the call's syntax nodes) and is kept in
FUNCTIONS[name].extra["torch"]; smooth elementwise functions need none (their table kernel runs on tensors).
Excel's rules kept: aggregates skip non-numbers inside references and arrays and count direct arguments;
SUMPRODUCT counts non-numbers as 0. The logical functions are in logic.py.

Gradients at kinks (one convention): MAX(0,x) and MAX(x,0) are torch.relu (slope 0 at x = 0; MIN likewise);
otherwise MAX/MIN give the whole gradient to the first argument that attains the extreme, and within one range
tied cells share it evenly (torch.amax). ABS'(0) = 0 (torch.abs). IF(x<0,0,x) is a ReLU too (see logic.py).
ROUND, INT, TRUNC, MOD's quotient, comparisons and conditions carry no gradient (see gradients.py).
"""
from __future__ import annotations

import torch

from gdsheet.compile.lower import LOWERINGS, Lowerer
from gdsheet.compile.lval import CompileError, LVal, broadcast_shape, combine, const, dyn, without_ref
from gdsheet.formula import ast as A
from gdsheet.functions import FUNCTIONS

NAN = float("nan")


def lowering(*names: str):
    def register(fn):
        for n in names:
            LOWERINGS[n] = fn
        return fn
    return register


def attach() -> None:
    """Store each lowering on its FunctionSpec, so the table stays the one place a function is found."""
    for name, fn in LOWERINGS.items():
        spec = FUNCTIONS.get(name)
        if spec is not None:
            spec.extra["torch"] = fn


# ---- numbers of an aggregate argument -------------------------------------------------------------------------

def numbers(lw: Lowerer, node: A.Node, fill: float, kind: str = "nums"):
    """(values with non-numbers replaced by `fill`, how many numbers per host: int or (B,1,1) tensor), or None
    for an omitted argument."""
    if type(node) is A.Missing:
        return None
    v = lw.arg(node, kind)
    if v.ref or v.cells > 1:
        if v.kind == "bool":
            return const(torch.full(v.shape, fill, dtype=lw.bld.dtype, device=lw.bld.device), v.shape), 0
        if v.mask is not None:
            m = v.mask
            vals = combine(lambda t: torch.where(m, t, fill), [v], v.shape)
            return without_ref(vals), m.sum((1, 2), keepdim=True).to(lw.bld.dtype)
        return without_ref(v), v.cells
    return lw.num(v), 1


def _reduce_all(v: LVal, op: str) -> LVal:
    """Reduce each host's h x w values: (B,1,1); a single host's reduction over raw values is a 0-d tensor."""
    f = {"sum": lambda t: t.sum(), "mean": lambda t: t.mean(), "sumsq": lambda t: (t * t).sum(),
         "prod": lambda t: t.prod(),
         "max": lambda t: t.amax(), "min": lambda t: t.amin()}[op]
    if v.B == 1:
        if not v.dep:
            return const(f(v.const).reshape(1, 1, 1), (1, 1, 1))
        g = v.getter()
        return dyn(lambda env: f(g(env)), (1, 1, 1), raw_shape=())
    d = {"sum": lambda t: t.sum((1, 2), keepdim=True), "mean": lambda t: t.mean((1, 2), keepdim=True),
         "sumsq": lambda t: (t * t).sum((1, 2), keepdim=True),
         "prod": lambda t: t.prod(1, keepdim=True).prod(2, keepdim=True),
         "max": lambda t: t.amax((1, 2), keepdim=True), "min": lambda t: t.amin((1, 2), keepdim=True)}[op]
    return combine(d, [v], (v.B, 1, 1))


def _first_wins(op: str):
    if op == "max":
        return lambda a, b: torch.where(b > a, b, a)
    return lambda a, b: torch.where(b < a, b, a)


def _aggregate(lw: Lowerer, args, op: str) -> tuple[LVal, object]:
    fill = {"sum": 0.0, "sumsq": 0.0, "prod": 1.0, "max": -float("inf"), "min": float("inf")}[op]
    parts = [p for p in (numbers(lw, a, fill) for a in args) if p is not None]
    if not parts:
        raise CompileError("an aggregate of no arguments")
    total, count = None, 0
    join = {"sum": torch.add, "sumsq": torch.add, "prod": torch.mul}.get(op) or _first_wins(op)
    for v, c in parts:
        r = _reduce_all(v, op) if v.cells > 1 else (combine(lambda t: t * t, [v], v.shape) if op == "sumsq" else v)
        total = r if total is None else combine(join, [total, r], broadcast_shape(total.shape, r.shape))
        count = count + c
    return total, count


@lowering("SUM")
def lower_sum(lw, args):
    return _aggregate(lw, args, "sum")[0]


@lowering("SUMSQ")
def lower_sumsq(lw, args):
    return _aggregate(lw, args, "sumsq")[0]


@lowering("PRODUCT")
def lower_product(lw, args):
    return _aggregate(lw, args, "prod")[0]


@lowering("AVERAGE")
def lower_average(lw, args):
    if len(args) == 1 and type(args[0]) is not A.Missing:  # one range of numbers: its mean, one op
        v = lw.arg(args[0], "nums")
        if v.mask is None and v.kind == "num" and v.cells > 1:
            return _reduce_all(without_ref(v), "mean")
    total, count = _aggregate(lw, args, "sum")
    if isinstance(count, torch.Tensor):
        count = count if count.shape[0] > 1 else float(count.reshape(-1)[0])
    if isinstance(count, float | int):
        return combine(lambda t: t / count if count else t * NAN, [total], total.shape)
    c = const(count, tuple(count.shape))
    return combine(torch.div, [total, c], broadcast_shape(total.shape, c.shape))


def _extreme(op: str):
    def lower(lw, args):
        if len(args) == 2 and all(type(a) is not A.Missing for a in args):
            a, b = (lw.arg(x, "nums") for x in args)
            if a.cells == 1 and b.cells == 1 and a.mask is None and b.mask is None:  # the ReLU pattern, one op
                for zero, x in ((a, b), (b, a)):
                    if zero.scalar == 0.0 and x.kind == "num":
                        f = torch.relu if op == "max" else (lambda t: -torch.relu(-t))
                        return combine(f, [without_ref(x)], x.shape)
        total, count = _aggregate(lw, args, op)
        if isinstance(count, torch.Tensor) and bool((count == 0).any()):  # no numbers at all: Excel says 0
            z = const(count == 0, tuple(count.shape), "bool")
            return combine(lambda m, t: torch.where(m, 0.0, t), [z, total], broadcast_shape(z.shape, total.shape))
        if isinstance(count, int) and count == 0:
            return lw.number(0.0)
        return total
    return lower


LOWERINGS["MAX"] = _extreme("max")
LOWERINGS["MIN"] = _extreme("min")


@lowering("COUNT")
def lower_count(lw, args):
    """Numbers among the arguments; an error counts nothing, so a dependent NaN is not counted."""
    total = None
    for a in args:
        if type(a) is A.Missing:
            continue
        v = lw.lower(a)
        if v.kind in ("text", "bool") and not v.ref:
            raise CompileError("COUNT of text or booleans")  # the engine knows its rules
        m = v.mask
        f = (lambda t: torch.isfinite(t)) if m is None else (lambda t, m=m: torch.isfinite(t) & m)
        c = _reduce_all(combine(lambda t, f=f: f(t).to(t.dtype), [without_ref(v)], v.shape), "sum") \
            if v.kind != "bool" else lw.number(0.0)
        total = c if total is None else combine(torch.add, [total, c], broadcast_shape(total.shape, c.shape))
    return total if total is not None else lw.number(0.0)


# ---- products ---------------------------------------------------------------------------------------------

def _values(lw: Lowerer, node) -> LVal:
    """An array argument whose non-numbers count as 0 (SUMPRODUCT, MMULT...)."""
    return _zero_non_numbers(lw, lw.arg(node, "values"))


def _numbers_or_nan(lw: Lowerer, v: LVal) -> LVal:
    """An array argument whose non-numbers are NaN (an error), for MMULT."""
    mask = _number_mask(lw, v)
    if mask is None:
        return lw.num(without_ref(v))
    if v.kind == "bool":
        return const(torch.full(v.shape, NAN, dtype=lw.bld.dtype, device=lw.bld.device), v.shape)
    if not v.dep:
        return const(torch.where(mask, v.const3(), NAN), v.shape)
    g = v.get3()  # (B, h, w), as the mask is
    return dyn(lambda env: torch.where(mask, g(env), NAN), v.shape)


def _zero_non_numbers(lw: Lowerer, v: LVal) -> LVal:
    if v.kind == "bool":
        return const(torch.zeros(v.shape, dtype=lw.bld.dtype, device=lw.bld.device), v.shape)
    if v.mask is not None:
        m = v.mask
        return without_ref(combine(lambda t: torch.where(m, t, 0.0), [v], v.shape))
    return lw.num(without_ref(v))


@lowering("SUMPRODUCT")
def lower_sumproduct(lw, args):
    vals = [_values(lw, a) for a in args]
    if len({v.shape[1:] for v in vals}) != 1:
        return lw.number(NAN)  # #VALUE!: arrays of different sizes
    if len(vals) == 2 and vals[0].dep + vals[1].dep >= 1:
        a, b = vals
        if a.B == 1 and b.B > 1:
            a, b = b, a
        k = a.cells
        if b.B == 1:  # one matrix-vector product: (n, k) @ (k,)
            n = a.B
            if n == 1:
                return combine(lambda x, y: torch.dot(x, y), [_flat(a, (k,)), _flat(b, (k,))], (1, 1, 1))
            r = combine(torch.mv, [_flat(a, (n, k)), _flat(b, (k,))], (n,))
            return _as3(r, (n, 1, 1))
    shape = broadcast_shape(*[v.shape for v in vals])
    prod = vals[0]
    for v in vals[1:]:
        prod = combine(torch.mul, [prod, v], broadcast_shape(prod.shape, v.shape))
    return _reduce_all(prod, "sum") if prod.shape == shape else prod


def _flat(v: LVal, shape) -> LVal:
    """v seen as a tensor of `shape` (same elements row-major): a view only when its raw shape differs."""
    if not v.dep:
        return LVal(shape, v.kind, const=v.const.reshape(shape), raw_shape=shape)
    return LVal(shape, v.kind, fn=v.get_as(shape), raw_shape=shape)


def _as3(v: LVal, shape) -> LVal:
    """A result computed in another shape, declared with its 3-D shape (get3 adds the view when needed)."""
    if not v.dep:
        return const(v.const.reshape(shape), shape)
    return LVal(shape, v.kind, fn=v.fn, raw_shape=v.raw_shape)


SMALL_PRODUCT = 1 << 15  # multiply-adds; ATen's grain size: below it an elementwise op stays on one thread
FEW_COLUMNS = 16  # a small product with at most this many result columns is computed a column at a time


def _matmul(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """x @ y (batched alike). A small product avoids gemm: MKL's gemm hands every product to its thread pool, and a
    pool contended by other processes stalls even 712x10 by 10x2 for a scheduler slice (30-55 ms, against 0.02 ms
    on one thread, forward and backward alike: the course's MMULT net solved 30x slower than the same net in
    SUMPRODUCTs). With few result columns it is one matrix-vector product per column, what SUMPRODUCT compiles to
    (gemv does not stall so), laid out column by column so that each column a formula reads is contiguous (a spill
    keeps those columns apart instead, see lower_mmult); the others are a broadcast multiply and a sum (ATen's
    elementwise ops below their grain size run on the caller's thread)."""
    batch = max(x.shape[:-2].numel(), y.shape[:-2].numel())
    if batch * x.shape[-2] * x.shape[-1] * y.shape[-1] > SMALL_PRODUCT:
        return torch.matmul(x, y)
    if x.dim() == y.dim() == 2 and y.shape[1] <= FEW_COLUMNS:
        return torch.stack(_column_products(x, y)).T
    return (x.unsqueeze(-1) * y.unsqueeze(-3)).sum(-2)


def _by_columns(h: int, k: int, w: int) -> bool:
    """Whether _matmul computes an (h, k) @ (k, w) product one matrix-vector product per result column."""
    return h * k * w <= SMALL_PRODUCT and w <= FEW_COLUMNS


def _column_products(x: torch.Tensor, y: torch.Tensor) -> list[torch.Tensor]:
    """The columns of x @ y (2-D), each its own contiguous (h,) tensor."""
    return [torch.mv(x, column) for column in y.unbind(1)]


def _product_columns(fa: LVal, b: LVal, k: int, w: int):
    """The getter of the columns of fa @ b (fa flat (h, k), b of shape (1, k, w)), one matrix-vector product each.
    A constant b's columns are made contiguous once, now; a dependent b's are views of one unbind (its backward is
    one stack: cheaper than a strided slice per column, whose backward scatters each into a zero-filled vector)."""
    ga = fa.getter()
    if not b.dep:
        cols = [c.contiguous() for c in b.const3().reshape(k, w).unbind(1)]
        return lambda env: [torch.mv(ga(env), c) for c in cols]
    if w == 1 and len(b.raw_shape) == 1:
        gb = b.getter()  # the column itself
        return lambda env: [torch.mv(ga(env), gb(env))]
    gb = b.get_as((k, w))
    return lambda env: _column_products(ga(env), gb(env))


@lowering("MMULT")
def lower_mmult(lw, args):
    # a blank, text or boolean in either array makes MMULT #VALUE! (NaN here), as the engine says
    a, b = (_numbers_or_nan(lw, _blank(lw) if type(x) is A.Missing else lw.arg(x, "values")) for x in args[:2])
    (ba, h, k), (bb, k2, w) = a.shape, b.shape
    if k != k2:
        return lw.number(NAN)
    if ba == 1 and bb == 1:
        fa, fb = _flat(a, (h, k)), _flat(b, (k, w))
        r = _as3(combine(_matmul, [fa, fb], (h, w)), (1, h, w))
        if r.dep and _by_columns(h, k, w):
            # the same products kept as separate columns, for a spill whose columns blocks of formulas read (see
            # lval.Spill): the MMULT net then runs the ops of the same net in SUMPRODUCTs, no stack and no select
            # per reference (its step was 1.45x the SUMPRODUCT net's with them)
            r.columns = _product_columns(fa, b, k, w)
        return r
    return combine(_matmul, [a, b], (max(ba, bb), h, w))


@lowering("TRANSPOSE")
def lower_transpose(lw, args):
    v = without_ref(lw.arg(args[0], "values"))
    B, h, w = v.shape
    if h == 1 and w == 1:
        return v  # one value: nothing to turn (and its raw tensor may be 0-d)
    if not v.dep:
        return const(v.const3().transpose(1, 2), (B, w, h), v.kind)
    g = v.get3()  # the (B, h, w) view: a raw (n,) column has no axes to swap
    return dyn(lambda env: g(env).transpose(1, 2), (B, w, h), v.kind)


def _pairwise(f):
    """SUMXMY2 and friends: f over the pairs where both values are numbers (a pair with a blank, text or a
    boolean is skipped, as Excel and the engine do)."""
    def lower(lw, args):
        va, vb = (_blank(lw) if type(a) is A.Missing else lw.arg(a, "values") for a in args[:2])
        a, b = _zero_non_numbers(lw, va), _zero_non_numbers(lw, vb)
        if a.shape[1:] != b.shape[1:]:
            return lw.number(NAN)
        shape = broadcast_shape(a.shape, b.shape)
        masks = [m for m in (_number_mask(lw, va), _number_mask(lw, vb)) if m is not None]
        if not masks:
            return _reduce_all(combine(f, [a, b], shape), "sum")
        keep = masks[0] & masks[1] if len(masks) == 2 else masks[0]  # (B, h, w), as get3 gives the values
        if not (a.dep or b.dep):
            return _reduce_all(const(torch.where(keep, f(a.const3(), b.const3()), 0.0), shape), "sum")
        ga, gb = a.get3(), b.get3()
        return _reduce_all(dyn(lambda env: torch.where(keep, f(ga(env), gb(env)), 0.0), shape), "sum")
    return lower


def _blank(lw: Lowerer) -> LVal:
    """A missing array argument, as the engine reads it: one empty cell (no number)."""
    return const(torch.zeros((1, 1, 1), dtype=lw.bld.dtype, device=lw.bld.device), (1, 1, 1), ref=True,
                 mask=torch.zeros((1, 1, 1), dtype=torch.bool, device=lw.bld.device))


def _number_mask(lw: Lowerer, v: LVal):
    """Which values of an array argument are numbers (a bool tensor), or None when all are."""
    if v.kind == "bool":
        return torch.zeros(v.shape, dtype=torch.bool, device=lw.bld.device)
    return v.mask


LOWERINGS["SUMXMY2"] = _pairwise(lambda x, y: (x - y) * (x - y))
LOWERINGS["SUMX2MY2"] = _pairwise(lambda x, y: x * x - y * y)
LOWERINGS["SUMX2PY2"] = _pairwise(lambda x, y: x * x + y * y)


# ---- piecewise-constant math (values right, no gradient) ---------------------------------------------------

def _scalars(lw, args, kinds):
    vals = [lw.num(without_ref(lw.arg(a, k))) for a, k in zip(args, kinds)]
    return [v if v.scalar is None else const(v.const, v.shape) for v in vals]


def _rounding(f, default_digits=None):
    def lower(lw, args):
        if len(args) == 1 and default_digits is not None:
            args = (*args, A.Number(default_digits))
        x, d = _scalars(lw, args, ("num", "int"))
        return combine(lambda x, d: f(x, torch.pow(10.0, torch.trunc(d))), [x, d],
                       broadcast_shape(x.shape, d.shape))
    return lower


def _digits15(t: torch.Tensor) -> torch.Tensor:
    """t at 15 significant digits: Excel rounds the number as it shows it (ROUND(-0.525,2) is -0.53 although the
    double is -0.52499999999999991)."""
    scale = torch.pow(10.0, 14 - torch.floor(torch.log10(torch.abs(t).clamp_min(1e-280))))
    return torch.round(t * scale) / scale


LOWERINGS["ROUND"] = _rounding(lambda x, p: torch.sign(x) * torch.floor(_digits15(torch.abs(x) * p) + 0.5) / p)
LOWERINGS["ROUNDUP"] = _rounding(lambda x, p: torch.sign(x) * torch.ceil(_digits15(torch.abs(x) * p)) / p)
LOWERINGS["ROUNDDOWN"] = _rounding(lambda x, p: torch.sign(x) * torch.floor(_digits15(torch.abs(x) * p)) / p)
LOWERINGS["TRUNC"] = _rounding(
    lambda x, p: torch.sign(x) * torch.floor(_digits15(torch.abs(x) * p)) / p, 0.0)


@lowering("INT")
def lower_int(lw, args):
    (x,) = _scalars(lw, args, ("num",))
    return combine(torch.floor, [x], x.shape)


@lowering("N")
def lower_n(lw, args):
    """N: a number as it is, TRUE 1, text 0."""
    v = without_ref(lw.arg(args[0], "scalar"))
    if v.kind == "text":
        return const(torch.zeros(v.shape, dtype=lw.bld.dtype, device=lw.bld.device), v.shape)
    return lw.num(v)


@lowering("MOD")
def lower_mod(lw, args):
    """MOD takes the divisor's sign; by 0 it is #DIV/0! (NaN here)."""
    x, d = _scalars(lw, args, ("num", "num"))
    return combine(lambda x, d: x - d * torch.floor(x / d), [x, d], broadcast_shape(x.shape, d.shape))


attach()
