"""Date and time functions through the engine: Microsoft's documented examples and the 1900-calendar traps."""
from __future__ import annotations

import datetime as dt
import math
from functools import partial

import pytest

from gdsheet.functions.datetime_parse import (MAX_SERIAL, parse_date_text, parse_datetime_text, serial_from_datetime,
                                              serial_from_ymd, ymd_from_serial)
from gdsheet.sheet.workbook import Workbook

import oracle


check = partial(oracle.check, rel=1e-7)  # this module's tolerance


CALENDAR = [
    # the 1900 system: serial 0 is 1900-01-00, 60 the phantom 1900-02-29, 61 is 1900-03-01
    ("=DATE(1900,1,0)", 0.0), ("=DATE(1900,1,1)", 1.0), ("=DATE(1900,2,29)", 60.0), ("=DATE(1900,3,1)", 61.0),
    ("=DATE(1900,3,0)", 60.0), ("=YEAR(0)", 1900.0), ("=MONTH(0)", 1.0), ("=DAY(0)", 0.0), ("=DAY(60)", 29.0),
    ("=MONTH(60)", 2.0), ("=DAY(61)", 1.0), ("=WEEKDAY(0)", 7.0), ("=WEEKDAY(1)", 1.0), ("=WEEKDAY(61)", 5.0),
    ("=YEAR(-1)", "#NUM!"), ("=YEAR(2958465)", 9999.0), ("=YEAR(2958466)", "#NUM!"), ("=DATE(9999,12,31)", 2958465.0),
    ("=DATE(10000,1,1)", "#NUM!"), ("=DATE(-1,1,1)", "#NUM!"), ("=DATE(1900,0,31)", 0.0), ("=DATE(1900,0,30)", "#NUM!"),
    # years 0..1899 are 1900 + year; months and days roll over; fractions truncate
    ("=DATE(2008,1,2)", 39449.0), ("=DATE(108,1,2)", 39449.0), ("=DATE(2008,14,2)", 39846.0),
    ("=DATE(2008,1,35)", 39482.0), ("=DATE(2008,1,-15)", 39432.0), ("=DATE(2024.9,1.9,31.9)", 45322.0),
    ("=YEAR(45322.99)", 2024.0), ("=DAY(\"2024-01-31\")", 31.0), ("=MONTH(\"abc\")", "#VALUE!"),
]

TIMES = [
    ("=TIME(12,0,0)", 0.5), ("=TIME(16,48,10)", 0.700115740740741), ("=TIME(25,0,0)", 1 / 24),
    ("=TIME(0,-1,120)", 60 / 86400), ("=TIME(0,0,-1)", "#NUM!"), ("=TIME(32768,0,0)", "#NUM!"),
    ("=TIME(0,0,1.9)", 1 / 86400), ("=HOUR(0.75)", 18.0), ("=HOUR(45322.5)", 12.0),
    ("=MINUTE(\"12:45:00 PM\")", 45.0), ("=SECOND(\"4:48:18 PM\")", 18.0), ("=HOUR(-1)", "#NUM!"),
    # HOUR/MINUTE/SECOND round to the nearest second, so 10:59:59.6 reads as 11:00:00
    ("=SECOND(TIME(10,59,59)+0.6/86400)", 0.0), ("=MINUTE(TIME(10,59,59)+0.6/86400)", 0.0),
    ("=HOUR(TIME(10,59,59)+0.6/86400)", 11.0), ("=SECOND(1.4/86400)", 1.0), ("=HOUR(0.99999999)", 0.0),
]

WEEKS = [
    ("=WEEKDAY(DATE(2008,2,14))", 5.0), ("=WEEKDAY(DATE(2008,2,14),2)", 4.0), ("=WEEKDAY(DATE(2008,2,14),3)", 3.0),
    ("=WEEKDAY(DATE(2008,2,14),11)", 4.0), ("=WEEKDAY(DATE(2008,2,14),14)", 1.0),
    ("=WEEKDAY(DATE(2008,2,14),17)", 5.0), ("=WEEKDAY(DATE(2008,2,14),4)", "#NUM!"),
    ("=WEEKNUM(DATE(2012,3,9))", 10.0), ("=WEEKNUM(DATE(2012,3,9),2)", 11.0), ("=WEEKNUM(DATE(2021,1,3),1)", 2.0),
    ("=WEEKNUM(DATE(2021,1,3),2)", 1.0), ("=WEEKNUM(DATE(2021,1,1),21)", 53.0), ("=WEEKNUM(DATE(2024,12,31),21)", 1.0),
    ("=WEEKNUM(45000,3)", "#NUM!"), ("=WEEKNUM(45000,TRUE)", "#VALUE!"), ("=ISOWEEKNUM(DATE(2012,3,9))", 10.0),
    ("=ISOWEEKNUM(DATE(2021,1,3))", 53.0), ("=ISOWEEKNUM(DATE(2026,1,1))", 1.0),
]

MONTHS_AND_SPANS = [
    ("=EDATE(DATE(2011,1,15),1)", 40589.0), ("=EDATE(DATE(2011,1,15),-1)", 40527.0),
    ("=EDATE(DATE(2011,1,15),2)", 40617.0), ("=EDATE(DATE(2024,1,31),1)", 45351.0), ("=EDATE(31,1)", 60.0),
    ("=EDATE(45322.9,1.9)", 45351.0), ("=EDATE(TRUE,1)", "#VALUE!"), ("=EDATE(2958465,1)", "#NUM!"),
    ("=EOMONTH(DATE(2011,1,1),1)", 40602.0), ("=EOMONTH(DATE(2011,1,1),-3)", 40482.0), ("=EOMONTH(-1,1)", "#NUM!"),
    ("=DAYS(\"15-MAR-2021\",\"1-FEB-2021\")", 42.0), ("=DAYS(10.9,1.1)", 9.0),
    ("=DATEDIF(DATE(2001,1,1),DATE(2003,1,1),\"Y\")", 2.0), ("=DATEDIF(DATE(2001,6,1),DATE(2002,8,15),\"D\")", 440.0),
    ("=DATEDIF(DATE(2001,6,1),DATE(2002,8,15),\"YD\")", 75.0), ("=DATEDIF(DATE(2001,6,1),DATE(2002,8,15),\"md\")", 14.0),
    ("=DATEDIF(DATE(2001,6,1),DATE(2002,8,15),\"M\")", 14.0), ("=DATEDIF(DATE(2001,6,1),DATE(2002,8,15),\"YM\")", 2.0),
    ("=DATEDIF(DATE(2001,6,15),DATE(2002,8,1),\"YM\")", 1.0), ("=DATEDIF(DATE(2024,2,29),DATE(2025,2,28),\"YD\")", 0.0),
    # "MD" counts from start's day in the month before end, as Excel does: Microsoft warns it can go negative
    ("=DATEDIF(DATE(2015,1,31),DATE(2015,3,1),\"MD\")", -2.0), ("=DATEDIF(DATE(2003,1,1),DATE(2001,1,1),\"Y\")", "#NUM!"),
    ("=DATEDIF(DATE(2001,1,1),DATE(2003,1,1),\"W\")", "#NUM!"),
    ("=DAYS360(DATE(2011,1,1),DATE(2011,12,31))", 360.0), ("=DAYS360(DATE(2023,1,15),DATE(2023,2,28))", 43.0),
    ("=DAYS360(DATE(2023,2,28),DATE(2023,3,31))", 30.0), ("=DAYS360(DATE(2023,1,30),DATE(2023,3,31),TRUE)", 60.0),
    ("=DAYS360(DATE(2023,3,31),DATE(2023,2,28))", -32.0),
    ("=YEARFRAC(DATE(2012,1,1),DATE(2012,7,30))", 0.580555555555556),
    ("=YEARFRAC(DATE(2012,1,1),DATE(2012,7,30),1)", 0.576502732240437),
    ("=YEARFRAC(DATE(2012,1,1),DATE(2012,7,30),3)", 0.578082191780822),
    ("=YEARFRAC(DATE(2012,7,30),DATE(2012,1,1),2)", 211 / 360), ("=YEARFRAC(DATE(2023,2,28),DATE(2024,2,29),0)", 1.0),
    ("=YEARFRAC(DATE(2023,3,1),DATE(2024,2,29),1)", 365 / 366), ("=YEARFRAC(DATE(2020,1,1),DATE(2023,1,1),1)",
                                                               1096 / (1461 / 4)),
    ("=YEARFRAC(1,2,5)", "#NUM!"), ("=YEARFRAC(TRUE,5)", "#VALUE!"),
]

WORKDAYS = [
    ("=NETWORKDAYS(DATE(2012,10,1),DATE(2013,3,1))", 110.0),
    ("=NETWORKDAYS(DATE(2012,10,1),DATE(2013,3,1),{41235,41247,41295})", 107.0),
    ("=NETWORKDAYS(DATE(2013,3,1),DATE(2012,10,1))", -110.0), ("=NETWORKDAYS(DATE(2024,1,6),DATE(2024,1,6))", 0.0),
    ("=NETWORKDAYS(1,10,{\"a\"})", "#VALUE!"), ("=NETWORKDAYS(TRUE,5)", "#VALUE!"),
    ("=NETWORKDAYS.INTL(DATE(2006,1,1),DATE(2006,1,31))", 22.0),
    # Microsoft's page prints -21 here; the count is symmetric in IronCalc and LibreOffice, and here
    ("=NETWORKDAYS.INTL(DATE(2006,1,31),DATE(2006,1,1))", -22.0),
    ("=NETWORKDAYS.INTL(DATE(2006,1,1),DATE(2006,2,1),7,{\"2006/1/2\",\"2006/1/16\"})", 22.0),
    ("=NETWORKDAYS.INTL(DATE(2006,1,1),DATE(2006,2,1),\"0010001\",{\"2006/1/2\",\"2006/1/16\"})", 20.0),
    ("=NETWORKDAYS.INTL(1,100,\"1111111\")", 0.0), ("=NETWORKDAYS.INTL(1,100,\"111111\")", "#VALUE!"),
    ("=NETWORKDAYS.INTL(1,100,8)", "#NUM!"),
    ("=WORKDAY(DATE(2008,10,1),151)", 39933.0), ("=WORKDAY(DATE(2008,10,1),151,{39778,39786,39834})", 39938.0),
    ("=WORKDAY(DATE(2024,1,6),0)", 45297.0), ("=WORKDAY(DATE(2024,1,6),-1)", 45296.0),
    ("=WORKDAY(2958460,10)", "#NUM!"), ("=WORKDAY.INTL(DATE(2012,1,1),30,0)", "#NUM!"),
    ("=WORKDAY.INTL(DATE(2012,1,1),90,11)", 41013.0), ("=WORKDAY.INTL(DATE(2012,1,1),30,17)", 40944.0),
    ("=WORKDAY.INTL(1,5,\"1111111\")", "#VALUE!"),
]

TEXT = [
    ("=DATEVALUE(\"8/22/2011\")", 40777.0), ("=DATEVALUE(\"22-MAY-2011\")", 40685.0),
    ("=DATEVALUE(\"2011/02/23\")", 40597.0), ("=DATEVALUE(\"2024-01-31\")", 45322.0),
    ("=DATEVALUE(\"1/31/24\")", 45322.0), ("=DATEVALUE(\"1/31/30\")", 10989.0), ("=DATEVALUE(\"1-31-2024\")", 45322.0),
    ("=DATEVALUE(\"January 31, 2024\")", 45322.0), ("=DATEVALUE(\"Jan 31 2024\")", 45322.0),
    ("=DATEVALUE(\"31 January 2024\")", 45322.0), ("=DATEVALUE(\"31-Jan-24\")", 45322.0),
    ("=DATEVALUE(\"Jan 2024\")", 45292.0), ("=DATEVALUE(\"1/2024\")", 45292.0), ("=DATEVALUE(\"2/29/1900\")", 60.0),
    ("=DATEVALUE(\"1/31/2024 6:00 PM\")", 45322.0), ("=DATEVALUE(\"2024-02-30\")", "#VALUE!"),
    ("=DATEVALUE(\"13/1/2024\")", "#VALUE!"), ("=DATEVALUE(\"12:30\")", "#VALUE!"), ("=DATEVALUE(45000)", "#VALUE!"),
    ("=DATEVALUE(\"Smarch 3, 2024\")", "#VALUE!"),
    ("=TIMEVALUE(\"2:24 AM\")", 0.1), ("=TIMEVALUE(\"22-Aug-2011 6:35 AM\")", 0.274305555555556),
    ("=TIMEVALUE(\"18:45:30\")", (18 * 3600 + 45 * 60 + 30) / 86400), ("=TIMEVALUE(\"12:00 AM\")", 0.0),
    ("=TIMEVALUE(\"12:30:15.5 PM\")", (12 * 3600 + 30 * 60 + 15.5) / 86400), ("=TIMEVALUE(\"3 PM\")", 0.625),
    ("=TIMEVALUE(\"24:00\")", 0.0), ("=TIMEVALUE(\"1/31/2024\")", 0.0), ("=TIMEVALUE(\"10:00:61\")", "#VALUE!"),
    ("=TIMEVALUE(\"13:00 PM\")", "#VALUE!"),
    # text that reads as a date is a number in arithmetic
    ("=\"31-Jan-2024\"+0", 45322.0), ("=\"1/31/2024 6:00 PM\"+0", 45322.75), ("=\"12:30\"*24", 12.5),
]


@pytest.mark.parametrize("formula,expected", CALENDAR + TIMES + WEEKS + MONTHS_AND_SPANS + WORKDAYS + TEXT)
def test_formula(wb: Workbook, formula: str, expected) -> None:
    check(wb, formula, expected)


def test_today_and_now_follow_the_clock(wb: Workbook) -> None:
    now, today = wb.evaluate("=NOW()"), wb.evaluate("=TODAY()")
    assert now == pytest.approx(serial_from_datetime(dt.datetime.now()), abs=1 / 1440)  # within a minute
    assert today == math.floor(now) or today == math.floor(now) + 1  # the test may straddle midnight
    assert wb.evaluate("=DATEVALUE(\"1/31\")") == float(serial_from_ymd(dt.date.today().year, 1, 31))


def test_serials_round_trip_through_dates() -> None:
    for serial in (*range(0, 400), *range(45000, 45400), MAX_SERIAL):
        y, m, d = ymd_from_serial(serial)
        assert serial_from_ymd(y, m, d) == serial
    # after the phantom leap day, serials count real days from 1899-12-30
    assert ymd_from_serial(45322) == (2024, 1, 31)


@pytest.mark.parametrize("text,expected", [
    ("2024-01-31 12:30", 45322 + 0.5208333333333334), ("12:30", 0.5208333333333334), ("25:00", 25 / 24),
    ("30:45.5", (30 * 60 + 45.5) / 86400), ("hello", None), ("1/2/3/4", None), ("", None), ("3 PM", 0.625),
])
def test_text_as_a_number(text: str, expected) -> None:
    got = parse_date_text(text)
    assert got == pytest.approx(expected) if expected is not None else got is None


def test_dates_without_a_year_fall_in_the_given_year() -> None:
    assert parse_datetime_text("Jan 24", today=dt.date(2030, 5, 1)) == (serial_from_ymd(2030, 1, 24), None)
    assert parse_datetime_text("31-Jan", today=dt.date(2030, 5, 1)) == (serial_from_ymd(2030, 1, 31), None)
