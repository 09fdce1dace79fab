"""Excel's date and time functions over 1900-system serial numbers (DATE, YEAR, WEEKDAY, EDATE, DATEDIF, ...)."""
from __future__ import annotations

import math

from gdsheet import errors as E
from gdsheet.functions.datetime_parse import (MAX_SERIAL, days_in_month, parse_datetime_text, serial_from_datetime,
                                              serial_from_ymd, ymd_from_serial)
from gdsheet.functions.registry import excel
from gdsheet.values import to_number, to_text

CAT = "Date & time"


def toolpak_numbers(*values):
    """Arguments of the functions Excel took over from the Analysis ToolPak (EDATE, WORKDAY, YEARFRAC, DEC2BIN,
    EFFECT, ...) as numbers: unlike most functions these refuse TRUE/FALSE (#VALUE!). The first error wins."""
    out = []
    for v in values:
        n = E.VALUE.because("this function does not take TRUE/FALSE") if isinstance(v, bool) else to_number(v)
        if isinstance(n, E.ExcelError):
            return n
        out.append(n)
    return out


def whole_day(x: float):
    """A date argument as a whole serial: Excel truncates the time of day; outside 0..9999-12-31 is #NUM!."""
    if not 0 <= x < MAX_SERIAL + 1:
        return E.NUM.because(f"{x:g} is not a date serial number (0 to {MAX_SERIAL})")
    return int(x)


def checked_serial(serial: int | None):
    """A computed date as a float, or #NUM! when it falls outside Excel's calendar."""
    if serial is None or not 0 <= serial <= MAX_SERIAL:
        return E.NUM.because("the result is not a date Excel can show (1900-01-00 to 9999-12-31)")
    return float(serial)


def _ymd(x: float):
    d = whole_day(x)
    return d if isinstance(d, E.ExcelError) else ymd_from_serial(d)


# ---- building and taking apart dates and times -------------------------------------------------------------

@excel("DATE", "int", "int", "int", category=CAT, syntax="DATE(year, month, day)",
       summary="The serial number of the date with the given year, month and day; months and days roll over.")
def date(year: float, month: float, day: float):
    # Excel quirk: a year 0..1899 means 1900 + year; months and days beyond their range roll into the next ones.
    year, month, day = int(year), int(month), int(day)
    if not 0 <= year <= 9999:
        return E.NUM.because("the year must be between 0 and 9999")
    if year < 1900:
        year += 1900
    return checked_serial(serial_from_ymd(year, month, day))


@excel("TIME", "int", "int", "int", category=CAT, syntax="TIME(hour, minute, second)",
       summary="The time of day (a fraction of a day) with the given hour, minute and second.")
def time(hour: float, minute: float, second: float):
    # Excel quirk: each part may be 0..32767 and overflow into the next; a negative total is #NUM!, and whole days
    # are dropped (TIME(25,0,0) is 1 AM).
    if max(hour, minute, second) > 32767:
        return E.NUM.because("hour, minute and second must not exceed 32767")
    total = int(hour) * 3600 + int(minute) * 60 + int(second)
    if total < 0:
        return E.NUM.because("the time is negative")
    return (total % 86400) / 86400


@excel("YEAR", "num", category=CAT, syntax="YEAR(serial_number)", summary="The year (1900-9999) of a date.")
def year(x: float):
    # Excel quirk: serial 0 is the fictitious 1900-01-00, so YEAR(0) is 1900.
    d = _ymd(x)
    return d if isinstance(d, E.ExcelError) else float(d[0])


@excel("MONTH", "num", category=CAT, syntax="MONTH(serial_number)", summary="The month (1-12) of a date.")
def month(x: float):
    # Excel quirk: serial 0 (1900-01-00) is in January.
    d = _ymd(x)
    return d if isinstance(d, E.ExcelError) else float(d[1])


@excel("DAY", "num", category=CAT, syntax="DAY(serial_number)", summary="The day of the month (1-31) of a date.")
def day(x: float):
    # Excel quirk: DAY(0) is 0 and DAY(60) is 29 (the phantom 1900-02-29).
    d = _ymd(x)
    return d if isinstance(d, E.ExcelError) else float(d[2])


def _seconds_of_day(x: float):
    """The time of day of a serial in whole seconds, rounded to the nearest one, as Excel's HOUR/MINUTE/SECOND do."""
    if x < 0 or x >= MAX_SERIAL + 1:
        return E.NUM.because("a time must be a non-negative serial number")
    return round((x - math.floor(x)) * 86400) % 86400  # 23:59:59.7 rounds to the next midnight, hour 0


@excel("HOUR", "num", category=CAT, syntax="HOUR(serial_number)", summary="The hour (0-23) of a time.")
def hour(x: float):
    s = _seconds_of_day(x)
    return s if isinstance(s, E.ExcelError) else float(s // 3600)


@excel("MINUTE", "num", category=CAT, syntax="MINUTE(serial_number)", summary="The minute (0-59) of a time.")
def minute(x: float):
    s = _seconds_of_day(x)
    return s if isinstance(s, E.ExcelError) else float(s // 60 % 60)


@excel("SECOND", "num", category=CAT, syntax="SECOND(serial_number)", summary="The second (0-59) of a time.")
def second(x: float):
    s = _seconds_of_day(x)
    return s if isinstance(s, E.ExcelError) else float(s % 60)


@excel("TODAY", category=CAT, syntax="TODAY()", summary="Today's date as a serial number; changes every day.",
       volatile=True, needs_context=True)
def today(ctx):
    return float(math.floor(serial_from_datetime(ctx.now())))


@excel("NOW", category=CAT, syntax="NOW()", summary="The current date and time as a serial number.",
       volatile=True, needs_context=True)
def now(ctx):
    return serial_from_datetime(ctx.now())


# ---- days of the week ------------------------------------------------------------------------------------------

def sunday_based(serial: int) -> int:
    """Day of the week, 0 Sunday .. 6 Saturday, by Excel's count: serial 1 (1900-01-01) is a Sunday."""
    return (serial + 6) % 7


# WEEKDAY's return types: the weekday (0 Sunday) that is numbered first, and the number it gets.
_WEEKDAY_TYPES = {1: (0, 1), 2: (1, 1), 3: (1, 0), 11: (1, 1), 12: (2, 1), 13: (3, 1), 14: (4, 1), 15: (5, 1),
                  16: (6, 1), 17: (0, 1)}


@excel("WEEKDAY", "num", "int", category=CAT, min_args=1, syntax="WEEKDAY(serial_number, [return_type])",
       summary="The day of the week of a date as a number; return_type says which day is first (1: Sunday is 1).")
def weekday(x: float, kind: float | None = 1):
    # Excel quirk: weekdays before 1900-03-01 follow the phantom leap day, so 1900-01-01 counts as a Sunday.
    d = whole_day(x)
    if isinstance(d, E.ExcelError):
        return d
    first, base = _WEEKDAY_TYPES.get(1 if kind is None else kind, (None, None))
    if first is None:
        return E.NUM.because("return_type must be 1, 2, 3 or 11-17")
    return float((sunday_based(d) - first) % 7 + base)


# WEEKNUM's return types: the weekday (0 Sunday) on which a week starts; 21 is ISO 8601.
_WEEK_STARTS = {1: 0, 2: 1, 11: 1, 12: 2, 13: 3, 14: 4, 15: 5, 16: 6, 17: 0}


def iso_week(d: int) -> int:
    thursday = d - (sunday_based(d) + 6) % 7 + 3  # the ISO week belongs to the year of its Thursday
    # serials 0 and 1 (1900-01-00 and 1900-01-01, a Saturday and a Sunday) are in 1899's last week, 52
    y = 1899 if thursday < 1 else ymd_from_serial(thursday)[0] if thursday <= MAX_SERIAL else 9999
    return (thursday - serial_from_ymd(y, 1, 1)) // 7 + 1


@excel("WEEKNUM", "scalar", "scalar", category=CAT, min_args=1, syntax="WEEKNUM(serial_number, [return_type])",
       summary="The week of the year of a date; week 1 holds January 1st (return_type 21: ISO weeks).")
def weeknum(x, kind=None):
    # Excel quirk: in system 1 the week holding January 1st is week 1 however short it is; type 21 is ISO 8601.
    args = toolpak_numbers(x, 1.0 if kind is None else kind)
    if isinstance(args, E.ExcelError):
        return args
    d, kind = whole_day(args[0]), math.trunc(args[1])
    if isinstance(d, E.ExcelError):
        return d
    if kind == 21:
        return float(iso_week(d))
    if kind not in _WEEK_STARTS:
        return E.NUM.because("return_type must be 1, 2, 11-17 or 21")
    jan1 = serial_from_ymd(ymd_from_serial(d)[0], 1, 1)
    offset = (sunday_based(jan1) - _WEEK_STARTS[kind]) % 7
    return float((d - jan1 + offset) // 7 + 1)


@excel("ISOWEEKNUM", "num", category=CAT, syntax="ISOWEEKNUM(date)",
       summary="The ISO 8601 week number of a date: weeks start on Monday, week 1 holds the year's first Thursday.")
def isoweeknum(x: float):
    d = whole_day(x)
    return d if isinstance(d, E.ExcelError) else float(iso_week(d))


# ---- month arithmetic and differences --------------------------------------------------------------------------

def _add_months(x, months, end_of_month: bool):
    args = toolpak_numbers(x, months)
    if isinstance(args, E.ExcelError):
        return args
    d, months = whole_day(args[0]), math.trunc(args[1])
    if isinstance(d, E.ExcelError):
        return d
    y, m, dd = ymd_from_serial(d)
    y, m = y + (m - 1 + months) // 12, (m - 1 + months) % 12 + 1
    if not 1900 <= y <= 9999:
        return E.NUM.because("the result is not a date Excel can show")
    last = days_in_month(y, m)
    return checked_serial(serial_from_ymd(y, m, last if end_of_month else min(dd, last)))


@excel("EDATE", "scalar", "scalar", category=CAT, syntax="EDATE(start_date, months)",
       summary="The date the given number of months before or after a date (same day, or the month's last).")
def edate(start, months):
    # Excel quirk: a day past the end of the target month becomes its last day (Jan 31 + 1 month is Feb 28/29).
    return _add_months(start, months, False)


@excel("EOMONTH", "scalar", "scalar", category=CAT, syntax="EOMONTH(start_date, months)",
       summary="The last day of the month the given number of months before or after a date.")
def eomonth(start, months):
    # Excel quirk: the start date is truncated to a whole day; TRUE/FALSE are refused (an Analysis ToolPak rule).
    return _add_months(start, months, True)


@excel("DAYS", "num", "num", category=CAT, syntax="DAYS(end_date, start_date)",
       summary="The number of days from start_date to end_date.")
def days(end: float, start: float):
    # Excel quirk: both dates are truncated to whole days before subtracting.
    e, s = whole_day(end), whole_day(start)
    for v in (e, s):
        if isinstance(v, E.ExcelError):
            return v
    return float(e - s)


def _datedif_md(start: tuple, end: tuple, end_serial: int) -> int:
    """DATEDIF's "MD": Excel counts from start's day in the month before end, rolling over when that month is
    shorter, which is why Microsoft warns it can be negative (Jan 31 -> Mar 1, 2015 gives -2)."""
    if end[2] >= start[2]:
        return end[2] - start[2]
    return end_serial - serial_from_ymd(end[0], end[1] - 1, start[2])


@excel("DATEDIF", "num", "num", "text", category=CAT, syntax="DATEDIF(start_date, end_date, unit)",
       summary='Whole years ("Y"), months ("M") or days ("D") between two dates, or the days or months left over '
               'after whole months or years ("MD", "YM", "YD").')
def datedif(start: float, end: float, unit: str):
    # Excel quirk: start after end is #NUM!; "MD" follows Excel's rollover even where it goes negative.
    s, e = whole_day(start), whole_day(end)
    for v in (s, e):
        if isinstance(v, E.ExcelError):
            return v
    if s > e:
        return E.NUM.because("start_date is after end_date")
    (y1, m1, d1), (y2, m2, d2) = ymd_from_serial(s), ymd_from_serial(e)
    months = (y2 - y1) * 12 + m2 - m1 - (d2 < d1)
    u = unit.upper()
    if u == "D":
        return float(e - s)
    if u == "M":
        return float(months)
    if u == "Y":
        return float(months // 12)
    if u == "YM":
        return float(months % 12)
    if u == "MD":
        return float(_datedif_md((y1, m1, d1), (y2, m2, d2), e))
    if u == "YD":
        # Excel quirk: the days from the start's month and day to the end's are counted in the start's year (into
        # the next one when the end's come first), so the start's calendar decides about February 29th:
        # DATEDIF(1988-06-22, 2012-05-11, "YD") is 323, not the 324 days since 2011-06-22. A February 29th start
        # has its anniversary on the 28th in other years (2024-02-29 to 2025-02-28 is 0).
        d1 = min(d1, days_in_month(y2, m1))
        year = y1 if (m2, d2) >= (m1, d1) else y1 + 1
        return float(serial_from_ymd(year, m2, d2) - serial_from_ymd(y1, m1, d1))
    return E.NUM.because('unit must be "Y", "M", "D", "MD", "YM" or "YD"')


# ---- text -> dates ---------------------------------------------------------------------------------------------

@excel("DATEVALUE", "scalar", category=CAT, syntax="DATEVALUE(date_text)",
       summary='The serial number of a date written as text, e.g. "1/31/2024" or "31-Jan-2024".')
def datevalue(text):
    # Excel quirk: only text is accepted (a number is #VALUE!); a time in the text is ignored.
    parsed = parse_datetime_text(text) if isinstance(text, str) else None
    if parsed is None or parsed[0] is None:
        return E.VALUE.because(f"{_shown(text)} is not a date Excel can read")
    return float(parsed[0])


def _shown(v) -> str:
    """A value in a reason: text quoted, an empty cell named, anything else as a cell shows it."""
    return f'"{v}"' if isinstance(v, str) else "an empty cell" if v is None else str(to_text(v))


@excel("TIMEVALUE", "scalar", category=CAT, syntax="TIMEVALUE(time_text)",
       summary='The time of day (a fraction of a day) of a time written as text, e.g. "6:45 PM".')
def timevalue(text):
    # Excel quirk: a date in the text is ignored and whole days are dropped ("25:00" is 1 AM).
    parsed = parse_datetime_text(text) if isinstance(text, str) else None
    if parsed is None:
        return E.VALUE.because(f"{_shown(text)} is not a time Excel can read")
    return ((parsed[1] or 0.0) % 86400) / 86400
