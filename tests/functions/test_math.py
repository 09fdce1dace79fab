"""Math & trig functions through the real engine: a table of formulas and the values Excel gives."""
import math
from functools import partial

import numpy as np
import pytest

from gdsheet import errors as E
from gdsheet.functions import FUNCTIONS
from gdsheet.sheet.workbook import Workbook

import oracle

CASES = [
    # smooth kernels and their domain errors
    ("=ABS(-2.5)", 2.5), ("=SIGN(-3)", -1.0), ("=SIGN(0)", 0.0), ("=SQRT(16)", 4.0), ("=SQRT(-1)", E.NUM),
    ("=SQRTPI(1)", math.sqrt(math.pi)), ("=EXP(1)", math.e), ("=EXP(710)", E.NUM), ("=LN(1)", 0.0),
    ("=LN(0)", E.NUM), ("=LOG(100)", 2.0), ("=LOG(8,2)", 3.0), ("=LOG(10,1)", E.DIV0), ("=LOG(-1)", E.NUM),
    ("=LOG10(1000)", 3.0), ("=POWER(2,10)", 1024.0), ("=POWER(0,0)", E.NUM), ("=POWER(0,-1)", E.DIV0),
    ("=POWER(-8,1/3)", E.NUM), ("=POWER(-2,3)", -8.0), ("=SQRT(\"abc\")", E.VALUE), ("=ABS(TRUE)", 1.0),
    # rounding: halves away from zero, judged at 15 significant digits
    ("=ROUND(2.5,0)", 3.0), ("=ROUND(-2.5,0)", -3.0), ("=ROUND(2.675,2)", 2.68), ("=ROUND(1.005,2)", 1.01),
    ("=ROUND(1234.5678,-2)", 1200.0), ("=ROUND(-0.4,0)", 0.0), ("=ROUND(5,-1)", 10.0), ("=ROUND(1.25,1.9)", 1.3),
    ("=ROUND(0.1+0.2,20)", 0.3), ("=ROUNDUP(3.2,0)", 4.0), ("=ROUNDUP(-3.2,0)", -4.0),
    ("=ROUNDUP(0.1+0.2,1)", 0.3), ("=ROUNDDOWN(-3.14159,3)", -3.141), ("=ROUNDDOWN(31415.92654,-2)", 31400.0),
    ("=TRUNC(8.9)", 8.0), ("=TRUNC(-8.9)", -8.0), ("=TRUNC(123.456,-1)", 120.0), ("=INT(8.9)", 8.0),
    ("=INT(-0.5)", -1.0), ("=INT(-8.9)", -9.0),
    ("=CEILING(2.5,1)", 3.0), ("=CEILING(-2.5,2)", -2.0), ("=CEILING(-2.5,-2)", -4.0), ("=CEILING(2.5,-2)", E.NUM),
    ("=CEILING(2.5,0)", 0.0), ("=CEILING(0.3,0.1)", 0.3), ("=CEILING(0.25,0.1)", 0.3), ("=FLOOR(3.7,2)", 2.0),
    ("=FLOOR(-2.5,2)", -4.0), ("=FLOOR(-2.5,-2)", -2.0), ("=FLOOR(2.5,-2)", E.NUM), ("=FLOOR(2.5,0)", E.DIV0),
    ("=FLOOR(0,0)", 0.0), ("=FLOOR(0.7,0.1)", 0.7),
    ("=CEILING.MATH(24.3,5)", 25.0), ("=CEILING.MATH(-4.5)", -4.0), ("=CEILING.MATH(-4.5,2,1)", -6.0),
    ("=CEILING.MATH(4.5,-2)", 6.0), ("=FLOOR.MATH(24.3,5)", 20.0), ("=FLOOR.MATH(-4.5,2)", -6.0),
    ("=FLOOR.MATH(-4.5,2,1)", -4.0), ("=FLOOR.MATH(-4.5,0)", 0.0), ("=CEILING.PRECISE(-4.5,2)", -4.0),
    ("=CEILING.PRECISE(4.3,-2)", 6.0), ("=ISO.CEILING(4.2,2)", 6.0), ("=FLOOR.PRECISE(-3.2,-1)", -4.0),
    ("=FLOOR.PRECISE(3.2)", 3.0),
    ("=MROUND(10,3)", 9.0), ("=MROUND(-10,-3)", -9.0), ("=MROUND(1.3,0.2)", 1.4), ("=MROUND(5,-2)", E.NUM),
    ("=MROUND(2.5,1)", 3.0), ("=MROUND(-2.5,-1)", -3.0), ("=MROUND(5,0)", 0.0), ("=MROUND(6.05,0.1)", 6.0),
    ("=EVEN(1.5)", 2.0), ("=EVEN(3)", 4.0), ("=EVEN(-1)", -2.0), ("=EVEN(0)", 0.0), ("=ODD(1.5)", 3.0),
    ("=ODD(3)", 3.0), ("=ODD(2)", 3.0), ("=ODD(-1)", -1.0), ("=ODD(-2)", -3.0), ("=ODD(0)", 1.0),
    # MOD takes the divisor's sign; QUOTIENT truncates
    ("=MOD(3,2)", 1.0), ("=MOD(-3,2)", 1.0), ("=MOD(3,-2)", -1.0), ("=MOD(-3,-2)", -1.0), ("=MOD(5,0)", E.DIV0),
    ("=MOD(1.1,0.1)", 0.0), ("=MOD(12345678901,2)", 1.0), ("=QUOTIENT(5,2)", 2.0), ("=QUOTIENT(-7,2)", -3.0),
    ("=QUOTIENT(1,0)", E.DIV0),
    # trigonometry
    ("=SIN(PI()/2)", 1.0), ("=COS(0)", 1.0), ("=TAN(PI()/4)", 1.0), ("=SIN(2^27)", E.NUM),
    ("=ASIN(1)", math.pi / 2), ("=ACOS(2)", E.NUM), ("=ATAN(1)", math.pi / 4), ("=ATAN2(1,1)", math.pi / 4),
    ("=ATAN2(-1,0)", math.pi), ("=ATAN2(0,0)", E.DIV0), ("=COT(0)", E.DIV0), ("=COT(1)", 1 / math.tan(1)),
    ("=CSC(0)", E.DIV0), ("=SEC(0)", 1.0), ("=ACOT(-1)", 3 * math.pi / 4), ("=SINH(1)", math.sinh(1)),
    ("=COSH(1000)", E.NUM), ("=TANH(0.5)", math.tanh(0.5)), ("=COTH(0)", E.DIV0), ("=COTH(2)", 1 / math.tanh(2)),
    ("=CSCH(1)", 1 / math.sinh(1)), ("=SECH(1000)", 0.0), ("=ASINH(1)", math.asinh(1)), ("=ACOSH(0.5)", E.NUM),
    ("=ACOSH(2)", math.acosh(2)), ("=ATANH(1)", E.NUM), ("=ATANH(0.5)", math.atanh(0.5)),
    ("=ACOTH(2)", 0.5493061443340549), ("=ACOTH(0.5)", E.NUM), ("=DEGREES(PI())", 180.0),
    ("=RADIANS(180)", math.pi), ("=PI()", math.pi),
    # integers, combinatorics, numerals
    ("=FACT(5)", 120.0), ("=FACT(2.9)", 2.0), ("=FACT(0)", 1.0), ("=FACT(-1)", E.NUM), ("=FACT(171)", E.NUM),
    ("=FACTDOUBLE(7)", 105.0), ("=FACTDOUBLE(6)", 48.0), ("=FACTDOUBLE(0)", 1.0), ("=FACTDOUBLE(-1)", E.NUM),
    ("=COMBIN(8,2)", 28.0), ("=COMBIN(5.9,2.9)", 10.0), ("=COMBIN(4,5)", E.NUM), ("=COMBIN(1030,515)", E.NUM),
    ("=COMBINA(4,3)", 20.0), ("=COMBINA(3,5)", 21.0), ("=COMBINA(0,0)", 1.0), ("=COMBINA(0,1)", E.NUM),
    ("=PERMUT(100,3)", 970200.0), ("=PERMUT(3,0)", 1.0), ("=PERMUT(3,4)", E.NUM), ("=PERMUTATIONA(3,2)", 9.0),
    ("=PERMUTATIONA(-1,2)", E.NUM), ("=GCD(5,2)", 1.0), ("=GCD(24,36)", 12.0), ("=GCD(5.5,10)", 5.0),
    ("=GCD(-1,2)", E.NUM), ("=GCD(0,0)", 0.0), ("=GCD(2^53,2)", E.NUM), ("=LCM(4,6,8)", 24.0), ("=LCM(0,5)", 0.0),
    ("=LCM(2^40,3^20)", E.NUM), ("=MULTINOMIAL(2,3,4)", 1260.0), ("=MULTINOMIAL(1.9,2)", 3.0),
    ("=MULTINOMIAL(-1)", E.NUM),
    ("=ROMAN(499)", "CDXCIX"), ("=ROMAN(499,1)", "LDVLIV"), ("=ROMAN(499,2)", "XDIX"), ("=ROMAN(499,3)", "VDIV"),
    ("=ROMAN(499,4)", "ID"), ("=ROMAN(499,TRUE)", "CDXCIX"), ("=ROMAN(499,FALSE)", "ID"), ("=ROMAN(0)", ""),
    ("=ROMAN(3999,1)", "MMMLMVLIV"), ("=ROMAN(4000)", E.VALUE), ("=ROMAN(-1)", E.VALUE), ("=ROMAN(5,5)", E.VALUE),
    ("=ARABIC(\"MCMXCIX\")", 1999.0), ("=ARABIC(\"mcmxcix\")", 1999.0), ("=ARABIC(\"LDVLIV\")", 499.0),
    ("=ARABIC(\"\")", 0.0), ("=ARABIC(\"-XI\")", -11.0), ("=ARABIC(\" XI \")", 11.0), ("=ARABIC(\"ABC\")", E.VALUE),
    ("=BASE(7,2)", "111"), ("=BASE(7,2,5)", "00111"), ("=BASE(255,16)", "FF"), ("=BASE(10,37)", E.NUM),
    ("=BASE(-1,2)", E.NUM), ("=BASE(0,2)", ""), ("=DECIMAL(\"FF\",16)", 255.0), ("=DECIMAL(\"ff\",16)", 255.0),
    ("=DECIMAL(\"111\",2)", 7.0), ("=DECIMAL(\"2\",2)", E.VALUE), ("=DECIMAL(\"10\",37)", E.NUM),
]


same = partial(oracle.same, abs=1e-15)  # this module's tolerance


@pytest.mark.parametrize("formula, expected", CASES)
def test_formula(wb, formula, expected):
    got = wb.evaluate(formula)
    assert same(got, expected), f"{formula} gave {got!r}, expected {expected!r}"


def test_rounding_keeps_no_negative_zero(wb):
    assert math.copysign(1, wb.evaluate("=ROUND(-0.4,0)")) == 1


def test_roman_round_trips_every_form():
    roman, arabic = FUNCTIONS["ROMAN"].impl, FUNCTIONS["ARABIC"].impl
    for form in range(5):
        for n in range(4000):
            assert arabic(roman(float(n), float(form))) == n


def test_elementwise_over_an_array(wb):
    got = wb.evaluate("=SQRT({1,4;9,-1})")
    assert got.shape == (2, 2) and got[1, 0] == 3.0 and got[1, 1] == E.NUM


def test_smooth_functions_have_kernels_that_run_on_torch():
    torch = pytest.importorskip("torch")
    names = ["ABS", "SIGN", "SQRT", "SQRTPI", "EXP", "LN", "LOG10", "SIN", "COS", "TAN", "COT", "CSC", "SEC",
             "ASIN", "ACOS", "ATAN", "ACOT", "SINH", "COSH", "TANH", "COTH", "CSCH", "SECH", "ASINH", "ATANH",
             "DEGREES", "RADIANS"]
    x = torch.tensor([0.3, 0.6], dtype=torch.float64, requires_grad=True)
    for name in names:
        kernel = FUNCTIONS[name].kernel
        y = kernel(torch, x)
        expected = [FUNCTIONS[name].impl(v) for v in (0.3, 0.6)]
        assert np.allclose(y.detach().numpy(), expected), name
        if name != "SIGN":
            assert torch.autograd.gradcheck(lambda t: kernel(torch, t), (x,)), name
    two = [FUNCTIONS[n].kernel for n in ("POWER", "ATAN2", "LOG")]
    a = torch.tensor([1.5, 2.5], dtype=torch.float64, requires_grad=True)
    b = torch.tensor([2.0, 3.0], dtype=torch.float64, requires_grad=True)
    for kernel in two:
        assert torch.autograd.gradcheck(lambda s, t: kernel(torch, s, t), (a, b))
    assert FUNCTIONS["ACOSH"].kernel(torch, torch.tensor([2.0])).item() == pytest.approx(math.acosh(2))
    assert FUNCTIONS["ACOTH"].kernel(torch, torch.tensor([2.0])).item() == pytest.approx(0.5493061443340549)
    assert FUNCTIONS["LOG"].kernel(torch, torch.tensor([100.0])).item() == pytest.approx(2.0)


def test_random_functions_are_volatile_and_seeded(wb):
    for name in ("RAND", "RANDBETWEEN", "RANDARRAY"):
        assert FUNCTIONS[name].volatile
    for _ in range(50):
        r = wb.evaluate("=RAND()")
        assert 0 <= r < 1
        k = wb.evaluate("=RANDBETWEEN(-2,2.5)")
        assert k in (-2.0, -1.0, 0.0, 1.0, 2.0)
    assert wb.evaluate("=RANDBETWEEN(3,2)") == E.NUM
    arr = wb.evaluate("=RANDARRAY(3,2,5,10,TRUE)")
    assert arr.shape == (3, 2) and all(v in {5.0, 6.0, 7.0, 8.0, 9.0, 10.0} for v in arr.flat)
    assert wb.evaluate("=RANDARRAY(0)") == E.CALC
    assert wb.evaluate("=RANDARRAY(2,2,3,1)") == E.VALUE
    assert wb.evaluate("=RANDARRAY()").shape == (1, 1)


COMPILED = ["=PI()*A1", "=LOG(A1)", "=LOG(A1,B1)", "=ATAN2(A1,B1)", "=POWER(A1,B1)", "=SQRTPI(A1)*EXP(-A1)",
            "=SIN(A1)+COT(A1)+CSC(B1)+SEC(A1)", "=ACOTH(B1)+ACOT(A1)+ASINH(A1)+ACOSH(B1)+ATANH(A1/2)",
            "=COTH(A1)+CSCH(A1)+SECH(B1)", "=DEGREES(A1)+RADIANS(B1)", "=ABS(A1-B1)^2", "=SUMSQ(A1,B1)",
            "=PRODUCT(A1,B1,3)", "=SUM(A1:B1)*LN(B1)"]


@pytest.mark.parametrize("formula", COMPILED)
def test_kernels_compile_to_the_engine_values_and_gradients(formula):
    """What the grid shows is what the solver minimises: the compiled value equals the engine's, and the
    gradient matches central finite differences."""
    torch = pytest.importorskip("torch")
    from gdsheet.compile import compile_program

    book = Workbook()
    book.add_sheet("S")
    book.set_values([("S", 1, 1, 0.7), ("S", 1, 2, 2.0)])
    book.set_formula("S", 2, 1, formula)
    program = compile_program(book, [("S", 2, 1)], [("S", 1, 1), ("S", 1, 2)])
    x = torch.tensor([0.7, 2.0], dtype=torch.float64, requires_grad=True)
    (y,) = program.forward(x)
    assert y.item() == pytest.approx(book.get("S", 2, 1), rel=1e-12)
    y.backward()
    for i in range(2):
        h = torch.zeros(2, dtype=torch.float64)
        h[i] = 1e-6
        with torch.no_grad():
            fd = (program.forward(x + h)[0] - program.forward(x - h)[0]).item() / 2e-6
        assert x.grad[i].item() == pytest.approx(fd, rel=1e-5, abs=1e-7)
