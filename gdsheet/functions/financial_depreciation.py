"""Excel's depreciation functions: SLN, SYD, DB, DDB and VDB."""
from __future__ import annotations

import math

from gdsheet import errors as E
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


@excel("DB", "num", "num", "num", "num", "num", category=CAT, min_args=4,
       syntax="DB(cost, salvage, life, period, [month])",
       summary="Fixed-declining-balance depreciation for a period; month is how many months the first year has.")
def db(cost: float, salvage: float, life: float, period: float, month: float | None = 12.0):
    # Excel quirk: the rate is rounded to 3 decimals; a first year of `month` months leaves a last period life+1.
    month = 12.0 if month is None else math.trunc(month)
    if cost < 0 or salvage < 0 or life <= 0 or period <= 0 or not 1 <= month <= 12 or period > life + 1 or (
            month == 12 and period > life):
        return E.NUM.because("needs cost, salvage >= 0, life > 0, 1 <= month <= 12 and period in 1..life(+1)")
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
    if no_switch:
        return _declining(cost, salvage, life, start, end, factor)
    return _switching(cost, salvage, life, start, end, factor)
