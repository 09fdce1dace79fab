"""Probability distributions and special functions: NORM.*, T.*, CHISQ.*, F.*, GAMMA*, BETA.*, ERF, and kin."""
from __future__ import annotations

import math

import numpy as np

from gdsheet import errors as E
from gdsheet.functions.registry import elementwise, excel
from gdsheet.lazy_modules import lazy_module

sc = lazy_module("scipy.special")
st = lazy_module("scipy.stats")

CAT = "Statistical"
SQRT_2PI = math.sqrt(2 * math.pi)


def _special(xp):
    """The special-function module of an array namespace: scipy.special for numpy, torch.special for torch."""
    return sc if xp is np else xp.special


def _positive(xp, s):
    """0 where s > 0 and NaN elsewhere: added to a kernel's result, it turns a bad scale into #NUM!."""
    return 0 * xp.log(s)


def _pick(xp, flag, a, b):
    """a where flag is true, else b, for a flag that is a Python value or a tensor."""
    return (a if flag else b) if isinstance(flag, (bool, int, float)) else xp.where(flag != 0, a, b)


def _result(x) -> float:
    """A float result; a non-finite one (overflow, outside the domain) is #NUM!."""
    x = float(x)
    return x if math.isfinite(x) else E.NUM


def _bad(what: str):
    return E.NUM.because(what)


def _df(d: float, limit: float = 1e10):
    """Degrees of freedom are truncated and must be at least 1."""
    d = math.trunc(d)
    return d if 1 <= d <= limit else None


# ---- normal ----------------------------------------------------------------------------------------------------

def _norm_kernel(xp, x, m, s, cumulative):
    z = (x - m) / s
    pdf = xp.exp(-z * z / 2) / (s * SQRT_2PI)
    return _pick(xp, cumulative, _special(xp).ndtr(z), pdf) + _positive(xp, s)


@excel("NORM.DIST", "num", "num", "num", "bool", category=CAT, aliases=("NORMDIST",), kernel=_norm_kernel,
       syntax="NORM.DIST(x, mean, standard_dev, cumulative)",
       summary="The normal distribution: its cumulative probability, or its density when cumulative is FALSE.")
def norm_dist(x, m, s, cumulative):
    # standard_dev <= 0 is #NUM!
    return _result(_norm_kernel(np, x, m, s, cumulative)) if s > 0 else _bad("standard_dev must be positive")


def _norm_s_kernel(xp, z, cumulative):
    return _pick(xp, cumulative, _special(xp).ndtr(z), xp.exp(-z * z / 2) / SQRT_2PI)


@excel("NORM.S.DIST", "num", "bool", category=CAT, kernel=_norm_s_kernel, syntax="NORM.S.DIST(z, cumulative)",
       summary="The standard normal distribution (mean 0, standard deviation 1), cumulative or density.")
def norm_s_dist(z, cumulative):
    return _result(_norm_s_kernel(np, z, cumulative))


elementwise("NORMSDIST", lambda xp, z: _special(xp).ndtr(z), category=CAT, syntax="NORMSDIST(z)",
            summary="The cumulative standard normal distribution (older name of NORM.S.DIST(z, TRUE)).")
elementwise("NORM.S.INV", lambda xp, p: _special(xp).ndtri(p), category=CAT, syntax="NORM.S.INV(probability)",
            aliases=("NORMSINV",), summary="The z such that the standard normal distribution below z is probability.")
elementwise("NORM.INV", lambda xp, p, m, s: m + s * _special(xp).ndtri(p) + _positive(xp, s), "num", "num", "num",
            category=CAT, aliases=("NORMINV",), syntax="NORM.INV(probability, mean, standard_dev)",
            summary="The x such that the normal distribution below x is probability.")
elementwise("PHI", lambda xp, x: xp.exp(-x * x / 2) / SQRT_2PI, category=CAT, syntax="PHI(x)",
            summary="The density of the standard normal distribution at x.")
elementwise("GAUSS", lambda xp, z: _special(xp).ndtr(z) - 0.5, category=CAT, syntax="GAUSS(z)",
            summary="The probability that a standard normal value lies between the mean and z standard deviations.")
elementwise("STANDARDIZE", lambda xp, x, m, s: (x - m) / s + _positive(xp, s), "num", "num", "num", category=CAT,
            syntax="STANDARDIZE(x, mean, standard_dev)",
            summary="How many standard deviations x lies from the mean: (x - mean) / standard_dev.")
elementwise("ERF", lambda xp, a, b=None: _special(xp).erf(a) if b is None else
            _special(xp).erf(b) - _special(xp).erf(a), "num", "num", min_args=1, category="Engineering",
            syntax="ERF(lower_limit, [upper_limit])",
            summary="The error function integrated from 0 to lower_limit, or between the two limits.")
elementwise("ERF.PRECISE", lambda xp, x: _special(xp).erf(x), category="Engineering", syntax="ERF.PRECISE(x)",
            summary="The error function integrated from 0 to x.")
elementwise("ERFC", lambda xp, x: _special(xp).erfc(x), category="Engineering", syntax="ERFC(x)",
            aliases=("ERFC.PRECISE",), summary="The complementary error function, 1 - ERF(x).")
elementwise("FISHER", lambda xp, x: 0.5 * xp.log((1 + x) / (1 - x)), category=CAT, syntax="FISHER(x)",
            summary="The Fisher transformation of x (between -1 and 1), which makes correlations roughly normal.")
elementwise("FISHERINV", lambda xp, y: xp.tanh(y), category=CAT, syntax="FISHERINV(y)",
            summary="The inverse of the Fisher transformation.")
elementwise("GAMMALN", lambda xp, x: _special(xp).gammaln(x) + _positive(xp, x), category=CAT,
            syntax="GAMMALN(x)", aliases=("GAMMALN.PRECISE",),
            summary="The natural logarithm of the gamma function, for x > 0.")


@excel("GAMMA", "num", category=CAT, syntax="GAMMA(number)", summary="The gamma function: GAMMA(n+1) is n!.")
def gamma(x):
    # zero and the negative integers are poles: #NUM!; other negative numbers are fine
    if x <= 0 and x == math.floor(x):
        return _bad("GAMMA is undefined at 0 and the negative integers")
    return _result(sc.gamma(x))


def _lognorm_check(x, s):
    return None if x > 0 and s > 0 else _bad("x and standard_dev must be positive")


@excel("LOGNORM.DIST", "num", "num", "num", "bool", category=CAT, syntax="LOGNORM.DIST(x, mean, standard_dev, cumulative)",
       summary="The lognormal distribution of x, where ln(x) is normal with the given mean and standard deviation.")
def lognorm_dist(x, m, s, cumulative):
    # x <= 0 or standard_dev <= 0 is #NUM!
    bad = _lognorm_check(x, s)
    if bad:
        return bad
    z = (math.log(x) - m) / s
    return _result(sc.ndtr(z) if cumulative else math.exp(-z * z / 2) / (x * s * SQRT_2PI))


@excel("LOGNORMDIST", "num", "num", "num", category=CAT, syntax="LOGNORMDIST(x, mean, standard_dev)",
       summary="The cumulative lognormal distribution (older name of LOGNORM.DIST(x, mean, sd, TRUE)).")
def lognormdist(x, m, s):
    return lognorm_dist(x, m, s, True)


@excel("LOGNORM.INV", "num", "num", "num", category=CAT, aliases=("LOGINV",),
       syntax="LOGNORM.INV(probability, mean, standard_dev)", summary="The inverse of the cumulative lognormal distribution.")
def lognorm_inv(p, m, s):
    # probability must be strictly between 0 and 1
    if not 0 < p < 1 or s <= 0:
        return _bad("probability must be in (0, 1) and standard_dev positive")
    return _result(math.exp(m + s * sc.ndtri(p)))


# ---- gamma, exponential, Weibull, beta -------------------------------------------------------------------------

@excel("GAMMA.DIST", "num", "num", "num", "bool", category=CAT, aliases=("GAMMADIST",),
       syntax="GAMMA.DIST(x, alpha, beta, cumulative)",
       summary="The gamma distribution with shape alpha and scale beta, cumulative or density.")
def gamma_dist(x, alpha, beta, cumulative):
    # x < 0, alpha <= 0 or beta <= 0 is #NUM!
    if x < 0 or alpha <= 0 or beta <= 0:
        return _bad("x must be >= 0 and alpha, beta positive")
    d = st.gamma(alpha, scale=beta)
    return _result(d.cdf(x) if cumulative else d.pdf(x))


@excel("GAMMA.INV", "num", "num", "num", category=CAT, aliases=("GAMMAINV",),
       syntax="GAMMA.INV(probability, alpha, beta)", summary="The inverse of the cumulative gamma distribution.")
def gamma_inv(p, alpha, beta):
    # probability outside [0, 1] is #NUM!; probability 1 has no finite answer
    if not 0 <= p <= 1 or alpha <= 0 or beta <= 0:
        return _bad("probability must be in [0, 1] and alpha, beta positive")
    return _result(st.gamma.ppf(p, alpha, scale=beta))


@excel("EXPON.DIST", "num", "num", "bool", category=CAT, aliases=("EXPONDIST",),
       syntax="EXPON.DIST(x, lambda, cumulative)", summary="The exponential distribution with rate lambda.")
def expon_dist(x, lam, cumulative):
    # x < 0 or lambda <= 0 is #NUM!
    if x < 0 or lam <= 0:
        return _bad("x must be >= 0 and lambda positive")
    return _result(-math.expm1(-lam * x) if cumulative else lam * math.exp(-lam * x))


@excel("WEIBULL.DIST", "num", "num", "num", "bool", category=CAT, aliases=("WEIBULL",),
       syntax="WEIBULL.DIST(x, alpha, beta, cumulative)", summary="The Weibull distribution with shape alpha and scale beta.")
def weibull_dist(x, alpha, beta, cumulative):
    # x < 0, alpha <= 0 or beta <= 0 is #NUM!
    if x < 0 or alpha <= 0 or beta <= 0:
        return _bad("x must be >= 0 and alpha, beta positive")
    d = st.weibull_min(alpha, scale=beta)
    return _result(d.cdf(x) if cumulative else d.pdf(x))


def _beta_bounds(alpha, beta, a, b):
    if alpha <= 0 or beta <= 0 or a >= b:
        return _bad("alpha and beta must be positive and A < B")
    return None


@excel("BETA.DIST", "num", "num", "num", "bool", "num", "num", category=CAT, min_args=4,
       syntax="BETA.DIST(x, alpha, beta, cumulative, [A], [B])",
       summary="The beta distribution on the interval [A, B] (default [0, 1]), cumulative or density.")
def beta_dist(x, alpha, beta, cumulative, a=0.0, b=1.0):
    # x outside [A, B], alpha or beta <= 0, or A = B is #NUM!
    a, b = 0.0 if a is None else a, 1.0 if b is None else b
    bad = _beta_bounds(alpha, beta, a, b) or (None if a <= x <= b else _bad("x must lie between A and B"))
    if bad:
        return bad
    d = st.beta(alpha, beta, loc=a, scale=b - a)
    return _result(d.cdf(x) if cumulative else d.pdf(x))


@excel("BETADIST", "num", "num", "num", "num", "num", category=CAT, min_args=3,
       syntax="BETADIST(x, alpha, beta, [A], [B])", summary="The cumulative beta distribution (older name).")
def betadist(x, alpha, beta, a=0.0, b=1.0):
    return beta_dist(x, alpha, beta, True, a, b)


@excel("BETA.INV", "num", "num", "num", "num", "num", category=CAT, min_args=3, aliases=("BETAINV",),
       syntax="BETA.INV(probability, alpha, beta, [A], [B])", summary="The inverse of the cumulative beta distribution.")
def beta_inv(p, alpha, beta, a=0.0, b=1.0):
    # probability <= 0 or > 1 is #NUM!
    a, b = 0.0 if a is None else a, 1.0 if b is None else b
    bad = _beta_bounds(alpha, beta, a, b) or (None if 0 < p <= 1 else _bad("probability must be in (0, 1]"))
    return bad or _result(a + (b - a) * st.beta.ppf(p, alpha, beta))


# ---- discrete --------------------------------------------------------------------------------------------------

@excel("BINOM.DIST", "num", "num", "num", "bool", category=CAT, aliases=("BINOMDIST",),
       syntax="BINOM.DIST(number_s, trials, probability_s, cumulative)",
       summary="The probability of number_s successes in trials independent tries (or of at most that many).")
def binom_dist(k, n, p, cumulative):
    # number_s and trials are truncated; k outside 0..n or p outside [0, 1] is #NUM!
    k, n = float(math.trunc(k)), float(math.trunc(n))  # floats: scipy refuses Python ints past 2**63
    if not 0 <= k <= n or not 0 <= p <= 1:
        return _bad("need 0 <= number_s <= trials and 0 <= probability_s <= 1")
    return _result(st.binom.cdf(k, n, p) if cumulative else st.binom.pmf(k, n, p))


@excel("POISSON.DIST", "num", "num", "bool", category=CAT, aliases=("POISSON",),
       syntax="POISSON.DIST(x, mean, cumulative)", summary="The probability of x events when mean events are expected.")
def poisson_dist(x, mu, cumulative):
    # x is truncated; x < 0 or mean < 0 is #NUM!
    x = float(math.trunc(x))  # a float: scipy refuses Python ints past 2**63
    if x < 0 or mu < 0:
        return _bad("x and mean must be >= 0")
    return _result(st.poisson.cdf(x, mu) if cumulative else st.poisson.pmf(x, mu))


# ---- t, chi-squared, F -----------------------------------------------------------------------------------------

@excel("T.DIST", "num", "num", "bool", category=CAT, syntax="T.DIST(x, deg_freedom, cumulative)",
       summary="Student's t-distribution (left tail when cumulative, else the density).")
def t_dist(x, df, cumulative):
    # deg_freedom is truncated; below 1 is #NUM!
    d = _df(df)
    if d is None:
        return _bad("deg_freedom must be at least 1")
    return _result(st.t.cdf(x, d) if cumulative else st.t.pdf(x, d))


@excel("T.DIST.RT", "num", "num", category=CAT, syntax="T.DIST.RT(x, deg_freedom)",
       summary="The right tail of Student's t-distribution: the probability of a value above x.")
def t_dist_rt(x, df):
    d = _df(df)
    return _bad("deg_freedom must be at least 1") if d is None else _result(st.t.sf(x, d))


@excel("T.DIST.2T", "num", "num", category=CAT, syntax="T.DIST.2T(x, deg_freedom)",
       summary="Both tails of Student's t-distribution: the probability of a value further than x from 0.")
def t_dist_2t(x, df):
    # x < 0 is #NUM!
    d = _df(df)
    if d is None or x < 0:
        return _bad("x must be >= 0 and deg_freedom at least 1")
    return _result(2 * st.t.sf(x, d))


@excel("TDIST", "num", "num", "num", category=CAT, syntax="TDIST(x, deg_freedom, tails)",
       summary="The one- or two-tailed Student's t-distribution (older name).")
def tdist(x, df, tails):
    # tails must be 1 or 2 (truncated); x < 0 is #NUM!
    tails = math.trunc(tails)
    if tails not in (1, 2) or x < 0:
        return _bad("tails must be 1 or 2 and x >= 0")
    return t_dist_rt(x, df) if tails == 1 else t_dist_2t(x, df)


@excel("T.INV", "num", "num", category=CAT, syntax="T.INV(probability, deg_freedom)",
       summary="The left-tailed inverse of Student's t-distribution.")
def t_inv(p, df):
    # probability must be strictly between 0 and 1
    d = _df(df)
    if d is None or not 0 < p < 1:
        return _bad("probability must be in (0, 1) and deg_freedom at least 1")
    return _result(st.t.ppf(p, d))


@excel("T.INV.2T", "num", "num", category=CAT, aliases=("TINV",), syntax="T.INV.2T(probability, deg_freedom)",
       summary="The two-tailed inverse of Student's t-distribution.")
def t_inv_2t(p, df):
    # probability in (0, 1]; 1 gives 0
    d = _df(df)
    if d is None or not 0 < p <= 1:
        return _bad("probability must be in (0, 1] and deg_freedom at least 1")
    return _result(st.t.isf(p / 2, d))


@excel("CHISQ.DIST", "num", "num", "bool", category=CAT, syntax="CHISQ.DIST(x, deg_freedom, cumulative)",
       summary="The chi-squared distribution (left tail when cumulative, else the density).")
def chisq_dist(x, df, cumulative):
    # x < 0 is #NUM!; deg_freedom is truncated and must be in 1..10^10
    d = _df(df)
    if d is None or x < 0:
        return _bad("x must be >= 0 and deg_freedom in 1..10^10")
    return _result(st.chi2.cdf(x, d) if cumulative else st.chi2.pdf(x, d))


@excel("CHISQ.DIST.RT", "num", "num", category=CAT, aliases=("CHIDIST",), syntax="CHISQ.DIST.RT(x, deg_freedom)",
       summary="The right tail of the chi-squared distribution.")
def chisq_dist_rt(x, df):
    d = _df(df)
    if d is None or x < 0:
        return _bad("x must be >= 0 and deg_freedom in 1..10^10")
    return _result(st.chi2.sf(x, d))


@excel("CHISQ.INV", "num", "num", category=CAT, syntax="CHISQ.INV(probability, deg_freedom)",
       summary="The inverse of the left tail of the chi-squared distribution.")
def chisq_inv(p, df):
    # probability outside [0, 1] is #NUM!
    d = _df(df)
    if d is None or not 0 <= p <= 1:
        return _bad("probability must be in [0, 1] and deg_freedom in 1..10^10")
    return _result(st.chi2.ppf(p, d))


@excel("CHISQ.INV.RT", "num", "num", category=CAT, aliases=("CHIINV",), syntax="CHISQ.INV.RT(probability, deg_freedom)",
       summary="The inverse of the right tail of the chi-squared distribution.")
def chisq_inv_rt(p, df):
    d = _df(df)
    if d is None or not 0 <= p <= 1:
        return _bad("probability must be in [0, 1] and deg_freedom in 1..10^10")
    return _result(st.chi2.isf(p, d))


def _f_dfs(df1, df2):
    d1, d2 = _df(df1), _df(df2)
    return (d1, d2) if d1 is not None and d2 is not None else None


@excel("F.DIST", "num", "num", "num", "bool", category=CAT, syntax="F.DIST(x, deg_freedom1, deg_freedom2, cumulative)",
       summary="The F distribution (left tail when cumulative, else the density).")
def f_dist(x, df1, df2, cumulative):
    # x < 0 is #NUM!; both degrees of freedom are truncated and must be at least 1
    dfs = _f_dfs(df1, df2)
    if dfs is None or x < 0:
        return _bad("x must be >= 0 and the degrees of freedom at least 1")
    return _result(st.f.cdf(x, *dfs) if cumulative else st.f.pdf(x, *dfs))


@excel("F.DIST.RT", "num", "num", "num", category=CAT, aliases=("FDIST",), syntax="F.DIST.RT(x, deg_freedom1, deg_freedom2)",
       summary="The right tail of the F distribution.")
def f_dist_rt(x, df1, df2):
    dfs = _f_dfs(df1, df2)
    if dfs is None or x < 0:
        return _bad("x must be >= 0 and the degrees of freedom at least 1")
    return _result(st.f.sf(x, *dfs))


@excel("F.INV", "num", "num", "num", category=CAT, syntax="F.INV(probability, deg_freedom1, deg_freedom2)",
       summary="The inverse of the left tail of the F distribution.")
def f_inv(p, df1, df2):
    dfs = _f_dfs(df1, df2)
    if dfs is None or not 0 <= p <= 1:
        return _bad("probability must be in [0, 1] and the degrees of freedom at least 1")
    return _result(st.f.ppf(p, *dfs))


@excel("F.INV.RT", "num", "num", "num", category=CAT, aliases=("FINV",),
       syntax="F.INV.RT(probability, deg_freedom1, deg_freedom2)", summary="The inverse of the right tail of the F distribution.")
def f_inv_rt(p, df1, df2):
    dfs = _f_dfs(df1, df2)
    if dfs is None or not 0 <= p <= 1:
        return _bad("probability must be in [0, 1] and the degrees of freedom at least 1")
    return _result(st.f.isf(p, *dfs))


# ---- confidence intervals --------------------------------------------------------------------------------------

@excel("CONFIDENCE.NORM", "num", "num", "num", category=CAT, aliases=("CONFIDENCE",),
       syntax="CONFIDENCE.NORM(alpha, standard_dev, size)",
       summary="Half the width of a confidence interval for a mean, using the normal distribution.")
def confidence_norm(alpha, s, size):
    # size is truncated; alpha outside (0, 1), standard_dev <= 0 or size < 1 is #NUM!
    n = float(math.trunc(size))
    if not 0 < alpha < 1 or s <= 0 or n < 1:
        return _bad("need 0 < alpha < 1, standard_dev > 0 and size >= 1")
    return _result(-sc.ndtri(alpha / 2) * s / math.sqrt(n))


@excel("CONFIDENCE.T", "num", "num", "num", category=CAT, syntax="CONFIDENCE.T(alpha, standard_dev, size)",
       summary="Half the width of a confidence interval for a mean, using Student's t-distribution.")
def confidence_t(alpha, s, size):
    # size 1 leaves no degrees of freedom: #DIV/0!
    n = float(math.trunc(size))
    if not 0 < alpha < 1 or s <= 0 or n < 1:
        return _bad("need 0 < alpha < 1, standard_dev > 0 and size >= 1")
    if n == 1:
        return E.DIV0.because("size 1 leaves no degrees of freedom")
    return _result(st.t.isf(alpha / 2, n - 1) * s / math.sqrt(n))
