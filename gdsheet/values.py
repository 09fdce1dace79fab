"""Excel's value model and its coercions, shared by the evaluator and every function.

A value is one of: float (numbers; ints are accepted and treated alike), bool, str, None (an empty cell),
ExcelError, a 2-D numpy object array (an array value), an Area / MultiArea (a reference, before it is read), or a
Lambda (a LAMBDA, or a function passed by name, before it is called).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Callable

import numpy as np

from gdsheet import errors as E
from gdsheet.errors import ExcelError
from gdsheet.refs import Area


@dataclass(frozen=True, slots=True)
class MultiArea:
    """A union reference, (A1:B2,D4): several areas."""

    areas: tuple[Area, ...]


Reference = (Area, MultiArea)


@dataclass(frozen=True, slots=True, eq=False)
class Lambda:
    """A LAMBDA as a value (what MAP, REDUCE, GROUPBY... receive): `invoke(*values)` runs its calculation with the
    parameters bound in order (fewer values than parameters: the rest are omitted). Left in a cell it is #CALC!."""

    params: tuple[str, ...]
    invoke: Callable
    name: str = "LAMBDA"

    def __call__(self, *values):
        return self.invoke(*values)


def is_reference(v) -> bool:
    return isinstance(v, (Area, MultiArea))



def is_number(v) -> bool:
    """A number proper (booleans are not numbers in Excel's range functions)."""
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def array2d(rows) -> np.ndarray:
    """A 2-D object array from nested lists (or a scalar -> 1x1)."""
    if isinstance(rows, np.ndarray):
        return rows if rows.ndim == 2 else rows.reshape(1, -1) if rows.ndim == 1 else rows.reshape(1, 1)
    if not isinstance(rows, list):
        out = np.empty((1, 1), dtype=object)
        out[0, 0] = rows
        return out
    height, width = len(rows), max((len(r) for r in rows), default=0)
    out = np.empty((height, width), dtype=object)
    for i, r in enumerate(rows):
        for j, v in enumerate(r):
            out[i, j] = v
    return out


# ---- number <-> text ----------------------------------------------------------------------------------------

_NUMBER_TEXT = re.compile(r"^\s*([+-]?)\s*(\d+(?:\.\d*)?|\.\d+)(?:[eE]([+-]?\d+))?\s*(%?)\s*$")


def parse_number_text(text: str) -> float | None:
    """Excel's reading of text as a number: '3', ' 1.5e3 ', '50%', '1,234' -> float; otherwise None.

    Dates and times in text ('2024-01-31', '12:30') are handled by the date functions' own parser.
    """
    t = text.replace(",", "") if re.fullmatch(r"\s*[+-]?\d{1,3}(,\d{3})+(\.\d*)?\s*", text) else text
    m = _NUMBER_TEXT.match(t)
    if not m:
        from gdsheet.functions.datetime_parse import parse_date_text  # dates are numbers too: "2024-01-31"+0
        return parse_date_text(text)
    sign, digits, exp, pct = m.groups()
    v = float(f"{digits}e{exp}" if exp else digits)
    if not math.isfinite(v):
        return None  # "1E+3000" is text, not a number
    if pct:
        v /= 100.0
    return -v if sign == "-" else v


def format_number(v: float) -> str:
    """A number as Excel's General format writes it into text: 15 significant digits, no trailing zeros."""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if v == 0:
        return "0"
    if v == int(v) and abs(v) < 1e15:
        return str(int(v))
    a = abs(v)
    if 1e-9 <= a < 1e15:
        s = f"{v:.15g}"
        if "e" not in s:
            return s
        if s[s.index("e") + 1] == "-":  # .15g chose exponent form for small numbers; Excel writes them out
            return f"{v:.{14 - int(math.floor(math.log10(a)))}f}".rstrip("0").rstrip(".")
        # else 15 digits rounded it up to 1E+15 (999999999999999.5): written as Excel does, below
    mant, exp = f"{v:.14E}".split("E")
    mant = mant.rstrip("0").rstrip(".")
    return f"{mant}E{'+' if int(exp) >= 0 else '-'}{abs(int(exp)):02d}"


def format_numbers(values: np.ndarray) -> list[str]:
    """format_number of each of an array of floats, the same texts made in bulk: whole numbers through int, the
    rest that '%.15g' writes without an exponent straight from it, only what is left one by one."""
    values = np.asarray(values, dtype=np.float64)
    out: list[str | None] = [None] * len(values)
    a = np.abs(values)
    whole = (values == np.trunc(values)) & (a < 1e15)
    for i, n in zip(np.flatnonzero(whole).tolist(), values[whole].astype(np.int64).tolist()):
        out[i] = str(n)
    plain = ~whole & (a >= 1e-4) & (a < 1e15)  # '%.15g' writes these without an exponent (unless they round up)
    for i, s in zip(np.flatnonzero(plain).tolist(), map("%.15g".__mod__, values[plain].tolist())):
        out[i] = s if "e" not in s else format_number(float(values[i]))
    for i in np.flatnonzero(~whole & ~plain).tolist():
        out[i] = format_number(float(values[i]))
    return out


# ---- coercions (scalars only; errors are returned, not raised) -----------------------------------------------

def to_number(v):
    """Scalar -> float, as arithmetic does: blank 0, TRUE 1, numeric text parsed, other text #VALUE!."""
    if isinstance(v, bool):
        return 1.0 if v else 0.0
    if isinstance(v, (int, float)):
        return float(v)
    if v is None:
        return 0.0
    if isinstance(v, str):
        n = parse_number_text(v)
        return E.VALUE.because(f"text {v!r} is not a number") if n is None else n
    if isinstance(v, ExcelError):
        return v
    return E.VALUE


def to_text(v):
    """Scalar -> str, as '&' does: numbers in General format, TRUE/FALSE, blank ''."""
    if isinstance(v, str):
        return v
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, (int, float)):
        return format_number(float(v))
    if isinstance(v, ExcelError):
        return v
    return E.VALUE


def to_bool(v):
    """Scalar -> bool, as IF/AND do: numbers nonzero, 'TRUE'/'FALSE' text, blank FALSE; other text #VALUE!."""
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float)):
        return v != 0
    if v is None:
        return False
    if isinstance(v, str):
        u = v.strip().upper()
        if u in ("TRUE", "FALSE"):
            return u == "TRUE"
        return E.VALUE.because(f"text {v!r} is not TRUE or FALSE")
    if isinstance(v, ExcelError):
        return v
    return E.VALUE


def round15(x: float) -> float:
    """x rounded to 15 significant digits: Excel compares numbers at that precision (0.1+0.2=0.3 is TRUE)."""
    if x == 0 or not math.isfinite(x):
        return x
    return float(f"{x:.15g}")


_TYPE_RANK = {float: 0, int: 0, str: 1, bool: 2}


def compare(a, b) -> int | ExcelError:
    """Excel's ordering of two scalars: numbers < text < booleans; text case-insensitive; blank as 0 / '' / FALSE."""
    if isinstance(a, ExcelError):
        return a
    if isinstance(b, ExcelError):
        return b
    if a is None:
        a = "" if isinstance(b, str) else False if isinstance(b, bool) else 0.0
    if b is None:
        b = "" if isinstance(a, str) else False if isinstance(a, bool) else 0.0
    ra, rb = _TYPE_RANK.get(type(a)), _TYPE_RANK.get(type(b))
    if ra is None or rb is None:  # a LAMBDA or an array inside an array: nothing Excel compares
        return E.VALUE.because("only numbers, text and TRUE/FALSE can be compared")
    if ra != rb:
        return -1 if ra < rb else 1
    if ra == 0:
        a, b = round15(float(a)), round15(float(b))
    elif ra == 1:
        a, b = a.lower(), b.lower()
    return (a > b) - (a < b)
