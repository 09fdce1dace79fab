"""Differential test: date, engineering and financial formulas with random arguments, gdsheet against IronCalc."""
from __future__ import annotations

import random

import pytest

from oracle import agree, ironcalc_values, new_workbook

pytest.importorskip("ironcalc")  # the oracle

# Dates from 1901 on: IronCalc is wrong about Excel's 1900 (it has no 1900-01-00 and no phantom 1900-02-29).
LOW, HIGH = 367, 2958465


def _date(r: random.Random) -> int:
    return r.randint(LOW, HIGH) if r.random() < 0.2 else r.randint(36000, 55000)


def _num(r: random.Random, lo: float, hi: float) -> str:
    return repr(round(r.uniform(lo, hi), 4))


def _q(s: str) -> str:
    return '"' + s + '"'


def _holidays(r: random.Random, d: int) -> str:
    return "{" + ",".join(str(d + r.randint(-20, 60)) for _ in range(r.randint(1, 5))) + "}"


GENERATORS = {
    "DATE": lambda r: f"=DATE({r.randint(1901, 9998)},{r.randint(-30, 40)},{r.randint(-60, 70)})",
    "TIME": lambda r: f"=TIME({r.randint(0, 50)},{r.randint(-100, 200)},{r.randint(-100, 5000)})",
    "YEAR": lambda r: f"=YEAR({_date(r)}.{r.randint(0, 99)})",
    "MONTH": lambda r: f"=MONTH({_date(r)})",
    "DAY": lambda r: f"=DAY({_date(r)})",
    # times away from half-second boundaries: IronCalc truncates where Excel rounds to the nearest second
    "HOUR": lambda r: f"=HOUR(TIME({r.randint(0, 23)},{r.randint(0, 59)},{r.randint(0, 59)})+{_date(r)})",
    "MINUTE": lambda r: f"=MINUTE(TIME({r.randint(0, 23)},{r.randint(0, 59)},{r.randint(0, 59)}))",
    "SECOND": lambda r: f"=SECOND(TIME({r.randint(0, 23)},{r.randint(0, 59)},{r.randint(0, 59)}))",
    "WEEKDAY": lambda r: f"=WEEKDAY({_date(r)},{r.choice([1, 2, 3, 11, 12, 13, 14, 15, 16, 17, 4, 0])})",
    "WEEKNUM": lambda r: f"=WEEKNUM({_date(r)},{r.choice([1, 2, 11, 12, 13, 14, 15, 16, 17, 21, 3])})",
    "ISOWEEKNUM": lambda r: f"=ISOWEEKNUM({_date(r)})",
    "EDATE": lambda r: f"=EDATE({_date(r)},{r.randint(-200, 200)})",
    "EOMONTH": lambda r: f"=EOMONTH({_date(r)},{r.randint(-200, 200)})",
    "DAYS": lambda r: f"=DAYS({_date(r)},{_date(r)})",
    # not "YD": IronCalc counts from the last anniversary in the end's year, Excel in the start's year (323 days,
    # not 324, from 1988-06-22 to 2012-05-11); test_datetime checks Excel's values
    "DATEDIF": lambda r: (lambda a, b: f"=DATEDIF({min(a, b)},{max(a, b)},{_q(r.choice(['Y', 'M', 'D', 'ym']))})")(
        _date(r), _date(r)),
    "DAYS360": lambda r: f"=DAYS360({_date(r)},{_date(r)},{r.choice(['TRUE', 'FALSE'])})",
    # basis 1 with the dates in either order: IronCalc gives #NUM! when the end comes first, Excel swaps them
    "YEARFRAC": lambda r: (lambda a, b, basis: f"=YEARFRAC({min(a, b) if basis == 1 else a},"
                                               f"{max(a, b) if basis == 1 else b},{basis})")(
        _date(r), _date(r) if r.random() < .5 else 45000 + r.randint(-900, 900), r.randint(0, 4)),
    "NETWORKDAYS": lambda r: (lambda d: f"=NETWORKDAYS({d},{d + r.randint(-400, 400)},{_holidays(r, d)})")(_date(r)),
    "NETWORKDAYS.INTL": lambda r: (lambda d: f"=NETWORKDAYS.INTL({d},{d + r.randint(-400, 400)},"
                                             f"{r.choice(['1', '7', '11', '17', _q('0100110'), _q('0000000')])},"
                                             f"{_holidays(r, d)})")(r.randint(36000, 55000)),
    "WORKDAY": lambda r: (lambda d: f"=WORKDAY({d},{r.randint(-300, 300)},{_holidays(r, d)})")(r.randint(36000, 55000)),
    "WORKDAY.INTL": lambda r: (lambda d: f"=WORKDAY.INTL({d},{r.randint(-300, 300)},"
                                         f"{r.choice(['2', '6', '12', _q('1010100'), _q('0000001')])},"
                                         f"{_holidays(r, d)})")(r.randint(36000, 55000)),
    "BIN2DEC": lambda r: f"=BIN2DEC({_q(''.join(r.choice('01') for _ in range(r.randint(1, 10))))})",
    "OCT2DEC": lambda r: f"=OCT2DEC({_q(''.join(r.choice('01234567') for _ in range(r.randint(1, 10))))})",
    "HEX2DEC": lambda r: f"=HEX2DEC({_q(''.join(r.choice('0123456789abcdefABCDEF') for _ in range(r.randint(1, 10))))})",
    "DEC2BIN": lambda r: f"=DEC2BIN({r.randint(-512, 511)},{r.randint(1, 10)})",
    "DEC2OCT": lambda r: f"=DEC2OCT({r.randint(-2 ** 29, 2 ** 29 - 1)})",
    "DEC2HEX": lambda r: f"=DEC2HEX({r.randint(-2 ** 39, 2 ** 39 - 1)},{r.randint(1, 10)})",
    # places only for positive numbers: Excel ignores it for negatives, IronCalc's HEX2BIN does not
    "HEX2BIN": lambda r: r.choice([f"=HEX2BIN({_q(r.choice(['FFFFFFFE00', 'FFFFFFFFFF', 'FFFFFFFDFF']))})",
                                   f"=HEX2BIN({_q(r.choice(['1FF', '200', '3', 'A']))},{r.randint(1, 10)})"]),
    "HEX2OCT": lambda r: f"=HEX2OCT({_q(r.choice(['FFE0000000', 'FFFFFFFFFF', '1FFFFFFF', '20000000', '3F']))})",
    "OCT2BIN": lambda r: f"=OCT2BIN({_q(r.choice(['7777777000', '777', '1000', '17']))},{r.randint(1, 10)})",
    "OCT2HEX": lambda r: f"=OCT2HEX({_q(r.choice(['7777777777', '4000000000', '3777777777', '123']))},{r.randint(1, 10)})",
    "BIN2HEX": lambda r: f"=BIN2HEX({_q(''.join(r.choice('01') for _ in range(r.randint(1, 10))))})",
    "BIN2OCT": lambda r: f"=BIN2OCT({_q(''.join(r.choice('01') for _ in range(r.randint(1, 10))))},{r.randint(1, 10)})",
    # no temperatures: IronCalc is off by 0.35 degrees converting to Celsius (its CONVERT(-40,"F","C") is -40.35)
    "CONVERT": lambda r: "=CONVERT({},{},{})".format(_num(r, -100, 100), *map(_q, r.choice([
        ("mi", "km"), ("lbm", "kg"), ("atm", "psi"), ("gal", "l"),
        ("ft^2", "m2"), ("km2", "ha"), ("kWh", "BTU"), ("HP", "kW"), ("mph", "m/s"), ("kn", "km/h"), ("yr", "day"),
        ("kibyte", "bit"), ("in3", "cm3"), ("Nmi", "ly"), ("ozm", "stone"), ("cal", "eV"), ("lbf", "dyn"),
        ("m", "g"), ("xyz", "m")]))),
    "DELTA": lambda r: f"=DELTA({r.randint(0, 2)},{r.randint(0, 2)})",
    "GESTEP": lambda r: f"=GESTEP({_num(r, -2, 2)},{_num(r, -2, 2)})",
    "BITAND": lambda r: f"=BITAND({r.randint(0, 2 ** 48 - 1)},{r.randint(0, 2 ** 48 - 1)})",
    "BITOR": lambda r: f"=BITOR({r.randint(0, 2 ** 30)},{r.randint(0, 2 ** 48 - 1)})",
    "BITXOR": lambda r: f"=BITXOR({r.randint(0, 2 ** 48 - 1)},{r.randint(0, 2 ** 20)})",
    "BITLSHIFT": lambda r: f"=BITLSHIFT({r.randint(0, 2 ** 20)},{r.randint(-20, 30)})",
    "BITRSHIFT": lambda r: f"=BITRSHIFT({r.randint(0, 2 ** 40)},{r.randint(-8, 45)})",
    "PV": lambda r: f"=PV({_num(r, -0.05, 0.2)},{r.randint(1, 360)},{_num(r, -2000, 0)},{_num(r, -1e4, 1e4)},"
                    f"{r.randint(0, 1)})",
    "FV": lambda r: f"=FV({_num(r, -0.05, 0.2)},{r.randint(0, 360)},{_num(r, -2000, 0)},{_num(r, -1e4, 1e4)},"
                    f"{r.randint(0, 1)})",
    "PMT": lambda r: f"=PMT({_num(r, -0.05, 0.2)},{r.randint(1, 360)},{_num(r, 0, 1e5)},{_num(r, -1e4, 1e4)},"
                     f"{r.randint(0, 1)})",
    # the interest part of a payment is a difference of large numbers late in a long high-rate loan; gdsheet
    # computes it from the better-conditioned end, IronCalc loses digits there (test_financial checks it exactly)
    "IPMT": lambda r: (lambda n: f"=IPMT({_num(r, 0.001, 0.1)},{r.randint(1, n)},{n},{_num(r, 0, 1e5)},"
                                 f"{_num(r, -1e4, 1e4)},{r.randint(0, 1)})")(r.randint(1, 120)),
    "PPMT": lambda r: (lambda n: f"=PPMT({_num(r, 0.001, 0.1)},{r.randint(1, n)},{n},{_num(r, 0, 1e5)},"
                                 f"{_num(r, -1e4, 1e4)},{r.randint(0, 1)})")(r.randint(1, 120)),
    "NPER": lambda r: f"=NPER({_num(r, 0.001, 0.1)},{_num(r, -3000, -100)},{_num(r, 0, 1e5)},{_num(r, -1e4, 1e4)},"
                      f"{r.randint(0, 1)})",
    "RATE": lambda r: f"=RATE({r.randint(2, 360)},{_num(r, -3000, -100)},{_num(r, 1000, 1e5)},0,{r.randint(0, 1)})",
    "NPV": lambda r: f"=NPV({_num(r, -0.5, 0.5)},{','.join(_num(r, -1e4, 1e4) for _ in range(r.randint(1, 8)))})",
    "IRR": lambda r: "=IRR({" + ",".join([_num(r, -1e4, -100)] + [_num(r, 0, 3000) for _ in range(r.randint(1, 9))])
                     + "})",
    # always a receipt: without one Excel's MIRR is #DIV/0! (as documented), IronCalc's -1
    "MIRR": lambda r: "=MIRR({" + ",".join([_num(r, -1e4, -100), _num(r, 100, 4000)] + [
        _num(r, -2000, 4000) for _ in range(r.randint(0, 8))]) + f"}},{_num(r, 0, 0.2)},{_num(r, 0, 0.2)})",
    "XNPV": lambda r: (lambda d, k: "=XNPV({},{{{}}},{{{}}})".format(
        _num(r, 0.01, 0.3), ",".join(_num(r, -1e4, 1e4) for _ in range(k)),
        ",".join(str(d + i * r.randint(0, 120)) for i in range(k))))(r.randint(36000, 55000), r.randint(1, 8)),
    # returns between -50% and +100% a year: near -100% Newton's answer depends on when each engine stops
    "XIRR": lambda r: (lambda d, k: "=XIRR({{{}}},{{{}}})".format(
        ",".join([_num(r, -1e4, -5000)] + [_num(r, 1000, 4000) for _ in range(k - 1)]),
        ",".join(str(d + i * 180 + r.randint(0, 60)) for i in range(k))))(r.randint(36000, 55000), r.randint(3, 8)),
    "SLN": lambda r: f"=SLN({_num(r, 0, 1e5)},{_num(r, 0, 1e4)},{r.randint(0, 30)})",
    "SYD": lambda r: (lambda n: f"=SYD({_num(r, 0, 1e5)},{_num(r, 0, 1e4)},{n},{r.randint(1, n + 1)})")(
        r.randint(1, 30)),
    "DB": lambda r: (lambda n: f"=DB({_num(r, 1000, 1e5)},{_num(r, 0, 900)},{n},{r.randint(1, n)},"
                               f"{r.randint(1, 12)})")(r.randint(1, 30)),
    "DDB": lambda r: (lambda n: f"=DDB({_num(r, 1000, 1e5)},{_num(r, 0, 900)},{n},{r.randint(1, n)},"
                                f"{_num(r, 0.5, 3)})")(r.randint(1, 30)),
    # start < end: with start = end IronCalc says #NUM!, gdsheet 0 (Excel's documentation is silent)
    "VDB": lambda r: (lambda n, a: f"=VDB({_num(r, 1000, 1e5)},{_num(r, 0, 900)},{n},{a},{r.randint(a + 1, n)},"
                                   f"{_num(r, 0.5, 3)},{r.choice(['TRUE', 'FALSE'])})")(
        *(lambda n: (n, r.randint(0, n - 1)))(r.randint(2, 30))),
    "EFFECT": lambda r: f"=EFFECT({_num(r, 0.001, 0.3)},{r.randint(1, 365)})",
    "NOMINAL": lambda r: f"=NOMINAL({_num(r, 0.001, 0.3)},{r.randint(1, 365)})",
    "CUMIPMT": lambda r: (lambda n, a: f"=CUMIPMT({_num(r, 0.001, 0.1)},{n},{_num(r, 100, 1e5)},{a},"
                                       f"{r.randint(a, n)},{r.randint(0, 1)})")(
        *(lambda n: (n, r.randint(1, n)))(r.randint(1, 120))),
    "CUMPRINC": lambda r: (lambda n, a: f"=CUMPRINC({_num(r, 0.001, 0.1)},{n},{_num(r, 100, 1e5)},{a},"
                                        f"{r.randint(a, n)},{r.randint(0, 1)})")(
        *(lambda n: (n, r.randint(1, n)))(r.randint(1, 120))),
}


# IronCalc's XIRR stops iterating earlier than gdsheet's (which test_financial checks against a precise root).
TOLERANCE = {"XIRR": 1e-7}


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_agrees_with_ironcalc(name: str) -> None:
    rng = random.Random(name)
    formulas = [GENERATORS[name](rng) for _ in range(40)]
    wb = new_workbook()
    ours = [wb.evaluate(f) for f in formulas]
    theirs = ironcalc_values(formulas)
    rel = TOLERANCE.get(name, 1e-9)
    wrong = [f"{f}: gdsheet {o!r}, IronCalc {t!r}" for f, o, t in zip(formulas, ours, theirs) if not agree(o, t, rel)]
    assert not wrong, "\n".join(wrong)
