"""Counting distributions beyond BINOM.DIST and POISSON.DIST: BINOM.INV, BINOM.DIST.RANGE, NEGBINOM.DIST, HYPGEOM.DIST
(and their older names)."""
from __future__ import annotations

import math


from gdsheet import errors as E
from gdsheet.functions.registry import excel
from gdsheet.lazy_modules import lazy_module

st = lazy_module("scipy.stats")

CAT = "Statistical"


def _result(x) -> float:
    x = float(x)
    return x if math.isfinite(x) else E.NUM.because("the result is out of range")


@excel("BINOM.INV", "num", "num", "num", category=CAT, aliases=("CRITBINOM",),
       syntax="BINOM.INV(trials, probability_s, alpha)",
       summary="The smallest number of successes whose cumulative binomial probability is at least alpha.")
def binom_inv(trials, p, alpha):
    # trials is truncated; trials < 0, or probability_s or alpha outside [0, 1], is #NUM!
    n = float(math.trunc(trials))  # a float: scipy refuses Python ints past 2**63 (BINOM.INV(1E+300,...))
    if n < 0 or not 0 <= p <= 1 or not 0 <= alpha <= 1:
        return E.NUM.because("need trials >= 0 and probability_s and alpha between 0 and 1")
    k = max(float(st.binom.ppf(alpha, n, p)), 0.0)
    # ppf inverts in floating point: step to the smallest k whose cumulative probability reaches alpha (a few
    # steps at most; past 2**53 trials k - 1 == k, so the steps are bounded)
    for _ in range(64):
        if not (k > 0 and st.binom.cdf(k - 1, n, p) >= alpha):
            break
        k -= 1
    for _ in range(64):
        if not (k < n and st.binom.cdf(k, n, p) < alpha):
            break
        k += 1
    return _result(k)


@excel("BINOM.DIST.RANGE", "num", "num", "num", "num", category=CAT, min_args=3,
       syntax="BINOM.DIST.RANGE(trials, probability_s, number_s, [number_s2])",
       summary="The probability of between number_s and number_s2 successes (exactly number_s when it is omitted).")
def binom_dist_range(trials, p, s, s2=None):
    # the counts are truncated; number_s2 below number_s or above trials is #NUM!
    n, lo = float(math.trunc(trials)), float(math.trunc(s))  # floats for scipy, as in BINOM.INV
    hi = lo if s2 is None else float(math.trunc(s2))
    if n < 0 or not 0 <= p <= 1 or not 0 <= lo <= n or not lo <= hi <= n:
        return E.NUM.because("need 0 <= number_s <= number_s2 <= trials and 0 <= probability_s <= 1")
    return _result(st.binom.cdf(hi, n, p) - (st.binom.cdf(lo - 1, n, p) if lo > 0 else 0.0)
                   if hi > lo else st.binom.pmf(lo, n, p))


def _negbinom(f, s, p, cumulative):
    f, s = float(math.trunc(f)), float(math.trunc(s))  # floats for scipy, as in BINOM.INV
    if f < 0 or s < 1 or not 0 <= p <= 1:
        return E.NUM.because("need number_f >= 0, number_s >= 1 and 0 <= probability_s <= 1")
    return _result(st.nbinom.cdf(f, s, p) if cumulative else st.nbinom.pmf(f, s, p))


@excel("NEGBINOM.DIST", "num", "num", "num", "bool", category=CAT,
       syntax="NEGBINOM.DIST(number_f, number_s, probability_s, cumulative)",
       summary="The probability of number_f failures before the number_s-th success (or of at most that many).")
def negbinom_dist(f, s, p, cumulative):
    # number_f and number_s are truncated; number_s < 1 or number_f < 0 is #NUM!
    return _negbinom(f, s, p, cumulative)


@excel("NEGBINOMDIST", "num", "num", "num", category=CAT, syntax="NEGBINOMDIST(number_f, number_s, probability_s)",
       summary="The probability of number_f failures before the number_s-th success (older name, not cumulative).")
def negbinomdist(f, s, p):
    return _negbinom(f, s, p, False)


def _hypgeom(k, n, big_k, big_n, cumulative):
    k, n, big_k, big_n = (float(math.trunc(v)) for v in (k, n, big_k, big_n))  # floats for scipy
    if not (0 < n <= big_n and 0 < big_k <= big_n and max(0, n - big_n + big_k) <= k <= min(n, big_k)):
        return E.NUM.because("the sample, the successes and the population do not fit together")
    d = st.hypergeom(big_n, big_k, n)
    return _result(d.cdf(k) if cumulative else d.pmf(k))


@excel("HYPGEOM.DIST", "num", "num", "num", "num", "bool", category=CAT,
       syntax="HYPGEOM.DIST(sample_s, number_sample, population_s, number_pop, cumulative)",
       summary="The probability of sample_s successes in a sample drawn without replacement from a population.")
def hypgeom_dist(k, n, big_k, big_n, cumulative):
    # all four counts are truncated; a count outside what the population allows is #NUM!
    return _hypgeom(k, n, big_k, big_n, cumulative)


@excel("HYPGEOMDIST", "num", "num", "num", "num", category=CAT,
       syntax="HYPGEOMDIST(sample_s, number_sample, population_s, number_pop)",
       summary="The probability of sample_s successes in a sample without replacement (older name, not cumulative).")
def hypgeomdist(k, n, big_k, big_n):
    return _hypgeom(k, n, big_k, big_n, False)
