"""Coupon schedules and day counts of bonds: COUPPCD, COUPNCD, COUPNUM, COUPDAYBS, COUPDAYS, COUPDAYSNC.

Coupons fall every 12/frequency months counting back from maturity; when maturity is a month's last day every
coupon is (February 28th/29th included), otherwise each is a period before the next, clamped to short months. The
day counts follow the basis (0 US 30/360, 1 actual/actual, 2 actual/360, 3 actual/365, 4 European 30/360) as Excel's
Analysis ToolPak does; YEARFRAC's day-count code (datetime_count) is shared with the discount securities.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from gdsheet import errors as E
from gdsheet.functions.datetime import toolpak_numbers
from gdsheet.functions.datetime_count import days360_eu, days360_us, yearfrac
from gdsheet.functions.datetime_parse import MAX_SERIAL, days_in_month, serial_from_ymd, ymd_from_serial
from gdsheet.functions.financial import CAT
from gdsheet.functions.registry import excel

FREQUENCIES = (1.0, 2.0, 4.0)


def months_before(serial: int, months: int, month_end: bool) -> int:
    """The date `months` months before `serial` (after it for negative months), on the same day clamped to the
    month's length, or on the month's last day when `month_end`."""
    y, m, d = ymd_from_serial(serial)
    y, m = y + (m - 1 - months) // 12, (m - 1 - months) % 12 + 1
    last = days_in_month(y, m)
    return serial_from_ymd(y, m, last if month_end else min(d, last))


def is_month_end(serial: int) -> bool:
    y, m, d = ymd_from_serial(serial)
    return d == days_in_month(y, m)


@dataclass(frozen=True, slots=True)
class Coupons:
    """Where a settlement date falls in a bond's coupon schedule."""

    settlement: int
    maturity: int
    frequency: int
    basis: int
    pcd: int  # the coupon date on or before settlement
    ncd: int  # the coupon date after settlement
    number: int  # coupons payable from settlement to maturity

    @property
    def days(self) -> float:
        """COUPDAYS: the days of the coupon period that holds settlement."""
        if self.basis == 1:
            return float(self.ncd - self.pcd)
        return (365.0 if self.basis == 3 else 360.0) / self.frequency

    @property
    def days_before(self) -> float:
        """COUPDAYBS: days from the period's start to settlement."""
        return float(day_count(self.pcd, self.settlement, self.basis))

    @property
    def days_after(self) -> float:
        """COUPDAYSNC: days from settlement to the next coupon. Excel quirk: on the US 30/360 basis this is the
        period's 360/frequency days less COUPDAYBS, not a 30/360 count of its own (they differ around February)."""
        if self.basis == 0:
            return self.days - self.days_before
        return float(day_count(self.settlement, self.ncd, self.basis))


def day_count(a: int, b: int, basis: int) -> int:
    """Days from serial a to b as the basis counts them (30/360 on bases 0 and 4, actual days otherwise)."""
    if basis == 0:
        return days360_us(ymd_from_serial(a), ymd_from_serial(b))
    if basis == 4:
        return days360_eu(ymd_from_serial(a), ymd_from_serial(b))
    return b - a


def coupons(settlement: int, maturity: int, frequency: int, basis: int) -> Coupons:
    # Excel steps back one period at a time from the previous coupon date, so a day clamped by a short month
    # stays clamped (a 30th maturity has coupons on the 28th after the first February), unless maturity is a
    # month's end; Excel and IronCalc agree on this
    step = 12 // frequency
    month_end = is_month_end(maturity)
    ncd, number = maturity, 1
    pcd = months_before(maturity, step, month_end)
    while pcd > settlement:
        ncd, pcd, number = pcd, months_before(pcd, step, month_end), number + 1
    return Coupons(settlement, maturity, frequency, basis, pcd, ncd, number)


def bond_dates(settlement, maturity, frequency, basis):
    """The arguments shared by the coupon functions, checked as Excel does: dates truncated, TRUE/FALSE refused
    (#VALUE!), frequency 1, 2 or 4 and basis 0..4 (truncated), settlement before maturity (else #NUM!)."""
    nums = toolpak_numbers(settlement, maturity, frequency, 0.0 if basis is None else basis)
    if isinstance(nums, E.ExcelError):
        return nums
    s, m, f, b = nums
    if not (0 <= s <= MAX_SERIAL and 0 <= m <= MAX_SERIAL):
        return E.NUM.because("a date is outside Excel's calendar")
    s, m, f, b = int(s), int(m), math.trunc(f), math.trunc(b)
    if f not in FREQUENCIES:
        return E.NUM.because("frequency must be 1, 2 or 4")
    if not 0 <= b <= 4:
        return E.NUM.because("basis must be 0, 1, 2, 3 or 4")
    if s >= m:
        return E.NUM.because("settlement must come before maturity")
    return coupons(s, m, int(f), int(b))


def year_fraction(start: int, end: int, basis: int) -> float:
    """YEARFRAC's count between two whole-day serials (start <= end)."""
    return yearfrac(float(start), float(end), float(basis))


_SIGNATURE = "(settlement, maturity, frequency, [basis])"


def _coupon_function(name: str, summary: str, value):
    def impl(settlement, maturity, frequency, basis=None):
        c = bond_dates(settlement, maturity, frequency, basis)
        return c if isinstance(c, E.ExcelError) else value(c)

    impl.__name__ = name.lower()
    excel(name, "scalar", "scalar", "scalar", "scalar", category=CAT, min_args=3, syntax=name + _SIGNATURE,
          summary=summary)(impl)


_coupon_function("COUPPCD", "The coupon date on or before the settlement date (a date serial).",
                 lambda c: float(c.pcd))
_coupon_function("COUPNCD", "The first coupon date after the settlement date (a date serial).",
                 lambda c: float(c.ncd))
_coupon_function("COUPNUM", "The number of coupons payable between settlement and maturity.",
                 lambda c: float(c.number))
_coupon_function("COUPDAYS", "The number of days in the coupon period that contains the settlement date.",
                 lambda c: c.days)
_coupon_function("COUPDAYBS", "The number of days from the start of the coupon period to the settlement date.",
                 lambda c: c.days_before)
_coupon_function("COUPDAYSNC", "The number of days from the settlement date to the next coupon date.",
                 lambda c: c.days_after)
