"""Counting days between dates as finance and payroll do: DAYS360, YEARFRAC, NETWORKDAYS and WORKDAY (.INTL)."""
from __future__ import annotations

import bisect
import math

import numpy as np

from gdsheet import errors as E
from gdsheet.functions.datetime import CAT, checked_serial, sunday_based, toolpak_numbers, whole_day
from gdsheet.functions.datetime_parse import MAX_SERIAL, days_in_month, is_leap, serial_from_ymd, ymd_from_serial
from gdsheet.functions.registry import excel
from gdsheet.values import is_number, to_number


def _days(*xs: float):
    """Whole-day serials of date arguments, or the first #NUM!."""
    out = [whole_day(x) for x in xs]
    return next((d for d in out if isinstance(d, E.ExcelError)), out)


def _toolpak_days(*xs):
    """As _days, for the Analysis ToolPak functions, which refuse TRUE/FALSE."""
    nums = toolpak_numbers(*xs)
    return nums if isinstance(nums, E.ExcelError) else _days(*nums)


# ---- 30/360 and YEARFRAC ---------------------------------------------------------------------------------------

def _feb_end(y: int, m: int, d: int) -> bool:
    return m == 2 and d == days_in_month(y, 2)


def days360_us(a: tuple, b: tuple) -> int:
    """DAYS360's US method as Excel computes it: a start on a month's last day (February's too) becomes the 30th;
    an end on the 31st becomes the 30th only when the start is then the 30th (otherwise it counts as the next
    month's 1st, which 30/360 arithmetic gives by itself)."""
    (y1, m1, d1), (y2, m2, d2) = a, b
    if d1 == 31 or _feb_end(y1, m1, d1):
        d1 = 30
    if d2 == 31 and d1 == 30:
        d2 = 30
    return (y2 - y1) * 360 + (m2 - m1) * 30 + d2 - d1


def days360_eu(a: tuple, b: tuple) -> int:
    (y1, m1, d1), (y2, m2, d2) = a, b
    return (y2 - y1) * 360 + (m2 - m1) * 30 + min(d2, 30) - min(d1, 30)


@excel("DAYS360", "num", "num", "bool", category=CAT, min_args=2, syntax="DAYS360(start_date, end_date, [method])",
       summary="Days between two dates counting every month as 30 days (US method, or European if method is TRUE).")
def days360(start: float, end: float, european: bool | None = False):
    # Excel quirk: the US method moves a start on February's last day to the 30th; an end date before the start
    # gives a negative count.
    d = _days(start, end)
    if isinstance(d, E.ExcelError):
        return d
    a, b = ymd_from_serial(d[0]), ymd_from_serial(d[1])
    return float(days360_eu(a, b) if european else days360_us(a, b))


def _yearfrac_30_360(a: tuple, b: tuple) -> int:
    """YEARFRAC basis 0 differs from DAYS360's US method in its February rules (Excel's own NASD variant)."""
    (y1, m1, d1), (y2, m2, d2) = a, b
    if d1 == 31 and d2 == 31:
        d1 = d2 = 30
    elif d1 == 31:
        d1 = 30
    elif d1 == 30 and d2 == 31:
        d2 = 30
    elif _feb_end(y1, m1, d1) and _feb_end(y2, m2, d2):
        d1 = d2 = 30
    elif _feb_end(y1, m1, d1):
        d1 = 30
    return (y2 - y1) * 360 + (m2 - m1) * 30 + d2 - d1


def _yearfrac_actual(s: int, e: int, a: tuple, b: tuple) -> float:
    """Basis 1 (actual/actual): up to a year apart, the year length is 366 when a February 29th is involved;
    longer spans divide by the average length of the calendar years they touch."""
    (y1, m1, d1), (y2, m2, d2) = a, b
    if y1 == y2 or (y2 == y1 + 1 and (m1, d1) >= (m2, d2)):
        if y1 == y2:
            leap = is_leap(y1)
        else:
            leap = any(is_leap(y) and s <= serial_from_ymd(y, 2, 29) <= e for y in (y1, y2))
        return (e - s) / (366 if leap else 365)
    span = serial_from_ymd(y2 + 1, 1, 1) - serial_from_ymd(y1, 1, 1)
    return (e - s) / (span / (y2 - y1 + 1))


@excel("YEARFRAC", "scalar", "scalar", "scalar", category=CAT, min_args=2,
       syntax="YEARFRAC(start_date, end_date, [basis])",
       summary="The fraction of a year between two dates, by a day-count basis (0 30/360 US, 1 actual/actual, "
               "2 actual/360, 3 actual/365, 4 30/360 European).")
def yearfrac(start, end, basis=None):
    # Excel quirk: the dates may come in either order; basis 0 is not DAYS360's US rule at February's end.
    args = toolpak_numbers(start, end, 0.0 if basis is None else basis)
    d = args if isinstance(args, E.ExcelError) else _days(*args[:2])
    if isinstance(d, E.ExcelError):
        return d
    s, e, basis = min(d), max(d), math.trunc(args[2])
    a, b = ymd_from_serial(s), ymd_from_serial(e)
    if basis == 0:
        return _yearfrac_30_360(a, b) / 360
    if basis == 1:
        return _yearfrac_actual(s, e, a, b)
    if basis == 2:
        return (e - s) / 360
    if basis == 3:
        return (e - s) / 365
    if basis == 4:
        return days360_eu(a, b) / 360
    return E.NUM.because("basis must be 0, 1, 2, 3 or 4")


# ---- working days ----------------------------------------------------------------------------------------------

# Weekend numbers of the .INTL functions -> the weekend days (0 Sunday .. 6 Saturday).
_WEEKENDS = {1: (6, 0), 2: (0, 1), 3: (1, 2), 4: (2, 3), 5: (3, 4), 6: (4, 5), 7: (5, 6),
             11: (0,), 12: (1,), 13: (2,), 14: (3,), 15: (4,), 16: (5,), 17: (6,)}


def _workweek(weekend, need_workday: bool):
    """Which weekdays (0 Sunday .. 6 Saturday) are worked, from a weekend number or a 7-character mask such as
    "0000011" (Monday first, 1 = weekend)."""
    if weekend is None:
        weekend = 1.0
    if isinstance(weekend, str):
        if len(weekend) != 7 or set(weekend) - {"0", "1"} or (need_workday and weekend == "1111111"):
            return E.VALUE.because('weekend must be 7 characters of 0 and 1 with at least one working day')
        work = [c == "0" for c in weekend[6:] + weekend[:6]]  # the mask starts on Monday
        return tuple(work)
    if isinstance(weekend, bool) or not is_number(weekend):
        return weekend if isinstance(weekend, E.ExcelError) else E.VALUE
    days_off = _WEEKENDS.get(int(weekend)) if weekend == int(weekend) else None
    if days_off is None:
        return E.NUM.because("weekend must be 1-7 or 11-17")
    return tuple(i not in days_off for i in range(7))


def _holidays(values) -> list[int] | E.ExcelError:
    """Holiday serials, sorted and unique; blanks are skipped, dates in text are read ({"2006/1/2"} as Excel's
    documentation writes them); an error or a non-date is returned."""
    if values is None:
        return []
    out = set()
    for v in np.asarray(values, dtype=object).ravel():
        if v is None:
            continue
        if isinstance(v, E.ExcelError):
            return v
        if isinstance(v, str):
            v = to_number(v)
            if isinstance(v, E.ExcelError):
                return v
        if isinstance(v, bool) or not is_number(v):
            return E.VALUE.because("holidays must be dates")
        d = whole_day(v)
        if isinstance(d, E.ExcelError):
            return d
        out.add(d)
    return sorted(out)


def _workdays_between(a: int, b: int, work: tuple) -> int:
    """Working days in a..b inclusive (a <= b), weekly pattern only."""
    weeks, rest = divmod(b - a + 1, 7)
    return weeks * sum(work) + sum(work[sunday_based(a + i)] for i in range(rest))


def _networkdays(start, end, weekend, holidays):
    d = _toolpak_days(start, end)
    work = _workweek(weekend, False)
    hol = _holidays(holidays)
    for v in (d, work, hol):
        if isinstance(v, E.ExcelError):
            return v
    a, b = sorted(d)
    n = _workdays_between(a, b, work)
    n -= sum(1 for h in hol[bisect.bisect_left(hol, a):bisect.bisect_right(hol, b)] if work[sunday_based(h)])
    return float(n if d[0] <= d[1] else -n)


@excel("NETWORKDAYS", "scalar", "scalar", "values", category=CAT, min_args=2,
       syntax="NETWORKDAYS(start_date, end_date, [holidays])",
       summary="The number of working days (Monday to Friday, less holidays) from start_date to end_date inclusive.")
def networkdays(start, end, holidays=None):
    # Excel quirk: both ends count; an end before the start gives a negative count.
    return _networkdays(start, end, None, holidays)


@excel("NETWORKDAYS.INTL", "scalar", "scalar", "scalar", "values", category=CAT, min_args=2,
       syntax="NETWORKDAYS.INTL(start_date, end_date, [weekend], [holidays])",
       summary='As NETWORKDAYS with a chosen weekend: a number (1 Sat-Sun ... 17 Sat only) or a mask like "0000011".')
def networkdays_intl(start, end, weekend=None, holidays=None):
    # Excel quirk: a weekend mask starts on Monday; "1111111" (no working day) counts 0 days.
    return _networkdays(start, end, weekend, holidays)


def _advance(day: int, n: int, step: int, work: tuple) -> int:
    """The n-th working day after `day` (before it when step is -1), weekly pattern only."""
    per_week = sum(work)
    weeks = (n - 1) // per_week
    day += 7 * weeks * step
    n -= weeks * per_week
    while n:
        day += step
        n -= work[sunday_based(day)]
    return day


def _workday(start, offset, weekend, holidays):
    args = toolpak_numbers(start, offset)
    if isinstance(args, E.ExcelError):
        return args
    d, offset = whole_day(args[0]), math.trunc(args[1])
    work = _workweek(weekend, True)
    hol = _holidays(holidays)
    for v in (d, work, hol):
        if isinstance(v, E.ExcelError):
            return v
    hol = [h for h in hol if work[sunday_based(h)]]
    step, remaining = (1 if offset > 0 else -1), abs(offset)
    # advance by the weekly pattern, then again by as many days as holidays fell on the way, until none do
    while remaining:
        nxt = _advance(d, remaining, step, work)
        lo, hi = (d + 1, nxt) if step > 0 else (nxt, d - 1)
        remaining = bisect.bisect_right(hol, hi) - bisect.bisect_left(hol, lo)
        d = nxt
        if not 0 <= d <= MAX_SERIAL:
            break
    return checked_serial(d)


@excel("WORKDAY", "scalar", "scalar", "values", category=CAT, min_args=2,
       syntax="WORKDAY(start_date, days, [holidays])",
       summary="The date a given number of working days (Monday to Friday, less holidays) before or after a date.")
def workday(start, offset, holidays=None):
    # Excel quirk: the start itself never counts; 0 days returns the start even on a weekend.
    return _workday(start, offset, None, holidays)


@excel("WORKDAY.INTL", "scalar", "scalar", "scalar", "values", category=CAT, min_args=2,
       syntax="WORKDAY.INTL(start_date, days, [weekend], [holidays])",
       summary='As WORKDAY with a chosen weekend: a number (1 Sat-Sun ... 17 Sat only) or a mask like "0000011".')
def workday_intl(start, offset, weekend=None, holidays=None):
    # Excel quirk: a weekend mask starts on Monday; "1111111" (no working day) is #VALUE!.
    return _workday(start, offset, weekend, holidays)
