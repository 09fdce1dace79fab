"""Financial functions through the engine (Microsoft's documented examples), and their kernels under torch."""
from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import torch

from gdsheet.functions import FUNCTIONS
from gdsheet.sheet.workbook import Workbook

from oracle import check


XIRR_FLOWS = "{-10000,2750,4250,3250,2750},{39448,39508,39751,39859,39904}"  # 1/1/2008, 3/1/2008, ...

# Microsoft's examples are printed rounded: compared at the digits shown.
DOCUMENTED = [
    ("=PMT(0.08/12,10,10000)", -1037.03, 1e-5), ("=PMT(0.06/12,18*12,0,50000)", -129.08, 1e-4),
    ("=PV(0.08/12,12*20,500,,0)", -59777.15, 1e-7), ("=FV(0.06/12,10,-200,-500,1)", 2581.40, 1e-5),
    ("=FV(0.12/12,12,-1000)", 12682.50, 1e-6), ("=NPER(0.12/12,-100,-1000,10000,1)", 59.6738657, 1e-7),
    ("=NPER(0.12/12,-100,-1000)", -9.57859404, 1e-7), ("=RATE(4*12,-200,8000)", 0.0077014, 1e-4),
    ("=IPMT(0.1/12,1,3*12,8000)", -66.67, 1e-4), ("=IPMT(0.1,3,3,8000)", -292.45, 1e-5),
    ("=PPMT(0.1/12,1,2*12,2000)", -75.62, 1e-4), ("=PPMT(0.08,10,10,200000)", -27598.05, 1e-6),
    ("=NPV(0.1,-10000,3000,4200,6800)", 1188.44, 1e-5), ("=IRR({-70000,12000,15000,18000,21000})", -0.021244848, 1e-6),
    ("=IRR({-70000,12000,15000,18000,21000,26000})", 0.086630948, 1e-7),
    ("=IRR({-70000,12000,15000},-0.1)", -0.443506941, 1e-7),
    ("=MIRR({-120000,39000,30000,21000,37000,46000},0.1,0.12)", 0.126094, 1e-5),
    ("=MIRR({-120000,39000,30000,21000},0.1,0.12)", -0.048044655, 1e-6),
    (f"=XNPV(0.09,{XIRR_FLOWS})", 2086.6476, 1e-7), (f"=XIRR({XIRR_FLOWS},0.1)", 0.373362535, 1e-8),
    ("=SLN(30000,7500,10)", 2250.0, 1e-12), ("=SYD(30000,7500,10,1)", 4090.909091, 1e-9),
    ("=SYD(30000,7500,10,10)", 409.0909091, 1e-9), ("=DB(1000000,100000,6,1,7)", 186083.33, 1e-7),
    ("=DB(1000000,100000,6,2,7)", 259639.42, 1e-7), ("=DB(1000000,100000,6,7,7)", 15845.10, 1e-6),
    ("=DDB(2400,300,10*365,1)", 1.32, 1e-2), ("=DDB(2400,300,10*12,1,2)", 40.0, 1e-12),
    ("=DDB(2400,300,10,1,2)", 480.0, 1e-12), ("=DDB(2400,300,10,2,1.5)", 306.0, 1e-12),
    ("=DDB(2400,300,10,10)", 22.12, 1e-3), ("=VDB(2400,300,10*365,0,1)", 1.32, 1e-2),
    ("=VDB(2400,300,10*12,0,1)", 40.0, 1e-12), ("=VDB(2400,300,10,0,1)", 480.0, 1e-12),
    ("=VDB(2400,300,10*12,6,18)", 396.31, 1e-5), ("=VDB(2400,300,10*12,6,18,1.5)", 311.81, 1e-5),
    ("=VDB(2400,300,10,0,0.875,1.5)", 315.0, 1e-12), ("=VDB(2400,300,10,0,10)", 2100.0, 1e-12),
    # values Excel saved (../shared/corpus xlcalculator/VDB.xlsx): a fractional start shifts VDB's period grid
    ("=VDB(1,0,14,2.5,3.5,1.25)", 0.07074765193864536, 1e-12), ("=VDB(1,0,14,3.5,4.5,1.25)", 0.06872629045468406, 1e-12),
    ("=VDB(1,0,14,13.5,14,1.25)", 0.03436314522734203, 1e-12), ("=VDB(1,0,14,13,14,1.25)", 0.06866789938377948, 1e-12),
    ("=VDB(575000,5000,10,3,5,1.5,FALSE)", 102160.546875, 1e-12),
    ("=EFFECT(0.0525,4)", 0.0535427, 1e-5), ("=NOMINAL(0.053543,4)", 0.05250032, 1e-6),
    ("=CUMIPMT(0.09/12,30*12,125000,13,24,0)", -11135.23213, 1e-9), ("=CUMIPMT(0.09/12,30*12,125000,1,1,0)", -937.5, 1e-12),
    ("=CUMPRINC(0.09/12,30*12,125000,13,24,0)", -934.1071234, 1e-9),
    ("=CUMPRINC(0.09/12,30*12,125000,1,1,0)", -68.27827118, 1e-9),
]

EDGES = [
    ("=PMT(0,10,1000)", -100.0), ("=PV(0,10,-100)", 1000.0), ("=FV(0,10,-100,-1000)", 2000.0),
    ("=NPER(0,-100,1000)", 10.0), ("=PMT(0.1,0,100)", "#NUM!"), ("=PV(-1,2,100)", "#DIV/0!"),
    ("=PV(-1.5,2,100)", -200.0), ("=NPER(0,0,100)", "#DIV/0!"), ("=NPER(0.1,-10,1000)", "#NUM!"),
    ("=PMT(0.1,10,1000,0,-1)", -147.9503589841014), ("=IPMT(0.1,1,10,1000,0,1)", 0.0),
    ("=IPMT(0.1,0,10,1000)", "#NUM!"), ("=IPMT(0.1,11,10,1000)", "#NUM!"), ("=RATE(0,-100,1000)", "#NUM!"),
    ("=RATE(10,0,-1000,2000)", 0.0717734625362931), ("=IRR({1,2})", "#NUM!"), ("=IRR({-100,20})", -0.8),
    ("=NPV(0.1,{1,\"a\",TRUE,3})", 1 / 1.1 + 3 / 1.21), ("=NPV(0.1,1,\"3\",TRUE)", 1 / 1.1), ("=NPV(0.1,1,NA())", "#N/A"),
    ("=NPV(-1,1)", "#DIV/0!"), ("=MIRR({-100},0.1,0.1)", "#DIV/0!"), ("=XNPV(0.1,{1,2},{45000,44999})", "#NUM!"),
    ("=XNPV(0.1,{1,2},{45000})", "#NUM!"), ("=XNPV(0.1,{1,2},{\"a\",45010})", "#VALUE!"),
    ("=XIRR({100,200},{45000,45100})", "#NUM!"), ("=SLN(1,2,0)", "#DIV/0!"), ("=SYD(1000,100,5,5.5)", "#NUM!"),
    ("=SYD(1000,100,5,0.5)", 330.0), ("=DB(10000,1000,5,6,7)", 191.27749950985103), ("=DB(10000,1000,5,6)", "#NUM!"),
    ("=DB(0,0,5,1)", 0.0), ("=DDB(1000,100,5,1.5)", 309.83866769659335), ("=DDB(1000,100,1,1,3)", 900.0),
    ("=DDB(1000,100,5,6)", "#NUM!"), ("=VDB(1000,100,5,1.5,2.5)", 192.0), ("=VDB(1000,100,5,0.3,4.7,1.5,TRUE)", 720.321),
    ("=VDB(1000,100,5,0,1,0)", "#NUM!"), ("=VDB(1000,100,5,3,2)", "#NUM!"), ("=EFFECT(0.1,0.5)", "#NUM!"),
    ("=EFFECT(TRUE,1)", "#VALUE!"), ("=CUMIPMT(0.01,12,1000,1.5,3,0)", -17.626651460781915),
    ("=CUMIPMT(0.01,12,1000,1,12,2)", "#NUM!"), ("=CUMIPMT(0.01,12,1000,1,13,0)", "#NUM!"),
    ("=CUMIPMT(0.01,12,1000,TRUE,3,0)", "#VALUE!"),
]


@pytest.mark.parametrize("formula,expected,rel", DOCUMENTED)
def test_documented_example(wb: Workbook, formula: str, expected: float, rel: float) -> None:
    check(wb, formula, expected, rel)


@pytest.mark.parametrize("formula,expected", EDGES)
def test_edge_case(wb: Workbook, formula: str, expected) -> None:
    check(wb, formula, expected, 1e-12)


def test_payments_split_into_interest_and_principal(wb: Workbook) -> None:
    rate = 0.07 / 12
    for t in (0, 1):
        pmt = wb.evaluate(f"=PMT({rate!r},60,25000,-500,{t})")
        interest = sum(wb.evaluate(f"=IPMT({rate!r},{k},60,25000,-500,{t})") for k in range(1, 61))
        principal = sum(wb.evaluate(f"=PPMT({rate!r},{k},60,25000,-500,{t})") for k in range(1, 61))
        # the principal repaid is the loan less what is still owed after the last payment: 500 due at the end
        # of the last period, which with payments in advance is 500 / (1 + rate) right after that payment
        assert principal == pytest.approx(-(25000 - 500 / (1 + rate * t)), rel=1e-12)
        assert interest + principal == pytest.approx(60 * pmt, rel=1e-12)


def test_late_interest_in_a_long_loan_is_exact(wb: Workbook) -> None:
    # late in a 254-period loan at 11%, interest is a small difference of huge balances: compare with exact math
    r, n, pv, fv, per = Fraction("0.1103"), 254, Fraction("32761.5635"), Fraction("5215.6891"), 196
    growth = (1 + r) ** n
    pmt = -(pv * growth + fv) * r / (growth - 1)
    exact = -(pv * (1 + r) ** (per - 1) + pmt * ((1 + r) ** (per - 1) - 1) / r) * r
    got = wb.evaluate(f"=IPMT(0.1103,{per},{n},32761.5635,5215.6891)")
    assert got == pytest.approx(float(exact), rel=1e-12)


def test_xirr_finds_the_root_precisely(wb: Workbook) -> None:
    rate = wb.evaluate("=XIRR({-9305.0061,1297.395,1813.1574,1729.3177},{42702,42876,43075,43234})")
    assert rate == pytest.approx(-0.45563182417796857, rel=1e-13)
    assert abs(wb.evaluate(f"=XNPV({rate!r},{{-9305.0061,1297.395,1813.1574,1729.3177}},"
                           "{42702,42876,43075,43234})")) < 1e-8


@pytest.mark.parametrize("name,args", [
    ("PV", (0.05, 10.0, -100.0, 50.0, 1.0)), ("FV", (0.05, 10.0, -100.0, 1000.0, 0.0)),
    ("PMT", (0.004, 360.0, 2e5, 0.0, 0.0)), ("IPMT", (0.05, 3.0, 10.0, 1000.0, 0.0, 1.0)),
    ("PPMT", (0.05, 7.0, 10.0, 1000.0, 100.0, 0.0)), ("NPER", (0.01, -100.0, 1000.0, 0.0, 1.0)),
    ("PMT", (0.0, 12.0, 1200.0, 0.0, 0.0)),
])
def test_kernels_give_the_grid_value_and_a_gradient_under_torch(name: str, args: tuple) -> None:
    spec = FUNCTIONS[name]
    assert float(spec.kernel(np, *args)) == pytest.approx(spec.impl(*args), rel=1e-12)
    tensors = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in args]
    value = spec.kernel(torch, *tensors)
    assert value.item() == pytest.approx(spec.impl(*args), rel=1e-12)
    (grad,) = torch.autograd.grad(value, tensors[0])
    step = 1e-7
    bumped = (spec.impl(args[0] + step, *args[1:]) - spec.impl(args[0] - step, *args[1:])) / (2 * step)
    assert grad.item() == pytest.approx(bumped, rel=1e-5)


def test_a_zero_rate_still_has_a_gradient() -> None:
    # a solver starting from rate 0 must see how the payment moves with the rate, not a flat zero
    rate = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
    (grad,) = torch.autograd.grad(FUNCTIONS["PV"].kernel(torch, rate, torch.tensor(10.0), torch.tensor(-100.0)), rate)
    assert grad.item() == pytest.approx(-100 * 10 * 11 / 2)
