"""Probability distributions and special functions, against Microsoft's documented examples; kernels vs impls."""
import math

import numpy as np
import pytest
import torch

from gdsheet import errors as E
from gdsheet.functions import FUNCTIONS


@pytest.mark.parametrize("formula,expected", [
    ("=NORM.DIST(42,40,1.5,TRUE)", 0.9087888), ("=NORM.DIST(42,40,1.5,FALSE)", 0.10934005),
    ("=NORMDIST(42,40,1.5,TRUE)", 0.9087888), ("=NORM.INV(0.908789,40,1.5)", 42.000002),
    ("=NORMINV(0.908789,40,1.5)", 42.000002), ("=NORM.S.DIST(1.333333,TRUE)", 0.908788726),
    ("=NORM.S.DIST(1.333333,FALSE)", 0.164010148), ("=NORMSDIST(1.333333)", 0.908788726),
    ("=NORM.S.INV(0.908789)", 1.3333347), ("=NORMSINV(0.908789)", 1.3333347),
    ("=STANDARDIZE(42,40,1.5)", 1.33333333), ("=PHI(0.75)", 0.301137432), ("=GAUSS(2)", 0.47724987),
    ("=GAMMA(2.5)", 1.329340388), ("=GAMMA(-3.75)", 0.267866129), ("=GAMMALN(4)", 1.791759469),
    ("=GAMMALN.PRECISE(4)", 1.791759469), ("=GAMMA.DIST(10.00001131,9,2,FALSE)", 0.032639),
    ("=GAMMA.DIST(10.00001131,9,2,TRUE)", 0.068094), ("=GAMMA.INV(0.068094,9,2)", 10.0000112),
    ("=GAMMAINV(0.068094,9,2)", 10.0000112), ("=EXPON.DIST(0.2,10,TRUE)", 0.86466472),
    ("=EXPON.DIST(0.2,10,FALSE)", 1.35335283), ("=LOGNORM.DIST(4,3.5,1.2,TRUE)", 0.0390836),
    ("=LOGNORM.DIST(4,3.5,1.2,FALSE)", 0.0176176), ("=LOGNORM.INV(0.039084,3.5,1.2)", 4.0000252),
    ("=BINOM.DIST(6,10,0.5,FALSE)", 0.2050781), ("=BINOMDIST(6,10,0.5,TRUE)", 0.828125),
    ("=POISSON.DIST(2,5,TRUE)", 0.124652), ("=POISSON.DIST(2,5,FALSE)", 0.084224),
    ("=T.DIST(60,1,TRUE)", 0.99469533), ("=T.DIST(8,3,FALSE)", 0.00073691),
    ("=T.DIST.2T(1.959999998,60)", 0.054645), ("=T.DIST.RT(1.959999998,60)", 0.0273225),
    ("=TDIST(1.959999998,60,2)", 0.054645), ("=T.INV(0.75,2)", 0.8164966), ("=T.INV.2T(0.546449,60)", 0.606533),
    ("=TINV(0.546449,60)", 0.606533), ("=CHISQ.DIST(0.5,1,TRUE)", 0.52049988), ("=CHISQ.DIST(2,3,FALSE)", 0.20755375),
    ("=CHISQ.DIST.RT(18.307,10)", 0.0500006), ("=CHISQ.INV(0.93,1)", 3.283020287),
    ("=CHISQ.INV(0.6,2)", 1.832581464), ("=CHISQ.INV.RT(0.050001,10)", 18.306973),
    ("=F.DIST(15.2069,6,4,TRUE)", 0.99), ("=F.DIST(15.2069,6,4,FALSE)", 0.0012238),
    ("=F.DIST.RT(15.2069,6,4)", 0.01), ("=F.INV(0.01,6,4)", 0.10930991), ("=F.INV.RT(0.01,6,4)", 15.20686),
    ("=BETA.DIST(2,8,10,TRUE,1,3)", 0.6854706), ("=BETA.DIST(2,8,10,FALSE,1,3)", 1.4837646),
    ("=BETA.INV(0.685470581,8,10,1,3)", 2.0), ("=WEIBULL.DIST(105,20,100,TRUE)", 0.929581),
    ("=WEIBULL.DIST(105,20,100,FALSE)", 0.035589), ("=CONFIDENCE.NORM(0.05,2.5,50)", 0.692952),
    ("=CONFIDENCE(0.05,2.5,50)", 0.692952), ("=CONFIDENCE.T(0.05,1,50)", 0.284196855),
    ("=FISHER(0.75)", 0.9729551), ("=FISHERINV(0.972955)", 0.75), ("=ERF(0.745)", 0.70792892),
    ("=ERF(1)", 0.84270079), ("=ERF(0,1)", 0.84270079), ("=ERF.PRECISE(0.745)", 0.70792892),
    ("=ERFC(1)", 0.15729921), ("=ERFC.PRECISE(1)", 0.15729921),
])
def test_documented_examples(wb, formula, expected):
    assert wb.evaluate(formula) == pytest.approx(expected, rel=1e-5)


@pytest.mark.parametrize("formula", [
    "=NORM.DIST(1,0,0,TRUE)", "=NORM.DIST(1,0,-1,FALSE)", "=NORM.INV(0,0,1)", "=NORM.INV(1,0,1)",
    "=NORM.INV(0.5,0,0)", "=NORM.S.INV(0)", "=STANDARDIZE(1,0,0)", "=GAMMA(0)", "=GAMMA(-2)", "=GAMMA(172)",
    "=GAMMALN(0)", "=GAMMALN(-1.5)", "=GAMMA.DIST(-1,2,3,TRUE)", "=GAMMA.DIST(1,0,3,TRUE)", "=GAMMA.INV(1.1,2,3)",
    "=GAMMA.INV(1,2,3)", "=EXPON.DIST(-1,1,TRUE)", "=EXPON.DIST(1,0,TRUE)", "=LOGNORM.DIST(0,1,1,TRUE)",
    "=LOGNORM.INV(1,0,1)", "=BINOM.DIST(6,5,0.5,TRUE)", "=BINOM.DIST(1,5,1.5,TRUE)", "=POISSON.DIST(-1,2,TRUE)",
    "=T.DIST(1,0.5,TRUE)", "=T.DIST.2T(-1,3)", "=T.INV(1,3)", "=T.INV.2T(0,3)", "=TDIST(1,3,3)",
    "=CHISQ.DIST(-1,2,TRUE)", "=CHISQ.INV(1.5,2)", "=F.DIST(1,0,2,TRUE)", "=BETA.DIST(0.5,2,3,TRUE,0,0)",
    "=BETA.DIST(1.5,2,3,TRUE)", "=BETA.INV(0,2,3)", "=WEIBULL.DIST(1,0,1,TRUE)", "=CONFIDENCE.NORM(1,1,10)",
    "=CONFIDENCE.NORM(0.05,1,0.5)", "=FISHER(1)", "=FISHER(-1.5)",
])
def test_outside_the_domain_is_num(wb, formula):
    assert wb.evaluate(formula) == E.NUM


@pytest.mark.parametrize("formula,expected", [
    ("=CONFIDENCE.T(0.05,1,1)", E.DIV0), ("=T.DIST(1.5,2.9,TRUE)", 0.8638034375544994),  # df truncated to 2
    ("=BINOM.DIST(2.7,5.9,0.5,FALSE)", 0.3125), ("=GAMMA.INV(0,2,3)", 0.0), ("=T.INV.2T(1,5)", 0.0),
    ("=ERF(-1)", -0.8427007929497149), ('=NORM.DIST("1",0,1,TRUE)', 0.8413447460685429),
    ('=NORM.DIST("a",0,1,TRUE)', E.VALUE), ("=NORM.S.DIST({0,1},TRUE)", None),
])
def test_quirks(wb, formula, expected):
    got = wb.evaluate(formula)
    if expected is None:  # lifted over an array
        assert got.tolist() == [[0.5, pytest.approx(0.8413447460685429)]]
    else:
        assert got == (pytest.approx(expected, rel=1e-12) if isinstance(expected, float) else expected)


# kernels are what the solver compiles: they must agree with the engine's own implementation, in numpy and torch
KERNEL_CASES = [
    ("NORM.DIST", (0.7, 0.2, 1.3, True)), ("NORM.DIST", (0.7, 0.2, 1.3, False)), ("NORM.S.DIST", (-0.4, True)),
    ("NORM.S.DIST", (-0.4, False)), ("NORMSDIST", (1.1,)), ("NORM.S.INV", (0.3,)), ("NORM.INV", (0.3, 2.0, 0.5)),
    ("PHI", (0.75,)), ("GAUSS", (2.0,)), ("STANDARDIZE", (42.0, 40.0, 1.5)), ("ERF", (0.745,)), ("ERF", (0.2, 1.0)),
    ("ERF.PRECISE", (0.5,)), ("ERFC", (1.0,)), ("FISHER", (0.75,)), ("FISHERINV", (0.9,)), ("GAMMALN", (4.5,)),
]


@pytest.mark.parametrize("name,args", KERNEL_CASES)
def test_kernels_agree_with_the_engine(name, args):
    spec = FUNCTIONS[name]
    expected = spec.impl(*args)
    assert float(spec.kernel(np, *args)) == pytest.approx(expected, rel=1e-12)
    t = spec.kernel(torch, *(torch.tensor(float(a), dtype=torch.float64) for a in args))
    assert float(t) == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize("name,args", [("NORM.DIST", (1.0, 0.0, -1.0, False)), ("NORM.INV", (0.3, 1.0, 0.0)),
                                       ("STANDARDIZE", (1.0, 0.0, 0.0)), ("GAMMALN", (-1.5,))])
def test_kernels_turn_a_bad_scale_into_nan(name, args):
    assert math.isnan(float(FUNCTIONS[name].kernel(torch, *(torch.tensor(float(a)) for a in args))))


def test_norm_dist_kernel_has_gradients():
    x = torch.tensor(0.3, dtype=torch.float64, requires_grad=True)
    FUNCTIONS["NORM.DIST"].kernel(torch, x, torch.tensor(0.0), torch.tensor(1.0), True).backward()
    assert float(x.grad) == pytest.approx(math.exp(-0.045) / math.sqrt(2 * math.pi))
