"""Logical functions: IF, IFS, IFERROR, IFNA, SWITCH, CHOOSE (lazy: the branch not taken is never evaluated), AND,
OR, XOR, NOT, TRUE, FALSE."""
from __future__ import annotations

import math
from typing import Callable

import numpy as np

from gdsheet import errors as E
from gdsheet.errors import ExcelError
from gdsheet.functions.registry import excel
from gdsheet.values import compare, is_number, is_reference, to_bool, to_number

CAT = "Logical"


def value_of(ctx, v):
    """A lazily evaluated argument as a value: a reference is read as the evaluator reads it where one value is
    expected (one cell; several cells as an array in array formulas, implicit intersection in legacy ones)."""
    return ctx.value(v) if is_reference(v) else v


def _branch(thunk):
    # a branch written but left empty, IF(A1,,1), gives 0
    v = thunk()
    return 0.0 if v is None else v


def _is_array(v) -> bool:
    return isinstance(v, np.ndarray) and v.shape != (1, 1)


def _scalar(v):
    return v[0, 0] if isinstance(v, np.ndarray) else v


def _truth(c):
    return c if isinstance(c, ExcelError) else to_bool(c)


@excel("IF", "any", "lazy", "lazy", category=CAT, needs_context=True, min_args=2,
       syntax="IF(logical_test, value_if_true, [value_if_false])",
       summary="One value if a condition is TRUE and another if it is FALSE.")
def if_(ctx, test, if_true=None, if_false=None):
    # Quirk: lazy, so the branch not taken cannot raise; an array condition evaluates both branches (as Excel
    # does: a cycle through either is a cycle) and chooses element by element; a missing value_if_false gives
    # FALSE, an empty one (IF(c,1,)) gives 0
    def other(thunk, default):
        return default if thunk is None else _branch(thunk)

    c = value_of(ctx, test)
    if _is_array(c):
        t = value_of(ctx, other(if_true, 0.0))
        f = value_of(ctx, other(if_false, False))
        return ctx.lift(_pick, (c, t, f))
    b = _truth(_scalar(c))
    if isinstance(b, ExcelError):
        return b
    return other(if_true, 0.0) if b else other(if_false, False)


def _pick(c, if_true, if_false):
    b = _truth(c)
    return b if isinstance(b, ExcelError) else if_true if b else if_false


@excel("IFS", "lazy", category=CAT, needs_context=True, min_args=2, max_args=None,
       syntax="IFS(logical_test1, value_if_true1, [logical_test2, value_if_true2], ...)",
       summary="The value paired with the first condition that is TRUE (#N/A when none is).")
def ifs(ctx, *args):
    # Quirk: conditions are tried in order and later ones are not evaluated; none TRUE is #N/A
    if len(args) % 2:
        return E.VALUE.because("IFS needs a value after every condition")
    for i in range(0, len(args), 2):
        c = value_of(ctx, args[i]())
        if _is_array(c):
            rest = [value_of(ctx, _branch(a)) for a in args[i:]]
            return ctx.lift(_first_true, rest)
        b = _truth(_scalar(c))
        if isinstance(b, ExcelError):
            return b
        if b:
            return _branch(args[i + 1])
    return E.NA.because("no condition of IFS is TRUE")


def _first_true(*pairs):
    for c, v in zip(pairs[::2], pairs[1::2]):
        b = _truth(c)
        if isinstance(b, ExcelError):
            return b
        if b:
            return v
    return E.NA


def _trap(ctx, value, fallback, is_trapped: Callable) -> object:
    v = value_of(ctx, value)
    if _is_array(v):
        if not any(is_trapped(x) for x in v.flat):
            return v
        fb = value_of(ctx, _branch(fallback))
        return ctx.lift(lambda x, y: y if is_trapped(x) else x, (v, fb))
    v = _scalar(v)
    return _branch(fallback) if is_trapped(v) else v


@excel("IFERROR", "any", "lazy", category=CAT, needs_context=True, syntax="IFERROR(value, value_if_error)",
       summary="A value, or another value when the first is any error.")
def iferror(ctx, value, value_if_error):
    # Quirk: the fallback is only evaluated when needed; over an array it replaces just the error elements
    return _trap(ctx, value, value_if_error, lambda x: isinstance(x, ExcelError))


@excel("IFNA", "any", "lazy", category=CAT, needs_context=True, syntax="IFNA(value, value_if_na)",
       summary="A value, or another value when the first is #N/A (other errors pass through).")
def ifna(ctx, value, value_if_na):
    # Quirk: only #N/A is trapped, as from a failed lookup
    return _trap(ctx, value, value_if_na, lambda x: x == E.NA)


@excel("SWITCH", "any", "lazy", category=CAT, needs_context=True, min_args=3, max_args=None,
       syntax="SWITCH(expression, value1, result1, [value2, result2], ..., [default])",
       summary="The result paired with the first value equal to the expression, else the default (or #N/A).")
def switch(ctx, expression, *args):
    # Quirk: equality as '=' tests it but without crossing types (1 does not match "1"); a blank cell is the
    # number 0 (so it never matches FALSE, as '=' would let it); results are lazy
    x = value_of(ctx, expression)
    pairs, default = (args, None) if len(args) % 2 == 0 else (args[:-1], args[-1])
    if _is_array(x):
        rest = [value_of(ctx, _branch(a)) for a in args]
        return ctx.lift(lambda e, *r: _switch_pick(e, r, len(pairs)), (x, *rest))
    x = _scalar(x)
    if isinstance(x, ExcelError):
        return x
    for i in range(0, len(pairs), 2):
        v = _scalar(value_of(ctx, _branch(pairs[i])))
        if isinstance(v, ExcelError):
            return v
        if _switch_equal(x, v):
            return _branch(pairs[i + 1])
    return E.NA.because("no value of SWITCH matches") if default is None else _branch(default)


def _switch_equal(x, v) -> bool:
    x, v = (0.0 if x is None else x), (0.0 if v is None else v)
    return compare(x, v) == 0


def _switch_pick(x, rest, n_pairs: int):
    if isinstance(x, ExcelError):
        return x
    for i in range(0, n_pairs, 2):
        if isinstance(rest[i], ExcelError):
            return rest[i]
        if _switch_equal(x, rest[i]):
            return rest[i + 1]
    return rest[-1] if len(rest) > n_pairs else E.NA


@excel("CHOOSE", "any", "lazy", category=CAT, needs_context=True, min_args=2, max_args=None,
       syntax="CHOOSE(index_num, value1, [value2], ...)",
       summary="The value in position index_num of the list that follows (1 is the first).")
def choose(ctx, index, *options):
    # Quirk: the index is truncated; outside 1..count is #VALUE!; only the chosen value is evaluated, and a
    # chosen reference stays a reference (SUM(CHOOSE(2,A1:A3,B1:B3)) adds B1:B3)
    i = value_of(ctx, index)
    if _is_array(i):
        values = [value_of(ctx, _branch(o)) for o in options]
        return ctx.lift(_choose_pick, (i, *values))
    n = _position(_scalar(i), len(options))
    return n if isinstance(n, ExcelError) else _branch(options[n - 1])


def _choose_pick(k, *values):
    n = _position(k, len(values))
    return n if isinstance(n, ExcelError) else values[n - 1]


def _position(k, count: int):
    n = to_number(k)
    if isinstance(n, ExcelError):
        return n
    n = math.trunc(n)
    return n if 1 <= n <= count else E.VALUE.because(f"CHOOSE's index {n} is not between 1 and {count}")


# ---- AND, OR, XOR, NOT ------------------------------------------------------------------------------------

def _logicals(ctx, args) -> list[bool] | ExcelError:
    """The truth values AND/OR/XOR see: booleans and numbers; the text TRUE/FALSE only as a direct argument; other
    text and blanks are skipped (a blank or missing direct argument is FALSE)."""
    out: list[bool] = []
    for a in args:
        if is_reference(a) or isinstance(a, np.ndarray):
            cells = ctx.read(a) if is_reference(a) else a
            for v in cells.flat:
                if isinstance(v, ExcelError):
                    return v
                if isinstance(v, bool) or is_number(v):
                    out.append(bool(v))
        else:
            if isinstance(a, str) and a.strip().upper() not in ("TRUE", "FALSE"):
                continue  # other text is skipped even as a direct argument: AND(TRUE,"0") is TRUE, AND("0") #VALUE!
            b = False if a is None else _truth(a)  # an empty argument, AND(TRUE,), counts as FALSE
            if isinstance(b, ExcelError):
                return b
            out.append(b)
    if not out:
        return E.VALUE.because("there are no logical values")
    return out


def _logical(name: str, reduce: Callable[[list[bool]], bool], syntax: str, summary: str) -> None:
    def impl(ctx, *args):
        # Quirk: text and blanks inside ranges are skipped; no logical value at all is #VALUE!
        flags = _logicals(ctx, args)
        return flags if isinstance(flags, ExcelError) else reduce(flags)

    excel(name, "any", category=CAT, needs_context=True, max_args=None, syntax=syntax, summary=summary)(impl)


_logical("AND", all, "AND(logical1, [logical2], ...)", "TRUE when every argument is TRUE.")
_logical("OR", any, "OR(logical1, [logical2], ...)", "TRUE when at least one argument is TRUE.")
_logical("XOR", lambda flags: sum(flags) % 2 == 1, "XOR(logical1, [logical2], ...)",
         "TRUE when an odd number of arguments are TRUE.")


@excel("NOT", "bool", category=CAT, syntax="NOT(logical)", summary="TRUE for FALSE and FALSE for TRUE.")
def not_(b):
    # Quirk: a blank is FALSE, so NOT(blank) is TRUE; numbers are TRUE when nonzero
    return not b


@excel("TRUE", category=CAT, syntax="TRUE()", summary="The logical value TRUE.")
def true_():
    return True


@excel("FALSE", category=CAT, syntax="FALSE()", summary="The logical value FALSE.")
def false_():
    return False
