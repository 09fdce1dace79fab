"""Excel's complex-number functions (COMPLEX, IMSUM, IMSQRT, ...): complex numbers travel as text such as "3+4i"."""
from __future__ import annotations

import cmath
import math
import re

import numpy as np

from gdsheet import errors as E
from gdsheet.errors import ExcelError
from gdsheet.functions.datetime import toolpak_numbers
from gdsheet.functions.registry import excel
from gdsheet.values import format_number

CAT = "Engineering"
_NUM = r"(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
# x, yi, x+yi, i, -i, x-i; the suffix is a lower-case i or j, with no spaces anywhere (Excel's inumber)
_COMPLEX = re.compile(rf"(?P<re>[+-]?{_NUM})?(?:(?P<im>[+-]?(?:{_NUM})?)(?P<sfx>[ij]))?")


class _Parsed:
    """A parsed inumber: its value, and its suffix ('' when the text had no imaginary part)."""

    __slots__ = ("z", "suffix")

    def __init__(self, z: complex, suffix: str):
        self.z, self.suffix = z, suffix


def parse_complex(v) -> _Parsed | ExcelError:
    """Excel's reading of an inumber: a number, or text in the form x+yi / x+yj; anything else is #NUM!."""
    if isinstance(v, ExcelError):
        return v
    if isinstance(v, bool):
        return E.VALUE.because("a complex number cannot be TRUE or FALSE")
    if v is None or v == "":
        return _Parsed(0j, "")
    if isinstance(v, (int, float)):
        return _Parsed(complex(float(v), 0.0), "")
    m = _COMPLEX.fullmatch(v)
    if not m or (m["re"] is None and m["sfx"] is None):
        return E.NUM.because(f"{v!r} is not a complex number like 3+4i")
    re_text, im_text = m["re"], m["im"]
    if m["sfx"] and re_text is not None and im_text[:1] not in ("+", "-"):
        # "3i" matched as real "3" and suffix: it is the imaginary part alone
        if im_text:
            return E.NUM.because(f"{v!r} is not a complex number like 3+4i")
        re_text, im_text = None, re_text
    real = float(re_text) if re_text else 0.0
    imag = 0.0
    if m["sfx"]:
        imag = -1.0 if im_text == "-" else 1.0 if im_text in ("", "+") else float(im_text)
    return _Parsed(complex(real, imag), m["sfx"] or "")


def format_complex(z: complex, suffix: str = "i"):
    """z as Excel writes it: 15 significant digits, "i" for 1i, "-i" for -1i, no imaginary part when it is 0."""
    x, y = z.real, z.imag
    if not (math.isfinite(x) and math.isfinite(y)):
        return E.NUM.because("the result is too large")
    x, y = x + 0.0, y + 0.0  # no "-0"
    if y == 0:
        return format_number(x)
    imag = "" if y == 1 else "-" if y == -1 else format_number(y)
    if x == 0:
        return imag + suffix
    return format_number(x) + ("" if imag.startswith("-") else "+") + imag + suffix


def _suffix_of(*parsed: _Parsed):
    """The suffix of a result: the inputs' (i unless they say j); mixing i and j is #VALUE!."""
    used = {p.suffix for p in parsed} - {""}
    if len(used) > 1:
        return E.VALUE.because("the complex numbers mix the suffixes i and j")
    return used.pop() if used else "i"


# ---- building and taking apart ---------------------------------------------------------------------------------

@excel("COMPLEX", "scalar", "scalar", "scalar", category=CAT, min_args=2,
       syntax="COMPLEX(real_num, i_num, [suffix])",
       summary='A complex number as text, "x+yi" (or "x+yj"), from its real and imaginary parts.')
def complex_(real, imag, suffix=None):
    # Excel quirk: the suffix must be a lower-case "i" or "j" (empty counts as "i"); TRUE/FALSE are refused.
    parts = toolpak_numbers(real, imag)
    if isinstance(parts, ExcelError):
        return parts
    if isinstance(suffix, ExcelError):
        return suffix
    suffix = "i" if suffix is None or suffix == "" else suffix
    if suffix not in ("i", "j"):
        return E.VALUE.because('the suffix must be "i" or "j"')
    return format_complex(complex(*parts), suffix)


def _part(name: str, fn, summary: str) -> None:
    def impl(v):
        p = parse_complex(v)
        return p if isinstance(p, ExcelError) else fn(p.z)

    excel(name, "scalar", category=CAT, syntax=f"{name}(inumber)", summary=summary)(impl)


def _argument(z: complex):
    # Excel quirk: the angle of 0 is #DIV/0!, not 0
    return E.DIV0.because("0 has no angle") if z == 0 else math.atan2(z.imag, z.real)


_part("IMREAL", lambda z: z.real, "The real part of a complex number.")
_part("IMAGINARY", lambda z: z.imag, "The imaginary part of a complex number.")
_part("IMABS", abs, "The absolute value (modulus) of a complex number.")
_part("IMARGUMENT", _argument, "The angle of a complex number in radians, between -pi and pi.")


# ---- functions of one complex number ---------------------------------------------------------------------------

def _polar_power(z: complex, n: float) -> complex:
    """z**n through the polar form, as Excel computes it (IMPOWER("2+3i",3) is -46+9.00000000000001i)."""
    r, theta = abs(z), math.atan2(z.imag, z.real)
    return complex(r ** n * math.cos(n * theta), r ** n * math.sin(n * theta))


def _pole(fn, what: str):
    """fn, with #NUM! where it has a pole or leaves the floats."""
    def safe(z: complex):
        try:
            return fn(z)
        except (ZeroDivisionError, OverflowError, ValueError):
            return E.NUM.because(what)

    return safe


def _ln(z: complex):
    if z == 0:
        raise ValueError
    return complex(math.log(abs(z)), math.atan2(z.imag, z.real))


def _tan(z: complex) -> complex:
    # the double-angle form, which gives Excel's last digits (IMTAN("4+3i") = 0.00490825806749608+1.00070953606723i)
    d = math.cos(2 * z.real) + math.cosh(2 * z.imag)
    return complex(math.sin(2 * z.real) / d, math.sinh(2 * z.imag) / d)


def _cot(z: complex) -> complex:
    # cot x and coth y combined, divided without scaling: Excel's last digits (IMCOT("4+3i") is
    # 0.0049011823943045-0.999266927805902i in Microsoft's documentation; Python's complex division gives ...455)
    x, y = z.real, z.imag
    if y == 0:
        return complex(1 / math.tan(x), 0.0)
    if x == 0:
        return complex(0.0, -1 / math.tanh(y))
    ct, cth = 1 / math.tan(x), 1 / math.tanh(y)
    nr, ni, dr, di = -1.0, -ct * cth, ct, -cth
    d = dr * dr + di * di
    return complex((nr * dr + ni * di) / d, (ni * dr - nr * di) / d)


_ONE_ARG = (
    ("IMCONJUGATE", lambda z: z.conjugate(), "The complex conjugate of a complex number (x-yi for x+yi)."),
    ("IMSQRT", lambda z: _polar_power(z, 0.5), "The square root of a complex number."),
    ("IMEXP", cmath.exp, "e raised to a complex number."),
    ("IMLN", _ln, "The natural logarithm of a complex number."),
    ("IMLOG10", lambda z: _ln(z) / math.log(10), "The base-10 logarithm of a complex number."),
    ("IMLOG2", lambda z: _ln(z) / math.log(2), "The base-2 logarithm of a complex number."),
    ("IMSIN", cmath.sin, "The sine of a complex number."),
    ("IMCOS", cmath.cos, "The cosine of a complex number."),
    ("IMTAN", lambda z: _tan(z), "The tangent of a complex number."),
    ("IMCOT", lambda z: _cot(z), "The cotangent of a complex number."),
    ("IMSEC", lambda z: 1 / cmath.cos(z), "The secant of a complex number."),
    ("IMCSC", lambda z: 1 / cmath.sin(z), "The cosecant of a complex number."),
    ("IMSINH", cmath.sinh, "The hyperbolic sine of a complex number."),
    ("IMCOSH", cmath.cosh, "The hyperbolic cosine of a complex number."),
    ("IMSECH", lambda z: 1 / cmath.cosh(z), "The hyperbolic secant of a complex number."),
    ("IMCSCH", lambda z: 1 / cmath.sinh(z), "The hyperbolic cosecant of a complex number."),
)


def _one_arg(name: str, fn, summary: str) -> None:
    safe = _pole(fn, f"{name} is undefined there or too large")

    def impl(v):
        # the result keeps the input's suffix (j stays j); a pole or an overflow is #NUM!
        p = parse_complex(v)
        if isinstance(p, ExcelError):
            return p
        z = safe(p.z)
        return z if isinstance(z, ExcelError) else format_complex(z, p.suffix or "i")

    excel(name, "scalar", category=CAT, syntax=f"{name}(inumber)", summary=summary)(impl)


for _name, _fn, _summary in _ONE_ARG:
    _one_arg(_name, _fn, _summary)


@excel("IMPOWER", "scalar", "scalar", category=CAT, syntax="IMPOWER(inumber, number)",
       summary="A complex number raised to a real power.")
def impower(v, n):
    # Excel quirk: computed in polar form; 0 to a negative power is #NUM!
    p = parse_complex(v)
    if isinstance(p, ExcelError):
        return p
    n = toolpak_numbers(n)
    if isinstance(n, ExcelError):
        return n
    n = n[0]
    if p.z == 0:
        return E.NUM.because("0 cannot be raised to a negative power") if n < 0 else "0" if n > 0 else "1"
    try:
        z = _polar_power(p.z, n)
    except OverflowError:
        return E.NUM.because("the result is too large")
    return format_complex(z, p.suffix or "i")


# ---- two or more complex numbers -------------------------------------------------------------------------------

def _two(name: str, op, summary: str, args: str) -> None:
    def impl(a, b):
        pa, pb = parse_complex(a), parse_complex(b)
        for p in (pa, pb):
            if isinstance(p, ExcelError):
                return p
        suffix = _suffix_of(pa, pb)
        if isinstance(suffix, ExcelError):
            return suffix
        z = op(pa.z, pb.z)
        return z if isinstance(z, ExcelError) else format_complex(z, suffix)

    excel(name, "scalar", "scalar", category=CAT, syntax=f"{name}({args})", summary=summary)(impl)


def _divide(a: complex, b: complex):
    return E.NUM.because("division by 0") if b == 0 else a / b


_two("IMSUB", lambda a, b: a - b, "The difference of two complex numbers.", "inumber1, inumber2")
_two("IMDIV", _divide, "The quotient of two complex numbers.", "inumber1, inumber2")


def _fold(name: str, op, start: complex, summary: str) -> None:
    def impl(*arrays: np.ndarray):
        # every cell of a range counts (a blank as 0); mixing i and j is #VALUE!
        parsed = []
        for a in arrays:
            for v in a.ravel():
                p = parse_complex(v)
                if isinstance(p, ExcelError):
                    return p
                parsed.append(p)
        suffix = _suffix_of(*parsed)
        if isinstance(suffix, ExcelError):
            return suffix
        acc = start
        for p in parsed:
            acc = op(acc, p.z)
        return format_complex(acc, suffix)

    excel(name, "values", category=CAT, min_args=1, max_args=255, syntax=f"{name}(inumber1, [inumber2], ...)",
          summary=summary)(impl)


_fold("IMSUM", lambda a, b: a + b, 0j, "The sum of complex numbers.")
_fold("IMPRODUCT", lambda a, b: a * b, 1 + 0j, "The product of complex numbers.")
