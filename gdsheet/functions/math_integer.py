"""Integer math: factorials, combinations, GCD and LCM, Roman numerals and number bases."""
from __future__ import annotations

import math
import string

from gdsheet import errors as E
from gdsheet.errors import ExcelError
from gdsheet.functions.math import CAT
from gdsheet.functions.registry import excel
from gdsheet.values import to_number

MAX_EXACT = 2.0 ** 53  # beyond this a float no longer holds every integer; Excel's GCD/LCM/BASE refuse it
_LOG_MAX = math.log(1.7976931348623157e308)


def _as_float(n: int):
    try:
        return float(n)
    except OverflowError:
        return E.NUM


@excel("FACT", "int", category=CAT, syntax="FACT(number)",
       summary="The factorial of a number: 1*2*3*...*number.")
def fact(n):
    # Quirk: a non-integer is truncated first (FACT(2.9) is 2); above 170! the result overflows to #NUM!
    if n < 0 or n > 170:
        return E.NUM
    return float(math.factorial(int(n)))


@excel("FACTDOUBLE", "int", category=CAT, syntax="FACTDOUBLE(number)",
       summary="The double factorial of a number: number*(number-2)*(number-4)*... down to 1 or 2.")
def factdouble(n):
    # Quirk: truncated first; negative is #NUM! as Microsoft documents it (0!! is 1)
    if n < 0 or n > 400:  # 301!! already overflows a float
        return E.NUM
    return _as_float(math.prod(range(int(n), 0, -2)))


def _combin(n: float, k: float):
    if n < 0 or k < 0 or n < k:
        return E.NUM
    n, k = int(n), int(k)
    k = min(k, n - k)
    if math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1) > _LOG_MAX:
        return E.NUM  # refuse before computing a huge exact integer
    return _as_float(math.comb(n, k))


@excel("COMBIN", "int", "int", category=CAT, syntax="COMBIN(number, number_chosen)",
       summary="The number of ways to choose number_chosen items out of number, order not mattering.")
def combin(n, k):
    # Quirk: both arguments are truncated; number < number_chosen is #NUM!
    return _combin(n, k)


@excel("COMBINA", "int", "int", category=CAT, syntax="COMBINA(number, number_chosen)",
       summary="The number of ways to choose number_chosen items out of number, with repetitions allowed.")
def combina(n, k):
    # Quirk: COMBIN(n+k-1, k), with COMBINA(0,0) = 1
    if n < 0 or k < 0:
        return E.NUM
    return 1.0 if n == 0 and k == 0 else _combin(n + k - 1, k)


@excel("PERMUT", "int", "int", category=CAT, syntax="PERMUT(number, number_chosen)",
       summary="The number of ordered ways to pick number_chosen items out of number.")
def permut(n, k):
    # Quirk: both arguments are truncated; number < number_chosen is #NUM!
    if n < 0 or k < 0 or n < k:
        return E.NUM
    if math.lgamma(n + 1) - math.lgamma(n - k + 1) > _LOG_MAX:
        return E.NUM
    return _as_float(math.perm(int(n), int(k)))


@excel("PERMUTATIONA", "int", "int", category=CAT, syntax="PERMUTATIONA(number, number_chosen)",
       summary="The number of ordered ways to pick number_chosen items out of number, repetitions allowed.")
def permutationa(n, k):
    # Quirk: number^number_chosen after truncation; PERMUTATIONA(0,0) is 1
    if n < 0 or k < 0:
        return E.NUM
    try:
        return math.pow(n, k)
    except OverflowError:
        return E.NUM


def _naturals(lists) -> list[int] | ExcelError:
    values = [x for xs in lists for x in xs]
    if any(x < 0 or x >= MAX_EXACT for x in values):
        return E.NUM
    return [int(x) for x in values]


@excel("GCD", "nums", category=CAT, max_args=None, syntax="GCD(number1, [number2], ...)",
       summary="The greatest common divisor of integers.")
def gcd(*lists):
    # Quirk: values are truncated; a negative value or one of 2^53 or more is #NUM!
    ns = _naturals(lists)
    return ns if isinstance(ns, ExcelError) else float(math.gcd(*ns))


@excel("LCM", "nums", category=CAT, max_args=None, syntax="LCM(number1, [number2], ...)",
       summary="The least common multiple of integers.")
def lcm(*lists):
    # Quirk: values are truncated; any 0 gives 0; a result of 2^53 or more is #NUM!
    ns = _naturals(lists)
    if isinstance(ns, ExcelError):
        return ns
    out = math.lcm(*ns)
    return E.NUM if out >= MAX_EXACT else float(out)


@excel("MULTINOMIAL", "nums", category=CAT, max_args=None, syntax="MULTINOMIAL(number1, [number2], ...)",
       summary="The factorial of the sum of numbers divided by the product of their factorials.")
def multinomial(*lists):
    # Quirk: values are truncated; any negative is #NUM!
    ns = _naturals(lists)
    if isinstance(ns, ExcelError):
        return ns
    total = sum(ns)
    log = math.lgamma(total + 1) - sum(math.lgamma(n + 1) for n in ns)
    if log > _LOG_MAX:
        return E.NUM
    return _as_float(math.factorial(total) // math.prod(math.factorial(n) for n in ns))


# ---- Roman numerals ---------------------------------------------------------------------------------------

_ROMAN_CLASSIC = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                  (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
# The subtractive pairs each more concise form adds to the ones before it (Excel's forms 1 to 4)
_ROMAN_EXTRA = [[(950, "LM"), (450, "LD"), (95, "VC"), (45, "VL")],
                [(990, "XM"), (490, "XD"), (99, "IC"), (49, "IL")],
                [(995, "VM"), (495, "VD")],
                [(999, "IM"), (499, "ID")]]
_ROMAN_TABLES = [sorted(_ROMAN_CLASSIC + sum(_ROMAN_EXTRA[:form], []), reverse=True) for form in range(5)]
_ROMAN_VALUE = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


@excel("ROMAN", "int", "scalar", category=CAT, min_args=1, syntax="ROMAN(number, [form])",
       summary="A number from 0 to 3999 written in Roman numerals; form 0 (classic) to 4 (most concise).")
def roman(n, form=None):
    # Quirk: form TRUE is classic (0) and FALSE the most concise (4); 0 gives ""; outside 0..3999 is #VALUE!
    if form is None or form is True:
        form = 0.0
    elif form is False:
        form = 4.0
    else:
        form = to_number(form)
        if isinstance(form, ExcelError):
            return form
    if not 0 <= n <= 3999 or not 0 <= form < 5:
        return E.VALUE
    out, rest = [], int(n)
    for value, letters in _ROMAN_TABLES[int(form)]:
        count, rest = divmod(rest, value)
        out.append(letters * count)
    return "".join(out)


@excel("ARABIC", "text", category=CAT, syntax="ARABIC(text)",
       summary="The number a Roman numeral stands for, e.g. ARABIC(\"MCMXCIX\") is 1999.")
def arabic(text):
    # Quirk: case-insensitive, surrounding spaces ignored, a leading '-' negates, "" is 0; non-classic forms
    # (those ROMAN's concise forms write, e.g. "LDVLIV") are read by the usual subtract-before-larger rule
    t = text.strip().upper()
    sign = -1.0 if t.startswith("-") else 1.0
    t = t[1:] if sign < 0 else t
    if len(text) > 255 or any(ch not in _ROMAN_VALUE for ch in t):
        return E.VALUE
    values = [_ROMAN_VALUE[ch] for ch in t]
    total = sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))
    return sign * total


# ---- number bases -----------------------------------------------------------------------------------------

_DIGITS = string.digits + string.ascii_uppercase


@excel("BASE", "int", "int", "int", category=CAT, min_args=2, syntax="BASE(number, radix, [min_length])",
       summary="A number written in another base (radix 2 to 36), padded with zeros to min_length.")
def base(n, radix, min_length=None):
    # Quirk: number must be 0 to 2^53-1, radix 2..36, min_length 0..255, else #NUM!
    width = int(min_length or 0)
    if not (0 <= n < MAX_EXACT and 2 <= radix <= 36 and 0 <= width <= 255):
        return E.NUM
    n, radix, out = int(n), int(radix), []
    while n:
        n, d = divmod(n, radix)
        out.append(_DIGITS[d])
    return "".join(reversed(out)).rjust(width, "0")


@excel("DECIMAL", "text", "int", category=CAT, syntax="DECIMAL(text, radix)",
       summary="The number that text written in base radix (2 to 36) stands for, e.g. DECIMAL(\"FF\",16) is 255.")
def decimal(text, radix):
    # Quirk: case-insensitive; radix outside 2..36 is #NUM!; a digit not valid in the radix is #VALUE!
    if not 2 <= radix <= 36:
        return E.NUM
    t = text.upper()
    allowed = _DIGITS[:int(radix)]
    if len(t) > 255 or any(ch not in allowed for ch in t):
        return E.VALUE
    return float(int(t, int(radix))) if t else 0.0
