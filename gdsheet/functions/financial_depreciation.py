"""Excel's depreciation functions: SLN, SYD, DB, DDB, VDB, and the French system's AMORLINC and AMORDEGRC."""
from __future__ import annotations

import math

from gdsheet import errors as E
from gdsheet.functions.datetime import toolpak_numbers
from gdsheet.functions.datetime_count import days360_eu, days360_us
from gdsheet.functions.datetime_parse import MAX_SERIAL, is_leap, serial_from_ymd, ymd_from_serial
from gdsheet.functions.financial import CAT
from gdsheet.functions.registry import excel


@excel("SLN", "num", "num", "num", category=CAT, syntax="SLN(cost, salvage, life)",
       summary="Straight-line depreciation of an asset for one period.")
def sln(cost: float, salvage: float, life: float):
    # Excel quirk: a life of 0 is #DIV/0!; negative values are allowed.
    return (cost - salvage) / life if life else E.DIV0


@excel("SYD", "num", "num", "num", "num", category=CAT, syntax="SYD(cost, salvage, life, per)",
       summary="Sum-of-years'-digits depreciation of an asset for period per.")
def syd(cost: float, salvage: float, life: float, per: float):
    # Excel quirk: per must lie in 1..life (fractions allowed).
    if life <= 0 or per <= 0 or per > life:
        return E.NUM.because("needs life > 0 and 0 < per <= life")
    return (cost - salvage) * (life - per + 1) * 2 / (life * (life + 1))


# DB and VDB step through the periods one by one, as Excel does; a period past this is refused rather than stepped
# to (VDB(1,0,1E+300,0,1E+300) would never finish)
MAX_PERIODS = 1_000_000


def _too_many_periods():
    return E.NUM.because(f"gdsheet steps through at most {MAX_PERIODS:,} periods")


@excel("DB", "num", "num", "num", "num", "num", category=CAT, min_args=4,
       syntax="DB(cost, salvage, life, period, [month])",
       summary="Fixed-declining-balance depreciation for a period; month is how many months the first year has.")
def db(cost: float, salvage: float, life: float, period: float, month: float | None = 12.0):
    # Excel quirk: the rate is rounded to 3 decimals; a first year of `month` months leaves a last period life+1.
    month = 12.0 if month is None else math.trunc(month)
    if cost < 0 or salvage < 0 or life <= 0 or period <= 0 or not 1 <= month <= 12 or period > life + 1 or (
            month == 12 and period > life):
        return E.NUM.because("needs cost, salvage >= 0, life > 0, 1 <= month <= 12 and period in 1..life(+1)")
    if period > MAX_PERIODS:
        return _too_many_periods()
    if cost == 0:
        return 0.0
    rate = round(1 - (salvage / cost) ** (1 / life), 3)
    total = cost * rate * month / 12
    dep = total
    for p in range(2, math.trunc(period) + 1):
        dep = (cost - total) * rate
        if p > life:
            dep *= (12 - month) / 12
        total += dep
    return dep


def ddb_period(cost: float, salvage: float, life: float, period: float, factor: float) -> float:
    """Double-declining-balance depreciation in `period` (fractional periods allowed): the book value falls by
    factor/life each period, never below salvage."""
    rate = min(factor / life, 1.0)
    before = cost * (1 - rate) ** (period - 1) if rate < 1 else (cost if period <= 1 else 0.0)
    after = cost * (1 - rate) ** period
    return max(0.0, before - max(after, salvage))


@excel("DDB", "num", "num", "num", "num", "num", category=CAT, min_args=4,
       syntax="DDB(cost, salvage, life, period, [factor])",
       summary="Declining-balance depreciation for a period, at factor (default 2) times the straight-line rate.")
def ddb(cost: float, salvage: float, life: float, period: float, factor: float | None = 2.0):
    # Excel quirk: the book value never goes below salvage; period may not exceed life.
    factor = 2.0 if factor is None else factor
    if cost < 0 or salvage < 0 or life <= 0 or period <= 0 or factor <= 0 or period > life:
        return E.NUM.because("needs cost, salvage >= 0, life, period, factor > 0 and period <= life")
    return ddb_period(cost, salvage, life, period, factor)


def _switching(cost: float, salvage: float, life: float, start: float, end: float, factor: float) -> float:
    """VDB with the switch to straight line, as Excel steps it: whole periods counted from start (a fractional
    start shifts the grid: its first piece, 0..frac(start), is that fraction of period 1); each period's
    depreciation is the declining balance or, once larger, straight line over the life left from that moment; a
    last piece shorter than a period gets its share."""
    rate = min(factor / life, 1.0)
    before = [start - k for k in range(math.floor(start), 0, -1) if start - k > 0]
    cuts = before + [c for c in (start + k for k in range(math.ceil(end - start) + 1)) if c < end] + [end]
    book, t, straight, at_start = cost, 0.0, None, cost
    for cut in cuts:
        if straight is None:
            declining = max(0.0, min(book * rate, book - salvage))
            remaining = (book - salvage) / (life - t)
            if remaining > declining:
                straight = remaining
        book -= (declining if straight is None else straight) * (cut - t)
        t = cut
        if t == start:
            at_start = book
    return at_start - book


def _declining(cost: float, salvage: float, life: float, start: float, end: float, factor: float) -> float:
    """VDB without the switch: each period's DDB, the periods cut by start and end counted in part."""
    total = 0.0
    for i in range(math.floor(start) + 1, math.ceil(end) + 1):
        share = min(end, i) - max(start, i - 1)
        total += share * ddb_period(cost, salvage, life, i, factor)
    return total


@excel("VDB", "num", "num", "num", "num", "num", "num", "bool", category=CAT, min_args=5,
       syntax="VDB(cost, salvage, life, start_period, end_period, [factor], [no_switch])",
       summary="Declining-balance depreciation between two periods, switching to straight line when that is larger "
               "(unless no_switch is TRUE).")
def vdb(cost: float, salvage: float, life: float, start: float, end: float, factor: float | None = 2.0,
        no_switch: bool | None = False):
    # Excel quirk: with the switch, a fractional start_period shifts the whole period grid (as Excel's own results
    # show); without it, partial periods take their share of the period's DDB.
    factor = 2.0 if factor is None else factor
    if cost < 0 or salvage < 0 or life <= 0 or factor <= 0 or not 0 <= start <= end <= life:
        return E.NUM.because("needs cost, salvage >= 0, life, factor > 0 and 0 <= start <= end <= life")
    if end > MAX_PERIODS:
        return _too_many_periods()
    if no_switch:
        return _declining(cost, salvage, life, start, end, factor)
    return _switching(cost, salvage, life, start, end, factor)


# ---- the French accounting system's depreciation: AMORLINC (linear) and AMORDEGRC (degressive) ----------------
#
# Microsoft documents these two loosely; the rules below are those Excel was found to follow (the open-source
# ExcelFinancialFunctions library, checked against Excel, and IronCalc agree on them): the first period is prorated
# from the purchase date over the year of the basis, the asset's life is ceiling(1/rate) periods (plus one when the
# first period is partial), and nothing is depreciated past it or below the salvage value.

def _amor_args(cost, date_purchased, first_period, salvage, period, rate, basis):
    """The arguments AMORLINC and AMORDEGRC share: TRUE/FALSE refused; cost > salvage >= 0, rate > 0,
    period >= 0 (truncated), purchase before the end of the first period, basis 0, 1, 3 or 4 (truncated; the
    French system has no actual/360), else #NUM!."""
    nums = toolpak_numbers(cost, date_purchased, first_period, salvage, period, rate, 0.0 if basis is None else basis)
    if isinstance(nums, E.ExcelError):
        return nums
    cost, bought, first, salvage, period, rate, basis = nums
    period, basis = math.trunc(period), math.trunc(basis)
    if not (0 <= salvage < cost and rate > 0 and period >= 0 and basis in (0, 1, 3, 4)
            and 0 <= int(bought) < int(first) <= MAX_SERIAL):
        return E.NUM.because("needs cost > salvage >= 0, rate > 0, period >= 0, basis 0, 1, 3 or 4 and the "
                             "purchase before the end of the first period")
    return cost, int(bought), int(first), salvage, period, rate, basis


def _first_period(cost, bought, first, salvage, rate, basis) -> tuple[float, bool]:
    """The first period's depreciation at `rate` (prorated; a whole period when the purchase falls on its end),
    capped at cost - salvage, and whether it was a partial period."""
    year_of = ymd_from_serial(bought)[0]
    if basis == 1:
        year = 366.0 if is_leap(year_of) else 365.0
    else:
        year = 365.0 if basis == 3 else 360.0
    if basis in (1, 3):  # a February 28th/29th in a leap year counts as the 28th
        bought, first = (_leap_feb_28(d) for d in (bought, first))
    if basis == 0:
        days = days360_us(ymd_from_serial(bought), ymd_from_serial(first))
    elif basis == 4:
        days = days360_eu(ymd_from_serial(bought), ymd_from_serial(first))
    else:
        days = first - bought
    amount = days / year * rate * cost
    partial = amount != 0
    return min(amount if partial else cost * rate, cost - salvage), partial


def _leap_feb_28(serial: int) -> int:
    y, m, d = ymd_from_serial(serial)
    return serial_from_ymd(y, 2, 28) if is_leap(y) and m == 2 and d >= 28 else serial


@excel("AMORLINC", "scalar", "scalar", "scalar", "scalar", "scalar", "scalar", "scalar", category=CAT, min_args=6,
       syntax="AMORLINC(cost, date_purchased, first_period, salvage, period, rate, [basis])",
       summary="Linear depreciation in the French accounting system: the first period prorated, then cost x rate "
               "a period until the salvage value is reached.")
def amorlinc(cost, date_purchased, first_period, salvage, period, rate, basis=None):
    a = _amor_args(cost, date_purchased, first_period, salvage, period, rate, basis)
    if isinstance(a, E.ExcelError):
        return a
    cost, bought, first, salvage, period, rate, basis = a
    if period > math.ceil(1 / rate):
        return 0.0
    first_amount, _ = _first_period(cost, bought, first, salvage, rate, basis)
    if period == 0:
        return first_amount
    amount, left = rate * cost, cost - salvage - first_amount
    for _ in range(period):
        amount = min(amount, left)
        left = max(0.0, left - amount)
    return amount


@excel("AMORDEGRC", "scalar", "scalar", "scalar", "scalar", "scalar", "scalar", "scalar", category=CAT, min_args=6,
       syntax="AMORDEGRC(cost, date_purchased, first_period, salvage, period, rate, [basis])",
       summary="Degressive depreciation in the French accounting system: the rate times a coefficient of the "
               "asset's life, each period's amount rounded to a whole number.")
def amordegrc(cost, date_purchased, first_period, salvage, period, rate, basis=None):
    # Excel quirks: the coefficient is 1.5 for a life of 3-4 years, 2 for 5-6 and 2.5 above; a life (1/rate) in
    # 0..3 or 4..5 is #NUM! (Microsoft: "between 0 and 1, 1 and 2, 2 and 3, or 3 and 4"); the period two before
    # the end takes half of what is left and the next one the rest; amounts are rounded half away from zero.
    a = _amor_args(cost, date_purchased, first_period, salvage, period, rate, basis)
    if isinstance(a, E.ExcelError):
        return a
    cost, bought, first, salvage, period, rate, basis = a
    life = 1 / rate
    if life <= 3 or 4 <= life <= 5:
        return E.NUM.because("AMORDEGRC's life (1/rate) must not lie in 0..3 or 4..5 years")
    periods = math.ceil(life)
    if period > periods:
        return 0.0
    rate *= 1.5 if periods <= 4 else 2.0 if periods <= 6 else 2.5
    first_amount, partial = _first_period(cost, bought, first, salvage, rate, basis)
    if period == 0:
        return _round_half_up(first_amount)
    periods += partial
    amount, left = 0.0, cost - _round_half_up(first_amount)
    for counted in range(2, period + 2):
        if periods - counted == 2:
            amount, rate = left * 0.5, 1.0
        else:
            amount = rate * left
        if left < salvage:
            amount = 0.0
        left -= amount
    return _round_half_up(amount)


def _round_half_up(x: float) -> float:
    return float(math.floor(abs(x) + 0.5)) * (1 if x >= 0 else -1)
