"""Excel's operators as scalar functions with shared numeric kernels (the compiler uses the same kernels)."""
from __future__ import annotations

import math

from gdsheet import errors as E
from gdsheet.values import compare, to_number, to_text

# kernel(xp, a, b): the operator's math on floats (engine) or tensors (compiler)
KERNELS = {
    "+": lambda xp, a, b: a + b,
    "-": lambda xp, a, b: a - b,
    "*": lambda xp, a, b: a * b,
    "/": lambda xp, a, b: a / b,
    "^": lambda xp, a, b: a ** b,
    "neg": lambda xp, a: -a,
    "%": lambda xp, a: a / 100.0,
}


def arithmetic(op: str, a, b):
    """a op b for + - * / ^: both coerced to numbers, the left error first; #DIV/0! and #NUM! as Excel gives."""
    x = to_number(a)
    if isinstance(x, E.ExcelError):
        return x
    y = to_number(b)
    if isinstance(y, E.ExcelError):
        return y
    if op == "/":
        if y == 0:
            return E.DIV0
    elif op == "^":
        if x == 0 and y == 0:
            return E.NUM  # Excel: 0^0 is #NUM!
        if x == 0 and y < 0:
            return E.DIV0
        if x < 0 and y != int(y):
            return E.NUM
        try:
            # x*x is the correctly rounded square; libm's pow(x, 2) is one ulp off for ~0.1% of x here. A square is
            # what models write most ((L4-A4)^2), and numpy and torch compute it as x*x: the grid, the vectorised
            # recalculation and the solver then agree to the last bit.
            r = x * x if y == 2.0 else math.pow(x, y)
        except OverflowError:
            return E.NUM
        return r if math.isfinite(r) else E.NUM
    r = KERNELS[op](math, x, y)
    return r if math.isfinite(r) else E.NUM


def concat(a, b):
    x = to_text(a)
    if isinstance(x, E.ExcelError):
        return x
    y = to_text(b)
    if isinstance(y, E.ExcelError):
        return y
    return x + y


_COMPARE = {"=": lambda c: c == 0, "<>": lambda c: c != 0, "<": lambda c: c < 0, ">": lambda c: c > 0,
            "<=": lambda c: c <= 0, ">=": lambda c: c >= 0}


def comparison(op: str, a, b):
    """Excel comparison: numbers < text < booleans, text case-insensitive, numbers at 15 significant digits."""
    c = compare(a, b)
    if isinstance(c, E.ExcelError):
        return c
    return _COMPARE[op](c)


def negate(a):
    x = to_number(a)
    return x if isinstance(x, E.ExcelError) else -x


def percent(a):
    x = to_number(a)
    return x if isinstance(x, E.ExcelError) else x / 100.0


def unary_plus(a):
    return a  # Excel's unary + leaves its operand as it is (=+"a" is "a")


def binary(op: str):
    """The scalar implementation of a binary operator."""
    if op in ("+", "-", "*", "/", "^"):
        return lambda a, b: arithmetic(op, a, b)
    if op == "&":
        return concat
    return lambda a, b: comparison(op, a, b)


BINARY_OPS = {op: binary(op) for op in ("+", "-", "*", "/", "^", "&", "=", "<>", "<", ">", "<=", ">=")}
UNARY_OPS = {"-": negate, "%": percent, "+": unary_plus}
