"""FORECAST.ETS and its family: Excel's forecast by triple exponential smoothing (additive error, trend and season).

Excel documents the model (the "AAA version of the Exponential Triple Smoothing algorithm") but not its fitting
details. Here: the timeline is sorted, equal times aggregated, its step found and gaps completed; the season length
is detected from the autocorrelation of the detrended series; level, trend and season are smoothed as additive
Holt-Winters, with alpha, beta and gamma in [0, 1] chosen to minimise the squared one-step errors (the maximum
likelihood fit for Gaussian errors); the prediction interval is the ETS(A,A,A) one. Results follow Excel's shape
and errors but not its last digits (tests/functions/test_forecast_ets.py states the tolerance).
"""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from gdsheet import errors as E
from gdsheet.errors import ExcelError
from gdsheet.functions.registry import excel
from gdsheet.lazy_modules import lazy_module
from gdsheet.values import is_number

optimize = lazy_module("scipy.optimize")
st = lazy_module("scipy.stats")

CAT = "Statistical"
MAX_SEASON = 8760  # hours in a year: Excel's limit for seasonality
MAX_MISSING = 0.3  # Excel completes up to 30% missing points
STEP_TOLERANCE = 0.15  # how far from a whole number of steps a gap may be (28 to 31 days for month starts)


class Fit:
    """A fitted model: the smoothing parameters, the final states and the one-step errors."""

    def __init__(self, y: np.ndarray, m: int, step: float, last_x: float):
        self.y, self.m, self.step, self.last_x = y, m, step, last_x
        start = _initial_state(y, m)
        best = None
        for guess in ((0.3, 0.1, 0.1), (0.8, 0.05, 0.3), (0.1, 0.01, 0.05)):
            res = optimize.minimize(lambda p: _run(y, m, p, start)[0], guess[:3 if m > 1 else 2],
                                    method="L-BFGS-B", bounds=[(0.0, 1.0)] * (3 if m > 1 else 2))
            if best is None or res.fun < best.fun:
                best = res
        self.params = tuple(float(v) for v in best.x) + ((0.0,) if m == 1 else ())
        self.sse, self.level, self.trend, self.season, self.fitted = _run(y, m, self.params, start, keep=True)
        self.errors = y - self.fitted

    def forecast(self, h: float) -> float:
        """The forecast h steps after the last point (fractional h: straight between the neighbouring steps)."""
        lo = math.floor(h)
        if lo == h:
            return self._at(int(h))
        return self._at(lo) + (h - lo) * (self._at(lo + 1) - self._at(lo))

    def _at(self, h: int) -> float:
        n = len(self.y)
        return self.level + h * self.trend + (self.season[(n - 1 + h) % self.m] if self.m > 1 else 0.0)

    def interval(self, h: float, confidence: float) -> float:
        """Half the width of the prediction interval h steps ahead (ETS(A,A,A)'s forecast variance)."""
        alpha, beta, gamma = self.params
        a, b, g = alpha, alpha * beta, gamma * (1 - alpha)  # the innovations form of the Holt-Winters parameters
        sigma2 = float(self.errors @ self.errors) / len(self.y)
        k = max(math.ceil(h), 1) - 1  # var = sigma2 * (1 + sum over j = 1..k of (a + j b + g [m divides j])^2)
        var = 1.0 + k * a * a + a * b * k * (k + 1) + b * b * k * (k + 1) * (2 * k + 1) / 6
        if self.m > 1:
            p = k // self.m  # the seasonal term adds at j = m, 2m, ..., pm (sums in closed form: h may be huge)
            var += p * (2 * g * a + g * g) + g * b * self.m * p * (p + 1)
        return float(st.norm.ppf((1 + confidence) / 2) * math.sqrt(sigma2 * var))


def _initial_state(y: np.ndarray, m: int) -> tuple[float, float, np.ndarray]:
    """Level and trend of a line through the first two seasons (or the first points), and the first season's
    deviations from that line, centred; the level is the line's value one step before the first point."""
    if m > 1:
        first, second = y[:m].mean(), y[m:2 * m].mean()
        trend = (second - first) / m
        line = first + (np.arange(m) - (m - 1) / 2) * trend
        season = y[:m] - line
        season -= season.mean()
        return first - ((m - 1) / 2 + 1) * trend, trend, season
    k = min(len(y), 4)
    slope = np.polyfit(np.arange(k), y[:k], 1)[0] if k > 1 else 0.0
    return y[0] - slope, slope, np.zeros(1)


def _run(y, m, params, start, keep=False):
    """Additive Holt-Winters over y: the sum of squared one-step errors (and, with keep, the final states and the
    one-step forecasts)."""
    alpha, beta = params[0], params[1]
    gamma = params[2] if m > 1 else 0.0
    level, trend, season = start[0], start[1], start[2].copy()
    sse, fitted = 0.0, np.empty(len(y)) if keep else None
    for t, v in enumerate(y):
        s = season[t % m] if m > 1 else 0.0
        f = level + trend + s
        if keep:
            fitted[t] = f
        sse += (v - f) ** 2
        new_level = alpha * (v - s) + (1 - alpha) * (level + trend)
        trend = beta * (new_level - level) + (1 - beta) * trend
        if m > 1:
            season[t % m] = gamma * (v - level - trend) + (1 - gamma) * s
        level = new_level
    return (sse, level, trend, season, fitted) if keep else (sse,)


# ---- the timeline --------------------------------------------------------------------------------------------

_AGGREGATE = {1: np.mean, 2: len, 3: len, 4: np.max, 5: np.median, 6: np.min, 7: np.sum}


def series(values: np.ndarray, timeline: np.ndarray, completion, aggregation):
    """(y, step, last time) from Excel's values and timeline: sorted, equal times aggregated, the step found and
    missing points completed (by the neighbours' average, or 0 when data_completion is 0)."""
    if values.size != timeline.size:
        return E.NA.because("values and timeline have different sizes")
    completion = 1 if completion is None else completion
    aggregation = 1 if aggregation is None else math.trunc(aggregation)
    if completion not in (0, 1) or aggregation not in _AGGREGATE:
        return E.NUM.because("data_completion must be 0 or 1 and aggregation 1 to 7")
    points: dict[float, list[float]] = {}
    for v, x in zip(values.ravel(), timeline.ravel()):
        for a in (v, x):
            if isinstance(a, ExcelError):
                return a
        if not is_number(x):
            return E.VALUE.because("the timeline must be numbers (dates or times)")
        if is_number(v):
            points.setdefault(float(x), []).append(float(v))
        elif v is not None:
            return E.VALUE.because("the values must be numbers")
    xs = sorted(points)
    if len(xs) < 3:
        return E.NUM.because("at least 3 points are needed")
    ys = [float(_AGGREGATE[aggregation](np.array(points[x]))) for x in xs]
    diffs = np.diff(xs)
    # the most common gap is the step (31 for month starts); each gap must be close to a whole number of steps
    unit = float(diffs.min())
    gaps, counts = np.unique(np.round(diffs / unit, 6), return_counts=True)
    step = float(gaps[np.argmax(counts)]) * unit
    ratios = diffs / step
    whole = np.round(ratios)
    if (whole < 1).any() or (np.abs(ratios - whole) > STEP_TOLERANCE).any():
        return E.NUM.because("the timeline has no consistent step")
    total = float(whole.sum()) + 1
    if total - len(xs) > MAX_MISSING * total:  # checked before the series is made: it may be huge
        return E.NUM.because("more than 30% of the timeline's points are missing")
    index = np.concatenate([[0], np.cumsum(whole)]).astype(int)
    y = np.full(index[-1] + 1, np.nan)
    y[index] = ys
    missing = np.isnan(y)
    if missing.any():
        y[missing] = np.interp(np.flatnonzero(missing), index, ys) if completion else 0.0
    return y, step, xs[-1]


def detect_season(y: np.ndarray) -> int:
    """The season length with the strongest autocorrelation of the detrended series, or 1 when none stands out
    (at least two full seasons are needed, and a correlation of 0.5)."""
    n = len(y)
    t = np.arange(n)
    r = y - np.polyval(np.polyfit(t, y, 1), t)
    denom = float(r @ r)
    if n < 4 or denom <= 1e-12 * max(float(y @ y), 1e-300):
        return 1
    acf = {lag: float(r[lag:] @ r[:-lag]) / denom for lag in range(2, min(n // 2, MAX_SEASON) + 1)}
    peaks = [lag for lag, v in acf.items()
             if v >= 0.5 and v >= acf.get(lag - 1, -1.0) and v >= acf.get(lag + 1, -1.0)]
    if not peaks:
        return 1
    best = max(acf[lag] for lag in peaks)
    # the shortest season nearly as strong as the best: a 4-season pattern also correlates at lag 8
    return min(lag for lag in peaks if acf[lag] >= 0.9 * best)


def _season(seasonality, y: np.ndarray):
    if seasonality is None:
        seasonality = 1
    if seasonality != math.trunc(seasonality) or not 0 <= seasonality <= MAX_SEASON:
        return E.NUM.because(f"seasonality must be a whole number from 0 to {MAX_SEASON}")
    m = int(seasonality)
    if m == 1:
        return detect_season(y)
    if m == 0:
        return 1
    if len(y) < 2 * m:
        return E.NUM.because("the data must cover at least two seasons")
    return m


@lru_cache(maxsize=64)
def _fit_cached(y: tuple, m: int, step: float, last_x: float) -> Fit:
    # a sheet usually asks for many target dates of one history: fit it once
    return Fit(np.array(y), m, step, last_x)


def fitted_model(values, timeline, seasonality, completion, aggregation) -> Fit | ExcelError:
    s = series(values, timeline, completion, aggregation)
    if isinstance(s, ExcelError):
        return s
    y, step, last_x = s
    m = _season(seasonality, y)
    if isinstance(m, ExcelError):
        return m
    with np.errstate(all="ignore"):
        return _fit_cached(tuple(y.tolist()), m, step, last_x)


def steps_ahead(fit: Fit, target: float):
    """How many steps after the last point the target lies; before the end of the timeline is #NUM!. A target
    within the timeline's tolerance of a whole step counts as that step, as the data points do (the month after
    the last month start is 28 to 31 days on, one step of 31 days); between steps the forecast is interpolated."""
    h = (target - fit.last_x) / fit.step
    if h < 0:
        return E.NUM.because("target_date is before the end of the timeline")
    return float(round(h)) if abs(h - round(h)) <= STEP_TOLERANCE else h


# ---- the functions -------------------------------------------------------------------------------------------

@excel("FORECAST.ETS", "num", "values", "values", "num", "num", "num", category=CAT, min_args=3,
       syntax="FORECAST.ETS(target_date, values, timeline, [seasonality], [data_completion], [aggregation])",
       summary="A future value by exponential triple smoothing (level, trend and season) of the history; "
               "seasonality 1 detects the season length, 0 means none.")
def forecast_ets(target, values, timeline, seasonality=None, completion=None, aggregation=None):
    # a target before the end of the timeline is #NUM!; an irregular timeline is #NUM!; sizes that differ #N/A
    fit = fitted_model(values, timeline, seasonality, completion, aggregation)
    if isinstance(fit, ExcelError):
        return fit
    h = steps_ahead(fit, target)
    return h if isinstance(h, ExcelError) else _finite(fit.forecast(h))


@excel("FORECAST.ETS.CONFINT", "num", "values", "values", "num", "num", "num", "num", category=CAT, min_args=3,
       syntax="FORECAST.ETS.CONFINT(target_date, values, timeline, [confidence_level], [seasonality], "
              "[data_completion], [aggregation])",
       summary="Half the width of the prediction interval around FORECAST.ETS's value at target_date "
               "(95% confidence by default).")
def forecast_ets_confint(target, values, timeline, confidence=None, seasonality=None, completion=None,
                         aggregation=None):
    # confidence_level must lie strictly between 0 and 1
    confidence = 0.95 if confidence is None else confidence
    if not 0 < confidence < 1:
        return E.NUM.because("confidence_level must be between 0 and 1")
    fit = fitted_model(values, timeline, seasonality, completion, aggregation)
    if isinstance(fit, ExcelError):
        return fit
    h = steps_ahead(fit, target)
    return h if isinstance(h, ExcelError) else _finite(fit.interval(h, confidence))


@excel("FORECAST.ETS.SEASONALITY", "values", "values", "num", "num", category=CAT, min_args=2,
       syntax="FORECAST.ETS.SEASONALITY(values, timeline, [data_completion], [aggregation])",
       summary="The length of the repeating pattern FORECAST.ETS detects in the history (0 when it finds none).")
def forecast_ets_seasonality(values, timeline, completion=None, aggregation=None):
    s = series(values, timeline, completion, aggregation)
    if isinstance(s, ExcelError):
        return s
    m = detect_season(s[0])
    return float(m if m > 1 else 0)


_STATS = {1: "alpha", 2: "beta", 3: "gamma", 4: "MASE", 5: "SMAPE", 6: "MAE", 7: "RMSE", 8: "step"}


@excel("FORECAST.ETS.STAT", "values", "values", "num", "num", "num", "num", category=CAT, min_args=3,
       syntax="FORECAST.ETS.STAT(values, timeline, statistic_type, [seasonality], [data_completion], [aggregation])",
       summary="A statistic of FORECAST.ETS's fit: 1 alpha, 2 beta, 3 gamma, 4 MASE, 5 SMAPE, 6 MAE, 7 RMSE, "
               "8 the step of the timeline.")
def forecast_ets_stat(values, timeline, statistic, seasonality=None, completion=None, aggregation=None):
    # statistic_type outside 1 to 8 is #NUM!; the accuracy measures are those of the one-step forecasts
    kind = math.trunc(statistic)
    if kind not in _STATS:
        return E.NUM.because("statistic_type must be 1 to 8")
    fit = fitted_model(values, timeline, seasonality, completion, aggregation)
    if isinstance(fit, ExcelError):
        return fit
    if kind <= 3:
        return fit.params[kind - 1]
    if kind == 8:
        return fit.step
    e, y = fit.errors, fit.y
    if kind == 4:
        naive = np.abs(np.diff(y)).mean()
        return _finite(np.abs(e).mean() / naive) if naive else E.DIV0.because("the values do not change")
    if kind == 5:
        scale = (np.abs(y) + np.abs(fit.fitted)) / 2
        ok = scale > 0
        return _finite(float((np.abs(e[ok]) / scale[ok]).mean())) if ok.any() else 0.0
    return _finite(np.abs(e).mean() if kind == 6 else math.sqrt(float(e @ e) / len(e)))


def _finite(x) -> float | ExcelError:
    x = float(x)
    return x if math.isfinite(x) else E.NUM.because("the result is out of range")
