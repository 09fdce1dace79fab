"""The operations of sheet/vectorised on a block's rows: each value is `Rows(v, ok, err)`, its numbers, the rows
where they are known, and the rows where the engine certainly gives an error (a row in neither read something that
is not a number). Each operation is the engine's scalar one (functions/operators, math) over arrays, bit for bit."""
from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from gdsheet.functions.math import _power_guard
from gdsheet.functions.operators import KERNELS
from gdsheet.sheet import vector_rounding as VR
from gdsheet.sheet.vector_kinds import ARRAY_GUARDS, COMPARE

T, F = np.True_, np.False_  # masks are numpy booleans or arrays: ~ on a Python bool would give an int
ROUND15_CLOSE = 1e-13  # two numbers this close (relatively) may be equal at 15 digits: the engine decides


class Rows(NamedTuple):
    v: object  # float64 (or bool for BOOL nodes) array (n,) or 0-d
    ok: object  # bool array or bool: the value is a known number (or truth value)
    err: object  # bool array or bool: the engine gives an error here


def num(v):
    """A truth value used as a number (TRUE+1 is 2), as to_number reads it."""
    return v.astype(float) if isinstance(v, np.ndarray) and v.dtype == bool else (
        np.float64(v) if isinstance(v, (bool, np.bool_)) else v)


def is_bool(v) -> bool:
    return isinstance(v, (bool, np.bool_)) or getattr(v, "dtype", None) == bool


def truth(v):
    """A value used as a condition: a number is TRUE when it is not 0."""
    return v if is_bool(v) else v != 0


def all_of(masks):
    out = T
    for m in masks:
        out = out & m
    return out


def any_of(masks):
    out = F
    for m in masks:
        out = out | m
    return out


def unary(op: str, a: Rows) -> Rows:
    if op == "+":
        return a  # Excel's unary + leaves its operand as it is
    x = num(a.v)
    return arith(a, a, -x if op == "-" else KERNELS["%"](np, x))


def binary(op: str, a: Rows, b: Rows) -> Rows:
    if op in COMPARE:
        return compare(op, a, b)
    x, y = num(a.v), num(b.v)
    if op == "^":
        return power(a, b, x, y, square=True)
    return arith(a, b, KERNELS[op](np, x, y))


def arith(a: Rows, b: Rows, r) -> Rows:
    """The result of an arithmetic operation on a and b: an error where it is not finite (as the engine says)."""
    known = a.ok & b.ok
    fine = np.isfinite(r)
    return Rows(r, known & fine, a.err | b.err | (known & ~fine))


def compare(op: str, a: Rows, b: Rows) -> Rows:
    """Excel compares numbers rounded to 15 significant digits; rounding is monotonic, so the plain comparison
    agrees except between two numbers that close, which are left to the engine."""
    x, y = a.v, b.v
    r = COMPARE[op](x, y)
    known = a.ok & b.ok
    if getattr(x, "dtype", None) != bool and not isinstance(x, (bool, np.bool_)):
        close = (x != y) & (np.abs(x - y) <= ROUND15_CLOSE * np.maximum(np.abs(x), np.abs(y)))
        known = known & ~close
    return Rows(r, known, a.err | b.err)


def integer_part(name: str, args: list[Rows]) -> Rows:
    """INT, MOD and QUOTIENT as functions/math computes them (MOD and QUOTIENT judge n/d at 15 digits)."""
    if name == "INT":
        return Rows(np.floor(num(args[0].v)), args[0].ok, args[0].err)
    a, b = args
    n, d = num(a.v), num(b.v)
    q = n / d
    q15, sure = VR.round15(q)
    if name == "MOD":
        r, sure2 = VR.round15(n - d * np.floor(q15))
        r, sure = r + 0.0, sure & sure2
    else:
        r = np.trunc(q15) + 0.0
    known = a.ok & b.ok
    bad = (d == 0) | ~np.isfinite(q)  # #DIV/0!, #NUM!
    return Rows(r, known & ~bad & sure, a.err | b.err | (known & bad))


_POW = np.frompyfunc(math.pow, 2, 1)
_LOG = np.frompyfunc(math.log, 1, 1)


def math_log(x: np.ndarray) -> np.ndarray:
    """math.log per element (numpy's log differs from libm's in the last bit); NaN where there is none."""
    out = np.full(x.shape, np.nan)
    positive = x > 0
    out[positive] = _LOG(x[positive]).astype(float)
    return out
_POW_SAFE_LOG2 = 1023.0  # y*log2|x| under this cannot overflow (2^1024 does): math.pow raises on overflow


def power(a: Rows, b: Rows, x, y, square: bool) -> Rows:
    """x^y as the engine computes it (operators.arithmetic; POWER's kernel on numpy floats is the same libm pow):
    x*x for a square when `square` (the operator), else libm's pow itself: numpy's array pow differs from libm's in
    the last bit, so pow is called per row (~100 ns a row); 0^0 and 0^negative are errors."""
    known = a.ok & b.ok
    if square and np.ndim(y) == 0 and y == 2.0:  # (L4-A4)^2: no guard can apply to a square
        r = x * x
        bad = ~np.isfinite(r)
        return Rows(r, known & ~bad, a.err | b.err | (known & bad))
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
    return Rows(r, known & ~bad & ~unsure, a.err | b.err | (known & bad & ~unsure))


