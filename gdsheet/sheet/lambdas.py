"""LAMBDA in evaluation: making one (in a cell, a LET or a defined name), calling it in place (LAMBDA(x,x+1)(2)),
by name (ADD1(5), with ADD1 a defined name or a LET name), and ISOMITTED; a table function named where a LAMBDA is
expected (GROUPBY(..., SUM)) becomes one too.

A LAMBDA's parameters are bound the way LET binds its names (the context's locals), on top of the names in scope
where the LAMBDA was written, so the body sees both. Recursion through a defined name is bounded: past MAX_DEPTH
nested calls the innermost returns #NUM!, Excel's error for too many recursive calls, rather than exhausting the
stack.
"""
from __future__ import annotations

import threading

from gdsheet import errors as E
from gdsheet.errors import ExcelError
from gdsheet.formula import ast as A
from gdsheet.formula.unparse import is_optional_parameter
from gdsheet.values import Lambda

MAX_PARAMS = 253  # Excel's limit
MAX_DEPTH = 400  # nested LAMBDA calls; each costs ~20 Python frames of the 20,000 calc.py allows


class _Omitted:
    """The value of a parameter the call left out (F(1,) or F(1) with an optional [y]): blank when read, TRUE for
    ISOMITTED."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "OMITTED"


OMITTED = _Omitted()
_calls = threading.local()  # .depth: LAMBDA calls in progress on this thread (the solver's worker has its own)


def make_lambda(n: A.Call, ctx, evaluate) -> Lambda | ExcelError:
    """LAMBDA([parameter1, ...], calculation) as a value; bad parameters are #VALUE!."""
    if not n.args:
        return E.VALUE.because("LAMBDA needs a calculation")
    *params, body = n.args
    names: list[str] = []
    required = 0
    for p in params:
        if isinstance(p, A.Name) and p.sheet is None and "." not in p.name:
            if len(names) > required:
                return E.VALUE.because("LAMBDA's optional [parameters] must come last")
            required += 1
            names.append(p.name.upper())
        elif is_optional_parameter(p):
            names.append(p.col1.upper())
        else:
            return E.VALUE.because("LAMBDA's parameters must be plain names")
    if len(set(names)) != len(names) or len(names) > MAX_PARAMS:
        return E.VALUE.because("LAMBDA's parameters must be distinct, at most 253")
    if isinstance(body, A.Missing):
        return E.VALUE.because("LAMBDA needs a calculation")
    scope = dict(ctx.locals or {})

    def invoke(*values):
        # Excel: more values than parameters, or fewer than the required ones, is #VALUE!; a value left out with
        # its comma (F(1,)) is omitted
        if len(values) > len(names) or len(values) < required:
            return E.VALUE.because(f"this LAMBDA takes {_count(required, len(names))} values, not {len(values)}")
        local = dict(scope)
        for i, name in enumerate(names):
            local[name] = values[i] if i < len(values) else OMITTED
        depth = getattr(_calls, "depth", 0)
        if depth >= MAX_DEPTH:
            return E.NUM.because("too many nested LAMBDA calls (a recursion that does not end?)")
        _calls.depth = depth + 1
        inner = ctx.derive(local_names=local)
        # the LAMBDA value exists already: a call from its own body (FACT in FACT's name) is recursion, bounded by
        # MAX_DEPTH, not a name defined through itself, so the chain of names being defined starts afresh
        inner.names = ()
        try:
            return evaluate(body, inner)
        except RecursionError:
            return E.NUM.because("too many nested LAMBDA calls (a recursion that does not end?)")
        finally:
            _calls.depth = depth

    return Lambda(tuple(names), invoke)


def _count(required: int, total: int) -> str:
    return str(total) if required == total else f"{required} to {total}"


def call_value(target, arg_nodes, ctx, evaluate):
    """A LAMBDA value called with the arguments of a call (each as evaluated: a reference stays a reference, so
    LAMBDA(r, ROWS(r))(A1:A5) is 5); an argument left empty is omitted."""
    if isinstance(target, ExcelError):
        return target
    if not isinstance(target, Lambda):
        return E.VALUE.because("only a LAMBDA can be called with (...)")
    values = [OMITTED if isinstance(a, A.Missing) else evaluate(a, ctx) for a in arg_nodes]
    return target(*values)


def call_by_name(n: A.Call, ctx, evaluate, name_value):
    """NAME(args) where NAME is not a table function: a LET name or a defined name holding a LAMBDA."""
    if n.name == A.APPLY:
        return call_value(evaluate(n.args[0], ctx), n.args[1:], ctx, evaluate)
    key = n.name.upper()
    if ctx.locals and key in ctx.locals:
        target = ctx.locals[key]
    else:
        target = name_value(A.Name(n.name), ctx, missing=None)
        if target is None:
            return E.NAME.because(f"{n.name} is not a function gdsheet knows")
    return call_value(target, n.args, ctx, evaluate)


def is_omitted(n: A.Call, ctx):
    """ISOMITTED(parameter): TRUE when the LAMBDA call in progress left that parameter out."""
    if len(n.args) != 1:
        return E.VALUE.because(f"ISOMITTED takes 1 argument, not {len(n.args)}")
    a = n.args[0]
    return bool(isinstance(a, A.Name) and a.sheet is None and ctx.locals is not None
                and ctx.locals.get(a.name.upper()) is OMITTED)


def function_value(spec, ctx, invoke_spec) -> Lambda:
    """A table function named where a LAMBDA is expected (GROUPBY(A2:A9, B2:B9, SUM)): Excel's eta-reduced
    lambda, called with the values it is given."""
    def invoke(*values):
        if len(values) < spec.min_args or (spec.max_args is not None and len(values) > spec.max_args):
            return E.VALUE.because(f"{spec.name} cannot take {len(values)} values here")
        return invoke_spec(spec, values, ctx)

    return Lambda(tuple(f"x{i}" for i in range(max(spec.min_args, 1))), invoke, spec.name)
