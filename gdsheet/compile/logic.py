"""Torch lowerings of Excel's logic: IF (lazy, with the double where), IFERROR, AND, OR, NOT, CHOOSE.

An IF that is a ReLU, IF(x<0,0,x) or any of its spellings, compiles to torch.relu: one op, and at x = 0 the
slope is 0 like MAX(0,x) (the condition alone would pick x there, slope 1; the kink has no right answer, and one
convention for every spelling of a ReLU is easier to explain).
"""
from __future__ import annotations

import torch

from gdsheet.compile.lower import LOWERINGS, Lowerer
from gdsheet.compile.lval import LVal, broadcast_shape, combine, const, dyn, without_ref
from gdsheet.compile.tensor_functions import NAN, lowering
from gdsheet.formula import ast as A

def _poisonable(node: A.Node) -> bool:
    """Whether a branch may compute something undefined where it is not taken (so it needs the double where)."""
    if isinstance(node, A.Call):
        return True
    if isinstance(node, A.Binary):
        return node.op in ("/", "^") or _poisonable(node.left) or _poisonable(node.right)
    if isinstance(node, A.Unary):
        return _poisonable(node.operand)
    return False


def _branch(lw: Lowerer, node, guard) -> LVal:
    if node is None:
        return const(torch.zeros((1, 1, 1), dtype=torch.bool, device=lw.bld.device), (1, 1, 1), "bool")
    if type(node) is A.Missing:
        return lw.number(0.0)
    if guard is None or not _poisonable(node):
        return without_ref(lw.lower(node))
    lw.guards.append(guard)
    try:
        return without_ref(lw.lower(node))
    finally:
        lw.guards.pop()


def _select(lw: Lowerer, cond: LVal, a: LVal, b: LVal, slot: int | None) -> LVal:
    """where(cond, a, b); a dependent condition is computed once and left in env[slot] for the branches' guards."""
    if a.kind != b.kind or a.kind == "text":
        a, b = lw.num(a), lw.num(b)
    kind = a.kind
    shape = broadcast_shape(cond.shape, a.shape, b.shape)
    if slot is None:
        return combine(torch.where, [cond, a, b], shape, kind)
    cg = cond.get3()
    pa = a.scalar if a.scalar is not None else (a.get3() if a.dep else a.const3())
    pb = b.scalar if b.scalar is not None else (b.get3() if b.dep else b.const3())
    da, db = a.dep, b.dep

    def fn(env):
        c = env[slot] = cg(env)
        return torch.where(c, pa(env) if da else pa, pb(env) if db else pb)

    return dyn(fn, shape, kind)


_ZERO = A.Number(0.0)
_ORDER = ("<", "<=", ">", ">=")


def _relu_operand(args) -> A.Node | None:
    """X when an IF is a ReLU: IF(X<0,0,X), IF(X>0,X,0), IF(0>X,0,X)... (any of < <= > >=, either side)."""
    if len(args) != 3 or not isinstance(args[0], A.Binary) or args[0].op not in _ORDER:
        return None
    c = args[0]
    if c.right == _ZERO:
        x, negative = c.left, c.op in ("<", "<=")
    elif c.left == _ZERO:
        x, negative = c.right, c.op in (">", ">=")
    else:
        return None
    zero, keep = (args[1], args[2]) if negative else (args[2], args[1])
    return x if zero == _ZERO and keep == x else None


@lowering("IF")
def lower_if(lw, args):
    x = _relu_operand(args)
    if x is not None:
        v = lw.num(without_ref(lw.arg(x, "num")))
        if v.dep and v.kind == "num":
            return combine(torch.relu, [v], v.shape)
    cond = lw.truth(without_ref(lw.arg(args[0], "scalar")))
    then, other = args[1] if len(args) > 1 else A.Bool(True), args[2] if len(args) > 2 else None
    if not cond.dep:
        c = cond.const3()
        if bool(c.all()):
            return _branch(lw, then, None)
        if not bool(c.any()):
            return _branch(lw, other, None)
        slot, g = None, (lambda env, c=c: c)
    else:
        slot = lw.scratch()
        g = lambda env: env[slot]  # noqa: E731
    a = _branch(lw, then, (g, False, cond.shape))
    b = _branch(lw, other, (g, True, cond.shape))
    return _select(lw, cond, a, b, slot)


@lowering("IFERROR")
def lower_iferror(lw, args):
    """A value where it is finite, else the alternative. The value is computed once without gradient to find
    where it is an error, then again with its inputs guarded there, so an error cannot poison the gradient."""
    v = without_ref(lw.arg(args[0], "scalar"))
    if not v.dep:
        ok = torch.isfinite(v.const3()) if v.kind == "num" else \
            torch.ones(v.shape, dtype=torch.bool, device=lw.bld.device)
        if bool(ok.all()):
            return v
        okv = const(ok, v.shape, "bool")
        if not bool(ok.any()):
            return _branch(lw, args[1], None)
        return _select(lw, okv, v, _branch(lw, args[1], (lambda env: ok, True, v.shape)), None)
    slot = lw.scratch()
    vg = v.get3()

    def finite(env):
        with torch.no_grad():
            return torch.isfinite(vg(env))

    g = lambda env: env[slot]  # noqa: E731
    lw.guards.append((g, False, v.shape))
    try:
        v2 = without_ref(lw.lower(args[0]))
    finally:
        lw.guards.pop()
    alt = _branch(lw, args[1], (g, True, v.shape))
    okv = dyn(finite, v.shape, "bool")
    return _select(lw, okv, v2, alt, slot)


def _logical(join, empty_fill: bool):
    def lower(lw, args):
        total = None
        for a in args:
            if type(a) is A.Missing:
                continue
            v = lw.arg(a, "any")
            m = v.mask
            t = lw.truth(without_ref(v))
            if m is not None:
                t = combine(lambda x, m=m: torch.where(m, x, empty_fill), [t], t.shape, "bool")
            r = combine(lambda x: x.all(1, keepdim=True).all(2, keepdim=True) if join is torch.logical_and else
                        x.any(1, keepdim=True).any(2, keepdim=True), [t], (t.B, 1, 1), "bool") \
                if t.cells > 1 else t
            total = r if total is None else combine(join, [total, r], broadcast_shape(total.shape, r.shape), "bool")
        return total if total is not None else lw.number(NAN)
    return lower


LOWERINGS["AND"] = _logical(torch.logical_and, True)
LOWERINGS["OR"] = _logical(torch.logical_or, False)


@lowering("NOT")
def lower_not(lw, args):
    t = lw.truth(without_ref(lw.arg(args[0], "scalar")))
    return combine(torch.logical_not, [t], t.shape, "bool")


@lowering("CHOOSE")
def lower_choose(lw, args):
    """CHOOSE(i, v1, v2, ...): a constant index compiles only its value; a varying one selects per cell."""
    i = lw.num(without_ref(lw.arg(args[0], "num")))
    if not i.dep:
        k = torch.trunc(i.const3())
        if bool((k == k.reshape(-1)[0]).all()):
            j = int(k.reshape(-1)[0]) if torch.isfinite(k.reshape(-1)[0]) else 0
            return without_ref(lw.lower(args[j])) if 1 <= j < len(args) else lw.number(NAN)
    vals = [lw.num(without_ref(lw.lower(a))) for a in args[1:]]
    out = lw.number(NAN)
    for j, v in enumerate(vals, start=1):
        sel = combine(lambda t, j=j: torch.trunc(t) == j, [i], i.shape, "bool")
        out = combine(torch.where, [sel, v, out], broadcast_shape(sel.shape, v.shape, out.shape))
    return out
