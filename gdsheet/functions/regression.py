"""Two-variable statistics and least squares: CORREL, COVARIANCE, SLOPE, INTERCEPT, RSQ, STEYX, FORECAST, TREND, LINEST,
and their exponential counterparts GROWTH and LOGEST."""
from __future__ import annotations

import math

import numpy as np

from gdsheet import errors as E
from gdsheet.errors import ExcelError
from gdsheet.functions.registry import excel
from gdsheet.values import is_number

CAT = "Statistical"


def _pairs(ys: np.ndarray, xs: np.ndarray) -> tuple[np.ndarray, np.ndarray] | ExcelError:
    """The (y, x) pairs where both are numbers: text, booleans and blanks drop the pair; an error is the result."""
    if ys.size != xs.size:
        return E.NA.because("the two arrays have different numbers of values")
    for v in (*ys.ravel(), *xs.ravel()):
        if isinstance(v, ExcelError):
            return v
    keep = [(float(y), float(x)) for y, x in zip(ys.ravel(), xs.ravel()) if is_number(y) and is_number(x)]
    arr = np.array(keep, dtype=float).reshape(-1, 2)
    return arr[:, 0], arr[:, 1]


def _moments(ys, xs):
    """(n, mean y, mean x, Syy, Sxx, Sxy): centred sums of squares and cross products."""
    my, mx = ys.mean(), xs.mean()
    dy, dx = ys - my, xs - mx
    return len(ys), my, mx, float(dy @ dy), float(dx @ dx), float(dy @ dx)


def _two_var(fn, min_n: int = 1):
    """A statistic of paired data; #DIV/0! when there are fewer than min_n pairs or the formula divides by 0."""
    def impl(a: np.ndarray, b: np.ndarray):
        p = _pairs(a, b)
        if isinstance(p, ExcelError):
            return p
        if len(p[0]) < min_n:
            return E.DIV0.because(f"at least {min_n} pairs of numbers are needed")
        with np.errstate(all="ignore"):
            v = fn(*_moments(*p))
        return float(v) if math.isfinite(v) else E.DIV0.because("the values do not vary")

    return impl


def _correl(n, my, mx, syy, sxx, sxy):
    return sxy / math.sqrt(syy * sxx) if syy * sxx > 0 else math.nan


_TWO_VAR = (
    ("CORREL", ("array1", "array2"), _correl, 1, ("PEARSON",), "The correlation coefficient of two data sets."),
    ("RSQ", ("known_ys", "known_xs"), lambda n, my, mx, syy, sxx, sxy: _correl(n, my, mx, syy, sxx, sxy) ** 2, 1, (),
     "The square of the correlation coefficient: the share of y's variance a line through x explains."),
    ("COVARIANCE.P", ("array1", "array2"), lambda n, my, mx, syy, sxx, sxy: sxy / n, 1, ("COVAR",),
     "The population covariance of two data sets: the mean product of their deviations."),
    ("COVARIANCE.S", ("array1", "array2"), lambda n, my, mx, syy, sxx, sxy: sxy / (n - 1), 2, (),
     "The sample covariance of two data sets."),
    ("SLOPE", ("known_ys", "known_xs"), lambda n, my, mx, syy, sxx, sxy: sxy / sxx if sxx else math.nan, 1, (),
     "The slope of the least-squares line through the points."),
    ("INTERCEPT", ("known_ys", "known_xs"), lambda n, my, mx, syy, sxx, sxy: my - sxy / sxx * mx if sxx else math.nan,
     1, (), "Where the least-squares line through the points crosses the y axis."),
    ("STEYX", ("known_ys", "known_xs"),
     lambda n, my, mx, syy, sxx, sxy: math.sqrt(max(syy - sxy * sxy / sxx, 0.0) / (n - 2)) if sxx else math.nan, 3, (),
     "The standard error of the y predicted by the least-squares line."),
)

for _name, _args, _fn, _min_n, _aliases, _what in _TWO_VAR:
    # pairs with a non-number on either side are skipped; arrays of different sizes are #N/A
    excel(_name, "values", "values", category=CAT, aliases=_aliases, syntax=f"{_name}({', '.join(_args)})",
          summary=_what)(_two_var(_fn, _min_n))


@excel("FORECAST.LINEAR", "num", "values", "values", category=CAT, aliases=("FORECAST",),
       syntax="FORECAST.LINEAR(x, known_ys, known_xs)",
       summary="The y that the least-squares line through the known points predicts at x.")
def forecast(x: float, ys: np.ndarray, xs: np.ndarray):
    # pairs with a non-number are skipped; x values that do not vary are #DIV/0!
    p = _pairs(ys, xs)
    if isinstance(p, ExcelError):
        return p
    if not len(p[0]):
        return E.DIV0.because("there are no pairs of numbers")
    n, my, mx, _, sxx, sxy = _moments(*p)
    return my + sxy / sxx * (x - mx) if sxx else E.DIV0.because("the known x values do not vary")


# ---- multiple regression ---------------------------------------------------------------------------------------

def _missing(a) -> bool:
    return a is None or isinstance(a, np.ndarray) and a.shape == (1, 1) and a[0, 0] is None


def _numbers(a: np.ndarray) -> np.ndarray | ExcelError:
    """A float array, or the error: LINEST and TREND accept numbers only."""
    for v in a.ravel():
        if isinstance(v, ExcelError):
            return v
        if not is_number(v):
            return E.VALUE.because("the data must be numbers only")
    return a.astype(float)


def _design(known_y: np.ndarray, known_x) -> tuple[np.ndarray, np.ndarray, str] | ExcelError:
    """(y as a vector, X with one column per variable, layout) where layout says how the variables are laid out:
    'same' (x has y's shape), 'cols' (y is a column, each x column a variable) or 'rows' (y a row, each x row)."""
    y = _numbers(known_y)
    if isinstance(y, ExcelError):
        return y
    if _missing(known_x):
        return y.ravel(), np.arange(1.0, y.size + 1).reshape(-1, 1), "same"
    x = _numbers(known_x)
    if isinstance(x, ExcelError):
        return x
    if x.shape == y.shape:
        return y.ravel(), x.reshape(-1, 1), "same"
    if y.shape[1] == 1 and x.shape[0] == y.shape[0]:
        return y.ravel(), x, "cols"
    if y.shape[0] == 1 and x.shape[1] == y.shape[1]:
        return y.ravel(), x.T, "rows"
    return E.REF.because("known_xs does not match the shape of known_ys")


class _Fit:
    """Least squares of y on the columns of X (plus a constant), dropping columns that are collinear with earlier
    ones as Excel does (their coefficient and standard error are 0). With a constant the data are centred first,
    which keeps exact fits exact."""

    def __init__(self, y: np.ndarray, x: np.ndarray, const: bool):
        n, k = x.shape
        self.const, self.n, self.k, self.y = const, n, k, y
        self.x_mean = x.mean(axis=0) if const else np.zeros(k)
        self.y_mean = float(y.mean()) if const else 0.0
        xc, yc = x - self.x_mean, y - self.y_mean
        self.kept: list[int] = []
        for j in range(k):
            c = xc[:, j]
            basis = xc[:, self.kept]
            resid = c - basis @ np.linalg.lstsq(basis, c, rcond=None)[0] if self.kept else c
            if np.linalg.norm(resid) > 1e-10 * max(np.linalg.norm(x[:, j]), 1e-300):
                self.kept.append(j)
        self.a = xc[:, self.kept]
        self.m = np.zeros(k)
        if self.kept:
            self.m[self.kept] = np.linalg.lstsq(self.a, yc, rcond=None)[0]
        self.b = self.y_mean - float(self.x_mean @ self.m) if const else 0.0
        self.resid = y - self.predict(x)
        self.df = n - len(self.kept) - (1 if const else 0)

    def predict(self, x: np.ndarray) -> np.ndarray:
        return x @ self.m + self.b

    def stats(self) -> np.ndarray:
        """LINEST's 5-row block: coefficients, standard errors, R² and se(y), F and df, the sums of squares."""
        out = np.full((5, self.k + 1), E.NA, dtype=object)
        out[0, :] = [*map(float, self.m[::-1]), self.b]
        ss_resid = float(self.resid @ self.resid)
        centred = self.y - self.y_mean
        ss_total = float(centred @ centred)
        ss_reg = ss_total - ss_resid
        out[2, 0] = 1 - ss_resid / ss_total if ss_total else E.NUM.because("y does not vary")
        out[3, 1] = float(self.df)
        out[4, 0], out[4, 1] = ss_reg, ss_resid
        if self.df <= 0:  # no degrees of freedom left: nothing is known about the errors
            out[1, :] = E.NUM
            out[2, 1] = out[3, 0] = E.NUM.because("no degrees of freedom left")
            if not self.const:
                out[1, -1] = E.NA
            return out
        sigma2 = ss_resid / self.df
        inv = np.linalg.pinv(self.a.T @ self.a) if self.kept else np.zeros((0, 0))
        se_m = np.zeros(self.k)
        se_m[self.kept] = np.sqrt(np.maximum(sigma2 * np.diag(inv), 0.0))
        out[1, :self.k] = [float(v) for v in se_m[::-1]]
        xm = self.x_mean[self.kept]
        # no constant was fitted, so it has no standard error
        out[1, -1] = math.sqrt(sigma2 * (1 / self.n + xm @ inv @ xm)) if self.const else E.NA
        out[2, 1] = math.sqrt(sigma2)
        v1 = len(self.kept)
        out[3, 0] = (ss_reg / v1) / sigma2 if v1 and sigma2 else E.NUM.because("F is undefined for this fit")
        return out


def _flag(v, default: bool = True) -> bool:
    return default if v is None else bool(v)


@excel("LINEST", "values", "values", "bool", "bool", category=CAT, min_args=1,
       syntax="LINEST(known_ys, [known_xs], [const], [stats])",
       summary="The least-squares line (or plane) through the data: slopes right to left, then the intercept; with "
               "stats TRUE, a 5-row block of standard errors, R², F, degrees of freedom and sums of squares.")
def linest(known_y: np.ndarray, known_x=None, const=None, stats=None):
    # coefficients come in reverse order of the x variables; collinear variables get 0; the unused cells are #N/A
    d = _design(known_y, known_x)
    if isinstance(d, ExcelError):
        return d
    y, x, _ = d
    fit = _Fit(y, x, _flag(const))
    block = fit.stats()
    return block if _flag(stats, False) else block[:1]


@excel("TREND", "values", "values", "values", "bool", category=CAT, min_args=1,
       syntax="TREND(known_ys, [known_xs], [new_xs], [const])",
       summary="The y values that the least-squares line (or plane) through the known points predicts at new_xs.")
def trend(known_y: np.ndarray, known_x=None, new_x=None, const=None):
    # the result has new_xs' shape (one value per row or column of new_xs when there are several variables)
    d = _design(known_y, known_x)
    if isinstance(d, ExcelError):
        return d
    y, x, layout = d
    fit = _Fit(y, x, _flag(const))
    if _missing(new_x):
        new = x if layout != "same" else (np.arange(1.0, y.size + 1) if _missing(known_x) else _numbers(known_x))
    else:
        new = _numbers(new_x)
    if isinstance(new, ExcelError):
        return new
    if layout == "same":
        shape = new.shape if new.ndim == 2 else known_y.shape
        out = fit.predict(new.reshape(-1, 1)).reshape(shape)
    elif layout == "cols":
        if new.shape[1] != x.shape[1]:
            return E.REF.because("new_xs needs one column per variable")
        out = fit.predict(new).reshape(-1, 1)
    else:
        if new.shape[0] != x.shape[1]:
            return E.REF.because("new_xs needs one row per variable")
        out = fit.predict(new.T).reshape(1, -1)
    return np.array([[float(v) for v in row] for row in out], dtype=object)


# ---- exponential curves: least squares on ln(y) ----------------------------------------------------------------

def _ln_y(known_y: np.ndarray) -> np.ndarray | ExcelError:
    """ln of each known y (as an object array for LINEST and TREND); a y <= 0 has no logarithm: #NUM!."""
    y = _numbers(known_y)
    if isinstance(y, ExcelError):
        return y
    if (y <= 0).any():
        return E.NUM.because("known_ys must all be positive")
    return np.log(y).astype(object)


@excel("LOGEST", "values", "values", "bool", "bool", category=CAT, min_args=1,
       syntax="LOGEST(known_ys, [known_xs], [const], [stats])",
       summary="The exponential curve y = b*m1^x1*m2^x2... that fits the data: the m values right to left, then b; "
               "with stats TRUE, LINEST's statistics of the fit of ln(y).")
def logest(known_y: np.ndarray, known_x=None, const=None, stats=None):
    # Excel quirk: only the first row is transformed back (m = e^slope, b = e^intercept); the statistics below
    # stay those of the straight line through ln(y), as LINEST gives them
    ln_y = _ln_y(known_y)
    if isinstance(ln_y, ExcelError):
        return ln_y
    block = linest(ln_y, known_x, const, stats)
    if isinstance(block, ExcelError):
        return block
    block = block.copy()
    block[0, :] = [math.exp(v) for v in block[0, :]]
    return block


@excel("GROWTH", "values", "values", "values", "bool", category=CAT, min_args=1,
       syntax="GROWTH(known_ys, [known_xs], [new_xs], [const])",
       summary="The y values that the exponential curve fitted to the known points predicts at new_xs.")
def growth(known_y: np.ndarray, known_x=None, new_x=None, const=None):
    # TREND of ln(y), raised back to e; a prediction too large for a number is #NUM!
    ln_y = _ln_y(known_y)
    if isinstance(ln_y, ExcelError):
        return ln_y
    out = trend(ln_y, known_x, new_x, const)
    if isinstance(out, ExcelError):
        return out
    with np.errstate(over="ignore"):
        return np.array([[float(np.exp(v)) if v < 709.78 else E.NUM for v in row] for row in out], dtype=object)
