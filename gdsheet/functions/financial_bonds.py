"""Bonds that pay periodic coupons: PRICE, YIELD, DURATION, MDURATION, ACCRINT and ACCRINTM.

Prices are per 100 of face value; rate is the annual coupon rate, yld the annual yield, compounded `frequency`
times a year. The coupon schedule and day counts come from financial_coupons (Excel's Analysis ToolPak rules).
"""
from __future__ import annotations

import math


from gdsheet import errors as E
from gdsheet.functions.datetime import toolpak_numbers
from gdsheet.functions.financial import CAT
from gdsheet.functions.financial_coupons import (FREQUENCIES, Coupons, bond_dates, day_count, months_before,
                                                 is_month_end, year_fraction)
from gdsheet.functions.datetime_parse import MAX_SERIAL
from gdsheet.functions.registry import excel
from gdsheet.lazy_modules import lazy_module

optimize = lazy_module("scipy.optimize")


def price_of(c: Coupons, rate: float, yld: float, redemption: float) -> float:
    """Excel's PRICE: each coupon and the redemption discounted over (k - 1 + DSC/E) periods, less the interest
    accrued since the last coupon. With one coupon left Excel discounts at simple interest instead."""
    f = c.frequency
    coupon = 100 * rate / f
    accrued = coupon * c.days_before / c.days
    x = c.days_after / c.days
    if c.number == 1:
        return (redemption + coupon) / (1 + x * yld / f) - accrued
    v = 1 + yld / f
    total = redemption / v ** (c.number - 1 + x)
    total += sum(coupon / v ** (k - 1 + x) for k in range(1, c.number + 1))
    return total - accrued


def _numbers(*values):
    nums = toolpak_numbers(*values)
    return nums if isinstance(nums, E.ExcelError) else [float(v) for v in nums]


@excel("PRICE", "scalar", "scalar", "scalar", "scalar", "scalar", "scalar", "scalar", category=CAT, min_args=6,
       syntax="PRICE(settlement, maturity, rate, yld, redemption, frequency, [basis])",
       summary="The price per 100 face value of a security that pays periodic interest.")
def price(settlement, maturity, rate, yld, redemption, frequency, basis=None):
    # Excel: rate or yld below 0, or redemption <= 0, is #NUM!; TRUE/FALSE are #VALUE!.
    c = bond_dates(settlement, maturity, frequency, basis)
    nums = c if isinstance(c, E.ExcelError) else _numbers(rate, yld, redemption)
    if isinstance(nums, E.ExcelError):
        return nums
    rate, yld, redemption = nums
    if rate < 0 or yld < 0 or redemption <= 0:
        return E.NUM.because("PRICE needs rate >= 0, yld >= 0 and redemption > 0")
    return price_of(c, rate, yld, redemption)


@excel("YIELD", "scalar", "scalar", "scalar", "scalar", "scalar", "scalar", "scalar", category=CAT, min_args=6,
       syntax="YIELD(settlement, maturity, rate, pr, redemption, frequency, [basis])",
       summary="The annual yield of a security that pays periodic interest, from its price.")
def yield_(settlement, maturity, rate, pr, redemption, frequency, basis=None):
    # With one coupon left Excel's closed form (simple interest); otherwise the yield at which PRICE gives pr.
    c = bond_dates(settlement, maturity, frequency, basis)
    nums = c if isinstance(c, E.ExcelError) else _numbers(rate, pr, redemption)
    if isinstance(nums, E.ExcelError):
        return nums
    rate, pr, redemption = nums
    if rate < 0 or pr <= 0 or redemption <= 0:
        return E.NUM.because("YIELD needs rate >= 0, pr > 0 and redemption > 0")
    f = c.frequency
    if c.number == 1:
        paid = pr / 100 + c.days_before / c.days * rate / f
        return (redemption / 100 + rate / f - paid) / paid * f * c.days / c.days_after
    def gap(y):  # decreasing in y
        try:
            return price_of(c, rate, y, redemption) - pr
        except (OverflowError, ZeroDivisionError):
            return math.inf

    lo, hi = 0.0, 1.0
    while gap(hi) > 0 and hi < 1e6:
        hi *= 10
    while gap(lo) < 0 and lo > -f * (1 - 1e-6):
        lo = (lo - f) / 2  # toward -frequency, where (1 + yld/frequency) reaches 0
    if not gap(lo) >= 0 >= gap(hi):
        return E.NUM.because("no yield gives this price")
    try:
        return optimize.brentq(gap, lo, hi, xtol=1e-15, rtol=1e-15, maxiter=300)
    except (ValueError, RuntimeError):
        return E.NUM.because("no yield gives this price")


def _duration(settlement, maturity, coupon, yld, frequency, basis, modified: bool):
    c = bond_dates(settlement, maturity, frequency, basis)
    nums = c if isinstance(c, E.ExcelError) else _numbers(coupon, yld)
    if isinstance(nums, E.ExcelError):
        return nums
    coupon, yld = nums
    if coupon < 0 or yld < 0:
        return E.NUM.because("coupon and yld must not be negative")
    f = c.frequency
    v = 1 + yld / f
    x = (c.days - c.days_before) / c.days  # Excel uses E - A here, not COUPDAYSNC
    times = [k - 1 + x for k in range(1, c.number + 1)]
    flows = [100 * coupon / f] * c.number
    flows[-1] += 100
    values = [cf / v ** t for cf, t in zip(flows, times)]
    d = sum(t * pv for t, pv in zip(times, values)) / sum(values) / f
    return d / v if modified else d


@excel("DURATION", "scalar", "scalar", "scalar", "scalar", "scalar", "scalar", category=CAT, min_args=5,
       syntax="DURATION(settlement, maturity, coupon, yld, frequency, [basis])",
       summary="The Macaulay duration (in years) of a security that pays periodic interest.")
def duration(settlement, maturity, coupon, yld, frequency, basis=None):
    return _duration(settlement, maturity, coupon, yld, frequency, basis, modified=False)


@excel("MDURATION", "scalar", "scalar", "scalar", "scalar", "scalar", "scalar", category=CAT, min_args=5,
       syntax="MDURATION(settlement, maturity, coupon, yld, frequency, [basis])",
       summary="The modified duration: DURATION / (1 + yld/frequency).")
def mduration(settlement, maturity, coupon, yld, frequency, basis=None):
    return _duration(settlement, maturity, coupon, yld, frequency, basis, modified=True)


# ---- accrued interest ------------------------------------------------------------------------------------------

def _period_length(start: int, end: int, frequency: int, basis: int) -> float:
    if basis == 1:
        return float(end - start)
    return (365.0 if basis == 3 else 360.0) / frequency


@excel("ACCRINT", "scalar", "scalar", "scalar", "scalar", "scalar", "scalar", "scalar", "scalar", category=CAT,
       min_args=6, syntax="ACCRINT(issue, first_interest, settlement, rate, par, frequency, [basis], [calc_method])",
       summary="The interest accrued on a security that pays periodic interest, from issue (or the first interest "
               "date) to settlement.")
def accrint(issue, first_interest, settlement, rate, par, frequency, basis=None, calc_method=None):
    # Microsoft's formula: par x rate/frequency x the sum, over the quasi-coupon periods (anchored at
    # first_interest) that the accrual spans, of the days accrued in each over that period's length. calc_method
    # FALSE starts at first_interest when settlement is after it; TRUE (the default) always at issue.
    nums = toolpak_numbers(issue, first_interest, settlement, rate, par, frequency, 0.0 if basis is None else basis)
    if isinstance(nums, E.ExcelError):
        return nums
    from_issue = True if calc_method is None else calc_method
    if isinstance(from_issue, str) or isinstance(from_issue, E.ExcelError):
        return E.VALUE.because("calc_method must be TRUE or FALSE") if isinstance(from_issue, str) else from_issue
    if any(not 0 <= d <= MAX_SERIAL for d in nums[:3]):
        return E.NUM.because("a date is outside Excel's calendar")
    iss, first, settle = (int(d) for d in nums[:3])
    rate, par, f, b = nums[3], nums[4], math.trunc(nums[5]), math.trunc(nums[6])
    if rate <= 0 or par <= 0 or f not in FREQUENCIES or not 0 <= b <= 4 or iss >= settle:
        return E.NUM.because("ACCRINT needs rate > 0, par > 0, frequency 1, 2 or 4, basis 0..4, issue < settlement")
    f, b = int(f), int(b)
    start = first if not from_issue and settle > first else iss
    step, month_end = 12 // f, is_month_end(first)
    # the quasi-coupon date on or before the start, counting from first_interest
    q, k = first, 0
    while q > start:
        k += 1
        q = months_before(first, k * step, month_end)
    while months_before(first, (k - 1) * step, month_end) <= start:
        k -= 1
        q = months_before(first, k * step, month_end)
    total = 0.0
    while q < settle:
        nxt = months_before(first, (k - 1) * step, month_end)
        a, z = max(q, start), min(nxt, settle)
        if z > a:
            total += day_count(a, z, b) / _period_length(q, nxt, f, b)
        q, k = nxt, k - 1
    return par * rate / f * total


@excel("ACCRINTM", "scalar", "scalar", "scalar", "scalar", "scalar", category=CAT, min_args=4,
       syntax="ACCRINTM(issue, settlement, rate, par, [basis])",
       summary="The interest accrued on a security that pays interest at maturity.")
def accrintm(issue, settlement, rate, par, basis=None):
    nums = toolpak_numbers(issue, settlement, rate, par, 0.0 if basis is None else basis)
    if isinstance(nums, E.ExcelError):
        return nums
    iss, settle, rate, par, b = nums
    if not (0 <= iss <= MAX_SERIAL and 0 <= settle <= MAX_SERIAL):
        return E.NUM.because("a date is outside Excel's calendar")
    b = math.trunc(b)
    if rate <= 0 or par <= 0 or not 0 <= b <= 4 or int(iss) >= int(settle):
        return E.NUM.because("ACCRINTM needs rate > 0, par > 0, basis 0..4 and issue before settlement")
    return par * rate * year_fraction(int(iss), int(settle), b)
