"""Excel's Bessel functions BESSELI, BESSELJ, BESSELK and BESSELY: scipy.special, and Excel's own approximation of K."""
from __future__ import annotations

import math


from gdsheet import errors as E
from gdsheet.errors import ExcelError
from gdsheet.functions.datetime import toolpak_numbers
from gdsheet.functions.registry import excel
from gdsheet.lazy_modules import lazy_module

sc = lazy_module("scipy.special")

CAT = "Engineering"

def _poly(t: float, coefficients: tuple[float, ...]) -> float:
    out = 0.0
    for c in reversed(coefficients):
        out = out * t + c
    return out


def _i_small(n: int, x: float) -> float:
    """I0 or I1 for |x| <= 3.75 by the polynomials of Abramowitz & Stegun 9.8.1-2 (what K's formulas pair with)."""
    t = (x / 3.75) ** 2
    if n == 0:
        return _poly(t, (1.0, 3.5156229, 3.0899424, 1.2067492, 0.2659732, 0.0360768, 0.0045813))
    return x * _poly(t, (0.5, 0.87890594, 0.51498869, 0.15084934, 0.02658733, 0.00301532, 0.00032411))


def besselk_excel(n: int, x: float) -> float:
    """K_n(x) as Excel computes it: Abramowitz & Stegun's polynomials 9.8.5-8 for K0 and K1 (relative error about
    1e-8: Microsoft documents BESSELK(1.5,1) = 0.277387804, the exact value is 0.2773878005), then the upward
    recurrence K(n+1) = K(n-1) + 2n/x K(n)."""
    if x <= 2:
        t, log = (x / 2) ** 2, math.log(x / 2)
        k0 = -log * _i_small(0, x) + _poly(t, (-0.57721566, 0.42278420, 0.23069756, 0.03488590, 0.00262698,
                                               0.00010750, 0.0000074))
        k1 = (x * log * _i_small(1, x) + _poly(t, (1.0, 0.15443144, -0.67278579, -0.18156897, -0.01919402,
                                                   -0.00110404, -0.00004686))) / x
    else:
        u, scale = 2 / x, math.exp(-x) / math.sqrt(x)
        k0 = scale * _poly(u, (1.25331414, -0.07832358, 0.02189568, -0.01062446, 0.00587872, -0.00251540,
                               0.00053208))
        k1 = scale * _poly(u, (1.25331414, 0.23498619, -0.03655620, 0.01504268, -0.00780353, 0.00325614,
                               -0.00068245))
    if n == 0:
        return k0
    for m in range(1, n):
        k0, k1 = k1, k0 + 2 * m / x * k1
        if math.isinf(k1) or k1 == 0.0:  # overflowed, or underflowed for good: BESSELK(1E+300, 2) must not loop
            break
    return k1


# name, function of (n, x), whether x must be positive, what it is (scipy's looked up on call: imported lazily)
_BESSEL = (
    ("BESSELI", lambda n, x: sc.iv(n, x), False, "The modified Bessel function In(x) of order n."),
    ("BESSELJ", lambda n, x: sc.jv(n, x), False, "The Bessel function Jn(x) of order n."),
    ("BESSELK", besselk_excel, True, "The modified Bessel function Kn(x) of order n, for x > 0."),
    ("BESSELY", lambda n, x: sc.yv(n, x), True,
     "The Bessel function Yn(x) (Weber's or Neumann's function) of order n, for x > 0."),
)


def _register(name: str, fn, positive_x: bool, summary: str) -> None:
    def impl(x, n):
        # Excel quirk: n is truncated to an integer and must be >= 0; TRUE/FALSE are refused (#VALUE!), as in all
        # the functions that came from the Analysis ToolPak
        args = toolpak_numbers(x, n)
        if isinstance(args, ExcelError):
            return args
        x, n = args[0], math.trunc(args[1])
        if n < 0:
            return E.NUM.because("the order n must be 0 or more")
        if positive_x and x <= 0:
            return E.NUM.because(f"{name} needs x > 0")
        try:
            y = float(fn(n, x))
        except OverflowError:
            y = math.inf
        return y if math.isfinite(y) else E.NUM.because("the result is too large")

    excel(name, "scalar", "scalar", category=CAT, syntax=f"{name}(x, n)", summary=summary)(impl)


for _name, _fn, _positive, _summary in _BESSEL:
    _register(_name, _fn, _positive, _summary)
