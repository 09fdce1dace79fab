"""Excel's 1900 serial-date calendar, and reading dates and times written as text the way en-US Excel reads them."""
from __future__ import annotations

import datetime as _dt
import re

MAX_SERIAL = 2958465  # 9999-12-31, the last date Excel knows
_ORD_1899_12_30 = _dt.date(1899, 12, 30).toordinal()
_MONTHS = {name: i for i, names in enumerate(
    [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
     ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
     ("dec", "december")], start=1) for name in names}


# ---- the 1900 calendar ----------------------------------------------------------------------------------------

def is_leap(year: int) -> bool:
    """Leap years of Excel's calendar, which (after Lotus 1-2-3) wrongly counts 1900 as one."""
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0 or year == 1900)


def days_in_month(year: int, month: int) -> int:
    if month == 2:
        return 29 if is_leap(year) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def serial_from_ymd(year: int, month: int, day: int) -> int | None:
    """DATE's arithmetic: months and days roll over; None when the year leaves 1..9999 (no range check on the result).

    Serials from 1900-03-01 on count real days from 1899-12-30; earlier ones are one less, because Excel inserts
    the phantom 1900-02-29 as serial 60.
    """
    year += (month - 1) // 12
    month = (month - 1) % 12 + 1
    if not 1 <= year <= 9999:
        return None
    first = _dt.date(year, month, 1).toordinal() - _ORD_1899_12_30
    return (first if first >= 61 else first - 1) + day - 1


def ymd_from_serial(serial: int) -> tuple[int, int, int]:
    """(year, month, day) of a whole serial in 0..MAX_SERIAL; 0 is Excel's 1900-01-00 and 60 its 1900-02-29."""
    if serial == 0:
        return 1900, 1, 0
    if serial == 60:
        return 1900, 2, 29
    d = _dt.date.fromordinal(_ORD_1899_12_30 + serial + (1 if serial < 60 else 0))
    return d.year, d.month, d.day


def serial_from_datetime(t: _dt.datetime) -> float:
    """A datetime (NOW's clock) as a serial with the time of day as its fraction."""
    day = serial_from_ymd(t.year, t.month, t.day)
    return day + (t.hour * 3600 + t.minute * 60 + t.second + t.microsecond / 1e6) / 86400


# ---- text -> date and time ------------------------------------------------------------------------------------

_TIME = re.compile(r"(?:^|\s+)(\d{1,4}):(\d{1,2})(?::(\d{1,2}(?:\.\d*)?))?(\.\d*)?\s*([ap]m?)?$|"
                   r"(?:^|\s+)(\d{1,2})\s*([ap]m?)$", re.IGNORECASE)
_NUMERIC_DATE = re.compile(r"^(\d{1,4})([/-])(\d{1,4})(?:\2(\d{1,4}))?$")
_WORDS = re.compile(r"^([a-z]+|\d{1,4})[\s,./-]+([a-z]+|\d{1,4})(?:[\s,./-]+(\d{1,4}))?$", re.IGNORECASE)


def _year(text: str) -> int | None:
    """A year as typed: two digits are 1930..2029 (00-29 -> 20xx), four are themselves; Excel reads no others."""
    if len(text) == 2 or len(text) == 1:
        y = int(text)
        return 2000 + y if y < 30 else 1900 + y
    return int(text) if len(text) == 4 else None


def _checked(year: int | None, month: int, day: int) -> int | None:
    if year is None or not (1900 <= year <= 9999 and 1 <= month <= 12 and 1 <= day <= days_in_month(year, month)):
        return None
    return serial_from_ymd(year, month, day)


def _this_year(today: _dt.date | None) -> int:
    return (today or _dt.date.today()).year


def _day_or_year(month: int, number: str, today: _dt.date | None) -> int | None:
    """'Jan 24' is the 24th of January this year; 'Jan 2024' (no valid day) is January 1st of that year."""
    as_day = _checked(_this_year(today), month, int(number)) if len(number) <= 2 else None
    return as_day if as_day is not None else _checked(_year(number), month, 1)


def _parse_date(text: str, today: _dt.date | None) -> int | None:
    m = _NUMERIC_DATE.match(text)
    if m:
        a, _, b, c = m.groups()
        if len(a) == 4:  # 2024-01-31, 2024/1/31
            return _checked(int(a), int(b), int(c)) if c and len(b) <= 2 and len(c) <= 2 else None
        if len(a) > 2:
            return None
        if c is None:  # 1/31 (this year) or 1/2024 (its first day)
            return _day_or_year(int(a), b, today)
        return _checked(_year(c), int(a), int(b)) if len(b) <= 2 else None  # en-US: month first
    m = _WORDS.match(text)
    if not m:
        return None
    a, b, c = m.groups()
    if a.isalpha() and b.isdigit():  # January 31, 2024 / Jan 2024 / Jan 31
        month = _MONTHS.get(a.lower())
        if month is None:
            return None
        return _checked(_year(c), month, int(b)) if c else _day_or_year(month, b, today)
    if a.isdigit() and b.isalpha() and len(a) <= 2:  # 31-Jan-2024 / 31 January / 31-Jan-24
        month = _MONTHS.get(b.lower())
        if month is None:
            return None
        return _checked(_year(c) if c else _this_year(today), month, int(a))
    return None


def _parse_time(m: re.Match) -> float | None:
    """Seconds since midnight of a matched time, or None when a field is out of range."""
    if m.group(6):  # "3 PM"
        h, mi, s, ampm = int(m.group(6)), 0, 0.0, m.group(7)
    else:
        h, mi, s, ampm = int(m.group(1)), int(m.group(2)), float(m.group(3) or 0), m.group(5)
        if m.group(4):  # '30:45.5' is minutes and seconds once a decimal point follows the second field
            if m.group(3):
                return None
            h, mi, s = 0, h, mi + float(m.group(4))
    if ampm:
        if h > 12:
            return None
        h = h % 12 + (12 if ampm[0] in "pP" else 0)
    if mi >= 60 or s >= 60:
        return None
    return h * 3600 + mi * 60 + s


def parse_datetime_text(text: str, today: _dt.date | None = None) -> tuple[int | None, float | None] | None:
    """Text -> (date serial or None, seconds since midnight or None), or None when the text is neither.

    Reads what en-US Excel reads: '1/31/2024', '1/31/24', '1/31', '2024-01-31', '31-Jan-2024', '31 January 2024',
    'January 31, 2024', 'Jan 2024', each optionally followed by a time ('12:30', '12:30:45.5', '12:30 PM', '3 PM').
    A date without a year falls in the current year.
    """
    text = text.strip()
    if not any(c.isdigit() for c in text):  # every form has a digit: plain words leave at once
        return None
    seconds = None
    m = _TIME.search(text)
    if m:
        seconds = _parse_time(m)
        if seconds is None:
            return None
        text = text[:m.start()].strip()
        if not text:
            return None, seconds
    serial = _parse_date(text, today)
    if serial is None:
        return None
    return serial, seconds


def parse_date_text(text: str) -> float | None:
    """A date/time in text -> Excel serial number, or None when the text is not one ('2024-01-31'+0 is 45322)."""
    parsed = parse_datetime_text(text)
    if parsed is None:
        return None
    serial, seconds = parsed
    return (serial or 0) + (seconds or 0.0) / 86400
