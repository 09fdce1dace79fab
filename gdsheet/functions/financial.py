"""Excel's time-value-of-money functions: PV, FV, PMT, IPMT, PPMT, NPER, RATE, NPV, IRR, MIRR, XNPV, XIRR, ...

The annuity functions are written once as kernels over an array namespace (numpy or torch), so a loan or savings
model can be optimised by the solver as well as shown in the grid. Excel's sign convention holds throughout: money
paid out is negative, money received positive; `type` 1 means payments at the start of each period.
"""
from __future__ import annotations

import math

import numpy as np

from gdsheet import errors as E
from gdsheet.functions.datetime import toolpak_numbers
from gdsheet.functions.registry import excel
from gdsheet.values import is_number

CAT = "Financial"


# ---- kernels (numpy or torch) ----------------------------------------------------------------------------------

def _compounding(xp, rate, nper):
    """(1+rate)^nper and the annuity factor ((1+rate)^nper - 1)/rate, exact at rate 0 in value and gradient: a
    solver that starts from a zero rate must still see how the result moves with it."""
    growth = (1 + rate) ** nper
    small = xp.abs(rate) < 1e-8
    r = xp.where(small, 1.0, rate)  # a safe rate keeps the branch not taken (and its gradient) finite
    series = nper + nper * (nper - 1) / 2 * rate + nper * (nper - 1) * (nper - 2) / 6 * rate ** 2
    r_log = xp.where(rate > -1, r, 1.0)  # expm1/log1p keep small rates exact; below -100% only the power works
    exact = xp.where(rate > -1, xp.expm1(nper * xp.log1p(r_log)) / r_log, (growth - 1) / r)
    return growth, xp.where(small, series, exact)


def fv_kernel(xp, rate, nper, pmt, pv=0.0, type_=0.0):
    t = (type_ != 0) + 0 * rate  # Excel treats any nonzero type as 1; `+ 0 * rate` makes it rate's kind of array
    growth, annuity = _compounding(xp, rate, nper)
    return -(pv * growth + pmt * (1 + rate * t) * annuity)


def pv_kernel(xp, rate, nper, pmt, fv=0.0, type_=0.0):
    t = (type_ != 0) + 0 * rate
    growth, annuity = _compounding(xp, rate, nper)
    return -(fv + pmt * (1 + rate * t) * annuity) / growth


def pmt_kernel(xp, rate, nper, pv, fv=0.0, type_=0.0):
    t = (type_ != 0) + 0 * rate
    growth, annuity = _compounding(xp, rate, nper)
    return -(pv * growth + fv) / ((1 + rate * t) * annuity)


def _owed_after(xp, rate, k, nper, pmt, pv, fv, t):
    """FV after k of nper periods (minus the balance still owed), from whichever end is better conditioned: late
    in a long high-rate loan the forward formula subtracts two huge numbers, while the payments left are few."""
    forward = fv_kernel(xp, rate, k, pmt, pv, t)
    backward = -pv_kernel(xp, rate, nper - k, pmt, fv, t)
    return xp.where(k <= nper / 2, forward, backward)


def ipmt_kernel(xp, rate, per, nper, pv, fv=0.0, type_=0.0):
    """Interest part of payment `per`: the rate times the balance before it; with payments in advance the first
    period carries no interest and the others are paid a period early, so discounted by one."""
    t = (type_ != 0) + 0 * rate
    pmt = pmt_kernel(xp, rate, nper, pv, fv, t)
    interest = _owed_after(xp, rate, per - 1, nper, pmt, pv, fv, t) * rate
    interest = xp.where(t != 0, xp.where(per == 1, 0.0 * rate, interest / (1 + rate)), interest)
    return xp.where((per < 1) | (per > nper), math.nan, interest)  # outside 1..nper is #NUM!


def ppmt_kernel(xp, rate, per, nper, pv, fv=0.0, type_=0.0):
    return pmt_kernel(xp, rate, nper, pv, fv, type_) - ipmt_kernel(xp, rate, per, nper, pv, fv, type_)


def nper_kernel(xp, rate, pmt, pv, fv=0.0, type_=0.0):
    t = (type_ != 0) + 0 * rate
    zero = rate == 0
    r = xp.where(zero, 1.0, rate)
    due = pmt * (1 + r * t)
    return xp.where(zero, -(pv + fv) / pmt, xp.log((due - fv * r) / (due + pv * r)) / xp.log1p(r))


def _run(kernel, *args):
    """A kernel on floats, as the grid computes it: non-finite results are #NUM!."""
    with np.errstate(all="ignore"):
        y = float(kernel(np, *(np.float64(a) for a in args)))  # numpy: (-1.5)**0.5 is NaN
    return y if math.isfinite(y) else E.NUM


def _defaults(args: tuple, count: int) -> tuple:
    """Optional trailing arguments: missing or empty ones are 0 (Excel's default for fv, pv and type)."""
    return tuple(0.0 if a is None else a for a in args) + (0.0,) * (count - len(args))


# ---- the annuity functions -------------------------------------------------------------------------------------

@excel("FV", "num", "num", "num", "num", "num", category=CAT, min_args=3, kernel=fv_kernel,
       syntax="FV(rate, nper, pmt, [pv], [type])",
       summary="The future value of an investment with constant payments and a constant interest rate.")
def fv(rate, nper, pmt, *rest):
    # Excel quirk: any nonzero type counts as payments at the start of the period.
    return _run(fv_kernel, rate, nper, pmt, *_defaults(rest, 2))


@excel("PV", "num", "num", "num", "num", "num", category=CAT, min_args=3, kernel=pv_kernel,
       syntax="PV(rate, nper, pmt, [fv], [type])",
       summary="The present value of a series of constant future payments at a constant interest rate.")
def pv(rate, nper, pmt, *rest):
    # Excel quirk: a zero rate is the plain sum of the payments, not a division by zero; a rate of -100% is.
    return E.DIV0 if rate == -1 else _run(pv_kernel, rate, nper, pmt, *_defaults(rest, 2))


@excel("PMT", "num", "num", "num", "num", "num", category=CAT, min_args=3, kernel=pmt_kernel,
       syntax="PMT(rate, nper, pv, [fv], [type])",
       summary="The constant payment per period that pays off a loan (or reaches fv) at a constant interest rate.")
def pmt(rate, nper, pv_, *rest):
    # Excel quirk: nper of 0 is #NUM!; a zero rate spreads pv + fv evenly.
    return _run(pmt_kernel, rate, nper, pv_, *_defaults(rest, 2))


@excel("IPMT", "num", "num", "num", "num", "num", "num", category=CAT, min_args=4, kernel=ipmt_kernel,
       syntax="IPMT(rate, per, nper, pv, [fv], [type])",
       summary="The interest part of the payment for period per of a loan with constant payments.")
def ipmt(rate, per, nper, pv_, *rest):
    # Excel quirk: per outside 1..nper is #NUM!; with type 1 the first period's interest is 0.
    return _run(ipmt_kernel, rate, per, nper, pv_, *_defaults(rest, 2))


@excel("PPMT", "num", "num", "num", "num", "num", "num", category=CAT, min_args=4, kernel=ppmt_kernel,
       syntax="PPMT(rate, per, nper, pv, [fv], [type])",
       summary="The principal part of the payment for period per of a loan with constant payments.")
def ppmt(rate, per, nper, pv_, *rest):
    # Excel quirk: PPMT + IPMT is always PMT.
    return _run(ppmt_kernel, rate, per, nper, pv_, *_defaults(rest, 2))


@excel("NPER", "num", "num", "num", "num", "num", category=CAT, min_args=3, kernel=nper_kernel,
       syntax="NPER(rate, pmt, pv, [fv], [type])",
       summary="The number of periods needed to pay off a loan (or reach fv) with constant payments.")
def nper(rate, pmt_, pv_, *rest):
    # Excel quirk: the result is fractional; a balance the payments never reach is #NUM!, no payment at no
    # interest #DIV/0!.
    if rate == 0 and pmt_ == 0:
        return E.DIV0
    return _run(nper_kernel, rate, pmt_, pv_, *_defaults(rest, 2))


def newton(f, guess: float, iterations: int, tolerance: float):
    """Newton's method on f(x) -> (value, slope), halving any step that leaves f's domain (a rate <= -100%);
    the root once a full step is within tolerance, or #NUM! when it does not settle."""
    x = guess
    value, slope = f(x)
    for _ in range(iterations):
        if not (math.isfinite(value) and math.isfinite(slope)) or slope == 0:
            break
        step, full = value / slope, True
        for _ in range(60):
            value, slope = f(x - step)
            if math.isfinite(value) and math.isfinite(slope):
                break
            step, full = step / 2, False
        x -= step
        if full and abs(step) <= tolerance:
            return x
    return E.NUM.because("the iteration did not converge; try another guess")


def _annuity_and_slope(n, pmt_, pv_, fv_, t):
    """The balance equation RATE solves, pv(1+r)^n + pmt(1+rt)((1+r)^n - 1)/r + fv = 0, and its derivative."""
    def f(r):
        if r <= -1:
            return math.nan, math.nan
        g, dg = (1 + r) ** n, n * (1 + r) ** (n - 1)
        if abs(r) < 1e-12:  # the limits at r = 0
            a, da = n, n * (n - 1) / 2
        else:
            a, da = (g - 1) / r, (dg * r - (g - 1)) / (r * r)
        return pv_ * g + pmt_ * (1 + r * t) * a + fv_, pv_ * dg + pmt_ * t * a + pmt_ * (1 + r * t) * da
    return f


@excel("RATE", "num", "num", "num", "num", "num", "num", category=CAT, min_args=3,
       syntax="RATE(nper, pmt, pv, [fv], [type], [guess])",
       summary="The interest rate per period of an annuity, found by iteration from guess (default 10%).")
def rate(n, pmt_, pv_, *rest):
    # Excel quirk: Newton's method from guess (0.1) to within 1e-7, else #NUM! (Excel stops after 20 steps; a
    # step past -100% is halved here, where Excel may give up).
    fv_, t, guess = (list(rest) + [None] * 3)[:3]
    f = _annuity_and_slope(n, pmt_, pv_, fv_ or 0.0, 1.0 if t else 0.0)
    return newton(f, 0.1 if guess is None else guess, 50, 1e-7)


# ---- discounted cash flows -------------------------------------------------------------------------------------

@excel("NPV", "num", "values", category=CAT, min_args=2, max_args=None, syntax="NPV(rate, value1, [value2], ...)",
       summary="The net present value of cash flows at the end of each future period, discounted at rate.")
def npv(rate_, *groups):
    # Excel quirk: the first value is discounted one full period; as documented, only numbers count, even among
    # direct arguments (TRUE and "3" are skipped), while errors propagate.
    if rate_ == -1:
        return E.DIV0
    values = []
    for x in (x for g in groups for x in g.flat):
        if isinstance(x, E.ExcelError):
            return x
        if is_number(x):
            values.append(float(x))
    total = sum(v / (1 + rate_) ** (i + 1) for i, v in enumerate(values))
    return total if math.isfinite(total) else E.NUM


def _npv_and_slope(values: list[float]):
    def f(r):
        if r <= -1:
            return math.nan, math.nan
        return (sum(v / (1 + r) ** i for i, v in enumerate(values)),
                sum(-i * v / (1 + r) ** (i + 1) for i, v in enumerate(values)))
    return f


def _mixed_signs(values) -> bool:
    return any(v > 0 for v in values) and any(v < 0 for v in values)


@excel("IRR", "nums", "num", category=CAT, min_args=1, syntax="IRR(values, [guess])",
       summary="The internal rate of return of periodic cash flows: the rate at which their NPV is zero.")
def irr(values: list[float], guess: float | None = 0.1):
    # Excel quirk: needs a payment and a receipt; Newton from guess (0.1) to within 1e-7, else #NUM!.
    if not _mixed_signs(values):
        return E.NUM.because("the cash flows need at least one positive and one negative value")
    return newton(_npv_and_slope(values), 0.1 if guess is None else guess, 50, 1e-7)


@excel("MIRR", "nums", "num", "num", category=CAT, syntax="MIRR(values, finance_rate, reinvest_rate)",
       summary="The modified internal rate of return: payments financed at finance_rate, receipts reinvested at "
               "reinvest_rate.")
def mirr(values: list[float], finance: float, reinvest: float):
    # Excel quirk: without both a payment and a receipt the result is #DIV/0!.
    n = len(values)
    if not _mixed_signs(values) or finance == -1 or reinvest == -1:
        return E.DIV0
    receipts = sum(v * (1 + reinvest) ** (n - 1 - i) for i, v in enumerate(values) if v > 0)
    payments = sum(v / (1 + finance) ** i for i, v in enumerate(values) if v < 0)
    ratio = -receipts / payments
    return ratio ** (1 / (n - 1)) - 1 if ratio > 0 and n > 1 else E.DIV0


def _flows(values, dates):
    """Cash flows and their whole-day dates from two equal-sized ranges; any non-number is #VALUE!."""
    vs, ds = np.asarray(values, dtype=object).ravel(), np.asarray(dates, dtype=object).ravel()
    for x in (*vs, *ds):
        if isinstance(x, E.ExcelError):
            return x
    if any(isinstance(x, bool) or not is_number(x) for x in (*vs, *ds)):
        return E.VALUE.because("values and dates must be numbers")
    if len(vs) != len(ds):
        return E.NUM.because("values and dates must have the same number of cells")
    days = [math.floor(d) for d in ds]
    if any(d < 0 or d < days[0] for d in days):
        return E.NUM.because("a date precedes the first date")
    return [float(v) for v in vs], [(d - days[0]) / 365 for d in days]


def _xnpv_and_slope(values, years):
    def f(r):
        if r <= -1:
            return math.nan, math.nan
        return (sum(v / (1 + r) ** y for v, y in zip(values, years)),
                sum(-y * v / (1 + r) ** (y + 1) for v, y in zip(values, years)))
    return f


@excel("XNPV", "num", "values", "values", category=CAT, syntax="XNPV(rate, values, dates)",
       summary="The net present value of cash flows on given dates, discounted at an annual rate (365-day years).")
def xnpv(rate_: float, values, dates):
    # Excel quirk: each flow is discounted by (date - first date) / 365 years; a date before the first is #NUM!.
    flows = _flows(values, dates)
    if isinstance(flows, E.ExcelError):
        return flows
    if rate_ <= -1:
        return E.NUM.because("rate must be greater than -1")
    total = _xnpv_and_slope(*flows)(rate_)[0]
    return total if math.isfinite(total) else E.NUM


@excel("XIRR", "values", "values", "num", category=CAT, min_args=2, syntax="XIRR(values, dates, [guess])",
       summary="The annual internal rate of return of cash flows on given dates: the rate at which XNPV is zero.")
def xirr(values, dates, guess: float | None = 0.1):
    # Excel quirk: Newton from guess (0.1), at most 100 steps to within 1e-8, else #NUM!.
    flows = _flows(values, dates)
    if isinstance(flows, E.ExcelError):
        return flows
    if not _mixed_signs(flows[0]):
        return E.NUM.because("the cash flows need at least one positive and one negative value")
    return newton(_xnpv_and_slope(*flows), 0.1 if guess is None else guess, 100, 1e-8)


# ---- interest-rate conversions and cumulative payments ---------------------------------------------------------

@excel("EFFECT", "scalar", "scalar", category=CAT, syntax="EFFECT(nominal_rate, npery)",
       summary="The effective annual interest rate of a nominal rate compounded npery times a year.")
def effect(nominal_rate, npery):
    args = _rate_and_periods(nominal_rate, npery, "nominal_rate")
    if isinstance(args, E.ExcelError):
        return args
    r, p = args
    return (1 + r / p) ** p - 1


@excel("NOMINAL", "scalar", "scalar", category=CAT, syntax="NOMINAL(effect_rate, npery)",
       summary="The nominal annual interest rate that, compounded npery times a year, gives the effective rate.")
def nominal(effect_rate, npery):
    args = _rate_and_periods(effect_rate, npery, "effect_rate")
    if isinstance(args, E.ExcelError):
        return args
    r, p = args
    return p * ((1 + r) ** (1 / p) - 1)


def _rate_and_periods(rate, npery, rate_name: str):
    """EFFECT's and NOMINAL's arguments. Excel quirk: npery is truncated; a rate <= 0 or npery < 1 is #NUM!;
    TRUE/FALSE are refused."""
    nums = toolpak_numbers(rate, npery)
    if isinstance(nums, E.ExcelError):
        return nums
    r, p = nums[0], math.trunc(nums[1])
    if r <= 0 or p < 1:
        return E.NUM.because(f"{rate_name} must be positive and npery at least 1")
    return r, p


def _cumulative(kernel, *args):
    """CUMIPMT/CUMPRINC: the kernel summed over the periods start..end."""
    nums = toolpak_numbers(*args)
    if isinstance(nums, E.ExcelError):
        return nums
    rate_, n, pv_, start, end, t = nums
    start, end = math.ceil(start), math.floor(end)  # only whole periods inside the range count
    if rate_ <= 0 or n <= 0 or pv_ <= 0 or not 1 <= start <= end <= n or t not in (0, 1):
        return E.NUM.because("needs rate, nper, pv > 0, 1 <= start_period <= end_period <= nper, type 0 or 1")
    periods = np.arange(start, end + 1, dtype=float)
    with np.errstate(all="ignore"):
        total = float(np.sum(kernel(np, rate_, periods, n, pv_, 0.0, t)))
    return total if math.isfinite(total) else E.NUM


@excel("CUMIPMT", "scalar", "scalar", "scalar", "scalar", "scalar", "scalar", category=CAT,
       syntax="CUMIPMT(rate, nper, pv, start_period, end_period, type)",
       summary="The total interest paid on a loan between two periods (inclusive).")
def cumipmt(rate_, n, pv_, start, end, t):
    # Excel quirk: unlike IPMT, pv must be positive and type exactly 0 or 1 (TRUE/FALSE refused).
    return _cumulative(ipmt_kernel, rate_, n, pv_, start, end, t)


@excel("CUMPRINC", "scalar", "scalar", "scalar", "scalar", "scalar", "scalar", category=CAT,
       syntax="CUMPRINC(rate, nper, pv, start_period, end_period, type)",
       summary="The total principal repaid on a loan between two periods (inclusive).")
def cumprinc(rate_, n, pv_, start, end, t):
    # Excel quirk: unlike PPMT, pv must be positive and type exactly 0 or 1 (TRUE/FALSE refused).
    return _cumulative(ppmt_kernel, rate_, n, pv_, start, end, t)
