"""Excel's criteria language, shared by COUNTIF(S), SUMIF(S), AVERAGEIF(S), MAXIFS and MINIFS.

A criterion is a value (5, TRUE, #N/A, a blank cell) or text with an optional comparison prefix: ">=5", "<>a",
"=", "", "a*b?", "~*". `criterion(value)` turns it into a predicate over one cell's value; `matches(pred, array)`
applies it to every cell of a 2-D array.
"""
from __future__ import annotations

import re
from typing import Callable

import numpy as np

from gdsheet import errors as E
from gdsheet.errors import ExcelError
from gdsheet.values import is_number, parse_number_text, round15

Predicate = Callable[[object], bool]

_OPERATOR = re.compile(r"^(<=|>=|<>|<|>|=)?(.*)$", re.S)
_ORDER = {
    "=": lambda c: c == 0, "<>": lambda c: c != 0, "<": lambda c: c < 0,
    "<=": lambda c: c <= 0, ">": lambda c: c > 0, ">=": lambda c: c >= 0,
}


def criterion(value) -> Predicate:
    """The predicate a criterion stands for, following Excel's COUNTIF rules."""
    if value is None:  # a blank criterion cell means 0 (Microsoft's COUNTIFS documentation)
        value = 0.0
    if isinstance(value, ExcelError):
        return _error_equals("=", value)
    if isinstance(value, bool):
        return _bool_compare("=", value)
    if is_number(value):
        return _number_compare("=", float(value))
    op, operand = _OPERATOR.match(str(value)).groups()
    return _text_criterion(op or "", operand)


def matches(pred: Predicate, values: np.ndarray) -> np.ndarray:
    """A boolean array: which cells of `values` meet the criterion."""
    flat = [pred(v) for v in values.ravel()]
    return np.array(flat, dtype=bool).reshape(values.shape)


def _text_criterion(op: str, operand: str) -> Predicate:
    if operand == "":
        if op == "":  # "" matches empty cells and empty text
            return lambda v: v is None or v == ""
        if op == "=":  # "=" matches truly empty cells only
            return lambda v: v is None
        if op == "<>":  # "<>" matches every cell that is not empty
            return lambda v: v is not None
        return lambda v: False  # ">" or "<=" with nothing to compare against matches nothing
    cmp = op or "="
    number = parse_number_text(operand)
    if number is not None:
        return _number_compare(cmp, number)
    upper = operand.strip().upper()
    if upper in ("TRUE", "FALSE"):
        return _bool_compare(cmp, upper == "TRUE")
    if upper in E.ERRORS_BY_CODE:
        return _error_equals(cmp, E.ERRORS_BY_CODE[upper]) if cmp in ("=", "<>") else (lambda v: False)
    if cmp in ("=", "<>"):
        return _wildcard(cmp, operand)
    low = operand.lower()
    test = _ORDER[cmp]
    # ordered text comparison looks at text cells only, case-insensitively
    return lambda v: isinstance(v, str) and test((v.lower() > low) - (v.lower() < low))


def _complement(op: str, equal: Predicate) -> Predicate:
    # "<>x" is exactly the cells "=x" misses: blanks, errors and other types included
    return equal if op == "=" else (lambda v: not equal(v))


def _number_compare(op: str, number: float) -> Predicate:
    target = round15(number)
    if op in ("=", "<>"):
        # equality also matches text that reads as the same number ("1" = 1), Excel's well-known COUNTIF quirk
        def equal(v) -> bool:
            if is_number(v):
                return round15(float(v)) == target
            if isinstance(v, str):
                n = parse_number_text(v)
                return n is not None and round15(n) == target
            return False

        return _complement(op, equal)
    test = _ORDER[op]
    # ordered comparisons look at numbers only: never text, booleans or blanks
    return lambda v: is_number(v) and test((round15(float(v)) > target) - (round15(float(v)) < target))


def _bool_compare(op: str, flag: bool) -> Predicate:
    if op in ("=", "<>"):
        return _complement(op, lambda v: isinstance(v, bool) and v == flag)
    test = _ORDER[op]
    return lambda v: isinstance(v, bool) and test(int(v) - int(flag))


def _error_equals(op: str, error: ExcelError) -> Predicate:
    return _complement(op, lambda v: isinstance(v, ExcelError) and v == error)


def _wildcard(op: str, pattern: str) -> Predicate:
    """Text equality with Excel's wildcards: * any run, ? one character, ~ escapes the next character."""
    if not any(ch in pattern for ch in "*?~"):
        low = pattern.lower()
        return _complement(op, lambda v: isinstance(v, str) and v.lower() == low)
    parts, i = [], 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "~" and i + 1 < len(pattern):
            parts.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        parts.append(".*" if ch == "*" else "." if ch == "?" else re.escape(ch))
        i += 1
    rx = re.compile("".join(parts), re.I | re.S)
    return _complement(op, lambda v: isinstance(v, str) and rx.fullmatch(v) is not None)
