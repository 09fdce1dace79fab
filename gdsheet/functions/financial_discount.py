"""Securities without periodic coupons (DISC, INTRATE, RECEIVED, PRICEDISC, YIELDDISC, PRICEMAT, YIELDMAT),
Treasury bills (TBILLPRICE, TBILLYIELD, TBILLEQ), fractional dollar prices (DOLLARDE, DOLLARFR) and small
growth-rate functions (PDURATION, RRI, FVSCHEDULE, ISPMT).

Time between two dates is YEARFRAC's year fraction on the given basis, as Excel's Analysis ToolPak counts it.
"""
from __future__ import annotations

import math

from gdsheet import errors as E
from gdsheet.functions.datetime import toolpak_numbers
from gdsheet.functions.datetime_parse import MAX_SERIAL, is_leap, serial_from_ymd, ymd_from_serial
from gdsheet.functions.financial import CAT
from gdsheet.functions.financial_coupons import day_count, year_fraction
from gdsheet.functions.registry import excel


def _dated(dates: int, *values):
    """Arguments whose first `dates` are dates (truncated to days, TRUE/FALSE refused) and whose last is a basis
    (blank 0, truncated, 0..4), then the numbers between; the first error, or #NUM! for a bad date or basis."""
    nums = toolpak_numbers(*values[:-1], 0.0 if values[-1] is None else values[-1])
    if isinstance(nums, E.ExcelError):
        return nums
    if any(not 0 <= d <= MAX_SERIAL for d in nums[:dates]):
        return E.NUM.because("a date is outside Excel's calendar")
    basis = math.trunc(nums[-1])
    if not 0 <= basis <= 4:
        return E.NUM.because("basis must be 0, 1, 2, 3 or 4")
    return [int(d) for d in nums[:dates]] + list(nums[dates:-1]) + [basis]


def _term(settlement: int, maturity: int, basis: int):
    """The year fraction from settlement to maturity, which must come later."""
    if settlement >= maturity:
        return E.NUM.because("settlement must come before maturity")
    return year_fraction(settlement, maturity, basis)


_DISCOUNT_ARGS = ("scalar",) * 5


@excel("DISC", *_DISCOUNT_ARGS, category=CAT, min_args=4, syntax="DISC(settlement, maturity, pr, redemption, [basis])",
       summary="The discount rate of a security, from its price and redemption value.")
def disc(settlement, maturity, pr, redemption, basis=None):
    a = _dated(2, settlement, maturity, pr, redemption, basis)
    if isinstance(a, E.ExcelError):
        return a
    s, m, pr, red, b = a
    if pr <= 0 or red <= 0:
        return E.NUM.because("pr and redemption must be positive")
    t = _term(s, m, b)
    return t if isinstance(t, E.ExcelError) else (red - pr) / red / t


@excel("INTRATE", *_DISCOUNT_ARGS, category=CAT, min_args=4,
       syntax="INTRATE(settlement, maturity, investment, redemption, [basis])",
       summary="The interest rate of a fully invested security.")
def intrate(settlement, maturity, investment, redemption, basis=None):
    a = _dated(2, settlement, maturity, investment, redemption, basis)
    if isinstance(a, E.ExcelError):
        return a
    s, m, inv, red, b = a
    if inv <= 0 or red <= 0:
        return E.NUM.because("investment and redemption must be positive")
    t = _term(s, m, b)
    return t if isinstance(t, E.ExcelError) else (red - inv) / inv / t


@excel("RECEIVED", *_DISCOUNT_ARGS, category=CAT, min_args=4,
       syntax="RECEIVED(settlement, maturity, investment, discount, [basis])",
       summary="The amount received at maturity for a fully invested security.")
def received(settlement, maturity, investment, discount, basis=None):
    a = _dated(2, settlement, maturity, investment, discount, basis)
    if isinstance(a, E.ExcelError):
        return a
    s, m, inv, d, b = a
    if inv <= 0 or d <= 0:
        return E.NUM.because("investment and discount must be positive")
    t = _term(s, m, b)
    if isinstance(t, E.ExcelError):
        return t
    left = 1 - d * t
    return inv / left if left > 0 else E.NUM.because("the discount takes the whole redemption")


@excel("PRICEDISC", *_DISCOUNT_ARGS, category=CAT, min_args=4,
       syntax="PRICEDISC(settlement, maturity, discount, redemption, [basis])",
       summary="The price per 100 face value of a discounted security.")
def pricedisc(settlement, maturity, discount, redemption, basis=None):
    a = _dated(2, settlement, maturity, discount, redemption, basis)
    if isinstance(a, E.ExcelError):
        return a
    s, m, d, red, b = a
    if d <= 0 or red <= 0:
        return E.NUM.because("discount and redemption must be positive")
    t = _term(s, m, b)
    return t if isinstance(t, E.ExcelError) else red * (1 - d * t)


@excel("YIELDDISC", *_DISCOUNT_ARGS, category=CAT, min_args=4,
       syntax="YIELDDISC(settlement, maturity, pr, redemption, [basis])",
       summary="The annual yield of a discounted security.")
def yielddisc(settlement, maturity, pr, redemption, basis=None):
    a = _dated(2, settlement, maturity, pr, redemption, basis)
    if isinstance(a, E.ExcelError):
        return a
    s, m, pr, red, b = a
    if pr <= 0 or red <= 0:
        return E.NUM.because("pr and redemption must be positive")
    t = _term(s, m, b)
    return t if isinstance(t, E.ExcelError) else (red - pr) / pr / t


def _at_maturity(settlement, maturity, issue, rate, x, basis):
    """PRICEMAT's and YIELDMAT's arguments and times in years: issue to maturity, issue to settlement and
    settlement to maturity. Excel quirk: these are day counts over one year length, the one YEARFRAC's basis gives
    from issue to settlement (not three year fractions of their own); basis 0 counts days as DAYS360 does, and
    settlement to maturity is the difference of the other two (on 30/360 not always a count of its own)."""
    a = _dated(3, settlement, maturity, issue, rate, x, basis)
    if isinstance(a, E.ExcelError):
        return a
    s, m, iss, rate, x, b = a
    if rate < 0 or x < 0 or s >= m or iss >= s:
        return E.NUM.because("needs rate and yield >= 0 and issue < settlement < maturity")
    year = _actual_year(iss, s) if b == 1 else 365.0 if b == 3 else 360.0
    dim, a_ = day_count(iss, m, b) / year, day_count(iss, s, b) / year
    return dim, a_, dim - a_, rate, x


@excel("PRICEMAT", *(("scalar",) * 6), category=CAT, min_args=5,
       syntax="PRICEMAT(settlement, maturity, issue, rate, yld, [basis])",
       summary="The price per 100 face value of a security that pays its interest at maturity.")
def pricemat(settlement, maturity, issue, rate, yld, basis=None):
    a = _at_maturity(settlement, maturity, issue, rate, yld, basis)
    if isinstance(a, E.ExcelError):
        return a
    dim, a_, dsm, rate, yld = a
    return (100 + dim * rate * 100) / (1 + dsm * yld) - a_ * rate * 100


@excel("YIELDMAT", *(("scalar",) * 6), category=CAT, min_args=5,
       syntax="YIELDMAT(settlement, maturity, issue, rate, pr, [basis])",
       summary="The annual yield of a security that pays its interest at maturity.")
def yieldmat(settlement, maturity, issue, rate, pr, basis=None):
    a = _at_maturity(settlement, maturity, issue, rate, pr, basis)
    if isinstance(a, E.ExcelError):
        return a
    dim, a_, dsm, rate, pr = a
    if pr <= 0:
        return E.NUM.because("pr must be positive")
    paid = pr / 100 + a_ * rate
    return ((1 + dim * rate) - paid) / paid / dsm


def _actual_year(a: int, b: int) -> float:
    """The year length actual/actual (basis 1) uses between two dates: 365, 366 over a February 29th, or the
    average of the calendar years spanned."""
    if b > a:
        return (b - a) / year_fraction(a, b, 1)
    return 366.0 if is_leap(ymd_from_serial(a)[0]) else 365.0


# ---- Treasury bills: actual days over a 360-day year, at most a year to maturity --------------------------------

def _bill(settlement, maturity, x, what: str):
    nums = toolpak_numbers(settlement, maturity, x)
    if isinstance(nums, E.ExcelError):
        return nums
    s, m, x = nums
    if not (0 <= s <= MAX_SERIAL and 0 <= m <= MAX_SERIAL):
        return E.NUM.because("a date is outside Excel's calendar")
    s, m = int(s), int(m)
    if x <= 0 or s >= m or m - s > 365 + (1 if _spans_leap_day(s, m) else 0):
        return E.NUM.because(f"needs {what} > 0 and maturity after settlement, within a year")
    return m - s, x


def _spans_leap_day(s: int, m: int) -> bool:
    y0, y1 = ymd_from_serial(s)[0], ymd_from_serial(m)[0]
    return any(is_leap(y) and s < serial_from_ymd(y, 2, 29) <= m for y in range(y0, y1 + 1))


@excel("TBILLPRICE", "scalar", "scalar", "scalar", category=CAT, syntax="TBILLPRICE(settlement, maturity, discount)",
       summary="The price per 100 face value of a Treasury bill.")
def tbillprice(settlement, maturity, discount):
    a = _bill(settlement, maturity, discount, "discount")
    if isinstance(a, E.ExcelError):
        return a
    dsm, d = a
    p = 100 * (1 - d * dsm / 360)
    return p if p > 0 else E.NUM.because("the discount is larger than the bill")


@excel("TBILLYIELD", "scalar", "scalar", "scalar", category=CAT, syntax="TBILLYIELD(settlement, maturity, pr)",
       summary="The yield of a Treasury bill from its price.")
def tbillyield(settlement, maturity, pr):
    a = _bill(settlement, maturity, pr, "pr")
    if isinstance(a, E.ExcelError):
        return a
    dsm, pr = a
    return (100 - pr) / pr * 360 / dsm


@excel("TBILLEQ", "scalar", "scalar", "scalar", category=CAT, syntax="TBILLEQ(settlement, maturity, discount)",
       summary="The bond-equivalent yield of a Treasury bill.")
def tbilleq(settlement, maturity, discount):
    # Microsoft's formula, 365 x rate / (360 - rate x DSM), is the one for half a year or less; a longer bill
    # pays no coupon where a bond would have paid one, so Excel solves the bond-equivalent yield of its price
    # (a quadratic, over a 366-day year when the bill runs 366 days), as IronCalc does too.
    a = _bill(settlement, maturity, discount, "discount")
    if isinstance(a, E.ExcelError):
        return a
    dsm, d = a
    price = 1 - d * dsm / 360
    if price <= 0:
        return E.NUM.because("the discount is larger than the bill")
    if dsm <= 182:
        return 365 * d / (360 - d * dsm)
    t = dsm / (366.0 if dsm == 366 else 365.0)
    return 2 * (math.sqrt(t * t - (2 * t - 1) * (1 - 1 / price)) - t) / (2 * t - 1)


# ---- fractional dollar prices ------------------------------------------------------------------------------------

def _fraction(value, fraction):
    nums = toolpak_numbers(value, fraction)
    if isinstance(nums, E.ExcelError):
        return nums
    x, f = nums[0], math.trunc(nums[1])
    if f < 0:
        return E.NUM.because("fraction must not be negative")
    if f == 0:
        return E.DIV0.because("fraction is 0")
    return x, f, 10.0 ** math.ceil(math.log10(f))


@excel("DOLLARDE", "scalar", "scalar", category=CAT, syntax="DOLLARDE(fractional_dollar, fraction)",
       summary="A price written as a fraction (1.02 with fraction 16 is 1 and 2/16) as a decimal number.")
def dollarde(fractional_dollar, fraction):
    # Excel quirk: the digits after the point are read as the numerator, scaled to fraction's digit count
    # (fraction 16: .1 means 10/16); fraction is truncated, 0 is #DIV/0!, negative #NUM!.
    a = _fraction(fractional_dollar, fraction)
    if isinstance(a, E.ExcelError):
        return a
    x, f, scale = a
    whole = math.trunc(x)
    return whole + (x - whole) * scale / f


@excel("DOLLARFR", "scalar", "scalar", category=CAT, syntax="DOLLARFR(decimal_dollar, fraction)",
       summary="A decimal price written as a fraction: 1.125 with fraction 16 is 1.02 (1 and 2/16).")
def dollarfr(decimal_dollar, fraction):
    a = _fraction(decimal_dollar, fraction)
    if isinstance(a, E.ExcelError):
        return a
    x, f, scale = a
    whole = math.trunc(x)
    return whole + (x - whole) * f / scale


# ---- growth --------------------------------------------------------------------------------------------------

@excel("PDURATION", "num", "num", "num", category=CAT, syntax="PDURATION(rate, pv, fv)",
       summary="The number of periods an investment needs to grow from pv to fv at a rate per period.")
def pduration(rate: float, pv: float, fv: float):
    if rate <= 0 or pv <= 0 or fv <= 0:
        return E.NUM.because("rate, pv and fv must be positive")
    return (math.log(fv) - math.log(pv)) / math.log1p(rate)


@excel("RRI", "num", "num", "num", category=CAT, syntax="RRI(nper, pv, fv)",
       summary="The equivalent interest rate per period for the growth of an investment from pv to fv.")
def rri(nper: float, pv: float, fv: float):
    # Excel: nper <= 0 is #NUM!; pv 0 is #NUM! (a growth from nothing); (fv/pv)^(1/nper) - 1 follows POWER's
    # rules, so a negative ratio is fine for nper 1 and #NUM! under a fractional root.
    if nper <= 0 or pv == 0:
        return E.NUM.because("nper must be positive and pv not 0")
    ratio, power = fv / pv, 1 / nper
    if ratio < 0 and not power.is_integer():
        return E.NUM.because("pv and fv have different signs (a root of a negative number)")
    return ratio ** power - 1


@excel("FVSCHEDULE", "num", "values", category=CAT, syntax="FVSCHEDULE(principal, schedule)",
       summary="The future value of a principal after a series of (varying) interest rates.")
def fvschedule(principal: float, schedule):
    # Excel: blank rates count 0; TRUE/FALSE and numeric text in the schedule are #VALUE!, errors propagate.
    total = principal
    for r in schedule.ravel():
        if r is None:
            continue
        if isinstance(r, E.ExcelError):
            return r
        if isinstance(r, bool) or not isinstance(r, (int, float)):
            return E.VALUE.because("FVSCHEDULE's rates must be numbers")
        total *= 1 + r
    return total


@excel("ISPMT", "num", "num", "num", "num", category=CAT, syntax="ISPMT(rate, per, nper, pv)",
       summary="The interest paid in period per of a loan repaid in equal principal instalments (per from 0).")
def ispmt(rate: float, per: float, nper: float, pv: float):
    if nper == 0:
        return E.DIV0.because("nper is 0")
    return pv * rate * (per / nper - 1)
