"""Excel's decimal rounding over arrays, bit-exact with values.round15 and functions/math.round_digits.

Excel rounds a number as it shows it, at 15 significant digits (round15: float(f"{x:.15g}")), and ROUND & co.
round that decimal (Decimal.quantize). Over arrays: the 15-digit mantissa m = rint(|x| * 10^k) is an integer below
2^53, so dropping digits from it (floor division, exact) and scaling back by an exact power of ten (one correctly
rounded division or multiplication) gives the float that float(Decimal) gives. The product |x| * 10^k is taken exactly (as a
float and its rounding error), so m is right even a hair from a half. Rows where |x| is outside about 1e-8..1e15
(where 10^k is not exact) are returned as not `sure`, for the engine to compute.
"""
from __future__ import annotations

import numpy as np

POW10 = np.array([float(10 ** i) for i in range(23)])  # exact: every power of ten up to 10^22 is a double


def mantissa(x) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(m, k, sure): |round15(x)| == m / 10^k with m an integer of at most 15 digits (0 for x == 0)."""
    ax = np.abs(x)
    with np.errstate(divide="ignore", invalid="ignore"):
        e = np.floor(np.log10(ax))  # the decimal exponent; off by one near a power of ten: checked below
    k = 14 - e
    for _ in range(2):  # log10 rounds 999.9999999999999 up to 3: such rows are scaled once more, by ten
        sure = (ax == 0) | (np.isfinite(k) & (k >= 0) & (k <= 22))
        kk = np.where(sure & (ax != 0), k, 0).astype(np.int64)
        q, err = _two_product(np.where(sure, ax, 0.0), POW10[kk])  # |x| * 10^k == q + err exactly
        short = sure & (ax != 0) & (q < 1e14)
        if not short.any():
            break
        k = np.where(short, k + 1, k)
    # which side of the half between two integers the exact product lies: q - floor(q) - 0.5 is exact (q >= 1e14
    # has no bits below 2^-6), and adding err keeps the sign of the exact sum (zero only for an exact tie)
    low = np.floor(q)
    side = (q - low - 0.5) + err
    odd = low - 2.0 * np.floor(low * 0.5)  # exact for integers below 2^53 (np.fmod is twenty times slower)
    m = np.where(side > 0, low + 1, np.where(side < 0, low, low + odd))  # a tie: to even, as '.15g'
    sure = sure & ((ax == 0) | ((q >= 1e14) & (q < 1e15)))
    return m, kk, sure


def _two_product(a, b):
    """(p, e) with p = fl(a * b) and a * b == p + e exactly (Dekker, with Veltkamp's splitting; no FMA needed)."""
    p = a * b
    a_hi, a_lo = _split(a)
    b_hi, b_lo = _split(b)
    return p, ((a_hi * b_hi - p) + a_hi * b_lo + a_lo * b_hi) + a_lo * b_lo


def _split(a):
    c = 134217729.0 * a  # 2^27 + 1
    hi = c - (c - a)
    return hi, a - hi


def round15(x) -> tuple[np.ndarray, np.ndarray]:
    """(values.round15(x), sure) elementwise."""
    m, k, sure = mantissa(x)
    return np.copysign(m / POW10[k], x), sure


# Decimal rounding modes of functions/math.round_digits
HALF_UP, UP, DOWN = "half_up", "up", "down"


def round_digits(x, digits: int, mode: str = HALF_UP) -> tuple[np.ndarray, np.ndarray]:
    """(math.round_digits(x, digits, mode), sure) elementwise, for a whole number of digits in -15..22."""
    if not -15 <= digits <= 22:
        raise ValueError("digits outside -15..22")
    m, k, sure = mantissa(x)
    p = k - digits  # how many of m's digits are rounded away (<= 0: none, the 15-digit value as it is)
    keep = p <= 0
    pp = np.clip(p, 0, 16)  # beyond 15 digits everything goes: 10^16 > 2*m, so no half-up either
    scale = np.where(pp >= 16, np.inf, POW10[np.minimum(pp, 22)])
    divisor = np.where(np.isinf(scale), 1.0, scale)
    # m // 10^p: m / 10^p is at least 1e-15 (relatively) from the next integer when it is not one, far more than its
    # rounding, so floor of it is exact; then the remainder is exact too (all below 2^53)
    kept = np.floor(m / divisor)
    r = np.where(pp >= 16, m, m - kept * divisor)
    base = np.where(pp >= 16, 0.0, kept)
    if mode == HALF_UP:
        base = base + (2 * r >= scale)
    elif mode == UP:
        base = base + (r > 0)
    rounded = base / POW10[digits] if digits >= 0 else base * POW10[-digits]
    value = np.where(keep, m / POW10[k], rounded)
    return np.copysign(value, x) + 0.0, sure
