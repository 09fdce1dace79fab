"""Bonds with an odd (short or long) first or last coupon period: ODDFPRICE, ODDFYIELD, ODDLPRICE, ODDLYIELD.

An odd period is measured in quasi-coupon periods: the regular schedule extended through it, each period's share
being its days over that period's normal length. Microsoft documents the formulas only in outline; the rules here
are those Excel was found to follow (as the Excel-verified ExcelFinancialFunctions library computes them), checked
on Microsoft's examples and against IronCalc.
"""
from __future__ import annotations

import math


from gdsheet import errors as E
from gdsheet.functions.datetime import toolpak_numbers
from gdsheet.functions.datetime_parse import MAX_SERIAL, days_in_month, ymd_from_serial
from gdsheet.functions.financial import CAT
from gdsheet.functions.financial_coupons import FREQUENCIES, coupons, day_count, is_month_end, months_before
from gdsheet.functions.registry import excel
from gdsheet.lazy_modules import lazy_module

optimize = lazy_module("scipy.optimize")


def _add(serial: int, months: int, month_end: bool = False) -> int:
    return months_before(serial, -months, month_end)


def _days(a: int, b: int, basis: int) -> float:
    return max(0.0, float(day_count(a, b, basis)))


def _days_both_ends(a: int, b: int, basis: int) -> float:
    """A quasi-period's length on the US 30/360 basis counts both ends as 30/360 (a February end and a 31st become
    the 30th whatever the other date); other bases count as usual."""
    if basis != 0:
        return _days(a, b, basis)
    (y1, m1, d1), (y2, m2, d2) = ymd_from_serial(a), ymd_from_serial(b)
    feb_end = lambda y, m, d: m == 2 and d == days_in_month(y, 2)  # noqa: E731 - tiny predicate
    if feb_end(y2, m2, d2) or d2 == 31:
        d2 = 30
    if d1 == 31 or feb_end(y1, m1, d1):
        d1 = 30
    return max(0.0, float((y2 - y1) * 360 + (m2 - m1) * 30 + d2 - d1))


def _args(dates: int, values: tuple, basis):
    """Dates (truncated, within Excel's calendar), numbers, then frequency (1, 2 or 4) and basis (0..4)."""
    nums = toolpak_numbers(*values, 0.0 if basis is None else basis)
    if isinstance(nums, E.ExcelError):
        return nums
    if any(not 0 <= d <= MAX_SERIAL for d in nums[:dates]):
        return E.NUM.because("a date is outside Excel's calendar")
    f, b = math.trunc(nums[-2]), math.trunc(nums[-1])
    if f not in FREQUENCIES or not 0 <= b <= 4:
        return E.NUM.because("frequency must be 1, 2 or 4 and basis 0..4")
    return [int(d) for d in nums[:dates]] + list(nums[dates:-2]) + [int(f), int(b)]


# ---- odd last period -----------------------------------------------------------------------------------------

def _odd_last_sums(settlement: int, maturity: int, last: int, f: int, basis: int):
    """Over the quasi-coupon periods from the last interest date to maturity: the sums of DC/NL (days of each
    counted up to maturity), A/NL (accrued before settlement) and DSC/NL (from settlement to maturity)."""
    step = 12 // f
    n = coupons(last, maturity, f, basis).number
    dc = a = dsc = 0.0
    early = last
    for i in range(1, n + 1):
        late = _add(early, step)
        nl = _days_both_ends(early, late, basis)
        dci = nl if i < n else _days_both_ends(early, maturity, basis)
        if late < settlement:
            ai = dci
        elif early < settlement:
            ai = _days(early, settlement, basis)
        else:
            ai = 0.0
        dsci = _days(max(settlement, early), min(maturity, late), basis)
        dc, a, dsc = dc + dci / nl, a + ai / nl, dsc + dsci / nl
        early = late
    return dc, a, dsc


def _odd_last(settlement, maturity, last_interest, rate, x, redemption, frequency, basis, price: bool):
    a = _args(3, (settlement, maturity, last_interest, rate, x, redemption, frequency), basis)
    if isinstance(a, E.ExcelError):
        return a
    s, m, last, rate, x, red, f, b = a
    if not last < s < m or rate < 0 or x < 0 or red <= 0 or (not price and x == 0):
        return E.NUM.because("needs last_interest < settlement < maturity, rate and yld >= 0, pr and redemption > 0")
    dc, acc, dsc = _odd_last_sums(s, m, last, f, b)
    coupon = 100 * rate / f
    if price:
        return (dc * coupon + red) / (dsc * x / f + 1) - acc * coupon
    paid = acc * coupon + x
    return (dc * coupon + red - paid) / paid * f / dsc


_LAST = ("scalar",) * 8


@excel("ODDLPRICE", *_LAST, category=CAT, min_args=7,
       syntax="ODDLPRICE(settlement, maturity, last_interest, rate, yld, redemption, frequency, [basis])",
       summary="The price per 100 face value of a security with an odd (short or long) last coupon period.")
def oddlprice(settlement, maturity, last_interest, rate, yld, redemption, frequency, basis=None):
    return _odd_last(settlement, maturity, last_interest, rate, yld, redemption, frequency, basis, price=True)


@excel("ODDLYIELD", *_LAST, category=CAT, min_args=7,
       syntax="ODDLYIELD(settlement, maturity, last_interest, rate, pr, redemption, frequency, [basis])",
       summary="The yield of a security with an odd (short or long) last coupon period.")
def oddlyield(settlement, maturity, last_interest, rate, pr, redemption, frequency, basis=None):
    return _odd_last(settlement, maturity, last_interest, rate, pr, redemption, frequency, basis, price=False)


# ---- odd first period ----------------------------------------------------------------------------------------

def _whole_periods(first: int, settlement: int, step: int) -> int:
    """Whole quasi-coupon periods from settlement up to the first coupon (the part period holding settlement is
    counted by DSC/E instead)."""
    y, m, d = ymd_from_serial(first)
    month_end = is_month_end(first)
    if not month_end and m != 2 and 28 < d < days_in_month(y, m):
        month_end = is_month_end(settlement)
    start = _add(settlement, 0, month_end) if month_end else settlement
    count = 1 if settlement < start else 0
    front = _add(start, step, month_end)
    while front < first:
        front = _add(front, step, month_end)
        count += 1
    return count


def odd_first_price(s: int, m: int, issue: int, first: int, rate: float, yld: float, red: float, f: int,
                    b: int) -> float:
    step = 12 // f
    c = coupons(s, first, f, b)
    e = c.days
    coupon = 100 * rate / f
    v = 1 + yld / f
    dfc = _days(issue, first, b)
    if dfc < e:  # a short first period: one odd coupon, then the regular ones
        n = coupons(s, m, f, b).number
        y = _days(s, first, b) / e
        total = red / v ** (n - 1 + y) + coupon * dfc / e / v ** y
        total += sum(coupon / v ** (k - 1 + y) for k in range(2, n + 1))
        return total - coupon * _days(issue, s, b) / e
    # a long first period: its quasi-coupon periods, counted back from the first coupon to the issue date
    nc = coupons(issue, first, f, b).number
    late, dc, acc = first, 0.0, 0.0
    for i in range(nc, 0, -1):
        early = _add(late, -step)
        nl = _days(early, late, b) if b == 1 else e
        dci = nl if i > 1 else _days(issue, late, b)
        acc += _days(max(issue, early), min(s, late), b) / nl
        dc += dci / nl
        late = early
    dsc = _days(s, c.ncd, b) if b in (2, 3) else e - day_count(c.pcd, s, b)
    nq = _whole_periods(first, s, step)
    n = coupons(first, m, f, b).number
    y = dsc / e
    total = red / v ** (y + nq + n) + coupon * dc / v ** (nq + y)
    total += sum(coupon / v ** (k + nq + y) for k in range(1, n + 1))
    return total - coupon * acc


def _odd_first_args(settlement, maturity, issue, first_coupon, rate, x, redemption, frequency, basis):
    a = _args(4, (settlement, maturity, issue, first_coupon, rate, x, redemption, frequency), basis)
    if isinstance(a, E.ExcelError):
        return a
    s, m, iss, first, rate, x, red, f, b = a
    if not iss < s < first < m or rate < 0 or x < 0 or red <= 0:
        return E.NUM.because("needs issue < settlement < first_coupon < maturity, rate and yld >= 0, redemption > 0")
    # Excel quirk: the first coupon must fall on the maturity's schedule (the same day of the month, clamped in
    # short months), counted from maturity period by period or in whole periods
    month_end, step, q, k = is_month_end(m), 12 // f, m, 0
    while q > first:
        q, k = months_before(q, step, month_end), k + 1
    if first not in (q, months_before(m, k * step, month_end)):
        return E.NUM.because("first_coupon is not on maturity's coupon schedule")
    return a


_FIRST = ("scalar",) * 9


@excel("ODDFPRICE", *_FIRST, category=CAT, min_args=8,
       syntax="ODDFPRICE(settlement, maturity, issue, first_coupon, rate, yld, redemption, frequency, [basis])",
       summary="The price per 100 face value of a security with an odd (short or long) first coupon period.")
def oddfprice(settlement, maturity, issue, first_coupon, rate, yld, redemption, frequency, basis=None):
    a = _odd_first_args(settlement, maturity, issue, first_coupon, rate, yld, redemption, frequency, basis)
    return a if isinstance(a, E.ExcelError) else odd_first_price(*a)


@excel("ODDFYIELD", *_FIRST, category=CAT, min_args=8,
       syntax="ODDFYIELD(settlement, maturity, issue, first_coupon, rate, pr, redemption, frequency, [basis])",
       summary="The yield of a security with an odd (short or long) first coupon period.")
def oddfyield(settlement, maturity, issue, first_coupon, rate, pr, redemption, frequency, basis=None):
    a = _odd_first_args(settlement, maturity, issue, first_coupon, rate, pr, redemption, frequency, basis)
    if isinstance(a, E.ExcelError):
        return a
    s, m, iss, first, rate, pr, red, f, b = a
    if pr <= 0:
        return E.NUM.because("pr must be positive")

    def gap(y):  # decreasing in y
        try:
            return odd_first_price(s, m, iss, first, rate, y, red, f, b) - pr
        except (OverflowError, ZeroDivisionError):
            return math.inf

    lo, hi = 0.0, 1.0
    while gap(hi) > 0 and hi < 1e6:
        hi *= 10
    while gap(lo) < 0 and lo > -f * (1 - 1e-6):
        lo = (lo - f) / 2
    if not gap(lo) >= 0 >= gap(hi):
        return E.NUM.because("no yield gives this price")
    try:
        return optimize.brentq(gap, lo, hi, xtol=1e-15, rtol=1e-15, maxiter=300)
    except (ValueError, RuntimeError):
        return E.NUM.because("no yield gives this price")
