"""Math functions: smooth kernels (ABS, SQRT, EXP, LN, POWER...), rounding to digits and multiples, MOD, random."""
from __future__ import annotations

import math
from decimal import ROUND_DOWN, ROUND_HALF_UP, ROUND_UP, Decimal
from typing import Callable

import numpy as np

from gdsheet import errors as E
from gdsheet.functions.registry import FUNCTIONS, elementwise, excel
from gdsheet.refs import MAX_COL, MAX_ROW
from gdsheet.values import round15

CAT = "Math & trig"
MAX_RANDOM_CELLS = 10_000_000  # a RANDARRAY this big could never spill onto a sheet


def smooth(name: str, kernel: Callable, *params: str, guard: Callable | None = None, syntax: str = "",
           summary: str = "", min_args: int | None = None, max_args="fixed", category: str = CAT) -> None:
    """Register a smooth kernel; `guard(*floats)` returns Excel's own error for inputs where Excel does not simply
    say #NUM! for a non-finite result (LOG(x,1) is #DIV/0!, COT(0) is #DIV/0!, ...), else None."""
    if guard is None:
        elementwise(name, kernel, *params, category=category, syntax=syntax, summary=summary,
                    min_args=min_args, max_args=max_args)
        return

    def impl(*xs):
        xs = tuple(np.float64(x) for x in xs)  # numpy floats: (-8)**(1/3) is nan, not a complex
        err = guard(*xs)
        if err is not None:
            return err
        with np.errstate(all="ignore"):
            y = float(kernel(np, *xs))
        return y if math.isfinite(y) else E.NUM

    excel(name, *(params or ("num",)), category=category, syntax=syntax, summary=summary, min_args=min_args,
          max_args=max_args, kernel=kernel)(impl)
    FUNCTIONS[name].extra["guard"] = guard  # the kernel plus this guard: what vectorised recalculation must mirror


# ---- smooth numeric kernels -----------------------------------------------------------------------------------

elementwise("ABS", lambda xp, x: xp.abs(x), syntax="ABS(number)", summary="The absolute value of a number.")
# x * 0 carries an error through: torch.sign(NaN) is 0, where Excel's SIGN of an error is the error
elementwise("SIGN", lambda xp, x: xp.sign(x) + x * 0, syntax="SIGN(number)",
            summary="1 for a positive number, -1 for a negative one, 0 for zero.")
elementwise("SQRT", lambda xp, x: xp.sqrt(x), syntax="SQRT(number)",
            summary="The positive square root of a number (#NUM! for a negative one).")
elementwise("SQRTPI", lambda xp, x: xp.sqrt(x * math.pi), syntax="SQRTPI(number)",
            summary="The square root of a number multiplied by pi.")
elementwise("EXP", lambda xp, x: xp.exp(x), syntax="EXP(number)", summary="e raised to the power of a number.")
elementwise("LN", lambda xp, x: xp.log(x), syntax="LN(number)",
            summary="The natural logarithm of a positive number.")
elementwise("LOG10", lambda xp, x: xp.log10(x), syntax="LOG10(number)",
            summary="The base-10 logarithm of a positive number.")


def _log_guard(x: float, base: float = 10.0):
    # Excel: base 1 divides by log(1) = 0, which it reports as #DIV/0! (unless the number is invalid first)
    if x <= 0 or base <= 0:
        return E.NUM
    return E.DIV0 if base == 1 else None


def _log(xp, x, base=10.0):
    # the default base is a plain float even when x is a tensor
    return xp.log(x) / (math.log(base) if isinstance(base, (int, float)) else xp.log(base))


smooth("LOG", _log, "num", "num", guard=_log_guard, min_args=1, syntax="LOG(number, [base])",
       summary="The logarithm of a number to a base (10 if omitted).")


def _power_guard(x: float, y: float):
    # Excel: 0^0 is #NUM! and 0 to a negative power is #DIV/0!
    if x == 0 and y == 0:
        return E.NUM
    return E.DIV0 if x == 0 and y < 0 else None


smooth("POWER", lambda xp, x, y: x ** y, "num", "num", guard=_power_guard, syntax="POWER(number, power)",
       summary="A number raised to a power, as number^power.")


# ---- rounding ---------------------------------------------------------------------------------------------

def _decimal15(x: float) -> Decimal:
    # Excel rounds the number as it shows it, at 15 significant digits: ROUND(2.675,2) is 2.68, not 2.67
    return Decimal(f"{x:.15g}")


def round_digits(x: float, digits: float, mode: str = ROUND_HALF_UP) -> float:
    """x rounded to `digits` decimals (negative: to tens, hundreds...) in Excel's way; mode is a decimal rounding."""
    d = _decimal15(x)
    n = int(max(-400, min(400, digits)))
    if n >= -d.as_tuple().exponent:  # already has no more than n decimals
        return float(d) + 0.0
    return float(d.quantize(Decimal(1).scaleb(-n), rounding=mode)) + 0.0  # + 0.0 turns -0.0 into 0.0


@excel("ROUND", "num", "int", category=CAT, syntax="ROUND(number, num_digits)",
       summary="A number rounded to a number of digits, halves away from zero.")
def round_(x, digits):
    # Quirk: halves go away from zero (ROUND(-2.5,0) is -3), judged on the 15-digit decimal form
    return round_digits(x, digits)


@excel("ROUNDUP", "num", "int", category=CAT, syntax="ROUNDUP(number, num_digits)",
       summary="A number rounded away from zero to a number of digits.")
def roundup(x, digits):
    # Quirk: judged on the 15-digit form, so ROUNDUP(0.1+0.2,1) is 0.3, not 0.4
    return round_digits(x, digits, ROUND_UP)


@excel("ROUNDDOWN", "num", "int", category=CAT, syntax="ROUNDDOWN(number, num_digits)",
       summary="A number rounded toward zero to a number of digits.")
def rounddown(x, digits):
    # Quirk: judged on the 15-digit form, like ROUND
    return round_digits(x, digits, ROUND_DOWN)


@excel("TRUNC", "num", "int", category=CAT, min_args=1, syntax="TRUNC(number, [num_digits])",
       summary="A number with its digits after num_digits (0 if omitted) cut off, toward zero.")
def trunc(x, digits=None):
    # Same as ROUNDDOWN with digits defaulting to 0
    return round_digits(x, digits or 0, ROUND_DOWN)


@excel("INT", "num", category=CAT, syntax="INT(number)", summary="A number rounded down to an integer.")
def int_(x):
    # Quirk: floors, so INT(-0.5) is -1 (TRUNC gives 0)
    return float(math.floor(x))


def _to_multiple(x: float, m: float, rounder: Callable[[float], float], exact_quotient: bool = True):
    # the quotient is read at 15 digits first so CEILING(0.3,0.1) is 0.3, not 0.4 from 3.0000000000000004
    q = round15(x / m) if exact_quotient else x / m
    if not math.isfinite(q):
        return E.NUM.because("the number is too large for that multiple")
    return round15(rounder(q) * m) + 0.0


@excel("CEILING", "num", "num", category=CAT, syntax="CEILING(number, significance)",
       summary="A number rounded up to the nearest multiple of significance.")
def ceiling(x, sig):
    # Quirk (Excel 2010+): a negative number with a negative significance rounds away from zero; a positive
    # number with a negative significance is #NUM!; significance 0 gives 0
    if sig == 0 or x == 0:
        return 0.0
    if x > 0 > sig:
        return E.NUM
    return _to_multiple(x, sig, math.ceil)


@excel("FLOOR", "num", "num", category=CAT, syntax="FLOOR(number, significance)",
       summary="A number rounded down to the nearest multiple of significance.")
def floor_(x, sig):
    # Quirk: significance 0 is #DIV/0! (but FLOOR(0,0) is 0); positive number, negative significance is #NUM!
    if x == 0:
        return 0.0
    if sig == 0:
        return E.DIV0
    if x > 0 > sig:
        return E.NUM
    return _to_multiple(x, sig, math.floor)


def _math_rounding(x: float, sig: float | None, mode: float | None, up: bool):
    sig = 1.0 if sig is None else abs(sig)  # the sign of significance is ignored
    if sig == 0 or x == 0:
        return 0.0
    toward_pos_inf = up if x >= 0 or not mode else not up  # a nonzero mode flips the direction for negatives
    return _to_multiple(x, sig, math.ceil if toward_pos_inf else math.floor)


@excel("CEILING.MATH", "num", "num", "num", category=CAT, min_args=1,
       syntax="CEILING.MATH(number, [significance], [mode])",
       summary="A number rounded up to a multiple of significance (1 if omitted); mode rounds negatives away "
               "from zero.")
def ceiling_math(x, sig=None, mode=None):
    # Quirk: negatives go toward zero unless mode is nonzero
    return _math_rounding(x, sig, mode, up=True)


@excel("FLOOR.MATH", "num", "num", "num", category=CAT, min_args=1,
       syntax="FLOOR.MATH(number, [significance], [mode])",
       summary="A number rounded down to a multiple of significance (1 if omitted); mode rounds negatives "
               "toward zero.")
def floor_math(x, sig=None, mode=None):
    # Quirk: negatives go away from zero unless mode is nonzero
    return _math_rounding(x, sig, mode, up=False)


@excel("CEILING.PRECISE", "num", "num", category=CAT, min_args=1, aliases=("ISO.CEILING",),
       syntax="CEILING.PRECISE(number, [significance])",
       summary="A number rounded up (toward +infinity) to a multiple of significance, whatever its sign.")
def ceiling_precise(x, sig=None):
    # Quirk: the significance's sign is ignored; ISO.CEILING is the same function
    return _math_rounding(x, sig, None, up=True)


@excel("FLOOR.PRECISE", "num", "num", category=CAT, min_args=1, syntax="FLOOR.PRECISE(number, [significance])",
       summary="A number rounded down (toward -infinity) to a multiple of significance, whatever its sign.")
def floor_precise(x, sig=None):
    # Quirk: the significance's sign is ignored
    return _math_rounding(x, sig, None, up=False)


@excel("MROUND", "num", "num", category=CAT, syntax="MROUND(number, multiple)",
       summary="A number rounded to the nearest multiple, halves away from zero.")
def mround(x, m):
    # Quirk: number and multiple of opposite signs are #NUM!; multiple 0 gives 0; the halfway test is made on the
    # binary quotient, so MROUND(6.05,0.1) is 6 (6.05/0.1 is 60.49999999999999), as Excel gives
    if m == 0 or x == 0:
        return 0.0
    if (x > 0) != (m > 0):
        return E.NUM
    return _to_multiple(x, m, lambda q: math.floor(q + 0.5), exact_quotient=False)


@excel("EVEN", "num", category=CAT, syntax="EVEN(number)",
       summary="A number rounded away from zero to the nearest even integer.")
def even(x):
    # Quirk: away from zero for negatives too (EVEN(-1) is -2)
    v = math.ceil(round15(abs(x)) / 2) * 2.0
    return math.copysign(v, x) + 0.0


@excel("ODD", "num", category=CAT, syntax="ODD(number)",
       summary="A number rounded away from zero to the nearest odd integer.")
def odd(x):
    # Quirk: ODD(0) is 1, away from zero for negatives (ODD(-2) is -3)
    v = math.ceil(round15(abs(x)))
    v += 1 - v % 2
    return math.copysign(float(v), x) if x else 1.0


@excel("MOD", "num", "num", category=CAT, syntax="MOD(number, divisor)",
       summary="The remainder after dividing number by divisor; it has the divisor's sign.")
def mod(n, d):
    # Quirk: n - d*INT(n/d), so the result takes the divisor's sign (MOD(-3,2) is 1)
    if d == 0:
        return E.DIV0
    q = n / d
    if not math.isfinite(q):
        return E.NUM
    return round15(n - d * math.floor(round15(q))) + 0.0


@excel("QUOTIENT", "num", "num", category=CAT, syntax="QUOTIENT(numerator, denominator)",
       summary="The integer part of a division, rounded toward zero.")
def quotient(n, d):
    # Quirk: truncates toward zero (QUOTIENT(-7,2) is -3), unlike INT(-7/2)
    if d == 0:
        return E.DIV0
    q = n / d
    return float(math.trunc(round15(q))) + 0.0 if math.isfinite(q) else E.NUM


# ---- random numbers (volatile; ctx.random() makes a seeded workbook reproducible) ------------------------------

@excel("RAND", category=CAT, needs_context=True, volatile=True, syntax="RAND()",
       summary="A random number between 0 (included) and 1 (excluded), new at every recalculation.")
def rand(ctx):
    return float(ctx.random())


@excel("RANDBETWEEN", "num", "num", category=CAT, needs_context=True, volatile=True,
       syntax="RANDBETWEEN(bottom, top)", summary="A random integer between bottom and top, both included.")
def randbetween(ctx, bottom, top):
    # Quirk: bounds are pulled inward to integers; nothing in between is #NUM!
    lo, hi = math.ceil(bottom), math.floor(top)
    if lo > hi:
        return E.NUM
    return float(lo + min(hi - lo, math.floor(ctx.random() * (hi - lo + 1))))


@excel("RANDARRAY", "num", "num", "num", "num", "bool", category=CAT, needs_context=True, volatile=True,
       min_args=0, syntax="RANDARRAY([rows], [columns], [min], [max], [whole_number])",
       summary="An array of random numbers between min (0) and max (1), optionally whole numbers.")
def randarray(ctx, rows=None, cols=None, lo=None, hi=None, whole=None):
    # Quirk: a size of 0 is #CALC! (an empty array), a negative size or min > max is #VALUE!; whole numbers
    # are drawn between min and max pulled inward to integers
    shape = [1 if v is None else math.trunc(v) for v in (rows, cols)]
    if min(shape) < 0 or shape[0] > MAX_ROW or shape[1] > MAX_COL or shape[0] * shape[1] > MAX_RANDOM_CELLS:
        return E.VALUE.because("RANDARRAY's size is negative or larger than a sheet can show")
    if min(shape) == 0:
        return E.CALC.because("RANDARRAY of no rows or no columns is empty")
    lo = 0.0 if lo is None else lo
    hi = 1.0 if hi is None else hi
    a, b = (math.ceil(lo), math.floor(hi)) if whole else (lo, hi)
    if a > b:
        return E.VALUE
    out = np.empty(shape, dtype=object)
    for i in range(shape[0]):
        for j in range(shape[1]):
            r = ctx.random()
            out[i, j] = float(a + min(b - a, math.floor(r * (b - a + 1)))) if whole else a + r * (b - a)
    return out
